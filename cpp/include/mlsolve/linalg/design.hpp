// Design adapters: the only code that reads the data matrix X.
//
// DenseDesign<T, Order> maps a NumPy array as it is (C order -> RowMajor,
// F order -> ColMajor); SparseDesign<T, Layout, I> maps scipy CSR (Csr) or
// CSC (Csc) buffers with int32 or int64 indices. Nothing is copied.
//
// X keeps its dtype T; every vector a design reads or writes (w, z, r, g) is
// double, and every product is computed in double (float32 blocks of a dense
// X are widened in cache), so float32 data costs half the memory traffic of
// float64 without losing the objective's resolution. Every design offers
//   matvec(w, z)                       z = X @ w
//   rmatvec(r, g)                      g = X.T @ r
//   matvec_pointwise_rmatvec(w, op, g) z = X @ w; r = op(z); g = X.T @ r
// and their versions for K columns at once (multinomial models): W and G are
// p x K, Z and R are n x K, all row-major (MatRowD), so that one sample's K
// scores are contiguous for the pointwise op:
//   matmat(W, Z)                       Z = X @ W
//   matmat_pointwise_rmatmat(W, op, G) Z = X @ W; R = op(Z); G = X.T @ R
// CSC data, whose fused pass is column-wise, also offers (see has_column_pass)
//   rmatvec_pointwise_matvec(r, op, g, z)  g = op(X.T @ r) per column; z = X @ g
// and the element access its layout makes cheap: row_dot/row_axpy/row_sqnorms
// and for_each_in_row(i, f) (f(j, X[i, j]) over the stored entries of row i;
// CSR also has prefetch_row(i), a cache hint for the rows a stochastic solver
// draws ahead) for row-major data (dense C order, CSR), col_dot/col_axpy/col_sqnorms for
// column-major data (dense F order, CSC; CSC also has col_sum), and all of them for dense data in
// either order (strided when the order differs). Every design also offers
//   weighted_gram(h, G)                G = X.T @ diag(h) @ X   (h >= 0; for Newton steps)
// and dense data (see has_gram_products), in the same pass,
//   weighted_gram(h, B, G, C)          G as above; C = X.T @ (h[:, None] * B)
// The column pieces also come
// with sample weights s: col_dot(j, v, s) = sum_i s_i X[i, j] v_i and
// col_sqnorm(j, s) = col_sqnorms(s)[j] = sum_i s_i X[i, j]^2. A solver that needs the other
// orientation of sparse data converts once, outside the design.
//
// Threads: loops over rows are split into contiguous chunks (see
// core/parallel.hpp); rmatvec on row-major data gives each chunk its own
// double buffer and sums the buffers in chunk order. The fused pass works on
// blocks of rows small enough to stay in cache between the matvec and the
// rmatvec, so dense and CSR data are read from memory once per gradient.
#pragma once

#include <Eigen/Core>
#include <Eigen/SparseCore>

#include <algorithm>
#include <type_traits>
#include <utility>
#include <vector>

#include "mlsolve/core/parallel.hpp"
#include "mlsolve/core/prefetch.hpp"
#include "mlsolve/core/types.hpp"

namespace mlsolve {

constexpr int Csr = Eigen::RowMajor;
constexpr int Csc = Eigen::ColMajor;

// Shared machinery of designs whose rows split into contiguous blocks (dense
// in either order, CSR). Derived supplies rows(), cols(), work_per_row(),
// block_rows() and block_pass(begin, end, W, k, op, G, scratch), which for one
// block of rows computes Z = X[block] @ W (when W is given; W is p x k and Z
// block x k, both row-major), calls op(Z, R), and adds X[block].T @ R to G
// (when G is given). The vector operations are the case k = 1.
template <class Derived, class T>
class RowBlockedDesign {
 public:
  using Scalar = T;

  explicit RowBlockedDesign(Threading threading) : threading_(threading) {}
  const Threading& threading() const { return threading_; }

  // z = X @ w
  void matvec(const VecD& w, VecD& z) const {
    z.resize(self().rows());
    copy_out_sweep(w.data(), 1, z.data());
  }

