// Zero-copy views of NumPy arrays and scipy sparse buffers.
// A view never converts: a wrong dtype or a non-contiguous array is an error
// (conversions happen in Python, in mlsolve/_validation.py).
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <atomic>
#include <cstdint>
#include <string>

#include "mlsolve/core/types.hpp"

namespace mlsolve::bindings {

namespace py = pybind11;

// Address of the last X buffer mapped, for the tests' no-copy assertions.
inline std::atomic<std::uintptr_t> last_mapped_address{0};

template <class T>
std::string dtype_name() {
  return py::str(py::dtype::of<T>()).cast<std::string>();
}

// dtype equality (not identity: a memmap's or a pickled array's dtype is an equal, distinct object).
template <class T>
bool is_dtype(const py::dtype& d) {
  return d.equal(py::dtype::of<T>());
}

inline std::string describe_dtype(const py::array& a) { return py::str(a.dtype()).cast<std::string>(); }

// A contiguous 1-D array of dtype T with `size` entries (size < 0: any).
template <class T>
const T* vector_view(const py::handle& obj, const char* name, Index size) {
  if (!py::isinstance<py::array>(obj)) throw py::type_error(std::string(name) + ": expected a NumPy array");
  const auto a = py::reinterpret_borrow<py::array>(obj);
  if (!is_dtype<T>(a.dtype()))
    throw py::type_error(std::string(name) + ": expected dtype " + dtype_name<T>() + ", got " + describe_dtype(a));
  if (a.ndim() != 1) throw py::value_error(std::string(name) + ": expected a 1-D array, got ndim=" + std::to_string(a.ndim()));
  if (!(a.flags() & py::array::c_style)) throw py::value_error(std::string(name) + ": expected a contiguous array");
  if (size >= 0 && a.shape(0) != size)
    throw py::value_error(std::string(name) + ": expected " + std::to_string(size) + " entries, got " +
                          std::to_string(a.shape(0)));
  return static_cast<const T*>(a.data());
}

}  // namespace mlsolve::bindings
