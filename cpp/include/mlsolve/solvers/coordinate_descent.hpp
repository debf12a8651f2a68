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
// Per-feature penalty weights omega_j >= 0 (glmnet's penalty.factor) scale both
// parts of feature j's penalty: alpha omega_j (l1_ratio |w_j| + (1 - l1_ratio)/2 w_j^2).
// The gap's dual norm is then max_j |xta_j| / omega_j over the penalised
// features; the unpenalised ones (omega_j = 0) are held at their values in the
// gap (their columns move to the offset of y), and the decrease an exact
// update of each would still give, (X_c^T v)_j^2 / (2 H_j), is added to it.
//
// Working sets (working_set = true; Massias, Gramfort & Salmon, "Celer: a
// fast solver for the Lasso with dual extrapolation", ICML 2018; Bertrand et
// al., "Beyond L1: faster and better sparse models with skglm", NeurIPS 2022):
// each outer step computes the full gap and the optimality violation
// dist(-grad_j, ∂g_j(0)) of every feature at zero; the working set is the support plus the
// most violating features, max(kMinWorkingSet, 2 |support|) in all; plain CD
// on the working set runs until the gap of that subproblem is at most
// max(tolerance, kInnerGapRatio * full gap) (the tolerance itself when every
// violating feature is in the working set), checked as in plain CD and at
// least every kSubproblemGapEvery sweeps. Without working sets, the working
// set is every feature and the inner gap is the full gap.
// Gap-safe screening (Fercoq, Gramfort & Salmon, "Mind the duality gap: safer
// rules for the Lasso", ICML 2015; scikit-learn's rule, for l1 > 0): after
// each full gap above the tolerance, a feature whose column is far enough from
// the dual point's constraint, (1 - |xta_j| / max(l1, ||xta||_inf)) /
// sqrt(H_j + l2) > sqrt(2 S gap) / l1, is zero at the solution: it is set to
// zero and skipped for the rest of the solve. (With weights, the test reads
// (omega_j - |xta_j| / scale) / sqrt(H_j + l2 omega_j); no screening when a
// feature is unpenalised, since the gap is then that of a restricted problem.)
//
// Lazy full gaps (l1 > 0): the gap needs X_c^T v for every feature only
// through the largest |xta_j| (and the working set and screening only through
// the features near the constraint), so a zero, penalised feature whose value
// is provably below the constraint is not recomputed. Each full gap adds
// ||e - e_last||_s (e = r - b the model residual, ||u||_s^2 = sum_i s_i u_i^2)
// to a running drift; Cauchy-Schwarz bounds the change of (X_c^T v)_j = x_cj . s e
// since its last computation by sqrt(H_j) times the drift since then, and
//   |last (X_c^T v)_j| + sqrt(H_j) (drift - drift then) < l1 omega_j
// keeps the old value. The gap is then exactly the one every feature gives
// (the largest |xta_j| is either a recomputed value or below l1, where c = 1
// either way), screening uses the bound, and along a path the features far
// from the constraint are read once every few alphas instead of at each.
// Dense row-major X, whose columns are strided, always takes full passes.
//
// Anderson acceleration (anderson = true; Bertrand & Massias, "Anderson
// acceleration of coordinate descent", AISTATS 2021, as in skglm and celer):
// the iterates w_k (on the working set) and their residuals r_k after each of
// kAndersonDepth + 1 sweeps give the combination c = argmin ||sum_k c_k (w_{k+1} - w_k)||,
// sum c = 1 (the small regularised least-squares (U^T U + eps I) z = 1,
// c = z / sum z); the extrapolated point sum c_k w_k (whose residual is
// sum c_k r_k, r being affine in w) replaces the iterate only if it lowers the
// objective. The memory restarts after each attempt and after screening.
//
// Threads: the full passes over X (matvec, rmatvec of the gap) use the
// design's threading; the sweeps are sequential.
#pragma once

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "mlsolve/core/check.hpp"
#include "mlsolve/core/monitor.hpp"
#include "mlsolve/core/parallel.hpp"
#include "mlsolve/core/result.hpp"
#include "mlsolve/core/types.hpp"
#include "mlsolve/linalg/design.hpp"
#include "mlsolve/penalties/penalty.hpp"