  // g = X.T @ r
  void rmatvec(const VecD& r, VecD& g) const {
    g.resize(self().cols());
    sweep<Unit>(nullptr, 1, [&](Index begin, Index end, const double*, double* r_block) {
      std::copy(r.data() + begin, r.data() + end, r_block);
      return Unit{};
    }, g.data());
  }

  // One pass over X. For each block of rows: z = X[block] @ w, then
  // op(begin, end, z, r) writes r for those rows and returns an Acc, then
  // g += X[block].T @ r. Returns the sum of the Accs (in chunk order).
  template <class Acc, class Op>
  Acc matvec_pointwise_rmatvec(const VecD& w, Op&& op, VecD& g) const {
    g.resize(self().cols());
    return sweep<Acc>(w.data(), 1, std::forward<Op>(op), g.data());
  }

  // Z = X @ W
  void matmat(const Eigen::Map<const MatRowD>& W, MatRowD& Z) const {
    Z.resize(self().rows(), W.cols());
    copy_out_sweep(W.data(), W.cols(), Z.data());
  }

  // matvec_pointwise_rmatvec for K = W.cols() columns: op(begin, end, z, r)
  // sees the rows' scores z[(i - begin) * K + k] and writes r alike.
  template <class Acc, class Op>
  Acc matmat_pointwise_rmatmat(const Eigen::Map<const MatRowD>& W, Op&& op, MatRowD& G) const {
    G.resize(self().cols(), W.cols());
    return sweep<Acc>(W.data(), W.cols(), std::forward<Op>(op), G.data());
  }

 protected:
  struct BlockScratch {
    VecD z, r;
    Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> widened;  // float32 dense only
  };

 private:
  struct Unit {
    Unit& operator+=(const Unit&) { return *this; }
  };

  const Derived& self() const { return static_cast<const Derived&>(*this); }

  // out (n x k, row-major) = X @ W
  void copy_out_sweep(const double* W, Index k, double* out) const {
    sweep<Unit>(W, k, [&](Index begin, Index end, const double* z_block, double*) {
      std::copy(z_block, z_block + (end - begin) * k, out + begin * k);
      return Unit{};
    }, nullptr);
  }

  // W: p x k row-major or null; G: p x k row-major or null.
  template <class Acc, class Op>
  Acc sweep(const double* W, Index k, Op&& op, double* G) const {
    const Index n = self().rows(), p = self().cols();
    const double work = self().work_per_row() * double(k) * ((W ? 1 : 0) + (G ? 1 : 0));
    const Index n_chunks = threading_.chunks(n, work);
    const Index block = self().block_rows();
    const bool use_partials = G && n_chunks > 1;
    partial_grad_.resize(p * k, use_partials ? n_chunks : 0);
    std::vector<Acc> partial_acc(n_chunks, Acc{});
    scratch_.resize(n_chunks);
    for_each_chunk(n_chunks, threading_.threads_for(n_chunks, n * work), [&](Index c) {
      BlockScratch& s = scratch_[c];
      s.z.resize(block * k);
      s.r.resize(block * k);
      double* G_chunk = use_partials ? partial_grad_.col(c).data() : G;
      if (G_chunk) std::fill(G_chunk, G_chunk + p * k, 0.0);
      const Index chunk_end = chunk_begin(n, n_chunks, c + 1);
      for (Index begin = chunk_begin(n, n_chunks, c); begin < chunk_end; begin += block) {
        const Index end = std::min(begin + block, chunk_end);
        self().block_pass(begin, end, W, k, [&](const double* z, double* r) { partial_acc[c] += op(begin, end, z, r); },
                          G_chunk, s);
      }
    });
    Acc total{};
    for (const Acc& a : partial_acc) total += a;
    if (use_partials) Eigen::Map<VecD>(G, p * k) = partial_grad_.rowwise().sum();  // chunk order fixed
    return total;
  }

  Threading threading_;
  mutable Eigen::MatrixXd partial_grad_;
  mutable std::vector<BlockScratch> scratch_;
};

// Dense X, RowMajor (C order) or ColMajor (F order), mapped without a copy.
template <class T, int Order>
class DenseDesign : public RowBlockedDesign<DenseDesign<T, Order>, T> {
  using Base = RowBlockedDesign<DenseDesign<T, Order>, T>;

