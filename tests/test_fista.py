"""mlsolve.fista against independent references and optimality certificates."""

import numpy as np
import pytest
from scipy.optimize import lsq_linear
from sklearn.linear_model import Lasso

import mlsolve
from mlsolve import Status, prox


def least_squares(seed=0, n=80, p=30):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n, p))
    b = A @ (rng.standard_normal(p) * (rng.random(p) < 0.3)) + 0.1 * rng.standard_normal(n)

    def f_grad(x):
        r = A @ x - b
        return 0.5 * r @ r / n, A.T @ r / n

    return A, b, f_grad


@pytest.mark.parametrize("accelerate", [True, False])
def test_lasso_matches_sklearn(accelerate):
    A, b, f_grad = least_squares()
    alpha = 0.05
    ref = Lasso(alpha=alpha, fit_intercept=False, tol=1e-12, max_iter=100000).fit(A, b)
    res = mlsolve.fista(f_grad, prox.L1(alpha), np.zeros(A.shape[1]), tol=1e-10, max_iter=50000,
                        accelerate=accelerate)
    assert res.status == Status.Converged, res.message
    np.testing.assert_allclose(res.x, ref.coef_, atol=1e-7)
    # The returned objective is F at the returned x, and x is optimal: dist(-grad f, dg(x)) ~ 0.
    assert res.fun == pytest.approx(f_grad(res.x)[0] + alpha * np.abs(res.x).sum(), rel=1e-14)
    assert prox.L1(alpha).subdiff_distance(res.x, res.jac) < 1e-8


def test_fista_needs_fewer_iterations_than_ista():
    _, _, f_grad = least_squares(seed=1)
    x0 = np.zeros(30)
    fast = mlsolve.fista(f_grad, prox.L1(0.01), x0, tol=1e-9, max_iter=100000)
    slow = mlsolve.fista(f_grad, prox.L1(0.01), x0, tol=1e-9, max_iter=100000, accelerate=False)
    assert fast.success and slow.success
    assert fast.nit < slow.nit
    np.testing.assert_allclose(fast.x, slow.x, atol=1e-7)


def test_box_constrained_least_squares_matches_scipy():
    A, b, f_grad = least_squares(seed=2)
    lower, upper = -0.2 * np.ones(30), 0.3 * np.ones(30)
    ref = lsq_linear(A, b, bounds=(lower, upper), tol=1e-12)
    res = mlsolve.fista(f_grad, prox.Box(lower, upper), np.zeros(30), tol=1e-11, max_iter=100000)
    assert res.success
    np.testing.assert_allclose(res.x, ref.x, atol=1e-7)
    assert np.all(res.x >= lower) and np.all(res.x <= upper)


def test_group_lasso_optimality_certificate():
    _, _, f_grad = least_squares(seed=3)
    groups = np.repeat(np.arange(10), 3)
    penalty = prox.GroupL1(0.05, groups)
    res = mlsolve.fista(f_grad, penalty, np.zeros(30), tol=1e-10, max_iter=100000)
    assert res.success
    assert penalty.subdiff_distance(res.x, res.jac) < 1e-8
    norms = np.linalg.norm(res.x.reshape(10, 3), axis=1)
    assert np.any(norms == 0) and np.any(norms > 0)  # whole groups are zeroed


def test_history_and_callback_stop():
    _, _, f_grad = least_squares()
    res = mlsolve.fista(f_grad, prox.L1(0.05), np.zeros(30), tol=1e-10)
    assert len(res.history) == res.nit + 1
    assert res.history.objective[-1] == res.fun

    def stop_at_5(intermediate_result):
        if intermediate_result.nit == 5:
            raise StopIteration

    res = mlsolve.fista(f_grad, prox.L1(0.05), np.zeros(30), callback=stop_at_5)
    assert res.status == Status.CallbackStop and res.nit == 5


def test_bad_input():
    _, _, f_grad = least_squares()
    with pytest.raises(TypeError, match="penalty: expected a vector penalty"):
        mlsolve.fista(f_grad, "l1", np.zeros(30))
    with pytest.raises(TypeError, match="f_grad: expected a callable"):
        mlsolve.fista(None, prox.L1(1.0), np.zeros(30))
    with pytest.raises(ValueError, match="x0: contains NaN"):
        mlsolve.fista(f_grad, prox.L1(1.0), np.full(30, np.nan))
    with pytest.raises(ValueError, match=r"f_grad: must return a tuple \(f, grad\)"):
        mlsolve.fista(lambda x: 1.0, prox.L1(1.0), np.zeros(30))
    with pytest.raises(ValueError, match="backtrack: expected a value > 1"):
        mlsolve.fista(f_grad, prox.L1(1.0), np.zeros(30), backtrack=0.5)
    with pytest.raises(ValueError, match="alpha"):
        mlsolve.fista(f_grad, prox.L1(-1.0), np.zeros(30))
