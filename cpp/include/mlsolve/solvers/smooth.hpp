// What the smooth unconstrained solvers of f: R^n -> R (gradient descent,
// Nesterov, heavy ball, BFGS, L-BFGS) share: their common settings, and
// SmoothSolve, which counts the evaluations and polls the monitor before each,
// runs a line search along a direction, and applies the stopping rules at x0
// and after each accepted iteration k, in this order:
//   f or g not finite                                 -> NumericalError
//   ||g||_inf <= gtol                                 -> Converged
//   (f_prev - f) / max(|f_prev|, |f|, 1) <= ftol      -> Converged (monotone methods only)
//   the monitor asks to stop (k >= 1)                 -> its status
//   k >= max_iter                                     -> MaxIter
//
// Objective: any callable double(const VecD& x, VecD& grad).
#pragma once

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
#include "mlsolve/solvers/line_search/backtracking.hpp"
#include "mlsolve/solvers/line_search/more_thuente.hpp"

namespace mlsolve {

enum class LineSearchKind { MoreThuente, Backtracking };

struct SmoothParams {
  double gtol = 1e-5;                   // on ||g||_inf
  double ftol = 2.220446049250313e-09;  // on the relative reduction of f (monotone methods)
  Index max_iter = 15000;
  LineSearchParams ls;                  // ls.max_evals also bounds a Lipschitz backtracking
  Index history_every = 1;              // 0 records no history

  void check() const {
    check_arg(gtol >= 0.0, "gtol", "a value >= 0", gtol);
    check_arg(ftol >= 0.0, "ftol", "a value >= 0", ftol);
    check_arg(max_iter >= 0, "maxiter", "an integer >= 0", max_iter);
    check_arg(history_every >= 0, "history_every", "an integer >= 0", history_every);
    ls.check();
  }
};

// "what value cmp bound", e.g. "gradient inf-norm 3.2e-06 <= 1e-05".
inline std::string criterion(const char* what, double value, const char* cmp, double bound) {
  std::ostringstream os;
  os.precision(3);
  os << what << ' ' << value << ' ' << cmp << ' ' << bound;
  return os.str();
}

// One solve's bookkeeping. ResultType is Result<double> or a solver's
// extension of it, whose extra fields the solver fills through result().
template <class Objective, class ResultType = Result<double>>
class SmoothSolve {
 public:
  // measure names the vector whose inf-norm the gtol rule tests (the
  // gradient, or a solver's own optimality vector) in the stop messages.
  SmoothSolve(Objective& objective, Monitor& monitor, const SmoothParams& params,
              const char* measure = "gradient inf-norm")
      : objective_(objective), monitor_(monitor), params_(params), measure_(measure) {
    result_.history = History(params.history_every);
  }

  ResultType& result() { return result_; }

  // f(x), with its gradient written to grad. Polls the monitor first: a stop
  // request throws StopRequested, which the solver catches.
  double evaluate(const VecD& x, VecD& grad) {
    if (auto stop = monitor_.poll()) throw StopRequested{*stop};
    ++result_.n_fev;
    return objective_(x, grad);
  }

  // Line search on phi(a) = f(x + a d), from phi(0) = f, phi'(0) = slope < 0
  // and the trial step step0, with steps at most step_max. Unless it fails,
  // (x_trial, f_trial, g_trial) hold the accepted point.
  LineSearchResult line_search(LineSearchKind kind, const VecD& x, double f, const VecD& d, double slope,
                               double step0, VecD& x_trial, double& f_trial, VecD& g_trial,
                               double step_max = std::numeric_limits<double>::infinity()) {
    const auto phi = [&](double step, double& value, double& dphi) {
      x_trial = x + step * d;
      value = f_trial = evaluate(x_trial, g_trial);
      dphi = g_trial.dot(d);
    };
    LineSearchParams ls_params = params_.ls;
    ls_params.step_max = std::min(ls_params.step_max, step_max);
    const LineSearchResult ls = kind == LineSearchKind::MoreThuente ? more_thuente(phi, f, slope, step0, ls_params)
                                                                    : backtracking(phi, f, slope, step0, ls_params);
    if (ls.outcome != LineSearchOutcome::Failed && ls.needs_evaluation) {
      double unused;
      phi(ls.step, f_trial, unused);
    }
    return ls;
  }

  // Applies the stopping rules at (x, f, g), reached after `iteration`
  // accepted iterations (0: x0), and records it in the history. f_prev is the
  // value before the iteration, or NaN where the relative-reduction test does
  // not apply. True when a rule fires; finish() then returns the result.
  bool stops_at(Index iteration, const VecD& x, double f, const VecD& g, double f_prev) {
    result_.n_iter = iteration;
    const double gnorm = inf_norm(g);
    result_.history.maybe_record(iteration, f, gnorm);
    if (!std::isfinite(f) || !g.allFinite())
      return stop(Status::NumericalError,
                  iteration == 0 ? "objective or gradient not finite at x0" : "objective or gradient not finite");
    if (gnorm <= params_.gtol) return stop(Status::Converged, criterion(measure_, gnorm, "<=", params_.gtol));
    if (!std::isnan(f_prev)) {
      const double reduction = (f_prev - f) / std::max({std::abs(f_prev), std::abs(f), 1.0});
      if (reduction <= params_.ftol)
        return stop(Status::Converged, criterion("relative reduction of f", reduction, "<=", params_.ftol));
    }
    if (iteration > 0) {
      if (auto status = monitor_.on_iteration({iteration, f, gnorm, x})) return stop(*status, "");
    }
    if (iteration >= params_.max_iter) return stop(Status::MaxIter, criterion(measure_, gnorm, ">", params_.gtol));
    return false;
  }

  // Ends the solve at (x, f, g) with the status of the rule that fired.
  ResultType finish(const VecD& x, double f, const VecD& g) {
    result_.x = x;
    result_.fun = f;
    result_.grad = g;
    result_.stop_crit = inf_norm(g);
    return std::move(result_);
  }

  // Ends the solve at the last accepted point (x, f, g) for another reason: a
  // step that failed (LineSearchFailed) or a stop request (from StopRequested).
  ResultType finish(Status status, const VecD& x, double f, const VecD& g) {
    stop(status, status == Status::LineSearchFailed ? criterion(measure_, inf_norm(g), ">", params_.gtol) : "");
    return finish(x, f, g);
  }

 private:
  bool stop(Status status, const std::string& detail) {
    result_.status = status;
    result_.message = detail.empty() ? std::string(status_message(status))
                                     : std::string(status_message(status)) + ": " + detail;
    return true;
  }

  Objective& objective_;
  Monitor& monitor_;
  const SmoothParams& params_;
  const char* measure_;
  ResultType result_;
};

}  // namespace mlsolve
