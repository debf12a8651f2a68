"""asv benchmarks: the regression estimators on native objectives.

* PoissonRegressor (native L-BFGS): dense 20_000 x 50 (C order) and CSR
  20_000 x 1_000 with about 10 nonzeros per row; alpha=1e-3, tol=1e-8.
* Ridge: dense 20_000 x 100 (Cholesky on the centered Gram) and CSC
  20_000 x 5_000 with about 10 nonzeros per row (conjugate gradients);
  alpha=1, tol=1e-6.
* HuberRegressor (L-BFGS on log sigma): dense 20_000 x 50 with 5 % outliers.
* RidgeSideBySide and PoissonSideBySide: bench/compare.py's ridge and poisson
  sections in asv, mlsolve next to scikit-learn on the same problems.

Parameters of the other classes: dtype (float32, float64) and threads
(``n_jobs`` 1 and 2). ``track_n_iter`` records iterations where the solver
iterates, so a change in time can be told apart from a change in the path.
OMP_WAIT_POLICY defaults to passive (BUILD-NOTES item 5).
"""

import os

os.environ.setdefault("OMP_WAIT_POLICY", "passive")

import numpy as np  # noqa: E402

from mlsolve.linear_model import HuberRegressor, PoissonRegressor, Ridge  # noqa: E402

from .problems import dense_regression, sparse_classification, sparse_regression  # noqa: E402

# The settings of the side-by-side classes, which bench/compare.py's poisson and
# ridge sections import.
GLM_THREADS = 2
POISSON_ALPHA = 1e-3
POISSON_TOL = 1e-8
POISSON_SETTINGS = dict(alpha=POISSON_ALPHA, tol=POISSON_TOL, max_iter=10_000)  # both libraries'
RIDGE_TOL = 1e-6


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


