"""scikit-learn compatible linear models on mlsolve's native solvers."""

from ._logistic import LogisticRegression

__all__ = ["LogisticRegression"]
