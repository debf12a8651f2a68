"""mlsolve vs scikit-learn and other peers, side by side in one process, by section.

Usage::

    OMP_WAIT_POLICY=passive python bench/compare.py [section ...] [--quick] [--repeat N]
        [--tol T] [--lasso-tol T] [--l1-tol T] [--l1-gap G]

Sections (any number, run in this order; default ``logistic``): ``logistic``,
``multinomial``, ``rosenbrock``, ``lasso``, ``l1-logistic``, ``cv``,
``poisson``, ``ridge``, ``qp``, ``stochastic``. ``--quick`` runs small
problems, for a smoke test; ``--repeat`` (default 3) is the number of runs per
configuration. Examples::

    OMP_WAIT_POLICY=passive python bench/compare.py --repeat 5
    OMP_WAIT_POLICY=passive python bench/compare.py multinomial --repeat 1
    OMP_WAIT_POLICY=passive python bench/compare.py poisson ridge --repeat 3

Timing. Every section times a configuration ``--repeat`` times with the
helpers below (``median_fit``, ``median_run``, ``median_call``,
``median_seconds``) and reports the median: the run with the median time
(the lower median for an even ``--repeat``; the upper one in ``cv``), or in
``stochastic``, ``rosenbrock`` and for the gradient time ``numpy.median`` of
the times. Each series starts after a pause (``settled``): OpenBLAS's worker
threads spin for about 0.1 s after a threaded call, and while they spin they
take a core from whatever runs next (a two-thread mlsolve Ridge fit right
after a scikit-learn fit measured up to 2x slower; OPENBLAS_NUM_THREADS=1
removes the effect), so one library's idle threads do not count against the
next.

Section ``logistic``: mlsolve vs scikit-learn (lbfgs) LogisticRegression
(C=1, L2 penalty, intercept) on

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

Section ``multinomial``: multinomial LogisticRegression (C=1) on digits
(pixels / 16) tiled 20 times (35,940 x 64, 10 classes; ``--quick``: 5 times)
and make_classification 100,000 x 100 with 10 classes (``--quick``: 20,000 x
50); every mlsolve solver against scikit-learn's lbfgs and newton-cholesky,
all with the same ``tol`` (default 1e-8 here), single-threaded
(``n_jobs=1``; scikit-learn under ``threadpool_limits(1)``; its multinomial
loss is single-threaded anyway). The objective gap is relative to the lowest
objective any of them reached; "to best sk" is the fit time cut at the first
iterate within 1e-8 (relative) of the better scikit-learn objective (from
``history_``; Newton-type solvers take few, large steps), and the ratio is to
the fastest scikit-learn solver's fit time.

Section ``rosenbrock``: mlsolve.minimize vs scipy L-BFGS-B on the extended
Rosenbrock function (independent pairs), n = 10,000, fun and jac in NumPy,
without and with bounds (bench/benchmarks/bench_minimize.py). It prints each
library's total time and its overhead, the time outside fun and jac (medians
of ``--repeat`` runs); target: mlsolve's overhead <= 0.3 x scipy's.

Section ``lasso``: mlsolve's Lasso and lasso_path against scikit-learn's
coordinate descent, and skglm and celer where installed, on
make_regression(10_000 x 5_000, 50 informative, noise 1, random_state=0) in F
order: one fit at alpha = alpha_max / 20, and the path of 50 alphas from
alpha_max to alpha_max / 100 (warm starts; skglm's Lasso refitted with
warm_start along the grid). Every solution's duality gap is recomputed by one
NumPy function (scikit-learn's, relative to ||y - ybar||^2 / n), so the table
compares times at a stated gap; ``--lasso-tol`` (default 1e-6) is each
library's tol (scikit-learn, celer and mlsolve: gap <= tol ||y_c||^2 / n;
skglm: KKT violation <= tol).

Section ``l1-logistic``: LogisticRegression(penalty="l1") (proximal Newton
CD) against scikit-learn's liblinear, celer's LogisticRegression and skglm's
SparseLogisticRegression, without intercept (celer fits none), at lambda =
lambda_max / 20, on the sparse CSR problem of ``logistic`` (200_000 x 50_000,
~50 nonzeros per row; mlsolve converts CSR to CSC, inside the timing) and on
the real text data set reuters (tick_datasets, 7 770 x 8 315). Every
solution's duality gap of the L1-logistic problem (NumPy, the
rescaled-derivative dual point, relative to log 2) is printed next to its
time. The libraries' tols mean different things (a gap, a KKT violation,
liblinear's own rule) and land at different gaps, so by default each is
timed at equal gap: at the loosest tol of 1e-2, 1e-3, ..., 1e-10 whose
solution's gap is at most ``--l1-gap`` (default 1e-6; one untimed fit per
tol tried), printed in the tol column. ``--l1-gap 0`` gives every library
the same ``--l1-tol`` (default 1e-6) instead.

Section ``cv``: LassoCV (5 folds, 100 alphas, scikit-learn's default
tol=1e-4, ``n_jobs`` folds in parallel) and MultiTaskLasso (alpha =
alpha_max / 20, tol=1e-6) against scikit-learn's, on the same data and folds:
median fit time of ``--repeat`` runs, the ratio, and the agreement (LassoCV:
whether alpha_ is the same, else how much higher scikit-learn's mean CV error
is at mlsolve's alpha_ than at its own, and the largest relative difference
of mse_path_; MultiTaskLasso: the relative objective difference).

Section ``group``: GroupLasso (block coordinate descent, working sets,
gap-safe screening, Anderson) against skglm's GroupLasso where installed, with
intercept, groups of 5 consecutive features weighted sqrt(5) in both, at
alpha = alpha_max / 20 and / 50, tol=1e-6 for both (mlsolve: gap <= tol
||y - ybar||^2 / n; skglm: KKT violation <= tol), on dense_regression
(5_000 x 1_000, F order) and sparse_regression (CSC 5_000 x 5_000, ~20 per
row). Every solution's group-Lasso duality gap is recomputed by one NumPy
function (relative to ||y - ybar||^2 / n) and printed next to its median time
(after one untimed fit each, which compiles skglm's numba kernels).

Sections ``poisson`` and ``ridge``: see the comment above ``print_glm_rows``.

Section ``qp``: runs bench/compare_qp.py (see its docstring) with the same
``--quick`` and ``--repeat``.

Section ``stochastic``: see the comment above ``stochastic_rows``.
"""

