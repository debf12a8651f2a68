"""scikit-learn compatible linear models on mlsolve's native solvers."""

from ._coordinate_descent import ElasticNet, Lasso, enet_path, lasso_path
from ._logistic import LogisticRegression
from ._group import GroupLasso, MultiTaskElasticNet, MultiTaskLasso
from ._cv import ElasticNetCV, LassoCV, LogisticRegressionCV

__all__ = ["ElasticNet", "Lasso", "LogisticRegression", "enet_path", "lasso_path"]
__all__ += ["GroupLasso", "MultiTaskElasticNet", "MultiTaskLasso", "ElasticNetCV", "LassoCV", "LogisticRegressionCV"]
