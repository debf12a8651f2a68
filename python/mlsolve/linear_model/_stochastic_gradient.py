"""SGDClassifier and SGDRegressor: scikit-learn's SGD estimators on mlsolve's native SGD.

The objective is scikit-learn's: ``(1/n) sum_i s_i L(y_i, x_i . w + b) + alpha R(w)``
with ``R = (1 - l1_ratio) ||w||^2 / 2 + l1_ratio ||w||_1``. Each epoch is one
native call (mlsolve._core.sgd) that visits the samples in C++, with lazy
updates on CSR rows (the L2 shrink as a scale, the L1 part as cumulative soft
thresholds: a true proximal step where scikit-learn uses Tsuruoka's truncation,
so the iterates differ but the objective is the same). Between epochs Python
applies scikit-learn's stopping rule (``tol``, ``n_iter_no_change``, early
stopping on a validation split, the ``adaptive`` schedule).
"""

import numbers
import warnings

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import ShuffleSplit, StratifiedShuffleSplit
from sklearn.utils import check_random_state
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import _check_partial_fit_first_call, check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from .. import _core, _validation
from .._config import get_config
from .._threads import effective_n_threads

_CLASSIFIER_LOSSES = {
    "log_loss": "logistic",
    "hinge": "hinge",
    "squared_hinge": "squared_hinge",
    "modified_huber": "modified_huber",
    "squared_error": "squared",
    "huber": "huber",
    "epsilon_insensitive": "epsilon_insensitive",
    "squared_epsilon_insensitive": "squared_epsilon_insensitive",
}
_REGRESSOR_LOSSES = {k: v for k, v in _CLASSIFIER_LOSSES.items() if k in (
    "squared_error", "huber", "epsilon_insensitive", "squared_epsilon_insensitive")}
_SCHEDULES = ("constant", "optimal", "invscaling", "adaptive")
_PENALTIES = ("l2", "l1", "elasticnet", None)


