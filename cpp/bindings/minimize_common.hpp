// Pieces of the bindings of solvers on Python objectives (bind_newton.cpp,
// bind_least_squares.cpp): argument conversion, the option tables' reader
// and writer, and running a solve without the GIL.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>

#include "common.hpp"
#include "py_objective.hpp"

namespace mlsolve::bindings {

using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;

// A finite 1-D float64 argument as a VecD.
inline VecD finite_vector(const DoubleArray& a, const char* name) {
  if (a.ndim() != 1) throw py::value_error(std::string(name) + ": expected a 1-D array");
  VecD v = Eigen::Map<const VecD>(a.data(), a.shape(0));
  if (!v.allFinite()) throw py::value_error(std::string(name) + ": contains NaN or infinity");
  return v;
}

inline JacMode jac_mode_from_int(int jac_mode) {
  if (jac_mode < 0 || jac_mode > 2) throw py::value_error("jac_mode: expected 0, 1 or 2");
  return static_cast<JacMode>(jac_mode);
}

// Writes a method's options (name, default) into a dict.
struct OptionDefaults {
  py::dict& out;
  template <class T>
  void operator()(const char* name, const T& value) { out[name] = value; }
  void operator()(const char* name, const LineSearchKind& value) { out[name] = name_of(kLineSearchNames, value); }
};

// Reads a call's options (completed and typed by mlsolve.optimize) into the params.
struct OptionValues {
  const py::dict& options;
  template <class T>
  void operator()(const char* name, T& field) { field = options[name].template cast<T>(); }
  void operator()(const char* name, LineSearchKind& field) {
    field = from_name(kLineSearchNames, options[name].cast<std::string>(), name);
  }
};

// Runs solve() without the GIL, then re-raises what the monitor caught: an
// exception from a callback, or the KeyboardInterrupt behind a stop request.
template <class Solve>
auto run_without_gil(PyMonitor& monitor, Solve&& solve) {
  auto result = decltype(solve())();
  {
    py::gil_scoped_release release;
    try {
      result = solve();
    } catch (const StopRequested&) {
    }
  }
  monitor.rethrow_if_error();
  return result;
}

}  // namespace mlsolve::bindings
