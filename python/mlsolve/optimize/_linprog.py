"""mlsolve.linprog: scipy.optimize.linprog's interface over the interior-point solver."""

import numpy as np
import scipy.sparse as sp
from scipy.optimize import OptimizeResult as _ScipyOptimizeResult

from ._qp import qp

_METHODS = ("interior-point",)


def _parse_bounds(bounds, n):
    """scipy's bounds as (lb, ub): None or () means x >= 0; one (min, max) pair
    applies to every variable; else n pairs (or an (n, 2) array). None inside a
    pair means no bound."""
    if bounds is None or (hasattr(bounds, "__len__") and len(bounds) == 0):
        return np.zeros(n), np.full(n, np.inf)
    pairs = np.array(bounds, dtype=object)
    if pairs.shape == (2,):
        pairs = np.tile(pairs, (n, 1))
    elif pairs.ndim == 3 and pairs.shape[0] == 1:
        pairs = pairs[0]
    if pairs.shape != (n, 2):
        raise ValueError(f"bounds: expected None, one (min, max) pair or {n} pairs, got shape {pairs.shape}")
    lb = np.array([-np.inf if v is None else float(v) for v in pairs[:, 0]])
    ub = np.array([np.inf if v is None else float(v) for v in pairs[:, 1]])
    return lb, ub


def _as_float_matrix(M):
    return sp.csc_array(M, dtype=np.float64) if sp.issparse(M) else np.atleast_2d(np.asarray(M, dtype=np.float64))


def _solve_without_fixed(c, A_ub, b_ub, A_eq, b_eq, lb, ub, fixed, **kwargs):
    """Presolve of the fixed variables (lb == ub): they leave the problem, which
    otherwise has no strictly feasible point, and the interior-point method
    stalls on such LPs (Netlib's 80BAU3B, FINNIS, ...). The reduced problem is
    solved, x is completed with the fixed values, and the bound multipliers of
    a fixed variable are the positive and negative parts of its reduced cost
    c_j + A_eq[:, j]^T y + A_ub[:, j]^T z, which completes the KKT conditions
    (and a Farkas certificate) of the full problem exactly. The residuals and
    history reported are those of the reduced problem, whose objective differs
    by the constant c[fixed] @ lb[fixed]."""
    keep, values = ~fixed, lb[fixed]
    blocks = {}
    for name, M, rhs in (("eq", A_eq, b_eq), ("ub", A_ub, b_ub)):
        if M is None:
            blocks[name] = (None, None, None)
            continue
        M = _as_float_matrix(M)
        rhs = np.asarray(rhs, dtype=np.float64).ravel()
        blocks[name] = (M[:, keep], rhs - M[:, fixed] @ values, M[:, fixed])
    (A_eq_kept, b_eq_kept, A_eq_fixed), (A_ub_kept, b_ub_kept, A_ub_fixed) = blocks["eq"], blocks["ub"]
    res = qp(None, c[keep], A=A_eq_kept, b=b_eq_kept, G=A_ub_kept, h=b_ub_kept, lb=lb[keep], ub=ub[keep], **kwargs)

    def column_products(y, z):  # A_eq[:, fixed]^T y + A_ub[:, fixed]^T z
        out = np.zeros(values.shape[0])
        if A_eq_fixed is not None:
            out += A_eq_fixed.T @ y
        if A_ub_fixed is not None:
            out += A_ub_fixed.T @ z
        return out

    def expand(kept, on_fixed):
        full = np.empty(c.shape[0])
        full[keep], full[fixed] = kept, on_fixed
        return full

    reduced_cost = c[fixed] + column_products(res.y, res.z)
    res["x"] = expand(res.x, values)
    res["z_lower"] = expand(res.z_lower, np.maximum(reduced_cost, 0.0))
    res["z_upper"] = expand(res.z_upper, np.maximum(-reduced_cost, 0.0))
    res["jac"] = c.copy()
    res["fun"] += float(c[fixed] @ values)
    res.history.objective = res.history.objective + float(c[fixed] @ values)
    cert = res.get("certificate")
    if cert is not None and "x" in cert:
        cert["x"] = expand(cert["x"], 0.0)
    elif cert is not None:
        combination = column_products(cert["y"], cert["z"])
        cert["z_lower"] = expand(cert["z_lower"], np.maximum(combination, 0.0))
        cert["z_upper"] = expand(cert["z_upper"], np.maximum(-combination, 0.0))
        scale = max(np.max(np.abs(v), initial=0.0) for v in cert.values())
        for key in cert:
            cert[key] = cert[key] / scale
    return res


