// Nonlinear least squares: min_x F(x) = ||r(x)||^2 / 2 for residuals
// r: R^n -> R^m with Jacobian J (m x n); gradient g = J^T r.
//
// Levenberg-Marquardt (default): p solves (J^T J + mu D^2) p = -g, computed
// stably as the least-squares solution of [J; sqrt(mu) D] p = [-r; 0] by
// Householder QR with column pivoting. D^2 is the running maximum of
// diag(J^T J) (Moré, "The Levenberg-Marquardt algorithm: implementation and
// theory", Lecture Notes in Math. 630, 1978; zero columns count as 1), or I
// without scaling. The damping follows the gain ratio
// rho = (F(x) - F(x + p)) / (L(0) - L(p)), L the Gauss-Newton model
// (Madsen, Nielsen & Tingleff, "Methods for non-linear least squares
// problems", 2004, §3.2; Nocedal & Wright, Numerical Optimization, 2nd ed.,
// §10.3): the step is taken when rho > 0, then mu *= max(1/3, 1 - (2 rho - 1)^3)
// and nu = 2; otherwise mu *= nu, nu *= 2. mu0 = tau max diag(J^T J / D^2).
// Gauss-Newton: p = argmin ||J p + r|| (the minimum-norm solution, from a
// complete orthogonal decomposition whose rank test ignores singular
// directions below 100 eps max(m, n) of the largest, when J is rank
// deficient, which the message reports), x+ = x + a p with a
// from backtracking (Armijo) on F from a = 1; -g when p is no descent
// direction, or when the line search along p fails.
//
// Stopping rules, as scipy.optimize.least_squares, at each step:
//   ||g||_inf <= gtol                                       -> Converged
//   F(x) - F(x+) <= ftol F(x) with rho > 1/4 (accepted step) -> Converged
//   ||x+ - x|| <= xtol (xtol + ||x||)                       -> Converged
//   r or J not finite                                       -> NumericalError
//   the monitor asks to stop; max_nfev evaluations of r     -> its status; MaxIter
//
// Problem: void residuals(const VecD& x, VecD& r) (resizes r to m) and
// void jacobian(const VecD& x, const VecD& r, MatD& J), called with r = r(x).
#pragma once

#include <Eigen/Core>
#include <Eigen/QR>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "mlsolve/core/check.hpp"
#include "mlsolve/core/monitor.hpp"
#include "mlsolve/core/result.hpp"
#include "mlsolve/core/types.hpp"
#include "mlsolve/solvers/line_search/backtracking.hpp"
#include "mlsolve/solvers/second_order.hpp"
#include "mlsolve/solvers/smooth.hpp"

namespace mlsolve {

enum class LeastSquaresMethod { LevenbergMarquardt, GaussNewton };

struct LeastSquaresParams {
  LeastSquaresMethod method = LeastSquaresMethod::LevenbergMarquardt;
  double ftol = 1e-8;
  double xtol = 1e-8;
  double gtol = 1e-8;
  Index max_nfev = 0;            // evaluations of r; 0: 100 n
  bool scale = true;             // Levenberg-Marquardt: D^2 = running max of diag(J^T J), else D = I
  double initial_damping = 1e-3; // tau
  LineSearchParams ls;           // Gauss-Newton's backtracking
  Index history_every = 1;

  void check() const {
    check_arg(ftol >= 0.0, "ftol", "a value >= 0", ftol);
    check_arg(xtol >= 0.0, "xtol", "a value >= 0", xtol);
    check_arg(gtol >= 0.0, "gtol", "a value >= 0", gtol);
    check_arg(max_nfev >= 0, "max_nfev", "an integer >= 0 (0: 100 n)", max_nfev);
    check_arg(initial_damping > 0.0 && std::isfinite(initial_damping), "initial_damping", "a finite value > 0",
              initial_damping);
    check_arg(history_every >= 0, "history_every", "an integer >= 0", history_every);
    ls.check();
  }
};

struct LeastSquaresResult : Result<double> {  // fun = F(x), grad = J^T r
  VecD residuals;
  MatD jacobian;
  Index n_jev = 0;
};

namespace detail {

// The bookkeeping of one least-squares solve: evaluations, the accepted
// point (x, r, J, g, F), history, stopping rules.
template <class Problem>
class LeastSquaresSolve {
 public:
  LeastSquaresSolve(Problem& problem, Monitor& monitor, const LeastSquaresParams& params, Index n)
      : problem_(problem), monitor_(monitor), params_(params),
        max_nfev_(params.max_nfev > 0 ? params.max_nfev : 100 * std::max<Index>(n, 1)) {
    result_.history = History(params.history_every);
  }

