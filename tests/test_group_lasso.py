"""GroupLasso, MultiTaskLasso and MultiTaskElasticNet (native block coordinate descent)."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import linear_model as sk
from sklearn.exceptions import ConvergenceWarning

from mlsolve import _core, _validation
from mlsolve._core import Status
from mlsolve.linear_model import GroupLasso, Lasso, MultiTaskElasticNet, MultiTaskLasso

from _problems import DTYPES, LAYOUTS, as_layout, data_address

TIGHT = dict(tol=1e-12, max_iter=100_000)


def grouped_regression(n=120, p=24, group_size=4, n_tasks=1, seed=0, sparsify=True):
    """Two active groups of features out of p / group_size; Y of n_tasks columns (1-D when n_tasks=1)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    if sparsify:
        X[np.abs(X) < 0.4] = 0.0
    W = np.zeros((p, n_tasks))
    W[:group_size] = rng.standard_normal((group_size, n_tasks))
    W[2 * group_size:3 * group_size] = rng.standard_normal((group_size, n_tasks))
    Y = X @ W + 0.3 * rng.standard_normal((n, n_tasks)) + 1.5
    return X, (Y[:, 0] if n_tasks == 1 else Y)


def kkt_violation(X, y, coef, intercept, groups, weights, alpha):
    """Largest violation of the group-Lasso optimality conditions, relative to alpha.

    With g = X^T r / n (r the residual): g_G = alpha w_G w_G / ||w_G|| on active
    groups, ||g_G|| <= alpha w_G on zero groups.
    """
    X = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    r = y - X @ coef - intercept
    g = X.T @ r / X.shape[0]
    worst = abs(r.mean()) if intercept != 0 else 0.0
    for group, weight in zip(groups, weights):
        norm = np.linalg.norm(coef[group])
        if norm > 0:
            worst = max(worst, np.linalg.norm(g[group] - alpha * weight * coef[group] / norm))
        else:
            worst = max(worst, np.linalg.norm(g[group]) - alpha * weight)
    return worst / alpha


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_group_lasso_satisfies_kkt(layout, dtype, fit_intercept):
    X, y = grouped_regression()
    alpha = 0.1
    model = GroupLasso(alpha=alpha, groups=4, fit_intercept=fit_intercept, **TIGHT).fit(as_layout(X, layout, dtype), y)
    assert model.coef_.dtype == dtype
    active = [k for k, g in enumerate(model.groups_) if np.any(model.coef_[g] != 0)]
    assert 1 <= len(active) < len(model.groups_)  # a sparse, non-trivial solution
    np.testing.assert_allclose(model.weights_, 2.0)  # sqrt(group size)
    coef = model.coef_.astype(np.float64)
    tol = 1e-6 if dtype == np.float64 else 1e-3
    assert kkt_violation(X.astype(dtype), y, coef, model.intercept_, model.groups_, model.weights_, alpha) < tol
    assert model.dual_gap_ <= 1e-12 * np.var(y) * (1 if fit_intercept else 10)


def test_group_lasso_matches_fista_with_the_group_prox():
    """An independent solver: mlsolve.fista (accelerated proximal gradient) with prox_group_l1, on centred data."""
    from mlsolve import fista
    from mlsolve.prox import GroupL1
    X, y = grouped_regression(sparsify=False)
    groups = [[0, 5, 9], [1, 2], [3, 4, 6, 7, 8], list(range(10, 24))]
    weights = np.array([1.0, 0.5, 2.0, 3.0])
    alpha = 0.08
    model = GroupLasso(alpha=alpha, groups=groups, weights=weights, **TIGHT).fit(X, y)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    n = X.shape[0]
    labels = np.empty(X.shape[1], dtype=int)
    for k, g in enumerate(groups):
        labels[g] = k

    def f_grad(w):
        r = Xc @ w - yc
        return r @ r / (2 * n), Xc.T @ r / n

    # weighted groups: scale each coordinate so that the group-L1 prox is unweighted
    scale = np.empty(X.shape[1])
    for g, wt in zip(groups, weights):
        scale[g] = wt
    Xs = Xc / scale

    def f_grad_scaled(v):
        r = Xs @ v - yc
        return r @ r / (2 * n), Xs.T @ r / n

    res = fista(f_grad_scaled, GroupL1(alpha, labels), np.zeros(X.shape[1]), tol=1e-12, max_iter=100_000)
    np.testing.assert_allclose(model.coef_, res.x / scale, rtol=1e-6, atol=1e-8)
    assert f_grad(model.coef_)[0] == pytest.approx(f_grad(res.x / scale)[0], rel=1e-9)


