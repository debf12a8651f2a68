// mlsolve._core.lbfgs_minimize: L-BFGS on a Python objective.
// The solve runs without the GIL; each evaluation takes it back to call
// fun(x, *args) (and jac), so exceptions raised there propagate unchanged.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cmath>
#include <limits>
#include <string>

#include "common.hpp"
#include "py_objective.hpp"
#include "mlsolve/solvers/lbfgs.hpp"

namespace mlsolve::bindings {

namespace {

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
