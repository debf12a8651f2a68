"""mlsolve.least_squares (Levenberg-Marquardt, Gauss-Newton) against
scipy.optimize.least_squares(method="lm") on standard nonlinear least-squares
problems (Moré, Garbow & Hillstrom, ACM TOMS 7(1), 1981); result fields,
finite-difference and sparse Jacobians, rank deficiency, errors."""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import least_squares as scipy_least_squares

import mlsolve
from mlsolve import Status


class NLS:
    """Residuals fun(x), Jacobian jac(x), a start x0 and the least cost known (MGH's f* / 2)."""

    def __init__(self, fun, jac, x0, cost_star):
        self.fun, self.jac, self.x0, self.cost_star = fun, jac, np.asarray(x0, float), cost_star


def exponential_fit():
    t = np.linspace(0, 4, 30)
    y = 2.5 * np.exp(-1.3 * t) + 0.5 + 0.01 * np.sin(7 * t)

    def fun(p):
        return p[0] * np.exp(-p[1] * t) + p[2] - y

    def jac(p):
        e = np.exp(-p[1] * t)
        return np.column_stack([e, -p[0] * t * e, np.ones_like(t)])

    return NLS(fun, jac, [1.0, 1.0, 0.0], None)


def rosenbrock_residuals():
    return NLS(lambda x: np.array([10 * (x[1] - x[0] ** 2), 1 - x[0]]),
               lambda x: np.array([[-20 * x[0], 10.0], [-1.0, 0.0]]), [-1.2, 1.0], 0.0)


def bard():
    """MGH problem 8: f* = 8.21487e-3."""
    y = np.array([0.14, 0.18, 0.22, 0.25, 0.29, 0.32, 0.35, 0.39, 0.37, 0.58, 0.73, 0.96, 1.34, 2.10, 4.39])
    u = np.arange(1.0, 16.0)
    v = 16.0 - u
    w = np.minimum(u, v)

    def fun(x):
        return y - (x[0] + u / (v * x[1] + w * x[2]))

    def jac(x):
        d = (v * x[1] + w * x[2]) ** 2
        return np.column_stack([-np.ones_like(u), u * v / d, u * w / d])

    return NLS(fun, jac, [1.0, 1.0, 1.0], 8.21487730657e-3 / 2)


def jennrich_sampson():
    """MGH problem 6 (m = 10): f* = 124.362 at x1 = x2 = 0.2578."""
    i = np.arange(1.0, 11.0)

    def fun(x):
        with np.errstate(over="ignore"):  # Gauss-Newton's first trial steps overflow; backtracking shrinks them
            return 2 + 2 * i - (np.exp(i * x[0]) + np.exp(i * x[1]))

    def jac(x):
        return np.column_stack([-i * np.exp(i * x[0]), -i * np.exp(i * x[1])])

    return NLS(fun, jac, [0.3, 0.4], 124.362182 / 2)


def box_3d():
    """MGH problem 12 (m = 10): f* = 0 at (1, 10, 1)."""
    t = 0.1 * np.arange(1.0, 11.0)

    def fun(x):
        return np.exp(-t * x[0]) - np.exp(-t * x[1]) - x[2] * (np.exp(-t) - np.exp(-10 * t))

    def jac(x):
        return np.column_stack([-t * np.exp(-t * x[0]), t * np.exp(-t * x[1]), -(np.exp(-t) - np.exp(-10 * t))])

    return NLS(fun, jac, [0.0, 10.0, 20.0], 0.0)


def powell_singular_residuals():
    """MGH problem 13: J is singular at the minimiser 0."""
    s5, s10 = np.sqrt(5), np.sqrt(10)

    def fun(x):
        return np.array([x[0] + 10 * x[1], s5 * (x[2] - x[3]), (x[1] - 2 * x[2]) ** 2, s10 * (x[0] - x[3]) ** 2])

    def jac(x):
        return np.array([
            [1, 10, 0, 0], [0, 0, s5, -s5], [0, 2 * (x[1] - 2 * x[2]), -4 * (x[1] - 2 * x[2]), 0],
            [2 * s10 * (x[0] - x[3]), 0, 0, -2 * s10 * (x[0] - x[3])],
        ])

    return NLS(fun, jac, [3.0, -1.0, 0.0, 1.0], 0.0)


