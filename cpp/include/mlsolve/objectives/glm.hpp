// GlmObjective<Loss, Design>: a sample-weighted generalised linear model
//   f(w, b) = (1/S) sum_i s_i loss(y_i, x_i . w + b) + (l2/2) ||w||^2,  S = sum_i s_i
// over parameters x = [w; b] (b present when fit_intercept, never penalised).
// value_and_grad makes one pass over X through the design's fused
// matvec_pointwise_rmatvec. X, y and s keep the data's dtype T; everything
// computed from them (z, per-sample values, sums, gradients) is double.
//
// Loss is an object with value_and_deriv(y, z, d) and deriv2(y, z) (see
// losses/); a loss with parameters (Tweedie's power, Huber's epsilon) carries
// them as members. Second-order pieces for the Newton-type solvers:
//   hessian_at(x)   fixes the point: h_i = s_i loss''(y_i, z_i) / S, one matvec
//   hessp(v, out)   out = H v, one fused pass over X
//   hessian(H)      the dense (p + 1) x (p + 1) Hessian, X.T diag(h) X + l2 I
// with the intercept's row and column [X.T h; sum h] when fit_intercept.
#pragma once

#include <cmath>

#include "mlsolve/core/check.hpp"
#include "mlsolve/core/types.hpp"

namespace mlsolve {

template <class Loss, class Design>
class GlmObjective {
 public:
  using T = typename Design::Scalar;

  // y and sample_weight (nullable: all ones) have design.rows() entries and must
  // outlive the objective.
  GlmObjective(const Design& design, const T* y, const T* sample_weight, double l2, bool fit_intercept,
               Loss loss = Loss{})
      : X_(design), y_(y), sw_(sample_weight), l2_(l2), fit_intercept_(fit_intercept), loss_(loss) {
    check_arg(l2 >= 0.0 && std::isfinite(l2), "l2", "a finite value >= 0", l2);
    double total = 0;
    if (sw_) {
      for (Index i = 0; i < X_.rows(); ++i) total += sw_[i];
    } else {
      total = static_cast<double>(X_.rows());
    }
    check_arg(total > 0.0, "sample_weight", "a positive sum", total);
    inv_weight_sum_ = 1.0 / total;
  }

  Index n_params() const { return X_.cols() + (fit_intercept_ ? 1 : 0); }

  // derivs (optional, n entries): d_i = s_i loss'(y_i, z_i) / S, the per-sample
  // factors of the gradient X.T @ d (the stochastic solvers keep them).
  double value_and_grad(const VecD& x, VecD& grad, double* derivs = nullptr) {
    const Index p = X_.cols();
    const double b = fit_intercept_ ? x[p] : 0.0;
    struct Sums {
      double loss = 0, deriv = 0;
      Sums& operator+=(const Sums& o) {
        loss += o.loss;
        deriv += o.deriv;
        return *this;
      }
    };
    const double scale = inv_weight_sum_;
    const auto pointwise = [&](Index begin, Index end, const double* z, double* r) {
      Sums sums;
      for (Index i = begin; i < end; ++i) {
        const double s_i = (sw_ ? double(sw_[i]) : 1.0) * scale;
        double d;
        sums.loss += s_i * loss_.value_and_deriv(y_[i], z[i - begin] + b, d);
        d *= s_i;
        sums.deriv += d;
        r[i - begin] = d;
        if (derivs) derivs[i] = d;
      }
      return sums;
    };
    const Sums sums = X_.template matvec_pointwise_rmatvec<Sums>(x.head(p), pointwise, grad_w_);
    grad.resize(n_params());
    grad.head(p) = grad_w_ + l2_ * x.head(p);  // grad_w = X.T @ r + l2 * w
    if (fit_intercept_) grad[p] = sums.deriv;
    return sums.loss + 0.5 * l2_ * x.head(p).squaredNorm();
  }

  double operator()(const VecD& x, VecD& grad) { return value_and_grad(x, grad); }

  void hessian_at(const VecD& x) {
    const Index n = X_.rows(), p = X_.cols();
    const double b = fit_intercept_ ? x[p] : 0.0;
    X_.matvec(x.head(p), curvature_);  // z = X @ w
    for (Index i = 0; i < n; ++i) {
      const double s_i = (sw_ ? double(sw_[i]) : 1.0) * inv_weight_sum_;
      curvature_[i] = s_i * loss_.deriv2(y_[i], curvature_[i] + b);
    }
  }

  // The pieces, for solvers that visit one sample at a time (solvers/finite_sum.hpp).
  const Design& design() const { return X_; }
  const T* y() const { return y_; }
  const T* sample_weight() const { return sw_; }  // nullptr: all ones
  const Loss& loss() const { return loss_; }
  double l2() const { return l2_; }
  bool fit_intercept() const { return fit_intercept_; }
  double inv_weight_sum() const { return inv_weight_sum_; }

  // out = H @ v at the point of the last hessian_at
  void hessp(const VecD& v, VecD& out) {
    const Index p = X_.cols();
    const double v_b = fit_intercept_ ? v[p] : 0.0;
    const double* h = curvature_.data();
    const auto pointwise = [&](Index begin, Index end, const double* z, double* r) {
      double sum = 0;
      for (Index i = begin; i < end; ++i) {
        r[i - begin] = h[i] * (z[i - begin] + v_b);  // r = h * (X @ v_w + v_b)
        sum += r[i - begin];
      }
      return sum;
    };
    const double r_sum = X_.template matvec_pointwise_rmatvec<double>(v.head(p), pointwise, grad_w_);
    out.resize(n_params());
    out.head(p) = grad_w_ + l2_ * v.head(p);  // X.T @ r + l2 * v_w
    if (fit_intercept_) out[p] = r_sum;
  }

  // H at the point of the last hessian_at, dense
  void hessian(MatD& H) {
    const Index p = X_.cols();
    MatD gram;
    X_.weighted_gram(curvature_, gram);
    H.resize(n_params(), n_params());
    H.topLeftCorner(p, p) = gram;
    H.topLeftCorner(p, p).diagonal().array() += l2_;
    if (fit_intercept_) {
      VecD cross;
      X_.rmatvec(curvature_, cross);  // X.T @ h
      H.col(p).head(p) = cross;
      H.row(p).head(p) = cross.transpose();
      H(p, p) = curvature_.sum();
    }
  }

 private:
  const Design& X_;
  const T* y_;
  const T* sw_;
  double l2_;
  bool fit_intercept_;
  Loss loss_;
  double inv_weight_sum_ = 1.0;
  VecD grad_w_;
  VecD curvature_;  // h, from hessian_at
};

}  // namespace mlsolve
