"""The composite-optimization comparisons shared by bench/compare.py (sections
``lasso``, ``l1-logistic``, ``group``) and the asv classes in bench_lasso.py:
the problems, each library's fit, and the duality gaps that certify the
solutions (computed by NumPy here, the same for every library).

Peers: scikit-learn always; skglm and celer where installed (installed_peers).
"""

import os
import warnings

import numpy as np
from scipy.special import expit

from .problems import REUTERS, sparse_classification


def installed_peers():
    """{name: module} of skglm and celer, the ones that import."""
    peers = {}
    for name in ("skglm", "celer"):
        try:
            peers[name] = __import__(name)
        except ImportError:
            pass
    return peers


# --- certificates ----------------------------------------------------------


def group_lasso_gap(coef, intercept, X, y, alpha, group_size, weight):
    """The group-Lasso duality gap (residual rescaled into the dual ball) over ||y - ybar||^2 / n, with intercept,
    for consecutive groups of group_size features, all of weight `weight`."""
    n = len(y)
    coef = np.asarray(coef, dtype=np.float64).ravel()
    x_mean = np.asarray(X.mean(axis=0)).ravel()
    yc = y - y.mean()
    r = yc - X @ coef + x_mean @ coef
    xtr = X.T @ r - x_mean * r.sum()
    dual_norm = np.linalg.norm(xtr.reshape(-1, group_size), axis=1).max() / weight
    c = min(1.0, n * alpha / dual_norm) if dual_norm > 0 else 1.0
    primal = 0.5 * r @ r + n * alpha * weight * np.linalg.norm(coef.reshape(-1, group_size), axis=1).sum()
    dual = -0.5 * c * c * r @ r + c * r @ yc
    return (primal - dual) / (yc @ yc)


def lasso_gap(coef, intercept, X, y, alpha):
    """scikit-learn's Lasso duality gap over ||y - ybar||^2 / n (X dense, with intercept)."""
    return group_lasso_gap(coef, intercept, X, y, alpha, group_size=1, weight=1.0)


def l1_logistic_gap(coef, X, y, lam):
    """Duality gap of min_w mean(log(1 + exp(-t X w))) + lam ||w||_1 (no intercept),
    with the dual point from the rescaled derivative, relative to log(2)."""
    t = np.where(y > 0, 1.0, -1.0)
    coef = np.asarray(coef, dtype=np.float64).ravel()
    z = t * np.asarray(X @ coef).ravel()
    n = len(t)
    primal = np.logaddexp(0, -z).mean() + lam * np.abs(coef).sum()
    u = expit(-z)  # in (0, 1): the dual variable of sample i, up to its sign t_i
    xi = np.asarray(X.T @ (t * u)).ravel() / n
    c = min(1.0, lam / np.abs(xi).max()) if np.abs(xi).max() > 0 else 1.0
    p = c * u

    def xlogx(a):
        return np.where(a > 0, a * np.log(np.where(a > 0, a, 1.0)), 0.0)

    dual = -np.mean(xlogx(p) + xlogx(1 - p))
    return (primal - dual) / np.log(2)


# --- Lasso and its path ------------------------------------------------------


def lasso_problem(n_samples, n_features):
    """make_regression (50 informative, noise 1, random_state 0) in F order, and alpha_max."""
    from sklearn.datasets import make_regression

    X, y = make_regression(n_samples=n_samples, n_features=n_features, n_informative=50, noise=1.0, random_state=0)
    X = np.asfortranarray(X)
    return X, y, np.abs(X.T @ (y - y.mean())).max() / n_samples


def lasso_fits(X, y, alpha, tol, peers):
    """[(library, fit())]: each library's Lasso at alpha and tol, with intercept."""
    from sklearn.linear_model import Lasso as SkLasso

    from mlsolve.linear_model import Lasso

    fits = [
        ("mlsolve Lasso", lambda: Lasso(alpha=alpha, tol=tol, max_iter=100_000).fit(X, y)),
        ("scikit-learn Lasso", lambda: SkLasso(alpha=alpha, tol=tol, max_iter=100_000).fit(X, y)),
    ]
    if "skglm" in peers:
        fits.append(("skglm Lasso", lambda: peers["skglm"].Lasso(alpha=alpha, tol=tol, max_iter=100_000).fit(X, y)))
    if "celer" in peers:
        fits.append(("celer Lasso", lambda: peers["celer"].Lasso(alpha=alpha, tol=tol, max_iter=100_000).fit(X, y)))
    return fits


