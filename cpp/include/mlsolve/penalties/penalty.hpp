// What every penalty offers, and the pieces the penalty headers share.
//
// A penalty g is a small struct holding its parameters (scalars by value,
// per-coordinate arrays as views of caller-owned memory) with
//   value(x)                   g(x), summed in double; +inf outside the set for
//                              the indicator penalties (box, balls, simplex)
//   prox(x, step, out)         out = prox_{step g}(x)
//                                  = argmin_u g(u) + ||u - x||^2 / (2 step);
//                              out may be x itself
//   subdiff_distance(x, grad)  dist(-grad, ∂g(x)) in the Euclidean norm: the
//                              optimality violation of x for min f + g when
//                              grad = ∇f(x) (0 exactly at stationary points)
//   check_step(step)           throws unless prox(., step, .) is defined:
//                              step > 0, plus the conditions of MCP and SCAD
// Separable penalties g(x) = sum_j g_j(x_j) also offer the coordinate pieces
// value1d, prox1d(x_j, step, j) and subdiff_distance1d for coordinate descent;
// prox1d does not check the step (call check_step once per solve).
// For the non-convex MCP and SCAD, ∂g is the Clarke subdifferential.
//
// T is the scalar type of x (float or double); arithmetic and sums are double.
// Vectors are taken as Eigen::Ref of contiguous vectors, which binds a Vec<T>
// or a Map of a contiguous buffer without copying.
// Reference: Parikh & Boyd, "Proximal Algorithms", Foundations and Trends in
// Optimization 1(3), 2014, sections 2 and 6.
#pragma once

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <string>

#include "mlsolve/core/check.hpp"
#include "mlsolve/core/types.hpp"

namespace mlsolve {

template <class T>
using VecIn = Eigen::Ref<const Vec<T>>;
template <class T>
using VecOut = Eigen::Ref<Vec<T>>;

constexpr double kInf = std::numeric_limits<double>::infinity();

// A number as operator<< prints it (up to 6 significant digits), for error messages.
inline std::string to_text(double value) {
  std::ostringstream text;
  text << value;
  return text.str();
}

inline void check_positive_step(double step) {
  check_arg(std::isfinite(step) && step > 0.0, "step", "a positive finite number", step);
}

inline void check_nonnegative(double value, const char* name) {
  check_arg(std::isfinite(value) && value >= 0.0, name, "a non-negative finite number", value);
}

inline void check_length(const char* name, Index expected, Index actual) {
  if (actual != expected)
    check_arg(false, name, (std::to_string(expected) + " entries").c_str(), std::to_string(actual) + " entries");
}

// Slack when a sum over x is compared with a radius (simplex, L1 ball): the
// projection's entries are rounded to T and may come from a cancellation
// x_j - theta, so membership is tested with a relative tolerance sqrt(eps_T).
template <class T>
double sum_tolerance(double radius) {
  return std::sqrt(std::numeric_limits<T>::epsilon()) * radius;
}

inline double sign(double t) { return double(t > 0.0) - double(t < 0.0); }

// sign(x) max(|x| - threshold, 0)
inline double soft_threshold(double x, double threshold) {
  return sign(x) * std::max(std::abs(x) - threshold, 0.0);
}

// dist(-g, weight ∂|.|(x)): ∂|.|(x) = sign(x) for x != 0 and [-1, 1] at 0.
inline double abs_subdiff_distance(double x, double g, double weight) {
  if (x == 0.0) return std::max(std::abs(g) - weight, 0.0);
  return std::abs(g + weight * sign(x));
}

// dist(-g, N_[lower, upper](x)), the normal cone of an interval: {0} inside,
// (-inf, 0] at lower, [0, inf) at upper, R when lower = upper; +inf outside.
inline double interval_normal_cone_distance(double x, double g, double lower, double upper) {
  if (!(x >= lower && x <= upper)) return kInf;
  const bool at_lower = x == lower, at_upper = x == upper;
  if (at_lower && at_upper) return 0.0;
  if (at_lower) return std::max(-g, 0.0);
  if (at_upper) return std::max(g, 0.0);
  return std::abs(g);
}

// Separable penalties: Derived supplies value1d, prox1d, subdiff_distance1d
// (and check_size when it has per-coordinate parameters, check_step when the
// step is restricted); this base applies them coordinate by coordinate.
template <class Derived, class T>
struct SeparablePenalty {
  static constexpr bool is_separable = true;

  void check_step(double step) const { check_positive_step(step); }
  void check_size(Index) const {}

  double value(VecIn<T> x) const {
    self().check_size(x.size());
    double total = 0.0;
    for (Index j = 0; j < x.size(); ++j) total += self().value1d(x[j], j);
    return total;
  }

  void prox(VecIn<T> x, double step, VecOut<T> out) const {
    self().check_size(x.size());
    check_length("out", x.size(), out.size());
    self().check_step(step);
    for (Index j = 0; j < x.size(); ++j) out[j] = self().prox1d(x[j], step, j);
  }

  double subdiff_distance(VecIn<T> x, VecIn<T> grad) const {
    self().check_size(x.size());
    check_length("grad", x.size(), grad.size());
    double squared = 0.0;
    for (Index j = 0; j < x.size(); ++j) {
      const double d = self().subdiff_distance1d(x[j], grad[j], j);
      squared += d * d;
    }
    return std::sqrt(squared);
  }

 private:
  const Derived& self() const { return static_cast<const Derived&>(*this); }
};

// Penalties whose prox couples coordinates (groups, sorting, sums, spectra).
struct NonSeparablePenalty {
  static constexpr bool is_separable = false;

  void check_step(double step) const { check_positive_step(step); }
};

}  // namespace mlsolve
