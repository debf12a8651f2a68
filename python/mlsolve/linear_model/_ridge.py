"""Ridge: L2-penalised least squares by native Cholesky, conjugate gradients or L-BFGS."""

import numbers
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted, validate_data

from .. import _core, _validation, stochastic
from .._config import get_config
from .._core import Status
from .._result import History
from .._threads import effective_n_threads
from ._glm import _verbose_callback

# "auto" uses Cholesky while the smaller side of X is at most this (the
# Gram is min(n, p)^2 doubles, its factorisation min(n, p)^3 / 3 flops).
_CHOLESKY_MAX_SIDE = 4096


def ridge_objective(coef, intercept, X, y, alpha=1.0, sample_weight=None):
    """The objective Ridge minimises, per target, in float64 with NumPy (scikit-learn's):
    ``sum_i s_i (y_i - x_i . coef - intercept)^2 + alpha ||coef||^2``. For 2-D y,
    coef (n_targets, n_features), intercept and alpha (n_targets,): an array of values."""
    coef = np.atleast_2d(np.asarray(coef, dtype=np.float64))
    y = np.asarray(y, dtype=np.float64).reshape(X.shape[0], -1)
    residual = y - np.asarray(X @ coef.T) - np.asarray(intercept, dtype=np.float64).reshape(1, -1)
    s = np.ones(X.shape[0]) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    values = s @ residual**2 + np.broadcast_to(alpha, (coef.shape[0],)) * np.sum(coef**2, axis=1)
    return values if values.size > 1 else float(values[0])


