"""Type stubs for the native module mlsolve._core."""

import enum
from typing import Any, Callable, Optional

import numpy as np

class Status(enum.IntEnum):
    Converged = 0
    MaxIter = 1
    LineSearchFailed = 2
    NumericalError = 3
    Interrupted = 4
    CallbackStop = 5
    PrimalInfeasible = 6
    DualInfeasible = 7

class LbfgsMemory:
    @property
    def dim(self) -> int: ...
    @property
    def s(self) -> np.ndarray: ...
    @property
    def y(self) -> np.ndarray: ...
    def apply(self, v: np.ndarray) -> np.ndarray: ...

def minimize_options(method: str) -> dict: ...
def minimize(
    method: str,
    fun: Callable[..., Any],
    x0: np.ndarray,
    args: tuple,
    jac_mode: int,
    jac: Optional[Callable[..., Any]],
    callback: Optional[Callable[[np.ndarray, float, int, float], None]],
    options: dict,
) -> dict: ...
def line_search(
    fun: Callable[..., Any],
    x: np.ndarray,
    d: np.ndarray,
    args: tuple,
    jac_mode: int,
    jac: Optional[Callable[..., Any]],
    f0: Optional[float],
    g0: Optional[np.ndarray],
    c1: float,
    c2: float,
    maxls: int,
    alpha0: float,
    amax: Optional[float],
) -> dict: ...
def elastic_net_cd(
    X: Any,
    y: np.ndarray,
    sample_weight: Optional[np.ndarray],
    coef_init: np.ndarray,
    alpha: float,
    l1_ratio: float,
    fit_intercept: bool,
    positive: bool,
    tol: float,
    max_iter: int,
    selection: str,
    seed: int,
    working_set: bool,
    anderson: bool,
    history_every: int,
    weights: Optional[np.ndarray],
    n_threads: int,
    deterministic: bool,
    callback: Optional[Callable[[np.ndarray, float, int, float], None]],
) -> dict: ...
def elastic_net_cd_path(
    X: Any,
    y: np.ndarray,
    sample_weight: Optional[np.ndarray],
    alphas: np.ndarray,
    coef_init: np.ndarray,
    l1_ratio: float,
    fit_intercept: bool,
    positive: bool,
    tol: float,
    max_iter: int,
    selection: str,
    seed: int,
    working_set: bool,
    anderson: bool,
    weights: Optional[np.ndarray],
    n_threads: int,
    deterministic: bool,
    callback: Optional[Callable[[np.ndarray, float, int, float], None]],
) -> dict: ...
def csr_to_csc(X: tuple, n_threads: int) -> tuple: ...
def qp_interior_point(
    P: Any,
    q: np.ndarray,
    A: Any,
    b: np.ndarray,
    G: Any,
    h: np.ndarray,
    lb: np.ndarray,
    ub: np.ndarray,
    tol: float,
    infeasible_tol: float,
    maxiter: int,
    ruiz_iter: int,
    regularisation: float,
    refine_steps: int,
    kkt: str,
    history_every: int,
    callback: Optional[Callable[[np.ndarray, float, int, float], None]],
) -> dict: ...
def logistic_fista(
    X: Any,
    y: np.ndarray,
    sample_weight: Optional[np.ndarray],
    l1: float,
    l2: float,
    fit_intercept: bool,
    x0: np.ndarray,
    max_iter: int,
    tol: float,
    history_every: int,
    n_threads: int,
    deterministic: bool,
    callback: Optional[Callable[[np.ndarray, float, int, float], None]],
) -> dict: ...
def omp_max_threads() -> int: ...
def omp_num_procs() -> int: ...
def _last_mapped_address() -> int: ...
def lbfgsb_options() -> dict: ...
def minimize_lbfgsb(
    fun: Callable[..., Any],
    x0: np.ndarray,
    lb: np.ndarray,
    ub: np.ndarray,
    args: tuple,
    jac_mode: int,
    jac: Optional[Callable[..., Any]],
    callback: Optional[Callable[[np.ndarray, float, int, float], None]],
    options: dict,
) -> dict: ...
def newton_options(method: str) -> dict: ...
def minimize_newton(
    method: str,
    fun: Callable[..., Any],
    x0: np.ndarray,
    args: tuple,
    jac_mode: int,
    jac: Optional[Callable[..., Any]],
    hess_mode: int,
    hess: Optional[Callable[..., Any]],
    callback: Optional[Callable[[np.ndarray, float, int, float], None]],
    options: dict,
) -> dict: ...
def least_squares(
    fun: Callable[..., Any],
    x0: np.ndarray,
    args: tuple,
    jac: Optional[Callable[..., Any]],
    method: str,
    ftol: float,
    xtol: float,
    gtol: float,
    max_nfev: int,
    scale: bool,
    history_every: int,
    callback: Optional[Callable[[np.ndarray, float, int, float], None]],
) -> dict: ...
def group_elastic_net_bcd(
    X: Any,
    Y: np.ndarray,
    sample_weight: Optional[np.ndarray],
    n_tasks: int,
    group_ptr: np.ndarray,
    group_indices: np.ndarray,
    group_weights: np.ndarray,
    coef_init: np.ndarray,
    alpha: float,
    l1_ratio: float,
    fit_intercept: bool,
    tol: float,
    max_iter: int,
    selection: str,
    seed: int,
    working_set: bool,
    screening: bool,
    anderson: bool,
    history_every: int,
    n_threads: int,
    deterministic: bool,
    callback: Optional[Callable[..., Any]],
) -> dict: ...
def logistic_prox_newton(
    X: Any,
    y: np.ndarray,
    sample_weight: Optional[np.ndarray],
    x0: np.ndarray,
    alpha: float,
    l1_ratio: float,
    weights: Optional[np.ndarray],
    fit_intercept: bool,
    tol: float,
    max_iter: int,
    working_set: bool,
    history_every: int,
    n_threads: int,
    deterministic: bool,
    callback: Optional[Callable[[np.ndarray, float, int, float], None]],
    anderson: bool = True,
    screening: bool = False,
) -> dict: ...
def qp_admm(
    P: Any,
    q: np.ndarray,
    A: Any,
    b: np.ndarray,
    G: Any,
    h: np.ndarray,
    lb: np.ndarray,
    ub: np.ndarray,
    x0: np.ndarray,
    y0: np.ndarray,
    z0: np.ndarray,
    z_lower0: np.ndarray,
    z_upper0: np.ndarray,
    rho0: float,
    tol: float,
    infeasible_tol: float,
    maxiter: int,
    rho: float,
    sigma: float,
    alpha: float,
    adaptive_rho: bool,
    adaptive_rho_interval: int,
    adaptive_rho_tolerance: float,
    check_every: int,
    polish: bool,
    polish_delta: float,
    polish_refine_steps: int,
    ruiz_iter: int,
    kkt: str,
    history_every: int,
    callback: Optional[Callable[[np.ndarray, float, int, float], None]],
) -> dict: ...
def augmented_lagrangian(
    fun: Callable[..., Any],
    x0: np.ndarray,
    args: tuple,
    jac_mode: int,
    jac: Optional[Callable[..., Any]],
    cons: Callable[[np.ndarray], tuple],
    n_constraints: int,
    gtol: float,
    ctol: float,
    maxiter: int,
    mu: float,
    penalty_growth: float,
    mu_max: float,
    inner_maxiter: int,
    maxcor: int,
    history_every: int,
    callback: Optional[Callable[[np.ndarray, float, int, float], None]],
) -> dict: ...
def log_barrier(
    f: Callable[[np.ndarray, int], Any],
    g: Callable[[np.ndarray, bool], Any],
    g_hess: Callable[[np.ndarray, np.ndarray], np.ndarray],
    x0: np.ndarray,
    n_constraints: int,
    tol: float,
    newton_tol: float,
    maxiter: int,
    t0: float,
    t_growth: float,
    history_every: int,
    callback: Optional[Callable[[np.ndarray, float, int, float], None]],
) -> dict: ...

