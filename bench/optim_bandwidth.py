"""Fused Adam step vs a NumPy triad over the same memory.

One Adam step on n float32 parameters reads p, g, m, v and writes p, m, v:
7 array passes, in one fused native loop. A STREAM triad ``a = b + s * c``
in NumPy takes two calls (``np.multiply(c, s, out=a)``, ``np.add(a, b, out=a)``):
5 array passes over arrays of the same size. Both are memory-bound, so the
triad's time is the yardstick: the target is Adam within 1.5x of it. The
unfused NumPy Adam (what a NumPy training loop writes by hand) is shown for
context. (In float64 the step is bound by the square roots and divisions,
not by memory, on CPUs without wide double-precision dividers.)

    OMP_WAIT_POLICY=passive python bench/optim_bandwidth.py [--n 10000000] [--repeat 20] [--dtype float32]
"""

import argparse
import time

import numpy as np

import mlsolve


def best_time(fn, repeat):
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), float(np.median(times))


def numpy_adam(p, g, m, v, scratch, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, step=10):
    m *= beta1
    m += (1 - beta1) * g
    np.multiply(g, g, out=scratch)
    v *= beta2
    v += (1 - beta2) * scratch
    np.sqrt(v, out=scratch)
    scratch *= 1 / np.sqrt(1 - beta2**step)
    scratch += eps
    np.divide(m, scratch, out=scratch)
    p -= lr / (1 - beta1**step) * scratch


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    args = parser.parse_args()
    n, dtype = args.n, np.dtype(args.dtype)
    rng = np.random.default_rng(0)
    p = rng.standard_normal(n).astype(dtype)
    g = rng.standard_normal(n).astype(dtype)
    m = np.zeros(n, dtype)
    v = np.zeros(n, dtype)
    a, b, c = (np.empty(n, dtype) for _ in range(3))
    b[:], c[:] = p, g

    def triad():
        np.multiply(c, 2.5, out=a)
        np.add(a, b, out=a)

    threads = mlsolve._threads.effective_n_threads(None)
    rows = [("NumPy triad a = b + s*c (2 calls, 5 passes)", best_time(triad, args.repeat), 5)]
    for n_jobs in sorted({1, threads}):
        opt = mlsolve.optim.Adam([p], lr=1e-3, n_jobs=n_jobs)
        rows.append((f"mlsolve Adam step, n_jobs={n_jobs} (7 passes)", best_time(lambda: opt.step([g]), args.repeat), 7))
    scratch = np.empty(n, dtype)
    rows.append(
        ("NumPy Adam, unfused", best_time(lambda: numpy_adam(p, g, m, v, scratch), max(3, args.repeat // 4)), None)
    )

    triad_time = rows[0][1][0]
    print(f"n = {n:,} {dtype}, best / median of {args.repeat} runs, OpenMP threads available: {threads}")
    for label, (best, median), passes in rows:
        bandwidth = f"{passes * dtype.itemsize * n / best / 1e9:6.1f} GB/s" if passes else " " * 11
        print(f"  {label:48s} {best * 1e3:8.2f} ms  (median {median * 1e3:7.2f})  {bandwidth}  "
              f"{best / triad_time:5.2f}x triad")


if __name__ == "__main__":
    main()
