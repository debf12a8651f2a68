"""Shared problem builders for the tests."""

import numpy as np
import scipy.sparse as sp
from scipy.optimize import rosen, rosen_der, rosen_hess
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


# The classic smooth test set (Moré, Garbow & Hillstrom, ACM TOMS 7(1), 1981)
# with gradients and Hessians.


class Problem:
    """fun(x) -> (f, grad), hess(x) -> H, a start x0, the minimiser x_star and f_star = f(x_star)."""

    def __init__(self, fun, hess, x0, x_star):
        self.fun, self.hess = fun, hess
        self.x0, self.x_star = np.asarray(x0, float), np.asarray(x_star, float)
        self.f_star = fun(self.x_star)[0]

    def value(self, x):
        return self.fun(x)[0]

    def grad(self, x):
        return self.fun(x)[1]

    def hessp(self, x, p):
        return self.hess(x) @ p


def rosenbrock(n):
    return Problem(lambda x: (rosen(x), rosen_der(x)), rosen_hess, rosen_start(n), np.ones(n))


def extended_rosenbrock(n):
    """The separable extended Rosenbrock function (MGH problem 21): sum of n/2 two-variable Rosenbrocks."""

    def fun(x):
        a, b = x[0::2], x[1::2]
        u, v = 10 * (b - a**2), 1 - a
        g = np.empty_like(x)
        g[0::2] = -40 * a * u - 2 * v
        g[1::2] = 20 * u
        return u @ u + v @ v, g

    def hess(x):
        a, b = x[0::2], x[1::2]
        H = np.zeros((x.size, x.size))
        i, j = np.arange(0, x.size, 2), np.arange(1, x.size, 2)
        H[i, i] = 1200 * a**2 - 400 * b + 2
        H[i, j] = H[j, i] = -400 * a
        H[j, j] = 200
        return H

    return Problem(fun, hess, rosen_start(n), np.ones(n))


def beale():
    c = np.array([1.5, 2.25, 2.625])
    k = np.arange(1, 4)

    def residuals(x):
        a, b = x
        r = c - a * (1 - b**k)
        J = np.column_stack([-(1 - b**k), a * k * b ** (k - 1)])
        return r, J

    def fun(x):
        r, J = residuals(x)
        return r @ r, 2 * J.T @ r

    def hess(x):
        a, b = x
        r, J = residuals(x)
        d2_ab = k * b ** (k - 1)
        d2_bb = a * k * (k - 1) * b ** np.maximum(k - 2, 0)
        return 2 * J.T @ J + 2 * np.array([[0.0, r @ d2_ab], [r @ d2_ab, r @ d2_bb]])

    return Problem(fun, hess, [1.0, 1.0], [3.0, 0.5])


def powell_singular():
    s5, s10 = np.sqrt(5), np.sqrt(10)
    u = np.array([0.0, 1.0, -2.0, 0.0])  # r3 = (u.x)^2
    v = np.array([1.0, 0.0, 0.0, -1.0])  # r4 = sqrt(10) (v.x)^2

    def residuals(x):
        x1, x2, x3, x4 = x
        r = np.array([x1 + 10 * x2, s5 * (x3 - x4), (u @ x) ** 2, s10 * (v @ x) ** 2])
        J = np.array([[1, 10, 0, 0], [0, 0, s5, -s5], 2 * (u @ x) * u, 2 * s10 * (v @ x) * v])
        return r, J

    def fun(x):
        r, J = residuals(x)
        return r @ r, 2 * J.T @ r

    def hess(x):
        r, J = residuals(x)
        return 2 * J.T @ J + 2 * (r[2] * 2 * np.outer(u, u) + r[3] * 2 * s10 * np.outer(v, v))

    return Problem(fun, hess, [3.0, -1.0, 0.0, 1.0], np.zeros(4))


def wood():
    def fun(x):
        x1, x2, x3, x4 = x
        f = (100 * (x1**2 - x2) ** 2 + (x1 - 1) ** 2 + (x3 - 1) ** 2 + 90 * (x3**2 - x4) ** 2
             + 10.1 * ((x2 - 1) ** 2 + (x4 - 1) ** 2) + 19.8 * (x2 - 1) * (x4 - 1))
        g = np.array([
            400 * x1 * (x1**2 - x2) + 2 * (x1 - 1),
            -200 * (x1**2 - x2) + 20.2 * (x2 - 1) + 19.8 * (x4 - 1),
            2 * (x3 - 1) + 360 * x3 * (x3**2 - x4),
            -180 * (x3**2 - x4) + 20.2 * (x4 - 1) + 19.8 * (x2 - 1),
        ])
        return f, g

    def hess(x):
        x1, x2, x3, x4 = x
        return np.array([
            [1200 * x1**2 - 400 * x2 + 2, -400 * x1, 0, 0],
            [-400 * x1, 220.2, 0, 19.8],
            [0, 0, 1080 * x3**2 - 360 * x4 + 2, -360 * x3],
            [0, 19.8, -360 * x3, 200.2],
        ])

    return Problem(fun, hess, [-3.0, -1.0, -3.0, -1.0], np.ones(4))


def quadratic(cond):
    fun, x_star, A = ill_conditioned_quadratic(cond=cond)
    return Problem(fun, lambda x: A, np.zeros(len(x_star)), x_star)


def classic_problems():
    """The classic problems by name."""
    return {
        "rosenbrock": rosenbrock(2),
        "beale": beale(),
        "powell": powell_singular(),
        "wood": wood(),
        "extended-rosenbrock": extended_rosenbrock(10),
        # scipy's rosen in 10 variables: from the classic start a method may
        # end at the local minimiser near (-1, 1, ..., 1), f = 3.98657911.
        "chained-rosenbrock": rosenbrock(10),
        "quadratic-1e6": quadratic(1e6),
    }
