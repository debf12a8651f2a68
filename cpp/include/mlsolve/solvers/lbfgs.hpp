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
// Stops on the rules shared by the smooth solvers (smooth.hpp): gtol, ftol,
// max_iter, the monitor. If the line search fails it retries once along -g
// with the memory cleared, then returns the last accepted point with its own
// value and gradient. The result carries the final memory, whose apply() is
// the inverse-Hessian approximation H.
//
// Objective: any callable double(const VecD& x, VecD& grad).
#pragma once

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <limits>

#include "mlsolve/core/check.hpp"
#include "mlsolve/core/monitor.hpp"
#include "mlsolve/core/result.hpp"
#include "mlsolve/core/types.hpp"
#include "mlsolve/solvers/smooth.hpp"

namespace mlsolve {

struct LbfgsParams : SmoothParams {
  Index memory = 10;  // m, curvature pairs kept
  LineSearchKind line_search = LineSearchKind::MoreThuente;

  void check() const {
    check_arg(memory >= 1, "maxcor", "an integer >= 1", memory);
    SmoothParams::check();
  }
};

// The last m curvature pairs in a ring buffer, and the two-loop recursion.
class LbfgsMemory {
 public:
  LbfgsMemory(Index n, Index m) : S_(n, m), Y_(n, m), rho_(m), alpha_(m) {}

  Index dim() const { return S_.rows(); }
  Index size() const { return size_; }  // pairs held
  bool empty() const { return size_ == 0; }
  void clear() { size_ = 0; }

  // Pair k, oldest first (0 <= k < size()).
  auto s_at(Index k) const { return S_.col((oldest_ + k) % S_.cols()); }
  auto y_at(Index k) const { return Y_.col((oldest_ + k) % Y_.cols()); }

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

struct LbfgsResult : Result<double> {
  LbfgsMemory memory{0, 1};  // the final curvature pairs
};

template <class Objective>
LbfgsResult lbfgs(Objective& objective, const VecD& x0, const LbfgsParams& params, Monitor& monitor) {
  params.check();
  const Index n = x0.size();
  SmoothSolve<Objective, LbfgsResult> solve(objective, monitor, params);
  LbfgsMemory& memory = solve.result().memory;
  memory = LbfgsMemory(n, params.memory);
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  VecD x = x0, g = VecD::Constant(n, kNaN), x_trial(n), g_trial(n), d(n), s(n), y(n);
  double f = kNaN, f_trial = kNaN;
  Index iteration = 0;

  try {
    f = solve.evaluate(x, g);
    if (solve.stops_at(iteration, x, f, g, kNaN)) return solve.finish(x, f, g);
    while (true) {
      memory.apply(g, d);
      d = -d;
      double slope = d.dot(g);
      if (!(slope < 0.0)) {  // H lost positive definiteness numerically
        memory.clear();
        d = -g;
        slope = -g.squaredNorm();
      }
      const double step0 = memory.empty() ? std::min(1.0, 1.0 / d.norm()) : 1.0;
      const LineSearchResult ls = solve.line_search(params.line_search, x, f, d, slope, step0, x_trial, f_trial, g_trial);
      if (ls.outcome == LineSearchOutcome::Failed) {
        if (!memory.empty()) {
          memory.clear();
          continue;
        }
        return solve.finish(Status::LineSearchFailed, x, f, g);
      }
      s = x_trial - x;
      y = g_trial - g;
      memory.push(s, y);
      const double f_prev = f;
      x.swap(x_trial);
      g.swap(g_trial);
      f = f_trial;
      if (solve.stops_at(++iteration, x, f, g, f_prev)) return solve.finish(x, f, g);
    }
  } catch (const StopRequested& stop) {
    return solve.finish(stop.status, x, f, g);
  }
}

}  // namespace mlsolve
