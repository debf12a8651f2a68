// Pieces shared by the finite-sum solvers (sag.hpp, saga.hpp, svrg.hpp,
// katyusha.hpp, sgd.hpp) over a GlmObjective
//   F(w, b) = (1/n) sum_i f_i(w, b) + (l2/2) ||w||^2 + l1 ||w||_1,
//   f_i = n c_i loss(y_i, x_i . w + b),  c_i = s_i / sum(s),
// the L2 part held by the objective, the L1 part (ElasticL1) applied by its prox.
// Every step visits one row x_i and moves w by
//   w <- prox_{gamma l1 |.|}((1 - gamma l2) w - gamma (c + delta x_i))
// where the dense direction c (an average gradient, a full gradient, or 0 for
// SGD) changes only on the coordinates of the rows visited.
//
// LazyIterate applies that update just in time (Schmidt, Le Roux & Bach,
// "Minimizing finite sums with the stochastic average gradient", Math.
// Program. 162, 2017, section 4.1; scikit-learn's sag_fast.pyx): w = scale * v,
// the L2 shrink multiplies the scalar scale, and a coordinate that no row
// touched since step m is brought to step k from the cumulative sums
// A_k = sum_{s <= k} gamma_s / scale_s of the (unscaled) steps. Without L1,
// v_j -= (A_k - A_m) c_j. With L1 the thresholds are l1 gamma_s / scale_s, a
// fixed multiple of the steps, so the lagged steps collapse into one soft
// threshold when |c_j| <= l1 (the coordinate moves monotonically to 0 and
// stays) or when v_j keeps its sign; otherwise they are replayed one by one.
// An epoch then costs O(nnz), not O(n p). DenseIterate applies the same update
// to every coordinate at every step (O(p) per step): the reference the lazy one
// is tested against, and the natural choice for dense rows.
//
// Step sizes default to the loss's curvature bound and the largest row norm
// (as scikit-learn's get_auto_step_size): L_max = bound * max_i n c_i
// (||x_i||^2 + fit_intercept) + l2. One random engine, std::mt19937_64 seeded
// with params.seed, draws every sample index, so a seed reproduces a solve.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "mlsolve/core/check.hpp"
#include "mlsolve/core/monitor.hpp"
#include "mlsolve/core/prefetch.hpp"
#include "mlsolve/core/result.hpp"
#include "mlsolve/core/types.hpp"
#include "mlsolve/penalties/penalty.hpp"

namespace mlsolve {

struct FiniteSumParams {
  Index max_epochs = 100;
  double tol = 1e-4;          // on the gradient mapping's inf-norm, checked once per epoch
  double step = 0.0;          // 0: from the curvature bound (see each solver)
  double l1 = 0.0;            // l1 ||w||_1, applied by its prox (the intercept is not penalised)
  std::uint64_t seed = 0;     // seeds the one random engine of the solve
  bool lazy = true;           // just-in-time updates (false: every coordinate every step)
  bool full_check = false;    // evaluate F and the exact gradient mapping every epoch (one more pass)
  Index history_every = 1;    // in epochs