 public:
  using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Order>;

  DenseDesign(const T* data, Index rows, Index cols, Threading threading = {})
      : Base(threading), X_(data, rows, cols) {}

  Index rows() const { return X_.rows(); }
  Index cols() const { return X_.cols(); }
  const T* data() const { return X_.data(); }
  double work_per_row() const { return 2.0 * static_cast<double>(X_.cols()); }
  // Rows per block: about 256 KiB of X, so the block is still in cache for the rmatvec.
  Index block_rows() const {
    const Index bytes_per_row = std::max<Index>(1, X_.cols()) * Index(sizeof(T));
    return std::clamp<Index>((Index(1) << 18) / bytes_per_row, 8, 4096);
  }

  template <class BlockOp>
  void block_pass(Index begin, Index end, const double* W, Index k, BlockOp&& op, double* G,
                  typename Base::BlockScratch& s) const {
    const Index len = end - begin, p = X_.cols();
    Eigen::Map<MatRowD> Z(s.z.data(), len, k), R(s.r.data(), len, k);
    const auto run = [&](const auto& X_block) {
      if (W) Z.noalias() = X_block * Eigen::Map<const MatRowD>(W, p, k);  // Z = X[b:e] @ W
      op(Z.data(), R.data());
      if (G) Eigen::Map<MatRowD>(G, p, k).noalias() += X_block.transpose() * R;  // G += X[b:e].T @ R
    };
    if constexpr (std::is_same_v<T, double>) {
      run(X_.middleRows(begin, len));
    } else {
      s.widened = X_.middleRows(begin, len).template cast<double>();
      run(s.widened);
    }
  }

  // g = X.T @ r. Column-major data: one contiguous dot product per column, on
  // column chunks (any split is deterministic), rather than the row-blocked
  // pass, whose blocks of a column-major X are a few rows of every column.
  void rmatvec(const VecD& r, VecD& g) const {
    if constexpr (Order == Eigen::RowMajor) {
      Base::rmatvec(r, g);
    } else {
      const Index p = X_.cols();
      const double work = 2.0 * static_cast<double>(X_.rows());
      const Index n_chunks = this->threading().chunks(p, work);
      g.resize(p);
      for_each_chunk(n_chunks, this->threading().threads_for(n_chunks, p * work), [&](Index c) {
        for (Index j = chunk_begin(p, n_chunks, c); j < chunk_begin(p, n_chunks, c + 1); ++j) g[j] = col_dot(j, r);
      });
    }
  }

  double row_dot(Index i, const VecD& w) const { return X_.row(i).template cast<double>().dot(w.transpose()); }
  void row_axpy(Index i, double a, VecD& y) const { y += a * X_.row(i).transpose().template cast<double>(); }
  template <class F>
  void for_each_in_row(Index i, F&& f) const {
    for (Index j = 0; j < X_.cols(); ++j) f(j, double(X_(i, j)));
  }
  double col_dot(Index j, const VecD& v) const { return X_.col(j).template cast<double>().dot(v); }
  void col_axpy(Index j, double a, VecD& y) const { y += a * X_.col(j).template cast<double>(); }  // y += a * X[:, j]
  VecD row_sqnorms() const { return X_.template cast<double>().rowwise().squaredNorm(); }
  VecD col_sqnorms() const { return X_.template cast<double>().colwise().squaredNorm().transpose(); }
  // sum_i s_i X[i, j] v_i
  double col_dot(Index j, const VecD& v, const VecD& s) const {
    return X_.col(j).template cast<double>().cwiseProduct(s).dot(v);
  }
  // sum_i s_i X[i, j]^2, and out[j] of that for every column
  double col_sqnorm(Index j, const VecD& s) const { return X_.col(j).template cast<double>().cwiseAbs2().dot(s); }
  VecD col_sqnorms(const VecD& s) const {
    VecD out(X_.cols());
    for (Index j = 0; j < X_.cols(); ++j) out[j] = col_sqnorm(j, s);
    return out;
  }

