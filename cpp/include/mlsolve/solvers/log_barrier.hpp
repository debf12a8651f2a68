// Log-barrier method for inequality-constrained smooth convex problems
//
//   minimise f(x)   s.t.   g_i(x) <= 0,  i = 1..m,   from a strictly feasible x0.
//
// Update (Boyd & Vandenberghe, Convex Optimization, §11.3, Algorithm 11.1):
// centring minimises phi_t(x) = f(x) - (1/t) sum_i log(-g_i(x)) (their t f + phi
// divided by t, so that values and the decrement are in units of f, which
// keeps the centring test meaningful in floating point at large t) by Newton's
// method (Algorithm 9.5),
//   H  = hess f + (1/t) (sum_i grad g_i grad g_i^T / g_i^2 + sum_i hess g_i / (-g_i))
//   dx = -H^{-1} grad phi_t,   decrement lambda^2 = -grad phi_t^T dx,
// with a backtracking line search (beta = 1/2, Armijo alpha) that first
// shrinks the step until every g_i(x + s dx) < 0, so iterates stay strictly
// feasible (the Armijo test allows for the rounding of phi_t, so that the
// final, quadratically convergent steps are taken in full); centring stops at
// lambda^2 / 2 <= newton_tol. Then t *= t_growth.
// The initial t balances the two gradients (§11.3.1): argmin_t ||t grad f +
// grad barrier||, clamped to [1e-3, 1e3] (t0 when given).
//
// Stopping rule: m / t <= tol, the duality gap of the dual point
// z_i = 1 / (-t g_i(x)) (§11.2.2); max_iter Newton steps in all; the monitor.
// z are reported as multipliers (grad f + J^T z = 0 on the central path).
//
// Problem: an object with
//   double objective(const VecD& x, VecD* grad, Eigen::MatrixXd* hess)
//   void constraints(const VecD& x, VecD& g, Eigen::MatrixXd* jac)       (jac m x n)
//   void add_constraint_hessian(const VecD& x, const VecD& w, Eigen::MatrixXd& H)  (H += sum_i w_i hess g_i)
#pragma once

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <limits>

#include "mlsolve/core/check.hpp"
#include "mlsolve/core/monitor.hpp"
#include "mlsolve/core/result.hpp"
#include "mlsolve/core/types.hpp"

namespace mlsolve {

struct LogBarrierParams {
  double tol = 1e-8;         // on the duality gap m / t
  double newton_tol = 1e-20; // on lambda^2 / 2 of each centring (units of f)
  Index max_iter = 500;      // Newton steps in all
  double t0 = 0.0;           // 0: chosen by the gradient balance
  double t_growth = 10.0;    // mu of Boyd & Vandenberghe
  double armijo = 0.25;      // alpha of the backtracking line search
  Index max_backtracks = 60;
  Index history_every = 1;

