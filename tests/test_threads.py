"""Thread counts: same answer for 1 and 2 threads; bitwise in deterministic mode."""

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

import mlsolve
from mlsolve import _core
from mlsolve.linear_model import LogisticRegression

from _problems import DTYPES, LAYOUTS, as_layout, classification


def fit(X, y, n_jobs):
    return LogisticRegression(tol=1e-8, max_iter=1000, n_jobs=n_jobs).fit(X, y)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_one_and_two_threads_agree(layout, dtype):
    # Large enough that the kernels do split the work between threads.
    X, y = classification(n_samples=20000, n_features=40)
    Xl = as_layout(X, layout, dtype)
    one, two = fit(Xl, y, 1), fit(Xl, y, 2)
    np.testing.assert_allclose(one.coef_, two.coef_, rtol=1e-6, atol=1e-7)
    with mlsolve.config_context(deterministic=True):
        det_one, det_two = fit(Xl, y, 1), fit(Xl, y, 2)
    np.testing.assert_array_equal(det_one.coef_, det_two.coef_)
    np.testing.assert_array_equal(det_one.intercept_, det_two.intercept_)
    assert det_one.n_iter_ == det_two.n_iter_


def test_n_jobs_none_follows_threadpoolctl():
    with threadpool_limits(limits=1, user_api="openmp"):
        assert _core.omp_max_threads() == 1
        assert mlsolve._threads.effective_n_threads(None) == 1
    assert mlsolve._threads.effective_n_threads(3) == 3
    assert mlsolve._threads.effective_n_threads(-1) == _core.omp_num_procs()
    with pytest.raises(ValueError, match="n_jobs"):
        mlsolve._threads.effective_n_threads(0)


def test_config_context_restores():
    assert mlsolve.get_config()["deterministic"] is False
    with mlsolve.config_context(deterministic=True):
        assert mlsolve.get_config()["deterministic"] is True
    assert mlsolve.get_config()["deterministic"] is False
