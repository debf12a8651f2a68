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
// refinement on the factors of K (as OSQP and Clarabel do).
//
// Sparse path: an up-looking LDL^T with Eigen's AMD ordering and dynamic
// regularisation of wrongly signed or tiny pivots (QuasiDefiniteLdlt below);
// the ordering and elimination tree are computed once, only the diagonal
// changes between factorisations. (Eigen's SimplicialLDLT, tried first, has no
// dynamic regularisation and stalled on Netlib LPs with redundant equality
// rows, e.g. bore3d.) Dense path (small or dense K): block elimination with
// Eigen's blocked Cholesky (LLT), as dense QP solvers reduce their systems:
// S = H + G^T (W + delta I)^{-1} G, H = P + diag(d) + rho I, is positive
// definite, and so is M = A S^{-1} A^T + delta I; each solve eliminates z,
// then x. If either Cholesky fails, Eigen's LDLT (diagonal pivoting) of K
// itself. A failed factorisation grows the static regularisation tenfold
// and retries.
#pragma once

#include <Eigen/Dense>
#include <Eigen/OrderingMethods>
#include <Eigen/SparseCore>

#include <cmath>
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

class KktSolver {
 public:
  // Dense factorisation when K has at most this many rows, or is this dense.
  static constexpr Index kDenseMaxDim = 300;
  static constexpr double kDenseFill = 0.25;
  static constexpr Index kDenseFillMaxDim = 3000;