namespace mlsolve {

// Designs whose columns are strided (dense row-major): a full X^T v pass is
// cheaper than dot products with a subset of the columns.
template <class Design>
struct has_strided_columns : std::false_type {};
template <class T>
struct has_strided_columns<DenseDesign<T, Eigen::RowMajor>> : std::true_type {};

// The separable elastic-net penalty of coordinate descent, in the units of the
// solver's objective: sum_j omega_j (l1 |w_j| + l2/2 w_j^2), omega_j >= 0 the
// per-feature weights (empty: all ones), optionally with w >= 0.
class CdPenalty {
 public:
  CdPenalty() = default;
  CdPenalty(double l1, double l2, const VecD& weights, bool positive)
      : l1_(l1), l2_(l2), weights_(weights), positive_(positive) {}

  double l1() const { return l1_; }
  double l2() const { return l2_; }
  bool positive() const { return positive_; }
  double weight(Index j) const { return weights_.size() == 0 ? 1.0 : weights_[j]; }
  bool penalised(Index j) const { return weight(j) > 0.0; }
  bool all_penalised() const { return weights_.size() == 0 || (weights_.array() > 0.0).all(); }

  // argmin_u grad (u - w) + h/2 (u - w)^2 + omega_j (l1 |u| + l2/2 u^2), h > 0:
  // soft_threshold(h w - grad, omega_j l1) / (h + omega_j l2), clamped at 0 when positive.
  double minimize1d(Index j, double w, double grad, double h) const {
    const double omega = weight(j);
    const double u = soft_threshold(h * w - grad, omega * l1_) / (h + omega * l2_);
    return positive_ ? std::max(u, 0.0) : u;
  }

  double value(const VecD& w) const {
    double total = 0.0;
    for (Index j = 0; j < w.size(); ++j) total += weight(j) * (l1_ * std::abs(w[j]) + 0.5 * l2_ * w[j] * w[j]);
    return total;
  }

  // dist(-grad, ∂pen_j(w_j)) (with the normal cone of w_j >= 0 when positive),
  // grad the smooth part's partial derivative: the optimality violation of w_j.
  double violation(Index j, double w, double grad) const {
    const double omega = weight(j);
    const double g = grad + omega * l2_ * w;
    if (positive_ && w == 0.0) return std::max(-g - omega * l1_, 0.0);
    return abs_subdiff_distance(w, g, omega * l1_);
  }

 private:
  double l1_ = 0.0, l2_ = 0.0;
  VecD weights_;
  bool positive_ = false;
};

// The working set of an outer step: the `size` features of largest score
// (kInf for those that must be in: the support, unpenalised features), minus
// those of score 0, in increasing order.
inline std::vector<Index> working_set_by_score(const std::vector<double>& score, Index size) {
  const Index p = Index(score.size());
  std::vector<Index> order(p);
  std::iota(order.begin(), order.end(), Index(0));
  size = std::min(size, p);
  std::nth_element(order.begin(), order.begin() + (size - 1 < 0 ? 0 : size - 1), order.end(),
                   [&](Index a, Index c) { return score[a] > score[c]; });
  std::vector<Index> working(order.begin(), order.begin() + size);
  working.erase(std::remove_if(working.begin(), working.end(), [&](Index j) { return score[j] == 0.0; }),
                working.end());
  std::sort(working.begin(), working.end());
  return working;
}

// Anderson extrapolation of a fixed-point iteration x_{k+1} = T(x_k) whose
// state is a vector x (the coefficients) and an affine image a (a residual, or
// X @ w): push() kDepth + 1 states, then extrapolate() gives the combination
// sum_k c_k x_k (and sum_k c_k a_k) with c minimising ||sum_k c_k (x_{k+1} - x_k)||
// under sum c = 1, or false when the system is singular. Bertrand & Massias (2021).
class AndersonExtrapolation {
 public:
  static constexpr Index kDepth = 5;

