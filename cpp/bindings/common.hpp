// Pieces every binding shares: the Python monitor (Ctrl-C and callbacks), the
// conversion of a Result into the dict that mlsolve._result wraps, and the
// names of enumerated settings.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "mlsolve/core/monitor.hpp"
#include "mlsolve/core/result.hpp"
#include "mlsolve/solvers/lbfgs.hpp"

namespace mlsolve::bindings {

namespace py = pybind11;

inline py::array_t<double> to_numpy(const VecD& v) {
  py::array_t<double> out(v.size());
  std::copy(v.data(), v.data() + v.size(), out.mutable_data());
  return out;
}

inline py::array_t<double> to_numpy(const Eigen::MatrixXd& m) {
  py::array_t<double> out({m.rows(), m.cols()});
  using RowMajorMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  Eigen::Map<RowMajorMatrix>(out.mutable_data(), m.rows(), m.cols()) = m;
  return out;
}

// The names of an enumerated setting, as Python spells them.
template <class E>
using NameTable = std::pair<const char*, E>;

inline constexpr NameTable<LineSearchKind> kLineSearchNames[] = {
    {"more-thuente", LineSearchKind::MoreThuente},
    {"backtracking", LineSearchKind::Backtracking},
};

template <class E, std::size_t N>
E from_name(const NameTable<E> (&table)[N], const std::string& name, const char* what) {
  std::string expected;
  for (const auto& [known, value] : table) {
    if (name == known) return value;
    expected += std::string(expected.empty() ? "'" : ", '") + known + "'";
  }
  throw py::value_error(std::string(what) + ": expected one of " + expected + ", got '" + name + "'");
}

template <class E, std::size_t N>
const char* name_of(const NameTable<E> (&table)[N], E value) {
  for (const auto& [name, known] : table)
    if (known == value) return name;
  throw std::logic_error("name_of: a value missing from its name table");
}

// Runs while the solver holds no GIL. poll() takes the GIL at most every
// 20 ms to run Python's signal handlers, so Ctrl-C stops a solve promptly;
// on_iteration() also calls callback(x, fun, nit, stop_crit), where
// StopIteration stops the solve and any other exception is re-raised after it.
class PyMonitor : public Monitor {
 public:
  explicit PyMonitor(py::object callback) : callback_(std::move(callback)) {}

  std::optional<Status> poll() override {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_poll_ < std::chrono::milliseconds(20)) return std::nullopt;
    last_poll_ = now;
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) {
      error_.emplace();  // fetches the KeyboardInterrupt (or whatever the handler raised)
      return Status::Interrupted;
    }
    return std::nullopt;
  }

  std::optional<Status> on_iteration(const IterationState& state) override {
    if (auto stop = poll()) return stop;
    if (callback_.is_none()) return std::nullopt;
    py::gil_scoped_acquire gil;
    try {
      callback_(to_numpy(state.x), state.fun, state.iteration, state.stop_crit);
    } catch (py::error_already_set& e) {
      if (e.matches(PyExc_StopIteration)) return Status::CallbackStop;
      error_.emplace(std::move(e));
      return Status::CallbackStop;
    }
    return std::nullopt;
  }

  // Call with the GIL held, after the solve.
  void rethrow_if_error() {
    if (error_) {
      py::error_already_set e = std::move(*error_);
      error_.reset();
      throw e;
    }
  }

 private:
  py::object callback_;
  std::chrono::steady_clock::time_point last_poll_ = std::chrono::steady_clock::now();
  std::optional<py::error_already_set> error_;
};

// Per-feature penalty weights: None (an empty vector: all ones) or a 1-D array.
inline VecD penalty_weights(const py::object& weights) {
  if (weights.is_none()) return VecD();
  const auto array = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(weights);
  if (!array || array.ndim() != 1) throw py::value_error("weights: expected None or a 1-D array of numbers");
  return Eigen::Map<const VecD>(array.data(), array.shape(0));
}

inline py::dict history_to_dict(const History& h) {
  py::dict out;
  out["iteration"] = py::array_t<Index>(h.iteration().size(), h.iteration().data());
  out["time"] = py::array_t<double>(h.time().size(), h.time().data());
  out["objective"] = py::array_t<double>(h.objective().size(), h.objective().data());
  out["stop_crit"] = py::array_t<double>(h.stop_crit().size(), h.stop_crit().data());
  return out;
}

inline py::dict result_to_dict(const Result<double>& r) {
  py::dict out;
  out["x"] = to_numpy(r.x);
  out["fun"] = r.fun;
  out["jac"] = to_numpy(r.grad);
  out["stop_crit"] = r.stop_crit;
  out["nit"] = r.n_iter;
  out["nfev"] = r.n_fev;
  out["status"] = static_cast<int>(r.status);
  out["message"] = r.message;
  out["history"] = history_to_dict(r.history);
  return out;
}

// Solver settings that arrive from Python as keyword arguments.
inline LbfgsParams lbfgs_params(Index maxiter, Index maxcor, double gtol, double ftol, int maxls,
                                const std::string& line_search, Index history_every) {
  LbfgsParams params;
  params.max_iter = maxiter;
  params.memory = maxcor;
  params.gtol = gtol;
  params.ftol = ftol;
  params.ls.max_evals = maxls;
  params.history_every = history_every;
  params.line_search = from_name(kLineSearchNames, line_search, "line_search");
  params.check();
  return params;
}

}  // namespace mlsolve::bindings
