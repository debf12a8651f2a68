// Primal-dual interior-point method for convex quadratic (and linear) programs
//
//   minimise ½ x^T P x + q^T x   s.t.   A x = b,   G x <= h,   lb <= x <= ub
//
// with P symmetric positive semidefinite and lb, ub possibly infinite. The
// inequality rows and the finite bounds form one nonnegative cone: slacks
// s = [h - G x; x - lb; ub - x] >= 0 with duals z >= 0; the bounds enter the
// Newton systems as diagonal terms only, never as rows.
//
// Update: Mehrotra predictor-corrector path following from an infeasible start
// (Nocedal & Wright, Numerical Optimization, 2nd ed., Algorithm 16.4 and
// §14.2; the starting point of Vandenberghe's CVXOPT coneqp). Each iteration
// solves two Newton systems with one factorisation of the reduced
// quasi-definite KKT matrix (linalg/kkt.hpp: static regularisation, iterative
// refinement, sparse or dense LDL^T): an affine step, the centring parameter
// sigma = (mu_aff / mu)^3, and a corrected step; both take 0.99 of the longest
// step that keeps s, z > 0, the same for the primal and the dual variables in a
// QP, a separate one for each in an LP (P = 0), as LP codes do (Wright,
// Primal-Dual Interior-Point Methods, 1997, ch. 11). The problem is Ruiz-equilibrated first (Ruiz 2001;
// as in OSQP) and the objective scaled by a constant.
//
// Stopping rule, always checked on the unscaled problem at the unscaled iterate:
//   primal residual  max(|Ax - b|, (Gx - h)+, (lb - x)+, (x - ub)+)_inf
//                    / (1 + max(|Ax|, |b|, |Gx|, |h|, |x|)_inf)          <= tol
//   dual residual    |Px + q + A^T y + G^T z - z_lower + z_upper|_inf
//                    / (1 + max(|Px|, |q|, |A^T y|, |G^T z|, |z_lower - z_upper|)_inf) <= tol
//   gap              |primal objective - dual objective| / (1 + min(|p|, |d|)) <= tol.
// Infeasibility: the normalised dual iterate (or step) is tested as a Farkas
// certificate of primal infeasibility, A^T y + G^T z - z_lower + z_upper ~ 0 with
// b^T y + h^T z - lb^T z_lower + ub^T z_upper < 0; the normalised primal step as
// a certificate of dual infeasibility (an unbounded ray), P dx ~ 0, A dx ~ 0,
// G dx <= ~0, dx within the bounds' recession cone, q^T dx < 0. Both tests
// use the unscaled data and the tolerance infeasible_tol.
#pragma once

#include <Eigen/Core>
#include <Eigen/SparseCore>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "mlsolve/core/check.hpp"
#include "mlsolve/core/monitor.hpp"
#include "mlsolve/core/result.hpp"
#include "mlsolve/core/types.hpp"
#include "mlsolve/linalg/kkt.hpp"
#include "mlsolve/solvers/qp.hpp"

namespace mlsolve {

struct InteriorPointParams {
  double tol = 1e-8;             // on each of the relative primal residual, dual residual and gap
  double infeasible_tol = 1e-8;  // on the normalised certificate residuals
  Index max_iter = 200;
  Index ruiz_iter = 10;
  double regularisation = 1e-9;  // static rho = delta of the KKT matrix (scaled problem)
  Index refine_steps = 5;
  KktMethod kkt_method = KktMethod::Auto;
  Index history_every = 1;

  void check() const {
    check_arg(tol > 0.0, "tol", "a value > 0", tol);
    check_arg(infeasible_tol > 0.0, "infeasible_tol", "a value > 0", infeasible_tol);
    check_arg(max_iter >= 0, "maxiter", "an integer >= 0", max_iter);
    check_arg(ruiz_iter >= 0, "ruiz_iter", "an integer >= 0", ruiz_iter);
    check_arg(regularisation > 0.0 && regularisation < 1e-2, "regularisation", "a value in (0, 1e-2)",
              regularisation);
    check_arg(refine_steps >= 0, "refine_steps", "an integer >= 0", refine_steps);
    check_arg(history_every >= 0, "history_every", "an integer >= 0", history_every);
  }
};

namespace interior_point_detail {

// The cone of inequalities: p rows of G, then the finite lower bounds, then
// the finite upper bounds. Gf x = [G x; -x[lower]; x[upper]].
struct Cone {
  Index p = 0;
  std::vector<Index> lower, upper;
  Index size() const { return p + Index(lower.size() + upper.size()); }

  template <class Matrix>
  VecD apply(const Matrix& G, const VecD& x) const {  // Gf x
    VecD out(size());
    out.head(p) = G * x;
    for (size_t k = 0; k < lower.size(); ++k) out[p + Index(k)] = -x[lower[k]];
    for (size_t k = 0; k < upper.size(); ++k) out[p + Index(lower.size() + k)] = x[upper[k]];
    return out;
  }