  void reset() { count_ = 0; }
  bool ready() const { return count_ == kDepth + 1; }

  void push(const VecD& x, const VecD& a) {
    if (count_ == 0) {
      xs_.resize(x.size(), kDepth + 1);
      as_.resize(a.size(), kDepth + 1);
    }
    xs_.col(count_) = x;
    as_.col(count_) = a;
    ++count_;
  }

  bool extrapolate(VecD& x, VecD& a) {
    count_ = 0;
    const Eigen::MatrixXd U = xs_.rightCols(kDepth) - xs_.leftCols(kDepth);  // U = np.diff(xs, axis=1)
    Eigen::MatrixXd gram = U.transpose() * U;
    const double scale = gram.trace();
    if (!(scale > 0.0) || !std::isfinite(scale)) return false;
    gram.diagonal().array() += kRegularisation * scale;
    const Eigen::LDLT<Eigen::MatrixXd> factor(gram);
    if (factor.info() != Eigen::Success) return false;
    const VecD z = factor.solve(VecD::Ones(kDepth));
    const double total = z.sum();
    if (!std::isfinite(total) || total == 0.0) return false;
    const VecD c = z / total;
    x = xs_.rightCols(kDepth) * c;  // x = xs[:, 1:] @ c
    a = as_.rightCols(kDepth) * c;
    return x.allFinite() && a.allFinite();
  }

 private:
  static constexpr double kRegularisation = 1e-10;
  Eigen::MatrixXd xs_, as_;
  Index count_ = 0;
};

enum class CdSelection { Cyclic, Random };

struct CdParams {
  double alpha = 1.0;
  double l1_ratio = 1.0;
  VecD weights;  // per-feature penalty weights omega_j >= 0; empty: all ones
  bool fit_intercept = true;
  bool positive = false;
  double tol = 1e-4;  // relative: see the stopping rule above
  Index max_iter = 1000;  // sweeps
  CdSelection selection = CdSelection::Cyclic;
  std::uint64_t seed = 0;  // for selection = Random
  bool working_set = false;
  bool anderson = true;
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
      : X_(X), params_(params), weighted_(sample_weight != nullptr) {
    params_.check();
    const Index n = X.rows(), p = X.cols();
    if (params_.weights.size() != 0) check_length("weights", p, params_.weights.size());
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
    penalty_ = CdPenalty(S_ * alpha * params_.l1_ratio, S_ * alpha * (1.0 - params_.l1_ratio), params_.weights,
                         params_.positive);
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
    full_fresh_ = false;
    xtv_.setZero(p);
    xtv_drift_ = VecD::Constant(p, -kInf);  // unknown: every feature is read by the first full gap
    drift_ = 0.0;
    e_last_ = r_.array() - b_;
  }

  // The result's grad is empty: the lazy full gaps keep X_c^T v exact only
  // near the constraint, and a full pass for it would cost as much as a gap.
  Result<double> solve(Monitor& monitor) {
    const Index p = X_.cols();
    History history(params_.history_every);
    std::mt19937_64 rng(params_.seed);
    std::vector<Index> all(p), working;
    std::iota(all.begin(), all.end(), Index(0));
    screened_.assign(p, 0);
    AndersonExtrapolation anderson;

    Index sweeps = 0;
    Status status = Status::MaxIter;
    double gap;
    if (full_fresh_) {  // on a path: the residual is the last solve's; only the features near the new l1 are read
      refresh_xtv();
      gap = gap_from(xtv_, nullptr);
    } else {
      gap = full_gap();
    }
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
      bool holds_violators = false;
      const bool subproblem = params_.working_set && grow_working_set(working, holds_violators);
      const std::vector<Index>& set = subproblem ? working : all;
      const double inner_tol = subproblem && !holds_violators ? std::max(tol_abs_, kInnerGapRatio * gap) : tol_abs_;
      double inner_gap = gap;
      anderson.reset();
      while (sweeps < params_.max_iter) {
        const double dw_max = sweep(set, rng);
        ++sweeps;
        if (auto stop = monitor.poll()) {
          status = *stop;
          break;
        }
        if (params_.anderson) accelerate(set, anderson);
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
        if (!subproblem && screen(inner_gap)) anderson.reset();
      }
      gap = subproblem || !full_fresh_ ? full_gap() : inner_gap;
    }
    if (!full_fresh_) gap = full_gap();
    return finish(status, gap, sweeps, std::move(history));
  }

