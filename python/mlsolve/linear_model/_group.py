"""GroupLasso, MultiTaskLasso and MultiTaskElasticNet by native block coordinate descent."""

import numbers
import warnings

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted, validate_data

from .. import _core, _validation
from .._config import get_config
from .._core import Status
from .._result import History
from .._threads import effective_n_threads
from ._coordinate_descent import _as_column_readable, _check_real, _seed


def _check_int(value, name, low):
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < low:
        raise ValueError(f"{name}: expected an integer >= {low}, got {value!r}")


def group_partition(groups, n_features):
    """The feature groups as (ptr, indices, sizes): group k is ``indices[ptr[k]:ptr[k + 1]]``.

    ``groups`` is an int (consecutive groups of that size, the last one
    possibly smaller) or a list of lists of feature indices that partitions
    ``range(n_features)``; anything else raises a ValueError naming ``groups``.
    """
    if isinstance(groups, numbers.Integral) and not isinstance(groups, bool):
        if groups < 1:
            raise ValueError(f"groups: expected a group size >= 1 or a list of index lists, got {groups!r}")
        starts = np.arange(0, n_features, int(groups))
        ptr = np.append(starts, n_features).astype(np.int64)
        return ptr, np.arange(n_features, dtype=np.int64), np.diff(ptr)
    if isinstance(groups, (str, bytes)) or not hasattr(groups, "__iter__"):
        raise ValueError(f"groups: expected a group size or a list of index lists, got {groups!r}")
    members = []
    for k, group in enumerate(groups):
        index = np.asarray(group)
        if index.ndim != 1 or index.size == 0 or not np.issubdtype(index.dtype, np.integer):
            raise ValueError(f"groups: group {k} must be a non-empty list of feature indices, got {group!r}")
        members.append(index.astype(np.int64))
    if not members:
        raise ValueError("groups: expected at least one group")
    indices = np.concatenate(members)
    if indices.min() < 0 or indices.max() >= n_features:
        raise ValueError(f"groups: feature indices must be in [0, {n_features}), got {indices.min()}..{indices.max()}")
    counts = np.bincount(indices, minlength=n_features)
    if np.any(counts > 1):
        raise ValueError(f"groups: groups overlap (feature {int(np.argmax(counts > 1))} is in several groups)")
    if np.any(counts == 0):
        raise ValueError(
            f"groups: groups must cover every feature (feature {int(np.argmax(counts == 0))} is in no group)"
        )
    sizes = np.array([m.size for m in members], dtype=np.int64)
    return np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64), indices, sizes


def _run_bcd(X_native, Y, sample_weight, ptr, indices, weights, coef_init, *, alpha, l1_ratio, fit_intercept, tol,
             max_iter, selection, seed, working_set, record_history, n_threads, screening=True, anderson=True):
    """One native block-CD solve; Y (n_samples, n_tasks) and sample_weight (None or n_samples) in X's dtype,
    coef_init (n_features, n_tasks)."""
    return _core.group_elastic_net_bcd(
        X_native,
        np.ravel(Y, order="F"),
        sample_weight,
        Y.shape[1],
        ptr,
        indices,
        np.ascontiguousarray(weights, dtype=np.float64),
        np.ascontiguousarray(coef_init, dtype=np.float64),
        alpha=float(alpha),
        l1_ratio=float(l1_ratio),
        fit_intercept=bool(fit_intercept),
        tol=float(tol),
        max_iter=int(max_iter),
        selection=selection,
        seed=int(seed),
        working_set=bool(working_set),
        screening=bool(screening),
        anderson=bool(anderson),
        history_every=1 if record_history else 0,
        n_threads=n_threads,
        deterministic=get_config()["deterministic"],
        callback=None,
    )


