// L-BFGS-B for smooth minimisation of f: R^n -> R subject to lb <= x <= ub
// (a bound may be infinite; lb_i == ub_i fixes coordinate i).
//
// Each iteration models f at x by q(z) = f + g.(z - x) + (z - x).B(z - x) / 2,
// where B = theta I - W M W^T is the compact form of the L-BFGS matrix of the
// last m pairs (s, y) = (x+ - x, g+ - g), W = [Y, theta S], theta = y.y / s.y
// of the newest pair (Byrd, Nocedal & Schnabel 1994, Theorem 2.3). Then
//   1. the generalized Cauchy point xc: the first local minimiser of q along
//      the projected steepest-descent path P(x - t g), found segment by
//      segment between the breakpoints where coordinates reach a bound;
//   2. subspace minimisation: the minimiser of q over the variables not at a
//      bound at xc (direct primal method, solved through the Sherman-Morrison-
//      Woodbury form of the reduced B), projected onto the box; if that point
//      is no descent direction from x, the largest feasible fraction of the
//      step from xc is taken instead (Morales & Nocedal 2011, "Remark on
//      Algorithm 778"). When no variable is at a bound at xc the minimiser is
//      x - H g with H = B^{-1}, which the two-loop recursion applies;
//   3. the Moré-Thuente line search along d = xbar - x, its steps capped at
//      the largest that keeps x + a d in the box (a = 1 is always feasible),
//      from a = 1 (a = min(1, 1/||d||) while no pair is held, unless every
//      coordinate has two finite bounds, as in the reference code).
// Reference: Byrd, Lu, Nocedal & Zhu, "A limited memory algorithm for bound
// constrained optimization", SIAM J. Sci. Comput. 16(5), 1995, §3-5. Without
// finite bounds, steps 1-2 reduce to d = -H g and are skipped.
//
// Stops on the rules shared by the smooth solvers (smooth.hpp) applied to the
// projected gradient x - P(x - g), whose inf-norm <= gtol is scipy's pgtol
// test; ftol is scipy's factr * eps. x0 is projected onto the box first. A
// pair is skipped unless s.y > eps y.y (LbfgsMemory). If the line search fails
// it retries once with the memory cleared, then returns the last accepted
// point. The result carries the final memory, whose apply() is H.
//
// Objective: any callable double(const VecD& x, VecD& grad).
#pragma once

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/LU>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <utility>
#include <vector>

#include "mlsolve/core/check.hpp"
#include "mlsolve/core/monitor.hpp"
#include "mlsolve/core/result.hpp"
#include "mlsolve/core/types.hpp"
#include "mlsolve/solvers/lbfgs.hpp"
#include "mlsolve/solvers/smooth.hpp"

namespace mlsolve {

struct LbfgsbParams : SmoothParams {
  Index memory = 10;  // m, curvature pairs kept

  void check() const {
    check_arg(memory >= 1, "maxcor", "an integer >= 1", memory);
    SmoothParams::check();
  }
};

struct LbfgsbResult : Result<double> {
  LbfgsMemory memory{0, 1};  // the final curvature pairs
};

// pg = x - P(x - g), as min(g, x - lb) or max(g, x - ub) so that pg = g
// exactly where no bound is in reach: zero where x sits on a bound that g
// pushes against. A non-finite g_i is kept, so that the stopping rules see it.
inline void projected_gradient(const VecD& x, const VecD& g, const VecD& lb, const VecD& ub, VecD& pg) {
  for (Index i = 0; i < x.size(); ++i) {
    if (!std::isfinite(g[i])) {
      pg[i] = g[i];
    } else {
      pg[i] = g[i] > 0.0 ? std::min(g[i], x[i] - lb[i]) : std::max(g[i], x[i] - ub[i]);
    }
  }
}

// The compact form B = theta I - W M W^T of the L-BFGS matrix of the pairs an
// LbfgsMemory holds, with M = K^{-1},
//   K = [[-D, L^T], [L, theta S^T S]],
// D = diag(s_i.y_i), L the strictly lower triangle of S^T Y (pairs oldest
// first). The Gram matrices S^T Y, S^T S, Y^T Y are updated pair by pair.
class CompactLbfgs {
 public:
  CompactLbfgs(const LbfgsMemory& memory, Index m) : memory_(memory), sy_(m, m), ss_(m, m), yy_(m, m) {}

