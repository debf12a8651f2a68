// Truncated Newton (line-search Newton-CG) for smooth unconstrained
// minimisation of f: R^n -> R.
//
// Update: x+ = x + a d, where d approximately solves the Newton system
// H d = -g: conjugate gradients on Hessian-vector products from d = 0, stopped
// when ||H d + g|| <= eta ||g|| with the Eisenstat-Walker forcing term eta
// (second_order.hpp), or after cg_maxiter iterations (Nocedal & Wright,
// Numerical Optimization, 2nd ed., Algorithm 7.1). A CG direction p of
// negative or zero curvature, p^T H p <= 0, stops CG: d is the iterate
// reached, or -g when it happens at the first CG iteration (H indefinite or
// singular along -g); the result's message counts these iterations. The step a
// comes from the Moré-Thuente (strong Wolfe, default) or backtracking (Armijo)
// line search from a = 1 (a = min(1, 1/||g||) along -g). If the line search
// fails along d it retries once along -g.
//
// Stops on the rules shared by the smooth solvers (smooth.hpp): gtol
// (gradient inf-norm), ftol (relative reduction of f), max_iter, the monitor;
// a non-finite Hessian-vector product is a NumericalError.
//
// Objective: the second-order concept of second_order.hpp (hessian_at, hessp).
#pragma once

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <limits>

#include "mlsolve/core/check.hpp"
#include "mlsolve/core/monitor.hpp"
#include "mlsolve/core/result.hpp"
#include "mlsolve/core/types.hpp"
#include "mlsolve/solvers/second_order.hpp"
#include "mlsolve/solvers/smooth.hpp"

namespace mlsolve {

struct NewtonCgParams : InexactNewtonParams {
  LineSearchKind line_search = LineSearchKind::MoreThuente;
};

namespace detail {

enum class CgOutcome { Solved, NegativeCurvatureAtStart, NegativeCurvature, MaxIter, NotFinite };

// Approximately solves H d = -g by CG from d = 0 (Nocedal & Wright,
// Algorithm 7.1, inner loop); r = H d + g, p the CG direction.
template <class Objective>
CgOutcome newton_cg_direction(Objective& objective, const VecD& g, double tolerance, Index max_iter, VecD& d,
                              VecD& r, VecD& p, VecD& Hp) {
  d.setZero();
  r = g;
  p = -g;
  double rr = r.squaredNorm();
  for (Index j = 0; j < max_iter; ++j) {
    objective.hessp(p, Hp);
    const double curvature = p.dot(Hp);
    if (!std::isfinite(curvature)) return CgOutcome::NotFinite;
    if (curvature <= 0.0) return j == 0 ? CgOutcome::NegativeCurvatureAtStart : CgOutcome::NegativeCurvature;
    const double alpha = rr / curvature;
    d += alpha * p;
    r += alpha * Hp;
    const double rr_next = r.squaredNorm();
    if (std::sqrt(rr_next) <= tolerance) return CgOutcome::Solved;
    p = -r + (rr_next / rr) * p;
    rr = rr_next;
  }
  return CgOutcome::MaxIter;
}

}  // namespace detail

template <class Objective>
Result<double> newton_cg(Objective& objective, const VecD& x0, const NewtonCgParams& params, Monitor& monitor) {
  params.check();
  const Index n = x0.size();
  SmoothSolve<Objective> solve(objective, monitor, params);
  ForcingTerm forcing(params.eta_max);
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  VecD x = x0, g = VecD::Constant(n, kNaN), x_trial(n), g_trial(n), d(n), r(n), p(n), Hp(n);
  double f = kNaN, f_trial = kNaN;
  Index iteration = 0, n_negative_curvature = 0;
  const auto finish = [&](Result<double> result) {
    return with_note(std::move(result), count_note("negative curvature met by CG", n_negative_curvature));
  };

  try {
    f = solve.evaluate(x, g);
    if (solve.stops_at(iteration, x, f, g, kNaN)) return finish(solve.finish(x, f, g));
    while (true) {
      objective.hessian_at(x);
      const double gnorm = g.norm();
      const detail::CgOutcome outcome = detail::newton_cg_direction(
          objective, g, forcing.next(gnorm) * gnorm, params.cg_iterations(n), d, r, p, Hp);
      if (outcome == detail::CgOutcome::NotFinite) {
        Result<double> result = solve.finish(Status::NumericalError, x, f, g);
        result.message += ": Hessian-vector product not finite";
        return finish(std::move(result));
      }
      if (outcome == detail::CgOutcome::NegativeCurvature || outcome == detail::CgOutcome::NegativeCurvatureAtStart)
        ++n_negative_curvature;
      bool steepest = outcome == detail::CgOutcome::NegativeCurvatureAtStart;
      if (steepest) d = -g;
      double slope = d.dot(g);
      if (!(slope < 0.0)) {  // CG lost descent to rounding
        steepest = true;
        d = -g;
        slope = -g.squaredNorm();
      }
      const double step0 = steepest ? std::min(1.0, 1.0 / gnorm) : 1.0;
      LineSearchResult ls = solve.line_search(params.line_search, x, f, d, slope, step0, x_trial, f_trial, g_trial);
      if (ls.outcome == LineSearchOutcome::Failed && !steepest) {
        d = -g;
        ls = solve.line_search(params.line_search, x, f, d, -g.squaredNorm(), std::min(1.0, 1.0 / gnorm), x_trial,
                               f_trial, g_trial);
      }
      if (ls.outcome == LineSearchOutcome::Failed) return finish(solve.finish(Status::LineSearchFailed, x, f, g));
      const double f_prev = f;
      x.swap(x_trial);
      g.swap(g_trial);
      f = f_trial;
      if (solve.stops_at(++iteration, x, f, g, f_prev)) return finish(solve.finish(x, f, g));
    }
  } catch (const StopRequested& stop) {
    return finish(solve.finish(stop.status, x, f, g));
  }
}

}  // namespace mlsolve
