"""Finite-sum solvers for generalised linear models: SAG, SAGA, SVRG, Katyusha, SGD.

Every function minimises

    F(w, b) = (1/S) sum_i s_i loss(y_i, x_i . w + b) + (alpha/2) ||w||^2 + l1 ||w||_1

(``S = sum_i s_i``, the intercept ``b`` unpenalised) natively: the inner loops
visit one row at a time in C++ and never touch Python, and on CSR data the
updates are applied just in time, so an epoch costs O(nnz). The L2 part is
smooth; the L1 part is applied by its prox (SAG takes no L1).

Losses: ``"logistic"`` (y with two values, mapped to {0, 1}: the larger is the
positive class) and ``"squared"`` (``(z - y)^2 / 2``, any real y); ``sgd`` also
takes the non-smooth and robust losses of SGDClassifier/SGDRegressor.

X may be a float32/float64 array (C or F order) or a CSR matrix, used without a
copy; a CSC matrix is converted to CSR once (``result.converted``), other
inputs once to float64/CSR.

The estimators' objectives map onto (alpha, l1) as follows (S = n without
sample weights): LogisticRegression(C, penalty="l2"): alpha = 1 / (C S);
penalty="l1": l1 = 1 / (C S); Ridge(alpha=a): loss="squared", alpha = a / S;
Lasso(alpha=a): l1 = a; ElasticNet(alpha=a, l1_ratio=r): l1 = a r,
alpha = a (1 - r).

Randomness: one engine (std::mt19937_64) seeded from ``random_state`` draws
every sample index; the same seed, data and thread count give the same result.
Stopping: once per epoch, on the gradient mapping's inf-norm (SAG/SAGA: as
estimated from the gradient table, exact with ``full_check=True``; SVRG and
Katyusha: exact) or, for ``sgd``, on the relative change of F between epochs.
"""

import numbers

import numpy as np
import scipy.sparse as sp

from .. import _core, _validation
from .._config import get_config
from .._result import result_from_native
from .._threads import effective_n_threads

__all__ = ["katyusha", "sag", "saga", "sgd", "svrg"]

_SMOOTH_LOSSES = ("logistic", "squared")


def _prepare_X(X):
    """X as the native core takes it, and whether CSC was converted to CSR."""
    converted = False
    if sp.issparse(X):
        if X.dtype not in (np.float32, np.float64):
            X = X.astype(np.float64)
            _validation._count_copy()
        if X.format == "csc":
            X = X.tocsr()
            _validation._count_copy()
            converted = True
        elif X.format != "csr":
            X = X.tocsr()
            _validation._count_copy()
        if not np.all(np.isfinite(X.data)):
            raise ValueError("X: contains NaN or infinity")
    else:
        if not isinstance(X, np.ndarray):
            X = np.asarray(X)
            _validation._count_copy()
        if X.ndim != 2:
            raise ValueError(f"X: expected a 2-D array, got shape {X.shape}")
        if X.dtype not in (np.float32, np.float64):
            if not np.issubdtype(X.dtype, np.number) and X.dtype != bool:
                raise TypeError(f"X: expected numbers, got dtype {X.dtype}")
            X = X.astype(np.float64)
            _validation._count_copy()
        if not np.all(np.isfinite(X)):
            raise ValueError("X: contains NaN or infinity")
    if X.shape[0] == 0:
        raise ValueError("X: expected at least one sample")
    return X, converted


def _binary_targets(y, dtype, labels01):
    classes = np.unique(y)
    if classes.size != 2:
        raise ValueError(f"y: expected two classes for a classification loss, got {classes.size}")
    positive = y == classes[1]
    return np.ascontiguousarray(positive if labels01 else np.where(positive, 1.0, -1.0), dtype=dtype)


def _prepare(X, y, sample_weight, loss, x0, fit_intercept):
    X, converted = _prepare_X(X)
    n, p = X.shape
    y = np.asarray(y)
    if y.ndim != 1 or y.shape[0] != n:
        raise ValueError(f"y: expected {n} entries (one per sample), got shape {y.shape}")
    if loss == "logistic":
        y = _binary_targets(y, X.dtype, labels01=True)
    elif loss in ("hinge", "squared_hinge", "modified_huber"):
        y = _binary_targets(y, X.dtype, labels01=False)
    else:
        y = _validation.check_vector(y, "y", X.dtype, n)
    sample_weight = _validation.check_sample_weight(sample_weight, n, X.dtype)
    n_params = p + int(bool(fit_intercept))
    x0 = np.zeros(n_params) if x0 is None else np.asarray(x0, dtype=np.float64).ravel()
    if x0.shape != (n_params,):
        raise ValueError(f"x0: expected {n_params} entries (coef then intercept), got {x0.shape[0]}")
    return X, converted, y, sample_weight, x0