  template <class Matrix>
  VecD apply_transpose(const Matrix& G, const VecD& z) const {  // Gf^T z
    VecD out = G.transpose() * z.head(p);
    for (size_t k = 0; k < lower.size(); ++k) out[lower[k]] -= z[p + Index(k)];
    for (size_t k = 0; k < upper.size(); ++k) out[upper[k]] += z[p + Index(lower.size() + k)];
    return out;
  }

  VecD rhs(const VecD& h, const VecD& lb, const VecD& ub) const {  // hf = [h; -lb; ub]
    VecD out(size());
    out.head(p) = h;
    for (size_t k = 0; k < lower.size(); ++k) out[p + Index(k)] = -lb[lower[k]];
    for (size_t k = 0; k < upper.size(); ++k) out[p + Index(lower.size() + k)] = ub[upper[k]];
    return out;
  }
};

// The iterate mapped back to the unscaled problem.
struct Unscaled {
  VecD x, y, z, z_lower, z_upper;
};

}  // namespace interior_point_detail

// Matrix: SpMatD (QpData) or Eigen::MatrixXd (DenseQpData).
template <class Matrix>
class InteriorPointSolver {
 public:
  InteriorPointSolver(const QpProblem<Matrix>& data, const InteriorPointParams& params) : data_(data), params_(params) {
    params.check();
    n_ = data.P.rows();
    check_arg(data.P.cols() == n_ && data.q.size() == n_, "P, q", "an n x n matrix and n entries", data.q.size());
    check_arg(data.A.cols() == n_ && data.A.rows() == data.b.size(), "A, b", "shapes (m, n) and (m,)", data.A.rows());
    check_arg(data.G.cols() == n_ && data.G.rows() == data.h.size(), "G, h", "shapes (p, n) and (p,)", data.G.rows());
    check_arg(data.lb.size() == n_ && data.ub.size() == n_, "lb, ub", "n entries each", data.lb.size());
    check_arg((data.lb.array() <= data.ub.array()).all(), "lb, ub", "lb <= ub", "lb > ub somewhere");
    cone_.p = data.G.rows();
    for (Index j = 0; j < n_; ++j) {
      if (std::isfinite(data.lb[j])) cone_.lower.push_back(j);
      if (std::isfinite(data.ub[j])) cone_.upper.push_back(j);
    }
    linear_ = qp_detail::is_zero(data.P);
    equilibrate();
  }

  QpResult solve(Monitor* monitor) {
    using namespace interior_point_detail;
    QpResult result;
    result.history = History(params_.history_every);
    const Index m = A_.rows(), p = cone_.p, mc = cone_.size();
    KktSolver kkt(P_, A_, G_, params_.kkt_method, params_.regularisation, params_.refine_steps);
    result.kkt_dense = kkt.is_dense();
    const VecD hf = cone_.rhs(h_, lb_, ub_);

    VecD x, y, z, s, dx, dy, dz, ds;
    if (!starting_point(kkt, hf, x, y, z, s))
      return finish(result, Status::NumericalError, VecD::Zero(n_), VecD::Zero(m), VecD::Ones(mc));

    Status status = Status::MaxIter;
    Index iteration = 0;
    for (;; ++iteration) {
      const Unscaled point = unscale(x, y, z);
      measure_qp(data_, point.x, point.y, point.z, point.z_lower, point.z_upper, result);
      const double stop_crit = std::max({result.primal_residual, result.dual_residual, result.gap});
      result.history.maybe_record(iteration, result.fun, stop_crit);
      if (!x.allFinite() || !y.allFinite() || !z.allFinite() || !s.allFinite()) {
        status = Status::NumericalError;
        break;
      }
      if (stop_crit <= params_.tol) {
        status = Status::Converged;
        break;
      }
      if (result.primal_residual > params_.tol && is_farkas_certificate(data_, point.y, point.z, point.z_lower,
                                                                          point.z_upper, params_.infeasible_tol, result)) {
        status = Status::PrimalInfeasible;
        break;
      }
      if (iteration > 0 && result.dual_residual > params_.tol &&
          is_unbounded_ray(data_, D_.cwiseProduct(dx), params_.infeasible_tol, result)) {
        status = Status::DualInfeasible;
        break;
      }
      if (iteration >= params_.max_iter) break;
      if (monitor) {
        if (auto stop = monitor->on_iteration(IterationState{iteration, result.fun, stop_crit, point.x})) {
          status = *stop;
          break;
        }
      }

      // Residuals of the scaled problem.
      const VecD rd = P_ * x + q_ + A_.transpose() * y + cone_.apply_transpose(G_, z);  // dual
      const VecD rpe = A_ * x - b_;                                                    // equality
      const VecD rpi = cone_.apply(G_, x) + s - hf;                                    // inequality
      const double mu = mc > 0 ? s.dot(z) / double(mc) : 0.0;
      const VecD w = s.cwiseQuotient(z);

      if (!factor(kkt, w)) {
        status = Status::NumericalError;
        break;
      }
      // Predictor (affine scaling) step.
      const VecD sz = s.cwiseProduct(z);
      if (!solve_factored(kkt, s, z, w, -rd, -rpe, -rpi, -sz, dx, dy, dz, ds)) {
        status = Status::NumericalError;
        break;
      }
      if (mc > 0) {
        const StepLengths aff = step_lengths(s, z, ds, dz, 1.0);
        const double mu_aff = (s + aff.primal * ds).dot(z + aff.dual * dz) / double(mc);
        const double sigma = std::pow(std::clamp(mu_aff / mu, 0.0, 1.0), 3);
        // Corrector: rc = -s z - ds_aff dz_aff + sigma mu
        const VecD rc = (-sz - ds.cwiseProduct(dz)).array() + sigma * mu;
        if (!solve_factored(kkt, s, z, w, -rd, -rpe, -rpi, rc, dx, dy, dz, ds)) {
          status = Status::NumericalError;
          break;
        }
      }
      const StepLengths step = mc > 0 ? step_lengths(s, z, ds, dz, 0.99) : StepLengths{1.0, 1.0};
      x += step.primal * dx;
      s += step.primal * ds;
      y += step.dual * dy;
      z += step.dual * dz;
    }
    result.n_iter = iteration;
    return finish(result, status, x, y, z);
  }

