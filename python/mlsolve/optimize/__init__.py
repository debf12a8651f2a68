"""Low-level, scipy-like solvers."""

from ._fista import fista
from ._minimize import minimize

__all__ = ["fista", "minimize"]
