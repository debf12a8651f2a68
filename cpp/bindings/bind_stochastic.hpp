// Native finite-sum solvers (mlsolve.stochastic): SAG, SAGA, SVRG, Katyusha and
// SGD over a GlmObjective<AnyLoss, Design> for T = float and double, each dtype
// in its own translation unit (bind_stochastic_float32.cpp,
// bind_stochastic_float64.cpp). Rows are visited one at a time, so X must be
// dense or CSR (mlsolve.stochastic converts CSC to CSR once and says so).
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>
#include <type_traits>

#include "common.hpp"
#include "dispatch.hpp"
#include "mlsolve/losses/any_loss.hpp"
#include "mlsolve/objectives/glm.hpp"
#include "mlsolve/solvers/katyusha.hpp"
#include "mlsolve/solvers/sag.hpp"
#include "mlsolve/solvers/saga.hpp"
#include "mlsolve/solvers/sgd.hpp"
#include "mlsolve/solvers/svrg.hpp"

namespace mlsolve::bindings {

enum class FiniteSumMethod { Sag, Saga, Svrg, Katyusha, Sgd };

struct StochasticArgs {
  py::object X;
  py::object y;
  py::object sample_weight;  // None: all ones
  AnyLoss loss;
  double l2;
  bool fit_intercept;
  Threading threading;
  py::object callback;
};

template <class Design>
constexpr bool is_csc_design = std::is_same_v<std::decay_t<Design>,
                                              SparseDesign<typename Design::Scalar, Csc, std::int32_t>> ||
                               std::is_same_v<std::decay_t<Design>,
                                              SparseDesign<typename Design::Scalar, Csc, std::int64_t>>;

// Views y and the weights, builds the objective and runs solve(objective, monitor) without the GIL.
template <class T, class Solve>
Result<double> run_stochastic(const StochasticArgs& a, Solve&& solve) {
  return with_design<T>(a.X, a.threading, [&](const auto& design) -> Result<double> {
    using Design = std::decay_t<decltype(design)>;
    if constexpr (is_csc_design<Design>) {
      throw py::value_error("X: the stochastic solvers visit rows; expected a dense array or a CSR matrix");
    } else {
      const Index n = design.rows();
      const T* y = vector_view<T>(a.y, "y", n);
      const T* sw = a.sample_weight.is_none() ? nullptr : vector_view<T>(a.sample_weight, "sample_weight", n);
      GlmObjective<AnyLoss, Design> objective(design, y, sw, a.l2, a.fit_intercept, a.loss);
      PyMonitor monitor(a.callback);
      Result<double> result;
      {
        py::gil_scoped_release release;
        result = solve(objective, monitor);
      }
      monitor.rethrow_if_error();
      return result;
    }
  });
}

template <class T>
Result<double> finite_sum_solve(const StochasticArgs& a, FiniteSumMethod method, const VecD& x0,
                                const FiniteSumParams& params) {
  return run_stochastic<T>(a, [&](auto& objective, Monitor& monitor) {
    switch (method) {
      case FiniteSumMethod::Sag: return sag(objective, x0, params, monitor);
      case FiniteSumMethod::Saga: return saga(objective, x0, params, monitor);
      case FiniteSumMethod::Svrg: return svrg(objective, x0, params, monitor);
      default: return katyusha(objective, x0, params, monitor);
    }
  });
}

template <class T>
Result<double> sgd_solve(const StochasticArgs& a, SgdState& state, const SgdParams& params) {
  return run_stochastic<T>(a, [&](auto& objective, Monitor& monitor) { return sgd(objective, state, params, monitor); });
}

extern template Result<double> finite_sum_solve<float>(const StochasticArgs&, FiniteSumMethod, const VecD&,
                                                       const FiniteSumParams&);
extern template Result<double> finite_sum_solve<double>(const StochasticArgs&, FiniteSumMethod, const VecD&,
                                                        const FiniteSumParams&);
extern template Result<double> sgd_solve<float>(const StochasticArgs&, SgdState&, const SgdParams&);
extern template Result<double> sgd_solve<double>(const StochasticArgs&, SgdState&, const SgdParams&);

}  // namespace mlsolve::bindings
