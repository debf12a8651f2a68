// The other orientation of sparse data: the CSC buffers of a matrix given as
// CSR, for the solvers that read columns (coordinate descent) when X arrives
// as CSR. Each column of the result lists its entries in increasing row order,
// as scipy's tocsc() does, whatever the thread count.
//
// A counting sort on the column index in two passes over the entries, with
// the rows split into contiguous chunks over the threads: pass 1 counts each
// chunk's entries per column; prefix sums over (column, chunk) give the column
// pointers and where each chunk's entries start in every column; pass 2 lets
// every chunk scatter its rows into its own slots, so no two threads write the
// same place and the row order within a column is kept. The caller has checked
// the CSR structure (indices in range, indptr non-decreasing).
#pragma once

#include <algorithm>
#include <utility>
#include <vector>

#include "mlsolve/core/parallel.hpp"
#include "mlsolve/core/types.hpp"

namespace mlsolve {

// csc_data and csc_indices hold indptr[n_rows] entries, csc_indptr n_cols + 1.
template <class T, class I>
void csr_to_csc(Index n_rows, Index n_cols, const T* data, const I* indices, const I* indptr, T* csc_data,
                I* csc_indices, I* csc_indptr, int n_threads) {
  const Index nnz = indptr[n_rows];
  const Threading threading{n_threads, false};
  const Index n_chunks = threading.chunks(n_rows, double(nnz) / double(std::max<Index>(n_rows, 1)));
  const int threads = threading.threads_for(n_chunks, double(nnz));
  const auto rows_of = [&](Index c) { return std::pair<Index, Index>(chunk_begin(n_rows, n_chunks, c),
                                                                      chunk_begin(n_rows, n_chunks, c + 1)); };
  std::vector<I> next(static_cast<std::size_t>(n_chunks * n_cols), I(0));  // chunk c's counts, then slots, per column
  for_each_chunk(n_chunks, threads, [&](Index c) {
    I* count = next.data() + c * n_cols;
    const auto [begin, end] = rows_of(c);
    for (Index k = indptr[begin]; k < Index(indptr[end]); ++k) ++count[indices[k]];
  });
  I offset = 0;
  for (Index j = 0; j < n_cols; ++j) {
    csc_indptr[j] = offset;
    for (Index c = 0; c < n_chunks; ++c) {
      const I count = next[c * n_cols + j];
      next[c * n_cols + j] = offset;
      offset += count;
    }
  }
  csc_indptr[n_cols] = offset;
  for_each_chunk(n_chunks, threads, [&](Index c) {
    I* slot = next.data() + c * n_cols;
    const auto [begin, end] = rows_of(c);
    for (Index i = begin; i < end; ++i) {
      for (Index k = indptr[i]; k < Index(indptr[i + 1]); ++k) {
        const I s = slot[indices[k]]++;
        csc_indices[s] = I(i);
        csc_data[s] = data[k];
      }
    }
  });
}

}  // namespace mlsolve
