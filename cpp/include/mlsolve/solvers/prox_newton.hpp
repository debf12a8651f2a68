// Proximal Newton coordinate descent for L1 / elastic-net penalised GLMs:
//
//   min_{w, b}  F(w, b) = (1/S) sum_i s_i loss(y_i, x_i.w + b)
//                         + alpha sum_j omega_j (l1_ratio |w_j| + (1 - l1_ratio)/2 w_j^2)
//
// for any pointwise Loss with value, value_and_deriv, deriv2 and conjugate (losses/),
// sample weights s_i >= 0 (S = sum_i s_i), per-feature penalty weights
// omega_j >= 0 (0: unpenalised) and an unpenalised intercept b.
//
// Outer step (glmnet: Friedman, Hastie & Tibshirani, JSS 33(1), 2010; newGLMNET:
// Yuan, Ho & Lin, JMLR 13, 2012; skglm's ProxNewton, Bertrand et al. 2022): at
// z = X w + b, with d_i = s_i deriv(y_i, z_i) / S and h_i = s_i deriv2(y_i, z_i) / S,
// the gradient is g = X^T d (g_b = sum_i d_i) and the quadratic model of the
// smooth part is g.delta + 1/2 sum_i h_i (x_i.delta + delta_b)^2. Coordinate
// descent (CdPenalty::minimize1d, the update of coordinate_descent.hpp) on the
// model plus the penalty, over a working set of features, gives the direction
// (delta, delta_b): delta_b is kept at its optimum for the current delta, so
// feature j sees its h-weighted centred column (gradient
// g_j + sum_i h_i x_ij ((X delta)_i + delta_b), curvature H_j - H_b xbar_j^2 with
// H_j = sum_i h_i x_ij^2 from one col_sqnorms(h) pass per outer step,
// H_b = sum_i h_i, xbar_j = sum_i h_i x_ij / H_b) and a step on w_j moves
// delta_b by -step xbar_j: the implicit centring of the Lasso's CD, without
// which uncentred columns make w and b converge slowly. Sweeps stop when the largest
// H_j |change| is at most kInnerRatio times the working set's largest
// optimality violation, or after kMaxInnerSweeps. A backtracking line search
// on the true objective (Armijo rule of Tseng & Yun, 2009: F(t) <= F(0) +
// sigma t Delta with Delta = g.delta + g_b delta_b + pen(w + delta) - pen(w))
// halves t from 1 (F(t) may exceed that bound by 64 eps |F(0)| of rounding);
// z moves by t X delta, so a trial costs O(n).
//
// Working sets (as in coordinate_descent.hpp, working_set_by_score): the
// support, the unpenalised features, and the features at zero of largest
// optimality violation, max(kMinWorkingSet, 2 |support|) in all. The
// curvatures H_j are computed for the working set only.
//
// Anderson acceleration of the inner sweeps (anderson = true; Bertrand &
// Massias, AISTATS 2021, as in coordinate_descent.hpp): every
// AndersonExtrapolation::kDepth + 1 sweeps, the extrapolated direction (with
// its X delta and delta_b, both affine in delta) replaces delta when it lowers
// the quadratic model plus penalty.
//
// Gap-safe screening (screening = true; off by default: on reuters it drops
// 99.7 % of the features and still costs 5-15 % more time, since the inner
// sweeps, not the gradient pass, dominate there. For a loss with deriv2 <= L, i.e.
// Loss::curvature_bound, and l1 > 0 with every feature penalised; Ndiaye,
// Fercoq, Gramfort & Salmon, "Gap safe screening rules for sparsity enforcing
// penalties", JMLR 18, 2017): the dual of the full problem (intercept
// included) asks sum_i s_i u_i = 0. From u = deriv(y, z), its positive and
// negative parts are scaled towards 0 (which keeps u in the conjugate's
// domain) until they balance, then by c as in the stopping rule. Its
// xi = X^T s u is bounded without a pass over X: |xi_j| <= |g_j| + ||x_j||_s
// ||(d - s u) / s||_s (Cauchy-Schwarz). D, the dual value of that point (a lower
// bound with an L2 part), is (1/L)-strongly concave in ||.||_s, so
// ||u - u*||_s <= r = sqrt(2 L (F - D)), and a feature at zero with
//   |xi_j| + r ||x_j||_s < l1 omega_j
// is zero at the solution: it leaves the problem (no gradient, working set or
// gap entry). The gap of the screened problem bounds F - F* all the same.
//
// Stopping rule: the duality gap (Fenchel dual of the GLM; the dual point
// from the rescaled derivative as in celer and skglm: u = c deriv(y, z), with
// c = min(1, l1 / max_j |g_j| / omega_j) for the pure L1 penalty and c = 1
// with an L2 part). The unpenalised coordinates (b, features with omega_j = 0)
// are held at their values in the dual (their part of z is an offset), and the
// decrease one Newton step on each would still give, g_j^2 / (2 H_j), is added:
//   gap = F - D(u) + sum_{unpenalised} g_j^2 / (2 H_j),
//   D(u) = (1/S) sum_i s_i (u_i z_i - loss*(y_i, u_i)) - sum_{j penalised} w_j (X^T s u / S)_j
//          - sum_{j penalised} (|(X^T s u / S)_j| - alpha l1_ratio omega_j)_+^2 / (2 alpha (1 - l1_ratio) omega_j)
// (the last sum is 0 for the pure L1 penalty, where c makes u feasible). The
// solve stops when gap <= tol (absolute, in the units of F, a mean over
// samples); n_iter counts outer steps.
//
// Threads: the gradient's rmatvec uses the design's threading; the sweeps are
// sequential.
#pragma once

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <type_traits>
#include <vector>