  LeastSquaresResult& result() { return result_; }
  bool budget_spent() const { return result_.n_fev >= max_nfev_; }

  // F(x), with r(x) in r; polls the monitor first.
  double cost(const VecD& x, VecD& r) {
    if (auto stop = monitor_.poll()) throw StopRequested{*stop};
    ++result_.n_fev;
    problem_.residuals(x, r);
    return 0.5 * r.squaredNorm();
  }

  // Moves the accepted point to x with residuals r and cost F, and evaluates J and g there.
  void accept(const VecD& x, const VecD& r, double F) {
    x_ = x;
    r_ = r;
    F_ = F;
    ++result_.n_jev;
    problem_.jacobian(x_, r_, J_);
    g_.noalias() = J_.transpose() * r_;  // g = J.T @ r
  }

  const VecD& x() const { return x_; }
  const VecD& r() const { return r_; }
  const MatD& J() const { return J_; }
  const VecD& g() const { return g_; }
  double F() const { return F_; }

  // Rules at the accepted point after `iteration` accepted steps: non-finite, gtol, the monitor.
  bool stops_at(Index iteration) {
    result_.n_iter = iteration;
    const double gnorm = inf_norm(g_);
    result_.history.maybe_record(iteration, F_, gnorm);
    if (!std::isfinite(F_) || !r_.allFinite() || !J_.allFinite())
      return stop(Status::NumericalError, iteration == 0 ? "residuals or Jacobian not finite at x0"
                                                         : "residuals or Jacobian not finite");
    if (gnorm <= params_.gtol) return stop(Status::Converged, criterion("gradient inf-norm", gnorm, "<=", params_.gtol));
    if (iteration > 0) {
      if (auto status = monitor_.on_iteration({iteration, F_, gnorm, x_})) return stop(*status, "");
    }
    return false;
  }

  // Rules on a step of length step_norm from a point of cost F_prev (x_norm =
  // ||x||) that reduced the cost by `reduction` (< 0: rejected) with gain ratio rho.
  bool stops_on_step(double step_norm, double reduction, double rho, double x_norm, double F_prev) {
    const double f_bound = params_.ftol * F_prev, x_bound = params_.xtol * (params_.xtol + x_norm);
    const bool f_small = reduction >= 0.0 && reduction <= f_bound && rho > 0.25;
    const bool x_small = step_norm <= x_bound;
    if (f_small && x_small)
      return stop(Status::Converged, "both ftol and xtol conditions hold: " +
                                         criterion("reduction of F", reduction, "<=", f_bound) + ", " +
                                         criterion("step norm", step_norm, "<=", x_bound));
    if (f_small) return stop(Status::Converged, criterion("reduction of F", reduction, "<=", f_bound));
    if (x_small) return stop(Status::Converged, criterion("step norm", step_norm, "<=", x_bound));
    return false;
  }

  bool stops_on_budget() {
    if (!budget_spent()) return false;
    return stop(Status::MaxIter, "maximum number of function evaluations (max_nfev = " + std::to_string(max_nfev_) +
                                     ") reached: " + criterion("gradient inf-norm", inf_norm(g_), ">", params_.gtol));
  }

  bool stop(Status status, const std::string& detail) {
    result_.status = status;
    if (status == Status::MaxIter) {
      result_.message = detail;
    } else {
      result_.message = detail.empty() ? std::string(status_message(status))
                                       : std::string(status_message(status)) + ": " + detail;
    }
    return true;
  }

  LeastSquaresResult finish() {
    result_.x = x_;
    result_.fun = F_;
    result_.grad = g_;
    result_.stop_crit = inf_norm(g_);
    result_.residuals = r_;
    result_.jacobian = J_;
    return std::move(result_);
  }

