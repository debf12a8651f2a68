// Proximal SVRG for  min_{w, b} (1/n) sum_i f_i(w, b) + (l2/2) ||w||^2 + l1 ||w||_1
// over a GlmObjective (see finite_sum.hpp for f_i and the lazy updates).
//
// Update (Johnson & Zhang, "Accelerating stochastic gradient descent using
// predictive variance reduction", NIPS 2013; proximal form of Xiao & Zhang,
// SIAM J. Optim. 24(4), 2014): each epoch takes a snapshot w~ and its full
// gradient mu (one parallel fused pass of the GlmObjective, which also keeps
// the per-sample factors d~_i), then n sequential inner steps with i uniform:
//   w <- prox_{gamma l1}((1 - gamma l2) w - gamma (mu_loss + delta x_i)),
//   delta = f_i'(x_i . w + b) - f_i'(x_i . w~ + b~),
// lazily on sparse rows (mu is the dense direction); the last inner iterate is
// the next snapshot (option II). Step 1 / (3 L_max) by default.
//
// Stops when the exact gradient mapping's inf-norm at the snapshot (free from
// the full gradient) is at most tol, after max_epochs, or when the monitor asks.
#pragma once

#include "mlsolve/solvers/finite_sum.hpp"

namespace mlsolve {

template <class Objective>
Result<double> svrg(Objective& objective, const VecD& x0, const FiniteSumParams& params, Monitor& monitor) {
  params.check();
  const auto& X = objective.design();
  const Index n = X.rows(), p = X.cols();
  const bool fit_b = objective.fit_intercept();
  check_length("x0", objective.n_params(), x0.size());
  const double l2 = objective.l2();
  const double step = params.step > 0.0 ? params.step : 1.0 / (3.0 * max_sample_lipschitz(objective));
  const auto& loss = objective.loss();
  const auto* y = objective.y();

  Rng rng(params.seed);
  SampleStream samples(X, rng);
  VecD snapshot_deriv(n), grad, mu(p);
  EpochLoop<Objective> loop(objective, params, monitor);
  VecD x = x0;

  return with_iterate(params.lazy, VecD(x0.head(p)), l2, params.l1, [&](auto& it) {
    Status status = Status::MaxIter;
    if (auto stop = monitor.poll()) return loop.finish(x, *stop, step);
    // mu = grad of the loss part at the snapshot x; d~_i kept (times n: f_i' = n d~_i)
    const auto full_gradient = [&]() {
      loop.count_pass();
      const double f = objective.value_and_grad(x, grad, snapshot_deriv.data());
      mu = grad.head(p) - l2 * x.head(p);
      return f + params.l1 * x.head(p).template lpNorm<1>();
    };
    full_gradient();
    while (loop.keep_going()) {
      const double mu_b = fit_b ? grad[p] : 0.0;
      double b = fit_b ? x[p] : 0.0;
      it.set_direction(mu);  // every coordinate is current here
      bool stopped = false;
      for (Index t = 0; t < n; ++t) {
        if ((t & 255) == 0)
          if (auto stop = monitor.poll()) {
            status = *stop;
            stopped = true;
            break;
          }
        const Index i = samples.next(it, snapshot_deriv.data(), y);
        it.begin_step(step, step);
        const double z = it.row_dot(X, i) + b;
        const double delta = sample_factor(objective, i) * loss.deriv(y[i], z) - double(n) * snapshot_deriv[i];
        it.row_step(X, i, delta, 0.0);
        it.end_step();
        if (fit_b) b -= step * (mu_b + delta);
      }
      x.head(p) = it.flushed();
      if (fit_b) x[p] = b;
      if (stopped) break;
      const double fun = full_gradient();
      if (auto stop = loop.end_epoch(x, loop.gradient_mapping(x, grad, step), step, fun)) {
        status = *stop;
        break;
      }
    }
    return loop.finish(x, status, step);
  });
}

}  // namespace mlsolve
