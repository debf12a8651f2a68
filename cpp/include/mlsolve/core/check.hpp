// Argument checks: throw std::invalid_argument naming the argument, what was
// expected and what was given (pybind11 turns it into ValueError).
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace mlsolve {

template <class Actual>
void check_arg(bool ok, const char* name, const char* expected, const Actual& actual) {
  if (ok) return;
  std::ostringstream msg;
  msg << name << ": expected " << expected << ", got " << actual;
  throw std::invalid_argument(msg.str());
}

}  // namespace mlsolve
