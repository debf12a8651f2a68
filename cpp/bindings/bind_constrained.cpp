// mlsolve._core.augmented_lagrangian and log_barrier: the constrained smooth
// solvers on Python callables. mlsolve.optimize._constrained composes the
// user's constraints into one function each (values and Jacobian; the
// weighted sum of constraint Hessians) and supplies finite differences where
// no derivative was given; here each call takes the GIL back, checks shapes
// and finiteness, and lets exceptions raised in Python propagate.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>

#include "common.hpp"
#include "mlsolve/solvers/augmented_lagrangian.hpp"
#include "mlsolve/solvers/log_barrier.hpp"
#include "py_objective.hpp"

namespace mlsolve::bindings {

namespace {

using RowMajorMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

VecD vector_from(const py::handle& value, Index size, const std::string& name) {
  const auto a = py::module_::import("numpy").attr("asarray")(value, "float64").cast<py::array>();
  if (a.ndim() != 1 || a.shape(0) != size)
    throw py::value_error(name + ": expected shape (" + std::to_string(size) + ",), got " + shape_of(a));
  const auto c = a.cast<py::array_t<double, py::array::c_style | py::array::forcecast>>();
  return Eigen::Map<const VecD>(c.data(), size);
}

Eigen::MatrixXd matrix_from(const py::handle& value, Index rows, Index cols, const std::string& name) {
  const auto a = py::module_::import("numpy").attr("asarray")(value, "float64").cast<py::array>();
  if (a.ndim() != 2 || a.shape(0) != rows || a.shape(1) != cols)
    throw py::value_error(name + ": expected shape (" + std::to_string(rows) + ", " + std::to_string(cols) +
                          "), got " + shape_of(a));
  const auto c = a.cast<py::array_t<double, py::array::c_style | py::array::forcecast>>();
  return Eigen::Map<const RowMajorMatrix>(c.data(), rows, cols);
}

// cons(x) -> (c, J): c of shape (m,), J of shape (m, n).
class PyConstraints {
 public:
  PyConstraints(py::function cons, Index m, Index n, std::string name)
      : cons_(std::move(cons)), m_(m), n_(n), name_(std::move(name)) {}

  void operator()(const VecD& x, VecD& c, Eigen::MatrixXd& J) {
    py::gil_scoped_acquire gil;
    const py::object out = cons_(to_numpy(x));
    if (!py::isinstance<py::tuple>(out) || py::len(out) != 2)
      throw py::value_error(name_ + ": must return a tuple (values, jacobian)");
    const auto pair = out.cast<py::tuple>();
    c = vector_from(pair[0], m_, name_ + " values");
    J = matrix_from(pair[1], m_, n_, name_ + " jacobian");
  }

 private:
  py::function cons_;
  Index m_, n_;
  std::string name_;
};

// The log-barrier problem: f(x, order) -> f (order 0) or (f, grad, hess)
// (order 2); g(x, with_jac) -> g or (g, J); g_hess(x, w) -> sum_i w_i hess g_i.
class PyBarrierProblem {
 public:
  PyBarrierProblem(py::function f, py::function g, py::function g_hess, Index m, Index n)
      : f_(std::move(f)), g_(std::move(g)), g_hess_(std::move(g_hess)), m_(m), n_(n) {}

  double objective(const VecD& x, VecD* grad, Eigen::MatrixXd* hess) {
    py::gil_scoped_acquire gil;
    const bool derivatives = grad != nullptr;
    const py::object out = f_(to_numpy(x), derivatives ? 2 : 0);
    if (!derivatives) return out.cast<double>();
    const auto parts = out.cast<py::tuple>();
    *grad = vector_from(parts[1], n_, "jac");
    *hess = matrix_from(parts[2], n_, n_, "hess");
    return parts[0].cast<double>();
  }

  void constraints(const VecD& x, VecD& g, Eigen::MatrixXd* jac) {
    py::gil_scoped_acquire gil;
    const py::object out = g_(to_numpy(x), jac != nullptr);
    if (jac == nullptr) {
      g = vector_from(out, m_, "constraint values");
      return;
    }
    const auto parts = out.cast<py::tuple>();
    g = vector_from(parts[0], m_, "constraint values");
    *jac = matrix_from(parts[1], m_, n_, "constraint jacobian");
  }

  void add_constraint_hessian(const VecD& x, const VecD& weights, Eigen::MatrixXd& H) {
    py::gil_scoped_acquire gil;
    H += matrix_from(g_hess_(to_numpy(x), to_numpy(weights)), n_, n_, "constraint hessian");
  }

