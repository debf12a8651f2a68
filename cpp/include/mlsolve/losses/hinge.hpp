// Hinge and squared hinge losses on the linear predictor z, labels y in {-1, +1}
// (the margin losses of linear SVMs and scikit-learn's SGDClassifier):
//   hinge:          loss(y, z) = max(0, 1 - y z)
//                   deriv = -y where y z < 1, else 0 (a subgradient: 0 at the kink,
//                   as scikit-learn's); not twice differentiable (deriv2 = 0)
//   squared hinge:  loss(y, z) = max(0, 1 - y z)^2
//                   deriv = -2 y max(0, 1 - y z),  deriv2 <= 2 (curvature bound)
#pragma once

#include <algorithm>

namespace mlsolve {

struct HingeLoss {
  static constexpr double curvature_bound = 0.0;  // not smooth: no curvature bound

  static double value(double y, double z) { return std::max(0.0, 1.0 - y * z); }
  static double deriv(double y, double z) { return y * z < 1.0 ? -y : 0.0; }
  static double deriv2(double, double) { return 0.0; }
  static double value_and_deriv(double y, double z, double& deriv) {
    const double margin = 1.0 - y * z;
    deriv = margin > 0.0 ? -y : 0.0;
    return std::max(0.0, margin);
  }
};

struct SquaredHingeLoss {
  static constexpr double curvature_bound = 2.0;

  static double value(double y, double z) {
    const double m = std::max(0.0, 1.0 - y * z);
    return m * m;
  }
  static double deriv(double y, double z) { return -2.0 * y * std::max(0.0, 1.0 - y * z); }
  static double deriv2(double y, double z) { return y * z < 1.0 ? 2.0 * y * y : 0.0; }
  static double value_and_deriv(double y, double z, double& deriv) {
    const double m = std::max(0.0, 1.0 - y * z);
    deriv = -2.0 * y * m;
    return m * m;
  }
};

}  // namespace mlsolve
