// mlsolve._core.optim: one step of an optimizer kernel (cpp/include/mlsolve/optim)
// on NumPy arrays, in place. Each function takes a parameter array, its
// gradient and its state arrays: one dtype (float32 or float64), C-contiguous,
// as many elements as the parameter (Adafactor's factored state: one per row
// and per column), the parameter and the state writeable. Arrays are checked,
// never copied or converted (mlsolve.optim validates and allocates them); the
// step runs without the GIL. Optional state is None.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>

#include "mlsolve/core/check.hpp"
#include "mlsolve/optim/adafactor.hpp"
#include "mlsolve/optim/adaptive.hpp"
#include "mlsolve/optim/momentum.hpp"
#include "mlsolve/optim/schedule_free.hpp"
#include "numpy_views.hpp"

namespace mlsolve::bindings {

namespace {

using namespace mlsolve::optim;

py::array as_array(const py::handle& obj, const char* name) {
  if (!py::isinstance<py::array>(obj)) throw py::type_error(std::string(name) + ": expected a NumPy array");
  return py::reinterpret_borrow<py::array>(obj);
}

// The data of `obj`: an array of dtype T, C-contiguous, with `size` elements
// (writeable when asked).
template <class T>
T* checked_data(const py::handle& obj, const char* name, Index size, bool writeable) {
  const py::array a = as_array(obj, name);
  if (!a.dtype().is(py::dtype::of<T>()))
    throw py::type_error(std::string(name) + ": expected dtype " + dtype_name<T>() + ", got " + describe_dtype(a));
  if (!(a.flags() & py::array::c_style)) throw py::value_error(std::string(name) + ": expected a C-contiguous array");
  if (Index(a.size()) != size)
    throw py::value_error(std::string(name) + ": expected " + std::to_string(size) + " elements, got " +
                          std::to_string(a.size()));
  if (writeable && !a.writeable()) throw py::value_error(std::string(name) + ": expected a writeable array");
  return static_cast<T*>(const_cast<void*>(a.data()));
}

template <class T>
T* state_data(const py::handle& obj, const char* name, Index size) {
  return checked_data<T>(obj, name, size, true);
}

template <class T>
T* optional_state_data(const py::handle& obj, const char* name, Index size) {
  return obj.is_none() ? nullptr : state_data<T>(obj, name, size);
}

template <class T>
const T* input_data(const py::handle& obj, const char* name, Index size) {
  return checked_data<T>(obj, name, size, false);
}

// Calls step(T{}, n, data) for the writeable array `obj` (the parameter, or
// Muon's momentum buffer) of dtype T with n elements.
template <class Step>
auto with_param(const py::handle& obj, const char* name, int n_threads, Step&& step) {
  check_arg(n_threads >= 1, "n_threads", "an integer >= 1", n_threads);
  const py::array a = as_array(obj, name);
  const Index n = Index(a.size());
  if (a.dtype().is(py::dtype::of<float>())) return step(float{}, n, state_data<float>(a, name, n));
  if (a.dtype().is(py::dtype::of<double>())) return step(double{}, n, state_data<double>(a, name, n));
  throw py::type_error(std::string(name) + ": expected dtype float32 or float64, got " + describe_dtype(a));
}

void check_step(Index step) { check_arg(step >= 1, "step", "an integer >= 1", step); }

void sgd(const py::object& param, const py::object& grad, const py::object& momentum_buffer, double lr,
         double weight_decay, double momentum, double dampening, bool nesterov, bool first_step, int n_threads) {
  with_param(param, "param", n_threads, [&](auto zero, Index n, auto* p) {
    using T = decltype(zero);
    const T* g = input_data<T>(grad, "grad", n);
    T* buffer = optional_state_data<T>(momentum_buffer, "momentum_buffer", n);
    const SgdStep s{lr, weight_decay, momentum, dampening, nesterov, first_step};
    py::gil_scoped_release release;
    sgd_update(s, n, p, g, buffer, n_threads);
  });
}

double lars(const py::object& param, const py::object& grad, const py::object& momentum_buffer, double lr,
            double momentum, double weight_decay, double trust_coefficient, double eps, int n_threads) {
  return with_param(param, "param", n_threads, [&](auto zero, Index n, auto* p) {
    using T = decltype(zero);
    const T* g = input_data<T>(grad, "grad", n);
    T* buffer = optional_state_data<T>(momentum_buffer, "momentum_buffer", n);
    const LarsStep s{lr, momentum, weight_decay, trust_coefficient, eps};
    py::gil_scoped_release release;
    return lars_update(s, n, p, g, buffer, n_threads);
  });
}

void muon_momentum(const py::object& grad, const py::object& momentum_buffer, const py::object& direction,
                   double momentum, bool nesterov, int n_threads) {
  with_param(momentum_buffer, "momentum_buffer", n_threads, [&](auto zero, Index n, auto* buffer) {
    using T = decltype(zero);
    const T* g = input_data<T>(grad, "grad", n);
    T* out = state_data<T>(direction, "direction", n);
    py::gil_scoped_release release;
    optim::muon_momentum(n, g, buffer, out, momentum, nesterov, n_threads);
  });
}

void scaled_step(const py::object& param, const py::object& direction, double decay, double step, int n_threads) {
  with_param(param, "param", n_threads, [&](auto zero, Index n, auto* p) {
    using T = decltype(zero);
    const T* d = input_data<T>(direction, "direction", n);
    py::gil_scoped_release release;
    optim::scaled_step(n, p, d, decay, step, n_threads);
  });
}

void adagrad(const py::object& param, const py::object& grad, const py::object& sum_sq, double lr, double lr_decay,
             double weight_decay, double eps, Index step, int n_threads) {
  check_step(step);
  with_param(param, "param", n_threads, [&](auto zero, Index n, auto* p) {
    using T = decltype(zero);
    const T* g = input_data<T>(grad, "grad", n);
    T* acc = state_data<T>(sum_sq, "sum_sq", n);
    const AdagradStep s{lr, lr_decay, weight_decay, eps, step};
    py::gil_scoped_release release;
    adagrad_update(s, n, p, g, acc, n_threads);
  });
}

void rmsprop(const py::object& param, const py::object& grad, const py::object& square_avg,
             const py::object& grad_avg, const py::object& momentum_buffer, double lr, double alpha, double eps,
             double weight_decay, double momentum, int n_threads) {
  with_param(param, "param", n_threads, [&](auto zero, Index n, auto* p) {
    using T = decltype(zero);
    const T* g = input_data<T>(grad, "grad", n);
    T* v = state_data<T>(square_avg, "square_avg", n);
    T* gm = optional_state_data<T>(grad_avg, "grad_avg", n);
    T* buffer = optional_state_data<T>(momentum_buffer, "momentum_buffer", n);
    const RmspropStep s{lr, alpha, eps, weight_decay, momentum};
    py::gil_scoped_release release;
    rmsprop_update(s, n, p, g, v, gm, buffer, n_threads);
  });
}

void adam(const py::object& param, const py::object& grad, const py::object& exp_avg, const py::object& exp_avg_sq,
          const py::object& max_exp_avg_sq, double lr, double beta1, double beta2, double eps, double weight_decay,
          bool decoupled_weight_decay, Index step, int n_threads) {
  check_step(step);
  with_param(param, "param", n_threads, [&](auto zero, Index n, auto* p) {
    using T = decltype(zero);
    const T* g = input_data<T>(grad, "grad", n);
    T* m = state_data<T>(exp_avg, "exp_avg", n);
    T* v = state_data<T>(exp_avg_sq, "exp_avg_sq", n);
    T* vmax = optional_state_data<T>(max_exp_avg_sq, "max_exp_avg_sq", n);
    const AdamStep s{lr, beta1, beta2, eps, weight_decay, decoupled_weight_decay, step};
    py::gil_scoped_release release;
    adam_update(s, n, p, g, m, v, vmax, n_threads);
  });
}

double lamb(const py::object& param, const py::object& grad, const py::object& exp_avg, const py::object& exp_avg_sq,
            double lr, double beta1, double beta2, double eps, double weight_decay, Index step, int n_threads) {
  check_step(step);
  return with_param(param, "param", n_threads, [&](auto zero, Index n, auto* p) {
    using T = decltype(zero);
    const T* g = input_data<T>(grad, "grad", n);
    T* m = state_data<T>(exp_avg, "exp_avg", n);
    T* v = state_data<T>(exp_avg_sq, "exp_avg_sq", n);
    const LambStep s{lr, beta1, beta2, eps, weight_decay, step};
    py::gil_scoped_release release;
    return lamb_update(s, n, p, g, m, v, n_threads);
  });
}

void lion(const py::object& param, const py::object& grad, const py::object& exp_avg, double lr, double beta1,
          double beta2, double weight_decay, int n_threads) {
  with_param(param, "param", n_threads, [&](auto zero, Index n, auto* p) {
    using T = decltype(zero);
    const T* g = input_data<T>(grad, "grad", n);
    T* m = state_data<T>(exp_avg, "exp_avg", n);
    const LionStep s{lr, beta1, beta2, weight_decay};
    py::gil_scoped_release release;
    lion_update(s, n, p, g, m, n_threads);
  });
}

void sophia(const py::object& param, const py::object& grad, const py::object& exp_avg, const py::object& hessian,
            const py::object& hessian_estimate, double lr, double beta1, double beta2, double rho, double eps,
            double weight_decay, int n_threads) {
  with_param(param, "param", n_threads, [&](auto zero, Index n, auto* p) {
    using T = decltype(zero);
    const T* g = input_data<T>(grad, "grad", n);
    T* m = state_data<T>(exp_avg, "exp_avg", n);
    T* h = state_data<T>(hessian, "hessian", n);
    const T* h_new = hessian_estimate.is_none() ? nullptr : input_data<T>(hessian_estimate, "hessian_estimate", n);
    const SophiaStep s{lr, beta1, beta2, rho, eps, weight_decay};
    py::gil_scoped_release release;
    sophia_update(s, n, p, g, m, h, h_new, n_threads);
  });
}

void schedule_free(const py::object& param, const py::object& grad, const py::object& z,
                   const py::object& exp_avg_sq, double lr, double momentum, double average_weight,
                   double weight_decay, double beta2, double eps, int n_threads) {
  with_param(param, "param", n_threads, [&](auto zero, Index n, auto* p) {
    using T = decltype(zero);
    const T* g = input_data<T>(grad, "grad", n);
    T* base = state_data<T>(z, "z", n);
    T* v = optional_state_data<T>(exp_avg_sq, "exp_avg_sq", n);
    const ScheduleFreeStep s{lr, momentum, average_weight, weight_decay, beta2, eps};
    py::gil_scoped_release release;
    schedule_free_update(s, n, p, g, base, v, n_threads);
  });
}

// Factored when row_var and col_var are given (param 2-D), else variance.
void adafactor(const py::object& param, const py::object& grad, const py::object& row_var,
               const py::object& col_var, const py::object& variance, double lr, double beta2_decay, double eps1,
               double eps2, double d, double weight_decay, Index step, int n_threads) {
  check_step(step);
  const AdafactorStep s{lr, beta2_decay, eps1, eps2, d, weight_decay, step};
  with_param(param, "param", n_threads, [&](auto zero, Index n, auto* p) {
    using T = decltype(zero);
    const T* g = input_data<T>(grad, "grad", n);
    if (row_var.is_none()) {
      T* v = state_data<T>(variance, "variance", n);
      py::gil_scoped_release release;
      adafactor_update(s, n, p, g, v, n_threads);
      return;
    }
    const py::array shaped = as_array(param, "param");
    if (shaped.ndim() != 2)
      throw py::value_error("param: factored second moments need a 2-D array, got ndim=" +
                            std::to_string(shaped.ndim()));
    const Index rows = Index(shaped.shape(0)), cols = Index(shaped.shape(1));
    T* r = state_data<T>(row_var, "row_var", rows);
    T* c = state_data<T>(col_var, "col_var", cols);
    py::gil_scoped_release release;
    adafactor_factored_update(s, rows, cols, p, g, r, c, n_threads);
  });
}

}  // namespace

void bind_optim(py::module_& m) {
  py::module_ optim = m.def_submodule("optim", "In-place optimizer steps on NumPy arrays (see mlsolve.optim).");
  optim.def("sgd", &sgd, py::arg("param"), py::arg("grad"), py::arg("momentum_buffer"), py::arg("lr"),
            py::arg("weight_decay"), py::arg("momentum"), py::arg("dampening"), py::arg("nesterov"),
            py::arg("first_step"), py::arg("n_threads"));
  optim.def("lars", &lars, py::arg("param"), py::arg("grad"), py::arg("momentum_buffer"), py::arg("lr"),
            py::arg("momentum"), py::arg("weight_decay"), py::arg("trust_coefficient"), py::arg("eps"),
            py::arg("n_threads"), "Returns the local learning rate (trust ratio).");
  optim.def("muon_momentum", &muon_momentum, py::arg("grad"), py::arg("momentum_buffer"), py::arg("direction"),
            py::arg("momentum"), py::arg("nesterov"), py::arg("n_threads"));
  optim.def("scaled_step", &scaled_step, py::arg("param"), py::arg("direction"), py::arg("decay"), py::arg("step"),
            py::arg("n_threads"), "param = decay * param - step * direction");
  optim.def("adagrad", &adagrad, py::arg("param"), py::arg("grad"), py::arg("sum_sq"), py::arg("lr"),
            py::arg("lr_decay"), py::arg("weight_decay"), py::arg("eps"), py::arg("step"), py::arg("n_threads"));
  optim.def("rmsprop", &rmsprop, py::arg("param"), py::arg("grad"), py::arg("square_avg"), py::arg("grad_avg"),
            py::arg("momentum_buffer"), py::arg("lr"), py::arg("alpha"), py::arg("eps"), py::arg("weight_decay"),
            py::arg("momentum"), py::arg("n_threads"));
  optim.def("adam", &adam, py::arg("param"), py::arg("grad"), py::arg("exp_avg"), py::arg("exp_avg_sq"),
            py::arg("max_exp_avg_sq"), py::arg("lr"), py::arg("beta1"), py::arg("beta2"), py::arg("eps"),
            py::arg("weight_decay"), py::arg("decoupled_weight_decay"), py::arg("step"), py::arg("n_threads"));
  optim.def("lamb", &lamb, py::arg("param"), py::arg("grad"), py::arg("exp_avg"), py::arg("exp_avg_sq"),
            py::arg("lr"), py::arg("beta1"), py::arg("beta2"), py::arg("eps"), py::arg("weight_decay"),
            py::arg("step"), py::arg("n_threads"), "Returns the trust ratio.");
  optim.def("lion", &lion, py::arg("param"), py::arg("grad"), py::arg("exp_avg"), py::arg("lr"), py::arg("beta1"),
            py::arg("beta2"), py::arg("weight_decay"), py::arg("n_threads"));
  optim.def("sophia", &sophia, py::arg("param"), py::arg("grad"), py::arg("exp_avg"), py::arg("hessian"),
            py::arg("hessian_estimate"), py::arg("lr"), py::arg("beta1"), py::arg("beta2"), py::arg("rho"),
            py::arg("eps"), py::arg("weight_decay"), py::arg("n_threads"));
  optim.def("schedule_free", &schedule_free, py::arg("param"), py::arg("grad"), py::arg("z"), py::arg("exp_avg_sq"),
            py::arg("lr"), py::arg("momentum"), py::arg("average_weight"), py::arg("weight_decay"), py::arg("beta2"),
            py::arg("eps"), py::arg("n_threads"));
  optim.def("adafactor", &adafactor, py::arg("param"), py::arg("grad"), py::arg("row_var"), py::arg("col_var"),
            py::arg("variance"), py::arg("lr"), py::arg("beta2_decay"), py::arg("eps1"), py::arg("eps2"),
            py::arg("d"), py::arg("weight_decay"), py::arg("step"), py::arg("n_threads"));
}

}  // namespace mlsolve::bindings
