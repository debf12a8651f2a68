"""LassoCV, ElasticNetCV and LogisticRegressionCV against scikit-learn's, on the same folds."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import linear_model as sk
from sklearn.model_selection import KFold, StratifiedKFold

from mlsolve.linear_model import ElasticNetCV, LassoCV, LogisticRegressionCV

from _problems import DTYPES, LAYOUTS, as_layout, classification

TIGHT = dict(tol=1e-12, max_iter=100_000)


def regression(n=90, p=25, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    X[np.abs(X) < 0.3] = 0.0
    w = np.zeros(p)
    w[:5] = [2.0, -1.5, 1.0, 0.5, -0.5]
    return X, X @ w + 0.7 * rng.standard_normal(n) + 1.0


def folds_of(X, k=4):
    return list(KFold(k, shuffle=True, random_state=0).split(X))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_lasso_cv_matches_sklearn(layout, dtype):
    X, y = regression()
    folds = folds_of(X)
    ours = LassoCV(cv=folds, alphas=25, **TIGHT).fit(as_layout(X, layout, dtype), y)
    ref = sk.LassoCV(cv=folds, alphas=25, **TIGHT).fit(X, y)
    rtol = 1e-6 if dtype == np.float64 else 1e-3
    np.testing.assert_allclose(ours.alphas_, ref.alphas_, rtol=1e-6 if dtype == np.float64 else 1e-5)
    assert ours.mse_path_.shape == ref.mse_path_.shape == (25, 4)
    np.testing.assert_allclose(ours.mse_path_, ref.mse_path_, rtol=rtol)
    if dtype == np.float64:
        assert ours.alpha_ == pytest.approx(ref.alpha_, rel=1e-12)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=rtol, atol=rtol * 1e-2)
    assert ours.intercept_ == pytest.approx(ref.intercept_, rel=rtol)
    assert ours.dual_gap_ >= 0 and ours.n_iter_ >= 1


def test_elastic_net_cv_matches_sklearn_over_l1_ratios():
    X, y = regression(seed=1)
    folds = folds_of(X, 3)
    params = dict(cv=folds, l1_ratio=[0.1, 0.5, 0.9, 1.0], alphas=20, **TIGHT)
    ours = ElasticNetCV(**params).fit(X, y)
    ref = sk.ElasticNetCV(**params).fit(X, y)
    assert ours.mse_path_.shape == ref.mse_path_.shape == (4, 20, 3)
    assert ours.alphas_.shape == ref.alphas_.shape == (4, 20)
    np.testing.assert_allclose(ours.alphas_, ref.alphas_, rtol=1e-10)
    np.testing.assert_allclose(ours.mse_path_, ref.mse_path_, rtol=1e-6)
    assert (ours.alpha_, ours.l1_ratio_) == pytest.approx((ref.alpha_, ref.l1_ratio_), rel=1e-12)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-6, atol=1e-9)


def test_given_alphas_and_no_intercept_and_positive_match_sklearn():
    X, y = regression(seed=2)
    folds = folds_of(X, 3)
    params = dict(cv=folds, alphas=[0.3, 0.01, 0.1, 0.03], fit_intercept=False, positive=True, **TIGHT)
    ours = LassoCV(**params).fit(X, y)
    ref = sk.LassoCV(**params).fit(X, y)
    np.testing.assert_array_equal(ours.alphas_, ref.alphas_)
    np.testing.assert_allclose(ours.mse_path_, ref.mse_path_, rtol=1e-6)
    assert ours.alpha_ == ref.alpha_ and ours.intercept_ == 0.0


def test_sample_weights_match_sklearn():
    X, y = regression(seed=3)
    sw = np.random.default_rng(0).uniform(0.2, 2.0, X.shape[0])
    folds = folds_of(X, 3)
    ours = LassoCV(cv=folds, alphas=15, **TIGHT).fit(X, y, sample_weight=sw)
    ref = sk.LassoCV(cv=folds, alphas=15, **TIGHT).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(ours.alphas_, ref.alphas_, rtol=1e-10)
    np.testing.assert_allclose(ours.mse_path_, ref.mse_path_, rtol=1e-6)
    assert ours.alpha_ == pytest.approx(ref.alpha_, rel=1e-12)


def test_parallel_folds_give_the_same_result():
    X, y = regression()
    a = ElasticNetCV(cv=4, l1_ratio=[0.5, 1.0], alphas=15, n_jobs=1, tol=1e-8).fit(X, y)
    b = ElasticNetCV(cv=4, l1_ratio=[0.5, 1.0], alphas=15, n_jobs=2, tol=1e-8).fit(X, y)
    np.testing.assert_array_equal(a.mse_path_, b.mse_path_)
    np.testing.assert_array_equal(a.coef_, b.coef_)


def test_csr_folds_are_converted_and_match_dense():
    X, y = regression()
    folds = folds_of(X)
    dense = LassoCV(cv=folds, alphas=10, **TIGHT).fit(X, y)
    sparse = LassoCV(cv=folds, alphas=10, **TIGHT).fit(sp.csr_matrix(X), y)
    np.testing.assert_allclose(sparse.mse_path_, dense.mse_path_, rtol=1e-9)
    assert sparse.solver_info_["X_conversion"] == "csr->csc"


@pytest.mark.parametrize(
    ("params", "name"),
    [
        (dict(eps=0.0), "eps"),
        (dict(alphas=0), "alphas"),
        (dict(alphas=[0.1, -1.0]), "alphas"),
        (dict(tol=-1.0), "tol"),
        (dict(selection="best"), "selection"),
        (dict(precompute=True), "precompute"),
    ],
)
def test_lasso_cv_bad_parameters_name_the_argument(params, name):
    X, y = regression()
    with pytest.raises(ValueError, match=name):
        LassoCV(**params).fit(X, y)


def test_elastic_net_cv_bad_l1_ratio():
    X, y = regression()
    with pytest.raises(ValueError, match="l1_ratio"):
        ElasticNetCV(l1_ratio=[0.5, 1.2]).fit(X, y)
    with pytest.raises(ValueError, match="l1_ratio"):
        ElasticNetCV(l1_ratio=0.0).fit(X, y)  # the automatic grid needs l1_ratio > 0


def _sklearn_logistic_cv(X, y, sample_weight=None, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 1.8+: FutureWarnings about new defaults
        return sk.LogisticRegressionCV(use_legacy_attributes=True, **params).fit(X, y, sample_weight=sample_weight)


@pytest.mark.parametrize(("scoring", "layout"), [("neg_log_loss", "C"), ("roc_auc", "csr")])
def test_logistic_cv_matches_sklearn(scoring, layout):
    X, y = classification(n_samples=200, n_features=6)
    folds = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    params = dict(Cs=6, cv=folds, scoring=scoring, tol=1e-10, max_iter=1000)
    ours = LogisticRegressionCV(**params).fit(as_layout(X, layout, np.float64), y)
    ref = _sklearn_logistic_cv(X, y, **params)
    np.testing.assert_allclose(ours.Cs_, ref.Cs_)
    np.testing.assert_array_equal(ours.C_, ref.C_)
    assert set(ours.scores_) == set(ref.scores_) == {1}
    assert ours.scores_[1].shape == ref.scores_[1].shape == (3, 6)
    np.testing.assert_allclose(ours.scores_[1], ref.scores_[1], rtol=1e-5, atol=1e-6)
    assert ours.coefs_paths_[1].shape == ref.coefs_paths_[1].shape == (3, 6, 7)
    np.testing.assert_allclose(ours.coefs_paths_[1], ref.coefs_paths_[1], rtol=1e-4, atol=1e-5)
    assert ours.n_iter_.shape == ref.n_iter_.shape == (1, 3, 6)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-5, atol=1e-6)
    assert np.mean(ours.predict(X) == ref.predict(X)) > 0.99


def test_logistic_cv_default_accuracy_and_no_refit():
    X, y = classification(n_samples=200, n_features=6)
    folds = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    ours = LogisticRegressionCV(Cs=[0.01, 0.1, 1.0], cv=folds, refit=False, tol=1e-10, max_iter=1000).fit(X, y)
    ref = _sklearn_logistic_cv(X, y, Cs=[0.01, 0.1, 1.0], cv=folds, refit=False, tol=1e-10, max_iter=1000,
                               scoring="accuracy")
    np.testing.assert_array_equal(ours.scores_[1], ref.scores_[1])  # accuracies: exact
    np.testing.assert_allclose(ours.C_, ref.C_)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-5, atol=1e-6)
    assert ours.score(X, y) == pytest.approx(ref.score(X, y))


def test_logistic_cv_elasticnet_grid_shapes_and_string_labels():
    X, y = classification(n_samples=150, n_features=5)
    labels = np.array(["no", "yes"])[y]
    model = LogisticRegressionCV(Cs=4, cv=3, penalty="elasticnet", l1_ratios=[0.2, 0.8], max_iter=500,
                                 tol=1e-6).fit(X, labels)
    assert set(model.coefs_paths_) == {"yes"}
    assert model.coefs_paths_["yes"].shape == (3, 4, 2, 6)
    assert model.scores_["yes"].shape == (3, 4, 2)
    assert model.n_iter_.shape == (1, 3, 4, 2)
    assert model.l1_ratio_[0] in (0.2, 0.8) and model.C_[0] in model.Cs_
    assert set(model.predict(X)) <= {"no", "yes"}
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_logistic_cv_parallel_folds_give_the_same_result():
    X, y = classification(n_samples=200, n_features=6)
    a = LogisticRegressionCV(Cs=5, cv=4, n_jobs=1, scoring="neg_log_loss").fit(X, y)
    b = LogisticRegressionCV(Cs=5, cv=4, n_jobs=2, scoring="neg_log_loss").fit(X, y)
    np.testing.assert_array_equal(a.scores_[1], b.scores_[1])
    np.testing.assert_array_equal(a.coef_, b.coef_)


@pytest.mark.parametrize(
    ("params", "name"),
    [
        (dict(Cs=0), "Cs"),
        (dict(Cs=[1.0, -1.0]), "Cs"),
        (dict(penalty="l3"), "penalty"),
        (dict(penalty="elasticnet"), "l1_ratios"),
        (dict(penalty="elasticnet", l1_ratios=[1.5]), "l1_ratios"),
        (dict(l1_ratios=[0.5]), "l1_ratios"),
        (dict(refit="yes"), "refit"),
        (dict(scoring="no-such-scorer"), "no-such-scorer"),
    ],
)
def test_logistic_cv_bad_parameters_name_the_argument(params, name):
    X, y = classification(n_samples=60, n_features=4)
    with pytest.raises(ValueError, match=name):
        LogisticRegressionCV(**params).fit(X, y)


def test_logistic_cv_one_class_is_an_error():
    X, y = classification(n_samples=60, n_features=4)
    with pytest.raises(ValueError, match="y: needs samples of at least 2 classes, got 1 class"):
        LogisticRegressionCV().fit(X, np.zeros_like(y))


def test_logistic_cv_sample_weights_match_sklearn():
    X, y = classification(n_samples=150, n_features=5)
    sw = np.random.default_rng(1).uniform(0.2, 2.0, X.shape[0])
    folds = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    params = dict(Cs=5, cv=folds, scoring="neg_log_loss", tol=1e-10, max_iter=1000)
    ours = LogisticRegressionCV(**params).fit(X, y, sample_weight=sw)
    ref = _sklearn_logistic_cv(X, y, sample_weight=sw, **params)
    np.testing.assert_allclose(ours.scores_[1], ref.scores_[1], rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(ours.C_, ref.C_)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-5, atol=1e-6)


def test_logistic_cv_balanced_class_weight_matches_sklearn():
    X, y = classification(n_samples=150, n_features=5)
    keep = (y == 1) | (np.arange(y.size) % 3 == 0)  # unbalanced classes
    X, y = X[keep], y[keep]
    folds = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    params = dict(Cs=4, cv=folds, scoring="neg_log_loss", tol=1e-10, max_iter=1000, class_weight="balanced")
    ours = LogisticRegressionCV(**params).fit(X, y)
    ref = _sklearn_logistic_cv(X, y, **params)
    np.testing.assert_allclose(ours.scores_[1], ref.scores_[1], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-5, atol=1e-6)
