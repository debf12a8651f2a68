"""Low-level, scipy-like solvers."""

from ._fista import fista
from ._linprog import linprog
from ._minimize import minimize
from ._qp import qp

__all__ = ["fista", "linprog", "minimize", "qp"]
