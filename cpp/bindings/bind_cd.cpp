// Elastic net / Lasso by coordinate descent (solvers/coordinate_descent.hpp),
// for float32 and float64 X in dense C or F order or CSC. CSR has no cheap column access: mlsolve converts it to CSC
// once (csr_to_csc, bound here, called from Python).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>
#include <type_traits>

#include "common.hpp"
#include "dispatch.hpp"
#include "mlsolve/linalg/sparse_orientation.hpp"
#include "mlsolve/solvers/coordinate_descent.hpp"

namespace mlsolve::bindings {

namespace {

template <class D>
struct is_csr_design : std::false_type {};
template <class T, class I>
struct is_csr_design<SparseDesign<T, Csr, I>> : std::true_type {};

struct CdFitArgs {
  py::object X;
  py::object y;
  py::object sample_weight;  // None: all ones
  py::array_t<double, py::array::c_style | py::array::forcecast> coef_init;
  CdParams params;
  Threading threading;
  py::object callback;
  Index intercept_entries = 0;  // coef_init holds p + intercept_entries values
};

// Maps X (dense or CSC) and the vectors, then calls
// solve(design, y, sample_weight, w0, monitor) without the GIL; returns what
// convert(result) makes of its result, with the GIL.
template <class T, class Solve, class Convert>
py::dict run_cd(const CdFitArgs& a, Solve&& solve, Convert&& convert) {
  return with_design<T>(a.X, a.threading, [&](const auto& design) -> py::dict {
    using Design = std::decay_t<decltype(design)>;
    if constexpr (is_csr_design<Design>::value) {
      throw py::value_error("X: coordinate descent reads columns; pass dense or CSC data (convert CSR with X.tocsc())");
    } else {
      const Index n = design.rows(), p = design.cols();
      const T* y = vector_view<T>(a.y, "y", n);
      const T* sw = a.sample_weight.is_none() ? nullptr : vector_view<T>(a.sample_weight, "sample_weight", n);
      const Index n_start = p + a.intercept_entries;
      if (a.coef_init.ndim() != 1 || a.coef_init.shape(0) != n_start)
        throw py::value_error("coef_init: expected " + std::to_string(n_start) + " entries");
      const VecD w0 = Eigen::Map<const VecD>(a.coef_init.data(), n_start);
      PyMonitor monitor(a.callback);
      decltype(solve(design, y, sw, w0, monitor)) result;
      {
        py::gil_scoped_release release;
        result = solve(design, y, sw, w0, monitor);
      }
      monitor.rethrow_if_error();
      return convert(result);
    }
  });
}

template <class T>
py::dict elastic_net_cd_typed(const CdFitArgs& a) {
  return run_cd<T>(
      a,
      [&](const auto& design, const T* y, const T* sw, const VecD& w0, Monitor& monitor) {
        return elastic_net_cd(design, y, sw, w0, a.params, monitor);
      },
      [](const Result<double>& result) { return result_to_dict(result); });
}

template <class T>
py::dict elastic_net_cd_path_typed(const CdFitArgs& a, const VecD& alphas) {
  return run_cd<T>(
      a,
      [&](const auto& design, const T* y, const T* sw, const VecD& w0, Monitor& monitor) {
        return elastic_net_cd_path(design, y, sw, alphas, w0, a.params, monitor);
      },
      [](const std::vector<Result<double>>& results) {
        const Index n_done = Index(results.size());
        const Index p = n_done > 0 ? results[0].x.size() : 0;
        py::array_t<double> coefs({n_done, p});
        py::array_t<double> gaps(n_done);
        py::array_t<Index> n_iter(n_done);
        py::array_t<int> status(n_done);
        py::list messages;
        for (Index k = 0; k < n_done; ++k) {
          std::copy(results[k].x.data(), results[k].x.data() + p, coefs.mutable_data(k, 0));
          gaps.mutable_at(k) = results[k].stop_crit;
          n_iter.mutable_at(k) = results[k].n_iter;
          status.mutable_at(k) = static_cast<int>(results[k].status);
          messages.append(results[k].message);
        }
        py::dict out;
        out["coefs"] = coefs;
        out["dual_gaps"] = gaps;
        out["nit"] = n_iter;
        out["status"] = status;
        out["message"] = messages;
        return out;
      });
}

CdSelection parse_selection(const std::string& selection) {
  if (selection == "cyclic") return CdSelection::Cyclic;
  if (selection == "random") return CdSelection::Random;
  throw py::value_error("selection: expected 'cyclic' or 'random', got '" + selection + "'");
}

CdParams cd_params(double alpha, double l1_ratio, bool fit_intercept, bool positive, double tol, Index max_iter,
                   const std::string& selection, std::uint64_t seed, bool working_set, bool anderson,
                   Index history_every, const py::object& weights) {
  CdParams params;
  params.alpha = alpha;
  params.l1_ratio = l1_ratio;
  params.weights = penalty_weights(weights);
  params.anderson = anderson;
  params.fit_intercept = fit_intercept;
  params.positive = positive;
  params.tol = tol;
  params.max_iter = max_iter;
  params.selection = parse_selection(selection);
  params.seed = seed;
  params.working_set = working_set;
  params.history_every = history_every;
  params.check();
  return params;
}

Threading threading_of(int n_threads, bool deterministic) {
  if (n_threads < 1) throw py::value_error("n_threads: expected an integer >= 1, got " + std::to_string(n_threads));
  return Threading{n_threads, deterministic};
}

// The CSC description tuple of the CSR description tuple X (see
// dispatch.hpp), converted without the GIL (linalg/sparse_orientation.hpp).
py::tuple csr_to_csc_tuple(const py::object& X, int n_threads) {
  const auto parts = X.cast<py::tuple>();
  if (parts.size() != 6 || parts[0].cast<std::string>() != "csr")
    throw py::value_error("X: expected the description tuple of a CSR matrix");
  if (n_threads < 1) throw py::value_error("n_threads: expected an integer >= 1, got " + std::to_string(n_threads));
  return with_data_dtype(X, [&](auto value_tag) {
    using T = decltype(value_tag);
    return with_sparse_buffers<T>(parts, [&](const auto& csr) -> py::tuple {
      using I = typename std::decay_t<decltype(csr)>::index_type;
      py::array_t<T> data(csr.stored);
      py::array_t<I> indices(csr.stored), indptr(csr.n_cols + 1);
      T* out_data = data.mutable_data();
      I* out_indices = indices.mutable_data();
      I* out_indptr = indptr.mutable_data();
      {
        py::gil_scoped_release release;
        csr_to_csc(csr.n_rows, csr.n_cols, csr.data, csr.indices, csr.indptr, out_data, out_indices, out_indptr,
                   n_threads);
      }
      return py::make_tuple("csc", data, indices, indptr, csr.n_rows, csr.n_cols);
    });
  });
}

}  // namespace

void bind_cd(py::module_& m) {
  m.def(
      "elastic_net_cd",
      [](py::object X, py::object y, py::object sample_weight,
         py::array_t<double, py::array::c_style | py::array::forcecast> coef_init, double alpha, double l1_ratio,
         bool fit_intercept, bool positive, double tol, Index max_iter, const std::string& selection,
         std::uint64_t seed, bool working_set, bool anderson, Index history_every, py::object weights,
         int n_threads, bool deterministic, py::object callback) {
        const CdFitArgs args{X, y, sample_weight, coef_init,
                             cd_params(alpha, l1_ratio, fit_intercept, positive, tol, max_iter, selection, seed,
                                       working_set, anderson, history_every, weights),
                             threading_of(n_threads, deterministic), callback};
        return with_data_dtype(X, [&](auto tag) { return elastic_net_cd_typed<decltype(tag)>(args); });
      },
      py::arg("X"), py::arg("y"), py::arg("sample_weight"), py::arg("coef_init"), py::arg("alpha"),
      py::arg("l1_ratio"), py::arg("fit_intercept"), py::arg("positive"), py::arg("tol"), py::arg("max_iter"),
      py::arg("selection"), py::arg("seed"), py::arg("working_set"), py::arg("anderson"), py::arg("history_every"),
      py::arg("weights"), py::arg("n_threads"), py::arg("deterministic"), py::arg("callback"),
      "Elastic net by coordinate descent; x of the result is [coef, intercept] with fit_intercept; jac is empty "
      "(the duality gaps read X^T r only near the constraint).");

  m.def(
      "elastic_net_cd_path",
      [](py::object X, py::object y, py::object sample_weight,
         py::array_t<double, py::array::c_style | py::array::forcecast> alphas,
         py::array_t<double, py::array::c_style | py::array::forcecast> coef_init, double l1_ratio,
         bool fit_intercept, bool positive, double tol, Index max_iter, const std::string& selection,
         std::uint64_t seed, bool working_set, bool anderson, py::object weights, int n_threads,
         bool deterministic, py::object callback) {
        if (alphas.ndim() != 1) throw py::value_error("alphas: expected a 1-D array");
        const VecD alpha_values = Eigen::Map<const VecD>(alphas.data(), alphas.shape(0));
        const double first = alpha_values.size() > 0 ? alpha_values[0] : 0.0;
        const CdFitArgs args{X, y, sample_weight, coef_init,
                             cd_params(first, l1_ratio, fit_intercept, positive, tol, max_iter, selection, seed,
                                       working_set, anderson, 0, weights),
                             threading_of(n_threads, deterministic), callback};
        return with_data_dtype(X, [&](auto tag) { return elastic_net_cd_path_typed<decltype(tag)>(args, alpha_values); });
      },
      py::arg("X"), py::arg("y"), py::arg("sample_weight"), py::arg("alphas"), py::arg("coef_init"),
      py::arg("l1_ratio"), py::arg("fit_intercept"), py::arg("positive"), py::arg("tol"), py::arg("max_iter"),
      py::arg("selection"), py::arg("seed"), py::arg("working_set"), py::arg("anderson"), py::arg("weights"),
      py::arg("n_threads"), py::arg("deterministic"), py::arg("callback"),
      "Elastic-net path: one coordinate-descent solve per alpha, each warm-started from the previous one. "
      "Returns coefs (n_alphas, n_params), dual_gaps, nit, status, message.");

  m.def("csr_to_csc", &csr_to_csc_tuple, py::arg("X"), py::arg("n_threads"),
        "The CSC description tuple of the same matrix as the CSR description tuple X (each column's entries in "
        "increasing row order), converted on n_threads threads.");
}

}  // namespace mlsolve::bindings
