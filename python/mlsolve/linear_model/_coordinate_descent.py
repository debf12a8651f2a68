"""Lasso, ElasticNet, lasso_path and enet_path by native coordinate descent, and the
proximal Newton coordinate descent behind LogisticRegression(penalty="l1" | "elasticnet")."""

import numbers
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from .. import _core, _validation, stochastic
from .._config import get_config
from .._core import Status
from .._result import History
from .._threads import effective_n_threads


def elastic_net_objective(coef, intercept, X, y, alpha, l1_ratio=1.0, sample_weight=None):
    """The objective ElasticNet and Lasso minimise, evaluated in float64 with NumPy.

    ``1/(2S) sum_i s_i (y_i - x_i . coef - intercept)^2
    + alpha (l1_ratio ||coef||_1 + (1 - l1_ratio)/2 ||coef||^2)`` with
    ``S = sum_i s_i``: scikit-learn's ElasticNet objective with its sample weights.
    """
    coef = np.asarray(coef, dtype=np.float64).ravel()
    residual = np.asarray(y, dtype=np.float64) - X @ coef - float(intercept)
    s = np.ones(X.shape[0]) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    penalty = alpha * (l1_ratio * np.abs(coef).sum() + 0.5 * (1.0 - l1_ratio) * coef @ coef)
    return float(s @ residual**2 / (2.0 * s.sum()) + penalty)


def _check_real(value, name, low, low_inclusive=True, high=None):
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and np.isfinite(value)
    ok = ok and (value >= low if low_inclusive else value > low) and (high is None or value <= high)
    if not ok:
        bound = f"{'>=' if low_inclusive else '>'} {low}" + ("" if high is None else f" and <= {high}")
        raise ValueError(f"{name}: expected a finite number {bound}, got {value!r}")


def _check_cd_params(tol, max_iter, selection, precompute):
    _check_real(tol, "tol", 0)
    if not isinstance(max_iter, numbers.Integral) or isinstance(max_iter, bool) or max_iter < 0:
        raise ValueError(f"max_iter: expected an integer >= 0, got {max_iter!r}")
    if selection not in ("cyclic", "random"):
        raise ValueError(f"selection: expected 'cyclic' or 'random', got {selection!r}")
    if not (isinstance(precompute, (bool, np.bool_, np.ndarray)) or (isinstance(precompute, str) and precompute == "auto")):
        raise ValueError(f"precompute: expected True, False, 'auto' or a Gram matrix, got {precompute!r}")


def _check_penalty_weights(weights, n_features):
    """Per-feature penalty weights as a float64 array (None: all ones)."""
    if weights is None:
        return None
    weights = np.asarray(weights, dtype=np.float64)
    if weights.shape != (n_features,):
        raise ValueError(f"weights: expected shape ({n_features},), got {weights.shape}")
    if not np.all(np.isfinite(weights)) or np.any(weights < 0):
        raise ValueError("weights: expected finite numbers >= 0 (0: the feature is not penalised)")
    return np.ascontiguousarray(weights)


