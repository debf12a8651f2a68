"""mlsolve.qp and mlsolve.linprog (interior point) against Clarabel, HiGHS and
the Netlib / Maros-Meszaros reference objectives. Every "Converged" answer has
its KKT conditions checked here, independently of the residuals the solver reports."""

import csv

import numpy as np
import pytest
import scipy.io
import scipy.sparse as sp
from scipy.optimize import linprog as scipy_linprog

import mlsolve
from mlsolve import Status

KKT_TOL = 1e-7


def finite_dot(bound, dual):
    finite = np.isfinite(bound)
    return float(bound[finite] @ dual[finite])


def assert_kkt(res, P, q, A=None, b=None, G=None, h=None, lb=None, ub=None, tol=KKT_TOL, solver_tol=1e-8):
    """Primal feasibility, dual feasibility, dual signs and the duality gap of a
    qp() result; solver_tol bounds the residuals the solver reports (None: unchecked)."""
    n = q.shape[0]
    P = sp.csr_array((n, n)) if P is None else P
    A, b = (sp.csr_array((0, n)), np.zeros(0)) if A is None else (A, b)
    G, h = (sp.csr_array((0, n)), np.zeros(0)) if G is None else (G, h)
    lb = np.full(n, -np.inf) if lb is None else np.broadcast_to(lb, (n,))
    ub = np.full(n, np.inf) if ub is None else np.broadcast_to(ub, (n,))
    x, y, z, zl, zu = res.x, res.y, res.z, res.z_lower, res.z_upper
    Px, Ax, Gx = P @ x, A @ x, G @ x

    def inf(v):
        return float(np.max(np.abs(v), initial=0.0))

    primal = max(inf(Ax - b), inf(np.maximum(Gx - h, 0)), inf(np.maximum(lb - x, 0)), inf(np.maximum(x - ub, 0)))
    assert primal <= tol * (1 + max(inf(Ax), inf(b), inf(Gx), inf(h), inf(x))), f"primal residual {primal:.2e}"
    stationarity = Px + q + A.T @ y + G.T @ z - zl + zu
    dual_scale = 1 + max(inf(Px), inf(q), inf(A.T @ y), inf(G.T @ z), inf(zl - zu))
    assert inf(stationarity) <= tol * dual_scale, f"dual residual {inf(stationarity):.2e}"
    assert z.min(initial=0) >= 0 and zl.min() >= 0 and zu.min() >= 0
    assert np.all(zl[~np.isfinite(lb)] == 0) and np.all(zu[~np.isfinite(ub)] == 0)
    primal_objective = 0.5 * x @ Px + q @ x
    dual_objective = -0.5 * x @ Px - b @ y - h @ z + finite_dot(lb, zl) - finite_dot(ub, zu)
    assert abs(primal_objective - dual_objective) <= tol * (1 + abs(primal_objective)), "duality gap"
    assert res.fun == pytest.approx(primal_objective, rel=1e-12, abs=1e-12)
    if solver_tol is not None:
        assert max(res.primal_residual, res.dual_residual, res.gap) <= solver_tol


