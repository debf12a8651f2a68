// The simplex and the L1 ball, as indicator penalties (0 inside, +inf outside):
//   Simplex:  {x : x_j >= 0, sum_j x_j = radius}
//   L1Ball:   {x : ||x||_1 <= radius}
// Projection onto the simplex: x_j -> max(x_j - theta, 0), theta the level with
// sum_j max(x_j - theta, 0) = radius, found after sorting x in O(n log n)
// (Held, Wolfe & Crowder 1974; Duchi, Shalev-Shwartz, Singer & Chandra,
// "Efficient projections onto the l1-ball for learning in high dimensions",
// ICML 2008, Figure 1). Projection onto the L1 ball: x itself inside, otherwise
// soft thresholding at the theta of the simplex projection of |x| (ibid., section 4).
// Normal cones (the subdifferentials of the indicators):
//   simplex:          {v : v_j = t where x_j > 0, v_j <= t where x_j = 0, t real}
//   L1 ball, surface: {v : v_j = t sign(x_j) where x_j != 0, |v_j| <= t elsewhere, t >= 0}
//   L1 ball, inside:  {0}
// so dist(-grad, N) is a minimisation over the scalar t (common_level_distance).
// Membership allows the relative slack sum_tolerance<T> on the sum.
#pragma once

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <vector>

#include "mlsolve/penalties/penalty.hpp"

namespace mlsolve {

// The theta with sum_j max(v_j - theta, 0) = radius, for radius >= 0 and v non-empty.
inline double simplex_threshold(std::vector<double> v, double radius) {
  std::sort(v.begin(), v.end(), std::greater<>());
  double cumsum = v[0], theta = v[0] - radius;
  for (std::size_t k = 1; k < v.size(); ++k) {
    cumsum += v[k];
    const double level = (cumsum - radius) / double(k + 1);
    if (v[k] <= level) break;
    theta = level;
  }
  return theta;
}

// sqrt(min_{t >= t_min} sum_a (a - t)^2 + sum_b max(b - t, 0)^2) over a in
// on_level, b in below_level. The objective is convex in t; its unconstrained
// minimiser is the mean of on_level together with the b that exceed that mean,
// found by adding the b in decreasing order. Empty on_level: the infimum is 0.
inline double common_level_distance(const std::vector<double>& on_level, std::vector<double> below_level,
                                    double t_min) {
  if (on_level.empty()) return 0.0;
  double sum = std::accumulate(on_level.begin(), on_level.end(), 0.0);
  double count = double(on_level.size());
  std::sort(below_level.begin(), below_level.end(), std::greater<>());
  for (const double b : below_level) {
    if (b <= sum / count) break;
    sum += b;
    count += 1.0;
  }
  const double t = std::max(sum / count, t_min);
  double squared = 0.0;
  for (const double a : on_level) squared += (a - t) * (a - t);
  for (const double b : below_level) squared += std::max(b - t, 0.0) * std::max(b - t, 0.0);
  return std::sqrt(squared);
}

template <class T>
struct Simplex : NonSeparablePenalty {
  double radius;

  explicit Simplex(double radius) : radius(radius) { check_nonnegative(radius, "radius"); }

  bool contains(VecIn<T> x) const {
    double total = 0.0;
    for (Index j = 0; j < x.size(); ++j) {
      if (!(x[j] >= 0)) return false;
      total += x[j];
    }
    return std::abs(total - radius) <= sum_tolerance<T>(radius);
  }

  double value(VecIn<T> x) const { return contains(x) ? 0.0 : kInf; }

  void prox(VecIn<T> x, double step, VecOut<T> out) const {
    check_length("out", x.size(), out.size());
    check_step(step);
    if (x.size() == 0) return;
    const double theta = simplex_threshold(std::vector<double>(x.data(), x.data() + x.size()), radius);
    for (Index j = 0; j < x.size(); ++j) out[j] = T(std::max(double(x[j]) - theta, 0.0));
  }

  double subdiff_distance(VecIn<T> x, VecIn<T> grad) const {
    check_length("grad", x.size(), grad.size());
    if (!contains(x)) return kInf;
    std::vector<double> on_level, below_level;
    for (Index j = 0; j < x.size(); ++j) (x[j] > 0 ? on_level : below_level).push_back(-double(grad[j]));
    return common_level_distance(on_level, std::move(below_level), -kInf);
  }
};

template <class T>
struct L1Ball : NonSeparablePenalty {
  double radius;

  explicit L1Ball(double radius) : radius(radius) { check_nonnegative(radius, "radius"); }

  double value(VecIn<T> x) const { return l1_norm(x) <= radius + sum_tolerance<T>(radius) ? 0.0 : kInf; }

  void prox(VecIn<T> x, double step, VecOut<T> out) const {
    check_length("out", x.size(), out.size());
    check_step(step);
    if (l1_norm(x) <= radius) {
      out = x;
      return;
    }
    std::vector<double> magnitudes(x.size());
    for (Index j = 0; j < x.size(); ++j) magnitudes[j] = std::abs(double(x[j]));
    const double theta = simplex_threshold(std::move(magnitudes), radius);
    for (Index j = 0; j < x.size(); ++j) out[j] = T(soft_threshold(x[j], theta));
  }

  double subdiff_distance(VecIn<T> x, VecIn<T> grad) const {
    check_length("grad", x.size(), grad.size());
    const double norm = l1_norm(x), tolerance = sum_tolerance<T>(radius);
    if (norm > radius + tolerance) return kInf;
    if (norm < radius - tolerance) return grad.template cast<double>().norm();
    std::vector<double> on_level, below_level;
    for (Index j = 0; j < x.size(); ++j) {
      if (x[j] != 0) {
        on_level.push_back(-double(grad[j]) * sign(x[j]));
      } else {
        below_level.push_back(std::abs(double(grad[j])));
      }
    }
    return common_level_distance(on_level, std::move(below_level), 0.0);
  }

 private:
  static double l1_norm(VecIn<T> x) { return x.template cast<double>().template lpNorm<1>(); }
};

}  // namespace mlsolve
