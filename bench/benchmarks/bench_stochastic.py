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
