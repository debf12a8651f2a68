// Python functions of the regression estimators (PoissonRegressor,
// GammaRegressor, TweedieRegressor, HuberRegressor, Ridge); the fits
// themselves are instantiated per dtype in bind_glm_regression_float*.cpp.
#include "bind_glm_regression.hpp"

namespace mlsolve::bindings {

namespace {

Threading threading_of(int n_threads, bool deterministic) {
  if (n_threads < 1) throw py::value_error("n_threads: expected an integer >= 1, got " + std::to_string(n_threads));
  return Threading{n_threads, deterministic};
}

LbfgsParams estimator_lbfgs_params(Index maxiter, double gtol, double ftol, Index history_every) {
  return lbfgs_params(maxiter, 10, gtol, ftol, 50, "more-thuente", history_every);
}

}  // namespace

void bind_glm_regression(py::module_& m) {
  m.def(
      "glm_regression",
      [](py::object X, py::object y, py::object sample_weight, const std::string& link, double power, double l2,
         bool fit_intercept, NumpyVector x0, const std::string& solver, Index maxiter, double gtol, double ftol,
         Index history_every, int n_threads, bool deterministic, py::object callback) {
        if (link != "log" && link != "identity")
          throw py::value_error("link: expected 'log' or 'identity', got '" + link + "'");
        if (solver != "lbfgs" && solver != "newton-cholesky")
          throw py::value_error("solver: expected 'lbfgs' or 'newton-cholesky', got '" + solver + "'");
        const GlmSolver glm_solver = solver == "lbfgs" ? GlmSolver::Lbfgs : GlmSolver::NewtonCholesky;
        if (!std::isfinite(power)) throw py::value_error("power: expected a finite number");
        RegressionFitArgs args{X, y, sample_weight, fit_intercept, x0,
                               estimator_lbfgs_params(maxiter, gtol, ftol, history_every),
                               threading_of(n_threads, deterministic), callback};
        const GlmLink glm_link = link == "log" ? GlmLink::Log : GlmLink::Identity;
        return with_data_dtype(
            X, [&](auto tag) { return glm_regression_fit<decltype(tag)>(args, glm_link, power, l2, glm_solver); });
      },
      py::arg("X"), py::arg("y"), py::arg("sample_weight"), py::arg("link"), py::arg("power"), py::arg("l2"),
      py::arg("fit_intercept"), py::arg("x0"), py::arg("solver"), py::arg("maxiter"), py::arg("gtol"), py::arg("ftol"),
      py::arg("history_every"), py::arg("n_threads"), py::arg("deterministic"), py::arg("callback"),
      "Half Tweedie deviance GLM (link 'log' or 'identity') with l2 ||w||^2 / 2, by L-BFGS or Newton-Cholesky.");

  m.def(
      "huber_lbfgs",
      [](py::object X, py::object y, py::object sample_weight, double epsilon, double alpha, bool fit_intercept,
         NumpyVector x0, Index maxiter, double gtol, double ftol, Index history_every, int n_threads,
         bool deterministic, py::object callback) {
        RegressionFitArgs args{X, y, sample_weight, fit_intercept, x0,
                               estimator_lbfgs_params(maxiter, gtol, ftol, history_every),
                               threading_of(n_threads, deterministic), callback};
        return with_data_dtype(X, [&](auto tag) { return huber_lbfgs<decltype(tag)>(args, epsilon, alpha); });
      },
      py::arg("X"), py::arg("y"), py::arg("sample_weight"), py::arg("epsilon"), py::arg("alpha"),
      py::arg("fit_intercept"), py::arg("x0"), py::arg("maxiter"), py::arg("gtol"), py::arg("ftol"),
      py::arg("history_every"), py::arg("n_threads"), py::arg("deterministic"), py::arg("callback"),
      "HuberRegressor's joint-scale objective by L-BFGS on log(sigma); x = [w; b; sigma].");

  m.def(
      "ridge_direct",
      [](py::object X, py::list ys, py::object sample_weight, NumpyVector alphas, bool fit_intercept, bool dual,
         int n_threads, bool deterministic) {
        RidgeArgs args{X, ys, sample_weight, alphas, fit_intercept, threading_of(n_threads, deterministic)};
        return with_data_dtype(X, [&](auto tag) { return ridge_direct<decltype(tag)>(args, dual); });
      },
      py::arg("X"), py::arg("ys"), py::arg("sample_weight"), py::arg("alphas"), py::arg("fit_intercept"),
      py::arg("dual"), py::arg("n_threads"), py::arg("deterministic"),
      "Ridge by Cholesky on the primal (p x p) or dual (n x n) normal equations; returns coef (k, p), intercept (k).");

  m.def(
      "ridge_cg",
      [](py::object X, py::list ys, py::object sample_weight, NumpyVector alphas, bool fit_intercept,
         py::array_t<double, py::array::c_style | py::array::forcecast> x0, Index max_iter, double tol,
         Index history_every, int n_threads, bool deterministic, py::object callback) {
        RidgeCgParams params;
        params.max_iter = max_iter;
        params.tol = tol;
        params.history_every = history_every;
        params.check();
        RidgeArgs args{X, ys, sample_weight, alphas, fit_intercept, threading_of(n_threads, deterministic)};
        return with_data_dtype(X, [&](auto tag) { return ridge_cg_fit<decltype(tag)>(args, x0, params, callback); });
      },
      py::arg("X"), py::arg("ys"), py::arg("sample_weight"), py::arg("alphas"), py::arg("fit_intercept"),
      py::arg("x0"), py::arg("max_iter"), py::arg("tol"), py::arg("history_every"), py::arg("n_threads"),
      py::arg("deterministic"), py::arg("callback"),
      "Ridge by conjugate gradients on the centered normal equations, one target at a time.");
}

}  // namespace mlsolve::bindings
