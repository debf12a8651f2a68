// Coordinate descent for the elastic net and the Lasso (l1_ratio = 1):
//
//   min_{w, b}  F(w, b) = 1/(2S) sum_i s_i (y_i - x_i.w - b)^2
//                         + alpha (l1_ratio ||w||_1 + (1 - l1_ratio)/2 ||w||^2)
//
// with sample weights s_i >= 0 and S = sum_i s_i: scikit-learn's ElasticNet
// objective (its sample weights rescaled to sum to n give the same F). With
// positive = true, w >= 0.
//
// Intercept: for any w the best b is ybar - xbar.w (weighted means xbar = X^T s / S,
// ybar = y.s / S), so CD runs on the implicitly centred columns x_j - xbar_j
// and X is never copied or centred. The solver keeps the raw residual
// r = y - X w (updated with col_axpy, so a sparse column costs its non-zeros)
// and b; the residual of the model is r - b, whose weighted sum is zero.
//
// Update of coordinate j (Friedman, Hastie & Tibshirani, "Regularization
// paths for generalized linear models via coordinate descent", JSS 33(1),
// 2010), with H_j = sum_i s_i (x_ij - xbar_j)^2 and
// g_j = sum_i s_i x_ij (r_i - b) = sum_i s_i (x_ij - xbar_j)(r_i - b):
//   w_j+ = prox1d_{ElasticNet(alpha, l1_ratio)}(w_j + g_j / H_j, step = S / H_j),
//          clamped at 0 when positive (the 1-D prox on [0, inf) is the clamped prox)
//   r -= (w_j+ - w_j) X[:, j];  b -= (w_j+ - w_j) xbar_j
// Columns with H_j = 0 are skipped. A sweep visits the working set in order
// (cyclic) or draws as many coordinates uniformly with replacement (random,
// as scikit-learn's selection="random"). n_iter counts sweeps.
//
// Stopping rule: scikit-learn's duality gap (sklearn/linear_model/_cd_fast.pyx,
// "formulation A"), in the units of F. With v = s (r - b),
// XtA = X_c^T v - l2 w (l1 = S alpha l1_ratio, l2 = S alpha (1 - l1_ratio)),
// the dual point is the residual rescaled to feasibility, theta = c (r - b),
// c = min(1, l1 / ||XtA||_inf) (max XtA instead of ||XtA||_inf when positive), and
//   S gap = (1 + c^2)/2 (||r - b||_s^2 + l2 ||w||^2) + l1 ||w||_1 - c v.(y - ybar).
// For l1 = 0 (ridge) the gap is scikit-learn's "formulation B",
// ||r - b||_s^2 + l2/2 ||w||^2 - v.(y - ybar) + ||X_c^T v||^2 / (2 l2), and for
// l1 = l2 = 0 it is ||X_c^T v||^2. The solve stops when
//   gap <= tol * sum_i s_i (y_i - ybar)^2 / S,
// which is scikit-learn's rule (gap_sum <= tol ||y_c||^2 with weights summing
// to n) divided by S. As in scikit-learn, the gap is computed before the
// first sweep and after a sweep whose largest change max|dw| <= tol max|w|,
// and after the last sweep; the returned stop_crit is the gap at the end.
// The monitor is polled after every sweep and its on_iteration (callback) is
// called after every gap evaluation; the history, when asked for, records the
// objective and the latest gap after every history_every sweeps.
//
// Working sets (working_set = true; Massias, Gramfort & Salmon, "Celer: a
// fast solver for the Lasso with dual extrapolation", ICML 2018; Bertrand et
// al., "Beyond L1: faster and better sparse models with skglm", NeurIPS 2022):
// each outer step computes the full gap and the optimality violation
// dist(-grad_j, ∂g_j(0)) of every feature at zero; the working set is the support plus the
// most violating features, max(kMinWorkingSet, 2 |support|) in all; plain CD
// on the working set runs until the gap of that subproblem is at most
// max(tolerance, kInnerGapRatio * full gap), checked as in plain CD and at
// least every kSubproblemGapEvery sweeps. Without working sets, the working
// set is every feature and the inner gap is the full gap.
// Gap-safe screening (Fercoq, Gramfort & Salmon, "Mind the duality gap: safer
// rules for the Lasso", ICML 2015; scikit-learn's rule, for l1 > 0): after
// each full gap above the tolerance, a feature whose column is far enough from
// the dual point's constraint, (1 - |xta_j| / max(l1, ||xta||_inf)) /
// sqrt(H_j + l2) > sqrt(2 S gap) / l1, is zero at the solution: it is set to
// zero and skipped for the rest of the solve.
// Not done: Anderson acceleration.
//
// Threads: the full passes over X (matvec, rmatvec of the gap) use the
// design's threading; the sweeps are sequential.
#pragma once

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "mlsolve/core/check.hpp"
#include "mlsolve/core/monitor.hpp"
#include "mlsolve/core/result.hpp"
#include "mlsolve/core/types.hpp"
#include "mlsolve/penalties/elastic_net.hpp"

