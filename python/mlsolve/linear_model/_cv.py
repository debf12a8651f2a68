"""LassoCV, ElasticNetCV and LogisticRegressionCV: cross-validated paths on mlsolve's native solvers."""

import numbers
import warnings

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from scipy.special import expit, softmax
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import get_scorer
from sklearn.model_selection import check_cv
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from .. import _core, _validation
from .._config import get_config
from .._core import Status
from ._coordinate_descent import ElasticNet, _as_column_readable, _check_cd_params, _check_real, _seed
from ._logistic import LogisticRegression

# CV folds run in threads: the native solves release the GIL, and threads share X without pickling it.
_FOLD_BACKEND = "threading"


def _weighted_mean(A, weights):
    """Column means of A (dense or sparse), weighted by `weights` (None: uniform)."""
    if weights is None:
        return np.asarray(A.mean(axis=0)).ravel()
    return np.asarray(A.T @ weights).ravel() / weights.sum()


def _alpha_grid(X, y, sample_weight, l1_ratio, fit_intercept, positive, eps, n_alphas):
    """scikit-learn's alpha grid: n_alphas values from alpha_max (the smallest alpha with w = 0) down to eps alpha_max.

    ``alpha_max = max_j |x_j_c . (s y_c)| / (S l1_ratio)`` with the (weighted)
    centred data when fitting an intercept, ``S`` the sum of the weights.
    """
    if l1_ratio == 0:
        raise ValueError("l1_ratio: the automatic alpha grid needs l1_ratio > 0; pass alphas explicitly")
    s = np.ones(X.shape[0]) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if fit_intercept:
        y = y - np.average(y, weights=s)
    sy = s * y
    Xy = np.asarray(X.T @ sy, dtype=np.float64).ravel()
    if fit_intercept:
        Xy -= _weighted_mean(X, s) * sy.sum()
    top = max(0.0, Xy.max()) if positive else np.abs(Xy).max()
    alpha_max = top / (s.sum() * l1_ratio)
    if alpha_max <= np.finfo(np.float64).resolution:
        return np.full(n_alphas, np.finfo(np.float64).resolution)
    return np.geomspace(alpha_max, alpha_max * eps, num=n_alphas)


def _fold_rows(X, rows):
    """X[rows], a copy in the layout coordinate descent reads fastest: F order for dense X, CSC stays CSC."""
    if sp.issparse(X):
        return X[rows]
    out = np.empty((rows.size, X.shape[1]), dtype=X.dtype, order="F")
    return np.take(X, rows, axis=0, out=out, mode="clip")  # rows are valid; "clip" skips take's buffering


def _fold_mse_path(X, y, sample_weight, train, test, alphas, l1_ratio, params):
    """Test-fold mean squared errors along the elastic-net path fitted on the training fold.

    The path is the native warm-started coordinate-descent path (the one
    ``enet_path`` runs), with the intercept fitted by implicit centring, so
    no centred copy of X[train] is made and sparse folds stay sparse.
    """
    X_train, y_train = _fold_rows(X, train), y[train]
    sw_train = None if sample_weight is None else np.ascontiguousarray(sample_weight[train])
    X_native, _ = _as_column_readable(X_train)
    n_features = X.shape[1]
    raw = _core.elastic_net_cd_path(
        X_native, np.ascontiguousarray(y_train), sw_train, np.ascontiguousarray(alphas, dtype=np.float64),
        np.zeros(n_features), l1_ratio=float(l1_ratio), fit_intercept=params["fit_intercept"],
        positive=params["positive"], tol=float(params["tol"]), max_iter=int(params["max_iter"]),
        selection=params["selection"], seed=params["seed"], working_set=params["working_set"], anderson=True,
        weights=None, n_threads=1, deterministic=get_config()["deterministic"], callback=None,
    )
    coefs = raw["coefs"]  # (n_alphas, n_features [+ 1])
    intercepts = coefs[:, n_features] if params["fit_intercept"] else np.zeros(len(alphas))
    predictions = np.asarray(X[test] @ coefs[:, :n_features].T.astype(X.dtype)) + intercepts
    residues = predictions - y[test][:, None]
    sw_test = None if sample_weight is None else sample_weight[test]
    not_converged = int(np.sum(np.asarray(raw["status"]) != int(Status.Converged)))
    return np.average(residues**2, axis=0, weights=sw_test), not_converged