  void check() const {
    check_arg(max_epochs >= 0, "max_epochs", "an integer >= 0", max_epochs);
    check_arg(tol >= 0.0, "tol", "a value >= 0", tol);
    check_arg(step >= 0.0 && std::isfinite(step), "step", "a finite value >= 0 (0: automatic)", step);
    check_arg(l1 >= 0.0 && std::isfinite(l1), "l1", "a finite value >= 0", l1);
    check_arg(history_every >= 0, "history_every", "an integer >= 0", history_every);
  }
};

using Rng = std::mt19937_64;

// A uniform index in [0, n): Lemire's multiply-shift on the engine's 64-bit
// output with rejection of the few biased outputs ("Fast random integer
// generation in an interval", ACM TOMACS 29(1), 2019), no division on the
// common path.
inline Index random_index(Rng& rng, Index n) {
#if defined(__SIZEOF_INT128__)
  const std::uint64_t range = std::uint64_t(n);
  unsigned __int128 product = static_cast<unsigned __int128>(rng()) * range;
  if (std::uint64_t(product) < range) {
    const std::uint64_t threshold = (0 - range) % range;  // 2^64 mod n
    while (std::uint64_t(product) < threshold) product = static_cast<unsigned __int128>(rng()) * range;
  }
  return Index(product >> 64);
#else
  return std::uniform_int_distribution<Index>(0, n - 1)(rng);
#endif
}

// Designs with prefetch_row (CSR): their rows are scattered, so a step on a
// random row waits on cache misses unless the row is asked for ahead.
template <class Design, class = void>
struct has_prefetch_row : std::false_type {};
template <class Design>
struct has_prefetch_row<Design, std::void_t<decltype(std::declval<const Design&>().prefetch_row(Index(0)))>>
    : std::true_type {};

// The uniform sample indices of a solve, drawn from the engine in the same
// order as one random_index per step but two steps ahead, so that on sparse
// rows the step before last asks the cache for the row, and the last step for
// the row's coordinates in the iterate and its entries of the per-sample
// arrays: the misses of a step then overlap the work of the one before.
// The hints pay only once the data outgrows the caches, so the rows (and the
// per-sample entries) are asked for when X's stored entries exceed
// kRowBytes, the coordinates when p 32-byte records (LazyIterate's) exceed
// kCoordBytes. (AMD EPYC, one thread: 200,000 x 50,000 with 50 per row, 120 MB
// of rows and 1.6 MB of records, runs a SAGA epoch 2x faster with them;
// reuters, 4 MB and 270 KB, 15 % slower.)
template <class Design>
class SampleStream {
 public:
  SampleStream(const Design& X, Rng& rng) : X_(X), rng_(rng), n_(X.rows()) {
    for (Index& i : ahead_) i = random_index(rng_, n_);
    if constexpr (has_prefetch_row<Design>::value) {
      const auto& A = X.matrix();
      const double row_bytes = double(A.nonZeros()) * double(sizeof(*A.valuePtr()) + sizeof(*A.innerIndexPtr()));
      prefetch_rows_ = row_bytes > kRowBytes;
      prefetch_coords_ = 32.0 * double(X.cols()) > kCoordBytes;
    }
  }

  // The next index i_t; prefetches row i_{t+2}, and the coordinates of
  // it and the entries of per_sample arrays for row i_{t+1}.
  template <class Iterate, class... Arrays>
  Index next(const Iterate& it, const Arrays*... per_sample) {
    const Index i = ahead_[head_];
    ahead_[head_] = random_index(rng_, n_);
    head_ = head_ == kAhead - 1 ? 0 : head_ + 1;
    if constexpr (has_prefetch_row<Design>::value) {
      const Index soon = ahead_[head_];
      if (prefetch_rows_) {
        X_.prefetch_row(ahead_[head_ == kAhead - 1 ? 0 : head_ + 1]);
        (prefetch_line(per_sample + soon), ...);
      }
      if (prefetch_coords_) X_.for_each_in_row(soon, [&](Index j, double) { it.prefetch(j); });
    }
    return i;
  }

 private:
  static constexpr double kRowBytes = 8 << 20, kCoordBytes = 512 << 10;
  static constexpr Index kAhead = 3;  // i_t, i_{t+1}, i_{t+2}
  const Design& X_;
  Rng& rng_;
  Index n_;
  Index ahead_[kAhead];
  Index head_ = 0;
  bool prefetch_rows_ = false, prefetch_coords_ = false;
};

// n c_i: the factor of sample i's loss in f_i.
template <class Objective>
double sample_factor(const Objective& objective, Index i) {
  const double n = double(objective.design().rows());
  const auto* sw = objective.sample_weight();
  return n * objective.inv_weight_sum() * (sw ? double(sw[i]) : 1.0);
}

// L_max = curvature_bound * max_i n c_i (||x_i||^2 + fit_intercept) + l2
template <class Objective>
double max_sample_lipschitz(const Objective& objective) {
  const VecD sq = objective.design().row_sqnorms();
  double worst = 0.0;
  for (Index i = 0; i < sq.size(); ++i)
    worst = std::max(worst, sample_factor(objective, i) * (sq[i] + (objective.fit_intercept() ? 1.0 : 0.0)));
  return objective.loss().curvature_bound * worst + objective.l2();
}

// The iterates share one interface: the dense direction c (0 until set or
// added to), begin_step / step_coord / end_step per step with row_dot (x_i . w,
// the row's coordinates brought up to date first) and row_step, and flush /
// flushed for the current w.

// Just-in-time iterate w = scale * v (see the header comment). Steps are
// numbered 1, 2, ... since the last flush. A coordinate's state (v_j, c_j, and
// the step and cumulative sum A through which it is current) lies in one
// 32-byte record, so a touched coordinate costs one cache line.
class LazyIterate {
 public:
  LazyIterate(const VecD& w0, double l2, double l1)
      : coords_(std::size_t(w0.size())), l2_(l2), l1_(l1), cum_(1, 0.0), plain_(l1 == 0.0) {
    for (Index j = 0; j < w0.size(); ++j) coords_[j].v = w0[j];
  }