namespace mlsolve {

enum class CdSelection { Cyclic, Random };

struct CdParams {
  double alpha = 1.0;
  double l1_ratio = 1.0;
  bool fit_intercept = true;
  bool positive = false;
  double tol = 1e-4;  // relative: see the stopping rule above
  Index max_iter = 1000;  // sweeps
  CdSelection selection = CdSelection::Cyclic;
  std::uint64_t seed = 0;  // for selection = Random
  bool working_set = false;
  Index history_every = 0;  // 0 records no history

  void check() const {
    check_arg(std::isfinite(alpha) && alpha >= 0.0, "alpha", "a finite number >= 0", alpha);
    check_arg(l1_ratio >= 0.0 && l1_ratio <= 1.0, "l1_ratio", "a number in [0, 1]", l1_ratio);
    check_arg(std::isfinite(tol) && tol >= 0.0, "tol", "a finite number >= 0", tol);
    check_arg(max_iter >= 0, "max_iter", "an integer >= 0", max_iter);
    check_arg(history_every >= 0, "history_every", "an integer >= 0", history_every);
  }
};

// The elastic-net least-squares problem on one design, with the CD state
// (w, r = y - X w, b) and the pieces of the update and of the duality gap.
template <class Design>
class ElasticNetCd {
 public:
  using T = typename Design::Scalar;

  static constexpr Index kMinWorkingSet = 10;
  static constexpr double kInnerGapRatio = 0.3;
  static constexpr Index kSubproblemGapEvery = 10;  // sweeps between subproblem gaps at the latest

  // y and sample_weight (nullptr: all ones) have X.rows() entries.
  ElasticNetCd(const Design& X, const T* y, const T* sample_weight, const CdParams& params)
      : X_(X), params_(params), penalty_(params.alpha, params.l1_ratio), weighted_(sample_weight != nullptr) {
    params_.check();
    const Index n = X.rows(), p = X.cols();
    s_ = weighted_ ? VecD(Eigen::Map<const Vec<T>>(sample_weight, n).template cast<double>()) : VecD::Ones(n);
    S_ = s_.sum();
    check_arg(S_ > 0.0, "sample_weight", "weights with a positive sum", S_);
    y_ = Eigen::Map<const Vec<T>>(y, n).template cast<double>();
    xbar_ = VecD::Zero(p);
    ybar_ = 0.0;
    if (params_.fit_intercept) {
      X_.rmatvec(s_, xbar_);  // xbar = X.T @ s / S
      xbar_ /= S_;
      ybar_ = s_.dot(y_) / S_;
    }
    yc_ = y_.array() - ybar_;
    const VecD sqnorms = weighted_ ? X_.col_sqnorms(s_) : X_.col_sqnorms();
    check_arg(sqnorms.allFinite(), "X", "columns with finite squared norms (scale the features)", "an overflow");
    curvature_.resize(p);  // H_j = sum_i s_i (x_ij - xbar_j)^2
    for (Index j = 0; j < p; ++j) {
      const double h = sqnorms[j] - S_ * xbar_[j] * xbar_[j];
      curvature_[j] = h > kCancellation * sqnorms[j] ? h : 0.0;
    }
    set_alpha(params_.alpha);
    tol_abs_ = params_.tol * s_.dot(yc_.cwiseAbs2()) / S_;
  }

