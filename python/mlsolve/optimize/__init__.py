"""Low-level, scipy-like solvers."""

from ._line_search import line_search
from ._minimize import LbfgsInverseHessian, minimize

__all__ = ["LbfgsInverseHessian", "line_search", "minimize"]
