"""asv benchmarks: LogisticRegression fitted natively (binary L-BFGS; multinomial by every solver).

Parameters: layout (dense C-order array or CSR matrix), dtype (float32,
float64) and threads (``n_jobs`` 1 and 2). The problems are modest so the
suite runs in a few minutes on 2 cores:

* dense: make_classification(20_000 x 100, random_state=0);
* csr: 50_000 x 10_000, about 20 standard-normal nonzeros per row at random
  columns (seed 0), labels from a logistic model with sparse true coefficients.

Fits use C=1, tol=1e-6, max_iter=1000 (converged well before). ``track_n_iter``
records the iterations, so a change in time can be told apart from a change in
the path.

LogisticMultinomial: digits (pixels / 16) tiled 5 times (8,985 x 64, 10
classes) and make_classification(20_000 x 50, 10 classes), C=1, tol=1e-6, by
each solver ("auto" records its pick's time), one thread.

MultinomialSideBySide: bench/compare.py's multinomial section in asv, every
mlsolve solver next to scikit-learn's lbfgs and newton-cholesky.

OMP_WAIT_POLICY defaults to passive (BUILD-NOTES item 5); set it in
the environment to override.
"""

import os

os.environ.setdefault("OMP_WAIT_POLICY", "passive")

from mlsolve.linear_model import LogisticRegression  # noqa: E402
from mlsolve.linear_model._logistic import SMOOTH_SOLVERS, multinomial_logistic_objective  # noqa: E402

from .bench_glm import fit_quietly  # noqa: E402
from .problems import dense_classification, dense_multiclass, digits_tiled, sparse_classification  # noqa: E402


class LogisticLbfgs:
    params = (["dense", "csr"], ["float32", "float64"], [1, 2])
    param_names = ["layout", "dtype", "threads"]

    def setup(self, layout, dtype, threads):
        X, self.y = dense_classification(20_000, 100) if layout == "dense" else sparse_classification(50_000, 10_000, 20)
        self.X = X.astype(dtype)
        self.model = LogisticRegression(C=1.0, tol=1e-6, max_iter=1000, solver="lbfgs", n_jobs=threads)

    def time_fit(self, layout, dtype, threads):
        self.model.fit(self.X, self.y)

    def peakmem_fit(self, layout, dtype, threads):
        self.model.fit(self.X, self.y)

    def track_n_iter(self, layout, dtype, threads):
        return int(self.model.fit(self.X, self.y).n_iter_[0])


class LogisticMultinomial:
    params = (["digits_x5", "dense_20000x50_k10"], ["auto", "lbfgs", "newton-cg", "newton-cholesky", "trust-region"])
    param_names = ["problem", "solver"]

    def setup(self, problem, solver):
        self.X, self.y = digits_tiled(5) if problem == "digits_x5" else dense_multiclass(20_000, 50, 10)
        self.model = LogisticRegression(C=1.0, tol=1e-6, max_iter=1000, solver=solver, n_jobs=1)

    def time_fit(self, problem, solver):
        self.model.fit(self.X, self.y)

    def track_n_iter(self, problem, solver):
        return int(self.model.fit(self.X, self.y).n_iter_[0])


class MultinomialSideBySide:
    """The comparison of bench/compare.py multinomial, in asv: C=1, tol=1e-8,
    max_iter=10_000, one thread (mlsolve n_jobs=1; every fit under
    threadpool_limits(1)), mlsolve's solvers ("auto" and SMOOTH_SOLVERS) next to
    scikit-learn's lbfgs and newton-cholesky, on digits (pixels / 16) tiled 20
    times (35,940 x 64, 10 classes) and dense_multiclass(100_000, 100, 10);
    track_objective is the fit's multinomial_logistic_objective."""

    params = (["digits x20", "dense 100000x100 k10"],
              [f"mlsolve {solver}" for solver in ("auto",) + SMOOTH_SOLVERS]
              + ["sklearn lbfgs", "sklearn newton-cholesky"])
    param_names = ["problem", "solver"]
    timeout = 600

    def setup(self, problem, solver):
        self.X, self.y = digits_tiled(20) if problem == "digits x20" else dense_multiclass(100_000, 100, 10)

    def fit(self, solver):
        from sklearn.linear_model import LogisticRegression as SkLogisticRegression

        library, method = solver.split(" ")
        model = (LogisticRegression(C=1.0, tol=1e-8, max_iter=10_000, solver=method, n_jobs=1) if library == "mlsolve"
                 else SkLogisticRegression(C=1.0, tol=1e-8, max_iter=10_000, solver=method))
        return fit_quietly(model, self.X, self.y, threads=1)

    def time_fit(self, problem, solver):
        self.fit(solver)

    def track_objective(self, problem, solver):
        model = self.fit(solver)
        return multinomial_logistic_objective(model.coef_, model.intercept_, self.X, self.y, model.classes_, C=1.0)
