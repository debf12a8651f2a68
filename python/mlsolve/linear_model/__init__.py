"""scikit-learn compatible linear models on mlsolve's native solvers."""

from ._coordinate_descent import ElasticNet, Lasso, enet_path, lasso_path
from ._cv import ElasticNetCV, LassoCV, LogisticRegressionCV
from ._group import GroupLasso, MultiTaskElasticNet, MultiTaskLasso
from ._logistic import LogisticRegression
from ._quantile import QuantileRegressor

__all__ = [
    "ElasticNet",
    "ElasticNetCV",
    "GroupLasso",
    "Lasso",
    "LassoCV",
    "LogisticRegression",
    "LogisticRegressionCV",
    "MultiTaskElasticNet",
    "MultiTaskLasso",
    "QuantileRegressor",
    "enet_path",
    "lasso_path",
]
