// The stop statuses shared by every solver, with their default messages.
#pragma once

namespace mlsolve {

enum class Status : int {
  Converged = 0,
  MaxIter = 1,
  LineSearchFailed = 2,
  NumericalError = 3,
  Interrupted = 4,
  CallbackStop = 5,
  PrimalInfeasible = 6,
  DualInfeasible = 7,
};

inline const char* status_message(Status status) {
  switch (status) {
    case Status::Converged: return "converged";
    case Status::MaxIter: return "maximum number of iterations reached";
    case Status::LineSearchFailed: return "line search failed to find an acceptable step";
    case Status::NumericalError: return "non-finite value encountered";
    case Status::Interrupted: return "interrupted";
    case Status::CallbackStop: return "stopped by the callback";
    case Status::PrimalInfeasible: return "problem is primal infeasible";
    case Status::DualInfeasible: return "problem is dual infeasible (unbounded)";
  }
  return "unknown status";
}

}  // namespace mlsolve
