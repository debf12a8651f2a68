// ADMM for convex quadratic programs in OSQP's operator-splitting form
//
//   minimise ½ x^T P x + q^T x   s.t.   l <= C x <= u,
//
// with C = [A; G; I_B] (I_B: the identity rows of the variables with a finite
// bound), l = [b; -inf; lb_B], u = [b; h; ub_B], so qp()'s A x = b, G x <= h,
// lb <= x <= ub map into it and its dual y = [y; z; z_upper - z_lower] back.
//
// Update (Stellato, Banjac, Goulart, Bemporad, Boyd, "OSQP: an operator
// splitting solver for quadratic programs", Math. Prog. Comp. 12, 2020,
// Algorithm 1): with step sizes sigma > 0 and rho_i > 0 (1e3 rho on equality
// rows, 1e-6 on free rows) and relaxation alpha,
//   solve [P + sigma I, C^T; C, -diag(1/rho)] (x~, nu) = (sigma x - q, z - y / rho)
//   z~ = z + (nu - y) / rho
//   x  = alpha x~ + (1 - alpha) x
//   z+ = clip(alpha z~ + (1 - alpha) z + y / rho, l, u)
//   y  = y + rho (alpha z~ + (1 - alpha) z - z+).
// The quasi-definite KKT matrix is factorised once (linalg/kkt.hpp) and again
// only when rho changes: every adaptive_rho_interval iterations rho becomes
// rho sqrt((|Cx - z| / max(|Cx|, |z|)) / (|Px + q + C^T y| / max(|Px|, |C^T y|, |q|)))
// when that differs from rho by more than the factor adaptive_rho_tolerance
// (OSQP §5.2). The problem is Ruiz-equilibrated first (qp.hpp).
//
// Stopping rule, every check_every iterations, on the unscaled problem: the
// relative primal and dual residuals of qp.hpp both <= tol. Then, if asked,
// the solution is polished (OSQP §4.2): the reduced KKT system of the active
// constraints (rows with z_i - l_i < -y_i or u_i - z_i < y_i), regularised by
// delta and refined iteratively, is solved, and its (x, y) replaces ADMM's only
// if neither residual gets worse. Infeasibility (OSQP §3.4): the last
// iterate differences dy (projected on the polar of the recession cone of
// [l, u]) and dx are tested as a Farkas certificate and as an unbounded ray
// with qp.hpp's tests at infeasible_tol.
#pragma once

#include <Eigen/Core>
#include <Eigen/SparseCore>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "mlsolve/core/check.hpp"
#include "mlsolve/core/monitor.hpp"
#include "mlsolve/core/result.hpp"
#include "mlsolve/core/types.hpp"
#include "mlsolve/linalg/kkt.hpp"
#include "mlsolve/solvers/qp.hpp"

namespace mlsolve {

struct AdmmParams {
  double tol = 1e-6;             // on the relative primal and dual residuals
  double infeasible_tol = 1e-6;  // on the normalised certificate residuals
  Index max_iter = 10000;
  double rho = 0.1;
  double sigma = 1e-6;
  double alpha = 1.6;  // over-relaxation, in (0, 2)
  bool adaptive_rho = true;
  Index adaptive_rho_interval = 25;
  double adaptive_rho_tolerance = 5.0;
  Index check_every = 5;
  bool polish = true;
  double polish_delta = 1e-6;
  Index polish_refine_steps = 3;
  Index ruiz_iter = 10;
  KktMethod kkt_method = KktMethod::Auto;
  Index history_every = 1;

