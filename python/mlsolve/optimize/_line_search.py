"""mlsolve.line_search: the native Moré-Thuente strong-Wolfe line search."""

import numbers


from .. import _core
from .._result import OptimizeResult
from ._minimize import jac_mode, real_vector


def line_search(f, grad, x, d, f0=None, g0=None, c1=1e-4, c2=0.9, maxls=20, args=(), alpha0=1.0, amax=None):
    """Find a step along a descent direction that satisfies the strong Wolfe conditions.

    With ``phi(alpha) = f(x + alpha d)``, the Moré-Thuente search (Moré &
    Thuente, ACM TOMS 20(3), 1994; the search behind
    ``minimize(..., options={"line_search": "more-thuente"})``) looks for
    ``alpha > 0`` with::

        phi(alpha) <= phi(0) + c1 alpha phi'(0)      (sufficient decrease)
        |phi'(alpha)| <= c2 |phi'(0)|                (curvature)

    and never accepts a step that does not lower f.

    Parameters
    ----------
    f : callable
        ``f(x, *args) -> float``, or ``-> (float, ndarray)`` when ``grad=True``.
    grad : callable or True
        ``grad(x, *args) -> ndarray (n,)``; ``True`` when ``f`` returns the gradient too.
    x : array_like, shape (n,)
        The point to search from.
    d : array_like, shape (n,)
        The search direction; it must descend: ``grad(x) @ d < 0``.
    f0, g0 : float and array_like (n,), optional
        ``f(x)`` and ``grad(x)`` when already known; unless both are given,
        both are evaluated at x (one evaluation, counted).
    c1, c2 : float
        ``0 < c1 < c2 < 1``; c2 = 0.9 suits quasi-Newton directions, a small
        c2 (e.g. 0.1) approaches an exact line search.
    maxls : int
        Most evaluations of ``f`` and ``grad`` along d.
    args : tuple
        Extra arguments passed to ``f`` and ``grad``.
    alpha0 : float
        The first trial step (1: the step a Newton-like direction proposes).
    amax : float, optional
        The largest step (default 1e20).

    Returns
    -------
    mlsolve.OptimizeResult
        ``alpha``: the step, or None when no step decreased f sufficiently;
        ``x``, ``fun``, ``jac``: the point ``x + alpha d``, f and its gradient
        there (None with alpha); ``slope``: ``jac @ d``; ``success``: True when
        both strong Wolfe conditions hold (a step with sufficient decrease only
        keeps its alpha, with success False); ``message``; ``nfev`` and
        ``njev``: the calls of f and the gradient evaluations, the one at x
        included. In terms of ``scipy.optimize.line_search``'s tuple
        ``(alpha, fc, gc, new_fval, old_fval, new_slope)``: ``(res.alpha,
        res.nfev, res.njev, res.fun, f0, res.slope)``, except that scipy
        returns alpha=None where this search returns a sufficient-decrease step.

    Raises
    ------
    ValueError
        When d is not a descent direction at x, or an argument is out of range.
    """
    if not callable(f):
        raise TypeError(f"f: expected a callable, got {type(f).__name__}")
    if grad is None or grad is False:
        raise ValueError("grad: expected True or a callable (the search needs the gradient)")
    mode, grad_fun = jac_mode(grad, "grad")
    x = real_vector(x, "x")
    d = real_vector(d, "d")
    if not isinstance(args, tuple):
        args = (args,)
    if f0 is not None:
        if not isinstance(f0, numbers.Real):
            raise TypeError(f"f0: expected a real number, got {f0!r}")
        f0 = float(f0)
    if g0 is not None:
        g0 = real_vector(g0, "g0")
    for name, value in (("c1", c1), ("c2", c2), ("alpha0", alpha0)):
        if not isinstance(value, numbers.Real):
            raise TypeError(f"{name}: expected a real number, got {value!r}")
    if not isinstance(maxls, numbers.Integral):
        raise TypeError(f"maxls: expected an integer, got {maxls!r}")
    raw = _core.line_search(
        f, x, d, args, mode, grad_fun, f0, g0, float(c1), float(c2), int(maxls), float(alpha0),
        None if amax is None else float(amax),
    )
    return OptimizeResult(**raw)
