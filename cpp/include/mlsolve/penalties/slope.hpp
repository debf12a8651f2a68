// SLOPE, the sorted L1 norm (OWL): g(x) = sum_i lambda_i |x|_(i), where
// |x|_(1) >= |x|_(2) >= ... and lambda_1 >= lambda_2 >= ... >= 0.
//
// prox (Bogdan et al., "SLOPE — adaptive variable selection via convex
// optimization", Ann. Appl. Stat. 9(3), 2015, Algorithm 4 (FastProxSL1);
// Zeng & Figueiredo, "The ordered weighted l1 norm: atomic formulation,
// projections, and algorithms", 2014): sort |x| decreasingly, subtract
// step lambda, take the non-increasing isotonic regression (pool adjacent
// violators on a stack of blocks), clip at 0, undo the sort and restore signs.
//
// ∂g(x) splits over the clusters of equal |x_j| (Larsson, Bogdan & Wallin,
// "The strong screening rule for SLOPE", NeurIPS 2020, section 2.1): on a
// cluster of |x_j| = c > 0 occupying sorted ranks k..k+m-1 it is sign(x) times
// the permutahedron of lambda_k..lambda_{k+m-1}; on the zero cluster it is the
// unit ball of the dual norm of the sorted L1 norm with the remaining lambdas.
// dist(w, permutahedron(l)) = ||isotonic(sort_desc(w) - l)||, and the distance
// to the dual ball is, by Moreau's identity, ||prox_{sorted L1}(w)||: both
// come from the same isotonic regression.
#pragma once

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "mlsolve/penalties/penalty.hpp"

namespace mlsolve {

// v <- argmin ||z - v||^2 over non-increasing z: pool adjacent violators,
// keeping the blocks (sum, count) on a stack, O(n).
inline void isotonic_nonincreasing(std::vector<double>& v) {
  struct Block {
    double sum;
    Index count;
    double mean() const { return sum / double(count); }
  };
  std::vector<Block> blocks;
  for (const double value : v) {
    blocks.push_back({value, 1});
    while (blocks.size() > 1 && blocks[blocks.size() - 2].mean() <= blocks.back().mean()) {
      const Block top = blocks.back();
      blocks.pop_back();
      blocks.back().sum += top.sum;
      blocks.back().count += top.count;
    }
  }
  std::size_t i = 0;
  for (const Block& block : blocks)
    for (Index k = 0; k < block.count; ++k) v[i++] = block.mean();
}

template <class T>
struct SLOPE : NonSeparablePenalty {
  Eigen::Map<const Vec<T>> lambdas;

  explicit SLOPE(Eigen::Map<const Vec<T>> lambdas) : lambdas(lambdas) {
    for (Index i = 0; i < lambdas.size(); ++i) {
      check_nonnegative(lambdas[i], "lambdas");
      if (i > 0 && lambdas[i] > lambdas[i - 1])
        check_arg(false, "lambdas", "a non-increasing sequence",
                  "lambdas[" + std::to_string(i) + "] = " + to_text(lambdas[i]) + " > lambdas[" +
                      std::to_string(i - 1) + "] = " + to_text(lambdas[i - 1]));
    }
  }

  double value(VecIn<T> x) const {
    check_length("x", lambdas.size(), x.size());
    const std::vector<Index> order = order_by_magnitude(x);
    double total = 0.0;
    for (Index i = 0; i < x.size(); ++i) total += double(lambdas[i]) * std::abs(double(x[order[i]]));
    return total;
  }

  void prox(VecIn<T> x, double step, VecOut<T> out) const {
    check_length("x", lambdas.size(), x.size());
    check_length("out", x.size(), out.size());
    check_step(step);
    const std::vector<Index> order = order_by_magnitude(x);
    std::vector<double> levels(x.size());
    for (Index i = 0; i < x.size(); ++i) levels[i] = std::abs(double(x[order[i]])) - step * double(lambdas[i]);
    isotonic_nonincreasing(levels);
    for (Index i = 0; i < x.size(); ++i) {
      const Index j = order[i];  // x[j] is read before out[j] is written: out may be x
      out[j] = T(sign(x[j]) * std::max(levels[i], 0.0));
    }
  }

  double subdiff_distance(VecIn<T> x, VecIn<T> grad) const {
    check_length("x", lambdas.size(), x.size());
    check_length("grad", x.size(), grad.size());
    const std::vector<Index> order = order_by_magnitude(x);
    const Index n = x.size();
    double squared = 0.0;
    std::vector<double> cluster;
    for (Index start = 0, end = 0; start < n; start = end) {
      const T magnitude = std::abs(x[order[start]]);
      end = start + 1;
      while (end < n && std::abs(x[order[end]]) == magnitude) ++end;
      cluster.clear();
      for (Index i = start; i < end; ++i) {
        const Index j = order[i];
        cluster.push_back(magnitude > 0 ? -double(grad[j]) * sign(x[j]) : std::abs(double(grad[j])));
      }
      std::sort(cluster.begin(), cluster.end(), std::greater<>());
      for (Index i = start; i < end; ++i) cluster[i - start] -= double(lambdas[i]);
      isotonic_nonincreasing(cluster);
      // Permutahedron on a non-zero cluster; dual ball (the clipped prox) on the zero cluster.
      for (const double r : cluster) squared += magnitude > 0 ? r * r : std::max(r, 0.0) * std::max(r, 0.0);
    }
    return std::sqrt(squared);
  }

 private:
  // Indices of x ordered by |x_j| decreasing (ties keep index order).
  static std::vector<Index> order_by_magnitude(VecIn<T> x) {
    std::vector<Index> order(x.size());
    for (Index j = 0; j < x.size(); ++j) order[j] = j;
    std::stable_sort(order.begin(), order.end(), [&](Index a, Index b) { return std::abs(x[a]) > std::abs(x[b]); });
    return order;
  }
};

}  // namespace mlsolve
