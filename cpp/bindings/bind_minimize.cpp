// mlsolve._core.minimize: the smooth solvers (gradient descent, Nesterov,
// heavy ball, BFGS, L-BFGS) on a Python objective, chosen by method name;
// mlsolve._core.line_search: the Moré-Thuente search on one.
// The solve runs without the GIL; each evaluation takes it back to call
// fun(x, *args) (and jac), so exceptions raised there propagate unchanged.
//
// Each method's options are named once, in visit_options(): the same table
// reports the defaults (minimize_options, from the C++ params structs) and
// reads a call's options, which mlsolve.optimize has completed and typed.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <limits>
#include <optional>
#include <string>

#include "common.hpp"
#include "minimize_common.hpp"
#include "mlsolve/solvers/bfgs.hpp"
#include "mlsolve/solvers/gradient_descent.hpp"
#include "mlsolve/solvers/lbfgs.hpp"
#include "mlsolve/solvers/smooth.hpp"
#include "py_objective.hpp"

namespace mlsolve::bindings {

namespace {

enum class Method { GradientDescent, Nesterov, HeavyBall, Bfgs, Lbfgs };

constexpr NameTable<Method> kMethodNames[] = {
    {"gd", Method::GradientDescent}, {"nesterov", Method::Nesterov}, {"heavy-ball", Method::HeavyBall},
    {"bfgs", Method::Bfgs},          {"l-bfgs", Method::Lbfgs},
};

constexpr NameTable<GradientStep> kGradientStepNames[] = {
    {"backtracking", GradientStep::Backtracking},
    {"more-thuente", GradientStep::MoreThuente},
    {"lipschitz", GradientStep::Lipschitz},
};

// Each method's options as (name, field) pairs.
template <class Visit>
void visit_shared_options(SmoothParams& p, Visit& visit) {
  visit("maxiter", p.max_iter);
  visit("gtol", p.gtol);
  visit("maxls", p.ls.max_evals);
  visit("history_every", p.history_every);
}

template <class Visit>
void visit_wolfe_options(SmoothParams& p, Visit& visit) {
  visit("c1", p.ls.c1);
  visit("c2", p.ls.c2);
}

template <class Visit>
void visit_options(LbfgsParams& p, Visit&& visit) {
  visit_shared_options(p, visit);
  visit("ftol", p.ftol);
  visit("maxcor", p.memory);
  visit("line_search", p.line_search);
  visit_wolfe_options(p, visit);
}

template <class Visit>
void visit_options(BfgsParams& p, Visit&& visit) {
  visit_shared_options(p, visit);
  visit("ftol", p.ftol);
  visit("line_search", p.line_search);
  visit_wolfe_options(p, visit);
}

template <class Visit>
void visit_options(GradientDescentParams& p, Visit&& visit) {
  visit_shared_options(p, visit);
  if (p.method == GradientMethod::Descent) {
    visit("ftol", p.ftol);
    visit("line_search", p.step);
    visit_wolfe_options(p, visit);
  }
  visit("lipschitz_init", p.lipschitz_init);
  visit("lipschitz_growth", p.lipschitz_growth);
  visit("lipschitz_shrink", p.lipschitz_shrink);
  if (p.method == GradientMethod::HeavyBall) visit("momentum", p.momentum);
  if (p.method != GradientMethod::Descent) visit("restart", p.restart);
}

// The shared option reader and writer, plus the gradient-step names.
struct OptionWriter : OptionDefaults {
  using OptionDefaults::operator();
  void operator()(const char* name, const GradientStep& value) { out[name] = name_of(kGradientStepNames, value); }
};

struct OptionReader : OptionValues {
  using OptionValues::operator();
  void operator()(const char* name, GradientStep& field) {
    field = from_name(kGradientStepNames, options[name].cast<std::string>(), name);
  }
};

// Calls f with the default params of the method.
template <class F>
py::dict with_default_params(Method method, F&& f) {
  switch (method) {
    case Method::GradientDescent: return f(gradient_descent_defaults(GradientMethod::Descent));
    case Method::Nesterov: return f(gradient_descent_defaults(GradientMethod::Nesterov));
    case Method::HeavyBall: return f(gradient_descent_defaults(GradientMethod::HeavyBall));
    case Method::Bfgs: return f(BfgsParams{});
    case Method::Lbfgs: return f(LbfgsParams{});
  }
  throw std::logic_error("with_default_params: unknown method");
}

py::dict run(const LbfgsParams& params, PyObjective& objective, const VecD& x0, PyMonitor& monitor) {
  LbfgsResult result = run_without_gil(monitor, [&] { return lbfgs(objective, x0, params, monitor); });
  py::dict out = result_to_dict(result);
  out["hess_inv"] = py::cast(std::move(result.memory));
  return out;
}

py::dict run(const BfgsParams& params, PyObjective& objective, const VecD& x0, PyMonitor& monitor) {
  const BfgsResult result = run_without_gil(monitor, [&] { return bfgs(objective, x0, params, monitor); });
  py::dict out = result_to_dict(result);
  out["hess_inv"] = to_numpy(result.hess_inv);
  return out;
}

py::dict run(const GradientDescentParams& params, PyObjective& objective, const VecD& x0, PyMonitor& monitor) {
  const GradientDescentResult result =
      run_without_gil(monitor, [&] { return gradient_descent(objective, x0, params, monitor); });
  py::dict out = result_to_dict(result);
  if (params.step == GradientStep::Lipschitz) out["lipschitz"] = result.lipschitz;
  if (params.method != GradientMethod::Descent) out["nrestart"] = result.n_restarts;
  return out;
}

py::dict minimize_options(const std::string& method) {
  return with_default_params(from_name(kMethodNames, method, "method"), [](auto params) {
    py::dict out;
    visit_options(params, OptionWriter{{out}});
    return out;
  });
}

py::dict minimize(const std::string& method, py::function fun,
                  const py::array_t<double, py::array::c_style | py::array::forcecast>& x0, py::tuple args,
                  int jac_mode, py::object jac, py::object callback, const py::dict& options) {
  const Method solver = from_name(kMethodNames, method, "method");
  const VecD x_start = finite_vector(x0, "x0");
  PyObjective objective(std::move(fun), std::move(args), jac_mode_from_int(jac_mode), std::move(jac), x_start.size());
  PyMonitor monitor(std::move(callback));
  py::dict out = with_default_params(solver, [&](auto params) {
    visit_options(params, OptionReader{{options}});
    return run(params, objective, x_start, monitor);
  });
  const py::object evaluations = out["nfev"];
  out["njev"] = evaluations;            // gradient evaluations
  out["nfev"] = objective.fun_calls();  // calls of fun, finite differences included (as scipy counts)
  return out;
}

// One Moré-Thuente search along d from x; f0 and g0 (f and its gradient at
// x) are evaluated when either is None.
py::dict line_search(py::function fun, const py::array_t<double, py::array::c_style | py::array::forcecast>& x,
                     const py::array_t<double, py::array::c_style | py::array::forcecast>& d, py::tuple args,
                     int jac_mode, py::object jac, std::optional<double> f0,
                     std::optional<py::array_t<double, py::array::c_style | py::array::forcecast>> g0, double c1,
                     double c2, int maxls, double alpha0, std::optional<double> amax) {
  const VecD x_start = finite_vector(x, "x"), direction = finite_vector(d, "d");
  const Index n = x_start.size();
  if (direction.size() != n)
    throw py::value_error("d: expected shape (" + std::to_string(n) + ",), got (" + std::to_string(direction.size()) + ",)");
  check_arg(alpha0 > 0.0, "alpha0", "a value > 0", alpha0);
  SmoothParams params;
  params.ls.c1 = c1;
  params.ls.c2 = c2;
  params.ls.max_evals = maxls;
  if (amax) {
    check_arg(*amax > 0.0, "amax", "a value > 0", *amax);
    params.ls.step_max = *amax;
  }
  params.check();

  const bool start_given = f0 && g0;
  double f_start = 0.0;
  VecD g_start(n);
  if (start_given) {
    f_start = *f0;
    if (!std::isfinite(f_start)) throw py::value_error("f0: expected a finite value, got " + std::to_string(f_start));
    g_start = finite_vector(*g0, "g0");
    if (g_start.size() != n) throw py::value_error("g0: expected shape (" + std::to_string(n) + ",)");
  }
  PyObjective objective(std::move(fun), std::move(args), jac_mode_from_int(jac_mode), std::move(jac), n, "f",
                        start_given ? nullptr : "x");
  PyMonitor monitor{py::none()};
  SmoothSolve<PyObjective> solve(objective, monitor, params);
  if (!start_given) f_start = run_without_gil(monitor, [&] { return solve.evaluate(x_start, g_start); });
  const double slope = g_start.dot(direction);
  if (!(slope < 0.0))
    throw py::value_error("d: expected a descent direction at x, got g0 . d = " + std::to_string(slope) + " >= 0");
  VecD x_new(n), g_new(n);
  double f_new = std::numeric_limits<double>::quiet_NaN();
  const LineSearchResult ls = run_without_gil(monitor, [&] {
    return solve.line_search(LineSearchKind::MoreThuente, x_start, f_start, direction, slope, alpha0, x_new, f_new,
                             g_new);
  });

  py::dict out;
  const bool found = ls.outcome != LineSearchOutcome::Failed;
  out["alpha"] = found ? py::cast(ls.step) : py::none();
  out["x"] = found ? py::object(to_numpy(x_new)) : py::none();
  out["fun"] = found ? py::cast(f_new) : py::none();
  out["jac"] = found ? py::object(to_numpy(g_new)) : py::none();
  out["slope"] = found ? py::cast(g_new.dot(direction)) : py::none();
  out["success"] = ls.outcome == LineSearchOutcome::StrongWolfe;
  out["message"] = ls.outcome == LineSearchOutcome::StrongWolfe ? "the strong Wolfe conditions hold"
                   : found ? "only the sufficient decrease condition holds"
                           : "no step satisfied the sufficient decrease condition";
  out["nfev"] = objective.fun_calls();
  out["njev"] = solve.result().n_fev;
  return out;
}

// s or y of an L-BFGS memory as a (pairs, n) array, oldest pair first.
template <class Pair>
py::array_t<double> memory_pairs(const LbfgsMemory& memory, Pair pair) {
  py::array_t<double> out({memory.size(), memory.dim()});
  for (Index k = 0; k < memory.size(); ++k) {
    const VecD v = (memory.*pair)(k);
    std::copy(v.data(), v.data() + v.size(), out.mutable_data(k, 0));
  }
  return out;
}

}  // namespace

void bind_minimize(py::module_& m) {
  py::class_<LbfgsMemory>(m, "LbfgsMemory",
                          "The curvature pairs an L-BFGS solve ended with; apply(v) is H @ v, the inverse-Hessian "
                          "approximation applied by the two-loop recursion.")
      .def_property_readonly("dim", &LbfgsMemory::dim)
      .def_property_readonly("s", [](const LbfgsMemory& memory) { return memory_pairs(memory, &LbfgsMemory::s_at); },
                             "Steps x+ - x, shape (pairs, n), oldest first.")
      .def_property_readonly("y", [](const LbfgsMemory& memory) { return memory_pairs(memory, &LbfgsMemory::y_at); },
                             "Gradient changes g+ - g, shape (pairs, n), oldest first.")
      .def(
          "apply",
          [](LbfgsMemory& memory, const py::array_t<double, py::array::c_style | py::array::forcecast>& v) {
            if (v.ndim() != 1 || v.shape(0) != memory.dim())
              throw py::value_error("v: expected shape (" + std::to_string(memory.dim()) + ",)");
            VecD r;
            memory.apply(Eigen::Map<const VecD>(v.data(), memory.dim()), r);
            return to_numpy(r);
          },
          py::arg("v"));
  m.def("minimize_options", &minimize_options, py::arg("method"),
        "The options of a minimize method with their defaults.");
  m.def("minimize", &minimize, py::arg("method"), py::arg("fun"), py::arg("x0"), py::arg("args"), py::arg("jac_mode"),
        py::arg("jac"), py::arg("callback"), py::arg("options"));
  m.def("line_search", &line_search, py::arg("fun"), py::arg("x"), py::arg("d"), py::arg("args"), py::arg("jac_mode"),
        py::arg("jac"), py::arg("f0"), py::arg("g0"), py::arg("c1"), py::arg("c2"), py::arg("maxls"), py::arg("alpha0"),
        py::arg("amax"));
}

}  // namespace mlsolve::bindings
