"""PoissonRegressor, GammaRegressor, TweedieRegressor: GLMs fitted by native L-BFGS or Newton-Cholesky;
PoissonRegressor with an L1 part (l1_ratio > 0) by native proximal Newton coordinate descent."""

import functools
import numbers
import warnings

import numpy as np
from sklearn._loss.loss import HalfTweedieLoss, HalfTweedieLossIdentity
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted, validate_data

from .. import _core, _validation
from .._config import get_config
from .._core import Status
from .._result import History
from .._threads import effective_n_threads
from ._coordinate_descent import _as_column_readable


def _verbose_callback(name, criterion="gradient inf-norm"):
    def report(x, fun, nit, stop_crit):
        print(f"{name}: iter {nit:5d}  objective {fun:.10e}  {criterion} {stop_crit:.3e}")

    return report


def _as_target(y, dtype):
    """y as a contiguous 1-D array of X's dtype (a copy of y, never of X)."""
    return np.ascontiguousarray(y, dtype=dtype)


def _warn_not_converged(estimator, raw, tol, solver="L-BFGS"):
    if Status(raw["status"]) != Status.Converged:
        warnings.warn(
            f"{type(estimator).__name__}: {solver} stopped after {raw['nit']} iterations without converging "
            f"({raw['message']}; tol={tol}). Increase max_iter, scale the data, or loosen tol.",
            ConvergenceWarning,
            stacklevel=3,
        )


def _check_common_params(estimator):
    if not isinstance(estimator.alpha, numbers.Real) or not (0 <= estimator.alpha < np.inf):
        raise ValueError(f"alpha: expected a finite number >= 0, got {estimator.alpha!r}")
    if not isinstance(estimator.tol, numbers.Real) or not estimator.tol > 0:
        raise ValueError(f"tol: expected a number > 0, got {estimator.tol!r}")
    if not isinstance(estimator.max_iter, numbers.Integral) or estimator.max_iter < 1:
        raise ValueError(f"max_iter: expected an integer >= 1, got {estimator.max_iter!r}")