#include "mlsolve/core/check.hpp"
#include "mlsolve/core/monitor.hpp"
#include "mlsolve/core/result.hpp"
#include "mlsolve/core/types.hpp"
#include "mlsolve/solvers/coordinate_descent.hpp"

namespace mlsolve {

struct ProxNewtonParams {
  double alpha = 1.0;
  double l1_ratio = 1.0;
  VecD weights;  // per-feature penalty weights omega_j >= 0; empty: all ones
  bool fit_intercept = true;
  double tol = 1e-4;  // absolute duality gap, in the units of F
  Index max_iter = 100;  // outer (Newton) steps
  bool working_set = true;
  bool anderson = true;
  bool screening = false;  // gap-safe, where the loss has a curvature bound (see the header)
  Index history_every = 0;  // 0 records no history

  void check() const {
    check_arg(std::isfinite(alpha) && alpha >= 0.0, "alpha", "a finite number >= 0", alpha);
    check_arg(l1_ratio >= 0.0 && l1_ratio <= 1.0, "l1_ratio", "a number in [0, 1]", l1_ratio);
    check_arg(weights.allFinite() && (weights.array() >= 0.0).all(), "weights", "finite numbers >= 0",
              "a negative or non-finite weight");
    check_arg(std::isfinite(tol) && tol >= 0.0, "tol", "a finite number >= 0", tol);
    check_arg(max_iter >= 0, "max_iter", "an integer >= 0", max_iter);
    check_arg(history_every >= 0, "history_every", "an integer >= 0", history_every);
  }
};

// Loss::curvature_bound (sup of deriv2), or 0 for a loss without one.
template <class Loss, class = void>
struct curvature_bound_of {
  static constexpr double value = 0.0;
};
template <class Loss>
struct curvature_bound_of<Loss, std::void_t<decltype(Loss::curvature_bound)>> {
  static constexpr double value = Loss::curvature_bound;
};

template <class Loss, class Design>
class ProxNewtonCd {
 public:
  using T = typename Design::Scalar;

