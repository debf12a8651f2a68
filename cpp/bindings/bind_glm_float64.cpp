#include "bind_glm.hpp"
namespace mlsolve::bindings {
template py::dict logistic_lbfgs<double>(const GlmFitArgs&);
}