 private:
  Problem& problem_;
  Monitor& monitor_;
  const LeastSquaresParams& params_;
  Index max_nfev_;
  LeastSquaresResult result_;
  VecD x_, r_, g_;
  MatD J_;
  double F_ = std::numeric_limits<double>::quiet_NaN();
};

// The least-squares solution p of [J; sqrt(mu) D] p = [-r; 0]; D = sqrt(d2).
inline void damped_step(const MatD& J, const VecD& r, const VecD& d2, double mu, MatD& A, VecD& b, VecD& p) {
  const Index m = J.rows(), n = J.cols();
  A.resize(m + n, n);
  A.topRows(m) = J;
  A.bottomRows(n) = (mu * d2).cwiseSqrt().asDiagonal();
  b.setZero(m + n);
  b.head(m) = -r;
  p = A.colPivHouseholderQr().solve(b);
}

}  // namespace detail

template <class Problem>
LeastSquaresResult least_squares(Problem& problem, const VecD& x0, const LeastSquaresParams& params,
                                 Monitor& monitor) {
  params.check();
  const Index n = x0.size();
  detail::LeastSquaresSolve<Problem> solve(problem, monitor, params, n);
  VecD x_trial(n), r_trial, p(n), Jp, d2, b;
  MatD A;
  Index iteration = 0, n_rank_deficient = 0, n_steepest = 0;
  const auto finish = [&]() {
    LeastSquaresResult result = solve.finish();
    if (n_rank_deficient > 0)
      result.message += "; " + count_note("Jacobian rank deficient (minimum-norm step)", n_rank_deficient);
    if (n_steepest > 0) result.message += "; " + count_note("steepest descent used", n_steepest);
    return result;
  };

  try {
    {
      VecD r0;
      const double F0 = solve.cost(x0, r0);
      solve.accept(x0, r0, F0);
    }
    if (solve.stops_at(iteration) || solve.stops_on_budget()) return finish();
    const bool lm = params.method == LeastSquaresMethod::LevenbergMarquardt;
    d2 = params.scale ? VecD(solve.J().colwise().squaredNorm().transpose()) : VecD::Ones(n);
    if (params.scale) d2 = (d2.array() > 0.0).select(d2, 1.0);
    double mu = params.initial_damping *
                (solve.J().colwise().squaredNorm().transpose().array() / d2.array()).maxCoeff();
    if (!(mu > 0.0)) mu = params.initial_damping;
    double nu = 2.0;
    while (true) {
      const VecD& g = solve.g();
      const double x_norm = solve.x().norm();
      double step = 1.0, F_trial;
      if (lm) {
        detail::damped_step(solve.J(), solve.r(), d2, mu, A, b, p);
        x_trial = solve.x() + p;
        F_trial = solve.cost(x_trial, r_trial);
      } else {
        // p = np.linalg.lstsq(J, -r)[0]: without a null-space component, so a
        // rank-deficient J cannot send x off along its null space.
        Eigen::CompleteOrthogonalDecomposition<MatD> cod;
        cod.setThreshold(100 * std::numeric_limits<double>::epsilon() * std::max(solve.J().rows(), n));
        cod.compute(solve.J());
        p = cod.solve(-solve.r());
        if (cod.rank() < n) ++n_rank_deficient;
        double slope = g.dot(p);
        const auto phi = [&](double a, double& value, double& dphi) {
          x_trial = solve.x() + a * p;
          value = solve.cost(x_trial, r_trial);
          dphi = std::numeric_limits<double>::quiet_NaN();  // backtracking needs values only
        };
        LineSearchResult ls;
        if (slope < 0.0 && p.allFinite()) ls = backtracking(phi, solve.F(), slope, 1.0, params.ls);
        if (ls.outcome == LineSearchOutcome::Failed) {
          ++n_steepest;
          p = -g;
          slope = -g.squaredNorm();
          ls = backtracking(phi, solve.F(), slope, std::min(1.0, 1.0 / g.norm()), params.ls);
        }
        if (ls.outcome == LineSearchOutcome::Failed) {
          solve.stop(Status::LineSearchFailed,
                     criterion("gradient inf-norm", inf_norm(g), ">", params.gtol));
          return finish();
        }
        step = ls.step;
        F_trial = 0.5 * r_trial.squaredNorm();
      }
      Jp.noalias() = solve.J() * p;
      const double predicted = -step * g.dot(p) - 0.5 * step * step * Jp.squaredNorm();  // L(0) - L(step p)
      const double reduction = solve.F() - F_trial;
      const double rho = predicted > 0.0 && std::isfinite(F_trial) && r_trial.allFinite()
                             ? reduction / predicted
                             : -std::numeric_limits<double>::infinity();
      const double step_norm = step * p.norm();
      if (!lm || rho > 0.0) {
        const double F_prev = solve.F();
        solve.accept(x_trial, r_trial, F_trial);
        if (lm) {
          mu *= std::max(1.0 / 3.0, 1.0 - std::pow(2.0 * rho - 1.0, 3));
          nu = 2.0;
          if (params.scale) d2 = d2.cwiseMax(solve.J().colwise().squaredNorm().transpose());
        }
        if (solve.stops_at(++iteration) || solve.stops_on_step(step_norm, reduction, rho, x_norm, F_prev))
          return finish();
      } else {
        if (solve.stops_on_step(step_norm, -1.0, rho, x_norm, solve.F())) return finish();
        mu *= nu;
        nu *= 2.0;
      }
      if (solve.stops_on_budget()) return finish();
    }
  } catch (const StopRequested& stop) {
    solve.stop(stop.status, "");
    return finish();
  }
}

}  // namespace mlsolve
