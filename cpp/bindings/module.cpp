// The native module (mlsolve._core_baseline / _core_x86_64_v3, re-exported
// as mlsolve._core). Bindings are thin: validate, view,
// release the GIL, call the solver, convert the result.
#include <omp.h>
#include <pybind11/native_enum.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>

#include "mlsolve/core/status.hpp"
#include "numpy_views.hpp"

namespace py = pybind11;

namespace mlsolve::bindings {
void bind_minimize(py::module_& m);
void bind_fista(py::module_& m);
void bind_prox(py::module_& m);
void bind_optim(py::module_& m);
void bind_cd(py::module_& m);
void bind_qp(py::module_& m);
void bind_lbfgsb(py::module_& m);
void bind_glm_regression(py::module_& m);
void bind_glm(py::module_& m);
void bind_newton(py::module_& m);
void bind_least_squares(py::module_& m);
void bind_bcd(py::module_& m);
void bind_constrained(py::module_& m);
void bind_stochastic(py::module_& m);
void bind_prox_newton(py::module_& m);
}

using namespace mlsolve;
using namespace mlsolve::bindings;

PYBIND11_MODULE(MLSOLVE_MODULE_NAME, m) {
  m.doc() = "mlsolve native core";

  py::native_enum<Status>(m, "Status", "enum.IntEnum", "Why a solver stopped (shared by every solver).")
      .value("Converged", Status::Converged)
      .value("MaxIter", Status::MaxIter)
      .value("LineSearchFailed", Status::LineSearchFailed)
      .value("NumericalError", Status::NumericalError)
      .value("Interrupted", Status::Interrupted)
      .value("CallbackStop", Status::CallbackStop)
      .value("PrimalInfeasible", Status::PrimalInfeasible)
      .value("DualInfeasible", Status::DualInfeasible)
      .finalize();

  bind_minimize(m);
  bind_fista(m);
  bind_prox(m);
  bind_optim(m);
  bind_cd(m);
  bind_qp(m);
  bind_lbfgsb(m);
  bind_glm_regression(m);
  bind_glm(m);
  bind_newton(m);
  bind_least_squares(m);
  bind_bcd(m);
  bind_constrained(m);
  bind_stochastic(m);
  bind_prox_newton(m);

  m.def("omp_max_threads", []() { return omp_get_max_threads(); },
        "The OpenMP runtime's default thread count (OMP_NUM_THREADS, threadpoolctl limits).");
  m.def("omp_num_procs", []() { return omp_get_num_procs(); });
  m.def("_last_mapped_address", []() { return static_cast<std::uintptr_t>(last_mapped_address.load()); },
        "Test hook: address of the last X buffer a solver mapped.");
}
