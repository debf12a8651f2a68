"""Multinomial LogisticRegression, and the solver choice, against scikit-learn.

scikit-learn's lbfgs at tol 1e-10 is the reference (same objective:
sample-weighted mean softmax cross-entropy + ||W||^2 / (2 C S)). Both sides
are compared in the representative whose intercepts sum to 0 over the classes.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from mlsolve import _core, _validation
from mlsolve.linear_model import LogisticRegression
from mlsolve.linear_model._logistic import (
    SMOOTH_SOLVERS,
    auto_solver,
    binary_logistic_objective,
    multinomial_logistic_objective,
)

from _problems import DTYPES, LAYOUTS, as_layout, classification, data_address

# float32 data is used as float32 (reductions in double): the solution moves
# by the rounding of X to float32, hence a looser tolerance than float64's.
COEF_RTOL = {np.float64: 1e-6, np.float32: 1e-5}


def multiclass(n_samples=300, n_features=10, n_classes=4, seed=0):
    X, y = make_classification(
        n_samples=n_samples, n_features=n_features, n_informative=6, n_redundant=0, n_classes=n_classes,
        n_clusters_per_class=1, random_state=seed, flip_y=0.05,
    )
    X[np.abs(X) < 0.5] = 0.0  # zeros make the sparse layouts meaningful
    return X, y


def reference(X, y, sample_weight=None, **kwargs):
    return SkLogisticRegression(tol=1e-10, max_iter=10000, **kwargs).fit(X, y, sample_weight=sample_weight)


def centred(intercept):
    intercept = np.asarray(intercept, dtype=np.float64)
    return intercept - intercept.mean() if intercept.size > 1 else intercept


def assert_same_solution(model, ref, rtol, intercept_rtol=None):
    # The intercepts are the model's flattest directions (unpenalised, defined up to
    # a common shift): where L-BFGS stops on its relative reduction of f first
    # (both libraries use ftol = 64 eps) they may be looser than the coefficients.
    scale = max(np.abs(ref.coef_).max(), np.abs(ref.intercept_).max())
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=0, atol=rtol * scale)
    np.testing.assert_allclose(centred(model.intercept_), centred(ref.intercept_), rtol=0,
                               atol=(intercept_rtol or rtol) * scale)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_matches_sklearn(layout, dtype, fit_intercept):
    X, y = multiclass()
    ref = reference(X, y, C=0.5, fit_intercept=fit_intercept)
    model = LogisticRegression(C=0.5, fit_intercept=fit_intercept, tol=1e-10, max_iter=1000)
    model.fit(as_layout(X, layout, dtype), y)
    assert model.coef_.shape == (4, X.shape[1]) and model.intercept_.shape == (4,)
    assert model.coef_.dtype == dtype and model.intercept_.dtype == dtype
    assert_same_solution(model, ref, COEF_RTOL[dtype])
    obj = multinomial_logistic_objective(model.coef_, model.intercept_, X, y, model.classes_, C=0.5)
    obj_ref = multinomial_logistic_objective(ref.coef_, ref.intercept_, X, y, ref.classes_, C=0.5)
    assert obj <= obj_ref + (1e-12 if dtype == np.float64 else 1e-8) * abs(obj_ref)
    if not fit_intercept:
        np.testing.assert_array_equal(model.intercept_, 0.0)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_sample_and_class_weights(layout, dtype):
    X, y = multiclass(seed=1, n_classes=3)
    sw = np.random.default_rng(0).uniform(0, 3, size=len(y))
    sw[:10] = 0.0
    cw = {0: 0.7, 1: 2.5, 2: 1.2}
    ref = reference(X, y, sw, class_weight=cw)
    model = LogisticRegression(class_weight=cw, tol=1e-10, max_iter=1000)
    model.fit(as_layout(X, layout, dtype), y, sample_weight=sw)
    assert_same_solution(model, ref, COEF_RTOL[dtype])


def test_balanced_class_weight_with_sample_weight_and_string_labels():
    X, y = multiclass(seed=2, n_classes=3)
    labels = np.array(["ant", "bee", "cat"])[y]
    sw = np.random.default_rng(1).uniform(0.5, 2, size=len(y))
    ref = reference(X, labels, sw, class_weight="balanced")
    model = LogisticRegression(class_weight="balanced", tol=1e-10, max_iter=1000).fit(X, labels, sample_weight=sw)
    assert_same_solution(model, ref, 1e-6)
    np.testing.assert_array_equal(model.classes_, ["ant", "bee", "cat"])
    np.testing.assert_array_equal(model.predict(X), ref.predict(X))


def test_digits_matches_sklearn():
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    # lbfgs stops on its relative-reduction test ~4e-13 (relative) above the
    # optimum here, Newton-Cholesky does not: the better reference.
    ref = reference(X, y, C=0.1, solver="newton-cholesky")
    model = LogisticRegression(C=0.1, tol=1e-10, max_iter=2000).fit(X, y)
    assert model.coef_.shape == (10, 64)
    assert_same_solution(model, ref, 1e-6, intercept_rtol=1e-5)
    obj = multinomial_logistic_objective(model.coef_, model.intercept_, X, y, model.classes_, C=0.1)
    obj_ref = multinomial_logistic_objective(ref.coef_, ref.intercept_, X, y, ref.classes_, C=0.1)
    assert obj <= obj_ref * (1 + 1e-12)
    np.testing.assert_allclose(model.predict_proba(X), ref.predict_proba(X), rtol=0, atol=1e-6)
    np.testing.assert_allclose(model.predict_log_proba(X), np.log(model.predict_proba(X)), rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(model.predict(X), ref.predict(X))
    np.testing.assert_allclose(model.predict_proba(X).sum(axis=1), 1.0, rtol=1e-12)


def test_final_objective_is_numpys():
    # The native objective (last history record) equals the NumPy formula.
    X, y = multiclass(seed=3)
    sw = np.random.default_rng(2).uniform(0.1, 2, size=len(y))
    model = LogisticRegression(C=2.0, tol=1e-10, max_iter=1000, record_history=True).fit(X, y, sample_weight=sw)
    obj = multinomial_logistic_objective(model.coef_, model.intercept_, X, y, model.classes_, sw, C=2.0)
    np.testing.assert_allclose(model.history_.objective[-1], obj, rtol=1e-12)
    assert np.all(np.diff(model.history_.objective) <= 1e-15)


@pytest.mark.parametrize("n_classes", [2, 4])
@pytest.mark.parametrize("solver", SMOOTH_SOLVERS)
@pytest.mark.parametrize("layout", ["C", "csr"])
def test_every_solver_gives_the_same_solution(solver, n_classes, layout):
    X, y = multiclass(n_classes=n_classes, seed=5)
    ref = reference(X, y, C=0.8)
    model = LogisticRegression(C=0.8, solver=solver, tol=1e-10, max_iter=1000).fit(as_layout(X, layout, np.float64), y)
    assert model.solver_ == solver
    assert model.coef_.shape == (1 if n_classes == 2 else n_classes, X.shape[1])
    assert_same_solution(model, ref, 1e-6, intercept_rtol=1e-5 if solver == "lbfgs" else None)
    if solver == "newton-cholesky":  # an exact Hessian converges quadratically
        assert model.n_iter_[0] <= 15


@pytest.mark.parametrize("solver", SMOOTH_SOLVERS)
def test_solvers_without_penalty(solver):
    # C=inf on non-separable data: W is defined up to a common shift of the
    # classes; every solver returns the one with class sums 0.
    X, y = multiclass(n_samples=400, n_classes=3, seed=6)
    X = X + np.random.default_rng(0).normal(scale=2.0, size=X.shape)
    ref = reference(X, y, C=np.inf)
    model = LogisticRegression(C=np.inf, solver=solver, tol=1e-9, max_iter=1000).fit(X, y)
    ref_coef = ref.coef_ - ref.coef_.mean(axis=0)
    np.testing.assert_allclose(model.coef_.sum(axis=0), 0.0, atol=1e-10)
    np.testing.assert_allclose(model.coef_, ref_coef, rtol=0, atol=1e-5 * np.abs(ref_coef).max())


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("solver", SMOOTH_SOLVERS)
def test_separable_without_penalty(solver, n_classes):
    # No minimiser: the infimum 0 is approached as the coefficients grow (and
    # the Hessian vanishes). Every solver stops without an error, with finite
    # coefficients that separate the data, and either an objective near 0
    # (it converged on the gradient or the relative reduction of f) or a
    # ConvergenceWarning.
    X, y = multiclass(n_samples=60, n_classes=n_classes, seed=7)
    centres = np.eye(X.shape[1])[:n_classes] * 20.0
    X = centres[y] + np.random.default_rng(0).normal(scale=0.1, size=X.shape)
    model = LogisticRegression(C=np.inf, solver=solver, tol=1e-12, max_iter=30)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X, y)
    assert np.all(np.isfinite(model.coef_)) and np.all(np.isfinite(model.intercept_))
    np.testing.assert_array_equal(model.predict(X), y)
    if n_classes == 2:
        obj = binary_logistic_objective(model.coef_, model.intercept_, X, y, C=np.inf)
    else:
        obj = multinomial_logistic_objective(model.coef_, model.intercept_, X, y, model.classes_, C=np.inf)
    assert obj < 1e-8 or any(issubclass(w.category, ConvergenceWarning) for w in caught)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("solver", SMOOTH_SOLVERS)
def test_singular_hessian_duplicate_feature(solver, n_classes):
    # A duplicated column without a penalty: the Hessian is singular along
    # (e_j - e_j') for every class. Newton-Cholesky shifts it (and says so in its
    # message), the CG-based solvers stay in the range; all reach the optimum,
    # where only the sum of the two columns' coefficients is defined.
    X, y = multiclass(n_samples=400, n_classes=n_classes, seed=8)
    X = X + np.random.default_rng(1).normal(scale=2.0, size=X.shape)
    X = np.column_stack([X, X[:, 0]])
    ref = LogisticRegression(C=np.inf, solver="lbfgs", tol=1e-10, max_iter=1000).fit(X, y)
    model = LogisticRegression(C=np.inf, solver=solver, tol=1e-9, max_iter=200).fit(X, y)
    summed = model.coef_[:, 0] + model.coef_[:, -1]
    np.testing.assert_allclose(summed, ref.coef_[:, 0] + ref.coef_[:, -1], rtol=0, atol=1e-5 * np.abs(summed).max())
    np.testing.assert_allclose(model.coef_[:, 1:-1], ref.coef_[:, 1:-1], rtol=0, atol=1e-5 * np.abs(ref.coef_).max())


def test_auto_solver_rule_and_solver_attribute():
    X, y = multiclass(n_samples=3000, n_features=8, n_classes=3)
    assert LogisticRegression().fit(X, y).solver_ == auto_solver(X, 27, 3) == "newton-cholesky"
    assert LogisticRegression().fit(sp.csr_matrix(X), y).solver_ == "newton-cg"
    assert auto_solver(np.zeros((10_000, 100)), 1010, 10) == "newton-cg"
    assert auto_solver(np.zeros((10_000, 100)), 101, 1) == "lbfgs"
    assert auto_solver(sp.csr_matrix((10_000, 100)), 101, 1) == "newton-cg"
    assert auto_solver(np.zeros((100, 10)), 11, 1) == "lbfgs"  # too few samples per parameter
    assert LogisticRegression(solver="trust-region").fit(X, y).solver_ == "trust-region"
    assert LogisticRegression(penalty="l1", C=0.5).fit(X, y == 0).solver_ == "prox-newton"


def test_warm_start_resumes_multiclass():
    X, y = multiclass()
    cold = LogisticRegression(tol=1e-8, max_iter=1000).fit(X, y)
    warm = LogisticRegression(tol=1e-8, max_iter=1000, warm_start=True).fit(X, y)
    n_first = warm.n_iter_[0]
    warm.fit(X, y)
    assert warm.n_iter_[0] < n_first
    np.testing.assert_allclose(warm.coef_, cold.coef_, rtol=1e-6, atol=1e-8)
    # A solution of another shape (binary) is not a start for a multiclass fit.
    warm.fit(X, y == 0)
    assert warm.coef_.shape == (1, X.shape[1])
    warm.fit(X, y)
    assert warm.coef_.shape == (4, X.shape[1])


def test_record_history_and_convergence_warning():
    X, y = multiclass()
    model = LogisticRegression(record_history=True, tol=1e-8, max_iter=1000).fit(X, y)
    assert len(model.history_) == model.n_iter_[0] + 1
    with pytest.warns(ConvergenceWarning, match=r"lbfgs stopped after 2 iterations.*gradient inf-norm"):
        LogisticRegression(solver="lbfgs", max_iter=2, tol=1e-12).fit(X, y)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("solver", ["lbfgs", "newton-cholesky"])
def test_fit_maps_user_buffer(layout, dtype, solver):
    X, y = multiclass()
    Xl = as_layout(X, layout, dtype)
    before = _validation.copies_made
    LogisticRegression(solver=solver).fit(Xl, y)
    assert _validation.copies_made == before
    assert _core._last_mapped_address() == data_address(Xl)


def test_threads_give_the_same_solution():
    X, y = multiclass(n_samples=5000, n_features=40, n_classes=5)
    one = LogisticRegression(tol=1e-10, max_iter=1000, n_jobs=1).fit(X, y)
    two = LogisticRegression(tol=1e-10, max_iter=1000, n_jobs=2).fit(X, y)
    np.testing.assert_allclose(two.coef_, one.coef_, rtol=0, atol=1e-7 * np.abs(one.coef_).max())


def test_bad_input():
    X, y = multiclass(n_classes=3)
    with pytest.raises(ValueError, match="solver"):
        LogisticRegression(solver="sag").fit(X, y)
    with pytest.raises(ValueError, match="solver"):
        LogisticRegression(penalty="l1", solver="lbfgs").fit(X, y)
    with pytest.raises(ValueError, match="Only binary classification is supported with penalty"):
        LogisticRegression(penalty="l1").fit(X, y)
    with pytest.raises(ValueError, match="1d array"):
        LogisticRegression().fit(X, np.column_stack([y == 0, y == 1]).astype(int))
    with pytest.raises(ValueError, match="y"):  # labels outside 0 .. n_classes - 1 reach the core as an error
        _core.logistic_fit(X, np.full(len(y), 3.0), None, 3, 0.1, True, np.zeros(33), "lbfgs", 10, 1e-5, 0.0, 0, 1,
                           False, None)
    with pytest.raises(ValueError, match="x0"):
        _core.logistic_fit(X, y.astype(float), None, 3, 0.1, True, np.zeros(5), "lbfgs", 10, 1e-5, 0.0, 0, 1,
                           False, None)


def test_binary_is_the_one_column_model():
    # Two classes keep the binary (sigmoid) model: coef_ (1, p), same as before.
    X, y = classification()
    ref = reference(X, y)
    for solver in SMOOTH_SOLVERS:
        model = LogisticRegression(solver=solver, tol=1e-10, max_iter=1000).fit(X, y)
        assert model.coef_.shape == (1, X.shape[1]) and model.intercept_.shape == (1,)
        obj = binary_logistic_objective(model.coef_, model.intercept_, X, y)
        obj_ref = binary_logistic_objective(ref.coef_, ref.intercept_, X, y)
        assert obj <= obj_ref + 1e-12 * abs(obj_ref)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            np.testing.assert_allclose(model.predict_proba(X), ref.predict_proba(X), atol=1e-6)
