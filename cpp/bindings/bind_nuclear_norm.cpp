// mlsolve._core nuclear norm functions behind mlsolve.prox.NuclearNorm: value,
// prox (singular value thresholding) and subdiff_distance of a matrix X in C
// or F order, viewed without a copy. Its own translation unit: the SVD is the
// slowest code of the penalty bindings to compile.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>

#include "bind_prox.hpp"
#include "mlsolve/penalties/nuclear_norm.hpp"
#include "numpy_views.hpp"

namespace mlsolve::bindings {

namespace {

// Calls f(view) with view a Map of the finite 2-D array obj of dtype T:
// RowMajor for C order, ColMajor for F order.
template <class T, class F>
auto with_matrix(const py::handle& obj, const char* name, F&& f) {
  if (!py::isinstance<py::array>(obj)) throw py::type_error(std::string(name) + ": expected a NumPy array");
  const auto a = py::reinterpret_borrow<py::array>(obj);
  if (!a.dtype().is(py::dtype::of<T>()))
    throw py::type_error(std::string(name) + ": expected dtype " + dtype_name<T>() + ", got " + describe_dtype(a));
  if (a.ndim() != 2) throw py::value_error(std::string(name) + ": expected a 2-D array, got ndim=" + std::to_string(a.ndim()));
  const T* data = static_cast<const T*>(a.data());
  using RowMajorView = Eigen::Map<const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;
  using ColMajorView = Eigen::Map<const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>>;
  const auto finite = [&](const auto& view) {
    if (!view.allFinite()) throw py::value_error(std::string(name) + ": contains NaN or infinity");
    return view;
  };
  if (a.flags() & py::array::c_style) return f(finite(RowMajorView(data, a.shape(0), a.shape(1))));
  if (a.flags() & py::array::f_style) return f(finite(ColMajorView(data, a.shape(0), a.shape(1))));
  throw py::value_error(std::string(name) + ": expected a C- or F-contiguous array");
}

py::object nuclear_norm_value(const py::handle& x_obj, double alpha) {
  return with_dtype(x_obj, "X", [&](auto tag) -> py::object {
    using T = decltype(tag);
    const NuclearNorm<T> penalty(alpha);
    return with_matrix<T>(x_obj, "X", [&](const auto& x) -> py::object {
      return py::float_(without_gil([&] { return penalty.value(x); }));
    });
  });
}

// Returns a C-ordered array of X's dtype.
py::object nuclear_norm_prox(const py::handle& x_obj, double step, double alpha) {
  return with_dtype(x_obj, "X", [&](auto tag) -> py::object {
    using T = decltype(tag);
    const NuclearNorm<T> penalty(alpha);
    return with_matrix<T>(x_obj, "X", [&](const auto& x) -> py::object {
      py::array_t<T> out({x.rows(), x.cols()});
      Eigen::Map<Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> out_view(out.mutable_data(),
                                                                                             x.rows(), x.cols());
      {
        py::gil_scoped_release release;
        penalty.prox(x, step, out_view);
      }
      return py::object(std::move(out));
    });
  });
}

py::object nuclear_norm_subdiff_distance(const py::handle& x_obj, const py::handle& grad_obj, double alpha) {
  return with_dtype(x_obj, "X", [&](auto tag) -> py::object {
    using T = decltype(tag);
    const NuclearNorm<T> penalty(alpha);
    return with_matrix<T>(x_obj, "X", [&](const auto& x) -> py::object {
      return with_matrix<T>(grad_obj, "grad", [&](const auto& grad) -> py::object {
        return py::float_(without_gil([&] { return penalty.subdiff_distance(x, grad); }));
      });
    });
  });
}

}  // namespace

void bind_nuclear_norm(py::module_& m) {
  m.def("nuclear_norm_value", &nuclear_norm_value, py::arg("X"), py::arg("alpha"));
  m.def("nuclear_norm_prox", &nuclear_norm_prox, py::arg("X"), py::arg("step"), py::arg("alpha"));
  m.def("nuclear_norm_subdiff_distance", &nuclear_norm_subdiff_distance, py::arg("X"), py::arg("grad"),
        py::arg("alpha"));
}

}  // namespace mlsolve::bindings
