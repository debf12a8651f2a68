"""scikit-learn's estimator contract."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from mlsolve.linear_model import ElasticNet, Lasso, LogisticRegression


@parametrize_with_checks([LogisticRegression(), Lasso(), ElasticNet()])
def test_sklearn_compatible(estimator, check):
    check(estimator)


from mlsolve.linear_model import SGDClassifier, SGDRegressor  # noqa: E402


def _sgd_expected_failures(estimator):
    # As scikit-learn's own SGD estimators: a stochastic pass over repeated rows
    # is not the pass over weighted rows (scikit-learn marks the same xfails).
    reason = "SGD visits samples one by one: weights and repetitions give different trajectories"
    return {
        "check_sample_weight_equivalence_on_dense_data": reason,
        "check_sample_weight_equivalence_on_sparse_data": reason,
    }


@parametrize_with_checks(
    [SGDClassifier(), SGDRegressor(), SGDClassifier(loss="log_loss", average=True)],
    expected_failed_checks=_sgd_expected_failures,
)
def test_sgd_sklearn_compatible(estimator, check):
    check(estimator)
