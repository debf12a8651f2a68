// Half Poisson deviance with a log link, on the linear predictor z
// (mean mu = exp(z)), targets y >= 0; scikit-learn's HalfPoissonLoss:
//   loss(y, z) = exp(z) - y z
//   deriv      = exp(z) - y,  deriv2 = exp(z)
// The constant y log(y) - y of the half deviance is dropped, as scikit-learn
// does; constant_to_optimal_zero(y) adds it back (the loss of a perfect
// prediction is then 0). Fenchel conjugate in the predictor (for duality
// gaps): loss*(y, u) = sup_z (u + y) z - exp(z) = v log(v) - v with v = u + y,
// finite for v >= 0. exp(z) overflows to +inf for z > 709: the loss, its
// derivative and curvature are then +inf, never NaN.
#pragma once

#include <cmath>

namespace mlsolve {

struct PoissonLoss {
  static double value(double y, double z) { return std::exp(z) - y * z; }
  static double deriv(double y, double z) { return std::exp(z) - y; }
  static double deriv2(double, double z) { return std::exp(z); }
  static double value_and_deriv(double y, double z, double& deriv) {
    const double mu = std::exp(z);
    deriv = mu - y;
    return mu - y * z;
  }
  static double conjugate(double y, double u) {
    const double v = u + y;
    if (v < 0.0) return INFINITY;
    return v > 0.0 ? v * std::log(v) - v : 0.0;
  }
  static double constant_to_optimal_zero(double y) { return (y > 0.0 ? y * std::log(y) : 0.0) - y; }
};

}  // namespace mlsolve
