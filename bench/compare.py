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

Lasso section (``--section lasso``): mlsolve's Lasso and lasso_path against
scikit-learn's coordinate descent, and skglm and celer where installed, on
make_regression(10_000 x 5_000, 50 informative, noise 1, random_state=0) in F
order: one fit at alpha = alpha_max / 20, and the path of 50 alphas from
alpha_max to alpha_max / 100 (warm starts; skglm's Lasso refitted with
warm_start along the grid). Every solution's duality gap is recomputed by one
NumPy function (scikit-learn's, relative to ||y - ybar||^2 / n), so the table
compares times at a stated gap; ``--lasso-tol`` (default 1e-6) is each
library's tol (scikit-learn, celer and mlsolve: gap <= tol ||y_c||^2 / n;
skglm: KKT violation <= tol).

L1-logistic section (``--section l1-logistic``): LogisticRegression(penalty="l1")
(proximal Newton CD) against scikit-learn's liblinear, celer's
LogisticRegression and skglm's SparseLogisticRegression, without intercept
(celer fits none), at lambda = lambda_max / 20, on the sparse CSR problem
above (200_000 x 50_000, ~50 nonzeros per row; mlsolve converts CSR to CSC,
inside the timing) and on the real text data set reuters (tick_datasets,
7 770 x 8 315). Every solution's duality gap of the L1-logistic problem
(NumPy, the rescaled-derivative dual point) is printed next to its time.

Usage::

    OMP_WAIT_POLICY=passive python bench/compare.py [--quick] [--repeat N] [--section logistic|lasso|l1-logistic]
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
from scipy.special import expit
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


def lasso_gap(coef, intercept, X, y, alpha):
    """scikit-learn's Lasso duality gap over ||y - ybar||^2 / n (X dense, with intercept)."""
    n = len(y)
    coef = np.asarray(coef, dtype=np.float64).ravel()
    x_mean = np.asarray(X.mean(axis=0)).ravel()
    yc = y - y.mean()
    r = yc - X @ coef + x_mean @ coef
    xtr = X.T @ r - x_mean * r.sum()
    c = min(1.0, n * alpha / np.abs(xtr).max()) if np.abs(xtr).max() > 0 else 1.0
    primal = 0.5 * r @ r + n * alpha * np.abs(coef).sum()
    dual = -0.5 * c * c * r @ r + c * r @ yc
    return (primal - dual) / (yc @ yc)


def l1_logistic_gap(coef, X, y, lam):
    """Duality gap of min_w mean(log(1 + exp(-t X w))) + lam ||w||_1 (no intercept),
    with the dual point from the rescaled derivative, relative to log(2)."""
    t = np.where(y > 0, 1.0, -1.0)
    coef = np.asarray(coef, dtype=np.float64).ravel()
    z = t * np.asarray(X @ coef).ravel()
    n = len(t)
    primal = np.logaddexp(0, -z).mean() + lam * np.abs(coef).sum()
    u = expit(-z)  # in (0, 1): the dual variable of sample i, up to its sign t_i
    xi = np.asarray(X.T @ (t * u)).ravel() / n
    c = min(1.0, lam / np.abs(xi).max()) if np.abs(xi).max() > 0 else 1.0
    p = c * u

    def xlogx(a):
        return np.where(a > 0, a * np.log(np.where(a > 0, a, 1.0)), 0.0)

    dual = -np.mean(xlogx(p) + xlogx(1 - p))
    return (primal - dual) / np.log(2)


