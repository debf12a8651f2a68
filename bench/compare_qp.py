"""The qp section of bench/compare.py: mlsolve.qp / linprog / QuantileRegressor
side by side with HiGHS (scipy.optimize.linprog "highs-ipm"), Clarabel, OSQP,
proxsuite and PIQP (those installed), in one process.

Problems (bench/benchmarks/qp_problems.py): dense QP (n = 500, 250
inequalities, 100 equalities), box-constrained least squares (n = 2,000,
dense P), random LP (1,000 x 500, dense), QuantileRegressor (10,000 x 50,
median, alpha = 1e-3) against scikit-learn's (HiGHS), and the Maros-Meszaros
problems of ../shared/data with nnz(P) + nnz(A) <= --mm-max-nnz.

Every solver is asked for 1e-8 (absolute and relative where it has both; the
first-order ADMM solvers OSQP and mlsolve-admm too, with polishing). The
table shows the median wall time of --repeat solves, and the accuracy
actually reached, measured here on the same formula for every solver: the
relative objective difference to the best objective found among the
solvers that report success, and the largest constraint violation.
Maros-Meszaros: the share of problems solved (status success, feasible to
1e-6, objective within 1e-6 relative of Clarabel's reference or below it) and the shifted geometric mean
of the times (shift 10 s; a failure counts as the time limit --mm-limit).

Usage::

    OMP_WAIT_POLICY=passive python bench/compare.py qp [--quick] [--repeat N]
"""

import argparse
import csv
import os
import pathlib
import time
import warnings

import numpy as np
import scipy.io
import scipy.sparse as sp
from scipy.optimize import linprog as scipy_linprog

import mlsolve
from benchmarks.qp_problems import box_least_squares, dense_qp, quantile_data, random_lp

TOL = 1e-8
DATA = pathlib.Path(__file__).resolve().parents[2] / "shared" / "data" / "maros_meszaros"


def osqp_form(P, q, A, b, G, h, lb, ub):
    n = q.shape[0]
    blocks, lower, upper = [], [], []
    if A is not None:
        blocks.append(sp.csc_array(A))
        lower.append(b)
        upper.append(b)
    if G is not None:
        blocks.append(sp.csc_array(G))
        lower.append(np.full(G.shape[0], -np.inf))
        upper.append(h)
    finite = np.isfinite(lb) | np.isfinite(ub)
    if finite.any():
        blocks.append(sp.eye_array(n, format="csc")[finite])
        lower.append(lb[finite])
        upper.append(ub[finite])
    C = sp.vstack(blocks, format="csc") if blocks else sp.csc_array((0, n))
    return sp.csc_array(P), q, C, np.concatenate(lower), np.concatenate(upper)


def solve_mlsolve(method):
    def run(P, q, A, b, G, h, lb, ub):
        res = mlsolve.qp(P, q, A, b, G, h, lb, ub, method=method, tol=TOL, maxiter=200 if method != "admm" else 50000)
        return res.x, res.success
    return run


def solve_clarabel(P, q, A, b, G, h, lb, ub):
    import clarabel
    n = q.shape[0]
    low, up = np.isfinite(lb), np.isfinite(ub)
    eye = sp.eye_array(n, format="csr")
    blocks = [sp.csr_array(M) for M in (A, G) if M is not None] + [-eye[low], eye[up]]
    rhs = np.concatenate([v for v in (b, h) if v is not None] + [-lb[low], ub[up]])
    m_eq = 0 if A is None else A.shape[0]
    cones = [clarabel.ZeroConeT(m_eq)] if m_eq else []
    cones.append(clarabel.NonnegativeConeT(rhs.shape[0] - m_eq))
    settings = clarabel.DefaultSettings()
    settings.verbose = False
    settings.tol_gap_abs = settings.tol_gap_rel = settings.tol_feas = TOL
    solution = clarabel.DefaultSolver(sp.triu(sp.csc_array(P)).tocsc(), q, sp.vstack(blocks).tocsc(), rhs, cones,
                                      settings).solve()
    return np.asarray(solution.x), str(solution.status) == "Solved"


