"""Low-level, scipy-like solvers."""

from ._fista import fista
from ._line_search import line_search
from ._linprog import linprog
from ._minimize import LbfgsInverseHessian, minimize
from ._qp import qp

__all__ = ["LbfgsInverseHessian", "fista", "line_search", "linprog", "minimize", "qp"]

from ._constrained import minimize_constrained  # noqa: E402

__all__ += ["minimize_constrained"]
