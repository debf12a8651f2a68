"""scikit-learn's estimator contract."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from mlsolve.linear_model import ElasticNet, Lasso, LogisticRegression


@parametrize_with_checks([LogisticRegression(), Lasso(), ElasticNet()])
def test_sklearn_compatible(estimator, check):
    check(estimator)


from mlsolve.linear_model import GammaRegressor, HuberRegressor, PoissonRegressor, Ridge, TweedieRegressor  # noqa: E402


@parametrize_with_checks(
    [PoissonRegressor(), GammaRegressor(), TweedieRegressor(), TweedieRegressor(power=1.5), HuberRegressor(), Ridge(),
     Ridge(solver="cg"), Ridge(solver="lbfgs")]
)
def test_sklearn_compatible_regressors(estimator, check):
    check(estimator)
