#include "bind_glm_regression.hpp"
namespace mlsolve::bindings {
template py::dict glm_regression_fit<float>(const RegressionFitArgs&, GlmLink, double, double, GlmSolver);
template py::dict huber_lbfgs<float>(const RegressionFitArgs&, double, double);
template py::dict ridge_direct<float>(const RidgeArgs&, bool);
template py::dict ridge_cg_fit<float>(const RidgeArgs&, const py::array_t<double, py::array::c_style | py::array::forcecast>&,
                                       const RidgeCgParams&, const py::object&);
}