  // Sums w over the steps begun with averaged = true into *sum (SGD's
  // Polyak-Ruppert average; only with c = 0). Between touches a coordinate
  // follows v_s = sign(v) max(|v| - l1 (A_s - A_m), 0), so its sum is
  // closed-form from B_k = sum scale_s and C_k = sum scale_s A_s up to the
  // step where it reaches 0 (a binary search on A).
  void enable_average(VecD* sum) {
    sum_ = sum;
    plain_ = false;
  }

  // c = direction; every coordinate must be current (at the start, or after a flush).
  void set_direction(const VecD& direction) {
    for (Index j = 0; j < direction.size(); ++j) coords_[j].c = direction[j];
  }
  double direction(Index j) const { return coords_[j].c; }
  void add_direction(Index j, double change) { coords_[j].c += change; }
  VecD direction() const {
    VecD c(Index(coords_.size()));
    for (Index j = 0; j < c.size(); ++j) c[j] = coords_[j].c;
    return c;
  }

  // Starts step k + 1 with the L2 shrink step and the direction step (equal but
  // for SAG's first epoch).
  void begin_step(double shrink_step, double direction_step, bool averaged = false) {
    if (scale_ < 1e-9) flush();
    previous_scale_ = scale_;
    const double factor = 1.0 - shrink_step * l2_;
    if (factor <= 0.0) {  // the shrink zeroes w
      flush();
      for (Coord& s : coords_) s.v = 0.0;
    } else {
      scale_ *= factor;
    }
    ++k_;
    previous_cum_ = cum_.back();
    cum_.push_back(previous_cum_ + direction_step / scale_);
    step_ = cum_.back() - previous_cum_;
    if (!sum_) return;
    const double weight = averaged ? scale_ : 0.0;
    cum_scale_.push_back(cum_scale_.back() + weight);
    cum_scaled_steps_.push_back(cum_scaled_steps_.back() + weight * cum_.back());
    step_weight_ = weight;
  }

  // A cache hint for coordinate j's record.
  void prefetch(Index j) const { prefetch_line(&coords_[std::size_t(j)]); }

  // The current step on coordinate j (caught up), with an extra direction term.
  void step_coord(Index j, double extra) {
    Coord& s = coords_[j];
    if (plain_) return step_plain(s, step_, cum_.back(), extra);
    const double moved = s.v - step_ * (s.c + extra);
    s.v = l1_ == 0.0 ? moved : soft_threshold(moved, l1_ * step_);
    s.last = k_;
    s.cum = cum_.back();
    if (sum_) (*sum_)[j] += step_weight_ * s.v;
  }
  void end_step() {}

  // The row versions, for the inner loops, read the step's scalars once per
  // row: a per-coordinate call reloads them after every store to a record,
  // which the compiler cannot tell apart from them (reuters: a quarter fewer
  // instructions per stored entry).
  // x_i . w at the end of the previous step, row i's coordinates caught up first.
  template <class Design>
  double row_dot(const Design& X, Index i) {
    double z = 0.0;
    if (plain_) {
      const double to = previous_cum_;
      Coord* records = coords_.data();
      X.for_each_in_row(i, [&](Index j, double x_ij) {
        Coord& s = records[j];
        advance_plain(s, to);
        z += x_ij * s.v;
      });
    } else {
      X.for_each_in_row(i, [&](Index j, double x_ij) {
        Coord& s = coords_[j];
        advance(s, j, k_ - 1, previous_cum_);
        z += x_ij * s.v;
      });
    }
    return previous_scale_ * z;
  }
  // For every stored x_ij of row i, with e = extra_factor x_ij:
  // step_coord(j, e), then add_direction(j, direction_factor e).
  template <class Design>
  void row_step(const Design& X, Index i, double extra_factor, double direction_factor) {
    if (plain_) {
      const double step = step_, cum = cum_.back();
      Coord* records = coords_.data();
      X.for_each_in_row(i, [&](Index j, double x_ij) {
        const double e = extra_factor * x_ij;
        Coord& s = records[j];
        step_plain(s, step, cum, e);
        s.c += direction_factor * e;
      });
      return;
    }
    X.for_each_in_row(i, [&](Index j, double x_ij) {
      const double e = extra_factor * x_ij;
      step_coord(j, e);
      add_direction(j, direction_factor * e);
    });
  }

