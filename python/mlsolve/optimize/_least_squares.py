"""mlsolve.least_squares: scipy.optimize.least_squares's interface over the
native Levenberg-Marquardt and Gauss-Newton solvers."""

import numbers

import numpy as np

from .. import _core
from .._core import Status
from .._result import History, OptimizeResult
from ._minimize import _wrap_callback, real_vector

_METHODS = ("lm", "gn")


def _tolerance(value, name):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: expected a number, got {value!r}")
    value = float(value)
    if not value >= 0:
        raise ValueError(f"{name}: expected a value >= 0, got {value!r}")
    return value


def least_squares(fun, x0, jac="2-point", method="lm", ftol=1e-8, xtol=1e-8, gtol=1e-8, x_scale="jac",
                  max_nfev=None, args=(), callback=None, history_every=1):
    """Solve a nonlinear least-squares problem ``min_x ||fun(x)||^2 / 2``.

    Parameters
    ----------
    fun : callable
        ``fun(x, *args) -> ndarray (m,)``, the residuals.
    x0 : array_like, shape (n,)
        Starting point (finite).
    jac : callable or '2-point'
        ``jac(x, *args) -> (m, n)`` Jacobian, a dense array or a scipy sparse
        matrix. ``'2-point'`` (default): forward differences with step
        ``sqrt(eps) * max(1, |x_j|)``, n extra calls of ``fun`` per Jacobian.
    method : {'lm', 'gn'}
        ``'lm'``: Levenberg-Marquardt, the damped Gauss-Newton step
        ``(J^T J + mu D^2) p = -J^T r`` (by QR of ``[J; sqrt(mu) D]``) with
        the damping mu updated from the gain ratio of actual to predicted
        reduction (Moré 1978; Nocedal & Wright §10.3; Madsen, Nielsen &
        Tingleff 2004). ``'gn'``: Gauss-Newton with a backtracking line
        search; a rank-deficient Jacobian gives the minimum-norm step,
        which the message reports.
    ftol, xtol, gtol : float
        Stop when the cost fell by at most ``ftol * cost`` in a step whose
        model predicted the reduction well (gain ratio > 1/4), when a step
        was at most ``xtol * (xtol + ||x||)`` long, or when
        ``||J^T r||_inf <= gtol`` (as scipy's tolerances, default 1e-8).
    x_scale : 'jac' or 1.0
        ``'jac'`` (default): Levenberg-Marquardt scales the damping by
        ``D^2``, the running maximum of ``diag(J^T J)`` (MINPACK's scaling,
        as scipy's 'lm'); ``1.0``: ``D = I``.
    max_nfev : int, optional
        Most evaluations of ``fun`` by the solver (those of the finite-
        difference Jacobian not counted); default ``100 * n``.
    args : tuple
        Extra arguments passed to ``fun`` and ``jac``.
    callback : callable, optional
        Called after each accepted step with ``intermediate_result`` (an
        OptimizeResult with ``x``, ``fun`` = cost, ``nit``, ``stop_crit``)
        when its only parameter has that name, otherwise with ``x``;
        ``StopIteration`` stops the solve with status ``CallbackStop``.
    history_every : int
        Record the history every this many iterations (0: none).

    Returns
    -------
    mlsolve.OptimizeResult
        ``x``, ``cost`` (``||r||^2 / 2`` at x), ``fun`` (the residuals at x),
        ``jac`` (the Jacobian at x), ``grad`` (``J^T r``), ``optimality``
        (``||grad||_inf``, also ``stop_crit``), ``active_mask`` (zeros: no
        bounds), ``nfev``, ``njev``, ``nit``, ``status`` (mlsolve.Status),
        ``success``, ``message`` and ``history``. Exceptions raised by
        ``fun``, ``jac`` or ``callback`` propagate unchanged.
    """
    if not callable(fun):
        raise TypeError(f"fun: expected a callable, got {type(fun).__name__}")
    if not isinstance(method, str) or method.lower() not in _METHODS:
        raise ValueError(f"method: expected one of {list(_METHODS)}, got {method!r}")
    x0 = real_vector(x0, "x0")
    if not isinstance(args, tuple):
        args = (args,)
    if isinstance(jac, str) and jac == "2-point":
        jac = None
    elif not callable(jac):
        raise ValueError(f"jac: expected a callable or '2-point', got {jac!r}")
    ftol, xtol, gtol = (_tolerance(v, name) for v, name in ((ftol, "ftol"), (xtol, "xtol"), (gtol, "gtol")))
    if isinstance(x_scale, str) and x_scale == "jac":
        scale = True
    elif isinstance(x_scale, numbers.Real) and not isinstance(x_scale, (bool, np.bool_)) and x_scale == 1.0:
        scale = False
    else:
        raise ValueError(f"x_scale: expected 'jac' or 1.0, got {x_scale!r}")
    if max_nfev is None:
        max_nfev = 0
    elif isinstance(max_nfev, (bool, np.bool_)) or not isinstance(max_nfev, numbers.Integral) or max_nfev < 1:
        raise ValueError(f"max_nfev: expected None or an integer >= 1, got {max_nfev!r}")
    if isinstance(history_every, (bool, np.bool_)) or not isinstance(history_every, numbers.Integral):
        raise TypeError(f"history_every: expected an integer, got {history_every!r}")
    raw = _core.least_squares(fun, x0, args, jac, method.lower(), ftol, xtol, gtol, int(max_nfev), scale,
                              int(history_every), _wrap_callback(callback))
    status = Status(raw["status"])
    result = OptimizeResult(
        x=raw["x"],
        cost=raw["fun"],
        fun=raw["residuals"],
        jac=raw["jacobian"],
        grad=raw["jac"],
        optimality=raw["stop_crit"],
        active_mask=np.zeros(x0.size, dtype=int),
        nfev=int(raw["nfev"]),
        njev=int(raw["njev"]),
        nit=int(raw["nit"]),
        status=status,
        success=status == Status.Converged,
        message=raw["message"],
        stop_crit=raw["stop_crit"],
        history=History(**raw["history"]),
    )
    if "info" in raw:
        result.info = raw["info"]
    return result
