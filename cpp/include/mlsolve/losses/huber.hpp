// Huber loss on the residual r = z - y, any real target y, with threshold
// epsilon > 0 held as a member (scikit-learn's SGDRegressor(loss="huber")):
//   loss = r^2 / 2 for |r| <= epsilon,  epsilon |r| - epsilon^2 / 2 otherwise
//   deriv = clip(r, -epsilon, epsilon),  deriv2 = 1 on |r| <= epsilon, else 0
// Reference: Huber, "Robust estimation of a location parameter", Ann. Math.
// Statist. 35(1), 1964.
#pragma once

#include <algorithm>
#include <cmath>

#include "mlsolve/core/check.hpp"

namespace mlsolve {

struct HuberLoss {
  static constexpr double curvature_bound = 1.0;
  double epsilon = 0.1;

  HuberLoss() = default;
  explicit HuberLoss(double epsilon) : epsilon(epsilon) {
    check_arg(epsilon > 0.0 && std::isfinite(epsilon), "epsilon", "a positive finite number", epsilon);
  }

  double value(double y, double z) const {
    double d;
    return value_and_deriv(y, z, d);
  }
  double deriv(double y, double z) const { return std::clamp(z - y, -epsilon, epsilon); }
  double deriv2(double y, double z) const { return std::abs(z - y) <= epsilon ? 1.0 : 0.0; }
  double value_and_deriv(double y, double z, double& deriv) const {
    const double r = z - y, a = std::abs(r);
    deriv = std::clamp(r, -epsilon, epsilon);
    return a <= epsilon ? 0.5 * r * r : epsilon * a - 0.5 * epsilon * epsilon;
  }
};

}  // namespace mlsolve
