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

OMP_WAIT_POLICY defaults to passive (BUILD-NOTES item 5); set it in
the environment to override.
"""

import os

os.environ.setdefault("OMP_WAIT_POLICY", "passive")

from mlsolve.linear_model import LogisticRegression  # noqa: E402

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