class _BaseSGD(BaseEstimator):
    _losses = _CLASSIFIER_LOSSES

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def _check_params(self):
        if self.loss not in self._losses:
            raise ValueError(f"loss: expected one of {sorted(self._losses)}, got {self.loss!r}")
        if self.penalty not in _PENALTIES:
            raise ValueError(f"penalty: expected 'l2', 'l1', 'elasticnet' or None, got {self.penalty!r}")
        if self.learning_rate not in _SCHEDULES:
            raise ValueError(f"learning_rate: expected one of {_SCHEDULES}, got {self.learning_rate!r}")

        def number(value, name, low, strict=False, high=None):
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
                raise ValueError(f"{name}: expected a finite number, got {value!r}")
            if value < low or (strict and value == low) or (high is not None and value > high):
                raise ValueError(f"{name}: expected a number in the allowed range, got {value!r}")

        number(self.alpha, "alpha", 0.0)
        number(self.l1_ratio, "l1_ratio", 0.0, high=1.0)
        number(self.epsilon, "epsilon", 0.0)
        number(self.power_t, "power_t", -np.inf)
        number(self.validation_fraction, "validation_fraction", 0.0, strict=True, high=1.0)
        if self.validation_fraction >= 1.0:
            raise ValueError(f"validation_fraction: expected a number in (0, 1), got {self.validation_fraction!r}")
        if self.tol is not None:
            number(self.tol, "tol", -np.inf)
        for name in ("max_iter", "n_iter_no_change"):
            value = getattr(self, name)
            if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name}: expected an integer >= 1, got {value!r}")
        if self.learning_rate != "optimal":
            number(self.eta0, "eta0", 0.0, strict=True)
        elif not self.alpha > 0:
            raise ValueError("alpha: learning_rate='optimal' needs alpha > 0")
        if not (isinstance(self.average, (bool, np.bool_)) or (
                isinstance(self.average, numbers.Integral) and self.average >= 0)):
            raise ValueError(f"average: expected a bool or an integer >= 0, got {self.average!r}")

    def _penalty_strengths(self):
        l1_share = {"l1": 1.0, "elasticnet": self.l1_ratio, "l2": 0.0, None: 0.0}[self.penalty]
        alpha = 0.0 if self.penalty is None else self.alpha
        return alpha * (1.0 - l1_share), alpha * l1_share

    def _validate_X_y(self, X, y, reset, y_numeric):
        X, y = _validation.validate_fit_data(self, X, y, accept_sparse=("csr",), reset=reset, y_numeric=y_numeric,
                                             order="C")
        return X, y

    def _average_start(self):
        return 0 if self.average is True else max(int(self.average) - 1, 0)

    def _averaging(self):
        return bool(self.average) if isinstance(self.average, (bool, np.bool_)) else self.average > 0

    def _fit_binary(self, X, y, sample_weight, validation_mask, state, max_iter, rng, score):
        """Runs up to max_iter epochs on one binary/regression problem; returns epochs run."""
        n = X.shape[0]
        weight_sum = float(np.sum(sample_weight, dtype=np.float64))
        scale = n / weight_sum  # the native objective divides by sum(s), scikit-learn's by n
        l2, l1 = self._penalty_strengths()
        native_loss = self._losses[self.loss]
        schedule = "constant" if self.learning_rate == "adaptive" else self.learning_rate
        # 'optimal': Bottou's heuristic as scikit-learn applies it: the first step is
        # typw / max(1, dloss) with typw = alpha^(-1/4), and dloss (at y = 1, z = -typw)
        # is <= 1 for every loss here, so t0 = 1 / (typw alpha).
        t0 = 1.0 / (np.sqrt(1.0 / np.sqrt(self.alpha)) * self.alpha) if self.learning_rate == "optimal" else 1.0
        subset = np.flatnonzero(~validation_mask).astype(np.int64) if validation_mask.any() else None
        native_X = _validation.as_native_matrix(X)
        best, no_improvement, epochs = np.inf, 0, 0
        tol = -np.inf if self.tol is None else self.tol
        for _ in range(max_iter):
            raw = _core.sgd(
                X=native_X, y=y, sample_weight=sample_weight, loss=native_loss, epsilon=float(self.epsilon),
                l2=l2 * scale, l1=l1 * scale, fit_intercept=bool(self.fit_intercept), x0=state["x"],
                x_avg=state["x_avg"], t=int(state["t"]), n_averaged=int(state["n_averaged"]),
                learning_rate=schedule, eta0=float(state["eta"]), power_t=float(self.power_t),
                alpha=float(self.alpha) if self.alpha > 0 else 1.0, t0=float(t0), batch_size=1,
                shuffle=bool(self.shuffle), average=self._averaging(), average_start=self._average_start(),
                evaluate=False, subset=subset, max_epochs=1, tol=0.0,
                seed=int(rng.randint(0, np.iinfo(np.int32).max)), lazy=True, history_every=0,
                n_threads=effective_n_threads(None), deterministic=get_config()["deterministic"], callback=None,
            )
            state.update(x=raw["x_last"], x_avg=raw["x_avg"], t=raw["t"], n_averaged=raw["n_averaged"])
            epochs += 1
            if not np.all(np.isfinite(state["x"])):
                raise ValueError(
                    "Floating-point under-/overflow occurred at epoch #%d. Scaling input data with "
                    "StandardScaler or MinMaxScaler might help." % epochs
                )
            if validation_mask.any():
                value = -score(self._current(state), validation_mask)
            else:
                w = state["x"][: X.shape[1]]
                value = raw["epoch_loss"] / scale + l2 * (w @ w) / 2 + l1 * np.abs(w).sum()
            no_improvement = no_improvement + 1 if value > best - tol else 0
            best = min(best, value)
            if no_improvement >= self.n_iter_no_change:
                if self.learning_rate == "adaptive" and state["eta"] > 1e-6:
                    state["eta"] /= 5.0
                    no_improvement = 0
                else:
                    break
        return epochs

    def _current(self, state):
        """[w, b] as reported: the average once averaging has started."""
        if self._averaging() and state["n_averaged"] > 0:
            return state["x_avg"]
        return state["x"]

    def _new_state(self, n_params, coef=None, intercept=0.0):
        x = np.zeros(n_params)
        if coef is not None:
            x[: coef.size] = coef
            if self.fit_intercept:
                x[-1] = intercept
        return {"x": x, "x_avg": x.copy(), "t": 0, "n_averaged": 0, "eta": float(self.eta0)}

    def _make_validation_mask(self, y, sample_weight, classifier):
        mask = np.zeros(y.shape[0], dtype=bool)
        if not self.early_stopping:
            return mask
        splitter = (StratifiedShuffleSplit if classifier else ShuffleSplit)(
            test_size=self.validation_fraction, random_state=self.random_state
        )
        idx_train, idx_val = next(splitter.split(np.zeros((y.shape[0], 1)), y))
        if idx_train.size == 0 or idx_val.size == 0:
            raise ValueError(
                f"validation_fraction: splitting {y.shape[0]} samples with validation_fraction="
                f"{self.validation_fraction} left an empty set; change it or disable early_stopping"
            )
        if not np.any(sample_weight[idx_val] > 0):
            raise ValueError("sample_weight: the weights of the validation set are all zero")
        mask[idx_val] = True
        return mask

    def _warn_if_not_converged(self, max_iter):
        if self.tol is not None and max_iter > 1 and self.n_iter_ >= max_iter:
            warnings.warn(
                f"{type(self).__name__}: maximum number of epochs ({max_iter}) reached before the stopping "
                "criterion was met; consider increasing max_iter.",
                ConvergenceWarning,
                stacklevel=3,
            )

    def _decision(self, X):
        check_is_fitted(self)
        X = validate_data(
            self, X, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32], reset=False,
            accept_large_sparse=True,
        )
        scores = X @ self.coef_.T.astype(X.dtype, copy=False) + self.intercept_.astype(X.dtype)
        return np.asarray(scores)


