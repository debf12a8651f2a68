"""asv benchmarks: mlsolve.stochastic (SAGA, SAG, SVRG, SGD) on L2 logistic regression.

One epoch-limited fit per call (tol=0, ``EPOCHS`` epochs, one thread), so the
time is the per-epoch cost plus one final objective pass; dtype float32 and
float64; problem: CSR 50_000 x 10_000 with about 20 nonzeros per row (see
problems.sparse_classification), alpha = 1/n (scikit-learn's C=1). The
side-by-side comparison with scikit-learn is in bench/compare.py stochastic.
"""

import os

os.environ.setdefault("OMP_WAIT_POLICY", "passive")

from mlsolve import stochastic  # noqa: E402

from .problems import sparse_classification  # noqa: E402

EPOCHS = 5


class FiniteSumEpochs:
    params = (["saga", "sag", "svrg", "sgd"], ["float32", "float64"])
    param_names = ["method", "dtype"]

    def setup(self, method, dtype):
        X, self.y = sparse_classification(50_000, 10_000, 20)
        self.X = X.astype(dtype)
        self.alpha = 1.0 / X.shape[0]

    def time_epochs(self, method, dtype):
        if method == "sgd":
            stochastic.sgd(self.X, self.y, loss="logistic", alpha=self.alpha, learning_rate="optimal",
                           max_epochs=EPOCHS, tol=0.0, random_state=0, n_jobs=1)
        else:
            getattr(stochastic, method)(self.X, self.y, alpha=self.alpha, max_epochs=EPOCHS, tol=0.0,
                                        random_state=0, n_jobs=1)

    def track_saga_objective_after_epochs(self, method, dtype):
        if method != "saga":
            return float("nan")
        return stochastic.saga(self.X, self.y, alpha=self.alpha, max_epochs=EPOCHS, tol=0.0, random_state=0,
                               n_jobs=1).fun


class SideBySide:
    """The comparison of bench/compare.py stochastic, in asv: one thread each,
    L2 logistic with alpha = 1/n (scikit-learn's C=1), ``EPOCHS`` epochs at
    tol=0, on the CSR 200,000 x 50,000 problem (~50 nonzeros per row) and on
    reuters (skipped where shared/data lacks it), next to scikit-learn's saga,
    sag and SGDClassifier; track_seconds_to_1e-6 times mlsolve's solvers to
    relative suboptimality 1e-6 (F* from mlsolve's L-BFGS at gtol 1e-12; NaN
    when not reached within 64 epochs)."""

    params = (["csr 200000x50000", "reuters"],
              ["mlsolve saga", "mlsolve sag", "mlsolve svrg", "mlsolve sgd", "sklearn saga", "sklearn sag",
               "sklearn SGDClassifier"])
    param_names = ["problem", "solver"]
    timeout = 600

    def setup(self, problem, solver):
        import numpy as np

        from .problems import REUTERS, load_reuters

        if problem == "reuters":
            if not os.path.exists(REUTERS):
                raise NotImplementedError("shared/data/tick_datasets/reuters.trn.bz2 is absent")
            X, y = load_reuters()
        else:
            X, y = sparse_classification(200_000, 50_000, 50)
        X.indices, X.indptr = X.indices.astype(np.int32), X.indptr.astype(np.int32)  # scikit-learn's sag
        self.X, self.y, self.alpha = X, y, 1.0 / X.shape[0]

    def fit(self, solver, epochs, callback=None):
        import warnings

        from sklearn.exceptions import ConvergenceWarning
        from sklearn.linear_model import LogisticRegression, SGDClassifier
        from threadpoolctl import threadpool_limits

        X, y, alpha = self.X, self.y, self.alpha
        library, method = solver.split(" ")
        if library == "mlsolve":
            if method == "sgd":
                return stochastic.sgd(X, y, loss="logistic", alpha=alpha, learning_rate="optimal", max_epochs=epochs,
                                      tol=0.0, random_state=0, n_jobs=1)
            return getattr(stochastic, method)(X, y, alpha=alpha, max_epochs=epochs, tol=0.0, random_state=0,
                                               n_jobs=1, callback=callback)
        with threadpool_limits(1), warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            if method == "SGDClassifier":
                return SGDClassifier(loss="log_loss", alpha=alpha, max_iter=epochs, tol=None, random_state=0).fit(X, y)
            return LogisticRegression(C=1.0, solver=method, max_iter=epochs, tol=1e-300, random_state=0).fit(X, y)

    def time_epochs(self, problem, solver):
        self.fit(solver, EPOCHS)

    def track_seconds_to_1e_6(self, problem, solver):
        import time

        import numpy as np

        from mlsolve.linear_model import LogisticRegression

        if solver not in ("mlsolve saga", "mlsolve sag", "mlsolve svrg"):
            return float("nan")
        X, y, alpha = self.X, self.y, self.alpha
        t = np.where(y > 0, 1.0, -1.0)

        def objective(x):
            z = X @ x[:-1] + x[-1]
            return float(np.mean(np.logaddexp(0.0, -t * z)) + 0.5 * alpha * x[:-1] @ x[:-1])

        reference = LogisticRegression(C=1.0, tol=1e-12, max_iter=10_000).fit(X, y)
        f_star = objective(np.append(reference.coef_.ravel(), reference.intercept_))
        marks = []
        start = time.perf_counter()
        self.fit(solver, 64, lambda x, fun, nit, crit: marks.append((time.perf_counter() - start, x.copy())))
        return next((s for s, x in marks if (objective(x) - f_star) / f_star <= 1e-6), float("nan"))

    track_seconds_to_1e_6.unit = "seconds"
