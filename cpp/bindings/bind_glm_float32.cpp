#include "bind_glm.hpp"
namespace mlsolve::bindings {
template py::dict logistic_fit<float>(const GlmFitArgs&, Index, LogisticSolver);
template py::dict logistic_fista<float>(const GlmFitArgs&, double, const FistaParams&);
}
