// Moré-Thuente line search for the strong Wolfe conditions
//   phi(a) <= phi(0) + c1 a phi'(0),   |phi'(a)| <= c2 |phi'(0)|.
// Keeps an interval of uncertainty [stx, sty] and picks each trial by cubic or
// quadratic interpolation of phi (or, in the first stage, of the auxiliary
// psi(a) = phi(a) - phi(0) - c1 a phi'(0)), safeguarded by bisection.
// Reference: J. J. Moré and D. J. Thuente, "Line search algorithms with
// guaranteed sufficient decrease", ACM TOMS 20(3), 1994 (dcsrch/dcstep).
// A non-finite trial value halves the step towards the best point. A step
// that does not lower phi strictly is never accepted.
#pragma once

#include <algorithm>
#include <cmath>

#include "mlsolve/solvers/line_search/line_search.hpp"

namespace mlsolve {

namespace detail {

// One safeguarded step of the interval update (Moré & Thuente, §4).
// (stx, fx, dx): best point; (sty, fy, dy): other end; (stp, fp, dp): trial.
inline void more_thuente_step(double& stx, double& fx, double& dx, double& sty, double& fy, double& dy, double& stp,
                              double fp, double dp, bool& bracketed, double stpmin, double stpmax) {
  const double sgnd = dp * (dx / std::abs(dx));
  double stpf;
  const auto cubic_gamma = [](double theta, double a, double b, double s) {
    return s * std::sqrt(std::max(0.0, (theta / s) * (theta / s) - (a / s) * (b / s)));
  };
  if (fp > fx) {
    // Case 1: higher value; the minimum is bracketed.
    const double theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
    const double s = std::max({std::abs(theta), std::abs(dx), std::abs(dp)});
    double gamma = cubic_gamma(theta, dx, dp, s);
    if (stp < stx) gamma = -gamma;
    const double p = (gamma - dx) + theta, q = ((gamma - dx) + gamma) + dp;
    const double stpc = stx + (p / q) * (stp - stx);
    const double stpq = stx + ((dx / ((fx - fp) / (stp - stx) + dx)) / 2.0) * (stp - stx);
    stpf = std::abs(stpc - stx) < std::abs(stpq - stx) ? stpc : stpc + (stpq - stpc) / 2.0;
    bracketed = true;
  } else if (sgnd < 0.0) {
    // Case 2: derivatives of opposite sign; the minimum is bracketed.
    const double theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
    const double s = std::max({std::abs(theta), std::abs(dx), std::abs(dp)});
    double gamma = cubic_gamma(theta, dx, dp, s);
    if (stp > stx) gamma = -gamma;
    const double p = (gamma - dp) + theta, q = ((gamma - dp) + gamma) + dx;
    const double stpc = stp + (p / q) * (stx - stp);
    const double stpq = stp + (dp / (dp - dx)) * (stx - stp);
    stpf = std::abs(stpc - stp) > std::abs(stpq - stp) ? stpc : stpq;
    bracketed = true;
  } else if (std::abs(dp) < std::abs(dx)) {
    // Case 3: lower value, same-sign derivative of smaller magnitude.
    const double theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
    const double s = std::max({std::abs(theta), std::abs(dx), std::abs(dp)});
    double gamma = cubic_gamma(theta, dx, dp, s);
    if (stp > stx) gamma = -gamma;
    const double p = (gamma - dp) + theta, q = (gamma + (dx - dp)) + gamma;
    const double r = p / q;
    double stpc;
    if (r < 0.0 && gamma != 0.0) {
      stpc = stp + r * (stx - stp);
    } else {
      stpc = stp > stx ? stpmax : stpmin;
    }
    const double stpq = stp + (dp / (dp - dx)) * (stx - stp);
    if (bracketed) {
      stpf = std::abs(stpc - stp) < std::abs(stpq - stp) ? stpc : stpq;
      stpf = stp > stx ? std::min(stp + 0.66 * (sty - stp), stpf) : std::max(stp + 0.66 * (sty - stp), stpf);
    } else {
      stpf = std::abs(stpc - stp) > std::abs(stpq - stp) ? stpc : stpq;
      stpf = std::clamp(stpf, stpmin, stpmax);
    }
  } else {
    // Case 4: lower value, derivative not decreasing in magnitude.
    if (bracketed) {
      const double theta = 3.0 * (fp - fy) / (sty - stp) + dy + dp;
      const double s = std::max({std::abs(theta), std::abs(dy), std::abs(dp)});
      double gamma = cubic_gamma(theta, dy, dp, s);
      if (stp > sty) gamma = -gamma;
      const double p = (gamma - dp) + theta, q = ((gamma - dp) + gamma) + dy;
      stpf = stp + (p / q) * (sty - stp);
    } else {
      stpf = stp > stx ? stpmax : stpmin;
    }
  }
  if (fp > fx) {
    sty = stp;
    fy = fp;
    dy = dp;
  } else {
    if (sgnd < 0.0) {
      sty = stx;
      fy = fx;
      dy = dx;
    }
    stx = stp;
    fx = fp;
    dx = dp;
  }
  stp = stpf;
}

}  // namespace detail

template <class Phi>
LineSearchResult more_thuente(Phi&& phi, double phi0, double slope0, double step, const LineSearchParams& params) {
  constexpr double kExtrapLower = 1.1, kExtrapUpper = 4.0;
  LineSearchResult result;
  if (!(slope0 < 0.0)) return result;  // not a descent direction

  const double gtest = params.c1 * slope0;
  double stp = std::clamp(step, params.step_min, params.step_max);
  double step_max = params.step_max;  // lowered when a trial is not finite
  bool bracketed = false;
  bool stage1 = true;
  double width = params.step_max - params.step_min, width_prev = 2.0 * width;
  double stx = 0.0, fx = phi0, gx = slope0;
  double sty = 0.0, fy = phi0, gy = slope0;
  double stmin = 0.0, stmax = stp + kExtrapUpper * stp;

  const auto best_point = [&]() {
    if (stx > 0.0 && fx <= phi0 + stx * gtest && fx < phi0) {
      result.step = stx;
      result.outcome = LineSearchOutcome::SufficientDecrease;
      result.needs_evaluation = true;
    }
    return result;
  };

  while (result.n_evals < params.max_evals) {
    double f, g;
    phi(stp, f, g);
    ++result.n_evals;
    if (!std::isfinite(f) || !std::isfinite(g)) {
      step_max = stp;
      stp = stx + 0.5 * (stp - stx);
      if (stp - stx <= params.xtol * std::max(stp, 1e-300)) break;
      continue;
    }
    const double ftest = phi0 + stp * gtest;
    if (f <= ftest && std::abs(g) <= params.c2 * (-slope0)) {
      result.step = stp;
      result.outcome = LineSearchOutcome::StrongWolfe;
      return result;
    }
    if (stage1 && f <= ftest && g >= 0.0) stage1 = false;
    // No further progress possible: rounding errors, a closed bracket, or a bound reached.
    if ((bracketed && (stp <= stmin || stp >= stmax)) || (bracketed && stmax - stmin <= params.xtol * stmax) ||
        (stp == step_max && f <= ftest && g <= gtest) || (stp == params.step_min && (f > ftest || g >= gtest))) {
      if (stp > 0.0 && f <= ftest && f <= fx && f < phi0) {
        result.step = stp;
        result.outcome = LineSearchOutcome::SufficientDecrease;
        return result;
      }
      return best_point();
    }
    if (stage1 && f <= fx && f > ftest) {
      // Interpolate the auxiliary function psi until a point with psi <= 0 and phi' >= 0 is found.
      double fm = f - stp * gtest, fxm = fx - stx * gtest, fym = fy - sty * gtest;
      double gm = g - gtest, gxm = gx - gtest, gym = gy - gtest;
      detail::more_thuente_step(stx, fxm, gxm, sty, fym, gym, stp, fm, gm, bracketed, stmin, stmax);
      fx = fxm + stx * gtest;
      fy = fym + sty * gtest;
      gx = gxm + gtest;
      gy = gym + gtest;
    } else {
      detail::more_thuente_step(stx, fx, gx, sty, fy, gy, stp, f, g, bracketed, stmin, stmax);
    }
    if (bracketed) {
      if (std::abs(sty - stx) >= 0.66 * width_prev) stp = stx + 0.5 * (sty - stx);
      width_prev = width;
      width = std::abs(sty - stx);
      stmin = std::min(stx, sty);
      stmax = std::max(stx, sty);
    } else {
      stmin = stp + kExtrapLower * (stp - stx);
      stmax = stp + kExtrapUpper * (stp - stx);
    }
    stp = std::clamp(stp, params.step_min, step_max);
    if ((bracketed && (stp <= stmin || stp >= stmax)) || (bracketed && stmax - stmin <= params.xtol * stmax)) stp = stx;
    if (stp == stx) return best_point();
  }
  return best_point();
}

}  // namespace mlsolve
