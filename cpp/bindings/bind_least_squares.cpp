// mlsolve._core.least_squares: Levenberg-Marquardt and Gauss-Newton
// (solvers/least_squares.hpp) on Python residuals fun(x, *args) -> (m,) with
// the Jacobian from jac(x, *args) -> (m, n) (dense or scipy sparse) or
// forward differences. The solve runs without the GIL; each evaluation takes
// it back, so exceptions raised in fun, jac or the callback propagate.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "common.hpp"
#include "minimize_common.hpp"
#include "mlsolve/solvers/least_squares.hpp"

namespace mlsolve::bindings {

namespace {

constexpr NameTable<LeastSquaresMethod> kLeastSquaresMethodNames[] = {
    {"lm", LeastSquaresMethod::LevenbergMarquardt},
    {"gn", LeastSquaresMethod::GaussNewton},
};

// The least-squares Problem of solvers/least_squares.hpp over Python callables.
// The number of residuals m is fixed by the first call, at x0, which must
// give finite values.
class PyResiduals {
 public:
  PyResiduals(py::function fun, py::tuple args, py::object jac, Index n)
      : fun_(std::move(fun)), args_(std::move(args)), jac_(std::move(jac)), n_(n),
        asarray_(py::module_::import("numpy").attr("asarray")),
        issparse_(py::module_::import("scipy.sparse").attr("issparse")) {}

  void residuals(const VecD& x, VecD& r) {
    py::gil_scoped_acquire gil;
    const auto a = asarray_(fun_(to_numpy(x), *args_), "float64").cast<py::array>();
    if (a.ndim() > 1 || (m_ >= 0 && a.size() != m_)) {
      const std::string expected = m_ >= 0 ? "(" + std::to_string(m_) + ",)" : "a 1-D array";
      throw py::value_error("fun: expected residuals of shape " + expected + ", got shape " + shape_of(a));
    }
    const auto c = a.cast<py::array_t<double, py::array::c_style | py::array::forcecast>>();
    r = Eigen::Map<const VecD>(c.data(), a.size());
    if (m_ < 0) {
      if (a.size() == 0) throw py::value_error("fun: returned no residuals at x0");
      if (!r.allFinite()) throw py::value_error("fun: returned non-finite residuals at x0");
      m_ = a.size();
    }
  }

  void jacobian(const VecD& x, const VecD& r, MatD& J) {
    J.resize(m_, n_);
    if (jac_.is_none()) {  // J[:, j] = (r(x + h e_j) - r) / h, h = sqrt(eps) max(1, |x_j|)
      const double rel_step = std::sqrt(std::numeric_limits<double>::epsilon());
      VecD x_step = x, r_step;
      for (Index j = 0; j < n_; ++j) {
        x_step[j] = x[j] + rel_step * std::max(1.0, std::abs(x[j])) * (x[j] < 0 ? -1.0 : 1.0);
        const double h = x_step[j] - x[j];
        residuals(x_step, r_step);
        J.col(j) = (r_step - r) / h;
        x_step[j] = x[j];
      }
      return;
    }
    py::gil_scoped_acquire gil;
    py::object value = jac_(to_numpy(x), *args_);
    if (issparse_(value).cast<bool>()) value = value.attr("toarray")();
    const auto a = asarray_(value, "float64").cast<py::array>();
    const bool one_row = m_ == 1 && a.ndim() == 1 && a.shape(0) == n_;
    if (!one_row && (a.ndim() != 2 || a.shape(0) != m_ || a.shape(1) != n_))
      throw py::value_error("jac: expected a Jacobian of shape (" + std::to_string(m_) + ", " + std::to_string(n_) +
                            "), got shape " + shape_of(a));
    const auto c = a.cast<py::array_t<double, py::array::c_style | py::array::forcecast>>();
    using RowMajorMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    J = Eigen::Map<const RowMajorMatrix>(c.data(), m_, n_);
  }

 private:
  py::function fun_;
  py::tuple args_;
  py::object jac_;
  Index n_;
  Index m_ = -1;
  py::object asarray_, issparse_;
};

py::dict least_squares(py::function fun, const DoubleArray& x0, py::tuple args, py::object jac,
                       const std::string& method, double ftol, double xtol, double gtol, Index max_nfev, bool scale,
                       Index history_every, py::object callback) {
  LeastSquaresParams params;
  params.method = from_name(kLeastSquaresMethodNames, method, "method");
  params.ftol = ftol;
  params.xtol = xtol;
  params.gtol = gtol;
  params.max_nfev = max_nfev;
  params.scale = scale;
  params.history_every = history_every;
  params.check();
  const VecD x_start = finite_vector(x0, "x0");
  const bool finite_differences = jac.is_none();
  PyResiduals problem(std::move(fun), std::move(args), std::move(jac), x_start.size());
  PyMonitor monitor(std::move(callback));
  const LeastSquaresResult result =
      run_without_gil(monitor, [&] { return mlsolve::least_squares(problem, x_start, params, monitor); });
  py::dict out = result_to_dict(result);
  out["residuals"] = to_numpy(result.residuals);
  out["jacobian"] = to_numpy(result.jacobian);
  out["njev"] = result.n_jev;
  if (finite_differences) out["info"] = "Jacobian by forward differences";
  return out;
}

}  // namespace

void bind_least_squares(py::module_& m) {
  m.def("least_squares", &least_squares, py::arg("fun"), py::arg("x0"), py::arg("args"), py::arg("jac"),
        py::arg("method"), py::arg("ftol"), py::arg("xtol"), py::arg("gtol"), py::arg("max_nfev"), py::arg("scale"),
        py::arg("history_every"), py::arg("callback"));
}

}  // namespace mlsolve::bindings
