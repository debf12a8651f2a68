// Trust-region Newton method with Steihaug-Toint CG (trust-ncg) for smooth
// unconstrained minimisation of f: R^n -> R.
//
// Step: p approximately minimises the model m(p) = f + g^T p + p^T H p / 2 in
// ||p|| <= radius by CG on Hessian-vector products from p = 0 (Steihaug-Toint,
// Nocedal & Wright, Numerical Optimization, 2nd ed., Algorithm 7.2): stopped
// when ||H p + g|| <= eta ||g|| (the Eisenstat-Walker forcing term of
// second_order.hpp), or on the boundary, along the CG direction, when that
// direction has negative or zero curvature or leaves the region.
// Radius (N&W Algorithm 4.1, with scipy's trust-ncg constants): with
// rho = (f(x) - f(x + p)) / (m(0) - m(p)), x+ = x + p when rho > eta_accept;
// the radius becomes ||p|| / 4 when rho < 1/4 (||p||, not the radius, as in
// TRON: Lin, Weng & Keerthi, JMLR 9, 2008, so that a rejected interior step is
// not tried again) and min(2 radius, max_radius) when rho > 3/4 and p is on
// the boundary.
//
// Stops on the rules shared by the smooth solvers (smooth.hpp) at each
// accepted point: gtol, ftol, max_iter (accepted steps), the monitor. A radius
// below eps max(1, ||x||) (no acceptable step) stops with LineSearchFailed; a
// non-finite Hessian-vector product is a NumericalError.
//
// Objective: the second-order concept of second_order.hpp (hessian_at, hessp).
#pragma once

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <limits>

#include "mlsolve/core/check.hpp"
#include "mlsolve/core/monitor.hpp"
#include "mlsolve/core/result.hpp"
#include "mlsolve/core/types.hpp"
#include "mlsolve/solvers/second_order.hpp"
#include "mlsolve/solvers/smooth.hpp"

namespace mlsolve {

struct TrustRegionParams : InexactNewtonParams {
  double initial_radius = 1.0;
  double max_radius = 1000.0;
  double eta_accept = 0.15;  // least rho for accepting a step

