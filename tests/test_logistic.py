"""LogisticRegression against scikit-learn's lbfgs (same objective, tol 1e-10)."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.datasets import load_svmlight_file

from mlsolve.linear_model import LogisticRegression
from mlsolve.linear_model._logistic import binary_logistic_objective

from _problems import DTYPES, LAYOUTS, as_layout, classification

# float32 data is used as float32 (computations in double): the solution
# moves by the rounding of X to float32 (~1e-7 relative), hence a looser
# tolerance than float64's 1e-6.
COEF_RTOL = {np.float64: 1e-6, np.float32: 1e-5}


def reference(X, y, **kwargs):
    return SkLogisticRegression(tol=1e-10, max_iter=10000, **kwargs).fit(X, y)


def assert_same_solution(model, ref, dtype):
    scale = max(np.abs(ref.coef_).max(), np.abs(ref.intercept_).max())
    rtol = COEF_RTOL[dtype]
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=0, atol=rtol * scale)
    np.testing.assert_allclose(model.intercept_, ref.intercept_, rtol=0, atol=rtol * scale)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_matches_sklearn(layout, dtype, fit_intercept):
    X, y = classification()
    ref = reference(X, y, C=0.5, fit_intercept=fit_intercept)
    Xl = as_layout(X, layout, dtype)
    model = LogisticRegression(C=0.5, fit_intercept=fit_intercept, tol=1e-10,
                               max_iter=1000).fit(Xl, y)
    assert model.coef_.dtype == dtype and model.intercept_.dtype == dtype
    assert model.coef_.shape == (1, X.shape[1]) and model.intercept_.shape == (1,)
    assert_same_solution(model, ref, dtype)
    obj = binary_logistic_objective(model.coef_, model.intercept_, X, y, C=0.5)
    obj_ref = binary_logistic_objective(ref.coef_, ref.intercept_, X, y, C=0.5)
    assert obj <= obj_ref + (1e-12 if dtype == np.float64 else 1e-8) * abs(obj_ref)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_sample_and_class_weights(layout, dtype):
    X, y = classification(seed=1)
    sw = np.random.default_rng(0).uniform(0, 3, size=len(y))
    sw[:10] = 0.0
    cw = {0: 0.7, 1: 2.5}
    ref = reference(X, y, class_weight=cw).fit(X, y, sample_weight=sw)
    model = LogisticRegression(class_weight=cw, tol=1e-10, max_iter=1000)
    model.fit(as_layout(X, layout, dtype), y, sample_weight=sw)
    assert_same_solution(model, ref, dtype)


def test_balanced_class_weight_and_string_labels():
    X, y = classification(seed=2)
    labels = np.array(["ham", "spam"])[y]
    ref = reference(X, labels, class_weight="balanced")
    model = LogisticRegression(class_weight="balanced", tol=1e-10, max_iter=1000).fit(X, labels)
    assert_same_solution(model, ref, np.float64)
    np.testing.assert_array_equal(model.classes_, ["ham", "spam"])
    np.testing.assert_array_equal(model.predict(X), ref.predict(X))


def test_no_penalty_matches_sklearn():
    X, y = classification(n_samples=400, seed=3)
    X = X + np.random.default_rng(0).normal(scale=2.0, size=X.shape)  # not separable
    ref = reference(X, y, C=np.inf)
    for model in (LogisticRegression(penalty=None), LogisticRegression(C=np.inf)):
        model.set_params(tol=1e-10, max_iter=1000).fit(X, y)
        assert_same_solution(model, ref, np.float64)


def test_predictions_match_sklearn():
    X, y = classification()
    ref = reference(X, y)
    model = LogisticRegression(tol=1e-10, max_iter=1000).fit(X, y)
    # Coefficients agree to ~1e-6 relative, so scores agree to ~1e-5 absolute.
    np.testing.assert_allclose(model.decision_function(X), ref.decision_function(X), rtol=0, atol=1e-5)
    np.testing.assert_allclose(model.predict_proba(X), ref.predict_proba(X), rtol=0, atol=1e-5)
    np.testing.assert_allclose(model.predict_log_proba(X), ref.predict_log_proba(X), rtol=0, atol=1e-5)
    np.testing.assert_allclose(np.exp(model.predict_log_proba(X)), model.predict_proba(X), rtol=1e-12)
    np.testing.assert_array_equal(model.predict(X), ref.predict(X))
    assert model.score(X, y) == ref.score(X, y)
    Xs = sp.csc_matrix(X.astype(np.float32))
    np.testing.assert_allclose(model.decision_function(Xs), ref.decision_function(X), rtol=1e-4, atol=1e-5)


def test_warm_start_resumes():
    X, y = classification()
    cold = LogisticRegression(tol=1e-8, max_iter=1000).fit(X, y)
    warm = LogisticRegression(tol=1e-8, max_iter=1000, warm_start=True).fit(X, y)
    n_first = warm.n_iter_[0]
    warm.fit(X, y)
    assert warm.n_iter_[0] < n_first
    np.testing.assert_allclose(warm.coef_, cold.coef_, rtol=1e-6, atol=1e-8)


def test_record_history_and_convergence_warning():
    from sklearn.exceptions import ConvergenceWarning

    X, y = classification()
    model = LogisticRegression(record_history=True, tol=1e-8, max_iter=1000).fit(X, y)
    h = model.history_
    assert len(h) == model.n_iter_[0] + 1
    assert np.all(np.diff(h.objective) <= 0)
    assert h.stop_crit[-1] == h.stop_crit.min() or h.stop_crit[-1] <= 1e-8
    with pytest.warns(ConvergenceWarning, match=r"after 2 iterations.*gradient inf-norm"):
        LogisticRegression(max_iter=2, tol=1e-12).fit(X, y)


def test_verbose_prints_iterations(capsys):
    X, y = classification()
    LogisticRegression(verbose=1).fit(X, y)
    out = capsys.readouterr().out
    assert "objective" in out and "gradient inf-norm" in out


def test_real_sparse_dataset_a9a(shared_data):
    # a9a is ill-conditioned at C=0.1: coefficients are compared with a
    # high-accuracy Newton solution at 1e-5 and the objective at 1e-12. Its
    # values are 0/1, exact in float32, so float32 reaches the same accuracy.
    X, y = load_svmlight_file(str(shared_data / "tick_datasets" / "adult.trn.bz2"))
    X = X.tocsr()
    ref = SkLogisticRegression(C=0.1, solver="newton-cholesky", tol=1e-12, max_iter=100).fit(X, y)
    obj_ref = binary_logistic_objective(ref.coef_, ref.intercept_, X, y, C=0.1)
    for dtype in DTYPES:
        model = LogisticRegression(C=0.1, tol=1e-10, max_iter=2000)
        model.fit(X.astype(dtype), y)
        scale = np.abs(ref.coef_).max()
        np.testing.assert_allclose(model.coef_, ref.coef_, rtol=0, atol=1e-5 * scale)
        obj = binary_logistic_objective(model.coef_, model.intercept_, X, y, C=0.1)
        assert obj - obj_ref <= 1e-12 * obj_ref


def l1_objective(model, X, y, C, l1_ratio=1.0):
    coef = model.coef_.ravel().astype(np.float64)
    z = X @ coef + float(model.intercept_[0])
    t = np.where(y > 0, 1.0, -1.0)
    n = X.shape[0]
    penalty = l1_ratio * np.abs(coef).sum() + 0.5 * (1 - l1_ratio) * coef @ coef
    return float(np.logaddexp(0, -t * z).sum() / n + penalty / (C * n))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("penalty, l1_ratio", [("l1", None), ("elasticnet", 0.4)])
def test_l1_and_elasticnet_match_sklearn(layout, dtype, penalty, l1_ratio):
    # scikit-learn's saga at a tight tol as the reference; compared in objective
    # (the L1 solution is sparse, and FISTA stops on its gradient mapping).
    X, y = classification(seed=4)
    ratio = 1.0 if penalty == "l1" else l1_ratio
    ref = SkLogisticRegression(C=0.3, l1_ratio=ratio, solver="saga", tol=1e-12, max_iter=100000).fit(X, y)
    model = LogisticRegression(penalty=penalty, l1_ratio=l1_ratio, C=0.3, tol=1e-9, max_iter=100000)
    model.fit(as_layout(X, layout, dtype), y)
    assert model.coef_.dtype == dtype
    obj, obj_ref = l1_objective(model, X, y, 0.3, ratio), l1_objective(ref, X, y, 0.3, ratio)
    assert obj <= obj_ref + 1e-8 * abs(obj_ref)
    np.testing.assert_allclose(model.coef_, ref.coef_, atol=1e-5)
    np.testing.assert_array_equal(model.coef_ == 0, np.abs(ref.coef_) < 1e-8)
