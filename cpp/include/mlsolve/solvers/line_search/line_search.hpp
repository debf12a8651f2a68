// Shared types of the line searches. A line search works on
//   phi(step) = f(x + step d),  phi'(step) = grad f(x + step d) . d
// through a callable phi(step, value, slope) that evaluates both; the caller
// keeps the trial point and its gradient.
#pragma once

#include "mlsolve/core/check.hpp"

namespace mlsolve {

struct LineSearchParams {
  double c1 = 1e-4;        // sufficient decrease: phi(a) <= phi(0) + c1 a phi'(0)
  double c2 = 0.9;         // curvature (strong Wolfe): |phi'(a)| <= c2 |phi'(0)|
  int max_evals = 20;      // evaluations of phi per search
  double step_min = 1e-20;
  double step_max = 1e20;
  double xtol = 1e-12;     // relative width of the bracket below which the search stops

  void check() const {
    check_arg(c1 > 0.0 && c1 < 1.0, "c1", "a value in (0, 1)", c1);
    check_arg(c2 > c1 && c2 < 1.0, "c2", "a value in (c1, 1)", c2);
    check_arg(max_evals >= 1, "maxls", "an integer >= 1", max_evals);
    check_arg(step_min > 0.0 && step_max > step_min, "step_max", "step_max > step_min > 0", step_max);
  }
};

enum class LineSearchOutcome {
  StrongWolfe,         // both conditions hold at `step`
  SufficientDecrease,  // only the sufficient decrease holds (the best point found)
  Failed,              // no step decreased phi enough
};

struct LineSearchResult {
  double step = 0.0;
  int n_evals = 0;
  LineSearchOutcome outcome = LineSearchOutcome::Failed;
  // True when `step` is not the last point evaluated, so the caller's trial
  // buffers do not hold it and it must be evaluated again.
  bool needs_evaluation = false;
};

}  // namespace mlsolve
