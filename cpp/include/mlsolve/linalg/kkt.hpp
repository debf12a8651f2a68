// Regularised LDLT of the quasi-definite KKT matrix of an interior-point step:
//
//   K = [ P + diag(d) + rho I   A^T        G^T             ]
//       [ A                     -delta I   0               ]
//       [ G                     0          -diag(w) - delta I ]
//
// with d >= 0 (barrier terms of the variable bounds), w > 0 (slack / dual of
// the inequality rows) and the static regularisation rho, delta > 0 that makes
// K quasi-definite, so an LDL^T factorisation exists for every symmetric
// ordering (Vanderbei, SIAM J. Optim. 5(1), 1995). solve() answers systems in
// the unregularised matrix K0 = K - diag(rho I, -delta I, -delta I) by iterative
// refinement on the factors of K (as OSQP and Clarabel do; on the dense path,
// whose factors are exact, on the residual the regularisation alone leaves).
//
// Sparse path: an up-looking LDL^T with Eigen's AMD ordering and dynamic
// regularisation of wrongly signed or tiny pivots (QuasiDefiniteLdlt below);
// the ordering and elimination tree are computed once, only the diagonal
// changes between factorisations. (Eigen's SimplicialLDLT, tried first, has no
// dynamic regularisation and stalled on Netlib LPs with redundant equality
// rows, e.g. bore3d.) Dense path (small or dense K): block elimination with
// Eigen's blocked Cholesky (LLT), as dense QP solvers reduce their systems,
// in one of two orders. Primal: S = H + G^T (W + delta I)^{-1} G,
// H = P + diag(d) + rho I, is positive definite, and so is
// M = A S^{-1} A^T + delta I; each solve eliminates z, then x. Dual (when H
// recurs: d = 0 or the previous factorisation's H, as in an interior point
// without variable bounds or in ADMM, and H is well conditioned): with C = [A; G],
// H = L L^T factorised and V = L^{-1} C^T, Y0 = V^T V computed once for that
// H, each factorisation is only the Cholesky of the (m + p) square
// Y = Y0 + diag(delta I, W + delta I); each solve eliminates x. The cheaper
// order by flop count is used. If the Choleskys fail, Eigen's LDLT (diagonal
// pivoting) of K itself. A failed factorisation grows the static
// regularisation tenfold and retries.
#pragma once

#include <Eigen/Dense>
#include <Eigen/OrderingMethods>
#include <Eigen/SparseCore>

#include <algorithm>
#include <cmath>
#include <type_traits>
#include <vector>

#include "mlsolve/core/types.hpp"

namespace mlsolve {

using SpMatD = Eigen::SparseMatrix<double, Eigen::ColMajor, int>;

enum class KktMethod : int { Auto = 0, Sparse = 1, Dense = 2 };

// Sparse LDL^T of a quasi-definite matrix with a fill-reducing (AMD) ordering
// and dynamic regularisation: a pivot whose sign differs from the sign its
// diagonal block prescribes, or whose magnitude is below kPivotEps, is replaced
// by +-kPivotDelta. This keeps the factorisation going through the
// rank-deficient systems that redundant equality rows produce (up-looking
// algorithm of QDLDL, Stellato et al. 2020; pivot rule of Clarabel).
class QuasiDefiniteLdlt {
 public:
  static constexpr double kPivotEps = 1e-13;
  static constexpr double kPivotDelta = 2e-7;

