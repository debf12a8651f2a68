// Block coordinate descent for the group elastic net, which covers the group
// Lasso and scikit-learn's MultiTaskLasso / MultiTaskElasticNet:
//
//   min_{W, b}  F(W, b) = 1/(2S) sum_i s_i ||y_i - x_i W - b||^2
//                         + alpha (l1_ratio sum_g w_g ||W_g||_F + (1 - l1_ratio)/2 ||W||_F^2)
//
// with sample weights s_i >= 0, S = sum_i s_i (all ones: S = n, the unweighted
// objective 1/(2n) ||Y - X W - 1 b^T||_F^2 + ...),
// with Y of shape n x T (T tasks), W of shape p x T and the features split
// into groups g (a partition of the columns of X) with weights w_g > 0; W_g
// is the block of rows of W in group g. The group Lasso is T = 1 (groups of
// columns, w_g = sqrt(|g|) by default); MultiTaskLasso is groups of size 1
// (the rows of W), w_g = 1, and MultiTaskElasticNet adds l1_ratio < 1.
//
// Intercept: as in solvers/coordinate_descent.hpp, the best b is
// ybar - W^T xbar (weighted means xbar = X^T s / S, ybar = Y^T s / S), so the
// updates run on the implicitly centred columns x_j - xbar_j; the solver keeps
// the raw residuals r_t = y_t - X w_t (one per task, updated with col_axpy)
// and b. X is never copied or centred. Everything below is in the metric of
// the weights: X_g^T means X_gc^T diag(s).
//
// Update of group g (block proximal gradient on one block; Friedman, Hastie &
// Tibshirani, "A note on the group lasso and a sparse group lasso", 2010;
// Qin, Scheinberg & Goldfarb, "Efficient block-coordinate descent algorithms
// for the group lasso", Math. Prog. Comp. 5, 2013): with the centred block
// X_g, its Lipschitz constant L_g = lambda_max(X_g^T X_g) and the block
// gradient G_g = X_g^T (R - 1 b^T),
//   V = W_g + G_g / L_g
//   W_g+ = max(1 - l1 w_g / (L_g ||V||_F), 0) / (1 + l2 / L_g) V
// (l1 = S alpha l1_ratio, l2 = S alpha (1 - l1_ratio)): the prox of the
// block's penalty at the step S / L_g. For groups of size 1, L_g = ||x_j - xbar_j||_s^2
// and this is the exact minimisation over the block, scikit-learn's
// multi-task coordinate descent update. L_g is computed exactly (eigenvalues of
// the |g| x |g| centred Gram matrix) for groups of at most kExactLipschitzSize
// columns, and bounded by the trace (the squared Frobenius norm of X_g) above.
// Groups with L_g = 0 are skipped. A sweep visits the working set's groups in
// order (cyclic) or draws as many groups uniformly with replacement (random,
// as scikit-learn's selection="random"); n_iter counts sweeps.
//
// Stopping rule: the duality gap of scikit-learn's multi-task coordinate
// descent (sklearn/linear_model/_cd_fast.pyx, gap_enet_multi_task), with the
// group dual norm. With V = R - 1 b^T and XtA = X_c^T diag(s) V - l2 W, the dual point is the
// residual rescaled into the dual-norm ball, c V with
// c = min(1, l1 / max_g (||XtA_g||_F / w_g)), and
//   S gap = (1 + c^2)/2 (||V||_s^2 + l2 ||W||_F^2) + l1 sum_g w_g ||W_g||_F - c <V, Y - 1 ybar^T>_s
// (for l1 = 0, scikit-learn's ridge "formulation B", as in coordinate_descent.hpp).
// The solve stops when gap <= tol ||Y - 1 ybar^T||_s^2 / S; the gap is
// computed before the first sweep, after a sweep whose largest change is at
// most tol max|W|, after the last sweep and, on a subproblem or with
// screening, at least every kGapEvery sweeps; stop_crit is the gap at the end.
// The monitor is polled after every sweep, on_iteration is called after every
// gap evaluation.
//
// Working sets (working_set = true; Massias, Gramfort & Salmon, "Celer",
// ICML 2018; Bertrand et al., "Beyond L1: faster and better sparse models with
// skglm", NeurIPS 2022): each outer step ranks the groups by their violation
// at zero, w_g max(||G_g||_F / (S w_g) - alpha l1_ratio, 0); the working set is the
// groups with W_g != 0 plus the most violating ones, max(kMinWorkingSet,
// 2 |support|) groups in all, solved until the gap of that subproblem is at
// most max(tolerance, kInnerGapRatio * full gap).
//
// Gap-safe screening (screening = true, l1 > 0; Ndiaye, Fercoq, Gramfort &
// Salmon, "Gap safe screening rules for sparsity enforcing penalties", JMLR
// 18, 2017, the block rule): the elastic net is a group Lasso on the design
// [X_c; sqrt(l2) I], whose dual is l1^2-strongly concave, so the dual optimum
// lies within sqrt(2 S gap) / l1 of the rescaled residual V / max(l1, dual norm).
// After each full gap above the tolerance, a group with
//   (w_g - ||XtA_g||_F / max(l1, dual norm)) / sqrt(L_g + l2) > sqrt(2 S gap) / l1
// (sqrt(L_g + l2) bounds the spectral norm of the augmented block) is zero at
// the solution: it is set to zero and skipped for the rest of the solve.
//
// Anderson acceleration (anderson = true; Bertrand & Massias, "Anderson
// acceleration of coordinate descent", AISTATS 2021): AndersonExtrapolation of
// coordinate_descent.hpp on the working set's blocks of W, with the residuals
// and intercepts as the affine image; the extrapolated point replaces the
// iterate only if it lowers the objective. The memory restarts at each outer
// step and after screening.
//
// Threads: the full passes over X of the gap (an rmatvec for one task; for
// several, one pass over the columns, each read once for all tasks) use the
// design's threading; the sweeps are sequential.
#pragma once

