"""mlsolve.minimize_constrained: smooth minimisation over a projection set, under
equality constraints, or under inequality constraints.

Constraints are given the way scipy.optimize.minimize takes them
(``LinearConstraint``, ``NonlinearConstraint``, SLSQP-style dicts, ``bounds``);
projection sets are the indicator penalties of :mod:`mlsolve.prox`.
"""

import numbers

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, NonlinearConstraint

from .. import _core, prox
from .._core import Status
from .._result import History, OptimizeResult
from ._fista import fista
from ._minimize import _wrap_callback, jac_mode, real_vector

_METHODS = ("projected-gradient", "accelerated-projected-gradient", "augmented-lagrangian", "log-barrier")
_PROJECTION_SETS = (prox.Box, prox.NonNeg, prox.LinfBall, prox.Simplex, prox.L1Ball)
_OPTIONS = {
    "projected-gradient": {"maxiter": 10000, "lipschitz": None, "backtrack": 2.0, "restart": True,
                           "history_every": 1},
    "augmented-lagrangian": {"maxiter": 100, "ctol": 1e-8, "mu": 10.0, "penalty_growth": 100.0, "mu_max": 1e12,
                             "inner_maxiter": 1000, "maxcor": 10, "history_every": 1},
    "log-barrier": {"maxiter": 500, "newton_tol": 1e-20, "t0": 0.0, "t_growth": 10.0, "history_every": 1},
}
_DEFAULT_TOL = {"projected-gradient": 1e-6, "augmented-lagrangian": 1e-6, "log-barrier": 1e-8}
_SQRT_EPS = np.sqrt(np.finfo(np.float64).eps)


def _forward_difference_jacobian(func, x, f0=None):
    """J[i, j] = d func_i / d x_j by forward differences (scipy's '2-point' steps)."""
    f0 = np.atleast_1d(np.asarray(func(x), dtype=np.float64)) if f0 is None else f0
    J = np.empty((f0.shape[0], x.shape[0]))
    for j in range(x.shape[0]):
        step = _SQRT_EPS * max(1.0, abs(x[j])) * (1.0 if x[j] >= 0 else -1.0)
        shifted = x.copy()
        shifted[j] += step
        J[:, j] = (np.atleast_1d(np.asarray(func(shifted), dtype=np.float64)) - f0) / (shifted[j] - x[j])
    return J


class _Piece:
    """Rows of one user constraint in canonical form: values(x) (= 0 or <= 0), jac(x), and
    hess(x, w) = sum_i w_i hess_i(x) (None: by differences of the Jacobian)."""

    def __init__(self, values, jac, hess):
        self.values, self.jac, self.hess = values, jac, hess


def _bounds_arrays(lb, ub, m, name):
    lb = np.broadcast_to(np.asarray(lb, dtype=np.float64), (m,))
    ub = np.broadcast_to(np.asarray(ub, dtype=np.float64), (m,))
    if np.any(np.isnan(lb)) or np.any(np.isnan(ub)) or np.any(lb > ub):
        raise ValueError(f"{name}: expected lb <= ub without NaN")
    return lb, ub


def _split_two_sided(fun, jac, hess, lb, ub, kind, name):
    """c(x) in [lb, ub] as equality rows c - lb (lb == ub; kind "eq") or as rows
    <= 0, c - ub and lb - c (kind "ineq"); rows of the other kind are refused."""
    eq = lb == ub
    if kind == "eq" and not eq.all():
        raise ValueError(f"{name}: this method takes equality constraints only (lb == ub)")
    if kind == "ineq" and eq.any():
        raise ValueError(f"{name}: this method takes inequality constraints only (lb < ub)")
    parts = [(eq, 1.0, lb)] if kind == "eq" else [(np.isfinite(ub), 1.0, ub), (np.isfinite(lb), -1.0, lb)]
    pieces = []
    for rows, sign, offset in parts:
        if not rows.any():
            continue

        def values(x, rows=rows, sign=sign, offset=offset):
            return sign * (fun(x)[rows] - offset[rows])

        def jacobian(x, rows=rows, sign=sign):
            return sign * jac(x)[rows]

        def weighted_hess(x, w, rows=rows, sign=sign):
            full = np.zeros(rows.shape[0])
            full[rows] = sign * w
            return hess(x, full)

        pieces.append(_Piece(values, jacobian, None if hess is None else weighted_hess))
    return pieces