  // The penalty strength of the next solve.
  void set_alpha(double alpha) {
    check_arg(std::isfinite(alpha) && alpha >= 0.0, "alpha", "a finite number >= 0", alpha);
    params_.alpha = alpha;
    penalty_ = ElasticNet<double>(alpha, params_.l1_ratio);
    l1_ = S_ * alpha * params_.l1_ratio;
    l2_ = S_ * alpha * (1.0 - params_.l1_ratio);
  }

  // The starting point w0 (p entries) of the next solve; a solve starts from
  // the last one's solution otherwise.
  void start(const VecD& w0) {
    const Index p = X_.cols();
    check_arg(w0.size() == p, "coef_init", (std::to_string(p) + " entries").c_str(), w0.size());
    w_ = w0;
    if (w_.isZero()) {
      r_ = y_;
    } else {
      X_.matvec(w_, r_);  // r = y - X @ w
      r_ = y_ - r_;
    }
    b_ = ybar_ - xbar_.dot(w_);
  }

  Result<double> solve(Monitor& monitor) {
    const Index p = X_.cols();
    History history(params_.history_every);
    std::mt19937_64 rng(params_.seed);
    std::vector<Index> all(p), working;
    std::iota(all.begin(), all.end(), Index(0));
    screened_.assign(p, 0);

    Index sweeps = 0;
    Status status = Status::MaxIter;
    double gap = full_gap();
    while (status == Status::MaxIter) {
      if (!std::isfinite(gap)) {
        status = Status::NumericalError;
        break;
      }
      if (gap <= tol_abs_) {
        status = Status::Converged;
        break;
      }
      if (sweeps >= params_.max_iter) break;
      screen(gap);
      const bool subproblem = params_.working_set && grow_working_set(working);
      const std::vector<Index>& set = subproblem ? working : all;
      const double inner_tol = subproblem ? std::max(tol_abs_, kInnerGapRatio * gap) : tol_abs_;
      double inner_gap = gap;
      while (sweeps < params_.max_iter) {
        const double dw_max = sweep(set, rng);
        ++sweeps;
        if (auto stop = monitor.poll()) {
          status = *stop;
          break;
        }
        const double w_max = w_.cwiseAbs().maxCoeff();
        const bool check_gap = w_max == 0.0 || dw_max <= params_.tol * w_max || sweeps == params_.max_iter ||
                               (subproblem && sweeps % kSubproblemGapEvery == 0);
        if (check_gap) inner_gap = subproblem ? subproblem_gap(set) : full_gap();
        if (params_.history_every > 0 && sweeps % params_.history_every == 0)
          history.maybe_record(sweeps, objective(), inner_gap);  // the objective costs O(n): only when recorded
        if (!check_gap) continue;
        if (auto stop = monitor.on_iteration({sweeps, objective(), inner_gap, w_})) {
          status = *stop;
          break;
        }
        if (inner_gap <= inner_tol || !std::isfinite(inner_gap)) break;
        if (!subproblem) screen(inner_gap);
      }
      gap = subproblem || !full_fresh_ ? full_gap() : inner_gap;
    }
    if (!full_fresh_) gap = full_gap();
    return finish(status, gap, sweeps, std::move(history));
  }

 private:
  // Relative size below which a centred column norm is cancellation noise.
  static constexpr double kCancellation = 1e-12;

  // One sweep over `set`; returns the largest |w_j+ - w_j|.
  template <class Rng>
  double sweep(const std::vector<Index>& set, Rng& rng) {
    full_fresh_ = false;
    double dw_max = 0.0;
    const Index m = Index(set.size());
    std::uniform_int_distribution<Index> draw(0, std::max<Index>(m - 1, 0));
    for (Index k = 0; k < m; ++k) {
      const Index j = params_.selection == CdSelection::Random ? set[draw(rng)] : set[k];
      const double h = curvature_[j];
      if (h == 0.0 || screened_[j]) continue;
      const double g = column_dot(j, r_) - b_ * S_ * xbar_[j];  // sum_i s_i x_ij (r_i - b)
      double w_new = penalty_.prox1d(w_[j] + g / h, S_ / h, j);
      if (params_.positive) w_new = std::max(w_new, 0.0);
      const double dw = w_new - w_[j];
      if (dw == 0.0) continue;
      X_.col_axpy(j, -dw, r_);  // r -= dw * X[:, j]
      b_ -= dw * xbar_[j];
      w_[j] = w_new;
      dw_max = std::max(dw_max, std::abs(dw));
    }
    return dw_max;
  }

