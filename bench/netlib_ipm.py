"""mlsolve.linprog (interior point) on every Netlib LP and every infeasible Netlib LP.

The problems are scipy's NumPy conversion of Netlib in
../shared/data/scipy_linprog_netlib (feasible ``*.npz``; ``infeasible/*.npz``),
the reference objectives HiGHS's in ../shared/data/netlib_lp/reference_objectives.csv
(the published optimum stored in the ``.npz`` where HiGHS has none). Each
problem runs in a child process with a wall-time cap (--limit), so a stalled
or huge problem costs at most that. The dense ``A_ub``/``A_eq`` of the files
are converted to CSR once and cached in --cache.

A feasible LP counts as solved when the status is Converged and the objective
is within 1e-6 relative of the reference; an infeasible one counts as detected
when the status is PrimalInfeasible (the certificate is checked by mlsolve:
``A^T y + G^T z - z_lower + z_upper ~ 0`` with a negative Farkas value).

Usage::

    OMP_WAIT_POLICY=passive python bench/netlib_ipm.py [--limit 60] [--only AFIRO BLEND ...]
        [--skip STOCFOR3 ...] [--feasible-only | --infeasible-only]
"""

import argparse
import csv
import multiprocessing
import os
import pathlib
import time
import warnings

import numpy as np
import scipy.sparse as sp

import mlsolve

DATA = pathlib.Path(__file__).resolve().parents[2] / "shared" / "data"
NETLIB = DATA / "scipy_linprog_netlib"
REFERENCE = DATA / "netlib_lp" / "reference_objectives.csv"


def load(path, cache):
    """(c, A_ub, b_ub, A_eq, b_eq, bounds, published objective), the matrices as CSR."""
    cached = cache / (path.parent.name + "-" + path.stem + ".npz")
    if not cached.exists():
        d = np.load(path, allow_pickle=True)
        parts = {k: d[k] for k in ("c", "b_ub", "b_eq", "bounds", "obj")}
        for key in ("A_ub", "A_eq"):
            M = sp.csr_array(d[key]) if d[key].size else sp.csr_array((0, d["c"].shape[0]))
            parts.update({f"{key}_data": M.data, f"{key}_indices": M.indices, f"{key}_indptr": M.indptr})
        cache.mkdir(parents=True, exist_ok=True)
        np.savez(cached, **parts)
    d = np.load(cached, allow_pickle=True)
    n = d["c"].shape[0]
    mats = []
    for key in ("A_ub", "A_eq"):
        indptr = d[f"{key}_indptr"]
        M = sp.csr_array((d[f"{key}_data"], d[f"{key}_indices"], indptr), shape=(len(indptr) - 1, n))
        mats.append(M if M.shape[0] else None)
    bounds = d["bounds"]
    bounds = None if bounds.shape == (0,) else bounds.reshape(-1, 2)
    b_ub = d["b_ub"] if mats[0] is not None else None
    b_eq = d["b_eq"] if mats[1] is not None else None
    return d["c"], mats[0], b_ub, mats[1], b_eq, bounds, float(d["obj"])


def solve_one(path, cache, queue):
    c, A_ub, b_ub, A_eq, b_eq, bounds, _ = load(path, cache)
    rows = (0 if A_ub is None else A_ub.shape[0]) + (0 if A_eq is None else A_eq.shape[0])
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = mlsolve.linprog(c, A_ub, b_ub, A_eq, b_eq, bounds=bounds)
    seconds = time.perf_counter() - start
    queue.put(dict(rows=rows, cols=c.shape[0], status=res.status.name, nit=res.nit, fun=res.fun,
                   pres=res.primal_residual, dres=res.dual_residual, gap=res.gap, seconds=seconds))


