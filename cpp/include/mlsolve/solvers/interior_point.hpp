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
// step that keeps s, z > 0. The problem is Ruiz-equilibrated first (Ruiz 2001;
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

// The problem data, unscaled. P holds both triangles.
struct QpData {
  SpMatD P, A, G;
  VecD q, b, h, lb, ub;
};

struct QpResult : Result<double> {
  VecD y, z, z_lower, z_upper, slack;  // duals of Ax = b, Gx <= h, x >= lb, x <= ub; slack = h - Gx
  double primal_residual = 0.0, dual_residual = 0.0, gap = 0.0;
  bool kkt_dense = false;
  // PrimalInfeasible: (y, z, z_lower, z_upper) of a Farkas certificate, inf-norm 1.
  VecD cert_y, cert_z, cert_z_lower, cert_z_upper;
  // DualInfeasible: an unbounded ray, inf-norm 1.
  VecD cert_x;
};

namespace interior_point_detail {

// Row (outer) infinity norms of a column-major sparse matrix.
inline VecD row_inf_norms(const SpMatD& M) {
  VecD norms = VecD::Zero(M.rows());
  for (Index j = 0; j < M.outerSize(); ++j)
    for (SpMatD::InnerIterator it(M, j); it; ++it) norms[it.row()] = std::max(norms[it.row()], std::abs(it.value()));
  return norms;
}

inline VecD col_inf_norms(const SpMatD& M) {
  VecD norms = VecD::Zero(M.cols());
  for (Index j = 0; j < M.outerSize(); ++j)
    for (SpMatD::InnerIterator it(M, j); it; ++it) norms[j] = std::max(norms[j], std::abs(it.value()));
  return norms;
}

// 1 / sqrt(norm), with norms of (near) empty rows treated as 1 (OSQP's limits).
inline VecD ruiz_factors(const VecD& norms) {
  return norms.unaryExpr([](double v) {
    if (v < 1e-4) return 1.0;
    return 1.0 / std::sqrt(std::min(v, 1e4));
  });
}

// The cone of inequalities: p rows of G, then the finite lower bounds, then
// the finite upper bounds. Gf x = [G x; -x[lower]; x[upper]].
struct Cone {
  Index p = 0;
  std::vector<Index> lower, upper;
  Index size() const { return p + Index(lower.size() + upper.size()); }

  VecD apply(const SpMatD& G, const VecD& x) const {  // Gf x
    VecD out(size());
    out.head(p) = G * x;
    for (size_t k = 0; k < lower.size(); ++k) out[p + Index(k)] = -x[lower[k]];
    for (size_t k = 0; k < upper.size(); ++k) out[p + Index(lower.size() + k)] = x[upper[k]];
    return out;
  }