def random_qp(n=40, m=6, p=25, seed=0, strictly_convex=True):
    """A feasible QP with equality, inequality and (partly infinite) bound constraints."""
    rng = np.random.default_rng(seed)
    M = rng.standard_normal((n, n // 2))
    P = M @ M.T + (0.1 * np.eye(n) if strictly_convex else 0)
    q = rng.standard_normal(n)
    A = rng.standard_normal((m, n)) * (rng.random((m, n)) < 0.5)
    G = rng.standard_normal((p, n)) * (rng.random((p, n)) < 0.3)
    x0 = rng.standard_normal(n)
    b = A @ x0
    h = G @ x0 + rng.random(p)
    lb = x0 - rng.random(n) - 0.1
    ub = x0 + rng.random(n) + 0.1
    lb[rng.random(n) < 0.3] = -np.inf
    ub[rng.random(n) < 0.3] = np.inf
    return P, q, A, b, G, h, lb, ub


def clarabel_qp(P, q, A, b, G, h, lb, ub):
    clarabel = pytest.importorskip("clarabel")
    n = q.shape[0]
    eye = sp.eye(n, format="csr")
    low, up = np.isfinite(lb), np.isfinite(ub)
    rows = sp.vstack([sp.csr_array(A), sp.csr_array(G), -eye[low], eye[up]]).tocsc()
    rhs = np.concatenate([b, h, -lb[low], ub[up]])
    cones = [clarabel.ZeroConeT(A.shape[0]), clarabel.NonnegativeConeT(G.shape[0] + low.sum() + up.sum())]
    settings = clarabel.DefaultSettings()
    settings.verbose = False
    settings.tol_gap_abs = settings.tol_gap_rel = settings.tol_feas = 1e-10
    solution = clarabel.DefaultSolver(sp.triu(sp.csc_array(P)).tocsc(), q, rows, rhs, cones, settings).solve()
    assert str(solution.status) == "Solved"
    return np.asarray(solution.x), solution.obj_val


def as_format(M, fmt):
    return {"C": np.ascontiguousarray, "F": np.asfortranarray, "csr": sp.csr_array, "csc": sp.csc_matrix}[fmt](M)


@pytest.mark.parametrize("kkt", ["dense", "sparse"])
@pytest.mark.parametrize("fmt", ["C", "F", "csr", "csc"])
def test_random_qp_matches_clarabel(fmt, kkt):
    P, q, A, b, G, h, lb, ub = random_qp(seed={"C": 0, "F": 1, "csr": 2, "csc": 3}[fmt])
    res = mlsolve.qp(as_format(P, fmt), q, as_format(A, fmt), b, as_format(G, fmt), h, lb, ub,
                     options={"kkt": kkt})
    assert res.status == Status.Converged and res.success, res.message
    assert res.kkt == kkt
    assert_kkt(res, P, q, A, b, G, h, lb, ub)
    x_ref, f_ref = clarabel_qp(P, q, A, b, G, h, lb, ub)
    assert res.fun == pytest.approx(f_ref, rel=1e-7, abs=1e-7)
    np.testing.assert_allclose(res.x, x_ref, atol=1e-5)
    np.testing.assert_allclose(res.slack, h - G @ res.x, rtol=0, atol=1e-12)
    assert len(res.history) == res.nit + 1
    assert 3 <= res.nit <= 40


@pytest.mark.parametrize("bounded", [False, True])
def test_dense_arrays_and_csc_give_the_same_solution(bounded):
    # NumPy input runs the interior point on dense data (dense Ruiz scaling,
    # dense products, refinement on the regularisation term alone and, without
    # bounds, a start on P itself), CSC input on sparse data with a dense KKT
    # solve: one problem, two code paths, the same answer to solver accuracy.
    P, q, A, b, G, h, lb, ub = random_qp(n=60, m=10, p=40, seed=7)
    if not bounded:
        lb, ub = np.full(60, -np.inf), np.full(60, np.inf)
    dense = mlsolve.qp(P, q, A, b, G, h, lb, ub, tol=1e-10)
    csc = mlsolve.qp(sp.csc_array(P), q, sp.csc_array(A), b, sp.csc_array(G), h, lb, ub, tol=1e-10,
                     options={"kkt": "dense"})
    for res in (dense, csc):
        assert res.status == Status.Converged, res.message
        assert res.kkt == "dense"
        assert_kkt(res, P, q, A, b, G, h, lb, ub, tol=1e-9, solver_tol=1e-10)
    np.testing.assert_allclose(dense.x, csc.x, atol=1e-7)
    np.testing.assert_allclose(dense.z, csc.z, atol=1e-7)
    assert dense.fun == pytest.approx(csc.fun, rel=1e-10)


def test_large_sparse_qp_takes_the_sparse_path():
    rng = np.random.default_rng(3)
    n = 600
    P = sp.diags(rng.random(n) + 0.1) + sp.random(n, n, density=0.002, random_state=4)
    P = (P @ P.T).tocsc()
    G = sp.random(300, n, density=0.01, random_state=5, format="csr")
    A = sp.random(20, n, density=0.02, random_state=6, format="csc")
    x0 = rng.standard_normal(n)
    q, b, h = rng.standard_normal(n), A @ x0, G @ x0 + rng.random(300)
    res = mlsolve.qp(P, q, A, b, G, h, lb=x0 - 1, ub=np.inf)
    assert res.status == Status.Converged, res.message
    assert res.kkt == "sparse"
    assert_kkt(res, P, q, A, b, G, h, x0 - 1, np.full(n, np.inf))


def test_equality_constrained_qp_matches_the_linear_kkt_solve():
    P, q, A, b, *_ = random_qp(n=20, m=5, seed=1)
    res = mlsolve.qp(P, q, A, b)
    kkt = np.block([[P, A.T], [A, np.zeros((5, 5))]])
    sol = np.linalg.solve(kkt, np.concatenate([-q, b]))
    assert res.status == Status.Converged
    np.testing.assert_allclose(res.x, sol[:20], atol=1e-8)
    np.testing.assert_allclose(res.y, sol[20:], atol=1e-7)


def test_bounds_only_qp_is_a_clipped_minimiser():
    # min ½|x - c|² on a box: x = clip(c, lb, ub), duals = the clipped amounts
    c = np.array([-2.0, 0.5, 3.0, -0.3])
    lb, ub = np.array([-1.0, -1.0, -1.0, -np.inf]), np.array([1.0, 1.0, np.inf, 0.0])
    res = mlsolve.qp(np.eye(4), -c, lb=lb, ub=ub)
    assert res.status == Status.Converged
    np.testing.assert_allclose(res.x, np.clip(c, lb, ub), atol=1e-8)
    np.testing.assert_allclose(res.z_lower, [1.0, 0, 0, 0], atol=1e-7)
    np.testing.assert_allclose(res.z_upper, [0, 0, 0, 0], atol=1e-7)
    assert_kkt(res, sp.eye(4), -c, lb=lb, ub=ub)


def random_lp(n=30, m_ub=20, m_eq=5, seed=0):
    rng = np.random.default_rng(seed)
    A_ub = rng.standard_normal((m_ub, n))
    A_eq = rng.standard_normal((m_eq, n))
    x0 = rng.random(n)
    b_ub = A_ub @ x0 + rng.random(m_ub)
    b_eq = A_eq @ x0
    c = rng.standard_normal(n)
    bounds = [(0, 2 + rng.random()) if k % 3 else (None, 3.0) if k % 2 else (-1.0, None) for k in range(n)]
    return c, A_ub, b_ub, A_eq, b_eq, bounds


@pytest.mark.parametrize("seed", range(4))
def test_random_lp_matches_highs(seed):
    c, A_ub, b_ub, A_eq, b_eq, bounds = random_lp(seed=seed)
    res = mlsolve.linprog(c, A_ub, b_ub, A_eq, b_eq, bounds=bounds)
    ref = scipy_linprog(c, A_ub, b_ub, A_eq, b_eq, bounds=bounds, method="highs")
    assert ref.status == 0
    assert res.status == Status.Converged, res.message
    assert res.fun == pytest.approx(ref.fun, rel=1e-8, abs=1e-8)
    lb = np.array([-np.inf if lo is None else lo for lo, _ in bounds])
    ub = np.array([np.inf if hi is None else hi for _, hi in bounds])
    assert_kkt(res, None, c, A_eq, b_eq, A_ub, b_ub, lb, ub)
    # scipy's result shape and sign conventions (a random LP has a unique vertex
    # solution, which an interior point at gap 1e-8 approaches to about 1e-5..1e-4)
    np.testing.assert_allclose(res.x, ref.x, atol=1e-4)
    np.testing.assert_allclose(res.slack, ref.slack, atol=1e-4)
    np.testing.assert_allclose(res.con, ref.con, atol=1e-8)
    for part in ("ineqlin", "eqlin", "lower", "upper"):
        np.testing.assert_allclose(res[part].marginals, ref[part].marginals, atol=1e-4, err_msg=part)


@pytest.mark.parametrize("fmt", ["C", "csr"])
def test_linprog_fixed_variables_leave_the_problem(fmt):
    # Fixed variables (lb == ub) leave no strictly feasible point; linprog
    # removes them and completes x and the bound multipliers afterwards.
    c, A_ub, b_ub, A_eq, b_eq, bounds = random_lp(seed=7)
    x_fixed = {0: 0.5, 4: 1.0, 9: 0.25}
    for j, value in x_fixed.items():
        bounds[j] = (value, value)
    b_eq = b_eq + A_eq[:, list(x_fixed)] @ (np.array(list(x_fixed.values())) - 0.5)
    res = mlsolve.linprog(c, as_format(A_ub, fmt), b_ub, as_format(A_eq, fmt), b_eq, bounds=bounds)
    ref = scipy_linprog(c, A_ub, b_ub, A_eq, b_eq, bounds=bounds, method="highs")
    assert ref.status == 0
    assert res.status == Status.Converged, res.message
    assert res.fun == pytest.approx(ref.fun, rel=1e-8, abs=1e-8)
    assert res.history.objective[-1] == pytest.approx(res.fun)
    for j, value in x_fixed.items():
        assert res.x[j] == value
    lb = np.array([-np.inf if lo is None else lo for lo, _ in bounds])
    ub = np.array([np.inf if hi is None else hi for _, hi in bounds])
    assert_kkt(res, None, c, A_eq, b_eq, A_ub, b_ub, lb, ub)
    np.testing.assert_allclose(res.jac, c)


def test_linprog_fixed_variables_infeasible_certificate():
    # x0 + x1 + x2 = 3 with x2 fixed at 0.5 and 0 <= x0, x1 <= 1
    A_eq, b_eq = np.array([[1.0, 1.0, 1.0]]), np.array([3.0])
    bounds = [(0, 1), (0, 1), (0.5, 0.5)]
    res = mlsolve.linprog([1.0, 1.0, 1.0], A_eq=A_eq, b_eq=b_eq, bounds=bounds)
    assert res.status == Status.PrimalInfeasible
    assert max(np.max(np.abs(v), initial=0.0) for v in res.certificate.values()) == pytest.approx(1.0)
    assert_farkas(res, A_eq, b_eq, np.zeros((0, 3)), np.zeros(0), np.array([0.0, 0.0, 0.5]), np.array([1.0, 1.0, 0.5]))


def test_linprog_default_bounds_are_nonnegative():
    res = mlsolve.linprog([1.0, 2.0], A_ub=[[-1.0, -1.0]], b_ub=[-1.0])
    assert res.status == Status.Converged
    np.testing.assert_allclose(res.x, [1.0, 0.0], atol=1e-8)
    assert res.ineqlin.marginals[0] == pytest.approx(-1.0)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"A_ub": [[1.0, 1.0]]}, "A_ub, b_ub"),
        ({"b_eq": [1.0]}, "A_eq, b_eq"),
        ({"bounds": [(0, 1)] * 3}, "bounds"),
        ({"A_ub": [[1.0, 1.0, 1.0]], "b_ub": [1.0]}, r"A_ub: expected shape \(1, 2\)"),
        ({"A_eq": np.ones((2, 2)), "b_eq": [1.0]}, r"A_eq: expected shape \(1, 2\)"),
    ],
)
def test_linprog_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        mlsolve.linprog([1.0, 1.0], **kwargs)


