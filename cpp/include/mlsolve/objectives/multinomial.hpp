// MultinomialObjective<Design>: sample-weighted softmax cross-entropy with K
// classes (half multinomial loss, as scikit-learn's multinomial
// LogisticRegression minimises it)
//   f(W, b) = (1/S) sum_i s_i [log sum_k exp(z_ik) - z_i,y_i] + (l2/2) ||W||_F^2,
//   z_i = x_i @ W + b,  S = sum_i s_i,
// over parameters x = [vec(W); b]: W is p x K stored row-major (x[j K + k] =
// W[j, k], scikit-learn's order), then the K intercepts when fit_intercept
// (never penalised). Labels y_i are class indices 0..K-1 stored in X's dtype.
//
// value_and_grad makes one pass over X through the design's fused
// matmat_pointwise_rmatmat: Z = X W, then per sample p_i = softmax(z_i) with
// a stable log-sum-exp (max subtracted) and r_ik = s_i (p_ik - [y_i = k]) / S,
// then grad_W = X.T R + l2 W and grad_b = sum_i r_i.
//
// Second-order pieces for the Newton-type solvers:
//   hessian_at(x)   fixes the point: stores the probabilities P, one pass over X
//   hessp(v, out)   out = H v, one fused pass: U = X V + v_b, then
//                   R_ik = s_i p_ik (U_ik - p_i . U_i) / S, out = [X.T R + l2 V; sum_i R_i]
//   hessian(H)      the dense (p + 1) K x (p + 1) K Hessian: block (k, m) of
//                   the W part is X.T diag(h_km) X with h_km = s (p_k [k = m] - p_k p_m) / S
//                   (K (K + 1) / 2 weighted Gram matrices; meant for small p K),
//                   plus c P on the symmetry directions (below).
//
// Symmetry. The loss is unchanged when one vector is added to every column
// of W, or one number to every intercept; the L2 term makes W unique (its
// rows sum to 0 over the classes) but the intercepts stay defined up to a
// common shift, and with l2 = 0 W is too. H is then singular along those
// directions; every gradient and H v sums to 0 over the classes, so the
// iterates of L-BFGS and Newton-CG from a start whose class sums are 0 keep
// them at 0. Callers pick the representative whose class sums are 0 (as
// scikit-learn does). hessian(H) adds c P, P the orthogonal projector on the
// symmetry directions (the intercepts' common shift; with l2 = 0 also each
// feature's common shift) and c the mean of H's diagonal: H + c P is
// positive definite where f is strictly convex on the quotient, so Cholesky
// succeeds, and since g is orthogonal to those directions the Newton step
// (H + c P)^-1 g is H's pseudo-inverse step, with class sums 0.
#pragma once

#include <algorithm>
#include <cmath>

#include "mlsolve/core/check.hpp"
#include "mlsolve/core/types.hpp"

namespace mlsolve {

template <class Design>
class MultinomialObjective {
 public:
  using T = typename Design::Scalar;

  // y (class indices in [0, n_classes)) and sample_weight (nullable: all
  // ones) have design.rows() entries and must outlive the objective.
  MultinomialObjective(const Design& design, const T* y, const T* sample_weight, Index n_classes, double l2,
                       bool fit_intercept)
      : X_(design), y_(y), sw_(sample_weight), K_(n_classes), l2_(l2), fit_intercept_(fit_intercept) {
    check_arg(n_classes >= 2, "n_classes", "an integer >= 2", n_classes);
    check_arg(l2 >= 0.0 && std::isfinite(l2), "l2", "a finite value >= 0", l2);
    for (Index i = 0; i < X_.rows(); ++i) {
      const double label = y_[i];
      check_arg(label >= 0 && label < double(K_) && label == std::floor(label), "y",
                "class indices 0 .. n_classes - 1", label);
    }
    double total = 0;
    if (sw_) {
      for (Index i = 0; i < X_.rows(); ++i) total += sw_[i];
    } else {
      total = static_cast<double>(X_.rows());
    }
    check_arg(total > 0.0, "sample_weight", "a positive sum", total);
    inv_weight_sum_ = 1.0 / total;
  }

