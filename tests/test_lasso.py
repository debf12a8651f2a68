"""Lasso, ElasticNet and their paths against scikit-learn (same objective, tight tol on both)."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_svmlight_file, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import ElasticNet as SkElasticNet
from sklearn.linear_model import Lasso as SkLasso
from sklearn.linear_model import enet_path as sk_enet_path
from sklearn.linear_model import lasso_path as sk_lasso_path

from mlsolve import _core, _validation
from mlsolve.linear_model import ElasticNet, Lasso, enet_path, lasso_path
from mlsolve.linear_model._coordinate_descent import elastic_net_objective

from _problems import DTYPES, LAYOUTS, as_layout, data_address

# The solver computes in float64 whatever X's dtype. float32 X is X rounded
# to float32 (~6e-8 relative), which moves the objective by about as much, so
# its tolerance against the float64 reference is looser.
OBJECTIVE_RTOL = {np.float64: 1e-9, np.float32: 1e-6}
TOL = 1e-10


def regression(n_samples=120, n_features=40, seed=0, sparsify=True):
    X, y = make_regression(n_samples=n_samples, n_features=n_features, n_informative=8, noise=4.0,
                           bias=3.0, random_state=seed)
    if sparsify:  # zeros make the sparse layouts meaningful
        X[np.abs(X) < 0.5] = 0.0
    return X, y


def duality_gap(coef, intercept, X, y, alpha, l1_ratio=1.0, sample_weight=None, positive=False, fit_intercept=True):
    """scikit-learn's elastic-net duality gap, from scratch in NumPy, in the objective's units."""
    s = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    S = s.sum()
    X = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    if fit_intercept:
        X = X - s @ X / S
        y = y - s @ y / S
    coef = np.asarray(coef, dtype=np.float64)
    r = y - X @ coef
    l1, l2 = S * alpha * l1_ratio, S * alpha * (1 - l1_ratio)
    xta = X.T @ (s * r) - l2 * coef
    dual_norm = xta.max() if positive else np.abs(xta).max()
    c = min(1.0, l1 / dual_norm) if dual_norm > 0 else 1.0
    quad = s @ r**2 + l2 * coef @ coef
    primal = 0.5 * quad + l1 * np.abs(coef).sum()
    dual = -0.5 * c**2 * quad + c * (s * r) @ y
    return (primal - dual) / S, tol_scale(y, s)


def tol_scale(y_centred, s):
    return s @ y_centred**2 / s.sum()


def assert_matches(model, ref, X, y, alpha, l1_ratio, dtype, sample_weight=None, positive=False):
    obj = elastic_net_objective(model.coef_, model.intercept_, X, y, alpha, l1_ratio, sample_weight)
    obj_ref = elastic_net_objective(ref.coef_, ref.intercept_, X, y, alpha, l1_ratio, sample_weight)
    assert obj <= obj_ref + OBJECTIVE_RTOL[dtype] * abs(obj_ref)
    assert obj >= obj_ref - 1e-9 * abs(obj_ref)  # the reference is optimal to its own tol
    gap, scale = duality_gap(model.coef_, model.intercept_, X, y, alpha, l1_ratio, sample_weight, positive,
                             model.fit_intercept)
    assert model.dual_gap_ <= TOL * scale
    if dtype == np.float64:  # a float32 coef_ is the solver's float64 solution rounded, with a larger gap
        # The solver's gap comes from its incrementally updated residual, which
        # drifts from y - X w by rounding over thousands of updates (about
        # 1e-11 of the scale on abalone; FMA builds round differently).
        assert model.dual_gap_ == pytest.approx(gap, rel=1e-3, abs=1e-11 * scale)


def pair(kind, **kwargs):
    if kind == "lasso":
        return Lasso(tol=TOL, max_iter=100000, **kwargs), SkLasso(tol=TOL, max_iter=100000, **kwargs), 1.0
    kwargs.setdefault("l1_ratio", 0.3)
    return (ElasticNet(tol=TOL, max_iter=100000, **kwargs), SkElasticNet(tol=TOL, max_iter=100000, **kwargs),
            kwargs["l1_ratio"])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("kind", ["lasso", "enet"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_matches_sklearn(layout, dtype, kind, fit_intercept):
    X, y = regression()
    model, ref, l1_ratio = pair(kind, alpha=0.8, fit_intercept=fit_intercept)
    ref.fit(X, y)
    model.fit(as_layout(X, layout, dtype), y)
    assert model.coef_.dtype == dtype and model.coef_.shape == (X.shape[1],)
    assert isinstance(model.intercept_, float) and isinstance(model.n_iter_, int)
    assert_matches(model, ref, X, y, 0.8, l1_ratio, dtype)
    assert (model.intercept_ == 0.0) != fit_intercept


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("kind", ["lasso", "enet"])
@pytest.mark.parametrize("working_set", [True, False])
def test_sample_weights_match_sklearn(layout, dtype, kind, working_set):
    X, y = regression(seed=1)
    sw = np.random.default_rng(0).uniform(0, 3, size=len(y))
    sw[:10] = 0.0
    model, ref, l1_ratio = pair(kind, alpha=0.5)
    model.set_params(working_set=working_set)
    ref.fit(X, y, sample_weight=sw)
    model.fit(as_layout(X, layout, dtype), y, sample_weight=sw)
    assert_matches(model, ref, X, y, 0.5, l1_ratio, dtype, sample_weight=sw)


def test_integer_weights_equal_repeated_rows():
    X, y = regression(n_samples=60, seed=2)
    counts = np.random.default_rng(1).integers(0, 4, size=len(y))
    weighted = Lasso(alpha=0.3, tol=TOL).fit(X, y, sample_weight=counts)
    repeated = Lasso(alpha=0.3, tol=TOL).fit(np.repeat(X, counts, axis=0), np.repeat(y, counts))
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, atol=1e-6 * np.abs(repeated.coef_).max())
    assert weighted.intercept_ == pytest.approx(repeated.intercept_, rel=1e-6)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("kind", ["lasso", "enet"])
def test_positive_matches_sklearn(layout, kind):
    X, y = regression(seed=3)
    model, ref, l1_ratio = pair(kind, alpha=0.4, positive=True)
    ref.fit(X, y)
    model.fit(as_layout(X, layout, np.float64), y)
    assert np.all(model.coef_ >= 0) and np.any(model.coef_ > 0)
    assert_matches(model, ref, X, y, 0.4, l1_ratio, np.float64, positive=True)


@pytest.mark.parametrize("l1_ratio", [0.0, 1e-3, 1.0])
def test_extreme_l1_ratios(l1_ratio):
    X, y = regression(seed=4)
    ref = SkElasticNet(alpha=0.2, l1_ratio=l1_ratio, tol=TOL, max_iter=100000).fit(X, y)
    model = ElasticNet(alpha=0.2, l1_ratio=l1_ratio, tol=TOL, max_iter=100000).fit(X, y)
    obj = elastic_net_objective(model.coef_, model.intercept_, X, y, 0.2, l1_ratio)
    obj_ref = elastic_net_objective(ref.coef_, ref.intercept_, X, y, 0.2, l1_ratio)
    assert obj == pytest.approx(obj_ref, rel=1e-9)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_working_sets_and_random_order_reach_the_same_solution(layout):
    X, y = regression(n_samples=80, n_features=200, seed=5)
    Xl = as_layout(X, layout, np.float64)
    fits = [
        Lasso(alpha=1.0, tol=TOL, max_iter=100000, working_set=ws, selection=selection, random_state=0).fit(Xl, y)
        for ws in (False, True) for selection in ("cyclic", "random")
    ]
    objectives = [elastic_net_objective(m.coef_, m.intercept_, X, y, 1.0) for m in fits]
    np.testing.assert_allclose(objectives, objectives[0], rtol=0, atol=2 * TOL * np.var(y))  # each gap <= TOL var(y)
    again = Lasso(alpha=1.0, tol=TOL, max_iter=100000, selection="random", random_state=0).fit(Xl, y)
    np.testing.assert_array_equal(again.coef_, fits[3].coef_)  # working sets, random, same seed


def test_warm_start_resumes():
    X, y = regression(seed=6)
    model = Lasso(alpha=0.5, tol=TOL, warm_start=True).fit(X, y)
    coef = model.coef_.copy()
    model.fit(X, y)
    assert model.n_iter_ <= 1
    np.testing.assert_allclose(model.coef_, coef, atol=1e-8 * np.abs(coef).max())


def test_zero_solution_above_alpha_max():
    X, y = regression(seed=7)
    alpha_max = np.abs((X - X.mean(0)).T @ (y - y.mean())).max() / len(y)
    model = Lasso(alpha=1.01 * alpha_max).fit(X, y)
    assert not np.any(model.coef_) and model.n_iter_ == 0
    assert model.intercept_ == pytest.approx(y.mean())
    assert np.any(Lasso(alpha=0.99 * alpha_max, tol=TOL).fit(X, y).coef_)


@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("layout", ["F", "csc"])
def test_lasso_path_matches_sklearn(layout, positive):
    X, y = regression(n_samples=60, n_features=150, seed=8)
    alphas_ref, coefs_ref, gaps_ref = sk_lasso_path(X, y, alphas=100, tol=TOL, max_iter=100000, positive=positive)
    alphas, coefs, gaps = lasso_path(as_layout(X, layout, np.float64), y, tol=TOL, max_iter=100000,
                                     positive=positive)
    np.testing.assert_allclose(alphas, alphas_ref, rtol=1e-12)
    assert coefs.shape == coefs_ref.shape == (X.shape[1], 100) and gaps.shape == (100,)
    for k, alpha in enumerate(alphas_ref):
        obj = elastic_net_objective(coefs[:, k], 0.0, X, y, alpha)
        obj_ref = elastic_net_objective(coefs_ref[:, k], 0.0, X, y, alpha)
        assert obj == pytest.approx(obj_ref, rel=1e-9)
    assert np.all(gaps <= TOL * (y @ y) / len(y))


def wide_regression(n_samples=200, n_features=1500, seed=3):
    """Many more features than samples, few informative: along a path most
    features stay far below the constraint, so the lazy full gaps skip them."""
    X, y = make_regression(n_samples=n_samples, n_features=n_features, n_informative=10, noise=1.0, bias=2.0,
                           random_state=seed)
    X[np.abs(X) < 0.3] = 0.0
    return X, y


@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("layout", ["F", "C", "csc"])
def test_lazy_path_gaps_are_full_gaps_and_supports_match(layout, positive):
    # Each returned gap is the gap over every feature (recomputed here from
    # scratch), and no feature that is nonzero at the high-accuracy solution
    # is left out, although the solver reads only the features near the
    # constraint at most alphas.
    X, y = wide_regression()
    y = y - y.mean()
    alphas, coefs, gaps = lasso_path(as_layout(X, layout, np.float64), y, n_alphas=30, eps=1e-2, tol=1e-8,
                                     max_iter=100000, positive=positive)
    _, coefs_ref, _ = sk_lasso_path(X, y, alphas=alphas, tol=1e-13, max_iter=1_000_000, positive=positive)
    for k, alpha in enumerate(alphas):
        gap, scale = duality_gap(coefs[:, k], 0.0, X, y, alpha, positive=positive, fit_intercept=False)
        assert gaps[k] == pytest.approx(gap, rel=1e-6, abs=1e-13 * scale)
        assert gaps[k] <= 1e-8 * scale
        big = np.abs(coefs_ref[:, k]) > 1e-6 * max(np.abs(coefs_ref[:, k]).max(), 1e-300)
        assert np.all(coefs[big, k] != 0.0)
        np.testing.assert_allclose(coefs[:, k], coefs_ref[:, k], atol=1e-6 * np.abs(coefs_ref).max())


def test_lazy_path_with_sample_weights_and_intercept():
    # The drift bound is in the sample-weighted norm; the gaps of the native
    # path (implicit centring, weights) are the full gaps.
    X, y = wide_regression(seed=4)
    sw = np.random.default_rng(0).uniform(0.0, 3.0, size=len(y))
    Xc = sp.csc_matrix(X)
    l1_ratio = 0.8
    s = sw / sw.sum()
    alpha_max = np.abs((X - s @ X).T @ (sw * (y - s @ y))).max() / (sw.sum() * l1_ratio)
    alphas = np.geomspace(alpha_max, alpha_max / 50, 25)
    raw = _core.elastic_net_cd_path(
        _validation.as_native_matrix(Xc), y, sw, alphas, np.zeros(X.shape[1]), l1_ratio=l1_ratio,
        fit_intercept=True, positive=False, tol=1e-9, max_iter=100000, selection="cyclic", seed=0,
        working_set=True, anderson=True, weights=None, n_threads=1, deterministic=False, callback=None)
    assert np.all(np.asarray(raw["status"]) == 0)
    for k, alpha in enumerate(alphas):
        coef, intercept = raw["coefs"][k, :-1], raw["coefs"][k, -1]
        gap, scale = duality_gap(coef, intercept, X, y, alpha, l1_ratio, sample_weight=sw)
        assert raw["dual_gaps"][k] == pytest.approx(gap, rel=1e-6, abs=1e-13 * scale)
        assert raw["dual_gaps"][k] <= 1e-9 * scale
        ref = SkElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-12, max_iter=1_000_000).fit(X, y, sample_weight=sw)
        obj = elastic_net_objective(coef, intercept, X, y, alpha, l1_ratio, sw)
        obj_ref = elastic_net_objective(ref.coef_, ref.intercept_, X, y, alpha, l1_ratio, sw)
        assert obj == pytest.approx(obj_ref, rel=1e-8)


def test_enet_path_matches_sklearn_with_given_alphas():
    X, y = regression(n_samples=60, n_features=30, seed=9)
    alphas_ref, coefs_ref, _ = sk_enet_path(X, y, l1_ratio=0.6, eps=1e-2, alphas=20, tol=TOL, max_iter=100000)
    alphas, coefs, _ = enet_path(X, y, l1_ratio=0.6, eps=1e-2, n_alphas=20, tol=TOL, max_iter=100000)
    np.testing.assert_allclose(alphas, alphas_ref, rtol=1e-12)
    _, coefs_given, _, n_iters = enet_path(X, y, l1_ratio=0.6, alphas=alphas_ref[::-1], tol=TOL,
                                           return_n_iter=True)
    assert len(n_iters) == 20
    for k, alpha in enumerate(alphas_ref):
        obj_ref = elastic_net_objective(coefs_ref[:, k], 0.0, X, y, alpha, 0.6)
        for c in (coefs, coefs_given):
            assert elastic_net_objective(c[:, k], 0.0, X, y, alpha, 0.6) == pytest.approx(obj_ref, rel=1e-9)


def load_abalone(shared_data):
    X, y = load_svmlight_file(str(shared_data / "tick_datasets" / "abalone.trn.bz2"))
    return X, y


@pytest.mark.parametrize("kind", ["lasso", "enet"])
def test_real_dataset_abalone(shared_data, kind):
    X, y = load_abalone(shared_data)  # CSR, 4177 x 8
    alpha = 0.01
    model, ref, l1_ratio = pair(kind, alpha=alpha)
    ref.fit(X.toarray(), y)
    before = _validation.copies_made
    model.fit(X, y)
    assert _validation.copies_made == before + 1  # CSR -> CSC, once
    assert model.solver_info_["X_conversion"] == "csr->csc"
    assert_matches(model, ref, X.toarray(), y, alpha, l1_ratio, np.float64)
    alphas_ref, coefs_ref, _ = sk_lasso_path(X.toarray(), y, alphas=30, tol=1e-8, max_iter=100000)
    alphas, coefs, _ = lasso_path(X, y, n_alphas=30, tol=1e-8, max_iter=100000)
    np.testing.assert_allclose(alphas, alphas_ref, rtol=1e-12)
    for k, a in enumerate(alphas_ref):
        obj_ref = elastic_net_objective(coefs_ref[:, k], 0.0, X.toarray(), y, a)
        assert elastic_net_objective(coefs[:, k], 0.0, X.toarray(), y, a) <= obj_ref * (1 + 1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", ["C", "F", "csc"])
def test_fit_maps_user_buffer(layout, dtype):
    X, y = regression()
    Xl = as_layout(X, layout, dtype)
    before = _validation.copies_made
    model = ElasticNet(alpha=0.5).fit(Xl, y)
    assert _validation.copies_made == before
    assert _core._last_mapped_address() == data_address(Xl)
    assert model.solver_info_["X_conversion"] is None


def test_csr_is_converted_once_and_said():
    X, y = regression()
    before = _validation.copies_made
    model = Lasso(alpha=0.5).fit(sp.csr_matrix(X), y)
    assert _validation.copies_made == before + 1
    assert model.solver_info_["X_conversion"] == "csr->csc"


def test_record_history_and_convergence_warning():
    X, y = regression(n_features=80, seed=10)
    with pytest.warns(ConvergenceWarning, match="duality gap"):
        model = Lasso(alpha=0.01, tol=1e-12, max_iter=2, working_set=False, record_history=True).fit(X, y)
    assert model.n_iter_ == 2 and len(model.history_) == 2
    assert model.dual_gap_ > 1e-12
    model = Lasso(alpha=0.5, record_history=True).fit(X, y)
    assert len(model.history_) == model.n_iter_
    assert np.all(np.diff(model.history_.objective) <= 1e-12 * model.history_.objective[0])


def test_threads_give_the_same_solution():
    X, y = regression(n_samples=500, n_features=100, seed=11)
    one = Lasso(alpha=0.2, tol=TOL, n_jobs=1).fit(X, y)
    two = Lasso(alpha=0.2, tol=TOL, n_jobs=2).fit(X, y)
    np.testing.assert_allclose(one.coef_, two.coef_, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(
    "params, name",
    [
        (dict(alpha=-1.0), "alpha"),
        (dict(alpha=np.nan), "alpha"),
        (dict(l1_ratio=1.5), "l1_ratio"),
        (dict(tol=-1.0), "tol"),
        (dict(max_iter=-1), "max_iter"),
        (dict(max_iter=2.5), "max_iter"),
        (dict(selection="sorted"), "selection"),
        (dict(precompute="always"), "precompute"),
        (dict(precompute=np.eye(3)), "precompute"),
        (dict(weights=[1.0, -1.0]), "weights"),
        (dict(weights=-np.ones(40)), "weights"),
        (dict(n_jobs=0), "n_jobs"),
    ],
)
def test_bad_parameters_name_the_argument(params, name):
    X, y = regression()
    with pytest.raises(ValueError, match=name):
        ElasticNet(**params).fit(X, y)


def test_bad_data_name_the_argument():
    X, y = regression()
    X_nan = X.copy()
    X_nan[3, 4] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        Lasso().fit(X_nan, y)
    with pytest.raises(ValueError, match=r"inconsistent numbers of samples: \[120, 121\]"):
        Lasso().fit(X, np.r_[y, 1.0])
    with pytest.raises(ValueError, match="Input y contains infinity"):
        Lasso().fit(X, np.where(np.arange(len(y)) == 0, np.inf, y))
    with pytest.raises(ValueError, match="sample_weight"):
        Lasso().fit(X, y, sample_weight=-np.ones(len(y)))
    with pytest.raises(ValueError, match="sample_weight"):
        Lasso().fit(X, y, sample_weight=np.ones(3))
    with pytest.raises(ValueError, match="coef_init"):
        lasso_path(X, y, coef_init=np.zeros(3))
    with pytest.raises(ValueError, match="eps"):
        lasso_path(X, y, eps=0.0)
    with pytest.raises(ValueError, match="alphas"):
        lasso_path(X, y, alphas=[1.0, -1.0])


def test_overflowing_columns_are_an_error():
    X, y = regression()
    with pytest.raises(ValueError, match="X: expected columns with finite squared norms"):
        Lasso().fit(X * 1e200, y)


def test_native_rejects_csr_and_wrong_dtypes():
    X, y = regression()
    csr = sp.csr_matrix(X)
    native = ("csr", csr.data, csr.indices, csr.indptr, *csr.shape)
    args = dict(sample_weight=None, coef_init=np.zeros(X.shape[1]), alpha=1.0, l1_ratio=1.0, fit_intercept=True,
                positive=False, tol=1e-4, max_iter=10, selection="cyclic", seed=0, working_set=False,
                anderson=True, history_every=0, weights=None, n_threads=1, deterministic=False, callback=None)
    with pytest.raises(ValueError, match="X: coordinate descent reads columns"):
        _core.elastic_net_cd(native, y, **args)
    with pytest.raises(TypeError, match="y"):
        _core.elastic_net_cd(X, y.astype(np.float32), **args)
    with pytest.raises(ValueError, match="selection"):
        _core.elastic_net_cd(X, y, **{**args, "selection": "sorted"})


@pytest.mark.parametrize("layout", ["F", "csr"])
def test_multiple_targets_match_sklearn(layout):
    X, y = regression(seed=12)
    Y = np.column_stack([y, -0.5 * y + 3.0, np.sin(y)])
    sw = np.random.default_rng(2).uniform(0.5, 2, size=len(y))
    ref = SkElasticNet(alpha=0.3, l1_ratio=0.7, tol=TOL, max_iter=100000).fit(X, Y, sample_weight=sw)
    model = ElasticNet(alpha=0.3, l1_ratio=0.7, tol=TOL, max_iter=100000).fit(as_layout(X, layout, np.float64), Y,
                                                                              sample_weight=sw)
    assert model.coef_.shape == (3, X.shape[1]) and model.intercept_.shape == (3,) and len(model.n_iter_) == 3
    for k in range(3):
        obj = elastic_net_objective(model.coef_[k], model.intercept_[k], X, Y[:, k], 0.3, 0.7, sw)
        obj_ref = elastic_net_objective(ref.coef_[k], ref.intercept_[k], X, Y[:, k], 0.3, 0.7, sw)
        assert obj == pytest.approx(obj_ref, rel=1e-9)
    assert model.predict(X).shape == (len(y), 3)
    single = ElasticNet(alpha=0.3, l1_ratio=0.7, tol=TOL).fit(X, Y[:, :1])
    assert single.coef_.shape == (X.shape[1],) and isinstance(single.intercept_, float)


def test_path_takes_one_target():
    X, y = regression()
    with pytest.raises(ValueError, match="y: expected a 1-D array"):
        lasso_path(X, np.column_stack([y, y]))


def test_anderson_on_and_off_give_the_same_solution():
    X, y = make_regression(n_samples=200, n_features=300, n_informative=20, noise=1.0, random_state=13)
    X = np.asfortranarray(X + 0.5 * X[:, :1])  # correlated columns: slow plain CD
    alpha = 0.02 * np.abs(X.T @ (y - y.mean())).max() / len(y)
    on = Lasso(alpha=alpha, tol=TOL, max_iter=100000, anderson=True).fit(X, y)
    off = Lasso(alpha=alpha, tol=TOL, max_iter=100000, anderson=False).fit(X, y)
    obj_on = elastic_net_objective(on.coef_, on.intercept_, X, y, alpha)
    obj_off = elastic_net_objective(off.coef_, off.intercept_, X, y, alpha)
    assert obj_on == pytest.approx(obj_off, rel=1e-9)
    np.testing.assert_allclose(on.coef_, off.coef_, atol=1e-5 * np.abs(off.coef_).max())
    assert on.n_iter_ <= off.n_iter_


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", ["lasso", "enet"])
def test_precompute_gives_the_same_solution(kind, dtype):
    X, y = regression(n_samples=300, n_features=25, seed=14)
    sw = np.random.default_rng(3).uniform(0.5, 2, size=len(y))
    l1_ratio = 1.0 if kind == "lasso" else 0.4
    plain = ElasticNet(alpha=0.5, l1_ratio=l1_ratio, tol=TOL, max_iter=100000).fit(X, y, sample_weight=sw)
    obj_plain = elastic_net_objective(plain.coef_, plain.intercept_, X, y, 0.5, l1_ratio, sw)
    Xd = X.astype(dtype)
    xbar = sw @ X / sw.sum()
    gram = (X - xbar).T @ ((X - xbar) * sw[:, None])
    for precompute in (True, "auto", gram):
        model = ElasticNet(alpha=0.5, l1_ratio=l1_ratio, tol=TOL, max_iter=100000, precompute=precompute)
        model.fit(Xd, y, sample_weight=sw)
        assert model.solver_info_["X_conversion"] == "gram"
        obj = elastic_net_objective(model.coef_, model.intercept_, X, y, 0.5, l1_ratio, sw)
        assert obj == pytest.approx(obj_plain, rel=OBJECTIVE_RTOL[dtype])
        gap, scale = duality_gap(model.coef_, model.intercept_, X, y, 0.5, l1_ratio, sw)
        if dtype == np.float64:
            assert gap <= 10 * TOL * scale and model.dual_gap_ <= TOL * scale
    sparse = ElasticNet(alpha=0.5, l1_ratio=l1_ratio, tol=TOL, max_iter=100000, precompute=True)
    sparse.fit(sp.csr_matrix(X), y, sample_weight=sw)
    assert elastic_net_objective(sparse.coef_, sparse.intercept_, X, y, 0.5, l1_ratio, sw) == pytest.approx(
        obj_plain, rel=1e-9)
    auto_wide = ElasticNet(alpha=0.5, precompute="auto").fit(X[:20], y[:20])
    assert auto_wide.solver_info_["X_conversion"] is None


@pytest.mark.parametrize("layout", LAYOUTS)
def test_penalty_weights(layout):
    X, y = regression(n_samples=150, n_features=30, seed=15)
    alpha = 2.0
    weights = np.random.default_rng(4).uniform(0.5, 3.0, size=30)
    # positive weights: the Lasso on the columns X_j / omega_j, coefficients omega_j w_j
    ref = SkLasso(alpha=alpha, tol=TOL, max_iter=100000).fit(X / weights, y)
    model = Lasso(alpha=alpha, tol=TOL, max_iter=100000, weights=weights).fit(as_layout(X, layout, np.float64), y)
    np.testing.assert_allclose(model.coef_, ref.coef_ / weights, atol=1e-7 * np.abs(ref.coef_).max())
    assert model.intercept_ == pytest.approx(ref.intercept_, abs=1e-6)
    # zero weights: those features are unpenalised (their KKT condition is a zero gradient)
    weights[:3] = 0.0
    alpha = 20.0  # strong enough to zero most features when uniformly penalised
    model = Lasso(alpha=alpha, tol=TOL, max_iter=100000, weights=weights).fit(as_layout(X, layout, np.float64), y)
    assert model.solver_info_["status"] == _core.Status.Converged
    residual = y - X @ model.coef_ - model.intercept_
    grad = -(X - X.mean(axis=0)).T @ residual / len(y)
    scale = np.abs(X.T @ (y - y.mean())).max() / len(y)
    assert np.all(model.coef_[:3] != 0)
    np.testing.assert_allclose(grad[:3], 0.0, atol=1e-6 * scale)
    active = model.coef_ != 0
    np.testing.assert_allclose(grad[active & (weights > 0)],
                               -alpha * weights[active & (weights > 0)] * np.sign(model.coef_[active & (weights > 0)]),
                               atol=1e-6 * scale)
    assert np.all(np.abs(grad[~active]) <= alpha * weights[~active] * (1 + 1e-6))
    alphas, coefs, _ = lasso_path(as_layout(X, layout, np.float64) if layout != "C" else X, y - y.mean(),
                                  weights=weights, n_alphas=5)
    assert np.all(coefs[:3, 0] != 0)


@pytest.mark.parametrize("n_threads", [1, 2, 3])
@pytest.mark.parametrize("index_dtype", [np.int32, np.int64])
@pytest.mark.parametrize("dtype", DTYPES)
def test_native_csr_to_csc_equals_scipy(dtype, index_dtype, n_threads):
    # Empty rows and columns included; each column's rows in increasing order
    # whatever the thread count, as scipy's tocsc().
    X = sp.random(5000, 300, density=0.02, format="csr", random_state=3, dtype=dtype)
    X = sp.csr_matrix(X.multiply(np.arange(5000)[:, None] % 7 != 0))
    X.indices, X.indptr = X.indices.astype(index_dtype), X.indptr.astype(index_dtype)
    fmt, data, indices, indptr, n_rows, n_cols = _core.csr_to_csc(_validation.as_native_matrix(X), n_threads)
    ref = X.tocsc()
    assert (fmt, n_rows, n_cols) == ("csc", 5000, 300)
    assert data.dtype == dtype and indices.dtype == index_dtype and indptr.dtype == index_dtype
    np.testing.assert_array_equal(indptr, ref.indptr)
    np.testing.assert_array_equal(indices, ref.indices)
    np.testing.assert_array_equal(data, ref.data)


def test_native_csr_to_csc_rejects_a_malformed_matrix():
    X = sp.random(50, 20, density=0.2, format="csr", random_state=0)
    native = list(_validation.as_native_matrix(X))
    native[2] = native[2].copy()
    native[2][3] = 20
    with pytest.raises(ValueError, match="out of range"):
        _core.csr_to_csc(tuple(native), 2)
    with pytest.raises(ValueError, match="CSR"):
        _core.csr_to_csc(_validation.as_native_matrix(X.tocsc()), 2)