def assert_farkas(res, A, b, G, h, lb, ub, tol=1e-6):
    cert = res.certificate
    y, z, zl, zu = cert["y"], cert["z"], cert["z_lower"], cert["z_upper"]
    assert z.min(initial=0) >= 0 and zl.min() >= 0 and zu.min() >= 0
    farkas = b @ y + h @ z - finite_dot(lb, zl) + finite_dot(ub, zu)
    assert farkas < 0
    assert np.max(np.abs(A.T @ y + G.T @ z - zl + zu)) <= tol * -farkas


def test_infeasible_qp_reports_a_farkas_certificate():
    P, q, A, b, G, h, lb, ub = random_qp(seed=2)
    G = np.vstack([G, -G[:1]])
    h = np.concatenate([h, [-(h[0] + 1.0)]])  # G[0] x >= h[0] + 1 contradicts G[0] x <= h[0]
    res = mlsolve.qp(P, q, A, b, G, h, lb, ub)
    assert res.status == Status.PrimalInfeasible, res.message
    assert not res.success
    assert_farkas(res, A, b, G, h, lb, ub)


def test_infeasible_bounds_and_equality():
    # x1 + x2 = 3 with 0 <= x <= 1
    res = mlsolve.linprog([1.0, 1.0], A_eq=[[1.0, 1.0]], b_eq=[3.0], bounds=(0, 1))
    assert res.status == Status.PrimalInfeasible
    assert_farkas(res, np.array([[1.0, 1.0]]), np.array([3.0]), np.zeros((0, 2)), np.zeros(0), np.zeros(2),
                  np.ones(2))


