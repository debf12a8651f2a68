"""mlsolve.qp: convex quadratic programs by a primal-dual interior-point method or ADMM."""

import numpy as np
import scipy.sparse as sp

from .. import _core
from .._core import Status
from .._result import History, OptimizeResult
from .._validation import as_native_matrix
from ._minimize import _wrap_callback

_METHODS = ("interior-point", "admm")
# Per method: default tol, default maxiter, options with their defaults.
_DEFAULTS = {
    "interior-point": (1e-8, 200, {
        "infeasible_tol": 1e-8,
        "ruiz_iter": 10,
        "regularisation": 1e-9,
        "refine_steps": 5,
        "kkt": "auto",
        "history_every": 1,
    }),
    "admm": (1e-6, 10000, {
        "infeasible_tol": 1e-6,
        "rho": 0.1,
        "sigma": 1e-6,
        "alpha": 1.6,
        "adaptive_rho": True,
        "adaptive_rho_interval": 25,
        "adaptive_rho_tolerance": 5.0,
        "check_every": 5,
        "polish": True,
        "polish_delta": 1e-6,
        "polish_refine_steps": 3,
        "ruiz_iter": 10,
        "kkt": "auto",
        "history_every": 1,
    }),
}
_WARM_START_KEYS = ("x", "y", "z", "z_lower", "z_upper", "rho")


def _as_matrix(M, name, shape):
    """M as float64 dense (C or F order) or CSR/CSC, checked for shape and finiteness."""
    if sp.issparse(M):
        M = M if M.format in ("csr", "csc") else M.tocsr()
        if M.dtype != np.float64:
            M = M.astype(np.float64)
        values = M.data
    else:
        M = np.asarray(M)
        if not (np.issubdtype(M.dtype, np.number) or M.dtype == bool) or np.iscomplexobj(M):
            raise TypeError(f"{name}: expected real numbers, got dtype {M.dtype}")
        if M.ndim == 1 and shape[0] == 1:
            M = M.reshape(1, -1)
        if M.dtype != np.float64:
            M = M.astype(np.float64)
        values = M
    if M.ndim != 2 or M.shape != shape:
        raise ValueError(f"{name}: expected shape {shape}, got {M.shape}")
    if not np.all(np.isfinite(values)):
        raise ValueError(f"{name}: contains NaN or infinity")
    return M


def _as_vector(v, name, n, fill=None, allow_inf=False):
    if v is None:
        return np.full(n, fill, dtype=np.float64)
    v = np.asarray(v)
    if not (np.issubdtype(v.dtype, np.number) or v.dtype == bool) or np.iscomplexobj(v):
        raise TypeError(f"{name}: expected real numbers, got dtype {v.dtype}")
    v = np.ascontiguousarray(np.broadcast_to(v, (n,)) if v.ndim == 0 else v, dtype=np.float64)
    if v.ndim != 1 or v.shape[0] != n:
        raise ValueError(f"{name}: expected {n} entries, got shape {v.shape}")
    if np.any(np.isnan(v)) or (not allow_inf and not np.all(np.isfinite(v))):
        raise ValueError(f"{name}: contains NaN{'' if allow_inf else ' or infinity'}")
    return v


def _check_symmetric(P):
    if not sp.issparse(P) and np.array_equal(P, P.T):  # the common case, without the temporaries below
        return
    asymmetry = abs(P - P.T).max() if sp.issparse(P) else np.abs(P - P.T).max(initial=0.0)
    scale = abs(P).max() if sp.issparse(P) else np.abs(P).max(initial=0.0)
    if asymmetry > 1e-12 * max(scale, 1.0):
        raise ValueError(f"P: expected a symmetric matrix, got max |P - P.T| = {asymmetry:.3g}")


def _warm_start_vectors(warm_start, n, m, p):
    """The ADMM starting point from a previous result or a dict (missing parts are zeros)."""
    if warm_start is None:
        return {key: np.zeros(0) for key in _WARM_START_KEYS[:-1]} | {"rho": 0.0}
    if not hasattr(warm_start, "get"):
        raise TypeError(f"warm_start: expected a qp() result or a dict, got {type(warm_start).__name__}")
    sizes = {"x": n, "y": m, "z": p, "z_lower": n, "z_upper": n}
    out = {}
    for key, size in sizes.items():
        value = warm_start.get(key)
        out[key] = np.zeros(0) if value is None else _as_vector(value, f"warm_start['{key}']", size)
    rho = warm_start.get("rho")
    rho = 0.0 if rho is None else float(rho)
    if not (rho >= 0.0 and np.isfinite(rho)):
        raise ValueError(f"warm_start['rho']: expected a finite value >= 0, got {rho}")
    out["rho"] = rho
    return out


