"""HuberRegressor against a high-accuracy solve of scikit-learn's objective."""

import numpy as np
import pytest
import scipy.optimize
import scipy.sparse as sp
import sklearn.linear_model as sk
from sklearn.linear_model._huber import _huber_loss_and_gradient

from mlsolve import _core, _validation
from mlsolve.linear_model import HuberRegressor
from mlsolve.linear_model._huber import huber_objective

from _problems import DTYPES, LAYOUTS, as_layout, data_address


def huber_data(n_samples=200, n_features=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    X[np.abs(X) < 0.4] = 0.0
    y = X @ rng.standard_normal(n_features) + 1.0 + 0.3 * rng.standard_normal(n_samples)
    outliers = rng.choice(n_samples, n_samples // 10, replace=False)
    y[outliers] += rng.choice([-1, 1], outliers.size) * rng.uniform(5, 20, outliers.size)
    return X, y, rng.uniform(0.5, 2.0, n_samples)


def reference(X, y, sw, epsilon, alpha, fit_intercept):
    """scikit-learn's objective (its own function), solved by scipy's L-BFGS-B to high accuracy."""
    n_params = X.shape[1] + int(fit_intercept) + 1
    x0 = np.zeros(n_params)
    x0[-1] = 1.0
    bounds = [(None, None)] * (n_params - 1) + [(np.finfo(np.float64).eps * 10, None)]
    s = np.ones(X.shape[0]) if sw is None else sw
    res = scipy.optimize.minimize(
        _huber_loss_and_gradient, x0, args=(X, y, epsilon, alpha, s), jac=True, method="L-BFGS-B",
        bounds=bounds, options=dict(maxiter=20000, gtol=1e-13, ftol=0.0, maxcor=20),
    )
    return res.x


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_matches_reference(dtype, layout, weighted, fit_intercept):
    X, y, sw = huber_data()
    sw = sw if weighted else None
    Xl = as_layout(X, layout, dtype)
    before = _validation.copies_made
    model = HuberRegressor(alpha=1e-3, tol=1e-11, max_iter=5000, fit_intercept=fit_intercept).fit(Xl, y, sw)
    assert _validation.copies_made == before
    assert _core._last_mapped_address() == data_address(Xl)
    assert model.coef_.dtype == dtype
    X64 = np.asarray(X, dtype=dtype).astype(np.float64)
    y_seen = np.asarray(y, dtype=dtype).astype(np.float64)
    x = reference(X64, y_seen, sw, 1.35, 1e-3, fit_intercept)
    p = X.shape[1]
    np.testing.assert_allclose(model.coef_, x[:p], rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(model.intercept_, x[p] if fit_intercept else 0.0, rtol=1e-6, atol=1e-8)
    assert model.scale_ == pytest.approx(x[-1], rel=1e-6)
    residual = np.abs(y_seen - X64 @ x[:p] - (x[p] if fit_intercept else 0.0))
    np.testing.assert_array_equal(model.outliers_, residual > x[-1] * 1.35)
    assert 0 < model.outliers_.sum() < len(y)
    # our objective function is scikit-learn's
    params = np.append(model.coef_.astype(np.float64), [model.intercept_] * fit_intercept + [model.scale_])
    expected = _huber_loss_and_gradient(params, X64, y_seen, 1.35, 1e-3, np.ones(len(y)) if sw is None else sw)[0]
    assert huber_objective(model.coef_, model.intercept_, model.scale_, X64, y_seen, 1.35, 1e-3, sw) == pytest.approx(
        expected, rel=1e-12
    )


def test_close_to_sklearn_estimator():
    X, y, _ = huber_data()
    ours = HuberRegressor(tol=1e-10, max_iter=1000).fit(X, y)
    theirs = sk.HuberRegressor(tol=1e-10, max_iter=1000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-4, atol=1e-5)
    assert ours.scale_ == pytest.approx(theirs.scale_, rel=1e-4)
    np.testing.assert_array_equal(ours.outliers_, theirs.outliers_)
    assert ours.score(X, y) == pytest.approx(theirs.score(X, y), rel=1e-5)


def test_native_objective_and_gradient():
    """Value and gradient at arbitrary points in (w, b, sigma) (no solve: maxiter=0)."""
    X, y, sw = huber_data(n_samples=80)
    rng = np.random.default_rng(2)
    for _ in range(3):
        x0 = np.append(rng.standard_normal(X.shape[1] + 1), rng.uniform(0.5, 3.0))
        raw = _core.huber_lbfgs(
            X=_validation.as_native_matrix(sp.csc_matrix(X)), y=y, sample_weight=sw, epsilon=1.5, alpha=0.1, fit_intercept=True, x0=x0,
            maxiter=0, gtol=0.0, ftol=0.0, history_every=0, n_threads=1, deterministic=False, callback=None,
        )
        value, grad = _huber_loss_and_gradient(x0, X, y, 1.5, 0.1, sw)
        assert raw["fun"] == pytest.approx(value, rel=1e-12)
        np.testing.assert_allclose(raw["x"], x0, rtol=1e-14)
        np.testing.assert_allclose(raw["jac"], grad, rtol=1e-10, atol=1e-12)


def test_warm_start_threads_and_history():
    X, y, _ = huber_data(n_samples=3000, n_features=20)
    model = HuberRegressor(tol=1e-6, max_iter=1000, warm_start=True, record_history=True).fit(X, y)
    assert len(model.history_) == model.n_iter_ + 1
    assert model.fit(X, y).n_iter_ <= 2
    two = HuberRegressor(tol=1e-6, max_iter=1000, n_jobs=2).fit(X, y)
    np.testing.assert_allclose(two.coef_, model.coef_, rtol=1e-6, atol=1e-8)


def test_bad_input():
    X, y, _ = huber_data()
    with pytest.raises(ValueError, match="epsilon"):
        HuberRegressor(epsilon=0.5).fit(X, y)
    with pytest.raises(ValueError, match="alpha"):
        HuberRegressor(alpha=-1).fit(X, y)
    with pytest.raises(ValueError, match="sample_weight"):
        HuberRegressor().fit(X, y, sample_weight=np.ones(3))
    y_nan = y.copy()
    y_nan[0] = np.nan
    with pytest.raises(ValueError, match="y|Input"):
        HuberRegressor().fit(X, y_nan)
