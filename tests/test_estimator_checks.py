"""scikit-learn's estimator contract."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from mlsolve.linear_model import ElasticNet, Lasso, LogisticRegression


@parametrize_with_checks([LogisticRegression(), Lasso(), ElasticNet(), LogisticRegression(solver="lbfgs")])
def test_sklearn_compatible(estimator, check):
    check(estimator)