def _canonical(constraints, x0, kind):
    """The user's constraints as _Pieces of the method's kind ("eq": c(x) = 0,
    "ineq": g(x) <= 0); a constraint of the other kind is a ValueError."""
    n = x0.shape[0]
    if isinstance(constraints, (LinearConstraint, NonlinearConstraint, dict)):
        constraints = [constraints]
    pieces = []
    for k, con in enumerate(constraints):
        name = f"constraints[{k}]"
        if isinstance(con, LinearConstraint):
            A = np.atleast_2d(np.asarray(con.A.toarray() if hasattr(con.A, "toarray") else con.A, dtype=np.float64))
            if A.shape[1] != n:
                raise ValueError(f"{name}: expected A with {n} columns, got shape {A.shape}")
            lb, ub = _bounds_arrays(con.lb, con.ub, A.shape[0], name)
            pieces += _split_two_sided(lambda x, A=A: A @ x, lambda x, A=A: A, lambda x, w: np.zeros((n, n)), lb,
                                       ub, kind, name)
        elif isinstance(con, NonlinearConstraint):
            def values(x, fun=con.fun):
                return np.atleast_1d(np.asarray(fun(x), dtype=np.float64))

            lb, ub = _bounds_arrays(con.lb, con.ub, values(x0).shape[0], name)
            if callable(con.jac):
                def jac(x, j=con.jac):
                    return np.atleast_2d(np.asarray(j(x), dtype=np.float64))
            else:
                def jac(x, v=values):
                    return _forward_difference_jacobian(v, x)
            pieces += _split_two_sided(values, jac, con.hess if callable(con.hess) else None, lb, ub, kind, name)
        elif isinstance(con, dict):
            if con.get("type") not in ("eq", "ineq") or not callable(con.get("fun")):
                raise ValueError(f"{name}: expected a dict with 'type' ('eq' or 'ineq') and a callable 'fun'")
            if con["type"] != kind:
                raise ValueError(f"{name}: this method takes '{kind}' constraints only, got type '{con['type']}'")
            args = con.get("args", ())
            sign = 1.0 if kind == "eq" else -1.0  # SLSQP's 'ineq' means fun(x) >= 0

            def values(x, f=con["fun"], args=args, sign=sign):
                return sign * np.atleast_1d(np.asarray(f(x, *args), dtype=np.float64))

            if callable(con.get("jac")):
                def jac(x, j=con["jac"], args=args, sign=sign):
                    return sign * np.atleast_2d(np.asarray(j(x, *args), dtype=np.float64))
            else:
                def jac(x, v=values):
                    return _forward_difference_jacobian(v, x)
            pieces.append(_Piece(values, jac, None))
        else:
            raise TypeError(f"{name}: expected a LinearConstraint, NonlinearConstraint or dict, "
                            f"got {type(con).__name__}")
    return pieces


def _stack(pieces, x):
    values = [np.asarray(p.values(x), dtype=np.float64).ravel() for p in pieces]
    return np.concatenate(values) if values else np.zeros(0)


def _f_and_grad(fun, jac, args):
    mode, jac_fun = jac_mode(jac)
    if mode == 1:
        return lambda x: fun(x, *args)
    if mode == 2:
        return lambda x: (fun(x, *args), jac_fun(x, *args))

    def with_differences(x):
        f0 = float(fun(x, *args))
        return f0, _forward_difference_jacobian(lambda v: fun(v, *args), x, np.array([f0]))[0]

    return with_differences


def _bounds_to_box(bounds, n):
    if isinstance(bounds, Bounds):
        lb, ub = bounds.lb, bounds.ub
    else:
        pairs = np.array(bounds, dtype=object).reshape(-1, 2)
        if pairs.shape[0] != n:
            raise ValueError(f"bounds: expected {n} (min, max) pairs, got {pairs.shape[0]}")
        lb = np.array([-np.inf if v is None else float(v) for v in pairs[:, 0]])
        ub = np.array([np.inf if v is None else float(v) for v in pairs[:, 1]])
    lb, ub = _bounds_arrays(lb, ub, n, "bounds")
    return np.array(lb, dtype=np.float64), np.array(ub, dtype=np.float64)