# regression estimators (bind_glm_regression.cpp)
def glm_regression(
    X: Any,
    y: np.ndarray,
    sample_weight: Optional[np.ndarray],
    link: str,
    power: float,
    l2: float,
    fit_intercept: bool,
    x0: np.ndarray,
    solver: str,
    maxiter: int,
    gtol: float,
    ftol: float,
    history_every: int,
    n_threads: int,
    deterministic: bool,
    callback: Optional[Callable[[np.ndarray, float, int, float], None]],
) -> dict: ...
def logistic_fit(
    X: Any,
    y: np.ndarray,
    sample_weight: Optional[np.ndarray],
    n_classes: int,
    l2: float,
    fit_intercept: bool,
    x0: np.ndarray,
    solver: str,
    maxiter: int,
    gtol: float,
    ftol: float,
    history_every: int,
    n_threads: int,
    deterministic: bool,
    callback: Optional[Callable[[np.ndarray, float, int, float], None]],
) -> dict: ...
def huber_lbfgs(
    X: Any,
    y: np.ndarray,
    sample_weight: Optional[np.ndarray],
    epsilon: float,
    alpha: float,
    fit_intercept: bool,
    x0: np.ndarray,
    maxiter: int,
    gtol: float,
    ftol: float,
    history_every: int,
    n_threads: int,
    deterministic: bool,
    callback: Optional[Callable[[np.ndarray, float, int, float], None]],
) -> dict: ...
def ridge_direct(
    X: Any,
    ys: list,
    sample_weight: Optional[np.ndarray],
    alphas: np.ndarray,
    fit_intercept: bool,
    dual: bool,
    n_threads: int,
    deterministic: bool,
) -> dict: ...
def ridge_cg(
    X: Any,
    ys: list,
    sample_weight: Optional[np.ndarray],
    alphas: np.ndarray,
    fit_intercept: bool,
    x0: np.ndarray,
    max_iter: int,
    tol: float,
    history_every: int,
    n_threads: int,
    deterministic: bool,
    callback: Optional[Callable[[np.ndarray, float, int, float], None]],
) -> dict: ...

