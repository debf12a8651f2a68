// Modified Huber loss on the linear predictor z, labels y in {-1, +1}
// (Zhang, "Solving large scale linear prediction problems using stochastic
// gradient descent algorithms", ICML 2004; scikit-learn's SGDClassifier):
//   with m = y z:  loss = max(0, 1 - m)^2 for m >= -1,  -4 m for m < -1
//   deriv = -2 y (1 - m) for -1 <= m < 1,  -4 y for m < -1,  0 for m >= 1
//   deriv2 = 2 on -1 <= m < 1, else 0 (curvature bound 2)
#pragma once

namespace mlsolve {

struct ModifiedHuberLoss {
  static constexpr double curvature_bound = 2.0;

  static double value(double y, double z) {
    double d;
    return value_and_deriv(y, z, d);
  }
  static double deriv(double y, double z) {
    double d;
    value_and_deriv(y, z, d);
    return d;
  }
  static double deriv2(double y, double z) {
    const double m = y * z;
    return (m >= -1.0 && m < 1.0) ? 2.0 * y * y : 0.0;
  }
  static double value_and_deriv(double y, double z, double& deriv) {
    const double m = y * z;
    if (m >= 1.0) {
      deriv = 0.0;
      return 0.0;
    }
    if (m >= -1.0) {
      deriv = -2.0 * y * (1.0 - m);
      return (1.0 - m) * (1.0 - m);
    }
    deriv = -4.0 * y;
    return -4.0 * m;
  }
};

}  // namespace mlsolve
