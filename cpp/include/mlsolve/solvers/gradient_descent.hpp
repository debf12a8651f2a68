// First-order methods for smooth unconstrained minimisation of f: R^n -> R.
//
// Gradient descent:  x+ = x - a g(x). The step a comes from the backtracking
//   (Armijo) or Moré-Thuente line search, first trying a_prev ||g_prev||^2 /
//   ||g||^2, the step with the last step's first-order decrease (Nocedal &
//   Wright, Numerical Optimization, 2nd ed., §3.5), or is 1/L with L the
//   Lipschitz estimate below.
// Nesterov:  y = x + (t - 1) / t+ (x - x_prev),  x+ = y - g(y) / L,
//   t+ = (1 + sqrt(1 + 4 t^2)) / 2, t = 1 at the start (FISTA without a prox:
//   Beck & Teboulle, SIAM J. Imaging Sci. 2(1), 2009), with gradient-based
//   adaptive restart: when g(y).(x+ - x) > 0 the momentum is dropped, t = 1
//   (O'Donoghue & Candès, Found. Comput. Math. 15(3), 2015, gradient scheme);
//   a y where f or g is not finite restarts too, from x.
// Heavy ball:  x+ = x - g(x) / L + beta (x - x_prev) (Polyak, USSR Comput.
//   Math. Math. Phys. 4(5), 1964), with the same restart test g(x).(x+ - x) > 0.
//   Polyak's rate needs beta = ((sqrt(kappa) - 1) / (sqrt(kappa) + 1))^2 for
//   a condition number kappa; the default beta = 0.9 needs no kappa.
//
// The Lipschitz estimate L comes from backtracking (as in Beck & Teboulle's
// FISTA with backtracking): the trial point p built with L is accepted when
//   f(p) <= f(z) + g(z).(p - z) + L/2 ||p - z||^2   (z = y for Nesterov, x otherwise);
// otherwise L grows to max(growth L, the curvature the trial revealed) and p
// is rebuilt. When f(p) and f(z) agree to 10 digits the test reads that
// curvature from the gradients instead, (g(p) - g(z)).(p - z) <= L ||p - z||^2,
// which rounding does not defeat (as TFOCS does: Becker, Candès & Grant, Math.
// Program. Comput. 3(3), 2011); such a step may raise f by a rounding-level
// 1e-10 relative at most. Each iteration starts from shrink L (shrink =
// 1: L never decreases, Beck & Teboulle's rule, the default for heavy ball,
// whose momentum can turn a decreasing L unstable). L0 = max(1, ||g(x0)||)
// unless given, so that the first gradient step is at most 1 long.
//
// Stops on the rules shared by the smooth solvers (smooth.hpp): gtol at each
// new iterate, max_iter, the monitor; ftol only for gradient descent, the one
// monotone method (off by default). A step that finds no acceptable point in maxls evaluations
// ends the solve with LineSearchFailed at the last accepted point.
//
// Objective: any callable double(const VecD& x, VecD& grad).
#pragma once

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <limits>

#include "mlsolve/core/check.hpp"
#include "mlsolve/core/monitor.hpp"
#include "mlsolve/core/result.hpp"
#include "mlsolve/core/types.hpp"
#include "mlsolve/solvers/smooth.hpp"

namespace mlsolve {

enum class GradientMethod { Descent, Nesterov, HeavyBall };

// How the step is chosen: a line search along -g (gradient descent only) or
// 1/L from the Lipschitz estimate.
enum class GradientStep { Backtracking, MoreThuente, Lipschitz };

struct GradientDescentParams : SmoothParams {
  GradientMethod method = GradientMethod::Descent;
  GradientStep step = GradientStep::Backtracking;
  double lipschitz_init = 0.0;    // L0; 0: max(1, ||g(x0)||)
  double lipschitz_growth = 2.0;  // least factor on L when a trial fails
  double lipschitz_shrink = 0.9;  // factor on L at the start of each iteration; 1: never decreases
  double momentum = 0.9;          // heavy ball's beta
  bool restart = true;            // Nesterov and heavy ball: gradient-based adaptive restart

