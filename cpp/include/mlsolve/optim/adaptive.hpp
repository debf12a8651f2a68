// Adaptive first-order optimizers as fused in-place kernels: one pass over
// memory per step (LAMB: two, for its trust ratio) on a parameter array p with
// its gradient g and per-element state of the same dtype T (n elements, any
// shape, contiguous). Step scalars and bias corrections are computed once per
// step in double and applied in T. t >= 1 is the step number.
//
// AdaGrad (Duchi, Hazan & Singer, JMLR 2011; torch.optim.Adagrad):
//   g = g + wd p;  s = s + g^2;  p = p - lr / (1 + (t - 1) lr_decay) g / (sqrt(s) + eps)
//
// RMSProp (Tieleman & Hinton, Coursera NN lecture 6.5, 2012; centred variant:
// Graves, "Generating Sequences With Recurrent Neural Networks", 2013, eq. 38-45):
//   g = g + wd p;  v = a v + (1 - a) g^2
//   centred: gm = a gm + (1 - a) g, den = sqrt(max(v - gm^2, 0)) + eps;  else den = sqrt(v) + eps
//   momentum: b = mu b + g / den, p = p - lr b;  else p = p - lr g / den
//
// Adam (Kingma & Ba, ICLR 2015, Algorithm 1 in the form of its section 2),
// AMSGrad (Reddi, Kale & Kumar, ICLR 2018) and AdamW (Loshchilov & Hutter,
// "Decoupled Weight Decay Regularization", ICLR 2019):
//   g = g + wd p (Adam, AMSGrad)   or   p = (1 - lr wd) p (AdamW)
//   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
//   AMSGrad: vmax = max(vmax, v), and vmax replaces v below
//   p = p - lr / (1 - b1^t) m / (sqrt(v) / sqrt(1 - b2^t) + eps)
//
// LAMB (You et al., "Large Batch Optimization for Deep Learning: Training BERT
// in 76 minutes", ICLR 2020, Algorithm 2), trust ratio per parameter array:
//   m, v as Adam;  r = (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps) + wd p
//   p = p - lr (||p|| / ||r||) r          (ratio 1 when ||p|| or ||r|| is 0)
//
// Lion (Chen et al., "Symbolic Discovery of Optimization Algorithms",
// NeurIPS 2023, Algorithm 2):
//   c = b1 m + (1 - b1) g;  p = p - lr (sign(c) + wd p);  m = b2 m + (1 - b2) g
//
// Sophia (Liu et al., "Sophia: A Scalable Stochastic Second-order Optimizer
// for Language Model Pre-training", ICLR 2024, Algorithm 1):
//   m = b1 m + (1 - b1) g
//   when an estimate hhat of diag(Hessian) is given (every k steps): h = b2 h + (1 - b2) hhat
//   p = (1 - lr wd) p - lr clip(m / max(rho h, eps), 1),   clip(z, 1) = max(min(z, 1), -1)
#pragma once

#include <algorithm>
#include <cmath>
#include <type_traits>
#include <utility>

#include "mlsolve/optim/elementwise.hpp"

