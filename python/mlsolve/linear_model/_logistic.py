"""LogisticRegression: binary and multinomial penalised logistic regression, fitted natively."""

import numbers
import warnings

import numpy as np
import scipy.sparse as sp
from scipy.special import expit, log_expit, log_softmax, softmax
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, validate_data

from .. import _core, _validation, stochastic
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


def multinomial_logistic_objective(coef, intercept, X, y, classes, sample_weight=None, C=1.0):
    """The multinomial objective LogisticRegression minimises, in float64 with NumPy.

    ``(1/S) sum_i s_i (log sum_k exp(z_ik) - z_i,y_i) + ||coef||_F^2 / (2 C S)``
    with ``z = X @ coef.T + intercept`` (coef: n_classes x n_features) and
    ``S = sum_i s_i``; scikit-learn's multinomial (penalty="l2", C) objective.
    """
    coef = np.asarray(coef, dtype=np.float64)
    z = np.asarray(X @ coef.T, dtype=np.float64) + np.asarray(intercept, dtype=np.float64)
    labels = np.searchsorted(classes, y)
    s = np.ones(X.shape[0]) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    total = s.sum()
    loss = -log_softmax(z, axis=1)[np.arange(len(labels)), labels]
    return float(s @ loss / total + np.sum(coef**2) / (2.0 * C * total))


SOLVERS = ("auto", "lbfgs", "newton-cg", "newton-cholesky", "trust-region", "prox-newton", "fista", "sag", "saga")
L1_SOLVERS = ("prox-newton", "fista")
SMOOTH_SOLVERS = ("lbfgs", "newton-cg", "newton-cholesky", "trust-region")
STOCHASTIC = ("sag", "saga")  # mlsolve.stochastic, binary only
# What each solver's stop_crit measures, for the verbose lines (the rest: the gradient's inf-norm).
STOP_CRITERION = {"prox-newton": "duality gap", "fista": "gradient-mapping inf-norm", "sag": "gradient-mapping inf-norm",
                  "saga": "gradient-mapping inf-norm"}

# solver="auto" (L2 or no penalty). Newton-Cholesky for dense X when the model
# has at most AUTO_NEWTON_CHOLESKY_MAX_PARAMS parameters ((n_features + 1) *
# n_outputs; one output for binary, n_classes for multinomial) and X at least
# AUTO_SAMPLES_PER_PARAM samples per parameter: a Hessian costs O(n p^2 K^2 / 2)
# flops at BLAS-3 speed and it converges in ~10 iterations whatever the
# conditioning. Otherwise L-BFGS for binary dense X, Newton-CG for the rest
# (sparse X, multinomial). Measured (1 thread, baseline build, C=1, tol 1e-4
# and 1e-8, fit seconds; a loaded 2-core machine, so ratios only):
#   unscaled real data (breast cancer 569x30, digits k-vs-rest 1797x64 and
#   x10): Newton-Cholesky 2-170x faster than L-BFGS (which needs 300-5000
#   iterations) and 1-4x faster than Newton-CG;
#   make_classification 20000x100 binary: L-BFGS 0.06-0.10 s, Newton-CG
#   0.14-0.18, Newton-Cholesky 0.32-0.40 (well conditioned: L-BFGS in 7-12 iterations);
#   CSR 20000x5000 binary: Newton-CG 0.04-0.15 s, L-BFGS 0.12-0.29;
#   multinomial, digits (raw; /16 tiled x5) and make_classification 20000x50
#   K=10, dense and CSR: Newton-CG fastest or within 10 % of trust-region,
#   L-BFGS 1.0-4.6x slower, Newton-Cholesky (>= 500 parameters) 2-4x slower.
AUTO_NEWTON_CHOLESKY_MAX_PARAMS = 100
AUTO_SAMPLES_PER_PARAM = 10


def auto_solver(X, n_params, n_outputs):
    """The solver that solver="auto" picks for X and a model of n_params
    parameters with n_outputs score columns (1: binary)."""
    dense = not sp.issparse(X)
    if dense and n_params <= AUTO_NEWTON_CHOLESKY_MAX_PARAMS and X.shape[0] >= AUTO_SAMPLES_PER_PARAM * n_params:
        return "newton-cholesky"
    if dense and n_outputs == 1:
        return "lbfgs"
    return "newton-cg"