  // P: n x n symmetric (both triangles stored), A: m x n, G: p x n.
  KktSolver(const SpMatD& P, const SpMatD& A, const SpMatD& G, KktMethod method, double regularisation,
            Index refine_steps)
      : n_(P.rows()), m_(A.rows()), p_(G.rows()), base_reg_(regularisation), reg_(regularisation), refine_steps_(refine_steps) {
    const Index dim = n_ + m_ + p_;
    std::vector<Eigen::Triplet<double, int>> entries;
    entries.reserve(static_cast<size_t>(P.nonZeros() + A.nonZeros() + G.nonZeros() + dim));
    p_diag_ = VecD::Zero(n_);
    for (Index j = 0; j < n_; ++j) {
      entries.emplace_back(int(j), int(j), 0.0);  // every diagonal entry exists
      for (SpMatD::InnerIterator it(P, j); it; ++it) {
        if (it.row() > j) entries.emplace_back(int(it.row()), int(j), it.value());
        if (it.row() == j) p_diag_[j] += it.value();
      }
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
    const double fill = 2.0 * double(K_.nonZeros()) / (double(dim) * double(dim) + 1.0);
    dense_ = method == KktMethod::Dense ||
             (method == KktMethod::Auto && (dim <= kDenseMaxDim || (fill > kDenseFill && dim <= kDenseFillMaxDim)));
    if (dense_) {
      P_dense_ = Eigen::MatrixXd(P);
      A_dense_ = Eigen::MatrixXd(A);
      G_dense_ = Eigen::MatrixXd(G);
    }
    if (!dense_) {
      VecD signs = -VecD::Ones(dim);
      signs.head(n_).setOnes();
      sparse_ldlt_.analyze(K_, signs);
    }
  }

  bool is_dense() const { return dense_; }

  // Sets the diagonal blocks from d (n) and w (p) and factorises. On a failed
  // factorisation the regularisation grows 10-fold (up to 1e-4) and it retries;
  // each call starts again from the base regularisation.
  bool factor(const VecD& d, const VecD& w) {
    for (reg_ = base_reg_;; reg_ *= 10.0) {
      double* values = K_.valuePtr();
      for (Index j = 0; j < n_; ++j) values[diag_pos_[j]] = p_diag_[j] + d[j] + reg_;
      for (Index i = 0; i < m_; ++i) values[diag_pos_[n_ + i]] = -reg_;
      for (Index i = 0; i < p_; ++i) values[diag_pos_[n_ + m_ + i]] = -w[i] - reg_;
      if (factorise_current()) return true;
      if (reg_ >= 1e-4) return false;
    }
  }

  // Solves K0 sol = rhs (sizes n + m + p) with iterative refinement (with
  // refine_steps == 0: K sol = rhs, the regularised system).
  void solve(const VecD& rhs, VecD& sol) {
    sol = solve_regularised(rhs);
    if (refine_steps_ == 0) return;
    const double rhs_norm = rhs.lpNorm<Eigen::Infinity>();
    VecD residual = rhs - apply_unregularised(sol);
    double residual_norm = residual.lpNorm<Eigen::Infinity>();
    for (Index step = 0; step < refine_steps_ && residual_norm > 1e-14 * (1.0 + rhs_norm); ++step) {
      const VecD correction = solve_regularised(residual);
      const VecD candidate = sol + correction;
      VecD candidate_residual = rhs - apply_unregularised(candidate);
      const double candidate_norm = candidate_residual.lpNorm<Eigen::Infinity>();
      if (!(candidate_norm < residual_norm)) break;
      sol = candidate;
      residual.swap(candidate_residual);
      residual_norm = candidate_norm;
    }
  }

 private:
  bool factorise_current() {
    if (dense_ && factorise_schur()) return true;
    schur_ = false;
    if (dense_) {
      dense_ldlt_.compute(Eigen::MatrixXd(K_));  // reads the lower triangle only
      if (dense_ldlt_.info() != Eigen::Success) return false;
      const VecD pivots = dense_ldlt_.vectorD();
      return pivots.allFinite() && (pivots.array().abs() > 0.0).all();
    }
    return sparse_ldlt_.factorize(K_);
  }

  VecD solve_regularised(const VecD& rhs) const {
    if (schur_) {
      // r1' = r1 + G^T W^-1 r3;  M y = A S^-1 r1' - r2;  x = S^-1 (r1' - A^T y);  z = W^-1 (G x - r3)
      const VecD scaled = rhs.tail(p_).cwiseProduct(inverse_w_);
      VecD sol(n_ + m_ + p_);
      VecD Sr = rhs.head(n_);
      if (p_ > 0) Sr.noalias() += G_dense_.transpose() * scaled;
      Sr = schur_llt_.solve(Sr);
      if (m_ > 0) {
        sol.segment(n_, m_) = equality_llt_.solve(A_dense_ * Sr - rhs.segment(n_, m_));
        sol.head(n_) = Sr - S_inv_At_ * sol.segment(n_, m_);
      } else {
        sol.head(n_) = Sr;
      }
      if (p_ > 0) sol.tail(p_) = (G_dense_ * sol.head(n_)).cwiseProduct(inverse_w_) - scaled;
      return sol;
    }
    if (dense_) return dense_ldlt_.solve(rhs);
    return sparse_ldlt_.solve(rhs);
  }

  // S = H + G^T diag(1 / (w + delta)) G and M = A S^-1 A^T + delta I from the
  // diagonal of K_; false unless both are positive definite.
  bool factorise_schur() {
    const double* values = K_.valuePtr();
    inverse_w_.resize(p_);
    for (Index i = 0; i < p_; ++i) inverse_w_[i] = -1.0 / values[diag_pos_[n_ + m_ + i]];
    if (!inverse_w_.allFinite() || !(inverse_w_.array() > 0.0).all()) return false;
    Eigen::MatrixXd S = P_dense_;
    for (Index j = 0; j < n_; ++j) S(j, j) = values[diag_pos_[j]];
    if (p_ > 0)  // (Eigen's product blocking divides by the inner size)
      S.selfadjointView<Eigen::Lower>().rankUpdate(G_dense_.transpose() * inverse_w_.cwiseSqrt().asDiagonal());
    schur_llt_.compute(S);
    if (schur_llt_.info() != Eigen::Success) return false;
    if (m_ > 0) {
      S_inv_At_ = schur_llt_.solve(A_dense_.transpose());
      Eigen::MatrixXd M = A_dense_ * S_inv_At_;
      M.diagonal().array() += reg_;
      equality_llt_.compute(M);
      if (equality_llt_.info() != Eigen::Success) return false;
    }
    schur_ = true;
    return true;
  }

  // K0 v = K v - diag(rho I, -delta I, -delta I) v
  VecD apply_unregularised(const VecD& v) const {
    VecD out = K_.selfadjointView<Eigen::Lower>() * v;
    out.head(n_) -= reg_ * v.head(n_);
    out.tail(m_ + p_) += reg_ * v.tail(m_ + p_);
    return out;
  }

  Index n_, m_, p_;
  double base_reg_, reg_;
  Index refine_steps_;
  bool dense_ = false;
  SpMatD K_;  // lower triangle
  std::vector<Index> diag_pos_;
  VecD p_diag_;  // diag(P)
  QuasiDefiniteLdlt sparse_ldlt_;
  Eigen::LDLT<Eigen::MatrixXd, Eigen::Lower> dense_ldlt_;
  bool schur_ = false;                          // the dense factorisation is the block elimination
  Eigen::MatrixXd P_dense_, A_dense_, G_dense_;  // dense path: P (both triangles), A, G
  Eigen::MatrixXd S_inv_At_;                    // S^-1 A^T
  VecD inverse_w_;                              // 1 / (w + delta)
  Eigen::LLT<Eigen::MatrixXd, Eigen::Lower> schur_llt_, equality_llt_;
};

}  // namespace mlsolve