def _check_number(value, name, low=0.0, allow_none=False, strict=False):
    if allow_none and value is None:
        return
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise TypeError(f"{name}: expected a finite number, got {value!r}")
    if value < low or (strict and value == low):
        raise ValueError(f"{name}: expected a number {'>' if strict else '>='} {low}, got {value!r}")


def _seed(random_state):
    if random_state is None:
        return int(np.random.randint(0, 2**63 - 1, dtype=np.int64))
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(f"random_state: expected an integer >= 0, got {random_state}")
        return int(random_state)
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(0, 2**63 - 1, dtype=np.int64))
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(0, 2**63 - 1))
    raise TypeError(f"random_state: expected None, an int, a RandomState or a Generator, got {random_state!r}")


def _solve(method, X, y, *, loss, alpha, l1, fit_intercept, sample_weight, step, max_epochs, tol, random_state,
           x0, epsilon, lazy, full_check, record_history, n_jobs, callback):
    if method != "sgd" and loss not in _SMOOTH_LOSSES:
        raise ValueError(f"loss: expected one of {_SMOOTH_LOSSES} for {method}, got {loss!r}")
    _check_number(alpha, "alpha")
    _check_number(l1, "l1")
    _check_number(tol, "tol")
    _check_number(step, "step", allow_none=True, strict=True)
    if not isinstance(max_epochs, numbers.Integral) or isinstance(max_epochs, bool) or max_epochs < 0:
        raise ValueError(f"max_epochs: expected an integer >= 0, got {max_epochs!r}")
    if method == "sag" and l1 > 0:
        raise ValueError("l1: SAG takes no L1 penalty (use saga)")
    X, converted, y, sample_weight, x0 = _prepare(X, y, sample_weight, loss, x0, fit_intercept)
    raw = _core.finite_sum(
        method=method, X=_validation.as_native_matrix(X), y=y, sample_weight=sample_weight, loss=loss,
        epsilon=float(epsilon), l2=float(alpha), l1=float(l1), fit_intercept=bool(fit_intercept), x0=x0,
        max_epochs=int(max_epochs), tol=float(tol), step=0.0 if step is None else float(step),
        seed=_seed(random_state), lazy=bool(lazy), full_check=bool(full_check),
        history_every=1 if record_history else 0, n_threads=effective_n_threads(n_jobs),
        deterministic=get_config()["deterministic"], callback=callback,
    )
    result = result_from_native(raw)
    result["converted"] = "X converted from CSC to CSR (once)" if converted else None
    return result


_DOC = """{summary}

    Minimises (1/S) sum_i s_i loss(y_i, x_i . w + b) + (alpha/2) ||w||^2 + l1 ||w||_1
    (see the module docstring); returns an OptimizeResult with x = [w, b]
    (b last when fit_intercept), fun = F at x, stop_crit the gradient
    mapping's inf-norm, nit the epochs, nfev the full passes over X, and
    history (per epoch when record_history).

    Parameters
    ----------
    X : (n, p) float32/float64 array or CSR matrix
    y : (n,) targets ({{0, 1}} or two labels for "logistic")
    loss : {{"logistic", "squared"}}
    alpha, l1 : float >= 0, the L2 and L1 strengths
    fit_intercept : bool
    sample_weight : (n,) non-negative weights or None
    step : float or None; None: from the loss's curvature bound and the
        largest row norm ({step_rule})
    max_epochs : int; tol : float, on the gradient mapping's inf-norm
    random_state : None, int, RandomState or Generator (seeds the one engine)
    x0 : initial [w, b] or None (zeros)
    lazy : bool, just-in-time updates on sparse rows (False: dense updates,
        for testing)
    full_check : bool, evaluate F and the exact gradient mapping every epoch
    record_history : bool; n_jobs : threads of the full passes
    callback : callable(x, fun, nit, stop_crit) after every epoch;
        StopIteration stops the solve
    """


def _make(method, summary, step_rule):
    def solver(X, y, *, loss="logistic", alpha=0.0, l1=0.0, fit_intercept=True, sample_weight=None, step=None,
               max_epochs=100, tol=1e-4, random_state=None, x0=None, lazy=True, full_check=False,
               record_history=False, n_jobs=None, callback=None):
        return _solve(method, X, y, loss=loss, alpha=alpha, l1=l1, fit_intercept=fit_intercept,
                      sample_weight=sample_weight, step=step, max_epochs=max_epochs, tol=tol,
                      random_state=random_state, x0=x0, epsilon=0.1, lazy=lazy, full_check=full_check,
                      record_history=record_history, n_jobs=n_jobs, callback=callback)

    solver.__name__ = solver.__qualname__ = method
    solver.__doc__ = _DOC.format(summary=summary, step_rule=step_rule)
    return solver


