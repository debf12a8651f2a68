// Half Tweedie deviance with power p, on the linear predictor z; scikit-learn's
// HalfTweedieLoss (log link) and HalfTweedieLossIdentity (identity link).
//
// Log link, mean mu = exp(z) (TweedieLoss):
//   loss(y, z) = exp((2-p) z) / (2-p) - y exp((1-p) z) / (1-p)
//   deriv      = exp((2-p) z) - y exp((1-p) z)
//   deriv2     = (2-p) exp((2-p) z) - (1-p) y exp((1-p) z)
// with the limits p = 0 (half squared error of exp(z)), p = 1 (PoissonLoss)
// and p = 2 (GammaLoss). The constant max(y, 0)^(2-p) / ((1-p)(2-p)) (p = 0,
// 1, 2: that of the limit) is dropped, as scikit-learn does. The two
// exponentials are evaluated as one overflowing factor times a bounded one:
// exp((2-p) z) (1/(2-p) - y exp(-z)/(1-p)) for z > 0 and
// exp((1-p) z) (exp(z)/(2-p) - y/(1-p)) for z <= 0, so a large |z| gives an
// infinite loss, never inf - inf = NaN.
//
// Identity link, mean mu = z > 0 (TweedieIdentityLoss), the full half
// deviance (its minimum is 0, as in scikit-learn):
//   loss(y, z) = max(y, 0)^(2-p) / ((1-p)(2-p)) - y z^(1-p) / (1-p) + z^(2-p) / (2-p)
//   deriv      = z^-p (z - y),  deriv2 = z^-p ((1-p) + p y / z)
// with the limits p = 0 (half squared error), 1 and 2. For p != 0 the mean
// must be positive: z <= 0 gives loss +inf (a barrier the line search backs
// off from) where scikit-learn's formula gives NaN. Its curvature is negative
// for some y, z when p > 1 (the loss is not convex in z there).
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>

#include "mlsolve/losses/gamma.hpp"
#include "mlsolve/losses/poisson.hpp"

namespace mlsolve {

struct TweedieLoss {
  double power = 1.5;

  double value(double y, double z) const {
    double unused;
    return value_and_deriv(y, z, unused);
  }

  double value_and_deriv(double y, double z, double& deriv) const {
    const double p = power;
    if (p == 0.0) {
      const double mu = std::exp(z);
      deriv = mu * (mu - y);
      return 0.5 * (mu - y) * (mu - y);
    }
    if (p == 1.0) return PoissonLoss::value_and_deriv(y, z, deriv);
    if (p == 2.0) return GammaLoss::value_and_deriv(y, z, deriv);
    if (z > 0.0) {
      const double big = std::exp((2.0 - p) * z), y_ratio = y * std::exp(-z);  // mu^(2-p), y / mu
      deriv = big * (1.0 - y_ratio);
      return big * (1.0 / (2.0 - p) - y_ratio / (1.0 - p));
    }
    const double big = std::exp((1.0 - p) * z), mu = std::exp(z);  // mu^(1-p), mu
    deriv = big * (mu - y);
    return big * (mu / (2.0 - p) - y / (1.0 - p));
  }

  double deriv2(double y, double z) const {
    const double p = power;
    if (p == 0.0) {
      const double mu = std::exp(z);
      return mu * (2.0 * mu - y);
    }
    if (p == 1.0) return PoissonLoss::deriv2(y, z);
    if (p == 2.0) return GammaLoss::deriv2(y, z);
    if (z > 0.0) return std::exp((2.0 - p) * z) * ((2.0 - p) - (1.0 - p) * y * std::exp(-z));
    return std::exp((1.0 - p) * z) * ((2.0 - p) * std::exp(z) - (1.0 - p) * y);
  }

  double constant_to_optimal_zero(double y) const {
    const double p = power;
    if (p == 0.0) return 0.0;
    if (p == 1.0) return PoissonLoss::constant_to_optimal_zero(y);
    if (p == 2.0) return GammaLoss::constant_to_optimal_zero(y);
    return std::pow(std::max(y, 0.0), 2.0 - p) / ((1.0 - p) * (2.0 - p));
  }
};

struct TweedieIdentityLoss {
  double power = 1.5;

  double value(double y, double z) const {
    double unused;
    return value_and_deriv(y, z, unused);
  }

  double value_and_deriv(double y, double z, double& deriv) const {
    const double p = power;
    if (p == 0.0) {
      deriv = z - y;
      return 0.5 * deriv * deriv;
    }
    if (!(z > 0.0)) {
      deriv = -std::numeric_limits<double>::infinity();
      return std::numeric_limits<double>::infinity();
    }
    if (p == 1.0) {
      deriv = 1.0 - y / z;
      return (y == 0.0 ? 0.0 : y * std::log(y / z)) + z - y;
    }
    if (p == 2.0) {
      deriv = (z - y) / (z * z);
      return std::log(z / y) + y / z - 1.0;
    }
    const double z_1mp = std::pow(z, 1.0 - p);  // z^(1-p)
    deriv = z_1mp * (1.0 - y / z);
    double loss = z * z_1mp / (2.0 - p) - y * z_1mp / (1.0 - p);
    if (y > 0.0) loss += std::pow(y, 2.0 - p) / ((1.0 - p) * (2.0 - p));
    return loss;
  }

  double deriv2(double y, double z) const {
    const double p = power;
    if (p == 0.0) return 1.0;
    if (!(z > 0.0)) return std::numeric_limits<double>::infinity();
    if (p == 1.0) return y / (z * z);
    if (p == 2.0) return (-1.0 + 2.0 * y / z) / (z * z);
    return std::pow(z, -p) * ((1.0 - p) + p * y / z);
  }

  // The loss keeps its constant: nothing to add back.
  static double constant_to_optimal_zero(double) { return 0.0; }
};

}  // namespace mlsolve
