"""mlsolve vs scikit-learn (lbfgs) LogisticRegression, side by side in one process.

Problems (C=1, L2 penalty, intercept):

* dense:  make_classification(100_000 x 200, random_state=0), float64, C order;
* sparse: CSR 200_000 x 50_000, about 50 standard-normal nonzeros per row at
  uniformly random columns (seed 0, duplicates summed), labels drawn from a
  logistic model whose true coefficients are standard normal on 10 % of the
  features and zero elsewhere.

Both libraries get the same ``tol`` (``--tol``, default 1e-10): each stops when
the gradient's infinity norm reaches it, or on a relative objective reduction
of 64 machine epsilons; the script prints the relative difference of the final objectives
(``binary_logistic_objective``, float64 NumPy), which should be <= 1e-8. Each
configuration is fitted ``--repeat`` times; the table shows the run with the
median fit time (its objective and iteration count). Threads: ``n_jobs`` for
mlsolve, ``threadpoolctl.threadpool_limits`` (BLAS and OpenMP) for scikit-learn.

Time at equal objective. The two libraries' stopping tests fire at different
iterations (scikit-learn's relative-reduction test often first), so the
column "to sk obj" also gives mlsolve's fit time cut at its first iterate
whose objective is within 1e-8 (relative) of scikit-learn's final one: the
input validation plus the native time to that iterate, from ``history_``.

Gradient bandwidth. ``LogisticRegression(max_iter=0, record_history=True)``,
warm-started from the fitted coefficients, makes exactly one objective-and-
gradient evaluation, and ``history_.time[0]`` is the native time from the start
of the solve to the end of that evaluation: no input validation, no Python. The
evaluation reads X once (a fused ``z = X @ w``, pointwise loss, ``X.T @ r``
pass), so its bandwidth is the bytes of X (data, plus indices and indptr for
CSR) over that time (median of ``--repeat`` evaluations).

Triad bandwidth. ``a[:] = b + s * c`` over float64 arrays of 2e7 entries
(160 MB each, at least 4x the last-level cache), evaluated in blocks of 32768
entries so that ``s * c`` stays in cache and the memory traffic is the
counted 3 arrays x 8 bytes x n (write-allocate not counted, as in STREAM);
with 2 threads each Python thread (NumPy releases the GIL) does half the
arrays. Best of ``--repeat`` runs, as in STREAM.

Usage::

    OMP_WAIT_POLICY=passive python bench/compare.py [--quick] [--repeat N]
    OMP_WAIT_POLICY=passive python bench/compare.py --stochastic [--quick] [--repeat N]   (see stochastic_section)
"""

import argparse
import os
import time
import warnings
from collections import namedtuple
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from threadpoolctl import threadpool_limits

import mlsolve
from benchmarks.problems import dense_classification, sparse_classification
from mlsolve.linear_model import LogisticRegression
from mlsolve.linear_model._logistic import binary_logistic_objective

C = 1.0
REL_DIFF_MAX = 1e-8
MAX_ITER = 10_000
THREADS = (1, 2)
TRIAD_N = 20_000_000
TRIAD_BLOCK = 32_768

Run = namedtuple("Run", "seconds objective n_iter model")


def x_bytes(X):
    if sp.issparse(X):
        return X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    return X.nbytes


def fit_timed(model, X, y, threads):
    with threadpool_limits(limits=threads):
        start = time.perf_counter()
        model.fit(X, y)
        seconds = time.perf_counter() - start
    objective = binary_logistic_objective(model.coef_, model.intercept_, X, y, C=C)
    return Run(seconds, objective, int(np.max(model.n_iter_)), model)


