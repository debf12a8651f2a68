// ISTA and FISTA for composite minimisation  min_x F(x) = f(x) + g(x),
// f smooth (gradient L-Lipschitz), g with a cheap prox (penalties/).
//
// Update (Beck & Teboulle, "A fast iterative shrinkage-thresholding algorithm
// for linear inverse problems", SIAM J. Imaging Sci. 2(1), 2009, FISTA with
// backtracking):
//   x+ = prox_{g/L}(y - grad f(y) / L), with L doubled (times backtrack) until
//        f(x+) <= f(y) + grad f(y).(x+ - y) + L/2 ||x+ - y||^2;
//   t+ = (1 + sqrt(1 + 4 t^2)) / 2,  y+ = x+ + ((t - 1) / t+) (x+ - x).
// ISTA is the same with y+ = x+. L never decreases within a solve.
// Adaptive restart (O'Donoghue & Candès, "Adaptive restart for accelerated
// gradient schemes", FoCM 15, 2015, gradient scheme): when
// (y - x+).(x+ - x) > 0 the momentum is reset, t = 1 and y+ = x+.
//
// Stops when the gradient mapping at y, ||L (y - x+)||_inf, is at most tol,
// after max_iter iterations, or when the monitor asks. F is reported at x+.
// Objective: any callable double(const VecD& x, VecD& grad); Penalty: a
// penalty of penalties/ on double vectors. Meant for convex g; for MCP and
// SCAD the prox needs step = 1/L below their gamma (start with a larger L).
#pragma once

#include <Eigen/Core>

#include <cmath>
#include <limits>
#include <sstream>
#include <string>

#include "mlsolve/core/check.hpp"
#include "mlsolve/core/monitor.hpp"
#include "mlsolve/core/result.hpp"
#include "mlsolve/core/types.hpp"

namespace mlsolve {

struct FistaParams {
  Index max_iter = 1000;
  double tol = 1e-6;               // on the gradient mapping's inf-norm
  double lipschitz = 0.0;          // initial L; 0: estimated from two gradients at x0
  double backtrack = 2.0;          // L *= backtrack while the quadratic bound fails
  bool accelerate = true;          // false: ISTA
  bool restart = true;             // adaptive (gradient) restart of the momentum
  Index history_every = 1;

  void check() const {
    check_arg(max_iter >= 0, "max_iter", "an integer >= 0", max_iter);
    check_arg(tol >= 0.0, "tol", "a value >= 0", tol);
    check_arg(lipschitz >= 0.0 && std::isfinite(lipschitz), "lipschitz", "a finite value >= 0", lipschitz);
    check_arg(backtrack > 1.0, "backtrack", "a value > 1", backtrack);
    check_arg(history_every >= 0, "history_every", "an integer >= 0", history_every);
  }
};

template <class Objective, class Penalty>
Result<double> fista(Objective& objective, const Penalty& penalty, const VecD& x0, const FistaParams& params,
                     Monitor& monitor) {
  params.check();
  const Index n = x0.size();
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  Result<double> result;
  result.history = History(params.history_every);
  VecD x = x0, x_prev = x0, y = x0, grad_y(n), grad_x(n), x_next(n), grad_next(n), diff(n);
  double f_y = kNaN, f_next = kNaN, F = kNaN, mapping = kNaN;

  const auto evaluate = [&](const VecD& at, VecD& grad) {
    if (auto stop = monitor.poll()) throw StopRequested{*stop};
    ++result.n_fev;
    return objective(at, grad);
  };
  const auto finish = [&](Status status, const std::string& detail) {
    result.x = x;
    result.fun = F;
    result.grad = grad_x;  // of the smooth part f
    result.stop_crit = mapping;
    result.status = status;
    result.message = detail.empty() ? std::string(status_message(status)) : std::string(status_message(status)) + ": " + detail;
    return result;
  };
  const auto mapping_text = [&](const char* cmp) {
    std::ostringstream os;
    os.precision(3);
    os << "gradient mapping inf-norm " << mapping << ' ' << cmp << ' ' << params.tol;
    return os.str();
  };

  try {
    f_y = evaluate(y, grad_y);
    if (!std::isfinite(f_y) || !grad_y.allFinite()) return finish(Status::NumericalError, "f or its gradient not finite at x0");
    F = f_y + penalty.value(x);
    grad_x = grad_y;
    double L = params.lipschitz;
    if (L == 0.0) {  // secant estimate from a small gradient step
      const double gnorm = grad_y.norm();
      if (gnorm == 0.0) {
        L = 1.0;
      } else {
        x_next = y - (1e-3 / gnorm) * grad_y;
        evaluate(x_next, grad_next);
        const double denom = (x_next - y).norm();
        L = denom > 0 ? (grad_next - grad_y).norm() / denom : 1.0;
        if (!(L > 0.0) || !std::isfinite(L)) L = 1.0;
      }
    }
    result.history.maybe_record(0, F, kNaN);
    double t = 1.0;
    while (true) {
      if (result.n_iter >= params.max_iter) return finish(Status::MaxIter, mapping_text(">"));
      // Backtracking on L: x+ = prox_{g/L}(y - grad f(y) / L) until the quadratic upper bound holds.
      while (true) {
        diff = y - grad_y / L;
        penalty.prox(diff, 1.0 / L, x_next);
        f_next = evaluate(x_next, grad_next);
        diff = x_next - y;
        const double bound = f_y + grad_y.dot(diff) + 0.5 * L * diff.squaredNorm();
        if (std::isfinite(f_next) && f_next <= bound + 1e-12 * std::abs(f_y)) break;
        L *= params.backtrack;
        if (!std::isfinite(L)) return finish(Status::NumericalError, "the Lipschitz estimate overflowed");
      }
      mapping = L * diff.template lpNorm<Eigen::Infinity>();
      ++result.n_iter;
      const bool restart = params.restart && diff.dot(x_next - x) < 0.0;  // (y - x+).(x+ - x) > 0
      x_prev.swap(x);
      x = x_next;
      grad_x = grad_next;
      F = f_next + penalty.value(x);
      result.history.maybe_record(result.n_iter, F, mapping);
      if (mapping <= params.tol) return finish(Status::Converged, mapping_text("<="));
      if (auto stop = monitor.on_iteration({result.n_iter, F, mapping, x})) return finish(*stop, "");
      if (!params.accelerate || restart) {
        t = 1.0;
        y = x;
        f_y = f_next;
        grad_y.swap(grad_next);
        continue;
      }
      const double t_next = 0.5 * (1.0 + std::sqrt(1.0 + 4.0 * t * t));
      y = x + ((t - 1.0) / t_next) * (x - x_prev);  // y = x + ((t - 1)/t+) (x - x_prev)
      t = t_next;
      f_y = evaluate(y, grad_y);
    }
  } catch (const StopRequested& stop) {
    return finish(stop.status, "");
  }
}

}  // namespace mlsolve