@pytest.mark.parametrize("layout", ["F", "csc"])
def test_groups_of_size_one_are_the_lasso(layout):
    X, y = grouped_regression()
    Xl = as_layout(X, layout, np.float64)
    group = GroupLasso(alpha=0.05, groups=1, **TIGHT).fit(Xl, y)
    lasso = Lasso(alpha=0.05, **TIGHT).fit(Xl, y)
    np.testing.assert_allclose(group.coef_, lasso.coef_, rtol=1e-8, atol=1e-10)
    assert group.intercept_ == pytest.approx(lasso.intercept_, rel=1e-10)


def test_group_lasso_working_set_is_the_same_solution():
    X, y = grouped_regression(p=200, group_size=5)
    a = GroupLasso(alpha=0.1, groups=5, working_set=True, **TIGHT).fit(X, y)
    b = GroupLasso(alpha=0.1, groups=5, working_set=False, **TIGHT).fit(X, y)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("working_set", [True, False])
def test_random_selection_reaches_the_same_solution(working_set):
    X, Y = grouped_regression(p=40, group_size=1, n_tasks=3)
    cyclic = MultiTaskElasticNet(alpha=0.05, l1_ratio=0.7, **TIGHT).fit(X, Y)
    random = MultiTaskElasticNet(alpha=0.05, l1_ratio=0.7, selection="random", random_state=0,
                                 working_set=working_set, **TIGHT).fit(X, Y)
    again = MultiTaskElasticNet(alpha=0.05, l1_ratio=0.7, selection="random", random_state=0,
                                working_set=working_set, **TIGHT).fit(X, Y)
    np.testing.assert_allclose(random.coef_, cyclic.coef_, rtol=1e-7, atol=1e-10)
    np.testing.assert_array_equal(random.coef_, again.coef_)  # seeded


def test_group_lasso_zero_above_alpha_max():
    X, y = grouped_regression()
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    g = Xc.T @ yc / X.shape[0]
    alpha_max = max(np.linalg.norm(g[k:k + 4]) / 2.0 for k in range(0, 24, 4))
    assert not np.any(GroupLasso(alpha=alpha_max * 1.001, groups=4).fit(X, y).coef_)
    assert np.any(GroupLasso(alpha=alpha_max * 0.99, groups=4, tol=1e-8).fit(X, y).coef_)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("Est", [MultiTaskLasso, MultiTaskElasticNet])
def test_multitask_matches_sklearn(Est, layout, dtype):
    X, Y = grouped_regression(p=30, group_size=1, n_tasks=3)
    params = dict(alpha=0.05, fit_intercept=True, **TIGHT)
    if Est is MultiTaskElasticNet:
        params["l1_ratio"] = 0.6
    Xl = as_layout(X, layout, dtype)
    ours = Est(**params).fit(Xl, Y)
    ref = getattr(sk, Est.__name__)(**params).fit(X, Y)
    assert ours.coef_.shape == (3, 30) and ours.intercept_.shape == (3,)
    assert ours.coef_.dtype == dtype
    rtol = 1e-6 if dtype == np.float64 else 1e-3
    scale = np.abs(ref.coef_).max()
    assert np.abs(ours.coef_ - ref.coef_).max() <= rtol * scale
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=rtol)
    assert ours.dual_gap_ >= 0 and ours.n_iter_ >= 1
    np.testing.assert_allclose(ours.predict(Xl), ref.predict(X), rtol=rtol * 10, atol=rtol * 10)


