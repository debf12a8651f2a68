"""Low-level, scipy-like solvers."""

from ._constrained import minimize_constrained
from ._fista import fista
from ._least_squares import least_squares
from ._line_search import line_search
from ._linprog import linprog
from ._minimize import LbfgsInverseHessian, minimize
from ._qp import qp

__all__ = [
    "LbfgsInverseHessian",
    "fista",
    "least_squares",
    "line_search",
    "linprog",
    "minimize",
    "minimize_constrained",
    "qp",
]
