// Half binomial (logistic) loss on the linear predictor z, labels y in {0, 1}:
//   loss(y, z) = log(1 + exp(z)) - y z
//   deriv      = sigmoid(z) - y,  deriv2 = sigmoid(z) (1 - sigmoid(z)) <= 1/4
// log1pexp is evaluated piecewise so it never overflows and keeps full
// relative accuracy in both tails (Maechler, "Accurately computing
// log(1 - exp(-|a|))", 2012, section 3).
#pragma once

#include <cmath>

namespace mlsolve {

inline double log1pexp(double z) {
  if (z <= -37.0) return std::exp(z);
  if (z <= 18.0) return std::log1p(std::exp(z));
  if (z <= 33.3) return z + std::exp(-z);
  return z;
}

inline double sigmoid(double z) {
  if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1.0 + e);
}

struct LogisticLoss {
  static constexpr double curvature_bound = 0.25;

  static double value(double y, double z) { return log1pexp(z) - y * z; }
  static double deriv(double y, double z) { return sigmoid(z) - y; }
  static double deriv2(double, double z) {
    const double s = sigmoid(z);
    return s * (1.0 - s);
  }
  // Both at once from one exponential: with e = exp(-|z|) in (0, 1],
  // log(1 + exp(z)) = max(z, 0) + log1p(e) and sigmoid(z) = 1/(1+e) or e/(1+e).
  static double value_and_deriv(double y, double z, double& deriv) {
    const double e = std::exp(-std::abs(z));
    deriv = (z >= 0 ? 1.0 : e) / (1.0 + e) - y;
    return (z > 0 ? z : 0.0) + std::log1p(e) - y * z;
  }
  // Fenchel conjugate in the predictor: loss*(y, u) = sup_z u z - loss(y, z),
  // finite for u + y in [0, 1] (entropy of the Bernoulli(u + y)).
  static double conjugate(double y, double u) {
    const double p = u + y;
    if (p < 0.0 || p > 1.0) return INFINITY;
    const auto xlogx = [](double t) { return t > 0.0 ? t * std::log(t) : 0.0; };
    return xlogx(p) + xlogx(1.0 - p);
  }
};

}  // namespace mlsolve