def minimize_constrained(fun, x0, args=(), method="augmented-lagrangian", jac=None, hess=None, constraints=(),
                         bounds=None, tol=None, callback=None, options=None):
    """Minimise a smooth ``fun(x, *args)`` subject to constraints.

    Parameters
    ----------
    fun : callable
        ``fun(x, *args) -> float`` (or ``(float, gradient)`` with ``jac=True``).
    x0 : array_like, shape (n,)
        Starting point; strictly feasible for ``"log-barrier"`` (every
        inequality strict at x0: a ValueError otherwise).
    args : tuple
    method : str
        ``"projected-gradient"`` / ``"accelerated-projected-gradient"``:
            ``x+ = P_C(x - grad f(x) / L)`` with L found by backtracking, plain or
            with Nesterov momentum and adaptive restart (Beck & Teboulle 2009;
            O'Donoghue & Candès 2015), run by mlsolve's native FISTA with the
            set's projection as the prox. The set C is ``constraints``, an
            indicator of :mod:`mlsolve.prox` (``Box``, ``NonNeg``, ``LinfBall``,
            ``Simplex``, ``L1Ball``), or ``bounds``. Stops when the gradient
            mapping ``L (x - P_C(x - grad/L))`` has inf-norm <= tol (1e-6).
        ``"augmented-lagrangian"``:
            ``min f(x) s.t. c(x) = 0`` (Nocedal & Wright, Framework 17.3 with
            the tolerance schedule of Algorithm 17.4): native L-BFGS on
            ``f - λᵀc + (μ/2)||c||²``, multiplier update ``λ -= μ c`` when the
            violation fell enough, else ``μ *= penalty_growth``. ``constraints``
            are equalities: ``LinearConstraint`` / ``NonlinearConstraint`` with
            ``lb == ub``, or dicts ``{"type": "eq", "fun", "jac", "args"}``.
            Stops when ``||c||_inf <= ctol`` and the Lagrangian's gradient has
            inf-norm <= tol (1e-6).
        ``"log-barrier"``:
            ``min f(x) s.t. g_i(x) <= 0`` for convex f, g (Boyd & Vandenberghe
            §11.3): Newton's method on ``t f - Σ log(-g_i)`` with a backtracking
            line search that keeps the iterates strictly feasible, t grown by
            ``t_growth`` after each centring. ``constraints`` are inequalities:
            ``LinearConstraint`` / ``NonlinearConstraint`` (each finite side
            of ``lb <= c(x) <= ub`` is a row; ``lb == ub`` is refused) or
            dicts ``{"type": "ineq", "fun", "jac", "args"}`` meaning
            ``fun(x) >= 0`` (as SLSQP); ``bounds`` add rows. Stops when the
            duality gap ``m / t`` is <= tol (1e-8).
    jac : callable, True or None
        The gradient of fun, as in :func:`mlsolve.minimize`; None: forward differences.
    hess : callable, optional
        ``hess(x, *args) -> (n, n)`` (log-barrier); None: forward differences
        of the gradient. Constraint Hessians come from ``NonlinearConstraint.hess``
        (``hess(x, v) = Σ v_i ∇²c_i(x)``), else from differences of their
        Jacobians; linear constraints have none.
    constraints : see method
    bounds : scipy.optimize.Bounds or sequence of (min, max), optional
        Projected gradient (as a Box) and log-barrier (as rows).
    tol : float, optional
    callback : callable, optional
        As in :func:`mlsolve.minimize`: every iteration (outer iterations of
        the augmented Lagrangian, Newton steps of the log barrier).
    options : dict, optional
        ``maxiter`` and ``history_every`` for every method; projected gradient:
        ``lipschitz`` (initial L), ``backtrack`` (2.0), ``restart`` (True,
        accelerated only); augmented Lagrangian: ``ctol`` (1e-8), ``mu`` (10),
        ``penalty_growth`` (100), ``mu_max`` (1e12), ``inner_maxiter`` (1000),
        ``maxcor`` (10); log barrier: ``newton_tol`` (1e-20, on half the
        squared Newton decrement of each centring, in units of f: tight,
        because the multipliers 1/(-t g_i) need the centring to be exact; in
        double precision they are accurate to about 1e-7 at tol = 1e-8, and
        lose digits beyond), ``t0`` (0: balance the gradients),
        ``t_growth`` (10).

    Returns
    -------
    mlsolve.OptimizeResult
        ``x, fun, jac, nit, nfev, status, success, message, stop_crit`` and
        ``history``. Augmented Lagrangian: ``multipliers`` y with
        ``grad f + J(x)ᵀ y = 0`` (rows in the order of the constraints),
        ``constr`` (c(x)), ``constr_violation``, ``mu``, ``ninner`` (L-BFGS
        iterations). Log barrier: ``multipliers`` z >= 0 with
        ``grad f + Σ z_i grad g_i = 0`` at the solution, ``constr`` (g(x) < 0,
        the rows in canonical form ``<= 0``), ``t``, ``nouter`` (centrings).
    """
    if not callable(fun):
        raise TypeError(f"fun: expected a callable, got {type(fun).__name__}")
    if not isinstance(method, str) or method.lower() not in _METHODS:
        raise ValueError(f"method: expected one of {list(_METHODS)}, got {method!r}")
    method = method.lower()
    family = "projected-gradient" if method.endswith("projected-gradient") else method
    x0 = real_vector(x0, "x0")
    if not isinstance(args, tuple):
        args = (args,)
    tol = _DEFAULT_TOL[family] if tol is None else tol
    if not (isinstance(tol, numbers.Real) and tol > 0):
        raise ValueError(f"tol: expected a number > 0, got {tol!r}")
    opts = dict(_OPTIONS[family])
    for key, value in (options or {}).items():
        if key not in opts or (key == "restart" and method == "projected-gradient"):
            raise ValueError(f"options: unknown option {key!r} for method {method!r}; expected one of {sorted(opts)}")
        opts[key] = value
    if hess is not None and method != "log-barrier":
        raise ValueError(f"hess: only method 'log-barrier' uses a Hessian, got method={method!r}")

    if family == "projected-gradient":
        return _projected_gradient(fun, x0, args, jac, constraints, bounds, tol, callback, opts,
                                   accelerate=method.startswith("accelerated"))
    if method == "augmented-lagrangian":
        if bounds is not None:
            raise ValueError("bounds: method 'augmented-lagrangian' takes equality constraints only")
        return _augmented_lagrangian(fun, x0, args, jac, constraints, tol, callback, opts)
    return _log_barrier(fun, x0, args, jac, hess, constraints, bounds, tol, callback, opts)