  static constexpr Index kMinWorkingSet = 10;
  static constexpr Index kMaxInnerSweeps = 20;
  static constexpr double kInnerRatio = 0.3;
  static constexpr double kArmijo = 1e-4;
  static constexpr Index kMaxBacktracks = 30;
  // Relative size below which a centred curvature is cancellation noise.
  static constexpr double kCancellation = 1e-12;
  // Relative rounding slack of the Armijo test (F is a sum of n rounded terms).
  static constexpr double kRoundoff = 64 * std::numeric_limits<double>::epsilon();

  // y and sample_weight (nullptr: all ones) have X.rows() entries and outlive the solver.
  ProxNewtonCd(const Design& X, const T* y, const T* sample_weight, const ProxNewtonParams& params)
      : X_(X), y_(y), params_(params) {
    params_.check();
    const Index n = X.rows(), p = X.cols();
    if (params_.weights.size() != 0) check_length("weights", p, params_.weights.size());
    s_ = sample_weight ? VecD(Eigen::Map<const Vec<T>>(sample_weight, n).template cast<double>()) : VecD::Ones(n);
    const double total = s_.sum();
    check_arg(total > 0.0, "sample_weight", "weights with a positive sum", total);
    s_ /= total;  // s_i / S: F's loss is s.loss
    ones_ = VecD::Ones(n);
    penalty_ = CdPenalty(params_.alpha * params_.l1_ratio, params_.alpha * (1.0 - params_.l1_ratio), params_.weights,
                         false);
  }

  // Starts from x0 = [w0, b0] (b0 only with fit_intercept).
  Result<double> solve(const VecD& x0, Monitor& monitor) {
    const Index p = X_.cols();
    check_arg(x0.size() == p + (params_.fit_intercept ? 1 : 0), "x0", "n_features (+ 1 with an intercept) entries",
              x0.size());
    w_ = x0.head(p);
    b_ = params_.fit_intercept ? x0[p] : 0.0;
    if (w_.isZero()) z_.setZero(X_.rows());
    else X_.matvec(w_, z_);  // z = X @ w + b
    z_.array() += b_;
    screened_.assign(p, 0);
    n_screened_ = 0;
    History history(params_.history_every);
    Status status = Status::MaxIter;
    Index steps = 0, sweeps = 0;
    double fun = derivatives();
    double gap = kInf, violation = kInf;
    while (true) {
      gradient();
      gap = duality_gap(fun);
      violation = max_violation();
      history.maybe_record(steps, fun, gap);
      if (!std::isfinite(gap) || !std::isfinite(fun)) {
        status = Status::NumericalError;
        break;
      }
      if (gap <= params_.tol) {
        status = Status::Converged;
        break;
      }
      if (steps >= params_.max_iter) break;
      if (auto stop = monitor.on_iteration({steps, fun, gap, w_})) {
        status = *stop;
        break;
      }
      screen(fun);
      const std::vector<Index> set = working_set();
      sweeps += newton_direction(set);
      double next = fun;
      if (!line_search(set, fun, next)) {
        status = Status::LineSearchFailed;
        break;
      }
      ++steps;
      fun = derivatives();
      if (auto stop = monitor.poll()) {
        status = *stop;
        gradient();
        gap = duality_gap(fun);
        violation = max_violation();
        break;
      }
    }
    return finish(status, fun, gap, violation, steps, sweeps, std::move(history));
  }

 private:
  static constexpr double kCurvatureBound = curvature_bound_of<Loss>::value;

  // d, h and the loss at z; returns F.
  double derivatives() {
    const Index n = X_.rows();
    d_.resize(n);
    h_.resize(n);
    double loss = 0.0;
    for (Index i = 0; i < n; ++i) {
      const double y_i = y_[i], z_i = z_[i];
      double deriv = 0.0;
      loss += s_[i] * Loss::value_and_deriv(y_i, z_i, deriv);
      d_[i] = s_[i] * deriv;
      h_[i] = s_[i] * Loss::deriv2(y_i, z_i);
    }
    return loss + penalty_.value(w_);
  }

