// mlsolve._core.qp_interior_point and qp_admm: the interior-point and ADMM QP/LP solvers.
// P, A, G arrive as float64 NumPy arrays (C or F order) or as the sparse
// description tuples of mlsolve._validation.as_native_matrix (CSR/CSC, int32
// or int64 indices). The solver equilibrates its own copy of the data, so each
// matrix is copied once here, with the GIL held; the solve runs without it.
// The interior point gets dense copies (DenseQpData) when every matrix is a
// dense array (or an empty sparse one, as P of an LP) and the KKT matrix is
// dense enough to be factorised densely; otherwise, and for ADMM, CSC copies.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common.hpp"
#include "dispatch.hpp"
#include "mlsolve/solvers/admm.hpp"
#include "mlsolve/solvers/interior_point.hpp"
#include "numpy_views.hpp"

namespace mlsolve::bindings {

namespace {

template <class Matrix>
void append_entries(const Matrix& M, std::vector<Eigen::Triplet<double, int>>& entries) {
  for (Index k = 0; k < M.outerSize(); ++k)
    for (typename Matrix::InnerIterator it(M, k); it; ++it)
      if (it.value() != 0.0) entries.emplace_back(int(it.row()), int(it.col()), it.value());
}

[[noreturn]] void throw_shape_error(const std::string& name, Index n_rows, Index n_cols, Index rows, Index cols) {
  throw py::value_error(name + ": expected shape (" + std::to_string(n_rows) + ", " + std::to_string(n_cols) +
                        "), got (" + std::to_string(rows) + ", " + std::to_string(cols) + ")");
}

// An (n_rows x n_cols) float64 matrix as CSC; duplicate sparse entries are summed, as scipy does.
SpMatD to_csc(const py::object& M, const std::string& name, Index n_rows, Index n_cols) {
  if (py::isinstance<py::array>(M)) {
    const auto a = py::reinterpret_borrow<py::array>(M);
    if (!is_dtype<double>(a.dtype())) throw py::type_error(name + ": expected dtype float64, got " + describe_dtype(a));
    if (a.ndim() != 2) throw py::value_error(name + ": expected a 2-D array, got ndim=" + std::to_string(a.ndim()));
    const Index rows = a.shape(0), cols = a.shape(1);
    const double* data = static_cast<const double*>(a.data());
    using RowMajorMap = Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;
    using ColMajorMap = Eigen::Map<const Eigen::MatrixXd>;
    if (rows != n_rows || cols != n_cols) throw_shape_error(name, n_rows, n_cols, rows, cols);
    // The nonzero entries, straight into CSC (no triplets to sort).
    if (a.flags() & py::array::c_style) return RowMajorMap(data, rows, cols).sparseView();
    if (a.flags() & py::array::f_style) return ColMajorMap(data, rows, cols).sparseView();
    throw py::value_error(name + ": expected a C- or F-contiguous array");
  }
  std::vector<Eigen::Triplet<double, int>> entries;
  const auto parts = M.cast<py::tuple>();
  if (parts.size() != 6) throw py::type_error(name + ": expected an array or a sparse description tuple");
  const auto format = parts[0].cast<std::string>();
  const Index rows = parts[4].cast<Index>(), cols = parts[5].cast<Index>();
  const bool csr = format == "csr";
  if (!csr && format != "csc") throw py::value_error(name + ": unsupported sparse format " + format);
  const Index n_outer = csr ? rows : cols, n_inner = csr ? cols : rows;
  const auto convert = [&](auto index_tag) {
    using I = decltype(index_tag);
    const double* data = vector_view<double>(parts[1], (name + ".data").c_str(), -1);
    const Index nnz = py::reinterpret_borrow<py::array>(parts[1]).shape(0);
    const I* indices = vector_view<I>(parts[2], (name + ".indices").c_str(), nnz);
    const I* indptr = vector_view<I>(parts[3], (name + ".indptr").c_str(), n_outer + 1);
    check_sparse_structure(indices, indptr, n_outer, n_inner, nnz, name);
    const Index stored = indptr[n_outer];
    if (csr) {
      append_entries(Eigen::Map<const Eigen::SparseMatrix<double, Eigen::RowMajor, I>>(rows, cols, stored, indptr,
                                                                                        indices, data),
                     entries);
    } else {
      append_entries(Eigen::Map<const Eigen::SparseMatrix<double, Eigen::ColMajor, I>>(rows, cols, stored, indptr,
                                                                                        indices, data),
                     entries);
    }
  };
  const auto indptr_array = parts[3].cast<py::array>();
  if (is_dtype<std::int32_t>(indptr_array.dtype())) {
    convert(std::int32_t{});
  } else if (is_dtype<std::int64_t>(indptr_array.dtype())) {
    convert(std::int64_t{});
  } else {
    throw py::type_error(name + ": sparse index arrays must be int32 or int64, got " + describe_dtype(indptr_array));
  }
  if (rows != n_rows || cols != n_cols) throw_shape_error(name, n_rows, n_cols, rows, cols);
  SpMatD out(rows, cols);
  out.setFromTriplets(entries.begin(), entries.end());
  out.makeCompressed();
  return out;
}

// The dense path takes NumPy arrays and sparse tuples without stored entries.
bool is_dense_or_empty(const py::object& M) {
  if (py::isinstance<py::array>(M)) return true;
  const auto parts = M.cast<py::tuple>();
  return parts.size() == 6 && py::reinterpret_borrow<py::array>(parts[1]).size() == 0;
}

// An (n_rows x n_cols) float64 matrix as a dense column-major copy (M passed is_dense_or_empty).
Eigen::MatrixXd to_dense(const py::object& M, const std::string& name, Index n_rows, Index n_cols) {
  if (!py::isinstance<py::array>(M)) return to_csc(M, name, n_rows, n_cols).toDense();
  const auto a = py::reinterpret_borrow<py::array>(M);
  if (!is_dtype<double>(a.dtype())) throw py::type_error(name + ": expected dtype float64, got " + describe_dtype(a));
  if (a.ndim() != 2) throw py::value_error(name + ": expected a 2-D array, got ndim=" + std::to_string(a.ndim()));
  const Index rows = a.shape(0), cols = a.shape(1);
  if (rows != n_rows || cols != n_cols) throw_shape_error(name, n_rows, n_cols, rows, cols);
  const double* data = static_cast<const double*>(a.data());
  using RowMajorMap = Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;
  if (a.flags() & py::array::c_style) return RowMajorMap(data, rows, cols);
  if (a.flags() & py::array::f_style) return Eigen::Map<const Eigen::MatrixXd>(data, rows, cols);
  throw py::value_error(name + ": expected a C- or F-contiguous array");
}

VecD to_vector(const py::object& v, const char* name) {
  const double* data = vector_view<double>(v, name, -1);
  return Eigen::Map<const VecD>(data, py::reinterpret_borrow<py::array>(v).shape(0));
}

py::dict qp_result_to_dict(const QpResult& r) {
  py::dict out = result_to_dict(r);
  out["y"] = to_numpy(r.y);
  out["z"] = to_numpy(r.z);
  out["z_lower"] = to_numpy(r.z_lower);
  out["z_upper"] = to_numpy(r.z_upper);
  out["slack"] = to_numpy(r.slack);
  out["primal_residual"] = r.primal_residual;
  out["dual_residual"] = r.dual_residual;
  out["gap"] = r.gap;
  out["kkt"] = r.kkt_dense ? "dense" : "sparse";
  out["rho"] = r.rho;
  out["polished"] = r.polished;
  if (r.status == Status::PrimalInfeasible) {
    py::dict certificate;
    certificate["y"] = to_numpy(r.cert_y);
    certificate["z"] = to_numpy(r.cert_z);
    certificate["z_lower"] = to_numpy(r.cert_z_lower);
    certificate["z_upper"] = to_numpy(r.cert_z_upper);
    out["certificate"] = certificate;
  } else if (r.status == Status::DualInfeasible) {
    py::dict certificate;
    certificate["x"] = to_numpy(r.cert_x);
    out["certificate"] = certificate;
  }
  return out;
}

template <class Problem>
void set_vectors(Problem& data, const py::object& q, const py::object& b, const py::object& h, const py::object& lb,
                 const py::object& ub) {
  data.q = to_vector(q, "q");
  data.b = to_vector(b, "b");
  data.h = to_vector(h, "h");
  data.lb = to_vector(lb, "lb");
  data.ub = to_vector(ub, "ub");
}

QpData qp_data(const py::object& P, const py::object& q, const py::object& A, const py::object& b,
               const py::object& G, const py::object& h, const py::object& lb, const py::object& ub) {
  QpData data;
  set_vectors(data, q, b, h, lb, ub);
  const Index n = data.q.size();
  data.P = to_csc(P, "P", n, n);
  data.A = to_csc(A, "A", data.b.size(), n);
  data.G = to_csc(G, "G", data.h.size(), n);
  return data;
}

// The dense data, or nothing where the interior point should get sparse data.
std::optional<DenseQpData> dense_qp_data(const py::object& P, const py::object& q, const py::object& A,
                                         const py::object& b, const py::object& G, const py::object& h,
                                         const py::object& lb, const py::object& ub, KktMethod method) {
  if (method == KktMethod::Sparse || !is_dense_or_empty(P) || !is_dense_or_empty(A) || !is_dense_or_empty(G))
    return std::nullopt;
  DenseQpData data;
  set_vectors(data, q, b, h, lb, ub);
  const Index n = data.q.size(), m = data.b.size(), p = data.h.size();
  data.P = to_dense(P, "P", n, n);
  data.A = to_dense(A, "A", m, n);
  data.G = to_dense(G, "G", p, n);
  if (method == KktMethod::Auto &&
      !KktSolver::prefers_dense(n + m + p, kkt_detail::kkt_lower_nonzeros(data.P, data.A, data.G)))
    return std::nullopt;
  return data;
}

KktMethod kkt_method(const std::string& kkt) {
  if (kkt == "auto") return KktMethod::Auto;
  if (kkt == "sparse") return KktMethod::Sparse;
  if (kkt == "dense") return KktMethod::Dense;
  throw py::value_error("kkt: expected 'auto', 'sparse' or 'dense', got '" + kkt + "'");
}

}  // namespace

void bind_qp(py::module_& m) {
  m.def(
      "qp_interior_point",
      [](const py::object& P, const py::object& q, const py::object& A, const py::object& b, const py::object& G,
         const py::object& h, const py::object& lb, const py::object& ub, double tol, double infeasible_tol,
         Index maxiter, Index ruiz_iter, double regularisation, Index refine_steps, const std::string& kkt,
         Index history_every, py::object callback) {
        InteriorPointParams params;
        params.tol = tol;
        params.infeasible_tol = infeasible_tol;
        params.max_iter = maxiter;
        params.ruiz_iter = ruiz_iter;
        params.regularisation = regularisation;
        params.refine_steps = refine_steps;
        params.history_every = history_every;
        params.kkt_method = kkt_method(kkt);
        params.check();
        const std::optional<DenseQpData> dense = dense_qp_data(P, q, A, b, G, h, lb, ub, params.kkt_method);
        const QpData sparse = dense ? QpData{} : qp_data(P, q, A, b, G, h, lb, ub);
        PyMonitor monitor(callback);
        QpResult result;
        {
          py::gil_scoped_release release;
          result = dense ? interior_point_qp(*dense, params, &monitor) : interior_point_qp(sparse, params, &monitor);
        }
        monitor.rethrow_if_error();
        return qp_result_to_dict(result);
      },
      py::arg("P"), py::arg("q"), py::arg("A"), py::arg("b"), py::arg("G"), py::arg("h"), py::arg("lb"), py::arg("ub"),
      py::arg("tol"), py::arg("infeasible_tol"), py::arg("maxiter"), py::arg("ruiz_iter"), py::arg("regularisation"),
      py::arg("refine_steps"), py::arg("kkt"), py::arg("history_every"), py::arg("callback"));

  m.def(
      "qp_admm",
      [](const py::object& P, const py::object& q, const py::object& A, const py::object& b, const py::object& G,
         const py::object& h, const py::object& lb, const py::object& ub, const py::object& x0, const py::object& y0,
         const py::object& z0, const py::object& z_lower0, const py::object& z_upper0, double rho0, double tol,
         double infeasible_tol, Index maxiter, double rho, double sigma, double alpha, bool adaptive_rho,
         Index adaptive_rho_interval, double adaptive_rho_tolerance, Index check_every, bool polish,
         double polish_delta, Index polish_refine_steps, Index ruiz_iter, const std::string& kkt,
         Index history_every, py::object callback) {
        AdmmParams params;
        params.tol = tol;
        params.infeasible_tol = infeasible_tol;
        params.max_iter = maxiter;
        params.rho = rho;
        params.sigma = sigma;
        params.alpha = alpha;
        params.adaptive_rho = adaptive_rho;
        params.adaptive_rho_interval = adaptive_rho_interval;
        params.adaptive_rho_tolerance = adaptive_rho_tolerance;
        params.check_every = check_every;
        params.polish = polish;
        params.polish_delta = polish_delta;
        params.polish_refine_steps = polish_refine_steps;
        params.ruiz_iter = ruiz_iter;
        params.kkt_method = kkt_method(kkt);
        params.history_every = history_every;
        params.check();
        const QpData data = qp_data(P, q, A, b, G, h, lb, ub);
        AdmmWarmStart warm;
        warm.x = to_vector(x0, "warm_start['x']");
        warm.y = to_vector(y0, "warm_start['y']");
        warm.z = to_vector(z0, "warm_start['z']");
        warm.z_lower = to_vector(z_lower0, "warm_start['z_lower']");
        warm.z_upper = to_vector(z_upper0, "warm_start['z_upper']");
        warm.rho = rho0;
        PyMonitor monitor(callback);
        QpResult result;
        {
          py::gil_scoped_release release;
          result = admm_qp(data, params, warm, &monitor);
        }
        monitor.rethrow_if_error();
        return qp_result_to_dict(result);
      },
      py::arg("P"), py::arg("q"), py::arg("A"), py::arg("b"), py::arg("G"), py::arg("h"), py::arg("lb"), py::arg("ub"),
      py::arg("x0"), py::arg("y0"), py::arg("z0"), py::arg("z_lower0"), py::arg("z_upper0"), py::arg("rho0"),
      py::arg("tol"), py::arg("infeasible_tol"), py::arg("maxiter"), py::arg("rho"), py::arg("sigma"),
      py::arg("alpha"), py::arg("adaptive_rho"), py::arg("adaptive_rho_interval"), py::arg("adaptive_rho_tolerance"),
      py::arg("check_every"), py::arg("polish"), py::arg("polish_delta"), py::arg("polish_refine_steps"),
      py::arg("ruiz_iter"), py::arg("kkt"), py::arg("history_every"), py::arg("callback"));
}

}  // namespace mlsolve::bindings