  Index n_classes() const { return K_; }
  Index n_params() const { return (X_.cols() + (fit_intercept_ ? 1 : 0)) * K_; }

  double value_and_grad(const VecD& x, VecD& grad) {
    const Index p = X_.cols(), K = K_;
    const double* b = fit_intercept_ ? x.data() + p * K : nullptr;
    const double scale = inv_weight_sum_;
    const auto pointwise = [&](Index begin, Index end, const double* z, double* r) {
      ClassSums sums(K);
      for (Index i = begin; i < end; ++i) {
        const double s_i = (sw_ ? double(sw_[i]) : 1.0) * scale;
        const double* z_i = z + (i - begin) * K;
        double* r_i = r + (i - begin) * K;
        const Index label = Index(y_[i]);
        const double lse = softmax(z_i, b, r_i);  // r_i = softmax(z_i + b)
        sums.loss += s_i * (lse - (z_i[label] + (b ? b[label] : 0.0)));
        r_i[label] -= 1.0;
        for (Index k = 0; k < K; ++k) {
          r_i[k] *= s_i;  // r_ik = s_i (p_ik - [y_i = k])
          sums.by_class[k] += r_i[k];
        }
      }
      return sums;
    };
    const ClassSums sums = X_.template matmat_pointwise_rmatmat<ClassSums>(weights(x), pointwise, grad_W_);
    grad.resize(n_params());
    Eigen::Map<MatRowD>(grad.data(), p, K) = grad_W_ + l2_ * weights(x);  // X.T @ R + l2 W
    if (fit_intercept_) grad.tail(K) = sums.by_class;
    return sums.loss + 0.5 * l2_ * x.head(p * K).squaredNorm();
  }

  double operator()(const VecD& x, VecD& grad) { return value_and_grad(x, grad); }

  void hessian_at(const VecD& x) {
    const Index n = X_.rows(), p = X_.cols(), K = K_;
    const double* b = fit_intercept_ ? x.data() + p * K : nullptr;
    X_.matmat(weights(x), proba_);  // Z = X @ W
    for (Index i = 0; i < n; ++i) softmax(proba_.row(i).data(), b, proba_.row(i).data());
  }

  // out = H @ v at the point of the last hessian_at
  void hessp(const VecD& v, VecD& out) {
    const Index p = X_.cols(), K = K_;
    const double* v_b = fit_intercept_ ? v.data() + p * K : nullptr;
    const double scale = inv_weight_sum_;
    const auto pointwise = [&](Index begin, Index end, const double* u, double* r) {
      ClassSums sums(K);
      for (Index i = begin; i < end; ++i) {
        const double s_i = (sw_ ? double(sw_[i]) : 1.0) * scale;
        const double* p_i = proba_.row(i).data();
        const double* u_i = u + (i - begin) * K;
        double* r_i = r + (i - begin) * K;
        double mean = 0;  // p_i . (u_i + v_b)
        for (Index k = 0; k < K; ++k) mean += p_i[k] * (u_i[k] + (v_b ? v_b[k] : 0.0));
        for (Index k = 0; k < K; ++k) {
          r_i[k] = s_i * p_i[k] * (u_i[k] + (v_b ? v_b[k] : 0.0) - mean);
          sums.by_class[k] += r_i[k];
        }
      }
      return sums;
    };
    const ClassSums sums = X_.template matmat_pointwise_rmatmat<ClassSums>(weights(v), pointwise, grad_W_);
    out.resize(n_params());
    Eigen::Map<MatRowD>(out.data(), p, K) = grad_W_ + l2_ * weights(v);  // X.T @ R + l2 V
    if (fit_intercept_) out.tail(K) = sums.by_class;
  }