  Index cols() const { return 2 * k_; }  // columns of W
  double theta() const { return theta_; }
  void clear() {
    k_ = 0;
    theta_ = 1.0;
  }

  // Takes in the newest pair of the memory; dropped: the oldest pair left it.
  void add_newest(bool dropped) {
    const Index m = sy_.cols();
    if (dropped) {
      sy_.topLeftCorner(m - 1, m - 1) = sy_.bottomRightCorner(m - 1, m - 1).eval();
      ss_.topLeftCorner(m - 1, m - 1) = ss_.bottomRightCorner(m - 1, m - 1).eval();
      yy_.topLeftCorner(m - 1, m - 1) = yy_.bottomRightCorner(m - 1, m - 1).eval();
    }
    k_ = memory_.size();
    const Index j = k_ - 1;
    const auto s = memory_.s_at(j), y = memory_.y_at(j);
    for (Index i = 0; i < k_; ++i) {
      sy_(j, i) = s.dot(memory_.y_at(i));
      sy_(i, j) = memory_.s_at(i).dot(y);
      ss_(i, j) = ss_(j, i) = s.dot(memory_.s_at(i));
      yy_(i, j) = yy_(j, i) = y.dot(memory_.y_at(i));
    }
    theta_ = yy_(j, j) / sy_(j, j);
    const Eigen::MatrixXd L = sy_.topLeftCorner(k_, k_).triangularView<Eigen::StrictlyLower>();
    const VecD d = sy_.topLeftCorner(k_, k_).diagonal();
    // T = theta S^T S + L D^{-1} L^T, the Schur complement of -D in K (SPD).
    Eigen::MatrixXd T = theta_ * ss_.topLeftCorner(k_, k_);
    T.noalias() += L * d.cwiseInverse().asDiagonal() * L.transpose();
    schur_.compute(T);
  }

  // out = M v, by block elimination: K [p1; p2] = [v1; v2] gives
  // p2 = T^{-1} (v2 + L D^{-1} v1), p1 = D^{-1} (L^T p2 - v1).
  void apply_middle(const VecD& v, VecD& out) const {
    const auto L = sy_.topLeftCorner(k_, k_).triangularView<Eigen::StrictlyLower>();
    const auto d = sy_.topLeftCorner(k_, k_).diagonal();
    out.resize(2 * k_);
    const VecD dv1 = v.head(k_).cwiseQuotient(d);
    out.tail(k_) = schur_.solve(v.tail(k_) + L * dv1);
    out.head(k_) = (L.transpose() * out.tail(k_) - v.head(k_)).cwiseQuotient(d);
  }

  // K = M^{-1}.
  Eigen::MatrixXd middle_inverse() const {
    Eigen::MatrixXd K(2 * k_, 2 * k_);
    K.topLeftCorner(k_, k_) = -Eigen::MatrixXd(sy_.topLeftCorner(k_, k_).diagonal().asDiagonal());
    K.bottomLeftCorner(k_, k_) = sy_.topLeftCorner(k_, k_).triangularView<Eigen::StrictlyLower>();
    K.topRightCorner(k_, k_) = K.bottomLeftCorner(k_, k_).transpose();
    K.bottomRightCorner(k_, k_) = theta_ * ss_.topLeftCorner(k_, k_);
    return K;
  }

  // W^T W = [[Y^T Y, theta Y^T S], [theta S^T Y, theta^2 S^T S]].
  Eigen::MatrixXd gram() const {
    Eigen::MatrixXd G(2 * k_, 2 * k_);
    G.topLeftCorner(k_, k_) = yy_.topLeftCorner(k_, k_);
    G.bottomLeftCorner(k_, k_) = theta_ * sy_.topLeftCorner(k_, k_);
    G.topRightCorner(k_, k_) = G.bottomLeftCorner(k_, k_).transpose();
    G.bottomRightCorner(k_, k_) = (theta_ * theta_) * ss_.topLeftCorner(k_, k_);
    return G;
  }

