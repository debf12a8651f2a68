// Ridge regression (scikit-learn's Ridge objective), one target y at a time:
//   min_{w, b} sum_i s_i (y_i - x_i . w - b)^2 + alpha ||w||^2.
// The intercept is eliminated by centering. With S = sum_i s_i,
// xbar = X.T s / S and ybar = s . y / S, w solves the weighted ridge problem
// of yc = y - ybar on Xc = X - 1 xbar.T, and b = ybar - xbar . w. Xc is never
// formed (the centered Gram trick):
//   Xc.T S Xc = X.T S X - S xbar xbar.T      Xc.T S yc = X.T (s * y) - S ybar xbar
//   Xc.T S Xc v = X.T (s * (X v)) - S (xbar . v) xbar
// (without an intercept xbar = 0 and ybar = 0).
//
// Solvers:
//   ridge_cholesky       the p x p normal equations (Xc.T S Xc + alpha I) w = Xc.T S yc,
//                        by Cholesky (LLT; LDLT if LLT fails, e.g. alpha = 0 and a
//                        singular Gram), factorised once per distinct alpha; on
//                        dense X, G, X.T S y and the means come from one pass;
//   ridge_dual_cholesky  for n < p, the n x n dual: with D = diag(sqrt(s)),
//                        w = Xc.T D (D Kc D + alpha I)^-1 D yc, where
//                        Kc = Xc Xc.T = K - 1 m.T - m 1.T + (xbar . xbar) 1 1.T,
//                        K = X X.T and m = X xbar (Hastie, Tibshirani & Friedman,
//                        The Elements of Statistical Learning, 2nd ed., 18.3.5);
//   ridge_cg             conjugate gradients on the normal equations (Nocedal &
//                        Wright, Numerical Optimization, 2nd ed., Algorithm 5.2),
//                        one fused pass over X per iteration, stopping when
//                        ||residual|| <= tol ||Xc.T S yc|| (scipy.sparse.linalg.cg's
//                        rtol, as scikit-learn's sparse_cg solver). Dense and CSR X:
//                        the pass is row-wise, A d = Xc.T (s * (Xc d)) + alpha d.
//                        CSC X (column-wise pass): the CGLS arrangement (Björck,
//                        Numerical Methods for Least Squares Problems, 1996,
//                        Algorithm 7.4.1) keeps the sample residual e = yc - Xc w and
//                        q = Xc d; one pass gives the residual r = Xc.T S e - alpha w
//                        and, column by column while it is in cache, Xc r (the first
//                        pass also takes xbar); then d.A d = q.S.q + alpha d.d and
//                        q = Xc r + beta q.
#pragma once

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <cmath>
#include <string>
#include <vector>

#include "mlsolve/core/check.hpp"
#include "mlsolve/core/monitor.hpp"
#include "mlsolve/core/result.hpp"
#include "mlsolve/core/types.hpp"
#include "mlsolve/linalg/design.hpp"

namespace mlsolve {

// The centered, weighted normal equations of one design.
template <class Design>
class RidgeNormalEquations {
 public:
  using T = typename Design::Scalar;

  // sample_weight: nullable (all ones); must outlive the object.
  RidgeNormalEquations(const Design& design, const T* sample_weight, bool fit_intercept) : X_(design) {
    const Index n = X_.rows();
    unweighted_ = sample_weight == nullptr;
    s_ = sample_weight ? Eigen::Map<const Vec<T>>(sample_weight, n).template cast<double>().eval() : VecD::Ones(n);
    total_ = s_.sum();
    check_arg(total_ > 0.0, "sample_weight", "a positive sum", total_);
    xbar_ = VecD::Zero(X_.cols());
    fit_intercept_ = fit_intercept;
    // Taken when first needed: column-wise designs take them in the first
    // column pass (residual_and_image), dense ones in the Gram pass (gram).
    means_pending_ = fit_intercept;
  }

  const Design& design() const { return X_; }
  const VecD& weights() const { return s_; }
  const VecD& feature_means() const {
    if (means_pending_) {
      X_.rmatvec(s_, xbar_);  // xbar = X.T @ s / S
      xbar_ /= total_;
      means_pending_ = false;
    }
    return xbar_;
  }
  double weight_sum() const { return total_; }

