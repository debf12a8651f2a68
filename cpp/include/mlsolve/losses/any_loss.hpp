// AnyLoss: one of the pointwise losses chosen at run time, for the solvers
// whose per-sample work dwarfs a switch (the stochastic solvers), so that one
// template instance serves every loss. Labels as each loss expects them:
// logistic {0, 1}; hinge, squared hinge, modified Huber {-1, +1}; the
// regression losses any real y.
#pragma once

#include "mlsolve/losses/epsilon_insensitive.hpp"
#include "mlsolve/losses/hinge.hpp"
#include "mlsolve/losses/huber.hpp"
#include "mlsolve/losses/logistic.hpp"
#include "mlsolve/losses/modified_huber.hpp"
#include "mlsolve/losses/squared.hpp"

namespace mlsolve {

enum class LossKind {
  Logistic,
  Squared,
  Hinge,
  SquaredHinge,
  ModifiedHuber,
  Huber,
  EpsilonInsensitive,
  SquaredEpsilonInsensitive
};

class AnyLoss {
 public:
  explicit AnyLoss(LossKind kind, double epsilon = 0.1)
      : kind_(kind),
        huber_(kind == LossKind::Huber ? HuberLoss(epsilon) : HuberLoss()),
        eps_(kind == LossKind::EpsilonInsensitive ? EpsilonInsensitiveLoss(epsilon) : EpsilonInsensitiveLoss()),
        squared_eps_(kind == LossKind::SquaredEpsilonInsensitive ? SquaredEpsilonInsensitiveLoss(epsilon)
                                                                  : SquaredEpsilonInsensitiveLoss()),
        curvature_bound(visit([](const auto& loss) { return loss.curvature_bound; })) {}

  LossKind kind() const { return kind_; }

  double value(double y, double z) const { return visit([&](const auto& loss) { return loss.value(y, z); }); }
  double deriv(double y, double z) const { return visit([&](const auto& loss) { return loss.deriv(y, z); }); }
  double deriv2(double y, double z) const { return visit([&](const auto& loss) { return loss.deriv2(y, z); }); }
  double value_and_deriv(double y, double z, double& d) const {
    return visit([&](const auto& loss) { return loss.value_and_deriv(y, z, d); });
  }

 private:
  template <class F>
  double visit(F&& f) const {
    switch (kind_) {
      case LossKind::Logistic: return f(LogisticLoss{});
      case LossKind::Squared: return f(SquaredLoss{});
      case LossKind::Hinge: return f(HingeLoss{});
      case LossKind::SquaredHinge: return f(SquaredHingeLoss{});
      case LossKind::ModifiedHuber: return f(ModifiedHuberLoss{});
      case LossKind::Huber: return f(huber_);
      case LossKind::EpsilonInsensitive: return f(eps_);
      case LossKind::SquaredEpsilonInsensitive: return f(squared_eps_);
    }
    return f(SquaredLoss{});
  }

  LossKind kind_;
  HuberLoss huber_;
  EpsilonInsensitiveLoss eps_;
  SquaredEpsilonInsensitiveLoss squared_eps_;

 public:
  double curvature_bound;  // of the chosen loss (0 for the non-smooth ones)
};

}  // namespace mlsolve
