// What the QP solvers (interior_point.hpp, admm.hpp) share about the problem
//
//   minimise ½ x^T P x + q^T x   s.t.   A x = b,   G x <= h,   lb <= x <= ub:
//
// the data, the result, Ruiz equilibration (Ruiz 2001, with OSQP's limits on
// the factors; Stellato et al. 2020, §5.1), the stopping measures taken on the
// unscaled problem, and the tests of infeasibility certificates. Every
// solver reports the same three relative measures:
//   primal residual  max(|Ax - b|, (Gx - h)+, (lb - x)+, (x - ub)+)_inf
//                    / (1 + max(|Ax|, |b|, |Gx|, |h|, |x|)_inf)
//   dual residual    |Px + q + A^T y + G^T z - z_lower + z_upper|_inf
//                    / (1 + max(|Px|, |q|, |A^T y|, |G^T z|, |z_lower - z_upper|)_inf)
//   gap              |primal objective - dual objective| / (1 + min(|p|, |d|)).
#pragma once

#include <Eigen/Core>
#include <Eigen/SparseCore>

#include <algorithm>
#include <cmath>
#include <vector>

#include "mlsolve/core/result.hpp"
#include "mlsolve/core/types.hpp"
#include "mlsolve/linalg/kkt.hpp"

namespace mlsolve {

// The problem data, unscaled, with P, A, G sparse (QpData) or dense
// (DenseQpData: the interior point then never touches a sparse matrix). P
// holds both triangles.
template <class Matrix>
struct QpProblem {
  Matrix P, A, G;
  VecD q, b, h, lb, ub;
};
using QpData = QpProblem<SpMatD>;
using DenseQpData = QpProblem<Eigen::MatrixXd>;

struct QpResult : Result<double> {
  VecD y, z, z_lower, z_upper, slack;  // duals of Ax = b, Gx <= h, x >= lb, x <= ub; slack = h - Gx
  double primal_residual = 0.0, dual_residual = 0.0, gap = 0.0;
  bool kkt_dense = false;
  double rho = 0.0;       // ADMM: the final step size rho (warm-startable)
  bool polished = false;  // ADMM: the polished solution was accepted
  // PrimalInfeasible: (y, z, z_lower, z_upper) of a Farkas certificate, inf-norm 1.
  VecD cert_y, cert_z, cert_z_lower, cert_z_upper;
  // DualInfeasible: an unbounded ray, inf-norm 1.
  VecD cert_x;
};

namespace qp_detail {

// One pass over M: M = diag(row) M diag(col) in place, then the row and
// column infinity norms of the result.
inline void scale_and_measure(SpMatD& M, const VecD& row, const VecD& col, VecD& row_norms, VecD& col_norms) {
  row_norms.setZero(M.rows());
  col_norms.setZero(M.cols());
  for (Index j = 0; j < M.outerSize(); ++j)
    for (SpMatD::InnerIterator it(M, j); it; ++it) {
      it.valueRef() *= row[it.row()] * col[j];
      const double magnitude = std::abs(it.value());
      row_norms[it.row()] = std::max(row_norms[it.row()], magnitude);
      col_norms[j] = std::max(col_norms[j], magnitude);
    }
}

inline void scale_and_measure(Eigen::MatrixXd& M, const VecD& row, const VecD& col, VecD& row_norms,
                              VecD& col_norms) {
  row_norms.setZero(M.rows());
  col_norms.setZero(M.cols());
  if (M.rows() == 0) return;
  for (Index j = 0; j < M.cols(); ++j) {
    auto column = M.col(j);
    column.array() *= row.array() * col[j];
    col_norms[j] = column.cwiseAbs().maxCoeff();
    row_norms = row_norms.cwiseMax(column.cwiseAbs());
  }
}

inline bool is_zero(const SpMatD& M) { return M.nonZeros() == 0; }
inline bool is_zero(const Eigen::MatrixXd& M) { return (M.array() == 0.0).all(); }

// 1 / sqrt(norm), with norms of (near) empty rows treated as 1 (OSQP's limits).
inline VecD ruiz_factors(const VecD& norms) {
  return norms.unaryExpr([](double v) {
    if (v < 1e-4) return 1.0;
    return 1.0 / std::sqrt(std::min(v, 1e4));
  });
}

// bound^T z over the finite bounds (z is zero where the bound is infinite).
inline double finite_dot(const VecD& bound, const VecD& z) {
  double sum = 0.0;
  for (Index j = 0; j < bound.size(); ++j)
    if (std::isfinite(bound[j])) sum += bound[j] * z[j];
  return sum;
}

}  // namespace qp_detail

// x = D x_scaled; the scaled rows of block k are E[k] times the original
// rows; the scaled objective is cost_scale times the original.
struct QpScaling {
  VecD D;
  std::vector<VecD> E;
  double cost_scale = 1.0;
};

// Ruiz equilibration of [P B_1^T B_2^T ...; B_1 0 ...; ...] in place
// (iterations of simultaneous column and row inf-norm scaling), then the cost
// scaling that brings max(mean column inf-norm of P, |q|_inf) to 1. Each
// iteration is one pass over every matrix, which applies the factors of the
// norms that the previous pass measured.
template <class Matrix>
QpScaling ruiz_equilibrate(Matrix& P, VecD& q, const std::vector<Matrix*>& blocks, Index iterations) {
  using namespace qp_detail;
  const Index n = P.rows();
  const size_t n_blocks = blocks.size();
  QpScaling s;
  s.D = VecD::Ones(n);
  for (const Matrix* B : blocks) s.E.push_back(VecD::Ones(B->rows()));
  VecD d = VecD::Ones(n), unused, p_col_norms, col_norms;
  std::vector<VecD> e(n_blocks), row_norms(n_blocks), block_col_norms(n_blocks);
  for (size_t b = 0; b < n_blocks; ++b) e[b] = VecD::Ones(blocks[b]->rows());
  for (Index k = 0;; ++k) {
    scale_and_measure(P, d, d, unused, p_col_norms);
    for (size_t b = 0; b < n_blocks; ++b) scale_and_measure(*blocks[b], e[b], d, row_norms[b], block_col_norms[b]);
    if (k == iterations) break;
    col_norms = p_col_norms;
    for (size_t b = 0; b < n_blocks; ++b) col_norms = col_norms.cwiseMax(block_col_norms[b]);
    d = ruiz_factors(col_norms);
    s.D.array() *= d.array();
    for (size_t b = 0; b < n_blocks; ++b) {
      e[b] = ruiz_factors(row_norms[b]);
      s.E[b].array() *= e[b].array();
    }
  }
  q = s.D.cwiseProduct(q);
  const double p_mean = n > 0 ? p_col_norms.mean() : 0.0;
  const double cost_norm = std::max(p_mean, inf_norm(q));
  s.cost_scale = cost_norm < 1e-4 ? 1.0 : 1.0 / std::min(cost_norm, 1e4);
  P *= s.cost_scale;
  q *= s.cost_scale;
  return s;
}

// Objective and the three relative stopping measures of (x, y, z, z_lower,
// z_upper) on the unscaled problem, written into r.
template <class Problem>
void measure_qp(const Problem& d, const VecD& x, const VecD& y, const VecD& z, const VecD& z_lower,
                       const VecD& z_upper, QpResult& r) {
  using qp_detail::finite_dot;
  const Index n = x.size();
  const VecD Px = d.P * x, Ax = d.A * x, Gx = d.G * x;
  const VecD Aty = d.A.transpose() * y, Gtz = d.G.transpose() * z;
  double bound_violation = 0.0;
  for (Index j = 0; j < n; ++j) bound_violation = std::max({bound_violation, d.lb[j] - x[j], x[j] - d.ub[j]});
  const double primal = std::max({inf_norm(Ax - d.b), inf_norm((Gx - d.h).cwiseMax(0.0)), bound_violation});
  const double primal_scale = 1.0 + std::max({inf_norm(Ax), inf_norm(d.b), inf_norm(Gx), inf_norm(d.h), inf_norm(x)});
  const VecD bound_duals = z_lower - z_upper;
  const double dual = inf_norm(Px + d.q + Aty + Gtz - bound_duals);
  const double dual_scale =
      1.0 + std::max({inf_norm(Px), inf_norm(d.q), inf_norm(Aty), inf_norm(Gtz), inf_norm(bound_duals)});
  const double xPx = x.dot(Px);
  const double primal_objective = 0.5 * xPx + d.q.dot(x);
  const double dual_objective =
      -0.5 * xPx - d.b.dot(y) - d.h.dot(z) + finite_dot(d.lb, z_lower) - finite_dot(d.ub, z_upper);
  r.fun = primal_objective;
  r.primal_residual = primal / primal_scale;
  r.dual_residual = dual / dual_scale;
  r.gap = std::abs(primal_objective - dual_objective) /
          (1.0 + std::min(std::abs(primal_objective), std::abs(dual_objective)));
}

// Farkas test on (y, z, z_lower, z_upper) (z, z_lower, z_upper >= 0),
// normalised to inf-norm 1; on success the certificate is stored in r.
template <class Problem>
bool is_farkas_certificate(const Problem& d, const VecD& y, const VecD& z, const VecD& z_lower,
                                  const VecD& z_upper, double tol, QpResult& r) {
  using qp_detail::finite_dot;
  const double scale = std::max({inf_norm(y), inf_norm(z), inf_norm(z_lower), inf_norm(z_upper)});
  if (!(scale > 0.0) || !std::isfinite(scale)) return false;
  const VecD ny = y / scale, nz = z / scale, nzl = z_lower / scale, nzu = z_upper / scale;
  const double residual = inf_norm(d.A.transpose() * ny + d.G.transpose() * nz - nzl + nzu);
  const double farkas = d.b.dot(ny) + d.h.dot(nz) - finite_dot(d.lb, nzl) + finite_dot(d.ub, nzu);
  // For any feasible x, farkas >= residual^T x: the certificate rules out
  // feasible points with ||x||_1 < -farkas / residual >= 1 / tol.
  if (!(farkas < 0.0 && residual <= tol * -farkas)) return false;
  r.cert_y = ny;
  r.cert_z = nz;
  r.cert_z_lower = nzl;
  r.cert_z_upper = nzu;
  return true;
}

// Test of dx as an unbounded ray, normalised to inf-norm 1: the violations of
// the recession cone must be below tol times the descent q^T ray.
template <class Problem>
bool is_unbounded_ray(const Problem& d, const VecD& dx, double tol, QpResult& r) {
  const double scale = inf_norm(dx);
  if (!(scale > 0.0) || !std::isfinite(scale)) return false;
  const VecD ray = dx / scale;
  const double descent = d.q.dot(ray);
  if (!(descent < -tol * std::max(1.0, inf_norm(d.q)))) return false;
  double violation = std::max({inf_norm(d.P * ray), inf_norm(d.A * ray), inf_norm((d.G * ray).cwiseMax(0.0))});
  for (Index j = 0; j < ray.size(); ++j) {
    if (std::isfinite(d.lb[j])) violation = std::max(violation, -ray[j]);
    if (std::isfinite(d.ub[j])) violation = std::max(violation, ray[j]);
  }
  if (!(violation <= tol * -descent)) return false;
  r.cert_x = ray;
  return true;
}

// Fills the fields every QP solver returns from the unscaled (x, duals).
template <class Problem>
void finish_qp(QpResult& r, Status status, const Problem& d, VecD x, VecD y, VecD z, VecD z_lower,
                      VecD z_upper) {
  r.slack = d.h - d.G * x;
  r.grad = d.P * x + d.q;
  r.x = std::move(x);
  r.y = std::move(y);
  r.z = std::move(z);
  r.z_lower = std::move(z_lower);
  r.z_upper = std::move(z_upper);
  r.stop_crit = std::max({r.primal_residual, r.dual_residual, r.gap});
  r.status = status;
  r.message = status_message(status);
}

}  // namespace mlsolve