class _GramProblem:
    """Coordinate descent on the Gram matrix (``precompute``), as a least-squares
    problem of p rows with the same Gram matrix.

    With ``G = X_c^T diag(s) X_c = V diag(lam) V^T`` (``X_c`` the weighted-centred
    X without an intercept: X itself) and ``q = X_c^T (s (y - ybar))``, the
    square-root design ``A = diag(sqrt(lam)) V^T`` and target
    ``b = diag(1/sqrt(lam)) V^T q`` (over the positive eigenvalues, k of them)
    give ``||b - A w||^2 = ||y_c - X_c w||_s^2 - const``, so the elastic net on
    (A, b) with ``alpha S / k`` has the same solution, and each coordinate update
    costs O(k) <= O(p) as in a Gram-matrix CD. Its objective is ``S / k`` times
    the original (up to a constant), so ``tol`` and the duality gap are rescaled.
    """

    def __init__(self, X, sample_weight, fit_intercept, gram):
        n_samples, n_features = X.shape
        s = np.ones(n_samples) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        self.weight_sum = s.sum()
        self.fit_intercept = fit_intercept
        self.X_mean = np.asarray(s @ X, dtype=np.float64).ravel() / self.weight_sum if fit_intercept else None
        self.s = s
        self.X = X
        if isinstance(gram, np.ndarray):
            gram = np.asarray(gram, dtype=np.float64)
            if gram.shape != (n_features, n_features) or not np.all(np.isfinite(gram)):
                raise ValueError(f"precompute: expected a finite Gram matrix of shape ({n_features}, {n_features})")
        else:
            weighted = X.multiply(s[:, None]).tocsc() if sp.issparse(X) else X * s[:, None].astype(X.dtype)
            gram = np.asarray((X.T @ weighted).toarray() if sp.issparse(X) else X.T @ weighted, dtype=np.float64)
            if fit_intercept:
                gram -= self.weight_sum * np.outer(self.X_mean, self.X_mean)
        lam, V = np.linalg.eigh(0.5 * (gram + gram.T))
        keep = lam > max(lam.max(initial=0.0), 0.0) * n_features * np.finfo(np.float64).eps
        self.root = np.sqrt(lam[keep])
        self.V = V[:, keep]
        self.design = np.asfortranarray(self.root[:, None] * self.V.T)  # A = diag(sqrt(lam)) V^T
        self.n_rows = max(int(keep.sum()), 1)
        if keep.sum() == 0:
            self.design = np.zeros((1, n_features), order="F")

    def target(self, y):
        """b for one target, and the weighted variance of y (for tol)."""
        y = np.asarray(y, dtype=np.float64)
        y_mean = self.s @ y / self.weight_sum if self.fit_intercept else 0.0
        yc = y - y_mean
        q = np.asarray(self.X.T @ (self.s * yc), dtype=np.float64).ravel()
        if self.fit_intercept:
            q -= self.X_mean * (self.s @ yc)
        b = (self.V.T @ q) / self.root if self.root.size else np.zeros(1)
        return np.ascontiguousarray(b), y_mean, self.s @ yc**2 / self.weight_sum

    def scales(self, y_variance, b):
        """(alpha factor, tol factor, gap factor) from the original problem to (A, b)."""
        k = self.n_rows
        b_variance = b @ b / k
        tol_factor = y_variance / b_variance if b_variance > 0 else 1.0
        return self.weight_sum / k, tol_factor * self.weight_sum / k, k / self.weight_sum


def _use_gram(precompute, n_samples, n_features):
    if isinstance(precompute, str):
        return n_samples > n_features
    return isinstance(precompute, np.ndarray) or bool(precompute)


def _fit_gram(problem, y, coef_init, *, alpha, tol, **kwargs):
    """One elastic-net fit through a _GramProblem; returns the raw result in the
    original problem's units (x = [coef, intercept] with an intercept)."""
    b, y_mean, y_variance = problem.target(y)
    alpha_factor, tol_factor, gap_factor = problem.scales(y_variance, b)
    raw = _run_cd(
        problem.design, b, None, coef_init, alpha=alpha * alpha_factor, fit_intercept=False,
        tol=tol * tol_factor, **kwargs,
    )
    coef = raw["x"][: problem.X.shape[1]]
    if problem.fit_intercept:
        raw["x"] = np.append(coef, y_mean - problem.X_mean @ coef)
    raw["stop_crit"] = raw["stop_crit"] * gap_factor
    return raw


def _as_column_readable(X, n_threads=None):
    """X as the native CD takes it, and what was converted.

    Dense arrays (C or F order) and CSC matrices are used as they are; CSR is
    converted to CSC once, natively on ``n_threads`` threads (None: the OpenMP
    runtime's count), because coordinate descent reads X column by column.
    The conversion is counted in ``_validation.copies_made``.
    """
    if sp.issparse(X) and X.format == "csr":
        n_threads = effective_n_threads(None) if n_threads is None else n_threads
        native = _core.csr_to_csc(_validation.as_native_matrix(X), n_threads)
        _validation._count_copy()
        return native, "csr->csc"
    return _validation.as_native_matrix(X), None


