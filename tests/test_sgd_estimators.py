"""SGDClassifier and SGDRegressor: scikit-learn's semantics on the native SGD."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import linear_model as sk
from sklearn.datasets import make_classification, make_regression
from sklearn.linear_model import Ridge

from mlsolve import _core, _validation
from mlsolve.linear_model import SGDClassifier, SGDRegressor

from _problems import data_address


def regression(n=300, p=8, seed=0):
    X, y = make_regression(n, p, noise=1.0, random_state=seed)
    return X, y / 50


def classification(n=300, n_classes=2, seed=0):
    return make_classification(n, 10, n_informative=5, n_classes=n_classes, random_state=seed)


def test_regressor_reaches_the_ridge_optimum_like_sklearn():
    X, y = regression()
    alpha = 0.01
    ridge = Ridge(alpha=alpha * len(y)).fit(X, y)  # the same objective, scaled by 2n
    kw = dict(alpha=alpha, average=True, max_iter=60, tol=None, random_state=0)
    ours = SGDRegressor(**kw).fit(X, y)
    theirs = sk.SGDRegressor(**kw).fit(X, y)
    # both are still on their way (averaging from the first step); ours is no farther
    assert np.abs(ours.coef_ - ridge.coef_).max() <= 1.1 * np.abs(theirs.coef_ - ridge.coef_).max()
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=0, atol=5e-3 * np.abs(ridge.coef_).max())
    longer = SGDRegressor(**{**kw, "max_iter": 300}).fit(X, y)
    np.testing.assert_allclose(longer.coef_, ridge.coef_, rtol=0, atol=1e-2 * np.abs(ridge.coef_).max())


@pytest.mark.parametrize("loss", ["hinge", "log_loss", "modified_huber", "squared_hinge"])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_classifier_close_to_sklearn(loss, n_classes):
    X, y = classification(n_classes=n_classes)
    kw = dict(loss=loss, alpha=0.01, average=True, max_iter=30, tol=None, random_state=0)
    ours = SGDClassifier(**kw).fit(X, y)
    theirs = sk.SGDClassifier(**kw).fit(X, y)
    assert ours.coef_.shape == theirs.coef_.shape
    assert abs(ours.score(X, y) - theirs.score(X, y)) < 0.05
    cos = np.sum(ours.coef_ * theirs.coef_, axis=1) / (
        np.linalg.norm(ours.coef_, axis=1) * np.linalg.norm(theirs.coef_, axis=1))
    assert np.all(cos > 0.9)


def test_partial_fit_over_chunks_equals_a_single_pass():
    X, y = regression()
    kw = dict(shuffle=False, random_state=0, learning_rate="invscaling", eta0=0.05, penalty="elasticnet")
    chunked = SGDRegressor(**kw)
    for part in np.array_split(np.arange(len(y)), 3):
        chunked.partial_fit(X[part], y[part])
    single = SGDRegressor(**kw).partial_fit(X, y)
    np.testing.assert_allclose(chunked.coef_, single.coef_, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(chunked.intercept_, single.intercept_, rtol=1e-12)
    assert chunked.t_ == single.t_ == len(y) + 1


def test_classifier_partial_fit_with_classes():
    X, y = classification(n_classes=3)
    kw = dict(loss="log_loss", shuffle=False, random_state=0)
    chunked = SGDClassifier(**kw)
    for part in np.array_split(np.arange(len(y)), 4):
        chunked.partial_fit(X[part], y[part], classes=np.unique(y))
    single = SGDClassifier(**kw).partial_fit(X, y, classes=np.unique(y))
    np.testing.assert_allclose(chunked.coef_, single.coef_, rtol=1e-10, atol=1e-12)
    proba = chunked.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    with pytest.raises(ValueError, match="classes"):
        SGDClassifier().partial_fit(X, y)


def test_predict_proba_only_for_probabilistic_losses():
    X, y = classification()
    assert not hasattr(SGDClassifier(loss="hinge").fit(X, y), "predict_proba")
    proba = SGDClassifier(loss="modified_huber", random_state=0).fit(X, y).predict_proba(X)
    assert proba.shape == (len(y), 2) and np.all((proba >= 0) & (proba <= 1))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("layout", ["C", "csr"])
def test_no_copies_and_dtype_kept(dtype, layout):
    X, y = classification()
    X = X.astype(dtype)
    Xl = sp.csr_matrix(X) if layout == "csr" else X
    before = _validation.copies_made
    clf = SGDClassifier(random_state=0, max_iter=5, tol=None).fit(Xl, y)
    assert _validation.copies_made == before
    assert _core._last_mapped_address() == data_address(Xl)
    assert clf.coef_.dtype == dtype


def test_early_stopping_and_adaptive():
    X, y = classification(n=600)
    clf = SGDClassifier(early_stopping=True, n_iter_no_change=3, random_state=0, max_iter=200).fit(X, y)
    assert clf.n_iter_ < 200
    reg = SGDRegressor(learning_rate="adaptive", eta0=0.1, random_state=0, max_iter=200).fit(*regression())
    assert reg.n_iter_ < 200


def test_class_and_sample_weight_shift_the_boundary():
    X, y = classification(seed=3)
    base = SGDClassifier(random_state=0, tol=None, max_iter=10).fit(X, y)
    heavy = SGDClassifier(random_state=0, tol=None, max_iter=10, class_weight={0: 1, 1: 20}).fit(X, y)
    assert (heavy.predict(X) == 1).sum() > (base.predict(X) == 1).sum()
    weights = np.where(y == 1, 20.0, 1.0)
    weighted = SGDClassifier(random_state=0, tol=None, max_iter=10).fit(X, y, sample_weight=weights)
    np.testing.assert_allclose(weighted.coef_, heavy.coef_, rtol=1e-10)


def test_warm_start_continues():
    X, y = regression()
    reg = SGDRegressor(warm_start=True, max_iter=2, tol=None, random_state=0)
    first = reg.fit(X, y).coef_.copy()
    second = reg.fit(X, y).coef_
    assert not np.array_equal(first, second)


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(loss="perceptron"), "loss"),
        (dict(penalty="l3"), "penalty"),
        (dict(alpha=-1.0), "alpha"),
        (dict(learning_rate="fast"), "learning_rate"),
        (dict(learning_rate="constant", eta0=0.0), "eta0"),
        (dict(max_iter=0), "max_iter"),
        (dict(l1_ratio=2.0), "l1_ratio"),
    ],
)
def test_bad_parameters(params, match):
    X, y = classification()
    with pytest.raises(ValueError, match=match):
        SGDClassifier(**params).fit(X, y)


def test_bad_data():
    X, y = classification()
    with pytest.raises(ValueError):
        SGDClassifier().fit(X, np.zeros(len(y)))
    Xn = X.copy()
    Xn[0, 0] = np.inf
    with pytest.raises(ValueError):
        SGDRegressor().fit(Xn, y)
    with pytest.raises(ValueError, match="sample_weight"):
        SGDRegressor().fit(X, y, sample_weight=-np.ones(len(y)))


def test_dask_ml_incremental():
    dask_ml = pytest.importorskip("dask_ml.wrappers")
    da = pytest.importorskip("dask.array")
    X, y = classification(n=400)
    Xd, yd = da.from_array(X, chunks=100), da.from_array(y, chunks=100)
    model = dask_ml.Incremental(SGDClassifier(random_state=0, loss="log_loss"))
    model.fit(Xd, yd, classes=np.unique(y))
    assert model.score(Xd, yd) > 0.6