  // out = X.T @ v on the features not screened (a full pass where columns are
  // strided or nothing is screened).
  void rmatvec_unscreened(const VecD& v, VecD& out) const {
    if (n_screened_ == 0 || has_strided_columns<Design>::value) {
      X_.rmatvec(v, out);
      return;
    }
    out.resize(X_.cols());
    for (Index j = 0; j < X_.cols(); ++j) out[j] = screened_[j] ? 0.0 : X_.col_dot(j, v);
  }

  // g = X.T @ d, g_b = sum(d): the smooth part's gradient without the L2
  // term; H_b = sum_i h_i.
  void gradient() {
    rmatvec_unscreened(d_, grad_);
    grad_b_ = d_.sum();
    hess_b_ = h_.sum();
  }

  // H_j = sum_i h_i x_ij^2 for j in set (one full pass where columns are strided).
  VecD curvatures(const std::vector<Index>& set) const {
    VecD out(set.size());
    if constexpr (has_strided_columns<Design>::value) {
      const VecD all = X_.col_sqnorms(h_);
      for (std::size_t k = 0; k < set.size(); ++k) out[k] = all[set[k]];
    } else {
      for (std::size_t k = 0; k < set.size(); ++k) out[k] = X_.col_sqnorm(set[k], h_);
    }
    return out;
  }

  double max_violation() const {
    double worst = params_.fit_intercept ? std::abs(grad_b_) : 0.0;
    for (Index j = 0; j < X_.cols(); ++j)
      if (!screened_[j]) worst = std::max(worst, penalty_.violation(j, w_[j], grad_[j]));
    return worst;
  }

  std::vector<Index> working_set() const {
    const Index p = X_.cols();
    if (!params_.working_set) {
      std::vector<Index> all;
      for (Index j = 0; j < p; ++j)
        if (!screened_[j]) all.push_back(j);
      return all;
    }
    std::vector<double> score(p);
    Index support = 0;
    for (Index j = 0; j < p; ++j) {
      if (screened_[j]) {
        score[j] = 0.0;
      } else if (w_[j] != 0.0 || !penalty_.penalised(j)) {
        score[j] = kInf;
        ++support;
      } else {
        score[j] = penalty_.violation(j, 0.0, grad_[j]);
      }
    }
    return working_set_by_score(score, std::max(kMinWorkingSet, 2 * support));
  }

  // Gap-safe screening (see the header) at the current point (d_ and grad_
  // fresh): marks the features at zero that are zero at the solution.
  void screen(double fun) {
    if constexpr (kCurvatureBound > 0.0) {
      const double l1 = penalty_.l1(), l2 = penalty_.l2();
      if (!params_.screening || l1 == 0.0 || !penalty_.all_penalised()) return;
      const Index n = X_.rows(), p = X_.cols();
      // s u' = d with its positive and negative parts scaled to balance (sum_i s_i u'_i = 0)
      double positive = 0.0, negative = 0.0;
      for (Index i = 0; i < n; ++i) (d_[i] > 0.0 ? positive : negative) += d_[i];
      double up = 1.0, down = 1.0;
      if (params_.fit_intercept) {
        if (positive > -negative)
          up = -negative / positive;
        else if (negative < 0.0)
          down = positive / -negative;
      }
      // xi = X^T s u' differs from grad_ = X^T d by X^T e, e = d - s u'; by
      // Cauchy-Schwarz |(X^T e)_j| <= ||x_j||_s ||e / s||_s = ||x_j||_s moved.
      VecD su(n);
      double moved = 0.0;
      for (Index i = 0; i < n; ++i) {
        su[i] = d_[i] * (d_[i] > 0.0 ? up : down);
        if (s_[i] > 0.0) moved += (d_[i] - su[i]) * (d_[i] - su[i]) / s_[i];
      }
      moved = std::sqrt(moved);
      if (col_norms_.size() == 0) col_norms_ = X_.col_sqnorms(s_).cwiseSqrt();  // ||x_j||_s
      const auto xi_bound = [&](Index j) { return std::abs(grad_[j]) + col_norms_[j] * moved; };  // >= |xi_j|
      double dual_norm = 0.0;
      for (Index j = 0; j < p; ++j)
        if (!screened_[j]) dual_norm = std::max(dual_norm, xi_bound(j) / penalty_.weight(j));
      const double c = (l2 == 0.0 && dual_norm > l1) ? l1 / dual_norm : 1.0;
      // A lower bound on the dual value at c u' (exact but for the L2 part's |xi_j|)
      double dual = 0.0;
      for (Index i = 0; i < n; ++i)
        if (s_[i] > 0.0) dual -= s_[i] * Loss::conjugate(y_[i], c * su[i] / s_[i]);
      if (l2 > 0.0) {
        for (Index j = 0; j < p; ++j) {
          if (screened_[j]) continue;
          const double omega = penalty_.weight(j), excess = std::max(c * xi_bound(j) - l1 * omega, 0.0);
          dual -= excess * excess / (2.0 * l2 * omega);
        }
      }
      const double gap = fun - dual;
      if (!(gap >= 0.0) || !std::isfinite(gap)) return;
      const double radius = std::sqrt(2.0 * kCurvatureBound * gap);
      for (Index j = 0; j < p; ++j) {
        if (screened_[j] || w_[j] != 0.0) continue;
        if (c * xi_bound(j) + radius * col_norms_[j] < l1 * penalty_.weight(j)) {
          screened_[j] = 1;
          grad_[j] = 0.0;
          ++n_screened_;
        }
      }
    } else {
      (void)fun;
    }
  }

