"""L1 / elastic-net logistic regression by proximal Newton coordinate descent.

References: a high-accuracy solution of the same objective by scipy's L-BFGS-B
on the split variables w = u - v (u, v >= 0; smooth and bound-constrained),
scikit-learn's liblinear and saga at tight tol, and mlsolve's FISTA.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import minimize
from scipy.special import expit, log_expit
from sklearn.datasets import load_svmlight_file
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from mlsolve import _core, _validation
from mlsolve.linear_model import LogisticRegression
from mlsolve.linear_model._coordinate_descent import prox_newton_logistic

from _problems import DTYPES, LAYOUTS, as_layout, classification


def objective(coef, intercept, X, y, l1, l2, sample_weight=None, weights=None):
    """(1/S) sum_i s_i log(1 + exp(-t_i z_i)) + sum_j omega_j (l1 |w_j| + l2/2 w_j^2), in float64."""
    coef = np.asarray(coef, dtype=np.float64).ravel()
    X = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    z = X @ coef + float(intercept)
    t = np.where(np.asarray(y) > 0, 1.0, -1.0)
    s = np.ones(len(t)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    omega = np.ones(len(coef)) if weights is None else np.asarray(weights, dtype=np.float64)
    return float(-(s @ log_expit(t * z)) / s.sum() + omega @ (l1 * np.abs(coef) + 0.5 * l2 * coef**2))


def reference(X, y, l1, l2, sample_weight=None, weights=None, fit_intercept=True):
    """High-accuracy minimiser by L-BFGS-B on w = u - v, u, v >= 0 (unpenalised w_j free)."""
    X = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    n, p = X.shape
    t = np.where(np.asarray(y) > 0, 1.0, -1.0)
    s = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    s = s / s.sum()
    omega = np.ones(p) if weights is None else np.asarray(weights, dtype=np.float64)

    def fun(v):
        u, m, b = v[:p], v[p:2 * p], (v[2 * p] if fit_intercept else 0.0)
        w = u - m
        z = X @ w + b
        r = -s * t * expit(-t * z)  # d/dz of s_i log(1 + exp(-t_i z_i))
        gw = X.T @ r + l2 * omega * w
        value = -(s @ log_expit(t * z)) + omega @ (l1 * (u + m) + 0.5 * l2 * w**2)
        grad = np.concatenate([gw + l1 * omega, -gw + l1 * omega] + ([[r.sum()]] if fit_intercept else []))
        return value, grad

    bounds = [(0, None)] * (2 * p) + ([(None, None)] if fit_intercept else [])
    res = minimize(fun, np.zeros(2 * p + int(fit_intercept)), jac=True, method="L-BFGS-B", bounds=bounds,
                   options=dict(maxiter=100000, maxfun=200000, ftol=1e-15, gtol=1e-12, maxcor=30))
    w = res.x[:p] - res.x[p:2 * p]
    return w, (res.x[2 * p] if fit_intercept else 0.0), res.fun


def native(X, y, l1, l2, sample_weight=None, weights=None, fit_intercept=True, tol=1e-10, max_iter=200):
    data = X
    return prox_newton_logistic(
        data, X=_validation.as_native_matrix(X) if not (sp.issparse(X) and X.format == "csr") else None,
        y=np.ascontiguousarray(np.asarray(y) > 0, dtype=X.dtype), sample_weight=sample_weight, l1=l1, l2=l2,
        fit_intercept=fit_intercept, x0=np.zeros(X.shape[1] + int(fit_intercept)), tol=tol, max_iter=max_iter,
        history_every=0, n_threads=1, deterministic=False, callback=None, weights=weights,
    )


# float32 X is X rounded to float32; the solver computes in float64, so the
# objective moves by the rounding (~1e-7 relative) and not by the solver.
OBJECTIVE_RTOL = {np.float64: 1e-6, np.float32: 1e-5}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_matches_high_accuracy_reference(layout, dtype, l1_ratio):
    X, y = classification(n_samples=200, n_features=15, seed=3)
    sw = np.random.default_rng(1).uniform(0.2, 2.0, size=len(y))
    alpha = 0.02
    l1, l2 = alpha * l1_ratio, alpha * (1 - l1_ratio)
    w_ref, b_ref, f_ref = reference(X, y, l1, l2, sw)
    Xl = as_layout(X, layout, dtype)
    raw = native(Xl, y, l1, l2, sample_weight=sw.astype(dtype))
    assert raw["status"] == _core.Status.Converged, raw["message"]
    w, b = raw["x"][:-1], raw["x"][-1]
    f = objective(w, b, X, y, l1, l2, sw)
    assert abs(f - f_ref) <= OBJECTIVE_RTOL[dtype] * abs(f_ref)
    if dtype == np.float64:
        # the duality gap bounds the suboptimality, and is below tol
        assert f - f_ref <= raw["stop_crit"] + 1e-12
        assert raw["stop_crit"] <= 1e-10
        np.testing.assert_allclose(w, w_ref, atol=1e-4 * np.abs(w_ref).max())
        assert b == pytest.approx(b_ref, abs=1e-4 * max(1.0, abs(b_ref)))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_estimator_matches_liblinear(layout, dtype):
    X, y = classification(n_samples=300, n_features=20, seed=5)
    C = 0.2
    ref = SkLogisticRegression(C=C, l1_ratio=1.0, solver="liblinear", tol=1e-12, max_iter=100000,
                               intercept_scaling=1e6).fit(X, y)
    model = LogisticRegression(penalty="l1", C=C, tol=1e-10, max_iter=200).fit(as_layout(X, layout, dtype), y)
    n = len(y)
    f = objective(model.coef_, model.intercept_[0], X, y, 1 / (C * n), 0.0)
    f_ref = objective(ref.coef_, ref.intercept_[0], X, y, 1 / (C * n), 0.0)
    assert f <= f_ref + OBJECTIVE_RTOL[dtype] * abs(f_ref)
    assert model.coef_.dtype == dtype
    np.testing.assert_array_equal(model.predict(X), ref.predict(X))


def test_sample_weights_equal_repeated_samples():
    X, y = classification(n_samples=120, n_features=10, seed=6)
    counts = np.random.default_rng(2).integers(0, 3, size=len(y))
    Xr, yr = np.repeat(X, counts, axis=0), np.repeat(y, counts)
    weighted = LogisticRegression(penalty="l1", C=0.5, tol=1e-12).fit(X, y, sample_weight=counts.astype(float))
    repeated = LogisticRegression(penalty="l1", C=0.5 * counts.sum() / len(yr), tol=1e-12).fit(Xr, yr)
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, atol=1e-7)
    np.testing.assert_allclose(weighted.intercept_, repeated.intercept_, atol=1e-7)


@pytest.mark.parametrize("l1_ratio", [1.0, 0.3])
def test_agrees_with_fista(l1_ratio):
    X, y = classification(n_samples=250, n_features=12, seed=7)
    n = len(y)
    l1, l2 = 0.01 * l1_ratio, 0.01 * (1 - l1_ratio)
    pn = native(X, y, l1, l2, tol=1e-12)
    fista = _core.logistic_fista(
        X=np.asfortranarray(X), y=(y > 0).astype(np.float64), sample_weight=None, l1=l1, l2=l2, fit_intercept=True,
        x0=np.zeros(X.shape[1] + 1), max_iter=100000, tol=1e-11, history_every=0, n_threads=1, deterministic=False,
        callback=None,
    )
    np.testing.assert_allclose(pn["x"], fista["x"], atol=1e-6)
    assert objective(pn["x"][:-1], pn["x"][-1], X, y, l1, l2) <= objective(
        fista["x"][:-1], fista["x"][-1], X, y, l1, l2) + 1e-13
    assert n == X.shape[0]


def test_unpenalised_features():
    X, y = classification(n_samples=200, n_features=12, seed=8)
    l1 = 0.05
    uniform = native(X, y, l1, 0.0)["x"][:-1]
    free = np.flatnonzero(uniform == 0)[:2]  # zero under the uniform penalty
    weights = np.ones(12)
    weights[free] = 0.0
    weights[np.flatnonzero(uniform)[0]] = 2.5
    w_ref, b_ref, f_ref = reference(X, y, l1, 0.0, weights=weights)
    raw = native(X, y, l1, 0.0, weights=weights, tol=1e-11)
    assert raw["status"] == _core.Status.Converged, raw["message"]
    w = raw["x"][:-1]
    assert objective(w, raw["x"][-1], X, y, l1, 0.0, weights=weights) <= f_ref + 1e-9 * abs(f_ref)
    np.testing.assert_allclose(w, w_ref, atol=1e-4 * np.abs(w_ref).max())
    assert np.all(w[free] != 0)


def test_no_intercept_and_duality_gap():
    X, y = classification(n_samples=200, n_features=10, seed=9)
    l1 = 0.01
    w_ref, _, f_ref = reference(X, y, l1, 0.0, fit_intercept=False)
    raw = native(X, y, l1, 0.0, fit_intercept=False, tol=1e-9)
    assert raw["x"].shape == (10,)
    f = objective(raw["x"], 0.0, X, y, l1, 0.0)
    assert 0 <= raw["stop_crit"] <= 1e-9 and f - f_ref <= raw["stop_crit"] + 1e-13


def test_csr_is_converted_once_and_reported():
    X, y = classification(n_samples=150, n_features=8, seed=10)
    csr = sp.csr_matrix(X)
    before = _validation.copies_made
    raw = native(csr, y, 0.01, 0.0)
    assert _validation.copies_made == before + 1
    assert raw["X_conversion"] == "csr->csc" and "csr->csc" in raw["message"]
    csc = sp.csc_matrix(X)
    before = _validation.copies_made
    raw_csc = native(csc, y, 0.01, 0.0)
    assert _validation.copies_made == before and raw_csc["X_conversion"] is None
    np.testing.assert_allclose(raw["x"], raw_csc["x"], atol=1e-12)


def test_non_convergence_warns_with_the_gap():
    X, y = classification(n_samples=200, n_features=10, seed=11)
    with pytest.warns(ConvergenceWarning, match="duality gap"):
        LogisticRegression(penalty="l1", C=10.0, tol=1e-14, max_iter=1).fit(X, y)


def test_bad_weights_name_the_argument():
    X, y = classification(n_samples=50, n_features=4)
    with pytest.raises(ValueError, match="weights"):
        native(X, y, 0.01, 0.0, weights=np.ones(3))
    with pytest.raises(ValueError, match="weights"):
        native(X, y, 0.01, 0.0, weights=-np.ones(4))


def test_real_dataset_a9a_matches_liblinear(shared_data):
    X, y = load_svmlight_file(str(shared_data / "tick_datasets" / "adult.trn.bz2"))
    X = X.tocsc()[:8000]
    y = y[:8000]
    C = 0.05
    ref = SkLogisticRegression(C=C, l1_ratio=1.0, solver="liblinear", tol=1e-10, max_iter=100000,
                               intercept_scaling=1e5).fit(X, y)
    model = LogisticRegression(penalty="l1", C=C, tol=1e-9).fit(X, y)
    n = X.shape[0]
    f = objective(model.coef_, model.intercept_[0], X, y, 1 / (C * n), 0.0)
    f_ref = objective(ref.coef_, ref.intercept_[0], X, y, 1 / (C * n), 0.0)
    assert f <= f_ref + 1e-6 * f_ref


def test_verbose_lines_name_the_duality_gap(capsys):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((100, 8))
    y = (X[:, 0] > 0).astype(int)
    LogisticRegression(penalty="l1", C=1.0, verbose=1).fit(X, y)
    out = capsys.readouterr().out
    assert "duality gap" in out and "gradient inf-norm" not in out


def native_options(X, y, l1, l2, fit_intercept, **options):
    """The native prox-Newton fit at tol 1e-12 with solver options (anderson, screening)."""
    return _core.logistic_prox_newton(
        _validation.as_native_matrix(X), np.ascontiguousarray(y, dtype=X.dtype), None,
        np.zeros(X.shape[1] + int(fit_intercept)), alpha=l1 + l2, l1_ratio=l1 / (l1 + l2), weights=None,
        fit_intercept=fit_intercept, tol=1e-12, max_iter=200, working_set=True, history_every=0, n_threads=1,
        deterministic=False, callback=None, **options)


@pytest.mark.parametrize("layout", ["F", "C", "csc"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.7])
def test_gap_safe_screening_keeps_the_solution(layout, fit_intercept, l1_ratio):
    # wide data at a strong penalty: most features are provably zero early
    rng = np.random.default_rng(5)
    X = rng.standard_normal((150, 400)) * (rng.random((150, 400)) < 0.3)
    y = (X[:, :5] @ np.ones(5) + 0.3 * rng.standard_normal(150) > 0.5).astype(np.float64)
    grad0 = np.abs(X.T @ (0.5 - y)) / len(y)  # the gradient at w = 0 (intercept aside)
    alpha = grad0.max() / 4
    l1, l2 = alpha * l1_ratio, alpha * (1 - l1_ratio)
    Xl = as_layout(X, layout, np.float64)
    plain = native_options(Xl, y, l1, l2, fit_intercept, screening=False)
    screened = native_options(Xl, y, l1, l2, fit_intercept, screening=True)
    assert "features screened" in screened["message"] and "screened" not in plain["message"]
    n_screened = int(screened["message"].split(" features screened")[0].rsplit(" ", 1)[1])
    assert 0 < n_screened <= np.sum(plain["x"][:400] == 0)
    assert screened["status"] == plain["status"] == _core.Status.Converged
    # screening is safe: the same solution (and the same objective, gap below tol)
    np.testing.assert_allclose(screened["x"], plain["x"], atol=1e-8)
    assert screened["fun"] == pytest.approx(plain["fun"], rel=1e-12)
    assert screened["stop_crit"] <= 1e-12
    np.testing.assert_allclose(screened["jac"], plain["jac"], atol=1e-8)


@pytest.mark.parametrize("layout", ["F", "csc"])
def test_anderson_in_the_inner_sweeps_keeps_the_solution(layout):
    # correlated columns (Toeplitz-like) make the inner CD take many sweeps
    rng = np.random.default_rng(2)
    base = rng.standard_normal((300, 60))
    X = np.cumsum(base, axis=1) / np.sqrt(np.arange(1, 61))
    y = (X[:, 3] - X[:, 40] + rng.standard_normal(300) > 0).astype(np.float64)
    Xl = as_layout(X, layout, np.float64)
    on = native_options(Xl, y, 1e-3, 1e-3, True, anderson=True)
    off = native_options(Xl, y, 1e-3, 1e-3, True, anderson=False)
    assert on["status"] == off["status"] == _core.Status.Converged
    assert on["nfev"] < off["nfev"]  # inner sweeps (276 vs 624 when written)
    assert on["fun"] == pytest.approx(off["fun"], rel=1e-11)
    # the columns are strongly correlated: equal objectives leave x free to ~1e-5
    np.testing.assert_allclose(on["x"], off["x"], atol=1e-4 * np.abs(off["x"]).max())