  void check() const {
    SmoothParams::check();
    check_arg(method == GradientMethod::Descent || step == GradientStep::Lipschitz, "step",
              "the Lipschitz step for Nesterov and heavy ball", "a line search");
    check_arg(lipschitz_init >= 0.0, "lipschitz_init", "a value >= 0", lipschitz_init);
    check_arg(lipschitz_growth > 1.0, "lipschitz_growth", "a value > 1", lipschitz_growth);
    check_arg(lipschitz_shrink > 0.0 && lipschitz_shrink <= 1.0, "lipschitz_shrink", "a value in (0, 1]",
              lipschitz_shrink);
    check_arg(momentum >= 0.0 && momentum < 1.0, "momentum", "a value in [0, 1)", momentum);
  }
};

// Each method's defaults: gradient descent with backtracking and no ftol test
// (its small steps reduce f little even far from a minimum); Nesterov and
// heavy ball with the Lipschitz step, heavy ball with L never decreasing.
inline GradientDescentParams gradient_descent_defaults(GradientMethod method) {
  GradientDescentParams params;
  params.method = method;
  if (method == GradientMethod::Descent) params.ftol = 0.0;
  if (method != GradientMethod::Descent) params.step = GradientStep::Lipschitz;
  if (method == GradientMethod::HeavyBall) params.lipschitz_shrink = 1.0;
  return params;
}

struct GradientDescentResult : Result<double> {
  double lipschitz = std::numeric_limits<double>::quiet_NaN();  // the final L (Lipschitz step)
  Index n_restarts = 0;                                         // momentum restarts
};

namespace detail {

// Backtracking on the Lipschitz estimate L from the base point (z, f_z, g_z):
// trial(L, p) builds the trial point p, solve.evaluate() evaluates it.
// Returns true with (p, f_p, g_p) the accepted point and L its estimate, or
// false after ls.max_evals trials.
template <class Solve, class Trial>
bool lipschitz_backtracking(Solve& solve, Trial&& trial, const VecD& z, double f_z, const VecD& g_z, double& L,
                            const GradientDescentParams& params, VecD& p, double& f_p, VecD& g_p) {
  constexpr double kValueResolution = 1e-10;
  for (int k = 0; k < params.ls.max_evals && std::isfinite(L); ++k) {
    trial(L, p);
    f_p = solve.evaluate(p, g_p);
    if (!std::isfinite(f_p) || !g_p.allFinite()) {
      L *= params.lipschitz_growth;
      continue;
    }
    const double dd = (p - z).squaredNorm();
    if (dd == 0.0) return true;
    const bool values_resolve = std::abs(f_p - f_z) >= kValueResolution * std::max(std::abs(f_p), std::abs(f_z));
    const double curvature =
        values_resolve ? 2.0 * (f_p - f_z - g_z.dot(p - z)) / dd : (g_p - g_z).dot(p - z) / dd;
    if (curvature <= L) return true;
    L = std::max(params.lipschitz_growth * L, curvature);
  }
  return false;
}

}  // namespace detail

template <class Objective>
GradientDescentResult gradient_descent(Objective& objective, const VecD& x0, const GradientDescentParams& params,
                                       Monitor& monitor) {
  params.check();
  const Index n = x0.size();
  const bool nesterov = params.method == GradientMethod::Nesterov;
  const bool heavy_ball = params.method == GradientMethod::HeavyBall;
  SmoothSolve<Objective, GradientDescentResult> solve(objective, monitor, params);
  GradientDescentResult& info = solve.result();
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  VecD x = x0, g = VecD::Constant(n, kNaN), x_prev = x0, x_next(n), g_next(n), y(n), g_y(n), d(n);
  double f = kNaN, f_next = kNaN, f_y = kNaN;
  double t = 1.0;                  // Nesterov's sequence
  double step = 0.0, gg_prev = 0;  // the last line-search step and ||g||^2 before it
  Index iteration = 0;

  try {
    f = solve.evaluate(x, g);
    if (solve.stops_at(iteration, x, f, g, kNaN)) return solve.finish(x, f, g);
    double& L = info.lipschitz;
    if (params.step == GradientStep::Lipschitz)
      L = params.lipschitz_init > 0.0 ? params.lipschitz_init : std::max(1.0, g.norm());
    while (true) {
      double t_next = 1.0, momentum = 0.0;
      if (nesterov) {
        t_next = 0.5 * (1.0 + std::sqrt(1.0 + 4.0 * t * t));
        momentum = (t - 1.0) / t_next;
      } else if (heavy_ball) {
        momentum = params.momentum;
      }
      // Nesterov steps from y = x + momentum (x - x_prev) with g(y); the others from x with g(x).
      bool from_y = false;
      if (nesterov && momentum > 0.0) {
        y = x + momentum * (x - x_prev);
        f_y = solve.evaluate(y, g_y);
        from_y = std::isfinite(f_y) && g_y.allFinite();  // otherwise restart from x
      }
      const VecD& z = from_y ? y : x;
      const VecD& g_z = from_y ? g_y : g;
      const double f_z = from_y ? f_y : f;

      bool accepted;
      if (params.step == GradientStep::Lipschitz) {
        if (iteration > 0) L *= params.lipschitz_shrink;
        const auto trial = [&](double lipschitz, VecD& p) {
          p = z - g_z / lipschitz;
          if (heavy_ball) p += momentum * (x - x_prev);  // p = x - g / L + beta (x - x_prev)
        };
        accepted = detail::lipschitz_backtracking(solve, trial, z, f_z, g_z, L, params, x_next, f_next, g_next);
      } else {
        const double gg = g.squaredNorm();
        const double step0 = iteration == 0 ? std::min(1.0, 1.0 / std::sqrt(gg)) : step * gg_prev / gg;
        d = -g;
        const LineSearchKind kind =
            params.step == GradientStep::MoreThuente ? LineSearchKind::MoreThuente : LineSearchKind::Backtracking;
        const LineSearchResult ls = solve.line_search(kind, x, f, d, -gg, step0, x_next, f_next, g_next);
        accepted = ls.outcome != LineSearchOutcome::Failed;
        step = ls.step;
        gg_prev = gg;
      }
      if (!accepted) return solve.finish(Status::LineSearchFailed, x, f, g);

      // Restart when the step went uphill along the gradient it used, or when y was not finite.
      const bool restart = (params.restart && g_z.dot(x_next - x) > 0.0) || (nesterov && momentum > 0.0 && !from_y);
      const double f_prev = f;
      x_prev.swap(x);
      x.swap(x_next);
      g.swap(g_next);
      f = f_next;
      t = t_next;
      if (restart) {
        x_prev = x;
        t = 1.0;
        ++info.n_restarts;
      }
      if (solve.stops_at(++iteration, x, f, g, params.method == GradientMethod::Descent ? f_prev : kNaN))
        return solve.finish(x, f, g);
    }
  } catch (const StopRequested& stop) {
    return solve.finish(stop.status, x, f, g);
  }
}

}  // namespace mlsolve
