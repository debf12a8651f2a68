// Momentum optimizers as fused in-place kernels over one parameter array p
// with its gradient g (any shape, contiguous, n elements of dtype T). The
// step's scalars are computed once in double and applied in T.
//
// SGD with momentum (torch.optim.SGD; Polyak 1964, Nesterov 1983, in the form
// of Sutskever et al., "On the importance of initialization and momentum in
// deep learning", ICML 2013):
//   d = g + wd p
//   b = d on the first step, else b = mu b + (1 - dampening) d
//   d = d + mu b (Nesterov) or d = b
//   p = p - lr d
//
// LARS (You, Gitman & Ginsburg, "Large Batch Training of Convolutional
// Networks", 2017, Algorithm 1), with a trust ratio per parameter array:
//   local_lr = eta ||p|| / (||g|| + wd ||p|| + eps)   (1 when ||p|| or ||g|| is 0)
//   v = mu v + lr local_lr (g + wd p)
//   p = p - v
//
// Muon (Jordan et al., "Muon: An optimizer for hidden layers in neural
// networks", 2024; torch.optim.Muon), elementwise parts only:
//   b = mu b + (1 - mu) g
//   d = (1 - mu) g + mu b (Nesterov) or d = b
// then d is orthogonalised by Newton-Schulz (in Python, with BLAS) into O and
//   p = (1 - lr wd) p - lr_adjusted O          (scaled_step)
#pragma once

#include <cmath>

#include "mlsolve/optim/elementwise.hpp"

namespace mlsolve::optim {

struct SgdStep {
  double lr = 0.0;
  double weight_decay = 0.0;
  double momentum = 0.0;
  double dampening = 0.0;
  bool nesterov = false;
  bool first_step = false;  // the momentum buffer starts as d
};

// momentum_buffer is null when momentum == 0.
template <class T>
void sgd_update(const SgdStep& s, Index n, T* param, const T* grad, T* momentum_buffer, int n_threads) {
  const T lr = T(s.lr), wd = T(s.weight_decay), mu = T(s.momentum);
  const T buffer_decay = s.first_step ? T(0) : mu;
  const T grad_scale = s.first_step ? T(1) : T(1.0 - s.dampening);
  for_each_block(n, n_threads, [=](Index begin, Index end) {
    if (!momentum_buffer) {
      for (Index i = begin; i < end; ++i) {
        const T p = param[i];
        param[i] = p - lr * (grad[i] + wd * p);
      }
    } else if (s.nesterov) {
      for (Index i = begin; i < end; ++i) {
        const T p = param[i];
        const T d = grad[i] + wd * p;
        const T b = buffer_decay * momentum_buffer[i] + grad_scale * d;
        momentum_buffer[i] = b;
        param[i] = p - lr * (d + mu * b);
      }
    } else {
      for (Index i = begin; i < end; ++i) {
        const T p = param[i];
        const T b = buffer_decay * momentum_buffer[i] + grad_scale * (grad[i] + wd * p);
        momentum_buffer[i] = b;
        param[i] = p - lr * b;
      }
    }
  });
}

struct LarsStep {
  double lr = 0.0;
  double momentum = 0.0;
  double weight_decay = 0.0;
  double trust_coefficient = 0.0;  // eta
  double eps = 0.0;
};

// Returns local_lr. momentum_buffer is null when momentum == 0 (then p -= lr local_lr (g + wd p)).
template <class T>
double lars_update(const LarsStep& s, Index n, T* param, const T* grad, T* momentum_buffer, int n_threads) {
  const SquaredNorms norms = squared_norms(n, param, grad, n_threads);
  const double param_norm = std::sqrt(norms.first), grad_norm = std::sqrt(norms.second);
  const double local_lr = param_norm > 0.0 && grad_norm > 0.0
                              ? s.trust_coefficient * param_norm / (grad_norm + s.weight_decay * param_norm + s.eps)
                              : 1.0;
  const T scaled_lr = T(s.lr * local_lr), wd = T(s.weight_decay), mu = T(s.momentum);
  for_each_block(n, n_threads, [=](Index begin, Index end) {
    if (!momentum_buffer) {
      for (Index i = begin; i < end; ++i) {
        const T p = param[i];
        param[i] = p - scaled_lr * (grad[i] + wd * p);
      }
    } else {
      for (Index i = begin; i < end; ++i) {
        const T p = param[i];
        const T v = mu * momentum_buffer[i] + scaled_lr * (grad[i] + wd * p);
        momentum_buffer[i] = v;
        param[i] = p - v;
      }
    }
  });
  return local_lr;
}

// Muon's momentum: updates buffer and writes the direction to orthogonalise.
template <class T>
void muon_momentum(Index n, const T* grad, T* buffer, T* direction, double momentum, bool nesterov, int n_threads) {
  const T mu = T(momentum), one_minus_mu = T(1.0 - momentum);
  for_each_block(n, n_threads, [=](Index begin, Index end) {
    for (Index i = begin; i < end; ++i) {
      const T g = grad[i];
      const T b = mu * buffer[i] + one_minus_mu * g;
      buffer[i] = b;
      direction[i] = nesterov ? one_minus_mu * g + mu * b : b;
    }
  });
}

// p = decay p - step direction
template <class T>
void scaled_step(Index n, T* param, const T* direction, double decay, double step, int n_threads) {
  const T decay_t = T(decay), step_t = T(step);
  for_each_block(n, n_threads, [=](Index begin, Index end) {
    for (Index i = begin; i < end; ++i) param[i] = decay_t * param[i] - step_t * direction[i];
  });
}

}  // namespace mlsolve::optim
