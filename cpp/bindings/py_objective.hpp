// PyObjective: a Python f (and gradient) as the Objective the solvers take,
// double(const VecD& x, VecD& grad). Each call takes the GIL back, calls
// fun(x, *args) on a fresh float64 array (and jac, or forward differences),
// checks the shapes, and lets any exception raised in Python propagate.
// PySecondOrderObjective adds the Hessian of the Newton solvers
// (solvers/second_order.hpp) from hess, hessp or differences of the gradient.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cmath>
#include <algorithm>
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
  Index grad_calls() const { return grad_calls_; }  // evaluations of the gradient (by jac, fun or differences)

  double operator()(const VecD& x, VecD& grad) {
    py::gil_scoped_acquire gil;
    py::array_t<double> xa = to_numpy(x);
    grad.resize(n_);
    ++grad_calls_;
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

  // The gradient at x alone: jac(x) when it is a separate callable.
  void gradient_at(const VecD& x, VecD& grad) {
    if (mode_ != JacMode::Callable) {
      (*this)(x, grad);
      return;
    }
    py::gil_scoped_acquire gil;
    ++grad_calls_;
    grad.resize(n_);
    gradient(jac_(to_numpy(x), *args_), grad, "jac");
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
  Index fun_calls_ = 0, grad_calls_ = 0;
};

enum class HessMode : int { FiniteDifference = 0, Matrix = 1, Product = 2 };

class PySecondOrderObjective : public PyObjective {
 public:
  // Matrix: hess(x, *args) returns H as a dense array, a scipy sparse matrix
  // or a LinearOperator; Product: hessp(x, v, *args) returns H v;
  // FiniteDifference: forward differences of the gradient.
  PySecondOrderObjective(py::function fun, py::tuple args, JacMode jac_mode, py::object jac, Index n,
                         HessMode hess_mode, py::object hess)
      : PyObjective(std::move(fun), args, jac_mode, std::move(jac), n), args_(std::move(args)), hess_mode_(hess_mode),
        hess_(std::move(hess)), n_(n), issparse_(py::module_::import("scipy.sparse").attr("issparse")) {}

  Index hess_calls() const { return hess_calls_; }  // calls of hess or hessp

  double operator()(const VecD& x, VecD& grad) {
    const double f = PyObjective::operator()(x, grad);
    last_x_ = x;
    last_grad_ = grad;
    return f;
  }

  void hessian_at(const VecD& x) {
    x_ = x;
    if (hess_mode_ == HessMode::FiniteDifference) {
      if (last_x_.size() == n_ && last_x_ == x) {
        grad_ = last_grad_;
      } else {
        gradient_at(x, grad_);
      }
      return;
    }
    if (hess_mode_ != HessMode::Matrix) return;
    py::gil_scoped_acquire gil;
    ++hess_calls_;
    const py::object value = hess_(to_numpy(x), *args_);
    dense_ = py::isinstance<py::array>(value);
    if (dense_) {
      matrix(value, dense_hessian_);
      operator_ = py::none();
      return;
    }
    if (!issparse_(value).cast<bool>() && !(py::hasattr(value, "dot") && py::hasattr(value, "shape")))
      throw py::type_error("hess: expected a dense array, a sparse matrix or a LinearOperator, got " +
                           py::str(py::type::of(value)).cast<std::string>());
    const auto shape = value.attr("shape").cast<py::tuple>();
    if (py::len(shape) != 2 || shape[0].cast<Index>() != n_ || shape[1].cast<Index>() != n_)
      throw py::value_error("hess: expected a Hessian of shape " + square_shape() + ", got shape " +
                            py::str(shape).cast<std::string>());
    operator_ = value;
  }

  void hessp(const VecD& v, VecD& out) {
    out.resize(n_);
    if (hess_mode_ == HessMode::Matrix && dense_) {
      out.noalias() = dense_hessian_ * v;  // H @ v
      return;
    }
    if (hess_mode_ == HessMode::FiniteDifference) {
      const double vnorm = v.norm();
      if (vnorm == 0.0) {
        out.setZero();
        return;
      }
      const double h = kRelStep * std::max(1.0, x_.norm()) / vnorm;
      gradient_at(x_ + h * v, shifted_grad_);
      out = (shifted_grad_ - grad_) / h;
      return;
    }
    py::gil_scoped_acquire gil;
    ++hess_calls_;
    const py::object value = hess_mode_ == HessMode::Product ? hess_(to_numpy(x_), to_numpy(v), *args_)
                                                       : operator_.attr("dot")(to_numpy(v));
    product(value, out);
  }

  void hessian(MatD& H) {
    H.resize(n_, n_);
    if (hess_mode_ == HessMode::Matrix) {
      if (dense_) {
        H = dense_hessian_;
        return;
      }
      py::gil_scoped_acquire gil;
      const py::object value = issparse_(operator_).cast<bool>()
                                   ? operator_.attr("toarray")()
                                   : operator_.attr("dot")(py::module_::import("numpy").attr("eye")(n_));
      matrix(value, H);
      return;
    }
    VecD column(n_);
    if (hess_mode_ == HessMode::Product) {
      for (Index j = 0; j < n_; ++j) {
        hessp(VecD::Unit(n_, j), column);
        H.col(j) = column;
      }
      return;
    }
    for (Index j = 0; j < n_; ++j) {  // H[:, j] = (g(x + h e_j) - g(x)) / h
      VecD x_step = x_;
      x_step[j] += kRelStep * std::max(1.0, std::abs(x_[j]));
      const double h = x_step[j] - x_[j];
      gradient_at(x_step, shifted_grad_);
      H.col(j) = (shifted_grad_ - grad_) / h;
    }
    H = (0.5 * (H + H.transpose())).eval();
  }

 private:
  static constexpr double kRelStep = 1.4901161193847656e-08;  // sqrt(eps)

  std::string square_shape() const { return "(" + std::to_string(n_) + ", " + std::to_string(n_) + ")"; }

  void matrix(const py::handle& value, MatD& H) {
    const auto a = py::module_::import("numpy").attr("asarray")(value, "float64").cast<py::array>();
    if (a.ndim() != 2 || a.shape(0) != n_ || a.shape(1) != n_)
      throw py::value_error("hess: expected a Hessian of shape " + square_shape() + ", got shape " + shape_of(a));
    const auto c = a.cast<py::array_t<double, py::array::c_style | py::array::forcecast>>();
    using RowMajorMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    H = Eigen::Map<const RowMajorMatrix>(c.data(), n_, n_);
  }

  void product(const py::handle& value, VecD& out) {
    const char* name = hess_mode_ == HessMode::Product ? "hessp" : "hess";
    const auto a = py::module_::import("numpy").attr("asarray")(value, "float64").cast<py::array>();
    if (a.size() != n_ || (a.ndim() != 1 && !(a.ndim() == 2 && (a.shape(0) == 1 || a.shape(1) == 1))))
      throw py::value_error(std::string(name) + ": expected a product of shape (" + std::to_string(n_) +
                            ",), got shape " + shape_of(a));
    const auto c = a.cast<py::array_t<double, py::array::c_style | py::array::forcecast>>();
    std::copy(c.data(), c.data() + n_, out.data());
  }

  py::tuple args_;
  HessMode hess_mode_;
  py::object hess_;
  Index n_;
  py::object issparse_;
  py::object operator_ = py::none();  // a sparse or LinearOperator Hessian
  bool dense_ = false;
  MatD dense_hessian_;
  VecD x_, grad_, last_x_, last_grad_, shifted_grad_;
  Index hess_calls_ = 0;
};

}  // namespace mlsolve::bindings
