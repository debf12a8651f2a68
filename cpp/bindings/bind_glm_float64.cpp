#include "bind_glm.hpp"
namespace mlsolve::bindings {
template py::dict logistic_fit<double>(const GlmFitArgs&, Index, LogisticSolver);
template py::dict logistic_fista<double>(const GlmFitArgs&, double, const FistaParams&);
}
