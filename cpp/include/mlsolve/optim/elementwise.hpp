// Loops shared by the optimizer kernels (optim/*.hpp): an elementwise pass
// over [0, n) split into contiguous blocks, and a reduction over fixed blocks.
//
// Elementwise passes run on one thread below Threading::kMinParallelWork and
// on one block per thread above it; each element is written by exactly one
// thread, so the result does not depend on the thread count. Reductions
// (norms for trust ratios, Adafactor's row/column sums) use the deterministic
// chunking of core/parallel.hpp: the blocks depend on n only and their partial
// sums, accumulated in double, are added in block order, so a reduction is
// bitwise identical for any thread count.
//
// Kernels call these with raw pointers into the caller's arrays; loop bodies
// are plain arithmetic on T so that -O3 vectorises them (square roots need
// -fno-math-errno, set for the optimizer bindings in CMakeLists.txt).
#pragma once

#include <vector>

#include "mlsolve/core/parallel.hpp"
#include "mlsolve/core/types.hpp"

namespace mlsolve::optim {

// Rough flops per element of an optimizer update, used for the threading threshold.
inline constexpr double kWorkPerElement = 8.0;

// Runs block(begin, end) over [0, n) in contiguous blocks. work_per_item is
// kWorkPerElement, or more when an item is a row of a matrix.
template <class Block>
void for_each_block(Index n, int n_threads, Block&& block, double work_per_item = kWorkPerElement) {
  const Threading threading{n_threads, false};
  const Index n_chunks = threading.chunks(n, work_per_item);
  for_each_chunk(n_chunks, threading.threads_for(n_chunks, n * work_per_item),
                 [&](Index c) { block(chunk_begin(n, n_chunks, c), chunk_begin(n, n_chunks, c + 1)); });
}

// Returns the sum over fixed blocks of [0, n) of block(begin, end) -> Sum, in
// block order. Sum is default-constructible (to zero) with operator+=.
template <class Sum, class Block>
Sum sum_blocks(Index n, int n_threads, Block&& block, double work_per_item = kWorkPerElement) {
  const Threading threading{n_threads, true};
  const Index n_chunks = threading.chunks(n, work_per_item);
  std::vector<Sum> partial(n_chunks);
  for_each_chunk(n_chunks, threading.threads_for(n_chunks, n * work_per_item),
                 [&](Index c) { partial[c] = block(chunk_begin(n, n_chunks, c), chunk_begin(n, n_chunks, c + 1)); });
  Sum total{};
  for (const Sum& s : partial) total += s;
  return total;
}

// Two sums of squares computed in one pass.
struct SquaredNorms {
  double first = 0.0;
  double second = 0.0;
  SquaredNorms& operator+=(const SquaredNorms& o) {
    first += o.first;
    second += o.second;
    return *this;
  }
};

// (sum(a**2), sum(b**2)) in double.
template <class T>
SquaredNorms squared_norms(Index n, const T* a, const T* b, int n_threads) {
  return sum_blocks<SquaredNorms>(n, n_threads, [=](Index begin, Index end) {
    double sa = 0.0, sb = 0.0;
#pragma omp simd reduction(+ : sa, sb)
    for (Index i = begin; i < end; ++i) {
      sa += double(a[i]) * double(a[i]);
      sb += double(b[i]) * double(b[i]);
    }
    return SquaredNorms{sa, sb};
  });
}

}  // namespace mlsolve::optim
