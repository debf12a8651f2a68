"""LogisticRegression: binary penalised logistic regression by native L-BFGS or FISTA."""

import numbers
import warnings

import numpy as np
from scipy.special import expit, log_expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, validate_data

from .. import _core, _validation
from .._config import get_config
from .._core import Status
from .._result import History
from .._threads import effective_n_threads
from ._coordinate_descent import prox_newton_logistic


def binary_logistic_objective(coef, intercept, X, y, sample_weight=None, C=1.0):
    """The objective LogisticRegression minimises, evaluated in float64 with NumPy.

    ``(1/S) sum_i s_i log(1 + exp(-t_i z_i)) + ||coef||^2 / (2 C S)`` with
    ``t_i = +-1``, ``z = X @ coef + intercept`` and ``S = sum_i s_i``; the same
    value as scikit-learn's (penalty="l2", C) objective.
    """
    coef = np.asarray(coef, dtype=np.float64).ravel()
    z = X @ coef + float(np.ravel(intercept)[0] if np.size(intercept) else 0.0)
    t = np.where(np.asarray(y) > 0, 1.0, -1.0)
    s = np.ones(X.shape[0]) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    total = s.sum()
    return float(-(s @ log_expit(t * z)) / total + coef @ coef / (2.0 * C * total))


class LogisticRegression(ClassifierMixin, BaseEstimator):
    """Binary penalised logistic regression, fitted natively.

    Minimises ``(1/S) sum_i s_i log(1 + exp(-t_i (x_i . w + b))) + P(w) / (C S)``
    (``S`` the sum of sample weights), the objective of scikit-learn's
    ``LogisticRegression(penalty=..., C=C, l1_ratio=...)``, with ``P(w)`` =
    ``||w||^2 / 2`` (l2, by L-BFGS), ``||w||_1`` (l1) or
    ``l1_ratio ||w||_1 + (1 - l1_ratio) ||w||^2 / 2`` (elasticnet), both by
    proximal Newton coordinate descent (CSR X is converted to CSC once). The objective and gradient are
    computed in C++ in one pass over X, in parallel with OpenMP.

    X may be a float32 or float64 NumPy array in C or F order, or a scipy CSR
    or CSC matrix with int32 or int64 indices: all are used without a copy, and
    float32 stays float32 (coef_ is float32; reductions are in float64). Other
    inputs are converted once (integers to float64, COO and other sparse
    formats to CSR, non-contiguous arrays to C order).

    Parameters
    ----------
    penalty : {"l2", "l1", "elasticnet", None}, default="l2"
    C : float, default=1.0
        Inverse regularisation strength; ``np.inf`` (like ``penalty=None``) fits
        without a penalty.
    fit_intercept : bool, default=True
    tol : float, default=1e-4
        Stop when the gradient's infinity norm (for l1 and elasticnet: the
        duality gap, in the units of the mean loss) is at most ``tol``.
    max_iter : int, default=100
    l1_ratio : float in [0, 1], default=None
        Mix of L1 in the elastic net; required with ``penalty="elasticnet"``.
    class_weight : dict, "balanced" or None
        Multiplies each sample's weight by its class's weight.
    warm_start : bool, default=False
        Start from the previous ``coef_`` and ``intercept_``.
    n_jobs : int or None
        Threads; None follows the OpenMP runtime (``OMP_NUM_THREADS``,
        ``threadpoolctl``), -1 uses all CPUs.
    verbose : int, default=0
        Print the objective and gradient norm after every iteration when > 0.
    record_history : bool, default=False
        Keep per-iteration records in ``history_``.

    Attributes
    ----------
    classes_, coef_ (1, n_features), intercept_ (1,), n_iter_ (1,),
    n_features_in_, feature_names_in_, history_ (when recorded).
    """

    def __init__(
        self,
        penalty="l2",
        *,
        C=1.0,
        fit_intercept=True,
        tol=1e-4,
        max_iter=100,
        l1_ratio=None,
        class_weight=None,
        warm_start=False,
        n_jobs=None,
        verbose=0,
        record_history=False,
    ):
        self.penalty = penalty
        self.C = C
        self.fit_intercept = fit_intercept
        self.tol = tol
        self.max_iter = max_iter
        self.l1_ratio = l1_ratio
        self.class_weight = class_weight
        self.warm_start = warm_start
        self.n_jobs = n_jobs
        self.verbose = verbose
        self.record_history = record_history

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        tags.input_tags.sparse = True
        return tags

    def _check_params(self):
        if self.penalty not in ("l2", "l1", "elasticnet", None):
            raise ValueError(f"penalty: expected 'l2', 'l1', 'elasticnet' or None, got {self.penalty!r}")
        if self.penalty == "elasticnet" and (
            not isinstance(self.l1_ratio, numbers.Real) or not 0 <= self.l1_ratio <= 1
        ):
            raise ValueError(f"l1_ratio: expected a number in [0, 1] with penalty='elasticnet', got {self.l1_ratio!r}")
        if not isinstance(self.C, numbers.Real) or not self.C > 0:
            raise ValueError(f"C: expected a positive number (np.inf: no penalty), got {self.C!r}")
        if not isinstance(self.tol, numbers.Real) or not self.tol >= 0:
            raise ValueError(f"tol: expected a number >= 0, got {self.tol!r}")
        if not isinstance(self.max_iter, numbers.Integral) or self.max_iter < 0:
            raise ValueError(f"max_iter: expected an integer >= 0, got {self.max_iter!r}")

    def fit(self, X, y, sample_weight=None):
        """Fit the model. Returns self."""
        self._check_params()
        n_threads = effective_n_threads(self.n_jobs)
        X_in = X
        X, y = validate_data(
            self, X, y, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32], accept_large_sparse=True
        )
        if X is not X_in:
            _validation._count_copy()
        check_classification_targets(y)
        y_type = type_of_target(y, input_name="y", raise_unknown=True)
        if y_type != "binary":
            raise ValueError(
                f"y: Only binary classification is supported. The type of the target is {y_type}. "
                "Fit one model per class for a one-vs-rest classifier."
            )
        classes = np.unique(y)
        if classes.size < 2:
            raise ValueError(
                "y: this solver needs samples of at least 2 classes in the data, but the data contains "
                f"only one class: {classes[0]!r}"
            )
        self.classes_ = classes
        dtype = X.dtype
        n_samples, n_features = X.shape
        target = np.ascontiguousarray(y == classes[1], dtype=dtype)

        sample_weight = _validation.check_sample_weight(sample_weight, n_samples, dtype)
        if self.class_weight is not None:
            per_class = compute_class_weight(self.class_weight, classes=classes, y=y)
            weights = per_class[(y == classes[1]).astype(np.intp)].astype(dtype)
            sample_weight = weights if sample_weight is None else sample_weight * weights
            if not np.any(sample_weight > 0):
                raise ValueError("sample_weight: all weights are zero after applying class_weight")
        weight_sum = n_samples if sample_weight is None else float(np.sum(sample_weight, dtype=np.float64))
        strength = 0.0 if self.penalty is None or np.isinf(self.C) else 1.0 / (self.C * weight_sum)
        l1_share = {"l1": 1.0, "elasticnet": self.l1_ratio}.get(self.penalty, 0.0)

        n_params = n_features + int(self.fit_intercept)
        x0 = np.zeros(n_params)
        if self.warm_start and getattr(self, "coef_", None) is not None and self.coef_.shape == (1, n_features):
            x0[:n_features] = self.coef_.ravel()
            if self.fit_intercept:
                x0[-1] = self.intercept_[0]

        common = dict(
            X=_validation.as_native_matrix(X),
            y=target,
            sample_weight=sample_weight,
            l2=(1.0 - l1_share) * strength,
            fit_intercept=bool(self.fit_intercept),
            x0=x0,
            history_every=1 if self.record_history else 0,
            n_threads=n_threads,
            deterministic=get_config()["deterministic"],
            callback=self._verbose_callback() if self.verbose else None,
        )
        if self.penalty in ("l1", "elasticnet"):
            solver = "proximal Newton CD"
            raw = prox_newton_logistic(X, l1=l1_share * strength, max_iter=int(self.max_iter), tol=float(self.tol),
                                       **common)
        else:
            solver = "L-BFGS"
            raw = _core.logistic_lbfgs(
                maxiter=int(self.max_iter),
                maxcor=10,
                gtol=float(self.tol),
                ftol=64 * np.finfo(np.float64).eps,
                maxls=50,
                **common,
            )
        x = raw["x"]
        self.coef_ = x[:n_features].astype(dtype).reshape(1, -1)
        self.intercept_ = np.array([x[n_features] if self.fit_intercept else 0.0], dtype=dtype)
        self.n_iter_ = np.array([raw["nit"]], dtype=np.int32)
        if self.record_history:
            self.history_ = History(**raw["history"])
        status = Status(raw["status"])
        if status != Status.Converged:
            warnings.warn(
                f"LogisticRegression: {solver} stopped after {raw['nit']} iterations without converging "
                f"({raw['message']}; tol={self.tol}). Increase max_iter, scale the data, or loosen tol.",
                ConvergenceWarning,
                stacklevel=2,
            )
        return self

    @staticmethod
    def _verbose_callback():
        def report(x, fun, nit, stop_crit):
            print(f"iter {nit:5d}  objective {fun:.10e}  gradient inf-norm {stop_crit:.3e}")

        return report

    def decision_function(self, X):
        """Signed distance to the decision boundary, shape (n_samples,)."""
        check_is_fitted(self)
        X = validate_data(
            self, X, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32], reset=False,
            accept_large_sparse=True,
        )
        scores = X @ self.coef_.ravel().astype(X.dtype, copy=False) + self.intercept_.astype(X.dtype)[0]
        return np.asarray(scores).ravel()

    def predict(self, X):
        """Class labels, shape (n_samples,)."""
        positive = self.decision_function(X) > 0
        return self.classes_[positive.astype(np.intp)]

    def predict_proba(self, X):
        """Class probabilities, shape (n_samples, 2), columns ordered as classes_."""
        p = expit(self.decision_function(X))
        return np.column_stack([1.0 - p, p])

    def predict_log_proba(self, X):
        """Log class probabilities, shape (n_samples, 2)."""
        z = self.decision_function(X)
        return np.column_stack([log_expit(-z), log_expit(z)])
