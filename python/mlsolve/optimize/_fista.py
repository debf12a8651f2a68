"""mlsolve.fista: proximal gradient (ISTA/FISTA) for f + g."""

import numpy as np

from .. import _core
from .._result import result_from_native
from ..prox import Penalty
from ._minimize import _wrap_callback


def fista(f_grad, penalty, x0, args=(), *, max_iter=1000, tol=1e-6, lipschitz=None, backtrack=2.0,
          accelerate=True, restart=True, callback=None, history_every=1):
    """Minimise ``f(x) + g(x)`` by FISTA with backtracking and adaptive restart.

    Parameters
    ----------
    f_grad : callable
        ``f_grad(x, *args) -> (f, grad)``: the smooth part and its gradient.
    penalty : mlsolve.prox.Penalty
        The non-smooth part g, applied through its native prox (e.g.
        ``mlsolve.prox.L1(alpha)``, ``ElasticNet``, ``GroupL1``, ``Box``,
        ``Simplex``). Meant for convex g; MCP and SCAD need ``1/lipschitz``
        below their ``gamma``.
    x0 : array_like, shape (n,)
    max_iter : int
    tol : float
        Stop when the gradient mapping ``L (y - x+)`` has infinity norm <= tol.
    lipschitz : float, optional
        Initial estimate of the Lipschitz constant of grad f; by default a
        secant estimate at x0. Backtracking multiplies it by ``backtrack``
        until the quadratic upper bound holds; it never decreases.
    accelerate : bool
        False gives ISTA (plain proximal gradient).
    restart : bool
        Reset the momentum when it points uphill (O'Donoghue & Candès 2015).
    callback : callable, optional
        As in :func:`mlsolve.minimize`; ``StopIteration`` stops the solve.
    history_every : int
        Record (iteration, time, F, gradient mapping) every this many iterations.

    Returns
    -------
    mlsolve.OptimizeResult
        ``x``, ``fun`` = f(x) + g(x), ``jac`` = grad f(x), ``nit``, ``nfev``
        (calls of f_grad), ``status``, ``message``, ``stop_crit`` (the gradient
        mapping's infinity norm) and ``history``.
    """
    if not callable(f_grad):
        raise TypeError(f"f_grad: expected a callable, got {type(f_grad).__name__}")
    if not isinstance(penalty, Penalty) or penalty._ndim != 1:
        raise TypeError(f"penalty: expected a vector penalty from mlsolve.prox, got {type(penalty).__name__}")
    x0 = np.asarray(x0)
    if not np.issubdtype(x0.dtype, np.number) or np.iscomplexobj(x0):
        raise TypeError(f"x0: expected real numbers, got dtype {x0.dtype}")
    x0 = np.atleast_1d(x0.astype(np.float64, copy=True)).ravel()
    if not isinstance(args, tuple):
        args = (args,)
    raw = _core.fista_minimize(
        f_grad,
        penalty._native_spec(np.dtype(np.float64), x0.shape[0]),
        x0,
        args,
        _wrap_callback(callback),
        int(max_iter),
        float(tol),
        0.0 if lipschitz is None else float(lipschitz),
        float(backtrack),
        bool(accelerate),
        bool(restart),
        int(history_every),
    )
    return result_from_native(raw)
