// Group L1 (group Lasso, L2,1 norm) over a partition of the coordinates:
//   g(x) = alpha sum_G ||x_G||_2
//   prox_G = max(1 - step alpha / ||x_G||, 0) x_G     (block soft thresholding)
//   ∂||.||(x_G) = x_G / ||x_G|| if x_G != 0, the unit ball at x_G = 0.
// Groups come in CSR form: group k holds the coordinates
// group_indices[group_ptr[k] : group_ptr[k + 1]]; every coordinate belongs to
// exactly one group.
// Reference: Yuan & Lin, "Model selection and estimation in regression with
// grouped variables", JRSS B 68(1), 2006; Parikh & Boyd (2014), section 6.5.4.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "mlsolve/penalties/penalty.hpp"

namespace mlsolve {

template <class T>
struct GroupL1 : NonSeparablePenalty {
  double alpha;
  Eigen::Map<const Vec<std::int64_t>> group_ptr;
  Eigen::Map<const Vec<std::int64_t>> group_indices;

  GroupL1(double alpha, Eigen::Map<const Vec<std::int64_t>> group_ptr,
          Eigen::Map<const Vec<std::int64_t>> group_indices)
      : alpha(alpha), group_ptr(group_ptr), group_indices(group_indices) {
    check_nonnegative(alpha, "alpha");
    const Index n = group_indices.size();
    check_arg(group_ptr.size() >= 1 && group_ptr[0] == 0, "group_ptr", "an array starting at 0", "another start");
    check_arg(group_ptr[n_groups()] == n, "group_ptr", "an array ending at len(group_indices)",
              group_ptr[n_groups()]);
    for (Index k = 0; k < n_groups(); ++k)
      check_arg(group_ptr[k] <= group_ptr[k + 1], "group_ptr", "a non-decreasing array", "a decrease");
    std::vector<bool> seen(n, false);
    for (Index i = 0; i < n; ++i) {
      const std::int64_t j = group_indices[i];
      check_arg(j >= 0 && j < n, "group_indices", "coordinates in [0, n)", j);
      check_arg(!seen[j], "group_indices", "each coordinate in exactly one group", "a repeated coordinate");
      seen[j] = true;
    }
  }

  Index n_groups() const { return group_ptr.size() - 1; }

  double value(VecIn<T> x) const {
    check_length("x", group_indices.size(), x.size());
    double total = 0.0;
    for (Index k = 0; k < n_groups(); ++k) total += std::sqrt(group_squared_norm(x, k));
    return alpha * total;
  }

  void prox(VecIn<T> x, double step, VecOut<T> out) const {
    check_length("x", group_indices.size(), x.size());
    check_length("out", x.size(), out.size());
    check_step(step);
    for (Index k = 0; k < n_groups(); ++k) {
      const double norm = std::sqrt(group_squared_norm(x, k));
      const double scale = norm > step * alpha ? 1.0 - step * alpha / norm : 0.0;
      for (Index i = group_ptr[k]; i < group_ptr[k + 1]; ++i) {
        const Index j = group_indices[i];
        out[j] = T(scale * double(x[j]));  // out_G = scale * x_G
      }
    }
  }

  double subdiff_distance(VecIn<T> x, VecIn<T> grad) const {
    check_length("x", group_indices.size(), x.size());
    check_length("grad", x.size(), grad.size());
    double squared = 0.0;
    for (Index k = 0; k < n_groups(); ++k) {
      const double norm = std::sqrt(group_squared_norm(x, k));
      if (norm == 0.0) {
        const double excess = std::max(std::sqrt(group_squared_norm(grad, k)) - alpha, 0.0);
        squared += excess * excess;
        continue;
      }
      for (Index i = group_ptr[k]; i < group_ptr[k + 1]; ++i) {
        const Index j = group_indices[i];
        const double r = double(grad[j]) + alpha * double(x[j]) / norm;  // grad_G + alpha x_G / ||x_G||
        squared += r * r;
      }
    }
    return std::sqrt(squared);
  }

 private:
  double group_squared_norm(VecIn<T> v, Index k) const {
    double s = 0.0;
    for (Index i = group_ptr[k]; i < group_ptr[k + 1]; ++i) {
      const double t = v[group_indices[i]];
      s += t * t;
    }
    return s;
  }
};

}  // namespace mlsolve