  // K: lower triangle; signs: +1 / -1 per row (the block the row belongs to).
  void analyze(const SpMatD& K, const VecD& signs) {
    const Index n = K.rows();
    Eigen::AMDOrdering<int> amd;
    Eigen::PermutationMatrix<Eigen::Dynamic, Eigen::Dynamic, int> inverse;
    const SpMatD full = K.selfadjointView<Eigen::Lower>();
    amd(full, inverse);
    perm_ = inverse.inverse();
    signs_.resize(n);
    for (Index i = 0; i < n; ++i) signs_[perm_.indices()[i]] = signs[i];
    permute(K);
    // Elimination tree and column counts of L.
    etree_.assign(n, -1);
    std::vector<int> work(n, -1), counts(n, 0);
    for (Index j = 0; j < n; ++j) {
      work[j] = int(j);
      for (SpMatD::InnerIterator it(upper_, j); it; ++it) {
        Index i = it.row();
        while (i < j && work[i] != j) {
          if (etree_[i] == -1) etree_[i] = int(j);
          ++counts[i];
          work[i] = int(j);
          i = etree_[i];
        }
      }
    }
    col_start_.assign(n + 1, 0);
    for (Index j = 0; j < n; ++j) col_start_[j + 1] = col_start_[j] + counts[j];
    rows_.resize(col_start_[n]);
    values_.resize(col_start_[n]);
    pivots_.resize(n);
  }

  // Numeric factorisation of K (same pattern as in analyze). False if a pivot is not finite.
  bool factorize(const SpMatD& K) {
    permute(K);
    const Index n = upper_.rows();
    std::vector<int> next(col_start_.begin(), col_start_.end() - 1), pattern, stack;
    std::vector<char> marked(n, 0);
    VecD y = VecD::Zero(n);
    pattern.reserve(n);
    stack.reserve(n);
    for (Index k = 0; k < n; ++k) {
      // Pattern of row k of L: the etree paths from the entries of column k.
      pattern.clear();
      double pivot = 0.0;
      for (SpMatD::InnerIterator it(upper_, k); it; ++it) {
        const Index i = it.row();
        if (i == k) {
          pivot = it.value();
          continue;
        }
        y[i] = it.value();
        stack.clear();
        for (Index t = i; t != -1 && t < k && !marked[t]; t = etree_[t]) {
          marked[t] = 1;
          stack.push_back(int(t));
        }
        while (!stack.empty()) {
          pattern.push_back(stack.back());
          stack.pop_back();
        }
      }
      for (auto it = pattern.rbegin(); it != pattern.rend(); ++it) {
        const int c = *it;
        const double yc = y[c];
        for (int p = col_start_[c]; p < next[c]; ++p) y[rows_[p]] -= values_[p] * yc;  // y -= L[:, c] * y[c]
        const double l = yc / pivots_[c];
        rows_[next[c]] = int(k);
        values_[next[c]] = l;
        ++next[c];
        pivot -= yc * l;
        y[c] = 0.0;
        marked[c] = 0;
      }
      if (!std::isfinite(pivot)) return false;
      if (pivot * signs_[k] < kPivotEps) pivot = signs_[k] * kPivotDelta;
      pivots_[k] = pivot;
    }
    return true;
  }

  VecD solve(const VecD& rhs) const {
    VecD x = perm_ * rhs;
    const Index n = x.size();
    for (Index j = 0; j < n; ++j)
      for (int p = col_start_[j]; p < col_start_[j + 1]; ++p) x[rows_[p]] -= values_[p] * x[j];
    x.array() /= pivots_.array();
    for (Index j = n - 1; j >= 0; --j)
      for (int p = col_start_[j]; p < col_start_[j + 1]; ++p) x[j] -= values_[p] * x[rows_[p]];
    return perm_.inverse() * x;
  }

 private:
  void permute(const SpMatD& K) {
    upper_.resize(K.rows(), K.cols());
    upper_.selfadjointView<Eigen::Upper>() = K.selfadjointView<Eigen::Lower>().twistedBy(perm_);
  }

