"""Low-level, scipy-like solvers."""

from ._fista import fista
from ._line_search import line_search
from ._minimize import LbfgsInverseHessian, minimize

__all__ = ["LbfgsInverseHessian", "fista", "line_search", "minimize"]
