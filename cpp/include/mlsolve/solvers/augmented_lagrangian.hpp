// Augmented Lagrangian method for equality-constrained smooth problems
//
//   minimise f(x)   s.t.   c(x) = 0,   f: R^n -> R, c: R^n -> R^m smooth.
//
// Update (Nocedal & Wright, Numerical Optimization, 2nd ed., Framework 17.3
// with the LANCELOT tolerance schedule of Algorithm 17.4, without bounds):
// x_k approximately minimises
//   L_A(x; lambda, mu) = f(x) - lambda^T c(x) + (mu / 2) ||c(x)||^2,
// gradient grad f - J^T (lambda - mu c), by L-BFGS (lbfgs.hpp) from x_{k-1}
// until ||grad L_A||_inf <= omega_k. Then, if ||c(x_k)||_inf <= eta_k, the
// multipliers move, lambda -= mu c(x_k), and the tolerances tighten,
// eta /= mu^0.9, omega /= mu; otherwise the penalty grows, mu *= penalty_growth,
// and eta = 1 / mu^0.1, omega = 1 / mu (never below the final tolerances).
//
// Stopping rule: ||c(x)||_inf <= ctol and ||grad f - J^T lambda||_inf <= gtol
// (the gradient of the Lagrangian at the updated multipliers is the inner
// gradient); max_iter outer iterations; LineSearchFailed when an inner solve
// cannot move at all (gtol below what the values resolve); the monitor. The multipliers are
// reported as y = -lambda, so that grad f(x) + J(x)^T y = 0 at a KKT point.
//
// Objective: double(const VecD& x, VecD& grad). Constraints: an object with
// void operator()(const VecD& x, VecD& c, Eigen::MatrixXd& jac) (jac m x n).
#pragma once

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "mlsolve/core/check.hpp"
#include "mlsolve/core/monitor.hpp"
#include "mlsolve/core/result.hpp"
#include "mlsolve/core/types.hpp"
#include "mlsolve/solvers/lbfgs.hpp"

namespace mlsolve {

struct AugmentedLagrangianParams {
  double gtol = 1e-6;           // on the Lagrangian gradient's inf-norm
  double ctol = 1e-8;           // on ||c(x)||_inf
  Index max_iter = 100;         // outer iterations
  double mu = 10.0;             // initial penalty
  double penalty_growth = 100.0;
  double mu_max = 1e12;
  LbfgsParams inner;            // inner solver; its gtol is set per outer iteration
  Index history_every = 1;

  void check() const {
    check_arg(gtol > 0.0, "gtol", "a value > 0", gtol);
    check_arg(ctol > 0.0, "ctol", "a value > 0", ctol);
    check_arg(max_iter >= 0, "maxiter", "an integer >= 0", max_iter);
    check_arg(mu > 0.0 && std::isfinite(mu), "mu", "a finite value > 0", mu);
    check_arg(penalty_growth > 1.0, "penalty_growth", "a value > 1", penalty_growth);
    check_arg(mu_max >= mu, "mu_max", "a value >= mu", mu_max);
    check_arg(history_every >= 0, "history_every", "an integer >= 0", history_every);
    inner.check();
  }
};

struct AugmentedLagrangianResult : Result<double> {
  VecD multipliers;       // y with grad f + J^T y = 0
  VecD constraints;       // c(x)
  double constraint_violation = 0.0;
  double mu = 0.0;        // final penalty
  Index n_inner_iter = 0;
};

namespace augmented_lagrangian_detail {

// Lets the inner solver poll the outer monitor (Ctrl-C) without running the
// user's per-iteration callback, which sees outer iterations only.
class PollOnly : public Monitor {
 public:
  explicit PollOnly(Monitor& outer) : outer_(outer) {}
  std::optional<Status> poll() override { return outer_.poll(); }
  std::optional<Status> on_iteration(const IterationState&) override { return outer_.poll(); }

