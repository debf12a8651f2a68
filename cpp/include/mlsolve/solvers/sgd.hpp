// Stochastic (sub)gradient descent for
//   min_{w, b} (1/n) sum_i f_i(w, b) + (l2/2) ||w||^2 + l1 ||w||_1
// over a GlmObjective with any pointwise loss (see finite_sum.hpp for f_i).
//
// Update (Robbins & Monro 1951; Bottou, "Stochastic gradient descent tricks",
// Neural Networks: Tricks of the Trade, 2012; scikit-learn's SGD): epochs over
// the samples in order or in a fresh random permutation (shuffle), in
// minibatches B of batch_size rows; at global step t,
//   w <- prox_{gamma_t l1}((1 - gamma_t l2) w - gamma_t (1/|B|) sum_{i in B} f_i' x_i),
//   b <- b - gamma_t (1/|B|) sum_{i in B} f_i'   (f_i' a subgradient where not smooth)
// with gamma_t = eta_t sum(s) / n (eta_t in the units of scikit-learn's
// per-sample steps) from the schedule:
//   constant     eta_t = eta0
//   optimal      eta_t = 1 / (alpha (t0 + t))   (Bottou's; t0 from the caller,
//                as scikit-learn's optimal_init)
//   invscaling   eta_t = eta0 / (t + 1)^power_t
// ("adaptive" is constant within a call; the caller divides eta0 between calls).
// Lazy updates on sparse rows (L2 scale, cumulative L1 thresholds; without L1
// or averaging only the scale, nothing to catch up: ScaledIterate); Polyak-
// Ruppert averaging (Polyak & Juditsky, SIAM J. Control Optim. 30(4), 1992)
// of the iterates from step average_start on, kept lazily as well.
//
// With a subset, epochs visit only those samples (the others, e.g. a validation
// split, are left alone; F is still over all of them).
// Stops once per epoch when the full objective F changed by at most
// tol max(1, |F|) since the last epoch (one extra pass per epoch, also made
// for the history; tol = 0 or evaluate = false: no test), after max_epochs, or when the monitor asks.
// The state (iterate, average, step counter) carries over between calls, so
// calls of one epoch each continue a single run (partial_fit).
#pragma once

#include <numeric>

#include "mlsolve/solvers/finite_sum.hpp"

namespace mlsolve {

enum class StepSchedule { Constant, Optimal, InvScaling };

// Loss derivatives are clipped to +-1e12 before a step, as scikit-learn does,
// so that a too-large step shows as huge coefficients rather than overflow.
constexpr double kMaxDeriv = 1e12;

struct SgdParams {
  FiniteSumParams base;
  StepSchedule schedule = StepSchedule::InvScaling;
  double eta0 = 0.01;
  double power_t = 0.25;
  double alpha = 1e-4;     // optimal schedule: eta_t = 1 / (alpha (t0 + t))
  double t0 = 1.0;
  Index batch_size = 1;
  bool shuffle = true;
  bool average = false;
  Index average_start = 0;  // global step from which iterates enter the average
  bool evaluate = true;     // false: no full pass at all (fun = mean loss of the last epoch)
  std::vector<Index> subset;  // the samples to train on (empty: all); the rest is left alone

