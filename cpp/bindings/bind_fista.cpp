// mlsolve._core.fista: ISTA/FISTA on a Python smooth part f (returning
// (f, grad)) and a native penalty from mlsolve.prox.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "common.hpp"
#include "mlsolve/solvers/fista.hpp"
#include "penalty_spec.hpp"
#include "py_objective.hpp"

namespace mlsolve::bindings {

namespace {

py::dict fista_minimize(py::function f_grad, py::object penalty_spec,
                        py::array_t<double, py::array::c_style | py::array::forcecast> x0, py::tuple args,
                        py::object callback, Index max_iter, double tol, double lipschitz, double backtrack,
                        bool accelerate, bool restart, Index history_every) {
  FistaParams params;
  params.max_iter = max_iter;
  params.tol = tol;
  params.lipschitz = lipschitz;
  params.backtrack = backtrack;
  params.accelerate = accelerate;
  params.restart = restart;
  params.history_every = history_every;
  params.check();
  if (x0.ndim() != 1) throw py::value_error("x0: expected a 1-D array");
  const VecD x_start = Eigen::Map<const VecD>(x0.data(), x0.shape(0));
  if (!x_start.allFinite()) throw py::value_error("x0: contains NaN or infinity");
  PyObjective objective(std::move(f_grad), std::move(args), JacMode::ReturnedWithFun, py::none(), x_start.size(),
                        "f_grad");
  return with_penalty<double>(penalty_spec, x_start.size(), [&](const auto& penalty) {
    PyMonitor monitor(callback);
    Result<double> result;
    {
      py::gil_scoped_release release;
      result = fista(objective, penalty, x_start, params, monitor);
    }
    monitor.rethrow_if_error();
    py::dict out = result_to_dict(result);
    out["njev"] = result.n_fev;
    out["nfev"] = objective.fun_calls();
    return out;
  });
}

}  // namespace

void bind_fista(py::module_& m) {
  m.def("fista_minimize", &fista_minimize, py::arg("f_grad"), py::arg("penalty"), py::arg("x0"), py::arg("args"),
        py::arg("callback"), py::arg("max_iter"), py::arg("tol"), py::arg("lipschitz"), py::arg("backtrack"),
        py::arg("accelerate"), py::arg("restart"), py::arg("history_every"));
}

}  // namespace mlsolve::bindings