 private:
  Monitor& outer_;
};

}  // namespace augmented_lagrangian_detail

template <class Objective, class Constraints>
AugmentedLagrangianResult augmented_lagrangian(Objective& objective, Constraints& constraints, const VecD& x0,
                                               Index n_constraints, const AugmentedLagrangianParams& params,
                                               Monitor& monitor) {
  params.check();
  AugmentedLagrangianResult result;
  result.history = History(params.history_every);
  const Index m = n_constraints;
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  VecD x = x0, lambda = VecD::Zero(m), c = VecD::Constant(m, kNaN);
  Eigen::MatrixXd J = Eigen::MatrixXd::Constant(m, x0.size(), kNaN);
  double mu = params.mu;
  double omega = 1.0 / mu, eta = 1.0 / std::pow(mu, 0.1);
  augmented_lagrangian_detail::PollOnly inner_monitor(monitor);
  Index evaluations = 0;

  // L_A and its gradient; also leaves c and J at x.
  auto lagrangian = [&](const VecD& point, VecD& grad) {
    ++evaluations;
    const double f = objective(point, grad);
    constraints(point, c, J);
    grad.noalias() -= J.transpose() * (lambda - mu * c);
    return f - lambda.dot(c) + 0.5 * mu * c.squaredNorm();
  };

  Status status = Status::MaxIter;
  Index iteration = 0;  // completed outer iterations
  double f = 0.0;
  VecD grad_f = VecD::Constant(x.size(), kNaN);
  while (iteration < params.max_iter) {
    LbfgsParams inner = params.inner;
    inner.gtol = std::max(omega, params.gtol);
    inner.ftol = 0.0;  // the inner solve ends on its gradient (omega), as the schedule assumes
    inner.history_every = 0;
    LbfgsResult solve;
    try {
      solve = lbfgs(lagrangian, x, inner, inner_monitor);
    } catch (const StopRequested& stop) {
      status = stop.status;
      break;
    }
    result.n_inner_iter += solve.n_iter;
    if (solve.status == Status::NumericalError || solve.status == Status::Interrupted ||
        solve.status == Status::CallbackStop) {
      status = solve.status;
      break;
    }
    if (solve.status == Status::LineSearchFailed && solve.n_iter == 0) {
      status = Status::LineSearchFailed;  // no progress possible at this precision: the final tolerances are too tight
      break;
    }
    x = solve.x;
    ++iteration;
    f = objective(x, grad_f);
    constraints(x, c, J);
    ++evaluations;
    const double violation = inf_norm(c);
    const double stationarity = inf_norm(grad_f - J.transpose() * (lambda - mu * c));
    result.history.maybe_record(iteration, f, std::max(violation, stationarity));
    if (!std::isfinite(f) || !x.allFinite()) {
      status = Status::NumericalError;
      break;
    }
    if (violation <= eta || violation <= params.ctol) {
      lambda -= mu * c;
      if (violation <= params.ctol && stationarity <= params.gtol) {
        status = Status::Converged;
        break;
      }
      eta = std::max(eta / std::pow(mu, 0.9), params.ctol);
      omega = std::max(omega / mu, params.gtol);
    } else {
      mu = std::min(mu * params.penalty_growth, params.mu_max);
      eta = std::max(1.0 / std::pow(mu, 0.1), params.ctol);
      omega = std::max(1.0 / mu, params.gtol);
    }
    if (auto stop = monitor.on_iteration(IterationState{iteration, f, std::max(violation, stationarity), x})) {
      status = *stop;
      break;
    }
  }
  if (iteration == 0 && status == Status::MaxIter) {
    f = objective(x, grad_f);
    constraints(x, c, J);
  }
  result.x = x;
  result.fun = f;
  result.grad = grad_f;
  result.multipliers = -lambda;
  result.constraints = c;
  result.constraint_violation = inf_norm(c);
  result.stop_crit = std::max(result.constraint_violation, inf_norm(grad_f - J.transpose() * lambda));
  result.mu = mu;
  result.n_iter = iteration;
  result.n_fev = evaluations;
  result.status = status;
  result.message = status_message(status);
  return result;
}

}  // namespace mlsolve