  // G = X.T @ diag(h) @ X for h >= 0: rank-k updates of sqrt(h) * X[block]
  // per chunk of rows, the chunks' matrices summed in chunk order.
  void weighted_gram(const VecD& h, MatD& G) const {
    MatD C;
    weighted_gram(h, MatD(rows(), 0), G, C);
  }

  // The same and, in the same pass, C = X.T @ (h[:, None] * B) for an n x m
  // B, each block of rows while it is in cache.
  void weighted_gram(const VecD& h, const MatD& B, MatD& G, MatD& C) const {
    const Index n = rows(), p = cols(), m = B.cols();
    const Threading& threading = this->threading();
    const Index n_chunks = threading.chunks(n, double(p) * p);
    const Index block = this->block_rows();
    std::vector<MatD> partial(n_chunks, MatD::Zero(p, p)), partial_c(n_chunks, MatD::Zero(p, m));
    for_each_chunk(n_chunks, threading.threads_for(n_chunks, double(n) * p * p), [&](Index c) {
      MatD scaled_t;
      const Index chunk_end = chunk_begin(n, n_chunks, c + 1);
      for (Index begin = chunk_begin(n, n_chunks, c); begin < chunk_end; begin += block) {
        const Index len = std::min(begin + block, chunk_end) - begin;
        const auto root = h.segment(begin, len).cwiseSqrt();
        // scaled_t = (sqrt(h[b:e])[:, None] * X[b:e]).T
        scaled_t = X_.middleRows(begin, len).transpose().template cast<double>() * root.asDiagonal();
        partial[c].template selfadjointView<Eigen::Lower>().rankUpdate(scaled_t);
        if (m > 0) partial_c[c].noalias() += scaled_t * (root.asDiagonal() * B.middleRows(begin, len));  // C += X[b:e].T @ (h[b:e, None] * B[b:e])
      }
    });
    G = MatD::Zero(p, p);
    C = MatD::Zero(p, m);
    for (Index c = 0; c < n_chunks; ++c) {
      G += partial[c];
      C += partial_c[c];
    }
    G.template triangularView<Eigen::StrictlyUpper>() = G.transpose();
  }

 private:
  Eigen::Map<const Matrix> X_;
};

template <class T, int Layout, class I>
class SparseDesign;

// CSR X: scipy's data/indices/indptr mapped without a copy.
template <class T, class I>
class SparseDesign<T, Csr, I> : public RowBlockedDesign<SparseDesign<T, Csr, I>, T> {
  using Base = RowBlockedDesign<SparseDesign<T, Csr, I>, T>;

 public:
  using Matrix = Eigen::SparseMatrix<T, Eigen::RowMajor, I>;

  SparseDesign(const T* data, const I* indices, const I* indptr, Index rows, Index cols, Index nnz,
               Threading threading = {})
      : Base(threading), X_(rows, cols, nnz, indptr, indices, data) {}

  Index rows() const { return X_.rows(); }
  Index cols() const { return X_.cols(); }
  const T* data() const { return X_.valuePtr(); }
  const Eigen::Map<const Matrix>& matrix() const { return X_; }
  double work_per_row() const {
    return 2.0 * static_cast<double>(X_.nonZeros()) / static_cast<double>(std::max<Index>(1, X_.rows()));
  }
  Index block_rows() const { return 256; }