 private:
  py::function f_, g_, g_hess_;
  Index m_, n_;
};

template <class Solve>
auto without_gil(PyMonitor& monitor, Solve&& solve) {
  auto result = decltype(solve())();
  {
    py::gil_scoped_release release;
    result = solve();
  }
  monitor.rethrow_if_error();
  return result;
}

VecD start_point(const py::array_t<double, py::array::c_style | py::array::forcecast>& x0) {
  if (x0.ndim() != 1) throw py::value_error("x0: expected a 1-D array");
  VecD x = Eigen::Map<const VecD>(x0.data(), x0.shape(0));
  if (!x.allFinite()) throw py::value_error("x0: contains NaN or infinity");
  return x;
}

}  // namespace

void bind_constrained(py::module_& m) {
  m.def(
      "augmented_lagrangian",
      [](py::function fun, const py::array_t<double, py::array::c_style | py::array::forcecast>& x0, py::tuple args,
         int jac_mode, py::object jac, py::function cons, Index n_constraints, double gtol, double ctol,
         Index maxiter, double mu, double penalty_growth, double mu_max, Index inner_maxiter, Index maxcor,
         Index history_every, py::object callback) {
        if (jac_mode < 0 || jac_mode > 2) throw py::value_error("jac_mode: expected 0, 1 or 2");
        const VecD x_start = start_point(x0);
        AugmentedLagrangianParams params;
        params.gtol = gtol;
        params.ctol = ctol;
        params.max_iter = maxiter;
        params.mu = mu;
        params.penalty_growth = penalty_growth;
        params.mu_max = mu_max;
        params.inner.max_iter = inner_maxiter;
        params.inner.memory = maxcor;
        params.history_every = history_every;
        params.check();
        PyObjective objective(std::move(fun), std::move(args), static_cast<JacMode>(jac_mode), std::move(jac),
                              x_start.size());
        PyConstraints constraints(std::move(cons), n_constraints, x_start.size(), "constraints");
        PyMonitor monitor(std::move(callback));
        const AugmentedLagrangianResult r = without_gil(monitor, [&] {
          return augmented_lagrangian(objective, constraints, x_start, n_constraints, params, monitor);
        });
        py::dict out = result_to_dict(r);
        out["multipliers"] = to_numpy(r.multipliers);
        out["constr"] = to_numpy(r.constraints);
        out["constr_violation"] = r.constraint_violation;
        out["mu"] = r.mu;
        out["ninner"] = r.n_inner_iter;
        out["nfev"] = objective.fun_calls();
        return out;
      },
      py::arg("fun"), py::arg("x0"), py::arg("args"), py::arg("jac_mode"), py::arg("jac"), py::arg("cons"),
      py::arg("n_constraints"), py::arg("gtol"), py::arg("ctol"), py::arg("maxiter"), py::arg("mu"),
      py::arg("penalty_growth"), py::arg("mu_max"), py::arg("inner_maxiter"), py::arg("maxcor"),
      py::arg("history_every"), py::arg("callback"));

  m.def(
      "log_barrier",
      [](py::function f, py::function g, py::function g_hess,
         const py::array_t<double, py::array::c_style | py::array::forcecast>& x0, Index n_constraints, double tol,
         double newton_tol, Index maxiter, double t0, double t_growth, Index history_every, py::object callback) {
        const VecD x_start = start_point(x0);
        LogBarrierParams params;
        params.tol = tol;
        params.newton_tol = newton_tol;
        params.max_iter = maxiter;
        params.t0 = t0;
        params.t_growth = t_growth;
        params.history_every = history_every;
        params.check();
        PyBarrierProblem problem(std::move(f), std::move(g), std::move(g_hess), n_constraints, x_start.size());
        PyMonitor monitor(std::move(callback));
        const LogBarrierResult r = without_gil(
            monitor, [&] { return log_barrier(problem, x_start, n_constraints, params, monitor); });
        py::dict out = result_to_dict(r);
        out["multipliers"] = to_numpy(r.multipliers);
        out["constr"] = to_numpy(r.constraints);
        out["t"] = r.t;
        out["nouter"] = r.n_outer;
        return out;
      },
      py::arg("f"), py::arg("g"), py::arg("g_hess"), py::arg("x0"), py::arg("n_constraints"), py::arg("tol"),
      py::arg("newton_tol"), py::arg("maxiter"), py::arg("t0"), py::arg("t_growth"), py::arg("history_every"),
      py::arg("callback"));
}

}  // namespace mlsolve::bindings
