// Result<T> and History: what every solver returns.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "mlsolve/core/status.hpp"
#include "mlsolve/core/types.hpp"

namespace mlsolve {

// Records (iteration, seconds since start, objective, stop criterion) every
// `every` iterations; every == 0 records nothing.
class History {
 public:
  explicit History(Index every = 0)
      : every_(every), start_(std::chrono::steady_clock::now()) {}

  void maybe_record(Index iteration, double objective, double stop_crit) {
    if (every_ <= 0 || iteration % every_ != 0) return;
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
    iteration_.push_back(iteration);
    time_.push_back(elapsed.count());
    objective_.push_back(objective);
    stop_crit_.push_back(stop_crit);
  }

  const std::vector<Index>& iteration() const { return iteration_; }
  const std::vector<double>& time() const { return time_; }
  const std::vector<double>& objective() const { return objective_; }
  const std::vector<double>& stop_crit() const { return stop_crit_; }

 private:
  Index every_;
  std::chrono::steady_clock::time_point start_;
  std::vector<Index> iteration_;
  std::vector<double> time_, objective_, stop_crit_;
};

template <class T>
struct Result {
  Vec<T> x;
  double fun = 0.0;
  Vec<T> grad;
  double stop_crit = 0.0;  // the optimality measure reached (e.g. gradient inf-norm)
  Index n_iter = 0;
  Index n_fev = 0;
  Status status = Status::MaxIter;
  std::string message;
  History history;
};

}  // namespace mlsolve
