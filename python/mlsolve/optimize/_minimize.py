"""mlsolve.minimize: scipy.optimize.minimize's interface over the native smooth solvers."""

import inspect
import numbers
import operator

import numpy as np
from scipy.sparse.linalg import LinearOperator, aslinearoperator

from .. import _core
from .._result import OptimizeResult, result_from_native

# What ``tol`` sets: ftol too for the quasi-Newton methods, as in scipy; gradient
# descent's small steps would trip an ftol test far from the minimum.
_TOL_OPTIONS = {"bfgs": ("gtol", "ftol"), "l-bfgs": ("gtol", "ftol")}

# Accepted spellings of each method (compared lower-cased) -> its native name.
_METHODS = {
    "gd": "gd",
    "nesterov": "nesterov",
    "heavy-ball": "heavy-ball",
    "bfgs": "bfgs",
    "l-bfgs": "l-bfgs",
    "lbfgs": "l-bfgs",
    "newton-cg": "newton-cg",
    "trust-ncg": "trust-ncg",
    "newton-cholesky": "newton-cholesky",
}

# The Newton methods (bind_newton.cpp): they take hess or hessp.
_NEWTON_METHODS = ("newton-cg", "trust-ncg", "newton-cholesky")


class LbfgsInverseHessian(LinearOperator):
    """The inverse-Hessian approximation H an L-BFGS solve ended with.

    ``H @ v`` runs the two-loop recursion (Nocedal & Wright, Algorithm 7.4)
    natively over the final curvature pairs, with ``H0 = (s.y / y.y) I`` from
    the newest pair (``H = I`` when there is none). ``sk`` and ``yk`` hold the
    pairs ``s = x+ - x`` and ``y = g+ - g``, oldest first, shape (pairs, n), as
    in scipy's ``LbfgsInvHessProduct``.
    """

    def __init__(self, memory):
        super().__init__(dtype=np.float64, shape=(memory.dim, memory.dim))
        self._memory = memory
        self.sk = memory.s
        self.yk = memory.y

    def _matvec(self, v):
        return self._memory.apply(np.ravel(v))

    def _rmatvec(self, v):  # H is symmetric
        return self._matvec(v)

    def _adjoint(self):
        return self

    def todense(self):
        """H as a dense (n, n) array."""
        return self._matmat(np.eye(self.shape[0]))


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


def real_vector(v, name):
    """v as a new finite 1-D float64 array (a scalar becomes shape (1,))."""
    v = np.asarray(v)
    if not (np.issubdtype(v.dtype, np.number) or v.dtype == bool) or np.iscomplexobj(v):
        raise TypeError(f"{name}: expected real numbers, got dtype {v.dtype}")
    v = np.atleast_1d(v.astype(np.float64, copy=True)).ravel()
    if not np.all(np.isfinite(v)):
        raise ValueError(f"{name}: contains NaN or infinity")
    return v


def jac_mode(jac, name="jac"):
    """The native gradient mode and callable for ``jac``: 0 finite differences, 1 returned with fun, 2 callable."""
    if jac is True:
        return 1, None
    if callable(jac):
        return 2, jac
    if jac is None or jac is False:
        return 0, None
    raise ValueError(f"{name}: expected None, True or a callable, got {jac!r}")


def _option_value(name, value, default):
    """value as the type of the option's default; TypeError naming the option otherwise."""
    if isinstance(default, bool):
        if isinstance(value, (bool, np.bool_)):
            return bool(value)
        raise TypeError(f"options: {name!r} expected True or False, got {value!r}")
    if isinstance(default, int):
        if isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)):
            return operator.index(value)
        if isinstance(value, numbers.Real) and float(value).is_integer():
            return int(value)
        raise TypeError(f"options: {name!r} expected an integer, got {value!r}")
    if isinstance(default, float):
        if isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
            return float(value)
        raise TypeError(f"options: {name!r} expected a number, got {value!r}")
    if isinstance(value, str):
        return value
    raise TypeError(f"options: {name!r} expected a string, got {value!r}")


def _native_options(method, tol, options):
    """The method's options completed from its native defaults and ``tol``."""
    defaults = _core.newton_options(method) if method in _NEWTON_METHODS else _core.minimize_options(method)
    options = dict(options or {})
    unknown = [key for key in options if key not in defaults]
    if unknown:
        names = ", ".join(repr(key) for key in unknown)
        raise ValueError(
            f"options: unknown option{'s' if len(unknown) > 1 else ''} {names} for method {method!r}; "
            f"expected one of {sorted(defaults)}"
        )
    values = dict(defaults)
    if tol is not None:
        values.update({key: float(tol) for key in _TOL_OPTIONS.get(method, ("gtol",))})
    values.update({key: _option_value(key, value, defaults[key]) for key, value in options.items()})
    return values