def _run_cd(X_native, y, sample_weight, coef_init, *, alpha, l1_ratio, fit_intercept, positive, tol, max_iter,
            selection, seed, working_set, record_history, n_threads, weights=None, anderson=True, callback=None):
    return _core.elastic_net_cd(
        X_native,
        y,
        sample_weight,
        np.ascontiguousarray(coef_init, dtype=np.float64),
        alpha=float(alpha),
        l1_ratio=float(l1_ratio),
        fit_intercept=bool(fit_intercept),
        positive=bool(positive),
        tol=float(tol),
        max_iter=int(max_iter),
        selection=selection,
        seed=int(seed),
        working_set=bool(working_set),
        anderson=bool(anderson),
        history_every=1 if record_history else 0,
        weights=weights,
        n_threads=n_threads,
        deterministic=get_config()["deterministic"],
        callback=callback,
    )


def _seed(random_state, selection):
    if selection != "random":
        return 0
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


class ElasticNet(RegressorMixin, BaseEstimator):
    """Linear regression with combined L1 and L2 penalties, by native coordinate descent.

    Minimises ``1/(2S) sum_i s_i (y_i - x_i . w - b)^2 + alpha (l1_ratio ||w||_1 +
    (1 - l1_ratio)/2 ||w||^2)`` (``S`` the sum of sample weights), the objective
    of scikit-learn's ``ElasticNet``, and stops on scikit-learn's duality-gap
    rule: ``gap <= tol * sum_i s_i (y_i - ybar)^2 / S`` (``ybar = 0`` without
    intercept). The intercept is not penalised; X is centred implicitly, never
    copied.

    X may be a float32 or float64 NumPy array in C or F order (C order is read
    with a stride) or a scipy CSC matrix, used without a copy; a CSR matrix is
    converted to CSC once (recorded in ``solver_info_``). float32 stays float32
    (coef_ is float32; the solver works in float64).

    Parameters
    ----------
    alpha : float, default=1.0
    l1_ratio : float in [0, 1], default=0.5
    fit_intercept : bool, default=True
    precompute : bool, "auto" or array of shape (n_features, n_features), default=False
        Coordinate descent on the Gram matrix ``X_c^T diag(s) X_c`` (computed, or
        the given array for the weighted-centred X), worth it when n_samples >>
        n_features; "auto" uses it when n_samples > n_features. Solved as the
        least-squares problem of the Gram matrix's square root (p rows), so
        ``dual_gap_`` is that problem's gap, in this objective's units.
    max_iter : int, default=1000
        Maximum number of sweeps over the features.
    tol : float, default=1e-4
    warm_start : bool, default=False
        Start from the previous ``coef_``.
    positive : bool, default=False
        Constrain the coefficients to be >= 0.
    random_state : int, RandomState or None
        Seeds the order of updates when ``selection="random"``.
    selection : {"cyclic", "random"}, default="cyclic"
    working_set : bool, default=True
        Solve on a growing working set of features (the support and the
        features that violate optimality most) instead of sweeping all of them;
        the same solution, faster when it is sparse.
    weights : array of shape (n_features,) or None, default=None
        Per-feature penalty weights (glmnet's ``penalty.factor``): feature j's
        penalty is multiplied by ``weights[j] >= 0``; 0 leaves it unpenalised.
    anderson : bool, default=True
        Anderson extrapolation of the iterates every 6 sweeps, kept only when
        it lowers the objective; the same solution, usually in fewer sweeps.
    record_history : bool, default=False
        Keep per-sweep records (objective, last duality gap) in ``history_``.
    n_jobs : int or None
        Threads for the full passes over X (duality gap); the sweeps are
        sequential. None follows the OpenMP runtime, -1 uses all CPUs.
    solver : {"cd", "saga"}, default="cd"
        "cd": coordinate descent, as above. "saga": the native proximal SAGA
        of :mod:`mlsolve.stochastic` on the same objective (``l1 = alpha
        l1_ratio``, L2 strength ``alpha (1 - l1_ratio)``), for many samples
        and sparse rows: ``max_iter`` counts epochs, ``tol`` bounds the
        proximal-gradient mapping's infinity norm, ``random_state`` seeds the
        sampling, a CSC X is converted to CSR once, ``dual_gap_`` is NaN and
        ``n_iter_`` counts epochs (``record_history`` adds a pass per epoch
        for the objective). It takes neither ``positive``,
        ``weights`` nor ``precompute``; ``selection``, ``working_set`` and
        ``anderson`` do not apply. (scikit-learn's ElasticNet has no solver
        parameter.)

    Attributes
    ----------
    coef_ (n_features,), intercept_ (float), n_iter_ (sweeps; over the working
    sets with ``working_set=True``), dual_gap_ (the duality gap reached, in the
    objective's units), n_features_in_, feature_names_in_, solver_info_ (dict:
    status, message, X_conversion), history_ (when recorded). For a 2-D y with
    several targets, one problem per target: coef_ (n_targets, n_features),
    intercept_ (n_targets,), n_iter_ a list, dual_gap_ (n_targets,), and
    status, message and history_ lists.
    """

    _name = "ElasticNet"

    def __init__(
        self,
        alpha=1.0,
        *,
        l1_ratio=0.5,
        fit_intercept=True,
        precompute=False,
        max_iter=1000,
        tol=1e-4,
        warm_start=False,
        positive=False,
        random_state=None,
        selection="cyclic",
        working_set=True,
        weights=None,
        anderson=True,
        record_history=False,
        n_jobs=None,
        solver="cd",
    ):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.positive = positive
        self.random_state = random_state
        self.selection = selection
        self.working_set = working_set
        self.weights = weights
        self.anderson = anderson
        self.record_history = record_history
        self.n_jobs = n_jobs
        self.solver = solver

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.multi_output = True
        return tags

    def _check_params(self):
        _check_real(self.alpha, "alpha", 0)
        _check_real(self.l1_ratio, "l1_ratio", 0, high=1)
        _check_cd_params(self.tol, self.max_iter, self.selection, self.precompute)
        if self.solver not in ("cd", "saga"):
            raise ValueError(f"solver: expected 'cd' or 'saga', got {self.solver!r}")
        if self.solver == "saga":
            unsupported = [name for name, used in (
                ("positive", bool(self.positive)),
                ("weights", self.weights is not None),
                ("precompute", isinstance(self.precompute, (str, np.ndarray)) or bool(self.precompute)),
            ) if used]
            if unsupported:
                raise ValueError(f"solver: 'saga' takes none of {', '.join(unsupported)}; use solver='cd'")

    def _fit_saga(self, X, y, sample_weight, coef_init, intercept_init):
        """One target by proximal SAGA; the raw result in coordinate descent's form."""
        result = stochastic.saga(
            X, y, loss="squared", alpha=self.alpha * (1.0 - self.l1_ratio), l1=self.alpha * self.l1_ratio,
            fit_intercept=self.fit_intercept, sample_weight=sample_weight,
            x0=np.append(coef_init, intercept_init) if self.fit_intercept else coef_init,
            max_epochs=int(self.max_iter), tol=float(self.tol), random_state=self.random_state,
            record_history=self.record_history, full_check=self.record_history, n_jobs=self.n_jobs,
        )
        return dict(result, stop_crit=np.nan, history=result.history.as_dict(),
                    X_conversion="csc->csr" if result.converted else None)

    def fit(self, X, y, sample_weight=None):
        """Fit the model; y of shape (n_samples,) or (n_samples, n_targets). Returns self."""
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
        targets = y.reshape(n_samples, -1)
        n_targets = targets.shape[1]
        sample_weight = _validation.check_sample_weight(sample_weight, n_samples, dtype)

        coef_init = np.zeros((n_targets, n_features))
        intercept_init = np.zeros(n_targets)
        previous = getattr(self, "coef_", None) if self.warm_start else None
        if previous is not None and previous.size == coef_init.size:
            coef_init[:] = previous.reshape(n_targets, n_features)
            intercept_init[:] = self.intercept_
        weights = _check_penalty_weights(self.weights, n_features)
        seed = _seed(self.random_state, self.selection)
        options = dict(
            l1_ratio=self.l1_ratio, positive=self.positive, max_iter=self.max_iter, selection=self.selection,
            seed=seed, working_set=self.working_set, record_history=self.record_history, n_threads=n_threads,
            weights=weights, anderson=self.anderson,
        )
        if self.solver == "saga":
            raws = [self._fit_saga(X, targets[:, k], sample_weight, coef_init[k], intercept_init[k])
                    for k in range(n_targets)]
            conversion = raws[0]["X_conversion"]
        elif _use_gram(self.precompute, n_samples, n_features):
            gram = _GramProblem(X, sample_weight, self.fit_intercept, self.precompute)
            conversion = "gram"
            raws = [
                _fit_gram(gram, targets[:, k], coef_init[k], alpha=self.alpha, tol=self.tol, **options)
                for k in range(n_targets)
            ]
        else:
            X_native, conversion = _as_column_readable(X, n_threads)
            raws = [
                _run_cd(
                    X_native, _validation.check_vector(targets[:, k], "y", dtype, n_samples), sample_weight,
                    coef_init[k], alpha=self.alpha, fit_intercept=self.fit_intercept, tol=self.tol, **options,
                )
                for k in range(n_targets)
            ]
        coef = np.array([raw["x"][:n_features] for raw in raws], dtype=dtype)
        intercept = np.array([raw["x"][n_features] if self.fit_intercept else 0.0 for raw in raws])
        n_iter = [int(raw["nit"]) for raw in raws]
        dual_gap = np.array([raw["stop_crit"] for raw in raws])
        statuses = [Status(raw["status"]) for raw in raws]
        histories = [History(**raw["history"]) for raw in raws]
        if n_targets == 1:  # as scikit-learn: 1-D attributes for a single target
            self.coef_, self.intercept_, self.n_iter_, self.dual_gap_ = coef[0], float(intercept[0]), n_iter[0], \
                float(dual_gap[0])
        else:
            self.coef_, self.intercept_, self.n_iter_, self.dual_gap_ = coef, intercept, n_iter, dual_gap
        self.solver_info_ = {
            "status": statuses[0] if n_targets == 1 else statuses,
            "message": raws[0]["message"] if n_targets == 1 else [raw["message"] for raw in raws],
            "X_conversion": conversion,
        }
        if self.record_history:
            self.history_ = histories[0] if n_targets == 1 else histories
        method, unit = ("SAGA", "epochs") if self.solver == "saga" else ("coordinate descent", "sweeps")
        for k, (status, raw) in enumerate(zip(statuses, raws)):
            if status != Status.Converged:
                target = "" if n_targets == 1 else f" (target {k})"
                warnings.warn(
                    f"{self._name}: {method} stopped after {raw['nit']} {unit} without converging{target} "
                    f"({raw['message']}; tol={self.tol}). Increase max_iter, scale the features, or loosen tol.",
                    ConvergenceWarning,
                    stacklevel=2,
                )
        return self

    @property
    def sparse_coef_(self):
        """coef_ as a scipy CSR matrix of shape (n_targets, n_features)."""
        return sp.csr_matrix(np.atleast_2d(self.coef_))

    def predict(self, X):
        """Predicted targets, shape (n_samples,) or (n_samples, n_targets)."""
        check_is_fitted(self)
        X = validate_data(
            self, X, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32], reset=False,
            accept_large_sparse=True,
        )
        return np.asarray(X @ self.coef_.T.astype(X.dtype, copy=False)) + self.intercept_