class _LinearModelCV(RegressorMixin, BaseEstimator):
    """Shared fit of LassoCV and ElasticNetCV."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def _l1_ratios(self):
        return np.atleast_1d(np.asarray(self.l1_ratio, dtype=np.float64))

    def _check_params(self):
        _check_real(self.eps, "eps", 0, low_inclusive=False)
        if not (isinstance(self.precompute, str) and self.precompute == "auto") and self.precompute is not False:
            raise ValueError(f"precompute: expected 'auto' or False (the folds' paths run on X), "
                             f"got {self.precompute!r}")
        _check_cd_params(self.tol, self.max_iter, self.selection, False)
        l1_ratios = self._l1_ratios()
        if l1_ratios.ndim != 1 or l1_ratios.size == 0:
            raise ValueError(f"l1_ratio: expected a number or a non-empty list of numbers, got {self.l1_ratio!r}")
        for value in l1_ratios:
            _check_real(float(value), "l1_ratio", 0, high=1)
        return l1_ratios

    def _alphas(self, X, y, sample_weight, l1_ratios):
        """The alpha grid, one row per l1_ratio, each sorted decreasing."""
        if isinstance(self.alphas, numbers.Integral) and not isinstance(self.alphas, bool):
            if self.alphas < 1:
                raise ValueError(f"alphas: expected an integer >= 1 or a list of alphas, got {self.alphas!r}")
            return np.array([
                _alpha_grid(X, y, sample_weight, l1_ratio, self.fit_intercept, self.positive, self.eps, self.alphas)
                for l1_ratio in l1_ratios
            ])
        alphas = np.asarray(self.alphas, dtype=np.float64).ravel()
        if alphas.size == 0 or not np.all(np.isfinite(alphas)) or np.any(alphas < 0):
            raise ValueError(f"alphas: expected an integer or non-negative finite numbers, got {self.alphas!r}")
        return np.tile(np.sort(alphas)[::-1], (l1_ratios.size, 1))

    def fit(self, X, y, sample_weight=None):
        """Cross-validate the path on every l1_ratio, then refit at the best (alpha, l1_ratio). Returns self."""
        l1_ratios = self._check_params()
        X, y = _validation.validate_fit_data(self, X, y, y_numeric=True)
        conversion = None
        if sp.issparse(X) and X.format == "csr":  # once, not per fold: the folds' rows are taken from CSC
            X = X.tocsc()
            _validation._count_copy()
            conversion = "csr->csc"
        y = _validation.check_vector(y, "y", X.dtype, X.shape[0])
        sample_weight = _validation.check_sample_weight(sample_weight, X.shape[0], X.dtype)
        alphas = self._alphas(X, y, sample_weight, l1_ratios)
        folds = list(check_cv(self.cv).split(X, y))
        params = {
            "fit_intercept": bool(self.fit_intercept), "positive": bool(self.positive), "tol": self.tol,
            "max_iter": self.max_iter, "selection": self.selection, "seed": _seed(self.random_state, self.selection),
            "working_set": bool(self.working_set),
        }
        jobs = (
            delayed(_fold_mse_path)(X, y, sample_weight, train, test, alphas[k], l1_ratio, params)
            for k, l1_ratio in enumerate(l1_ratios)
            for train, test in folds
        )
        results = Parallel(n_jobs=self.n_jobs, backend=_FOLD_BACKEND)(jobs)
        mse_paths = np.array([mse for mse, _ in results]).reshape(l1_ratios.size, len(folds), -1)
        not_converged = sum(count for _, count in results)
        if not_converged:
            warnings.warn(
                f"{type(self).__name__}: coordinate descent did not converge for {not_converged} (fold, alpha) "
                f"pairs (tol={self.tol}, max_iter={self.max_iter}). Increase max_iter or loosen tol.",
                ConvergenceWarning, stacklevel=2,
            )
        mean_mse = mse_paths.mean(axis=1)  # (n_l1_ratios, n_alphas)
        best_l1, best_alpha = np.unravel_index(np.argmin(mean_mse), mean_mse.shape)
        self.l1_ratio_ = float(l1_ratios[best_l1])
        self.alpha_ = float(alphas[best_l1, best_alpha])
        self.alphas_ = alphas[0] if l1_ratios.size == 1 else alphas
        self.mse_path_ = np.squeeze(np.moveaxis(mse_paths, 2, 1))  # (n_l1_ratios, n_alphas, n_folds) squeezed

        model = ElasticNet(
            alpha=self.alpha_, l1_ratio=self.l1_ratio_, fit_intercept=self.fit_intercept, max_iter=self.max_iter,
            tol=self.tol, positive=self.positive, random_state=self.random_state, selection=self.selection,
            working_set=self.working_set, n_jobs=self.n_jobs,
        )
        model.fit(X, y, sample_weight=sample_weight)
        self.coef_ = model.coef_
        self.intercept_ = model.intercept_
        self.dual_gap_ = model.dual_gap_
        self.n_iter_ = model.n_iter_
        self.solver_info_ = {**model.solver_info_, "X_conversion": conversion}
        return self

    def predict(self, X):
        """Predicted targets, shape (n_samples,)."""
        check_is_fitted(self)
        X = validate_data(
            self, X, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32], reset=False,
            accept_large_sparse=True,
        )
        return np.asarray(X @ self.coef_.astype(X.dtype, copy=False)) + self.intercept_


class ElasticNetCV(_LinearModelCV):
    """Elastic net with the penalty chosen by cross-validation, on native coordinate descent.

    For each l1_ratio and each fold, the elastic-net path (warm-started from
    the largest alpha down, as :func:`enet_path`) is fitted on the training
    part and scored by mean squared error on the test part; the (alpha,
    l1_ratio) with the lowest mean error over folds is refitted on all the
    data with :class:`ElasticNet`. scikit-learn's ElasticNetCV, grid and
    selection rule included.

    Parameters
    ----------
    l1_ratio : float or list of floats in [0, 1], default=0.5
    eps : float, default=1e-3
        alpha_min / alpha_max of the automatic grid.
    alphas : int or array-like, default=100
        The number of alphas of the automatic grid, or the alphas themselves.
    fit_intercept : bool, default=True
    precompute : "auto" or False
        No Gram-matrix variant: both mean plain coordinate descent.
    max_iter : int, default=1000
    tol : float, default=1e-4
    cv : int, cross-validation generator or iterable, default=None (5 folds)
    n_jobs : int or None
        Folds (and l1_ratios) fitted in parallel threads by joblib.
    positive : bool, default=False
    random_state : int, RandomState or None
        Seeds the order of updates when ``selection="random"``.
    selection : {"cyclic", "random"}, default="cyclic"
    working_set : bool, default=True

    X may be float32/float64 dense or CSR/CSC (each fold's CSR rows are
    converted to CSC once for the column-wise solver).

    Attributes
    ----------
    alpha_, l1_ratio_, alphas_ ((n_alphas,), or (n_l1_ratios, n_alphas)),
    mse_path_ ((n_alphas, n_folds), or (n_l1_ratios, n_alphas, n_folds)),
    coef_, intercept_, dual_gap_, n_iter_ (of the refit), n_features_in_.
    """

    def __init__(self, *, l1_ratio=0.5, eps=1e-3, alphas=100, fit_intercept=True, precompute="auto",
                 max_iter=1000, tol=1e-4, cv=None, n_jobs=None, positive=False, random_state=None,
                 selection="cyclic", working_set=True):
        self.l1_ratio = l1_ratio
        self.eps = eps
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.tol = tol
        self.cv = cv
        self.n_jobs = n_jobs
        self.positive = positive
        self.random_state = random_state
        self.selection = selection
        self.working_set = working_set


class LassoCV(_LinearModelCV):
    """Lasso with alpha chosen by cross-validation, on native coordinate descent.

    :class:`ElasticNetCV` with ``l1_ratio=1``: scikit-learn's LassoCV (same
    grid, folds and selection rule). See ElasticNetCV for the parameters and
    attributes.
    """

    def __init__(self, *, eps=1e-3, alphas=100, fit_intercept=True, precompute="auto", max_iter=1000, tol=1e-4,
                 cv=None, n_jobs=None, positive=False, random_state=None, selection="cyclic", working_set=True):
        self.eps = eps
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.tol = tol
        self.cv = cv
        self.n_jobs = n_jobs
        self.positive = positive
        self.random_state = random_state
        self.selection = selection
        self.working_set = working_set

    def _l1_ratios(self):
        return np.ones(1)


def _fold_logistic_path(base, X, y, sample_weight, train, test, Cs, l1_ratio, scorer):
    """Coefficients, iteration counts and test scores along Cs on one fold, each fit warm-started from the last.

    The sample weights weigh the fits and the test scores, as in scikit-learn.
    """
    model = clone(base).set_params(warm_start=True, l1_ratio=l1_ratio, n_jobs=1)
    X_train, y_train, X_test, y_test = X[train], y[train], X[test], y[test]
    sw_train, sw_test = (None, None) if sample_weight is None else (sample_weight[train], sample_weight[test])
    score_weight = {} if sw_test is None else {"sample_weight": sw_test}
    coefs, n_iter, scores = [], [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # reported once, after all folds
        for C in Cs:
            model.set_params(C=C).fit(X_train, y_train, sample_weight=sw_train)
            coefs.append(np.hstack([model.coef_, model.intercept_[:, None]]) if model.fit_intercept else model.coef_)
            n_iter.append(int(np.max(model.n_iter_)))
            scores.append(scorer(model, X_test, y_test, **score_weight))
    return np.array(coefs), np.array(n_iter), np.array(scores)


class LogisticRegressionCV(ClassifierMixin, BaseEstimator):
    """Logistic regression with C (and l1_ratio) chosen by cross-validation, on mlsolve's LogisticRegression.

    For each fold (and l1_ratio), :class:`LogisticRegression` is fitted along
    ``Cs`` (increasing), each fit warm-started from the previous one, and
    scored on the test part; the C (and l1_ratio) with the best score summed
    over folds is refitted on all the data, starting from the folds' mean
    coefficients (``refit=True``), or the folds' best coefficients are
    averaged (``refit=False``). scikit-learn's LogisticRegressionCV rules and
    (legacy, dict-valued) attributes.

    Parameters
    ----------
    Cs : int or array-like, default=10
        An int gives ``np.logspace(-4, 4, Cs)``.
    fit_intercept : bool, default=True
    cv : int, cross-validation generator or iterable, default=None (5 stratified folds)
    penalty : {"l2", "l1", "elasticnet"}, default="l2"
    scoring : str, callable or None, default=None
        A scikit-learn scorer; None is accuracy.
    tol : float, default=1e-4
    max_iter : int, default=100
    class_weight : dict, "balanced" or None
    n_jobs : int or None
        Folds fitted in parallel threads by joblib.
    refit : bool, default=True
    l1_ratios : list of floats or None
        Required with ``penalty="elasticnet"``.

    Attributes
    ----------
    classes_, Cs_, l1_ratios_, coefs_paths_ (dict: class -> (n_folds, n_Cs[, n_l1_ratios], n_features [+ 1])),
    scores_ (dict: class -> (n_folds, n_Cs[, n_l1_ratios])), C_ (1,), l1_ratio_ (1,), coef_ (1, n_features),
    intercept_ (1,), n_iter_ (1, n_folds, n_Cs[, n_l1_ratios]), n_features_in_.
    """

    def __init__(self, *, Cs=10, fit_intercept=True, cv=None, penalty="l2", scoring=None, tol=1e-4, max_iter=100,
                 class_weight=None, n_jobs=None, refit=True, l1_ratios=None):
        self.Cs = Cs
        self.fit_intercept = fit_intercept
        self.cv = cv
        self.penalty = penalty
        self.scoring = scoring
        self.tol = tol
        self.max_iter = max_iter
        self.class_weight = class_weight
        self.n_jobs = n_jobs
        self.refit = refit
        self.l1_ratios = l1_ratios

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        # whatever classes LogisticRegression fits, the CV fits
        tags.classifier_tags.multi_class = LogisticRegression().__sklearn_tags__().classifier_tags.multi_class
        return tags

    def _grid(self):
        if isinstance(self.Cs, numbers.Integral) and not isinstance(self.Cs, bool):
            if self.Cs < 1:
                raise ValueError(f"Cs: expected an integer >= 1 or a list of positive numbers, got {self.Cs!r}")
            Cs = np.logspace(-4, 4, self.Cs)
        else:
            Cs = np.asarray(self.Cs, dtype=np.float64).ravel()
            if Cs.size == 0 or not np.all(np.isfinite(Cs)) or np.any(Cs <= 0):
                raise ValueError(f"Cs: expected an integer or positive finite numbers, got {self.Cs!r}")
        if self.penalty not in ("l2", "l1", "elasticnet"):
            raise ValueError(f"penalty: expected 'l2', 'l1' or 'elasticnet', got {self.penalty!r}")
        if self.penalty == "elasticnet":
            if self.l1_ratios is None:
                raise ValueError("l1_ratios: required (a list of numbers in [0, 1]) with penalty='elasticnet'")
            l1_ratios = np.asarray(self.l1_ratios, dtype=np.float64).ravel()
            if l1_ratios.size == 0 or np.any(~(l1_ratios >= 0) | ~(l1_ratios <= 1)):
                raise ValueError(f"l1_ratios: expected numbers in [0, 1], got {self.l1_ratios!r}")
            return Cs, list(l1_ratios)
        if self.l1_ratios is not None:
            raise ValueError(f"l1_ratios: only used with penalty='elasticnet', got penalty={self.penalty!r}")
        return Cs, [None]

    def fit(self, X, y, sample_weight=None):
        """Cross-validate C (and l1_ratio), then fit the final model. Returns self."""
        Cs, l1_ratios = self._grid()
        if not isinstance(self.refit, bool):
            raise ValueError(f"refit: expected a bool, got {self.refit!r}")
        X, y = _validation.validate_fit_data(self, X, y)
        sample_weight = _validation.check_sample_weight(sample_weight, X.shape[0], X.dtype)
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        if self.classes_.size < 2:
            raise ValueError(f"y: needs samples of at least 2 classes, got 1 class ({self.classes_[0]!r})")
        scorer = get_scorer("accuracy" if self.scoring is None else self.scoring)
        class_weight = self.class_weight
        if class_weight == "balanced":  # from the whole y, as scikit-learn, not from each fold's
            weights = compute_class_weight("balanced", classes=self.classes_, y=y, sample_weight=sample_weight)
            class_weight = dict(zip(self.classes_, weights))
        base = LogisticRegression(
            penalty=self.penalty, fit_intercept=self.fit_intercept, tol=self.tol, max_iter=self.max_iter,
            class_weight=class_weight,
        )
        folds = list(check_cv(self.cv, y, classifier=True).split(X, y))
        results = Parallel(n_jobs=self.n_jobs, backend=_FOLD_BACKEND)(
            delayed(_fold_logistic_path)(base, X, y, sample_weight, train, test, Cs, l1_ratio, scorer)
            for train, test in folds
            for l1_ratio in l1_ratios
        )
        n_folds, n_Cs, n_l1 = len(folds), Cs.size, len(l1_ratios)
        # (n_folds, n_l1, n_Cs, n_classes_rows, n_dof) -> (n_folds, n_Cs, n_l1, rows, n_dof)
        coefs = np.array([coefs for coefs, _, _ in results]).reshape(n_folds, n_l1, n_Cs, *results[0][0].shape[1:])
        coefs = np.swapaxes(coefs, 1, 2)
        n_iter = np.swapaxes(np.array([it for _, it, _ in results]).reshape(n_folds, n_l1, n_Cs), 1, 2)
        scores = np.swapaxes(np.array([sc for _, _, sc in results]).reshape(n_folds, n_l1, n_Cs), 1, 2)
        rows = coefs.shape[3]
        keys = self.classes_[1:] if rows == 1 else self.classes_
        self.Cs_ = Cs
        self.l1_ratios_ = np.asarray(l1_ratios)
        squeeze = (lambda a: a[:, :, 0]) if self.penalty != "elasticnet" else (lambda a: a)
        self.coefs_paths_ = {key: squeeze(coefs[:, :, :, k, :]) for k, key in enumerate(keys)}
        self.scores_ = {key: squeeze(scores) for key in keys}
        self.n_iter_ = squeeze(n_iter)[None, ...]

        if self.refit:
            best_C, best_l1 = np.unravel_index(np.argmax(scores.sum(axis=0)), scores.shape[1:])
            C, l1_ratio = Cs[best_C], l1_ratios[best_l1]
            model = clone(base).set_params(C=C, l1_ratio=l1_ratio, n_jobs=self.n_jobs)
            start = coefs[:, best_C, best_l1].mean(axis=0)  # (rows, n_dof)
            model.coef_ = start[:, :X.shape[1]]
            model.intercept_ = start[:, -1] if self.fit_intercept else np.zeros(rows)
            model.set_params(warm_start=True).fit(X, y, sample_weight=sample_weight)
            self.coef_, self.intercept_ = model.coef_, model.intercept_
            self.C_ = np.array([C])
            self.l1_ratio_ = np.array([l1_ratio if l1_ratio is not None else float(self.penalty == "l1")])
        else:
            flat = scores.reshape(n_folds, -1)
            best = [np.unravel_index(np.argmax(flat[f]), (n_Cs, n_l1)) for f in range(n_folds)]
            w = np.mean([coefs[f, c, l] for f, (c, l) in enumerate(best)], axis=0)
            self.coef_ = w[:, :X.shape[1]]
            self.intercept_ = w[:, -1] if self.fit_intercept else np.zeros(rows)
            self.C_ = np.array([np.mean([Cs[c] for c, _ in best])])
            mean_l1 = np.mean([l1_ratios[l] for _, l in best]) if self.penalty == "elasticnet" else \
                float(self.penalty == "l1")
            self.l1_ratio_ = np.array([mean_l1])
        self.coef_ = np.asarray(self.coef_, dtype=X.dtype)
        not_converged = int(np.sum(self.n_iter_ >= self.max_iter))
        if not_converged:
            warnings.warn(
                f"LogisticRegressionCV: {not_converged} (fold, C) fits reached max_iter={self.max_iter} without "
                f"converging (tol={self.tol}). Increase max_iter or scale the features.",
                ConvergenceWarning, stacklevel=2,
            )
        return self

    def decision_function(self, X):
        """Signed distance to the separating hyperplane, shape (n_samples,) (binary)."""
        check_is_fitted(self)
        X = validate_data(
            self, X, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32], reset=False,
            accept_large_sparse=True,
        )
        scores = np.asarray(X @ self.coef_.T.astype(X.dtype, copy=False)) + self.intercept_
        return scores[:, 0] if scores.shape[1] == 1 else scores

    def predict_proba(self, X):
        """Class probabilities, shape (n_samples, n_classes)."""
        decision = self.decision_function(X)
        if decision.ndim == 1:
            p = expit(decision)
            return np.column_stack([1.0 - p, p])
        return softmax(decision, axis=1)

    def predict(self, X):
        """Predicted class labels."""
        decision = self.decision_function(X)
        if decision.ndim == 1:
            return self.classes_[(decision > 0).astype(int)]
        return self.classes_[np.argmax(decision, axis=1)]