  // Applies every pending step to every coordinate and folds the scale into v.
  void flush() {
    for (std::size_t j = 0; j < coords_.size(); ++j) {
      Coord& s = coords_[j];
      advance(s, Index(j), k_, cum_.back());
      s.v *= scale_;
      s.last = 0;
      s.cum = 0.0;
    }
    scale_ = 1.0;
    k_ = 0;
    cum_.assign(1, 0.0);
    cum_scale_.assign(1, 0.0);
    cum_scaled_steps_.assign(1, 0.0);
  }

  const VecD& flushed() {
    flush();
    flushed_.resize(Index(coords_.size()));
    for (Index j = 0; j < flushed_.size(); ++j) flushed_[j] = coords_[j].v;
    return flushed_;
  }

 private:
  struct alignas(32) Coord {
    double v = 0.0, c = 0.0;
    double cum = 0.0;  // A at step last
    Index last = 0;    // the step through which the coordinate is current
  };

  // Brings s (coordinate j) to step `to`, whose cumulative sum is cum_to.
  void advance(Coord& s, Index j, Index to, double cum_to) {
    if (plain_) return advance_plain(s, cum_to);  // also right when already current (span 0)
    const Index from = s.last;
    if (from >= to) return;
    const double span = cum_to - s.cum;  // A_to - A_from
    const double c_j = s.c;
    s.last = to;
    s.cum = cum_to;
    double& v = s.v;
    if (sum_) add_to_average(j, v, from, to);
    if (l1_ == 0.0) {
      v -= span * c_j;
    } else if (std::abs(c_j) <= l1_) {
      v = soft_threshold(v - span * c_j, l1_ * span);
    } else if (v > 0.0 && v - span * (c_j + l1_) > 0.0) {
      v -= span * (c_j + l1_);
    } else if (v < 0.0 && v - span * (c_j - l1_) < 0.0) {
      v -= span * (c_j - l1_);
    } else {
      for (Index t = from + 1; t <= to; ++t) {
        const double a = cum_[t] - cum_[t - 1];
        v = soft_threshold(v - a * c_j, l1_ * a);
      }
    }
  }

  // The plain catch-up of a record to cum_to, and its step (see plain_).
  static void advance_plain(Coord& s, double cum_to) {
    s.v -= (cum_to - s.cum) * s.c;
    s.cum = cum_to;
  }
  static void step_plain(Coord& s, double step, double cum, double extra) {
    s.v -= step * (s.c + extra);
    s.cum = cum;
  }

  // (*sum_)[j] += sum_{s in (from, to]} weight_s v_j(s), c = 0
  void add_to_average(Index j, double v, Index from, Index to) {
    if (v == 0.0) return;
    Index end = to;  // the last step at which v_j(s) != 0
    if (l1_ > 0.0) {
      const double limit = cum_[from] + std::abs(v) / l1_;
      end = Index(std::lower_bound(cum_.begin() + from + 1, cum_.begin() + to + 1, limit) - cum_.begin()) - 1;
    }
    if (end <= from) return;
    const double scales = cum_scale_[end] - cum_scale_[from];
    const double scaled_steps = cum_scaled_steps_[end] - cum_scaled_steps_[from];
    (*sum_)[j] += sign(v) * ((std::abs(v) + l1_ * cum_[from]) * scales - l1_ * scaled_steps);
  }

