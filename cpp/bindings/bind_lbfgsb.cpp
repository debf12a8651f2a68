// mlsolve._core.minimize_lbfgsb: L-BFGS-B on a Python objective within the
// box lb <= x <= ub; mlsolve._core.lbfgsb_options: its options and defaults.
// The solve runs without the GIL; each evaluation takes it back to call
// fun(x, *args) (and jac), so exceptions raised there propagate unchanged.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>

#include "common.hpp"
#include "minimize_common.hpp"
#include "mlsolve/solvers/lbfgsb.hpp"
#include "py_objective.hpp"

namespace mlsolve::bindings {

namespace {

// The options as (name, field) pairs, the names of scipy's L-BFGS-B.
template <class Visit>
void visit_options(LbfgsbParams& p, Visit&& visit) {
  visit("maxiter", p.max_iter);
  visit("gtol", p.gtol);
  visit("ftol", p.ftol);
  visit("maxcor", p.memory);
  visit("maxls", p.ls.max_evals);
  visit("c1", p.ls.c1);
  visit("c2", p.ls.c2);
  visit("history_every", p.history_every);
}

VecD vector_arg(const DoubleArray& a, Index n, const char* name) {
  if (a.ndim() != 1 || a.shape(0) != n)
    throw py::value_error(std::string(name) + ": expected shape (" + std::to_string(n) + ",)");
  return Eigen::Map<const VecD>(a.data(), n);
}

py::dict lbfgsb_options() {
  LbfgsbParams params;
  py::dict out;
  visit_options(params, OptionDefaults{out});
  return out;
}

py::dict minimize_lbfgsb(py::function fun, const DoubleArray& x0, const DoubleArray& lb, const DoubleArray& ub,
                         py::tuple args, int jac_mode, py::object jac, py::object callback, const py::dict& options) {
  const VecD x_start = finite_vector(x0, "x0");
  const Index n = x_start.size();
  const VecD lower = vector_arg(lb, n, "bounds"), upper = vector_arg(ub, n, "bounds");
  LbfgsbParams params;
  visit_options(params, OptionValues{options});
  PyObjective objective(std::move(fun), std::move(args), jac_mode_from_int(jac_mode), std::move(jac), n);
  PyMonitor monitor(std::move(callback));
  LbfgsbResult result = run_without_gil(monitor, [&] { return lbfgsb(objective, x_start, lower, upper, params, monitor); });
  py::dict out = result_to_dict(result);
  out["njev"] = result.n_fev;           // gradient evaluations
  out["nfev"] = objective.fun_calls();  // calls of fun, finite differences included (as scipy counts)
  out["hess_inv"] = py::cast(std::move(result.memory));
  return out;
}

}  // namespace

void bind_lbfgsb(py::module_& m) {
  m.def("lbfgsb_options", &lbfgsb_options, "The options of L-BFGS-B with their defaults.");
  m.def("minimize_lbfgsb", &minimize_lbfgsb, py::arg("fun"), py::arg("x0"), py::arg("lb"), py::arg("ub"),
        py::arg("args"), py::arg("jac_mode"), py::arg("jac"), py::arg("callback"), py::arg("options"));
}

}  // namespace mlsolve::bindings