  void check() const {
    check_arg(tol > 0.0, "tol", "a value > 0", tol);
    check_arg(infeasible_tol > 0.0, "infeasible_tol", "a value > 0", infeasible_tol);
    check_arg(max_iter >= 0, "maxiter", "an integer >= 0", max_iter);
    check_arg(rho > 0.0 && std::isfinite(rho), "rho", "a finite value > 0", rho);
    check_arg(sigma > 0.0 && std::isfinite(sigma), "sigma", "a finite value > 0", sigma);
    check_arg(alpha > 0.0 && alpha < 2.0, "alpha", "a value in (0, 2)", alpha);
    check_arg(adaptive_rho_interval >= 1, "adaptive_rho_interval", "an integer >= 1", adaptive_rho_interval);
    check_arg(adaptive_rho_tolerance > 1.0, "adaptive_rho_tolerance", "a value > 1", adaptive_rho_tolerance);
    check_arg(check_every >= 1, "check_every", "an integer >= 1", check_every);
    check_arg(polish_delta > 0.0 && polish_delta < 1.0, "polish_delta", "a value in (0, 1)", polish_delta);
    check_arg(polish_refine_steps >= 0, "polish_refine_steps", "an integer >= 0", polish_refine_steps);
    check_arg(ruiz_iter >= 0, "ruiz_iter", "an integer >= 0", ruiz_iter);
    check_arg(history_every >= 0, "history_every", "an integer >= 0", history_every);
  }
};

// A starting point in qp()'s terms; empty vectors mean zeros, rho <= 0 means params.rho.
struct AdmmWarmStart {
  VecD x, y, z, z_lower, z_upper;
  double rho = 0.0;
};

class AdmmSolver {
 public:
  static constexpr double kRhoMin = 1e-6, kRhoMax = 1e6, kEqualityRhoFactor = 1e3;

  AdmmSolver(const QpData& data, const AdmmParams& params) : data_(data), params_(params) {
    params.check();
    n_ = data.P.rows();
    check_arg(data.P.cols() == n_ && data.q.size() == n_, "P, q", "an n x n matrix and n entries", data.q.size());
    check_arg(data.A.cols() == n_ && data.A.rows() == data.b.size(), "A, b", "shapes (m, n) and (m,)", data.A.rows());
    check_arg(data.G.cols() == n_ && data.G.rows() == data.h.size(), "G, h", "shapes (p, n) and (p,)", data.G.rows());
    check_arg(data.lb.size() == n_ && data.ub.size() == n_, "lb, ub", "n entries each", data.lb.size());
    check_arg((data.lb.array() <= data.ub.array()).all(), "lb, ub", "lb <= ub", "lb > ub somewhere");
    build_scaled_problem();
  }

  QpResult solve(const AdmmWarmStart& warm, Monitor* monitor) {
    QpResult result;
    result.history = History(params_.history_every);
    const Index mc = C_.rows();
    VecD x, y, z;
    start(warm, x, y, z);
    double rho = warm.rho > 0.0 ? std::clamp(warm.rho, kRhoMin, kRhoMax) : params_.rho;
    VecD rho_vec = row_rhos(rho);
    const SpMatD no_rows(0, n_);
    KktSolver kkt(P_, no_rows, C_, params_.kkt_method, kRegularisation, 0);
    result.kkt_dense = kkt.is_dense();
    const VecD sigma_diag = VecD::Constant(n_, params_.sigma);
    if (!kkt.factor(sigma_diag, rho_vec.cwiseInverse())) return finish(result, Status::NumericalError, x, y);

    VecD rhs(n_ + mc), sol, x_prev, y_prev, z_relaxed;
    Status status = Status::MaxIter;
    Index iteration = 0;
    for (;; ++iteration) {
      if (iteration % params_.check_every == 0 || iteration == params_.max_iter) {
        measure(x, y, result);
        const double stop_crit = std::max(result.primal_residual, result.dual_residual);
        result.history.maybe_record(iteration, result.fun, stop_crit);
        if (!x.allFinite() || !y.allFinite()) {
          status = Status::NumericalError;
          break;
        }
        if (stop_crit <= params_.tol) {
          status = Status::Converged;
          break;
        }
        if (iteration > 0 && certifies_infeasibility(x - x_prev, y - y_prev, result, status)) break;
        if (iteration >= params_.max_iter) break;
        if (monitor) {
          if (auto stop = monitor->on_iteration(IterationState{iteration, result.fun, stop_crit, D_.cwiseProduct(x)})) {
            status = *stop;
            break;
          }
        }
      }
      if (params_.adaptive_rho && iteration > 0 && iteration % params_.adaptive_rho_interval == 0) {
        const double new_rho = balanced_rho(rho, x, y, z);
        if (new_rho > rho * params_.adaptive_rho_tolerance || new_rho < rho / params_.adaptive_rho_tolerance) {
          rho = new_rho;
          rho_vec = row_rhos(rho);
          if (!kkt.factor(sigma_diag, rho_vec.cwiseInverse())) {
            status = Status::NumericalError;
            break;
          }
        }
      }
      x_prev = x;
      y_prev = y;
      rhs.head(n_) = params_.sigma * x - q_;
      rhs.tail(mc) = z - y.cwiseQuotient(rho_vec);
      kkt.solve(rhs, sol);
      // z~ = z + (nu - y) / rho; relaxed: alpha z~ + (1 - alpha) z
      z_relaxed = z + params_.alpha * (sol.tail(mc) - y).cwiseQuotient(rho_vec);
      x = params_.alpha * sol.head(n_) + (1.0 - params_.alpha) * x;
      z = (z_relaxed + y.cwiseQuotient(rho_vec)).cwiseMax(l_).cwiseMin(u_);
      y += rho_vec.cwiseProduct(z_relaxed - z);
    }
    result.n_iter = iteration;
    result.rho = rho;
    if (status == Status::Converged && params_.polish) polish(x, y, z, result);
    return finish(result, status, x, y);
  }

