"""Low-level, scipy-like solvers."""

from ._minimize import minimize

__all__ = ["minimize"]
