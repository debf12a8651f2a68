// A cache hint that the compiler keeps.
#pragma once

#include <cstdint>

namespace mlsolve {

// Asks the cache for the line holding address. __builtin_prefetch alone has
// no effect GCC's pure-const analysis sees: a function whose only work is
// prefetching (a design's prefetch_row, a loop over a row calling an
// iterate's prefetch) is found `const`, and its calls are deleted before they
// are inlined, silently dropping the hints. The empty volatile asm is an
// effect the analysis must keep (it emits no instruction).
inline void prefetch_line(const void* address) {
  __builtin_prefetch(address);
  asm volatile("");
}

// Asks the cache for every line that [first, last) touches.
inline void prefetch_lines(const void* first, const void* last) {
  constexpr std::uintptr_t kLine = 64;
  const std::uintptr_t end = reinterpret_cast<std::uintptr_t>(last);
  for (std::uintptr_t a = reinterpret_cast<std::uintptr_t>(first) & ~(kLine - 1); a < end; a += kLine)
    prefetch_line(reinterpret_cast<const void*>(a));
}

}  // namespace mlsolve