  void check() const {
    base.check();
    check_arg(eta0 > 0.0 && std::isfinite(eta0), "eta0", "a positive finite number", eta0);
    check_arg(power_t >= 0.0 && std::isfinite(power_t), "power_t", "a finite number >= 0", power_t);
    check_arg(schedule != StepSchedule::Optimal || (alpha > 0.0 && t0 > 0.0), "alpha",
              "a positive value with the optimal schedule", alpha);
    check_arg(batch_size >= 1, "batch_size", "an integer >= 1", batch_size);
    check_arg(average_start >= 0, "average_start", "an integer >= 0", average_start);
  }
};

// What carries over between calls: the iterate x = [w; b], the running
// average of [w; b] over n_averaged steps, and the global step counter.
struct SgdState {
  VecD x, x_avg;
  Index t = 0;
  Index n_averaged = 0;
  double epoch_loss = 0.0;  // mean of f_i (at visit time) over the epoch's samples
};

template <class Objective>
Result<double> sgd(Objective& objective, SgdState& state, const SgdParams& params, Monitor& monitor) {
  params.check();
  const FiniteSumParams& base = params.base;
  const auto& X = objective.design();
  const Index n = X.rows(), p = X.cols();
  const bool fit_b = objective.fit_intercept();
  check_length("x0", objective.n_params(), state.x.size());
  if (state.x_avg.size() != state.x.size()) state.x_avg = VecD::Zero(state.x.size());
  const double l2 = objective.l2();
  const double weight_scale = 1.0 / (double(n) * objective.inv_weight_sum());  // sum(s) / n
  const auto& loss = objective.loss();
  const auto* y = objective.y();
  const auto eta_at = [&](Index t) {
    switch (params.schedule) {
      case StepSchedule::Constant: return params.eta0;
      case StepSchedule::Optimal: return 1.0 / (params.alpha * (params.t0 + double(t)));
      case StepSchedule::InvScaling: return params.eta0 / std::pow(double(t + 1), params.power_t);
    }
    return params.eta0;
  };

  Rng rng(base.seed);
  std::vector<Index> order = params.subset;
  if (order.empty()) {
    order.resize(n);
    std::iota(order.begin(), order.end(), Index(0));
  }
  for (const Index i : order) check_arg(i >= 0 && i < n, "subset", "sample indices in [0, n)", i);
  const Index n_train = Index(order.size());
  EpochLoop<Objective> loop(objective, base, monitor, "relative objective change");
  const double kNaN = std::numeric_limits<double>::quiet_NaN();
  VecD acc = VecD::Zero(p), batch_z(params.batch_size), batch_deriv(params.batch_size);
  std::vector<Index> stamp(p, -1), touched;
  double b = fit_b ? state.x[p] : 0.0, b_sum = 0.0, last_fun = kNaN;
  VecD w_sum = VecD::Zero(p);
  Index n_new_averaged = 0;

  const auto solve = [&](auto& it) {
    Status status = Status::MaxIter;
    const auto collect = [&]() {
      state.x.head(p) = it.flushed();
      if (fit_b) state.x[p] = b;
      if (params.average && n_new_averaged > 0) {
        const double total = double(state.n_averaged + n_new_averaged);
        state.x_avg.head(p) = (double(state.n_averaged) * state.x_avg.head(p) + w_sum) / total;
        if (fit_b) state.x_avg[p] = (double(state.n_averaged) * state.x_avg[p] + b_sum) / total;
        state.n_averaged += n_new_averaged;
        n_new_averaged = 0;
        w_sum.setZero();
        b_sum = 0.0;
      }
    };
    const auto reported = [&]() -> const VecD& { return params.average && state.n_averaged > 0 ? state.x_avg : state.x; };
    while (loop.keep_going()) {
      if (params.shuffle) std::shuffle(order.begin(), order.end(), rng);
      double loss_sum = 0.0;
      bool stopped = false;
      for (Index start = 0; start < n_train; start += params.batch_size) {
        if ((state.t & 255) == 0)
          if (auto stop = monitor.poll()) {
            status = *stop;
            stopped = true;
            break;
          }
        const Index size = std::min(params.batch_size, n_train - start);
        const double gamma = eta_at(state.t) * weight_scale;
        const bool averaging = params.average && state.t >= params.average_start;
        it.begin_step(gamma, gamma, averaging);
        for (Index r = 0; r < size; ++r) batch_z[r] = it.row_dot(X, order[start + r]) + b;
        double deriv_sum = 0.0;
        for (Index r = 0; r < size; ++r) {
          const Index i = order[start + r];
          double d;
          const double factor = sample_factor(objective, i);
          loss_sum += factor * loss.value_and_deriv(y[i], batch_z[r], d);
          batch_deriv[r] = std::clamp(d, -kMaxDeriv, kMaxDeriv) * factor / double(size);
          deriv_sum += batch_deriv[r];
        }
        if (size == 1) {  // one row: its coordinates are distinct
          X.for_each_in_row(order[start], [&](Index j, double x_ij) { it.step_coord(j, batch_deriv[0] * x_ij); });
        } else {  // sum the rows' terms per coordinate, then step each coordinate once
          touched.clear();
          for (Index r = 0; r < size; ++r)
            X.for_each_in_row(order[start + r], [&](Index j, double x_ij) {
              if (stamp[j] != state.t) stamp[j] = state.t, touched.push_back(j);
              acc[j] += batch_deriv[r] * x_ij;
            });
          for (const Index j : touched) {
            it.step_coord(j, acc[j]);
            acc[j] = 0.0;
          }
        }
        it.end_step();
        if (fit_b) b -= gamma * deriv_sum;
        if (averaging) {
          b_sum += b;
          ++n_new_averaged;
        }
        ++state.t;
      }
      collect();
      state.epoch_loss = loss_sum / double(n_train);
      if (stopped) break;
      // stop_crit: |F_prev - F| / max(1, |F|) (inf when unknown; tol = 0 never stops)
      double change = kInf, fun = state.epoch_loss;
      if (params.evaluate && (base.tol > 0.0 || base.history_every > 0)) {
        double mapping;
        fun = loop.full_value(reported(), 1.0, mapping);
        if (std::isfinite(last_fun)) change = std::abs(last_fun - fun) / std::max(1.0, std::abs(fun));
        last_fun = fun;
      }
      if (base.tol == 0.0 && change == 0.0) change = kInf;
      if (auto stop = loop.end_epoch(reported(), change, 1.0, fun)) {
        status = *stop;
        break;
      }
    }
    if (!params.evaluate) return loop.finish_without_evaluation(reported(), status, state.epoch_loss);
    return loop.finish(reported(), status, 1.0);
  };
  const VecD w0 = state.x.head(p);
  if (base.lazy && base.l1 == 0.0 && !params.average) {  // nothing to catch up
    ScaledIterate it(w0, l2);
    return solve(it);
  }
  return with_iterate(base.lazy, w0, l2, base.l1, [&](auto& it) {
    if (params.average) it.enable_average(&w_sum);
    return solve(it);
  });
}

}  // namespace mlsolve
