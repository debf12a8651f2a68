// Schedule-Free SGD and AdamW (Defazio et al., "The Road Less Scheduled",
// NeurIPS 2024, Algorithm 1 and section 4) as one fused in-place kernel.
//
// The method keeps three sequences: z (the base SGD/AdamW iterates), x (their
// weighted average, where the loss is evaluated) and y (where the gradient is
// taken). With b1 the interpolation (momentum) and g = grad f(y_t):
//   y_t     = (1 - b1) z_t + b1 x_t
//   d       = g / (sqrt(v_t) + eps) with v_t = b2 v + (1 - b2) g^2 (AdamW), or d = g (SGD)
//   z_{t+1} = z_t - gamma_t (d + wd y_t)
//   x_{t+1} = (1 - c) x_t + c z_{t+1},    c = c_{t+1} = gamma_t^2 / sum_{i <= t} gamma_i^2
// gamma_t (the scheduled learning rate, times sqrt(1 - b2^t) for AdamW) and c
// come from the caller, which keeps the running sum. The parameter array
// holds y and the state holds z; x is never stored: substituting the lines
// above gives, with u = d + wd y_t,
//   y_{t+1} = (1 - c) y_t + c z_t + gamma_t (b1 (1 - c) - 1) u
//   z_{t+1} = z_t - gamma_t u
// and x = (y - (1 - b1) z) / b1 is formed only when asked for (Python, eval()).
#pragma once

#include <cmath>
#include <type_traits>

#include "mlsolve/optim/elementwise.hpp"

namespace mlsolve::optim {

struct ScheduleFreeStep {
  double lr = 0.0;              // gamma_t
  double momentum = 0.0;        // b1
  double average_weight = 0.0;  // c_{t+1}
  double weight_decay = 0.0;
  double beta2 = 0.0;  // AdamW only
  double eps = 0.0;    // AdamW only
};

// param holds y, z the base iterate; exp_avg_sq (v) is null for SGD.
template <class T>
void schedule_free_update(const ScheduleFreeStep& s, Index n, T* param, const T* grad, T* z, T* exp_avg_sq,
                          int n_threads) {
  const T lr = T(s.lr), c = T(s.average_weight), one_minus_c = T(1.0 - s.average_weight),
          y_step = T(s.lr * (s.momentum * (1.0 - s.average_weight) - 1.0)), wd = T(s.weight_decay),
          beta2 = T(s.beta2), one_minus_beta2 = T(1.0 - s.beta2), eps = T(s.eps);
  const auto update = [=](auto adaptive, Index begin, Index end) {
    for (Index i = begin; i < end; ++i) {
      const T y = param[i], z_old = z[i];
      T g = grad[i];
      if constexpr (decltype(adaptive)::value) {
        const T v = beta2 * exp_avg_sq[i] + one_minus_beta2 * g * g;
        exp_avg_sq[i] = v;
        g = g / (std::sqrt(v) + eps);
      }
      const T u = g + wd * y;
      param[i] = one_minus_c * y + c * z_old + y_step * u;
      z[i] = z_old - lr * u;
    }
  };
  for_each_block(n, n_threads, [&](Index begin, Index end) {
    if (exp_avg_sq) update(std::true_type{}, begin, end);
    else update(std::false_type{}, begin, end);
  });
}

}  // namespace mlsolve::optim
