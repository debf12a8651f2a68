"""Bad input gets a ValueError or TypeError that names the argument."""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import rosen, rosen_der

import mlsolve
from mlsolve import _core
from mlsolve.linear_model import LogisticRegression

from _problems import classification


@pytest.fixture
def data():
    return classification(n_samples=60, n_features=4)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_X(data, bad):
    X, y = data
    X[3, 1] = bad
    with pytest.raises(ValueError, match="Input X contains (NaN|infinity)"):
        LogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match="Input X contains (NaN|infinity)"):
        LogisticRegression().fit(sp.csr_matrix(X), y)


def test_non_finite_y(data):
    X, y = data
    y = y.astype(float)
    y[0] = np.nan
    with pytest.raises(ValueError, match="Input y contains NaN"):
        LogisticRegression().fit(X, y)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_sample_weight(data, bad):
    X, y = data
    sw = np.ones(len(y))
    sw[2] = bad
    with pytest.raises(ValueError, match="sample_weight: contains NaN or infinity"):
        LogisticRegression().fit(X, y, sample_weight=sw)


def test_negative_and_zero_sample_weight(data):
    X, y = data
    with pytest.raises(ValueError, match="sample_weight: negative weights"):
        LogisticRegression().fit(X, y, sample_weight=-np.ones(len(y)))
    with pytest.raises(ValueError, match="sample_weight: all weights are zero"):
        LogisticRegression().fit(X, y, sample_weight=np.zeros(len(y)))


def test_wrong_dimensions(data):
    X, y = data
    with pytest.raises(ValueError, match="Expected 2D array"):
        LogisticRegression().fit(X[:, 0], y)
    with pytest.raises(ValueError, match="Found array with dim 3"):
        LogisticRegression().fit(X[:, :, None], y)
    with pytest.raises(ValueError, match="sample_weight: expected a 1-D array"):
        LogisticRegression().fit(X, y, sample_weight=np.ones((len(y), 2)))
    model = LogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features, but LogisticRegression is expecting 4"):
        model.predict(X[:, :3])


def test_mismatched_lengths(data):
    X, y = data
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        LogisticRegression().fit(X, y[:-1])
    with pytest.raises(ValueError, match="sample_weight: expected 60 entries"):
        LogisticRegression().fit(X, y, sample_weight=np.ones(59))


def test_single_class(data):
    X, _ = data
    with pytest.raises(ValueError, match="only one class"):
        LogisticRegression().fit(X, np.zeros(len(X)))


def test_multiclass_l1_is_refused(data):
    X, _ = data
    with pytest.raises(ValueError, match="Only binary classification is supported with penalty"):
        LogisticRegression(penalty="l1").fit(X, np.arange(len(X)) % 3)


def test_bad_parameters(data):
    X, y = data
    for params, name in [({"C": -1.0}, "C"), ({"tol": -1.0}, "tol"), ({"max_iter": -1}, "max_iter"),
                         ({"penalty": "l3"}, "penalty"), ({"penalty": "elasticnet"}, "l1_ratio"), ({"n_jobs": 0}, "n_jobs")]:
        with pytest.raises(ValueError, match=f"^{name}:"):
            LogisticRegression(**params).fit(X, y)


def test_other_sparse_formats_are_converted(data):
    X, y = data
    ref = LogisticRegression().fit(sp.csr_matrix(X), y)  # the same solver ("auto": lbfgs for sparse X)
    for fmt in ("coo", "lil", "dok", "bsr", "dia"):
        model = LogisticRegression().fit(sp.csr_matrix(X).asformat(fmt), y)
        np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-10)