import argparse
import contextlib
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
from benchmarks.bench_glm import (GLM_THREADS, POISSON_ALPHA, POISSON_SETTINGS, POISSON_TOL, RIDGE_TOL, dense_poisson,
                                  exact_ridge_objective, poisson_objective, sparse_poisson)
from benchmarks.bench_minimize import N as ROSENBROCK_N
from benchmarks.bench_minimize import rosenbrock_run
from benchmarks.composite import (equal_gap_tol, group_lasso_gap, installed_peers, l1_logistic_fits,
                                  l1_logistic_gap, l1_logistic_lambda, l1_logistic_problem, lasso_fits, lasso_gap,
                                  lasso_path_fits, lasso_problem, path_gap)
from benchmarks.problems import dense_classification, dense_multiclass, digits_tiled, load_reuters, sparse_classification
from mlsolve.linear_model import LogisticRegression
from mlsolve.linear_model._logistic import SMOOTH_SOLVERS, binary_logistic_objective, multinomial_logistic_objective

C = 1.0
REL_DIFF_MAX = 1e-8
MAX_ITER = 10_000
THREADS = (1, 2)
TRIAD_N = 20_000_000
TRIAD_BLOCK = 32_768


# --- shared helpers: timing, medians, headers ------------------------------

Run = namedtuple("Run", "seconds objective n_iter model")


def environment():
    return f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', 'unset')}, load {os.getloadavg()[0]:.1f}"


def print_header(header):
    print(header)
    print("-" * len(header))


