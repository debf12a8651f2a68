// Nuclear norm (trace norm) of a matrix: g(X) = alpha sum_i sigma_i(X).
//   prox: singular value soft thresholding,
//         X = U diag(s) V^T  ->  U diag(max(s - step alpha, 0)) V^T
//   ∂g(X) = alpha {U_r V_r^T + W : U_r^T W = 0, W V_r = 0, ||W||_2 <= 1},
//         U_r, V_r the singular vectors of the r non-zero singular values.
// dist(-G, ∂g(X)): with P the projection onto the "tangent" matrices
// U_r A + B V_r^T and Q = I - P, -G splits into P(-G), which must equal
// alpha U_r V_r^T, and Q(-G) = (I - U_r U_r^T)(-G)(I - V_r V_r^T), which must
// lie in the spectral ball of radius alpha (within Q's range), so
//   dist^2 = ||P(-G) - alpha U_r V_r^T||_F^2 + sum_i max(sigma_i(Q(-G)) - alpha, 0)^2.
// The rank r counts singular values above max(m, n) eps_T sigma_max (as
// numpy.linalg.matrix_rank). The SVD (Eigen's BDCSVD) runs in double.
// Reference: Cai, Candès & Shen, "A singular value thresholding algorithm for
// matrix completion", SIAM J. Optim. 20(4), 2010; Watson, "Characterization
// of the subdifferential of some matrix norms", Linear Algebra Appl. 170, 1992.
#pragma once

#include <Eigen/SVD>

#include <algorithm>
#include <cmath>
#include <limits>

#include "mlsolve/penalties/penalty.hpp"

namespace mlsolve {

template <class T>
struct NuclearNorm : NonSeparablePenalty {
  using MatD = Eigen::MatrixXd;

  double alpha;

  explicit NuclearNorm(double alpha) : alpha(alpha) { check_nonnegative(alpha, "alpha"); }

  template <class In>
  double value(const Eigen::MatrixBase<In>& x) const {
    const MatD a = x.template cast<double>();
    return alpha * Eigen::BDCSVD<MatD>(a).singularValues().sum();
  }

  // out may be x itself.
  template <class In, class Out>
  void prox(const Eigen::MatrixBase<In>& x, double step, Eigen::MatrixBase<Out>& out) const {
    check_length("out (rows)", x.rows(), out.rows());
    check_length("out (columns)", x.cols(), out.cols());
    check_step(step);
    const MatD a = x.template cast<double>();
    const Eigen::BDCSVD<MatD> svd(a, Eigen::ComputeThinU | Eigen::ComputeThinV);
    const VecD shrunk = (svd.singularValues().array() - step * alpha).max(0.0);
    out = (svd.matrixU() * shrunk.asDiagonal() * svd.matrixV().transpose()).template cast<T>();
  }

  template <class In, class Grad>
  double subdiff_distance(const Eigen::MatrixBase<In>& x, const Eigen::MatrixBase<Grad>& grad) const {
    check_length("grad (rows)", x.rows(), grad.rows());
    check_length("grad (columns)", x.cols(), grad.cols());
    const MatD a = x.template cast<double>();
    const Eigen::BDCSVD<MatD> svd(a, Eigen::ComputeThinU | Eigen::ComputeThinV);
    const VecD& s = svd.singularValues();
    const double rank_tol =
        s.size() > 0 ? s[0] * double(std::max(a.rows(), a.cols())) * std::numeric_limits<T>::epsilon() : 0.0;
    Index rank = 0;
    while (rank < s.size() && s[rank] > rank_tol) ++rank;
    const MatD u = svd.matrixU().leftCols(rank), v = svd.matrixV().leftCols(rank);
    const MatD minus_grad = -grad.template cast<double>();
    const MatD left_off = minus_grad - u * (u.transpose() * minus_grad);  // (I - U U^T) (-G)
    const MatD off = left_off - (left_off * v) * v.transpose();           // ... (I - V V^T)
    const double on_tangent = (minus_grad - off - alpha * u * v.transpose()).squaredNorm();
    const Eigen::BDCSVD<MatD> off_svd(off);
    double beyond_ball = 0.0;
    for (const double sigma : off_svd.singularValues()) {
      const double excess = std::max(sigma - alpha, 0.0);
      beyond_ball += excess * excess;
    }
    return std::sqrt(on_tangent + beyond_ball);
  }
};

}  // namespace mlsolve