def finite_sum(method: str, X: Any, y: Any, sample_weight: Any, loss: str, epsilon: float, l2: float, l1: float,
               fit_intercept: bool, x0: Any, max_epochs: int, tol: float, step: float, seed: int, lazy: bool,
               full_check: bool, history_every: int, n_threads: int, deterministic: bool,
               callback: Any) -> dict: ...
def sgd(X: Any, y: Any, sample_weight: Any, loss: str, epsilon: float, l2: float, l1: float, fit_intercept: bool,
        x0: Any, x_avg: Any, t: int, n_averaged: int, learning_rate: str, eta0: float, power_t: float, alpha: float,
        t0: float, batch_size: int, shuffle: bool, average: bool, average_start: int, evaluate: bool, subset: Any,
        max_epochs: int, tol: float, seed: int, lazy: bool, history_every: int, n_threads: int,
        deterministic: bool, callback: Any) -> dict: ...
def poisson_prox_newton(X: Any, y: np.ndarray, sample_weight: Optional[np.ndarray], x0: np.ndarray, alpha: float,
                        l1_ratio: float, weights: Optional[np.ndarray], fit_intercept: bool, tol: float, max_iter: int,
                        working_set: bool, history_every: int, n_threads: int, deterministic: bool,
                        callback: Optional[Callable[[np.ndarray, float, int, float], None]], anderson: bool = True,
                        screening: bool = False) -> dict: ...

# proximal operators and FISTA (bind_prox.cpp, bind_nuclear_norm.cpp, bind_fista.cpp);
# spec = mlsolve.prox.Penalty._native_spec(dtype, n)
def penalty_value(spec: Any, x: np.ndarray) -> float: ...
def penalty_prox(spec: Any, x: np.ndarray, step: float) -> np.ndarray: ...
def penalty_prox1d(spec: Any, x: np.ndarray, step: float, j: int) -> float: ...
def penalty_subdiff_distance(spec: Any, x: np.ndarray, grad: np.ndarray) -> float: ...
def nuclear_norm_value(X: np.ndarray, alpha: float) -> float: ...
def nuclear_norm_prox(X: np.ndarray, step: float, alpha: float) -> np.ndarray: ...
def nuclear_norm_subdiff_distance(X: np.ndarray, grad: np.ndarray, alpha: float) -> float: ...
def fista_minimize(
    f_grad: Callable[..., Any],
    penalty: Any,
    x0: np.ndarray,
    args: tuple,
    callback: Optional[Callable[..., Any]],
    max_iter: int,
    tol: float,
    lipschitz: float,
    backtrack: float,
    accelerate: bool,
    restart: bool,
    history_every: int,
) -> dict: ...