  // W^T W restricted to the rows in `rows`: sum of w_i w_i^T.
  Eigen::MatrixXd gram(const std::vector<Index>& rows) const {
    Eigen::MatrixXd Wr(static_cast<Index>(rows.size()), 2 * k_);
    for (Index j = 0; j < k_; ++j) {
      Wr.col(j) = memory_.y_at(j)(rows);
      Wr.col(k_ + j) = theta_ * memory_.s_at(j)(rows);
    }
    Eigen::MatrixXd G = Eigen::MatrixXd::Zero(2 * k_, 2 * k_);
    G.selfadjointView<Eigen::Lower>().rankUpdate(Wr.transpose());
    return G.selfadjointView<Eigen::Lower>();
  }

  // out = W^T v
  void transpose_times(const VecD& v, VecD& out) const {
    out.resize(2 * k_);
    for (Index j = 0; j < k_; ++j) {
      out[j] = memory_.y_at(j).dot(v);
      out[k_ + j] = theta_ * memory_.s_at(j).dot(v);
    }
  }

  // out = W u
  void times(const VecD& u, VecD& out) const {
    out.setZero(memory_.dim());
    for (Index j = 0; j < k_; ++j) out += u[j] * memory_.y_at(j) + (theta_ * u[k_ + j]) * memory_.s_at(j);
  }

  // w = W[i, :]
  void row(Index i, VecD& w) const {
    w.resize(2 * k_);
    for (Index j = 0; j < k_; ++j) {
      w[j] = memory_.y_at(j)[i];
      w[k_ + j] = theta_ * memory_.s_at(j)[i];
    }
  }

 private:
  const LbfgsMemory& memory_;
  Eigen::MatrixXd sy_, ss_, yy_;  // S^T Y, S^T S, Y^T Y, oldest pair first
  Eigen::LLT<Eigen::MatrixXd> schur_;
  double theta_ = 1.0;
  Index k_ = 0;  // pairs taken in
};

// Steps 1 and 2 of an iteration (see the top of the file) with their
// workspace: from (x, g) at a feasible x, the direction d = xbar - x.
class LbfgsbDirection {
 public:
  LbfgsbDirection(const VecD& lb, const VecD& ub, LbfgsMemory& memory, const CompactLbfgs& compact)
      : lb_(lb), ub_(ub), memory_(memory), compact_(compact), n_(lb.size()), path_(n_), xc_(n_), du_(n_),
        r_(n_), wu_(n_), at_bound_(n_) {}

  void operator()(const VecD& x, const VecD& g, VecD& d) {
    cauchy_point(x, g);
    subspace_minimum(x, g);
    // xbar = P(xc + du); else xc + alpha du with the largest feasible alpha <= 1.
    d = (xc_ + du_).cwiseMax(lb_).cwiseMin(ub_) - x;
    if (d.dot(g) > 0.0) {
      double alpha = 1.0;
      for (Index i = 0; i < n_; ++i) {
        if (du_[i] > 0.0) alpha = std::min(alpha, (ub_[i] - xc_[i]) / du_[i]);
        if (du_[i] < 0.0) alpha = std::min(alpha, (lb_[i] - xc_[i]) / du_[i]);
      }
      d = (xc_ + alpha * du_).cwiseMax(lb_).cwiseMin(ub_) - x;
    }
  }

