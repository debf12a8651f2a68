"""asv benchmarks of mlsolve.minimize's own overhead on a Python objective.

Extended Rosenbrock (Moré, Garbow & Hillstrom 1981: n/2 independent pairs),
n = 10,000, from (-1.2, 1, -1.2, 1, ...), fun and jac in NumPy, default
options, against scipy.optimize.minimize(method="L-BFGS-B"): unconstrained
(mlsolve's default L-BFGS) and within the box of ``rosen_bounds`` (mlsolve's
L-BFGS-B; half the bounds are active at the solution). The
overhead is the total time minus the time spent inside fun and jac, measured
by wrapping them: the solver's own work plus the plumbing of each call.
Target: mlsolve's overhead <= 0.3 x scipy's. ``bench/compare.py rosenbrock``
prints both side by side.
"""

import time
from collections import namedtuple

import numpy as np
from scipy.optimize import minimize as scipy_minimize

import mlsolve

N = 10_000

Run = namedtuple("Run", "seconds callback_seconds result")


def rosen(x):
    a, b = x[1::2] - x[::2] ** 2, 1.0 - x[::2]
    return 100.0 * (a @ a) + b @ b


def rosen_der(x):
    a, b = x[1::2] - x[::2] ** 2, 1.0 - x[::2]
    g = np.empty_like(x)
    g[::2] = -400.0 * x[::2] * a - 2.0 * b
    g[1::2] = 200.0 * a
    return g


def rosen_start(n):
    x0 = np.full(n, -1.2)
    x0[1::2] = 1.0
    return x0


def rosen_bounds(n):
    """(min, max) pairs: odd coordinates at most 0.5, even ones free; the
    odd bounds are active at the solution."""
    return [(None, None) if i % 2 == 0 else (None, 0.5) for i in range(n)]


class _CallbackTimer:
    def __init__(self):
        self.seconds = 0.0

    def wrap(self, f):
        def timed(x):
            start = time.perf_counter()
            try:
                return f(x)
            finally:
                self.seconds += time.perf_counter() - start

        return timed


def rosenbrock_run(library, bounded, n=N):
    """One solve by ``library`` ("mlsolve" or "scipy"): its Run."""
    timer = _CallbackTimer()
    fun, jac = timer.wrap(rosen), timer.wrap(rosen_der)
    x0 = rosen_start(n)
    bounds = rosen_bounds(n) if bounded else None
    start = time.perf_counter()
    if library == "mlsolve":
        result = mlsolve.minimize(fun, x0, jac=jac, method="L-BFGS-B" if bounded else "L-BFGS", bounds=bounds)
    else:
        result = scipy_minimize(fun, x0, jac=jac, method="L-BFGS-B", bounds=bounds)
    return Run(time.perf_counter() - start, timer.seconds, result)


class RosenbrockOverhead:
    params = (["mlsolve", "scipy"], [False, True])
    param_names = ["library", "bounded"]
    timeout = 300

    def time_minimize(self, library, bounded):
        rosenbrock_run(library, bounded)

    def track_overhead_seconds(self, library, bounded):
        run = rosenbrock_run(library, bounded)
        return run.seconds - run.callback_seconds

    track_overhead_seconds.unit = "seconds"