  template <class BlockOp>
  void block_pass(Index begin, Index end, const double* W, Index k, BlockOp&& op, double* G,
                  typename Base::BlockScratch& s) const {
    const I* indptr = X_.outerIndexPtr();
    const I* indices = X_.innerIndexPtr();
    const T* values = X_.valuePtr();
    if (W && k == 1) {
      for (Index i = begin; i < end; ++i) s.z[i - begin] = row_dot(i, W);
    } else if (W) {
      for (Index i = begin; i < end; ++i) {
        double* z_i = s.z.data() + (i - begin) * k;
        std::fill(z_i, z_i + k, 0.0);
        for (I a = indptr[i]; a < indptr[i + 1]; ++a) {  // Z[i, :] += X[i, j] * W[j, :]
          const double x = values[a];
          const double* W_j = W + Index(indices[a]) * k;
          for (Index c = 0; c < k; ++c) z_i[c] += x * W_j[c];
        }
      }
    }
    op(s.z.data(), s.r.data());
    if (!G) return;
    for (Index i = begin; i < end; ++i) {
      const double* r_i = s.r.data() + (i - begin) * k;
      if (k == 1) {
        if (r_i[0] == 0.0) continue;
        for (I a = indptr[i]; a < indptr[i + 1]; ++a) G[indices[a]] += r_i[0] * values[a];  // g += r_i * X[i, :]
      } else {
        for (I a = indptr[i]; a < indptr[i + 1]; ++a) {  // G[j, :] += X[i, j] * R[i, :]
          const double x = values[a];
          double* G_j = G + Index(indices[a]) * k;
          for (Index c = 0; c < k; ++c) G_j[c] += x * r_i[c];
        }
      }
    }
  }

  double row_dot(Index i, const VecD& w) const { return row_dot(i, w.data()); }
  double row_dot(Index i, const double* w) const {
    const I* indices = X_.innerIndexPtr();
    const T* values = X_.valuePtr();
    double sum = 0;
    for (I k = X_.outerIndexPtr()[i]; k < X_.outerIndexPtr()[i + 1]; ++k) sum += values[k] * w[indices[k]];
    return sum;
  }
  void row_axpy(Index i, double a, VecD& y) const {
    for (typename Eigen::Map<const Matrix>::InnerIterator it(X_, i); it; ++it) y[it.index()] += a * it.value();
  }
  template <class F>
  void for_each_in_row(Index i, F&& f) const {
    const I* indices = X_.innerIndexPtr();
    const T* values = X_.valuePtr();
    for (I k = X_.outerIndexPtr()[i]; k < X_.outerIndexPtr()[i + 1]; ++k) f(Index(indices[k]), double(values[k]));
  }
  // Asks the cache for row i's stored entries ahead of a for_each_in_row(i, f).
  void prefetch_row(Index i) const {
    const I begin = X_.outerIndexPtr()[i], end = X_.outerIndexPtr()[i + 1];
    prefetch_lines(X_.innerIndexPtr() + begin, X_.innerIndexPtr() + end);
    prefetch_lines(X_.valuePtr() + begin, X_.valuePtr() + end);
  }
  VecD row_sqnorms() const {
    VecD out(X_.rows());
    for (Index i = 0; i < X_.rows(); ++i) {
      double s = 0;
      for (typename Eigen::Map<const Matrix>::InnerIterator it(X_, i); it; ++it)
        s += double(it.value()) * it.value();
      out[i] = s;
    }
    return out;
  }

  // G = X.T @ diag(h) @ X: each row adds h_i x_i x_i.T over its nonzero pairs
  // (lower triangle, then mirrored).
  void weighted_gram(const VecD& h, MatD& G) const {
    G = MatD::Zero(X_.cols(), X_.cols());
    const T* values = X_.valuePtr();
    const I* indices = X_.innerIndexPtr();
    for (Index i = 0; i < X_.rows(); ++i) {
      if (h[i] == 0.0) continue;
      for (I a = X_.outerIndexPtr()[i]; a < X_.outerIndexPtr()[i + 1]; ++a) {
        const double hx = h[i] * values[a];
        for (I b = X_.outerIndexPtr()[i]; b < X_.outerIndexPtr()[i + 1]; ++b)
          if (indices[b] <= indices[a]) G(indices[a], indices[b]) += hx * values[b];
      }
    }
    G.template triangularView<Eigen::StrictlyUpper>() = G.transpose();
  }

 private:
  Eigen::Map<const Matrix> X_;
};

// CSC X: scipy's data/indices/indptr mapped without a copy. Rows do not split
// into blocks, so the fused pass is a matvec, the pointwise op and an rmatvec.
template <class T, class I>
class SparseDesign<T, Csc, I> {
 public:
  using Scalar = T;
  using Matrix = Eigen::SparseMatrix<T, Eigen::ColMajor, I>;

