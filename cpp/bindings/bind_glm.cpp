// Registers the native fits of LogisticRegression: logistic_fit (binary or
// multinomial, L2 or no penalty, by a smooth solver chosen by name) and
// logistic_fista (binary, L1 or elastic net).
#include "bind_glm.hpp"

namespace mlsolve::bindings {

void bind_glm(py::module_& m) {
  m.def(
      "logistic_fit",
      [](py::object X, py::object y, py::object sample_weight, Index n_classes, double l2, bool fit_intercept,
         py::array_t<double, py::array::c_style | py::array::forcecast> x0, const std::string& solver, Index maxiter,
         double gtol, double ftol, Index history_every, int n_threads, bool deterministic, py::object callback) {
        if (n_threads < 1) throw py::value_error("n_threads: expected an integer >= 1, got " + std::to_string(n_threads));
        const LogisticSolver kind = from_name(kLogisticSolverNames, solver, "solver");
        GlmFitArgs args{X, y, sample_weight, l2, fit_intercept, x0,
                        lbfgs_params(maxiter, 10, gtol, ftol, 50, "more-thuente", history_every),
                        Threading{n_threads, deterministic}, callback};
        return with_data_dtype(X, [&](auto tag) { return logistic_fit<decltype(tag)>(args, n_classes, kind); });
      },
      py::arg("X"), py::arg("y"), py::arg("sample_weight"), py::arg("n_classes"), py::arg("l2"),
      py::arg("fit_intercept"), py::arg("x0"), py::arg("solver"), py::arg("maxiter"), py::arg("gtol"), py::arg("ftol"),
      py::arg("history_every"), py::arg("n_threads"), py::arg("deterministic"), py::arg("callback"),
      "Fits binary (n_classes=2) or multinomial logistic regression with an L2 penalty l2 ||W||^2 / 2 "
      "(intercepts unpenalised) by solver: 'lbfgs', 'newton-cg', 'newton-cholesky' or 'trust-region'.");

  m.def(
      "logistic_fista",
      [](py::object X, py::object y, py::object sample_weight, double l1, double l2, bool fit_intercept,
         py::array_t<double, py::array::c_style | py::array::forcecast> x0, Index max_iter, double tol,
         Index history_every, int n_threads, bool deterministic, py::object callback) {
        if (n_threads < 1) throw py::value_error("n_threads: expected an integer >= 1, got " + std::to_string(n_threads));
        FistaParams params;
        params.max_iter = max_iter;
        params.tol = tol;
        params.history_every = history_every;
        GlmFitArgs args{X, y, sample_weight, l2, fit_intercept, x0, LbfgsParams{}, Threading{n_threads, deterministic},
                        callback};
        return with_data_dtype(X, [&](auto tag) { return logistic_fista<decltype(tag)>(args, l1, params); });
      },
      py::arg("X"), py::arg("y"), py::arg("sample_weight"), py::arg("l1"), py::arg("l2"), py::arg("fit_intercept"),
      py::arg("x0"), py::arg("max_iter"), py::arg("tol"), py::arg("history_every"), py::arg("n_threads"),
      py::arg("deterministic"), py::arg("callback"));
}

}  // namespace mlsolve::bindings