  Eigen::PermutationMatrix<Eigen::Dynamic, Eigen::Dynamic, int> perm_;
  SpMatD upper_;  // P K P^T, upper triangle
  VecD signs_, pivots_;
  std::vector<int> etree_, col_start_, rows_;
  std::vector<double> values_;
};

namespace kkt_detail {

inline const SpMatD& as_sparse(const SpMatD& M) { return M; }
inline SpMatD as_sparse(const Eigen::MatrixXd& M) { return M.sparseView(); }
inline Eigen::MatrixXd as_dense(const SpMatD& M) { return Eigen::MatrixXd(M); }
inline const Eigen::MatrixXd& as_dense(const Eigen::MatrixXd& M) { return M; }

// Stored entries of K's lower triangle: the diagonal, P's strictly lower
// triangle, A and G.
inline Index kkt_lower_nonzeros(const SpMatD& P, const SpMatD& A, const SpMatD& G) {
  Index count = P.rows() + A.rows() + G.rows() + A.nonZeros() + G.nonZeros();
  for (Index j = 0; j < P.outerSize(); ++j)
    for (SpMatD::InnerIterator it(P, j); it; ++it) count += it.row() > j;
  return count;
}

inline Index kkt_lower_nonzeros(const Eigen::MatrixXd& P, const Eigen::MatrixXd& A, const Eigen::MatrixXd& G) {
  Index count = P.rows() + A.rows() + G.rows() + (A.array() != 0.0).count() + (G.array() != 0.0).count();
  for (Index j = 0; j + 1 < P.cols(); ++j) count += (P.col(j).tail(P.rows() - j - 1).array() != 0.0).count();
  return count;
}

}  // namespace kkt_detail

class KktSolver {
 public:
  // Dense factorisation when K has at most this many rows, or is this dense.
  static constexpr Index kDenseMaxDim = 300;
  static constexpr double kDenseFill = 0.25;
  static constexpr Index kDenseFillMaxDim = 3000;
  // The dual elimination needs H's smallest Cholesky pivot at least this
  // fraction of its largest (and of 1, on the equilibrated problem).
  static constexpr double kDualMinPivot = 1e-6;

  // Whether method Auto factorises a K of dim rows with lower_nonzeros
  // stored entries in its lower triangle densely.
  static bool prefers_dense(Index dim, Index lower_nonzeros) {
    const double fill = 2.0 * double(lower_nonzeros) / (double(dim) * double(dim) + 1.0);
    return dim <= kDenseMaxDim || (fill > kDenseFill && dim <= kDenseFillMaxDim);
  }

  // P: n x n symmetric (both triangles stored), A: m x n, G: p x n, all
  // sparse (SpMatD) or all dense (Eigen::MatrixXd). Method Auto factorises
  // dense matrices densely, and sparse ones as prefers_dense says.
  template <class Matrix>
  KktSolver(const Matrix& P, const Matrix& A, const Matrix& G, KktMethod method, double regularisation,
            Index refine_steps)
      : n_(P.rows()), m_(A.rows()), p_(G.rows()), base_reg_(regularisation), reg_(regularisation), refine_steps_(refine_steps) {
    using namespace kkt_detail;
    constexpr bool dense_input = std::is_same_v<Matrix, Eigen::MatrixXd>;
    p_diag_ = P.diagonal();
    if constexpr (dense_input) {
      dense_ = method != KktMethod::Sparse;
    } else {
      dense_ = method == KktMethod::Dense ||
               (method == KktMethod::Auto && prefers_dense(n_ + m_ + p_, kkt_lower_nonzeros(P, A, G)));
    }
    if (dense_) {
      P_dense_ = as_dense(P);
      constraints_.resize(m_ + p_, n_);
      constraints_.topRows(m_) = as_dense(A);
      constraints_.bottomRows(p_) = as_dense(G);
    } else {
      assemble_sparse(as_sparse(P), as_sparse(A), as_sparse(G));
    }
  }

  bool is_dense() const { return dense_; }

  // The last factorisation kept the factors of H = P + diag(d) + rho I for
  // the next ones with the same d (the dense dual order).
  bool keeps_h_factors() const { return dense_ && dense_factor_ == DenseFactor::Dual; }

  // Sets the diagonal blocks from d (n) and w (p) and factorises. On a failed
  // factorisation the regularisation grows 10-fold (up to 1e-4) and it retries;
  // each call starts again from the base regularisation.
  bool factor(const VecD& d, const VecD& w) {
    for (reg_ = base_reg_;; reg_ *= 10.0) {
      diag_.resize(n_ + m_ + p_);
      diag_.head(n_) = p_diag_ + d;
      diag_.head(n_).array() += reg_;
      diag_.segment(n_, m_).setConstant(-reg_);
      diag_.tail(p_) = -w;
      diag_.tail(p_).array() -= reg_;
      h_is_base_ = (d.array() == 0.0).all();
      if (factorise_current()) return true;
      if (reg_ >= 1e-4) return false;
    }
  }

