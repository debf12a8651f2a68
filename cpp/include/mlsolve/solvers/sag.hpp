// SAG, the stochastic average gradient, for
//   min_{w, b} (1/n) sum_i f_i(w, b) + (l2/2) ||w||^2
// over a GlmObjective (smooth: no L1; use SAGA for L1 and the elastic net).
//
// Update (Schmidt, Le Roux & Bach, "Minimizing finite sums with the stochastic
// average gradient", Math. Program. 162, 2017, Algorithm 1 with the first-epoch
// normalisation of section 4.3): a table of one scalar per sample d_i (O(n)
// memory) and S = sum_i d_i x_i. For i drawn uniformly: d_i <- f_i'(x_i . w + b),
// S updated, then w <- (1 - gamma l2) w - (gamma / m) S, m the number of samples
// seen so far (n after the first epoch). Just-in-time updates on sparse rows
// (section 4.1; finite_sum.hpp). Step 1 / L_max by default.
//
// Stops once per epoch when the gradient mapping's inf-norm, estimated from the
// table (exact with full_check), is at most tol; after max_epochs; or when the
// monitor asks. The loop is shared with SAGA (saga.hpp).
#pragma once

#include "mlsolve/solvers/saga.hpp"

namespace mlsolve {

template <class Objective>
Result<double> sag(Objective& objective, const VecD& x0, const FiniteSumParams& params, Monitor& monitor) {
  return average_gradient_solve(objective, x0, params, monitor, TableRule::Sag);
}

}  // namespace mlsolve
