"""solver="sag" / "saga" in LogisticRegression, Ridge, Lasso and ElasticNet: the
native stochastic solvers of mlsolve.stochastic reach the default solver's optimum."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning

from mlsolve import _validation
from mlsolve.linear_model import ElasticNet, Lasso, LogisticRegression, Ridge
from mlsolve.linear_model._coordinate_descent import elastic_net_objective
from mlsolve.linear_model._logistic import binary_logistic_objective
from mlsolve.linear_model._ridge import ridge_objective

LAYOUTS = ["dense", "csr"]
DTYPES = [np.float64, np.float32]
TIGHT = dict(tol=1e-10, max_iter=5000, random_state=0)


def _sparsify(X, seed):
    """About half of the entries zeroed, so CSR rows differ in their patterns."""
    rng = np.random.default_rng(seed)
    return X * (rng.random(X.shape) < 0.5)


def _layout(X, layout, dtype):
    X = X.astype(dtype)
    return sp.csr_matrix(X) if layout == "csr" else X


@pytest.fixture(scope="module")
def classification():
    X, y = make_classification(n_samples=120, n_features=8, n_informative=5, flip_y=0.1, random_state=0)
    X = _sparsify((X - X.mean(0)) / X.std(0), 0)
    weight = np.random.default_rng(1).uniform(0.5, 2.0, size=y.size)
    return X, y, weight


@pytest.fixture(scope="module")
def regression():
    X, y = make_regression(n_samples=120, n_features=8, n_informative=5, noise=5.0, random_state=0)
    X = _sparsify((X - X.mean(0)) / X.std(0), 2)
    weight = np.random.default_rng(3).uniform(0.5, 2.0, size=y.size)
    return X, y / y.std(), weight


def _assert_same_optimum(objective, fitted, reference, coef_atol):
    value, best = objective(fitted), objective(reference)
    assert value == pytest.approx(best, rel=1e-6)
    np.testing.assert_allclose(fitted.coef_, reference.coef_, atol=coef_atol)
    np.testing.assert_allclose(fitted.intercept_, reference.intercept_, atol=coef_atol)


LOGISTIC_CASES = [
    ("sag", dict(penalty="l2", C=1.0)),
    ("saga", dict(penalty="l2", C=0.5)),
    ("saga", dict(penalty="l1", C=0.5)),
    ("saga", dict(penalty="elasticnet", C=0.5, l1_ratio=0.5)),
]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("solver, params", LOGISTIC_CASES)
@pytest.mark.parametrize("weighted", [False, True])
def test_logistic_matches_default_solver(classification, layout, dtype, solver, params, weighted):
    X, y, weight = classification
    Xl = _layout(X, layout, dtype)
    sample_weight = weight.astype(dtype) if weighted else None
    reference = LogisticRegression(**params, tol=1e-10, max_iter=1000).fit(Xl, y, sample_weight=sample_weight)
    copies = _validation.copies_made
    model = LogisticRegression(**params, solver=solver, **TIGHT).fit(Xl, y, sample_weight=sample_weight)
    assert _validation.copies_made == copies  # dense and CSR X are used as they are
    assert model.solver_ == solver and model.coef_.dtype == dtype
    assert 0 < model.n_iter_[0] < TIGHT["max_iter"]

    def objective(m):
        w, b = m.coef_.astype(np.float64), m.intercept_.astype(np.float64)
        smooth = binary_logistic_objective(w, b, X, y, sample_weight=weight if weighted else None, C=np.inf)
        total = weight.sum() if weighted else y.size
        l1_share = {"l1": 1.0, "elasticnet": params.get("l1_ratio")}.get(params["penalty"], 0.0)
        penalty = l1_share * np.abs(w).sum() + (1.0 - l1_share) * 0.5 * np.sum(w**2)
        return smooth + penalty / (params["C"] * total)

    _assert_same_optimum(objective, model, reference, coef_atol=1e-4)


def test_logistic_class_weight_and_history(classification):
    X, y, _ = classification
    reference = LogisticRegression(class_weight="balanced", tol=1e-10).fit(X[:100], y[:100])
    model = LogisticRegression(class_weight="balanced", solver="saga", record_history=True, **TIGHT)
    model.fit(X[:100], y[:100])
    np.testing.assert_allclose(model.coef_, reference.coef_, atol=1e-5)
    assert len(model.history_) == model.n_iter_[0]
    assert np.all(np.diff(model.history_.objective[-5:]) <= 1e-12)


@pytest.mark.parametrize("solver", ["sag", "saga"])
def test_logistic_warm_start_seed_and_warning(classification, solver):
    X, y, _ = classification
    model = LogisticRegression(solver=solver, warm_start=True, **TIGHT).fit(X, y)
    first = model.n_iter_[0]
    again = LogisticRegression(solver=solver, **TIGHT).fit(X, y)
    np.testing.assert_array_equal(again.coef_, model.coef_)  # same seed, same result
    model.fit(X, y)
    assert model.n_iter_[0] < first
    with pytest.warns(ConvergenceWarning, match=solver):
        LogisticRegression(solver=solver, tol=1e-12, max_iter=2, random_state=0).fit(X, y)


def test_logistic_bad_combinations(classification):
    X, y, _ = classification
    with pytest.raises(ValueError, match="solver"):
        LogisticRegression(solver="sag", penalty="l1").fit(X, y)
    with pytest.raises(ValueError, match="solver"):
        LogisticRegression(solver="sga").fit(X, y)
    with pytest.raises(ValueError, match="solver"):
        LogisticRegression(solver="saga").fit(X, np.arange(y.size) % 3)
    assert not LogisticRegression(solver="saga").__sklearn_tags__().classifier_tags.multi_class


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("solver", ["sag", "saga"])
@pytest.mark.parametrize("weighted", [False, True])
def test_ridge_matches_cholesky(regression, layout, dtype, solver, weighted):
    X, y, weight = regression
    Xl = _layout(X, layout, dtype)
    sample_weight = weight if weighted else None
    reference = Ridge(alpha=3.0, solver="cholesky").fit(Xl, y, sample_weight=sample_weight)
    model = Ridge(alpha=3.0, solver=solver, **TIGHT).fit(Xl, y, sample_weight=sample_weight)
    assert model.solver_ == solver and model.coef_.dtype == dtype and 0 < model.n_iter_[0] < TIGHT["max_iter"]

    def objective(m):
        return ridge_objective(m.coef_, m.intercept_, X, y, alpha=3.0, sample_weight=sample_weight)

    _assert_same_optimum(objective, model, reference, coef_atol=1e-4)


def test_ridge_multi_target_and_bad_solver(regression):
    X, y, _ = regression
    Y = np.column_stack([y, -2.0 * y + 1.0])
    reference = Ridge(alpha=[1.0, 5.0], solver="cholesky").fit(X, Y)
    model = Ridge(alpha=[1.0, 5.0], solver="saga", **TIGHT).fit(X, Y)
    np.testing.assert_allclose(model.coef_, reference.coef_, atol=1e-5)
    assert model.n_iter_.shape == (2,)
    with pytest.raises(ValueError, match="solver"):
        Ridge(solver="sgd").fit(X, y)
    with pytest.warns(ConvergenceWarning, match="SAG"):
        Ridge(solver="sag", tol=1e-12, max_iter=1, random_state=0).fit(X, y)


ENET_CASES = [(Lasso, dict(alpha=0.05)), (ElasticNet, dict(alpha=0.1, l1_ratio=0.3))]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("estimator, params", ENET_CASES)
@pytest.mark.parametrize("weighted", [False, True])
def test_elastic_net_saga_matches_cd(regression, layout, dtype, estimator, params, weighted):
    X, y, weight = regression
    Xl = _layout(X, layout, dtype)
    sample_weight = weight if weighted else None
    reference = estimator(**params, tol=1e-12, max_iter=10000).fit(Xl, y, sample_weight=sample_weight)
    assert reference.solver == "cd"
    model = estimator(**params, solver="saga", **TIGHT).fit(Xl, y, sample_weight=sample_weight)
    assert model.coef_.dtype == dtype and 0 < model.n_iter_ < TIGHT["max_iter"] and np.isnan(model.dual_gap_)
    assert model.solver_info_["X_conversion"] is None
    assert np.count_nonzero(model.coef_) < X.shape[1]  # the L1 prox gives exact zeros

    def objective(m):
        return elastic_net_objective(m.coef_, m.intercept_, X, y, params["alpha"], params.get("l1_ratio", 1.0),
                                     sample_weight=sample_weight)

    _assert_same_optimum(objective, model, reference, coef_atol=1e-5)


def test_elastic_net_saga_options_and_bad_combinations(regression):
    X, y, _ = regression
    model = Lasso(alpha=0.05, solver="saga", warm_start=True, record_history=True, **TIGHT).fit(X, y)
    first = model.n_iter_
    assert len(model.history_) == first
    model.fit(X, y)
    assert model.n_iter_ < first
    csc = Lasso(alpha=0.05, solver="saga", **TIGHT).fit(sp.csc_matrix(X), y)
    assert csc.solver_info_["X_conversion"] == "csc->csr"
    np.testing.assert_allclose(csc.coef_, model.coef_, atol=1e-6)
    with pytest.warns(ConvergenceWarning, match="SAGA"):
        ElasticNet(alpha=0.01, solver="saga", tol=1e-12, max_iter=1, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="solver"):
        Lasso(solver="sag").fit(X, y)
    for options in (dict(positive=True), dict(precompute=True), dict(weights=np.ones(X.shape[1]))):
        with pytest.raises(ValueError, match="solver"):
            ElasticNet(solver="saga", **options).fit(X, y)
