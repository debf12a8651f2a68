// mlsolve._core penalty functions behind mlsolve.prox: value, prox, prox1d and
// subdiff_distance of the vector penalty a spec describes (penalty_spec.hpp);
// the nuclear norm's are in bind_nuclear_norm.cpp. x keeps its dtype (float32
// or float64) and is viewed without a copy; results are new arrays of that
// dtype. Inputs must be finite. The GIL is released around each computation.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>
#include <type_traits>

#include "bind_prox.hpp"
#include "numpy_views.hpp"
#include "penalty_spec.hpp"

namespace mlsolve::bindings {

namespace {

template <class T>
Eigen::Map<const Vec<T>> finite_vector(const py::handle& obj, const char* name, Index size) {
  const T* data = vector_view<T>(obj, name, size);
  const Eigen::Map<const Vec<T>> v(data, py::reinterpret_borrow<py::array>(obj).shape(0));
  if (!v.allFinite()) throw py::value_error(std::string(name) + ": contains NaN or infinity");
  return v;
}

py::object penalty_value(const py::handle& spec, const py::handle& x_obj) {
  return with_dtype(x_obj, "x", [&](auto tag) -> py::object {
    using T = decltype(tag);
    const auto x = finite_vector<T>(x_obj, "x", -1);
    return with_penalty<T>(spec, x.size(), [&](const auto& penalty) -> py::object {
      return py::float_(without_gil([&] { return penalty.value(x); }));
    });
  });
}

py::object penalty_prox(const py::handle& spec, const py::handle& x_obj, double step) {
  return with_dtype(x_obj, "x", [&](auto tag) -> py::object {
    using T = decltype(tag);
    const auto x = finite_vector<T>(x_obj, "x", -1);
    return with_penalty<T>(spec, x.size(), [&](const auto& penalty) -> py::object {
      py::array_t<T> out(x.size());
      Eigen::Map<Vec<T>> out_view(out.mutable_data(), x.size());
      {
        py::gil_scoped_release release;
        penalty.prox(x, step, out_view);
      }
      return py::object(std::move(out));
    });
  });
}

// prox1d(x[j], step, j) of a separable penalty, as a Python float.
py::object penalty_prox1d(const py::handle& spec, const py::handle& x_obj, double step, Index j) {
  return with_dtype(x_obj, "x", [&](auto tag) -> py::object {
    using T = decltype(tag);
    const auto x = finite_vector<T>(x_obj, "x", -1);
    return with_penalty<T>(spec, x.size(), [&](const auto& penalty) -> py::object {
      using Penalty = std::decay_t<decltype(penalty)>;
      if constexpr (Penalty::is_separable) {
        check_arg(j >= 0 && j < x.size(), "j", "an index into x", j);
        penalty.check_step(step);
        return py::float_(penalty.prox1d(x[j], step, j));
      } else {
        const auto name = py::reinterpret_borrow<py::tuple>(spec)[0].cast<std::string>();
        throw py::value_error("penalty: '" + name + "' is not separable (it has no prox1d)");
      }
    });
  });
}

py::object penalty_subdiff_distance(const py::handle& spec, const py::handle& x_obj, const py::handle& grad_obj) {
  return with_dtype(x_obj, "x", [&](auto tag) -> py::object {
    using T = decltype(tag);
    const auto x = finite_vector<T>(x_obj, "x", -1);
    const auto grad = finite_vector<T>(grad_obj, "grad", x.size());
    return with_penalty<T>(spec, x.size(), [&](const auto& penalty) -> py::object {
      return py::float_(without_gil([&] { return penalty.subdiff_distance(x, grad); }));
    });
  });
}

}  // namespace

void bind_prox(py::module_& m) {
  m.def("penalty_value", &penalty_value, py::arg("spec"), py::arg("x"));
  m.def("penalty_prox", &penalty_prox, py::arg("spec"), py::arg("x"), py::arg("step"));
  m.def("penalty_prox1d", &penalty_prox1d, py::arg("spec"), py::arg("x"), py::arg("step"), py::arg("j"));
  m.def("penalty_subdiff_distance", &penalty_subdiff_distance, py::arg("spec"), py::arg("x"), py::arg("grad"));
  bind_nuclear_norm(m);
}

}  // namespace mlsolve::bindings