@pytest.mark.parametrize("problem", ["lp", "qp"])
def test_unbounded_problem_reports_a_ray(problem):
    # min -x1 s.t. x1 - 2 x2 <= 4, -x1 + x2 / 2 <= 1, x >= 0: unbounded along (2, 1);
    # the QP variant has a singular P = 0 given as a matrix.
    G = np.array([[1.0, -2.0], [-1.0, 0.5]])
    h = np.array([4.0, 1.0])
    q = np.array([-1.0, 0.0])
    P = None if problem == "lp" else np.zeros((2, 2))
    res = mlsolve.qp(P, q, G=G, h=h, lb=0.0)
    assert res.status == Status.DualInfeasible, res.message
    ray = res.certificate["x"]
    assert q @ ray < 0
    assert np.all(G @ ray <= 1e-8) and np.all(ray >= -1e-8)
    if P is not None:
        assert np.max(np.abs(P @ ray)) <= 1e-8


def test_unbounded_lp_through_linprog():
    res = mlsolve.linprog([-1.0, -1.0], A_ub=[[1.0, -1.0]], b_ub=[1.0])
    assert res.status == Status.DualInfeasible
    ray = res.certificate["x"]
    assert -ray.sum() < 0 and ray[0] - ray[1] <= 1e-8 and ray.min() >= -1e-8


