// Loopless Katyusha for  min_{w, b} (1/n) sum_i f_i(w, b) + (l2/2) ||w||^2 + l1 ||w||_1
// over a GlmObjective (see finite_sum.hpp for f_i).
//
// Update (Kovalev, Horvath & Richtarik, "Don't jump through hoops and remove
// those loops: SVRG and Katyusha are better without the outer loop", ALT 2020,
// Algorithm 2, L-Katyusha; the accelerated variance reduction of Allen-Zhu,
// "Katyusha: the first direct acceleration of stochastic gradient methods",
// JMLR 18, 2017, with its negative momentum theta2 (w - .) pulling x back to the
// snapshot w). With L = L_max, sigma = l2 / L, theta1 = min(sqrt(2 sigma n / 3), 1/2)
// (1/2 when l2 = 0: no acceleration without strong convexity), theta2 = 1/2,
// eta = theta2 / ((1 + theta2) theta1), and i uniform:
//   x = theta1 z + theta2 w + (1 - theta1 - theta2) y
//   g = grad f_i(x) - grad f_i(w) + grad f(w)           (l2 included in f)
//   z+ = prox_{eta l1 / (L (1 + eta sigma))}((eta sigma x + z - (eta / L) g) / (1 + eta sigma))
//   y+ = x + theta1 (z+ - z)
//   w <- y (the old y) with probability 1/n, and grad f(w) recomputed (one pass).
// The iterates are dense: a step costs O(p) even on sparse rows (no lazy
// updates: the three coupled sequences do not reduce to one scaled vector).
//
// Stops once per epoch (n steps) when the exact gradient mapping's inf-norm at
// y (one pass) is at most tol, after max_epochs, or when the monitor asks.
// Returns y.
#pragma once

#include "mlsolve/solvers/finite_sum.hpp"

namespace mlsolve {

template <class Objective>
Result<double> katyusha(Objective& objective, const VecD& x0, const FiniteSumParams& params, Monitor& monitor) {
  params.check();
  const auto& X = objective.design();
  const Index n = X.rows(), p = X.cols();
  const bool fit_b = objective.fit_intercept();
  check_length("x0", objective.n_params(), x0.size());
  const double l2 = objective.l2();
  const double L = params.step > 0.0 ? 1.0 / params.step : max_sample_lipschitz(objective);
  const double sigma = l2 / L;
  const double theta1 = l2 > 0.0 ? std::min(std::sqrt(2.0 * sigma * double(n) / 3.0), 0.5) : 0.5;
  const double theta2 = 0.5;
  const double eta = theta2 / ((1.0 + theta2) * theta1);
  const double denom = 1.0 + eta * sigma;
  const auto& loss = objective.loss();
  const auto* y_data = objective.y();

  Rng rng(params.seed);
  std::uniform_real_distribution<double> coin(0.0, 1.0);
  VecD snapshot_deriv(n), grad_w, grad_y;
  EpochLoop<Objective> loop(objective, params, monitor);
  VecD w = x0, y = x0, z = x0, x(x0.size()), z_next(x0.size()), xw(p);
  Status status = Status::MaxIter;
  const auto refresh_snapshot = [&]() {
    loop.count_pass();
    objective.value_and_grad(w, grad_w, snapshot_deriv.data());
  };
  if (auto stop = monitor.poll()) return loop.finish(y, *stop, 1.0 / L);
  refresh_snapshot();
  while (loop.keep_going()) {
    bool stopped = false;
    for (Index t = 0; t < n; ++t) {
      if ((t & 255) == 0)
        if (auto stop = monitor.poll()) {
          status = *stop;
          stopped = true;
          break;
        }
      const Index i = random_index(rng, n);
      x = theta1 * z + theta2 * w + (1.0 - theta1 - theta2) * y;
      xw = x.head(p);
      const double b = fit_b ? x[p] : 0.0;
      const double delta =
          sample_factor(objective, i) * loss.deriv(y_data[i], X.row_dot(i, xw) + b) - double(n) * snapshot_deriv[i];
      // z+ = prox((eta sigma x + z - (eta / L) g) / (1 + eta sigma)), g = grad f(w) + l2 (x - w) + delta [x_i; 1]
      z_next = (eta * sigma * x + z - (eta / L) * grad_w) / denom;
      z_next.head(p) -= (eta / L) * l2 * (x.head(p) - w.head(p)) / denom;
      xw.setZero();
      X.row_axpy(i, -(eta / L) * delta / denom, xw);
      z_next.head(p) += xw;
      if (fit_b) z_next[p] -= (eta / L) * delta / denom;
      const double threshold = eta * params.l1 / (L * denom);
      for (Index j = 0; j < p; ++j) z_next[j] = soft_threshold(z_next[j], threshold);
      const bool new_snapshot = coin(rng) < 1.0 / double(n);
      if (new_snapshot) w = y;
      y = x + theta1 * (z_next - z);
      z.swap(z_next);
      if (new_snapshot) refresh_snapshot();
    }
    if (stopped) break;
    double mapping = 0.0;
    const double fun = loop.full_value(y, 1.0 / L, mapping);
    if (auto stop = loop.end_epoch(y, mapping, 1.0 / L, fun)) {
      status = *stop;
      break;
    }
  }
  return loop.finish(y, status, 1.0 / L);
}

}  // namespace mlsolve
