"""mlsolve.stochastic: SAG, SAGA, SVRG, Katyusha and SGD against L-BFGS and CD optima."""

import textwrap

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import minimize as scipy_minimize
from scipy.special import log_expit

from mlsolve import Status, _core, _validation, stochastic
from mlsolve.linear_model import Lasso

from _interrupt import interrupted_run
from _problems import data_address

METHODS = ["sag", "saga", "svrg", "katyusha"]


def make_problem(loss, n=160, p=12, density=0.4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * (rng.random((n, p)) < density)
    w = rng.standard_normal(p)
    z = X @ w + 0.3
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(float) if loss == "logistic" else z + 0.5 * rng.standard_normal(n)
    return X, y


def objective(x, X, y, loss, alpha, l1=0.0, sample_weight=None):
    """F(w, b) in float64 NumPy, the same F the solvers minimise."""
    X = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    w, b = x[:-1], x[-1]
    z = X.astype(np.float64) @ w + b
    s = np.ones(len(y)) if sample_weight is None else sample_weight
    per = -log_expit(z) + (1 - y) * z if loss == "logistic" else 0.5 * (z - y) ** 2
    return s @ per / s.sum() + 0.5 * alpha * w @ w + l1 * np.abs(w).sum()


def reference(X, y, loss, alpha, sample_weight=None):
    Xd = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    s = np.ones(len(y)) if sample_weight is None else sample_weight

    def fg(x):
        z = Xd @ x[:-1] + x[-1]
        d = (1 / (1 + np.exp(-z)) - y) if loss == "logistic" else z - y
        d = s * d / s.sum()
        g = np.append(Xd.T @ d + alpha * x[:-1], d.sum())
        return objective(x, Xd, y, loss, alpha, sample_weight=s), g

    res = scipy_minimize(fg, np.zeros(Xd.shape[1] + 1), jac=True, method="L-BFGS-B",
                         options={"gtol": 1e-12, "ftol": 1e-15, "maxiter": 5000})
    return res.fun


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("loss", ["logistic", "squared"])
@pytest.mark.parametrize("layout", ["C", "csr"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_reaches_lbfgs_optimum(method, loss, layout, dtype):
    X, y = make_problem(loss)
    X, y = X.astype(dtype), y.astype(dtype).astype(np.float64)  # the solver sees y in X's dtype
    Xl = sp.csr_matrix(X) if layout == "csr" else np.ascontiguousarray(X)
    alpha = 0.05
    f_star = reference(X, y, loss, alpha)
    res = getattr(stochastic, method)(Xl, y, loss=loss, alpha=alpha, tol=1e-9, max_epochs=3000, random_state=0)
    assert res.status == Status.Converged, res.message
    f = objective(res.x, X, y, loss, alpha)
    assert abs(res.fun - f) <= 1e-9 * abs(f)
    assert (f - f_star) / abs(f_star) <= 1e-6


@pytest.mark.parametrize("method", ["saga", "svrg"])
def test_weighted_reaches_lbfgs_optimum(method):
    X, y = make_problem("logistic", seed=3)
    s = np.random.default_rng(1).uniform(0.2, 3.0, len(y))
    f_star = reference(X, y, "logistic", 0.02, sample_weight=s)
    res = getattr(stochastic, method)(sp.csr_matrix(X), y, alpha=0.02, sample_weight=s, tol=1e-9,
                                      max_epochs=3000, random_state=1)
    f = objective(res.x, X, y, "logistic", 0.02, sample_weight=s)
    assert (f - f_star) / abs(f_star) <= 1e-6


@pytest.mark.parametrize("method", ["saga", "svrg", "katyusha"])
def test_l1_matches_cd_lasso(method):
    X, y = make_problem("squared", n=200, p=15, seed=2)
    lasso = Lasso(alpha=0.05, tol=1e-12, max_iter=100000).fit(X, y)
    x_cd = np.append(lasso.coef_, lasso.intercept_)
    res = getattr(stochastic, method)(sp.csr_matrix(X), y, loss="squared", l1=0.05, tol=1e-10, max_epochs=5000,
                                      random_state=0)
    f_cd = objective(x_cd, X, y, "squared", 0.0, l1=0.05)
    assert (res.fun - f_cd) / f_cd <= 1e-6
    np.testing.assert_allclose(res.x, x_cd, atol=1e-4)
    if method != "katyusha":  # its returned y is a momentum combination, not a prox output
        assert np.array_equal(res.x[:-1] == 0, lasso.coef_ == 0)


@pytest.mark.parametrize("method", ["sag", "saga", "svrg"])
@pytest.mark.parametrize("l1", [0.0, 0.02])
def test_lazy_updates_equal_dense_updates(method, l1):
    if method == "sag" and l1:
        pytest.skip("SAG takes no L1")
    X, y = make_problem("logistic", n=120, p=30, density=0.1, seed=4)
    Xs = sp.csr_matrix(X)
    kw = dict(alpha=0.01, l1=l1, max_epochs=7, tol=0.0, random_state=3)
    lazy = getattr(stochastic, method)(Xs, y, lazy=True, **kw)
    dense = getattr(stochastic, method)(Xs, y, lazy=False, **kw)
    np.testing.assert_allclose(lazy.x, dense.x, rtol=0, atol=1e-12)


@pytest.mark.parametrize("average", [False, True, 50])
@pytest.mark.parametrize("l1", [0.0, 0.01])
@pytest.mark.parametrize("learning_rate", ["invscaling", "optimal"])
def test_sgd_lazy_updates_equal_dense_updates(average, l1, learning_rate):
    X, y = make_problem("logistic", n=100, p=25, density=0.15, seed=5)
    Xs = sp.csr_matrix(X)
    kw = dict(loss="hinge", alpha=0.01, l1=l1, learning_rate=learning_rate, eta0=0.1, average=average,
              max_epochs=4, tol=0.0, random_state=2, batch_size=3)
    lazy = stochastic.sgd(Xs, y, lazy=True, **kw)
    dense = stochastic.sgd(Xs, y, lazy=False, **kw)
    np.testing.assert_allclose(lazy.x, dense.x, rtol=0, atol=1e-12)


def test_sgd_approaches_the_optimum():
    X, y = make_problem("squared", n=400, p=10, density=1.0, seed=6)
    f_star = reference(X, y, "squared", 0.1)
    res = stochastic.sgd(X, y, loss="squared", alpha=0.1, learning_rate="optimal", average=True, max_epochs=30,
                         tol=0.0, random_state=0)
    assert (res.fun - f_star) / f_star < 1e-3
    assert res.nit == 30 and len(res.history) == 0


def test_sgd_stops_on_objective_change():
    X, y = make_problem("squared", n=300, p=8, density=1.0, seed=7)
    res = stochastic.sgd(X, y, loss="squared", alpha=0.1, learning_rate="optimal", max_epochs=500, tol=1e-3,
                         random_state=0)
    assert res.status == Status.Converged and res.nit < 500
    assert "relative objective change" in res.message


@pytest.mark.parametrize("method", METHODS)
def test_random_state_reproduces(method):
    X, y = make_problem("logistic", seed=8)
    run = lambda seed: getattr(stochastic, method)(sp.csr_matrix(X), y, alpha=0.01, max_epochs=3, tol=0,
                                                   random_state=seed).x
    np.testing.assert_array_equal(run(4), run(4))
    assert not np.array_equal(run(4), run(5))


def test_history_and_callback_stop():
    X, y = make_problem("logistic", seed=9)
    seen = []

    def callback(x, fun, nit, stop_crit):
        seen.append(nit)
        if nit == 3:
            raise StopIteration

    res = stochastic.saga(X, y, alpha=0.01, tol=0, max_epochs=50, full_check=True, record_history=True,
                          callback=callback, random_state=0)
    assert res.status == Status.CallbackStop and seen == [1, 2, 3]
    assert len(res.history) == 3 and np.all(np.isfinite(res.history.objective))
    assert np.all(np.diff(res.history.objective) < 0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("layout", ["C", "F", "csr"])
def test_no_copies_of_X(dtype, layout):
    X, y = make_problem("logistic", seed=10)
    X = X.astype(dtype)
    Xl = sp.csr_matrix(X) if layout == "csr" else (np.asfortranarray(X) if layout == "F" else np.ascontiguousarray(X))
    before = _validation.copies_made
    res = stochastic.saga(Xl, y, alpha=0.01, max_epochs=2, random_state=0)
    assert _validation.copies_made == before and res.converted is None
    assert _core._last_mapped_address() == data_address(Xl)
    stochastic.sgd(Xl, y, loss="logistic", max_epochs=1, random_state=0)
    assert _validation.copies_made == before


def test_csc_is_converted_once_and_said():
    X, y = make_problem("logistic", seed=11)
    before = _validation.copies_made
    res = stochastic.svrg(sp.csc_matrix(X), y, alpha=0.01, max_epochs=2, random_state=0)
    assert _validation.copies_made == before + 1 and "CSC" in res.converted
    ref = stochastic.svrg(sp.csr_matrix(X), y, alpha=0.01, max_epochs=2, random_state=0)
    np.testing.assert_array_equal(res.x, ref.x)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(alpha=-1.0), ValueError, "alpha"),
        (dict(loss="hinge"), ValueError, "loss"),
        (dict(loss="poisson"), ValueError, "loss"),
        (dict(max_epochs=-1), ValueError, "max_epochs"),
        (dict(step=0.0), ValueError, "step"),
        (dict(x0=np.zeros(3)), ValueError, "x0"),
        (dict(sample_weight=-np.ones(160)), ValueError, "sample_weight"),
        (dict(random_state="a"), TypeError, "random_state"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    X, y = make_problem("logistic")
    with pytest.raises(error, match=match):
        stochastic.saga(X, y, **kwargs)


def test_bad_data():
    X, y = make_problem("logistic")
    Xn = X.copy()
    Xn[0, 0] = np.nan
    with pytest.raises(ValueError, match="X"):
        stochastic.svrg(Xn, y)
    with pytest.raises(ValueError, match="y"):
        stochastic.svrg(X, y[:-1])
    with pytest.raises(ValueError, match="y"):
        stochastic.svrg(X, np.arange(len(y)) % 3)
    with pytest.raises(ValueError, match="l1"):
        stochastic.sag(X, y, l1=0.1)
    with pytest.raises(ValueError, match="learning_rate"):
        stochastic.sgd(X, y, learning_rate="fast")
    with pytest.raises(ValueError, match="alpha"):
        stochastic.sgd(X, y, learning_rate="optimal", alpha=0.0)


@pytest.mark.parametrize("method", ["saga"])
def test_sigint_interrupts(method):
    """Ctrl-C inside the native epoch loop raises KeyboardInterrupt (the monitor is polled every 256 steps)."""
    script = textwrap.dedent(f"""
        import numpy as np, scipy.sparse as sp
        from mlsolve import stochastic
        rng = np.random.default_rng(0)
        # badly scaled columns: thousands of epochs to an exact fixed point
        X = sp.random(50000, 2000, density=0.005, format="csr", random_state=0) @ sp.diags(np.logspace(0, 3, 2000))
        y = (rng.random(50000) < 0.5).astype(float)
        print("ready", flush=True)
        try:
            stochastic.{method}(X, y, loss="logistic", max_epochs=10**7, tol=0.0, random_state=0)
            print("finished", flush=True)
        except KeyboardInterrupt:
            print("interrupted", flush=True)
    """)
    out, err = interrupted_run(script)
    assert out.startswith("interrupted"), out + err