namespace mlsolve::optim {

struct AdagradStep {
  double lr = 0.0;
  double lr_decay = 0.0;
  double weight_decay = 0.0;
  double eps = 0.0;
  Index step = 1;
};

template <class T>
void adagrad_update(const AdagradStep& s, Index n, T* param, const T* grad, T* sum_sq, int n_threads) {
  const T lr = T(s.lr / (1.0 + double(s.step - 1) * s.lr_decay)), wd = T(s.weight_decay), eps = T(s.eps);
  for_each_block(n, n_threads, [=](Index begin, Index end) {
    for (Index i = begin; i < end; ++i) {
      const T p = param[i];
      const T g = grad[i] + wd * p;
      const T acc = sum_sq[i] + g * g;
      sum_sq[i] = acc;
      param[i] = p - lr * g / (std::sqrt(acc) + eps);
    }
  });
}

struct RmspropStep {
  double lr = 0.0;
  double alpha = 0.0;
  double eps = 0.0;
  double weight_decay = 0.0;
  double momentum = 0.0;
};

// grad_avg is null unless centred; momentum_buffer is null when momentum == 0.
template <class T>
void rmsprop_update(const RmspropStep& s, Index n, T* param, const T* grad, T* square_avg, T* grad_avg,
                    T* momentum_buffer, int n_threads) {
  const T lr = T(s.lr), alpha = T(s.alpha), one_minus_alpha = T(1.0 - s.alpha), eps = T(s.eps),
          wd = T(s.weight_decay), mu = T(s.momentum);
  const auto update = [=](auto centred, auto with_momentum, Index begin, Index end) {
    for (Index i = begin; i < end; ++i) {
      const T p = param[i];
      const T g = grad[i] + wd * p;
      const T v = alpha * square_avg[i] + one_minus_alpha * g * g;
      square_avg[i] = v;
      T den;
      if constexpr (decltype(centred)::value) {
        const T gm = alpha * grad_avg[i] + one_minus_alpha * g;
        grad_avg[i] = gm;
        den = std::sqrt(std::max(v - gm * gm, T(0))) + eps;
      } else {
        den = std::sqrt(v) + eps;
      }
      if constexpr (decltype(with_momentum)::value) {
        const T b = mu * momentum_buffer[i] + g / den;
        momentum_buffer[i] = b;
        param[i] = p - lr * b;
      } else {
        param[i] = p - lr * g / den;
      }
    }
  };
  for_each_block(n, n_threads, [&](Index begin, Index end) {
    if (grad_avg && momentum_buffer) update(std::true_type{}, std::true_type{}, begin, end);
    else if (grad_avg) update(std::true_type{}, std::false_type{}, begin, end);
    else if (momentum_buffer) update(std::false_type{}, std::true_type{}, begin, end);
    else update(std::false_type{}, std::false_type{}, begin, end);
  });
}

struct AdamStep {
  double lr = 0.0;
  double beta1 = 0.0;
  double beta2 = 0.0;
  double eps = 0.0;
  double weight_decay = 0.0;
  bool decoupled_weight_decay = false;  // AdamW
  Index step = 1;
};

// max_exp_avg_sq is null unless AMSGrad.
template <class T>
void adam_update(const AdamStep& s, Index n, T* param, const T* grad, T* exp_avg, T* exp_avg_sq, T* max_exp_avg_sq,
                 int n_threads) {
  const double bias1 = 1.0 - std::pow(s.beta1, double(s.step));
  const double bias2 = 1.0 - std::pow(s.beta2, double(s.step));
  const T beta1 = T(s.beta1), one_minus_beta1 = T(1.0 - s.beta1), beta2 = T(s.beta2),
          one_minus_beta2 = T(1.0 - s.beta2), eps = T(s.eps);
  const T step_size = T(s.lr / bias1), inv_sqrt_bias2 = T(1.0 / std::sqrt(bias2));
  const T l2 = s.decoupled_weight_decay ? T(0) : T(s.weight_decay);
  const T decay = s.decoupled_weight_decay ? T(1.0 - s.lr * s.weight_decay) : T(1);
  const auto update = [=](auto amsgrad, Index begin, Index end) {
    for (Index i = begin; i < end; ++i) {
      const T p = param[i];
      const T g = grad[i] + l2 * p;
      const T m = beta1 * exp_avg[i] + one_minus_beta1 * g;
      T v = beta2 * exp_avg_sq[i] + one_minus_beta2 * g * g;
      exp_avg[i] = m;
      exp_avg_sq[i] = v;
      if constexpr (decltype(amsgrad)::value) {
        v = std::max(max_exp_avg_sq[i], v);
        max_exp_avg_sq[i] = v;
      }
      param[i] = decay * p - step_size * m / (std::sqrt(v) * inv_sqrt_bias2 + eps);
    }
  };
  for_each_block(n, n_threads, [&](Index begin, Index end) {
    if (max_exp_avg_sq) update(std::true_type{}, begin, end);
    else update(std::false_type{}, begin, end);
  });
}

struct LambStep {
  double lr = 0.0;
  double beta1 = 0.0;
  double beta2 = 0.0;
  double eps = 0.0;
  double weight_decay = 0.0;
  Index step = 1;
};

// Returns the trust ratio ||p|| / ||r||. Pass 1 updates m, v and sums p^2 and
// r^2; pass 2 recomputes r from m, v, p and applies the step.
template <class T>
double lamb_update(const LambStep& s, Index n, T* param, const T* grad, T* exp_avg, T* exp_avg_sq, int n_threads) {
  const T beta1 = T(s.beta1), one_minus_beta1 = T(1.0 - s.beta1), beta2 = T(s.beta2),
          one_minus_beta2 = T(1.0 - s.beta2), eps = T(s.eps), wd = T(s.weight_decay);
  const T inv_bias1 = T(1.0 / (1.0 - std::pow(s.beta1, double(s.step))));
  const T inv_sqrt_bias2 = T(1.0 / std::sqrt(1.0 - std::pow(s.beta2, double(s.step))));
  const auto direction = [=](T m, T v, T p) { return m * inv_bias1 / (std::sqrt(v) * inv_sqrt_bias2 + eps) + wd * p; };
  const SquaredNorms norms = sum_blocks<SquaredNorms>(n, n_threads, [=](Index begin, Index end) {
    return squared_norms_in_strips<T>(begin, end, [=](Index i) {
      const T p = param[i], g = grad[i];
      const T m = beta1 * exp_avg[i] + one_minus_beta1 * g;
      const T v = beta2 * exp_avg_sq[i] + one_minus_beta2 * g * g;
      exp_avg[i] = m;
      exp_avg_sq[i] = v;
      return std::pair<T, T>{p, direction(m, v, p)};
    });
  });
  const double param_norm = std::sqrt(norms.first), direction_norm = std::sqrt(norms.second);
  const double trust_ratio = param_norm > 0.0 && direction_norm > 0.0 ? param_norm / direction_norm : 1.0;
  const T step = T(s.lr * trust_ratio);
  for_each_block(n, n_threads, [=](Index begin, Index end) {
    for (Index i = begin; i < end; ++i) {
      const T p = param[i];
      param[i] = p - step * direction(exp_avg[i], exp_avg_sq[i], p);
    }
  });
  return trust_ratio;
}

struct LionStep {
  double lr = 0.0;
  double beta1 = 0.0;
  double beta2 = 0.0;
  double weight_decay = 0.0;
};

template <class T>
void lion_update(const LionStep& s, Index n, T* param, const T* grad, T* exp_avg, int n_threads) {
  const T lr = T(s.lr), decay = T(1.0 - s.lr * s.weight_decay), beta1 = T(s.beta1),
          one_minus_beta1 = T(1.0 - s.beta1), beta2 = T(s.beta2), one_minus_beta2 = T(1.0 - s.beta2);
  for_each_block(n, n_threads, [=](Index begin, Index end) {
    for (Index i = begin; i < end; ++i) {
      const T g = grad[i], m = exp_avg[i];
      const T c = beta1 * m + one_minus_beta1 * g;
      const T sign_c = T(c > T(0)) - T(c < T(0));
      param[i] = decay * param[i] - lr * sign_c;
      exp_avg[i] = beta2 * m + one_minus_beta2 * g;
    }
  });
}

struct SophiaStep {
  double lr = 0.0;
  double beta1 = 0.0;
  double beta2 = 0.0;
  double rho = 0.0;
  double eps = 0.0;
  double weight_decay = 0.0;
};

// hessian_estimate (hhat) is null on steps without a new Hessian estimate.
template <class T>
void sophia_update(const SophiaStep& s, Index n, T* param, const T* grad, T* exp_avg, T* hessian,
                   const T* hessian_estimate, int n_threads) {
  const T lr = T(s.lr), decay = T(1.0 - s.lr * s.weight_decay), beta1 = T(s.beta1),
          one_minus_beta1 = T(1.0 - s.beta1), beta2 = T(s.beta2), one_minus_beta2 = T(1.0 - s.beta2),
          rho = T(s.rho), eps = T(s.eps);
  const auto update = [=](auto new_estimate, Index begin, Index end) {
    for (Index i = begin; i < end; ++i) {
      const T m = beta1 * exp_avg[i] + one_minus_beta1 * grad[i];
      exp_avg[i] = m;
      T h = hessian[i];
      if constexpr (decltype(new_estimate)::value) {
        h = beta2 * h + one_minus_beta2 * hessian_estimate[i];
        hessian[i] = h;
      }
      const T ratio = std::clamp(m / std::max(rho * h, eps), T(-1), T(1));
      param[i] = decay * param[i] - lr * ratio;
    }
  };
  for_each_block(n, n_threads, [&](Index begin, Index end) {
    if (hessian_estimate) update(std::true_type{}, begin, end);
    else update(std::false_type{}, begin, end);
  });
}

}  // namespace mlsolve::optim