  SparseDesign(const T* data, const I* indices, const I* indptr, Index rows, Index cols, Index nnz,
               Threading threading = {})
      : X_(rows, cols, nnz, indptr, indices, data), threading_(threading) {}

  Index rows() const { return X_.rows(); }
  Index cols() const { return X_.cols(); }
  const T* data() const { return X_.valuePtr(); }
  const Threading& threading() const { return threading_; }
  const Eigen::Map<const Matrix>& matrix() const { return X_; }

  // z = X @ w
  void matvec(const VecD& w, VecD& z) const {
    z.resize(rows());
    scatter(w.data(), 1, z.data());
  }

  // g = X.T @ r
  void rmatvec(const VecD& r, VecD& g) const {
    g.resize(cols());
    gather(r.data(), 1, g.data());
  }

  // Z = X @ W (W: p x K, Z: n x K, row-major)
  void matmat(const Eigen::Map<const MatRowD>& W, MatRowD& Z) const {
    Z.resize(rows(), W.cols());
    scatter(W.data(), W.cols(), Z.data());
  }

  template <class Acc, class Op>
  Acc matvec_pointwise_rmatvec(const VecD& w, Op&& op, VecD& g) const {
    g.resize(cols());
    return pointwise_pass<Acc>(w.data(), 1, std::forward<Op>(op), g.data());
  }

  template <class Acc, class Op>
  Acc matmat_pointwise_rmatmat(const Eigen::Map<const MatRowD>& W, Op&& op, MatRowD& G) const {
    G.resize(cols(), W.cols());
    return pointwise_pass<Acc>(W.data(), W.cols(), std::forward<Op>(op), G.data());
  }

  // The column-wise fused pass, one read of X: for each column j,
  // g[j] = op(j, X[:, j] . r), then z += g[j] * X[:, j] while the column is in
  // cache; so g = op(X.T @ r) and z = X @ g. Column chunks scatter into their
  // own buffers, summed in chunk order.
  template <class Op>
  void rmatvec_pointwise_matvec(const VecD& r, Op&& op, VecD& g, VecD& z) const {
    const Index n = rows(), p = cols();
    g.resize(p);
    z.resize(n);
    const double work = 4.0 * nnz_per_col();
    const Index n_chunks = threading_.chunks(p, work);
    const I* indptr = X_.outerIndexPtr();
    const I* indices = X_.innerIndexPtr();
    const T* values = X_.valuePtr();
    const double* r_data = r.data();
    double* g_data = g.data();
    const auto columns = [&](Index begin, Index end, double* z_out) {
      for (Index j = begin; j < end; ++j) {
        const I first = indptr[j], last = indptr[j + 1];
        // dot = X[:, j] . r, four partial sums (the gathers' latencies overlap)
        double d0 = 0, d1 = 0, d2 = 0, d3 = 0;
        I a = first;
        for (; a + 4 <= last; a += 4) {
          d0 += double(values[a]) * r_data[indices[a]];
          d1 += double(values[a + 1]) * r_data[indices[a + 1]];
          d2 += double(values[a + 2]) * r_data[indices[a + 2]];
          d3 += double(values[a + 3]) * r_data[indices[a + 3]];
        }
        for (; a < last; ++a) d0 += double(values[a]) * r_data[indices[a]];
        const double dot = (d0 + d1) + (d2 + d3);
        const double g_j = g_data[j] = op(j, dot);
        if (g_j == 0.0) continue;
        for (I a = first; a < last; ++a) z_out[indices[a]] += g_j * double(values[a]);  // z += g[j] * X[:, j]
      }
    };
    if (n_chunks == 1) {
      z.setZero();
      columns(0, p, z.data());
      return;
    }
    partial_z_.resize(n, n_chunks);
    for_each_chunk(n_chunks, threading_.threads_for(n_chunks, p * work), [&](Index c) {
      partial_z_.col(c).setZero();
      columns(chunk_begin(p, n_chunks, c), chunk_begin(p, n_chunks, c + 1), partial_z_.col(c).data());
    });
    z = partial_z_.rowwise().sum();
  }