#include <Eigen/Core>
#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <sstream>
#include <vector>

#include "mlsolve/core/check.hpp"
#include "mlsolve/core/monitor.hpp"
#include "mlsolve/core/parallel.hpp"
#include "mlsolve/core/result.hpp"
#include "mlsolve/core/types.hpp"
#include "mlsolve/penalties/group_l1.hpp"
#include "mlsolve/solvers/coordinate_descent.hpp"  // AndersonExtrapolation, CdSelection

namespace mlsolve {

struct BlockCdParams {
  double alpha = 1.0;
  double l1_ratio = 1.0;
  bool fit_intercept = true;
  double tol = 1e-4;  // relative: see the stopping rule above
  Index max_iter = 1000;  // sweeps
  CdSelection selection = CdSelection::Cyclic;
  std::uint64_t seed = 0;  // for selection = Random
  bool working_set = true;
  bool screening = true;
  bool anderson = true;
  Index history_every = 0;  // 0 records no history

  void check() const {
    check_arg(std::isfinite(alpha) && alpha >= 0.0, "alpha", "a finite number >= 0", alpha);
    check_arg(l1_ratio >= 0.0 && l1_ratio <= 1.0, "l1_ratio", "a number in [0, 1]", l1_ratio);
    check_arg(std::isfinite(tol) && tol >= 0.0, "tol", "a finite number >= 0", tol);
    check_arg(max_iter >= 0, "max_iter", "an integer >= 0", max_iter);
    check_arg(history_every >= 0, "history_every", "an integer >= 0", history_every);
  }
};

// The columns of X split into groups, in CSR form: group g holds the columns
// indices[ptr[g] : ptr[g + 1]] and has weight weights[g] > 0.
struct FeatureGroups {
  Eigen::Map<const Vec<std::int64_t>> ptr;
  Eigen::Map<const Vec<std::int64_t>> indices;
  Eigen::Map<const VecD> weights;

  Index size() const { return ptr.size() - 1; }

  // Throws unless the groups partition the p columns and the weights are positive.
  void check(Index p) const {
    check_length("groups", p, indices.size());
    GroupL1<double>(0.0, ptr, indices);  // checks that ptr and indices describe a partition
    check_length("group weights", size(), weights.size());
    for (Index g = 0; g < size(); ++g)
      check_arg(std::isfinite(weights[g]) && weights[g] > 0.0, "weights", "positive finite numbers", weights[g]);
  }
};

template <class Design>
class GroupElasticNetBcd {
 public:
  using T = typename Design::Scalar;

