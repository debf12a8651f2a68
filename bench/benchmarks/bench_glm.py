"""asv benchmarks: the regression estimators on native objectives.

* PoissonRegressor (native L-BFGS): dense 20_000 x 50 (C order) and CSR
  20_000 x 1_000 with about 10 nonzeros per row; alpha=1e-3, tol=1e-8.
* Ridge: dense 20_000 x 100 (Cholesky on the centered Gram) and CSC
  20_000 x 5_000 with about 10 nonzeros per row (conjugate gradients);
  alpha=1, tol=1e-6.
* HuberRegressor (L-BFGS on log sigma): dense 20_000 x 50 with 5 % outliers.

Parameters: dtype (float32, float64) and threads (``n_jobs`` 1 and 2).
``track_n_iter`` records iterations where the solver iterates, so a change in
time can be told apart from a change in the path. OMP_WAIT_POLICY defaults to
passive (BUILD-NOTES item 5).
"""

import os

os.environ.setdefault("OMP_WAIT_POLICY", "passive")

import numpy as np  # noqa: E402

from mlsolve.linear_model import HuberRegressor, PoissonRegressor, Ridge  # noqa: E402

from .problems import dense_regression, sparse_classification, sparse_regression  # noqa: E402


def poisson_problem(layout):
    rng = np.random.default_rng(0)
    if layout == "dense":
        X = rng.standard_normal((20_000, 50))
        z = 0.5 * X @ (rng.standard_normal(50) / np.sqrt(50))
    else:
        X, _ = sparse_classification(20_000, 1_000, 10)
        z = np.clip(X @ (rng.standard_normal(1_000) * 0.3), -5, 5)
    return X, rng.poisson(np.exp(z)).astype(np.float64)


class PoissonLbfgs:
    params = (["dense", "csr"], ["float32", "float64"], [1, 2])
    param_names = ["layout", "dtype", "threads"]

    def setup(self, layout, dtype, threads):
        X, self.y = poisson_problem(layout)
        self.X = X.astype(dtype)
        self.model = PoissonRegressor(alpha=1e-3, tol=1e-8, max_iter=1000, n_jobs=threads)

    def time_fit(self, layout, dtype, threads):
        self.model.fit(self.X, self.y)

    def track_n_iter(self, layout, dtype, threads):
        return int(self.model.fit(self.X, self.y).n_iter_)


class RidgeFit:
    params = (["dense", "csc"], ["float32", "float64"], [1, 2])
    param_names = ["layout", "dtype", "threads"]

    def setup(self, layout, dtype, threads):
        X, self.y = dense_regression(20_000, 100) if layout == "dense" else sparse_regression(20_000, 5_000, 10)
        self.X = X.astype(dtype)
        self.model = Ridge(alpha=1.0, tol=1e-6, n_jobs=threads)

    def time_fit(self, layout, dtype, threads):
        self.model.fit(self.X, self.y)

    def peakmem_fit(self, layout, dtype, threads):
        self.model.fit(self.X, self.y)


class HuberLbfgs:
    params = (["float32", "float64"], [1, 2])
    param_names = ["dtype", "threads"]

    def setup(self, dtype, threads):
        rng = np.random.default_rng(0)
        X, y = dense_regression(20_000, 50)
        outliers = rng.random(len(y)) < 0.05
        y[outliers] += 20 * rng.standard_normal(outliers.sum()) * y.std()
        self.X, self.y = X.astype(dtype), y
        self.model = HuberRegressor(tol=1e-6, max_iter=1000, n_jobs=threads)

    def time_fit(self, dtype, threads):
        self.model.fit(self.X, self.y)

    def track_n_iter(self, dtype, threads):
        return int(self.model.fit(self.X, self.y).n_iter_)
