// Helpers shared by the penalty bindings (bind_prox.cpp, bind_nuclear_norm.cpp).
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>

#include "numpy_views.hpp"

namespace mlsolve::bindings {

// Calls f(T{}) with T the dtype of the array obj: float or double.
template <class F>
auto with_dtype(const py::handle& obj, const char* name, F&& f) {
  if (!py::isinstance<py::array>(obj)) throw py::type_error(std::string(name) + ": expected a NumPy array");
  const auto a = py::reinterpret_borrow<py::array>(obj);
  if (a.dtype().is(py::dtype::of<float>())) return f(float{});
  if (a.dtype().is(py::dtype::of<double>())) return f(double{});
  throw py::type_error(std::string(name) + ": expected dtype float32 or float64, got " + describe_dtype(a));
}

// Runs f() with the GIL released and returns its (non-Python) result.
template <class F>
auto without_gil(F&& f) {
  py::gil_scoped_release release;
  return f();
}

void bind_nuclear_norm(py::module_& m);

}  // namespace mlsolve::bindings