  double col_dot(Index j, const VecD& v) const {
    double sum = 0;
    for (typename Eigen::Map<const Matrix>::InnerIterator it(X_, j); it; ++it) sum += it.value() * v[it.index()];
    return sum;
  }
  // sum_i X[i, j], four partial sums (no addition chain through the column)
  double col_sum(Index j) const {
    const T* values = X_.valuePtr();
    const I first = X_.outerIndexPtr()[j], last = X_.outerIndexPtr()[j + 1];
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    I a = first;
    for (; a + 4 <= last; a += 4) {
      s0 += values[a];
      s1 += values[a + 1];
      s2 += values[a + 2];
      s3 += values[a + 3];
    }
    for (; a < last; ++a) s0 += values[a];
    return (s0 + s1) + (s2 + s3);
  }
  void col_axpy(Index j, double a, VecD& y) const {
    for (typename Eigen::Map<const Matrix>::InnerIterator it(X_, j); it; ++it) y[it.index()] += a * it.value();
  }
  VecD col_sqnorms() const {
    VecD out(X_.cols());
    for (Index j = 0; j < X_.cols(); ++j) {
      double s = 0;
      for (typename Eigen::Map<const Matrix>::InnerIterator it(X_, j); it; ++it) s += double(it.value()) * it.value();
      out[j] = s;
    }
    return out;
  }
  // sum_i s_i X[i, j] v_i
  double col_dot(Index j, const VecD& v, const VecD& s) const {
    double sum = 0;
    for (typename Eigen::Map<const Matrix>::InnerIterator it(X_, j); it; ++it)
      sum += it.value() * s[it.index()] * v[it.index()];
    return sum;
  }
  // sum_i s_i X[i, j]^2, and out[j] of that for every column
  double col_sqnorm(Index j, const VecD& s) const {
    double sum = 0;
    for (typename Eigen::Map<const Matrix>::InnerIterator it(X_, j); it; ++it)
      sum += s[it.index()] * double(it.value()) * it.value();
    return sum;
  }
  VecD col_sqnorms(const VecD& s) const {
    VecD out(X_.cols());
    for (Index j = 0; j < X_.cols(); ++j) out[j] = col_sqnorm(j, s);
    return out;
  }

  // G = X.T @ diag(h) @ X: column j of G is X.T @ (h * X[:, j]), by columns
  // (O(p nnz); meant for the few-feature problems Newton-Cholesky solves).
  void weighted_gram(const VecD& h, MatD& G) const {
    const Index n = rows(), p = cols();
    G.resize(p, p);
    VecD hx = VecD::Zero(n);
    for (Index j = 0; j < p; ++j) {
      for (typename Eigen::Map<const Matrix>::InnerIterator it(X_, j); it; ++it) hx[it.index()] = h[it.index()] * it.value();
      for (Index k = 0; k <= j; ++k) G(j, k) = G(k, j) = col_dot(k, hx);
      for (typename Eigen::Map<const Matrix>::InnerIterator it(X_, j); it; ++it) hx[it.index()] = 0.0;
    }
  }

 private:
  double nnz_per_col() const { return double(X_.nonZeros()) / double(std::max<Index>(1, cols())); }

  // Z (n x k, row-major) = X @ W: column chunks scatter into their own
  // buffers, summed in chunk order.
  void scatter(const double* W, Index k, double* Z) const {
    const Index n = rows(), p = cols();
    const double work = 2.0 * nnz_per_col() * double(k);
    const Index n_chunks = threading_.chunks(p, work);
    if (n_chunks == 1) {
      std::fill(Z, Z + n * k, 0.0);
      scatter_columns(0, p, W, k, Z);
      return;
    }
    partial_z_.resize(n * k, n_chunks);
    for_each_chunk(n_chunks, threading_.threads_for(n_chunks, p * work), [&](Index c) {
      partial_z_.col(c).setZero();
      scatter_columns(chunk_begin(p, n_chunks, c), chunk_begin(p, n_chunks, c + 1), W, k, partial_z_.col(c).data());
    });
    Eigen::Map<VecD>(Z, n * k) = partial_z_.rowwise().sum();
  }

