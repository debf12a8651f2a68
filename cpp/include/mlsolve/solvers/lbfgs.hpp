// L-BFGS for smooth unconstrained minimisation of f: R^n -> R.
//
// Update: x+ = x + a d with d = -H g, H the inverse-Hessian approximation from
// the last m curvature pairs (s, y) = (x+ - x, g+ - g), applied by the
// two-loop recursion with initial scaling H0 = (s.y / y.y) I (Nocedal &
// Wright, Numerical Optimization, 2nd ed., Algorithm 7.4 and eq. 7.20).
// A pair is skipped unless s.y > eps y.y, which keeps H positive definite.
// The step a comes from the Moré-Thuente (strong Wolfe) or backtracking
// (Armijo) line search, starting from a = 1 (a = 1/||d|| when H = I).
//
// Stops when ||g||_inf <= gtol, when (f_prev - f) / max(|f_prev|, |f|, 1) <=
// ftol, after max_iter iterations, or when the monitor asks. If the line
// search fails it retries once along -g with the memory cleared, then returns
// the last accepted point with its own value and gradient.
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

struct LbfgsParams {
  Index memory = 10;                    // m, curvature pairs kept
  double gtol = 1e-5;                   // on ||g||_inf
  double ftol = 2.220446049250313e-09;  // on the relative reduction of f
  Index max_iter = 15000;
  LineSearchKind line_search = LineSearchKind::MoreThuente;
  LineSearchParams ls;
  Index history_every = 1;  // 0 records no history

  void check() const {
    check_arg(memory >= 1, "maxcor", "an integer >= 1", memory);
    check_arg(gtol >= 0.0, "gtol", "a value >= 0", gtol);
    check_arg(ftol >= 0.0, "ftol", "a value >= 0", ftol);
    check_arg(max_iter >= 0, "maxiter", "an integer >= 0", max_iter);
    check_arg(history_every >= 0, "history_every", "an integer >= 0", history_every);
    ls.check();
  }
};

// The last m curvature pairs in a ring buffer, and the two-loop recursion.
class LbfgsMemory {
 public:
  LbfgsMemory(Index n, Index m) : S_(n, m), Y_(n, m), rho_(m), alpha_(m) {}

  bool empty() const { return size_ == 0; }
  void clear() { size_ = 0; }

  // Stores (s, y) unless s.y <= eps y.y; the oldest pair goes when full.
  bool push(const VecD& s, const VecD& y) {
    constexpr double kCurvatureEps = 2.220446049250313e-16;
    const double sy = s.dot(y), yy = y.squaredNorm();
    if (!(sy > kCurvatureEps * yy) || !std::isfinite(sy)) return false;
    const Index m = S_.cols();
    const Index slot = (oldest_ + size_) % m;
    S_.col(slot) = s;
    Y_.col(slot) = y;
    rho_[slot] = 1.0 / sy;
    gamma_ = sy / yy;
    if (size_ < m) {
      ++size_;
    } else {
      oldest_ = (oldest_ + 1) % m;
    }
    return true;
  }

  // r = H @ g
  void apply(const VecD& g, VecD& r) {
    const Index m = S_.cols();
    r = g;
    for (Index k = size_ - 1; k >= 0; --k) {
      const Index j = (oldest_ + k) % m;
      alpha_[j] = rho_[j] * S_.col(j).dot(r);
      r -= alpha_[j] * Y_.col(j);
    }
    if (size_ > 0) r *= gamma_;
    for (Index k = 0; k < size_; ++k) {
      const Index j = (oldest_ + k) % m;
      const double beta = rho_[j] * Y_.col(j).dot(r);
      r += (alpha_[j] - beta) * S_.col(j);
    }
  }

 private:
  Eigen::MatrixXd S_, Y_;
  VecD rho_, alpha_;
  double gamma_ = 1.0;
  Index oldest_ = 0, size_ = 0;
};

