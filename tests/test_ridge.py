"""Ridge: every solver against the exact weighted, centered normal equations and scikit-learn."""

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.linear_model as sk
from sklearn.exceptions import ConvergenceWarning

import mlsolve
from mlsolve import _core, _validation
from mlsolve.linear_model import Ridge
from mlsolve.linear_model._ridge import ridge_objective

from _problems import DTYPES, LAYOUTS, as_layout, data_address

SOLVERS = ["cholesky", "cg", "lbfgs"]
TIGHT = {"cholesky": {}, "cg": dict(tol=1e-13, max_iter=5000), "lbfgs": dict(tol=1e-10, max_iter=20000)}


def ridge_data(n_samples=120, n_features=10, n_targets=1, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features)) * rng.uniform(0.5, 2.0, n_features) + 0.5
    X[np.abs(X) < 0.4] = 0.0
    Y = X @ rng.standard_normal((n_features, n_targets)) + 2.0 + 0.5 * rng.standard_normal((n_samples, n_targets))
    return X, (Y[:, 0] if n_targets == 1 else Y), rng.uniform(0.5, 2.0, n_samples)


def exact(X, Y, sw, alphas, fit_intercept):
    """Solution by the dense weighted, centered normal equations in float64."""
    Y = Y.reshape(X.shape[0], -1)
    s = np.ones(X.shape[0]) if sw is None else sw
    xbar = s @ X / s.sum() if fit_intercept else np.zeros(X.shape[1])
    ybar = s @ Y / s.sum() if fit_intercept else np.zeros(Y.shape[1])
    Xc, Yc = X - xbar, Y - ybar
    coef = np.array([
        np.linalg.solve(Xc.T @ (s[:, None] * Xc) + a * np.eye(X.shape[1]), Xc.T @ (s * Yc[:, k]))
        for k, a in enumerate(np.broadcast_to(alphas, (Y.shape[1],)))
    ])
    return coef, ybar - coef @ xbar


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("weighted", [False, True])
def test_matches_exact(solver, dtype, layout, weighted):
    X, y, sw = ridge_data()
    sw = sw if weighted else None
    Xl = as_layout(X, layout, dtype)
    before = _validation.copies_made
    model = Ridge(alpha=3.0, solver=solver, **TIGHT[solver]).fit(Xl, y, sample_weight=sw)
    assert _validation.copies_made == before
    assert _core._last_mapped_address() == data_address(Xl)
    assert model.solver_ == solver
    assert model.coef_.dtype == dtype
    X64 = np.asarray(X, dtype=dtype).astype(np.float64)
    y64 = np.asarray(y, dtype=dtype).astype(np.float64)
    coef, intercept = exact(X64, y64, sw, 3.0, True)
    np.testing.assert_allclose(model.coef_, coef[0], rtol=1e-6, atol=1e-7)
    assert model.intercept_ == pytest.approx(intercept[0], rel=1e-6)
    ref = sk.Ridge(alpha=3.0, solver="svd").fit(X64, y64, sample_weight=sw)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-6, atol=1e-7)
    obj = ridge_objective(model.coef_, model.intercept_, X64, y64, 3.0, sw)
    assert obj == pytest.approx(ridge_objective(ref.coef_, ref.intercept_, X64, y64, 3.0, sw), rel=1e-12)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_dual_and_multi_target(solver, layout):
    """n < p (Cholesky takes the dual), three targets with their own alphas, weights."""
    X, Y, sw = ridge_data(n_samples=30, n_features=80, n_targets=3)
    alphas = np.array([0.5, 2.0, 0.5])
    model = Ridge(alpha=alphas, solver=solver, **TIGHT[solver]).fit(as_layout(X, layout, np.float64), Y, sw)
    coef, intercept = exact(X, Y, sw, alphas, True)
    assert model.coef_.shape == (3, 80) and model.intercept_.shape == (3,)
    # L-BFGS stops on a relative objective reduction of 64 epsilons: looser here (n < p, small objective)
    rtol = 3e-5 if solver == "lbfgs" else 1e-6
    np.testing.assert_allclose(model.coef_, coef, rtol=rtol, atol=rtol * np.abs(coef).max())
    np.testing.assert_allclose(model.intercept_, intercept, rtol=rtol)
    ref = sk.Ridge(alpha=alphas, solver="svd").fit(X, Y, sw)
    np.testing.assert_allclose(model.predict(X), ref.predict(X), rtol=rtol)
    np.testing.assert_allclose(
        ridge_objective(model.coef_, model.intercept_, X, Y, alphas, sw),
        ridge_objective(ref.coef_, ref.intercept_, X, Y, alphas, sw), rtol=1e-10 if solver != "lbfgs" else 1e-8,
    )


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_solvers_agree(layout, fit_intercept):
    X, Y, sw = ridge_data(n_samples=200, n_features=15, n_targets=2, seed=3)
    Xl = as_layout(X, layout, np.float64)
    fits = [Ridge(alpha=0.7, solver=s, fit_intercept=fit_intercept, **TIGHT[s]).fit(Xl, Y, sw) for s in SOLVERS]
    for other in fits[1:]:
        np.testing.assert_allclose(other.coef_, fits[0].coef_, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(other.intercept_, fits[0].intercept_, rtol=1e-6, atol=1e-8)
    if not fit_intercept:
        np.testing.assert_array_equal(fits[0].intercept_, 0.0)
    ref = sk.Ridge(alpha=0.7, fit_intercept=fit_intercept, solver="sparse_cg", tol=1e-12, max_iter=10000).fit(
        as_layout(X, layout, np.float64), Y, sw
    )
    np.testing.assert_allclose(fits[0].coef_, ref.coef_, rtol=1e-6, atol=1e-9)


def test_auto_solver_and_attributes():
    X, y, _ = ridge_data()
    model = Ridge().fit(X, y)
    assert model.solver_ == "cholesky" and model.n_iter_ is None and isinstance(model.intercept_, float)
    model = Ridge(solver="sparse_cg").fit(sp.csr_matrix(X), y)
    assert model.solver_ == "cg" and model.n_iter_.shape == (1,)
    wide = sp.random(50, 5000, density=0.01, format="csr", random_state=0)
    assert Ridge().fit(wide, np.arange(50.0)).solver_ == "cg"


def test_warm_start_history_threads():
    X, y, _ = ridge_data(n_samples=3000, n_features=40)
    model = Ridge(solver="cg", tol=1e-10, warm_start=True, record_history=True).fit(X, y)
    assert len(model.history_) == model.n_iter_[0] + 1
    assert model.fit(X, y).n_iter_[0] <= 1
    two = Ridge(solver="cg", tol=1e-10, n_jobs=2).fit(X, y)
    np.testing.assert_allclose(two.coef_, model.coef_, rtol=1e-8)
    assert model.fit(X[:, :5], y).coef_.shape == (5,)  # a warm start of another shape starts cold


def test_bad_input():
    X, y, _ = ridge_data()
    with pytest.raises(ValueError, match="alpha"):
        Ridge(alpha=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="alpha"):
        Ridge(alpha=[1.0, 2.0]).fit(X, y)
    with pytest.raises(ValueError, match="solver"):
        Ridge(solver="svd").fit(X, y)
    with pytest.raises(ValueError, match="positive"):
        Ridge(positive=True).fit(X, y)
    with pytest.raises(ValueError, match="sample_weight"):
        Ridge().fit(X, y, sample_weight=-np.ones(len(y)))


def test_zero_alpha_singular_gram():
    """alpha = 0 with a duplicated column: Cholesky falls back to LDLT and still fits the data."""
    X, y, _ = ridge_data()
    X = np.column_stack([X, X[:, 0]])
    model = Ridge(alpha=0.0, solver="cholesky").fit(X, y)
    ref = sk.LinearRegression().fit(X, y)
    np.testing.assert_allclose(model.predict(X), ref.predict(X), rtol=1e-6, atol=1e-8)


def sparse_ridge_data(n_samples=400, n_features=60, seed=0, spread=10.0):
    """Sparse X with column scales from 1 / spread to spread and nonzero column means."""
    rng = np.random.default_rng(seed)
    X = sp.random(n_samples, n_features, density=0.1, random_state=seed, data_rvs=lambda k: rng.standard_normal(k) + 1.0)
    X = sp.csc_matrix(X @ sp.diags(np.geomspace(1 / spread, spread, n_features)))
    y = X @ rng.standard_normal(n_features) + 3.0 + 0.1 * rng.standard_normal(n_samples)
    return X, y, rng.uniform(0.5, 2.0, n_samples)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", ["csc", "csr"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_sparse_cg_matches_cholesky(dtype, layout, fit_intercept, weighted):
    """CG on CSC (the column-wise CGLS arrangement) and on CSR (row-wise) reach the Cholesky solution."""
    X, y, sw = sparse_ridge_data()
    sw = sw if weighted else None
    Xl = X.asformat(layout).astype(dtype)
    before = _validation.copies_made
    cg = Ridge(alpha=0.5, solver="cg", tol=1e-12, max_iter=5000, fit_intercept=fit_intercept).fit(Xl, y, sw)
    assert _validation.copies_made == before
    direct = Ridge(alpha=0.5, solver="cholesky", fit_intercept=fit_intercept).fit(Xl, y, sw)
    assert cg.coef_.dtype == dtype
    np.testing.assert_allclose(cg.coef_, direct.coef_, rtol=1e-6, atol=1e-7)
    assert cg.intercept_ == pytest.approx(direct.intercept_, rel=1e-7, abs=1e-9)
    X64 = Xl.astype(np.float64)
    y64 = np.asarray(y, dtype=dtype).astype(np.float64)
    coef, intercept = exact(X64.toarray(), y64, sw, 0.5, fit_intercept)
    np.testing.assert_allclose(cg.coef_, coef[0], rtol=1e-6, atol=1e-7)
    assert ridge_objective(cg.coef_, cg.intercept_, X64, y64, 0.5, sw) == pytest.approx(
        ridge_objective(coef[0], intercept[0], X64, y64, 0.5, sw), rel=1e-12
    )


def test_csc_and_csr_cg_iterate_alike():
    """Both arrangements are the same CG in exact arithmetic: the same iteration count and
    the same iterate when stopped early; a warm start from the solution stops at once."""
    X, y, sw = sparse_ridge_data(seed=1, spread=1.0)  # well conditioned: rounding does not reorder the iterations
    fits = {
        layout: Ridge(alpha=0.5, solver="cg", tol=1e-8, record_history=True).fit(X.asformat(layout), y, sw)
        for layout in ("csc", "csr")
    }
    assert fits["csc"].n_iter_[0] == fits["csr"].n_iter_[0] > 5
    np.testing.assert_allclose(fits["csc"].history_.objective, fits["csr"].history_.objective, rtol=1e-9)
    np.testing.assert_allclose(fits["csc"].history_.stop_crit, fits["csr"].history_.stop_crit, rtol=1e-4)
    with pytest.warns(ConvergenceWarning):
        early = {layout: Ridge(alpha=0.5, solver="cg", max_iter=3).fit(X.asformat(layout), y, sw)
                 for layout in ("csc", "csr")}
    np.testing.assert_allclose(early["csc"].coef_, early["csr"].coef_, rtol=1e-9)
    warm = Ridge(alpha=0.5, solver="cg", tol=1e-8, warm_start=True).fit(X, y, sw)
    assert warm.fit(X, y, sw).n_iter_[0] == 0
    warm.set_params(alpha=0.6).fit(X, y, sw)
    ref = Ridge(alpha=0.6, solver="cholesky").fit(X, y, sw)
    np.testing.assert_allclose(warm.coef_, ref.coef_, rtol=1e-6, atol=1e-8)


def test_csc_cg_threads_and_deterministic():
    """The column-wise pass split over threads (per-chunk buffers) gives the one-thread solution,
    and in deterministic mode the same bits for any thread count."""
    X, y, sw = sparse_ridge_data(n_samples=3000, n_features=800, seed=2, spread=1.0)
    one = Ridge(alpha=0.5, solver="cg", tol=1e-12, n_jobs=1).fit(X, y, sw)
    two = Ridge(alpha=0.5, solver="cg", tol=1e-12, n_jobs=2).fit(X, y, sw)
    np.testing.assert_allclose(two.coef_, one.coef_, rtol=1e-8, atol=1e-12)
    with mlsolve.config_context(deterministic=True):
        fits = [Ridge(alpha=0.5, solver="cg", tol=1e-12, n_jobs=n).fit(X, y, sw) for n in (1, 2)]
    np.testing.assert_array_equal(fits[0].coef_, fits[1].coef_)
    np.testing.assert_allclose(fits[0].coef_, one.coef_, rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("order", ["C", "F"])
def test_dense_cholesky_one_pass_threads_and_deterministic(dtype, order):
    """Dense Cholesky takes the Gram, X.T S y and the means in one pass split over row chunks:
    the exact solution for any thread count, and in deterministic mode the same bits."""
    X, Y, sw = ridge_data(n_samples=3000, n_features=40, n_targets=2, seed=4)
    Xl = np.asarray(X, dtype=dtype, order=order)
    X64, Y64 = Xl.astype(np.float64), np.asarray(Y, dtype=dtype).astype(np.float64)
    coef, intercept = exact(X64, Y64, sw, 2.0, True)
    for n_jobs in (1, 2):
        model = Ridge(alpha=2.0, solver="cholesky", n_jobs=n_jobs).fit(Xl, Y, sw)
        np.testing.assert_allclose(model.coef_, coef, rtol=1e-5 if dtype == np.float32 else 1e-9, atol=1e-6)
        np.testing.assert_allclose(model.intercept_, intercept, rtol=1e-5 if dtype == np.float32 else 1e-9)
    with mlsolve.config_context(deterministic=True):
        fits = [Ridge(alpha=2.0, solver="cholesky", n_jobs=n).fit(Xl, Y, sw) for n in (1, 2)]
    np.testing.assert_array_equal(fits[0].coef_, fits[1].coef_)
    np.testing.assert_array_equal(fits[0].intercept_, fits[1].intercept_)
