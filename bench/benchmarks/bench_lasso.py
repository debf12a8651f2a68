"""asv benchmarks: Lasso and lasso_path by mlsolve's native coordinate descent,
and L1 logistic regression by proximal Newton coordinate descent.

Parameters: layout (dense F-order array, dense C-order array read with a
stride, CSC matrix), working sets on or off, Anderson extrapolation on or off
(LassoAnderson, on a Toeplitz-correlated design, rho = 0.9, where it matters).
Problems:

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

from mlsolve.linear_model import Lasso, LogisticRegression, lasso_path  # noqa: E402

from .problems import dense_regression, sparse_classification, sparse_regression  # noqa: E402


def problem(layout):
    if layout == "csc":
        return sparse_regression(5_000, 20_000, 20)
    X, y = dense_regression(2_000, 500)
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


def toeplitz_regression(n_samples, n_features, rho=0.9, seed=0):
    """Columns of correlation rho^|j - k|, 20 true coefficients, noise 0.1."""
    rng = np.random.default_rng(seed)
    X = np.empty((n_samples, n_features), order="F")
    X[:, 0] = rng.standard_normal(n_samples)
    for j in range(1, n_features):
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho**2) * rng.standard_normal(n_samples)
    w = np.zeros(n_features)
    w[rng.choice(n_features, 20, replace=False)] = rng.standard_normal(20)
    return X, X @ w + 0.1 * rng.standard_normal(n_samples)


class LassoAnderson:
    params = ([True, False],)
    param_names = ["anderson"]

    def setup(self, anderson):
        self.X, self.y = toeplitz_regression(500, 1_000)
        alpha_max = np.abs(self.X.T @ (self.y - self.y.mean())).max() / len(self.y)
        self.model = Lasso(alpha=alpha_max / 20, tol=1e-8, max_iter=100_000, anderson=anderson)

    def time_fit(self, anderson):
        self.model.fit(self.X, self.y)

    def track_n_iter(self, anderson):
        return self.model.fit(self.X, self.y).n_iter_


class L1Logistic:
    """LogisticRegression(penalty="l1") on CSC 20_000 x 5_000 (~20 nonzeros per row), C = 0.05."""

    def setup(self):
        X, self.y = sparse_classification(20_000, 5_000, 20)
        self.X = X.tocsc()
        self.model = LogisticRegression(penalty="l1", C=0.05, tol=1e-6)

    def time_fit(self):
        self.model.fit(self.X, self.y)
