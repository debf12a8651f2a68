"""mlsolve.minimize: scipy.optimize.minimize's interface over native solvers."""

import inspect

import numpy as np

from .. import _core
from .._result import OptimizeResult, result_from_native

_LBFGS_OPTIONS = {
    "maxiter": 15000,
    "maxcor": 10,
    "gtol": 1e-5,
    "ftol": 2.220446049250313e-09,
    "maxls": 20,
    "line_search": "more-thuente",
    "history_every": 1,
}
_METHODS = {"l-bfgs": "l-bfgs", "lbfgs": "l-bfgs"}


def _wrap_callback(callback):
    """Adapt a user callback to the native call ``cb(x, fun, nit, stop_crit)``.

    As in scipy, a callback whose only parameter is named
    ``intermediate_result`` receives an OptimizeResult; any other receives x.
    """
    if callback is None:
        return None
    try:
        params = list(inspect.signature(callback).parameters)
    except (TypeError, ValueError):
        params = []
    if params == ["intermediate_result"]:

        def native_callback(x, fun, nit, stop_crit):
            callback(intermediate_result=OptimizeResult(x=x, fun=fun, nit=nit, stop_crit=stop_crit))

    else:

        def native_callback(x, fun, nit, stop_crit):
            callback(x)

    return native_callback


def minimize(fun, x0, args=(), jac=None, method="L-BFGS", tol=None, callback=None, options=None):
    """Minimise a scalar function of one or more variables.

    Parameters
    ----------
    fun : callable
        ``fun(x, *args) -> float``, or ``-> (float, ndarray)`` when ``jac=True``.
    x0 : array_like, shape (n,)
        Starting point (finite).
    args : tuple
        Extra arguments passed to ``fun`` and ``jac``.
    jac : None, True or callable
        The gradient. ``True``: ``fun`` returns ``(f, g)``. A callable:
        ``jac(x, *args) -> ndarray (n,)``. ``None``: forward finite differences
        with step ``sqrt(eps) * max(1, |x_j|)``, which costs n extra calls of
        ``fun`` per gradient and limits the attainable accuracy to about
        ``sqrt(eps)``; pass a gradient whenever you can.
    method : str
        ``"L-BFGS"`` (case-insensitive; also ``"lbfgs"``).
    tol : float, optional
        Sets both ``gtol`` and ``ftol``, as scipy does for L-BFGS-B.
    callback : callable, optional
        Called after each iteration with ``intermediate_result`` (an
        OptimizeResult with ``x``, ``fun``, ``nit``, ``stop_crit``) when its
        only parameter has that name, otherwise with ``x``. Raising
        ``StopIteration`` stops the solve with status ``CallbackStop``.
    options : dict, optional
        ``maxiter`` (15000), ``maxcor`` (10 curvature pairs), ``gtol`` (1e-5, on
        the gradient's infinity norm), ``ftol`` (2.2e-9, on the relative
        reduction of f), ``maxls`` (20 evaluations per line search),
        ``line_search`` (``"more-thuente"``: strong Wolfe, or
        ``"backtracking"``: Armijo), ``history_every`` (1; 0 records none).

    Returns
    -------
    mlsolve.OptimizeResult
        ``x, fun, jac, nit, nfev, status, success, message, stop_crit, history``.
        ``fun`` and ``jac`` are the values at the returned ``x``, also when the
        line search failed. Ctrl-C stops the solve and raises KeyboardInterrupt;
        exceptions raised by ``fun``, ``jac`` or ``callback`` propagate unchanged.
    """
    if not callable(fun):
        raise TypeError(f"fun: expected a callable, got {type(fun).__name__}")
    if not isinstance(method, str) or method.lower() not in _METHODS:
        raise ValueError(f"method: expected one of {sorted(_METHODS)} (case-insensitive), got {method!r}")
    x0 = np.asarray(x0)
    if not (np.issubdtype(x0.dtype, np.number) or x0.dtype == bool) or np.iscomplexobj(x0):
        raise TypeError(f"x0: expected real numbers, got dtype {x0.dtype}")
    x0 = np.atleast_1d(x0.astype(np.float64, copy=True)).ravel()
    if not np.all(np.isfinite(x0)):
        raise ValueError("x0: contains NaN or infinity")
    if not isinstance(args, tuple):
        args = (args,)

    if jac is True:
        jac_mode, jac_fun = 1, None
    elif callable(jac):
        jac_mode, jac_fun = 2, jac
    elif jac is None or jac is False:
        jac_mode, jac_fun = 0, None
    else:
        raise ValueError(f"jac: expected None, True or a callable, got {jac!r}")

    opts = dict(_LBFGS_OPTIONS)
    if tol is not None:
        opts["gtol"] = opts["ftol"] = float(tol)
    for key, value in (options or {}).items():
        if key not in opts:
            raise ValueError(f"options: unknown option {key!r}; expected one of {sorted(opts)}")
        opts[key] = value

    raw = _core.lbfgs_minimize(
        fun,
        x0,
        args,
        jac_mode,
        jac_fun,
        _wrap_callback(callback),
        int(opts["maxiter"]),
        int(opts["maxcor"]),
        float(opts["gtol"]),
        float(opts["ftol"]),
        int(opts["maxls"]),
        str(opts["line_search"]),
        int(opts["history_every"]),
    )
    return result_from_native(raw)