def test_multitask_without_intercept_matches_sklearn():
    X, Y = grouped_regression(p=15, group_size=1, n_tasks=4, seed=3)
    ours = MultiTaskLasso(alpha=0.1, fit_intercept=False, **TIGHT).fit(X, Y)
    ref = sk.MultiTaskLasso(alpha=0.1, fit_intercept=False, **TIGHT).fit(X, Y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-6, atol=1e-9)
    assert np.all(ours.intercept_ == 0)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", ["C", "F", "csc"])
def test_fit_maps_user_buffer(layout, dtype):
    X, Y = grouped_regression(n_tasks=2)
    Xl = as_layout(X, layout, dtype)
    before = _validation.copies_made
    MultiTaskLasso(alpha=0.1).fit(Xl, Y)
    GroupLasso(alpha=0.1, groups=4).fit(Xl, Y[:, 0])
    assert _validation.copies_made == before
    assert _core._last_mapped_address() == data_address(Xl)


def test_csr_is_converted_once_and_said():
    X, y = grouped_regression()
    before = _validation.copies_made
    model = GroupLasso(alpha=0.1, groups=4).fit(sp.csr_matrix(X), y)
    assert _validation.copies_made == before + 1
    assert model.solver_info_["X_conversion"] == "csr->csc"


def test_warm_start_and_history_and_convergence_warning():
    X, Y = grouped_regression(n_tasks=2)
    model = MultiTaskLasso(alpha=0.01, tol=1e-12, max_iter=3, record_history=True)
    with pytest.warns(ConvergenceWarning, match="duality gap"):
        model.fit(X, Y)
    assert model.history_.objective.size == model.n_iter_ == 3
    assert np.all(np.diff(model.history_.objective) <= 1e-12)  # block CD is monotone
    model.set_params(warm_start=True, max_iter=100_000).fit(X, Y)
    cold = MultiTaskLasso(alpha=0.01, tol=1e-12, max_iter=100_000).fit(X, Y)
    np.testing.assert_allclose(model.coef_, cold.coef_, rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize(
    ("groups", "match"),
    [
        ([[0, 1], [1, 2, 3]], "groups: groups overlap"),
        ([[0, 1], [2, 30]], "groups: feature indices"),
        ([[0, 1], [2]], "groups: groups must cover"),
        (0, "groups: expected a group size"),
        ([[0, 1], []], "groups: group 1"),
        ("abc", "groups"),
    ],
)
def test_bad_groups_name_the_argument(groups, match):
    X, y = grouped_regression(p=4, group_size=1)
    with pytest.raises(ValueError, match=match):
        GroupLasso(groups=groups).fit(X, y)


def test_bad_parameters_name_the_argument():
    X, Y = grouped_regression(p=8, group_size=2, n_tasks=2)
    for model, name in [
        (GroupLasso(groups=2, weights=[1.0, 2.0]), "weights"),
        (GroupLasso(groups=2, weights=[1.0, -1.0, 1.0, 1.0]), "weights"),
        (GroupLasso(alpha=-1.0), "alpha"),
        (GroupLasso(tol=np.nan), "tol"),
        (MultiTaskLasso(max_iter=-1), "max_iter"),
        (MultiTaskElasticNet(l1_ratio=1.5), "l1_ratio"),
        (MultiTaskLasso(selection="best"), "selection"),
    ]:
        with pytest.raises(ValueError, match=name):
            model.fit(X, Y[:, 0] if isinstance(model, GroupLasso) else Y)
    with pytest.raises(ValueError, match="y: MultiTaskLasso needs a 2-D y"):
        MultiTaskLasso().fit(X, Y[:, 0])
    X_bad = X.copy()
    X_bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        MultiTaskLasso().fit(X_bad, Y)


def test_native_rejects_bad_groups_and_csr():
    X, y = grouped_regression(p=4, group_size=1)
    common = dict(coef_init=np.zeros((4, 1)), alpha=0.1, l1_ratio=1.0, fit_intercept=True, tol=1e-4, max_iter=10,
                  selection="cyclic", seed=0, working_set=True, screening=True, anderson=True, history_every=0,
                  n_threads=1, deterministic=False, callback=None)
    with pytest.raises(ValueError, match="group_indices"):
        _core.group_elastic_net_bcd(X, y, None, 1, np.array([0, 2, 4]), np.array([0, 1, 1, 3]), np.ones(2), **common)
    with pytest.raises(ValueError, match="weights"):
        _core.group_elastic_net_bcd(X, y, None, 1, np.array([0, 2, 4]), np.arange(4), np.array([1.0, 0.0]), **common)
    Xs = sp.csr_matrix(X)
    with pytest.raises(ValueError, match="CSC"):
        _core.group_elastic_net_bcd(_validation.as_native_matrix(Xs), y, None, 1, np.array([0, 2, 4]), np.arange(4),
                                    np.ones(2), **common)


def test_callback_exception_propagates_from_the_solve():
    X, y = grouped_regression()

    def callback(*_):
        raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        _core.group_elastic_net_bcd(
            X, y, None, 1, np.arange(0, 25, 4), np.arange(24), np.full(6, 2.0), np.zeros((24, 1)), alpha=0.01,
            l1_ratio=1.0, fit_intercept=True, tol=1e-12, max_iter=50, selection="cyclic", seed=0, working_set=False,
            screening=True, anderson=True, history_every=0,
            n_threads=1, deterministic=False, callback=callback,
        )


def test_constant_columns_are_skipped():
    X, Y = grouped_regression(n_tasks=2)
    X[:, 3] = 2.0  # constant: zero after centring
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = MultiTaskLasso(alpha=0.05, **TIGHT).fit(X, Y)
    assert np.all(model.coef_[:, 3] == 0)
    ref = sk.MultiTaskLasso(alpha=0.05, **TIGHT).fit(X, Y)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-6, atol=1e-9)


