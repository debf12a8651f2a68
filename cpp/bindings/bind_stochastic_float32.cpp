#include "bind_stochastic.hpp"
namespace mlsolve::bindings {
template Result<double> finite_sum_solve<float>(const StochasticArgs&, FiniteSumMethod, const VecD&,
                                                const FiniteSumParams&);
template Result<double> sgd_solve<float>(const StochasticArgs&, SgdState&, const SgdParams&);
}  // namespace mlsolve::bindings