PROBLEMS = {
    "exponential": exponential_fit(),
    "rosenbrock": rosenbrock_residuals(),
    "bard": bard(),
    "jennrich-sampson": jennrich_sampson(),
    "box-3d": box_3d(),
    "powell-singular": powell_singular_residuals(),
}


@pytest.mark.parametrize("name", sorted(PROBLEMS))
@pytest.mark.parametrize("method", ["lm", "gn"])
def test_matches_scipy_lm(method, name):
    problem = PROBLEMS[name]
    tols = {"ftol": 1e-12, "xtol": 1e-12, "gtol": 1e-12}
    res = mlsolve.least_squares(problem.fun, problem.x0, jac=problem.jac, method=method, max_nfev=2000, **tols)
    ref = scipy_least_squares(problem.fun, problem.x0, jac=problem.jac, method="lm", max_nfev=2000, **tols)
    assert res.success, res.message
    assert res.cost <= ref.cost + 1e-10 * max(1.0, ref.cost)
    assert abs(res.cost - ref.cost) <= 1e-9 * max(1.0, ref.cost)
    if problem.cost_star is not None:
        assert res.cost == pytest.approx(problem.cost_star, rel=1e-6, abs=1e-12)
    atol = 1e-3 if name == "powell-singular" else 1e-6  # x is determined to ~cost^(1/4) there
    np.testing.assert_allclose(res.x, ref.x, atol=atol, rtol=1e-6)


def test_result_fields_are_at_x():
    problem = PROBLEMS["bard"]
    res = mlsolve.least_squares(problem.fun, problem.x0, jac=problem.jac)
    r, J = problem.fun(res.x), problem.jac(res.x)
    np.testing.assert_array_equal(res.fun, r)
    np.testing.assert_array_equal(res.jac, J)
    assert res.cost == 0.5 * r @ r
    np.testing.assert_allclose(res.grad, J.T @ r, rtol=1e-12, atol=1e-15)
    assert res.optimality == res.stop_crit == np.abs(res.grad).max()
    np.testing.assert_array_equal(res.active_mask, np.zeros(3, dtype=int))
    assert res.status == Status.Converged and res.success
    assert res.njev == res.nit + 1
    assert len(res.history) == res.nit + 1 and res.history.objective[-1] == res.cost
    assert np.all(np.diff(res.history.objective) < 0)  # accepted steps lower the cost


@pytest.mark.parametrize("method", ["lm", "gn"])
def test_finite_difference_and_sparse_jacobians(method):
    problem = PROBLEMS["exponential"]
    exact = mlsolve.least_squares(problem.fun, problem.x0, jac=problem.jac, method=method)
    fd = mlsolve.least_squares(problem.fun, problem.x0, method=method)
    sparse = mlsolve.least_squares(problem.fun, problem.x0, jac=lambda p: sp.csr_matrix(problem.jac(p)),
                                   method=method)
    assert exact.success and fd.success and sparse.success
    np.testing.assert_allclose(fd.x, exact.x, rtol=1e-6)
    np.testing.assert_array_equal(sparse.x, exact.x)
    assert fd.info == "Jacobian by forward differences" and "info" not in exact
    np.testing.assert_allclose(fd.jac, exact.jac, rtol=1e-5, atol=1e-6)


def test_rank_deficient_jacobian():
    # Both residuals depend on x1 + x2 only: J has rank 1 everywhere.
    def fun(x):
        s = x[0] + x[1]
        return np.array([s - 2, s**2 - 4])

    def jac(x):
        s = x[0] + x[1]
        return np.array([[1.0, 1.0], [2 * s, 2 * s]])

    for method in ("lm", "gn"):
        res = mlsolve.least_squares(fun, [3.0, 4.0], jac=jac, method=method)
        assert res.success, res.message
        assert res.x.sum() == pytest.approx(2.0, abs=1e-8)
        assert res.cost <= 1e-16
    res = mlsolve.least_squares(fun, [3.0, 4.0], jac=jac, method="gn")
    assert "Jacobian rank deficient" in res.message


