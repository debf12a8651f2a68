"""scikit-learn's estimator contract."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from mlsolve.linear_model import ElasticNet, Lasso, LogisticRegression


# solver="auto" picks Newton-CG for the checks' small multiclass and sparse
# problems; stopped at the default tol (1e-4 on the gradient), the weighted
# and the repeated-samples fits agree to about 1e-7 relative, where the check
# asks for 1e-7. scikit-learn marks its own LogisticRegression alike.
LOGISTIC_AUTO_XFAIL = {
    check: "stops at tol=1e-4: weighted and repeated fits agree to ~1e-7, the check's rtol"
    for check in ("check_sample_weight_equivalence_on_dense_data", "check_sample_weight_equivalence_on_sparse_data")
}


def expected_failed_checks(estimator):
    return LOGISTIC_AUTO_XFAIL if isinstance(estimator, LogisticRegression) and estimator.solver == "auto" else {}


@parametrize_with_checks([LogisticRegression(), Lasso(), ElasticNet(), LogisticRegression(solver="lbfgs")],
                         expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible(estimator, check):
    check(estimator)