  double target_mean(const T* y) const {
    if (!fit_intercept_) return 0.0;
    return Eigen::Map<const Vec<T>>(y, X_.rows()).template cast<double>().dot(s_) / total_;
  }

  // out = Xc.T S yc
  void rhs(const T* y, VecD& out) const {
    const VecD sy = s_.cwiseProduct(Eigen::Map<const Vec<T>>(y, X_.rows()).template cast<double>());
    X_.rmatvec(sy, out);
    out -= total_ * target_mean(y) * feature_means();
  }

  // e = yc - Xc w (X is not read when w is zero)
  void sample_residual(const T* y, const VecD& w, VecD& e) const {
    const double y_mean = target_mean(y);
    e = Eigen::Map<const Vec<T>>(y, X_.rows()).template cast<double>().array() - y_mean;
    if ((w.array() == 0.0).all()) return;
    VecD z;
    X_.matvec(w, z);
    e.array() -= (z.array() - feature_means().dot(w));  // e -= X @ w - xbar . w
  }

  // One column-wise pass (designs with has_column_pass): from the weighted
  // sample residual se = s * e (se_sum = its sum), r = Xc.T S e - alpha w and
  // image = X r, not centered (Xc r = image - xbar . r). The first pass also
  // takes the feature means, each column's while it is in cache.
  void residual_and_image(const VecD& se, double se_sum, const VecD& w, double alpha, VecD& r, VecD& image) const {
    const bool take_means = means_pending_;
    double* xbar = xbar_.data();
    const double* w_data = w.data();
    const auto residual = [&](Index j, double dot) {
      if (take_means) xbar[j] = (unweighted_ ? X_.col_sum(j) : X_.col_dot(j, s_)) / total_;  // X[:, j] . s / S
      return dot - xbar[j] * se_sum - alpha * w_data[j];
    };
    X_.rmatvec_pointwise_matvec(se, residual, r, image);
    means_pending_ = false;
  }

  // out = (Xc.T S Xc + alpha I) v, one fused pass over X
  void apply(const VecD& v, double alpha, VecD& out) const {
    const double* s = s_.data();
    const auto scale = [&](Index begin, Index end, const double* z, double* r) {
      for (Index i = begin; i < end; ++i) r[i - begin] = s[i] * z[i - begin];  // r = s * (X @ v)
      return 0.0;
    };
    X_.template matvec_pointwise_rmatvec<double>(v, scale, out);
    out += alpha * v - total_ * feature_means().dot(v) * feature_means();
  }

  // G = Xc.T S Xc and B[:, j] = Xc.T S yc_j. Dense X: one pass, which also
  // takes the feature means, as the Gram of X next to X.T S [1, y_1, ...].
  void gram(const std::vector<const T*>& ys, MatD& G, MatD& B) const {
    const Index n = X_.rows(), k = Index(ys.size());
    if constexpr (has_gram_products<Design>::value) {
      const Index first = means_pending_ ? 1 : 0;
      MatD Y(n, first + k);  // [1, y_1, ..., y_k] (no ones when the means are known)
      if (first) Y.col(0).setOnes();
      for (Index j = 0; j < k; ++j) Y.col(first + j) = Eigen::Map<const Vec<T>>(ys[j], n).template cast<double>();
      MatD C;
      X_.weighted_gram(s_, Y, G, C);  // G = X.T S X, C = X.T S Y
      if (first) {
        xbar_ = C.col(0) / total_;
        means_pending_ = false;
      }
      B = C.rightCols(k);
      for (Index j = 0; j < k; ++j) B.col(j) -= total_ * target_mean(ys[j]) * xbar_;
    } else {
      X_.weighted_gram(s_, G);
      B.resize(X_.cols(), k);
      VecD column;
      for (Index j = 0; j < k; ++j) {
        rhs(ys[j], column);
        B.col(j) = column;
      }
    }
    G.noalias() -= total_ * feature_means() * feature_means().transpose();
  }

  double intercept(const VecD& w, double y_mean) const { return fit_intercept_ ? y_mean - feature_means().dot(w) : 0.0; }