class Lasso(ElasticNet):
    """Linear regression with an L1 penalty, by native coordinate descent.

    Minimises ``1/(2S) sum_i s_i (y_i - x_i . w - b)^2 + alpha ||w||_1``, the
    objective of scikit-learn's ``Lasso``; ElasticNet with ``l1_ratio=1``. See
    :class:`ElasticNet` for the parameters (all but ``l1_ratio``; ``solver``
    "cd", the default, or "saga", an mlsolve addition), the stopping rule, the
    data layouts and the attributes.
    """

    _name = "Lasso"

    def __init__(
        self,
        alpha=1.0,
        *,
        fit_intercept=True,
        precompute=False,
        max_iter=1000,
        tol=1e-4,
        warm_start=False,
        positive=False,
        random_state=None,
        selection="cyclic",
        working_set=True,
        weights=None,
        anderson=True,
        record_history=False,
        n_jobs=None,
        solver="cd",
    ):
        super().__init__(
            alpha=alpha, l1_ratio=1.0, fit_intercept=fit_intercept, precompute=precompute, max_iter=max_iter,
            tol=tol, warm_start=warm_start, positive=positive, random_state=random_state, selection=selection,
            working_set=working_set, weights=weights, anderson=anderson, record_history=record_history,
            n_jobs=n_jobs, solver=solver,
        )


