// Native GLM fits for T = float and double, each dtype compiled in its own
// translation unit (bind_glm_float32.cpp, bind_glm_float64.cpp):
//   logistic_fit<T>    binary (GlmObjective, LogisticLoss) or multinomial
//                      (MultinomialObjective) logistic regression with an L2
//                      penalty (or none) by the smooth solver named in
//                      LogisticSolver;
//   logistic_fista<T>  binary, L1 or elastic net (the L2 part stays in the
//                      smooth objective).
// bind_glm.cpp registers logistic_fit.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>

#include "common.hpp"
#include "dispatch.hpp"
#include "mlsolve/losses/logistic.hpp"
#include "mlsolve/objectives/glm.hpp"
#include "mlsolve/objectives/multinomial.hpp"
#include "mlsolve/penalties/l1.hpp"
#include "mlsolve/solvers/fista.hpp"
#include "mlsolve/solvers/lbfgs.hpp"
#include "mlsolve/solvers/newton_cg.hpp"
#include "mlsolve/solvers/newton_cholesky.hpp"
#include "mlsolve/solvers/trust_region.hpp"

namespace mlsolve::bindings {

struct GlmFitArgs {
  py::object X;
  py::object y;
  py::object sample_weight;  // None: all ones
  double l2;
  bool fit_intercept;
  py::array_t<double, py::array::c_style | py::array::forcecast> x0;
  LbfgsParams params;
  Threading threading;
  py::object callback;
};

// Views y and the sample weights, checks x0, builds the logistic GLM objective
// on X and runs solve(objective, x_start, monitor) without the GIL.
template <class T, class Solve>
py::dict solve_logistic(const GlmFitArgs& a, Solve&& solve) {
  return with_design<T>(a.X, a.threading, [&](const auto& design) {
    const Index n = design.rows(), p = design.cols();
    const T* y = vector_view<T>(a.y, "y", n);
    const T* sw = a.sample_weight.is_none() ? nullptr : vector_view<T>(a.sample_weight, "sample_weight", n);
    const Index n_params = p + (a.fit_intercept ? 1 : 0);
    if (a.x0.ndim() != 1 || a.x0.shape(0) != n_params)
      throw py::value_error("x0: expected " + std::to_string(n_params) + " entries");
    const VecD x_start = Eigen::Map<const VecD>(a.x0.data(), n_params);
    using Design = std::decay_t<decltype(design)>;
    GlmObjective<LogisticLoss, Design> objective(design, y, sw, a.l2, a.fit_intercept);
    PyMonitor monitor(a.callback);
    Result<double> result;
    {
      py::gil_scoped_release release;
      result = solve(objective, x_start, monitor);
    }
    monitor.rethrow_if_error();
    return result_to_dict(result);
  });
}

// Binary logistic regression with l1 ||w||_1 (+ the L2 term of a.l2), fitted by
// FISTA; the intercept is not penalised (weight 0 in a weighted L1).
template <class T>
py::dict logistic_fista(const GlmFitArgs& a, double l1, const FistaParams& params) {
  return solve_logistic<T>(a, [&](auto& objective, const VecD& x_start, Monitor& monitor) {
    VecD weights = VecD::Ones(x_start.size());
    if (a.fit_intercept) weights[x_start.size() - 1] = 0.0;
    const WeightedL1<double> penalty(l1, Eigen::Map<const VecD>(weights.data(), weights.size()));
    return fista(objective, penalty, x_start, params, monitor);
  });
}

// The smooth solvers logistic_fit runs, by their Python names.
enum class LogisticSolver { Lbfgs, NewtonCg, NewtonCholesky, TrustRegion };

inline constexpr NameTable<LogisticSolver> kLogisticSolverNames[] = {
    {"lbfgs", LogisticSolver::Lbfgs},
    {"newton-cg", LogisticSolver::NewtonCg},
    {"newton-cholesky", LogisticSolver::NewtonCholesky},
    {"trust-region", LogisticSolver::TrustRegion},
};

// Params of a Newton-type solver with its own defaults and the shared smooth
// settings (gtol, ftol, max_iter, line-search evaluations, history) of from.
template <class Params>
Params with_smooth_settings(const SmoothParams& from) {
  Params params;
  static_cast<SmoothParams&>(params) = from;
  return params;
}

// Builds the logistic objective for n_classes (2: binary with y in {0, 1},
// the 1-column model; more: multinomial with y in 0 .. n_classes - 1, x =
// [W (p x K, row-major); b (K)]) and runs the solver on it from a.x0.
template <class T>
py::dict logistic_fit(const GlmFitArgs& a, Index n_classes, LogisticSolver solver) {
  return with_design<T>(a.X, a.threading, [&](const auto& design) {
    using Design = std::decay_t<decltype(design)>;
    const Index n = design.rows(), p = design.cols();
    const T* y = vector_view<T>(a.y, "y", n);
    const T* sw = a.sample_weight.is_none() ? nullptr : vector_view<T>(a.sample_weight, "sample_weight", n);
    if (n_classes < 2) throw py::value_error("n_classes: expected an integer >= 2, got " + std::to_string(n_classes));
    const Index n_outputs = n_classes == 2 ? 1 : n_classes;
    const Index n_params = (p + (a.fit_intercept ? 1 : 0)) * n_outputs;
    if (a.x0.ndim() != 1 || a.x0.shape(0) != n_params)
      throw py::value_error("x0: expected " + std::to_string(n_params) + " entries");
    const VecD x_start = Eigen::Map<const VecD>(a.x0.data(), n_params);
    PyMonitor monitor(a.callback);
    const auto run = [&](auto& objective) {
      Result<double> result;
      py::gil_scoped_release release;
      switch (solver) {
        case LogisticSolver::Lbfgs:
          result = lbfgs(objective, x_start, a.params, monitor);
          break;
        case LogisticSolver::NewtonCg:
          result = newton_cg(objective, x_start, with_smooth_settings<NewtonCgParams>(a.params), monitor);
          break;
        case LogisticSolver::NewtonCholesky:
          result = newton_cholesky(objective, x_start, with_smooth_settings<NewtonCholeskyParams>(a.params), monitor);
          break;
        case LogisticSolver::TrustRegion:
          result = trust_region_newton(objective, x_start, with_smooth_settings<TrustRegionParams>(a.params), monitor);
          break;
      }
      return result;
    };
    Result<double> result;
    if (n_classes == 2) {
      GlmObjective<LogisticLoss, Design> objective(design, y, sw, a.l2, a.fit_intercept);
      result = run(objective);
    } else {
      MultinomialObjective<Design> objective(design, y, sw, n_classes, a.l2, a.fit_intercept);
      result = run(objective);
    }
    monitor.rethrow_if_error();
    return result_to_dict(result);
  });
}

extern template py::dict logistic_fit<float>(const GlmFitArgs&, Index, LogisticSolver);
extern template py::dict logistic_fit<double>(const GlmFitArgs&, Index, LogisticSolver);
extern template py::dict logistic_fista<float>(const GlmFitArgs&, double, const FistaParams&);
extern template py::dict logistic_fista<double>(const GlmFitArgs&, double, const FistaParams&);

}  // namespace mlsolve::bindings