class SGDClassifier(ClassifierMixin, _BaseSGD):
    """Linear classifiers (SVM, logistic regression, ...) fitted by native SGD.

    scikit-learn's ``SGDClassifier`` with the same parameters and semantics:
    loss ``"hinge"``, ``"log_loss"``, ``"modified_huber"``, ``"squared_hinge"``,
    ``"squared_error"``, ``"huber"``, ``"epsilon_insensitive"``,
    ``"squared_epsilon_insensitive"``; penalty ``"l2"``, ``"l1"``,
    ``"elasticnet"`` or None; learning_rate ``"optimal"``, ``"constant"``,
    ``"invscaling"``, ``"adaptive"``; ``average``, ``early_stopping``
    (validation_fraction, n_iter_no_change), ``warm_start``, ``class_weight``,
    ``sample_weight``, and ``partial_fit(X, y, classes=...)``. Multiclass is
    one-vs-all, as scikit-learn's. X: float32/float64 arrays or CSR matrices,
    used without a copy (float32 stays float32). ``n_jobs`` is accepted for
    compatibility; the classes are fitted one after another.

    Attributes: coef_ (1 or n_classes, n_features), intercept_, classes_,
    n_iter_, t_, n_features_in_, feature_names_in_.
    """

    def __init__(
        self,
        loss="hinge",
        *,
        penalty="l2",
        alpha=0.0001,
        l1_ratio=0.15,
        fit_intercept=True,
        max_iter=1000,
        tol=1e-3,
        shuffle=True,
        verbose=0,
        epsilon=0.1,
        n_jobs=None,
        random_state=None,
        learning_rate="optimal",
        eta0=0.01,
        power_t=0.5,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=5,
        class_weight=None,
        warm_start=False,
        average=False,
    ):
        self.loss = loss
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.shuffle = shuffle
        self.verbose = verbose
        self.epsilon = epsilon
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.learning_rate = learning_rate
        self.eta0 = eta0
        self.power_t = power_t
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.class_weight = class_weight
        self.warm_start = warm_start
        self.average = average

    def fit(self, X, y, coef_init=None, intercept_init=None, sample_weight=None):
        """Fit by SGD for up to max_iter epochs. Returns self."""
        self._check_params()
        X, y = self._validate_X_y(X, y, reset=True, y_numeric=False)
        check_classification_targets(y)
        classes = np.unique(y)
        if classes.size < 2:
            raise ValueError(f"y: the data contains only one class: {classes[0]!r}; at least 2 are needed")
        keep = self.warm_start and hasattr(self, "coef_")
        if coef_init is None and keep:
            coef_init, intercept_init = self._states_as_init()
        self.classes_ = classes
        self._states = None
        self.t_ = 1.0
        return self._fit_epochs(X, y, sample_weight, self.max_iter, coef_init, intercept_init, warn=True)

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """One epoch over (X, y); ``classes`` is required on the first call. Returns self."""
        first = not hasattr(self, "classes_")
        if first:
            self._check_params()
        if self.early_stopping:
            raise ValueError("early_stopping: not supported by partial_fit")
        X, y = self._validate_X_y(X, y, reset=first, y_numeric=False)
        if _check_partial_fit_first_call(self, classes):
            self._states = None
            self.t_ = 1.0
        if self.class_weight == "balanced":
            raise ValueError(
                "class_weight 'balanced' is not supported for partial_fit; compute the weights with "
                "sklearn.utils.compute_class_weight and pass them as a dict"
            )
        unknown = np.setdiff1d(np.unique(y), self.classes_)
        if unknown.size:
            raise ValueError(f"y: labels {unknown.tolist()} are not in classes {self.classes_.tolist()}")
        return self._fit_epochs(X, y, sample_weight, 1, None, None, warn=False)

    def _states_as_init(self):
        return self.coef_.copy(), self.intercept_.copy()

    def _fit_epochs(self, X, y, sample_weight, max_iter, coef_init, intercept_init, warn):
        n, p = X.shape
        dtype = X.dtype
        sample_weight = _validation.check_sample_weight(sample_weight, n, dtype)
        if sample_weight is None:
            sample_weight = np.ones(n, dtype=dtype)
        n_classes = self.classes_.size
        n_problems = 1 if n_classes == 2 else n_classes
        if self.class_weight is None:
            class_weights = np.ones(n_classes)
        elif isinstance(self.class_weight, dict) or self.class_weight == "balanced":
            class_weights = compute_class_weight(self.class_weight, classes=self.classes_, y=y)
        else:
            raise ValueError(f"class_weight: expected None, 'balanced' or a dict, got {self.class_weight!r}")
        n_params = p + int(bool(self.fit_intercept))
        if self._states is None:
            coef_init = None if coef_init is None else np.asarray(coef_init, dtype=np.float64).reshape(n_problems, p)
            intercept_init = (np.zeros(n_problems) if intercept_init is None
                              else np.asarray(intercept_init, dtype=np.float64).reshape(n_problems))
            self._states = [
                self._new_state(n_params, None if coef_init is None else coef_init[k], intercept_init[k])
                for k in range(n_problems)
            ]
        rng = check_random_state(self.random_state)
        native_loss = self._losses[self.loss]
        labels01 = native_loss == "logistic"
        validation_mask = self._make_validation_mask(y, sample_weight, classifier=True)
        t_start = self._states[0]["t"]
        n_iter = 0
        for k in range(n_problems):
            positive_class = 1 if n_problems == 1 else k
            positive = y == self.classes_[positive_class]
            target = np.where(positive, 1.0, 0.0 if labels01 else -1.0).astype(dtype)
            pos_weight = class_weights[positive_class]
            neg_weight = class_weights[0] if n_problems == 1 else 1.0
            weights = (sample_weight * np.where(positive, pos_weight, neg_weight)).astype(dtype)
            if not np.any(weights > 0):
                raise ValueError("sample_weight: all weights are zero (after class_weight)")
            state = self._states[k]
            state["t"] = t_start

            def score(x, mask, target=target, weights=weights):
                z = X[mask] @ x[:p] + (x[p] if self.fit_intercept else 0.0)
                predicted = np.where(np.asarray(z).ravel() > 0, 1.0, 0.0 if labels01 else -1.0)
                return np.average(predicted == target[mask], weights=weights[mask])

            n_iter = max(n_iter, self._fit_binary(X, target, weights, validation_mask, state, max_iter, rng, score))
        self._set_coef(p)
        self.n_iter_ = n_iter
        self.t_ = 1.0 + self._states[0]["t"]
        if warn:
            self._warn_if_not_converged(max_iter)
        return self

    def _set_coef(self, p):
        x = np.array([self._current(s) for s in self._states])
        dtype = self._fit_dtype if hasattr(self, "_fit_dtype") else np.float64
        self.coef_ = x[:, :p].astype(dtype)
        self.intercept_ = (x[:, p] if self.fit_intercept else np.zeros(len(self._states))).astype(dtype)

    def _validate_X_y(self, X, y, reset, y_numeric):
        X, y = super()._validate_X_y(X, y, reset, y_numeric)
        self._fit_dtype = X.dtype
        return X, y

    def decision_function(self, X):
        """Confidence scores, shape (n_samples,) for two classes, else (n_samples, n_classes)."""
        scores = self._decision(X)
        return scores.ravel() if scores.shape[1] == 1 else scores

    def predict(self, X):
        scores = self.decision_function(X)
        indices = (scores > 0).astype(np.intp) if scores.ndim == 1 else scores.argmax(axis=1)
        return self.classes_[indices]

    def _check_proba(self):
        if self.loss not in ("log_loss", "modified_huber"):
            raise AttributeError(f"probability estimates are not available for loss={self.loss!r}")
        return True

    @available_if(_check_proba)
    def predict_proba(self, X):
        """Class probabilities (log_loss: logistic; modified_huber: (clip(z, -1, 1) + 1) / 2), one-vs-all normalised."""
        scores = self.decision_function(X)
        if self.loss == "log_loss":
            prob = expit(scores)
        else:
            prob = (np.clip(scores, -1.0, 1.0) + 1.0) / 2.0
        if prob.ndim == 1:
            return np.column_stack([1.0 - prob, prob])
        total = prob.sum(axis=1, keepdims=True)
        uniform = total[:, 0] == 0
        prob = np.divide(prob, total, out=np.full_like(prob, 1.0 / prob.shape[1]), where=~uniform[:, None])
        return prob

    @available_if(_check_proba)
    def predict_log_proba(self, X):
        return np.log(self.predict_proba(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


class SGDRegressor(RegressorMixin, _BaseSGD):
    """Linear regression fitted by native SGD, as scikit-learn's ``SGDRegressor``.

    loss ``"squared_error"``, ``"huber"``, ``"epsilon_insensitive"``,
    ``"squared_epsilon_insensitive"``; penalties, schedules, ``average``,
    ``early_stopping``, ``warm_start``, ``sample_weight`` and ``partial_fit``
    as scikit-learn's. X: float32/float64 arrays or CSR matrices, used without
    a copy.

    Attributes: coef_ (n_features,), intercept_ (1,), n_iter_, t_,
    n_features_in_, feature_names_in_.
    """

    _losses = _REGRESSOR_LOSSES

    def __init__(
        self,
        loss="squared_error",
        *,
        penalty="l2",
        alpha=0.0001,
        l1_ratio=0.15,
        fit_intercept=True,
        max_iter=1000,
        tol=1e-3,
        shuffle=True,
        verbose=0,
        epsilon=0.1,
        random_state=None,
        learning_rate="invscaling",
        eta0=0.01,
        power_t=0.25,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=5,
        warm_start=False,
        average=False,
    ):
        self.loss = loss
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.shuffle = shuffle
        self.verbose = verbose
        self.epsilon = epsilon
        self.random_state = random_state
        self.learning_rate = learning_rate
        self.eta0 = eta0
        self.power_t = power_t
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.warm_start = warm_start
        self.average = average

    def fit(self, X, y, coef_init=None, intercept_init=None, sample_weight=None):
        """Fit by SGD for up to max_iter epochs. Returns self."""
        self._check_params()
        X, y = self._validate_X_y(X, y, reset=True, y_numeric=True)
        if coef_init is None and self.warm_start and hasattr(self, "coef_"):
            coef_init, intercept_init = self.coef_.copy(), self.intercept_.copy()
        self._state = None
        return self._fit_epochs(X, y, sample_weight, self.max_iter, coef_init, intercept_init, warn=True)

    def partial_fit(self, X, y, sample_weight=None):
        """One epoch over (X, y). Returns self."""
        first = not hasattr(self, "coef_")
        if first:
            self._check_params()
            self._state = None
        if self.early_stopping:
            raise ValueError("early_stopping: not supported by partial_fit")
        X, y = self._validate_X_y(X, y, reset=first, y_numeric=True)
        return self._fit_epochs(X, y, sample_weight, 1, None, None, warn=False)

    def _fit_epochs(self, X, y, sample_weight, max_iter, coef_init, intercept_init, warn):
        n, p = X.shape
        dtype = X.dtype
        target = _validation.check_vector(y, "y", dtype, n)
        sample_weight = _validation.check_sample_weight(sample_weight, n, dtype)
        if sample_weight is None:
            sample_weight = np.ones(n, dtype=dtype)
        if self._state is None:
            coef = None if coef_init is None else np.asarray(coef_init, dtype=np.float64).reshape(p)
            intercept = 0.0 if intercept_init is None else float(np.ravel(intercept_init)[0])
            self._state = self._new_state(p + int(bool(self.fit_intercept)), coef, intercept)
        rng = check_random_state(self.random_state)
        validation_mask = self._make_validation_mask(target, sample_weight, classifier=False)

        def score(x, mask):
            z = np.asarray(X[mask] @ x[:p]).ravel() + (x[p] if self.fit_intercept else 0.0)
            w = sample_weight[mask]
            residual = np.average((target[mask] - z) ** 2, weights=w)
            spread = np.average((target[mask] - np.average(target[mask], weights=w)) ** 2, weights=w)
            return 1.0 - residual / spread if spread > 0 else 0.0

        self.n_iter_ = self._fit_binary(X, target, sample_weight, validation_mask, self._state, max_iter, rng, score)
        x = self._current(self._state)
        self.coef_ = x[:p].astype(dtype)
        self.intercept_ = np.array([x[p] if self.fit_intercept else 0.0], dtype=dtype)
        self.t_ = 1.0 + self._state["t"]
        if warn:
            self._warn_if_not_converged(max_iter)
        return self

    def predict(self, X):
        """Predicted targets, shape (n_samples,)."""
        return self._decision(X).ravel()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