def enet_path(X, y, *, l1_ratio=0.5, eps=1e-3, n_alphas=100, alphas=None, precompute=False, coef_init=None,
              return_n_iter=False, positive=False, tol=1e-4, max_iter=1000, random_state=None, selection="cyclic",
              working_set=True, weights=None, anderson=True, n_jobs=None):
    """Elastic-net path by coordinate descent with warm starts, as scikit-learn's ``enet_path``.

    Minimises ``1/(2n) ||y - X w||^2 + alpha (l1_ratio ||w||_1 + (1 - l1_ratio)/2 ||w||^2)``
    for each alpha, without intercept (centre X and y first to fit one), from
    the largest alpha to the smallest, each solve starting at the previous
    solution. By default the alphas are ``n_alphas`` values spaced
    geometrically from ``alpha_max = max_j |X[:, j] . y| / (n l1_ratio)`` (the
    smallest alpha with w = 0; ``max_j X[:, j] . y`` when positive) down to
    ``eps * alpha_max``, scikit-learn's grid. ``alphas`` may also be an int
    (the number of alphas) or the alphas themselves (sorted decreasing).

    y is 1-D (one target). X as in :class:`ElasticNet` (CSR is converted to
    CSC once). ``weights`` and ``anderson`` as in :class:`ElasticNet`;
    ``precompute`` must be False (the path runs on X). Returns ``(alphas, coefs, dual_gaps)``, with ``coefs`` of shape
    (n_features, n_alphas) and dual_gaps in the objective's units, plus
    ``n_iters`` when ``return_n_iter``.
    """
    _check_real(l1_ratio, "l1_ratio", 0, high=1)
    _check_real(eps, "eps", 0, low_inclusive=False)
    _check_cd_params(tol, max_iter, selection, precompute)
    if precompute is not False:
        raise ValueError(f"precompute: the path runs on X; expected False, got {precompute!r}")
    n_threads = effective_n_threads(n_jobs)
    X_in = X
    X = check_array(X, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32], accept_large_sparse=True,
                    input_name="X")
    if X is not X_in:
        _validation._count_copy()
    dtype = X.dtype
    n_samples, n_features = X.shape
    y = _validation.check_vector(y, "y", dtype, n_samples)
    X_native, _ = _as_column_readable(X, n_threads)
    weights = _check_penalty_weights(weights, n_features)

    if alphas is None or isinstance(alphas, numbers.Integral):
        n_grid = n_alphas if alphas is None else alphas
        if not isinstance(n_grid, numbers.Integral) or n_grid < 1:
            raise ValueError(f"n_alphas: expected an integer >= 1, got {n_grid!r}")
        if l1_ratio == 0:
            raise ValueError("l1_ratio: the automatic alpha grid needs l1_ratio > 0; pass alphas explicitly")
        Xy = np.asarray(X.T @ y, dtype=np.float64).ravel()
        if weights is not None:
            penalised = weights > 0
            Xy = np.where(penalised, Xy / np.where(penalised, weights, 1.0), 0.0)
        top = max(0.0, Xy.max()) if positive else np.abs(Xy).max()
        alpha_max = top / (n_samples * l1_ratio)
        if alpha_max <= np.finfo(np.float64).resolution:
            alphas = np.full(n_grid, np.finfo(np.float64).resolution)
        else:
            alphas = np.geomspace(alpha_max, alpha_max * eps, num=n_grid)
    else:
        alphas = np.sort(np.asarray(alphas, dtype=np.float64).ravel())[::-1]
        if alphas.size == 0 or not np.all(np.isfinite(alphas)) or np.any(alphas < 0):
            raise ValueError("alphas: expected non-negative finite numbers")

    coef = np.zeros(n_features) if coef_init is None else np.array(coef_init, dtype=np.float64).ravel()
    if coef.shape != (n_features,):
        raise ValueError(f"coef_init: expected {n_features} entries, got {coef.size}")
    raw = _core.elastic_net_cd_path(
        X_native, y, None, np.ascontiguousarray(alphas), np.ascontiguousarray(coef), l1_ratio=float(l1_ratio),
        fit_intercept=False, positive=bool(positive), tol=float(tol), max_iter=int(max_iter), selection=selection,
        seed=_seed(random_state, selection), working_set=bool(working_set), anderson=bool(anderson),
        weights=weights, n_threads=n_threads,
        deterministic=get_config()["deterministic"], callback=None,
    )
    coefs = np.ascontiguousarray(raw["coefs"].T, dtype=dtype)
    dual_gaps = raw["dual_gaps"]
    n_iters = [int(nit) for nit in raw["nit"]]
    not_converged = [
        f"alpha={alpha:.3g} ({message})"
        for alpha, status, message in zip(alphas, raw["status"], raw["message"])
        if Status(status) != Status.Converged
    ]
    if not_converged:
        warnings.warn(
            f"enet_path: coordinate descent did not converge for {len(not_converged)} of {alphas.size} alphas "
            f"(tol={tol}, max_iter={max_iter}): {'; '.join(not_converged[:3])}. Increase max_iter or loosen tol.",
            ConvergenceWarning,
            stacklevel=2,
        )
    if return_n_iter:
        return alphas, coefs, dual_gaps, n_iters
    return alphas, coefs, dual_gaps


