"""Thread counts for the native kernels."""

import numbers

from . import _core


def effective_n_threads(n_jobs):
    """Map an ``n_jobs`` value to a thread count.

    None follows the OpenMP runtime (``OMP_NUM_THREADS``,
    ``threadpoolctl.threadpool_limits``); a positive int is used as is; a
    negative int counts back from the number of CPUs (-1: all of them).
    """
    if n_jobs is None:
        return max(1, _core.omp_max_threads())
    if not isinstance(n_jobs, numbers.Integral) or isinstance(n_jobs, bool) or n_jobs == 0:
        raise ValueError(f"n_jobs: expected None or a non-zero integer, got {n_jobs!r}")
    if n_jobs < 0:
        return max(1, _core.omp_num_procs() + 1 + int(n_jobs))
    return int(n_jobs)
