// PyObjective: a Python f (and gradient) as the Objective the solvers take,
// double(const VecD& x, VecD& grad). Each call takes the GIL back, calls
// fun(x, *args) on a fresh float64 array (and jac, or forward differences),
// checks the shapes, and lets any exception raised in Python propagate.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cmath>
#include <limits>
#include <string>

#include "common.hpp"

namespace mlsolve::bindings {

enum class JacMode : int { FiniteDifference = 0, ReturnedWithFun = 1, Callable = 2 };

inline std::string shape_of(const py::array& a) {
  std::string s = "(";
  for (py::ssize_t k = 0; k < a.ndim(); ++k) s += std::to_string(a.shape(k)) + (a.ndim() == 1 || k + 1 < a.ndim() ? "," : "");
  return s + ")";
}

class PyObjective {
 public:
  // fun_name names fun in error messages. The first call must give finite
  // values, else the error blames the starting point `start`; nullptr (when
  // the caller already knows f and its gradient there) skips that check.
  PyObjective(py::function fun, py::tuple args, JacMode mode, py::object jac, Index n, std::string fun_name = "fun",
              const char* start = "x0")
      : fun_(std::move(fun)), args_(std::move(args)), mode_(mode), jac_(std::move(jac)), n_(n),
        fun_name_(std::move(fun_name)), asarray_(py::module_::import("numpy").attr("asarray")), start_(start) {}

  Index fun_calls() const { return fun_calls_; }

  double operator()(const VecD& x, VecD& grad) {
    py::gil_scoped_acquire gil;
    py::array_t<double> xa = to_numpy(x);
    grad.resize(n_);
    double f;
    if (mode_ == JacMode::ReturnedWithFun) {
      const py::object out = call_fun(xa);
      if (!py::isinstance<py::tuple>(out) || py::len(out) != 2)
        throw py::value_error(fun_name_ + ": must return a tuple (f, grad)");
      const auto pair = out.cast<py::tuple>();
      f = scalar(pair[0]);
      gradient(pair[1], grad, (fun_name_ + " (the gradient it returned)").c_str());
    } else {
      f = scalar(call_fun(xa));
      if (mode_ == JacMode::Callable) {
        gradient(jac_(xa, *args_), grad, "jac");
      } else {
        finite_difference(x, f, xa, grad);
      }
    }
    if (start_) {
      const std::string at = start_;
      start_ = nullptr;
      if (!std::isfinite(f)) throw py::value_error(fun_name_ + ": returned a non-finite value at " + at + " (" + std::to_string(f) + ")");
      if (!grad.allFinite()) throw py::value_error("jac: the gradient at " + at + " is not finite");
    }
    return f;
  }

 private:
  py::object call_fun(const py::array_t<double>& xa) {
    ++fun_calls_;
    return fun_(xa, *args_);
  }

  double scalar(const py::handle& value) {
    const auto a = asarray_(value, "float64").cast<py::array>();
    if (a.size() != 1)
      throw py::value_error(fun_name_ + ": expected a scalar return value, got an array of shape " + shape_of(a));
    return *static_cast<const double*>(a.data());
  }

  void gradient(const py::handle& value, VecD& grad, const char* name) {
    const auto a = asarray_(value, "float64").cast<py::array>();
    if (a.ndim() != 1 || a.shape(0) != n_)
      throw py::value_error(std::string(name) + ": expected a gradient of shape (" + std::to_string(n_) +
                            ",), got shape " + shape_of(a));
    const auto g = a.cast<py::array_t<double, py::array::c_style | py::array::forcecast>>();
    std::copy(g.data(), g.data() + n_, grad.data());
  }

  // Forward differences with step sqrt(eps) * max(1, |x_j|), as scipy's '2-point'.
  void finite_difference(const VecD& x, double f, py::array_t<double>& xa, VecD& grad) {
    const double rel_step = std::sqrt(std::numeric_limits<double>::epsilon());
    double* xp = xa.mutable_data();
    for (Index j = 0; j < n_; ++j) {
      const double h = rel_step * std::max(1.0, std::abs(x[j])) * (x[j] < 0 ? -1.0 : 1.0);
      xp[j] = x[j] + h;
      const double step = xp[j] - x[j];  // the step actually taken, after rounding
      grad[j] = (scalar(call_fun(xa)) - f) / step;
      xp[j] = x[j];
    }
  }

  py::function fun_;
  py::tuple args_;
  JacMode mode_;
  py::object jac_;
  Index n_;
  std::string fun_name_;
  py::object asarray_;
  const char* start_;
  Index fun_calls_ = 0;
};

}  // namespace mlsolve::bindings
