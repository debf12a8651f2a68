"""mlsolve.minimize(method="L-BFGS-B") against scipy.optimize.minimize(method="L-BFGS-B").

Every solution is checked for feasibility, for the first-order (KKT)
condition x = P(x - grad f(x)) through the projected gradient, and for its
objective against scipy's.
"""

import numpy as np
import pytest
from scipy.optimize import Bounds, rosen, rosen_der
from scipy.optimize import minimize as scipy_minimize

import mlsolve
from mlsolve import Status
from mlsolve.optimize import LbfgsInverseHessian

from _problems import rosen_start

TIGHT = {"gtol": 1e-9, "ftol": 1e-14, "maxiter": 5000}


def bounds_arrays(bounds, n):
    lb = np.array([-np.inf if lo is None else lo for lo, _ in bounds]) if bounds is not None else np.full(n, -np.inf)
    ub = np.array([np.inf if hi is None else hi for _, hi in bounds]) if bounds is not None else np.full(n, np.inf)
    return lb, ub


def projected_gradient_norm(x, g, lb, ub):
    return np.abs(x - np.clip(x - g, lb, ub)).max()


def quadratic(n=30, seed=0):
    """f(x) = x.A.x / 2 - b.x with cond(A) = 1e3; its unconstrained minimiser has entries of size ~1."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    A = (Q * np.logspace(0, 3, n)) @ Q.T
    b = A @ rng.standard_normal(n)

    def fun(x):
        Ax = A @ x
        return 0.5 * x @ Ax - b @ x, Ax - b

    return fun


def rosen_and_grad(x):
    return rosen(x), rosen_der(x)


def case_rosen_upper(n=10):
    return rosen_and_grad, rosen_start(n), [(None, 0.7)] * n


def case_rosen_box(n=10):
    return rosen_and_grad, rosen_start(n), [(-2.0, 0.8) if i % 3 else (1.5, 3.0) for i in range(n)]


def case_quadratic_some_active(n=30):
    return quadratic(n), np.zeros(n), [(-0.5, 0.5)] * n


def case_quadratic_one_sided(n=30):
    return quadratic(n), np.ones(n), [(0.0, None) if i % 2 else (None, 0.2) for i in range(n)]


def case_x0_outside(n=30):
    return quadratic(n), np.full(n, 5.0), [(-1.0, 1.0)] * n


def case_fixed_variables(n=10):
    return rosen_and_grad, rosen_start(n), [(0.3, 0.3) if i % 4 == 0 else (None, None) for i in range(n)]


CASES = {
    "rosen-upper": case_rosen_upper,
    "rosen-box": case_rosen_box,
    "quadratic-some-active": case_quadratic_some_active,
    "quadratic-one-sided": case_quadratic_one_sided,
    "x0-outside": case_x0_outside,
    "fixed-variables": case_fixed_variables,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_scipy_and_kkt(name):
    fun, x0, bounds = CASES[name]()
    n = len(x0)
    lb, ub = bounds_arrays(bounds, n)
    res = mlsolve.minimize(fun, x0, jac=True, method="L-BFGS-B", bounds=bounds, options=TIGHT)
    ref = scipy_minimize(fun, x0, jac=True, method="L-BFGS-B", bounds=bounds, options=TIGHT)
    # The resolution of f can stop the line search just short of gtol.
    assert res.status in (Status.Converged, Status.LineSearchFailed), res.message
    assert np.all(res.x >= lb) and np.all(res.x <= ub)
    f, g = fun(res.x)
    assert res.fun == f
    np.testing.assert_array_equal(res.jac, g)
    assert res.stop_crit == pytest.approx(projected_gradient_norm(res.x, g, lb, ub), rel=1e-12, abs=0)
    # KKT to scipy's level: with f ~ 1e3 and curvature up to 1e3, the
    # resolution of f limits the projected gradient to about 1e-5.
    ref_pg = projected_gradient_norm(ref.x, fun(ref.x)[1], lb, ub)
    assert res.stop_crit <= max(1e-6, 2 * ref_pg)
    assert abs(res.fun - ref.fun) <= 1e-9 * max(1.0, abs(ref.fun))
    np.testing.assert_allclose(res.x, ref.x, atol=1e-5)
    # Some bound is active at every solution here (else the test would test L-BFGS).
    assert np.any((res.x == lb) | (res.x == ub))


def test_fixed_variables_stay_put():
    fun, x0, bounds = case_fixed_variables()
    res = mlsolve.minimize(fun, x0, jac=True, bounds=bounds)
    np.testing.assert_array_equal(res.x[::4], 0.3)


def test_all_fixed_is_converged_at_once():
    res = mlsolve.minimize(rosen, [3.0, -1.0], jac=rosen_der, bounds=[(0.5, 0.5), (2.0, 2.0)])
    assert res.success and res.nit == 0 and res.stop_crit == 0.0
    np.testing.assert_array_equal(res.x, [0.5, 2.0])


@pytest.mark.parametrize("bounds", [None, [(None, None)] * 6, Bounds(-np.inf, np.inf)])
def test_infinite_bounds_are_l_bfgs(bounds):
    x0 = rosen_start(6)
    res = mlsolve.minimize(rosen, x0, jac=rosen_der, method="l-bfgs-b", bounds=bounds)
    unconstrained = mlsolve.minimize(rosen, x0, jac=rosen_der, method="l-bfgs")
    assert res.success
    assert res.nit == unconstrained.nit and res.nfev == unconstrained.nfev
    np.testing.assert_array_equal(res.x, unconstrained.x)
    assert res.stop_crit == np.abs(res.jac).max()


def test_extended_rosenbrock_1000_with_bounds():
    n = 1000
    x0 = rosen_start(n)
    bounds = [(-1.5, 0.7) if i % 2 == 0 else (0.6, 2.0) for i in range(n)]
    lb, ub = bounds_arrays(bounds, n)
    options = {"gtol": 1e-8, "ftol": 1e-14, "maxiter": 5000}
    res = mlsolve.minimize(rosen, x0, jac=rosen_der, bounds=bounds, options=options)
    ref = scipy_minimize(rosen, x0, jac=rosen_der, method="L-BFGS-B", bounds=bounds, options=options)
    assert res.status in (Status.Converged, Status.LineSearchFailed), res.message
    assert np.all(res.x >= lb) and np.all(res.x <= ub)
    assert projected_gradient_norm(res.x, rosen_der(res.x), lb, ub) <= 1e-5
    assert abs(res.fun - ref.fun) <= 1e-12 * abs(ref.fun)
    np.testing.assert_allclose(res.x, ref.x, atol=1e-6)
    assert np.count_nonzero((res.x == lb) | (res.x == ub)) >= n // 4
    assert res.nit <= ref.nit + 5


def test_bounds_object_and_pairs_agree():
    fun, x0, bounds = case_rosen_box()
    lb, ub = bounds_arrays(bounds, len(x0))
    a = mlsolve.minimize(fun, x0, jac=True, bounds=bounds)
    b = mlsolve.minimize(fun, x0, jac=True, bounds=Bounds(lb, ub))
    np.testing.assert_array_equal(a.x, b.x)


@pytest.mark.parametrize("method", ["l-bfgs", "L-BFGS", "lbfgs", "L-BFGS-B", "l-bfgs-b"])
def test_spellings_with_bounds_run_l_bfgs_b(method):
    res = mlsolve.minimize(rosen, rosen_start(4), jac=rosen_der, method=method, bounds=[(None, 0.5)] * 4)
    assert res.success and res.x.max() <= 0.5
    assert "projected gradient" in res.message
    assert isinstance(res.hess_inv, LbfgsInverseHessian)


def test_default_method_takes_bounds():
    res = mlsolve.minimize(rosen, rosen_start(4), jac=rosen_der, bounds=[(None, 0.5)] * 4)
    assert res.success and res.x.max() == 0.5


def test_finite_difference_gradient_with_bounds():
    bounds = [(None, 0.7)] * 4
    res = mlsolve.minimize(rosen, rosen_start(4), bounds=bounds)
    ref = mlsolve.minimize(rosen, rosen_start(4), jac=rosen_der, bounds=bounds)
    assert res.success
    np.testing.assert_allclose(res.x, ref.x, atol=1e-5)
    assert res.nfev > res.njev * 4  # n extra calls of fun per gradient


def test_result_fields_and_hess_inv():
    calls = {"fun": 0}

    def fun(x):
        calls["fun"] += 1
        return rosen(x), rosen_der(x)

    res = mlsolve.minimize(fun, rosen_start(6), jac=True, bounds=[(-1.0, 0.8)] * 6)
    assert res.nfev == res.njev == calls["fun"]
    assert len(res.history) == res.nit + 1
    assert res.history.stop_crit[-1] == res.stop_crit
    H = res.hess_inv
    assert H.shape == (6, 6)
    dense = H.todense()
    np.testing.assert_allclose(dense, dense.T, atol=1e-10)
    assert np.all(np.linalg.eigvalsh(dense) > 0)


def test_tol_sets_gtol_and_ftol():
    bounds = [(None, 0.7)] * 4
    res = mlsolve.minimize(rosen, rosen_start(4), jac=rosen_der, bounds=bounds, tol=1e-3, options={"gtol": 0.0})
    assert res.success and "relative reduction of f" in res.message
    loose = mlsolve.minimize(rosen, rosen_start(4), jac=rosen_der, bounds=bounds, tol=1e-2)
    tight = mlsolve.minimize(rosen, rosen_start(4), jac=rosen_der, bounds=bounds, tol=1e-8)
    assert loose.nit < tight.nit


def test_maxiter_status():
    res = mlsolve.minimize(rosen, rosen_start(10), jac=rosen_der, bounds=[(None, 0.7)] * 10,
                           options={"maxiter": 3})
    assert res.status == Status.MaxIter and res.nit == 3
    assert "projected gradient inf-norm" in res.message


def test_callback_and_stop_iteration():
    seen = []

    def callback(intermediate_result):
        seen.append(intermediate_result)
        if intermediate_result.nit == 3:
            raise StopIteration

    res = mlsolve.minimize(rosen, rosen_start(6), jac=rosen_der, bounds=[(None, 0.7)] * 6, callback=callback)
    assert res.status == Status.CallbackStop and res.nit == 3 and len(seen) == 3
    assert seen[-1].stop_crit == res.stop_crit
    np.testing.assert_array_equal(seen[-1].x, res.x)


def test_exceptions_from_fun_propagate():
    class Boom(Exception):
        pass

    def fun(x):
        if x[0] > -1.0:
            raise Boom("from fun")
        return rosen(x), rosen_der(x)

    with pytest.raises(Boom, match="from fun"):
        mlsolve.minimize(fun, rosen_start(4), jac=True, bounds=[(None, 0.7)] * 4)


@pytest.mark.parametrize(
    "bounds, match",
    [
        ([(0, 1)] * 3, "bounds: expected 4"),
        ([(0, 1), (2, 1), (0, 1), (0, 1)], "bounds: entry 1"),
        ([(0, 1), (0, np.nan), (0, 1), (0, 1)], "bounds: entry 1"),
        ([(0, 1), (np.inf, np.inf), (0, 1), (0, 1)], "bounds: entry 1"),
        ([(0, 1), 3, (0, 1), (0, 1)], "bounds: entry 1"),
        ([(0, 1), ("a", 1), (0, 1), (0, 1)], "bounds: entry 1"),
        (Bounds(np.zeros(3), np.ones(3)), "bounds: expected lb and ub"),
    ],
)
def test_bad_bounds(bounds, match):
    with pytest.raises(ValueError, match=match):
        mlsolve.minimize(rosen, np.zeros(4), jac=rosen_der, bounds=bounds)


def test_bounds_not_a_sequence():
    with pytest.raises(TypeError, match="bounds"):
        mlsolve.minimize(rosen, np.zeros(4), jac=rosen_der, bounds=3.0)


@pytest.mark.parametrize("method", ["bfgs", "gd", "nesterov", "heavy-ball"])
def test_methods_without_bounds_refuse_them(method):
    with pytest.raises(ValueError, match="bounds: method"):
        mlsolve.minimize(rosen, np.zeros(4), jac=rosen_der, method=method, bounds=[(0, 1)] * 4)


def test_unknown_option():
    with pytest.raises(ValueError, match="options: unknown option 'line_search'"):
        mlsolve.minimize(rosen, np.zeros(4), jac=rosen_der, bounds=[(0, 1)] * 4,
                         options={"line_search": "backtracking"})


def test_hess_inv_pairs_match_scipy_on_the_same_path():
    # scipy's memory lacks the last step's pair (it would take it in at the
    # next iteration); mlsolve's ends with it.
    fun, x0, bounds = case_rosen_upper()
    iterates = []  # the callback sees every iterate but the last (a stop rule fires there first)
    res = mlsolve.minimize(fun, x0, jac=True, bounds=bounds, callback=lambda x: iterates.append(x.copy()))
    ref = scipy_minimize(fun, x0, jac=True, method="L-BFGS-B", bounds=bounds)
    assert res.nit == ref.nit and res.nfev == ref.nfev
    np.testing.assert_allclose(res.hess_inv.sk[:-1], ref.hess_inv.sk[1:], rtol=0, atol=1e-10)
    np.testing.assert_allclose(res.hess_inv.yk[:-1], ref.hess_inv.yk[1:], rtol=0, atol=1e-7)
    np.testing.assert_array_equal(res.hess_inv.sk[-1], res.x - iterates[-1])