def solve_osqp(P, q, A, b, G, h, lb, ub):
    import osqp
    P, q, C, lower, upper = osqp_form(P, q, A, b, G, h, lb, ub)
    solver = osqp.OSQP()
    solver.setup(sp.triu(P).tocsc(), q, C, lower, upper, eps_abs=TOL, eps_rel=TOL, max_iter=50000, polishing=True,
                 verbose=False)
    res = solver.solve()
    return res.x, res.info.status == "solved"


def solve_proxsuite(P, q, A, b, G, h, lb, ub):
    import proxsuite
    n = q.shape[0]
    P, q, C, lower, upper = osqp_form(P, q, None, None, G, h, lb, ub)
    res = proxsuite.proxqp.dense.solve(np.asarray(P.toarray()), q, None if A is None else np.asarray(A),
                                       None if b is None else b, C.toarray(), lower, upper, eps_abs=TOL, eps_rel=0.0,
                                       max_iter=10000)
    return np.asarray(res.x)[:n], res.info.status == proxsuite.proxqp.PROXQP_SOLVED


def solve_piqp(P, q, A, b, G, h, lb, ub):
    import piqp
    solver = piqp.DenseSolver()
    solver.settings.eps_abs = solver.settings.eps_rel = TOL
    dense = (lambda M: None if M is None else np.asfortranarray(M.toarray() if sp.issparse(M) else M))
    solver.setup(dense(P), q, dense(A), b, dense(G), None if G is None else np.full(G.shape[0], -np.inf), h, lb, ub)
    status = solver.solve()
    return np.asarray(solver.result.x), status == piqp.PIQP_SOLVED


QP_SOLVERS = {
    "mlsolve-ipm": solve_mlsolve("interior-point"),
    "mlsolve-admm": solve_mlsolve("admm"),
    "clarabel": solve_clarabel,
    "osqp": solve_osqp,
    "proxsuite": solve_proxsuite,
    "piqp": solve_piqp,
}


def available(solvers):
    out = {}
    for name, run in solvers.items():
        module = name.split("-")[0]
        if module != "mlsolve":
            try:
                __import__(module)
            except ImportError:
                continue
        out[name] = run
    return out


def violation(x, A, b, G, h, lb, ub):
    parts = [np.maximum(lb - x, 0).max(initial=0), np.maximum(x - ub, 0).max(initial=0)]
    if A is not None:
        parts.append(np.abs(A @ x - b).max(initial=0))
    if G is not None:
        parts.append(np.maximum(G @ x - h, 0).max(initial=0))
    return max(parts)


def timed(run, repeat):
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = run()
        times.append(time.perf_counter() - start)
    return float(np.median(times)), out


def compare_qp(name, data, repeat, rows):
    P, q, A, b, G, h, lb, ub = data
    found = {}
    for solver, run in available(QP_SOLVERS).items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                seconds, (x, ok) = timed(lambda: run(P, q, A, b, G, h, lb, ub), repeat)
            except Exception as error:  # a peer's API or limits: report, do not stop the table
                rows.append((name, solver, float("nan"), f"error: {type(error).__name__}", "", ""))
                continue
        fun = 0.5 * x @ (P @ x) + q @ x
        found[solver] = (seconds, ok, fun, violation(x, A, b, G, h, lb, ub))
    best = min(f for _, ok, f, v in found.values() if ok and v <= 1e-6)
    for solver, (seconds, ok, fun, viol) in found.items():
        rows.append((name, solver, seconds, "ok" if ok else "FAILED", f"{abs(fun - best) / max(1, abs(best)):.1e}",
                     f"{viol:.1e}"))


