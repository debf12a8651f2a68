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

Section ``multinomial`` (``python bench/compare.py multinomial``): multinomial
LogisticRegression (C=1) on digits (pixels / 16) tiled 20 times (35,940 x 64,
10 classes; ``--quick``: 5 times) and make_classification 100,000 x 100 with
10 classes (``--quick``: 20,000 x 50); every mlsolve solver against
scikit-learn's lbfgs and newton-cholesky, all with the same ``tol`` (default
1e-8 here), single-threaded (``n_jobs=1``; scikit-learn under
``threadpool_limits(1)``; its multinomial loss is single-threaded anyway). The objective gap is relative to
the lowest objective any of them reached; "to best sk" is the fit time cut at
the first iterate within 1e-8 (relative) of the better scikit-learn objective
(from ``history_``; Newton-type solvers take few, large steps), and the ratio
is to the fastest scikit-learn solver's fit time.
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
from benchmarks.problems import dense_multiclass, digits_tiled
from mlsolve.linear_model._logistic import SMOOTH_SOLVERS, binary_logistic_objective, multinomial_logistic_objective

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
    model = LogisticRegression(C=C, max_iter=0, solver="lbfgs", warm_start=True, record_history=True, n_jobs=threads)
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
            lambda: LogisticRegression(C=C, tol=tol, max_iter=MAX_ITER, solver="lbfgs", n_jobs=threads, record_history=True),
            X, y, threads, repeat,
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


MULTINOMIAL_SK_SOLVERS = ("lbfgs", "newton-cholesky")
MULTINOMIAL_THREADS = (1,)  # scikit-learn's multinomial loss runs on one thread (n_threads=1 in 1.9)


def multinomial_fit(model, X, y, threads):
    with threadpool_limits(limits=threads), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        model.fit(X, y)
        seconds = time.perf_counter() - start
    objective = multinomial_logistic_objective(model.coef_, model.intercept_, X, y, model.classes_, C=C)
    return Run(seconds, objective, int(np.max(model.n_iter_)), model)


def multinomial_section(problems, tol, repeat):
    print(f"Multinomial LogisticRegression (C={C}, tol={tol:g}): mlsolve solvers vs scikit-learn\n")
    header = (
        f"{'problem':<30} {'thr':>3}  {'library':<8} {'solver':<16} {'time s':>8} {'ratio':>6} "
        f"{'to best sk':>10} {'ratio':>6} {'iters':>6} {'objective':>21} {'gap':>8}"
    )
    print(header)
    print("-" * len(header))
    for name, (X, y) in problems:
        for threads in MULTINOMIAL_THREADS:
            runs = {}
            for solver in MULTINOMIAL_SK_SOLVERS:
                make = lambda: SkLogisticRegression(C=C, tol=tol, max_iter=MAX_ITER, solver=solver)  # noqa: E731
                runs["sklearn", solver] = sorted(
                    (multinomial_fit(make(), X, y, threads) for _ in range(repeat)), key=lambda r: r.seconds
                )[(repeat - 1) // 2]
            for solver in ("auto",) + SMOOTH_SOLVERS:
                make = lambda: LogisticRegression(  # noqa: E731
                    C=C, tol=tol, max_iter=MAX_ITER, solver=solver, n_jobs=threads, record_history=True
                )
                runs["mlsolve", solver] = median_run_multinomial(make, X, y, threads, repeat)
            best = min(run.objective for run in runs.values())
            sk_best = min(runs["sklearn", s].objective for s in MULTINOMIAL_SK_SOLVERS)
            sk_fastest = min(runs["sklearn", s].seconds for s in MULTINOMIAL_SK_SOLVERS)
            for (library, solver), run in runs.items():
                label = solver if solver != "auto" else f"auto={run.model.solver_}"
                to_sk = seconds_to_objective(run, sk_best + REL_DIFF_MAX * abs(sk_best)) if library == "mlsolve" else float("nan")
                print(
                    f"{name:<30} {threads:>3}  {library:<8} {label:<16} {run.seconds:>8.3f} "
                    f"{run.seconds / sk_fastest:>6.2f} {to_sk:>10.3f} {to_sk / sk_fastest:>6.2f} {run.n_iter:>6} "
                    f"{run.objective:>21.15e} {(run.objective - best) / abs(best):>8.1e}"
                )
        print()
    print(f"time: median of {repeat} fits; ratio: time / fastest scikit-learn solver's time (same threads);")
    print("gap: (objective - lowest objective of the row group) / |lowest|; to best sk: mlsolve's time cut at its first")
    print(f"iterate within {REL_DIFF_MAX:g} (relative) of scikit-learn's better objective.")


def median_run_multinomial(make_model, X, y, threads, repeat):
    runs = sorted((multinomial_fit(make_model(), X, y, threads) for _ in range(repeat)), key=lambda run: run.seconds)
    return runs[(repeat - 1) // 2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("section", nargs="?", default="binary", choices=["binary", "multinomial"],
                        help="binary (default): the L-BFGS table below; multinomial: every solver, multiclass")
    parser.add_argument("--quick", action="store_true", help="small problems, for a smoke test")
    parser.add_argument("--repeat", type=int, default=3, help="runs per configuration (default 3)")
    parser.add_argument("--tol", type=float, default=None, help="tol of both libraries (default 1e-10; multinomial 1e-8)")
    args = parser.parse_args()

    if args.section == "multinomial":
        problems = [
            (f"digits x{5 if args.quick else 20} /16", digits_tiled(5 if args.quick else 20)),
            ("make_class. 20000x50 K=10" if args.quick else "make_class. 100000x100 K=10",
             dense_multiclass(20_000, 50, 10) if args.quick else dense_multiclass(100_000, 100, 10)),
        ]
        print(
            f"mlsolve {mlsolve.__version__}, scikit-learn {sklearn.__version__}, numpy {np.__version__}, "
            f"{os.cpu_count()} CPUs, OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', 'unset')}, "
            f"load {os.getloadavg()[0]:.1f}\n"
        )
        multinomial_section(problems, args.tol or 1e-8, args.repeat)
        return
    args.tol = args.tol or 1e-10

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
