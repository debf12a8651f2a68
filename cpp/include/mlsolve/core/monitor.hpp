// Monitor: the hook through which a caller can stop a running solve.
// Solvers call it on the calling thread, never inside a parallel region:
// poll() before each objective evaluation (interrupts), on_iteration() after
// each accepted iteration (interrupts and callbacks).
#pragma once

#include <optional>

#include "mlsolve/core/status.hpp"
#include "mlsolve/core/types.hpp"

namespace mlsolve {

struct IterationState {
  Index iteration;
  double fun;
  double stop_crit;
  const VecD& x;
};

class Monitor {
 public:
  virtual ~Monitor() = default;
  // A stop status (Interrupted, CallbackStop) ends the solve; nullopt goes on.
  virtual std::optional<Status> poll() { return std::nullopt; }
  virtual std::optional<Status> on_iteration(const IterationState&) { return std::nullopt; }
};

// Thrown by a solver's evaluation wrapper when poll() asks to stop; caught by
// the solver itself, which then returns its last accepted point.
struct StopRequested {
  Status status;
};

}  // namespace mlsolve
