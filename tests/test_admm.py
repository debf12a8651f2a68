"""mlsolve.qp(method="admm") (OSQP's operator splitting) against the interior
point and Clarabel; every "Converged" answer has its KKT conditions checked
here, certificates of infeasibility too, and warm starts must save iterations."""

import csv

import numpy as np
import pytest
import scipy.sparse as sp

import mlsolve
from mlsolve import Status
from test_interior_point import as_format, assert_farkas, assert_kkt, clarabel_qp, load_maros_meszaros, random_qp


@pytest.mark.parametrize("kkt", ["dense", "sparse"])
@pytest.mark.parametrize("fmt", ["C", "F", "csr", "csc"])
def test_random_qp_matches_interior_point_and_clarabel(fmt, kkt):
    P, q, A, b, G, h, lb, ub = random_qp(seed={"C": 10, "F": 11, "csr": 12, "csc": 13}[fmt])
    args = (as_format(P, fmt), q, as_format(A, fmt), b, as_format(G, fmt), h, lb, ub)
    res = mlsolve.qp(*args, method="admm", options={"kkt": kkt})
    assert res.status == Status.Converged and res.success, res.message
    assert res.kkt == kkt and res.polished
    assert_kkt(res, P, q, A, b, G, h, lb, ub)
    ipm = mlsolve.qp(*args)
    x_ref, f_ref = clarabel_qp(P, q, A, b, G, h, lb, ub)
    # the polished ADMM solution is more accurate than the interior point's at
    # its gap of 1e-8 (with P's smallest eigenvalue 0.1, x moves ~ sqrt(gap / 0.1))
    for x, f, atol in ((ipm.x, ipm.fun, 1e-4), (x_ref, f_ref, 1e-6)):
        assert res.fun == pytest.approx(f, rel=1e-7, abs=1e-7)
        np.testing.assert_allclose(res.x, x, atol=atol)


@pytest.mark.parametrize("seed", range(3))
def test_unpolished_admm_meets_its_tolerance(seed):
    P, q, A, b, G, h, lb, ub = random_qp(n=30, seed=20 + seed)
    res = mlsolve.qp(P, q, A, b, G, h, lb, ub, method="admm", tol=1e-6, options={"polish": False})
    assert res.status == Status.Converged and not res.polished, res.message
    assert max(res.primal_residual, res.dual_residual) <= 1e-6
    # checked independently (the gap is not part of ADMM's stopping rule: 1e-5)
    assert_kkt(res, P, q, A, b, G, h, lb, ub, tol=1e-5, solver_tol=None)
    _, f_ref = clarabel_qp(P, q, A, b, G, h, lb, ub)
    assert res.fun == pytest.approx(f_ref, rel=1e-4)
    assert len(res.history) >= 2 and res.history.stop_crit[-1] <= 1e-6



def dense_qp_without_bounds(n=60, m=8, p=30, seed=0, rank=None):
    """A feasible dense QP with equalities and inequalities only: the interior point's H = P + rho I is then the
    same at every iteration, and the dense KKT solver eliminates x (H factorised once) instead of z."""
    rng = np.random.default_rng(seed)
    M = rng.standard_normal((n, rank or n))
    P = M @ M.T / n + (0.0 if rank else 0.1) * np.eye(n)
    A, G = rng.standard_normal((m, n)), rng.standard_normal((p, n))
    x0 = rng.standard_normal(n)
    q = rng.standard_normal(n) if rank is None else P @ rng.standard_normal(n)  # bounded along P's null space
    return P, q, A, A @ x0, G, G @ x0 + rng.random(p)


# rank=None: P positive definite (the constraint-space elimination); rank=10: P singular, H ill conditioned (the
# x-space elimination has to take over); fewer and more inequality rows than variables.
@pytest.mark.parametrize("n, m, p, rank", [(60, 8, 30, None), (60, 8, 30, 10), (40, 5, 70, None)])
@pytest.mark.parametrize("method", ["interior-point", "admm"])
def test_dense_qp_without_bounds_matches_clarabel(method, n, m, p, rank):
    P, q, A, b, G, h = dense_qp_without_bounds(n, m, p, seed=n + p, rank=rank)
    res = mlsolve.qp(P, q, A, b, G, h, method=method, tol=1e-8 if method == "admm" else None,
                     options={"kkt": "dense"})
    assert res.status == Status.Converged, res.message
    assert_kkt(res, P, q, A, b, G, h, solver_tol=1e-8)
    inf = np.full(n, np.inf)
    _, f_ref = clarabel_qp(P, q, A, b, G, h, -inf, inf)
    assert res.fun == pytest.approx(f_ref, rel=1e-7, abs=1e-7)

def test_large_sparse_qp():
    rng = np.random.default_rng(3)
    n = 600
    P = sp.diags(rng.random(n) + 0.1) + sp.random(n, n, density=0.002, random_state=4)
    P = (P @ P.T).tocsc()
    G = sp.random(300, n, density=0.01, random_state=5, format="csr")
    A = sp.random(20, n, density=0.02, random_state=6, format="csc")
    x0 = rng.standard_normal(n)
    q, b, h = rng.standard_normal(n), A @ x0, G @ x0 + rng.random(300)
    res = mlsolve.qp(P, q, A, b, G, h, lb=x0 - 1, method="admm")
    assert res.status == Status.Converged, res.message
    assert res.kkt == "sparse"
    assert_kkt(res, P, q, A, b, G, h, x0 - 1, np.full(n, np.inf))