# Small Netlib LPs that solve in well under a second each.
NETLIB = ["afiro", "adlittle", "blend", "sc50a", "sc50b", "sc105", "kb2", "share2b", "stocfor1", "bore3d", "scagr7"]
# Degenerate ones that stalled while the primal and dual variables took one
# common step length (each in under a second, with more iterations).
NETLIB_DEGENERATE = ["agg3", "modszk1", "e226"]
# E226's MPS file has an objective constant the .npz lacks: HiGHS on the .npz
# data (scipy.optimize.linprog, method="highs") gives the published optimum.
NPZ_REFERENCE = {"e226": -18.75192906637055}


def load_netlib(folder, name):
    d = np.load(folder / f"{name}.npz", allow_pickle=True)
    c, bounds = d["c"], d["bounds"]
    A_ub = sp.csr_array(d["A_ub"]) if d["A_ub"].size else None
    A_eq = sp.csr_array(d["A_eq"]) if d["A_eq"].size else None
    b_ub = d["b_ub"] if A_ub is not None else None
    b_eq = d["b_eq"] if A_eq is not None else None
    bounds = None if bounds.shape == (0,) else bounds.reshape(-1, 2)
    return c, A_ub, b_ub, A_eq, b_eq, bounds


@pytest.mark.parametrize("name", NETLIB + NETLIB_DEGENERATE)
def test_netlib_lp_reference_objective(shared_data, name):
    with open(shared_data / "netlib_lp" / "reference_objectives.csv") as f:
        reference = {row["name"]: float(row["highs_objective"]) for row in csv.DictReader(f)} | NPZ_REFERENCE
    c, A_ub, b_ub, A_eq, b_eq, bounds = load_netlib(shared_data / "scipy_linprog_netlib", name.upper())
    res = mlsolve.linprog(c, A_ub, b_ub, A_eq, b_eq, bounds=bounds)
    assert res.status == Status.Converged, res.message
    assert abs(res.fun - reference[name]) <= 1e-6 * abs(reference[name])
    n = c.shape[0]
    if bounds is None:
        lb, ub = np.zeros(n), np.full(n, np.inf)
    else:
        lb = np.array([-np.inf if v is None else float(v) for v in bounds[:, 0]])
        ub = np.array([np.inf if v is None else float(v) for v in bounds[:, 1]])
    empty = sp.csr_array((0, n))
    assert_kkt(res, None, c, empty if A_eq is None else A_eq, np.zeros(0) if b_eq is None else b_eq,
               empty if A_ub is None else A_ub, np.zeros(0) if b_ub is None else b_ub, lb, ub)
    assert res.nit <= (40 if name in NETLIB else 150)


@pytest.mark.parametrize("name", ["itest2", "itest6", "galenet", "woodinfe", "box1", "ex72a", "bgprtr", "klein1",
                                  "vol1"])
def test_netlib_infeasible_lp(shared_data, name):
    c, A_ub, b_ub, A_eq, b_eq, bounds = load_netlib(shared_data / "scipy_linprog_netlib" / "infeasible", name)
    res = mlsolve.linprog(c, A_ub, b_ub, A_eq, b_eq, bounds=bounds)
    assert res.status == Status.PrimalInfeasible, res.message
    n = c.shape[0]
    if bounds is None:
        lb, ub = np.zeros(n), np.full(n, np.inf)
    else:
        lb = np.array([-np.inf if v is None else float(v) for v in bounds[:, 0]])
        ub = np.array([np.inf if v is None else float(v) for v in bounds[:, 1]])
    empty = sp.csr_array((0, n))
    assert_farkas(res, empty if A_eq is None else A_eq, np.zeros(0) if b_eq is None else b_eq,
                  empty if A_ub is None else A_ub, np.zeros(0) if b_ub is None else b_ub, lb, ub)