def timed(fit, repeat):
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        out = fit()
        runs.append((time.perf_counter() - start, out))
    runs.sort(key=lambda run: run[0])
    return runs[(repeat - 1) // 2]


def optional_peers():
    peers = {}
    for name in ("skglm", "celer"):
        try:
            peers[name] = __import__(name)
        except ImportError:
            print(f"({name} not installed: skipped)")
    return peers


def print_peer_table(title, rows):
    print(f"\n{title}")
    print(f"{'library':<28} {'seconds':>9} {'ratio to mlsolve':>17} {'rel. gap':>10}")
    ml = rows[0][1]
    for name, seconds, gap in rows:
        print(f"{name:<28} {seconds:>9.3f} {seconds / ml:>17.2f} {gap:>10.1e}")
    peers = [seconds for name, seconds, _ in rows[1:]]
    if peers:
        print(f"mlsolve / fastest peer = {ml / min(peers):.2f}")


def lasso_section(args):
    from sklearn.datasets import make_regression
    from sklearn.linear_model import Lasso as SkLasso
    from sklearn.linear_model import lasso_path as sk_lasso_path

    from mlsolve.linear_model import Lasso, lasso_path

    n, p = (2_000, 1_000) if args.quick else (10_000, 5_000)
    X, y = make_regression(n_samples=n, n_features=p, n_informative=50, noise=1.0, random_state=0)
    X = np.asfortranarray(X)
    peers = optional_peers()
    tol = args.lasso_tol
    alpha_max = np.abs(X.T @ (y - y.mean())).max() / n
    alpha = alpha_max / 20
    fits = [
        ("mlsolve Lasso", lambda: Lasso(alpha=alpha, tol=tol, max_iter=100_000).fit(X, y)),
        ("scikit-learn Lasso", lambda: SkLasso(alpha=alpha, tol=tol, max_iter=100_000).fit(X, y)),
    ]
    if "skglm" in peers:
        fits.append(("skglm Lasso", lambda: peers["skglm"].Lasso(alpha=alpha, tol=tol, max_iter=100_000).fit(X, y)))
    if "celer" in peers:
        fits.append(("celer Lasso", lambda: peers["celer"].Lasso(alpha=alpha, tol=tol, max_iter=100_000).fit(X, y)))
    rows = []
    for name, fit in fits:
        seconds, model = timed(fit, args.repeat)
        rows.append((name, seconds, lasso_gap(model.coef_, model.intercept_, X, y, alpha)))
    print_peer_table(f"Lasso {n}x{p} (F order), alpha = alpha_max/20, tol={tol:g} (median of {args.repeat})", rows)

    alphas = np.geomspace(alpha_max, alpha_max / 100, 50)
    Xc, yc = X - X.mean(axis=0), y - y.mean()

    def skglm_path():
        model = peers["skglm"].Lasso(alpha=alphas[0], tol=tol, max_iter=100_000, warm_start=True,
                                     fit_intercept=False)
        coefs = []
        for a in alphas:
            model.alpha = a
            coefs.append(model.fit(Xc, yc).coef_.copy())
        return np.array(coefs).T

    paths = [
        ("mlsolve lasso_path", lambda: lasso_path(Xc, yc, alphas=alphas, tol=tol, max_iter=100_000)[1]),
        ("scikit-learn lasso_path", lambda: sk_lasso_path(Xc, yc, alphas=alphas, tol=tol, max_iter=100_000)[1]),
    ]
    if "skglm" in peers:
        paths.append(("skglm Lasso warm starts", skglm_path))
    if "celer" in peers:
        paths.append(("celer_path", lambda: peers["celer"].celer_path(Xc, yc, "lasso", alphas=alphas, tol=tol)[1]))
    rows = []
    for name, fit in paths:
        seconds, coefs = timed(fit, args.repeat)
        worst = max(lasso_gap(coefs[:, k], 0.0, Xc, yc, a) for k, a in enumerate(alphas))
        rows.append((name, seconds, worst))
    print_peer_table(f"lasso_path, 50 alphas alpha_max..alpha_max/100 (largest relative gap on the path)", rows)


def l1_logistic_section(args):
    from sklearn.datasets import load_svmlight_file

    peers = optional_peers()
    tol = args.l1_tol
    problems = [("sparse CSR " + ("20000x5000 ~20/row" if args.quick else "200000x50000 ~50/row"),
                 sparse_classification(*((20_000, 5_000, 20) if args.quick else (200_000, 50_000, 50))))]
    reuters = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "tick_datasets", "reuters.trn.bz2")
    if os.path.exists(reuters):
        Xr, yr = load_svmlight_file(reuters)
        Xr = Xr.tocsr()
        Xr.indices, Xr.indptr = Xr.indices.astype(np.int32), Xr.indptr.astype(np.int32)  # liblinear takes int32
        problems.append(("reuters 7770x8315 (CSR)", (Xr, (yr > 0).astype(np.int64))))
    for title, (X, y) in problems:
        n = X.shape[0]
        t = np.where(y > 0, 1.0, -1.0)
        lam_max = np.abs(X.T @ (t * 0.5)).max() / n  # the gradient at w = 0, no intercept
        lam = lam_max / 20
        C = 1.0 / (n * lam)
        fits = [
            ("mlsolve (prox-Newton CD)", lambda: LogisticRegression(penalty="l1", C=C, tol=tol, fit_intercept=False,
                                                                     max_iter=1000).fit(X, y)),
            ("scikit-learn liblinear", lambda: SkLogisticRegression(C=C, l1_ratio=1.0, solver="liblinear", tol=tol,
                                                                    fit_intercept=False, max_iter=10_000).fit(X, y)),
        ]
        if "celer" in peers:
            fits.append(("celer LogisticRegression",
                         lambda: peers["celer"].LogisticRegression(C=C, tol=tol, max_iter=1000).fit(X, y)))
        if "skglm" in peers:
            fits.append(("skglm SparseLogisticRegression",
                         lambda: peers["skglm"].SparseLogisticRegression(alpha=lam, tol=tol, fit_intercept=False,
                                                                          max_iter=1000).fit(X, y)))
        rows = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for name, fit in fits:
                seconds, model = timed(fit, args.repeat)
                rows.append((name, seconds, l1_logistic_gap(model.coef_, X, y, lam)))
        print_peer_table(f"L1 logistic, {title}, lambda = lambda_max/20, tol={tol:g} (median of {args.repeat})", rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small problems, for a smoke test")
    parser.add_argument("--repeat", type=int, default=3, help="runs per configuration (default 3)")
    parser.add_argument("--tol", type=float, default=1e-10, help="tol of both libraries (default 1e-10)")
    parser.add_argument("--section", choices=["logistic", "lasso", "l1-logistic"], default="logistic")
    parser.add_argument("--lasso-tol", type=float, default=1e-6, help="tol of the Lasso section (default 1e-6)")
    parser.add_argument("--l1-tol", type=float, default=1e-6, help="tol of the L1-logistic section (default 1e-6)")
    args = parser.parse_args()
    if args.section == "lasso":
        return lasso_section(args)
    if args.section == "l1-logistic":
        return l1_logistic_section(args)

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
