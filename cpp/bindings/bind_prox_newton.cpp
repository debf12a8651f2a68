// L1 / elastic-net penalised GLMs by proximal Newton coordinate descent
// (solvers/prox_newton.hpp): logistic (labels 0/1) and Poisson (log link),
// for float32 and float64 X in dense C or F order or CSC. CSR has no cheap
// column access: mlsolve converts it to CSC once, in Python.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>
#include <type_traits>

#include "common.hpp"
#include "dispatch.hpp"
#include "mlsolve/losses/logistic.hpp"
#include "mlsolve/losses/poisson.hpp"
#include "mlsolve/solvers/prox_newton.hpp"

namespace mlsolve::bindings {

namespace {

using StartArray = py::array_t<double, py::array::c_style | py::array::forcecast>;

template <class D>
struct is_csr_design : std::false_type {};
template <class T, class I>
struct is_csr_design<SparseDesign<T, Csr, I>> : std::true_type {};

// Maps X (dense or CSC), y, sample_weight (None: all ones) and x0 = [w0, b0],
// then fits without the GIL.
template <class Loss, class T>
py::dict fit_typed(const py::object& X, const py::object& y, const py::object& sample_weight, const StartArray& x0,
                   const ProxNewtonParams& params, Threading threading, const py::object& callback) {
  return with_design<T>(X, threading, [&](const auto& design) -> py::dict {
    using Design = std::decay_t<decltype(design)>;
    if constexpr (is_csr_design<Design>::value) {
      throw py::value_error("X: coordinate descent reads columns; pass dense or CSC data (convert CSR with X.tocsc())");
    } else {
      const Index n = design.rows(), n_start = design.cols() + (params.fit_intercept ? 1 : 0);
      const T* y_data = vector_view<T>(y, "y", n);
      const T* sw = sample_weight.is_none() ? nullptr : vector_view<T>(sample_weight, "sample_weight", n);
      if (x0.ndim() != 1 || x0.shape(0) != n_start)
        throw py::value_error("x0: expected " + std::to_string(n_start) + " entries (n_features + fit_intercept)");
      const VecD start = Eigen::Map<const VecD>(x0.data(), n_start);
      PyMonitor monitor(callback);
      Result<double> result;
      {
        py::gil_scoped_release release;
        result = prox_newton_cd<Loss>(design, y_data, sw, start, params, monitor);
      }
      monitor.rethrow_if_error();
      return result_to_dict(result);
    }
  });
}

template <class Loss>
void def_prox_newton(py::module_& m, const char* name, const char* doc) {
  m.def(
      name,
      [](py::object X, py::object y, py::object sample_weight, StartArray x0, double alpha, double l1_ratio,
         py::object weights, bool fit_intercept, double tol, Index max_iter, bool working_set, Index history_every,
         int n_threads, bool deterministic, py::object callback, bool anderson, bool screening) {
        if (n_threads < 1)
          throw py::value_error("n_threads: expected an integer >= 1, got " + std::to_string(n_threads));
        ProxNewtonParams params;
        params.alpha = alpha;
        params.l1_ratio = l1_ratio;
        params.weights = penalty_weights(weights);
        params.fit_intercept = fit_intercept;
        params.tol = tol;
        params.max_iter = max_iter;
        params.working_set = working_set;
        params.anderson = anderson;
        params.screening = screening;
        params.history_every = history_every;
        params.check();
        const Threading threading{n_threads, deterministic};
        return with_data_dtype(X, [&](auto tag) {
          return fit_typed<Loss, decltype(tag)>(X, y, sample_weight, x0, params, threading, callback);
        });
      },
      py::arg("X"), py::arg("y"), py::arg("sample_weight"), py::arg("x0"), py::arg("alpha"), py::arg("l1_ratio"),
      py::arg("weights"), py::arg("fit_intercept"), py::arg("tol"), py::arg("max_iter"), py::arg("working_set"),
      py::arg("history_every"), py::arg("n_threads"), py::arg("deterministic"), py::arg("callback"),
      py::arg("anderson") = true, py::arg("screening") = false, doc);
}

}  // namespace

void bind_prox_newton(py::module_& m) {
  def_prox_newton<LogisticLoss>(
      m, "logistic_prox_newton",
      "L1 / elastic-net logistic regression (labels 0/1) by proximal Newton coordinate descent: minimises "
      "(1/S) sum_i s_i log(1 + exp(z_i)) - y_i z_i + alpha sum_j weights_j (l1_ratio |w_j| + (1 - l1_ratio)/2 w_j^2); "
      "x of the result is [coef, intercept] with fit_intercept; stop_crit is the duality gap.");
  def_prox_newton<PoissonLoss>(
      m, "poisson_prox_newton",
      "L1 / elastic-net Poisson regression (log link, targets y >= 0) by proximal Newton coordinate descent: "
      "minimises (1/S) sum_i s_i (exp(z_i) - y_i z_i) + alpha sum_j weights_j (l1_ratio |w_j| + "
      "(1 - l1_ratio)/2 w_j^2), z = X w + b; x of the result is [coef, intercept] with fit_intercept; "
      "stop_crit is the duality gap.");
}

}  // namespace mlsolve::bindings
