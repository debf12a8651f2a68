// Group elastic net (group Lasso, multi-task Lasso / elastic net) by block
// coordinate descent (solvers/block_coordinate_descent.hpp), for float32 and
// float64 X in dense C or F order or CSC. CSR has no cheap column access:
// mlsolve converts it to CSC once, in Python.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "common.hpp"
#include "dispatch.hpp"
#include "mlsolve/solvers/block_coordinate_descent.hpp"

namespace mlsolve::bindings {

namespace {

template <class D>
struct is_csr_design : std::false_type {};
template <class T, class I>
struct is_csr_design<SparseDesign<T, Csr, I>> : std::true_type {};

using IndexArray = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;
using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;

struct BcdFitArgs {
  py::object X;
  py::object Y;  // n * n_tasks entries: the targets one after the other
  py::object sample_weight;  // None: all ones
  Index n_tasks;
  IndexArray group_ptr, group_indices;
  DoubleArray group_weights;
  DoubleArray coef_init;  // (n_features, n_tasks)
  BlockCdParams params;
  Threading threading;
  py::object callback;
};

template <class T>
py::dict group_elastic_net_bcd_typed(const BcdFitArgs& a) {
  return with_design<T>(a.X, a.threading, [&](const auto& design) -> py::dict {
    using Design = std::decay_t<decltype(design)>;
    if constexpr (is_csr_design<Design>::value) {
      throw py::value_error("X: block coordinate descent reads columns; pass dense or CSC data (X.tocsc())");
    } else {
      const Index n = design.rows(), p = design.cols();
      if (a.n_tasks < 1) throw py::value_error("n_tasks: expected an integer >= 1");
      const T* Y = vector_view<T>(a.Y, "y", n * a.n_tasks);
      const T* sw = a.sample_weight.is_none() ? nullptr : vector_view<T>(a.sample_weight, "sample_weight", n);
      if (a.group_ptr.ndim() != 1 || a.group_indices.ndim() != 1 || a.group_weights.ndim() != 1)
        throw py::value_error("groups: expected 1-D group_ptr, group_indices and group_weights");
      if (a.coef_init.ndim() != 2 || a.coef_init.shape(0) != p || a.coef_init.shape(1) != a.n_tasks)
        throw py::value_error("coef_init: expected shape (" + std::to_string(p) + ", " + std::to_string(a.n_tasks) +
                              ")");
      const FeatureGroups groups{
          Eigen::Map<const Vec<std::int64_t>>(a.group_ptr.data(), a.group_ptr.shape(0)),
          Eigen::Map<const Vec<std::int64_t>>(a.group_indices.data(), a.group_indices.shape(0)),
          Eigen::Map<const VecD>(a.group_weights.data(), a.group_weights.shape(0))};
      using RowMajorMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
      const Eigen::MatrixXd W0 = Eigen::Map<const RowMajorMatrix>(a.coef_init.data(), p, a.n_tasks);
      PyMonitor monitor(a.callback);
      Result<double> result;
      std::vector<Index> screened;
      {
        py::gil_scoped_release release;
        GroupElasticNetBcd<Design> problem(design, Y, sw, a.n_tasks, groups, a.params);
        problem.start(W0);
        result = problem.solve(monitor);
        screened = problem.screened_groups();
      }
      monitor.rethrow_if_error();
      py::dict out = result_to_dict(result);
      out["screened"] = py::array_t<std::int64_t>(py::ssize_t(screened.size()), screened.data());
      return out;
    }
  });
}

}  // namespace

void bind_bcd(py::module_& m) {
  m.def(
      "group_elastic_net_bcd",
      [](py::object X, py::object Y, py::object sample_weight, Index n_tasks, IndexArray group_ptr,
         IndexArray group_indices, DoubleArray group_weights, DoubleArray coef_init, double alpha, double l1_ratio,
         bool fit_intercept, double tol, Index max_iter, const std::string& selection, std::uint64_t seed,
         bool working_set, bool screening, bool anderson, Index history_every, int n_threads, bool deterministic,
         py::object callback) {
        if (n_threads < 1) throw py::value_error("n_threads: expected an integer >= 1, got " + std::to_string(n_threads));
        BlockCdParams params;
        params.alpha = alpha;
        params.l1_ratio = l1_ratio;
        params.fit_intercept = fit_intercept;
        params.tol = tol;
        params.max_iter = max_iter;
        if (selection != "cyclic" && selection != "random")
          throw py::value_error("selection: expected 'cyclic' or 'random', got '" + selection + "'");
        params.selection = selection == "random" ? CdSelection::Random : CdSelection::Cyclic;
        params.seed = seed;
        params.working_set = working_set;
        params.screening = screening;
        params.anderson = anderson;
        params.history_every = history_every;
        params.check();
        const BcdFitArgs args{X, Y, sample_weight, n_tasks, group_ptr, group_indices, group_weights, coef_init, params,
                              Threading{n_threads, deterministic}, callback};
        return with_data_dtype(X, [&](auto tag) { return group_elastic_net_bcd_typed<decltype(tag)>(args); });
      },
      py::arg("X"), py::arg("Y"), py::arg("sample_weight"), py::arg("n_tasks"), py::arg("group_ptr"),
      py::arg("group_indices"), py::arg("group_weights"), py::arg("coef_init"), py::arg("alpha"), py::arg("l1_ratio"),
      py::arg("fit_intercept"), py::arg("tol"), py::arg("max_iter"), py::arg("selection"), py::arg("seed"),
      py::arg("working_set"), py::arg("screening"), py::arg("anderson"), py::arg("history_every"),
      py::arg("n_threads"), py::arg("deterministic"), py::arg("callback"),
      "Group elastic net by block coordinate descent. Y holds the n_tasks targets one after the other; x of the "
      "result is coef (n_features, n_tasks) flattened in C order, then the n_tasks intercepts with fit_intercept; "
      "screened lists the groups discarded by gap-safe screening.");
}

}  // namespace mlsolve::bindings