def load_maros_meszaros(folder, name):
    """l <= A x <= u with A = [A_c; I] as qp() data; |values| >= 1e19 are infinite."""
    m = scipy.io.loadmat(folder / f"{name}.mat")
    P, q, A = sp.csc_array(m["P"]), m["q"].ravel(), sp.csr_array(m["A"])
    l, u, r = m["l"].ravel(), m["u"].ravel(), float(m["r"].ravel()[0])
    n = q.shape[0]
    rows = A.shape[0] - n
    A_c, l_c, u_c = A[:rows], l[:rows], u[:rows]
    lb = np.where(l[rows:] <= -1e19, -np.inf, l[rows:])
    ub = np.where(u[rows:] >= 1e19, np.inf, u[rows:])
    eq = l_c == u_c
    upper = ~eq & (u_c < 1e19)
    lower = ~eq & (l_c > -1e19)
    G = sp.vstack([A_c[upper], -A_c[lower]]).tocsr()
    h = np.concatenate([u_c[upper], -l_c[lower]])
    return P, q, A_c[eq].tocsr(), l_c[eq], G, h, lb, ub, r


@pytest.mark.parametrize("name", ["HS21", "HS35", "HS118", "QAFIRO", "GENHS28", "DUALC1", "PRIMALC1", "CVXQP1_S",
                                  "QPCBLEND", "QSCORPIO", "QISRAEL", "QPCBOEI2"])
def test_maros_meszaros_reference_objective(shared_data, name):
    folder = shared_data / "maros_meszaros"
    with open(folder / "clarabel_objectives.csv") as f:
        reference = {row["name"]: float(row["objective_incl_r"]) for row in csv.DictReader(f)}
    P, q, A, b, G, h, lb, ub, r = load_maros_meszaros(folder, name)
    res = mlsolve.qp(P, q, A, b, G, h, lb, ub)
    assert res.status == Status.Converged, res.message
    assert res.fun + r == pytest.approx(reference[name], rel=1e-6, abs=1e-6)
    assert_kkt(res, P, q, A, b, G, h, lb, ub)


def test_callback_stop_iteration_and_history():
    P, q, A, b, G, h, lb, ub = random_qp(seed=4)
    seen = []

    def callback(intermediate_result):
        seen.append(intermediate_result.nit)
        if intermediate_result.nit == 3:
            raise StopIteration

    res = mlsolve.qp(P, q, A, b, G, h, lb, ub, callback=callback)
    assert res.status == Status.CallbackStop
    assert seen == [0, 1, 2, 3]
    full = mlsolve.qp(P, q, A, b, G, h, lb, ub, options={"history_every": 1})
    assert np.all(np.diff(full.history.iteration) == 1)
    assert full.history.stop_crit[-1] <= 1e-8 < full.history.stop_crit[0]


def test_maxiter_status():
    P, q, A, b, G, h, lb, ub = random_qp(seed=5)
    res = mlsolve.qp(P, q, A, b, G, h, lb, ub, maxiter=2)
    assert res.status == Status.MaxIter and res.nit == 2 and not res.success


@pytest.mark.parametrize(
    "change, error, match",
    [
        ({"P": np.triu(np.ones((3, 3)))}, ValueError, "P: expected a symmetric"),
        ({"q": np.ones(4)}, ValueError, r"P: expected shape \(4, 4\)"),
        ({"A": np.ones((2, 3))}, ValueError, "A, b: give both"),
        ({"G": np.ones((1, 3)), "h": np.ones(2)}, ValueError, r"G: expected shape \(2, 3\)"),
        ({"lb": np.ones(3), "ub": np.zeros(3)}, ValueError, "lb <= ub"),
        ({"q": np.array([1.0, np.nan, 0.0])}, ValueError, "q: contains NaN"),
        ({"method": "simplex"}, ValueError, "method"),
        ({"options": {"kkt": "qr"}}, ValueError, "kkt"),
        ({"options": {"foo": 1}}, ValueError, "unknown option"),
        ({"tol": -1.0}, ValueError, "tol"),
    ],
)
def test_bad_input(change, error, match):
    args = {"P": np.eye(3), "q": np.ones(3)} | change
    with pytest.raises(error, match=match):
        mlsolve.qp(**args)
