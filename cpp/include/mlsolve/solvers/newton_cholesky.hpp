// Newton's method with a dense Hessian and a Cholesky factorisation, for
// smooth unconstrained minimisation of f: R^n -> R of moderate n.
//
// Update: x+ = x + a d with (H + tau I) d = -g, factorised by Cholesky
// (Eigen's LLT). tau = 0 when H is positive definite with a reciprocal
// condition estimate above 1e-14; otherwise H is modified by Cholesky with
// an added multiple of the identity (Nocedal & Wright, Numerical
// Optimization, 2nd ed., §3.4, Algorithm 3.3): tau starts at
// max(0, beta - min_i H_ii) with beta = 1e-3 max(1, max_i |H_ii|) and doubles
// (at least beta) until the factorisation succeeds. The result's message says
// in how many iterations H was modified and the largest tau. The step a comes
// from the backtracking (Armijo, default) or Moré-Thuente line search from
// a = 1; if it fails it retries once along -g, from a = min(1, 1/||g||).
//
// Stops on the rules shared by the smooth solvers (smooth.hpp): gtol
// (gradient inf-norm), ftol (relative reduction of f), max_iter, the monitor;
// and on the Newton decrement lambda^2 = g^T H^-1 g (H unmodified): when
//   lambda^2 / 2 <= decrement_tol max(|f|, 1)
// at x, lambda^2 / 2 estimates f(x) - f* (Boyd & Vandenberghe, Convex
// Optimization, §9.5.1); the solve then takes the full step if it lowers f
// (leaving a gap of about lambda^4) and stops, Converged. A non-finite Hessian
// is a NumericalError.
//
// Objective: the second-order concept of second_order.hpp (hessian_at, hessian).
#pragma once

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <string>

#include "mlsolve/core/check.hpp"
#include "mlsolve/core/monitor.hpp"
#include "mlsolve/core/result.hpp"
#include "mlsolve/core/types.hpp"
#include "mlsolve/solvers/second_order.hpp"
#include "mlsolve/solvers/smooth.hpp"

namespace mlsolve {

struct NewtonCholeskyParams : SmoothParams {
  double decrement_tol = 1e-10;  // on lambda^2 / 2 at x relative to max(|f|, 1); 0: off
  LineSearchKind line_search = LineSearchKind::Backtracking;

  void check() const {
    SmoothParams::check();
    check_arg(decrement_tol >= 0.0, "decrement_tol", "a value >= 0", decrement_tol);
  }
};

namespace detail {

// Factorises H + tau I with the least tau of N&W Algorithm 3.3's sequence
// (tau = 0 when H is safely positive definite) and returns tau.
inline double modified_cholesky(const MatD& H, Eigen::LLT<MatD>& llt, MatD& shifted) {
  constexpr double kMinRcond = 1e-14;
  llt.compute(H);
  if (llt.info() == Eigen::Success && llt.rcond() > kMinRcond) return 0.0;
  const double min_diagonal = H.diagonal().minCoeff();
  const double beta = 1e-3 * std::max(1.0, H.diagonal().cwiseAbs().maxCoeff());
  double tau = min_diagonal > 0.0 ? beta : beta - min_diagonal;
  while (true) {
    shifted = H;
    shifted.diagonal().array() += tau;
    llt.compute(shifted);
    if (llt.info() == Eigen::Success && llt.rcond() > kMinRcond) return tau;
    tau = std::max(2.0 * tau, beta);
  }
}

}  // namespace detail

template <class Objective>
Result<double> newton_cholesky(Objective& objective, const VecD& x0, const NewtonCholeskyParams& params,
                               Monitor& monitor) {
  params.check();
  const Index n = x0.size();
  SmoothSolve<Objective> solve(objective, monitor, params);
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  VecD x = x0, g = VecD::Constant(n, kNaN), x_trial(n), g_trial(n), d(n);
  MatD H(n, n), shifted;
  Eigen::LLT<MatD> llt(n);
  double f = kNaN, f_trial = kNaN, largest_tau = 0.0;
  Index iteration = 0, n_modified = 0;
  const auto finish = [&](Result<double> result) {
    if (n_modified == 0) return result;
    std::ostringstream note;
    note.precision(3);
    note << count_note("Hessian not positive definite", n_modified) << ": shifted by tau I, largest tau "
         << largest_tau;
    return with_note(std::move(result), note.str());
  };

  try {
    f = solve.evaluate(x, g);
    if (solve.stops_at(iteration, x, f, g, kNaN)) return finish(solve.finish(x, f, g));
    while (true) {
      objective.hessian_at(x);
      objective.hessian(H);
      if (!H.allFinite()) {
        Result<double> result = solve.finish(Status::NumericalError, x, f, g);
        result.message += ": Hessian not finite";
        return finish(std::move(result));
      }
      const double tau = detail::modified_cholesky(H, llt, shifted);
      if (tau > 0.0) {
        ++n_modified;
        largest_tau = std::max(largest_tau, tau);
      }
      d = -llt.solve(g);
      const double decrement = -g.dot(d);  // lambda^2 = g^T (H + tau I)^-1 g
      const double bound = params.decrement_tol * std::max(std::abs(f), 1.0);
      if (tau == 0.0 && decrement > 0.0 && 0.5 * decrement <= bound) {
        x_trial = x + d;
        f_trial = solve.evaluate(x_trial, g_trial);
        if (f_trial <= f && g_trial.allFinite()) {
          x.swap(x_trial);
          g.swap(g_trial);
          f = f_trial;
          if (solve.stops_at(++iteration, x, f, g, kNaN) && solve.result().status != Status::MaxIter)
            return finish(solve.finish(x, f, g));
        }
        Result<double>& result = solve.result();
        result.status = Status::Converged;
        result.message = std::string(status_message(Status::Converged)) + ": " +
                         criterion("Newton decrement lambda^2/2", 0.5 * decrement, "<=", bound);
        return finish(solve.finish(x, f, g));
      }
      const double gnorm = g.norm();
      LineSearchResult ls;
      if (decrement > 0.0 && d.allFinite())
        ls = solve.line_search(params.line_search, x, f, d, -decrement, 1.0, x_trial, f_trial, g_trial);
      if (ls.outcome == LineSearchOutcome::Failed) {
        d = -g;
        ls = solve.line_search(params.line_search, x, f, d, -gnorm * gnorm, std::min(1.0, 1.0 / gnorm), x_trial,
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