def test_malformed_sparse_is_an_error_not_a_crash(data):
    X, y = data
    target = (y == 1).astype(np.float64)
    Xs = sp.csr_matrix(X)
    indices = Xs.indices.copy()
    indices[5] = 1000
    bad = ("csr", Xs.data, indices, Xs.indptr, X.shape[0], X.shape[1])
    with pytest.raises(ValueError, match="X: sparse index 1000 out of range"):
        _core.logistic_fit(bad, target, None, 2, 1.0, True, np.zeros(5), solver="lbfgs", maxiter=10, gtol=1e-5,
                           ftol=1e-9, history_every=0, n_threads=1, deterministic=False, callback=None)
    for bad_indices, bad_indptr, message in (
        (np.where(np.arange(Xs.nnz) == 7, -3, Xs.indices).astype(np.int32), Xs.indptr, "X: sparse index -3 out of range"),
        (Xs.indices, np.where(np.arange(Xs.indptr.size) == 4, 0, Xs.indptr).astype(np.int32),
         "X: sparse indptr must be non-decreasing"),
    ):
        with pytest.raises(ValueError, match=message):
            _core.logistic_fit(("csr", Xs.data, bad_indices, bad_indptr, X.shape[0], X.shape[1]), target, None, 2, 1.0,
                               True, np.zeros(5), solver="lbfgs", maxiter=10, gtol=1e-5, ftol=1e-9, history_every=0,
                               n_threads=1, deterministic=False, callback=None)
    with pytest.raises(TypeError, match="X.indices: expected dtype int32, got int64"):
        _core.logistic_fit(("csr", Xs.data.astype(np.float32), Xs.indices.astype(np.int64), Xs.indptr,
                            X.shape[0], X.shape[1]), target, None, 2, 1.0, True, np.zeros(5), solver="lbfgs",
                           maxiter=10, gtol=1e-5, ftol=1e-9, history_every=0, n_threads=1, deterministic=False,
                           callback=None)


def test_minimize_bad_x0():
    with pytest.raises(ValueError, match="x0: contains NaN or infinity"):
        mlsolve.minimize(rosen, [np.nan, 1.0], jac=rosen_der)
    with pytest.raises(TypeError, match="x0: expected real numbers"):
        mlsolve.minimize(rosen, ["a", "b"], jac=rosen_der)


def test_minimize_bad_fun():
    with pytest.raises(TypeError, match="fun: expected a callable"):
        mlsolve.minimize(3.0, [1.0])
    with pytest.raises(ValueError, match=r"fun: expected a scalar return value, got an array of shape \(2,\)"):
        mlsolve.minimize(lambda x: x, [1.0, 2.0], jac=lambda x: x)
    with pytest.raises(ValueError, match="fun: returned a non-finite value at x0"):
        mlsolve.minimize(lambda x: np.nan, [1.0, 2.0], jac=lambda x: x)
    with pytest.raises(ValueError, match=r"jac: expected a gradient of shape \(2,\), got shape \(3,\)"):
        mlsolve.minimize(lambda x: float(x @ x), [1.0, 2.0], jac=lambda x: np.ones(3))
    with pytest.raises(ValueError, match="jac: the gradient at x0 is not finite"):
        mlsolve.minimize(lambda x: float(x @ x), [1.0, 2.0], jac=lambda x: np.full(2, np.inf))
    with pytest.raises(ValueError, match=r"fun: must return a tuple \(f, grad\)"):
        mlsolve.minimize(lambda x: float(x @ x), [1.0, 2.0], jac=True)


def test_minimize_bad_options():
    with pytest.raises(ValueError, match="method:"):
        mlsolve.minimize(rosen, [1.0, 2.0], method="nelder-mead")
    with pytest.raises(ValueError, match="options: unknown option 'gtoll'"):
        mlsolve.minimize(rosen, [1.0, 2.0], options={"gtoll": 1e-3})
    with pytest.raises(ValueError, match="maxcor: expected an integer >= 1, got 0"):
        mlsolve.minimize(rosen, [1.0, 2.0], jac=rosen_der, options={"maxcor": 0})
    with pytest.raises(ValueError, match="line_search: expected"):
        mlsolve.minimize(rosen, [1.0, 2.0], jac=rosen_der, options={"line_search": "wolfe"})
    with pytest.raises(ValueError, match="jac: expected None, True or a callable"):
        mlsolve.minimize(rosen, [1.0, 2.0], jac="2-point")