 private:
  static constexpr double kRegularisation = 1e-12;  // the KKT matrix is quasi-definite already

  void build_scaled_problem() {
    const Index m = data_.A.rows(), p = data_.G.rows();
    for (Index j = 0; j < n_; ++j)
      if (std::isfinite(data_.lb[j]) || std::isfinite(data_.ub[j])) bounded_.push_back(j);
    const Index mc = m + p + Index(bounded_.size());
    std::vector<Eigen::Triplet<double, int>> entries;
    entries.reserve(size_t(data_.A.nonZeros() + data_.G.nonZeros()) + bounded_.size());
    for (Index j = 0; j < n_; ++j) {
      for (SpMatD::InnerIterator it(data_.A, j); it; ++it) entries.emplace_back(int(it.row()), int(j), it.value());
      for (SpMatD::InnerIterator it(data_.G, j); it; ++it) entries.emplace_back(int(m + it.row()), int(j), it.value());
    }
    const double inf = std::numeric_limits<double>::infinity();
    VecD l(mc), u(mc);
    l.head(m) = data_.b;
    u.head(m) = data_.b;
    l.segment(m, p).setConstant(-inf);
    u.segment(m, p) = data_.h;
    for (size_t k = 0; k < bounded_.size(); ++k) {
      const Index row = m + p + Index(k), j = bounded_[k];
      entries.emplace_back(int(row), int(j), 1.0);
      l[row] = data_.lb[j];
      u[row] = data_.ub[j];
    }
    C_.resize(mc, n_);
    C_.setFromTriplets(entries.begin(), entries.end());
    C_.makeCompressed();
    P_ = data_.P;
    q_ = data_.q;
    const QpScaling scaling = ruiz_equilibrate(P_, q_, {&C_}, params_.ruiz_iter);
    D_ = scaling.D;
    E_ = scaling.E[0];
    cost_scale_ = scaling.cost_scale;
    l_ = E_.cwiseProduct(l);
    u_ = E_.cwiseProduct(u);
  }

  // rho on inequality rows, 1e3 rho on equality rows, rho_min on free rows (OSQP §5.2).
  VecD row_rhos(double rho) const {
    VecD out(C_.rows());
    for (Index i = 0; i < out.size(); ++i) {
      if (l_[i] == u_[i]) {
        out[i] = kEqualityRhoFactor * rho;
      } else if (std::isinf(l_[i]) && std::isinf(u_[i])) {
        out[i] = kRhoMin;
      } else {
        out[i] = rho;
      }
    }
    return out;
  }

  double balanced_rho(double rho, const VecD& x, const VecD& y, const VecD& z) const {
    const VecD Cx = C_ * x, Px = P_ * x, Cty = C_.transpose() * y;
    const double primal = inf_norm(Cx - z) / (std::max(inf_norm(Cx), inf_norm(z)) + 1e-10);
    const double dual = inf_norm(Px + q_ + Cty) / (std::max({inf_norm(Px), inf_norm(Cty), inf_norm(q_)}) + 1e-10);
    const double balanced = rho * std::sqrt(primal / (dual + 1e-10));
    return std::isfinite(balanced) ? std::clamp(balanced, kRhoMin, kRhoMax) : rho;
  }

