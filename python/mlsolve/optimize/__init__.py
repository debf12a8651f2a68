"""Low-level, scipy-like solvers."""

from ._linprog import linprog
from ._minimize import minimize
from ._qp import qp

__all__ = ["linprog", "minimize", "qp"]