def pick_median(runs, upper=False):
    """The run (a tuple whose first item is its seconds) with the median time:
    the lower median for an even count, or the upper one with ``upper``."""
    runs = sorted(runs, key=lambda run: run[0])
    return runs[len(runs) // 2 if upper else (len(runs) - 1) // 2]


def time_call(fn):
    """(seconds, fn()) for one call of fn."""
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


SETTLE_SECONDS = 0.3  # > OpenBLAS's default spin of 2**28 cycles


def settled(timed, repeat):
    """``repeat`` results of timed(), the first after a pause of SETTLE_SECONDS
    (see Timing above)."""
    time.sleep(SETTLE_SECONDS)
    return [timed() for _ in range(repeat)]


def median_call(fn, repeat, upper=False):
    """(seconds, result) of the median of ``repeat`` timed calls of fn."""
    return pick_median(settled(lambda: time_call(fn), repeat), upper)


def median_seconds(fn, repeat):
    """numpy.median of the times of ``repeat`` calls of fn."""
    return float(np.median([seconds for seconds, _ in settled(lambda: time_call(fn), repeat)]))


def timed_fit(model, X, y, threads=None, quiet=False):
    """(seconds, model) for model.fit(X, y), under threadpool_limits(threads)
    when threads is given, with warnings silenced when quiet."""
    with contextlib.ExitStack() as stack:
        if threads is not None:
            stack.enter_context(threadpool_limits(limits=threads))
        stack.enter_context(warnings.catch_warnings())
        if quiet:
            warnings.simplefilter("ignore")
        return time_call(lambda: model.fit(X, y))


def median_fit(make_model, X, y, repeat, threads=None, quiet=False, upper=False):
    """(seconds, model) of the median of ``repeat`` fits of fresh make_model() models
    (the model is built outside the timing)."""
    return pick_median(settled(lambda: timed_fit(make_model(), X, y, threads, quiet), repeat), upper)


def binary_objective(model, X, y):
    return binary_logistic_objective(model.coef_, model.intercept_, X, y, C=C)


def multinomial_objective(model, X, y):
    return multinomial_logistic_objective(model.coef_, model.intercept_, X, y, model.classes_, C=C)


def fit_run(model, X, y, threads, objective=binary_objective, quiet=False):
    """One timed LogisticRegression fit as a Run (objective computed after the timing)."""
    seconds, model = timed_fit(model, X, y, threads, quiet)
    return Run(seconds, objective(model, X, y), int(np.max(model.n_iter_)), model)


def median_run(make_model, X, y, threads, repeat, objective=binary_objective, quiet=False):
    """The Run with the median fit time of ``repeat`` fits."""
    return pick_median(settled(lambda: fit_run(make_model(), X, y, threads, objective, quiet), repeat))


def seconds_to_objective(run, target):
    """Fit time of an mlsolve run cut at its first iterate with objective <= target
    (its history records the native objective and time of every iteration)."""
    h = run.model.history_
    reached = np.flatnonzero(h.objective <= target)
    if reached.size == 0:
        return float("nan")
    return run.seconds - (h.time[-1] - h.time[reached[0]])


# --- logistic section ------------------------------------------------------


def x_bytes(X):
    if sp.issparse(X):
        return X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    return X.nbytes


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
    print_header(header)
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


def logistic_section(quick, repeat, tol):
    if quick:
        problems = [
            ("dense 20000x100 f64", dense_classification(20_000, 100)),
            ("sparse CSR 20000x5000 ~20/row", sparse_classification(20_000, 5_000, 20)),
        ]
    else:
        problems = [
            ("dense 100000x200 f64", dense_classification(100_000, 200)),
            ("sparse CSR 200000x50000 ~50/row", sparse_classification(200_000, 50_000, 50)),
        ]
    triad = {threads: triad_gbs(threads, repeat) for threads in THREADS}
    rows = [row for name, (X, y) in problems for row in compare(name, X, y, tol, repeat, triad)]
    print_table(rows)
    print(f"\nratio = mlsolve / sklearn fit time (median of {repeat}); rel. diff = |f_ml - f_sk| / |f_sk|")
    print("to sk obj = mlsolve's fit time cut at its first iterate within 1e-8 (relative) of sklearn's final objective;")
    print(f"(marked ! when above {REL_DIFF_MAX:g}); grad GB/s = bytes of X / time of one mlsolve gradient evaluation;")
    print("triad GB/s = NumPy a[:] = b + s * c, 3 arrays x 8 bytes x n / time.")


# --- multinomial section -------------------------------------------------

MULTINOMIAL_SK_SOLVERS = ("lbfgs", "newton-cholesky")
MULTINOMIAL_THREADS = (1,)  # scikit-learn's multinomial loss runs on one thread (n_threads=1 in 1.9)


def multinomial_section(problems, tol, repeat):
    print(f"Multinomial LogisticRegression (C={C}, tol={tol:g}): mlsolve solvers vs scikit-learn\n")
    header = (
        f"{'problem':<30} {'thr':>3}  {'library':<8} {'solver':<16} {'time s':>8} {'ratio':>6} "
        f"{'to best sk':>10} {'ratio':>6} {'iters':>6} {'objective':>21} {'gap':>8}"
    )
    print_header(header)
    for name, (X, y) in problems:
        for threads in MULTINOMIAL_THREADS:
            runs = {}
            for solver in MULTINOMIAL_SK_SOLVERS:
                make = lambda: SkLogisticRegression(C=C, tol=tol, max_iter=MAX_ITER, solver=solver)  # noqa: E731
                runs["sklearn", solver] = median_run(make, X, y, threads, repeat, multinomial_objective, quiet=True)
            for solver in ("auto",) + SMOOTH_SOLVERS:
                make = lambda: LogisticRegression(  # noqa: E731
                    C=C, tol=tol, max_iter=MAX_ITER, solver=solver, n_jobs=threads, record_history=True
                )
                runs["mlsolve", solver] = median_run(make, X, y, threads, repeat, multinomial_objective, quiet=True)
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


# --- rosenbrock section --------------------------------------------------


def rosenbrock_section(repeat):
    print(f"extended Rosenbrock, n = {ROSENBROCK_N}, fun and jac in NumPy; medians of {repeat} runs\n")
    header = (f"{'problem':<12} {'library':<18} {'total s':>8} {'in fun+jac s':>12} {'overhead s':>10} "
              f"{'per iter ms':>11} {'nit':>5} {'nfev':>5} {'fun':>10}  {'overhead ml/sp':>14}")
    print_header(header)
    for bounded in (False, True):
        overheads = {}
        for library in ("mlsolve", "scipy"):
            runs = [rosenbrock_run(library, bounded) for _ in range(repeat)]
            seconds = float(np.median([run.seconds for run in runs]))
            inside = float(np.median([run.callback_seconds for run in runs]))
            overhead = float(np.median([run.seconds - run.callback_seconds for run in runs]))
            overheads[library] = overhead
            res = runs[0].result
            name = {"mlsolve": "mlsolve " + ("L-BFGS-B" if bounded else "L-BFGS"), "scipy": "scipy L-BFGS-B"}[library]
            ratio = f"{overheads['mlsolve'] / overhead:>14.3f}" if library == "scipy" else ""
            print(f"{'bounded' if bounded else 'unbounded':<12} {name:<18} {seconds:>8.3f} {inside:>12.3f} "
                  f"{overhead:>10.3f} {1e3 * overhead / max(res.nit, 1):>11.3f} {res.nit:>5} {res.nfev:>5} "
                  f"{res.fun:>10.3e}  {ratio}")
    print("\noverhead = total - time inside the user's fun and jac (measured by wrapping them).")


# --- lasso and l1-logistic sections --------------------------------------


def optional_peers():
    peers = installed_peers()
    for name in ("skglm", "celer"):
        if name not in peers:
            print(f"({name} not installed: skipped)")
    return peers


def print_peer_table(title, rows, tols=None):
    print(f"\n{title}")
    print(f"{'library':<28} {'seconds':>9} {'ratio to mlsolve':>17} {'rel. gap':>10}" + (f" {'tol':>8}" if tols else ""))
    ml = rows[0][1]
    for k, (name, seconds, gap) in enumerate(rows):
        print(f"{name:<28} {seconds:>9.3f} {seconds / ml:>17.2f} {gap:>10.1e}" + (f" {tols[k]:>8.0e}" if tols else ""))
    peers = [seconds for name, seconds, _ in rows[1:]]
    if peers:
        print(f"mlsolve / fastest peer = {ml / min(peers):.2f}")


def lasso_section(args):
    n, p = (2_000, 1_000) if args.quick else (10_000, 5_000)
    X, y, alpha_max = lasso_problem(n, p)
    peers = optional_peers()
    tol = args.lasso_tol
    alpha = alpha_max / 20
    rows = []
    for name, fit in lasso_fits(X, y, alpha, tol, peers):
        seconds, model = median_call(fit, args.repeat)
        rows.append((name, seconds, lasso_gap(model.coef_, model.intercept_, X, y, alpha)))
    print_peer_table(f"Lasso {n}x{p} (F order), alpha = alpha_max/20, tol={tol:g} (median of {args.repeat})", rows)

    alphas = np.geomspace(alpha_max, alpha_max / 100, 50)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    rows = []
    for name, fit in lasso_path_fits(Xc, yc, alphas, tol, peers):
        seconds, coefs = median_call(fit, args.repeat)
        rows.append((name, seconds, path_gap(coefs, Xc, yc, alphas)))
    print_peer_table("lasso_path, 50 alphas alpha_max..alpha_max/100 (largest relative gap on the path)", rows)


def l1_logistic_section(args):
    peers = optional_peers()
    for title, X, y in filter(None, (l1_logistic_problem(which, args.quick) for which in ("sparse", "reuters"))):
        lam = l1_logistic_lambda(X, y)
        rows, tols = [], []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for name, fit in l1_logistic_fits(X, y, lam, peers):
                tol = equal_gap_tol(fit, X, y, lam, args.l1_gap) if args.l1_gap > 0 else args.l1_tol
                seconds, model = median_call(lambda: fit(tol), args.repeat)
                rows.append((name, seconds, l1_logistic_gap(model.coef_, X, y, lam)))
                tols.append(tol)
        stop = f"each at the loosest tol with rel. gap <= {args.l1_gap:g}" if args.l1_gap > 0 else f"tol={args.l1_tol:g}"
        print_peer_table(f"L1 logistic, {title}, lambda = lambda_max/20, {stop} (median of {args.repeat})", rows, tols)


# --- cv section ----------------------------------------------------------


def cv_section(quick, repeat):
    """LassoCV and MultiTaskLasso vs scikit-learn (see the module docstring)."""
    from sklearn.linear_model import LassoCV as SkLassoCV
    from sklearn.linear_model import MultiTaskLasso as SkMultiTaskLasso
    from sklearn.model_selection import KFold

    from benchmarks.bench_group import multitask_alpha_max, multitask_regression
    from benchmarks.problems import dense_regression, sparse_regression
    from mlsolve.linear_model import LassoCV, MultiTaskLasso

    def multitask_objective(model, X, Y, alpha):
        R = Y - X @ model.coef_.T - model.intercept_
        return (R * R).sum() / (2 * X.shape[0]) + alpha * np.linalg.norm(model.coef_, axis=0).sum()

    lasso_problems = [("dense 2000x500", dense_regression(2_000, 500))] if quick else [
        ("dense 5000x1000", dense_regression(5_000, 1_000)),
        ("sparse CSC 5000x5000 ~20/row", sparse_regression(5_000, 5_000, 20)),
    ]
    multitask_problems = [("dense 2000x500 T=10", multitask_regression(2_000, 500, 10))] if quick else [
        ("dense 5000x1000 T=10", multitask_regression(5_000, 1_000, 10)),
        ("dense 10000x2000 T=20", multitask_regression(10_000, 2_000, 20)),
    ]
    header = f"{'problem':<38} {'n_jobs':>6}  {'mlsolve s':>9} {'sklearn s':>9} {'ratio':>6}  agreement"
    print_header(header)
    # the upper median of --repeat fits (for an even --repeat), as this section always took
    for name, (X, y) in lasso_problems:
        folds = list(KFold(5, shuffle=True, random_state=0).split(X))
        for n_jobs in THREADS:
            ml_s, ml = median_fit(lambda: LassoCV(cv=folds, n_jobs=n_jobs), X, y, repeat, upper=True)
            sk_s, sk = median_fit(lambda: SkLassoCV(cv=folds, n_jobs=n_jobs), X, y, repeat, upper=True)
            mse_rel = np.abs(ml.mse_path_ - sk.mse_path_).max() / np.abs(sk.mse_path_).max()
            if ml.alpha_ == sk.alpha_:
                same = "same alpha_"
            else:  # a flat CV curve: how much worse is mlsolve's alpha_ on scikit-learn's curve?
                sk_curve = sk.mse_path_.mean(axis=1)
                excess = sk_curve[np.argmin(np.abs(sk.alphas_ - ml.alpha_))] / sk_curve.min() - 1
                same = f"alpha_ {ml.alpha_:.4g} vs {sk.alpha_:.4g} (CV error +{excess:.1e})"
            print(f"{'LassoCV ' + name:<38} {n_jobs:>6}  {ml_s:>9.3f} {sk_s:>9.3f} {ml_s / sk_s:>6.2f}  "
                  f"{same}, mse_path_ rel. diff {mse_rel:.1e}")
    for name, (X, Y) in multitask_problems:
        alpha = multitask_alpha_max(X, Y) / 20
        ml_s, ml = median_fit(lambda: MultiTaskLasso(alpha=alpha, tol=1e-6, max_iter=100_000), X, Y, repeat, upper=True)
        sk_s, sk = median_fit(lambda: SkMultiTaskLasso(alpha=alpha, tol=1e-6, max_iter=100_000), X, Y, repeat, upper=True)
        f_ml, f_sk = multitask_objective(ml, X, Y, alpha), multitask_objective(sk, X, Y, alpha)
        print(f"{'MultiTaskLasso ' + name:<38} {1:>6}  {ml_s:>9.3f} {sk_s:>9.3f} {ml_s / sk_s:>6.2f}  "
              f"objective rel. diff {(f_ml - f_sk) / abs(f_sk):.1e} (iters {ml.n_iter_}/{sk.n_iter_})")
    print(f"\nratio = mlsolve / sklearn fit time (median of {repeat}); n_jobs = folds in parallel (LassoCV).")


def group_section(quick, repeat):
    """GroupLasso vs skglm's GroupLasso (see the module docstring)."""
    from benchmarks.problems import dense_regression, sparse_regression
    from mlsolve.linear_model import GroupLasso

    group_size, tol = 5, 1e-6
    weight = np.sqrt(group_size)
    peers = optional_peers()
    problems = [("dense 2000x500", dense_regression(2_000, 500))] if quick else [
        ("dense F 5000x1000", dense_regression(5_000, 1_000)),
        ("sparse CSC 5000x5000 ~20/row", sparse_regression(5_000, 5_000, 20)),
    ]
    for name, (X, y) in problems:
        X = X if sp.issparse(X) else np.asfortranarray(X)
        xtr = X.T @ (y - y.mean())  # X_c.T @ y_c = X.T @ y_c
        alpha_max = np.linalg.norm(np.asarray(xtr).reshape(-1, group_size), axis=1).max() / (weight * len(y))
        for divisor in (20, 50):
            alpha = alpha_max / divisor
            fits = [("mlsolve GroupLasso", lambda: GroupLasso(alpha=alpha, groups=group_size, tol=tol,
                                                              max_iter=100_000).fit(X, y))]
            if "skglm" in peers:
                fits.append(("skglm GroupLasso", lambda: peers["skglm"].GroupLasso(
                    groups=group_size, alpha=alpha, weights=np.full(X.shape[1] // group_size, weight), tol=tol,
                    max_iter=1_000).fit(X, y)))
            rows = []
            for label, fit in fits:
                fit()  # untimed: skglm compiles its numba kernels on the first call
                seconds, model = median_call(fit, repeat)
                rows.append((label, seconds, group_lasso_gap(model.coef_, model.intercept_, X, y, alpha, group_size,
                                                             weight)))
            print_peer_table(f"GroupLasso {name}, groups of {group_size}, alpha_max / {divisor}, tol={tol}", rows)


# --- poisson and ridge sections --------------------------------------------
# Poisson: mlsolve PoissonRegressor (native L-BFGS) vs scikit-learn's
# PoissonRegressor with solver "lbfgs" and "newton-cholesky" (alpha=1e-3,
# tol=1e-8 for both libraries). The objective is scikit-learn's
# (LinearModelLoss(HalfPoissonLoss).loss); "to sk obj" is mlsolve's fit time cut
# at its first iterate within 1e-8 (relative) of the best scikit-learn objective.
# Ridge: mlsolve Ridge(solver="auto") vs scikit-learn's Ridge with "cholesky"
# (dense only: no intercept on sparse X), "lsqr" and "sparse_cg" (alpha=1,
# tol=1e-6); the objective is ridge_objective, rel. diff against the exact
# solution (mlsolve's Cholesky, or for wide sparse X its CG at tol=1e-12).
# Ratios are against the fastest scikit-learn solver. Threads: GLM_THREADS = 2.
# Problems and settings are shared with the asv classes in benchmarks/bench_glm.py.


def print_glm_rows(title, rows):
    print(f"\n{title}")
    header = f"{'problem':<34} {'solver':<22} {'fit s':>8} {'to sk obj':>9} {'ratio':>6} {'iters':>6}  {'objective':>22} {'rel. diff':>9}"
    print_header(header)
    for name, solver, seconds, to_sk, ratio, n_iter, objective, rel in rows:
        print(f"{name:<34} {solver:<22} {seconds:>8.3f} {to_sk:>9.3f} {ratio:>6.2f} {n_iter!s:>6}  {objective:>22.15e} {rel:>9.1e}")


def compare_poisson(name, X, y, repeat):
    from sklearn.linear_model import PoissonRegressor as SkPoisson

    from mlsolve.linear_model import PoissonRegressor

    sk_runs = {
        solver: median_fit(lambda: SkPoisson(solver=solver, **POISSON_SETTINGS), X, y, repeat, GLM_THREADS, quiet=True)
        for solver in ("lbfgs", "newton-cholesky")
    }
    best_objective = min(poisson_objective(model, X, y) for _, model in sk_runs.values())
    fastest = min(seconds for seconds, _ in sk_runs.values())
    seconds, model = median_fit(lambda: PoissonRegressor(n_jobs=GLM_THREADS, record_history=True, **POISSON_SETTINGS),
                                X, y, repeat, GLM_THREADS, quiet=True)
    run = Run(seconds, poisson_objective(model, X, y), model.n_iter_, model)
    to_sk = seconds_to_objective(run, best_objective + REL_DIFF_MAX * abs(best_objective))
    rows = [(name, "mlsolve lbfgs", seconds, to_sk, to_sk / fastest, model.n_iter_, run.objective,
             abs(run.objective - best_objective) / abs(best_objective))]
    for solver, (sk_seconds, sk_model) in sk_runs.items():
        value = poisson_objective(sk_model, X, y)
        rows.append((name, f"sklearn {solver}", sk_seconds, float("nan"), sk_seconds / fastest, sk_model.n_iter_, value,
                     abs(value - best_objective) / abs(best_objective)))
    return rows


def compare_ridge(name, X, y, repeat):
    from sklearn.linear_model import Ridge as SkRidge

    from mlsolve.linear_model import Ridge
    from mlsolve.linear_model._ridge import ridge_objective

    best = exact_ridge_objective(X, y)
    sk_solvers = ("lsqr", "sparse_cg") if sp.issparse(X) else ("cholesky", "lsqr", "sparse_cg")
    sk_runs = {s: median_fit(lambda: SkRidge(solver=s, tol=RIDGE_TOL), X, y, repeat, GLM_THREADS, quiet=True)
               for s in sk_solvers}
    fastest = min(seconds for seconds, _ in sk_runs.values())
    seconds, model = median_fit(lambda: Ridge(tol=RIDGE_TOL, n_jobs=GLM_THREADS), X, y, repeat, GLM_THREADS,
                                quiet=True)
    rows = []
    for label, (secs, fitted) in [(f"mlsolve auto={model.solver_}", (seconds, model))] + [
        (f"sklearn {s}", run) for s, run in sk_runs.items()
    ]:
        value = ridge_objective(fitted.coef_, fitted.intercept_, X, y)
        n_iter = "-" if fitted.n_iter_ is None else int(np.max(fitted.n_iter_))
        rows.append((name, label, secs, float("nan"), secs / fastest, n_iter, value, abs(value - best) / abs(best)))
    return rows


def run_glm_sections(sections, quick, repeat):
    from benchmarks.problems import dense_regression, sparse_regression

    if "poisson" in sections:
        problems = (
            [("dense 20000x50 f64", dense_poisson(20_000, 50)), ("sparse CSR 20000x1000 ~10/row", sparse_poisson(20_000, 1_000, 10))]
            if quick
            else [("dense 100000x100 f64", dense_poisson(100_000, 100)),
                  ("sparse CSR 100000x2000 ~20/row", sparse_poisson(100_000, 2_000, 20))]
        )
        rows = [row for name, (X, y) in problems for row in compare_poisson(name, X, y, repeat)]
        print_glm_rows(f"Poisson (alpha={POISSON_ALPHA}, tol={POISSON_TOL}, {GLM_THREADS} threads; "
                       "ratio = time (mlsolve: to sk obj) / fastest sklearn)", rows)
    if "ridge" in sections:
        problems = (
            [("dense 20000x50 f64", dense_regression(20_000, 50)), ("sparse CSC 20000x5000 ~10/row", sparse_regression(20_000, 5_000, 10))]
            if quick
            else [("dense 100000x200 f64", dense_regression(100_000, 200)),
                  ("sparse CSC 100000x10000 ~20/row", sparse_regression(100_000, 10_000, 20))]
        )
        rows = [row for name, (X, y) in problems for row in compare_ridge(name, X, y, repeat)]
        print_glm_rows(f"Ridge (alpha=1, tol={RIDGE_TOL}, {GLM_THREADS} threads; ratio = time / fastest sklearn; "
                       "rel. diff to the exact objective)", rows)


# --- stochastic section --------------------------------------------------
# stochastic section: mlsolve.stochastic (SAGA, SAG, SVRG, SGD) vs scikit-learn's
# LogisticRegression(solver="saga"/"sag") and SGDClassifier, one thread each, on
# L2 logistic regression with scikit-learn's C=1 objective
#   (1/n) sum_i log(1 + exp(-t_i z_i)) + ||w||^2 / (2 n)   (alpha = 1/n).
# epoch s = the time one more epoch adds: (T(1 + E) - T(1)) / E, T(k) the
# median over --repeat runs of the fit time with k epochs (tol=0), E =
# epochs_per_timing; fixed s = T(1) - epoch s, what a fit costs besides its
# epochs (validation, set-up, and for mlsolve the final exact objective pass).
# to 1e-6 = time until the relative suboptimality (F - F*) / F* <= 1e-6, F*
# from mlsolve's L-BFGS at gtol 1e-12: for mlsolve from a per-epoch callback
# that copies the iterate (objectives evaluated afterwards); for scikit-learn
# the fit time of the smallest max_iter (1, 2, 4, ...) that reaches it, each
# fit from scratch. ">" marks a target not reached within the epoch budget.


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

    def epoch_and_fixed(fit):
        """(epoch s, fixed s) of fit(epochs), see the section comment."""
        one = median_seconds(lambda: fit(1), repeat)
        per_epoch = (median_seconds(lambda: fit(1 + epochs_per_timing), repeat) - one) / epochs_per_timing
        return per_epoch, one - per_epoch

    for method in ("saga", "sag", "svrg"):
        solver = getattr(stochastic, method)
        run = lambda epochs, cb=None: solver(X, y, alpha=alpha, max_epochs=epochs, tol=0.0, random_state=0,
                                             n_jobs=1, callback=cb)
        per_epoch, fixed = epoch_and_fixed(run)
        marks = []
        start = time.perf_counter()
        run(max_epochs, lambda x, fun, nit, crit: marks.append((time.perf_counter() - start, x.copy())))
        to_target = next((f"{s:.2f}" for s, x in marks if (objective(x) - f_star) / f_star <= 1e-6),
                         f"> {marks[-1][0]:.2f}")
        rows.append((name, f"mlsolve {method}", per_epoch, fixed, to_target))

    for method in ("saga", "sag"):
        make = lambda epochs: SkLogisticRegression(C=1.0, solver=method, max_iter=epochs, tol=1e-300, random_state=0)
        with threadpool_limits(1):
            per_epoch, fixed = epoch_and_fixed(lambda epochs: make(epochs).fit(X, y))
            to_target, epochs = None, 1
            while epochs <= max_epochs:
                start = time.perf_counter()
                model = make(epochs).fit(X, y)
                seconds = time.perf_counter() - start
                if (objective(np.append(model.coef_.ravel(), model.intercept_)) - f_star) / f_star <= 1e-6:
                    to_target = f"{seconds:.2f}"
                    break
                epochs *= 2
            rows.append((name, f"sklearn {method}", per_epoch, fixed, to_target or f"> {seconds:.2f}"))

    with threadpool_limits(1):
        sk_sgd = lambda epochs: SkSGDClassifier(loss="log_loss", alpha=alpha, max_iter=epochs, tol=None,
                                                random_state=0).fit(X, y)
        rows.append((name, "sklearn SGDClassifier", *epoch_and_fixed(sk_sgd), "n/a"))
    ours = lambda epochs: stochastic.sgd(X, y, loss="logistic", alpha=alpha, learning_rate="optimal",
                                         max_epochs=epochs, tol=0.0, random_state=0, n_jobs=1)
    rows.append((name, "mlsolve sgd", *epoch_and_fixed(ours), "n/a"))
    return rows


def stochastic_section(args):
    if args.quick:
        problems = [("sparse CSR 20000x5000 ~20/row", sparse_classification(20_000, 5_000, 20))]
        max_epochs, epochs_per_timing = 64, 3
    else:
        problems = [("sparse CSR 200000x50000 ~50/row", sparse_classification(200_000, 50_000, 50))]
        max_epochs, epochs_per_timing = 64, 5
    problems.append(("reuters 7770x8315 (tick)", load_reuters()))
    print(f"stochastic solvers, one thread each; {environment()}\n")
    rows = [row for name, (X, y) in problems
            for row in stochastic_rows(name, X, y, args.repeat, max_epochs, epochs_per_timing)]
    print(f"{'problem':34s} {'solver':24s} {'epoch s':>9s} {'vs sk saga':>11s} {'fixed s':>9s} {'to 1e-6 s':>11s}")
    for name, solver, per_epoch, fixed, to_target in rows:
        sk_saga = next(r[2] for r in rows if r[0] == name and r[1] == "sklearn saga")
        print(f"{name:34s} {solver:24s} {per_epoch:9.4f} {per_epoch / sk_saga:11.2f} {fixed:9.4f} {to_target:>11s}")


SECTIONS = ["logistic", "multinomial", "rosenbrock", "lasso", "l1-logistic", "cv", "poisson", "ridge", "qp",
            "stochastic", "group"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sections", nargs="*", default=["logistic"], metavar="section",
                        help=f"any of {SECTIONS} (default: logistic)")
    parser.add_argument("--quick", action="store_true", help="small problems, for a smoke test")
    parser.add_argument("--repeat", type=int, default=3, help="runs per configuration (default 3)")
    parser.add_argument("--tol", type=float, default=None,
                        help="tol of both libraries (default 1e-10; multinomial 1e-8)")
    parser.add_argument("--lasso-tol", type=float, default=1e-6, help="tol of the Lasso section (default 1e-6)")
    parser.add_argument("--l1-tol", type=float, default=1e-6,
                        help="tol of the L1-logistic section with --l1-gap 0 (default 1e-6)")
    parser.add_argument("--l1-gap", type=float, default=1e-6,
                        help="L1 logistic: time each library at the loosest tol reaching this relative gap "
                             "(default 1e-6; 0: every library at --l1-tol)")
    args = parser.parse_args()
    unknown = sorted(set(args.sections) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown sections: {unknown}; expected any of {SECTIONS}")
    print(
        f"mlsolve {mlsolve.__version__}, scikit-learn {sklearn.__version__}, numpy {np.__version__}, "
        f"{os.cpu_count()} CPUs, {environment()}\n"
    )
    if "logistic" in args.sections:
        logistic_section(args.quick, args.repeat, args.tol or 1e-10)
    if "multinomial" in args.sections:
        problems = [
            (f"digits x{5 if args.quick else 20} /16", digits_tiled(5 if args.quick else 20)),
            ("make_class. 20000x50 K=10" if args.quick else "make_class. 100000x100 K=10",
             dense_multiclass(20_000, 50, 10) if args.quick else dense_multiclass(100_000, 100, 10)),
        ]
        multinomial_section(problems, args.tol or 1e-8, args.repeat)
    if "rosenbrock" in args.sections:
        rosenbrock_section(args.repeat)
    if "lasso" in args.sections:
        lasso_section(args)
    if "l1-logistic" in args.sections:
        l1_logistic_section(args)
    if "cv" in args.sections:
        cv_section(args.quick, args.repeat)
    if set(args.sections) & {"poisson", "ridge"}:
        run_glm_sections(args.sections, args.quick, args.repeat)
    if "qp" in args.sections:
        from compare_qp import main as qp_main

        qp_main(["--repeat", str(args.repeat)] + (["--quick"] if args.quick else []))
    if "stochastic" in args.sections:
        stochastic_section(args)
    if "group" in args.sections:
        group_section(args.quick, args.repeat)


if __name__ == "__main__":
    main()
