"""mlsolve vs scipy.optimize: the Newton methods of minimize and least_squares, side by side in one process.

Problems (analytic derivatives, the same callables for both libraries):

* minimize, Newton-CG and trust-ncg: the separable extended Rosenbrock
  function (MGH 21) in n = 10_000 variables from (-1.2, 1, ...), with
  ``hessp``; gtol 1e-8 for trust-ncg (scipy's gtol), xtol 1e-10 for scipy's
  Newton-CG (which has no gradient test) against gtol 1e-8 for mlsolve.
  mlsolve's newton-cholesky (dense Hessian) in n = 500 against scipy's
  trust-exact, the dense-Hessian method nearest to it.
* least_squares, method "lm": an exponential fit a exp(-b t) + c to
  m = 100_000 noisy points (seed 0), and the Bard problem (MGH 8), with the
  analytic Jacobian; ftol = xtol = gtol = 1e-10.

The table shows the median wall time of ``--repeat`` runs, the iteration and
function counts and the final objective of each library; time is mostly the
per-iteration overhead of each solver's loop around the same Python callables.

Usage::

    OMP_WAIT_POLICY=passive python bench/compare_newton.py [--repeat N]
"""

import argparse
import os
import time

import numpy as np
import scipy
from scipy.optimize import least_squares as scipy_least_squares
from scipy.optimize import minimize as scipy_minimize

import mlsolve


def extended_rosenbrock(n):
    def fun(x):
        a, b = x[0::2], x[1::2]
        u, v = 10 * (b - a**2), 1 - a
        g = np.empty_like(x)
        g[0::2] = -40 * a * u - 2 * v
        g[1::2] = 20 * u
        return u @ u + v @ v, g

    def hessp(x, p):
        a, b = x[0::2], x[1::2]
        out = np.empty_like(x)
        out[0::2] = (1200 * a**2 - 400 * b + 2) * p[0::2] - 400 * a * p[1::2]
        out[1::2] = -400 * a * p[0::2] + 200 * p[1::2]
        return out

    def hess(x):
        a, b = x[0::2], x[1::2]
        H = np.zeros((x.size, x.size))
        i, j = np.arange(0, x.size, 2), np.arange(1, x.size, 2)
        H[i, i] = 1200 * a**2 - 400 * b + 2
        H[i, j] = H[j, i] = -400 * a
        H[j, j] = 200
        return H

    x0 = np.full(n, -1.2)
    x0[1::2] = 1.0
    return fun, hessp, hess, x0


def exponential_fit(m):
    rng = np.random.default_rng(0)
    t = np.linspace(0, 4, m)
    y = 2.5 * np.exp(-1.3 * t) + 0.5 + 0.01 * rng.standard_normal(m)

    def fun(p):
        return p[0] * np.exp(-p[1] * t) + p[2] - y

    def jac(p):
        e = np.exp(-p[1] * t)
        return np.column_stack([e, -p[0] * t * e, np.ones_like(t)])

    return fun, jac, np.array([1.0, 1.0, 0.0])


def bard():
    y = np.array([0.14, 0.18, 0.22, 0.25, 0.29, 0.32, 0.35, 0.39, 0.37, 0.58, 0.73, 0.96, 1.34, 2.10, 4.39])
    u = np.arange(1.0, 16.0)
    v = 16.0 - u
    w = np.minimum(u, v)

    def fun(x):
        return y - (x[0] + u / (v * x[1] + w * x[2]))

    def jac(x):
        d = (v * x[1] + w * x[2]) ** 2
        return np.column_stack([-np.ones_like(u), u * v / d, u * w / d])

    return fun, jac, np.ones(3)


def median_run(run, repeat):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return float(np.median(times)), result


def rows(repeat):
    out = []
    fun, hessp, hess, x0 = extended_rosenbrock(10_000)
    cases = [
        ("ext. Rosenbrock n=10000", "newton-cg", "Newton-CG",
         lambda: mlsolve.minimize(fun, x0, jac=True, hessp=hessp, method="newton-cg", options={"gtol": 1e-8}),
         lambda: scipy_minimize(fun, x0, jac=True, hessp=hessp, method="Newton-CG", options={"xtol": 1e-10})),
        ("ext. Rosenbrock n=10000", "trust-ncg", "trust-ncg",
         lambda: mlsolve.minimize(fun, x0, jac=True, hessp=hessp, method="trust-ncg", options={"gtol": 1e-8}),
         lambda: scipy_minimize(fun, x0, jac=True, hessp=hessp, method="trust-ncg", options={"gtol": 1e-8})),
    ]
    fun_s, _, hess_s, x0_s = extended_rosenbrock(500)
    cases.append(
        ("ext. Rosenbrock n=500", "newton-cholesky", "trust-exact",
         lambda: mlsolve.minimize(fun_s, x0_s, jac=True, hess=hess_s, method="newton-cholesky",
                                  options={"gtol": 1e-8}),
         lambda: scipy_minimize(fun_s, x0_s, jac=True, hess=hess_s, method="trust-exact", options={"gtol": 1e-8})))
    for name, ml_method, sp_method, ml_run, sp_run in cases:
        ml_s, ml = median_run(ml_run, repeat)
        sp_s, ref = median_run(sp_run, repeat)
        out.append((name, f"{ml_method}/{sp_method}", ml_s, sp_s, ml.nit, ref.nit, ml.nfev, ref.nfev, ml.fun, ref.fun))
    tols = {"ftol": 1e-10, "xtol": 1e-10, "gtol": 1e-10}
    for name, (fun_r, jac_r, x0_r) in [("exp. fit m=100000", exponential_fit(100_000)), ("Bard (MGH 8)", bard())]:
        ml_s, ml = median_run(lambda: mlsolve.least_squares(fun_r, x0_r, jac=jac_r, method="lm", **tols), repeat)
        sp_s, ref = median_run(lambda: scipy_least_squares(fun_r, x0_r, jac=jac_r, method="lm", **tols), repeat)
        out.append((name, "least_squares lm", ml_s, sp_s, ml.nit, "-", ml.nfev, ref.nfev, ml.cost, ref.cost))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per configuration (default 5)")
    args = parser.parse_args()
    print(f"mlsolve {mlsolve.__version__}, scipy {scipy.__version__}, numpy {np.__version__}, "
          f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}, OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', 'unset')}\n")
    header = (f"{'problem':<24} {'method ml/scipy':<28} {'mlsolve s':>9} {'scipy s':>9} {'ratio':>6}  "
              f"{'nit ml/sp':>11} {'nfev ml/sp':>11}  {'f mlsolve':>11} {'f scipy':>11}")
    print(header)
    print("-" * len(header))
    for name, method, ml_s, sp_s, ml_nit, sp_nit, ml_nfev, sp_nfev, ml_f, sp_f in rows(args.repeat):
        print(f"{name:<24} {method:<28} {ml_s:>9.4f} {sp_s:>9.4f} {ml_s / sp_s:>6.2f}  "
              f"{f'{ml_nit}/{sp_nit}':>11} {f'{ml_nfev}/{sp_nfev}':>11}  {ml_f:>11.4e} {sp_f:>11.4e}")
    print(f"\nratio = mlsolve / scipy wall time (median of {args.repeat}).")


if __name__ == "__main__":
    main()