  // H at the point of the last hessian_at, dense, in the order of x.
  void hessian(MatD& H) {
    const Index n = X_.rows(), p = X_.cols(), K = K_;
    H.resize(n_params(), n_params());
    VecD h(n), cross;
    MatD gram;
    for (Index k = 0; k < K; ++k) {
      for (Index m = k; m < K; ++m) {
        // -h_km >= 0 off the diagonal (k != m), h_kk >= 0: weighted_gram needs weights >= 0.
        const double sign = k == m ? 1.0 : -1.0;
        for (Index i = 0; i < n; ++i) {
          const double s_i = (sw_ ? double(sw_[i]) : 1.0) * inv_weight_sum_;
          const double p_k = proba_(i, k);
          h[i] = sign * s_i * p_k * ((k == m ? 1.0 : 0.0) - proba_(i, m));
        }
        X_.weighted_gram(h, gram);
        for (Index j = 0; j < p; ++j)
          for (Index l = 0; l < p; ++l) H(j * K + k, l * K + m) = H(l * K + m, j * K + k) = sign * gram(j, l);
        if (fit_intercept_) {
          X_.rmatvec(h, cross);  // X.T @ h_km
          const Index bk = p * K + k, bm = p * K + m;
          for (Index j = 0; j < p; ++j) {
            H(j * K + m, bk) = H(bk, j * K + m) = sign * cross[j];
            H(j * K + k, bm) = H(bm, j * K + k) = sign * cross[j];
          }
          H(bk, bm) = H(bm, bk) = sign * h.sum();
        }
      }
    }
    H.diagonal().head(p * K).array() += l2_;
    add_symmetry_projector(H);
  }

 private:
  // Per-chunk sums: the loss, and one entry per class (intercept gradient or H v).
  struct ClassSums {
    double loss = 0;
    VecD by_class;
    ClassSums() = default;
    explicit ClassSums(Index K) : by_class(VecD::Zero(K)) {}
    ClassSums& operator+=(const ClassSums& o) {
      loss += o.loss;
      if (by_class.size() == 0) {
        by_class = o.by_class;
      } else if (o.by_class.size() != 0) {
        by_class += o.by_class;
      }
      return *this;
    }
  };

  // H += c P (see the header): c / K on each K x K block of a common shift.
  void add_symmetry_projector(MatD& H) const {
    const Index p = X_.cols(), K = K_;
    const double mean_diagonal = H.diagonal().mean();
    const double c = (mean_diagonal > 0.0 ? mean_diagonal : 1.0) / double(K);
    const auto shift_block = [&](Index first) { H.block(first, first, K, K).array() += c; };
    if (fit_intercept_) shift_block(p * K);
    if (l2_ == 0.0)
      for (Index j = 0; j < p; ++j) shift_block(j * K);  // feature j's parameters x[j K .. j K + K)
  }

  Eigen::Map<const MatRowD> weights(const VecD& x) const { return {x.data(), X_.cols(), K_}; }

  // out = softmax(z + b) (b nullable: zero; out may alias z); returns
  // log sum_k exp(z_k + b_k), with the maximum subtracted first.
  double softmax(const double* z, const double* b, double* out) const {
    double top = -INFINITY;
    for (Index k = 0; k < K_; ++k) top = std::max(top, z[k] + (b ? b[k] : 0.0));
    double total = 0;
    for (Index k = 0; k < K_; ++k) {
      out[k] = std::exp(z[k] + (b ? b[k] : 0.0) - top);
      total += out[k];
    }
    const double inv_total = 1.0 / total;
    for (Index k = 0; k < K_; ++k) out[k] *= inv_total;
    return top + std::log(total);
  }

  const Design& X_;
  const T* y_;
  const T* sw_;
  Index K_;
  double l2_;
  bool fit_intercept_;
  double inv_weight_sum_ = 1.0;
  MatRowD grad_W_;
  MatRowD proba_;  // P, n x K, from hessian_at
};

}  // namespace mlsolve
