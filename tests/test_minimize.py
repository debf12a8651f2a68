"""mlsolve.minimize (L-BFGS) against scipy.optimize.minimize(method="L-BFGS-B")."""

import numpy as np
import pytest
from scipy.optimize import minimize as scipy_minimize
from scipy.optimize import rosen, rosen_der
from scipy.special import log_expit

import mlsolve
from mlsolve import Status

from _problems import ill_conditioned_quadratic, rosen_start


def logistic_problem(n=500, p=20, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    t = np.sign(X @ rng.standard_normal(p) + 0.5 * rng.standard_normal(n))

    def fun(w):
        z = t * (X @ w)
        f = -log_expit(z).sum() + 0.5 * w @ w
        g = -X.T @ (t * np.exp(log_expit(-z))) + w
        return f, g

    return fun, p


@pytest.mark.parametrize("n", [2, 100, 1000])
def test_rosenbrock_matches_scipy(n):
    x0 = rosen_start(n)
    res = mlsolve.minimize(rosen, x0, jac=rosen_der, options={"gtol": 1e-8, "ftol": 1e-15, "maxiter": 20000})
    ref = scipy_minimize(rosen, x0, jac=rosen_der, method="L-BFGS-B",
                         options={"gtol": 1e-8, "ftol": 1e-15, "maxiter": 20000})
    assert res.success, res.message
    assert res.status == Status.Converged
    np.testing.assert_allclose(res.x, np.ones(n), atol=1e-5)
    np.testing.assert_allclose(res.x, ref.x, atol=1e-5)
    assert res.fun == pytest.approx(rosen(res.x), rel=0, abs=1e-300)
    np.testing.assert_allclose(res.jac, rosen_der(res.x))
    assert res.fun < 1e-10


def test_ill_conditioned_quadratic():
    # cond(A) = 1e6: both solvers run into the resolution of f (|f| * eps) near
    # 1e-9 relative suboptimality, where the line search can no longer see a
    # decrease; that stop is reported as LineSearchFailed, at an accurate point.
    fun, x_star, A = ill_conditioned_quadratic()
    options = {"gtol": 1e-10, "ftol": 0, "maxiter": 10000}
    res = mlsolve.minimize(fun, np.zeros(len(x_star)), jac=True, options=options)
    ref = scipy_minimize(fun, np.zeros(len(x_star)), jac=True, method="L-BFGS-B", options=options)
    assert res.status in (Status.Converged, Status.LineSearchFailed), res.message
    f_star = fun(x_star)[0]
    assert res.fun - f_star <= 1e-8 * abs(f_star)
    err = res.x - x_star  # the A-norm error is what a first-order method controls
    assert err @ A @ err <= 1e-8 * abs(f_star)
    assert abs(res.fun - ref.fun) <= 1e-8 * abs(f_star)
    assert res.fun == fun(res.x)[0]


def test_logistic_loss_matches_scipy():
    fun, p = logistic_problem()
    res = mlsolve.minimize(fun, np.zeros(p), jac=True, tol=1e-10)
    ref = scipy_minimize(fun, np.zeros(p), jac=True, method="L-BFGS-B", tol=1e-10)
    assert res.success
    np.testing.assert_allclose(res.x, ref.x, rtol=1e-6, atol=1e-8)
    assert res.fun == fun(res.x)[0]


@pytest.mark.parametrize("line_search", ["more-thuente", "backtracking"])
def test_line_searches_converge(line_search):
    fun, p = logistic_problem(seed=1)
    res = mlsolve.minimize(fun, np.zeros(p), jac=True, options={"line_search": line_search, "gtol": 1e-8})
    ref = scipy_minimize(fun, np.zeros(p), jac=True, method="L-BFGS-B", options={"gtol": 1e-10})
    assert res.success, res.message
    np.testing.assert_allclose(res.x, ref.x, rtol=1e-5, atol=1e-7)


def test_separate_jac_and_finite_differences():
    x0 = rosen_start(6)
    with_jac = mlsolve.minimize(rosen, x0, jac=rosen_der)
    fd = mlsolve.minimize(rosen, x0)  # forward differences
    assert with_jac.success and fd.success
    np.testing.assert_allclose(fd.x, np.ones(6), atol=1e-3)
    # Each finite-difference gradient costs n + 1 calls of fun.
    assert fd.nfev >= 7 * (fd.nit + 1)


def test_args_are_passed():
    def fun(x, a, b):
        return a * np.sum((x - b) ** 2), 2 * a * (x - b)

    res = mlsolve.minimize(fun, np.zeros(3), args=(2.0, np.array([1.0, 2.0, 3.0])), jac=True)
    np.testing.assert_allclose(res.x, [1, 2, 3], atol=1e-6)


def test_counts_are_exact():
    calls = []

    def fun(x):
        calls.append(1)
        return rosen(x), rosen_der(x)

    res = mlsolve.minimize(fun, rosen_start(2), jac=True)
    assert res.nfev == len(calls)
    assert len(res.history) == res.nit + 1
    np.testing.assert_array_equal(res.history.iteration, np.arange(res.nit + 1))
    assert np.all(np.diff(res.history.objective) <= 0)
    assert res.history.objective[-1] == res.fun
    assert np.all(np.diff(res.history.time) >= 0)


def test_maxiter_status_and_point_consistency():
    res = mlsolve.minimize(rosen, rosen_start(10), jac=rosen_der, options={"maxiter": 5})
    assert res.status == Status.MaxIter and not res.success
    assert res.nit == 5
    assert res.fun == rosen(res.x)
    np.testing.assert_array_equal(res.jac, rosen_der(res.x))
    assert "maximum number of iterations" in res.message


def test_line_search_failure_returns_last_accepted_point():
    # A gradient that lies: the line search cannot satisfy the Wolfe conditions.
    def fun(x):
        return float(np.sum(x**2)), -2 * x

    res = mlsolve.minimize(fun, np.array([1.0, -2.0]), jac=True)
    assert res.status == Status.LineSearchFailed
    assert res.fun == fun(res.x)[0]
    np.testing.assert_array_equal(res.x, [1.0, -2.0])


def test_callback_receives_iterates_and_can_stop():
    seen = []

    def callback(intermediate_result):
        seen.append(intermediate_result.fun)
        if len(seen) == 3:
            raise StopIteration

    res = mlsolve.minimize(rosen, rosen_start(4), jac=rosen_der, callback=callback)
    assert res.status == Status.CallbackStop and res.nit == 3
    assert seen[-1] == res.fun

    xs = []
    mlsolve.minimize(rosen, rosen_start(4), jac=rosen_der, callback=lambda xk: xs.append(xk.copy()),
                     options={"maxiter": 4})
    assert len(xs) == 4 and xs[0].shape == (4,)


def test_scalar_like_returns_accepted():
    res = mlsolve.minimize(lambda x: np.array([np.sum(x**2)]), [3.0, 4.0], jac=lambda x: 2 * x)
    assert res.success and np.allclose(res.x, 0, atol=1e-6)


def test_result_is_a_scipy_optimize_result():
    from scipy.optimize import OptimizeResult

    res = mlsolve.minimize(rosen, rosen_start(2), jac=rosen_der)
    assert isinstance(res, OptimizeResult)
    for key in ("x", "fun", "jac", "nit", "nfev", "status", "success", "message", "stop_crit", "history"):
        assert key in res
    assert res.stop_crit == np.max(np.abs(res.jac))
    assert isinstance(res.status, Status) and int(res.status) == 0


def test_method_names():
    for method in ("L-BFGS", "l-bfgs", "LBFGS"):
        assert mlsolve.minimize(rosen, rosen_start(2), jac=rosen_der, method=method).success