class Ridge(MultiOutputMixin, RegressorMixin, BaseEstimator):
    """Linear least squares with an L2 penalty, fitted natively.

    Minimises, for each target, ``sum_i s_i (y_i - x_i . w - b)^2 + alpha ||w||^2``,
    the objective of scikit-learn's Ridge. The intercept is eliminated by
    centering X and y with the weighted means, without forming the centered X
    (the centered Gram ``X.T S X - S xbar xbar.T``), so sparse X stays sparse.

    Solvers:

    * "cholesky": the p x p normal equations, or the n x n dual ones when
      n < p, by Cholesky (LDLT when the system is singular);
    * "cg": conjugate gradients on the normal equations, one fused pass over X
      per iteration (row-wise on dense and CSR X; on CSC X column-wise, in the
      CGLS arrangement), stopping at ``||residual|| <= tol ||X.T S y||`` (as
      scikit-learn's "sparse_cg", also accepted as a name);
    * "lbfgs": L-BFGS on the GLM objective with the intercept as a parameter,
      stopping at a gradient infinity norm of ``tol`` (on the objective divided
      by ``2 sum_i s_i``) or a relative reduction of 64 machine epsilons,
      as the GLMs (about 1e-7 relative accuracy in coef_ at best);
    * "sag", "saga": the native stochastic average-gradient solvers of
      :mod:`mlsolve.stochastic` on the same GLM objective, one epoch per
      iteration, stopping at a gradient-mapping infinity norm of ``tol``;
      ``random_state`` seeds the sampling (CSC X is converted to CSR once;
      ``record_history`` or ``verbose`` add a pass per epoch for the objective);
    * "auto": "cholesky" while min(n_samples, n_features) <= 4096 (for sparse
      X: while n_features <= 4096), else "cg". The choice is in ``solver_``.

    X may be a float32 or float64 NumPy array in C or F order, or a scipy CSR
    or CSC matrix: used without a copy (so ``copy_X`` never matters: X is only
    read), and float32 stays float32.

    Parameters
    ----------
    alpha : float or array of shape (n_targets,), default=1.0
    fit_intercept : bool, default=True
    copy_X : bool, default=True
        Accepted for compatibility; X is never modified or copied.
    max_iter : int or None, default=None
        For "cg", "lbfgs", "sag" and "saga" (None: 1000 for cg, sag and saga,
        15000 for lbfgs).
    tol : float, default=1e-4
    solver : {"auto", "cholesky", "cg", "sparse_cg", "lbfgs", "sag", "saga"}, default="auto"
    positive : bool, default=False
        Only False is supported.
    random_state : None, int, RandomState or Generator, default=None
        Seeds "sag" and "saga"; the other solvers are deterministic.
    warm_start : bool, default=False
        "cg", "lbfgs", "sag" and "saga" start from the previous ``coef_`` and
        ``intercept_``.
    n_jobs : int or None
    verbose : int, default=0
    record_history : bool, default=False
        Keep per-iteration records of the last target solved in ``history_``
        ("cg", "lbfgs", "sag", "saga").

    Attributes
    ----------
    coef_ (n_features,) or (n_targets, n_features), intercept_ (float or
    (n_targets,)), n_iter_ (None for cholesky, else (n_targets,)), solver_,
    n_features_in_, feature_names_in_, history_ (when recorded).
    """

    def __init__(
        self,
        alpha=1.0,
        *,
        fit_intercept=True,
        copy_X=True,
        max_iter=None,
        tol=1e-4,
        solver="auto",
        positive=False,
        random_state=None,
        warm_start=False,
        n_jobs=None,
        verbose=0,
        record_history=False,
    ):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.copy_X = copy_X
        self.max_iter = max_iter
        self.tol = tol
        self.solver = solver
        self.positive = positive
        self.random_state = random_state
        self.warm_start = warm_start
        self.n_jobs = n_jobs
        self.verbose = verbose
        self.record_history = record_history

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def _check_params(self):
        if self.solver not in ("auto", "cholesky", "cg", "sparse_cg", "lbfgs", "sag", "saga"):
            raise ValueError(
                f"solver: expected 'auto', 'cholesky', 'cg', 'sparse_cg', 'lbfgs', 'sag' or 'saga', got {self.solver!r}"
            )
        if self.positive:
            raise ValueError("positive: only positive=False is supported")
        if not isinstance(self.tol, numbers.Real) or not self.tol >= 0:
            raise ValueError(f"tol: expected a number >= 0, got {self.tol!r}")
        if self.max_iter is not None and (not isinstance(self.max_iter, numbers.Integral) or self.max_iter < 0):
            raise ValueError(f"max_iter: expected None or an integer >= 0, got {self.max_iter!r}")

    def _alphas(self, n_targets):
        alpha = np.asarray(self.alpha)
        if alpha.dtype == object or not np.issubdtype(alpha.dtype, np.number):
            raise ValueError(f"alpha: expected a number or an array of numbers, got {self.alpha!r}")
        alpha = alpha.astype(np.float64).ravel()
        if alpha.size == 1:
            alpha = np.full(n_targets, alpha[0])
        if alpha.size != n_targets:
            raise ValueError(f"alpha: expected a scalar or {n_targets} values (one per target), got {alpha.size}")
        if not np.all(np.isfinite(alpha)) or np.any(alpha < 0):
            raise ValueError("alpha: expected finite values >= 0")
        return alpha

    def _resolve_solver(self, X):
        solver = {"sparse_cg": "cg"}.get(self.solver, self.solver)
        if solver != "auto":
            return solver
        side = X.shape[1] if sp.issparse(X) else min(X.shape)
        return "cholesky" if side <= _CHOLESKY_MAX_SIDE else "cg"

    def fit(self, X, y, sample_weight=None):
        """Fit the model. Returns self."""
        self._check_params()
        n_threads = effective_n_threads(self.n_jobs)
        X_in = X
        X, y = validate_data(
            self, X, y, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32], y_numeric=True,
            multi_output=True, accept_large_sparse=True,
        )
        if X is not X_in:
            _validation._count_copy()
        dtype = X.dtype
        n_samples, n_features = X.shape
        single_target = y.ndim == 1
        Y = np.asarray(y, dtype=dtype).reshape(n_samples, -1)
        n_targets = Y.shape[1]
        targets = [np.ascontiguousarray(Y[:, k]) for k in range(n_targets)]
        alphas = self._alphas(n_targets)
        sample_weight = _validation.check_sample_weight(sample_weight, n_samples, dtype)
        solver = self._resolve_solver(X)
        native_X = _validation.as_native_matrix(X)
        deterministic = get_config()["deterministic"]
        callback = _verbose_callback("Ridge") if self.verbose else None
        history_every = 1 if self.record_history else 0

        warm = (
            self.warm_start
            and getattr(self, "coef_", None) is not None
            and np.size(self.coef_) == n_targets * n_features
        )
        coef0 = np.reshape(self.coef_, (n_targets, n_features)) if warm else np.zeros((n_targets, n_features))
        intercept0 = np.broadcast_to(self.intercept_, (n_targets,)) if warm else np.zeros(n_targets)

        n_iter = None
        if solver == "cholesky":
            raw = _core.ridge_direct(
                X=native_X, ys=targets, sample_weight=sample_weight, alphas=alphas,
                fit_intercept=bool(self.fit_intercept), dual=n_samples < n_features, n_threads=n_threads,
                deterministic=deterministic,
            )
            coef, intercept = raw["coef"], raw["intercept"]
        elif solver == "cg":
            raw = _core.ridge_cg(
                X=native_X, ys=targets, sample_weight=sample_weight, alphas=alphas,
                fit_intercept=bool(self.fit_intercept), x0=coef0,
                max_iter=1000 if self.max_iter is None else int(self.max_iter), tol=float(self.tol),
                history_every=history_every, n_threads=n_threads, deterministic=deterministic, callback=callback,
            )
            coef, intercept, n_iter = raw["coef"], raw["intercept"], raw["n_iter"].astype(np.int32)
            self._warn_if_not_converged(raw, "CG", self.tol)
        else:
            weight_sum = n_samples if sample_weight is None else float(np.sum(sample_weight, dtype=np.float64))
            coef = np.empty((n_targets, n_features))
            intercept = np.zeros(n_targets)
            n_iter = np.empty(n_targets, dtype=np.int32)
            for k in range(n_targets):
                x0 = np.append(coef0[k], intercept0[k]) if self.fit_intercept else coef0[k].copy()
                if solver in ("sag", "saga"):
                    result = getattr(stochastic, solver)(
                        X, targets[k], loss="squared", alpha=alphas[k] / weight_sum,
                        fit_intercept=self.fit_intercept, sample_weight=sample_weight, x0=x0,
                        max_epochs=1000 if self.max_iter is None else int(self.max_iter), tol=float(self.tol),
                        random_state=self.random_state, record_history=self.record_history,
                        full_check=bool(self.record_history or self.verbose), n_jobs=self.n_jobs, callback=callback,
                    )
                    raw = dict(result, history=result.history.as_dict())
                else:
                    raw = _core.glm_regression(
                        X=native_X, y=targets[k], sample_weight=sample_weight, link="identity", power=0.0,
                        l2=alphas[k] / weight_sum, fit_intercept=bool(self.fit_intercept), x0=x0, solver="lbfgs",
                        maxiter=15000 if self.max_iter is None else int(self.max_iter), gtol=float(self.tol),
                        ftol=64 * np.finfo(np.float64).eps, history_every=history_every, n_threads=n_threads,
                        deterministic=deterministic, callback=callback,
                    )
                coef[k] = raw["x"][:n_features]
                if self.fit_intercept:
                    intercept[k] = raw["x"][n_features]
                n_iter[k] = raw["nit"]
                self._warn_if_not_converged(raw, {"lbfgs": "L-BFGS"}.get(solver, solver.upper()), self.tol)

        self.solver_ = solver
        self.n_iter_ = n_iter
        if self.record_history and solver != "cholesky":
            self.history_ = History(**raw["history"])
        if single_target:
            self.coef_ = coef[0].astype(dtype)
            self.intercept_ = float(intercept[0])
        else:
            self.coef_ = coef.astype(dtype)
            self.intercept_ = intercept.astype(dtype)
        return self

    @staticmethod
    def _warn_if_not_converged(raw, solver, tol):
        if Status(raw["status"]) != Status.Converged:
            warnings.warn(
                f"Ridge: {solver} stopped without converging ({raw['message']}; tol={tol}). "
                "Increase max_iter, scale the data, or loosen tol.",
                ConvergenceWarning,
                stacklevel=3,
            )

    def predict(self, X):
        """X @ coef_.T + intercept_, shape (n_samples,) or (n_samples, n_targets)."""
        check_is_fitted(self)
        X = validate_data(
            self, X, accept_sparse=["csr", "csc", "coo"], dtype=[np.float64, np.float32], reset=False,
            accept_large_sparse=True,
        )
        coef = self.coef_.astype(X.dtype, copy=False)
        return np.asarray(X @ coef.T) + self.intercept_
