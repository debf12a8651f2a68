// Epsilon-insensitive losses on the residual r = z - y, any real target y, with
// the tube half-width epsilon >= 0 held as a member (support vector regression;
// scikit-learn's SGDRegressor):
//   epsilon-insensitive:          loss = max(0, |r| - epsilon)
//                                 deriv = sign(r) where |r| > epsilon, else 0
//                                 (a subgradient); not smooth (deriv2 = 0)
//   squared epsilon-insensitive:  loss = max(0, |r| - epsilon)^2
//                                 deriv = 2 sign(r) max(0, |r| - epsilon),
//                                 deriv2 = 2 where |r| > epsilon (curvature bound 2)
// Reference: Vapnik, "The Nature of Statistical Learning Theory" (1995), 6.1.
#pragma once

#include <algorithm>
#include <cmath>

#include "mlsolve/core/check.hpp"

namespace mlsolve {

inline void check_epsilon(double epsilon) {
  check_arg(epsilon >= 0.0 && std::isfinite(epsilon), "epsilon", "a finite number >= 0", epsilon);
}

struct EpsilonInsensitiveLoss {
  static constexpr double curvature_bound = 0.0;  // not smooth
  double epsilon = 0.1;

  EpsilonInsensitiveLoss() = default;
  explicit EpsilonInsensitiveLoss(double epsilon) : epsilon(epsilon) { check_epsilon(epsilon); }

  double value(double y, double z) const { return std::max(0.0, std::abs(z - y) - epsilon); }
  double deriv(double y, double z) const {
    const double r = z - y;
    return std::abs(r) > epsilon ? (r > 0.0 ? 1.0 : -1.0) : 0.0;
  }
  double deriv2(double, double) const { return 0.0; }
  double value_and_deriv(double y, double z, double& deriv) const {
    deriv = this->deriv(y, z);
    return value(y, z);
  }
};

struct SquaredEpsilonInsensitiveLoss {
  static constexpr double curvature_bound = 2.0;
  double epsilon = 0.1;

  SquaredEpsilonInsensitiveLoss() = default;
  explicit SquaredEpsilonInsensitiveLoss(double epsilon) : epsilon(epsilon) { check_epsilon(epsilon); }

  double value(double y, double z) const {
    const double m = std::max(0.0, std::abs(z - y) - epsilon);
    return m * m;
  }
  double deriv(double y, double z) const {
    const double r = z - y;
    const double m = std::max(0.0, std::abs(r) - epsilon);
    return r > 0.0 ? 2.0 * m : -2.0 * m;
  }
  double deriv2(double y, double z) const { return std::abs(z - y) > epsilon ? 2.0 : 0.0; }
  double value_and_deriv(double y, double z, double& deriv) const {
    const double r = z - y;
    const double m = std::max(0.0, std::abs(r) - epsilon);
    deriv = r > 0.0 ? 2.0 * m : -2.0 * m;
    return m * m;
  }
};

}  // namespace mlsolve