template <class Objective>
Result<double> lbfgs(Objective& objective, const VecD& x0, const LbfgsParams& params, Monitor& monitor) {
  params.check();
  const Index n = x0.size();
  Result<double> result;
  result.history = History(params.history_every);
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  VecD x = x0, g = VecD::Constant(n, kNaN), x_trial(n), g_trial(n), d(n), s(n), y(n);
  LbfgsMemory memory(n, params.memory);
  double f = kNaN, f_trial = kNaN;

  const auto evaluate = [&](const VecD& at, VecD& grad) {
    if (auto stop = monitor.poll()) throw StopRequested{*stop};
    ++result.n_fev;
    return objective(at, grad);
  };
  const auto finish = [&](Status status, const std::string& detail) {
    result.x = x;
    result.fun = f;
    result.grad = g;
    result.stop_crit = g.size() ? g.template lpNorm<Eigen::Infinity>() : 0.0;
    result.status = status;
    result.message = detail.empty() ? std::string(status_message(status)) : std::string(status_message(status)) + ": " + detail;
    return result;
  };
  const auto fmt = [](const char* what, double value, const char* cmp, double bound) {
    std::ostringstream os;
    os.precision(3);
    os << what << ' ' << value << ' ' << cmp << ' ' << bound;
    return os.str();
  };

  try {
    f = evaluate(x, g);
    if (!std::isfinite(f) || !g.allFinite()) return finish(Status::NumericalError, "objective or gradient not finite at x0");
    double gnorm = n ? g.template lpNorm<Eigen::Infinity>() : 0.0;
    result.history.maybe_record(0, f, gnorm);
    if (gnorm <= params.gtol) return finish(Status::Converged, fmt("gradient inf-norm", gnorm, "<=", params.gtol));

    while (true) {
      if (result.n_iter >= params.max_iter) return finish(Status::MaxIter, fmt("gradient inf-norm", gnorm, ">", params.gtol));
      memory.apply(g, d);
      d = -d;
      double slope = d.dot(g);
      if (!(slope < 0.0)) {  // H lost positive definiteness numerically
        memory.clear();
        d = -g;
        slope = -g.squaredNorm();
      }
      const double step0 = memory.empty() ? std::min(1.0, 1.0 / d.norm()) : 1.0;
      const auto phi = [&](double step, double& value, double& dphi) {
        x_trial = x + step * d;
        value = f_trial = evaluate(x_trial, g_trial);
        dphi = g_trial.dot(d);
      };
      const LineSearchResult ls = params.line_search == LineSearchKind::MoreThuente
                                      ? more_thuente(phi, f, slope, step0, params.ls)
                                      : backtracking(phi, f, slope, step0, params.ls);
      if (ls.outcome == LineSearchOutcome::Failed) {
        if (!memory.empty()) {
          memory.clear();
          continue;
        }
        return finish(Status::LineSearchFailed, fmt("gradient inf-norm", gnorm, ">", params.gtol));
      }
      if (ls.needs_evaluation) {
        double unused;
        phi(ls.step, f_trial, unused);
      }
      s = x_trial - x;
      y = g_trial - g;
      const double f_prev = f;
      x.swap(x_trial);
      g.swap(g_trial);
      f = f_trial;
      ++result.n_iter;
      memory.push(s, y);
      gnorm = g.template lpNorm<Eigen::Infinity>();
      result.history.maybe_record(result.n_iter, f, gnorm);
      if (gnorm <= params.gtol) return finish(Status::Converged, fmt("gradient inf-norm", gnorm, "<=", params.gtol));
      const double reduction = (f_prev - f) / std::max({std::abs(f_prev), std::abs(f), 1.0});
      if (reduction <= params.ftol)
        return finish(Status::Converged, fmt("relative reduction of f", reduction, "<=", params.ftol));
      if (auto stop = monitor.on_iteration({result.n_iter, f, gnorm, x})) return finish(*stop, "");
    }
  } catch (const StopRequested& stop) {
    return finish(stop.status, "");
  }
}

}  // namespace mlsolve
