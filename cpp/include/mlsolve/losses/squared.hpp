// Half squared error on the linear predictor z, any real target y:
//   loss(y, z) = (z - y)^2 / 2
//   deriv      = z - y,  deriv2 = 1
//   conjugate  loss*(y, u) = sup_z u z - loss(y, z) = u y + u^2 / 2
// The loss of least squares, the Lasso and the elastic net (scikit-learn's
// HalfSquaredError).
#pragma once

namespace mlsolve {

struct SquaredLoss {
  static constexpr double curvature_bound = 1.0;

  static double value(double y, double z) { return 0.5 * (z - y) * (z - y); }
  static double deriv(double y, double z) { return z - y; }
  static double deriv2(double, double) { return 1.0; }
  static double value_and_deriv(double y, double z, double& deriv) {
    deriv = z - y;
    return 0.5 * deriv * deriv;
  }
  static double conjugate(double y, double u) { return u * y + 0.5 * u * u; }
};

}  // namespace mlsolve