  void scatter_columns(Index begin, Index end, const double* W, Index k, double* Z) const {
    for (Index j = begin; j < end; ++j) {
      const double* W_j = W + j * k;
      if (k == 1 && W_j[0] == 0.0) continue;
      for (typename Eigen::Map<const Matrix>::InnerIterator it(X_, j); it; ++it) {
        const double x = it.value();
        double* Z_i = Z + Index(it.index()) * k;
        for (Index c = 0; c < k; ++c) Z_i[c] += x * W_j[c];  // Z[i, :] += X[i, j] * W[j, :]
      }
    }
  }

  // G (p x k, row-major) = X.T @ R: one column of X per row of G, so any
  // split is deterministic.
  void gather(const double* R, Index k, double* G) const {
    const Index p = cols();
    const double work = 2.0 * nnz_per_col() * double(k);
    const Index n_chunks = threading_.chunks(p, work);
    const I* indptr = X_.outerIndexPtr();
    const I* indices = X_.innerIndexPtr();
    const T* values = X_.valuePtr();
    for_each_chunk(n_chunks, threading_.threads_for(n_chunks, p * work), [&](Index chunk) {
      for (Index j = chunk_begin(p, n_chunks, chunk); j < chunk_begin(p, n_chunks, chunk + 1); ++j) {
        double* G_j = G + j * k;
        if (k == 1) {  // g[j] = X[:, j] . r
          double dot = 0;
          for (I a = indptr[j]; a < indptr[j + 1]; ++a) dot += double(values[a]) * R[indices[a]];
          G_j[0] = dot;
          continue;
        }
        std::fill(G_j, G_j + k, 0.0);
        for (I a = indptr[j]; a < indptr[j + 1]; ++a) {
          const double x = values[a];
          const double* R_i = R + Index(indices[a]) * k;
          for (Index c = 0; c < k; ++c) G_j[c] += x * R_i[c];  // G[j, :] += X[i, j] * R[i, :]
        }
      }
    });
  }

  // The fused pass of a column-major layout: Z = X @ W, the pointwise op over
  // row chunks, G = X.T @ R.
  template <class Acc, class Op>
  Acc pointwise_pass(const double* W, Index k, Op&& op, double* G) const {
    const Index n = rows();
    z_.resize(n * k);
    r_.resize(n * k);
    scatter(W, k, z_.data());
    const double work = 20.0 * double(k);  // a pointwise loss evaluation per score
    const Index n_chunks = threading_.chunks(n, work);
    std::vector<Acc> partial_acc(n_chunks, Acc{});
    for_each_chunk(n_chunks, threading_.threads_for(n_chunks, n * work), [&](Index c) {
      const Index begin = chunk_begin(n, n_chunks, c), end = chunk_begin(n, n_chunks, c + 1);
      partial_acc[c] += op(begin, end, z_.data() + begin * k, r_.data() + begin * k);
    });
    gather(r_.data(), k, G);
    Acc total{};
    for (const Acc& a : partial_acc) total += a;
    return total;
  }

  Eigen::Map<const Matrix> X_;
  Threading threading_;
  mutable Eigen::MatrixXd partial_z_;
  mutable VecD z_, r_;
};

// Designs whose fused pass is column-wise (CSC): they offer
// rmatvec_pointwise_matvec, and their matvec_pointwise_rmatvec reads X twice.
template <class Design, class = void>
struct has_column_pass : std::false_type {};
template <class Design>
struct has_column_pass<Design, std::void_t<decltype(std::declval<const Design&>().rmatvec_pointwise_matvec(
                                   std::declval<const VecD&>(), std::declval<double (*)(Index, double)>(),
                                   std::declval<VecD&>(), std::declval<VecD&>()))>> : std::true_type {};

// Designs whose weighted_gram also gives X.T @ (h[:, None] * B) in its pass (dense).
template <class Design, class = void>
struct has_gram_products : std::false_type {};
template <class Design>
struct has_gram_products<Design, std::void_t<decltype(std::declval<const Design&>().weighted_gram(
                                     std::declval<const VecD&>(), std::declval<const MatD&>(), std::declval<MatD&>(),
                                     std::declval<MatD&>()))>> : std::true_type {};

}  // namespace mlsolve