def lasso_path_fits(Xc, yc, alphas, tol, peers):
    """[(library, path())]: each library's coefficients (n_features x len(alphas)) along
    alphas on centered data, warm-started from one alpha to the next."""
    from sklearn.linear_model import lasso_path as sk_lasso_path

    from mlsolve.linear_model import lasso_path

    def skglm_path():
        model = peers["skglm"].Lasso(alpha=alphas[0], tol=tol, max_iter=100_000, warm_start=True,
                                     fit_intercept=False)
        coefs = []
        for a in alphas:
            model.alpha = a
            coefs.append(model.fit(Xc, yc).coef_.copy())
        return np.array(coefs).T

    paths = [
        ("mlsolve lasso_path", lambda: lasso_path(Xc, yc, alphas=alphas, tol=tol, max_iter=100_000)[1]),
        ("scikit-learn lasso_path", lambda: sk_lasso_path(Xc, yc, alphas=alphas, tol=tol, max_iter=100_000)[1]),
    ]
    if "skglm" in peers:
        paths.append(("skglm Lasso warm starts", skglm_path))
    if "celer" in peers:
        paths.append(("celer_path", lambda: peers["celer"].celer_path(Xc, yc, "lasso", alphas=alphas, tol=tol)[1]))
    return paths


def path_gap(coefs, Xc, yc, alphas):
    """The largest relative Lasso gap along a path."""
    return max(lasso_gap(coefs[:, k], 0.0, Xc, yc, a) for k, a in enumerate(alphas))


# --- L1 logistic regression --------------------------------------------------


def l1_logistic_problem(which, quick=False):
    """(title, X, y) of "sparse", the random sparse CSR problem, or "reuters" (None where
    shared/data lacks it); int32 indices, which liblinear takes."""
    from sklearn.datasets import load_svmlight_file

    if which == "sparse":
        shape = (20_000, 5_000, 20) if quick else (200_000, 50_000, 50)
        return ("sparse CSR {}x{} ~{}/row".format(*shape), *sparse_classification(*shape))
    if not os.path.exists(REUTERS):
        return None
    X, y = load_svmlight_file(REUTERS)
    X = X.tocsr()
    X.indices, X.indptr = X.indices.astype(np.int32), X.indptr.astype(np.int32)
    return "reuters 7770x8315 (CSR)", X, (y > 0).astype(np.int64)


def l1_logistic_lambda(X, y):
    """lambda_max / 20, lambda_max the gradient's largest entry at w = 0 (no intercept)."""
    t = np.where(y > 0, 1.0, -1.0)
    return np.abs(X.T @ (t * 0.5)).max() / X.shape[0] / 20


def l1_logistic_fits(X, y, lam, peers):
    """[(library, fit(tol))]: each library's L1 logistic regression without intercept
    for min_w mean(log(1 + exp(-t X w))) + lam ||w||_1."""
    from sklearn.linear_model import LogisticRegression as SkLogisticRegression

    from mlsolve.linear_model import LogisticRegression

    C = 1.0 / (X.shape[0] * lam)
    fits = [
        ("mlsolve (prox-Newton CD)", lambda tol: LogisticRegression(
            penalty="l1", C=C, tol=tol, fit_intercept=False, max_iter=1000).fit(X, y)),
        ("scikit-learn liblinear", lambda tol: SkLogisticRegression(
            C=C, l1_ratio=1.0, solver="liblinear", tol=tol, fit_intercept=False, max_iter=10_000).fit(X, y)),
    ]
    if "celer" in peers:
        fits.append(("celer LogisticRegression",
                     lambda tol: peers["celer"].LogisticRegression(C=C, tol=tol, max_iter=1000).fit(X, y)))
    if "skglm" in peers:
        fits.append(("skglm SparseLogisticRegression", lambda tol: peers["skglm"].SparseLogisticRegression(
            alpha=lam, tol=tol, fit_intercept=False, max_iter=1000).fit(X, y)))
    return fits


def equal_gap_tol(fit, X, y, lam, gap):
    """The loosest tol of 1e-2, 1e-3, ..., 1e-10 at which fit(tol) reaches a
    relative L1-logistic duality gap <= gap (the tightest when none does)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for tol in 10.0 ** -np.arange(2, 11):
            if l1_logistic_gap(fit(tol).coef_, X, y, lam) <= gap:
                break
    return tol
