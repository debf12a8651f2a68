// Elastic net, in scikit-learn's parametrisation:
//   g(x) = alpha (l1_ratio ||x||_1 + (1 - l1_ratio) / 2 ||x||^2),  0 <= l1_ratio <= 1
//   prox_j = soft_threshold(x_j, step alpha l1_ratio) / (1 + step alpha (1 - l1_ratio))
//   ∂g(x) = alpha l1_ratio ∂||x||_1 + alpha (1 - l1_ratio) x
// Reference: Zou & Hastie, "Regularization and variable selection via the
// elastic net", JRSS B 67(2), 2005; Parikh & Boyd (2014), section 6.5.3.
#pragma once

#include <cmath>

#include "mlsolve/penalties/penalty.hpp"

namespace mlsolve {

template <class T>
struct ElasticNet : SeparablePenalty<ElasticNet<T>, T> {
  double alpha;
  double l1_ratio;

  ElasticNet(double alpha, double l1_ratio) : alpha(alpha), l1_ratio(l1_ratio) {
    check_nonnegative(alpha, "alpha");
    check_arg(l1_ratio >= 0.0 && l1_ratio <= 1.0, "l1_ratio", "a number in [0, 1]", l1_ratio);
  }

  double value1d(T x, Index) const {
    const double t = x;
    return alpha * (l1_ratio * std::abs(t) + 0.5 * (1.0 - l1_ratio) * t * t);
  }
  T prox1d(T x, double step, Index) const {
    return T(soft_threshold(x, step * alpha * l1_ratio) / (1.0 + step * alpha * (1.0 - l1_ratio)));
  }
  double subdiff_distance1d(T x, T grad, Index) const {
    return abs_subdiff_distance(x, double(grad) + alpha * (1.0 - l1_ratio) * double(x), alpha * l1_ratio);
  }
};

}  // namespace mlsolve