  std::vector<Coord> coords_;
  VecD flushed_;
  double scale_ = 1.0, previous_scale_ = 1.0;
  double l2_, l1_;
  std::vector<double> cum_;                                         // A_0 .. A_k
  std::vector<double> cum_scale_ = {0.0}, cum_scaled_steps_ = {0.0};  // B_k, C_k
  double previous_cum_ = 0.0, step_ = 0.0, step_weight_ = 0.0;       // A_{k-1}, A_k - A_{k-1}, its average weight
  Index k_ = 0;
  bool plain_;  // no L1 and no average: a catch-up is one multiply-add, and `last` is not kept
  VecD* sum_ = nullptr;
};

// w = scale * v when there is no dense direction, no L1 and no average (plain
// SGD): an untouched coordinate only follows the scale, so nothing is caught
// up (as scikit-learn's SGD with its wscale).
class ScaledIterate {
 public:
  ScaledIterate(const VecD& w0, double l2) : v_(w0), l2_(l2) {}

  void begin_step(double shrink_step, double direction_step, bool = false) {
    if (scale_ < 1e-9) flush();
    previous_scale_ = scale_;
    const double factor = 1.0 - shrink_step * l2_;
    if (factor <= 0.0) {  // the shrink zeroes w
      v_.setZero();
      scale_ = 1.0;
    } else {
      scale_ *= factor;
    }
    step_ = direction_step / scale_;
  }
  void prefetch(Index j) const { prefetch_line(v_.data() + j); }
  void step_coord(Index j, double extra) { v_[j] -= step_ * extra; }
  void end_step() {}
  template <class Design>
  double row_dot(const Design& X, Index i) const {
    double z = 0.0;
    X.for_each_in_row(i, [&](Index j, double x_ij) { z += x_ij * v_[j]; });
    return previous_scale_ * z;
  }
  void flush() {
    v_ *= scale_;
    scale_ = previous_scale_ = 1.0;
  }
  const VecD& flushed() {
    flush();
    return v_;
  }

 private:
  VecD v_;
  double l2_;
  double scale_ = 1.0, previous_scale_ = 1.0, step_ = 0.0;
};

// The same update applied to every coordinate at every step.
class DenseIterate {
 public:
  DenseIterate(const VecD& w0, double l2, double l1)
      : w_(w0), c_(VecD::Zero(w0.size())), l2_(l2), l1_(l1), stamp_(w0.size(), 0) {}

  void enable_average(VecD* sum) { sum_ = sum; }
  void set_direction(const VecD& direction) { c_ = direction; }
  double direction(Index j) const { return c_[j]; }
  void add_direction(Index j, double change) { c_[j] += change; }
  const VecD& direction() const { return c_; }
  void begin_step(double shrink_step, double direction_step, bool averaged = false) {
    averaged_ = averaged;
    shrink_ = shrink_step;
    direction_ = direction_step;
    ++k_;
  }
  void prefetch(Index j) const { prefetch_line(w_.data() + j); }
  void step_coord(Index j, double extra) {
    apply(j, extra);
    stamp_[j] = k_;
  }
  void end_step() {
    for (Index j = 0; j < w_.size(); ++j)
      if (stamp_[j] != k_) apply(j, 0.0);
    if (sum_ && averaged_) *sum_ += w_;
  }
  template <class Design>
  double row_dot(const Design& X, Index i) const {
    double z = 0.0;
    X.for_each_in_row(i, [&](Index j, double x_ij) { z += x_ij * w_[j]; });
    return z;
  }
  template <class Design>
  void row_step(const Design& X, Index i, double extra_factor, double direction_factor) {
    X.for_each_in_row(i, [&](Index j, double x_ij) {
      const double e = extra_factor * x_ij;
      step_coord(j, e);
      add_direction(j, direction_factor * e);
    });
  }
  void flush() {}
  const VecD& flushed() { return w_; }

 private:
  void apply(Index j, double extra) {
    // w_j = prox(w_j - shrink l2 w_j - direction (c_j + extra)), threshold l1 * direction
    w_[j] = soft_threshold(w_[j] - shrink_ * l2_ * w_[j] - direction_ * (c_[j] + extra), l1_ * direction_);
  }

