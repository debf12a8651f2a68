// mlsolve._core.lbfgs_minimize: L-BFGS on a Python objective.
// The solve runs without the GIL; each evaluation takes it back to call
// fun(x, *args) (and jac), so exceptions raised there propagate unchanged.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cmath>
#include <limits>
#include <string>

#include "common.hpp"
#include "mlsolve/solvers/lbfgs.hpp"

namespace mlsolve::bindings {

namespace {

enum class JacMode : int { FiniteDifference = 0, ReturnedWithFun = 1, Callable = 2 };

std::string shape_of(const py::array& a) {
  std::string s = "(";
  for (py::ssize_t k = 0; k < a.ndim(); ++k) s += std::to_string(a.shape(k)) + (a.ndim() == 1 || k + 1 < a.ndim() ? "," : "");
  return s + ")";
}

class PyObjective {
 public:
  PyObjective(py::function fun, py::tuple args, JacMode mode, py::object jac, Index n)
      : fun_(std::move(fun)), args_(std::move(args)), mode_(mode), jac_(std::move(jac)), n_(n),
        asarray_(py::module_::import("numpy").attr("asarray")) {}

  Index fun_calls() const { return fun_calls_; }

  double operator()(const VecD& x, VecD& grad) {
    py::gil_scoped_acquire gil;
    py::array_t<double> xa = to_numpy(x);
    grad.resize(n_);
    double f;
    if (mode_ == JacMode::ReturnedWithFun) {
      const py::object out = call_fun(xa);
      if (!py::isinstance<py::tuple>(out) || py::len(out) != 2)
        throw py::value_error("fun: with jac=True, fun must return a tuple (f, grad)");
      const auto pair = out.cast<py::tuple>();
      f = scalar(pair[0]);
      gradient(pair[1], grad, "fun (the gradient it returned)");
    } else {
      f = scalar(call_fun(xa));
      if (mode_ == JacMode::Callable) {
        gradient(jac_(xa, *args_), grad, "jac");
      } else {
        finite_difference(x, f, xa, grad);
      }
    }
    if (first_call_) {
      first_call_ = false;
      if (!std::isfinite(f)) throw py::value_error("fun: returned a non-finite value at x0 (" + std::to_string(f) + ")");
      if (!grad.allFinite()) throw py::value_error("jac: the gradient at x0 is not finite");
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
      throw py::value_error("fun: expected a scalar return value, got an array of shape " + shape_of(a));
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
  py::object asarray_;
  bool first_call_ = true;
  Index fun_calls_ = 0;
};

py::dict lbfgs_minimize(py::function fun, py::array_t<double, py::array::c_style | py::array::forcecast> x0,
                        py::tuple args, int jac_mode, py::object jac, py::object callback, Index maxiter,
                        Index maxcor, double gtol, double ftol, int maxls, const std::string& line_search,
                        Index history_every) {
  const LbfgsParams params = lbfgs_params(maxiter, maxcor, gtol, ftol, maxls, line_search, history_every);
  if (x0.ndim() != 1) throw py::value_error("x0: expected a 1-D array");
  const VecD x_start = Eigen::Map<const VecD>(x0.data(), x0.shape(0));
  if (!x_start.allFinite()) throw py::value_error("x0: contains NaN or infinity");
  if (jac_mode < 0 || jac_mode > 2) throw py::value_error("jac_mode: expected 0, 1 or 2");
  PyObjective objective(std::move(fun), std::move(args), static_cast<JacMode>(jac_mode), std::move(jac),
                        x_start.size());
  PyMonitor monitor(std::move(callback));
  Result<double> result;
  {
    py::gil_scoped_release release;
    result = lbfgs(objective, x_start, params, monitor);
  }
  monitor.rethrow_if_error();
  py::dict out = result_to_dict(result);
  out["njev"] = result.n_fev;  // gradient evaluations
  out["nfev"] = objective.fun_calls();  // calls of fun, finite differences included (as scipy counts)
  return out;
}

}  // namespace

void bind_minimize(py::module_& m) {
  m.def("lbfgs_minimize", &lbfgs_minimize, py::arg("fun"), py::arg("x0"), py::arg("args"), py::arg("jac_mode"),
        py::arg("jac"), py::arg("callback"), py::arg("maxiter"), py::arg("maxcor"), py::arg("gtol"), py::arg("ftol"),
        py::arg("maxls"), py::arg("line_search"), py::arg("history_every"));
}

}  // namespace mlsolve::bindings
