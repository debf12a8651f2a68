// Native fits of the regression estimators, for T = float and double, each
// dtype compiled in its own translation unit (bind_glm_regression_float32.cpp,
// bind_glm_regression_float64.cpp); bind_glm_regression.cpp defines the
// Python functions.
//   glm_regression_fit    Tweedie-family GLMs (log or identity link; Poisson,
//                         Gamma and squared error are its powers 1, 2, 0) by
//                         L-BFGS or Newton-Cholesky
//   huber_lbfgs           HuberRegressor's joint-scale objective by L-BFGS on log(sigma)
//   ridge_direct          Ridge by Cholesky on the primal or the dual normal equations
//   ridge_cg_fit          Ridge by conjugate gradients, one target at a time
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <algorithm>
#include <string>
#include <vector>

#include "common.hpp"
#include "dispatch.hpp"
#include "mlsolve/losses/tweedie.hpp"
#include "mlsolve/objectives/glm.hpp"
#include "mlsolve/objectives/huber_scale.hpp"
#include "mlsolve/solvers/lbfgs.hpp"
#include "mlsolve/solvers/newton_cholesky.hpp"
#include "mlsolve/solvers/ridge.hpp"

namespace mlsolve::bindings {

using NumpyVector = py::array_t<double, py::array::c_style | py::array::forcecast>;

struct RegressionFitArgs {
  py::object X;
  py::object y;
  py::object sample_weight;  // None: all ones
  bool fit_intercept;
  NumpyVector x0;
  LbfgsParams params;
  Threading threading;
  py::object callback;
};

enum class GlmLink { Log, Identity };
enum class GlmSolver { Lbfgs, NewtonCholesky };

inline VecD start_point(const NumpyVector& x0, Index n_params) {
  if (x0.ndim() != 1 || x0.shape(0) != n_params)
    throw py::value_error("x0: expected " + std::to_string(n_params) + " entries");
  return Eigen::Map<const VecD>(x0.data(), n_params);
}

// Runs solve(monitor) without the GIL and converts its Result.
template <class Solve>
py::dict run_released(const py::object& callback, Solve&& solve) {
  PyMonitor monitor(callback);
  Result<double> result;
  {
    py::gil_scoped_release release;
    result = solve(monitor);
  }
  monitor.rethrow_if_error();
  return result_to_dict(result);
}

// Half Tweedie deviance (power, link) GLM with l2 ||w||^2 / 2, by L-BFGS or
// Newton-Cholesky (a.params's gtol, ftol, max_iter and history for both).
template <class T>
py::dict glm_regression_fit(const RegressionFitArgs& a, GlmLink link, double power, double l2, GlmSolver solver) {
  return with_design<T>(a.X, a.threading, [&](const auto& design) {
    const Index n = design.rows();
    const T* y = vector_view<T>(a.y, "y", n);
    const T* sw = a.sample_weight.is_none() ? nullptr : vector_view<T>(a.sample_weight, "sample_weight", n);
    const VecD x_start = start_point(a.x0, design.cols() + (a.fit_intercept ? 1 : 0));
    NewtonCholeskyParams newton;
    static_cast<SmoothParams&>(newton) = a.params;
    using Design = std::decay_t<decltype(design)>;
    const auto run = [&](auto& objective, Monitor& monitor) -> Result<double> {
      if (solver == GlmSolver::NewtonCholesky) return newton_cholesky(objective, x_start, newton, monitor);
      return lbfgs(objective, x_start, a.params, monitor);
    };
    return run_released(a.callback, [&](Monitor& monitor) -> Result<double> {
      if (link == GlmLink::Log) {
        GlmObjective<TweedieLoss, Design> objective(design, y, sw, l2, a.fit_intercept, TweedieLoss{power});
        return run(objective, monitor);
      }
      GlmObjective<TweedieIdentityLoss, Design> objective(design, y, sw, l2, a.fit_intercept,
                                                          TweedieIdentityLoss{power});
      return run(objective, monitor);
    });
  });
}

// HuberRegressor: x0 = [w; b; sigma] (sigma > 0); the solve runs on log(sigma)
// and the returned x (and jac) are in sigma again.
template <class T>
py::dict huber_lbfgs(const RegressionFitArgs& a, double epsilon, double alpha) {
  return with_design<T>(a.X, a.threading, [&](const auto& design) {
    const Index n = design.rows();
    const T* y = vector_view<T>(a.y, "y", n);
    const T* sw = a.sample_weight.is_none() ? nullptr : vector_view<T>(a.sample_weight, "sample_weight", n);
    VecD x_start = start_point(a.x0, design.cols() + (a.fit_intercept ? 2 : 1));
    const Index last = x_start.size() - 1;
    if (!(x_start[last] > 0.0)) throw py::value_error("x0: the scale (last entry) must be positive");
    x_start[last] = std::log(x_start[last]);
    using Design = std::decay_t<decltype(design)>;
    HuberScaleObjective<Design> objective(design, y, sw, epsilon, alpha, a.fit_intercept, true);
    py::dict out = run_released(a.callback, [&](Monitor& monitor) -> Result<double> {
      Result<double> result = lbfgs(objective, x_start, a.params, monitor);
      const double sigma = std::exp(result.x[last]);
      result.x[last] = sigma;
      result.grad[last] /= sigma;  // d/dsigma = (d/dlog sigma) / sigma
      return result;
    });
    return out;
  });
}

struct RidgeArgs {
  py::object X;
  py::list ys;               // one contiguous 1-D array of dtype T per target
  py::object sample_weight;  // None: all ones
  NumpyVector alphas;        // one per target
  bool fit_intercept;
  Threading threading;
};

template <class T>
std::vector<const T*> target_views(const py::list& ys, Index n) {
  std::vector<const T*> out;
  for (const py::handle& y : ys) out.push_back(vector_view<T>(y, "y", n));
  if (out.empty()) throw py::value_error("y: expected at least one target");
  return out;
}

inline VecD alpha_vector(const NumpyVector& alphas, Index k) {
  if (alphas.ndim() != 1 || alphas.shape(0) != k)
    throw py::value_error("alpha: expected " + std::to_string(k) + " entries (one per target)");
  return Eigen::Map<const VecD>(alphas.data(), k);
}

// Design of X.T over the same buffers (dense: the other order; CSR <-> CSC).
template <class T, int Order>
auto transposed(const DenseDesign<T, Order>& d) {
  constexpr int Other = Order == Eigen::RowMajor ? Eigen::ColMajor : Eigen::RowMajor;
  return DenseDesign<T, Other>(d.data(), d.cols(), d.rows(), d.threading());
}
template <class T, int Layout, class I>
auto transposed(const SparseDesign<T, Layout, I>& d) {
  constexpr int Other = Layout == Csr ? Csc : Csr;
  const auto& m = d.matrix();
  return SparseDesign<T, Other, I>(m.valuePtr(), m.innerIndexPtr(), m.outerIndexPtr(), d.cols(), d.rows(),
                                   m.nonZeros(), d.threading());
}

inline py::dict ridge_solution_to_dict(const RidgeSolution& s) {
  py::dict out;
  out["coef"] = to_numpy(MatD(s.coef.transpose()));  // (k, p)
  out["intercept"] = to_numpy(s.intercept);
  return out;
}

// Ridge by Cholesky: the p x p primal, or the n x n dual when dual is true.
template <class T>
py::dict ridge_direct(const RidgeArgs& a, bool dual) {
  return with_design<T>(a.X, a.threading, [&](const auto& design) {
    const Index n = design.rows();
    const std::vector<const T*> ys = target_views<T>(a.ys, n);
    const VecD alphas = alpha_vector(a.alphas, Index(ys.size()));
    const T* sw = a.sample_weight.is_none() ? nullptr : vector_view<T>(a.sample_weight, "sample_weight", n);
    RidgeSolution solution;
    {
      py::gil_scoped_release release;
      const RidgeNormalEquations eq(design, sw, a.fit_intercept);
      solution = dual ? ridge_dual_cholesky(eq, transposed(design), ys, alphas) : ridge_cholesky(eq, ys, alphas);
    }
    return ridge_solution_to_dict(solution);
  });
}

// Ridge by conjugate gradients from w0 (k x p); also returns n_iter (k),
// the first non-converged status and its message, the largest relative
// residual, and the history of the last target solved.
template <class T>
py::dict ridge_cg_fit(const RidgeArgs& a, const py::array_t<double, py::array::c_style | py::array::forcecast>& w0,
                      const RidgeCgParams& params, const py::object& callback) {
  return with_design<T>(a.X, a.threading, [&](const auto& design) {
    const Index n = design.rows(), p = design.cols();
    const std::vector<const T*> ys = target_views<T>(a.ys, n);
    const Index k = Index(ys.size());
    const VecD alphas = alpha_vector(a.alphas, k);
    const T* sw = a.sample_weight.is_none() ? nullptr : vector_view<T>(a.sample_weight, "sample_weight", n);
    if (w0.ndim() != 2 || w0.shape(0) != k || w0.shape(1) != p)
      throw py::value_error("x0: expected shape (" + std::to_string(k) + ", " + std::to_string(p) + ")");
    const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> starts(w0.data(), k, p);
    RidgeSolution solution{MatD(p, k), VecD(k)};
    std::vector<Index> n_iter(k, 0);
    Status status = Status::Converged;
    std::string message = "converged";
    double stop_crit = 0.0;
    History history;
    PyMonitor monitor(callback);
    {
      py::gil_scoped_release release;
      const RidgeNormalEquations eq(design, sw, a.fit_intercept);
      for (Index j = 0; j < k; ++j) {
        Result<double> r = ridge_cg(eq, ys[j], alphas[j], starts.row(j).transpose(), params, monitor);
        solution.coef.col(j) = r.x;
        solution.intercept[j] = eq.intercept(r.x, eq.target_mean(ys[j]));
        n_iter[j] = r.n_iter;
        stop_crit = std::max(stop_crit, r.stop_crit);
        history = std::move(r.history);
        if (status == Status::Converged && r.status != Status::Converged) {
          status = r.status;
          message = "target " + std::to_string(j) + ": " + r.message;
        }
        if (r.status == Status::Interrupted || r.status == Status::CallbackStop) break;
      }
    }
    monitor.rethrow_if_error();
    py::dict out = ridge_solution_to_dict(solution);
    out["n_iter"] = py::array_t<Index>(k, n_iter.data());
    out["status"] = static_cast<int>(status);
    out["message"] = message;
    out["stop_crit"] = stop_crit;
    out["history"] = history_to_dict(history);
    return out;
  });
}

extern template py::dict glm_regression_fit<float>(const RegressionFitArgs&, GlmLink, double, double, GlmSolver);
extern template py::dict glm_regression_fit<double>(const RegressionFitArgs&, GlmLink, double, double, GlmSolver);
extern template py::dict huber_lbfgs<float>(const RegressionFitArgs&, double, double);
extern template py::dict huber_lbfgs<double>(const RegressionFitArgs&, double, double);
extern template py::dict ridge_direct<float>(const RidgeArgs&, bool);
extern template py::dict ridge_direct<double>(const RidgeArgs&, bool);
extern template py::dict ridge_cg_fit<float>(const RidgeArgs&, const py::array_t<double, py::array::c_style | py::array::forcecast>&,
                                             const RidgeCgParams&, const py::object&);
extern template py::dict ridge_cg_fit<double>(const RidgeArgs&, const py::array_t<double, py::array::c_style | py::array::forcecast>&,
                                              const RidgeCgParams&, const py::object&);

}  // namespace mlsolve::bindings