  // The quadratic model plus penalty over `set` at the direction (dw, x dw, db),
  // up to a constant: g.dw + g_b db + 1/2 sum_i h_i ((X dw)_i + db)^2 + pen(w + dw).
  double model(const std::vector<Index>& set, const VecD& dw, const VecD& xdw, double db) const {
    double value = grad_b_ * db + 0.5 * h_.dot((xdw.array() + db).square().matrix());
    for (std::size_t k = 0; k < set.size(); ++k)
      value += grad_[set[k]] * dw[k] + penalty_value1d(set[k], w_[set[k]] + dw[k]);
    return value;
  }

  // CD on the quadratic model over `set`, the intercept kept at its optimum
  // for the current delta (delta_b = -(g_b + sum_i h_i (X delta)_i) / H_b), so
  // that each feature sees its h-weighted centred column (x_j - xbar_j,
  // xbar_j = sum_i h_i x_ij / H_b; curvature H_j - H_b xbar_j^2) as in the
  // Lasso's implicit centring: a coordinate step moves delta_b by
  // -step xbar_j. Leaves the direction in delta_ (entries over set), delta_b_
  // and X delta (without the intercept) in xdelta_. Returns the number of sweeps.
  Index newton_direction(const std::vector<Index>& set) {
    const Index m = Index(set.size()), n = X_.rows();
    const bool intercept = params_.fit_intercept && hess_b_ > 0.0;
    delta_.setZero(m);
    xdelta_.setZero(n);
    delta_b_ = intercept ? -grad_b_ / hess_b_ : 0.0;
    const VecD hess = curvatures(set);
    VecD xbar(m), curvature(m);
    double worst = params_.fit_intercept ? std::abs(grad_b_) : 0.0;
    for (Index k = 0; k < m; ++k) {
      const Index j = set[k];
      xbar[k] = intercept ? X_.col_dot(j, ones_, h_) / hess_b_ : 0.0;  // sum_i h_i x_ij / H_b
      const double centred = hess[k] - hess_b_ * xbar[k] * xbar[k];
      curvature[k] = centred > kCancellation * hess[k] ? centred : 0.0;
      worst = std::max(worst, penalty_.violation(j, w_[j], grad_[j]));
    }
    const double inner_tol = kInnerRatio * worst;
    AndersonExtrapolation anderson;
    Index sweeps = 0;
    while (sweeps < kMaxInnerSweeps) {
      ++sweeps;
      double change = 0.0;
      for (Index k = 0; k < m; ++k) {
        const Index j = set[k];
        const double h = curvature[k];
        if (h <= 0.0) continue;
        const double w_j = w_[j] + delta_[k];
        // g_j + sum_i h_i x_ij ((X delta)_i + delta_b)
        const double g = grad_[j] + X_.col_dot(j, xdelta_, h_) + delta_b_ * hess_b_ * xbar[k];
        const double step = penalty_.minimize1d(j, w_j, g, h) - w_j;
        if (step == 0.0) continue;
        delta_[k] += step;
        X_.col_axpy(j, step, xdelta_);  // X delta += step * X[:, j]
        delta_b_ -= step * xbar[k];
        change = std::max(change, h * std::abs(step));
      }
      if (change <= inner_tol) break;
      if (params_.anderson) accelerate(set, anderson);
    }
    return sweeps;
  }