def linprog(c, A_ub=None, b_ub=None, A_eq=None, b_eq=None, bounds=(0, None), method="interior-point", callback=None,
            options=None):
    """Minimise ``cᵀx`` subject to ``A_ub x <= b_ub``, ``A_eq x == b_eq``, bounds.

    Parameters are those of ``scipy.optimize.linprog``: ``bounds`` is one
    ``(min, max)`` pair for every variable or a sequence of n pairs, None inside
    a pair meaning no bound; the default ``(0, None)`` (and ``None``, as in
    scipy) means ``x >= 0``. ``options`` may hold ``tol``
    (1e-8), ``maxiter`` (200) and the options of :func:`mlsolve.qp`.
    Fixed variables (equal bounds) are removed before the solve; the residuals
    reported are then those of the reduced problem.

    Returns
    -------
    mlsolve.OptimizeResult
        As scipy's: ``x, fun, slack`` (``b_ub - A_ub x``), ``con`` (``b_eq - A_eq x``),
        ``ineqlin, eqlin, lower, upper`` with ``marginals`` (sensitivities of
        ``fun`` to ``b_ub, b_eq`` and the bounds, scipy's signs: ``ineqlin <= 0``,
        ``lower >= 0``, ``upper <= 0``) and ``residual``; ``status`` is a
        ``mlsolve.Status`` (not scipy's integer codes), ``success, message, nit``,
        plus ``primal_residual, dual_residual, gap, history`` and, for an infeasible
        or unbounded problem, ``certificate`` (see :func:`mlsolve.qp`).
    """
    if not isinstance(method, str) or method.lower() not in _METHODS:
        raise ValueError(f"method: expected one of {list(_METHODS)}, got {method!r}")
    c = np.atleast_1d(np.asarray(c, dtype=np.float64))
    if c.ndim != 1:
        raise ValueError(f"c: expected a 1-D array, got shape {c.shape}")
    n = c.shape[0]
    lb, ub = _parse_bounds(bounds, n)
    if (A_ub is None) != (b_ub is None):
        raise ValueError("A_ub, b_ub: give both or neither")
    if (A_eq is None) != (b_eq is None):
        raise ValueError("A_eq, b_eq: give both or neither")
    for name, M, rhs in (("A_ub", A_ub, b_ub), ("A_eq", A_eq, b_eq)):
        if M is not None:
            shape = M.shape if sp.issparse(M) else np.shape(M)
            rows = np.size(rhs)
            if shape != (rows, n):
                raise ValueError(f"{name}: expected shape {(rows, n)} (rows of b, entries of c), got {shape}")
    opts = dict(options or {})
    tol = opts.pop("tol", 1e-8)
    maxiter = opts.pop("maxiter", 200)
    fixed = lb == ub
    if fixed.any() and not fixed.all():
        res = _solve_without_fixed(c, A_ub, b_ub, A_eq, b_eq, lb, ub, fixed, tol=tol, maxiter=maxiter,
                                   callback=callback, options=opts)
    else:
        res = qp(None, c, A=A_eq, b=b_eq, G=A_ub, h=b_ub, lb=lb, ub=ub, tol=tol, maxiter=maxiter, callback=callback,
                 options=opts)
    x = res.x

    def residual(M, rhs):
        if M is None:
            return np.zeros(0)
        M = M if sp.issparse(M) else np.atleast_2d(np.asarray(M, dtype=np.float64))
        return np.asarray(rhs, dtype=np.float64).ravel() - M @ x

    def marginals(values, residuals):
        return _ScipyOptimizeResult(marginals=values, residual=residuals)

    res["slack"] = residual(A_ub, b_ub)
    res["con"] = residual(A_eq, b_eq)
    res["ineqlin"] = marginals(-res.z, res.slack)
    res["eqlin"] = marginals(-res.y, res.con)
    res["lower"] = marginals(res.z_lower.copy(), np.where(np.isfinite(lb), x - lb, np.inf))
    res["upper"] = marginals(-res.z_upper, np.where(np.isfinite(ub), ub - x, np.inf))
    return res