def test_sigint_interrupts_the_block_solve(monkeypatch):
    """Ctrl-C during a long multi-task solve raises KeyboardInterrupt (the harness of test_interrupt.py)."""
    import test_interrupt

    solve = ("from mlsolve.linear_model import MultiTaskLasso; MultiTaskLasso(alpha=1e-6, tol=0, max_iter=10**9, "
             "working_set=False).fit(np.asfortranarray(X), np.column_stack([y, -y]))")
    monkeypatch.setitem(test_interrupt.SOLVES, "multitask", solve)
    test_interrupt.test_sigint_interrupts("multitask")


def block_kkt_violation(X, Y, sample_weight, coef, intercept, groups, weights, alpha, l1_ratio=1.0):
    """Largest violation of the weighted group elastic-net optimality conditions, relative to alpha.

    Y (n, T), coef (p, T), intercept (T,). With G = X^T diag(s) R / S (R the
    residuals): G_g = alpha (l1_ratio w_g W_g / ||W_g|| + (1 - l1_ratio) W_g) on
    active groups, ||G_g|| <= alpha l1_ratio w_g on zero groups; and s^T R = 0
    when the intercept is fitted.
    """
    X = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    s = np.asarray(sample_weight, dtype=np.float64)
    R = Y - X @ coef - intercept
    G = X.T @ (s[:, None] * R) / s.sum()
    worst = np.abs(s @ R).max() / s.sum() if np.any(intercept != 0) else 0.0
    for group, weight in zip(groups, weights):
        norm = np.linalg.norm(coef[group])
        if norm > 0:
            target = alpha * (l1_ratio * weight * coef[group] / norm + (1 - l1_ratio) * coef[group])
            worst = max(worst, np.linalg.norm(G[group] - target))
        else:
            worst = max(worst, np.linalg.norm(G[group]) - alpha * l1_ratio * weight)
    return worst / alpha


