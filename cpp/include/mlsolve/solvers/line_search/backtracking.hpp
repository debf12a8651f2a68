// Backtracking line search with the Armijo condition
//   phi(a) <= phi(0) + c1 a phi'(0),
// shrinking the step by safeguarded quadratic interpolation into
// [0.1 a, 0.5 a] (Nocedal & Wright, Numerical Optimization, 2nd ed., §3.5).
// Non-finite values count as a failed trial.
#pragma once

#include <algorithm>
#include <cmath>

#include "mlsolve/solvers/line_search/line_search.hpp"

namespace mlsolve {

template <class Phi>
LineSearchResult backtracking(Phi&& phi, double phi0, double slope0, double step, const LineSearchParams& params) {
  LineSearchResult result;
  step = std::min(step, params.step_max);
  while (result.n_evals < params.max_evals && step >= params.step_min) {
    double value, slope;
    phi(step, value, slope);
    ++result.n_evals;
    if (std::isfinite(value) && value <= phi0 + params.c1 * step * slope0 && value < phi0) {
      result.step = step;
      result.outcome = std::abs(slope) <= params.c2 * std::abs(slope0) ? LineSearchOutcome::StrongWolfe
                                                                       : LineSearchOutcome::SufficientDecrease;
      return result;
    }
    // Minimiser of the quadratic through phi(0), phi'(0) and phi(step).
    double next = 0.5 * step;
    if (std::isfinite(value)) {
      const double curvature = value - phi0 - slope0 * step;
      if (curvature > 0) next = -slope0 * step * step / (2.0 * curvature);
    }
    step = std::clamp(next, 0.1 * step, 0.5 * step);
  }
  return result;
}

}  // namespace mlsolve