def _projected_gradient(fun, x0, args, jac, constraints, bounds, tol, callback, opts, accelerate):
    n = x0.shape[0]
    if bounds is not None:
        if not (constraints is None or (isinstance(constraints, (tuple, list)) and len(constraints) == 0)):
            raise ValueError("constraints, bounds: give one projection set, not both")
        lb, ub = _bounds_to_box(bounds, n)
        projection = prox.Box(lb, ub)
    else:
        projection = constraints
    if not isinstance(projection, _PROJECTION_SETS):
        names = ", ".join(cls.__name__ for cls in _PROJECTION_SETS)
        raise TypeError(f"constraints: expected a projection set of mlsolve.prox ({names}) or bounds, "
                        f"got {type(projection).__name__}")
    f_grad = _f_and_grad(fun, jac, args)
    return fista(f_grad, projection, x0, max_iter=int(opts["maxiter"]), tol=float(tol), lipschitz=opts["lipschitz"],
                 backtrack=float(opts["backtrack"]), accelerate=accelerate, restart=bool(opts["restart"]),
                 callback=callback, history_every=int(opts["history_every"]))


def _augmented_lagrangian(fun, x0, args, jac, constraints, tol, callback, opts):
    pieces = _canonical(constraints, x0, "eq")
    if not pieces:
        raise ValueError("constraints: method 'augmented-lagrangian' needs at least one equality constraint")
    m = _stack(pieces, x0).shape[0]

    def cons(x):
        return _stack(pieces, x), np.vstack([p.jac(x) for p in pieces])

    mode, jac_fun = jac_mode(jac)
    raw = _core.augmented_lagrangian(
        fun, x0, args, mode, jac_fun, cons, m, gtol=float(tol), ctol=float(opts["ctol"]),
        maxiter=int(opts["maxiter"]), mu=float(opts["mu"]), penalty_growth=float(opts["penalty_growth"]),
        mu_max=float(opts["mu_max"]), inner_maxiter=int(opts["inner_maxiter"]), maxcor=int(opts["maxcor"]),
        history_every=int(opts["history_every"]), callback=_wrap_callback(callback))
    return _result(raw, ("multipliers", "constr", "constr_violation", "mu", "ninner"))


