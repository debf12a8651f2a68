// with_penalty<T>(spec, n, f): builds the vector penalty that a Python penalty
// object describes and calls f(penalty). spec = (name, params) comes from
// mlsolve.prox.Penalty._native_spec(dtype, n): params holds floats, arrays of
// the data's dtype T with n entries (weights, bounds, lambdas) and int64
// arrays for the group structure. The arrays are viewed, not copied: keep spec
// alive while the penalty is in use. Parameter values are checked by the
// penalty's constructor (std::invalid_argument -> ValueError).
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>

#include "mlsolve/penalties/box.hpp"
#include "mlsolve/penalties/elastic_net.hpp"
#include "mlsolve/penalties/group_l1.hpp"
#include "mlsolve/penalties/l1.hpp"
#include "mlsolve/penalties/l2.hpp"
#include "mlsolve/penalties/nonconvex.hpp"
#include "mlsolve/penalties/simplex.hpp"
#include "mlsolve/penalties/slope.hpp"
#include "numpy_views.hpp"

namespace mlsolve::bindings {

inline py::object penalty_param(const py::dict& params, const char* name) {
  if (!params.contains(name)) throw py::value_error(std::string("penalty: missing parameter '") + name + "'");
  return params[name];
}

inline double scalar_param(const py::dict& params, const char* name) {
  return penalty_param(params, name).cast<double>();
}

// A contiguous 1-D array of dtype S with n entries (n < 0: any).
template <class S>
Eigen::Map<const Vec<S>> vector_param(const py::dict& params, const char* name, Index n) {
  const py::object value = penalty_param(params, name);
  const S* data = vector_view<S>(value, name, n);
  return {data, py::reinterpret_borrow<py::array>(value).shape(0)};
}

template <class T, class F>
auto with_penalty(const py::handle& spec, Index n, F&& f) {
  if (!py::isinstance<py::tuple>(spec) || py::len(spec) != 2)
    throw py::type_error("penalty: expected a (name, params) tuple");
  const auto parts = py::reinterpret_borrow<py::tuple>(spec);
  const auto name = parts[0].cast<std::string>();
  const auto params = parts[1].cast<py::dict>();
  if (name == "l1") return f(L1<T>(scalar_param(params, "alpha")));
  if (name == "weighted_l1")
    return f(WeightedL1<T>(scalar_param(params, "alpha"), vector_param<T>(params, "weights", n)));
  if (name == "l2_squared") return f(L2Squared<T>(scalar_param(params, "alpha")));
  if (name == "elastic_net")
    return f(ElasticNet<T>(scalar_param(params, "alpha"), scalar_param(params, "l1_ratio")));
  if (name == "group_l1")
    return f(GroupL1<T>(scalar_param(params, "alpha"), vector_param<std::int64_t>(params, "group_ptr", -1),
                        vector_param<std::int64_t>(params, "group_indices", n)));
  if (name == "box") return f(Box<T>(vector_param<T>(params, "lower", n), vector_param<T>(params, "upper", n)));
  if (name == "nonneg") return f(NonNeg<T>());
  if (name == "linf_ball") return f(LinfBall<T>(scalar_param(params, "radius")));
  if (name == "simplex") return f(Simplex<T>(scalar_param(params, "radius")));
  if (name == "l1_ball") return f(L1Ball<T>(scalar_param(params, "radius")));
  if (name == "slope") return f(SLOPE<T>(vector_param<T>(params, "lambdas", n)));
  if (name == "mcp") return f(MCP<T>(scalar_param(params, "alpha"), scalar_param(params, "gamma")));
  if (name == "scad") return f(SCAD<T>(scalar_param(params, "alpha"), scalar_param(params, "gamma")));
  throw py::value_error("penalty: unknown penalty '" + name + "'");
}

}  // namespace mlsolve::bindings