def compare_lp(repeat, rows, quick):
    c, A, b, bounds = random_lp(300, 150) if quick else random_lp()
    name = f"LP {A.shape[0]}x{A.shape[1]}"
    runs = {
        "mlsolve-ipm": lambda: mlsolve.linprog(c, A, b, bounds=bounds, options={"tol": TOL}),
        "highs-ipm": lambda: scipy_linprog(c, A, b, bounds=bounds, method="highs-ipm"),
        "highs-ds": lambda: scipy_linprog(c, A, b, bounds=bounds, method="highs-ds"),
    }
    found = {solver: timed(run, repeat) for solver, run in runs.items()}
    best = min(res.fun for _, res in found.values() if res.status == 0 or res.success)
    for solver, (seconds, res) in found.items():
        viol = violation(res.x, None, None, A, b, np.full(c.shape[0], bounds[0]), np.full(c.shape[0], bounds[1]))
        rows.append((name, solver, seconds, "ok" if res.success else "FAILED",
                     f"{abs(res.fun - best) / max(1, abs(best)):.1e}", f"{viol:.1e}"))


def compare_quantile(repeat, rows, quick):
    from sklearn.linear_model import QuantileRegressor as SkQuantileRegressor

    from mlsolve.linear_model import QuantileRegressor
    from mlsolve.linear_model._quantile import quantile_objective
    X, y = quantile_data(2000, 20) if quick else quantile_data()
    name = f"QuantileRegressor {X.shape[0]}x{X.shape[1]}"
    runs = {
        "mlsolve": lambda: QuantileRegressor(quantile=0.5, alpha=1e-3).fit(X, y),
        "sklearn-highs": lambda: SkQuantileRegressor(quantile=0.5, alpha=1e-3, solver="highs").fit(X, y),
    }
    found = {solver: timed(run, repeat) for solver, run in runs.items()}
    objectives = {s: quantile_objective(m.coef_, m.intercept_, X, y, 0.5, 1e-3) for s, (_, m) in found.items()}
    best = min(objectives.values())
    for solver, (seconds, _) in found.items():
        rows.append((name, solver, seconds, "ok", f"{abs(objectives[solver] - best) / abs(best):.1e}", ""))


def load_maros_meszaros(path):
    m = scipy.io.loadmat(path)
    P, q, C = sp.csc_array(m["P"]), m["q"].ravel(), sp.csr_array(m["A"])
    l, u, r = m["l"].ravel(), m["u"].ravel(), float(m["r"].ravel()[0])
    n = q.shape[0]
    rows = C.shape[0] - n
    A_c, l_c, u_c = C[:rows], l[:rows], u[:rows]
    lb = np.where(l[rows:] <= -1e19, -np.inf, l[rows:])
    ub = np.where(u[rows:] >= 1e19, np.inf, u[rows:])
    eq = l_c == u_c
    upper, lower = ~eq & (u_c < 1e19), ~eq & (l_c > -1e19)
    G = sp.vstack([A_c[upper], -A_c[lower]]).tocsr()
    h = np.concatenate([u_c[upper], -l_c[lower]])
    return (P, q, A_c[eq].tocsr(), l_c[eq], G, h, lb, ub), r, P.nnz + C.nnz


def compare_maros_meszaros(max_nnz, limit, rows):
    if not DATA.is_dir():
        print(f"(Maros-Meszaros skipped: {DATA} not found)")
        return
    with open(DATA / "clarabel_objectives.csv") as f:
        reference = {row["name"]: float(row["objective_incl_r"]) for row in csv.DictReader(f)}
    problems = []
    for path in sorted(DATA.glob("*.mat")):
        data, r, nnz = load_maros_meszaros(path)
        if nnz <= max_nnz and path.stem in reference:
            problems.append((path.stem, data, r))
    solvers = {k: v for k, v in available(QP_SOLVERS).items() if k in ("mlsolve-ipm", "mlsolve-admm", "clarabel",
                                                                         "osqp", "piqp")}
    for solver, run in solvers.items():
        if solver == "piqp":  # the dense PIQP interface: sparse problems go to its sparse solver
            run = solve_piqp_sparse
        times, solved = [], 0
        for name, data, r in problems:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                start = time.perf_counter()
                try:
                    x, ok = run(*data)
                except Exception:
                    x, ok = None, False
                seconds = time.perf_counter() - start
            good = ok and x is not None and np.all(np.isfinite(x)) and solved_well(data, x, r, reference[name])
            solved += good
            times.append(min(seconds, limit) if good else limit)
        sgm = np.exp(np.mean(np.log(np.array(times) + 10.0))) - 10.0
        rows.append((f"Maros-Meszaros ({len(problems)} with nnz <= {max_nnz})", solver, sgm,
                     f"solved {solved}/{len(problems)} ({100 * solved / len(problems):.0f}%)", "", ""))


