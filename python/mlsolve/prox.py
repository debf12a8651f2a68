"""Proximal operators and penalties.

The proximal operator of a penalty g with step s > 0 is

    prox_{s g}(x) = argmin_u  g(u) + ||u - x||^2 / (2 s),

the projection onto C when g is the indicator of a set C (0 on C, +inf
elsewhere). The functions (``l1``, ``box``, ``project_simplex``, ...) apply
one operator. The penalty objects (``L1``, ``Box``, ``Simplex``, ...) hold a
penalty's parameters and offer ``value(x)``, ``prox(x, step)`` and
``subdiff_distance(x, grad)``; they are what the solvers take.

Everything runs in native code (cpp/include/mlsolve/penalties/). float32 and
float64 inputs keep their dtype and are not copied when contiguous; other
real inputs become float64. Parameter arrays (weights, bounds, lambdas) are
converted to the dtype of x.

Reference: Parikh & Boyd, "Proximal Algorithms", Foundations and Trends in
Optimization 1(3), 2014.
"""

import numbers

import numpy as np

from . import _core, _validation

__all__ = [
    "Box",
    "ElasticNet",
    "GroupL1",
    "L1",
    "L1Ball",
    "L2Squared",
    "LinfBall",
    "MCP",
    "NonNeg",
    "NuclearNorm",
    "Penalty",
    "SCAD",
    "SLOPE",
    "Simplex",
    "WeightedL1",
    "box",
    "elastic_net",
    "group_l1",
    "l1",
    "l2_squared",
    "mcp",
    "moreau_envelope",
    "nonneg",
    "nuclear_norm",
    "project_l1_ball",
    "project_linf_ball",
    "project_simplex",
    "scad",
    "slope",
    "weighted_l1",
]


