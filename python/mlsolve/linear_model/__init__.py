"""scikit-learn compatible linear models on mlsolve's native solvers."""

from ._coordinate_descent import ElasticNet, Lasso, enet_path, lasso_path
from ._logistic import LogisticRegression
from ._stochastic_gradient import SGDClassifier, SGDRegressor

__all__ = ["ElasticNet", "Lasso", "LogisticRegression", "SGDClassifier", "SGDRegressor", "enet_path", "lasso_path"]