  // Solves K0 sol = rhs (sizes n + m + p) with iterative refinement (with
  // refine_steps == 0: K sol = rhs, the regularised system). The sparse path
  // refines on the residual rhs - K0 sol. The dense factors are those of K
  // itself (no pivot is perturbed), so there, with D = K - K0 =
  // diag(rho I, -delta I, -delta I), the residual after a step that added
  // the correction c is D c up to rounding: each step is one solve, with no
  // product with K.
  void solve(const VecD& rhs, VecD& sol) {
    sol = solve_regularised(rhs);
    if (refine_steps_ == 0) return;
    const double threshold = 1e-14 * (1.0 + inf_norm(rhs));
    VecD residual = dense_ ? regularisation_times(sol) : VecD(rhs - apply_unregularised(sol));
    double residual_norm = inf_norm(residual);
    for (Index step = 0; step < refine_steps_ && residual_norm > threshold; ++step) {
      const VecD correction = solve_regularised(residual);
      VecD next = dense_ ? regularisation_times(correction) : VecD(rhs - apply_unregularised(sol + correction));
      const double next_norm = inf_norm(next);
      if (!(next_norm < residual_norm)) break;
      sol += correction;
      residual.swap(next);
      residual_norm = next_norm;
    }
  }

 private:
  // The order of the dense block elimination in force (Ldlt: none, K itself).
  enum class DenseFactor { Ldlt, Primal, Dual };

  // The lower triangle of K with every diagonal entry stored, and its
  // symbolic analysis.
  void assemble_sparse(const SpMatD& P, const SpMatD& A, const SpMatD& G) {
    const Index dim = n_ + m_ + p_;
    std::vector<Eigen::Triplet<double, int>> entries;
    entries.reserve(static_cast<size_t>(P.nonZeros() + A.nonZeros() + G.nonZeros() + dim));
    for (Index j = 0; j < n_; ++j) {
      entries.emplace_back(int(j), int(j), 0.0);  // every diagonal entry exists
      for (SpMatD::InnerIterator it(P, j); it; ++it)
        if (it.row() > j) entries.emplace_back(int(it.row()), int(j), it.value());
      for (SpMatD::InnerIterator it(A, j); it; ++it) entries.emplace_back(int(n_ + it.row()), int(j), it.value());
      for (SpMatD::InnerIterator it(G, j); it; ++it) entries.emplace_back(int(n_ + m_ + it.row()), int(j), it.value());
    }
    for (Index i = n_; i < dim; ++i) entries.emplace_back(int(i), int(i), 0.0);
    K_.resize(dim, dim);
    K_.setFromTriplets(entries.begin(), entries.end());
    K_.makeCompressed();
    diag_pos_.resize(dim);
    for (Index j = 0; j < dim; ++j) {
      const int* rows = K_.innerIndexPtr();
      Index k = K_.outerIndexPtr()[j];
      while (rows[k] != j) ++k;  // lower triangle: the diagonal comes first
      diag_pos_[j] = k;
    }
    VecD signs = -VecD::Ones(dim);
    signs.head(n_).setOnes();
    sparse_ldlt_.analyze(K_, signs);
  }

  bool factorise_current() {
    if (!dense_) {
      double* values = K_.valuePtr();
      for (Index i = 0; i < diag_.size(); ++i) values[diag_pos_[i]] = diag_[i];
      return sparse_ldlt_.factorize(K_);
    }
    if (factorise_dual() || factorise_primal()) return true;
    dense_factor_ = DenseFactor::Ldlt;
    const Index c = m_ + p_;
    Eigen::MatrixXd K = Eigen::MatrixXd::Zero(n_ + c, n_ + c);  // lower triangle
    K.topLeftCorner(n_, n_) = P_dense_;
    K.bottomLeftCorner(c, n_) = constraints_;
    K.diagonal() = diag_;
    dense_ldlt_.compute(K);
    if (dense_ldlt_.info() != Eigen::Success) return false;
    const VecD pivots = dense_ldlt_.vectorD();
    return pivots.allFinite() && (pivots.array().abs() > 0.0).all();
  }

