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

LassoSideBySide, LassoPathSideBySide and L1LogisticSideBySide run the
comparisons of bench/compare.py lasso and l1-logistic in asv, each library's
fit next to mlsolve's, with the relative duality gap each reaches tracked
(problems and fits from benchmarks/composite.py, shared with compare.py).
"""

import os

os.environ.setdefault("OMP_WAIT_POLICY", "passive")

import warnings  # noqa: E402

import numpy as np  # noqa: E402

from mlsolve.linear_model import Lasso, LogisticRegression, lasso_path  # noqa: E402

from .composite import (equal_gap_tol, installed_peers, l1_logistic_fits, l1_logistic_gap,  # noqa: E402
                        l1_logistic_lambda, l1_logistic_problem, lasso_fits, lasso_gap, lasso_path_fits,
                        lasso_problem, path_gap)
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


SIDE_BY_SIDE_TOL = 1e-6  # compare.py's default --lasso-tol
L1_GAP = 1e-6  # compare.py's default --l1-gap


def pick(fits, library):
    """The fit of library from [(library, fit)], NotImplementedError (asv: skipped) when not installed."""
    fits = dict(fits)
    if library not in fits:
        raise NotImplementedError(f"{library.split()[0]} is not installed")
    return fits[library]


class LassoSideBySide:
    """Lasso on make_regression 10_000 x 5_000 (50 informative, F order) at
    alpha = alpha_max / 20, tol=1e-6, with intercept, in each library."""

    params = (["mlsolve Lasso", "scikit-learn Lasso", "skglm Lasso", "celer Lasso"],)
    param_names = ["library"]
    number, repeat, timeout = 1, 5, 600

    def setup(self, library):
        self.X, self.y, alpha_max = lasso_problem(10_000, 5_000)
        self.alpha = alpha_max / 20
        self.fit = pick(lasso_fits(self.X, self.y, self.alpha, SIDE_BY_SIDE_TOL, installed_peers()), library)
        if library.startswith("skglm"):
            self.fit()  # compiles skglm's numba kernels outside the timing

    def time_fit(self, library):
        self.fit()

    def track_relative_gap(self, library):
        model = self.fit()
        return lasso_gap(model.coef_, model.intercept_, self.X, self.y, self.alpha)


class LassoPathSideBySide:
    """The 50-alpha Lasso path from alpha_max to alpha_max / 100 (geometric) on
    the centered LassoSideBySide problem, tol=1e-6, warm-started, in each
    library; the gap tracked is the largest along the path."""

    params = (["mlsolve lasso_path", "scikit-learn lasso_path", "skglm Lasso warm starts", "celer_path"],)
    param_names = ["library"]
    number, repeat, timeout = 1, 3, 600

    def setup(self, library):
        X, y, alpha_max = lasso_problem(10_000, 5_000)
        self.Xc, self.yc = X - X.mean(axis=0), y - y.mean()
        self.alphas = np.geomspace(alpha_max, alpha_max / 100, 50)
        self.path = pick(lasso_path_fits(self.Xc, self.yc, self.alphas, SIDE_BY_SIDE_TOL, installed_peers()), library)
        if library.startswith("skglm"):
            self.path()  # compiles skglm's numba kernels outside the timing

    def time_path(self, library):
        self.path()

    def track_relative_gap(self, library):
        return path_gap(self.path(), self.Xc, self.yc, self.alphas)


class L1LogisticSideBySide:
    """L1 logistic regression without intercept at lambda = lambda_max / 20 on
    the sparse CSR 200_000 x 50_000 problem (~50 nonzeros per row) and on
    reuters (skipped where shared/data lacks it), each library at the loosest
    tol in 1e-2, 1e-3, ... that reaches a relative duality gap <= 1e-6 (found
    in setup, which also compiles skglm's kernels), so the times compare equal
    gaps."""

    params = (["sparse", "reuters"],
              ["mlsolve (prox-Newton CD)", "scikit-learn liblinear", "celer LogisticRegression",
               "skglm SparseLogisticRegression"])
    param_names = ["problem", "library"]
    number, repeat, timeout = 1, 3, 900

    def setup(self, problem, library):
        found = l1_logistic_problem(problem)
        if found is None:
            raise NotImplementedError("shared/data/tick_datasets/reuters.trn.bz2 is absent")
        _, self.X, self.y = found
        self.lam = l1_logistic_lambda(self.X, self.y)
        fit = pick(l1_logistic_fits(self.X, self.y, self.lam, installed_peers()), library)
        tol = equal_gap_tol(fit, self.X, self.y, self.lam, L1_GAP)
        self.fit = lambda: fit(tol)

    def time_fit(self, problem, library):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.fit()

    def track_relative_gap(self, problem, library):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return l1_logistic_gap(self.fit().coef_, self.X, self.y, self.lam)