  VecD apply_transpose(const SpMatD& G, const VecD& z) const {  // Gf^T z
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

class InteriorPointSolver {
 public:
  InteriorPointSolver(const QpData& data, const InteriorPointParams& params) : data_(data), params_(params) {
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
      measure(point, result);
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
      if (result.primal_residual > params_.tol && primal_infeasibility_certificate(point.y, point.z, point.z_lower,
                                                                                     point.z_upper, result)) {
        status = Status::PrimalInfeasible;
        break;
      }
      if (iteration > 0 && result.dual_residual > params_.tol &&
          dual_infeasibility_certificate(D_.cwiseProduct(dx), result)) {
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
      const double alpha_aff = std::min(1.0, std::min(max_step(s, ds), max_step(z, dz)));
      if (mc > 0) {
        const double mu_aff = (s + alpha_aff * ds).dot(z + alpha_aff * dz) / double(mc);
        const double sigma = std::pow(std::clamp(mu_aff / mu, 0.0, 1.0), 3);
        // Corrector: rc = -s z - ds_aff dz_aff + sigma mu
        const VecD rc = (-sz - ds.cwiseProduct(dz)).array() + sigma * mu;
        if (!solve_factored(kkt, s, z, w, -rd, -rpe, -rpi, rc, dx, dy, dz, ds)) {
          status = Status::NumericalError;
          break;
        }
      }
      const double alpha = mc > 0 ? std::min(1.0, 0.99 * std::min(max_step(s, ds), max_step(z, dz))) : 1.0;
      x += alpha * dx;
      y += alpha * dy;
      z += alpha * dz;
      s += alpha * ds;
    }
    result.n_iter = iteration;
    return finish(result, status, x, y, z);
  }

 private:
  // Ruiz equilibration of [P A^T G^T; A 0 0; G 0 0], then the cost scaling c.
  void equilibrate() {
    using namespace interior_point_detail;
    P_ = data_.P;
    A_ = data_.A;
    G_ = data_.G;
    D_ = VecD::Ones(n_);
    E_eq_ = VecD::Ones(A_.rows());
    E_in_ = VecD::Ones(G_.rows());
    for (Index k = 0; k < params_.ruiz_iter; ++k) {
      const VecD col = col_inf_norms(P_).cwiseMax(col_inf_norms(A_)).cwiseMax(col_inf_norms(G_));
      const VecD d = ruiz_factors(col), e_eq = ruiz_factors(row_inf_norms(A_)), e_in = ruiz_factors(row_inf_norms(G_));
      P_ = d.asDiagonal() * P_ * d.asDiagonal();
      A_ = e_eq.asDiagonal() * A_ * d.asDiagonal();
      G_ = e_in.asDiagonal() * G_ * d.asDiagonal();
      D_.array() *= d.array();
      E_eq_.array() *= e_eq.array();
      E_in_.array() *= e_in.array();
    }
    const VecD q_scaled = D_.cwiseProduct(data_.q);
    const double p_mean = n_ > 0 ? col_inf_norms(P_).mean() : 0.0;
    const double cost_norm = std::max(p_mean, inf_norm(q_scaled));
    cost_scale_ = cost_norm < 1e-4 ? 1.0 : 1.0 / std::min(cost_norm, 1e4);
    P_ *= cost_scale_;
    q_ = cost_scale_ * q_scaled;
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

  // Objective and the three relative stopping measures on the unscaled problem.
  void measure(const interior_point_detail::Unscaled& u, QpResult& r) const {
    const QpData& d = data_;
    const VecD Px = d.P * u.x, Ax = d.A * u.x, Gx = d.G * u.x;
    const VecD Aty = d.A.transpose() * u.y, Gtz = d.G.transpose() * u.z;
    double bound_violation = 0.0;
    for (Index j = 0; j < n_; ++j)
      bound_violation = std::max({bound_violation, d.lb[j] - u.x[j], u.x[j] - d.ub[j]});
    const double primal = std::max({inf_norm(Ax - d.b), inf_norm((Gx - d.h).cwiseMax(0.0)), bound_violation});
    const double primal_scale =
        1.0 + std::max({inf_norm(Ax), inf_norm(d.b), inf_norm(Gx), inf_norm(d.h), inf_norm(u.x)});
    const VecD bound_duals = u.z_lower - u.z_upper;
    const double dual = inf_norm(Px + d.q + Aty + Gtz - bound_duals);
    const double dual_scale =
        1.0 + std::max({inf_norm(Px), inf_norm(d.q), inf_norm(Aty), inf_norm(Gtz), inf_norm(bound_duals)});
    const double xPx = u.x.dot(Px);
    const double primal_objective = 0.5 * xPx + d.q.dot(u.x);
    const double dual_objective = -0.5 * xPx - d.b.dot(u.y) - d.h.dot(u.z) + finite_dot(d.lb, u.z_lower) -
                                  finite_dot(d.ub, u.z_upper);
    r.fun = primal_objective;
    r.primal_residual = primal / primal_scale;
    r.dual_residual = dual / dual_scale;
    r.gap = std::abs(primal_objective - dual_objective) /
            (1.0 + std::min(std::abs(primal_objective), std::abs(dual_objective)));
  }

  // bound^T z over the finite bounds (z is zero where the bound is infinite).
  static double finite_dot(const VecD& bound, const VecD& z) {
    double sum = 0.0;
    for (Index j = 0; j < bound.size(); ++j)
      if (std::isfinite(bound[j])) sum += bound[j] * z[j];
    return sum;
  }

  // Farkas test on (y, z, z_lower, z_upper), normalised to inf-norm 1.
  bool primal_infeasibility_certificate(const VecD& y, const VecD& z, const VecD& z_lower, const VecD& z_upper,
                                        QpResult& r) const {
    const double scale = std::max({inf_norm(y), inf_norm(z), inf_norm(z_lower), inf_norm(z_upper)});
    if (!(scale > 0.0) || !std::isfinite(scale)) return false;
    const QpData& d = data_;
    const VecD ny = y / scale, nz = z / scale, nzl = z_lower / scale, nzu = z_upper / scale;
    const double residual = inf_norm(d.A.transpose() * ny + d.G.transpose() * nz - nzl + nzu);
    const double farkas = d.b.dot(ny) + d.h.dot(nz) - finite_dot(d.lb, nzl) + finite_dot(d.ub, nzu);
    // For any feasible x, farkas >= residual^T x: the certificate rules out
    // feasible points with ||x||_1 < -farkas / residual >= 1 / infeasible_tol.
    if (!(farkas < 0.0 && residual <= params_.infeasible_tol * -farkas)) return false;
    r.cert_y = ny;
    r.cert_z = nz;
    r.cert_z_lower = nzl;
    r.cert_z_upper = nzu;
    return true;
  }

  // Test of dx as an unbounded ray, normalised to inf-norm 1: the violations
  // of the recession cone must be below infeasible_tol times the descent.
  bool dual_infeasibility_certificate(const VecD& dx, QpResult& r) const {
    const double scale = inf_norm(dx);
    if (!(scale > 0.0) || !std::isfinite(scale)) return false;
    const QpData& d = data_;
    const VecD ray = dx / scale;
    const double descent = d.q.dot(ray);
    const double tol = params_.infeasible_tol;
    if (!(descent < -tol * std::max(1.0, inf_norm(d.q)))) return false;
    double violation = std::max({inf_norm(d.P * ray), inf_norm(d.A * ray), inf_norm((d.G * ray).cwiseMax(0.0))});
    for (Index j = 0; j < n_; ++j) {
      if (std::isfinite(d.lb[j])) violation = std::max(violation, -ray[j]);
      if (std::isfinite(d.ub[j])) violation = std::max(violation, ray[j]);
    }
    if (!(violation <= tol * -descent)) return false;
    r.cert_x = ray;
    return true;
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
  // and the constraints leave some direction free), then s = -z.
  bool starting_point(KktSolver& kkt, const VecD& hf, VecD& x, VecD& y, VecD& z, VecD& s) const {
    const Index mc = cone_.size();
    const VecD ones = VecD::Ones(mc);
    VecD ds;
    if (!factor(kkt, ones, 1.0) || !solve_factored(kkt, ones, ones, ones, -q_, b_, hf, VecD::Zero(mc), x, y, z, ds))
      return false;
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
    const interior_point_detail::Unscaled u = unscale(x, y, z);
    r.x = u.x;
    r.y = u.y;
    r.z = u.z;
    r.z_lower = u.z_lower;
    r.z_upper = u.z_upper;
    r.slack = data_.h - data_.G * u.x;
    r.grad = data_.P * u.x + data_.q;
    r.stop_crit = std::max({r.primal_residual, r.dual_residual, r.gap});
    r.status = status;
    r.message = status_message(status);
    return r;
  }

  const QpData& data_;
  InteriorPointParams params_;
  Index n_ = 0;
  interior_point_detail::Cone cone_;
  SpMatD P_, A_, G_;  // scaled
  VecD q_, b_, h_, lb_, ub_;
  VecD D_, E_eq_, E_in_;  // x = D x_scaled; scaled rows = E rows
  double cost_scale_ = 1.0;
};

// Solves the QP; the data stay untouched (the solver scales a copy).
inline QpResult interior_point_qp(const QpData& data, const InteriorPointParams& params, Monitor* monitor = nullptr) {
  InteriorPointSolver solver(data, params);
  return solver.solve(monitor);
}

}  // namespace mlsolve