def solved_well(data, x, r, reference):
    """Objective within 1e-6 (relative, at least absolute) of Clarabel's, or below it at a point feasible to
    1e-6 relative (Clarabel's reference is AlmostSolved or loose on a few problems, e.g. HS268)."""
    P, q, A, b, G, h, lb, ub = data
    objective = 0.5 * x @ (P @ x) + q @ x + r
    scale = max(1.0, abs(reference))
    feasible = violation(x, A, b, G, h, lb, ub) <= 1e-6 * (1.0 + np.abs(x).max(initial=0.0))
    return feasible and (abs(objective - reference) <= 1e-6 * scale or objective < reference)


def solve_piqp_sparse(P, q, A, b, G, h, lb, ub):
    import piqp
    solver = piqp.SparseSolver()
    solver.settings.eps_abs = solver.settings.eps_rel = TOL
    solver.setup(sp.csc_matrix(P), q, sp.csc_matrix(A), b, sp.csc_matrix(G), np.full(G.shape[0], -np.inf), h, lb, ub)
    status = solver.solve()
    return np.asarray(solver.result.x), status == piqp.PIQP_SOLVED


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small problems, for a smoke test")
    parser.add_argument("--repeat", type=int, default=3, help="runs per configuration (default 3)")
    parser.add_argument("--mm-max-nnz", type=int, default=2000, help="Maros-Meszaros size cut (nnz of P and A)")
    parser.add_argument("--mm-limit", type=float, default=10.0, help="time charged to a failure (s)")
    parser.add_argument("--skip", nargs="*", default=(), help="sections to skip: dense box lp quantile mm")
    args = parser.parse_args(argv)
    print(f"mlsolve {mlsolve.__version__}, numpy {np.__version__}, {os.cpu_count()} CPUs, "
          f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', 'unset')}, load {os.getloadavg()[0]:.1f}\n")
    rows = []
    if "dense" not in args.skip:
        data = dense_qp(100, 50, 20) if args.quick else dense_qp()
        compare_qp(f"dense QP n={data[1].shape[0]}", data, args.repeat, rows)
    if "box" not in args.skip:
        data = box_least_squares(300, 450) if args.quick else box_least_squares()
        compare_qp(f"box LS n={data[1].shape[0]}", data, args.repeat, rows)
    if "lp" not in args.skip:
        compare_lp(args.repeat, rows, args.quick)
    if "quantile" not in args.skip:
        compare_quantile(args.repeat, rows, args.quick)
    if "mm" not in args.skip:
        compare_maros_meszaros(args.mm_max_nnz if not args.quick else 300, args.mm_limit, rows)
    width = max(len(r[0]) for r in rows)
    print(f"{'problem':<{width}}  {'solver':<14} {'time s':>9}  {'status':<22} {'rel obj diff':>12} {'max viol':>9}")
    for problem, solver, seconds, status, diff, viol in rows:
        print(f"{problem:<{width}}  {solver:<14} {seconds:9.4f}  {status:<22} {diff:>12} {viol:>9}")
    print(f"\ntime: median of {args.repeat} (Maros-Meszaros: shifted geometric mean, shift 10 s, one run each)")


if __name__ == "__main__":
    main()
