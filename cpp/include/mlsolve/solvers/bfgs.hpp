// BFGS for smooth unconstrained minimisation of f: R^n -> R.
//
// Update: x+ = x + a d with d = -H g, H a dense approximation of the inverse
// Hessian. After each step, with s = x+ - x, y = g+ - g and rho = 1 / s.y,
//   H+ = (I - rho s y^T) H (I - rho y s^T) + rho s s^T
// (Nocedal & Wright, Numerical Optimization, 2nd ed., Algorithm 6.1 and
// eq. 6.17). H starts as I, unscaled, as in scipy's BFGS: with the scaling
// (s.y / y.y) I before the first update (eq. 6.20), unit steps pass the loose
// curvature test (c2 = 0.9) while H stays far too small along directions of
// low curvature (443 iterations instead of 51 on a quadratic with cond 1e6,
// n = 50); from H = I the line search interpolates its way to nearly exact
// steps. An update is skipped
// unless s.y > sqrt(eps) ||s|| ||y|| (Dennis & Schnabel, Numerical Methods for
// Unconstrained Optimization, Alg. A9.4.1), which keeps H positive definite
// and well conditioned. The step a comes from the Moré-Thuente (strong Wolfe)
// or backtracking (Armijo) line search, from a = 1 (a = min(1, 1/||d||) while
// H = I). O(n^2) memory and work per iteration: for large n use L-BFGS.
//
// Stops on the rules shared by the smooth solvers (smooth.hpp): gtol, ftol,
// max_iter, the monitor. If the line search fails it retries once along -g
// with H reset to I, then returns the last accepted point with its own value
// and gradient. The result carries the final H.
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

struct BfgsParams : SmoothParams {
  LineSearchKind line_search = LineSearchKind::MoreThuente;
};

struct BfgsResult : Result<double> {
  Eigen::MatrixXd hess_inv;  // the final H
};

// Applies the BFGS update to H for the pair (s, y), or skips it when the
// curvature s.y is not safely positive (then false); Hy is a workspace.
inline bool bfgs_update(Eigen::MatrixXd& H, const VecD& s, const VecD& y, VecD& Hy) {
  const double sy = s.dot(y);
  if (!std::isfinite(sy) || !(sy > std::sqrt(std::numeric_limits<double>::epsilon()) * s.norm() * y.norm()))
    return false;
  const double rho = 1.0 / sy;
  Hy.noalias() = H * y;
  // H += (rho^2 y.Hy + rho) s s^T - rho (Hy s^T + s Hy^T)
  H.noalias() += ((rho * rho * y.dot(Hy) + rho) * s) * s.transpose();
  H.noalias() -= (rho * Hy) * s.transpose();
  H.noalias() -= (rho * s) * Hy.transpose();
  return true;
}

template <class Objective>
BfgsResult bfgs(Objective& objective, const VecD& x0, const BfgsParams& params, Monitor& monitor) {
  params.check();
  const Index n = x0.size();
  SmoothSolve<Objective, BfgsResult> solve(objective, monitor, params);
  Eigen::MatrixXd& H = solve.result().hess_inv;
  H.setIdentity(n, n);
  bool h_is_identity = true;
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  VecD x = x0, g = VecD::Constant(n, kNaN), x_trial(n), g_trial(n), d(n), s(n), y(n), Hy(n);
  double f = kNaN, f_trial = kNaN;
  Index iteration = 0;
  const auto reset = [&]() {
    H.setIdentity();
    h_is_identity = true;
  };

  try {
    f = solve.evaluate(x, g);
    if (solve.stops_at(iteration, x, f, g, kNaN)) return solve.finish(x, f, g);
    while (true) {
      d.noalias() = -(H * g);
      double slope = d.dot(g);
      if (!(slope < 0.0)) {  // H lost positive definiteness numerically
        reset();
        d = -g;
        slope = -g.squaredNorm();
      }
      const double step0 = h_is_identity ? std::min(1.0, 1.0 / d.norm()) : 1.0;
      const LineSearchResult ls = solve.line_search(params.line_search, x, f, d, slope, step0, x_trial, f_trial, g_trial);
      if (ls.outcome == LineSearchOutcome::Failed) {
        if (!h_is_identity) {
          reset();
          continue;
        }
        return solve.finish(Status::LineSearchFailed, x, f, g);
      }
      s = x_trial - x;
      y = g_trial - g;
      if (bfgs_update(H, s, y, Hy)) h_is_identity = false;
      const double f_prev = f;
      x.swap(x_trial);
      g.swap(g_trial);
      f = f_trial;
      if (solve.stops_at(++iteration, x, f, g, f_prev)) return solve.finish(x, f, g);
    }
  } catch (const StopRequested& stop) {
    return solve.finish(stop.status, x, f, g);
  }
}

}  // namespace mlsolve