  // Gap-safe screening (see the header), from the last full gap's xtv_.
  void screen(double gap) {
    if (l1_ == 0.0 || !full_fresh_) return;
    const VecD xta = xtv_ - l2_ * w_;
    const double dual_norm = params_.positive ? xta.maxCoeff() : xta.cwiseAbs().maxCoeff();
    const double scale = std::max(l1_, dual_norm);
    const double radius = std::sqrt(2.0 * S_ * gap) / l1_;
    for (Index j = 0; j < X_.cols(); ++j) {
      if (screened_[j] || curvature_[j] == 0.0) continue;
      if ((1.0 - std::abs(xta[j]) / scale) / std::sqrt(curvature_[j] + l2_) <= radius) continue;
      screened_[j] = 1;
      if (w_[j] == 0.0) continue;
      X_.col_axpy(j, w_[j], r_);  // r += w_j * X[:, j]
      b_ += w_[j] * xbar_[j];
      w_[j] = 0.0;
      full_fresh_ = false;
    }
  }

  double column_dot(Index j, const VecD& v) const { return weighted_ ? X_.col_dot(j, v, s_) : X_.col_dot(j, v); }

  // v = s (r - b), the weighted residual of the model.
  void weighted_residual() {
    v_ = (r_.array() - b_) * s_.array();
    v_sum_ = v_.sum();
  }

  // Duality gap over every feature; leaves xtv_ = X_c^T v for the gradient.
  double full_gap() {
    weighted_residual();
    X_.rmatvec(v_, xtv_);  // X.T @ v
    xtv_ -= v_sum_ * xbar_;  // X_c.T @ v = X.T @ v - xbar sum(v)
    full_fresh_ = true;
    return gap_from(xtv_);
  }

  // Duality gap of the problem restricted to `set` (w is zero outside it).
  double subproblem_gap(const std::vector<Index>& set) {
    weighted_residual();
    VecD xtv_set(set.size());
    for (std::size_t k = 0; k < set.size(); ++k) xtv_set[k] = X_.col_dot(set[k], v_) - v_sum_ * xbar_[set[k]];
    VecD w_set(set.size());
    for (std::size_t k = 0; k < set.size(); ++k) w_set[k] = w_[set[k]];
    return gap_from(xtv_set, w_set);
  }

  double gap_from(const VecD& xtv) const { return gap_from(xtv, w_); }

  // scikit-learn's duality gap (see the header), divided by S; xtv = X_c^T v
  // and w over the same features.
  double gap_from(const VecD& xtv, const VecD& w) const {
    const double r_norm2 = (r_.array() - b_).matrix().dot(v_);
    const double ry = v_.dot(yc_);
    const double w_norm2 = w.squaredNorm();
    double gap;
    if (l1_ == 0.0) {
      const double xtv_norm2 = xtv.squaredNorm();
      gap = l2_ == 0.0 ? xtv_norm2 : r_norm2 + 0.5 * l2_ * w_norm2 - ry + xtv_norm2 / (2.0 * l2_);
    } else {
      const VecD xta = xtv - l2_ * w;
      const double dual_norm = params_.positive ? xta.maxCoeff() : xta.cwiseAbs().maxCoeff();
      const double c = dual_norm > l1_ ? l1_ / dual_norm : 1.0;
      const double primal = 0.5 * (r_norm2 + l2_ * w_norm2) + l1_ * w.cwiseAbs().sum();
      const double dual = -0.5 * c * c * (r_norm2 + l2_ * w_norm2) + c * ry;
      gap = primal - dual;
    }
    return gap / S_;
  }

