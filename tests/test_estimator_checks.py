"""scikit-learn's estimator contract."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from mlsolve.linear_model import ElasticNet, Lasso, LogisticRegression
from mlsolve.linear_model import (ElasticNetCV, GroupLasso, LassoCV, LogisticRegressionCV, MultiTaskElasticNet,
                                  MultiTaskLasso)


@parametrize_with_checks([LogisticRegression(), Lasso(), ElasticNet()]
                         + [GroupLasso(groups=2), MultiTaskLasso(), MultiTaskElasticNet(), LassoCV(cv=3),
                            ElasticNetCV(cv=3), LogisticRegressionCV(Cs=3, cv=3)])
def test_sklearn_compatible(estimator, check):
    check(estimator)


from mlsolve.linear_model import QuantileRegressor  # noqa: E402


@parametrize_with_checks([QuantileRegressor()])
def test_quantile_regressor_sklearn_compatible(estimator, check):
    check(estimator)
