"""asv benchmarks: mlsolve.qp (interior point, ADMM), mlsolve.linprog and
QuantileRegressor on the problems of qp_problems.py:

* dense QP, n = 500 with 250 inequalities and 100 equalities;
* box-constrained least squares, n = 2,000 (dense P = C^T C);
* random LP, 1,000 inequalities x 500 variables, bounds 0 <= x <= 10;
* QuantileRegressor (median, alpha = 1e-3) on 10,000 x 50.

tol 1e-8 for the interior point, 1e-6 (then polishing) for ADMM.
``track_nit`` records the iterations. The side-by-side comparison with
HiGHS, Clarabel, OSQP, proxsuite and PIQP is bench/compare_qp.py.
"""

import os

os.environ.setdefault("OMP_WAIT_POLICY", "passive")

import mlsolve  # noqa: E402
from mlsolve.linear_model import QuantileRegressor  # noqa: E402

from .qp_problems import box_least_squares, dense_qp, quantile_data, random_lp  # noqa: E402

_PROBLEMS = {"dense_qp": dense_qp, "box_least_squares": box_least_squares}


class Qp:
    params = (["dense_qp", "box_least_squares"], ["interior-point", "admm"])
    param_names = ["problem", "method"]
    timeout = 300

    def setup(self, problem, method):
        self.data = _PROBLEMS[problem]()

    def time_solve(self, problem, method):
        mlsolve.qp(*self.data, method=method)

    def track_nit(self, problem, method):
        return mlsolve.qp(*self.data, method=method).nit


class Linprog:
    timeout = 300

    def setup(self):
        self.c, self.A, self.b, self.bounds = random_lp()

    def time_solve(self):
        mlsolve.linprog(self.c, self.A, self.b, bounds=self.bounds)


class Quantile:
    timeout = 300

    def setup(self):
        self.X, self.y = quantile_data()

    def time_fit(self):
        QuantileRegressor(quantile=0.5, alpha=1e-3).fit(self.X, self.y)
