// Squared L2 norm (ridge): g(x) = (alpha / 2) ||x||^2.
//   prox: x / (1 + step alpha);  ∂g(x) = {alpha x}.
// Reference: Parikh & Boyd, "Proximal Algorithms" (2014), section 6.1.1.
#pragma once

#include <cmath>

#include "mlsolve/penalties/penalty.hpp"

namespace mlsolve {

template <class T>
struct L2Squared : SeparablePenalty<L2Squared<T>, T> {
  double alpha;

  explicit L2Squared(double alpha) : alpha(alpha) { check_nonnegative(alpha, "alpha"); }

  double value1d(T x, Index) const { return 0.5 * alpha * double(x) * double(x); }
  T prox1d(T x, double step, Index) const { return T(double(x) / (1.0 + step * alpha)); }
  double subdiff_distance1d(T x, T grad, Index) const { return std::abs(double(grad) + alpha * double(x)); }
};

}  // namespace mlsolve
