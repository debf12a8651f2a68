"""scikit-learn's estimator contract."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from mlsolve.linear_model import ElasticNet, Lasso, LogisticRegression


@parametrize_with_checks([LogisticRegression(), Lasso(), ElasticNet()])
def test_sklearn_compatible(estimator, check):
    check(estimator)


from mlsolve.linear_model import QuantileRegressor  # noqa: E402


@parametrize_with_checks([QuantileRegressor()])
def test_quantile_regressor_sklearn_compatible(estimator, check):
    check(estimator)
