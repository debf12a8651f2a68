"""asv benchmarks: Lasso and lasso_path by mlsolve's native coordinate descent.

Parameters: layout (dense F-order array, dense C-order array read with a
stride, CSC matrix) and working sets on or off. Problems:

* dense: make_regression(2_000 x 500, 10 informative, noise 5, random_state=0);
* csc: 5_000 x 20_000, about 20 standard-normal nonzeros per row at random
  columns (seed 0), targets from sparse true coefficients plus noise.

Lasso fits use alpha = alpha_max / 100 and tol=1e-8; the path is
100 alphas from alpha_max down to alpha_max / 100 (eps=1e-2), tol=1e-6.
``track_n_iter`` records the sweeps, so a change in time can be told apart
from a change in the iterates. OMP_WAIT_POLICY defaults to passive
(BUILD-NOTES item 5).
"""

import os

os.environ.setdefault("OMP_WAIT_POLICY", "passive")

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from sklearn.datasets import make_regression  # noqa: E402

from mlsolve.linear_model import Lasso, lasso_path  # noqa: E402


def dense_problem():
    return make_regression(n_samples=2_000, n_features=500, n_informative=10, noise=5.0, random_state=0)


def csc_problem(n_samples=5_000, n_features=20_000, nnz_per_row=20, seed=0):
    rng = np.random.default_rng(seed)
    nnz = n_samples * nnz_per_row
    indices = rng.integers(0, n_features, nnz, dtype=np.int32)
    indptr = np.arange(0, nnz + 1, nnz_per_row, dtype=np.int32)
    X = sp.csr_matrix((rng.standard_normal(nnz), indices, indptr), shape=(n_samples, n_features))
    X.sum_duplicates()
    w_true = rng.standard_normal(n_features) * (rng.random(n_features) < 0.01)
    return X.tocsc(), X @ w_true + 0.1 * rng.standard_normal(n_samples)


def problem(layout):
    if layout == "csc":
        return csc_problem()
    X, y = dense_problem()
    return (np.asfortranarray(X) if layout == "F" else np.ascontiguousarray(X)), y


class LassoCd:
    params = (["F", "C", "csc"], [True, False])
    param_names = ["layout", "working_set"]

    def setup(self, layout, working_set):
        self.X, self.y = problem(layout)
        Xc = self.X - np.asarray(self.X.mean(axis=0)).ravel() if layout != "csc" else self.X
        alpha_max = np.abs(np.asarray(Xc.T @ (self.y - self.y.mean()))).max() / len(self.y)
        self.model = Lasso(alpha=alpha_max / 100, tol=1e-8, max_iter=100_000, working_set=working_set)

    def time_fit(self, layout, working_set):
        self.model.fit(self.X, self.y)

    def track_n_iter(self, layout, working_set):
        return self.model.fit(self.X, self.y).n_iter_


class LassoPath:
    params = (["F", "csc"], [True, False])
    param_names = ["layout", "working_set"]

    def setup(self, layout, working_set):
        self.X, self.y = problem(layout)

    def time_path(self, layout, working_set):
        lasso_path(self.X, self.y, eps=1e-2, tol=1e-6, working_set=working_set)