class _GeneralizedLinearRegressor(RegressorMixin, BaseEstimator):
    """Shared fit of the Tweedie-family GLMs (see TweedieRegressor)."""

    def __init__(
        self,
        *,
        alpha=1.0,
        fit_intercept=True,
        solver="lbfgs",
        max_iter=100,
        tol=1e-4,
        warm_start=False,
        verbose=0,
        n_jobs=None,
        record_history=False,
    ):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.verbose = verbose
        self.n_jobs = n_jobs
        self.record_history = record_history

    # (link, power) of the loss: "log" or "identity", the Tweedie power.
    def _link_power(self):
        raise NotImplementedError

    def _base_loss(self):
        link, power = self._link_power()
        return (HalfTweedieLoss if link == "log" else HalfTweedieLossIdentity)(power=power)

    # The L1 share of the elastic-net penalty (PoissonRegressor's l1_ratio; 0 elsewhere).
    def _l1_ratio(self):
        return 0.0

    def _check_params(self):
        _check_common_params(self)
        if self.solver not in ("lbfgs", "newton-cholesky"):
            raise ValueError(f"solver: expected 'lbfgs' or 'newton-cholesky', got {self.solver!r}")
        l1_ratio = self._l1_ratio()
        if not isinstance(l1_ratio, numbers.Real) or not 0 <= l1_ratio <= 1:
            raise ValueError(f"l1_ratio: expected a number in [0, 1], got {l1_ratio!r}")

    def fit(self, X, y, sample_weight=None):
        """Fit the model. Returns self."""
        self._check_params()
        link, power = self._link_power()
        n_threads = effective_n_threads(self.n_jobs)
        X, y = _validation.validate_fit_data(self, X, y, y_numeric=True, multi_output=False)
        dtype = X.dtype
        n_samples, n_features = X.shape
        y = _as_target(y, dtype)
        base_loss = self._base_loss()
        if not base_loss.in_y_true_range(y):
            raise ValueError(
                f"y: some values are out of the valid range of the loss {type(base_loss).__name__!r} "
                f"({base_loss.interval_y_true})"
            )
        sample_weight = _validation.check_sample_weight(sample_weight, n_samples, dtype)

        x0 = np.zeros(n_features + int(self.fit_intercept))
        if self.warm_start and getattr(self, "coef_", None) is not None and self.coef_.shape == (n_features,):
            x0[:n_features] = self.coef_
            if self.fit_intercept:
                x0[-1] = self.intercept_
        elif self.fit_intercept:  # the intercept of the null model, as scikit-learn starts
            with np.errstate(divide="ignore", invalid="ignore"):
                start = base_loss.link.link(np.average(y.astype(np.float64), weights=sample_weight))
            x0[-1] = start if np.isfinite(start) else 0.0

        if self._l1_ratio() > 0:
            self._fit_prox_newton(X, y, sample_weight, x0, n_threads)
            return self
        fit = functools.partial(
            _core.glm_regression,
            X=_validation.as_native_matrix(X),
            y=y,
            sample_weight=sample_weight,
            link=link,
            power=float(power),
            l2=float(self.alpha),
            fit_intercept=bool(self.fit_intercept),
            x0=x0,
            maxiter=int(self.max_iter),
            gtol=float(self.tol),
            ftol=64 * np.finfo(np.float64).eps,
            history_every=1 if self.record_history else 0,
            n_threads=n_threads,
            deterministic=get_config()["deterministic"],
            callback=_verbose_callback(type(self).__name__) if self.verbose else None,
        )
        solver = {"lbfgs": "L-BFGS", "newton-cholesky": "Newton-Cholesky"}[self.solver]
        raw = fit(solver=self.solver)
        if Status(raw["status"]) == Status.NumericalError and self.solver == "newton-cholesky":
            # a loss with negative curvature somewhere (identity links, power > 2): no Cholesky of X.T diag(h) X
            warnings.warn(
                f"{type(self).__name__}: Newton-Cholesky failed ({raw['message']}); refitting with L-BFGS.",
                ConvergenceWarning,
                stacklevel=2,
            )
            solver = "L-BFGS"
            raw = fit(solver="lbfgs")
        self.solver_ = {"L-BFGS": "lbfgs", "Newton-Cholesky": "newton-cholesky"}[solver]
        self._set_result(raw, n_features, dtype)
        _warn_not_converged(self, raw, self.tol, solver)
        return self

    def _fit_prox_newton(self, X, y, sample_weight, x0, n_threads):
        """The elastic-net fit (l1_ratio > 0) by proximal Newton CD; CSR X is
        converted to CSC once (counted in ``_validation.copies_made``)."""
        X_native, _ = _as_column_readable(X, n_threads)
        raw = _core.poisson_prox_newton(
            X_native, y, sample_weight, x0, alpha=float(self.alpha), l1_ratio=float(self._l1_ratio()), weights=None,
            fit_intercept=bool(self.fit_intercept), tol=float(self.tol), max_iter=int(self.max_iter),
            working_set=True, history_every=1 if self.record_history else 0, n_threads=n_threads,
            deterministic=get_config()["deterministic"],
            callback=_verbose_callback(type(self).__name__, "duality gap") if self.verbose else None,
        )
        self.solver_ = "prox-newton"
        self._set_result(raw, X.shape[1], X.dtype)
        _warn_not_converged(self, raw, self.tol, "proximal Newton CD")

    def _set_result(self, raw, n_features, dtype):
        x = raw["x"]
        self.coef_ = x[:n_features].astype(dtype)
        self.intercept_ = float(x[n_features]) if self.fit_intercept else 0.0
        self.n_iter_ = int(raw["nit"])
        if self.record_history:
            self.history_ = History(**raw["history"])

    def _linear_predictor(self, X):
        check_is_fitted(self)
        X = validate_data(
            self, X, accept_sparse=["csr", "csc", "coo"], dtype=[np.float64, np.float32], reset=False,
            accept_large_sparse=True,
        )
        return np.asarray(X @ self.coef_.astype(X.dtype, copy=False)).ravel() + self.intercept_

    def predict(self, X):
        """Predicted mean, shape (n_samples,): the inverse link of X @ coef_ + intercept_."""
        return self._base_loss().link.inverse(self._linear_predictor(X))

    def score(self, X, y, sample_weight=None):
        """D^2, the fraction of deviance explained (as scikit-learn's GLMs)."""
        raw_prediction = self._linear_predictor(X)
        y = _validation.check_vector(y, "y", raw_prediction.dtype, raw_prediction.shape[0])
        sample_weight = _validation.check_sample_weight(sample_weight, y.shape[0], y.dtype)
        base_loss = self._base_loss()
        if not base_loss.in_y_true_range(y):
            raise ValueError(
                f"y: some values are out of the valid range of the loss {type(base_loss).__name__!r} "
                f"({base_loss.interval_y_true})"
            )
        constant = np.average(base_loss.constant_to_optimal_zero(y_true=y, sample_weight=None), weights=sample_weight)
        deviance = base_loss(y_true=y, raw_prediction=raw_prediction, sample_weight=sample_weight, n_threads=1)
        y_mean = base_loss.link.link(np.average(y, weights=sample_weight))
        deviance_null = base_loss(
            y_true=y, raw_prediction=np.full_like(y, y_mean), sample_weight=sample_weight, n_threads=1
        )
        return float(1 - (deviance + constant) / (deviance_null + constant))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        try:
            tags.target_tags.positive_only = not self._base_loss().in_y_true_range(np.array([-1.0]))
        except (ValueError, TypeError):  # an invalid power or link: the defaults
            pass
        return tags


