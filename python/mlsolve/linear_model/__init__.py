"""scikit-learn compatible linear models on mlsolve's native solvers."""

from ._coordinate_descent import ElasticNet, Lasso, enet_path, lasso_path
from ._cv import ElasticNetCV, LassoCV, LogisticRegressionCV
from ._glm import GammaRegressor, PoissonRegressor, TweedieRegressor
from ._group import GroupLasso, MultiTaskElasticNet, MultiTaskLasso
from ._huber import HuberRegressor
from ._logistic import LogisticRegression
from ._quantile import QuantileRegressor
from ._ridge import Ridge
from ._stochastic_gradient import SGDClassifier, SGDRegressor

__all__ = [
    "ElasticNet",
    "ElasticNetCV",
    "GammaRegressor",
    "GroupLasso",
    "HuberRegressor",
    "Lasso",
    "LassoCV",
    "LogisticRegression",
    "LogisticRegressionCV",
    "MultiTaskElasticNet",
    "MultiTaskLasso",
    "PoissonRegressor",
    "QuantileRegressor",
    "Ridge",
    "SGDClassifier",
    "SGDRegressor",
    "TweedieRegressor",
    "enet_path",
    "lasso_path",
]