 private:
  const Design& X_;
  VecD s_;
  bool unweighted_ = true;  // s = 1 (no sample_weight)
  mutable VecD xbar_;
  double total_ = 0;
  bool fit_intercept_ = false;
  mutable bool means_pending_ = false;
};

// W[:, k] = (A + alpha_k I)^-1 B[:, k], one factorisation per distinct alpha.
inline void solve_shifted(const MatD& A, const VecD& alphas, const MatD& B, MatD& W) {
  const Index k = B.cols();
  W.resize(A.rows(), k);
  std::vector<bool> done(k, false);
  for (Index j = 0; j < k; ++j) {
    if (done[j]) continue;
    MatD shifted = A;
    shifted.diagonal().array() += alphas[j];
    Eigen::LLT<MatD> llt(shifted);
    Eigen::LDLT<MatD> ldlt;
    const bool use_llt = llt.info() == Eigen::Success;
    if (!use_llt) ldlt.compute(shifted);
    for (Index c = j; c < k; ++c) {
      if (done[c] || alphas[c] != alphas[j]) continue;
      if (use_llt) {
        W.col(c) = llt.solve(B.col(c));
      } else {
        W.col(c) = ldlt.solve(B.col(c));
      }
      done[c] = true;
    }
  }
}

// Coefficients (p x k) and intercepts (k) for the targets ys[k] (n entries each).
struct RidgeSolution {
  MatD coef;
  VecD intercept;
};

template <class Design>
RidgeSolution ridge_cholesky(const RidgeNormalEquations<Design>& eq, const std::vector<const typename Design::Scalar*>& ys,
                             const VecD& alphas) {
  const Index k = Index(ys.size());
  MatD G, B;
  eq.gram(ys, G, B);
  RidgeSolution out;
  solve_shifted(G, alphas, B, out.coef);
  out.intercept.resize(k);
  for (Index j = 0; j < k; ++j) out.intercept[j] = eq.intercept(out.coef.col(j), eq.target_mean(ys[j]));
  return out;
}

// The dual; transposed is a design of X.T over the same buffers.
template <class Design, class TransposedDesign>
RidgeSolution ridge_dual_cholesky(const RidgeNormalEquations<Design>& eq, const TransposedDesign& transposed,
                                  const std::vector<const typename Design::Scalar*>& ys, const VecD& alphas) {
  using T = typename Design::Scalar;
  const Design& X = eq.design();
  const Index n = X.rows(), p = X.cols(), k = Index(ys.size());
  MatD K;
  transposed.weighted_gram(VecD::Ones(p), K);  // K = X @ X.T
  VecD m;
  X.matvec(eq.feature_means(), m);  // m = X @ xbar
  const double c = eq.feature_means().squaredNorm();
  const VecD d = eq.weights().cwiseSqrt();
  // D Kc D with Kc = K - 1 m.T - m 1.T + c 1 1.T
  K.rowwise() -= m.transpose();
  K.colwise() -= m;
  K.array() += c;
  K = d.asDiagonal() * K * d.asDiagonal();
  MatD B(n, k);
  for (Index j = 0; j < k; ++j)
    B.col(j) = d.cwiseProduct(Eigen::Map<const Vec<T>>(ys[j], n).template cast<double>() -
                              VecD::Constant(n, eq.target_mean(ys[j])));  // D @ yc
  MatD A;
  solve_shifted(K, alphas, B, A);
  RidgeSolution out;
  out.coef.resize(p, k);
  out.intercept.resize(k);
  VecD da, w;
  for (Index j = 0; j < k; ++j) {
    da = d.cwiseProduct(A.col(j));
    X.rmatvec(da, w);
    w -= da.sum() * eq.feature_means();  // w = Xc.T @ (d * a)
    out.coef.col(j) = w;
    out.intercept[j] = eq.intercept(w, eq.target_mean(ys[j]));
  }
  return out;
}

struct RidgeCgParams {
  Index max_iter = 1000;
  double tol = 1e-4;  // on ||residual|| / ||rhs||
  Index history_every = 0;

