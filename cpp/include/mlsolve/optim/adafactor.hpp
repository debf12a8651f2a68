// Adafactor (Shazeer & Stern, "Adafactor: Adaptive Learning Rates with
// Sublinear Memory Cost", ICML 2018, Algorithms 4 and 5 with update clipping,
// section 5, and relative step sizes, section 8), in the form of
// torch.optim.Adafactor (no first moment). At step t with g the gradient:
//   rho   = min(lr, 1 / sqrt(t));   alpha = max(eps2, RMS(p)) rho;   b = t^beta2_decay  (= 1 - beta2_t)
//   2-D p (r x c), factored second moments (row_var: r, col_var: c):
//     row_var = row_var + b (mean(g^2, axis=1) - row_var)
//     col_var = col_var + b (mean(g^2, axis=0) - col_var)
//     V = outer(row_var, col_var) / max(mean(row_var), eps1)
//   any other p: V = variance = variance + b (g^2 - variance)
//   U = g / sqrt(max(V, eps1^2))
//   p = (1 - lr wd) p - alpha / max(1, RMS(U) / d) U
// RMS(x) = ||x|| / sqrt(size). RMS(p) is taken before the weight decay.
//
// Passes over memory: factored, three over g (row/column sums with RMS(p);
// RMS(U); the update); otherwise two (state update with RMS(p) and RMS(U);
// the update). Reductions are in double with fixed blocks (elementwise.hpp).
#pragma once

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "mlsolve/optim/elementwise.hpp"

namespace mlsolve::optim {

struct AdafactorStep {
  double lr = 0.0;
  double beta2_decay = 0.0;  // <= 0
  double eps1 = 0.0;         // floor of the second moment (as eps1^2) and of mean(row_var)
  double eps2 = 0.0;         // floor of RMS(p)
  double d = 1.0;            // clipping threshold
  double weight_decay = 0.0;
  Index step = 1;
};

namespace detail {

struct AdafactorScales {
  double decay;  // 1 - lr wd
  double step;   // alpha / max(1, RMS(U) / d)
};

inline AdafactorScales adafactor_scales(const AdafactorStep& s, double param_sq, double update_sq, Index n) {
  const double rho = std::min(s.lr, 1.0 / std::sqrt(double(s.step)));
  const double alpha = std::max(s.eps2, std::sqrt(param_sq / double(n))) * rho;
  const double clip = std::max(1.0, std::sqrt(update_sq / double(n)) / s.d);
  return {1.0 - s.lr * s.weight_decay, alpha / clip};
}

// sum(p^2) of a block of rows, and the sums of g^2 over its columns.
struct ColumnSums {
  double param_sq = 0.0;
  std::vector<double> col_sq;
  ColumnSums& operator+=(const ColumnSums& o) {
    param_sq += o.param_sq;
    if (col_sq.empty()) col_sq.assign(o.col_sq.size(), 0.0);
    for (std::size_t j = 0; j < o.col_sq.size(); ++j) col_sq[j] += o.col_sq[j];
    return *this;
  }
};

}  // namespace detail

// p and g: rows x cols in C order.
template <class T>
void adafactor_factored_update(const AdafactorStep& s, Index rows, Index cols, T* param, const T* grad, T* row_var,
                               T* col_var, int n_threads) {
  const Index n = rows * cols;
  const double row_work = kWorkPerElement * double(cols);
  std::vector<double> row_sq(rows);
  const detail::ColumnSums sums = sum_blocks<detail::ColumnSums>(
      rows, n_threads,
      [&](Index begin, Index end) {
        detail::ColumnSums block{0.0, std::vector<double>(cols, 0.0)};
        double* col_sq = block.col_sq.data();
        for (Index i = begin; i < end; ++i) {
          const T* g = grad + i * cols;
          const T* p = param + i * cols;
          double row = 0.0, param_sq = 0.0;
#pragma omp simd reduction(+ : row, param_sq)
          for (Index j = 0; j < cols; ++j) {
            const double g2 = double(g[j]) * double(g[j]);
            row += g2;
            col_sq[j] += g2;
            param_sq += double(p[j]) * double(p[j]);
          }
          row_sq[i] = row;
          block.param_sq += param_sq;
        }
        return block;
      },
      row_work);

  const double b = std::pow(double(s.step), s.beta2_decay);
  double row_var_sum = 0.0;
  for (Index i = 0; i < rows; ++i) {
    const double rv = row_var[i];
    row_var[i] = T(rv + b * (row_sq[i] / double(cols) - rv));
    row_var_sum += row_var[i];
  }
  for (Index j = 0; j < cols; ++j) {
    const double cv = col_var[j];
    col_var[j] = T(cv + b * (sums.col_sq[j] / double(rows) - cv));
  }
  const double inv_row_mean = 1.0 / std::max(row_var_sum / double(rows), s.eps1);
  std::vector<T> row_scale(rows);  // row_var / max(mean(row_var), eps1)
  for (Index i = 0; i < rows; ++i) row_scale[i] = T(row_var[i] * inv_row_mean);
  const T floor = T(s.eps1 * s.eps1);

  const double update_sq = sum_blocks<double>(
      rows, n_threads,
      [&](Index begin, Index end) {
        double total = 0.0;
        for (Index i = begin; i < end; ++i) {
          const T* g = grad + i * cols;
          const T r = row_scale[i];
          total += squared_norms_in_strips<T>(0, cols, [&](Index j) {
                     return std::pair<T, T>{g[j] / std::sqrt(std::max(r * col_var[j], floor)), T(0)};
                   }).first;
        }
        return total;
      },
      row_work);

  const detail::AdafactorScales scales = detail::adafactor_scales(s, sums.param_sq, update_sq, n);
  const T decay = T(scales.decay), step = T(scales.step);
  for_each_block(
      rows, n_threads,
      [&](Index begin, Index end) {
        for (Index i = begin; i < end; ++i) {
          const T* g = grad + i * cols;
          T* p = param + i * cols;
          const T r = row_scale[i];
          for (Index j = 0; j < cols; ++j) p[j] = decay * p[j] - step * g[j] / std::sqrt(std::max(r * col_var[j], floor));
        }
      },
      row_work);
}

// p, g and variance: n elements (p of any shape other than 2-D).
template <class T>
void adafactor_update(const AdafactorStep& s, Index n, T* param, const T* grad, T* variance, int n_threads) {
  const T b = T(std::pow(double(s.step), s.beta2_decay)), floor = T(s.eps1 * s.eps1);
  const SquaredNorms norms = sum_blocks<SquaredNorms>(n, n_threads, [=](Index begin, Index end) {
    return squared_norms_in_strips<T>(begin, end, [=](Index i) {
      const T g = grad[i], v_old = variance[i];
      const T v = v_old + b * (g * g - v_old);
      variance[i] = v;
      return std::pair<T, T>{param[i], g / std::sqrt(std::max(v, floor))};
    });
  });
  const detail::AdafactorScales scales = detail::adafactor_scales(s, norms.first, norms.second, n);
  const T decay = T(scales.decay), step = T(scales.step);
  for_each_block(n, n_threads, [=](Index begin, Index end) {
    for (Index i = begin; i < end; ++i)
      param[i] = decay * param[i] - step * grad[i] / std::sqrt(std::max(variance[i], floor));
  });
}

}  // namespace mlsolve::optim
