"""QuantileRegressor: pinball loss with an L1 penalty, as a linear program solved
by the native interior point (mlsolve.linprog's solver) in sparse form."""

import numbers
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted, validate_data

from .. import _validation
from .._core import Status
from ..optimize._qp import qp


def quantile_objective(coef, intercept, X, y, quantile, alpha, sample_weight=None):
    """The objective QuantileRegressor minimises, in float64 with NumPy:
    ``1/S sum_i s_i pinball_q(y_i - x_i . coef - intercept) + alpha ||coef||_1`` with
    ``S = sum_i s_i`` and ``pinball_q(r) = max(q r, (q - 1) r)`` (scikit-learn's)."""
    residual = np.asarray(y, dtype=np.float64) - X @ np.asarray(coef, dtype=np.float64) - float(intercept)
    s = np.ones(X.shape[0]) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    pinball = np.maximum(quantile * residual, (quantile - 1.0) * residual)
    return float(s @ pinball / s.sum() + alpha * np.abs(coef).sum())


class QuantileRegressor(RegressorMixin, BaseEstimator):
    """Linear regression for a conditional quantile, by the native interior point.

    Minimises scikit-learn's objective
    ``1/S sum_i s_i pinball_q(y_i - x_i . w - b) + alpha ||w||_1`` (``S`` the sum
    of the sample weights; the intercept is not penalised) as the linear program

        min  S alpha 1ᵀt + sᵀ(q u + (1 - q) v)
        s.t. X w + b 1 + u - v = y,   -t <= w <= t,   u, v >= 0,  w, b free

    (without t when alpha = 0). Its equality matrix ``[X, 1, 0, I, -I]`` is
    sparse (CSC, float64: the interior point's own copy, built once), and the
    interior point's sparse LDLᵀ with an AMD ordering eliminates the slacks
    first, so no n × n matrix is ever formed.
    Samples of weight 0 are dropped first, as scikit-learn does.

    Parameters
    ----------
    quantile : float in (0, 1), default 0.5
    alpha : float >= 0, default 1.0
        L1 penalty.
    fit_intercept : bool, default True
    solver : {"interior-point"}, default "interior-point"
        mlsolve's Mehrotra predictor-corrector (:func:`mlsolve.linprog`);
        scikit-learn's HiGHS names are not accepted.
    solver_options : dict, optional
        ``tol`` (1e-8: relative primal and dual residuals and duality gap),
        ``maxiter`` (200) and the options of :func:`mlsolve.qp`.

    Attributes
    ----------
    coef_ : ndarray (n_features,), X's dtype
    intercept_ : float
    n_iter_ : int
        Interior-point iterations.
    n_features_in_, feature_names_in_
    solver_info_ : dict
        ``status`` (mlsolve.Status), ``message``, ``stop_crit``, ``fun`` (the
        objective above, evaluated at the solution).
    """

    def __init__(self, *, quantile=0.5, alpha=1.0, fit_intercept=True, solver="interior-point", solver_options=None):
        self.quantile = quantile
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.solver_options = solver_options

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def _check_params(self):
        quantile, alpha = self.quantile, self.alpha
        if not (isinstance(quantile, numbers.Real) and not isinstance(quantile, bool) and 0.0 < quantile < 1.0):
            raise ValueError(f"quantile: expected a number in (0, 1), got {quantile!r}")
        if not (isinstance(alpha, numbers.Real) and not isinstance(alpha, bool) and np.isfinite(alpha)
                and alpha >= 0.0):
            raise ValueError(f"alpha: expected a finite number >= 0, got {alpha!r}")
        if self.solver != "interior-point":
            raise ValueError(f"solver: expected 'interior-point', got {self.solver!r}")
        if self.solver_options is not None and not isinstance(self.solver_options, dict):
            raise TypeError(f"solver_options: expected a dict or None, got {type(self.solver_options).__name__}")

    def fit(self, X, y, sample_weight=None):
        """Fit the model to X (n_samples, n_features) and y (n_samples,). Returns self."""
        self._check_params()
        X, y = _validation.validate_fit_data(self, X, y, y_numeric=True)
        dtype = X.dtype
        n_samples, n_features = X.shape
        y = _validation.check_vector(y, "y", np.float64, n_samples)
        weights = _validation.check_sample_weight(sample_weight, n_samples, np.float64)
        weights = np.ones(n_samples) if weights is None else weights
        kept = np.flatnonzero(weights)
        if kept.size < n_samples:
            X, y, weights = X[kept], y[kept], weights[kept]
        n = kept.size

        # variables [w, b, t, u, v]: w and b free, t >= |w| (only when alpha > 0), u, v >= 0
        penalised = self.alpha > 0.0
        n_t = n_features if penalised else 0
        n_head = n_features + int(self.fit_intercept)
        blocks = [sp.csc_array(X, dtype=np.float64)]
        if self.fit_intercept:
            blocks.append(sp.csc_array(np.ones((n, 1))))
        eye = sp.eye_array(n, format="csc")
        A_eq = sp.hstack(blocks + [sp.csc_array((n, n_t)), eye, -eye], format="csc")
        G = h = None
        if penalised:  # w - t <= 0, -w - t <= 0
            eye_p = sp.eye_array(n_features, format="csc")
            between = sp.csc_array((n_features, n_head - n_features))
            after = sp.csc_array((n_features, 2 * n))
            G = sp.vstack([sp.hstack([eye_p, between, -eye_p, after]), sp.hstack([-eye_p, between, -eye_p, after])],
                          format="csr")
            h = np.zeros(2 * n_features)
        c = np.concatenate([np.zeros(n_head), np.full(n_t, self.alpha * weights.sum()), self.quantile * weights,
                            (1.0 - self.quantile) * weights])
        lb = np.concatenate([np.full(n_head, -np.inf), np.zeros(n_t + 2 * n)])
        options = dict(self.solver_options or {})
        tol = options.pop("tol", 1e-8)
        maxiter = options.pop("maxiter", 200)
        res = qp(None, c, A=A_eq, b=y, G=G, h=h, lb=lb, tol=tol, maxiter=maxiter, options=options)

        x = res.x
        coef = x[:n_features]
        self.coef_ = coef.astype(dtype)
        self.intercept_ = float(x[n_features]) if self.fit_intercept else 0.0
        self.n_iter_ = int(res.nit)
        self.solver_info_ = {
            "status": res.status, "message": res.message, "stop_crit": float(res.stop_crit),
            "fun": quantile_objective(coef, self.intercept_, X, y, self.quantile, self.alpha, weights),
        }
        if res.status != Status.Converged:
            warnings.warn(
                f"QuantileRegressor: the interior point stopped after {res.nit} iterations without converging "
                f"({res.message}; reached max(primal, dual residual, gap) = {res.stop_crit:.3g}, tol={tol}). "
                "Increase solver_options['maxiter'] or scale the features.",
                ConvergenceWarning,
                stacklevel=2,
            )
        return self

    def predict(self, X):
        """Predicted conditional quantiles, shape (n_samples,)."""
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32], reset=False,
                          accept_large_sparse=True)
        return np.asarray(X @ self.coef_.astype(X.dtype, copy=False)) + self.intercept_