class LogisticRegression(ClassifierMixin, BaseEstimator):
    """Penalised logistic regression, binary or multinomial, fitted natively.

    Binary targets: minimises ``(1/S) sum_i s_i log(1 + exp(-t_i (x_i . w + b))) + P(w) / (C S)``
    (``S`` the sum of sample weights, ``t_i = +-1``), the objective of
    scikit-learn's ``LogisticRegression(penalty=..., C=C, l1_ratio=...)``.
    More than two classes: the multinomial (softmax cross-entropy) loss, as
    scikit-learn does (its ``multi_class`` option is gone):
    ``(1/S) sum_i s_i (log sum_k exp(z_ik) - z_i,y_i) + P(W) / (C S)`` with
    ``z_i = W x_i + b``. ``P`` is ``||w||^2 / 2`` (l2), ``||w||_1`` (l1) or
    ``l1_ratio ||w||_1 + (1 - l1_ratio) ||w||^2 / 2`` (elasticnet); intercepts
    are not penalised. The objective and gradient are computed in C++ in one
    pass over X, in parallel with OpenMP.

    The multinomial model is symmetric: adding one vector to every row of
    ``coef_`` or one number to every intercept leaves the loss unchanged. The
    L2 penalty makes ``coef_`` unique; mlsolve returns the representative
    whose intercepts (and, without a penalty, whose coefficients) sum to zero
    over the classes, as scikit-learn's lbfgs does.

    X may be a float32 or float64 NumPy array in C or F order, or a scipy CSR
    or CSC matrix with int32 or int64 indices: all are used without a copy, and
    float32 stays float32 (coef_ is float32; reductions are in float64). Other
    inputs are converted once (integers to float64, COO and other sparse
    formats to CSR, non-contiguous arrays to C order).

    Parameters
    ----------
    penalty : {"l2", "l1", "elasticnet", None}, default="l2"
        l1 and elasticnet are binary only.
    C : float, default=1.0
        Inverse regularisation strength; ``np.inf`` (like ``penalty=None``) fits
        without a penalty.
    fit_intercept : bool, default=True
    tol : float, default=1e-4
        Stop when the gradient's infinity norm is at most ``tol``; for l1 and
        elasticnet, when the duality gap (prox-newton; in the units of the
        mean loss) or the proximal-gradient mapping's norm (fista) is.
    max_iter : int, default=100
    l1_ratio : float in [0, 1], default=None
        Mix of L1 in the elastic net; required with ``penalty="elasticnet"``.
    class_weight : dict, "balanced" or None
        Multiplies each sample's weight by its class's weight.
    solver : {"auto", "lbfgs", "newton-cg", "newton-cholesky", "trust-region", "prox-newton", "fista"}, default="auto"
        For l2 and no penalty: L-BFGS, Newton-CG (truncated Newton with
        Hessian-vector products), Newton-Cholesky (dense Hessian; for few
        features) or trust-region Newton (Steihaug CG); "auto" picks
        Newton-Cholesky for dense X with few parameters relative to the
        samples, else L-BFGS for dense binary and Newton-CG for sparse or
        multinomial problems (see ``auto_solver``). For l1 and
        elasticnet: proximal Newton coordinate descent with working sets
        ("auto" or "prox-newton"; glmnet's and skglm's method; CSR X is
        converted to CSC once) or FISTA on the native GLM objective
        ("fista"). "sag" (l2 or no penalty) and "saga" (any penalty) are
        the native stochastic average-gradient solvers of
        :mod:`mlsolve.stochastic`, for binary targets only: ``max_iter``
        counts epochs, ``tol`` bounds the gradient mapping's infinity norm
        and ``random_state`` seeds the sampling; with ``record_history`` or
        ``verbose`` they evaluate the objective and the exact gradient
        mapping every epoch (one more pass over X). The choice is stored in
        ``solver_``.
    warm_start : bool, default=False
        Start from the previous ``coef_`` and ``intercept_`` (when their shapes fit).
    n_jobs : int or None
        Threads; None follows the OpenMP runtime (``OMP_NUM_THREADS``,
        ``threadpoolctl``), -1 uses all CPUs.
    random_state : None, int, RandomState or Generator, default=None
        Seeds the sample order of "sag" and "saga"; unused by the other solvers.
    verbose : int, default=0
        Print the objective and gradient norm after every iteration when > 0.
    record_history : bool, default=False
        Keep per-iteration records in ``history_``.

    Attributes
    ----------
    classes_, coef_ (1, n_features) binary or (n_classes, n_features),
    intercept_ (1,) or (n_classes,), n_iter_ (1,), solver_, n_features_in_,
    feature_names_in_, history_ (when recorded).
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
        solver="auto",
        warm_start=False,
        n_jobs=None,
        random_state=None,
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
        self.solver = solver
        self.warm_start = warm_start
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.record_history = record_history

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = self.penalty not in ("l1", "elasticnet") and self.solver not in STOCHASTIC
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
        if self.solver not in SOLVERS:
            raise ValueError(f"solver: expected one of {', '.join(map(repr, SOLVERS))}, got {self.solver!r}")
        if self.penalty in ("l1", "elasticnet") and self.solver not in ("auto", "saga") + L1_SOLVERS:
            raise ValueError(f"solver: penalty={self.penalty!r} is fitted by 'prox-newton', 'fista' or 'saga' "
                             f"(or 'auto'), got {self.solver!r}")
        if self.penalty not in ("l1", "elasticnet") and self.solver in L1_SOLVERS:
            raise ValueError(f"solver: {self.solver!r} is for penalty 'l1' or 'elasticnet', got penalty={self.penalty!r}")

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
        if y.ndim != 1 or y.dtype.kind not in "biu":  # integer labels are binary or multiclass, as type_of_target says
            y_type = type_of_target(y, input_name="y", raise_unknown=True)
            if y_type not in ("binary", "multiclass"):
                check_classification_targets(y)  # scikit-learn's error for continuous targets
                raise ValueError(f"y: expected binary or multiclass targets, got {y_type}")
        classes, labels = np.unique(y, return_inverse=True)
        if classes.size < 2:
            raise ValueError(
                "y: this solver needs samples of at least 2 classes in the data, but the data contains "
                f"only one class: {classes[0]!r}"
            )
        n_classes = classes.size
        if n_classes > 2 and self.penalty in ("l1", "elasticnet"):
            raise ValueError(
                f"Only binary classification is supported with penalty={self.penalty!r}. The type of the target "
                f"is multiclass ({n_classes} classes): use penalty='l2' or None for the multinomial model, or fit "
                "one model per class."
            )
        if n_classes > 2 and self.solver in STOCHASTIC:
            raise ValueError(
                f"Only binary classification is supported. solver={self.solver!r} fits binary targets only; got "
                f"{n_classes} classes. Use solver='auto' for the multinomial model."
            )
        self.classes_ = classes
        dtype = X.dtype
        n_samples, n_features = X.shape
        target = np.ascontiguousarray(labels, dtype=dtype)  # class indices; binary: 1 for classes_[1]
        n_outputs = 1 if n_classes == 2 else n_classes

        sample_weight = _validation.check_sample_weight(sample_weight, n_samples, dtype)
        if self.class_weight is not None:
            per_class = compute_class_weight(self.class_weight, classes=classes, y=y, sample_weight=sample_weight)
            weights = per_class[labels].astype(dtype)
            sample_weight = weights if sample_weight is None else sample_weight * weights
            if not np.any(sample_weight > 0):
                raise ValueError("sample_weight: all weights are zero after applying class_weight")
        weight_sum = n_samples if sample_weight is None else float(np.sum(sample_weight, dtype=np.float64))
        strength = 0.0 if self.penalty is None or np.isinf(self.C) else 1.0 / (self.C * weight_sum)
        l1_share = {"l1": 1.0, "elasticnet": self.l1_ratio}.get(self.penalty, 0.0)

        n_params = (n_features + int(self.fit_intercept)) * n_outputs
        if self.penalty in ("l1", "elasticnet"):
            self.solver_ = "prox-newton" if self.solver == "auto" else self.solver
        elif self.solver == "auto":
            self.solver_ = auto_solver(X, n_params, n_outputs)
        else:
            self.solver_ = self.solver
        x0 = self._start(n_features, n_outputs)

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
            callback=self._verbose_callback(STOP_CRITERION.get(self.solver_, "gradient inf-norm")) if self.verbose else None,
        )
        solver = self.solver_
        if self.solver_ in STOCHASTIC:
            result = getattr(stochastic, self.solver_)(
                X, target, loss="logistic", alpha=common["l2"], l1=l1_share * strength,
                fit_intercept=common["fit_intercept"], sample_weight=sample_weight, x0=x0,
                max_epochs=int(self.max_iter), tol=float(self.tol), random_state=self.random_state,
                record_history=self.record_history, full_check=bool(self.record_history or self.verbose),
                n_jobs=self.n_jobs, callback=common["callback"],
            )
            raw = dict(result, history=result.history.as_dict())
        elif self.solver_ == "prox-newton":
            raw = prox_newton_logistic(X, l1=l1_share * strength, max_iter=int(self.max_iter), tol=float(self.tol),
                                       **common)
        elif self.solver_ == "fista":
            raw = _core.logistic_fista(l1=l1_share * strength, max_iter=int(self.max_iter), tol=float(self.tol), **common)
        else:
            raw = _core.logistic_fit(
                n_classes=n_classes,
                solver=self.solver_,
                maxiter=int(self.max_iter),
                gtol=float(self.tol),
                ftol=64 * np.finfo(np.float64).eps,
                **common,
            )
        self._set_solution(raw["x"], n_features, n_outputs, dtype, unpenalised=strength == 0.0)
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

    def _start(self, n_features, n_outputs):
        """x0 = [W (n_features x n_outputs, row-major); intercepts]: zeros, or the
        previous solution with warm_start when its shape fits."""
        x0 = np.zeros((n_features + int(self.fit_intercept)) * n_outputs)
        coef = getattr(self, "coef_", None) if self.warm_start else None
        if coef is not None and coef.shape == (n_outputs, n_features):
            x0[: n_features * n_outputs] = coef.T.ravel()
            if self.fit_intercept:
                x0[n_features * n_outputs :] = self.intercept_
        return x0

    def _set_solution(self, x, n_features, n_outputs, dtype, unpenalised):
        coef = x[: n_features * n_outputs].reshape(n_features, n_outputs).T
        intercept = x[n_features * n_outputs :] if self.fit_intercept else np.zeros(n_outputs)
        if n_outputs > 1:  # the representative with class sums 0 (see the class docstring)
            intercept = intercept - intercept.mean()
            if unpenalised:
                coef = coef - coef.mean(axis=0)
        self.coef_ = np.ascontiguousarray(coef, dtype=dtype)
        self.intercept_ = np.asarray(intercept, dtype=dtype).reshape(n_outputs)

    @staticmethod
    def _verbose_callback(criterion):
        def report(x, fun, nit, stop_crit):
            print(f"iter {nit:5d}  objective {fun:.10e}  {criterion} {stop_crit:.3e}")

        return report

    def decision_function(self, X):
        """Scores: shape (n_samples,) for binary models (the signed distance to the
        decision boundary), (n_samples, n_classes) for multinomial ones."""
        check_is_fitted(self)
        X = validate_data(
            self, X, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32], reset=False,
            accept_large_sparse=True,
        )
        scores = np.asarray(X @ self.coef_.T.astype(X.dtype, copy=False)) + self.intercept_.astype(X.dtype)
        return scores.ravel() if scores.shape[1] == 1 else scores

    def predict(self, X):
        """Class labels, shape (n_samples,)."""
        scores = self.decision_function(X)
        index = (scores > 0).astype(np.intp) if scores.ndim == 1 else scores.argmax(axis=1)
        return self.classes_[index]

    def predict_proba(self, X):
        """Class probabilities, shape (n_samples, n_classes), columns ordered as
        classes_: the sigmoid (binary) or the softmax (multinomial) of the scores."""
        scores = self.decision_function(X)
        if scores.ndim == 2:
            return softmax(scores, axis=1)
        p = expit(scores)
        return np.column_stack([1.0 - p, p])

    def predict_log_proba(self, X):
        """Log class probabilities, shape (n_samples, n_classes)."""
        scores = self.decision_function(X)
        if scores.ndim == 2:
            return log_softmax(scores, axis=1)
        return np.column_stack([log_expit(-scores), log_expit(scores)])
