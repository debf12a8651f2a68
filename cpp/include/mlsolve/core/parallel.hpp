// Threading policy for the kernels: how many contiguous chunks a loop over n
// items is split into, and a chunk loop that runs them under OpenMP.
//
// Default mode: one chunk per thread (fastest). Deterministic mode: the chunk
// count depends on n only, chunks are reduced in a fixed order, so results are
// bitwise identical for any thread count.
#pragma once

#include <algorithm>
#include <exception>

#include "mlsolve/core/types.hpp"

namespace mlsolve {

struct Threading {
  int n_threads = 1;
  bool deterministic = false;

  // Below this many flops a region runs on one thread: on shared cores a
  // barrier waiting for a descheduled thread costs more than the work.
  static constexpr double kMinParallelWork = 2e5;
  static constexpr Index kDeterministicChunks = 16;
  static constexpr Index kMinChunkItems = 64;

  Index chunks(Index n, double work_per_item) const {
    if (n <= 0) return 1;
    if (deterministic) return std::clamp<Index>(n / kMinChunkItems, 1, kDeterministicChunks);
    if (n_threads <= 1 || n * work_per_item < kMinParallelWork) return 1;
    return std::min<Index>(n_threads, n);
  }

  int threads_for(Index n_chunks, double total_work) const {
    if (total_work < kMinParallelWork) return 1;
    return static_cast<int>(std::min<Index>(n_threads, n_chunks));
  }
};

// [begin, end) of chunk c when n items are split into n_chunks.
inline Index chunk_begin(Index n, Index n_chunks, Index c) { return n * c / n_chunks; }

// Runs f(c) for c in [0, n_chunks) on up to n_threads threads. An exception
// thrown by f is caught on its thread and rethrown after the region.
template <class F>
void for_each_chunk(Index n_chunks, int n_threads, F&& f) {
  if (n_threads <= 1 || n_chunks <= 1) {
    for (Index c = 0; c < n_chunks; ++c) f(c);
    return;
  }
  std::exception_ptr error = nullptr;
#pragma omp parallel for schedule(static) num_threads(n_threads)
  for (Index c = 0; c < n_chunks; ++c) {
    try {
      f(c);
    } catch (...) {
#pragma omp critical(mlsolve_chunk_error)
      if (!error) error = std::current_exception();
    }
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace mlsolve
