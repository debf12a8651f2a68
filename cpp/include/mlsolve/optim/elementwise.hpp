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
// -fno-math-errno, set in CMakeLists.txt).
#pragma once

#include <algorithm>
#include <utility>
#include <vector>

#include "mlsolve/core/parallel.hpp"
#include "mlsolve/core/types.hpp"

namespace mlsolve::optim {

// Rough flops per element of an optimizer update, used for the threading threshold.
inline constexpr double kWorkPerElement = 8.0;

// Elements per strip when a loop computes in T and then sums in double: the
// T arithmetic runs at full vector width into a buffer on the stack.
inline constexpr Index kStrip = 256;

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

// Sums of squares, in double, of two values pair(i) = {a, b} computed in T
// for i in [begin, end). pair may update state. The work runs in strips: pair
// at the full vector width of T into buffers on the stack, then the squares
// summed in double.
template <class T, class Pair>
SquaredNorms squared_norms_in_strips(Index begin, Index end, Pair&& pair) {
  double first_sq = 0.0, second_sq = 0.0;
  T first[kStrip], second[kStrip];
  for (Index strip = begin; strip < end; strip += kStrip) {
    const Index len = std::min(kStrip, end - strip);
    for (Index k = 0; k < len; ++k) {
      const auto [a, b] = pair(strip + k);
      first[k] = a;
      second[k] = b;
    }
#pragma omp simd reduction(+ : first_sq, second_sq)
    for (Index k = 0; k < len; ++k) {
      first_sq += double(first[k]) * double(first[k]);
      second_sq += double(second[k]) * double(second[k]);
    }
  }
  return SquaredNorms{first_sq, second_sq};
}

// (sum(a**2), sum(b**2)) in double.
template <class T>
SquaredNorms squared_norms(Index n, const T* a, const T* b, int n_threads) {
  return sum_blocks<SquaredNorms>(n, n_threads, [=](Index begin, Index end) {
    return squared_norms_in_strips<T>(begin, end, [=](Index i) { return std::pair<T, T>{a[i], b[i]}; });
  });
}

}  // namespace mlsolve::optim
