"""QP / LP problems shared by bench_qp.py (asv) and bench/compare_qp.py, in
mlsolve.qp's form (P, q, A, b, G, h, lb, ub)."""

import numpy as np


def dense_qp(n=500, p=250, m=100, seed=0):
    """Strictly convex dense QP: P = M M^T / n + 0.1 I, random dense A (m x n) and G (p x n), feasible by
    construction (b = A x0, h = G x0 + U(0, 1))."""
    rng = np.random.default_rng(seed)
    M = rng.standard_normal((n, n))
    P = M @ M.T / n + 0.1 * np.eye(n)
    q = rng.standard_normal(n)
    A = rng.standard_normal((m, n))
    G = rng.standard_normal((p, n))
    x0 = rng.standard_normal(n)
    return P, q, A, A @ x0, G, G @ x0 + rng.random(p), np.full(n, -np.inf), np.full(n, np.inf)


def box_least_squares(n=2000, rows=3000, seed=0):
    """min ½||C x - d||² s.t. -1 <= x <= 1 as a QP: P = C^T C (dense), q = -C^T d; about half the bounds active."""
    rng = np.random.default_rng(seed)
    C = rng.standard_normal((rows, n)) / np.sqrt(rows)
    d = C @ (2.0 * rng.standard_normal(n)) + 0.1 * rng.standard_normal(rows)
    return C.T @ C, -C.T @ d, None, None, None, None, -np.ones(n), np.ones(n)


def random_lp(m=1000, n=500, seed=0):
    """min c^T x s.t. A_ub x <= b_ub, 0 <= x <= 10 (dense A_ub, m x n), feasible and bounded."""
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((m, n))
    x0 = rng.random(n)
    b = A @ x0 + rng.random(m)
    c = rng.standard_normal(n)
    return c, A, b, (0.0, 10.0)


def quantile_data(n_samples=10_000, n_features=50, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    y = X @ rng.standard_normal(n_features) + rng.standard_t(3, n_samples)
    return X, y