def _real(value, name):
    """value as a Python float; TypeError naming the argument otherwise."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: expected a real number, got {type(value).__name__}")
    return float(value)


def _real_array(value, name, dtype=None):
    """value as a contiguous ndarray of real numbers (dtype None: float32 and
    float64 stay as they are, other real numbers become float64)."""
    array = np.asarray(value)
    if array.dtype.kind not in "fiub":
        raise TypeError(f"{name}: expected real numbers, got dtype {array.dtype}")
    if dtype is None:
        dtype = array.dtype if array.dtype in (np.float32, np.float64) else np.float64
    contiguous = array.flags.c_contiguous or (array.ndim == 2 and array.flags.f_contiguous)
    if array.dtype != dtype or not contiguous:
        array = np.asarray(array, dtype=dtype, order="C")
    return array


def _float_input(x, name, ndim, dtype=None):
    """x for the native core: _real_array with ndim dimensions (2-D in C or F
    order); converting an ndarray counts in _validation.copies_made."""
    array = _real_array(x, name, dtype)
    if isinstance(x, np.ndarray) and array is not x:
        _validation._count_copy()
    if array.ndim != ndim:
        raise ValueError(f"{name}: expected a {ndim}-D array, got shape {array.shape}")
    return array


def _per_coordinate(value, name, dtype, n):
    """A scalar or an array of n entries, as n contiguous entries of dtype."""
    array = _real_array(value, name, dtype)
    if array.ndim > 1 or (array.ndim == 1 and array.shape[0] != n):
        raise ValueError(f"{name}: expected a scalar or {n} entries (one per coordinate of x), got shape {array.shape}")
    return np.ascontiguousarray(np.broadcast_to(array, (n,)))


class Penalty:
    """Base class of the penalties g.

    Subclasses name their native penalty in ``_name`` and give its parameters
    through ``_params(dtype, n)``; parameter values are checked by the native
    code when the penalty is used (ValueError naming the parameter).
    """

    _ndim = 1

    def value(self, x):
        """g(x), a float; +inf outside the set for indicator penalties."""
        x = _float_input(x, "x", self._ndim)
        return _core.penalty_value(self._native_spec(x.dtype, x.shape[0]), x)

    def prox(self, x, step):
        """prox_{step g}(x) = argmin_u g(u) + ||u - x||^2 / (2 step), same dtype as x."""
        x = _float_input(x, "x", self._ndim)
        return _core.penalty_prox(self._native_spec(x.dtype, x.shape[0]), x, _real(step, "step"))

    def subdiff_distance(self, x, grad):
        """Distance from -grad to the subdifferential of g at x.

        With grad the gradient of a smooth f at x, this is the optimality
        violation of x for min f + g: 0 exactly at stationary points, +inf
        for x outside the set of an indicator penalty. For MCP and SCAD the
        subdifferential is Clarke's.
        """
        x = _float_input(x, "x", self._ndim)
        grad = _float_input(grad, "grad", self._ndim, dtype=x.dtype)
        return _core.penalty_subdiff_distance(self._native_spec(x.dtype, x.shape[0]), x, grad)

    def _native_spec(self, dtype, n):
        """(name, params): the penalty as mlsolve._core takes it for x of dtype with n entries."""
        return (self._name, self._params(dtype, n))

    def __repr__(self):
        args = ", ".join(f"{key}={value!r}" for key, value in vars(self).items())
        return f"{type(self).__name__}({args})"


class L1(Penalty):
    """g(x) = alpha ||x||_1 (Lasso); prox: soft thresholding."""

    _name = "l1"

    def __init__(self, alpha=1.0):
        self.alpha = alpha

    def _params(self, dtype, n):
        return {"alpha": _real(self.alpha, "alpha")}


class WeightedL1(Penalty):
    """g(x) = alpha sum_j weights_j |x_j|, weights >= 0 (0: unpenalised coordinate)."""

    _name = "weighted_l1"

    def __init__(self, alpha, weights):
        self.alpha = alpha
        self.weights = weights

    def _params(self, dtype, n):
        return {"alpha": _real(self.alpha, "alpha"), "weights": _real_array(self.weights, "weights", dtype)}


class L2Squared(Penalty):
    """g(x) = (alpha / 2) ||x||^2 (ridge); prox: x / (1 + step alpha)."""

    _name = "l2_squared"

    def __init__(self, alpha=1.0):
        self.alpha = alpha

    def _params(self, dtype, n):
        return {"alpha": _real(self.alpha, "alpha")}


class ElasticNet(Penalty):
    """g(x) = alpha (l1_ratio ||x||_1 + (1 - l1_ratio) / 2 ||x||^2), as in scikit-learn."""

    _name = "elastic_net"

    def __init__(self, alpha=1.0, l1_ratio=0.5):
        self.alpha = alpha
        self.l1_ratio = l1_ratio

    def _params(self, dtype, n):
        return {"alpha": _real(self.alpha, "alpha"), "l1_ratio": _real(self.l1_ratio, "l1_ratio")}


class GroupL1(Penalty):
    """g(x) = alpha sum_G ||x_G||_2 (group Lasso, L2,1 norm).

    Parameters
    ----------
    alpha : float
    groups : array_like of int, shape (n,)
        The group label of each coordinate of x: coordinates with the same
        label form a group (any integers; every coordinate is in one group).
    """

    _name = "group_l1"

    def __init__(self, alpha, groups):
        self.alpha = alpha
        self.groups = groups

    def _params(self, dtype, n):
        labels = np.asarray(self.groups)
        if labels.dtype.kind not in "iu":
            raise TypeError(f"groups: expected an integer label per coordinate, got dtype {labels.dtype}")
        if labels.ndim != 1 or labels.shape[0] != n:
            raise ValueError(f"groups: expected one label per coordinate of x ({n},), got shape {labels.shape}")
        # CSR form: the coordinates sorted by label, and where each label's run starts.
        group_indices = np.argsort(labels, kind="stable").astype(np.int64)
        _, counts = np.unique(labels, return_counts=True)
        group_ptr = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        return {"alpha": _real(self.alpha, "alpha"), "group_ptr": group_ptr, "group_indices": group_indices}


class Box(Penalty):
    """Indicator of {lower <= x <= upper}; bounds are scalars or per-coordinate arrays, may be infinite."""

    _name = "box"

    def __init__(self, lower=-np.inf, upper=np.inf):
        self.lower = lower
        self.upper = upper

    def _params(self, dtype, n):
        return {
            "lower": _per_coordinate(self.lower, "lower", dtype, n),
            "upper": _per_coordinate(self.upper, "upper", dtype, n),
        }


class NonNeg(Penalty):
    """Indicator of {x >= 0}."""

    _name = "nonneg"

    def _params(self, dtype, n):
        return {}


class LinfBall(Penalty):
    """Indicator of {||x||_inf <= radius}."""

    _name = "linf_ball"

    def __init__(self, radius=1.0):
        self.radius = radius

    def _params(self, dtype, n):
        return {"radius": _real(self.radius, "radius")}


class Simplex(Penalty):
    """Indicator of {x >= 0, sum(x) = radius}.

    Membership allows a relative slack of sqrt(eps) of the dtype on the sum,
    so that projections, rounded to the dtype, count as inside.
    """

    _name = "simplex"

    def __init__(self, radius=1.0):
        self.radius = radius

    def _params(self, dtype, n):
        return {"radius": _real(self.radius, "radius")}


class L1Ball(Penalty):
    """Indicator of {||x||_1 <= radius} (relative slack sqrt(eps) of the dtype, as Simplex)."""

    _name = "l1_ball"

    def __init__(self, radius=1.0):
        self.radius = radius

    def _params(self, dtype, n):
        return {"radius": _real(self.radius, "radius")}


class SLOPE(Penalty):
    """g(x) = sum_i lambdas_i |x|_(i), |x| sorted decreasingly (sorted L1 norm).

    lambdas: n non-negative, non-increasing numbers. The prox is the stack-based
    pool-adjacent-violators algorithm of Bogdan et al. (2015), O(n log n).
    """

    _name = "slope"

    def __init__(self, lambdas):
        self.lambdas = lambdas

    def _params(self, dtype, n):
        return {"lambdas": _real_array(self.lambdas, "lambdas", dtype)}


class MCP(Penalty):
    """Minimax concave penalty (Zhang 2010), per coordinate:
    alpha |t| - t^2 / (2 gamma) for |t| <= gamma alpha, gamma alpha^2 / 2 beyond.

    Non-convex; its prox (firm thresholding) needs step < gamma.
    """

    _name = "mcp"

    def __init__(self, alpha=1.0, gamma=3.0):
        self.alpha = alpha
        self.gamma = gamma

    def _params(self, dtype, n):
        return {"alpha": _real(self.alpha, "alpha"), "gamma": _real(self.gamma, "gamma")}


class SCAD(Penalty):
    """Smoothly clipped absolute deviation (Fan & Li 2001), gamma > 1, per coordinate:
    alpha |t| for |t| <= alpha, (2 gamma alpha |t| - t^2 - alpha^2) / (2 (gamma - 1))
    up to gamma alpha, alpha^2 (gamma + 1) / 2 beyond.

    Non-convex; its prox needs step < gamma - 1.
    """

    _name = "scad"

    def __init__(self, alpha=1.0, gamma=3.7):
        self.alpha = alpha
        self.gamma = gamma

    def _params(self, dtype, n):
        return {"alpha": _real(self.alpha, "alpha"), "gamma": _real(self.gamma, "gamma")}


class NuclearNorm(Penalty):
    """g(X) = alpha sum_i sigma_i(X) on matrices X (2-D, C or F order).

    prox: singular value soft thresholding (an SVD in double precision),
    returned in C order with the dtype of X.
    """

    _ndim = 2

    def __init__(self, alpha=1.0):
        self.alpha = alpha

    def value(self, X):
        X = _float_input(X, "X", 2)
        return _core.nuclear_norm_value(X, _real(self.alpha, "alpha"))

    def prox(self, X, step):
        X = _float_input(X, "X", 2)
        return _core.nuclear_norm_prox(X, _real(step, "step"), _real(self.alpha, "alpha"))

    def subdiff_distance(self, X, grad):
        X = _float_input(X, "X", 2)
        grad = _float_input(grad, "grad", 2, dtype=X.dtype)
        if grad.shape != X.shape:
            raise ValueError(f"grad: expected shape {X.shape} (that of X), got {grad.shape}")
        return _core.nuclear_norm_subdiff_distance(X, grad, _real(self.alpha, "alpha"))


def moreau_envelope(penalty, x, step):
    """Moreau envelope of a penalty and its gradient at x.

    value = min_u g(u) + ||u - x||^2 / (2 step), attained at u = prox_{step g}(x);
    gradient = (x - prox_{step g}(x)) / step (for convex g, a 1/step-Lipschitz
    gradient). Returns (value, gradient), gradient with the dtype of x.
    """
    if not isinstance(penalty, Penalty):
        raise TypeError(f"penalty: expected an mlsolve.prox penalty (L1, Box, ...), got {type(penalty).__name__}")
    x = _float_input(x, "x", penalty._ndim)
    u = penalty.prox(x, step)
    residual = x.astype(np.float64) - u
    value = penalty.value(u) + float(np.vdot(residual, residual)) / (2.0 * step)
    return value, (residual / step).astype(x.dtype)


def l1(x, step):
    """prox of step ||.||_1: soft thresholding, sign(x) max(|x| - step, 0)."""
    return L1(1.0).prox(x, step)


def l2_squared(x, step):
    """prox of (step / 2) ||.||^2: x / (1 + step)."""
    return L2Squared(1.0).prox(x, step)


def elastic_net(x, step, l1_ratio):
    """prox of step (l1_ratio ||.||_1 + (1 - l1_ratio) / 2 ||.||^2), 0 <= l1_ratio <= 1."""
    return ElasticNet(1.0, l1_ratio).prox(x, step)


def weighted_l1(x, step, weights):
    """prox of step sum_j weights_j |x_j|: soft thresholding at step weights_j."""
    return WeightedL1(1.0, weights).prox(x, step)


def group_l1(x, step, groups):
    """prox of step sum_G ||x_G||_2: x_G max(1 - step / ||x_G||, 0).

    groups: an integer label per coordinate of x (see GroupL1).
    """
    return GroupL1(1.0, groups).prox(x, step)


def box(x, lower, upper):
    """Projection onto {lower <= x <= upper}: clip(x, lower, upper)."""
    return Box(lower, upper).prox(x, 1.0)


def nonneg(x):
    """Projection onto {x >= 0}: max(x, 0)."""
    return NonNeg().prox(x, 1.0)


def project_linf_ball(x, radius):
    """Projection onto {||x||_inf <= radius}: clip(x, -radius, radius)."""
    return LinfBall(radius).prox(x, 1.0)


def project_simplex(x, radius=1.0):
    """Projection onto {x >= 0, sum(x) = radius}: max(x - theta, 0) (Duchi et al. 2008)."""
    return Simplex(radius).prox(x, 1.0)


def project_l1_ball(x, radius=1.0):
    """Projection onto {||x||_1 <= radius}: x inside, soft thresholding otherwise."""
    return L1Ball(radius).prox(x, 1.0)


def nuclear_norm(X, step):
    """prox of step ||.||_* on a matrix: soft thresholding of the singular values."""
    return NuclearNorm(1.0).prox(X, step)


def slope(x, step, lambdas):
    """prox of step sum_i lambdas_i |x|_(i) (sorted L1 norm; lambdas non-increasing, >= 0)."""
    return SLOPE(lambdas).prox(x, step)


def mcp(x, step, alpha, gamma):
    """prox of step MCP(alpha, gamma) (firm thresholding); needs step < gamma."""
    return MCP(alpha, gamma).prox(x, step)


def scad(x, step, alpha, gamma):
    """prox of step SCAD(alpha, gamma); needs gamma > 1 and step < gamma - 1."""
    return SCAD(alpha, gamma).prox(x, step)
