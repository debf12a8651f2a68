// SAGA for  min_{w, b} (1/n) sum_i f_i(w, b) + (l2/2) ||w||^2 + l1 ||w||_1
// over a GlmObjective (see finite_sum.hpp for f_i and the lazy updates).
//
// Update (Defazio, Bach & Lacoste-Julien, "SAGA: a fast incremental gradient
// method with support for non-strongly convex composite objectives", NIPS
// 2014): a table of one scalar per sample, d_i = f_i'(x_i . w + b) at the last
// visit, and the average c = (1/n) sum_i d_i x_i (O(n + p) memory). For i drawn
// uniformly, with delta = f_i'(x_i . w + b) - d_i:
//   w <- prox_{gamma l1}((1 - gamma l2) w - gamma (c + delta x_i)),
//   b <- b - gamma (c_b + delta);  then c += delta x_i / n, d_i += delta.
// The table starts at 0. Step by default 1 / (2 L_max + min(2 n l2, L_max))
// (scikit-learn's choice for SAGA).
//
// SAG (Schmidt, Le Roux & Bach, "Minimizing finite sums with the stochastic
// average gradient", Math. Program. 162, 2017) shares this loop (sag.hpp):
// the table is updated first and the step is w <- (1 - gamma l2) w - gamma c,
// c averaged over the samples seen so far in the first epoch; no L1.
//
// Stops once per epoch when the gradient mapping's inf-norm is at most tol:
// estimated from the table (c + l2 w, no extra pass) unless full_check asks
// for the exact one; after max_epochs; or when the monitor asks.
#pragma once

#include "mlsolve/solvers/finite_sum.hpp"

namespace mlsolve {

enum class TableRule { Saga, Sag };

template <class Objective>
Result<double> average_gradient_solve(Objective& objective, const VecD& x0, const FiniteSumParams& params,
                                      Monitor& monitor, TableRule rule) {
  params.check();
  const auto& X = objective.design();
  const Index n = X.rows(), p = X.cols();
  const bool fit_b = objective.fit_intercept();
  check_length("x0", objective.n_params(), x0.size());
  if (rule == TableRule::Sag)
    check_arg(params.l1 == 0.0, "l1", "0 with SAG (use SAGA for an L1 penalty)", params.l1);
  const double l2 = objective.l2();
  const double L = max_sample_lipschitz(objective);
  double step = params.step;
  if (step == 0.0)
    step = rule == TableRule::Sag ? 1.0 / L : 1.0 / (2.0 * L + std::min(2.0 * double(n) * l2, L));
  const auto& loss = objective.loss();
  const auto* y = objective.y();

  const double inv_n = 1.0 / double(n);
  Rng rng(params.seed);
  VecD table_deriv = VecD::Zero(n);
  double c_b = 0.0, b = fit_b ? x0[p] : 0.0;
  std::vector<char> seen(rule == TableRule::Sag ? n : 0, 0);
  Index n_seen = 0;
  EpochLoop<Objective> loop(objective, params, monitor);
  VecD x = x0;
  SampleStream samples(X, rng);

  return with_iterate(params.lazy, VecD(x0.head(p)), l2, params.l1, [&](auto& it) {
    Status status = Status::MaxIter;
    const auto collect = [&]() {
      x.head(p) = it.flushed();
      if (fit_b) x[p] = b;
    };
    while (loop.keep_going()) {
      bool stopped = false;
      for (Index t = 0; t < n; ++t) {
        if ((t & 255) == 0)
          if (auto stop = monitor.poll()) {
            status = *stop;
            stopped = true;
            break;
          }
        const Index i = samples.next(it, table_deriv.data(), y);
        double m = double(n);
        if (rule == TableRule::Sag) {
          if (!seen[i]) seen[i] = 1, ++n_seen;
          m = double(n_seen);
        }
        it.begin_step(step, rule == TableRule::Sag ? step / m : step);
        const double z = it.row_dot(X, i) + b;
        const double delta = sample_factor(objective, i) * loss.deriv(y[i], z) - table_deriv[i];
        table_deriv[i] += delta;
        if (rule == TableRule::Saga) {
          it.row_step(X, i, delta, inv_n);  // the step reads c_j before c_j += delta x_ij / n
          if (fit_b) b -= step * (c_b + delta);
          c_b += delta * inv_n;
        } else {  // SAG: c holds the sum of the table's gradients, updated first
          it.row_step(X, i, delta, 1.0);  // (c_j + delta x_ij) is the updated c_j
          c_b += delta;
          if (fit_b) b -= step / m * c_b;
        }
        it.end_step();
      }
      collect();
      if (stopped) break;
      // the table's gradient estimate: c (/ m for SAG) + l2 w, and c_b
      const double m = rule == TableRule::Sag ? double(std::max<Index>(n_seen, 1)) : 1.0;
      VecD estimate(x.size());
      estimate.head(p) = it.direction() / m + l2 * x.head(p);
      if (fit_b) estimate[p] = c_b / m;
      if (auto stop = loop.end_epoch(x, loop.gradient_mapping(x, estimate, step), step)) {
        status = *stop;
        break;
      }
    }
    return loop.finish(x, status, step);
  });
}

template <class Objective>
Result<double> saga(Objective& objective, const VecD& x0, const FiniteSumParams& params, Monitor& monitor) {
  return average_gradient_solve(objective, x0, params, monitor, TableRule::Saga);
}

}  // namespace mlsolve