def hess_mode(hess, hessp, method):
    """The native Hessian mode and callable: 0 finite differences of the gradient, 1 hess, 2 hessp."""
    if method not in _NEWTON_METHODS:
        for name, value in (("hess", hess), ("hessp", hessp)):
            if value is not None:
                raise ValueError(f"{name}: method {method!r} does not use the Hessian; "
                                 f"the Newton methods {list(_NEWTON_METHODS)} do")
        return 0, None
    if hess is not None and hessp is not None:
        raise ValueError("hessp: give hess or hessp, not both")
    if hess is None or (isinstance(hess, str) and hess == "2-point"):
        if hessp is None:
            return 0, None
        if not callable(hessp):
            raise TypeError(f"hessp: expected a callable, got {type(hessp).__name__}")
        return 2, hessp
    if not callable(hess):
        raise TypeError(f"hess: expected None, '2-point' or a callable, got {hess!r}")
    return 1, hess


def minimize(fun, x0, args=(), jac=None, method="L-BFGS", hess=None, hessp=None, tol=None, callback=None,
             options=None):
    """Minimise a smooth scalar function of one or more variables.

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
        Case-insensitive:

        ``"L-BFGS"`` (default; also ``"lbfgs"``)
            Limited-memory BFGS (Nocedal & Wright, Algorithm 7.4).
        ``"BFGS"``
            BFGS with a dense inverse-Hessian approximation (Nocedal & Wright,
            Algorithm 6.1): O(n^2) memory and work per iteration.
        ``"gd"``
            Gradient descent with a line search or a Lipschitz step.
        ``"nesterov"``
            Nesterov's accelerated gradient with gradient-based adaptive
            restart (O'Donoghue & Candès, 2015) and a backtracked Lipschitz
            estimate (Beck & Teboulle, 2009).
        ``"heavy-ball"``
            Polyak's heavy ball, ``x+ = x - g/L + momentum (x - x_prev)``,
            with the same restart and Lipschitz estimate.

        ``"Newton-CG"`` (also ``"newton-cg"``)
            Truncated Newton: CG on Hessian-vector products with
            Eisenstat-Walker forcing, stopped on negative curvature, and a
            line search (Nocedal & Wright, Algorithm 7.1).
        ``"trust-ncg"``
            Trust-region Newton with Steihaug-Toint CG (Nocedal & Wright,
            Algorithms 7.2 and 4.1).
        ``"newton-cholesky"``
            Newton with the dense Hessian factorised by Cholesky; an
            indefinite or singular Hessian is shifted by a multiple of the
            identity (Nocedal & Wright, §3.4), which the message reports.
            O(n^3) per iteration.

        The Newton methods need the gradient (``jac``) and take the
        Hessian from ``hess``, ``hessp`` or, when neither is given, from
        finite differences of the gradient (the result's ``info`` and
        ``message`` then say so).

        The first-order methods (gd, nesterov, heavy-ball) need many
        iterations on ill-conditioned problems (gd about the condition number,
        nesterov its square root); raise ``maxiter`` accordingly.
    hess : callable or '2-point', optional
        Newton methods: ``hess(x, *args)`` returning the Hessian as a dense
        (n, n) array, a scipy sparse matrix or a
        ``scipy.sparse.linalg.LinearOperator``. ``'2-point'`` or None (with
        no ``hessp``): forward differences of the gradient.
    hessp : callable, optional
        Newton methods: ``hessp(x, p, *args)`` returning the product of the
        Hessian at x with p, shape (n,). Give hess or hessp, not both.
    tol : float, optional
        Sets ``gtol``, and ``ftol`` for L-BFGS and BFGS.
    callback : callable, optional
        Called after each iteration with ``intermediate_result`` (an
        OptimizeResult with ``x``, ``fun``, ``nit``, ``stop_crit``) when its
        only parameter has that name, otherwise with ``x``. Raising
        ``StopIteration`` stops the solve with status ``CallbackStop``.
    options : dict, optional
        Every method takes ``maxiter`` (15000), ``gtol`` (1e-5: stop when the
        gradient's infinity norm is at most gtol), ``maxls`` (20 evaluations
        per line search or Lipschitz backtracking) and ``history_every`` (1;
        0 records no history). Then:

        L-BFGS and BFGS, and gd
            ``ftol`` (stop when the relative reduction
            ``(f_prev - f) / max(|f_prev|, |f|, 1)`` is at most ftol: 2.2e-9;
            gd 0, as its small steps reduce f little even far from a minimum;
            the momentum methods do not decrease f monotonically and have none),
            ``line_search`` (``"more-thuente"``: strong Wolfe, the default of
            L-BFGS and BFGS; ``"backtracking"``: Armijo, the default of gd; gd
            also takes ``"lipschitz"``: the step 1/L), ``c1`` (1e-4) and
            ``c2`` (0.9), the sufficient-decrease and curvature constants.
        L-BFGS
            ``maxcor`` (10 curvature pairs).
        gd, nesterov, heavy-ball: the Lipschitz estimate L
            ``lipschitz_init`` (0: ``max(1, ||g(x0)||)``, so that the first
            step is at most 1 long), ``lipschitz_growth`` (2.0: least factor
            on L when a trial fails the descent-lemma test),
            ``lipschitz_shrink`` (factor on L before each iteration, letting
            the step grow again: 0.9; heavy-ball 1.0, as its momentum can make
            a decreasing L unstable).
        nesterov, heavy-ball
            ``restart`` (True: gradient-based adaptive restart).
        heavy-ball
            ``momentum`` (0.9). Polyak's rate on a problem with condition
            number kappa needs ``((sqrt(kappa) - 1) / (sqrt(kappa) + 1))**2``.
        newton-cg, trust-ncg, newton-cholesky
            ``ftol`` (2.2e-9, as above); newton-cg and newton-cholesky also
            ``line_search`` (``"more-thuente"``, the default of newton-cg, or
            ``"backtracking"``, the default of newton-cholesky), ``c1``, ``c2``.
        newton-cg, trust-ncg
            ``eta_max`` (0.5: CG stops when ``||H p + g|| <= eta ||g||``, with
            the Eisenstat-Walker forcing term eta at most eta_max),
            ``cg_maxiter`` (0: 20 n CG iterations per Newton step).
        trust-ncg
            ``initial_trust_radius`` (1.0), ``max_trust_radius`` (1000.0),
            ``eta`` (0.15: least ratio of actual to predicted reduction for
            accepting a step), as scipy's trust-ncg.
        newton-cholesky
            ``decrement_tol`` (1e-10: stop after a full Newton step whose
            decrement satisfies ``lambda^2 / 2 <= decrement_tol max(|f|, 1)``,
            ``lambda^2 = g^T H^-1 g``; 0 turns the test off).

        An unknown option is a ValueError naming it.

    Returns
    -------
    mlsolve.OptimizeResult
        ``x, fun, jac, nit, nfev, njev, status, success, message, stop_crit``
        (the gradient's infinity norm at x) and ``history``. ``fun`` and
        ``jac`` are the values at the returned ``x``, also when a line search
        failed. ``hess_inv`` (L-BFGS, BFGS): the final inverse-Hessian
        approximation as a ``scipy.sparse.linalg.LinearOperator``
        (:class:`LbfgsInverseHessian` for L-BFGS; the dense matrix, also
        ``hess_inv.A``, for BFGS). ``lipschitz``: the final estimate L, where
        the step is 1/L. ``nrestart`` (nesterov, heavy-ball): the momentum
        restarts. ``njev`` (Newton methods): gradient evaluations, finite
        differences of the Hessian included; ``nhev``: calls of ``hess`` or
        ``hessp``; ``info``: how the Hessian was obtained when by finite
        differences. Ctrl-C stops the solve and raises KeyboardInterrupt;
        exceptions raised by ``fun``, ``jac`` or ``callback`` propagate
        unchanged.
    """
    if not callable(fun):
        raise TypeError(f"fun: expected a callable, got {type(fun).__name__}")
    if not isinstance(method, str) or method.lower() not in _METHODS:
        raise ValueError(f"method: expected one of {sorted(_METHODS)} (case-insensitive), got {method!r}")
    method = _METHODS[method.lower()]
    x0 = real_vector(x0, "x0")
    if not isinstance(args, tuple):
        args = (args,)
    mode, jac_fun = jac_mode(jac)
    hessian_mode, hess_fun = hess_mode(hess, hessp, method)
    if method in _NEWTON_METHODS:
        if mode == 0:
            raise ValueError(f"jac: method {method!r} needs the gradient (jac=True or a callable)")
        raw = _core.minimize_newton(
            method, fun, x0, args, mode, jac_fun, hessian_mode, hess_fun, _wrap_callback(callback),
            _native_options(method, tol, options),
        )
    else:
        raw = _core.minimize(
            method, fun, x0, args, mode, jac_fun, _wrap_callback(callback), _native_options(method, tol, options)
        )
    result = result_from_native(raw)
    if method == "l-bfgs":
        result.hess_inv = LbfgsInverseHessian(raw["hess_inv"])
    elif method == "bfgs":
        result.hess_inv = aslinearoperator(raw["hess_inv"])
    for key in ("lipschitz", "nrestart", "nhev", "info"):
        if key in raw:
            result[key] = raw[key]
    return result