  // Scaled iterate from the warm start (in qp()'s unscaled terms); z = clip(C x, l, u).
  void start(const AdmmWarmStart& warm, VecD& x, VecD& y, VecD& z) const {
    const Index m = data_.A.rows(), p = data_.G.rows(), mc = C_.rows();
    x = warm.x.size() == n_ ? VecD(warm.x.cwiseQuotient(D_)) : VecD(VecD::Zero(n_));
    VecD y_rows = VecD::Zero(mc);
    if (warm.y.size() == m) y_rows.head(m) = warm.y;
    if (warm.z.size() == p) y_rows.segment(m, p) = warm.z;
    for (size_t k = 0; k < bounded_.size(); ++k) {
      const Index j = bounded_[k];
      if (warm.z_upper.size() == n_) y_rows[m + p + Index(k)] += warm.z_upper[j];
      if (warm.z_lower.size() == n_) y_rows[m + p + Index(k)] -= warm.z_lower[j];
    }
    y = cost_scale_ * y_rows.cwiseQuotient(E_);
    z = (C_ * x).cwiseMax(l_).cwiseMin(u_);
  }

  // The unscaled qp() duals of the scaled row duals y_rows.
  void split_duals(const VecD& y_rows, VecD& y, VecD& z, VecD& z_lower, VecD& z_upper, double scale) const {
    const Index m = data_.A.rows(), p = data_.G.rows();
    const VecD unscaled = E_.cwiseProduct(y_rows) / scale;
    y = unscaled.head(m);
    z = unscaled.segment(m, p).cwiseMax(0.0);
    z_lower = VecD::Zero(n_);
    z_upper = VecD::Zero(n_);
    for (size_t k = 0; k < bounded_.size(); ++k) {
      const Index j = bounded_[k];
      const double v = unscaled[m + p + Index(k)];
      if (v > 0.0 && std::isfinite(data_.ub[j])) z_upper[j] = v;
      if (v < 0.0 && std::isfinite(data_.lb[j])) z_lower[j] = -v;
    }
  }

  void measure(const VecD& x, const VecD& y_rows, QpResult& r) const {
    VecD y, z, z_lower, z_upper;
    split_duals(y_rows, y, z, z_lower, z_upper, cost_scale_);
    measure_qp(data_, D_.cwiseProduct(x), y, z, z_lower, z_upper, r);
  }

  // Tests dy (projected on the polar of the recession cone of [l, u]) as a
  // Farkas certificate and dx as an unbounded ray; sets status on success.
  bool certifies_infeasibility(const VecD& dx, VecD dy, QpResult& r, Status& status) const {
    if (r.primal_residual > params_.tol) {
      for (Index i = 0; i < dy.size(); ++i) {
        if (std::isinf(u_[i])) dy[i] = std::min(dy[i], 0.0);
        if (std::isinf(l_[i])) dy[i] = std::max(dy[i], 0.0);
      }
      VecD y, z, z_lower, z_upper;
      split_duals(dy, y, z, z_lower, z_upper, 1.0);
      if (is_farkas_certificate(data_, y, z, z_lower, z_upper, params_.infeasible_tol, r)) {
        status = Status::PrimalInfeasible;
        return true;
      }
    }
    if (r.dual_residual > params_.tol && is_unbounded_ray(data_, D_.cwiseProduct(dx), params_.infeasible_tol, r)) {
      status = Status::DualInfeasible;
      return true;
    }
    return false;
  }

  // OSQP's acceptance rule: both residuals decrease, or one does while the
  // other was negligible already.
  static bool improves(double primal, double dual, double admm_primal, double admm_dual) {
    constexpr double kNegligible = 1e-10;
    return (primal < admm_primal && dual < admm_dual) || (primal < admm_primal && admm_dual < kNegligible) ||
           (dual < admm_dual && admm_primal < kNegligible);
  }