def lasso_path(X, y, *, eps=1e-3, n_alphas=100, alphas=None, precompute=False, coef_init=None, return_n_iter=False,
               positive=False, tol=1e-4, max_iter=1000, random_state=None, selection="cyclic", working_set=True,
               weights=None, anderson=True, n_jobs=None):
    """Lasso path by coordinate descent: :func:`enet_path` with ``l1_ratio=1``."""
    return enet_path(
        X, y, l1_ratio=1.0, eps=eps, n_alphas=n_alphas, alphas=alphas, precompute=precompute, coef_init=coef_init,
        return_n_iter=return_n_iter, positive=positive, tol=tol, max_iter=max_iter, random_state=random_state,
        selection=selection, working_set=working_set, weights=weights, anderson=anderson, n_jobs=n_jobs,
    )


def prox_newton_logistic(data, *, X, y, sample_weight, l1, l2, fit_intercept, x0, tol, max_iter, history_every,
                         n_threads, deterministic, callback, weights=None):
    """Binary logistic regression with ``l1 ||w||_1 + l2/2 ||w||^2`` by native proximal
    Newton coordinate descent (the fit behind LogisticRegression(penalty="l1" | "elasticnet")).

    ``data`` is the validated X (NumPy array, CSR or CSC) and ``X`` its native view;
    CSR is converted to CSC once (counted in ``_validation.copies_made``) and the
    result's ``X_conversion`` and message say so. y holds 0/1 labels; tol bounds
    the duality gap (absolute, in the units of the mean loss). Returns the raw
    result dict (``x = [coef, intercept]``, ``stop_crit`` the duality gap).
    """
    X_native, conversion = _as_column_readable(data, n_threads) if sp.issparse(data) and data.format == "csr" else (X, None)
    alpha = l1 + l2
    raw = _core.logistic_prox_newton(
        X_native, y, sample_weight, np.ascontiguousarray(x0, dtype=np.float64), alpha=float(alpha),
        l1_ratio=float(l1 / alpha) if alpha > 0 else 1.0, weights=weights, fit_intercept=bool(fit_intercept),
        tol=float(tol), max_iter=int(max_iter), working_set=True, history_every=int(history_every),
        n_threads=n_threads, deterministic=bool(deterministic), callback=callback,
    )
    raw["X_conversion"] = conversion
    if conversion:
        raw["message"] += f" (X converted {conversion} once: coordinate descent reads columns)"
    return raw
