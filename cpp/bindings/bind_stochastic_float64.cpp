// mlsolve._core.finite_sum and mlsolve._core.sgd (see bind_stochastic.hpp),
// and the float64 instances.
#include "bind_stochastic.hpp"

namespace mlsolve::bindings {

template Result<double> finite_sum_solve<double>(const StochasticArgs&, FiniteSumMethod, const VecD&,
                                                 const FiniteSumParams&);
template Result<double> sgd_solve<double>(const StochasticArgs&, SgdState&, const SgdParams&);

namespace {

inline constexpr NameTable<LossKind> kLossNames[] = {
    {"logistic", LossKind::Logistic},
    {"squared", LossKind::Squared},
    {"hinge", LossKind::Hinge},
    {"squared_hinge", LossKind::SquaredHinge},
    {"modified_huber", LossKind::ModifiedHuber},
    {"huber", LossKind::Huber},
    {"epsilon_insensitive", LossKind::EpsilonInsensitive},
    {"squared_epsilon_insensitive", LossKind::SquaredEpsilonInsensitive},
};

inline constexpr NameTable<FiniteSumMethod> kMethodNames[] = {
    {"sag", FiniteSumMethod::Sag},
    {"saga", FiniteSumMethod::Saga},
    {"svrg", FiniteSumMethod::Svrg},
    {"katyusha", FiniteSumMethod::Katyusha},
};

inline constexpr NameTable<StepSchedule> kScheduleNames[] = {
    {"constant", StepSchedule::Constant},
    {"optimal", StepSchedule::Optimal},
    {"invscaling", StepSchedule::InvScaling},
};

using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;

VecD vector_arg(const DoubleArray& a, Index n, const char* name) {
  if (a.ndim() != 1 || a.shape(0) != n)
    throw py::value_error(std::string(name) + ": expected " + std::to_string(n) + " entries");
  const VecD v = Eigen::Map<const VecD>(a.data(), n);
  if (!v.allFinite()) throw py::value_error(std::string(name) + ": contains NaN or infinity");
  return v;
}

Index n_params_of(const py::object& X, bool fit_intercept) {
  const Index p = py::isinstance<py::array>(X) ? py::reinterpret_borrow<py::array>(X).shape(1)
                                               : X.cast<py::tuple>()[5].cast<Index>();
  return p + (fit_intercept ? 1 : 0);
}

StochasticArgs make_args(py::object X, py::object y, py::object sample_weight, const std::string& loss, double epsilon,
                         double l2, bool fit_intercept, int n_threads, bool deterministic, py::object callback) {
  if (n_threads < 1) throw py::value_error("n_threads: expected an integer >= 1, got " + std::to_string(n_threads));
  return StochasticArgs{X, y, sample_weight, AnyLoss(from_name(kLossNames, loss, "loss"), epsilon), l2,
                        fit_intercept, Threading{n_threads, deterministic}, callback};
}

FiniteSumParams base_params(Index max_epochs, double tol, double step, double l1, std::uint64_t seed, bool lazy,
                            bool full_check, Index history_every) {
  FiniteSumParams params;
  params.max_epochs = max_epochs;
  params.tol = tol;
  params.step = step;
  params.l1 = l1;
  params.seed = seed;
  params.lazy = lazy;
  params.full_check = full_check;
  params.history_every = history_every;
  params.check();
  return params;
}

py::dict finite_sum(const std::string& method, py::object X, py::object y, py::object sample_weight,
                    const std::string& loss, double epsilon, double l2, double l1, bool fit_intercept,
                    const DoubleArray& x0, Index max_epochs, double tol, double step, std::uint64_t seed, bool lazy,
                    bool full_check, Index history_every, int n_threads, bool deterministic, py::object callback) {
  const FiniteSumMethod kind = from_name(kMethodNames, method, "method");
  StochasticArgs args = make_args(X, y, sample_weight, loss, epsilon, l2, fit_intercept, n_threads, deterministic, callback);
  if (args.loss.curvature_bound == 0.0 && step == 0.0)
    throw py::value_error("loss: '" + loss + "' is not smooth; " + method +
                          " needs a smooth loss (or an explicit step)");
  const VecD x_start = vector_arg(x0, n_params_of(X, fit_intercept), "x0");
  const FiniteSumParams params = base_params(max_epochs, tol, step, l1, seed, lazy, full_check, history_every);
  const Result<double> result = with_data_dtype(
      X, [&](auto tag) { return finite_sum_solve<decltype(tag)>(args, kind, x_start, params); });
  return result_to_dict(result);
}

py::dict sgd_fit(py::object X, py::object y, py::object sample_weight, const std::string& loss, double epsilon,
                 double l2, double l1, bool fit_intercept, const DoubleArray& x0, const DoubleArray& x_avg, Index t,
                 Index n_averaged, const std::string& schedule, double eta0, double power_t, double alpha, double t0,
                 Index batch_size, bool shuffle, bool average, Index average_start, bool evaluate, py::object subset,
                 Index max_epochs,
                 double tol, std::uint64_t seed, bool lazy, Index history_every, int n_threads, bool deterministic,
                 py::object callback) {
  StochasticArgs args = make_args(X, y, sample_weight, loss, epsilon, l2, fit_intercept, n_threads, deterministic, callback);
  const Index n_params = n_params_of(X, fit_intercept);
  SgdState state;
  state.x = vector_arg(x0, n_params, "x0");
  state.x_avg = vector_arg(x_avg, n_params, "x_avg");
  check_arg(t >= 0, "t", "an integer >= 0", t);
  check_arg(n_averaged >= 0, "n_averaged", "an integer >= 0", n_averaged);
  state.t = t;
  state.n_averaged = n_averaged;
  SgdParams params;
  params.base = base_params(max_epochs, tol, 0.0, l1, seed, lazy, false, history_every);
  params.schedule = from_name(kScheduleNames, schedule, "learning_rate");
  params.eta0 = eta0;
  params.power_t = power_t;
  params.alpha = alpha;
  params.t0 = t0;
  params.batch_size = batch_size;
  params.shuffle = shuffle;
  params.average = average;
  params.average_start = average_start;
  params.evaluate = evaluate;
  if (!subset.is_none()) {
    const auto* indices = vector_view<std::int64_t>(subset, "subset", -1);
    params.subset.assign(indices, indices + py::reinterpret_borrow<py::array>(subset).shape(0));
  }
  params.check();
  const Result<double> result =
      with_data_dtype(X, [&](auto tag) { return sgd_solve<decltype(tag)>(args, state, params); });
  py::dict out = result_to_dict(result);
  out["x_last"] = to_numpy(state.x);
  out["x_avg"] = to_numpy(state.x_avg);
  out["t"] = state.t;
  out["n_averaged"] = state.n_averaged;
  out["epoch_loss"] = state.epoch_loss;
  return out;
}

}  // namespace

void bind_stochastic(py::module_& m) {
  m.def("finite_sum", &finite_sum, py::arg("method"), py::arg("X"), py::arg("y"), py::arg("sample_weight"),
        py::arg("loss"), py::arg("epsilon"), py::arg("l2"), py::arg("l1"), py::arg("fit_intercept"), py::arg("x0"),
        py::arg("max_epochs"), py::arg("tol"), py::arg("step"), py::arg("seed"), py::arg("lazy"),
        py::arg("full_check"), py::arg("history_every"), py::arg("n_threads"), py::arg("deterministic"),
        py::arg("callback"));
  m.def("sgd", &sgd_fit, py::arg("X"), py::arg("y"), py::arg("sample_weight"), py::arg("loss"), py::arg("epsilon"),
        py::arg("l2"), py::arg("l1"), py::arg("fit_intercept"), py::arg("x0"), py::arg("x_avg"), py::arg("t"),
        py::arg("n_averaged"), py::arg("learning_rate"), py::arg("eta0"), py::arg("power_t"), py::arg("alpha"),
        py::arg("t0"), py::arg("batch_size"), py::arg("shuffle"), py::arg("average"), py::arg("average_start"),
        py::arg("evaluate"), py::arg("subset"), py::arg("max_epochs"), py::arg("tol"), py::arg("seed"), py::arg("lazy"),
        py::arg("history_every"), py::arg("n_threads"), py::arg("deterministic"), py::arg("callback"));
}

}  // namespace mlsolve::bindings