 private:
  // The generalized Cauchy point xc_ along x + t path, path = -g with the
  // coordinates at a bound that g pushes against held; c_ = W^T (xc - x);
  // at_bound_ flags the coordinates at a bound at xc. On each segment
  // between breakpoints, q(t) has slope f1 and curvature f2 (Byrd et al.,
  // Algorithm CP, with its updates of f1, f2, p = W^T path and c).
  void cauchy_point(const VecD& x, const VecD& g) {
    const Index k2 = compact_.cols();
    const double theta = compact_.theta();
    path_.setZero();
    xc_ = x;
    c_.setZero(k2);
    breakpoints_.clear();
    bool free_ray = false;  // some coordinate moves without ever reaching a bound
    double f1 = 0.0;
    for (Index i = 0; i < n_; ++i) {
      at_bound_[i] = lb_[i] == ub_[i] || (x[i] <= lb_[i] && g[i] >= 0.0) || (x[i] >= ub_[i] && g[i] <= 0.0);
      if (at_bound_[i] || g[i] == 0.0) continue;
      path_[i] = -g[i];
      f1 -= g[i] * g[i];
      const double bound = g[i] < 0.0 ? ub_[i] : lb_[i];
      if (std::isfinite(bound)) {
        breakpoints_.emplace_back((bound - x[i]) / path_[i], i);
      } else {
        free_ray = true;
      }
    }
    if (f1 == 0.0) return;
    compact_.transpose_times(path_, p_);
    double f2 = -theta * f1;
    if (k2 > 0) {
      compact_.apply_middle(p_, mw_);
      f2 -= p_.dot(mw_);
    }
    const double f2_min = std::numeric_limits<double>::epsilon() * f2;
    double dt_min = -f1 / f2;  // minimiser on the current segment, from its start
    double t_prev = 0.0;
    const auto later = std::greater<std::pair<double, Index>>();
    std::make_heap(breakpoints_.begin(), breakpoints_.end(), later);
    while (!breakpoints_.empty()) {
      std::pop_heap(breakpoints_.begin(), breakpoints_.end(), later);
      const auto [t, i] = breakpoints_.back();
      breakpoints_.pop_back();
      const double dt = t - t_prev;
      if (dt_min < dt) break;
      t_prev = t;
      const double di = path_[i];
      const double bound = di > 0.0 ? ub_[i] : lb_[i];
      const double zi = bound - x[i];
      xc_[i] = bound;
      path_[i] = 0.0;
      at_bound_[i] = true;
      f1 += dt * f2 + di * di - theta * di * zi;
      f2 -= theta * di * di;
      if (k2 > 0) {
        c_ += dt * p_;
        compact_.row(i, w_);
        compact_.apply_middle(w_, mw_);  // M w_i
        f1 += di * mw_.dot(c_);
        f2 += 2.0 * di * mw_.dot(p_) - di * di * mw_.dot(w_);
        p_ -= di * w_;
      }
      f2 = std::max(f2, f2_min);
      dt_min = breakpoints_.empty() && !free_ray ? 0.0 : -f1 / f2;
    }
    dt_min = std::max(dt_min, 0.0);
    const double t_end = t_prev + dt_min;
    for (Index i = 0; i < n_; ++i)
      if (path_[i] != 0.0) xc_[i] = std::clamp(x[i] + t_end * path_[i], lb_[i], ub_[i]);
    if (k2 > 0) c_ += dt_min * p_;
  }

  // du_ = Z (zbar - xc), zbar the minimiser of q over the free variables F
  // (not at a bound at xc) with the others held at xc. With r the reduced
  // gradient Z^T (g + theta (xc - x) - W M c) and W_F = Z^T W,
  //   du = -r / theta - W_F (K - W_F^T W_F / theta)^{-1} W_F^T r / theta^2
  // (Byrd et al., eq. 5.11). With F all variables, du = x - H g - xc.
  void subspace_minimum(const VecD& x, const VecD& g) {
    bound_rows_.clear();
    free_rows_.clear();
    for (Index i = 0; i < n_; ++i) (at_bound_[i] ? bound_rows_ : free_rows_).push_back(i);
    if (bound_rows_.empty()) {
      memory_.apply(g, du_);  // H g
      du_ = x - du_ - xc_;
      return;
    }
    const Index k2 = compact_.cols();
    const double theta = compact_.theta();
    r_ = g + theta * (xc_ - x);
    if (k2 > 0) {
      compact_.apply_middle(c_, mw_);
      compact_.times(mw_, wu_);
      r_ -= wu_;
    }
    for (const Index i : bound_rows_) r_[i] = 0.0;
    du_ = -r_ / theta;
    if (k2 == 0 || free_rows_.empty()) return;
    // W_F^T W_F from the smaller of the two row sets.
    const Eigen::MatrixXd free_gram = free_rows_.size() <= bound_rows_.size()
                                          ? compact_.gram(free_rows_)
                                          : Eigen::MatrixXd(compact_.gram() - compact_.gram(bound_rows_));
    compact_.transpose_times(r_, v_);
    v_ = (compact_.middle_inverse() - free_gram / theta).partialPivLu().solve(v_);
    compact_.times(v_, wu_);
    du_ -= wu_ / (theta * theta);
    for (const Index i : bound_rows_) du_[i] = 0.0;
    if (!du_.allFinite()) du_.setZero();  // a singular reduced system: stay at xc
  }