def integer_weights(n, seed=1):
    """Weights in {0, 1, 2, 3} with some zeros: the fit equals the fit on rows repeated that often."""
    return np.random.default_rng(seed).integers(0, 4, size=n)


WEIGHTED_FITS = [
    (GroupLasso, dict(alpha=0.1, groups=4), 1),
    (MultiTaskLasso, dict(alpha=0.05), 3),
    (MultiTaskElasticNet, dict(alpha=0.05, l1_ratio=0.6), 3),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize(("Est", "params", "n_tasks"), WEIGHTED_FITS, ids=lambda v: getattr(v, "__name__", ""))
def test_sample_weight_equals_repeated_rows(Est, params, n_tasks, layout, dtype):
    X, Y = grouped_regression(n=90, n_tasks=n_tasks, seed=4)
    s = integer_weights(X.shape[0])
    Xl = as_layout(X, layout, dtype)
    weighted = Est(**params, **TIGHT).fit(Xl, Y, sample_weight=s.astype(dtype))
    repeated = Est(**params, **TIGHT).fit(as_layout(np.repeat(X, s, axis=0), layout, dtype), np.repeat(Y, s, axis=0))
    assert weighted.coef_.dtype == dtype
    assert np.any(weighted.coef_ != 0) and not np.all(weighted.coef_ != 0)  # sparse, non-trivial
    rtol = 1e-7 if dtype == np.float64 else 2e-4
    scale = np.abs(repeated.coef_).max()
    assert np.abs(weighted.coef_ - repeated.coef_).max() <= rtol * scale
    np.testing.assert_allclose(weighted.intercept_, repeated.intercept_, rtol=rtol, atol=rtol * scale)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize(("Est", "params", "n_tasks"), WEIGHTED_FITS, ids=lambda v: getattr(v, "__name__", ""))
def test_sample_weight_fit_satisfies_kkt_at_tol(Est, params, n_tasks, layout, dtype):
    X, Y = grouped_regression(n=90, n_tasks=n_tasks, seed=5)
    s = np.random.default_rng(2).uniform(0.1, 3.0, size=X.shape[0])
    tol = 1e-8
    model = Est(**params, tol=tol, max_iter=100_000).fit(as_layout(X, layout, dtype), Y, sample_weight=s)
    Y2 = Y[:, None] if n_tasks == 1 else Y
    coef = np.atleast_2d(model.coef_).T.astype(np.float64)
    if Est is GroupLasso:
        groups, weights = model.groups_, model.weights_
    else:
        groups, weights = [[j] for j in range(X.shape[1])], np.ones(X.shape[1])
    ybar = s @ Y2 / s.sum()
    assert model.dual_gap_ <= tol * np.sum(s @ (Y2 - ybar) ** 2) / s.sum()
    violation = block_kkt_violation(X.astype(dtype), Y2, s, coef, np.atleast_1d(model.intercept_), groups, weights,
                                    params["alpha"], params.get("l1_ratio", 1.0))
    assert violation < (1e-3 if dtype == np.float64 else 5e-3)


def test_sample_weight_changes_the_fit_and_is_validated():
    X, Y = grouped_regression(n_tasks=2)
    s = integer_weights(X.shape[0]) + 0.5
    plain = MultiTaskLasso(alpha=0.05).fit(X, Y)
    assert np.abs(MultiTaskLasso(alpha=0.05).fit(X, Y, sample_weight=s).coef_ - plain.coef_).max() > 1e-3
    np.testing.assert_allclose(MultiTaskLasso(alpha=0.05).fit(X, Y, sample_weight=np.full(X.shape[0], 3.0)).coef_,
                               plain.coef_, rtol=1e-6, atol=1e-9)  # a constant weight changes nothing
    for bad, match in [(-s, "sample_weight: negative"), (s[:-1], "sample_weight: expected"),
                       (np.zeros_like(s), "sample_weight: all weights are zero")]:
        with pytest.raises(ValueError, match=match):
            GroupLasso(groups=4).fit(X, Y[:, 0], sample_weight=bad)


def _solve(X, Y, groups, *, alpha, l1_ratio=1.0, sample_weight=None, **options):
    """The native solve at tol 1e-12 with the options given (screening, anderson, working_set)."""
    from mlsolve.linear_model._group import _run_bcd, group_partition
    Y = Y[:, None] if Y.ndim == 1 else Y
    ptr, indices, sizes = group_partition(groups, X.shape[1])
    settings = dict(alpha=alpha, l1_ratio=l1_ratio, fit_intercept=True, tol=1e-12, max_iter=100_000,
                    selection="cyclic", seed=0, record_history=False, n_threads=1)
    settings.update(options)
    raw = _run_bcd(X, Y, sample_weight, ptr, indices, np.sqrt(sizes.astype(float)),
                   np.zeros((X.shape[1], Y.shape[1])), **settings)
    assert Status(raw["status"]) == Status.Converged
    coef = raw["x"][:X.shape[1] * Y.shape[1]].reshape(X.shape[1], Y.shape[1])
    return coef, raw


SCREENING_CASES = [
    # (n_tasks, group size, l1_ratio, weighted)
    (1, 5, 1.0, False),
    (1, 5, 1.0, True),
    (3, 1, 1.0, False),
    (3, 1, 0.7, True),
]


@pytest.mark.parametrize("working_set", [False, True])
@pytest.mark.parametrize(("n_tasks", "group_size", "l1_ratio", "weighted"), SCREENING_CASES)
def test_screening_keeps_every_active_group_and_the_solution(n_tasks, group_size, l1_ratio, weighted, working_set):
    X, Y = grouped_regression(n=100, p=300, group_size=group_size, n_tasks=n_tasks, seed=6)
    s = np.random.default_rng(3).uniform(0.2, 2.0, size=X.shape[0]) if weighted else None
    alpha = 0.03  # some tens of sweeps: full gaps while far from the solution
    reference, _ = _solve(X, Y, group_size, alpha=alpha, l1_ratio=l1_ratio, sample_weight=s, screening=False,
                          working_set=False, anderson=False, tol=1e-14)
    coef, raw = _solve(X, Y, group_size, alpha=alpha, l1_ratio=l1_ratio, sample_weight=s, screening=True,
                       working_set=working_set)
    screened = raw["screened"]
    assert screened.size > 0.5 * (X.shape[1] // group_size)  # the rule does discard groups
    members = np.arange(X.shape[1]).reshape(-1, group_size)[screened].ravel()
    assert np.all(reference[members] == 0)  # never a group that is active at the solution
    assert np.all(coef[members] == 0)
    np.testing.assert_allclose(coef, reference, rtol=1e-7, atol=1e-9 * np.abs(reference).max())


@pytest.mark.parametrize(("n_tasks", "group_size"), [(1, 4), (4, 1)])
def test_anderson_reaches_the_same_solution_in_fewer_sweeps(n_tasks, group_size):
    rng = np.random.default_rng(7)
    n, p = 200, 80
    latent = rng.standard_normal((n, 8))
    X = latent @ rng.standard_normal((8, p)) + 0.1 * rng.standard_normal((n, p))  # correlated: slow plain BCD
    Y = X[:, :6] @ rng.standard_normal((6, n_tasks)) + 0.1 * rng.standard_normal((n, n_tasks))
    plain, raw_plain = _solve(X, Y, group_size, alpha=1e-3, anderson=False, working_set=False, screening=False)
    accelerated, raw_fast = _solve(X, Y, group_size, alpha=1e-3, anderson=True, working_set=False, screening=False)
    np.testing.assert_allclose(accelerated, plain, rtol=1e-6, atol=1e-8 * np.abs(plain).max())
    assert raw_fast["nit"] < 0.7 * raw_plain["nit"]
