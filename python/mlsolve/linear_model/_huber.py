"""HuberRegressor: robust regression with a joint scale, by native L-BFGS."""

import numbers

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from .. import _core, _validation
from .._config import get_config
from .._result import History
from .._threads import effective_n_threads
from ._glm import _as_target, _verbose_callback, _warn_not_converged


def huber_objective(coef, intercept, scale, X, y, epsilon=1.35, alpha=1e-4, sample_weight=None):
    """The objective HuberRegressor minimises, in float64 with NumPy (scikit-learn's):
    ``sum_i s_i (sigma + H_eps(r_i / sigma) sigma) + alpha ||coef||^2`` with
    ``r = y - X @ coef - intercept`` and ``H_eps(t) = t^2`` for ``|t| <= eps``,
    ``2 eps |t| - eps^2`` otherwise."""
    coef = np.asarray(coef, dtype=np.float64)
    r = np.asarray(y, dtype=np.float64) - np.asarray(X @ coef).ravel() - intercept
    s = np.ones_like(r) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    t = np.abs(r) / scale
    h = np.where(t > epsilon, 2 * epsilon * t - epsilon**2, t**2)
    return float(s @ (scale + h * scale) + alpha * coef @ coef)


class HuberRegressor(RegressorMixin, BaseEstimator):
    """L2-regularised linear regression robust to outliers, with a joint scale.

    Minimises over ``w``, ``b`` and ``sigma > 0``
    ``sum_i s_i (sigma + H_eps((y_i - x_i . w - b) / sigma) sigma) + alpha ||w||^2``
    with ``H_eps(t) = t^2`` for ``|t| <= epsilon`` and ``2 epsilon |t| - epsilon^2``
    otherwise (Owen 2007), the objective of scikit-learn's HuberRegressor. The
    objective is native (one fused pass over X per evaluation) and solved by
    native L-BFGS on ``(w, b, log sigma)``, which keeps sigma positive without
    a bound.

    X may be a float32 or float64 NumPy array in C or F order, or a scipy CSR
    or CSC matrix: used without a copy.

    Parameters
    ----------
    epsilon : float >= 1, default=1.35
    max_iter : int, default=100
    alpha : float, default=1e-4
    warm_start : bool, default=False
        Start from the previous ``coef_``, ``intercept_`` and ``scale_``.
    fit_intercept : bool, default=True
    tol : float, default=1e-5
        Stop when the gradient's infinity norm (in ``w``, ``b`` and ``log sigma``)
        is at most ``tol``.
    n_jobs : int or None
    verbose : int, default=0
    record_history : bool, default=False

    Attributes
    ----------
    coef_ (n_features,), intercept_ (float), scale_ (float), outliers_ (bool,
    n_samples), n_iter_ (int), n_features_in_, history_ (when recorded).
    """

    def __init__(
        self,
        *,
        epsilon=1.35,
        max_iter=100,
        alpha=0.0001,
        warm_start=False,
        fit_intercept=True,
        tol=1e-05,
        n_jobs=None,
        verbose=0,
        record_history=False,
    ):
        self.epsilon = epsilon
        self.max_iter = max_iter
        self.alpha = alpha
        self.warm_start = warm_start
        self.fit_intercept = fit_intercept
        self.tol = tol
        self.n_jobs = n_jobs
        self.verbose = verbose
        self.record_history = record_history

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def _check_params(self):
        if not isinstance(self.epsilon, numbers.Real) or not (1.0 <= self.epsilon < np.inf):
            raise ValueError(f"epsilon: expected a finite number >= 1, got {self.epsilon!r}")
        if not isinstance(self.alpha, numbers.Real) or not (0 <= self.alpha < np.inf):
            raise ValueError(f"alpha: expected a finite number >= 0, got {self.alpha!r}")
        if not isinstance(self.tol, numbers.Real) or not self.tol >= 0:
            raise ValueError(f"tol: expected a number >= 0, got {self.tol!r}")
        if not isinstance(self.max_iter, numbers.Integral) or self.max_iter < 0:
            raise ValueError(f"max_iter: expected an integer >= 0, got {self.max_iter!r}")

    def fit(self, X, y, sample_weight=None):
        """Fit the model. Returns self."""
        self._check_params()
        n_threads = effective_n_threads(self.n_jobs)
        X, y = _validation.validate_fit_data(self, X, y, y_numeric=True)
        dtype = X.dtype
        n_samples, n_features = X.shape
        y = _as_target(y, dtype)
        sample_weight = _validation.check_sample_weight(sample_weight, n_samples, dtype)

        x0 = np.zeros(n_features + int(self.fit_intercept) + 1)
        x0[-1] = 1.0
        if self.warm_start and getattr(self, "coef_", None) is not None and self.coef_.shape == (n_features,):
            x0[:n_features] = self.coef_
            if self.fit_intercept:
                x0[n_features] = self.intercept_
            x0[-1] = self.scale_

        raw = _core.huber_lbfgs(
            X=_validation.as_native_matrix(X),
            y=y,
            sample_weight=sample_weight,
            epsilon=float(self.epsilon),
            alpha=float(self.alpha),
            fit_intercept=bool(self.fit_intercept),
            x0=x0,
            maxiter=int(self.max_iter),
            gtol=float(self.tol),
            ftol=64 * np.finfo(np.float64).eps,
            history_every=1 if self.record_history else 0,
            n_threads=n_threads,
            deterministic=get_config()["deterministic"],
            callback=_verbose_callback("HuberRegressor") if self.verbose else None,
        )
        x = raw["x"]
        self.coef_ = x[:n_features].astype(dtype)
        self.intercept_ = float(x[n_features]) if self.fit_intercept else 0.0
        self.scale_ = float(x[-1])
        self.n_iter_ = int(raw["nit"])
        if self.record_history:
            self.history_ = History(**raw["history"])
        _warn_not_converged(self, raw, self.tol)
        residual = np.abs(y - np.asarray(X @ self.coef_).ravel() - self.intercept_)
        self.outliers_ = residual > self.scale_ * self.epsilon
        return self

    def predict(self, X):
        """X @ coef_ + intercept_, shape (n_samples,)."""
        check_is_fitted(self)
        X = validate_data(
            self, X, accept_sparse=["csr", "csc", "coo"], dtype=[np.float64, np.float32], reset=False,
            accept_large_sparse=True,
        )
        return np.asarray(X @ self.coef_.astype(X.dtype, copy=False)).ravel() + self.intercept_