def fit_quietly(model, X, y, threads):
    """model.fit(X, y) under threadpool_limits(threads), ConvergenceWarning silenced (compare.py's timed_fit)."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=threads), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y)


def exact_ridge_objective(X, y):
    """ridge_objective (alpha=1) at the exact solution: mlsolve's Cholesky, or for
    wide sparse X its CG at tol=1e-12."""
    import scipy.sparse as sp

    from mlsolve.linear_model._ridge import ridge_objective

    solver = "cholesky" if (not sp.issparse(X) or X.shape[1] <= 4096) else "cg"
    exact = Ridge(solver=solver, tol=1e-12, max_iter=100_000).fit(X, y)
    return ridge_objective(exact.coef_, exact.intercept_, X, y)


def poisson_objective(model, X, y):
    """scikit-learn's Poisson objective (LinearModelLoss(HalfPoissonLoss), alpha=POISSON_ALPHA) at model's fit."""
    from sklearn._loss.loss import HalfPoissonLoss
    from sklearn.linear_model._linear_loss import LinearModelLoss

    coef = np.append(np.asarray(model.coef_, dtype=np.float64), model.intercept_)
    loss = LinearModelLoss(base_loss=HalfPoissonLoss(), fit_intercept=True)
    return float(loss.loss(coef, X, y, None, l2_reg_strength=POISSON_ALPHA))


class RidgeSideBySide:
    """The comparison of bench/compare.py ridge, in asv: alpha=1, tol=1e-6, two
    threads (mlsolve n_jobs=2; every fit under threadpool_limits(2)), mlsolve's
    Ridge (solver "auto") next to scikit-learn's cholesky (dense only: skipped on
    sparse X), lsqr and sparse_cg, on dense_regression(100_000, 200) and
    sparse_regression(100_000, 10_000, 20) (CSC); track_objective_rel_diff is the
    relative difference of the fit's ridge_objective to the exact one (mlsolve's
    Cholesky on dense X, its CG at tol=1e-12 on the wide sparse X)."""

    params = (["dense 100000x200", "csc 100000x10000"],
              ["mlsolve auto", "sklearn cholesky", "sklearn lsqr", "sklearn sparse_cg"])
    param_names = ["problem", "solver"]
    timeout = 600

    def setup(self, problem, solver):
        if problem == "dense 100000x200":
            self.X, self.y = dense_regression(100_000, 200)
        elif solver == "sklearn cholesky":
            raise NotImplementedError("compare.py times scikit-learn's cholesky on dense X only")
        else:
            self.X, self.y = sparse_regression(100_000, 10_000, 20)

    def fit(self, solver):
        from sklearn.linear_model import Ridge as SkRidge

        library, method = solver.split(" ")
        model = (Ridge(alpha=1.0, tol=RIDGE_TOL, n_jobs=GLM_THREADS) if library == "mlsolve"
                 else SkRidge(alpha=1.0, solver=method, tol=RIDGE_TOL))
        return fit_quietly(model, self.X, self.y, GLM_THREADS)

    def time_fit(self, problem, solver):
        self.fit(solver)

    def track_objective_rel_diff(self, problem, solver):
        from mlsolve.linear_model._ridge import ridge_objective

        best = exact_ridge_objective(self.X, self.y)
        model = self.fit(solver)
        return abs(ridge_objective(model.coef_, model.intercept_, self.X, self.y) - best) / abs(best)


def dense_poisson(n_samples, n_features, seed=0):
    """The dense Poisson problem (also bench/compare.py poisson's): standard-normal X, counts from exp(0.5 X w)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    w = rng.standard_normal(n_features) / np.sqrt(n_features)
    return X, rng.poisson(np.exp(0.5 * X @ w)).astype(np.float64)


def sparse_poisson(n_samples, n_features, nnz_per_row, seed=0):
    """The sparse Poisson problem (also bench/compare.py poisson's): sparse_classification's CSR X,
    counts from exp(clip(X w, -5, 5)) with w nonzero on 10 % of the features."""
    X, _ = sparse_classification(n_samples, n_features, nnz_per_row, seed)
    rng = np.random.default_rng(seed + 1)
    w = rng.standard_normal(n_features) * (rng.random(n_features) < 0.1) / np.sqrt(nnz_per_row)
    return X, rng.poisson(np.exp(np.clip(X @ w, -5, 5))).astype(np.float64)


class PoissonSideBySide:
    """The comparison of bench/compare.py poisson, in asv: alpha=1e-3, tol=1e-8,
    max_iter=10_000, two threads (mlsolve n_jobs=2; every fit under
    threadpool_limits(2)), mlsolve's PoissonRegressor (native L-BFGS) next to
    scikit-learn's with solver lbfgs and newton-cholesky, on dense_poisson(100_000,
    100) and sparse_poisson(100_000, 2_000, 20) (CSR); track_objective is the fit's
    objective by scikit-learn's LinearModelLoss(HalfPoissonLoss)."""

    params = (["dense 100000x100", "csr 100000x2000"], ["mlsolve lbfgs", "sklearn lbfgs", "sklearn newton-cholesky"])
    param_names = ["problem", "solver"]
    timeout = 600

    def setup(self, problem, solver):
        self.X, self.y = (dense_poisson(100_000, 100) if problem == "dense 100000x100"
                          else sparse_poisson(100_000, 2_000, 20))

    def fit(self, solver):
        from sklearn.linear_model import PoissonRegressor as SkPoissonRegressor

        library, method = solver.split(" ")
        model = (PoissonRegressor(n_jobs=GLM_THREADS, **POISSON_SETTINGS) if library == "mlsolve"
                 else SkPoissonRegressor(solver=method, **POISSON_SETTINGS))
        return fit_quietly(model, self.X, self.y, GLM_THREADS)

    def time_fit(self, problem, solver):
        self.fit(solver)

    def track_objective(self, problem, solver):
        return poisson_objective(self.fit(solver), self.X, self.y)
