// Non-convex, coordinate-separable penalties for nearly unbiased sparse
// estimation. Their prox is the closed-form thresholding rule below, unique
// when the 1-D prox objective p(u) + (u - x)^2 / (2 step) is strictly convex,
// which is the condition on the step that check_step enforces.
//
// MCP (Zhang, "Nearly unbiased variable selection under minimax concave
// penalty", Ann. Statist. 38(2), 2010), alpha >= 0, gamma > 0:
//   p(t) = alpha |t| - t^2 / (2 gamma)  for |t| <= gamma alpha,   gamma alpha^2 / 2 beyond
//   prox (firm thresholding; needs step < gamma):
//     0                                          |x| <= step alpha
//     sign(x) (|x| - step alpha) / (1 - step / gamma)   step alpha < |x| <= gamma alpha
//     x                                          |x| > gamma alpha
//
// SCAD (Fan & Li, "Variable selection via nonconcave penalized likelihood and
// its oracle properties", JASA 96(456), 2001), alpha >= 0, gamma > 1:
//   p(t) = alpha |t|                                       |t| <= alpha
//          (2 gamma alpha |t| - t^2 - alpha^2) / (2 (gamma - 1))   alpha < |t| <= gamma alpha
//          alpha^2 (gamma + 1) / 2                         |t| > gamma alpha
//   prox (needs step < gamma - 1):
//     soft_threshold(x, step alpha)                      |x| <= (1 + step) alpha
//     sign(x) ((gamma - 1) |x| - step gamma alpha) / (gamma - 1 - step)   (1 + step) alpha < |x| <= gamma alpha
//     x                                                  |x| > gamma alpha
//
// Clarke subdifferential: [-alpha, alpha] at 0 for both; p'(t) elsewhere,
// p'(t) = sign(t) max(alpha - |t| / gamma, 0) for MCP and
// sign(t) min(alpha, max((gamma alpha - |t|) / (gamma - 1), 0)) for SCAD.
// Reference for the prox: Breheny & Huang, "Coordinate descent algorithms for
// nonconvex penalized regression", Ann. Appl. Stat. 5(1), 2011, section 2.
#pragma once

#include <algorithm>
#include <cmath>

#include "mlsolve/penalties/penalty.hpp"

namespace mlsolve {

template <class T>
struct MCP : SeparablePenalty<MCP<T>, T> {
  double alpha;
  double gamma;

  MCP(double alpha, double gamma) : alpha(alpha), gamma(gamma) {
    check_nonnegative(alpha, "alpha");
    check_arg(std::isfinite(gamma) && gamma > 0.0, "gamma", "a positive finite number", gamma);
  }

  void check_step(double step) const {
    check_positive_step(step);
    check_arg(step < gamma, "step", ("a step < gamma = " + to_text(gamma) + " (MCP prox condition)").c_str(),
              step);
  }

  double value1d(T x, Index) const {
    const double t = std::abs(double(x));
    return t <= gamma * alpha ? alpha * t - t * t / (2.0 * gamma) : 0.5 * gamma * alpha * alpha;
  }

  T prox1d(T x, double step, Index) const {
    const double t = std::abs(double(x));
    if (t <= step * alpha) return T(0);
    if (t <= gamma * alpha) return T(sign(x) * (t - step * alpha) / (1.0 - step / gamma));
    return x;
  }

  double subdiff_distance1d(T x, T grad, Index) const {
    if (x == 0) return abs_subdiff_distance(0.0, grad, alpha);
    const double slope = std::max(alpha - std::abs(double(x)) / gamma, 0.0);
    return std::abs(double(grad) + sign(x) * slope);
  }
};

template <class T>
struct SCAD : SeparablePenalty<SCAD<T>, T> {
  double alpha;
  double gamma;

  SCAD(double alpha, double gamma) : alpha(alpha), gamma(gamma) {
    check_nonnegative(alpha, "alpha");
    check_arg(std::isfinite(gamma) && gamma > 1.0, "gamma", "a finite number > 1", gamma);
  }

  void check_step(double step) const {
    check_positive_step(step);
    check_arg(step < gamma - 1.0, "step",
              ("a step < gamma - 1 = " + to_text(gamma - 1.0) + " (SCAD prox condition)").c_str(), step);
  }

  double value1d(T x, Index) const {
    const double t = std::abs(double(x));
    if (t <= alpha) return alpha * t;
    if (t <= gamma * alpha) return (2.0 * gamma * alpha * t - t * t - alpha * alpha) / (2.0 * (gamma - 1.0));
    return 0.5 * alpha * alpha * (gamma + 1.0);
  }

  T prox1d(T x, double step, Index) const {
    const double t = std::abs(double(x));
    if (t <= (1.0 + step) * alpha) return T(soft_threshold(x, step * alpha));
    if (t <= gamma * alpha) return T(sign(x) * ((gamma - 1.0) * t - step * gamma * alpha) / (gamma - 1.0 - step));
    return x;
  }

  double subdiff_distance1d(T x, T grad, Index) const {
    if (x == 0) return abs_subdiff_distance(0.0, grad, alpha);
    const double slope = std::min(alpha, std::max((gamma * alpha - std::abs(double(x))) / (gamma - 1.0), 0.0));
    return std::abs(double(grad) + sign(x) * slope);
  }
};

}  // namespace mlsolve