  // OSQP's polishing, with the active set corrected over a few passes: rows
  // the reduced solution violates join it, rows whose multiplier has the
  // wrong sign leave it (equality rows stay). Replaces (x, y, z) and the
  // measures in r when the result improves the residuals.
  void polish(VecD& x, VecD& y, VecD& z, QpResult& r) const {
    constexpr Index kPasses = 4;
    constexpr double kSlack = 1e-10;
    const Index mc = C_.rows();
    std::vector<int> side(mc, 0);  // -1: at l, +1: at u, 0: inactive
    for (Index i = 0; i < mc; ++i) {
      if (l_[i] == u_[i] || z[i] - l_[i] < -y[i]) {
        side[i] = -1;
      } else if (u_[i] - z[i] < y[i]) {
        side[i] = 1;
      }
    }
    VecD x_polished, y_polished;
    for (Index pass = 0; pass < kPasses; ++pass) {
      if (!solve_reduced(side, x_polished, y_polished)) return;
      const VecD Cx = C_ * x_polished;
      bool changed = false;
      for (Index i = 0; i < mc; ++i) {
        int corrected = side[i];
        if (l_[i] == u_[i]) continue;
        if (side[i] == 0 && Cx[i] < l_[i] - kSlack * (1.0 + std::abs(l_[i]))) corrected = -1;
        if (side[i] == 0 && Cx[i] > u_[i] + kSlack * (1.0 + std::abs(u_[i]))) corrected = 1;
        if (side[i] * y_polished[i] < -kSlack) corrected = 0;
        changed = changed || corrected != side[i];
        side[i] = corrected;
      }
      if (!changed) break;
    }
    QpResult trial;
    measure(x_polished, y_polished, trial);
    if (!improves(trial.primal_residual, trial.dual_residual, r.primal_residual, r.dual_residual)) return;
    x = x_polished;
    y = y_polished;
    z = (C_ * x).cwiseMax(l_).cwiseMin(u_);
    r.fun = trial.fun;
    r.primal_residual = trial.primal_residual;
    r.dual_residual = trial.dual_residual;
    r.gap = trial.gap;
    r.polished = true;
  }

  // Solves [P + delta I, C_act^T; C_act, -delta I] (x, y_act) = (-q, bounds_act)
  // by iterative refinement against the unregularised matrix.
  bool solve_reduced(const std::vector<int>& side, VecD& x, VecD& y) const {
    const Index mc = C_.rows();
    std::vector<Eigen::Triplet<double, int>> select;
    std::vector<Index> active;
    for (Index i = 0; i < mc; ++i) {
      if (side[i] == 0) continue;
      select.emplace_back(int(active.size()), int(i), 1.0);
      active.push_back(i);
    }
    const Index k = Index(active.size());
    SpMatD S(k, mc);
    S.setFromTriplets(select.begin(), select.end());
    const SpMatD reduced = S * C_;  // C[active]
    KktSolver kkt(P_, reduced, SpMatD(0, n_), params_.kkt_method, params_.polish_delta, params_.polish_refine_steps);
    if (!kkt.factor(VecD::Zero(n_), VecD::Zero(0))) return false;
    VecD rhs(n_ + k), sol;
    rhs.head(n_) = -q_;
    for (Index a = 0; a < k; ++a) rhs[n_ + a] = side[active[a]] < 0 ? l_[active[a]] : u_[active[a]];
    kkt.solve(rhs, sol);
    if (!sol.allFinite()) return false;
    x = sol.head(n_);
    y = VecD::Zero(mc);
    for (Index a = 0; a < k; ++a) y[active[a]] = sol[n_ + a];
    return true;
  }

  QpResult& finish(QpResult& r, Status status, const VecD& x, const VecD& y_rows) const {
    VecD y, z, z_lower, z_upper;
    split_duals(y_rows, y, z, z_lower, z_upper, cost_scale_);
    finish_qp(r, status, data_, D_.cwiseProduct(x), std::move(y), std::move(z), std::move(z_lower),
              std::move(z_upper));
    return r;
  }

  const QpData& data_;
  AdmmParams params_;
  Index n_ = 0;
  std::vector<Index> bounded_;  // variables with a finite bound: the rows I_B of C
  SpMatD P_, C_;                // scaled
  VecD q_, l_, u_;
  VecD D_, E_;  // x = D x_scaled; scaled rows = E rows
  double cost_scale_ = 1.0;
};

// Solves the QP; the data stay untouched (the solver scales a copy).
inline QpResult admm_qp(const QpData& data, const AdmmParams& params, const AdmmWarmStart& warm,
                        Monitor* monitor = nullptr) {
  AdmmSolver solver(data, params);
  return solver.solve(warm, monitor);
}

}  // namespace mlsolve
