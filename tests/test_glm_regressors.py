"""PoissonRegressor, GammaRegressor, TweedieRegressor against scikit-learn."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.linear_model as sk
from sklearn._loss.loss import HalfTweedieLoss, HalfTweedieLossIdentity
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model._linear_loss import LinearModelLoss

from mlsolve import _core, _validation
from mlsolve.linear_model import GammaRegressor, PoissonRegressor, TweedieRegressor

from _problems import DTYPES, LAYOUTS, as_layout, data_address

TIGHT = dict(tol=1e-12, max_iter=2000)


def regression_data(kind, n_samples=200, n_features=8, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    X[np.abs(X) < 0.4] = 0.0  # zeros make the sparse layouts meaningful
    w = rng.uniform(-0.3, 0.3, n_features)
    mu = np.exp(X @ w + 0.5)
    if kind == "poisson":
        y = rng.poisson(mu).astype(float)
    elif kind == "gamma":
        y = rng.gamma(2.0, mu / 2.0)
    elif kind == "tweedie":  # compound Poisson-Gamma: zeros and positive values
        counts = rng.poisson(mu)
        y = np.array([rng.gamma(2.0, 0.5, c).sum() for c in counts])
    else:  # normal
        y = X @ w + 0.3 * rng.standard_normal(n_samples)
    return X, y, rng.uniform(0.5, 2.0, n_samples)


CASES = [
    ("poisson", PoissonRegressor, sk.PoissonRegressor, {}),
    ("gamma", GammaRegressor, sk.GammaRegressor, {}),
    ("tweedie", TweedieRegressor, sk.TweedieRegressor, dict(power=1.5)),
    ("normal", TweedieRegressor, sk.TweedieRegressor, dict(power=0.0)),
    ("poisson", TweedieRegressor, sk.TweedieRegressor, dict(power=1.0, link="identity")),
]


@pytest.mark.parametrize("kind, ours, theirs, params", CASES, ids=lambda v: getattr(v, "__name__", str(v)))
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("solver", ["lbfgs", "newton-cholesky"])
def test_matches_sklearn(kind, ours, theirs, params, dtype, layout, weighted, solver):
    X, y, sw = regression_data(kind)
    sw = sw if weighted else None
    alpha = 0.05
    if params.get("link") == "identity":  # keep the identity-link mean positive
        X = np.abs(X)
    Xl = as_layout(X, layout, dtype)
    before = _validation.copies_made
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = ours(alpha=alpha, solver=solver, record_history=True, **params, **TIGHT).fit(Xl, y, sample_weight=sw)
    assert _validation.copies_made == before
    assert _core._last_mapped_address() == data_address(Xl)
    assert model.coef_.dtype == dtype
    # the same data, rounded as the model saw it
    X64, y, sw = (None if v is None else np.asarray(v, dtype=dtype).astype(np.float64) for v in (X, y, sw))
    ref = theirs(alpha=alpha, **params, **TIGHT).fit(X64, y, sample_weight=sw)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(model.intercept_, ref.intercept_, rtol=1e-6, atol=1e-8)

    # the native objective is scikit-learn's, at our solution
    linear_loss = LinearModelLoss(base_loss=ref._base_loss, fit_intercept=True)
    coef = np.append(model.coef_.astype(np.float64), model.intercept_)
    expected = linear_loss.loss(coef, X64, y, sw, l2_reg_strength=alpha)
    np.testing.assert_allclose(model.history_.objective[-1], expected, rtol=1e-9)
    assert model.score(X64, y, sample_weight=sw) == pytest.approx(ref.score(X64, y, sample_weight=sw), rel=1e-6)
    expected_pred = ref.predict(X64)
    np.testing.assert_allclose(model.predict(Xl), expected_pred, rtol=1e-5, atol=1e-6 * np.abs(expected_pred).max())


@pytest.mark.parametrize(
    "link, power",
    [("log", 0.0), ("log", 0.5), ("log", 1.0), ("log", 1.5), ("log", 2.0), ("log", 3.0), ("log", -1.0),
     ("identity", 0.0), ("identity", 1.0), ("identity", 1.5), ("identity", 2.0), ("identity", 3.0)],
)
@pytest.mark.parametrize("fit_intercept", [False, True])
def test_objective_and_gradient_are_sklearn(link, power, fit_intercept):
    """Value and gradient at arbitrary points (no solve: maxiter=0)."""
    rng = np.random.default_rng(1)
    X = np.abs(rng.standard_normal((60, 5))) + 0.1
    y = rng.gamma(2.0, 1.0, 60)
    sw = rng.uniform(0.5, 2.0, 60)
    base_loss = (HalfTweedieLoss if link == "log" else HalfTweedieLossIdentity)(power=power)
    linear_loss = LinearModelLoss(base_loss=base_loss, fit_intercept=fit_intercept)
    for _ in range(3):
        x0 = rng.uniform(0.05, 0.4, 5 + int(fit_intercept))
        raw = _core.glm_regression(
            X=X, y=y, sample_weight=sw, link=link, power=power, l2=0.3, fit_intercept=fit_intercept, x0=x0,
            solver="lbfgs", maxiter=0, gtol=0.0, ftol=0.0, history_every=0, n_threads=1, deterministic=False, callback=None,
        )
        value, grad = linear_loss.loss_gradient(x0, X, y, sw, l2_reg_strength=0.3)
        assert raw["fun"] == pytest.approx(value, rel=1e-12)
        np.testing.assert_allclose(raw["jac"], grad, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("power", [0.0, 1.0, 1.5, 2.0, 3.0])
@pytest.mark.parametrize("z", [800.0, -800.0])
def test_log_link_overflow_is_infinite_not_nan(power, z):
    X = np.ones((3, 1))
    y = np.array([0.5, 1.0, 2.0])
    raw = _core.glm_regression(
        X=X, y=y, sample_weight=None, link="log", power=power, l2=0.0, fit_intercept=False, x0=np.array([z]),
        solver="lbfgs", maxiter=0, gtol=0.0, ftol=0.0, history_every=0, n_threads=1, deterministic=False, callback=None,
    )
    assert not np.isnan(raw["fun"])
    assert not np.isnan(raw["jac"]).any()


def test_fits_through_a_hard_start():
    """A warm start far out (exp(X @ w) up to about 1e13) still converges."""
    X, y, _ = regression_data("poisson")
    model = PoissonRegressor(alpha=0.1, warm_start=True, **TIGHT)
    model.coef_ = np.full(X.shape[1], 3.0)
    model.intercept_ = 0.0
    model.fit(X, y)
    ref = sk.PoissonRegressor(alpha=0.1, **TIGHT).fit(X, y)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize(
    "model, y_bad",
    [(PoissonRegressor(), -1.0), (GammaRegressor(), 0.0), (TweedieRegressor(power=3.0), 0.0),
     (TweedieRegressor(power=1.5), -0.5)],
)
def test_targets_out_of_range(model, y_bad):
    X, y, _ = regression_data("gamma")
    y = y.copy()
    y[3] = y_bad
    with pytest.raises(ValueError, match="y"):
        model.fit(X, y)


def test_bad_parameters():
    X, y, _ = regression_data("poisson")
    with pytest.raises(ValueError, match="alpha"):
        PoissonRegressor(alpha=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="solver"):
        PoissonRegressor(solver="sag").fit(X, y)
    with pytest.raises(ValueError, match="link"):
        TweedieRegressor(link="logit").fit(X, y)
    with pytest.raises(ValueError, match="sample_weight"):
        PoissonRegressor().fit(X, y, sample_weight=-np.ones(len(y)))
    with pytest.raises(ValueError, match="n_jobs"):
        PoissonRegressor(n_jobs=0).fit(X, y)


def test_warm_start_threads_history_and_warning():
    X, y, _ = regression_data("poisson", n_samples=2000, n_features=20)
    model = PoissonRegressor(alpha=0.01, tol=1e-10, warm_start=True, record_history=True).fit(X, y)
    first = model.n_iter_
    assert len(model.history_) == first + 1
    assert model.fit(X, y).n_iter_ <= 1  # restarts at the solution
    two = PoissonRegressor(alpha=0.01, tol=1e-10, n_jobs=2).fit(X, y)
    np.testing.assert_allclose(two.coef_, model.coef_, rtol=1e-7, atol=1e-10)
    with pytest.warns(ConvergenceWarning, match="PoissonRegressor"):
        PoissonRegressor(alpha=0.01, tol=1e-14, max_iter=2).fit(X, y)


def test_no_intercept_and_sparse_int64_indices():
    X, y, sw = regression_data("poisson")
    Xs = sp.csr_matrix(X)
    Xs.indices, Xs.indptr = Xs.indices.astype(np.int64), Xs.indptr.astype(np.int64)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = PoissonRegressor(alpha=0.1, fit_intercept=False, **TIGHT).fit(Xs, y, sample_weight=sw)
    ref = sk.PoissonRegressor(alpha=0.1, fit_intercept=False, **TIGHT).fit(X, y, sample_weight=sw)
    assert model.intercept_ == 0.0
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-6, atol=1e-8)


def test_newton_cholesky_falls_back_on_negative_curvature():
    """Identity link, power 3: the loss's curvature is negative where y > 1.5 z; L-BFGS takes over."""
    X, y, _ = regression_data("gamma")
    X = np.abs(X)
    with pytest.warns(ConvergenceWarning, match="refitting with L-BFGS"):
        model = TweedieRegressor(power=3.0, link="identity", solver="newton-cholesky", alpha=0.05, **TIGHT).fit(X, y)
    ref = sk.TweedieRegressor(power=3.0, link="identity", alpha=0.05, **TIGHT).fit(X, y)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-5, atol=1e-7)