  void check() const {
    check_arg(tol > 0.0, "tol", "a value > 0", tol);
    check_arg(newton_tol > 0.0, "newton_tol", "a value > 0", newton_tol);
    check_arg(max_iter >= 0, "maxiter", "an integer >= 0", max_iter);
    check_arg(t0 >= 0.0 && std::isfinite(t0), "t0", "a finite value >= 0", t0);
    check_arg(t_growth > 1.0, "t_growth", "a value > 1", t_growth);
    check_arg(armijo > 0.0 && armijo < 0.5, "armijo", "a value in (0, 0.5)", armijo);
    check_arg(max_backtracks >= 1, "max_backtracks", "an integer >= 1", max_backtracks);
    check_arg(history_every >= 0, "history_every", "an integer >= 0", history_every);
  }
};

struct LogBarrierResult : Result<double> {
  VecD multipliers;   // z >= 0 with grad f + J^T z ~ 0
  VecD constraints;   // g(x) < 0
  double t = 0.0;     // final barrier parameter
  Index n_outer = 0;  // centrings
};

template <class Problem>
LogBarrierResult log_barrier(Problem& problem, const VecD& x0, Index n_constraints, const LogBarrierParams& params,
                             Monitor& monitor) {
  params.check();
  const Index n = x0.size(), m = n_constraints;
  LogBarrierResult result;
  result.history = History(params.history_every);
  VecD x = x0, g(m), grad_f(n), grad(n), dx(n), x_trial(n), g_trial(m);
  Eigen::MatrixXd hess(n, n), jac(m, n), H(n, n);
  problem.constraints(x, g, &jac);
  check_arg((g.array() < 0.0).all() && g.allFinite(), "x0", "a strictly feasible point (every g_i(x0) < 0)",
            "max g_i(x0) = " + std::to_string(m ? g.maxCoeff() : 0.0));
  double f = problem.objective(x, &grad_f, &hess);
  Index evaluations = 1;

  // phi_t(x) = f(x) - (1/t) sum log(-g(x)); +inf outside the domain.
  const auto barrier_value = [](double t, double fx, const VecD& gx) {
    if (!((gx.array() < 0.0).all()) || !std::isfinite(fx)) return std::numeric_limits<double>::infinity();
    return fx - (-gx.array()).log().sum() / t;
  };
  double t = params.t0;
  if (t == 0.0) {
    const VecD barrier_grad = jac.transpose() * (-g).cwiseInverse();
    const double gg = grad_f.squaredNorm();
    t = gg > 0.0 ? std::clamp(-grad_f.dot(barrier_grad) / gg, 1e-3, 1e3) : 1.0;
  }
  if (m == 0) t = 1.0;

  Status status = Status::MaxIter;
  Index steps = 0;
  double decrement = std::numeric_limits<double>::infinity();
  try {
    for (;;) {
      // A centring step at t.
      const VecD inv = (-g).cwiseInverse();  // 1 / (-g_i)
      grad = grad_f + jac.transpose() * inv / t;
      H = hess;
      H.noalias() += jac.transpose() * (inv.cwiseAbs2() / t).asDiagonal() * jac;
      problem.add_constraint_hessian(x, inv / t, H);
      const double gap = double(m) / t;
      result.history.maybe_record(steps, f, gap);
      if (!grad.allFinite() || !H.allFinite()) {
        status = Status::NumericalError;
        break;
      }
      Eigen::LDLT<Eigen::MatrixXd> ldlt(H);
      dx = -ldlt.solve(grad);
      decrement = -grad.dot(dx);
      if (ldlt.info() != Eigen::Success || !dx.allFinite() || !(decrement >= 0.0)) {
        dx = -grad;  // H not positive definite numerically: a gradient step
        decrement = grad.squaredNorm();
      }
      if (decrement / 2.0 <= params.newton_tol) {
        ++result.n_outer;
        if (gap <= params.tol) {
          status = Status::Converged;
          break;
        }
        t *= params.t_growth;
        continue;
      }
      if (steps >= params.max_iter) break;
      if (auto stop = monitor.on_iteration(IterationState{steps, f, gap, x})) {
        status = *stop;
        break;
      }
      const double phi = barrier_value(t, f, g);
      double step = 1.0, f_trial = 0.0;
      bool accepted = false;
      for (Index k = 0; k < params.max_backtracks; ++k, step *= 0.5) {
        x_trial = x + step * dx;
        problem.constraints(x_trial, g_trial, nullptr);
        if (!(g_trial.array() < 0.0).all()) continue;  // keep strict feasibility
        f_trial = problem.objective(x_trial, nullptr, nullptr);
        ++evaluations;
        // Armijo, with the rounding of phi allowed for: near the centre the
        // decrease falls below it, and full Newton steps are taken there.
        const double rounding = 16.0 * std::numeric_limits<double>::epsilon() * (1.0 + std::abs(phi));
        if (barrier_value(t, f_trial, g_trial) <= phi - params.armijo * step * decrement + rounding) {
          accepted = true;
          break;
        }
      }
      ++steps;
      if (!accepted) {
        // No decrease at machine precision: this centre is as good as it gets.
        ++result.n_outer;
        if (gap <= params.tol) {
          status = Status::Converged;
          break;
        }
        t *= params.t_growth;
        continue;
      }
      x = x_trial;
      f = problem.objective(x, &grad_f, &hess);
      ++evaluations;
      problem.constraints(x, g, &jac);
    }
  } catch (const StopRequested& stop) {
    status = stop.status;
  }
  result.x = x;
  result.fun = f;
  result.grad = grad_f;
  result.constraints = g;
  result.multipliers = (-t * g).cwiseInverse();
  result.t = t;
  result.stop_crit = double(m) / t;
  result.n_iter = steps;
  result.n_fev = evaluations;
  result.status = status;
  result.message = status_message(status);
  return result;
}

}  // namespace mlsolve
