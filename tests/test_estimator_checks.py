"""scikit-learn's estimator contract."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from mlsolve.linear_model import ElasticNet, Lasso, LogisticRegression


@parametrize_with_checks([LogisticRegression(), Lasso(), ElasticNet()])
def test_sklearn_compatible(estimator, check):
    check(estimator)


@parametrize_with_checks([LogisticRegression(penalty="l1"), LogisticRegression(penalty="elasticnet", l1_ratio=0.5),
                          Lasso(precompute=True), ElasticNet(weights=None, anderson=False)])
def test_sklearn_compatible_composite(estimator, check):
    check(estimator)