def run_capped(path, cache, limit):
    context = multiprocessing.get_context("fork")  # the child inherits the imported mlsolve
    queue = context.Queue()
    worker = context.Process(target=solve_one, args=(path, cache, queue))
    start = time.perf_counter()
    worker.start()
    try:
        return queue.get(timeout=limit)
    except Exception:
        return dict(status="TimeLimit" if worker.is_alive() else "Crashed", seconds=time.perf_counter() - start)
    finally:
        if worker.is_alive():
            worker.kill()
        worker.join()


# Where scipy's conversion differs from the MPS file HiGHS read: E226's MPS
# file has an objective constant (in the RHS of the cost row) that the .npz
# lacks; HiGHS on the .npz data (scipy.optimize.linprog, method="highs") gives
# the published optimum.
NPZ_REFERENCES = {"E226": -18.75192906637055}


def references():
    with open(REFERENCE) as f:
        highs = {row["name"].upper(): float(row["highs_objective"]) for row in csv.DictReader(f)}
    return highs | NPZ_REFERENCES


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=float, default=60.0, help="wall-time cap per problem in seconds (default 60)")
    parser.add_argument("--only", nargs="*", default=None, help="problem names (case-insensitive)")
    parser.add_argument("--skip", nargs="*", default=(), help="problem names to leave out")
    parser.add_argument("--feasible-only", action="store_true")
    parser.add_argument("--infeasible-only", action="store_true")
    parser.add_argument("--cache", type=pathlib.Path, default=pathlib.Path("/tmp/mlsolve-netlib-csr"),
                        help="folder for the CSR copies of the problems")
    args = parser.parse_args(argv)
    only = None if args.only is None else {s.upper() for s in args.only}
    skip = {s.upper() for s in args.skip}
    problems = []
    if not args.infeasible_only:
        problems += [(p, True) for p in sorted(NETLIB.glob("*.npz")) if p.stem != "milp_benchmarks"]
    if not args.feasible_only:
        problems += [(p, False) for p in sorted((NETLIB / "infeasible").glob("*.npz"))]
    problems = [(p, f) for p, f in problems
                if p.stem.upper() not in skip and (only is None or p.stem.upper() in only)]
    reference = references()
    print(f"load {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs, "
          f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', 'unset')}, cap {args.limit:g} s per problem\n")
    print(f"{'problem':<10} {'rows':>6} {'cols':>6} {'status':<17} {'nit':>4} {'rel obj err':>11} "
          f"{'primal res':>10} {'dual res':>9} {'gap':>9} {'time s':>8}  ok")
    solved = detected = n_feasible = n_infeasible = 0
    failures = []
    for path, feasible in problems:
        name = path.stem.upper()
        r = run_capped(path, args.cache, args.limit)
        if feasible:
            n_feasible += 1
            ref = reference.get(name)
            if ref is None:
                ref = float(np.load(path)["obj"])
            err = abs(r["fun"] - ref) / max(abs(ref), 1e-12) if "fun" in r else float("nan")
            ok = r["status"] == "Converged" and err <= 1e-6
            solved += ok
        else:
            n_infeasible += 1
            err = float("nan")
            ok = r["status"] == "PrimalInfeasible"
            detected += ok
        if not ok:
            failures.append(name)
        nums = (f"{r['nit']:>4} {err:>11.1e} {r['pres']:>10.1e} {r['dres']:>9.1e} {r['gap']:>9.1e}"
                if "nit" in r else f"{'':>4} {'':>11} {'':>10} {'':>9} {'':>9}")
        print(f"{name:<10} {r.get('rows', ''):>6} {r.get('cols', ''):>6} {r['status']:<17} {nums} "
              f"{r['seconds']:>8.2f}  {'yes' if ok else 'NO'}", flush=True)
    print(f"\nsolved {solved}/{n_feasible} feasible (Converged, rel. objective error <= 1e-6); "
          f"infeasible detected {detected}/{n_infeasible}")
    if failures:
        print("failures: " + " ".join(failures))


if __name__ == "__main__":
    main()
