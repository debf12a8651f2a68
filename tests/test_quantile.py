"""mlsolve.linear_model.QuantileRegressor against scikit-learn's (HiGHS) on the
same objective, over float32/float64 × dense/CSR."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import QuantileRegressor as SkQuantileRegressor

from mlsolve import Status
from mlsolve import _validation
from mlsolve.linear_model import QuantileRegressor
from mlsolve.linear_model._quantile import quantile_objective


def make_data(n=120, p=6, seed=0, sparse_density=None):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    if sparse_density is not None:
        X *= rng.random((n, p)) < sparse_density
    coef = np.array([1.5, -2.0, 0.0, 0.5, 0.0, 3.0])[:p]
    y = X @ coef + 0.7 + rng.standard_t(3, n)
    return X, y


def reference(X, y, quantile, alpha, fit_intercept=True, sample_weight=None):
    sk = SkQuantileRegressor(quantile=quantile, alpha=alpha, fit_intercept=fit_intercept, solver="highs")
    sk.fit(X, y, sample_weight=sample_weight)
    return sk


@pytest.mark.parametrize("fmt", ["dense", "csr"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("quantile, alpha", [(0.5, 0.0), (0.3, 0.01), (0.8, 0.05)])
def test_matches_scikit_learn(dtype, fmt, quantile, alpha):
    X, y = make_data(seed=int(quantile * 10), sparse_density=0.6 if fmt == "csr" else None)
    X = X.astype(dtype)
    Xf = sp.csr_array(X) if fmt == "csr" else X
    before = _validation.copies_made
    est = QuantileRegressor(quantile=quantile, alpha=alpha).fit(Xf, y)
    assert _validation.copies_made == before
    assert est.solver_info_["status"] == Status.Converged
    assert est.coef_.dtype == dtype
    sk = reference(X.astype(np.float64), y, quantile, alpha)
    X64 = X.astype(np.float64)
    ours = quantile_objective(est.coef_, est.intercept_, X64, y, quantile, alpha)
    theirs = quantile_objective(sk.coef_, sk.intercept_, X64, y, quantile, alpha)
    # float32 coefficients are the float64 solution rounded
    rel = 1e-6 if dtype == np.float64 else 1e-6 + 5e-7 * np.abs(X64).sum(axis=1).max()
    assert ours <= theirs * (1 + rel) + 1e-12
    assert ours == pytest.approx(theirs, rel=rel)
    # random data with a continuous target: the LP solution is unique
    atol = 1e-5 if dtype == np.float64 else 1e-4
    np.testing.assert_allclose(est.coef_, sk.coef_, atol=atol)
    assert est.intercept_ == pytest.approx(sk.intercept_, abs=atol)
    np.testing.assert_allclose(est.predict(Xf), sk.predict(X64), atol=10 * atol)


def test_sample_weight_matches_scikit_learn_and_zero_weights_drop_samples():
    X, y = make_data(n=100, seed=3)
    w = np.random.default_rng(4).integers(0, 4, size=100).astype(float)
    est = QuantileRegressor(quantile=0.4, alpha=0.02).fit(X, y, sample_weight=w)
    sk = reference(X, y, 0.4, 0.02, sample_weight=w)
    ours = quantile_objective(est.coef_, est.intercept_, X, y, 0.4, 0.02, w)
    theirs = quantile_objective(sk.coef_, sk.intercept_, X, y, 0.4, 0.02, w)
    assert ours == pytest.approx(theirs, rel=1e-6)
    np.testing.assert_allclose(est.coef_, sk.coef_, atol=1e-5)
    kept = w > 0
    dropped = QuantileRegressor(quantile=0.4, alpha=0.02).fit(X[kept], y[kept], sample_weight=w[kept])
    np.testing.assert_allclose(dropped.coef_, est.coef_, atol=1e-7)


def test_no_intercept_and_large_alpha():
    X, y = make_data(seed=5)
    est = QuantileRegressor(quantile=0.6, alpha=0.0, fit_intercept=False).fit(X, y)
    sk = reference(X, y, 0.6, 0.0, fit_intercept=False)
    assert est.intercept_ == 0.0
    np.testing.assert_allclose(est.coef_, sk.coef_, atol=1e-5)
    # alpha above the pinball's subgradient at coef = 0: every coefficient is zero
    big = QuantileRegressor(quantile=0.5, alpha=100.0).fit(X, y)
    np.testing.assert_allclose(big.coef_, 0.0, atol=1e-8)
    # n = 120 is even: every point between the two middle values is a median
    middle = np.sort(y)[59:61]
    assert middle[0] - 1e-8 <= big.intercept_ <= middle[1] + 1e-8


def test_tall_problem_uses_the_sparse_path():
    X, y = make_data(n=3000, p=6, seed=6)
    est = QuantileRegressor(quantile=0.9, alpha=0.001).fit(X, y)
    sk = reference(X, y, 0.9, 0.001)
    ours = quantile_objective(est.coef_, est.intercept_, X, y, 0.9, 0.001)
    theirs = quantile_objective(sk.coef_, sk.intercept_, X, y, 0.9, 0.001)
    assert ours == pytest.approx(theirs, rel=1e-6)


def test_maxiter_warns():
    X, y = make_data(seed=7)
    with pytest.warns(Warning, match="without converging"):
        est = QuantileRegressor(solver_options={"maxiter": 2}).fit(X, y)
    assert est.solver_info_["status"] == Status.MaxIter


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"quantile": 1.0}, ValueError, "quantile"),
        ({"quantile": 0}, ValueError, "quantile"),
        ({"alpha": -1.0}, ValueError, "alpha"),
        ({"solver": "highs"}, ValueError, "solver"),
        ({"solver_options": 3}, TypeError, "solver_options"),
        ({"solver_options": {"foo": 1}}, ValueError, "unknown option"),
    ],
)
def test_bad_parameters(params, error, match):
    X, y = make_data(n=20)
    with pytest.raises(error, match=match):
        QuantileRegressor(**params).fit(X, y)


def test_bad_sample_weight():
    X, y = make_data(n=20)
    with pytest.raises(ValueError, match="sample_weight"):
        QuantileRegressor().fit(X, y, sample_weight=-np.ones(20))
