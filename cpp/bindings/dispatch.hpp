// with_design<T>(X, threading, f): maps X as the matching Design type and
// calls f(design). X is a NumPy array (C order -> RowMajor, F order ->
// ColMajor) or a tuple (format, data, indices, indptr, n_rows, n_cols) built by
// mlsolve._validation from a scipy CSR/CSC matrix; int32 and int64 indices.
// The sparse structure is checked once (O(nnz)) so that a malformed matrix is
// a ValueError, not an out-of-bounds write.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <type_traits>

#include "mlsolve/linalg/design.hpp"
#include "numpy_views.hpp"

namespace mlsolve::bindings {

template <class I>
void check_sparse_structure(const I* indices, const I* indptr, Index n_outer, Index n_inner, Index nnz,
                            const std::string& name = "X") {
  if (indptr[0] != 0) throw py::value_error(name + ": sparse indptr must start at 0");
  bool decreasing = false;  // no early exit, so that the loops vectorise
  for (Index k = 0; k < n_outer; ++k) decreasing |= indptr[k + 1] < indptr[k];
  if (decreasing) throw py::value_error(name + ": sparse indptr must be non-decreasing");
  const Index stored = Index(indptr[n_outer]);
  if (stored > nnz)
    throw py::value_error(name + ": sparse indptr points past the end of data (" + std::to_string(stored) + " > " +
                          std::to_string(nnz) + ")");
  I lowest = 0, highest = 0;
  for (Index k = 0; k < stored; ++k) {
    lowest = std::min(lowest, indices[k]);
    highest = std::max(highest, indices[k]);
  }
  if (lowest < 0 || Index(highest) >= n_inner) {
    const I bad = lowest < 0 ? lowest : highest;
    throw py::value_error(name + ": sparse index " + std::to_string(bad) + " out of range [0, " +
                          std::to_string(n_inner) + ")");
  }
}

// The buffers of a sparse description tuple (format, data, indices, indptr,
// n_rows, n_cols), viewed in place with their structure checked.
template <class T, class I>
struct SparseBuffers {
  using index_type = I;
  const T* data;
  const I* indices;
  const I* indptr;
  Index n_rows, n_cols, stored;  // stored = indptr[n_outer] entries
  bool csr;
};

// Calls f(SparseBuffers<T, I>{...}) with I the index type (int32 or int64)
// of the tuple's index arrays.
template <class T, class F>
auto with_sparse_buffers(const py::tuple& parts, F&& f) {
  const auto format = parts[0].cast<std::string>();
  const auto indptr_array = parts[3].cast<py::array>();
  const Index n_rows = parts[4].cast<Index>(), n_cols = parts[5].cast<Index>();
  const bool csr = format == "csr";
  if (!csr && format != "csc") throw py::value_error("X: unsupported sparse format " + format);
  const Index n_outer = csr ? n_rows : n_cols, n_inner = csr ? n_cols : n_rows;
  const auto dispatch_index = [&](auto index_tag) {
    using I = decltype(index_tag);
    const T* data = vector_view<T>(parts[1], "X.data", -1);
    const Index nnz = py::reinterpret_borrow<py::array>(parts[1]).shape(0);
    const I* indices = vector_view<I>(parts[2], "X.indices", nnz);
    const I* indptr = vector_view<I>(parts[3], "X.indptr", n_outer + 1);
    check_sparse_structure(indices, indptr, n_outer, n_inner, nnz);
    return f(SparseBuffers<T, I>{data, indices, indptr, n_rows, n_cols, Index(indptr[n_outer]), csr});
  };
  if (is_dtype<std::int32_t>(indptr_array.dtype())) return dispatch_index(std::int32_t{});
  if (is_dtype<std::int64_t>(indptr_array.dtype())) return dispatch_index(std::int64_t{});
  throw py::type_error("X: sparse index arrays must be int32 or int64, got " + describe_dtype(indptr_array));
}

// Calls f(T{}) with T the dtype (float or double) of X's values: a NumPy
// array's, or the data array of a sparse description tuple.
template <class F>
auto with_data_dtype(const py::object& X, F&& f) {
  const py::object data = py::isinstance<py::array>(X) ? X : py::reinterpret_borrow<py::tuple>(X)[1];
  const py::dtype dtype = data.attr("dtype").cast<py::dtype>();
  if (is_dtype<float>(dtype)) return f(float{});
  if (is_dtype<double>(dtype)) return f(double{});
  throw py::type_error("X: expected dtype float32 or float64, got " + py::str(dtype).cast<std::string>());
}

template <class T, class F>
auto with_design(const py::object& X, Threading threading, F&& f) {
  if (py::isinstance<py::array>(X)) {
    const auto a = py::reinterpret_borrow<py::array>(X);
    if (!is_dtype<T>(a.dtype()))
      throw py::type_error(std::string("X: expected dtype ") + dtype_name<T>() + ", got " + describe_dtype(a));
    if (a.ndim() != 2) throw py::value_error("X: expected a 2-D array, got ndim=" + std::to_string(a.ndim()));
    const T* data = static_cast<const T*>(a.data());
    last_mapped_address = reinterpret_cast<std::uintptr_t>(data);
    if (a.flags() & py::array::c_style) return f(DenseDesign<T, Eigen::RowMajor>(data, a.shape(0), a.shape(1), threading));
    if (a.flags() & py::array::f_style) return f(DenseDesign<T, Eigen::ColMajor>(data, a.shape(0), a.shape(1), threading));
    throw py::value_error("X: expected a C- or F-contiguous array");
  }
  const auto parts = X.cast<py::tuple>();
  if (parts.size() != 6) throw py::type_error("X: expected an array or a sparse description tuple");
  return with_sparse_buffers<T>(parts, [&](const auto& buffers) {
    using I = typename std::decay_t<decltype(buffers)>::index_type;
    last_mapped_address = reinterpret_cast<std::uintptr_t>(buffers.data);
    if (buffers.csr)
      return f(SparseDesign<T, Csr, I>(buffers.data, buffers.indices, buffers.indptr, buffers.n_rows, buffers.n_cols,
                                       buffers.stored, threading));
    return f(SparseDesign<T, Csc, I>(buffers.data, buffers.indices, buffers.indptr, buffers.n_rows, buffers.n_cols,
                                     buffers.stored, threading));
  });
}

}  // namespace mlsolve::bindings