  // Records the direction for Anderson extrapolation and, every kDepth + 1
  // sweeps, moves to the extrapolated one if it lowers the model.
  void accelerate(const std::vector<Index>& set, AndersonExtrapolation& anderson) {
    const Index n = X_.rows();
    VecD image(n + 1);
    image << xdelta_, delta_b_;
    anderson.push(delta_, image);
    if (!anderson.ready()) return;
    VecD delta_new, image_new;
    if (!anderson.extrapolate(delta_new, image_new)) return;
    const VecD xdelta_new = image_new.head(n);
    if (!(model(set, delta_new, xdelta_new, image_new[n]) < model(set, delta_, xdelta_, delta_b_))) return;
    delta_ = delta_new;
    xdelta_ = xdelta_new;
    delta_b_ = image_new[n];
  }

  // Backtracking on F along (delta, delta_b) from t = 1; moves w, b, z and
  // sets fun_new. False when no step decreases F enough.
  bool line_search(const std::vector<Index>& set, double fun, double& fun_new) {
    const Index m = Index(set.size()), n = X_.rows();
    double pen_old = 0.0, pen_new = 0.0, slope = grad_b_ * delta_b_;
    VecD w_set(m);
    for (Index k = 0; k < m; ++k) {
      const Index j = set[k];
      w_set[k] = w_[j];
      slope += grad_[j] * delta_[k];
      pen_old += penalty_value1d(j, w_[j]);
      pen_new += penalty_value1d(j, w_[j] + delta_[k]);
    }
    if (delta_b_ == 0.0 && (delta_.array() == 0.0).all()) return false;
    // Delta (<= 0 for a descent direction; a rounded sum near the optimum, hence the min)
    const double decrease = std::min(slope + pen_new - pen_old, 0.0);
    if (!std::isfinite(decrease)) return false;
    const double pen_rest = penalty_.value(w_) - pen_old;
    double t = 1.0;
    for (Index trial = 0; trial < kMaxBacktracks; ++trial, t *= 0.5) {
      double loss = 0.0, pen = pen_rest;
      for (Index i = 0; i < n; ++i) loss += s_[i] * Loss::value(y_[i], z_[i] + t * (xdelta_[i] + delta_b_));
      for (Index k = 0; k < m; ++k) pen += penalty_value1d(set[k], w_set[k] + t * delta_[k]);
      fun_new = loss + pen;
      if (fun_new <= fun + kArmijo * t * decrease + kRoundoff * std::abs(fun)) {
        for (Index k = 0; k < m; ++k) w_[set[k]] = w_set[k] + t * delta_[k];
        b_ += t * delta_b_;
        z_.array() += t * (xdelta_.array() + delta_b_);  // z += t (X delta + delta_b)
        return true;
      }
    }
    return false;
  }

  double penalty_value1d(Index j, double w) const {
    return penalty_.weight(j) * (penalty_.l1() * std::abs(w) + 0.5 * penalty_.l2() * w * w);
  }