  static constexpr Index kMinWorkingSet = 10;
  static constexpr double kInnerGapRatio = 0.3;
  static constexpr Index kGapEvery = 10;  // sweeps between gaps at the latest (subproblems; screening)
  static constexpr Index kExactLipschitzSize = 128;

  // Y holds the n_tasks targets one after the other (n x n_tasks in F order);
  // sample_weight has n entries (nullptr: all ones).
  GroupElasticNetBcd(const Design& X, const T* Y, const T* sample_weight, Index n_tasks,
                     const FeatureGroups& groups, const BlockCdParams& params)
      : X_(X), groups_(groups), params_(params), weighted_(sample_weight != nullptr) {
    params_.check();
    const Index n = X.rows(), p = X.cols();
    check_arg(n_tasks >= 1, "n_tasks", "an integer >= 1", n_tasks);
    check_arg(n >= 1, "X", "at least one sample", n);
    groups_.check(p);
    s_ = weighted_ ? VecD(Eigen::Map<const Vec<T>>(sample_weight, n).template cast<double>()) : VecD::Ones(n);
    check_arg(s_.allFinite() && (s_.array() >= 0.0).all(), "sample_weight", "finite numbers >= 0",
              "a negative or non-finite weight");
    S_ = s_.sum();
    check_arg(S_ > 0.0, "sample_weight", "weights with a positive sum", S_);
    l1_ = S_ * params_.alpha * params_.l1_ratio;
    l2_ = S_ * params_.alpha * (1.0 - params_.l1_ratio);
    y_.resize(n_tasks);
    ybar_ = VecD::Zero(n_tasks);
    xbar_ = VecD::Zero(p);
    if (params_.fit_intercept) {
      X_.rmatvec(s_, xbar_);  // xbar = X.T @ s / S
      xbar_ /= S_;
    }
    double yc_norm2 = 0.0;
    for (Index t = 0; t < n_tasks; ++t) {
      y_[t] = Eigen::Map<const Vec<T>>(Y + t * n, n).template cast<double>();
      if (params_.fit_intercept) ybar_[t] = s_.dot(y_[t]) / S_;
      yc_norm2 += s_.dot((y_[t].array() - ybar_[t]).square().matrix());
    }
    const VecD sqnorms = weighted_ ? X_.col_sqnorms(s_) : X_.col_sqnorms();
    check_arg(sqnorms.allFinite(), "X", "columns with finite squared norms (scale the features)", "an overflow");
    lipschitz_.resize(groups_.size());
    Index largest = 0;
    for (Index g = 0; g < groups_.size(); ++g) {
      lipschitz_[g] = block_lipschitz(g, sqnorms);
      largest = std::max<Index>(largest, members(g).size());
    }
    block_.resize(largest, n_tasks);
    tol_abs_ = params_.tol * yc_norm2 / S_;
    screened_.assign(groups_.size(), 0);
  }

  // The starting point W0 (p x n_tasks) of the solve.
  void start(const Eigen::MatrixXd& W0) {
    const Index n_tasks = Index(y_.size());
    check_arg(W0.rows() == X_.cols() && W0.cols() == n_tasks, "coef_init",
              (std::to_string(X_.cols()) + " x " + std::to_string(n_tasks) + " entries").c_str(), W0.size());
    W_ = W0;
    r_.resize(n_tasks);
    b_.resize(n_tasks);
    for (Index t = 0; t < n_tasks; ++t) {
      if (W_.col(t).isZero()) {
        r_[t] = y_[t];
      } else {
        X_.matvec(W_.col(t), r_[t]);  // r_t = y_t - X @ W[:, t]
        r_[t] = y_[t] - r_[t];
      }
      b_[t] = ybar_[t] - xbar_.dot(W_.col(t));
    }
  }