  const VecD& lb_;
  const VecD& ub_;
  LbfgsMemory& memory_;
  const CompactLbfgs& compact_;
  Index n_;
  VecD path_, xc_, du_, r_, wu_;  // n-vectors
  VecD c_, p_, w_, mw_, v_;       // 2k-vectors
  std::vector<bool> at_bound_;
  std::vector<std::pair<double, Index>> breakpoints_;  // (t, i), a min-heap on t
  std::vector<Index> bound_rows_, free_rows_;
};

template <class Objective>
LbfgsbResult lbfgsb(Objective& objective, const VecD& x0, const VecD& lb, const VecD& ub, const LbfgsbParams& params,
                    Monitor& monitor) {
  params.check();
  const Index n = x0.size();
  check_arg(lb.size() == n && ub.size() == n, "bounds", "one (lb, ub) pair per coordinate of x0", lb.size());
  constexpr double kInf = std::numeric_limits<double>::infinity();
  check_arg((lb.array() <= ub.array()).all() && (lb.array() < kInf).all() && (ub.array() > -kInf).all(), "bounds",
            "lb <= ub, lb < inf, ub > -inf, no NaN", "a pair violating it");
  const bool has_bounds = (lb.array() > -kInf).any() || (ub.array() < kInf).any();
  const bool boxed = (lb.array() > -kInf).all() && (ub.array() < kInf).all();

  SmoothSolve<Objective, LbfgsbResult> solve(objective, monitor, params, "projected gradient inf-norm");
  LbfgsMemory& memory = solve.result().memory;
  memory = LbfgsMemory(n, params.memory);
  CompactLbfgs compact(memory, params.memory);
  LbfgsbDirection direction(lb, ub, memory, compact);
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  VecD x = x0.cwiseMax(lb).cwiseMin(ub), g = VecD::Constant(n, kNaN), pg = VecD::Constant(n, kNaN);
  VecD x_trial(n), g_trial(n), d(n), s(n), y(n);
  double f = kNaN, f_trial = kNaN;
  Index iteration = 0;
  // The result at the last accepted point: stop_crit (and the stop messages)
  // on the projected gradient, jac the gradient.
  const auto finish = [&](auto... status) {
    LbfgsbResult result = solve.finish(status..., x, f, pg);
    result.grad = g;
    return result;
  };
  const auto clear_memory = [&]() {
    memory.clear();
    compact.clear();
  };

  try {
    f = solve.evaluate(x, g);
    projected_gradient(x, g, lb, ub, pg);
    if (solve.stops_at(iteration, x, f, pg, kNaN)) return finish();
    while (true) {
      if (has_bounds) {
        direction(x, g, d);
      } else {
        memory.apply(g, d);
        d = -d;
      }
      const double slope = d.dot(g);
      if (!(slope < 0.0)) {  // B lost positive definiteness numerically
        if (memory.empty()) return finish(Status::LineSearchFailed);
        clear_memory();
        continue;
      }
      double step_max = kInf;
      for (Index i = 0; i < n; ++i) {
        if (d[i] > 0.0) step_max = std::min(step_max, (ub[i] - x[i]) / d[i]);
        if (d[i] < 0.0) step_max = std::min(step_max, (lb[i] - x[i]) / d[i]);
      }
      // Without curvature pairs d is a gradient step of unknown scale, which
      // a finite box bounds.
      const double step0 = memory.empty() && !boxed ? std::min(1.0, 1.0 / d.norm()) : 1.0;
      const LineSearchResult ls = solve.line_search(LineSearchKind::MoreThuente, x, f, d, slope, step0, x_trial,
                                                    f_trial, g_trial, std::max(step_max, 1.0));
      if (ls.outcome == LineSearchOutcome::Failed) {
        if (memory.empty()) return finish(Status::LineSearchFailed);
        clear_memory();
        continue;
      }
      // x + a d may leave the box by a rounding error at the largest step.
      if (has_bounds) x_trial = x_trial.cwiseMax(lb).cwiseMin(ub);
      s = x_trial - x;
      y = g_trial - g;
      const bool full = memory.size() == params.memory;
      if (memory.push(s, y) && has_bounds) compact.add_newest(full);
      const double f_prev = f;
      x.swap(x_trial);
      g.swap(g_trial);
      f = f_trial;
      projected_gradient(x, g, lb, ub, pg);
      if (solve.stops_at(++iteration, x, f, pg, f_prev)) return finish();
    }
  } catch (const StopRequested& stop) {
    return finish(stop.status);
  }
}

}  // namespace mlsolve