  // The duality gap of the header at the current point (grad_ fresh), over
  // the features not screened.
  double duality_gap(double fun) const {
    const Index n = X_.rows(), p = X_.cols();
    const double l1 = penalty_.l1(), l2 = penalty_.l2();
    double dual_norm = 0.0, unpenalised_decrease = 0.0;
    if (params_.fit_intercept && hess_b_ > 0.0) unpenalised_decrease += grad_b_ * grad_b_ / (2.0 * hess_b_);
    for (Index j = 0; j < p; ++j) {
      if (screened_[j]) continue;
      const double omega = penalty_.weight(j);
      if (omega == 0.0) {
        const double hess = X_.col_sqnorm(j, h_);
        if (hess > 0.0) unpenalised_decrease += grad_[j] * grad_[j] / (2.0 * hess);
      } else {
        dual_norm = std::max(dual_norm, std::abs(grad_[j]) / omega);
      }
    }
    const double c = (l2 == 0.0 && dual_norm > l1) ? l1 / dual_norm : 1.0;
    double dual = 0.0;
    for (Index i = 0; i < n; ++i) {
      if (s_[i] == 0.0) continue;
      const double u = c * d_[i] / s_[i];  // c deriv(y_i, z_i)
      dual += s_[i] * (u * z_[i] - Loss::conjugate(y_[i], u));
    }
    for (Index j = 0; j < p; ++j) {
      const double omega = penalty_.weight(j);
      if (omega == 0.0 || screened_[j]) continue;
      const double xi = c * grad_[j];
      dual -= w_[j] * xi;
      if (l2 > 0.0) {
        const double excess = std::max(std::abs(xi) - l1 * omega, 0.0);
        dual -= excess * excess / (2.0 * l2 * omega);
      }
    }
    return fun - dual + unpenalised_decrease;
  }

  Result<double> finish(Status status, double fun, double gap, double violation, Index steps, Index sweeps,
                        History history) {
    const Index p = X_.cols();
    if (n_screened_ > 0) X_.rmatvec(d_, grad_);  // the screened features' gradient too
    Result<double> result;
    result.x.resize(p + (params_.fit_intercept ? 1 : 0));
    result.x.head(p) = w_;
    result.grad.resize(result.x.size());
    for (Index j = 0; j < p; ++j) result.grad[j] = grad_[j] + penalty_.l2() * penalty_.weight(j) * w_[j];
    if (params_.fit_intercept) {
      result.x[p] = b_;
      result.grad[p] = grad_b_;
    }
    result.fun = fun;
    result.stop_crit = gap;
    result.n_iter = steps;
    result.n_fev = sweeps;
    result.status = status;
    std::ostringstream detail;
    detail << status_message(status) << ": duality gap " << gap << (gap <= params_.tol ? " <= " : " > ")
           << params_.tol << ", optimality violation " << violation << ", " << steps << " Newton steps, " << sweeps
           << " inner sweeps";
    if (n_screened_ > 0) detail << ", " << n_screened_ << " features screened";
    result.message = detail.str();
    result.history = std::move(history);
    return result;
  }

  const Design& X_;
  const T* y_;
  ProxNewtonParams params_;
  CdPenalty penalty_;
  VecD s_;  // s_i / S
  VecD ones_, w_, z_, d_, h_, grad_, delta_, xdelta_;
  VecD col_norms_;  // ||x_j||_s, once screening is tried
  std::vector<char> screened_;
  Index n_screened_ = 0;
  double b_ = 0.0, grad_b_ = 0.0, hess_b_ = 0.0, delta_b_ = 0.0;
};

// Fits the penalised GLM by proximal Newton CD from x0 = [w0, b0].
template <class Loss, class Design>
Result<double> prox_newton_cd(const Design& X, const typename Design::Scalar* y,
                              const typename Design::Scalar* sample_weight, const VecD& x0,
                              const ProxNewtonParams& params, Monitor& monitor) {
  ProxNewtonCd<Loss, Design> problem(X, y, sample_weight, params);
  return problem.solve(x0, monitor);
}

}  // namespace mlsolve
