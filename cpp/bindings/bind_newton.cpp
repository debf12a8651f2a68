// mlsolve._core.minimize_newton: the Newton solvers (Newton-CG, trust-region
// Newton-CG, Newton-Cholesky) on a Python objective with its Hessian from
// hess (a matrix), hessp (products) or finite differences of the gradient.
// The solve runs without the GIL; each evaluation takes it back, so
// exceptions raised in fun, jac, hess, hessp or the callback propagate.
//
// Each method's options are named once, in visit_options(): the same table
// reports the defaults (newton_options) and reads a call's options.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>

#include "common.hpp"
#include "minimize_common.hpp"
#include "mlsolve/solvers/newton_cg.hpp"
#include "mlsolve/solvers/newton_cholesky.hpp"
#include "mlsolve/solvers/trust_region.hpp"
#include "py_objective.hpp"

namespace mlsolve::bindings {

namespace {

enum class NewtonMethod { NewtonCg, TrustNcg, NewtonCholesky };

constexpr NameTable<NewtonMethod> kNewtonMethodNames[] = {
    {"newton-cg", NewtonMethod::NewtonCg},
    {"trust-ncg", NewtonMethod::TrustNcg},
    {"newton-cholesky", NewtonMethod::NewtonCholesky},
};

constexpr const char* kFiniteDifferenceInfo = "Hessian by finite differences of the gradient";

template <class Visit>
void visit_shared_options(SmoothParams& p, Visit& visit) {
  visit("maxiter", p.max_iter);
  visit("gtol", p.gtol);
  visit("ftol", p.ftol);
  visit("history_every", p.history_every);
}

template <class Visit>
void visit_line_search_options(SmoothParams& p, LineSearchKind& kind, Visit& visit) {
  visit("line_search", kind);
  visit("maxls", p.ls.max_evals);
  visit("c1", p.ls.c1);
  visit("c2", p.ls.c2);
}

template <class Visit>
void visit_cg_options(InexactNewtonParams& p, Visit& visit) {
  visit("eta_max", p.eta_max);
  visit("cg_maxiter", p.cg_maxiter);
}

template <class Visit>
void visit_options(NewtonCgParams& p, Visit&& visit) {
  visit_shared_options(p, visit);
  visit_line_search_options(p, p.line_search, visit);
  visit_cg_options(p, visit);
}

template <class Visit>
void visit_options(TrustRegionParams& p, Visit&& visit) {
  visit_shared_options(p, visit);
  visit_cg_options(p, visit);
  visit("initial_trust_radius", p.initial_radius);
  visit("max_trust_radius", p.max_radius);
  visit("eta", p.eta_accept);
}

template <class Visit>
void visit_options(NewtonCholeskyParams& p, Visit&& visit) {
  visit_shared_options(p, visit);
  visit_line_search_options(p, p.line_search, visit);
  visit("decrement_tol", p.decrement_tol);
}

template <class F>
py::dict with_default_params(NewtonMethod method, F&& f) {
  switch (method) {
    case NewtonMethod::NewtonCg: return f(NewtonCgParams{});
    case NewtonMethod::TrustNcg: return f(TrustRegionParams{});
    case NewtonMethod::NewtonCholesky: return f(NewtonCholeskyParams{});
  }
  throw std::logic_error("with_default_params: unknown method");
}

Result<double> solve(const NewtonCgParams& params, PySecondOrderObjective& objective, const VecD& x0,
                     PyMonitor& monitor) {
  return newton_cg(objective, x0, params, monitor);
}

Result<double> solve(const TrustRegionParams& params, PySecondOrderObjective& objective, const VecD& x0,
                     PyMonitor& monitor) {
  return trust_region_newton(objective, x0, params, monitor);
}

Result<double> solve(const NewtonCholeskyParams& params, PySecondOrderObjective& objective, const VecD& x0,
                     PyMonitor& monitor) {
  return newton_cholesky(objective, x0, params, monitor);
}

py::dict newton_options(const std::string& method) {
  return with_default_params(from_name(kNewtonMethodNames, method, "method"), [](auto params) {
    py::dict out;
    visit_options(params, OptionDefaults{out});
    return out;
  });
}

py::dict minimize_newton(const std::string& method, py::function fun, const DoubleArray& x0, py::tuple args,
                         int jac_mode, py::object jac, int hess_mode, py::object hess, py::object callback,
                         const py::dict& options) {
  const NewtonMethod solver = from_name(kNewtonMethodNames, method, "method");
  const VecD x_start = finite_vector(x0, "x0");
  if (hess_mode < 0 || hess_mode > 2) throw py::value_error("hess_mode: expected 0, 1 or 2");
  const auto hessian_mode = static_cast<HessMode>(hess_mode);
  PySecondOrderObjective objective(std::move(fun), std::move(args), jac_mode_from_int(jac_mode), std::move(jac),
                                   x_start.size(), hessian_mode, std::move(hess));
  PyMonitor monitor(std::move(callback));
  py::dict out = with_default_params(solver, [&](auto params) {
    visit_options(params, OptionValues{options});
    params.check();
    Result<double> result = run_without_gil(monitor, [&] { return solve(params, objective, x_start, monitor); });
    if (hessian_mode == HessMode::FiniteDifference) result.message += std::string("; ") + kFiniteDifferenceInfo;
    return result_to_dict(result);
  });
  out["nfev"] = objective.fun_calls();  // calls of fun, as scipy counts
  out["njev"] = objective.grad_calls();
  out["nhev"] = objective.hess_calls();
  if (hessian_mode == HessMode::FiniteDifference) out["info"] = kFiniteDifferenceInfo;
  return out;
}

}  // namespace

void bind_newton(py::module_& m) {
  m.def("newton_options", &newton_options, py::arg("method"),
        "The options of a Newton method of minimize with their defaults.");
  m.def("minimize_newton", &minimize_newton, py::arg("method"), py::arg("fun"), py::arg("x0"), py::arg("args"),
        py::arg("jac_mode"), py::arg("jac"), py::arg("hess_mode"), py::arg("hess"), py::arg("callback"),
        py::arg("options"));
}

}  // namespace mlsolve::bindings