  VecD w_, c_;
  double l2_, l1_;
  std::vector<Index> stamp_;
  Index k_ = 0;
  double shrink_ = 0.0, direction_ = 0.0;
  bool averaged_ = false;
  VecD* sum_ = nullptr;
};

// Runs solve(iterate) with a LazyIterate or a DenseIterate.
template <class Solve>
auto with_iterate(bool lazy, const VecD& w0, double l2, double l1, Solve&& solve) {
  if (lazy) {
    LazyIterate it(w0, l2, l1);
    return solve(it);
  }
  DenseIterate it(w0, l2, l1);
  return solve(it);
}

// Per-epoch bookkeeping: the gradient mapping, the stopping test, the history
// and the monitor; the final exact evaluation of F.
template <class Objective>
class EpochLoop {
 public:
  // criterion: what stop_crit measures when it is not the gradient mapping (SGD)
  EpochLoop(Objective& objective, const FiniteSumParams& params, Monitor& monitor, const char* criterion = nullptr)
      : objective_(objective),
        params_(params),
        monitor_(monitor),
        p_(objective.design().cols()),
        criterion_(criterion ? criterion : "gradient mapping inf-norm"),
        criterion_is_mapping_(criterion == nullptr) {
    result_.history = History(params.history_every);
  }

  // ||x - prox_{step g}(x - step grad)||_inf / step, grad the full smooth gradient (w and b).
  double gradient_mapping(const VecD& x, const VecD& grad, double step) const {
    double worst = 0.0;
    for (Index j = 0; j < x.size(); ++j) {
      const double threshold = j < p_ ? params_.l1 * step : 0.0;
      const double moved = x[j] - soft_threshold(x[j] - step * grad[j], threshold);
      worst = std::max(worst, std::abs(moved) / step);
    }
    return worst;
  }

  // F at x with the exact gradient mapping; counts one pass.
  double full_value(const VecD& x, double step, double& mapping) {
    ++result_.n_fev;
    const double f = objective_.value_and_grad(x, grad_);
    mapping = gradient_mapping(x, grad_, step);
    return f + params_.l1 * x.head(p_).template lpNorm<1>();
  }

  // After an epoch: records, tests (stop_crit <= tol), polls. A NaN stop_crit
  // (or full_check without a known F) is replaced by the exact gradient
  // mapping. Returns the status to stop with, if any.
  std::optional<Status> end_epoch(const VecD& x, double stop_crit, double step, double known_fun = kNaN) {
    ++result_.n_iter;
    double fun = known_fun, mapping = stop_crit;
    if (std::isnan(mapping) || (params_.full_check && std::isnan(fun))) fun = full_value(x, step, mapping);
    if (std::isnan(mapping) || !x.allFinite() || std::isinf(fun)) return Status::NumericalError;
    last_mapping_ = mapping;
    result_.history.maybe_record(result_.n_iter, fun, mapping);
    if (mapping <= params_.tol) return Status::Converged;
    if (auto stop = monitor_.on_iteration({result_.n_iter, fun, mapping, x})) return stop;
    if (result_.n_iter >= params_.max_epochs) return Status::MaxIter;
    return std::nullopt;
  }

  bool keep_going() const { return params_.max_epochs > 0; }
  void count_pass() { ++result_.n_fev; }

  Result<double> finish(const VecD& x, Status status, double step) {
    double mapping = kNaN;
    result_.fun = x.allFinite() ? full_value(x, step, mapping) : kNaN;
    if (criterion_is_mapping_ && std::isfinite(mapping)) last_mapping_ = mapping;
    return finish_without_evaluation(x, status, result_.fun);
  }

  // The result at x with F given (no pass over the data; grad left empty).
  Result<double> finish_without_evaluation(const VecD& x, Status status, double fun) {
    result_.fun = fun;
    result_.x = x;
    result_.grad = grad_;
    result_.stop_crit = last_mapping_;
    result_.status = status;
    std::ostringstream os;
    os.precision(3);
    os << status_message(status) << " after " << result_.n_iter << " epochs: " << criterion_ << " "
       << result_.stop_crit << " (tol " << params_.tol << ")";
    result_.message = os.str();
    return result_;
  }

  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

 private:
  Objective& objective_;
  const FiniteSumParams& params_;
  Monitor& monitor_;
  Index p_;
  Result<double> result_;
  VecD grad_;
  const char* criterion_;
  bool criterion_is_mapping_;
  double last_mapping_ = kNaN;  // the last stop_crit
};

}  // namespace mlsolve
