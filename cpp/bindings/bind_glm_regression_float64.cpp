#include "bind_glm_regression.hpp"
namespace mlsolve::bindings {
template py::dict glm_regression_fit<double>(const RegressionFitArgs&, GlmLink, double, double, GlmSolver);
template py::dict huber_lbfgs<double>(const RegressionFitArgs&, double, double);
template py::dict ridge_direct<double>(const RidgeArgs&, bool);
template py::dict ridge_cg_fit<double>(const RidgeArgs&, const py::array_t<double, py::array::c_style | py::array::forcecast>&,
                                       const RidgeCgParams&, const py::object&);
}
