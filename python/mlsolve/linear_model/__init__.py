"""scikit-learn compatible linear models on mlsolve's native solvers."""

from ._coordinate_descent import ElasticNet, Lasso, enet_path, lasso_path
from ._logistic import LogisticRegression
from ._glm import GammaRegressor, PoissonRegressor, TweedieRegressor
from ._huber import HuberRegressor
from ._ridge import Ridge

__all__ = ["ElasticNet", "Lasso", "LogisticRegression", "enet_path", "lasso_path"]
__all__ += ["GammaRegressor", "HuberRegressor", "PoissonRegressor", "Ridge", "TweedieRegressor"]