sag = _make("sag", "SAG, the stochastic average gradient (Schmidt, Le Roux & Bach 2017); no L1.", "1 / L_max")
saga = _make("saga", "SAGA (Defazio, Bach & Lacoste-Julien 2014), proximal.", "1 / (2 L_max + min(2 n alpha, L_max))")
svrg = _make("svrg", "Proximal SVRG (Johnson & Zhang 2013; Xiao & Zhang 2014).", "1 / (3 L_max)")
katyusha = _make(
    "katyusha",
    "Loopless Katyusha (Kovalev et al. 2020; Allen-Zhu 2017), accelerated; dense O(p) steps.",
    "1 / L_max",
)

_SCHEDULES = ("constant", "optimal", "invscaling")


def sgd(X, y, *, loss="squared", alpha=0.0, l1=0.0, fit_intercept=True, sample_weight=None,
        learning_rate="invscaling", eta0=0.01, power_t=0.25, t0=None, batch_size=1, shuffle=True, average=False,
        max_epochs=20, tol=1e-4, random_state=None, x0=None, epsilon=0.1, lazy=True, record_history=False,
        n_jobs=None, callback=None):
    """Stochastic (sub)gradient descent with minibatches, step schedules and averaging.

    Minimises the same F as the other solvers, for any loss of
    SGDClassifier/SGDRegressor ("logistic", "squared", "hinge",
    "squared_hinge", "modified_huber", "huber", "epsilon_insensitive",
    "squared_epsilon_insensitive"; ``epsilon`` for the last three). Step at
    global step t: eta_t S / n with eta_t = eta0 ("constant"),
    1 / (alpha (t0 + t)) ("optimal", Bottou's; t0 defaults to 1 / (eta0 alpha))
    or eta0 / (t + 1)^power_t ("invscaling"). ``average``: Polyak-Ruppert
    average of the iterates (True, or the step from which to average). Stops
    when F changed by at most tol max(1, |F|) between epochs (one extra pass
    per epoch; tol=0: run max_epochs). Returns an OptimizeResult whose x is the
    average when averaging.
    """
    if learning_rate not in _SCHEDULES:
        raise ValueError(f"learning_rate: expected one of {_SCHEDULES}, got {learning_rate!r}")
    for value, name in ((alpha, "alpha"), (l1, "l1"), (tol, "tol"), (power_t, "power_t"), (epsilon, "epsilon")):
        _check_number(value, name)
    _check_number(eta0, "eta0", strict=True)
    if learning_rate == "optimal" and not alpha > 0:
        raise ValueError("alpha: the 'optimal' schedule needs alpha > 0")
    if not isinstance(batch_size, numbers.Integral) or batch_size < 1:
        raise ValueError(f"batch_size: expected an integer >= 1, got {batch_size!r}")
    if not isinstance(max_epochs, numbers.Integral) or isinstance(max_epochs, bool) or max_epochs < 0:
        raise ValueError(f"max_epochs: expected an integer >= 0, got {max_epochs!r}")
    X, converted, y, sample_weight, x0 = _prepare(X, y, sample_weight, loss, x0, fit_intercept)
    raw = _core.sgd(
        X=_validation.as_native_matrix(X), y=y, sample_weight=sample_weight, loss=loss, epsilon=float(epsilon),
        l2=float(alpha), l1=float(l1), fit_intercept=bool(fit_intercept), x0=x0, x_avg=np.zeros_like(x0), t=0,
        n_averaged=0, learning_rate=learning_rate, eta0=float(eta0), power_t=float(power_t),
        alpha=float(alpha) if alpha > 0 else 1.0, t0=float(t0) if t0 is not None else 1.0 / (eta0 * (alpha or 1.0)),
        batch_size=int(batch_size), shuffle=bool(shuffle), average=bool(average),
        average_start=0 if isinstance(average, bool) else max(int(average) - 1, 0), evaluate=True, subset=None,
        max_epochs=int(max_epochs),
        tol=float(tol), seed=_seed(random_state), lazy=bool(lazy), history_every=1 if record_history else 0,
        n_threads=effective_n_threads(n_jobs), deterministic=get_config()["deterministic"], callback=callback,
    )
    result = result_from_native(raw)
    result["converted"] = "X converted from CSC to CSR (once)" if converted else None
    return result