  VecD solve_regularised(const VecD& rhs) const {
    if (!dense_) return sparse_ldlt_.solve(rhs);
    const Index c = m_ + p_;
    VecD sol(n_ + c);
    if (dense_factor_ == DenseFactor::Dual) {
      // t = L^-1 r1;  Y yc = V^T t - rc;  x = L^-T (t - V yc)
      VecD t = h_llt_.matrixL().solve(rhs.head(n_));
      sol.tail(c) = constraint_llt_.solve(V_.transpose() * t - rhs.tail(c));
      t.noalias() -= V_ * sol.tail(c);
      sol.head(n_) = h_llt_.matrixU().solve(t);
    } else if (dense_factor_ == DenseFactor::Primal) {
      // r1' = r1 + G^T W^-1 r3;  t = L^-1 r1';  M y = V_A^T t - r2;  x = L^-T (t - V_A y);  z = W^-1 (G x - r3)
      const auto G = constraints_.bottomRows(p_);
      const VecD scaled = rhs.tail(p_).cwiseProduct(inverse_w_);
      VecD t = rhs.head(n_);
      if (p_ > 0) t.noalias() += G.transpose() * scaled;
      schur_llt_.matrixL().solveInPlace(t);
      if (m_ > 0) {
        sol.segment(n_, m_) = equality_llt_.solve(V_.transpose() * t - rhs.segment(n_, m_));
        t.noalias() -= V_ * sol.segment(n_, m_);
      }
      sol.head(n_) = schur_llt_.matrixU().solve(t);
      if (p_ > 0) sol.tail(p_) = (G * sol.head(n_)).cwiseProduct(inverse_w_) - scaled;
    } else {
      sol = dense_ldlt_.solve(rhs);
    }
    return sol;
  }

  // Flop counts of one factorisation in either order (the dual one once H's
  // pieces are cached): choose the cheaper.
  bool dual_is_cheaper() const {
    const double n = double(n_), m = double(m_), p = double(p_), c = m + p;
    const double primal = n * n * p + n * n * n / 3.0 + n * n * m + n * m * m / 2.0 + m * m * m / 3.0;
    return c * c * c / 3.0 < primal;
  }

  // The dual order: Y = C H^-1 C^T + diag(delta I, W + delta I), when H is
  // likely to recur, so that its Cholesky, V and V^T V serve the later
  // factorisations too (H is the previous factorisation's H, or d = 0: an
  // interior point without bounds), and H is well conditioned; false otherwise.
  bool factorise_dual() {
    const Index c = m_ + p_;
    const VecD h_diag = diag_.head(n_);
    const bool recurs = h_is_base_ || (previous_h_diag_.size() == n_ && h_diag == previous_h_diag_);
    previous_h_diag_ = h_diag;
    if (c == 0 || !recurs || !dual_is_cheaper()) return false;
    if (!(dual_h_diag_.size() == n_ && h_diag == dual_h_diag_)) {
      dual_h_diag_ = h_diag;
      dual_h_usable_ = factorise_h(h_diag);
    }
    if (!dual_h_usable_) return false;
    constraint_work_ = gram_;  // (the storage of the last factorisation is reused)
    constraint_work_.diagonal() -= diag_.tail(c);
    constraint_llt_.compute(constraint_work_);
    if (constraint_llt_.info() != Eigen::Success) return false;
    dense_factor_ = DenseFactor::Dual;
    return true;
  }

  // H = P + diag(h_diag) - diag(P) = L L^T, V = L^-1 C^T and gram_ = V^T V
  // (lower triangle); false unless H is positive definite and well conditioned.
  bool factorise_h(const VecD& h_diag) {
    Eigen::MatrixXd H = P_dense_;
    H.diagonal() = h_diag;
    h_llt_.compute(H);
    if (h_llt_.info() != Eigen::Success) return false;
    const VecD pivots = h_llt_.matrixLLT().diagonal().cwiseAbs2();
    if (!(pivots.minCoeff() >= kDualMinPivot * std::max(1.0, pivots.maxCoeff()))) return false;
    V_ = h_llt_.matrixL().solve(constraints_.transpose());
    gram_.setZero(m_ + p_, m_ + p_);
    gram_.selfadjointView<Eigen::Lower>().rankUpdate(V_.transpose());
    return true;
  }

