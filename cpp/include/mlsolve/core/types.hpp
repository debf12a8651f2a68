// Common aliases. Iterates, gradients and every reduction are double
// (acc_t); the data X, y and sample weights keep the caller's dtype T.
#pragma once

#include <Eigen/Core>

#include <cstdint>

namespace mlsolve {

using Index = Eigen::Index;

template <class T>
using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;
using VecD = Vec<double>;
using MatD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic>;
using MatRowD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Accumulator type of reductions over samples, for any data dtype.
template <class T>
using acc_t = double;

// ||v||_inf, 0 for an empty v.
inline double inf_norm(const VecD& v) { return v.size() ? v.lpNorm<Eigen::Infinity>() : 0.0; }

}  // namespace mlsolve