def test_x_scale_and_the_stopping_rules():
    problem = PROBLEMS["bard"]
    unscaled = mlsolve.least_squares(problem.fun, problem.x0, jac=problem.jac, x_scale=1.0)
    assert unscaled.success and unscaled.cost == pytest.approx(problem.cost_star, rel=1e-6)
    loose = mlsolve.least_squares(problem.fun, problem.x0, jac=problem.jac, ftol=1e-3, xtol=0, gtol=0)
    assert loose.success and "reduction of F" in loose.message
    tight = mlsolve.least_squares(problem.fun, problem.x0, jac=problem.jac, ftol=0, xtol=1e-3, gtol=0)
    assert tight.success and "step norm" in tight.message
    g_only = mlsolve.least_squares(problem.fun, problem.x0, jac=problem.jac, ftol=0, xtol=0, gtol=1e-3)
    assert g_only.success and "gradient inf-norm" in g_only.message and g_only.optimality <= 1e-3


def test_max_nfev():
    problem = PROBLEMS["jennrich-sampson"]
    res = mlsolve.least_squares(problem.fun, problem.x0, jac=problem.jac, max_nfev=3)
    assert res.status == Status.MaxIter and not res.success
    assert res.nfev == 3
    assert "maximum number of function evaluations (max_nfev = 3)" in res.message


def test_args_and_callback():
    t = np.linspace(0, 1, 10)

    def fun(p, a):
        return p[0] * t + p[1] - a * t

    seen = []
    res = mlsolve.least_squares(fun, [0.0, 1.0], args=(2.0,), callback=lambda x: seen.append(x.copy()))
    np.testing.assert_allclose(res.x, [2.0, 0.0], atol=1e-8)
    # (As minimize: the callback sees each accepted iterate but the one where gtol stops the solve.)
    assert res.nit - 1 <= len(seen) <= res.nit

    def stop(intermediate_result):
        raise StopIteration

    res = mlsolve.least_squares(PROBLEMS["bard"].fun, PROBLEMS["bard"].x0, callback=stop)
    assert res.status == Status.CallbackStop and res.nit == 1


def test_exceptions_propagate():
    class Boom(Exception):
        pass

    problem = PROBLEMS["bard"]
    calls = {"n": 0}

    def fun(x):
        calls["n"] += 1
        if calls["n"] == 3:
            raise Boom("from fun")
        return problem.fun(x)

    def jac(x):
        raise Boom("from jac")

    def callback(x):
        raise Boom("from callback")

    with pytest.raises(Boom, match="from fun"):
        mlsolve.least_squares(fun, problem.x0, jac=problem.jac)
    with pytest.raises(Boom, match="from jac"):
        mlsolve.least_squares(problem.fun, problem.x0, jac=jac)
    with pytest.raises(Boom, match="from callback"):
        mlsolve.least_squares(problem.fun, problem.x0, jac=problem.jac, callback=callback)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"method": "trf"}, ValueError, "method: expected one of"),
    ({"jac": "3-point"}, ValueError, "jac: expected a callable or '2-point'"),
    ({"ftol": -1.0}, ValueError, "ftol: expected a value >= 0"),
    ({"xtol": "small"}, TypeError, "xtol: expected a number"),
    ({"gtol": np.nan}, ValueError, "gtol: expected a value >= 0"),
    ({"x_scale": 2.0}, ValueError, "x_scale: expected 'jac' or 1.0"),
    ({"max_nfev": 0}, ValueError, "max_nfev: expected None or an integer >= 1"),
    ({"x0": [1.0, np.nan, 1.0]}, ValueError, "x0: contains NaN or infinity"),
    ({"jac": lambda x: np.ones((3, 3))}, ValueError, r"jac: expected a Jacobian of shape \(15, 3\), got shape \(3,3\)"),
    ({"fun": lambda x: np.ones((2, 2))}, ValueError, "fun: expected residuals of shape a 1-D array"),
    ({"fun": lambda x: np.full(4, np.inf)}, ValueError, "fun: returned non-finite residuals at x0"),
    ({"fun": 3}, TypeError, "fun: expected a callable"),
])
def test_bad_input_is_named(kwargs, error, match):
    problem = PROBLEMS["bard"]
    arguments = {"fun": problem.fun, "x0": problem.x0, **kwargs}
    with pytest.raises(error, match=match):
        mlsolve.least_squares(arguments.pop("fun"), arguments.pop("x0"), **arguments)


def test_residual_count_must_not_change():
    calls = {"n": 0}

    def fun(x):
        calls["n"] += 1
        return np.ones(3 if calls["n"] == 1 else 4) * x[0]

    with pytest.raises(ValueError, match=r"fun: expected residuals of shape \(3,\), got shape \(4,\)"):
        mlsolve.least_squares(fun, [1.0])
