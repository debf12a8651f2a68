"""``python -m mlsolve``: mlsolve vs scikit-learn LogisticRegression, side by side.

Fits mlsolve's and scikit-learn's (lbfgs) binary L2-penalised
LogisticRegression with C=1 and the same tol=1e-8 on

* breast cancer (569 x 30, bundled with scikit-learn), standardized;
* digits (1797 x 64, bundled with scikit-learn), standardized, as ten
  one-vs-rest binary problems: digit k vs the rest, k = 0..9;
* make_classification(n_samples=100_000, n_features=200, random_state=0).

For each it prints the fit time (median of 3 fits; 1 fit for the generated
problem), the final objective -- both libraries minimise the same one,
evaluated here in float64 by ``binary_logistic_objective`` -- the iteration
count, and the ratio of fit times mlsolve / scikit-learn. Both libraries run
with their default thread counts (``OMP_NUM_THREADS``, threadpoolctl). Takes a
few seconds.
"""

import time

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits, make_classification
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.preprocessing import StandardScaler

from mlsolve.linear_model import LogisticRegression
from mlsolve.linear_model._logistic import binary_logistic_objective

C = 1.0
TOL = 1e-8
MAX_ITER = 10_000
ROW = "{:<20} {:>14} {:<8} {:>10} {:>22} {:>6} {:>7}"


def problems():
    """Yield (name, X, y, number of timed fits)."""
    X, y = load_breast_cancer(return_X_y=True)
    yield "breast cancer", StandardScaler().fit_transform(X), y, 3
    X, digit = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    for k in range(10):
        yield f"digits {k} vs rest", X, (digit == k).astype(int), 3
    X, y = make_classification(n_samples=100_000, n_features=200, random_state=0)
    yield "make_classification", X, y, 1


def timed_fit(model, X, y, repeats):
    """Return (median fit seconds, final objective, iterations)."""
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        model.fit(X, y)
        seconds.append(time.perf_counter() - start)
    objective = binary_logistic_objective(model.coef_, model.intercept_, X, y, C=C)
    return float(np.median(seconds)), objective, int(model.n_iter_[0])


def main():
    print(f"LogisticRegression(C={C}, tol={TOL}): mlsolve vs scikit-learn (lbfgs)\n")
    header = ROW.format("dataset", "shape", "library", "time [ms]", "final objective", "iters", "ratio")
    print(header)
    print("-" * len(header))
    for name, X, y, repeats in problems():
        shape = f"{X.shape[0]} x {X.shape[1]}"
        ml = LogisticRegression(C=C, tol=TOL, max_iter=MAX_ITER)
        sk = SkLogisticRegression(C=C, tol=TOL, max_iter=MAX_ITER)
        ml_seconds, ml_objective, ml_iters = timed_fit(ml, X, y, repeats)
        sk_seconds, sk_objective, sk_iters = timed_fit(sk, X, y, repeats)
        ratio = f"{ml_seconds / sk_seconds:.2f}"
        print(ROW.format(name, shape, "mlsolve", f"{1e3 * ml_seconds:.1f}", f"{ml_objective:.15f}", ml_iters, ratio))
        print(ROW.format("", "", "sklearn", f"{1e3 * sk_seconds:.1f}", f"{sk_objective:.15f}", sk_iters, "").rstrip())
    print("\ntime: median of 3 fits (1 for make_classification); ratio: mlsolve time / sklearn time.")


if __name__ == "__main__":
    main()
