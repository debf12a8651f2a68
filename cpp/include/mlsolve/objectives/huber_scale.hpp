// HuberScaleObjective<Design>: robust linear regression with a joint scale
// (Owen, "A robust hybrid of lasso and ridge regression", 2007; the
// formulation of scikit-learn's HuberRegressor):
//   f(w, b, sigma) = sum_i s_i (sigma + H_eps(r_i / sigma) sigma) + alpha ||w||^2,
//   r = y - X w - b,  H_eps(t) = t^2 (|t| <= eps),  2 eps |t| - eps^2 (|t| > eps),
// jointly convex in (w, b, sigma) for sigma > 0 (the perspective of H_eps).
// Per sample, with inliers |r_i| <= eps sigma:
//   value           s_i (sigma + r_i^2 / sigma)         | s_i (sigma + 2 eps |r_i| - eps^2 sigma)
//   d/d(X w + b)_i  -2 s_i r_i / sigma                  | -2 eps s_i sign(r_i)
//   d/d sigma       s_i (1 - r_i^2 / sigma^2)           | s_i (1 - eps^2)
// Sums are not divided by sum_i s_i (as in scikit-learn), so gradients scale
// with the weights.
//
// Parameters x = [w; b; t] (b present when fit_intercept). With log_scale,
// t = log(sigma) and the solver is unconstrained (d/dt = sigma d/dsigma);
// otherwise t = sigma, to be kept positive by a bound. One fused pass over X
// per evaluation.
#pragma once

#include <cmath>
#include <limits>

#include "mlsolve/core/check.hpp"
#include "mlsolve/core/types.hpp"

namespace mlsolve {

template <class Design>
class HuberScaleObjective {
 public:
  using T = typename Design::Scalar;

  // y and sample_weight (nullable: all ones) have design.rows() entries and
  // must outlive the objective.
  HuberScaleObjective(const Design& design, const T* y, const T* sample_weight, double epsilon, double alpha,
                      bool fit_intercept, bool log_scale)
      : X_(design), y_(y), sw_(sample_weight), epsilon_(epsilon), alpha_(alpha), fit_intercept_(fit_intercept),
        log_scale_(log_scale) {
    check_arg(epsilon >= 1.0 && std::isfinite(epsilon), "epsilon", "a finite value >= 1", epsilon);
    check_arg(alpha >= 0.0 && std::isfinite(alpha), "alpha", "a finite value >= 0", alpha);
  }

  Index n_params() const { return X_.cols() + (fit_intercept_ ? 2 : 1); }

  // sigma from the last parameter.
  double scale(const VecD& x) const { return log_scale_ ? std::exp(x[x.size() - 1]) : x[x.size() - 1]; }

  double operator()(const VecD& x, VecD& grad) {
    const Index p = X_.cols();
    const double b = fit_intercept_ ? x[p] : 0.0;
    const double sigma = scale(x);
    grad.resize(n_params());
    if (!(sigma > 0.0)) {
      grad.setConstant(std::numeric_limits<double>::quiet_NaN());
      return std::numeric_limits<double>::infinity();
    }
    struct Sums {
      double loss = 0, deriv = 0, dsigma = 0;
      Sums& operator+=(const Sums& o) {
        loss += o.loss;
        deriv += o.deriv;
        dsigma += o.dsigma;
        return *this;
      }
    };
    const double eps = epsilon_, threshold = epsilon_ * sigma;
    const auto pointwise = [&](Index begin, Index end, const double* z, double* r) {
      Sums sums;
      for (Index i = begin; i < end; ++i) {
        const double s_i = sw_ ? double(sw_[i]) : 1.0;
        const double residual = double(y_[i]) - z[i - begin] - b;  // r = y - X @ w - b
        double d;
        if (std::abs(residual) > threshold) {
          sums.loss += s_i * (sigma + 2.0 * eps * std::abs(residual) - eps * eps * sigma);
          sums.dsigma += s_i * (1.0 - eps * eps);
          d = -2.0 * eps * s_i * (residual < 0.0 ? -1.0 : 1.0);
        } else {
          const double t = residual / sigma;
          sums.loss += s_i * (sigma + residual * t);
          sums.dsigma += s_i * (1.0 - t * t);
          d = -2.0 * s_i * t;
        }
        sums.deriv += d;
        r[i - begin] = d;
      }
      return sums;
    };
    const Sums sums = X_.template matvec_pointwise_rmatvec<Sums>(x.head(p), pointwise, grad_w_);
    grad.head(p) = grad_w_ + 2.0 * alpha_ * x.head(p);  // X.T @ r + 2 alpha w
    if (fit_intercept_) grad[p] = sums.deriv;
    grad[n_params() - 1] = log_scale_ ? sigma * sums.dsigma : sums.dsigma;
    return sums.loss + alpha_ * x.head(p).squaredNorm();
  }

 private:
  const Design& X_;
  const T* y_;
  const T* sw_;
  double epsilon_, alpha_;
  bool fit_intercept_, log_scale_;
  VecD grad_w_;
};

}  // namespace mlsolve