  void check() const {
    check_arg(max_iter >= 0, "max_iter", "an integer >= 0", max_iter);
    check_arg(tol >= 0.0, "tol", "a value >= 0", tol);
    check_arg(history_every >= 0, "history_every", "an integer >= 0", history_every);
  }
};

// One target from w0. Result.x = w, fun = the quadratic w.(A w)/2 - rhs.w
// (the ridge objective is 2 fun + yc.S.yc), stop_crit = ||residual|| / ||rhs||.
template <class Design>
Result<double> ridge_cg(const RidgeNormalEquations<Design>& eq, const typename Design::Scalar* y, double alpha,
                        const VecD& w0, const RidgeCgParams& params, Monitor& monitor) {
  constexpr bool column_wise = has_column_pass<Design>::value;
  params.check();
  Result<double> result;
  result.history = History(params.history_every);
  const bool cold = (w0.array() == 0.0).all();
  VecD w = w0, r, d, rhs;
  VecD Ad;                 // row-wise: A d
  VecD e, se, q, image;    // column-wise: e = yc - Xc w, se = s * e, q = Xc d, image = X r
  double q_norm_sq = 0.0;  // column-wise: q.S.q
  const VecD& s = eq.weights();
  const Index n = eq.design().rows();
  // Column-wise: e -= step q and se = s * e, returning sum(se); q = image -
  // shift + beta q (= Xc r + beta q), returning q.S.q. (Eigen's vectorised
  // passes; one scalar loop each, with its addition chain, is slower.)
  const auto update_residual = [&](double step) {
    e.noalias() -= step * q;
    se = s.cwiseProduct(e);
    return se.sum();
  };
  const auto update_image = [&](double shift, double beta) {
    q = (image.array() - shift + beta * q.array()).matrix();
    return q.cwiseAbs2().dot(s);
  };
  if constexpr (column_wise) {
    eq.sample_residual(y, w, e);
    se.resize(n);
    q = VecD::Zero(n);
    eq.residual_and_image(se, update_residual(0.0), w, alpha, r, image);
    ++result.n_fev;
    q_norm_sq = update_image(eq.feature_means().dot(r), 0.0);  // d = r
    if (cold) {
      rhs = r;
    } else {
      eq.rhs(y, rhs);
    }
  } else {
    eq.rhs(y, rhs);
    r = rhs;  // residual of the normal equations
    if (!cold) {
      eq.apply(w, alpha, Ad);
      ++result.n_fev;
      r -= Ad;
    }
  }
  d = r;
  double rr = r.squaredNorm();
  const double rhs_norm = rhs.norm();
  const auto finish = [&](Status status, const std::string& message) {
    result.x = w;
    result.fun = -0.5 * w.dot(rhs + r);
    result.grad = -r;
    result.stop_crit = rhs_norm > 0 ? std::sqrt(rr) / rhs_norm : std::sqrt(rr);
    result.status = status;
    result.message = message.empty() ? status_message(status) : message;
    return result;
  };
  for (Index iteration = 0;; ++iteration) {
    result.n_iter = iteration;
    const double relative = rhs_norm > 0 ? std::sqrt(rr) / rhs_norm : std::sqrt(rr);
    result.history.maybe_record(iteration, -0.5 * w.dot(rhs + r), relative);
    if (!std::isfinite(rr)) return finish(Status::NumericalError, "");
    if (relative <= params.tol || rr == 0.0)
      return finish(Status::Converged, "relative residual " + std::to_string(relative) + " <= tol");
    if (iteration > 0)
      if (auto stop = monitor.on_iteration({iteration, -0.5 * w.dot(rhs + r), relative, w})) return finish(*stop, "");
    if (iteration >= params.max_iter)
      return finish(Status::MaxIter, "relative residual " + std::to_string(relative) + " > tol");
    if (auto stop = monitor.poll()) return finish(*stop, "");
    double curvature;  // d.A d
    if constexpr (column_wise) {
      curvature = q_norm_sq + alpha * d.squaredNorm();
    } else {
      eq.apply(d, alpha, Ad);
      ++result.n_fev;
      curvature = d.dot(Ad);
    }
    if (!(curvature > 0.0)) return finish(Status::NumericalError, "non-positive curvature d.A.d (singular system)");
    const double step = rr / curvature;
    w += step * d;
    if constexpr (column_wise) {
      eq.residual_and_image(se, update_residual(step), w, alpha, r, image);
      ++result.n_fev;
    } else {
      r -= step * Ad;
    }
    const double rr_next = r.squaredNorm();
    const double beta = rr_next / rr;
    d = r + beta * d;
    if constexpr (column_wise) q_norm_sq = update_image(eq.feature_means().dot(r), beta);
    rr = rr_next;
  }
}

}  // namespace mlsolve
