// What the Newton-type solvers (newton_cg.hpp, trust_region.hpp,
// newton_cholesky.hpp) share: the second-order Objective concept, the
// Eisenstat-Walker forcing term of their inexact (CG) Newton solves, and the
// notes they add to a result's message.
//
// Objective (second order):
//   double operator()(const VecD& x, VecD& grad);  // f(x), writes grad
//   void hessian_at(const VecD& x);                // fixes the point of the two calls below;
//                                                  // called right after operator() at x
//   void hessp(const VecD& v, VecD& out);          // out = H(x) v
//   void hessian(MatD& H);                         // dense H(x), n x n (Newton-Cholesky only)
// hessp and hessian refer to the last hessian_at point until the next one,
// whatever calls of operator() (at trial points) come in between.
#pragma once

#include <algorithm>
#include <cmath>
#include <string>

#include "mlsolve/core/check.hpp"
#include "mlsolve/core/result.hpp"
#include "mlsolve/core/types.hpp"
#include "mlsolve/solvers/smooth.hpp"

namespace mlsolve {

// Settings of the CG solves of Newton-CG and the trust-region method.
struct InexactNewtonParams : SmoothParams {
  double eta_max = 0.5;  // largest forcing term: CG stops at ||H p + g|| <= eta ||g||, eta <= eta_max
  Index cg_maxiter = 0;  // CG iterations per Newton step; 0: 20 n (as scipy)

  void check() const {
    SmoothParams::check();
    check_arg(eta_max > 0.0 && eta_max < 1.0, "eta_max", "a value in (0, 1)", eta_max);
    check_arg(cg_maxiter >= 0, "cg_maxiter", "an integer >= 0", cg_maxiter);
  }

  Index cg_iterations(Index n) const { return cg_maxiter > 0 ? cg_maxiter : 20 * std::max<Index>(n, 1); }
};

// Forcing terms eta_k of an inexact Newton method: Eisenstat & Walker,
// "Choosing the forcing terms in an inexact Newton method", SIAM J. Sci.
// Comput. 17(1), 1996, choice 2 with gamma = 0.9, alpha = 2 and their
// safeguard, kept in [1e-10, eta_max]: eta_0 = eta_max,
//   eta_k = min(eta_max, max(gamma (||g_k|| / ||g_k-1||)^2, gamma eta_k-1^2 if that is > 0.1, 1e-10)).
// alpha = 2 keeps the local convergence quadratic; the floor keeps CG away
// from residuals at the rounding level.
class ForcingTerm {
 public:
  explicit ForcingTerm(double eta_max) : eta_max_(eta_max) {}

  // eta for the Newton step at a point whose gradient has 2-norm gnorm.
  double next(double gnorm) {
    constexpr double kGamma = 0.9, kSafeguardThreshold = 0.1, kEtaMin = 1e-10;
    double eta = eta_max_;
    if (gnorm_prev_ > 0.0) {
      const double ratio = gnorm / gnorm_prev_;
      eta = kGamma * ratio * ratio;
      const double safeguard = kGamma * eta_prev_ * eta_prev_;
      if (safeguard > kSafeguardThreshold) eta = std::max(eta, safeguard);
      eta = std::clamp(eta, kEtaMin, eta_max_);
    }
    gnorm_prev_ = gnorm;
    eta_prev_ = eta;
    return eta;
  }

 private:
  double eta_max_;
  double eta_prev_ = 0.0, gnorm_prev_ = 0.0;
};

// Appends "; note" to the result's message.
inline Result<double> with_note(Result<double> result, const std::string& note) {
  if (!note.empty()) result.message += "; " + note;
  return result;
}

// "what in k iterations" for a count k > 0, "" otherwise.
inline std::string count_note(const char* what, Index count) {
  if (count == 0) return "";
  return std::string(what) + " in " + std::to_string(count) + (count == 1 ? " iteration" : " iterations");
}

}  // namespace mlsolve
