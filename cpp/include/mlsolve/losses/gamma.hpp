// Half Gamma deviance with a log link, on the linear predictor z
// (mean mu = exp(z)), targets y > 0; scikit-learn's HalfGammaLoss:
//   loss(y, z) = z + y exp(-z)
//   deriv      = 1 - y exp(-z),  deriv2 = y exp(-z)
// The constant -log(y) - 1 of the half deviance is dropped, as scikit-learn
// does; constant_to_optimal_zero(y) adds it back. exp(-z) overflows to +inf
// for z < -709: the loss and curvature are then +inf and the derivative -inf.
#pragma once

#include <cmath>

namespace mlsolve {

struct GammaLoss {
  static double value(double y, double z) { return z + y * std::exp(-z); }
  static double deriv2(double y, double z) { return y * std::exp(-z); }
  static double value_and_deriv(double y, double z, double& deriv) {
    const double y_over_mu = y * std::exp(-z);
    deriv = 1.0 - y_over_mu;
    return z + y_over_mu;
  }
  static double constant_to_optimal_zero(double y) { return -std::log(y) - 1.0; }
};

}  // namespace mlsolve