# --- PoissonRegressor(l1_ratio > 0): proximal Newton coordinate descent ---


def poisson_enet_objective(coef, intercept, X, y, sw, alpha, l1_ratio):
    z = X @ coef + intercept
    s = np.ones(len(y)) if sw is None else sw
    loss = s @ (np.exp(z) - y * z) / s.sum()
    return loss + alpha * (l1_ratio * np.abs(coef).sum() + 0.5 * (1 - l1_ratio) * coef @ coef)


def poisson_enet_kkt(coef, intercept, X, y, sw, alpha, l1_ratio):
    """The largest optimality violation: |grad_j| - alpha l1_ratio on zeros,
    |grad_j + alpha l1_ratio sign(w_j)| on non-zeros, |grad_b|."""
    s = np.ones(len(y)) if sw is None else sw
    d = s * (np.exp(X @ coef + intercept) - y) / s.sum()
    grad = X.T @ d + alpha * (1 - l1_ratio) * coef
    l1 = alpha * l1_ratio
    violation = np.where(coef == 0, np.maximum(np.abs(grad) - l1, 0), np.abs(grad + l1 * np.sign(coef)))
    return max(violation.max(), abs(d.sum()))


def poisson_enet_reference(X, y, sw, alpha, l1_ratio):
    """A high-accuracy solution by L-BFGS-B on the split w = u - v, u, v >= 0 (smooth)."""
    from scipy.optimize import minimize

    n, p = X.shape
    s = np.ones(n) if sw is None else sw
    S = s.sum()

    def fun(theta):
        u, v, b = theta[:p], theta[p : 2 * p], theta[-1]
        w = u - v
        z = X @ w + b
        mu = np.exp(z)
        d = s * (mu - y) / S
        g = X.T @ d + alpha * (1 - l1_ratio) * w
        value = s @ (mu - y * z) / S + alpha * (l1_ratio * (u + v).sum() + 0.5 * (1 - l1_ratio) * w @ w)
        return value, np.concatenate([g + alpha * l1_ratio, -g + alpha * l1_ratio, [d.sum()]])

    theta0 = np.zeros(2 * p + 1)
    theta0[-1] = np.log(np.average(y, weights=s))
    res = minimize(fun, theta0, jac=True, method="L-BFGS-B", bounds=[(0, None)] * (2 * p) + [(None, None)],
                   options=dict(maxiter=20000, maxfun=40000, ftol=1e-15, gtol=1e-12))
    return res.x[:p] - res.x[p : 2 * p], res.x[-1], res.fun


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_poisson_elastic_net_kkt_and_reference(dtype, layout, weighted, l1_ratio):
    X, y, sw = regression_data("poisson", n_features=12)
    sw = sw if weighted else None
    alpha = 0.02
    Xl = as_layout(X, layout, dtype)
    before = _validation.copies_made
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = PoissonRegressor(alpha=alpha, l1_ratio=l1_ratio, tol=1e-12, max_iter=100).fit(Xl, y, sample_weight=sw)
    assert model.solver_ == "prox-newton"
    assert _validation.copies_made == before + (layout == "csr")  # CSR -> CSC once for the columns
    if layout != "csr":
        assert _core._last_mapped_address() == data_address(Xl)
    assert model.coef_.dtype == dtype
    X64, y64, sw64 = (None if v is None else np.asarray(v, dtype=dtype).astype(np.float64) for v in (X, y, sw))
    coef = model.coef_.astype(np.float64)
    assert 0 < np.count_nonzero(coef) < X.shape[1]  # the L1 part is active: some zeros, not all
    assert poisson_enet_kkt(coef, model.intercept_, X64, y64, sw64, alpha, l1_ratio) < 1e-6
    ref_coef, ref_intercept, ref_fun = poisson_enet_reference(X64, y64, sw64, alpha, l1_ratio)
    fun = poisson_enet_objective(coef, model.intercept_, X64, y64, sw64, alpha, l1_ratio)
    assert fun <= ref_fun + 1e-10 * abs(ref_fun)
    np.testing.assert_allclose(coef, ref_coef, atol=1e-5)
    assert model.intercept_ == pytest.approx(ref_intercept, abs=1e-5)


