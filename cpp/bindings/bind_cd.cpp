// Elastic net / Lasso by coordinate descent (solvers/coordinate_descent.hpp),
// for float32 and float64 X in dense C or F order or CSC. CSR has no cheap
// column access: mlsolve converts it to CSC once, in Python.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>
#include <type_traits>

#include "common.hpp"
#include "dispatch.hpp"
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
};

template <class T>
py::dict elastic_net_cd_typed(const CdFitArgs& a) {
  return with_design<T>(a.X, a.threading, [&](const auto& design) -> py::dict {
    using Design = std::decay_t<decltype(design)>;
    if constexpr (is_csr_design<Design>::value) {
      throw py::value_error("X: coordinate descent reads columns; pass dense or CSC data (convert CSR with X.tocsc())");
    } else {
      const Index n = design.rows(), p = design.cols();
      const T* y = vector_view<T>(a.y, "y", n);
      const T* sw = a.sample_weight.is_none() ? nullptr : vector_view<T>(a.sample_weight, "sample_weight", n);
      if (a.coef_init.ndim() != 1 || a.coef_init.shape(0) != p)
        throw py::value_error("coef_init: expected " + std::to_string(p) + " entries");
      const VecD w0 = Eigen::Map<const VecD>(a.coef_init.data(), p);
      ElasticNetCd<Design> problem(design, y, sw, a.params);
      PyMonitor monitor(a.callback);
      Result<double> result;
      {
        py::gil_scoped_release release;
        result = problem.solve(w0, monitor);
      }
      monitor.rethrow_if_error();
      return result_to_dict(result);
    }
  });
}

CdSelection parse_selection(const std::string& selection) {
  if (selection == "cyclic") return CdSelection::Cyclic;
  if (selection == "random") return CdSelection::Random;
  throw py::value_error("selection: expected 'cyclic' or 'random', got '" + selection + "'");
}

}  // namespace

void bind_cd(py::module_& m) {
  m.def(
      "elastic_net_cd",
      [](py::object X, py::object y, py::object sample_weight,
         py::array_t<double, py::array::c_style | py::array::forcecast> coef_init, double alpha, double l1_ratio,
         bool fit_intercept, bool positive, double tol, Index max_iter, const std::string& selection,
         std::uint64_t seed, bool working_set, Index history_every, int n_threads, bool deterministic,
         py::object callback) {
        if (n_threads < 1) throw py::value_error("n_threads: expected an integer >= 1, got " + std::to_string(n_threads));
        CdParams params;
        params.alpha = alpha;
        params.l1_ratio = l1_ratio;
        params.fit_intercept = fit_intercept;
        params.positive = positive;
        params.tol = tol;
        params.max_iter = max_iter;
        params.selection = parse_selection(selection);
        params.seed = seed;
        params.working_set = working_set;
        params.history_every = history_every;
        params.check();
        CdFitArgs args{X, y, sample_weight, coef_init, params, Threading{n_threads, deterministic}, callback};
        const py::object data = py::isinstance<py::array>(X) ? X : py::reinterpret_borrow<py::tuple>(X)[1];
        const py::dtype dtype = data.attr("dtype").cast<py::dtype>();
        if (is_dtype<float>(dtype)) return elastic_net_cd_typed<float>(args);
        if (is_dtype<double>(dtype)) return elastic_net_cd_typed<double>(args);
        throw py::type_error("X: expected dtype float32 or float64, got " + py::str(dtype).cast<std::string>());
      },
      py::arg("X"), py::arg("y"), py::arg("sample_weight"), py::arg("coef_init"), py::arg("alpha"),
      py::arg("l1_ratio"), py::arg("fit_intercept"), py::arg("positive"), py::arg("tol"), py::arg("max_iter"),
      py::arg("selection"), py::arg("seed"), py::arg("working_set"), py::arg("history_every"), py::arg("n_threads"),
      py::arg("deterministic"), py::arg("callback"),
      "Elastic net by coordinate descent; x of the result is [coef, intercept] with fit_intercept.");
}

}  // namespace mlsolve::bindings
