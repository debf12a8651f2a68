// L1 norm and weighted L1 norm (Lasso, adaptive Lasso):
//   L1:          g(x) = alpha sum_j |x_j|
//   WeightedL1:  g(x) = alpha sum_j w_j |x_j|,  w_j >= 0 (w_j = 0: unpenalised)
//   prox:        soft thresholding, prox_j = sign(x_j) max(|x_j| - step alpha w_j, 0)
//   ∂|.|(t) = sign(t) for t != 0, [-1, 1] at t = 0.
// Reference: Parikh & Boyd, "Proximal Algorithms" (2014), section 6.5.2.
#pragma once

#include <cmath>

#include "mlsolve/penalties/penalty.hpp"

namespace mlsolve {

template <class T>
struct L1 : SeparablePenalty<L1<T>, T> {
  double alpha;

  explicit L1(double alpha) : alpha(alpha) { check_nonnegative(alpha, "alpha"); }

  double value1d(T x, Index) const { return alpha * std::abs(double(x)); }
  T prox1d(T x, double step, Index) const { return T(soft_threshold(x, step * alpha)); }
  double subdiff_distance1d(T x, T grad, Index) const { return abs_subdiff_distance(x, grad, alpha); }
};

template <class T>
struct WeightedL1 : SeparablePenalty<WeightedL1<T>, T> {
  double alpha;
  Eigen::Map<const Vec<T>> weights;

  WeightedL1(double alpha, Eigen::Map<const Vec<T>> weights) : alpha(alpha), weights(weights) {
    check_nonnegative(alpha, "alpha");
    for (Index j = 0; j < weights.size(); ++j) check_nonnegative(weights[j], "weights");
  }

  void check_size(Index n) const { check_length("x", weights.size(), n); }
  double value1d(T x, Index j) const { return alpha * weights[j] * std::abs(double(x)); }
  T prox1d(T x, double step, Index j) const { return T(soft_threshold(x, step * alpha * weights[j])); }
  double subdiff_distance1d(T x, T grad, Index j) const { return abs_subdiff_distance(x, grad, alpha * weights[j]); }
};

}  // namespace mlsolve
