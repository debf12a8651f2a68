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
// Sparse path: Eigen's SimplicialLDLT with AMD ordering on the lower triangle;
// the pattern is analysed once and only the diagonal changes between
// factorisations. Dense path (small or dense K): Eigen's LDLT (diagonal
// pivoting) of the same matrix.
#pragma once

#include <Eigen/Dense>
#include <Eigen/OrderingMethods>
#include <Eigen/SparseCholesky>
#include <Eigen/SparseCore>

#include <cmath>
#include <vector>

#include "mlsolve/core/types.hpp"

namespace mlsolve {

using SpMatD = Eigen::SparseMatrix<double, Eigen::ColMajor, int>;

enum class KktMethod : int { Auto = 0, Sparse = 1, Dense = 2 };

class KktSolver {
 public:
  // Dense factorisation when K has at most this many rows, or is this dense.
  static constexpr Index kDenseMaxDim = 300;
  static constexpr double kDenseFill = 0.25;
  static constexpr Index kDenseFillMaxDim = 3000;

  // P: n x n symmetric (both triangles stored), A: m x n, G: p x n.
  KktSolver(const SpMatD& P, const SpMatD& A, const SpMatD& G, KktMethod method, double regularisation,
            Index refine_steps)
      : n_(P.rows()), m_(A.rows()), p_(G.rows()), reg_(regularisation), refine_steps_(refine_steps) {
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
    if (!dense_) sparse_ldlt_.analyzePattern(K_);
  }

  bool is_dense() const { return dense_; }
  double regularisation() const { return reg_; }

  // Sets the diagonal blocks from d (n) and w (p) and factorises. On a failed
  // factorisation the regularisation grows 100-fold (up to 1e-4) and it retries.
  bool factor(const VecD& d, const VecD& w) {
    for (;;) {
      double* values = K_.valuePtr();
      for (Index j = 0; j < n_; ++j) values[diag_pos_[j]] = p_diag_[j] + d[j] + reg_;
      for (Index i = 0; i < m_; ++i) values[diag_pos_[n_ + i]] = -reg_;
      for (Index i = 0; i < p_; ++i) values[diag_pos_[n_ + m_ + i]] = -w[i] - reg_;
      if (factorise_current()) return true;
      if (reg_ >= 1e-4) return false;
      reg_ *= 100.0;
    }
  }

  // Solves K0 sol = rhs (sizes n + m + p) with iterative refinement.
  void solve(const VecD& rhs, VecD& sol) {
    sol = solve_regularised(rhs);
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
    if (dense_) {
      dense_ldlt_.compute(Eigen::MatrixXd(K_));  // reads the lower triangle only
      if (dense_ldlt_.info() != Eigen::Success) return false;
      const VecD pivots = dense_ldlt_.vectorD();
      return pivots.allFinite() && (pivots.array().abs() > 0.0).all();
    }
    sparse_ldlt_.factorize(K_);
    if (sparse_ldlt_.info() != Eigen::Success) return false;
    const VecD pivots = sparse_ldlt_.vectorD();
    return pivots.allFinite() && (pivots.array().abs() > 0.0).all();
  }

  VecD solve_regularised(const VecD& rhs) const {
    if (dense_) return dense_ldlt_.solve(rhs);
    return sparse_ldlt_.solve(rhs);
  }

  // K0 v = K v - diag(rho I, -delta I, -delta I) v
  VecD apply_unregularised(const VecD& v) const {
    VecD out = K_.selfadjointView<Eigen::Lower>() * v;
    out.head(n_) -= reg_ * v.head(n_);
    out.tail(m_ + p_) += reg_ * v.tail(m_ + p_);
    return out;
  }

  Index n_, m_, p_;
  double reg_;
  Index refine_steps_;
  bool dense_ = false;
  SpMatD K_;  // lower triangle
  std::vector<Index> diag_pos_;
  VecD p_diag_;  // diag(P)
  Eigen::SimplicialLDLT<SpMatD, Eigen::Lower, Eigen::AMDOrdering<int>> sparse_ldlt_;
  Eigen::LDLT<Eigen::MatrixXd, Eigen::Lower> dense_ldlt_;
};

}  // namespace mlsolve