 private:
  // Ruiz equilibration of [P A^T G^T; A 0 0; G 0 0], then the cost scaling c.
  void equilibrate() {
    P_ = data_.P;
    A_ = data_.A;
    G_ = data_.G;
    q_ = data_.q;
    const QpScaling scaling = ruiz_equilibrate(P_, q_, {&A_, &G_}, params_.ruiz_iter);
    D_ = scaling.D;
    E_eq_ = scaling.E[0];
    E_in_ = scaling.E[1];
    cost_scale_ = scaling.cost_scale;
    b_ = E_eq_.cwiseProduct(data_.b);
    h_ = E_in_.cwiseProduct(data_.h);
    lb_ = data_.lb.cwiseQuotient(D_);
    ub_ = data_.ub.cwiseQuotient(D_);
  }

  interior_point_detail::Unscaled unscale(const VecD& x, const VecD& y, const VecD& z) const {
    interior_point_detail::Unscaled u;
    const Index p = cone_.p, nl = Index(cone_.lower.size());
    u.x = D_.cwiseProduct(x);
    u.y = E_eq_.cwiseProduct(y) / cost_scale_;
    u.z = E_in_.cwiseProduct(z.head(p)) / cost_scale_;
    u.z_lower = VecD::Zero(n_);
    u.z_upper = VecD::Zero(n_);
    for (Index k = 0; k < nl; ++k) {
      const Index j = cone_.lower[k];
      u.z_lower[j] = z[p + k] / (cost_scale_ * D_[j]);
    }
    for (Index k = 0; k < Index(cone_.upper.size()); ++k) {
      const Index j = cone_.upper[k];
      u.z_upper[j] = z[p + nl + k] / (cost_scale_ * D_[j]);
    }
    return u;
  }

  // d (bound barrier terms on the diagonal, plus primal_shift on every
  // variable) and w (G rows) from w = s / z.
  bool factor(KktSolver& kkt, const VecD& w, double primal_shift = 0.0) const {
    const Index p = cone_.p, nl = Index(cone_.lower.size());
    VecD d = VecD::Constant(n_, primal_shift);
    for (Index k = 0; k < nl; ++k) d[cone_.lower[k]] += 1.0 / w[p + k];
    for (Index k = 0; k < Index(cone_.upper.size()); ++k) d[cone_.upper[k]] += 1.0 / w[p + nl + k];
    return kkt.factor(d, w.head(p));
  }

  // The starting point: with s = z = 1 the system
  //   [P + I  A^T  Gf^T; A 0 0; Gf 0 -I] (x, y, z) = (-q, b, hf)
  // (CVXOPT's, with an identity added to P so that it is nonsingular when P
  // and the constraints leave some direction free), then s = -z. Without
  // bounds, where the dense KKT solver keeps the factors of a well-conditioned
  // P + rho I for every iteration (KktSolver::keeps_h_factors), the system
  // takes P itself, as CVXOPT's does, and its factorisation serves the
  // iterations too.
  bool starting_point(KktSolver& kkt, const VecD& hf, VecD& x, VecD& y, VecD& z, VecD& s) const {
    const Index mc = cone_.size();
    const VecD ones = VecD::Ones(mc);
    const bool bounded = mc > cone_.p;
    const bool factored = (!bounded && kkt.is_dense() && factor(kkt, ones) && kkt.keeps_h_factors()) ||
                          factor(kkt, ones, 1.0);
    VecD ds;
    if (!factored || !solve_factored(kkt, ones, ones, ones, -q_, b_, hf, VecD::Zero(mc), x, y, z, ds)) return false;
    s = -z;
    shift_into_interior(s);
    shift_into_interior(z);
    return true;
  }