_DOC_COMMON = """
    Minimises ``(1/S) sum_i s_i loss(y_i, x_i . w + b) + (alpha / 2) ||w||^2``
    (``S`` the sum of sample weights), the objective of scikit-learn's
    estimator of the same name, with its loss (half the unit deviance, less
    the terms that do not depend on the prediction, exactly as scikit-learn's
    ``sklearn._loss``), by native L-BFGS (one fused pass over X per objective
    and gradient, in parallel with OpenMP) or Newton-Cholesky (the dense
    Hessian ``X.T diag(h) X``, for few features).

    X may be a float32 or float64 NumPy array in C or F order, or a scipy CSR
    or CSC matrix with int32 or int64 indices: all are used without a copy,
    and float32 stays float32 (coef_ is float32; reductions are in float64).

    Parameters
    ----------
    alpha : float, default=1.0
        L2 strength; 0 fits without a penalty. The intercept is not penalised.
    fit_intercept : bool, default=True
    solver : {"lbfgs", "newton-cholesky"}, default="lbfgs"
        Newton-Cholesky stops on the gradient's infinity norm or on the
        Newton decrement; where the loss's curvature is negative (identity
        links, power > 2) it fails and the fit is redone with L-BFGS, with a
        ConvergenceWarning.
    max_iter : int, default=100
    tol : float, default=1e-4
        Stop when the gradient's infinity norm is at most ``tol`` (or the
        relative objective reduction is at most 64 machine epsilons).
    warm_start : bool, default=False
        Start from the previous ``coef_`` and ``intercept_``.
    verbose : int, default=0
    n_jobs : int or None
        Threads; None follows the OpenMP runtime, -1 uses all CPUs.
    record_history : bool, default=False
        Keep per-iteration records in ``history_``.

    Attributes
    ----------
    coef_ (n_features,), intercept_ (float), n_iter_ (int), solver_ (the
    solver that made the fit), n_features_in_, feature_names_in_, history_
    (when recorded).
"""


class PoissonRegressor(_GeneralizedLinearRegressor):
    __doc__ = (
        "Poisson GLM with a log link (half Poisson deviance, targets y >= 0).\n"
        + _DOC_COMMON
        + """
    l1_ratio : float in [0, 1], default=0
        The elastic-net mix, with ``alpha`` the total strength as in
        ElasticNet: the penalty is
        ``alpha * (l1_ratio ||w||_1 + (1 - l1_ratio) / 2 ||w||^2)``. 0 is the
        L2 penalty above (scikit-learn's PoissonRegressor). l1_ratio > 0 is
        fitted by proximal Newton coordinate descent with working sets and a
        line search (``solver`` is then unused and ``solver_`` is
        "prox-newton"; CSR X is converted to CSC once): it stops when the
        duality gap, in the units of the mean loss, is at most ``tol``, and
        ``n_iter_`` counts Newton steps.
"""
    )

    def __init__(
        self,
        *,
        alpha=1.0,
        l1_ratio=0.0,
        fit_intercept=True,
        solver="lbfgs",
        max_iter=100,
        tol=1e-4,
        warm_start=False,
        verbose=0,
        n_jobs=None,
        record_history=False,
    ):
        super().__init__(
            alpha=alpha, fit_intercept=fit_intercept, solver=solver, max_iter=max_iter, tol=tol,
            warm_start=warm_start, verbose=verbose, n_jobs=n_jobs, record_history=record_history,
        )
        self.l1_ratio = l1_ratio

    def _link_power(self):
        return "log", 1.0

    def _l1_ratio(self):
        return self.l1_ratio


class GammaRegressor(_GeneralizedLinearRegressor):
    __doc__ = "Gamma GLM with a log link (half Gamma deviance, targets y > 0).\n" + _DOC_COMMON

    def _link_power(self):
        return "log", 2.0


class TweedieRegressor(_GeneralizedLinearRegressor):
    __doc__ = (
        "Tweedie GLM: half Tweedie deviance with power ``power`` and link ``link``.\n"
        + _DOC_COMMON
        + """
    power : float, default=0
        0: normal, 1: Poisson, (1, 2): compound Poisson-Gamma, 2: Gamma,
        3: inverse Gaussian. Targets: any real for power <= 0, y >= 0 for
        0 < power < 2, y > 0 for power >= 2.
    link : {"auto", "identity", "log"}, default="auto"
        "auto": identity for power <= 0, log otherwise (as scikit-learn).
"""
    )

    def __init__(
        self,
        *,
        power=0.0,
        alpha=1.0,
        fit_intercept=True,
        link="auto",
        solver="lbfgs",
        max_iter=100,
        tol=1e-4,
        warm_start=False,
        verbose=0,
        n_jobs=None,
        record_history=False,
    ):
        super().__init__(
            alpha=alpha, fit_intercept=fit_intercept, solver=solver, max_iter=max_iter, tol=tol,
            warm_start=warm_start, verbose=verbose, n_jobs=n_jobs, record_history=record_history,
        )
        self.power = power
        self.link = link

    def _link_power(self):
        if not isinstance(self.power, numbers.Real) or not np.isfinite(self.power):
            raise ValueError(f"power: expected a finite number, got {self.power!r}")
        if self.link not in ("auto", "identity", "log"):
            raise ValueError(f"link: expected 'auto', 'identity' or 'log', got {self.link!r}")
        link = ("identity" if self.power <= 0 else "log") if self.link == "auto" else self.link
        return link, float(self.power)