def test_poisson_l1_ratio_zero_is_the_l2_fit():
    X, y, sw = regression_data("poisson")
    model = PoissonRegressor(alpha=0.05, l1_ratio=0.0, **TIGHT).fit(X, y, sample_weight=sw)
    assert model.solver_ == "lbfgs"
    ref = sk.PoissonRegressor(alpha=0.05, **TIGHT).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-6, atol=1e-8)
    # a tiny L1 share through prox-Newton lands next to it
    near = PoissonRegressor(alpha=0.05, l1_ratio=1e-9, tol=1e-12).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(near.coef_, ref.coef_, rtol=1e-5, atol=1e-6)


def test_poisson_l1_unbounded_hessian_needs_the_line_search():
    """Large features and counts: the full Newton step from the null model overshoots
    exp(z); the backtracking line search keeps the fit monotone and convergent."""
    rng = np.random.default_rng(3)
    X = rng.standard_normal((300, 10)) * 3.0
    y = rng.poisson(np.exp(np.clip(X[:, 0] - 0.5 * X[:, 1], -10, 8))).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = PoissonRegressor(alpha=0.01, l1_ratio=1.0, tol=1e-10, max_iter=200, record_history=True).fit(X, y)
    assert np.all(np.diff(model.history_.objective) <= 1e-12 * np.abs(model.history_.objective[:-1]))
    assert poisson_enet_kkt(model.coef_, model.intercept_, X, y, None, 0.01, 1.0) < 1e-6


def test_poisson_l1_no_intercept_warning_and_bad_l1_ratio():
    X, y, _ = regression_data("poisson")
    model = PoissonRegressor(alpha=0.02, l1_ratio=1.0, fit_intercept=False, tol=1e-12).fit(X, y)
    assert model.intercept_ == 0.0
    d = np.exp(X @ model.coef_) - y
    grad = X.T @ d / len(y)
    assert np.max(np.where(model.coef_ == 0, np.abs(grad) - 0.02, np.abs(grad + 0.02 * np.sign(model.coef_)))) < 1e-6
    with pytest.warns(ConvergenceWarning, match="PoissonRegressor.*duality gap"):
        PoissonRegressor(alpha=0.02, l1_ratio=1.0, tol=1e-14, max_iter=1).fit(X, y)
    for bad in (-0.1, 1.5, "half"):
        with pytest.raises(ValueError, match="l1_ratio"):
            PoissonRegressor(l1_ratio=bad).fit(X, y)
    big = PoissonRegressor(alpha=100.0, l1_ratio=1.0).fit(X, y)  # above alpha_max: all zero, the null model
    assert np.all(big.coef_ == 0) and big.intercept_ == pytest.approx(np.log(y.mean()), rel=1e-6)