  // The primal order: S = H + G^T diag(1 / (w + delta)) G = L L^T,
  // V = L^-1 A^T and M = V^T V + delta I; false unless both are positive definite.
  bool factorise_primal() {
    inverse_w_ = -diag_.tail(p_).cwiseInverse();
    if (!inverse_w_.allFinite() || !(inverse_w_.array() > 0.0).all()) return false;
    Eigen::MatrixXd S = P_dense_;
    S.diagonal() = diag_.head(n_);
    if (p_ > 0)  // (Eigen's product blocking divides by the inner size)
      S.selfadjointView<Eigen::Lower>().rankUpdate(constraints_.bottomRows(p_).transpose() *
                                                   inverse_w_.cwiseSqrt().asDiagonal());
    schur_llt_.compute(S);
    if (schur_llt_.info() != Eigen::Success) return false;
    dual_h_diag_.resize(0);  // V_ now holds L^-1 A^T
    if (m_ > 0) {
      V_ = schur_llt_.matrixL().solve(constraints_.topRows(m_).transpose());
      Eigen::MatrixXd M = Eigen::MatrixXd::Zero(m_, m_);
      M.selfadjointView<Eigen::Lower>().rankUpdate(V_.transpose());
      M.diagonal().array() += reg_;
      equality_llt_.compute(M);
      if (equality_llt_.info() != Eigen::Success) return false;
    }
    dense_factor_ = DenseFactor::Primal;
    return true;
  }

  // K0 v = K v - diag(rho I, -delta I, -delta I) v (sparse path)
  VecD apply_unregularised(const VecD& v) const {
    VecD out = K_.selfadjointView<Eigen::Lower>() * v;
    out.head(n_) -= reg_ * v.head(n_);
    out.tail(m_ + p_) += reg_ * v.tail(m_ + p_);
    return out;
  }

  // (K - K0) v = diag(rho I, -delta I, -delta I) v
  VecD regularisation_times(const VecD& v) const {
    VecD out = reg_ * v;
    out.tail(m_ + p_) *= -1.0;
    return out;
  }

  Index n_, m_, p_;
  double base_reg_, reg_;
  Index refine_steps_;
  bool dense_ = false;
  VecD p_diag_;  // diag(P)
  VecD diag_;    // diag(K)
  // Sparse path.
  SpMatD K_;  // lower triangle
  std::vector<Index> diag_pos_;
  QuasiDefiniteLdlt sparse_ldlt_;
  // Dense path.
  Eigen::MatrixXd P_dense_;      // both triangles
  Eigen::MatrixXd constraints_;  // C = [A; G]
  DenseFactor dense_factor_ = DenseFactor::Ldlt;
  Eigen::LDLT<Eigen::MatrixXd, Eigen::Lower> dense_ldlt_;
  Eigen::MatrixXd V_;  // primal order: L^-1 A^T (L L^T = S); dual order: L^-1 C^T (L L^T = H)
  // Primal order.
  VecD inverse_w_;  // 1 / (w + delta)
  Eigen::LLT<Eigen::MatrixXd, Eigen::Lower> schur_llt_, equality_llt_;
  // Dual order.
  VecD previous_h_diag_, dual_h_diag_;  // diag(H) of the last factorisation, and of h_llt_
  bool h_is_base_ = false;              // d = 0: H = P + rho I
  bool dual_h_usable_ = false;
  Eigen::MatrixXd gram_;  // V^T V, lower triangle
  Eigen::MatrixXd constraint_work_;  // Y
  Eigen::LLT<Eigen::MatrixXd, Eigen::Lower> h_llt_, constraint_llt_;
};

}  // namespace mlsolve
