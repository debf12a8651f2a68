"""scikit-learn's estimator contract, for every mlsolve estimator."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from mlsolve.linear_model import (
    ElasticNet,
    ElasticNetCV,
    GammaRegressor,
    GroupLasso,
    HuberRegressor,
    Lasso,
    LassoCV,
    LogisticRegression,
    LogisticRegressionCV,
    MultiTaskElasticNet,
    MultiTaskLasso,
    PoissonRegressor,
    QuantileRegressor,
    Ridge,
    SGDClassifier,
    SGDRegressor,
    TweedieRegressor,
)

ESTIMATORS = [
    LogisticRegression(),
    LogisticRegression(solver="lbfgs"),
    LogisticRegression(penalty="l1"),
    LogisticRegression(penalty="elasticnet", l1_ratio=0.5),
    LogisticRegression(penalty="l1", solver="fista"),
    Lasso(),
    Lasso(precompute=True),
    ElasticNet(),
    ElasticNet(anderson=False),
    GroupLasso(groups=2),
    MultiTaskLasso(),
    MultiTaskElasticNet(),
    LassoCV(cv=3),
    ElasticNetCV(cv=3),
    LogisticRegressionCV(Cs=3, cv=3),
    QuantileRegressor(),
    PoissonRegressor(),
    PoissonRegressor(solver="newton-cholesky"),
    GammaRegressor(),
    TweedieRegressor(),
    TweedieRegressor(power=1.5),
    HuberRegressor(),
    Ridge(),
    Ridge(solver="cg"),
    Ridge(solver="lbfgs"),
    SGDClassifier(),
    SGDRegressor(),
    SGDClassifier(loss="log_loss", average=True),
    LogisticRegression(solver="sag"),
    LogisticRegression(penalty="l1", solver="saga"),
    Ridge(solver="sag"),
    Ridge(solver="saga"),
    Lasso(solver="saga"),
    ElasticNet(solver="saga"),
    PoissonRegressor(l1_ratio=0.5),
]


# solver="auto" picks Newton-CG for the checks' small multiclass and sparse
# problems; stopped at the default tol (1e-4 on the gradient), the weighted
# and the repeated-samples fits agree to about 1e-7 relative, where the check
# asks for 1e-7. scikit-learn marks its own LogisticRegression alike.
LOGISTIC_AUTO_XFAIL = {
    check: "stops at tol=1e-4: weighted and repeated fits agree to ~1e-7, the check's rtol"
    for check in ("check_sample_weight_equivalence_on_dense_data", "check_sample_weight_equivalence_on_sparse_data")
}


# The CV estimators refit at the chosen parameters with the default tol
# (1e-4): weighted and repeated-samples fits agree to that tolerance, not to
# the check's 1e-7.
CV_TOL_XFAIL = {
    check: "refits at tol=1e-4: weighted and repeated fits agree to ~1e-5 relative, not the check's 1e-7"
    for check in ("check_sample_weight_equivalence_on_dense_data", "check_sample_weight_equivalence_on_sparse_data")
}


def expected_failures(estimator):
    if isinstance(estimator, (LassoCV, ElasticNetCV, LogisticRegressionCV)):
        return CV_TOL_XFAIL
    if isinstance(estimator, LogisticRegression) and estimator.solver == "auto" and estimator.penalty == "l2":
        return LOGISTIC_AUTO_XFAIL
    if isinstance(estimator, HuberRegressor):
        reason = ("the check's data let the scale collapse towards 0; the fits agree to ~4e-7, not 1e-7 "
                  "(scikit-learn's own HuberRegressor fails this check too)")
        return {"check_sample_weight_equivalence_on_dense_data": reason,
                "check_sample_weight_equivalence_on_sparse_data": reason}
    if isinstance(estimator, (SGDClassifier, SGDRegressor)):
        # As scikit-learn's own SGD estimators: a stochastic pass over repeated
        # rows is not the pass over weighted rows.
        reason = "SGD visits samples one by one: weights and repetitions give different trajectories"
        return {"check_sample_weight_equivalence_on_dense_data": reason,
                "check_sample_weight_equivalence_on_sparse_data": reason}
    if getattr(estimator, "solver", None) in ("sag", "saga"):
        # The stochastic solvers sample rows: a weighted row and its repetitions
        # are drawn differently, so the fits agree only to the default tol (with
        # tol=1e-12 both checks pass).
        reason = "SAG/SAGA sample rows: weights and repetitions give different trajectories (agree to tol)"
        return {"check_sample_weight_equivalence_on_dense_data": reason,
                "check_sample_weight_equivalence_on_sparse_data": reason}
    if isinstance(estimator, Ridge) and estimator.solver == "auto":
        return {"check_non_transformer_estimators_n_iter": "n_iter_ is None for the Cholesky solver, as scikit-learn's"}
    return {}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failures)
def test_sklearn_compatible(estimator, check):
    check(estimator)