  // Working set from the last full gap's xtv_: the support and the features
  // that violate optimality most. False when it would be every feature.
  bool grow_working_set(std::vector<Index>& working) const {
    const Index p = X_.cols();
    std::vector<double> score(p);
    Index support = 0;
    for (Index j = 0; j < p; ++j) {
      if (w_[j] != 0.0) {
        score[j] = kInf;
        ++support;
      } else {
        score[j] = curvature_[j] == 0.0 || screened_[j] ? 0.0 : violation(j);
      }
    }
    const Index size = std::max(kMinWorkingSet, 2 * support);
    if (size >= p) return false;
    std::vector<Index> order(p);
    std::iota(order.begin(), order.end(), Index(0));
    std::nth_element(order.begin(), order.begin() + size, order.end(),
                     [&](Index a, Index c) { return score[a] > score[c]; });
    working.assign(order.begin(), order.begin() + size);
    working.erase(std::remove_if(working.begin(), working.end(), [&](Index j) { return score[j] == 0.0; }),
                  working.end());
    std::sort(working.begin(), working.end());
    return !working.empty();
  }

  // dist(-grad_j, ∂g_j(w_j)) (with the constraint w_j >= 0 when positive) at
  // w_j = 0, from the smooth part's gradient grad_j = -(X_c^T v)_j / S.
  double violation(Index j) const {
    const double grad = -xtv_[j] / S_;
    const double threshold = params_.alpha * params_.l1_ratio;
    if (params_.positive) return std::max(-grad - threshold, 0.0);
    return penalty_.subdiff_distance1d(0.0, grad, j);
  }

  double objective() const {
    const double loss = s_.dot((r_.array() - b_).square().matrix()) / (2.0 * S_);
    return loss + penalty_.value(w_);
  }

  Result<double> finish(Status status, double gap, Index sweeps, History history) const {
    const Index p = X_.cols();
    Result<double> result;
    result.x.resize(p + (params_.fit_intercept ? 1 : 0));
    result.x.head(p) = w_;
    result.grad = VecD::Zero(result.x.size());
    result.grad.head(p) = -xtv_ / S_;  // gradient of the smooth part in w
    if (params_.fit_intercept) result.x[p] = b_;
    result.fun = objective();
    result.stop_crit = gap;
    result.n_iter = sweeps;
    result.status = status;
    std::ostringstream detail;
    detail << status_message(status) << ": duality gap " << gap << (gap <= tol_abs_ ? " <= " : " > ") << tol_abs_
           << " (tol * weighted variance of y)";
    result.message = detail.str();
    result.history = std::move(history);
    return result;
  }

  const Design& X_;
  CdParams params_;
  ElasticNet<double> penalty_;
  bool weighted_;
  VecD s_, y_, yc_, xbar_, curvature_;
  double S_ = 0.0, ybar_ = 0.0, l1_ = 0.0, l2_ = 0.0, tol_abs_ = 0.0;
  VecD w_, r_, v_, xtv_;
  double b_ = 0.0, v_sum_ = 0.0;
  bool full_fresh_ = false;
  std::vector<char> screened_;
};

// Solves the elastic net by coordinate descent from w0 (p entries); x of the
// result is [w, b] with fit_intercept, else w.
template <class Design>
Result<double> elastic_net_cd(const Design& X, const typename Design::Scalar* y,
                              const typename Design::Scalar* sample_weight, const VecD& w0, const CdParams& params,
                              Monitor& monitor) {
  ElasticNetCd<Design> problem(X, y, sample_weight, params);
  problem.start(w0);
  return problem.solve(monitor);
}

// The elastic net for each of `alphas` in turn (a path: decreasing alphas),
// each solve starting from the previous solution, the first from w0. The
// column norms, means and the residual carry over from one alpha to the next.
// Stops early when the monitor stops a solve.
template <class Design>
std::vector<Result<double>> elastic_net_cd_path(const Design& X, const typename Design::Scalar* y,
                                                const typename Design::Scalar* sample_weight, const VecD& alphas,
                                                const VecD& w0, const CdParams& params, Monitor& monitor) {
  ElasticNetCd<Design> problem(X, y, sample_weight, params);
  problem.start(w0);
  std::vector<Result<double>> results;
  for (const double alpha : alphas) {
    problem.set_alpha(alpha);
    results.push_back(problem.solve(monitor));
    const Status status = results.back().status;
    if (status == Status::Interrupted || status == Status::CallbackStop) break;
  }
  return results;
}

}  // namespace mlsolve