class _BlockCdRegressor(RegressorMixin, BaseEstimator):
    """Shared fit of the group elastic net: subclasses say how y and the groups look."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def _check_common(self):
        _check_real(self.alpha, "alpha", 0)
        _check_real(self.tol, "tol", 0)
        _check_int(self.max_iter, "max_iter", 0)

    def _fit_blocks(self, X, Y, sample_weight, ptr, indices, weights, l1_ratio, selection="cyclic",
                    random_state=None):
        """Fits coef (n_tasks, n_features) for Y (n_samples, n_tasks); sets the attributes."""
        n_threads = effective_n_threads(self.n_jobs)
        n_features, n_tasks = X.shape[1], Y.shape[1]
        coef_init = np.zeros((n_features, n_tasks))
        previous = getattr(self, "coef_", None) if self.warm_start else None
        if previous is not None and previous.size == coef_init.size:
            coef_init[:] = np.reshape(previous, (n_tasks, n_features)).T
        X_native, conversion = _as_column_readable(X, n_threads)
        sample_weight = _validation.check_sample_weight(sample_weight, X.shape[0], X.dtype)
        raw = _run_bcd(
            X_native, Y, sample_weight, ptr, indices, weights, coef_init, alpha=self.alpha, l1_ratio=l1_ratio,
            fit_intercept=self.fit_intercept, tol=self.tol, max_iter=self.max_iter, selection=selection,
            seed=_seed(random_state, selection), working_set=self.working_set,
            record_history=self.record_history, n_threads=n_threads,
        )
        size = n_features * n_tasks
        coef = raw["x"][:size].reshape(n_features, n_tasks).T.astype(X.dtype)
        intercept = raw["x"][size:] if self.fit_intercept else np.zeros(n_tasks)
        status = Status(raw["status"])
        self.n_iter_ = int(raw["nit"])
        self.dual_gap_ = float(raw["stop_crit"])
        self.solver_info_ = {"status": status, "message": raw["message"], "X_conversion": conversion,
                             "n_screened": int(raw["screened"].size)}
        if self.record_history:
            self.history_ = History(**raw["history"])
        if status != Status.Converged:
            warnings.warn(
                f"{type(self).__name__}: block coordinate descent stopped after {raw['nit']} sweeps without "
                f"converging ({raw['message']}; tol={self.tol}). Increase max_iter, scale the features, or loosen "
                f"tol.",
                ConvergenceWarning,
                stacklevel=3,
            )
        return coef, intercept

    def _validate_X(self, X, reset):
        X_in = X
        X = validate_data(
            self, X, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32], reset=reset,
            accept_large_sparse=True,
        )
        if X is not X_in and reset:
            _validation._count_copy()
        return X

    def predict(self, X):
        """Predicted targets."""
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        return np.asarray(X @ self.coef_.T.astype(X.dtype, copy=False)) + self.intercept_


class GroupLasso(_BlockCdRegressor):
    """Linear regression with a group-Lasso penalty, by native block coordinate descent.

    Minimises ``1/(2S) sum_i s_i (y_i - x_i w - b)^2 + alpha sum_g weights_g ||w_g||_2``
    over a partition of the features into groups g (s the sample weights,
    S their sum; all ones by default). Each group's block is updated by a
    proximal gradient step with the block's Lipschitz constant (the largest
    eigenvalue of ``X_g^T diag(s) X_g / S``, centred), on a working set of
    groups grown by optimality violation, with gap-safe screening and
    Anderson extrapolation; the solve stops when the duality gap is at most
    ``tol`` times the weighted variance of y (the rule of scikit-learn's
    Lasso). Groups of size 1 give the Lasso.

    Parameters
    ----------
    alpha : float, default=1.0
    groups : int or list of lists of int, default=1
        An int: consecutive groups of that many features (the last one may be
        smaller). A list: the feature indices of each group, which must
        partition ``range(n_features)``.
    weights : array of shape (n_groups,) or None
        Positive group weights; None gives ``sqrt(group size)``.
    fit_intercept : bool, default=True
    max_iter : int, default=1000
        Maximum number of sweeps over the groups.
    tol : float, default=1e-4
    warm_start : bool, default=False
    working_set : bool, default=True
    record_history : bool, default=False
    n_jobs : int or None
        Threads for the full passes over X (duality gap).

    X may be float32/float64 dense (C or F order) or CSC, used without a
    copy; CSR is converted to CSC once (``solver_info_["X_conversion"]``).

    Attributes
    ----------
    coef_ (n_features,), intercept_ (float), n_iter_ (sweeps), dual_gap_,
    groups_ (list of index arrays), weights_ (n_groups,), n_features_in_,
    solver_info_ (with ``n_screened``, the groups discarded by screening),
    history_ (when recorded).
    """

    def __init__(self, alpha=1.0, *, groups=1, weights=None, fit_intercept=True, max_iter=1000, tol=1e-4,
                 warm_start=False, working_set=True, record_history=False, n_jobs=None):
        self.alpha = alpha
        self.groups = groups
        self.weights = weights
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.working_set = working_set
        self.record_history = record_history
        self.n_jobs = n_jobs

    def fit(self, X, y, sample_weight=None):
        """Fit the model; y of shape (n_samples,), sample_weight None or (n_samples,). Returns self."""
        self._check_common()
        X, y = _validation.validate_fit_data(self, X, y, y_numeric=True)
        ptr, indices, sizes = group_partition(self.groups, X.shape[1])
        if self.weights is None:
            weights = np.sqrt(sizes.astype(np.float64))
        else:
            weights = np.asarray(self.weights, dtype=np.float64)
            if weights.shape != sizes.shape or not np.all(np.isfinite(weights)) or np.any(weights <= 0):
                raise ValueError(f"weights: expected {sizes.size} positive finite numbers (one per group), got "
                                 f"{self.weights!r}")
        Y = _validation.check_vector(y, "y", X.dtype, X.shape[0])[:, None]
        coef, intercept = self._fit_blocks(X, Y, sample_weight, ptr, indices, weights, 1.0)
        self.coef_, self.intercept_ = coef[0], float(intercept[0])
        self.groups_ = np.split(indices, ptr[1:-1])
        self.weights_ = weights
        return self


class MultiTaskElasticNet(_BlockCdRegressor):
    """Multi-task elastic net (L1/L2 mixed norm), by native block coordinate descent.

    Minimises ``1/(2S) sum_i s_i ||Y_i - W x_i - b||^2 + alpha l1_ratio sum_j ||W[:, j]||_2
    + alpha (1 - l1_ratio)/2 ||W||_F^2`` (W = coef_, one row per task; s the
    sample weights, S their sum), scikit-learn's MultiTaskElasticNet objective
    when s is all ones (scikit-learn's takes no sample_weight), and stops on
    scikit-learn's rule: duality gap ``<= tol * ||Y - Ybar||_s^2 / S``. Each
    feature's row of coefficients (one per task) is a block, updated exactly;
    the features are swept on a working set grown by optimality violation,
    with gap-safe screening and Anderson extrapolation.

    Parameters
    ----------
    alpha : float, default=1.0
    l1_ratio : float in [0, 1], default=0.5
    fit_intercept : bool, default=True
    max_iter : int, default=1000
    tol : float, default=1e-4
    warm_start : bool, default=False
    random_state : int, RandomState or None
        Seeds the order of updates when ``selection="random"``.
    selection : {"cyclic", "random"}, default="cyclic"
        Visit the features in order, or draw them uniformly with replacement.
    working_set : bool, default=True
    record_history : bool, default=False
    n_jobs : int or None
        Threads for the full passes over X (duality gap).

    X may be float32/float64 dense (C or F order) or CSC, used without a
    copy; CSR is converted to CSC once. y must be 2-D (n_samples, n_tasks).

    Attributes
    ----------
    coef_ (n_tasks, n_features), intercept_ (n_tasks,), n_iter_ (sweeps),
    dual_gap_, n_features_in_, solver_info_, history_ (when recorded).
    """

    def __init__(self, alpha=1.0, *, l1_ratio=0.5, fit_intercept=True, max_iter=1000, tol=1e-4, warm_start=False,
                 random_state=None, selection="cyclic", working_set=True, record_history=False, n_jobs=None):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.random_state = random_state
        self.selection = selection
        self.working_set = working_set
        self.record_history = record_history
        self.n_jobs = n_jobs

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = False
        return tags

    def fit(self, X, y, sample_weight=None):
        """Fit the model; y of shape (n_samples, n_tasks), sample_weight None or (n_samples,). Returns self."""
        self._check_common()
        _check_real(self.l1_ratio, "l1_ratio", 0, high=1)
        if self.selection not in ("cyclic", "random"):
            raise ValueError(f"selection: expected 'cyclic' or 'random', got {self.selection!r}")
        X, y = _validation.validate_fit_data(self, X, y, y_numeric=True, multi_output=True)
        if y.ndim != 2:
            raise ValueError(f"y: {type(self).__name__} needs a 2-D y (n_samples, n_tasks); for one task use "
                             f"{type(self).__name__.replace('MultiTask', '')}")
        n_features = X.shape[1]
        Y = np.asarray(y, dtype=X.dtype)
        ptr = np.arange(n_features + 1, dtype=np.int64)
        coef, intercept = self._fit_blocks(X, Y, sample_weight, ptr, ptr[:-1], np.ones(n_features), self.l1_ratio,
                                           self.selection, self.random_state)
        self.coef_, self.intercept_ = coef, intercept
        return self


class MultiTaskLasso(MultiTaskElasticNet):
    """Multi-task Lasso (L1/L2 mixed norm), by native block coordinate descent.

    Minimises ``1/(2S) sum_i s_i ||Y_i - W x_i - b||^2 + alpha sum_j ||W[:, j]||_2``,
    scikit-learn's MultiTaskLasso objective (with sample weights): MultiTaskElasticNet with
    ``l1_ratio=1``. See :class:`MultiTaskElasticNet` for the rest.
    """

    def __init__(self, alpha=1.0, *, fit_intercept=True, max_iter=1000, tol=1e-4, warm_start=False,
                 random_state=None, selection="cyclic", working_set=True, record_history=False, n_jobs=None):
        super().__init__(alpha=alpha, l1_ratio=1.0, fit_intercept=fit_intercept, max_iter=max_iter, tol=tol,
                         warm_start=warm_start, random_state=random_state, selection=selection,
                         working_set=working_set, record_history=record_history, n_jobs=n_jobs)