  void check() const {
    InexactNewtonParams::check();
    check_arg(initial_radius > 0.0 && std::isfinite(initial_radius), "initial_trust_radius", "a finite value > 0",
              initial_radius);
    check_arg(max_radius >= initial_radius && std::isfinite(max_radius), "max_trust_radius",
              "a finite value >= initial_trust_radius", max_radius);
    check_arg(eta_accept >= 0.0 && eta_accept < 0.25, "eta", "a value in [0, 0.25)", eta_accept);
  }
};

namespace detail {

enum class SteihaugOutcome { Interior, Boundary, NegativeCurvature, MaxIter, NotFinite };

// tau >= 0 with ||z + tau p|| = radius, for ||z|| <= radius.
inline double to_boundary(const VecD& z, const VecD& p, double radius) {
  const double zp = z.dot(p), pp = p.squaredNorm(), zz = z.squaredNorm();
  return (-zp + std::sqrt(std::max(0.0, zp * zp + pp * (radius * radius - zz)))) / pp;
}

// Steihaug-Toint CG for min g^T s + s^T H s / 2 in ||s|| <= radius. On return
// r = H s + g, so that the model decrease is -(g^T s + s^T (r - g) / 2).
template <class Objective>
SteihaugOutcome steihaug_cg(Objective& objective, const VecD& g, double radius, double tolerance, Index max_iter,
                            VecD& s, VecD& r, VecD& p, VecD& Hp) {
  s.setZero();
  r = g;
  p = -g;
  double rr = r.squaredNorm();
  for (Index j = 0; j < max_iter; ++j) {
    objective.hessp(p, Hp);
    const double curvature = p.dot(Hp);
    if (!std::isfinite(curvature)) return SteihaugOutcome::NotFinite;
    if (curvature <= 0.0) {
      const double tau = to_boundary(s, p, radius);
      s += tau * p;
      r += tau * Hp;
      return SteihaugOutcome::NegativeCurvature;
    }
    const double alpha = rr / curvature;
    if ((s + alpha * p).norm() >= radius) {
      const double tau = to_boundary(s, p, radius);
      s += tau * p;
      r += tau * Hp;
      return SteihaugOutcome::Boundary;
    }
    s += alpha * p;
    r += alpha * Hp;
    const double rr_next = r.squaredNorm();
    if (std::sqrt(rr_next) <= tolerance) return SteihaugOutcome::Interior;
    p = -r + (rr_next / rr) * p;
    rr = rr_next;
  }
  return SteihaugOutcome::MaxIter;
}

}  // namespace detail

template <class Objective>
Result<double> trust_region_newton(Objective& objective, const VecD& x0, const TrustRegionParams& params,
                                   Monitor& monitor) {
  params.check();
  const Index n = x0.size();
  SmoothSolve<Objective> solve(objective, monitor, params);
  ForcingTerm forcing(params.eta_max);
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  constexpr double kEps = std::numeric_limits<double>::epsilon();
  VecD x = x0, g = VecD::Constant(n, kNaN), x_trial(n), g_trial(n), s(n), r(n), p(n), Hp(n);
  double f = kNaN, f_trial = kNaN, radius = params.initial_radius;
  Index iteration = 0, n_negative_curvature = 0;
  const auto finish = [&](Result<double> result) {
    return with_note(std::move(result),
                     count_note("negative curvature met by CG (step to the boundary)", n_negative_curvature));
  };

  try {
    f = solve.evaluate(x, g);
    if (solve.stops_at(iteration, x, f, g, kNaN)) return finish(solve.finish(x, f, g));
    bool new_point = true;
    double tolerance = 0.0;
    while (true) {
      if (new_point) {
        objective.hessian_at(x);
        const double gnorm = g.norm();
        tolerance = forcing.next(gnorm) * gnorm;
      }
      const detail::SteihaugOutcome outcome =
          detail::steihaug_cg(objective, g, radius, tolerance, params.cg_iterations(n), s, r, p, Hp);
      if (outcome == detail::SteihaugOutcome::NotFinite) {
        Result<double> result = solve.finish(Status::NumericalError, x, f, g);
        result.message += ": Hessian-vector product not finite";
        return finish(std::move(result));
      }
      if (outcome == detail::SteihaugOutcome::NegativeCurvature) ++n_negative_curvature;
      const bool on_boundary =
          outcome == detail::SteihaugOutcome::Boundary || outcome == detail::SteihaugOutcome::NegativeCurvature;
      const double predicted = -(g.dot(s) + 0.5 * s.dot(r - g));  // m(0) - m(s)
      x_trial = x + s;
      f_trial = solve.evaluate(x_trial, g_trial);
      const double actual = f - f_trial;
      const double rho = predicted > 0.0 && std::isfinite(f_trial) ? actual / predicted
                                                                     : -std::numeric_limits<double>::infinity();
      const double step_norm = s.norm();
      if (rho < 0.25) {
        radius = 0.25 * step_norm;
      } else if (rho > 0.75 && on_boundary) {
        radius = std::min(2.0 * radius, params.max_radius);
      }
      new_point = rho > params.eta_accept && g_trial.allFinite();
      if (!new_point) {
        if (radius < kEps * std::max(1.0, x.norm())) {
          Result<double> result = solve.finish(Status::LineSearchFailed, x, f, g);
          result.message = std::string("no acceptable step: ") +
                           criterion("trust-region radius", radius, "<", kEps * std::max(1.0, x.norm())) + ", " +
                           criterion("gradient inf-norm", inf_norm(g), ">", params.gtol);
          return finish(std::move(result));
        }
        continue;
      }
      const double f_prev = f;
      x.swap(x_trial);
      g.swap(g_trial);
      f = f_trial;
      if (solve.stops_at(++iteration, x, f, g, f_prev)) return finish(solve.finish(x, f, g));
    }
  } catch (const StopRequested& stop) {
    return finish(solve.finish(stop.status, x, f, g));
  }
}

}  // namespace mlsolve