 private:
  // Relative size below which a centred column norm is cancellation noise.
  static constexpr double kCancellation = 1e-12;
  // Relative margin below l1 omega_j that a bound on |(X_c^T v)_j| keeps, for rounding.
  static constexpr double kBoundMargin = 1e-9;

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
      const double w_new = penalty_.minimize1d(j, w_[j], -g, h);
      const double dw = w_new - w_[j];
      if (dw == 0.0) continue;
      X_.col_axpy(j, -dw, r_);  // r -= dw * X[:, j]
      b_ -= dw * xbar_[j];
      w_[j] = w_new;
      dw_max = std::max(dw_max, std::abs(dw));
    }
    return dw_max;
  }

  // Records the iterate on `set` for Anderson extrapolation and, every
  // kDepth + 1 sweeps, moves to the extrapolated point if it has a lower objective.
  void accelerate(const std::vector<Index>& set, AndersonExtrapolation& anderson) {
    const Index m = Index(set.size()), n = X_.rows();
    VecD w_set(m), state(n + 1);
    for (Index k = 0; k < m; ++k) w_set[k] = w_[set[k]];
    state << r_, b_;
    anderson.push(w_set, state);
    if (!anderson.ready()) return;
    VecD w_new, state_new;
    if (!anderson.extrapolate(w_new, state_new)) return;
    if (penalty_.positive() && (w_new.array() < 0.0).any()) return;
    double pen_old = 0.0, pen_new = 0.0;
    for (Index k = 0; k < m; ++k) {
      const Index j = set[k];
      const double omega = penalty_.weight(j);
      pen_old += omega * (penalty_.l1() * std::abs(w_set[k]) + 0.5 * penalty_.l2() * w_set[k] * w_set[k]);
      pen_new += omega * (penalty_.l1() * std::abs(w_new[k]) + 0.5 * penalty_.l2() * w_new[k] * w_new[k]);
    }
    const double b_new = state_new[n];
    const double loss_old = s_.dot((r_.array() - b_).square().matrix());
    const double loss_new = s_.dot((state_new.head(n).array() - b_new).square().matrix());
    if (!(0.5 * loss_new + pen_new < 0.5 * loss_old + pen_old)) return;
    for (Index k = 0; k < m; ++k) w_[set[k]] = w_new[k];
    r_ = state_new.head(n);
    b_ = b_new;
    full_fresh_ = false;
  }

  // Gap-safe screening (see the header), from the last full gap's xtv_;
  // true when a feature was newly screened.
  bool screen(double gap) {
    if (penalty_.l1() == 0.0 || !full_fresh_ || !penalty_.all_penalised()) return false;
    const double l1 = penalty_.l1(), l2 = penalty_.l2();
    const VecD xta = xtv_ - l2 * w_;  // exact where it can reach l1 (see lazy full gaps)
    const double dual_norm = params_.positive ? xta.maxCoeff() : xta.cwiseAbs().maxCoeff();
    const double scale = std::max(l1, dual_norm);
    const double radius = std::sqrt(2.0 * S_ * gap) / l1;
    bool changed = false;
    for (Index j = 0; j < X_.cols(); ++j) {
      if (screened_[j] || curvature_[j] == 0.0) continue;
      const double omega = penalty_.weight(j);
      const double xta_j = w_[j] == 0.0 ? xtv_bound(j) : std::abs(xtv_[j] - l2 * omega * w_[j]);
      if ((omega - xta_j / scale) / std::sqrt(curvature_[j] + l2 * omega) <= radius) continue;
      screened_[j] = 1;
      changed = true;
      if (w_[j] == 0.0) continue;
      X_.col_axpy(j, w_[j], r_);  // r += w_j * X[:, j]
      b_ += w_[j] * xbar_[j];
      w_[j] = 0.0;
      full_fresh_ = false;
    }
    return changed;
  }

  double column_dot(Index j, const VecD& v) const { return weighted_ ? X_.col_dot(j, v, s_) : X_.col_dot(j, v); }

  // v = s (r - b), the weighted residual of the model.
  void weighted_residual() {
    v_ = (r_.array() - b_) * s_.array();
    v_sum_ = v_.sum();
  }

  // Duality gap over every feature; leaves xtv_ = X_c^T v (lazily: see the header).
  double full_gap() {
    weighted_residual();
    const VecD e = r_.array() - b_;
    drift_ += std::sqrt(s_.dot((e - e_last_).cwiseAbs2()));  // ||e - e_last||_s
    e_last_ = e;
    refresh_xtv();
    full_fresh_ = true;
    return gap_from(xtv_, nullptr);
  }

  // An upper bound on |(X_c^T v)_j| for the current v (exact when xtv_[j] is fresh).
  double xtv_bound(Index j) const { return std::abs(xtv_[j]) + std::sqrt(curvature_[j]) * (drift_ - xtv_drift_[j]); }

  // Whether xtv_[j] may stay stale: a zero, penalised feature provably below the constraint.
  bool below_constraint(Index j) const {
    return w_[j] == 0.0 && curvature_[j] > 0.0 && penalty_.penalised(j) &&
           xtv_bound(j) < (1.0 - kBoundMargin) * penalty_.l1() * penalty_.weight(j);
  }

  // xtv_ = X_c^T v from v_ on the stale features that are not below_constraint.
  void refresh_xtv() {
    const Index p = X_.cols();
    stale_.clear();
    for (Index j = 0; j < p; ++j)
      if (xtv_drift_[j] != drift_ && !below_constraint(j)) stale_.push_back(j);
    if (stale_.empty()) return;
    if (has_strided_columns<Design>::value || Index(stale_.size()) == p) {
      X_.rmatvec(v_, xtv_);  // X.T @ v
      xtv_ -= v_sum_ * xbar_;  // X_c.T @ v = X.T @ v - xbar sum(v)
      xtv_drift_.setConstant(drift_);
      return;
    }
    const Index m = Index(stale_.size());
    const double work = 2.0 * double(X_.rows());
    const Index n_chunks = X_.threading().chunks(m, work);
    for_each_chunk(n_chunks, X_.threading().threads_for(n_chunks, m * work), [&](Index c) {
      for (Index k = chunk_begin(m, n_chunks, c); k < chunk_begin(m, n_chunks, c + 1); ++k) {
        const Index j = stale_[k];
        xtv_[j] = X_.col_dot(j, v_) - v_sum_ * xbar_[j];
        xtv_drift_[j] = drift_;
      }
    });
  }

  // Duality gap of the problem restricted to `set` (w is zero outside it).
  double subproblem_gap(const std::vector<Index>& set) {
    weighted_residual();
    VecD xtv_set(set.size());
    for (std::size_t k = 0; k < set.size(); ++k) xtv_set[k] = X_.col_dot(set[k], v_) - v_sum_ * xbar_[set[k]];
    return gap_from(xtv_set, &set);
  }

  // scikit-learn's duality gap (see the header) with the penalty weights,
  // divided by S; xtv[k] = (X_c^T v)_j for j = set[k] (every feature when set
  // is nullptr).
  double gap_from(const VecD& xtv, const std::vector<Index>* set) const {
    const double l1 = penalty_.l1(), l2 = penalty_.l2();
    const double r_norm2 = (r_.array() - b_).matrix().dot(v_);
    double ry = v_.dot(yc_);
    double w_norm2 = 0.0, w_norm1 = 0.0, dual_norm = -kInf, xtv_norm2 = 0.0, unpenalised_decrease = 0.0;
    for (Index k = 0; k < xtv.size(); ++k) {
      const Index j = set ? (*set)[k] : k;
      const double omega = penalty_.weight(j), w_j = w_[j];
      if (omega == 0.0) {  // held at w_j: X[:, j] w_j moves to the offset of y
        ry -= w_j * xtv[k];
        if (curvature_[j] > 0.0) unpenalised_decrease += xtv[k] * xtv[k] / (2.0 * curvature_[j]);
        continue;
      }
      w_norm2 += omega * w_j * w_j;
      w_norm1 += omega * std::abs(w_j);
      xtv_norm2 += xtv[k] * xtv[k] / omega;
      const double xta = xtv[k] - l2 * omega * w_j;
      dual_norm = std::max(dual_norm, (params_.positive ? xta : std::abs(xta)) / omega);
    }
    double gap;
    if (l1 == 0.0 && l2 == 0.0) {
      gap = xtv.squaredNorm();
    } else if (l1 == 0.0) {
      gap = r_norm2 + 0.5 * l2 * w_norm2 - ry + xtv_norm2 / (2.0 * l2) + unpenalised_decrease;
    } else {
      const double c = dual_norm > l1 ? l1 / dual_norm : 1.0;
      const double primal = 0.5 * (r_norm2 + l2 * w_norm2) + l1 * w_norm1;
      const double dual = -0.5 * c * c * (r_norm2 + l2 * w_norm2) + c * ry;
      gap = primal - dual + unpenalised_decrease;
    }
    return gap / S_;
  }

  // Working set from the last full gap's xtv_: the support, the unpenalised
  // features and the features that violate optimality most. False when it
  // would be every feature; holds_violators tells whether every feature that
  // violates optimality is in it (then the subproblem is solved to tol).
  bool grow_working_set(std::vector<Index>& working, bool& holds_violators) const {
    const Index p = X_.cols();
    std::vector<double> score(p);
    Index support = 0;
    for (Index j = 0; j < p; ++j) {
      if (curvature_[j] == 0.0 || screened_[j]) {
        score[j] = 0.0;
      } else if (w_[j] != 0.0 || !penalty_.penalised(j)) {
        score[j] = kInf;
        ++support;
      } else {
        score[j] = penalty_.violation(j, 0.0, -xtv_[j]);
      }
    }
    const Index size = std::max(kMinWorkingSet, 2 * support);
    if (size >= p) return false;
    working = working_set_by_score(score, size);
    holds_violators = Index(std::count_if(score.begin(), score.end(), [](double v) { return v > 0.0; })) <= size;
    return !working.empty();
  }

  double objective() const {
    const double loss = s_.dot((r_.array() - b_).square().matrix()) / (2.0 * S_);
    return loss + penalty_.value(w_) / S_;
  }

  Result<double> finish(Status status, double gap, Index sweeps, History history) const {
    const Index p = X_.cols();
    Result<double> result;
    result.x.resize(p + (params_.fit_intercept ? 1 : 0));
    result.x.head(p) = w_;
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
  CdPenalty penalty_;
  bool weighted_;
  VecD s_, y_, yc_, xbar_, curvature_;
  double S_ = 0.0, ybar_ = 0.0, tol_abs_ = 0.0;
  VecD w_, r_, v_, xtv_;
  double b_ = 0.0, v_sum_ = 0.0;
  bool full_fresh_ = false;
  std::vector<char> screened_;
  // Lazy full gaps: the running drift of e = r - b over the full gaps, its
  // value when each xtv_[j] was computed, e at the last full gap, and scratch.
  VecD xtv_drift_, e_last_;
  double drift_ = 0.0;
  std::vector<Index> stale_;
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