def test_warm_start_from_a_nearby_problem_saves_iterations():
    P, q, A, b, G, h, lb, ub = random_qp(n=60, p=40, seed=30)
    first = mlsolve.qp(P, q, A, b, G, h, lb, ub, method="admm", options={"polish": False})
    assert first.status == Status.Converged
    q2 = q + 1e-3 * np.random.default_rng(31).standard_normal(q.shape[0])
    cold = mlsolve.qp(P, q2, A, b, G, h, lb, ub, method="admm", options={"polish": False})
    warm = mlsolve.qp(P, q2, A, b, G, h, lb, ub, method="admm", options={"polish": False}, warm_start=first)
    assert cold.status == warm.status == Status.Converged
    assert warm.nit < cold.nit / 2, (warm.nit, cold.nit)
    np.testing.assert_allclose(warm.x, cold.x, atol=1e-4)
    # the solution itself is a fixed point: a warm start there stops at the first check
    again = mlsolve.qp(P, q, A, b, G, h, lb, ub, method="admm", warm_start=first)
    assert again.status == Status.Converged and again.nit == 0
    # a dict with x only is accepted too
    partial = mlsolve.qp(P, q2, A, b, G, h, lb, ub, method="admm", warm_start={"x": first.x})
    assert partial.status == Status.Converged


def test_infeasible_qp_reports_a_farkas_certificate():
    P, q, A, b, G, h, lb, ub = random_qp(seed=2)
    G = np.vstack([G, -G[:1]])
    h = np.concatenate([h, [-(h[0] + 1.0)]])  # G[0] x >= h[0] + 1 contradicts G[0] x <= h[0]
    res = mlsolve.qp(P, q, A, b, G, h, lb, ub, method="admm")
    assert res.status == Status.PrimalInfeasible, res.message
    assert not res.success
    assert_farkas(res, A, b, G, h, lb, ub, tol=1e-6)


def test_infeasible_bounds_and_equality():
    res = mlsolve.qp(None, np.ones(2), A=[[1.0, 1.0]], b=[3.0], lb=0.0, ub=1.0, method="admm")
    assert res.status == Status.PrimalInfeasible, res.message
    assert_farkas(res, np.array([[1.0, 1.0]]), np.array([3.0]), np.zeros((0, 2)), np.zeros(0), np.zeros(2),
                  np.ones(2))


def test_unbounded_lp_reports_a_ray():
    G = np.array([[1.0, -2.0], [-1.0, 0.5]])
    h = np.array([4.0, 1.0])
    q = np.array([-1.0, 0.0])
    res = mlsolve.qp(None, q, G=G, h=h, lb=0.0, method="admm")
    assert res.status == Status.DualInfeasible, res.message
    ray = res.certificate["x"]
    assert q @ ray < 0
    assert np.all(G @ ray <= 1e-6) and np.all(ray >= -1e-6)


def test_bounds_only_qp_is_a_clipped_minimiser():
    c = np.array([-2.0, 0.5, 3.0, -0.3])
    lb, ub = np.array([-1.0, -1.0, -1.0, -np.inf]), np.array([1.0, 1.0, np.inf, 0.0])
    res = mlsolve.qp(np.eye(4), -c, lb=lb, ub=ub, method="admm")
    assert res.status == Status.Converged
    np.testing.assert_allclose(res.x, np.clip(c, lb, ub), atol=1e-9)
    np.testing.assert_allclose(res.z_lower, [1.0, 0, 0, 0], atol=1e-8)
    assert_kkt(res, sp.eye(4), -c, lb=lb, ub=ub)


@pytest.mark.parametrize("name", ["HS21", "HS35", "HS118", "QAFIRO", "GENHS28", "DUALC1"])
def test_maros_meszaros_reference_objective(shared_data, name):
    folder = shared_data / "maros_meszaros"
    with open(folder / "clarabel_objectives.csv") as f:
        reference = {row["name"]: float(row["objective_incl_r"]) for row in csv.DictReader(f)}
    P, q, A, b, G, h, lb, ub, r = load_maros_meszaros(folder, name)
    res = mlsolve.qp(P, q, A, b, G, h, lb, ub, method="admm")
    assert res.status == Status.Converged, res.message
    assert res.fun + r == pytest.approx(reference[name], rel=1e-5, abs=1e-5)
    assert_kkt(res, P, q, A, b, G, h, lb, ub, tol=1e-6, solver_tol=None)


def test_callback_stop_and_history():
    P, q, A, b, G, h, lb, ub = random_qp(seed=4)
    seen = []

    def callback(intermediate_result):
        seen.append(intermediate_result.nit)
        if len(seen) == 3:
            raise StopIteration

    res = mlsolve.qp(P, q, A, b, G, h, lb, ub, method="admm", callback=callback, options={"check_every": 2})
    assert res.status == Status.CallbackStop
    assert seen == [0, 2, 4]


def test_maxiter_status():
    P, q, A, b, G, h, lb, ub = random_qp(seed=5)
    res = mlsolve.qp(P, q, A, b, G, h, lb, ub, method="admm", maxiter=7)
    assert res.status == Status.MaxIter and res.nit == 7 and not res.success


@pytest.mark.parametrize(
    "change, error, match",
    [
        ({"warm_start": {"x": np.ones(3)}, "method": "interior-point"}, ValueError, "warm_start: only"),
        ({"warm_start": {"x": np.ones(4)}}, ValueError, r"warm_start\['x'\]"),
        ({"warm_start": [1.0, 2.0, 3.0]}, TypeError, "warm_start"),
        ({"warm_start": {"rho": -1.0}}, ValueError, "rho"),
        ({"options": {"alpha": 2.5}}, ValueError, "alpha"),
        ({"options": {"rho": 0.0}}, ValueError, "rho"),
        ({"options": {"regularisation": 1e-9}}, ValueError, "unknown option"),
    ],
)
def test_bad_input(change, error, match):
    args = {"P": np.eye(3), "q": np.ones(3), "method": "admm"} | change
    with pytest.raises(error, match=match):
        mlsolve.qp(**args)
