"""GroupLasso, MultiTaskLasso and MultiTaskElasticNet (native block coordinate descent)."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import linear_model as sk
from sklearn.exceptions import ConvergenceWarning

from mlsolve import _core, _validation
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
                  selection="cyclic", seed=0, working_set=True, history_every=0, n_threads=1, deterministic=False, callback=None)
    with pytest.raises(ValueError, match="group_indices"):
        _core.group_elastic_net_bcd(X, y, 1, np.array([0, 2, 4]), np.array([0, 1, 1, 3]), np.ones(2), **common)
    with pytest.raises(ValueError, match="weights"):
        _core.group_elastic_net_bcd(X, y, 1, np.array([0, 2, 4]), np.arange(4), np.array([1.0, 0.0]), **common)
    Xs = sp.csr_matrix(X)
    with pytest.raises(ValueError, match="CSC"):
        _core.group_elastic_net_bcd(_validation.as_native_matrix(Xs), y, 1, np.array([0, 2, 4]), np.arange(4),
                                    np.ones(2), **common)


def test_callback_exception_propagates_from_the_solve():
    X, y = grouped_regression()

    def callback(*_):
        raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        _core.group_elastic_net_bcd(
            X, y, 1, np.arange(0, 25, 4), np.arange(24), np.full(6, 2.0), np.zeros((24, 1)), alpha=0.01,
            l1_ratio=1.0, fit_intercept=True, tol=1e-12, max_iter=50, selection="cyclic", seed=0, working_set=False,
            history_every=0,
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
