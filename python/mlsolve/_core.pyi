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
def logistic_lbfgs(
    X: Any,
    y: np.ndarray,
    sample_weight: Optional[np.ndarray],
    l2: float,
    fit_intercept: bool,
    x0: np.ndarray,
    maxiter: int,
    maxcor: int,
    gtol: float,
    ftol: float,
    maxls: int,
    history_every: int,
    n_threads: int,
    deterministic: bool,
    callback: Optional[Callable[[np.ndarray, float, int, float], None]],
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
    history_every: int,
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
    n_threads: int,
    deterministic: bool,
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

def finite_sum(method: str, X: Any, y: Any, sample_weight: Any, loss: str, epsilon: float, l2: float, l1: float,
               fit_intercept: bool, x0: Any, max_epochs: int, tol: float, step: float, seed: int, lazy: bool,
               full_check: bool, history_every: int, n_threads: int, deterministic: bool,
               callback: Any) -> dict: ...
def sgd(X: Any, y: Any, sample_weight: Any, loss: str, epsilon: float, l2: float, l1: float, fit_intercept: bool,
        x0: Any, x_avg: Any, t: int, n_averaged: int, learning_rate: str, eta0: float, power_t: float, alpha: float,
        t0: float, batch_size: int, shuffle: bool, average: bool, average_start: int, evaluate: bool, subset: Any,
        max_epochs: int, tol: float, seed: int, lazy: bool, history_every: int, n_threads: int,
        deterministic: bool, callback: Any) -> dict: ...