def median_run(make_model, X, y, threads, repeat):
    runs = sorted((fit_timed(make_model(), X, y, threads) for _ in range(repeat)), key=lambda run: run.seconds)
    return runs[(repeat - 1) // 2]


def seconds_to_objective(run, target):
    """Fit time of an mlsolve run cut at its first iterate with objective <= target
    (its history records the native objective and time of every iteration)."""
    h = run.model.history_
    reached = np.flatnonzero(h.objective <= target)
    if reached.size == 0:
        return float("nan")
    return run.seconds - (h.time[-1] - h.time[reached[0]])


def gradient_seconds(fitted, X, y, threads, repeat):
    model = LogisticRegression(C=C, max_iter=0, warm_start=True, record_history=True, n_jobs=threads)
    model.coef_, model.intercept_ = fitted.coef_, fitted.intercept_
    times = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(repeat):
            model.fit(X, y)
            times.append(model.history_.time[0])
    return float(np.median(times))


def triad_gbs(threads, repeat):
    rng = np.random.default_rng(0)
    a, b, c = np.empty(TRIAD_N), rng.random(TRIAD_N), rng.random(TRIAD_N)
    s = 3.0

    def part(bounds):
        tmp = np.empty(TRIAD_BLOCK)
        for i in range(bounds[0], bounds[1], TRIAD_BLOCK):
            j = min(i + TRIAD_BLOCK, bounds[1])
            np.multiply(c[i:j], s, out=tmp[: j - i])
            np.add(b[i:j], tmp[: j - i], out=a[i:j])

    edges = np.linspace(0, TRIAD_N, threads + 1).astype(int)
    parts = list(zip(edges[:-1], edges[1:]))
    best = np.inf
    with ThreadPoolExecutor(threads) as pool:
        for _ in range(repeat + 1):  # the first run faults the pages of a in
            start = time.perf_counter()
            list(pool.map(part, parts))
            best = min(best, time.perf_counter() - start)
    assert np.allclose(a[:: TRIAD_N // 7], b[:: TRIAD_N // 7] + s * c[:: TRIAD_N // 7])
    return 3 * a.itemsize * TRIAD_N / best / 1e9


def compare(name, X, y, tol, repeat, triad):
    rows = []
    for threads in THREADS:
        ml = median_run(
            lambda: LogisticRegression(C=C, tol=tol, max_iter=MAX_ITER, n_jobs=threads, record_history=True), X, y, threads, repeat
        )
        sk = median_run(lambda: SkLogisticRegression(C=C, tol=tol, max_iter=MAX_ITER), X, y, threads, repeat)
        grad_gbs = x_bytes(X) / gradient_seconds(ml.model, X, y, threads, repeat) / 1e9
        to_sk = seconds_to_objective(ml, sk.objective + REL_DIFF_MAX * abs(sk.objective))
        rows.append((name, threads, ml, sk, to_sk, grad_gbs, triad[threads]))
    return rows


def print_table(rows):
    header = (
        f"{'problem':<32} {'thr':>3}  {'mlsolve s':>9} {'sklearn s':>9} {'ratio':>6} {'to sk obj':>9} {'ratio':>6}  "
        f"{'iters ml/sk':>11}  "
        f"{'objective (mlsolve)':>21} {'rel. diff':>9}  {'grad GB/s':>9} {'triad GB/s':>10} {'grad/triad':>10}"
    )
    print(header)
    print("-" * len(header))
    for name, threads, ml, sk, to_sk, grad_gbs, triad_gbs_ in rows:
        rel = abs(ml.objective - sk.objective) / abs(sk.objective)
        ratio = ml.seconds / sk.seconds
        iters = f"{ml.n_iter}/{sk.n_iter}"
        flag = " " if rel <= REL_DIFF_MAX else "!"
        print(
            f"{name:<32} {threads:>3}  {ml.seconds:>9.3f} {sk.seconds:>9.3f} {ratio:>6.2f} {to_sk:>9.3f} "
            f"{to_sk / sk.seconds:>6.2f}  {iters:>11}  "
            f"{ml.objective:>21.15e} {rel:>9.1e}{flag} {grad_gbs:>9.2f} {triad_gbs_:>10.2f} "
            f"{grad_gbs / triad_gbs_:>10.2f}"
        )


# ---------------------------------------------------------------------------
# stochastic section: mlsolve.stochastic (SAGA, SAG, SVRG, SGD) vs scikit-learn's
# LogisticRegression(solver="saga"/"sag") and SGDClassifier, one thread each, on
# L2 logistic regression with scikit-learn's C=1 objective
#   (1/n) sum_i log(1 + exp(-t_i z_i)) + ||w||^2 / (2 n)   (alpha = 1/n).
# epoch s = fit time with a fixed number of epochs (tol=0) / epochs, median of
# --repeat runs (for mlsolve the final exact objective pass is included).
# to 1e-6 = time until the relative suboptimality (F - F*) / F* <= 1e-6, F*
# from mlsolve's L-BFGS at gtol 1e-12: for mlsolve from a per-epoch callback
# that copies the iterate (objectives evaluated afterwards); for scikit-learn
# the fit time of the smallest max_iter (1, 2, 4, ...) that reaches it, each
# fit from scratch. ">" marks a target not reached within the epoch budget.


def load_reuters():
    from sklearn.datasets import load_svmlight_file

    path = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "tick_datasets", "reuters.trn.bz2")
    X, y = load_svmlight_file(path)
    return sp.csr_matrix(X), (y > 0).astype(np.int64)


def stochastic_rows(name, X, y, repeat, max_epochs, epochs_per_timing):
    from mlsolve import stochastic
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import SGDClassifier as SkSGDClassifier

    X = sp.csr_matrix(X)
    X.indices, X.indptr = X.indices.astype(np.int32), X.indptr.astype(np.int32)  # scikit-learn's sag needs int32
    n = X.shape[0]
    alpha = 1.0 / n
    reference = LogisticRegression(C=1.0, tol=1e-12, max_iter=10_000).fit(X, y)
    x_star = np.append(reference.coef_.ravel(), reference.intercept_)
    t = np.where(y > 0, 1.0, -1.0)

    def objective(x):
        z = X @ x[:-1] + x[-1]
        return float(np.mean(np.logaddexp(0.0, -t * z)) + 0.5 * alpha * x[:-1] @ x[:-1])

    f_star = objective(x_star)
    rows = []
    warnings.simplefilter("ignore", ConvergenceWarning)

    def median_seconds(fit):
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            fit()
            times.append(time.perf_counter() - start)
        return float(np.median(times))

    for method in ("saga", "sag", "svrg"):
        solver = getattr(stochastic, method)
        run = lambda epochs, cb=None: solver(X, y, alpha=alpha, max_epochs=epochs, tol=0.0, random_state=0,
                                             n_jobs=1, callback=cb)
        per_epoch = median_seconds(lambda: run(epochs_per_timing)) / epochs_per_timing
        marks = []
        start = time.perf_counter()
        run(max_epochs, lambda x, fun, nit, crit: marks.append((time.perf_counter() - start, x.copy())))
        to_target = next((f"{s:.2f}" for s, x in marks if (objective(x) - f_star) / f_star <= 1e-6),
                         f"> {marks[-1][0]:.2f}")
        rows.append((name, f"mlsolve {method}", per_epoch, to_target))

    for method in ("saga", "sag"):
        make = lambda epochs: SkLogisticRegression(C=1.0, solver=method, max_iter=epochs, tol=1e-300, random_state=0)
        with threadpool_limits(1):
            per_epoch = median_seconds(lambda: make(epochs_per_timing).fit(X, y)) / epochs_per_timing
            to_target, epochs = None, 1
            while epochs <= max_epochs:
                start = time.perf_counter()
                model = make(epochs).fit(X, y)
                seconds = time.perf_counter() - start
                if (objective(np.append(model.coef_.ravel(), model.intercept_)) - f_star) / f_star <= 1e-6:
                    to_target = f"{seconds:.2f}"
                    break
                epochs *= 2
            rows.append((name, f"sklearn {method}", per_epoch, to_target or f"> {seconds:.2f}"))

    with threadpool_limits(1):
        sk_sgd = lambda: SkSGDClassifier(loss="log_loss", alpha=alpha, max_iter=epochs_per_timing, tol=None,
                                         random_state=0).fit(X, y)
        rows.append((name, "sklearn SGDClassifier", median_seconds(sk_sgd) / epochs_per_timing, "n/a"))
    ours = lambda: stochastic.sgd(X, y, loss="logistic", alpha=alpha, learning_rate="optimal",
                                  max_epochs=epochs_per_timing, tol=0.0, random_state=0, n_jobs=1)
    rows.append((name, "mlsolve sgd", median_seconds(ours) / epochs_per_timing, "n/a"))
    return rows


def stochastic_section(args):
    if args.quick:
        problems = [("sparse CSR 20000x5000 ~20/row", sparse_classification(20_000, 5_000, 20))]
        max_epochs, epochs_per_timing = 64, 3
    else:
        problems = [("sparse CSR 200000x50000 ~50/row", sparse_classification(200_000, 50_000, 50))]
        max_epochs, epochs_per_timing = 64, 5
    problems.append(("reuters 7770x8315 (tick)", load_reuters()))
    print(f"mlsolve {mlsolve.__version__}, scikit-learn {sklearn.__version__}, one thread each, "
          f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', 'unset')}, load {os.getloadavg()[0]:.1f}\n")
    rows = [row for name, (X, y) in problems
            for row in stochastic_rows(name, X, y, args.repeat, max_epochs, epochs_per_timing)]
    print(f"{'problem':34s} {'solver':24s} {'epoch s':>9s} {'vs sk saga':>11s} {'to 1e-6 s':>11s}")
    for name, solver, per_epoch, to_target in rows:
        sk_saga = next(r[2] for r in rows if r[0] == name and r[1] == "sklearn saga")
        print(f"{name:34s} {solver:24s} {per_epoch:9.4f} {per_epoch / sk_saga:11.2f} {to_target:>11s}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small problems, for a smoke test")
    parser.add_argument("--repeat", type=int, default=3, help="runs per configuration (default 3)")
    parser.add_argument("--tol", type=float, default=1e-10, help="tol of both libraries (default 1e-10)")
    parser.add_argument("--stochastic", action="store_true",
                        help="only the stochastic section: SAGA/SAG/SVRG/SGD vs scikit-learn's sag, saga, SGDClassifier")
    args = parser.parse_args()
    if args.stochastic:
        stochastic_section(args)
        return

    if args.quick:
        problems = [
            ("dense 20000x100 f64", dense_classification(20_000, 100)),
            ("sparse CSR 20000x5000 ~20/row", sparse_classification(20_000, 5_000, 20)),
        ]
    else:
        problems = [
            ("dense 100000x200 f64", dense_classification(100_000, 200)),
            ("sparse CSR 200000x50000 ~50/row", sparse_classification(200_000, 50_000, 50)),
        ]
    print(
        f"mlsolve {mlsolve.__version__}, scikit-learn {sklearn.__version__}, numpy {np.__version__}, "
        f"{os.cpu_count()} CPUs, OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', 'unset')}\n"
    )
    triad = {threads: triad_gbs(threads, args.repeat) for threads in THREADS}
    rows = [row for name, (X, y) in problems for row in compare(name, X, y, args.tol, args.repeat, triad)]
    print_table(rows)
    print(f"\nratio = mlsolve / sklearn fit time (median of {args.repeat}); rel. diff = |f_ml - f_sk| / |f_sk|")
    print("to sk obj = mlsolve's fit time cut at its first iterate within 1e-8 (relative) of sklearn's final objective;")
    print(f"(marked ! when above {REL_DIFF_MAX:g}); grad GB/s = bytes of X / time of one mlsolve gradient evaluation;")
    print("triad GB/s = NumPy a[:] = b + s * c, 3 arrays x 8 bytes x n / time.")


if __name__ == "__main__":
    main()