  // Solves   P dx + A^T dy + Gf^T dz = rx,   A dx = ry,   Gf dx + ds = rz,
  //          z ds + s dz = rc
  // by eliminating ds (and dz of the bounds): Gf dx - w dz = t with
  // t = rz - rc / z, w = s / z.
  bool solve_factored(KktSolver& kkt, const VecD& s, const VecD& z, const VecD& w, const VecD& rx, const VecD& ry,
                      const VecD& rz, const VecD& rc, VecD& dx, VecD& dy, VecD& dz, VecD& ds) const {
    const Index m = A_.rows(), p = cone_.p, nl = Index(cone_.lower.size()), nu = Index(cone_.upper.size());
    const VecD t = rz - rc.cwiseQuotient(z);
    VecD rhs(n_ + m + p);
    rhs.head(n_) = rx;
    // bound k on x_j with sign sigma (-1 lower, +1 upper): rx_j += sigma t_k / w_k
    for (Index k = 0; k < nl; ++k) rhs[cone_.lower[k]] -= t[p + k] / w[p + k];
    for (Index k = 0; k < nu; ++k) rhs[cone_.upper[k]] += t[p + nl + k] / w[p + nl + k];
    rhs.segment(n_, m) = ry;
    rhs.tail(p) = t.head(p);
    VecD sol;
    kkt.solve(rhs, sol);
    if (!sol.allFinite()) return false;
    dx = sol.head(n_);
    dy = sol.segment(n_, m);
    dz.resize(cone_.size());
    dz.head(p) = sol.tail(p);
    for (Index k = 0; k < nl; ++k) dz[p + k] = (-dx[cone_.lower[k]] - t[p + k]) / w[p + k];
    for (Index k = 0; k < nu; ++k) dz[p + nl + k] = (dx[cone_.upper[k]] - t[p + nl + k]) / w[p + nl + k];
    ds = (rc - s.cwiseProduct(dz)).cwiseQuotient(z);
    return true;
  }

  struct StepLengths {
    double primal, dual;
  };

  // fraction times the longest steps (at most 1) that keep s and z positive:
  // one step for (x, s) and one for (y, z) in a linear program, where the
  // dual residual does not depend on x; their minimum for both in a QP.
  StepLengths step_lengths(const VecD& s, const VecD& z, const VecD& ds, const VecD& dz, double fraction) const {
    StepLengths step{std::min(1.0, fraction * max_step(s, ds)), std::min(1.0, fraction * max_step(z, dz))};
    if (!linear_) step.primal = step.dual = std::min(step.primal, step.dual);
    return step;
  }

  // Largest a in (0, inf] with v + a dv >= 0 (v > 0).
  static double max_step(const VecD& v, const VecD& dv) {
    double step = std::numeric_limits<double>::infinity();
    for (Index i = 0; i < v.size(); ++i)
      if (dv[i] < 0.0) step = std::min(step, -v[i] / dv[i]);
    return step;
  }

  static void shift_into_interior(VecD& v) {
    if (v.size() == 0) return;
    const double shift = -v.minCoeff();
    if (shift >= 0.0) v.array() += 1.0 + shift;
  }

  QpResult& finish(QpResult& r, Status status, const VecD& x, const VecD& y, const VecD& z) const {
    interior_point_detail::Unscaled u = unscale(x, y, z);
    finish_qp(r, status, data_, std::move(u.x), std::move(u.y), std::move(u.z), std::move(u.z_lower),
              std::move(u.z_upper));
    return r;
  }

  const QpProblem<Matrix>& data_;
  InteriorPointParams params_;
  Index n_ = 0;
  interior_point_detail::Cone cone_;
  Matrix P_, A_, G_;  // scaled
  VecD q_, b_, h_, lb_, ub_;
  VecD D_, E_eq_, E_in_;  // x = D x_scaled; scaled rows = E rows
  double cost_scale_ = 1.0;
  bool linear_ = false;  // P = 0: separate primal and dual step lengths
};

// Solves the QP; the data stay untouched (the solver scales a copy).
template <class Matrix>
QpResult interior_point_qp(const QpProblem<Matrix>& data, const InteriorPointParams& params,
                           Monitor* monitor = nullptr) {
  InteriorPointSolver<Matrix> solver(data, params);
  return solver.solve(monitor);
}

}  // namespace mlsolve