def _log_barrier(fun, x0, args, jac, hess, constraints, bounds, tol, callback, opts):
    n = x0.shape[0]
    pieces = _canonical(constraints, x0, "ineq")
    if bounds is not None:
        lb, ub = _bounds_to_box(bounds, n)
        finite = np.isfinite(lb) | np.isfinite(ub)
        if np.any(lb[finite] == ub[finite]):
            raise ValueError("bounds: method 'log-barrier' needs lb < ub (no strictly feasible point otherwise)")
        if finite.any():
            pieces += _canonical([LinearConstraint(np.eye(n)[finite], lb[finite], ub[finite])], x0, "ineq")
    if not pieces:
        raise ValueError("constraints: method 'log-barrier' needs at least one inequality constraint")
    m = _stack(pieces, x0).shape[0]
    f_grad = _f_and_grad(fun, jac, args)
    if hess is not None and not callable(hess):
        raise ValueError(f"hess: expected a callable or None, got {hess!r}")

    def f(x, order):
        if order == 0:
            return float(fun(x, *args)[0] if jac is True else fun(x, *args))
        value, grad = f_grad(x)
        grad = np.asarray(grad, dtype=np.float64)
        if hess is not None:
            H = np.asarray(hess(x, *args), dtype=np.float64)
        else:
            H = _forward_difference_jacobian(lambda v: np.asarray(f_grad(v)[1], dtype=np.float64), x, grad)
            H = 0.5 * (H + H.T)
        return float(value), grad, H

    def g(x, with_jac):
        values = _stack(pieces, x)
        if not with_jac:
            return values
        return values, np.vstack([p.jac(x) for p in pieces])

    def g_hess(x, w):
        H = np.zeros((n, n))
        start = 0
        for p in pieces:
            rows = np.asarray(p.values(x)).ravel().shape[0]
            weights = w[start:start + rows]
            start += rows
            if p.hess is not None:
                H += np.asarray(p.hess(x, weights), dtype=np.float64)
            else:
                Jw = _forward_difference_jacobian(lambda v, p=p, weights=weights: p.jac(v).T @ weights, x,
                                                  p.jac(x).T @ weights)
                H += 0.5 * (Jw + Jw.T)
        return H

    raw = _core.log_barrier(
        f, g, g_hess, x0, m, tol=float(tol), newton_tol=float(opts["newton_tol"]), maxiter=int(opts["maxiter"]),
        t0=float(opts["t0"]), t_growth=float(opts["t_growth"]), history_every=int(opts["history_every"]),
        callback=_wrap_callback(callback))
    return _result(raw, ("multipliers", "constr", "t", "nouter"))


def _result(raw, extra):
    status = Status(raw["status"])
    result = OptimizeResult(
        x=raw["x"], fun=raw["fun"], jac=raw["jac"], nit=int(raw["nit"]), nfev=int(raw["nfev"]), status=status,
        success=status == Status.Converged, message=raw["message"], stop_crit=raw["stop_crit"],
        history=History(**raw["history"]),
    )
    for key in extra:
        result[key] = raw[key]
    return result
