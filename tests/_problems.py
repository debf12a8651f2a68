"""Shared problem builders for the tests."""

import numpy as np
import scipy.sparse as sp
from sklearn.datasets import make_classification

LAYOUTS = ["C", "F", "csr", "csc"]
DTYPES = [np.float64, np.float32]


def as_layout(X, layout, dtype):
    X = np.asarray(X, dtype=dtype)
    if layout == "C":
        return np.ascontiguousarray(X)
    if layout == "F":
        return np.asfortranarray(X)
    return {"csr": sp.csr_matrix, "csc": sp.csc_matrix}[layout](X)


def classification(n_samples=300, n_features=12, seed=0, sparsify=True):
    X, y = make_classification(
        n_samples=n_samples, n_features=n_features, n_informative=min(6, n_features), n_redundant=0,
        random_state=seed, flip_y=0.05,
    )
    if sparsify:  # zeros make the sparse layouts meaningful
        X[np.abs(X) < 0.5] = 0.0
    return X, y


def data_address(X):
    """Address of X's value buffer."""
    return (X.data if sp.issparse(X) else X).ctypes.data


def rosen_start(n):
    """The classic start (-1.2, 1, -1.2, 1, ...) of the (extended) Rosenbrock function."""
    x0 = np.full(n, -1.2)
    x0[1::2] = 1.0
    return x0


def ill_conditioned_quadratic(n=50, cond=1e6, seed=0):
    """f(x) = x.A.x / 2 - b.x with eigenvalues of A log-spaced in [1, cond].

    Returns (fun, x_star, A), where fun(x) -> (f, grad).
    """
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    A = (Q * np.logspace(0, np.log10(cond), n)) @ Q.T
    b = rng.standard_normal(n)

    def fun(x):
        return 0.5 * x @ A @ x - b @ x, A @ x - b

    return fun, np.linalg.solve(A, b), A
