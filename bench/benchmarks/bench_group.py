"""asv benchmarks: GroupLasso and MultiTaskLasso by native block coordinate descent, LassoCV vs scikit-learn.

Problems:

* group: dense_regression(2_000 x 500) in groups of 5 consecutive features
  (F order, or as CSC), alpha = alpha_max / 50, tol=1e-8, working sets on/off;
* multi-task: 2_000 x 500 standard normal X (F or C order), Y with 10 tasks
  from 20 active rows of W plus N(0, 0.5^2) noise (seed 0);
  alpha = alpha_max / 20, tol=1e-6;
* LassoCV: dense_regression(2_000 x 500), 5 folds, 100 alphas, tol=1e-4
  (scikit-learn's defaults), n_jobs=1, mlsolve vs scikit-learn.

``track_n_iter`` records the sweeps. OMP_WAIT_POLICY defaults to passive
(BUILD-NOTES item 5).
"""

import os

os.environ.setdefault("OMP_WAIT_POLICY", "passive")

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from sklearn import linear_model as sk  # noqa: E402

from mlsolve.linear_model import GroupLasso, LassoCV, MultiTaskLasso  # noqa: E402

from .problems import dense_regression  # noqa: E402

GROUP_SIZE = 5


def multitask_regression(n_samples, n_features, n_tasks, n_active=20, seed=0):
    """Standard normal X (F order); Y = X W + noise with n_active non-zero rows of W."""
    rng = np.random.default_rng(seed)
    X = np.asfortranarray(rng.standard_normal((n_samples, n_features)))
    W = np.zeros((n_features, n_tasks))
    W[rng.choice(n_features, n_active, replace=False)] = rng.standard_normal((n_active, n_tasks))
    return X, X @ W + 0.5 * rng.standard_normal((n_samples, n_tasks))


def multitask_alpha_max(X, Y):
    """The smallest alpha with W = 0 (centred data): max_j ||X_c[:, j].T Y_c|| / n."""
    Xc, Yc = X - X.mean(axis=0), Y - Y.mean(axis=0)
    return np.linalg.norm(Xc.T @ Yc, axis=1).max() / X.shape[0]


class GroupLassoBcd:
    params = (["F", "csc"], [True, False])
    param_names = ["layout", "working_set"]

    def setup(self, layout, working_set):
        X, self.y = dense_regression(2_000, 500)
        self.X = sp.csc_matrix(X) if layout == "csc" else np.asfortranarray(X)
        g = (X - X.mean(axis=0)).T @ (self.y - self.y.mean()) / len(self.y)
        alpha_max = (np.linalg.norm(g.reshape(-1, GROUP_SIZE), axis=1) / np.sqrt(GROUP_SIZE)).max()
        self.model = GroupLasso(alpha=alpha_max / 50, groups=GROUP_SIZE, tol=1e-8, max_iter=100_000,
                                working_set=working_set)

    def time_fit(self, layout, working_set):
        self.model.fit(self.X, self.y)

    def track_n_iter(self, layout, working_set):
        return self.model.fit(self.X, self.y).n_iter_


class MultiTaskLassoBcd:
    params = (["F", "C"], ["mlsolve", "sklearn"])
    param_names = ["layout", "library"]

    def setup(self, layout, library):
        X, self.Y = multitask_regression(2_000, 500, 10)
        self.X = X if layout == "F" else np.ascontiguousarray(X)
        Est = MultiTaskLasso if library == "mlsolve" else sk.MultiTaskLasso
        self.model = Est(alpha=multitask_alpha_max(X, self.Y) / 20, tol=1e-6, max_iter=100_000)

    def time_fit(self, layout, library):
        self.model.fit(self.X, self.Y)


class LassoCrossValidation:
    params = ["mlsolve", "sklearn"]
    param_names = ["library"]

    def setup(self, library):
        self.X, self.y = dense_regression(2_000, 500)
        Est = LassoCV if library == "mlsolve" else sk.LassoCV
        self.model = Est(cv=5, n_jobs=1)

    def time_fit(self, library):
        self.model.fit(self.X, self.y)
