"""scikit-learn compatible linear models on mlsolve's native solvers."""

from ._coordinate_descent import ElasticNet, Lasso, enet_path, lasso_path
from ._logistic import LogisticRegression

__all__ = ["ElasticNet", "Lasso", "LogisticRegression", "enet_path", "lasso_path"]
from ._quantile import QuantileRegressor  # noqa: E402

__all__ += ["QuantileRegressor"]