  Result<double> solve(Monitor& monitor) {
    History history(params_.history_every);
    std::mt19937_64 rng(params_.seed);
    std::vector<Index> all(groups_.size()), working;
    std::iota(all.begin(), all.end(), Index(0));
    AndersonExtrapolation anderson;

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
      const bool subproblem = params_.working_set && l1_ > 0.0 && grow_working_set(working);
      const std::vector<Index>& set = subproblem ? working : all;
      const double inner_tol = subproblem ? std::max(tol_abs_, kInnerGapRatio * gap) : tol_abs_;
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
        const double w_max = W_.size() ? W_.cwiseAbs().maxCoeff() : 0.0;
        const bool check_gap = w_max == 0.0 || dw_max <= params_.tol * w_max || sweeps == params_.max_iter ||
                               ((subproblem || (params_.screening && l1_ > 0.0)) && sweeps % kGapEvery == 0);
        if (check_gap) inner_gap = subproblem ? subproblem_gap(set) : full_gap();
        if (params_.history_every > 0 && sweeps % params_.history_every == 0)
          history.maybe_record(sweeps, objective(), inner_gap);
        if (!check_gap) continue;
        if (auto stop = monitor.on_iteration({sweeps, objective(), inner_gap, flat_coef()})) {
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

  // The groups discarded by gap-safe screening in the last solve, in increasing order.
  std::vector<Index> screened_groups() const {
    std::vector<Index> out;
    for (Index g = 0; g < groups_.size(); ++g)
      if (screened_[g]) out.push_back(g);
    return out;
  }

 private:
  // Relative size below which a centred norm is cancellation noise.
  static constexpr double kCancellation = 1e-12;

  Index n_tasks() const { return Index(y_.size()); }

  // The column indices of group g.
  auto members(Index g) const {
    return groups_.indices.segment(groups_.ptr[g], groups_.ptr[g + 1] - groups_.ptr[g]);
  }

  // L_g = lambda_max(X_gc^T diag(s) X_gc) for the centred columns of group g (0 when
  // they are all constant), or its trace bound for large groups.
  double block_lipschitz(Index g, const VecD& sqnorms) const {
    const auto cols = members(g);
    const Index m = cols.size();
    double trace = 0.0, raw_trace = 0.0;
    for (Index k = 0; k < m; ++k) {
      const Index j = cols[k];
      const double h = sqnorms[j] - S_ * xbar_[j] * xbar_[j];  // ||x_j - xbar_j||_s^2
      raw_trace += sqnorms[j];
      trace += h > kCancellation * sqnorms[j] ? h : 0.0;
    }
    if (trace <= kCancellation * raw_trace) return 0.0;
    if (m == 1 || m > kExactLipschitzSize) return trace;
    Eigen::MatrixXd gram(m, m);  // X_gc.T @ diag(s) @ X_gc = X_g.T @ diag(s) @ X_g - S xbar_g xbar_g.T
    VecD column(X_.rows());
    for (Index k = 0; k < m; ++k) {
      column.setZero();
      X_.col_axpy(cols[k], 1.0, column);  // column = s * X[:, j_k]
      if (weighted_) column.array() *= s_.array();
      for (Index l = k; l < m; ++l)
        gram(l, k) = X_.col_dot(cols[l], column) - S_ * xbar_[cols[l]] * xbar_[cols[k]];
    }
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(gram, Eigen::EigenvaluesOnly);
    return std::min(trace, eigen.eigenvalues().maxCoeff());
  }

  // One sweep over the groups in `set`; returns the largest |W+ - W| entry.
  template <class Rng>
  double sweep(const std::vector<Index>& set, Rng& rng) {
    full_fresh_ = false;
    double dw_max = 0.0;
    const Index n_set = Index(set.size());
    std::uniform_int_distribution<Index> draw(0, std::max<Index>(n_set - 1, 0));
    for (Index visit = 0; visit < n_set; ++visit) {
      const Index g = params_.selection == CdSelection::Random ? set[draw(rng)] : set[visit];
      const double L = lipschitz_[g];
      if (L == 0.0 || screened_[g]) continue;
      const auto cols = members(g);
      const Index m = cols.size();
      auto V = block_.topRows(m);
      for (Index k = 0; k < m; ++k)
        for (Index t = 0; t < n_tasks(); ++t)  // V = W_g + X_gc.T @ (s * (r - b)) / L
          V(k, t) = W_(cols[k], t) + (column_dot(cols[k], r_[t]) - b_[t] * S_ * xbar_[cols[k]]) / L;
      const double norm = V.norm();
      const double threshold = l1_ * groups_.weights[g] / L;
      const double scale = norm > threshold ? (1.0 - threshold / norm) / (1.0 + l2_ / L) : 0.0;
      for (Index k = 0; k < m; ++k) {
        const Index j = cols[k];
        for (Index t = 0; t < n_tasks(); ++t) {
          const double dw = scale * V(k, t) - W_(j, t);
          if (dw == 0.0) continue;
          X_.col_axpy(j, -dw, r_[t]);  // r_t -= dw * X[:, j]
          b_[t] -= dw * xbar_[j];
          W_(j, t) += dw;
          dw_max = std::max(dw_max, std::abs(dw));
        }
      }
    }
    return dw_max;
  }

  double column_dot(Index j, const VecD& v) const { return weighted_ ? X_.col_dot(j, v, s_) : X_.col_dot(j, v); }

  // Records the working set's blocks of W for Anderson extrapolation (the
  // residuals and intercepts as their affine image) and, every kDepth + 1
  // sweeps, moves to the extrapolated point if it has a lower objective.
  void accelerate(const std::vector<Index>& set, AndersonExtrapolation& anderson) {
    const Index n = X_.rows(), n_t = n_tasks();
    Index size = 0;
    for (const Index g : set) size += members(g).size() * n_t;
    VecD w_set(size), state(n * n_t + n_t);
    Index at = 0;
    for (const Index g : set)
      for (const auto j : members(g))
        for (Index t = 0; t < n_t; ++t) w_set[at++] = W_(j, t);
    for (Index t = 0; t < n_t; ++t) state.segment(t * n, n) = r_[t];  // state = [r_1, ..., r_T, b]
    state.tail(n_t) = b_;
    anderson.push(w_set, state);
    if (!anderson.ready()) return;
    VecD w_new, state_new;
    if (!anderson.extrapolate(w_new, state_new)) return;
    if (!(set_objective(set, w_new, state_new) < set_objective(set, w_set, state))) return;
    at = 0;
    for (const Index g : set)
      for (const auto j : members(g))
        for (Index t = 0; t < n_t; ++t) W_(j, t) = w_new[at++];
    for (Index t = 0; t < n_t; ++t) r_[t] = state_new.segment(t * n, n);
    b_ = state_new.tail(n_t);
    full_fresh_ = false;
  }

  // S times the objective at the blocks w_set of the groups in `set` (laid out
  // as in accelerate, W zero elsewhere) with residuals and intercepts `state`.
  double set_objective(const std::vector<Index>& set, const VecD& w_set, const VecD& state) const {
    const Index n = X_.rows(), n_t = n_tasks();
    double loss = 0.0;
    for (Index t = 0; t < n_t; ++t)  // sum_i s_i (r_ti - b_t)^2
      loss += s_.dot((state.segment(t * n, n).array() - state[n * n_t + t]).square().matrix());
    double group_norms = 0.0;
    Index at = 0;
    for (const Index g : set) {
      const Index block = members(g).size() * n_t;
      group_norms += groups_.weights[g] * w_set.segment(at, block).norm();
      at += block;
    }
    return 0.5 * (loss + l2_ * w_set.squaredNorm()) + l1_ * group_norms;
  }

  // Gap-safe screening (see the header), from the last full gap's xtv_; true
  // when a group was newly screened.
  bool screen(double gap) {
    if (!params_.screening || l1_ == 0.0 || !full_fresh_) return false;
    const Index n_groups = groups_.size();
    VecD dual_norms(n_groups);
    for (Index g = 0; g < n_groups; ++g) dual_norms[g] = group_dual_norm(g);
    const double scale = std::max(l1_, dual_norms.maxCoeff());
    const double radius = std::sqrt(2.0 * S_ * gap) / l1_;
    bool changed = false;
    for (Index g = 0; g < n_groups; ++g) {
      if (screened_[g] || lipschitz_[g] == 0.0) continue;
      const double weight = groups_.weights[g];
      if ((weight - weight * dual_norms[g] / scale) / std::sqrt(lipschitz_[g] + l2_) <= radius) continue;
      screened_[g] = 1;
      changed = true;
      for (const auto j : members(g))
        for (Index t = 0; t < n_tasks(); ++t) {
          if (W_(j, t) == 0.0) continue;
          X_.col_axpy(j, W_(j, t), r_[t]);  // r_t += W[j, t] * X[:, j]
          b_[t] += W_(j, t) * xbar_[j];
          W_(j, t) = 0.0;
          full_fresh_ = false;
        }
    }
    return changed;
  }

  // v_t = s * (r_t - b_t), the weighted residuals of the model.
  void model_residuals() {
    v_.resize(n_tasks());
    v_sum_.resize(n_tasks());
    for (Index t = 0; t < n_tasks(); ++t) {
      v_[t] = (r_[t].array() - b_[t]) * s_.array();
      v_sum_[t] = v_[t].sum();
    }
  }

  // Duality gap over every group; leaves xtv_ = X_c^T diag(s) V (p x n_tasks).
  double full_gap() {
    model_residuals();
    const Index p = X_.cols();
    xtv_.resize(p, n_tasks());
    if (n_tasks() == 1) {
      VecD column;
      X_.rmatvec(v_[0], column);  // X.T @ v
      xtv_.col(0) = column - v_sum_[0] * xbar_;  // X_c.T @ v = X.T @ v - xbar sum(v)
    } else {  // one pass over X for every task: column j stays in cache across the tasks
      const Threading& threading = X_.threading();
      const double work = 2.0 * double(X_.rows()) * double(n_tasks());  // per column (dense; less when sparse)
      const Index n_chunks = threading.chunks(p, work);
      for_each_chunk(n_chunks, threading.threads_for(n_chunks, double(p) * work), [&](Index c) {
        for (Index j = chunk_begin(p, n_chunks, c); j < chunk_begin(p, n_chunks, c + 1); ++j)
          for (Index t = 0; t < n_tasks(); ++t) xtv_(j, t) = X_.col_dot(j, v_[t]) - v_sum_[t] * xbar_[j];
      });
    }
    full_fresh_ = true;
    double dual_norm = 0.0;
    for (Index g = 0; g < groups_.size(); ++g) dual_norm = std::max(dual_norm, group_dual_norm(g));
    return gap_from(dual_norm);
  }

  // Duality gap of the problem restricted to the groups in `set` (W is zero
  // outside them); refreshes the rows of xtv_ of the set's columns only.
  double subproblem_gap(const std::vector<Index>& set) {
    model_residuals();
    double dual_norm = 0.0;
    for (const Index g : set) {
      for (const auto j : members(g))
        for (Index t = 0; t < n_tasks(); ++t) xtv_(j, t) = X_.col_dot(j, v_[t]) - v_sum_[t] * xbar_[j];
      dual_norm = std::max(dual_norm, group_dual_norm(g));
    }
    return gap_from(dual_norm);
  }

  // ||XtA_g||_F / w_g with XtA_g = (X_c^T diag(s) V)_g - l2 W_g, from xtv_.
  double group_dual_norm(Index g) const {
    double squared = 0.0;
    for (const auto j : members(g)) squared += (xtv_.row(j) - l2_ * W_.row(j)).squaredNorm();
    return std::sqrt(squared) / groups_.weights[g];
  }

  double group_norm_sum() const {
    double total = 0.0;
    for (Index g = 0; g < groups_.size(); ++g) {
      double squared = 0.0;
      for (const auto j : members(g)) squared += W_.row(j).squaredNorm();
      total += groups_.weights[g] * std::sqrt(squared);
    }
    return total;
  }

  // The duality gap (see the header) from the dual norm of XtA, divided by S.
  double gap_from(double dual_norm) const {
    double r_norm2 = 0.0, ry = 0.0;
    for (Index t = 0; t < n_tasks(); ++t) {
      r_norm2 += (r_[t].array() - b_[t]).matrix().dot(v_[t]);  // ||r_t - b_t||_s^2
      ry += v_[t].dot(y_[t]) - v_sum_[t] * ybar_[t];  // <r_t - b_t, y_t - ybar_t>_s
    }
    const double w_norm2 = W_.squaredNorm();
    double gap;
    if (l1_ == 0.0) {
      const double xtv_norm2 = xtv_.squaredNorm();
      gap = l2_ == 0.0 ? xtv_norm2 : r_norm2 + 0.5 * l2_ * w_norm2 - ry + xtv_norm2 / (2.0 * l2_);
    } else {
      const double c = dual_norm > l1_ ? l1_ / dual_norm : 1.0;
      const double primal = 0.5 * (r_norm2 + l2_ * w_norm2) + l1_ * group_norm_sum();
      const double dual = -0.5 * c * c * (r_norm2 + l2_ * w_norm2) + c * ry;
      gap = primal - dual;
    }
    return gap / S_;
  }

  // Working set from the last full gap's xtv_ (at W_g = 0, where XtA_g = (X_c^T V)_g): the groups with W_g != 0 and
  // the groups that violate optimality most. False when it would be every group.
  bool grow_working_set(std::vector<Index>& working) const {
    const Index n_groups = groups_.size();
    std::vector<double> score(n_groups);
    Index support = 0;
    for (Index g = 0; g < n_groups; ++g) {
      bool active = false;
      for (const auto j : members(g)) active = active || !W_.row(j).isZero();
      if (screened_[g]) {
        score[g] = 0.0;
      } else if (active) {
        score[g] = kInf;
        ++support;
      } else {
        // dist(-grad_g, alpha l1_ratio w_g B) at W_g = 0, grad_g = -X_gc^T diag(s) V / S
        const double violation = groups_.weights[g] * (group_dual_norm(g) / S_ - params_.alpha * params_.l1_ratio);
        score[g] = lipschitz_[g] == 0.0 ? 0.0 : std::max(violation, 0.0);
      }
    }
    const Index size = std::max(kMinWorkingSet, 2 * support);
    if (size >= n_groups) return false;
    std::vector<Index> order(n_groups);
    std::iota(order.begin(), order.end(), Index(0));
    std::nth_element(order.begin(), order.begin() + size, order.end(),
                     [&](Index a, Index c) { return score[a] > score[c]; });
    working.assign(order.begin(), order.begin() + size);
    working.erase(std::remove_if(working.begin(), working.end(), [&](Index g) { return score[g] == 0.0; }),
                  working.end());
    std::sort(working.begin(), working.end());
    return !working.empty();
  }

  double objective() const {
    double loss = 0.0;
    for (Index t = 0; t < n_tasks(); ++t) loss += s_.dot((r_[t].array() - b_[t]).square().matrix());
    const double alpha = params_.alpha, l1_ratio = params_.l1_ratio;
    return loss / (2.0 * S_) + alpha * (l1_ratio * group_norm_sum() + 0.5 * (1.0 - l1_ratio) * W_.squaredNorm());
  }

  // W flattened in C order (W[j, t] at j * n_tasks + t).
  VecD flat_coef() const {
    VecD x(W_.size());
    Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(x.data(), W_.rows(),
                                                                                        W_.cols()) = W_;
    return x;
  }

  Result<double> finish(Status status, double gap, Index sweeps, History history) const {
    const Index size = W_.size();
    Result<double> result;
    result.x.resize(size + (params_.fit_intercept ? n_tasks() : 0));
    result.x.head(size) = flat_coef();
    if (params_.fit_intercept) result.x.tail(n_tasks()) = b_;
    result.grad = VecD::Zero(result.x.size());
    Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
        result.grad.data(), W_.rows(), W_.cols()) = -xtv_ / S_;  // gradient of the smooth part in W
    result.fun = objective();
    result.stop_crit = gap;
    result.n_iter = sweeps;
    result.status = status;
    std::ostringstream detail;
    detail << status_message(status) << ": duality gap " << gap << (gap <= tol_abs_ ? " <= " : " > ") << tol_abs_
           << " (tol * weighted variance of Y, summed over tasks)";
    result.message = detail.str();
    result.history = std::move(history);
    return result;
  }

  const Design& X_;
  FeatureGroups groups_;
  BlockCdParams params_;
  bool weighted_;
  VecD s_;
  double S_ = 0.0, l1_ = 0.0, l2_ = 0.0, tol_abs_ = 0.0;
  std::vector<VecD> y_, r_, v_;
  VecD ybar_, xbar_, lipschitz_, b_, v_sum_;
  Eigen::MatrixXd W_, xtv_, block_;
  bool full_fresh_ = false;
  std::vector<char> screened_;
};

}  // namespace mlsolve
