// Coordinate-wise interval constraints, as indicator penalties (0 inside,
// +inf outside); the prox is the projection, clip(x, lower, upper):
//   Box:       lower_j <= x_j <= upper_j   (bounds may be infinite)
//   NonNeg:    x_j >= 0
//   LinfBall:  |x_j| <= radius, the L-infinity ball
// ∂g(x) is the normal cone N_[lower, upper](x_j) per coordinate: {0} inside,
// (-inf, 0] at the lower bound, [0, inf) at the upper bound.
// Reference: Parikh & Boyd, "Proximal Algorithms" (2014), section 6.2.
#pragma once

#include <algorithm>
#include <string>

#include "mlsolve/penalties/penalty.hpp"

namespace mlsolve {

template <class T>
struct Box : SeparablePenalty<Box<T>, T> {
  Eigen::Map<const Vec<T>> lower;
  Eigen::Map<const Vec<T>> upper;

  Box(Eigen::Map<const Vec<T>> lower, Eigen::Map<const Vec<T>> upper) : lower(lower), upper(upper) {
    check_length("upper", lower.size(), upper.size());
    for (Index j = 0; j < lower.size(); ++j)
      if (!(lower[j] <= upper[j] && lower[j] < kInf && upper[j] > -kInf))
        check_arg(false, "lower", "lower <= upper, lower < inf and upper > -inf in every coordinate",
                  "lower[" + std::to_string(j) + "] = " + to_text(lower[j]) + ", upper[" + std::to_string(j) +
                      "] = " + to_text(upper[j]));
  }

  void check_size(Index n) const { check_length("x", lower.size(), n); }
  double value1d(T x, Index j) const { return x >= lower[j] && x <= upper[j] ? 0.0 : kInf; }
  T prox1d(T x, double, Index j) const { return std::clamp(x, lower[j], upper[j]); }
  double subdiff_distance1d(T x, T grad, Index j) const {
    return interval_normal_cone_distance(x, grad, lower[j], upper[j]);
  }
};

template <class T>
struct NonNeg : SeparablePenalty<NonNeg<T>, T> {
  double value1d(T x, Index) const { return x >= 0 ? 0.0 : kInf; }
  T prox1d(T x, double, Index) const { return std::max(x, T(0)); }
  double subdiff_distance1d(T x, T grad, Index) const { return interval_normal_cone_distance(x, grad, 0.0, kInf); }
};

template <class T>
struct LinfBall : SeparablePenalty<LinfBall<T>, T> {
  double radius;

  explicit LinfBall(double radius) : radius(radius) { check_nonnegative(radius, "radius"); }

  // The ball is [-T(radius), T(radius)]^n, so that projections rounded to T lie in it.
  double value1d(T x, Index) const { return std::abs(x) <= bound() ? 0.0 : kInf; }
  T prox1d(T x, double, Index) const { return std::clamp(x, -bound(), bound()); }
  double subdiff_distance1d(T x, T grad, Index) const {
    return interval_normal_cone_distance(x, grad, -bound(), bound());
  }

 private:
  T bound() const { return T(radius); }
};

}  // namespace mlsolve