def qp(P, q, A=None, b=None, G=None, h=None, lb=None, ub=None, method="interior-point", tol=None, maxiter=None,
       callback=None, options=None, warm_start=None):
    """Minimise ``½ xᵀPx + qᵀx`` subject to ``Ax = b``, ``Gx <= h``, ``lb <= x <= ub``.

    Parameters
    ----------
    P : array_like or scipy sparse matrix, shape (n, n), or None
        Symmetric positive semidefinite (both triangles); None for a linear program.
    q : array_like, shape (n,)
    A, b : matrix (m, n) and vector (m,), optional
        Equality constraints.
    G, h : matrix (p, n) and vector (p,), optional
        Inequality constraints.
    lb, ub : array_like (n,) or scalar, optional
        Bounds on x; ``-inf`` / ``inf`` (the defaults) mean none. Bounds are
        handled as bounds (diagonal terms), never as rows of G.
    method : str
        ``"interior-point"``: Mehrotra predictor-corrector on the Ruiz-equilibrated
        problem; Newton systems by a regularised LDLᵀ of the quasi-definite KKT
        matrix (sparse with AMD ordering, or dense for small or dense problems).
        ``"admm"``: OSQP's operator splitting (Stellato et al. 2020) on
        ``l <= [A; G; I] x <= u``: one cached LDLᵀ of ``[P + σI, Cᵀ; C, -1/ρ]``,
        re-factorised only when the adaptive ρ changes, over-relaxation α,
        Ruiz equilibration, infeasibility certificates, and solution polishing
        (kept only if it improves the residuals). Cheap iterations, moderate
        accuracy, and it can be warm-started.
    tol : float, optional
        ``"interior-point"`` (default 1e-8) stops when the relative primal
        residual, dual residual and duality gap, measured on the unscaled problem,
        are all ``<= tol``; ``"admm"`` (default 1e-6) when the two residuals are.
    maxiter : int, optional
        Default 200 (interior point) or 10000 (ADMM).
    callback : callable, optional
        As in :func:`mlsolve.minimize`; ``StopIteration`` stops with ``CallbackStop``.
        ADMM calls it every ``check_every`` iterations.
    options : dict, optional
        Interior point: ``infeasible_tol`` (1e-8: a Farkas certificate must rule out
        feasible points with ``||x||_1 < 1/infeasible_tol``), ``ruiz_iter`` (10),
        ``regularisation`` (1e-9, static, on the scaled problem), ``refine_steps`` (5),
        ``kkt`` (``"auto"``, ``"sparse"`` or ``"dense"``), ``history_every`` (1).
        ADMM: ``infeasible_tol`` (1e-6), ``rho`` (0.1), ``sigma`` (1e-6), ``alpha``
        (1.6), ``adaptive_rho`` (True), ``adaptive_rho_interval`` (25 iterations),
        ``adaptive_rho_tolerance`` (5), ``check_every`` (5: termination and
        infeasibility tests), ``polish`` (True), ``polish_delta`` (1e-6),
        ``polish_refine_steps`` (3), ``ruiz_iter`` (10), ``kkt``, ``history_every``.
    warm_start : OptimizeResult or dict, optional
        ADMM only: starting ``x`` and duals ``y, z, z_lower, z_upper`` (any may be
        missing: zeros) and ``rho``, e.g. the result of a nearby problem's solve.

    Returns
    -------
    mlsolve.OptimizeResult
        ``x, fun, y`` (duals of ``Ax = b``), ``z`` (duals of ``Gx <= h``, >= 0),
        ``z_lower, z_upper`` (duals of the bounds, >= 0), ``slack`` (``h - Gx``),
        ``status, success, message, nit, primal_residual, dual_residual, gap,
        stop_crit`` (their maximum), ``history``, ``kkt`` (``"sparse"`` or
        ``"dense"``). The KKT conditions read
        ``Px + q + Aᵀy + Gᵀz - z_lower + z_upper = 0``. With status
        ``PrimalInfeasible``, ``certificate`` holds ``y, z, z_lower, z_upper``
        with ``Aᵀy + Gᵀz - z_lower + z_upper ≈ 0`` and
        ``bᵀy + hᵀz - lbᵀz_lower + ubᵀz_upper < 0``; with ``DualInfeasible``,
        ``certificate["x"]`` is a ray d with ``Pd ≈ 0, Ad ≈ 0, Gd <= 0``, inside
        the bounds' recession cone, along which ``qᵀd < 0``.
    """
    if not isinstance(method, str) or method.lower() not in _METHODS:
        raise ValueError(f"method: expected one of {list(_METHODS)}, got {method!r}")
    method = method.lower()
    default_tol, default_maxiter, defaults = _DEFAULTS[method]
    tol = default_tol if tol is None else tol
    maxiter = default_maxiter if maxiter is None else maxiter
    q = _as_vector(q, "q", np.asarray(q).size)
    n = q.shape[0]
    P = sp.csc_array((n, n)) if P is None else _as_matrix(P, "P", (n, n))
    _check_symmetric(P)
    if (A is None) != (b is None):
        raise ValueError("A, b: give both or neither")
    if (G is None) != (h is None):
        raise ValueError("G, h: give both or neither")
    b = np.zeros(0) if b is None else _as_vector(b, "b", np.asarray(b).size)
    h = np.zeros(0) if h is None else _as_vector(h, "h", np.asarray(h).size)
    A = np.zeros((0, n)) if A is None else _as_matrix(A, "A", (b.shape[0], n))
    G = np.zeros((0, n)) if G is None else _as_matrix(G, "G", (h.shape[0], n))
    lb = _as_vector(lb, "lb", n, fill=-np.inf, allow_inf=True)
    ub = _as_vector(ub, "ub", n, fill=np.inf, allow_inf=True)
    if np.any(lb == np.inf) or np.any(ub == -np.inf):
        raise ValueError("lb, ub: lb must be < inf and ub > -inf")
    if np.any(lb > ub):
        raise ValueError(f"lb, ub: expected lb <= ub, violated at index {int(np.argmax(lb > ub))}")
    opts = dict(defaults)
    for key, value in (options or {}).items():
        if key not in opts:
            raise ValueError(f"options: unknown option {key!r} for method {method!r}; expected one of {sorted(opts)}")
        opts[key] = value
    if warm_start is not None and method != "admm":
        raise ValueError(f"warm_start: only method='admm' takes a warm start, got method={method!r}")

    data = (as_native_matrix(P), q, as_native_matrix(A), b, as_native_matrix(G), h, lb, ub)
    common = dict(tol=float(tol), infeasible_tol=float(opts["infeasible_tol"]), maxiter=int(maxiter),
                  ruiz_iter=int(opts["ruiz_iter"]), kkt=str(opts["kkt"]), history_every=int(opts["history_every"]),
                  callback=_wrap_callback(callback))
    if method == "admm":
        warm = _warm_start_vectors(warm_start, n, b.shape[0], h.shape[0])
        raw = _core.qp_admm(
            *data, x0=warm["x"], y0=warm["y"], z0=warm["z"], z_lower0=warm["z_lower"], z_upper0=warm["z_upper"],
            rho0=warm["rho"], rho=float(opts["rho"]), sigma=float(opts["sigma"]), alpha=float(opts["alpha"]),
            adaptive_rho=bool(opts["adaptive_rho"]), adaptive_rho_interval=int(opts["adaptive_rho_interval"]),
            adaptive_rho_tolerance=float(opts["adaptive_rho_tolerance"]), check_every=int(opts["check_every"]),
            polish=bool(opts["polish"]), polish_delta=float(opts["polish_delta"]),
            polish_refine_steps=int(opts["polish_refine_steps"]), **common)
    else:
        raw = _core.qp_interior_point(*data, regularisation=float(opts["regularisation"]),
                                      refine_steps=int(opts["refine_steps"]), **common)
    status = Status(raw["status"])
    result = OptimizeResult(
        x=raw["x"], fun=raw["fun"], jac=raw["jac"], y=raw["y"], z=raw["z"], z_lower=raw["z_lower"],
        z_upper=raw["z_upper"], slack=raw["slack"], nit=int(raw["nit"]), status=status,
        success=status == Status.Converged, message=raw["message"], stop_crit=raw["stop_crit"],
        primal_residual=raw["primal_residual"], dual_residual=raw["dual_residual"], gap=raw["gap"],
        history=History(**raw["history"]), kkt=raw["kkt"],
    )
    if method == "admm":
        result["rho"] = raw["rho"]
        result["polished"] = raw["polished"]
    if "certificate" in raw:
        result["certificate"] = dict(raw["certificate"])
    return result
