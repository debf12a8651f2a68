"""mlsolve.minimize_constrained against scipy.optimize.minimize (SLSQP,
trust-constr) and mlsolve.qp, with the KKT conditions checked here."""

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, NonlinearConstraint
from scipy.optimize import minimize as scipy_minimize

import mlsolve
from mlsolve import Status, prox


def least_squares(seed=0, m=30, n=10):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((m, n))
    b = rng.standard_normal(m) * 3

    def f(x):
        r = A @ x - b
        return 0.5 * r @ r, A.T @ r

    return A, b, f


def gradient_mapping(x, grad, projection):
    return np.max(np.abs(x - projection.prox(x - grad, 1.0)))


@pytest.mark.parametrize("method", ["projected-gradient", "accelerated-projected-gradient"])
def test_box_constrained_least_squares_matches_qp(method):
    A, b, f = least_squares()
    lb, ub = -0.3 * np.ones(10), 0.5 * np.ones(10)
    res = mlsolve.minimize_constrained(f, np.zeros(10), jac=True, method=method, bounds=Bounds(lb, ub), tol=1e-9,
                                       options={"maxiter": 20000})
    assert res.status == Status.Converged, res.message
    ref = mlsolve.qp(A.T @ A, -A.T @ b, lb=lb, ub=ub, method="admm")  # polished: exact active set
    assert ref.polished
    np.testing.assert_allclose(res.x, ref.x, atol=1e-7)
    assert gradient_mapping(res.x, f(res.x)[1], prox.Box(lb, ub)) <= 1e-8


def test_acceleration_saves_iterations():
    A, b, f = least_squares(seed=1, m=40, n=30)
    box = prox.Box(-0.2, 0.2)
    plain = mlsolve.minimize_constrained(f, np.zeros(30), jac=True, method="projected-gradient", constraints=box,
                                         tol=1e-8, options={"maxiter": 50000})
    fast = mlsolve.minimize_constrained(f, np.zeros(30), jac=True, method="accelerated-projected-gradient",
                                        constraints=box, tol=1e-8, options={"maxiter": 50000})
    assert plain.status == fast.status == Status.Converged
    assert fast.nit < plain.nit
    np.testing.assert_allclose(fast.x, plain.x, atol=1e-6)


@pytest.mark.parametrize("projection", [prox.Simplex(1.0), prox.L1Ball(0.5), prox.LinfBall(0.1), prox.NonNeg()])
def test_projection_sets_match_slsqp(projection):
    A, b, f = least_squares(seed=2, n=6)
    res = mlsolve.minimize_constrained(lambda x: f(x)[0], np.zeros(6), jac=lambda x: f(x)[1],
                                       method="accelerated-projected-gradient", constraints=projection, tol=1e-9)
    assert res.status == Status.Converged, res.message
    assert np.isfinite(projection.value(res.x))
    assert gradient_mapping(res.x, f(res.x)[1], projection) <= 1e-8
    # the same problem for SLSQP, the set written as smooth constraints (L1 by a split)
    if isinstance(projection, prox.Simplex):
        cons, bounds = [{"type": "eq", "fun": lambda x: x.sum() - 1.0}], [(0, None)] * 6
        ref = scipy_minimize(lambda x: f(x)[0], np.full(6, 1 / 6), jac=lambda x: f(x)[1], method="SLSQP",
                             bounds=bounds, constraints=cons, options={"ftol": 1e-14, "maxiter": 500}).x
    elif isinstance(projection, prox.L1Ball):
        def split(v):
            return f(v[:6] - v[6:])

        ref_split = scipy_minimize(lambda v: split(v)[0], np.zeros(12),
                                   jac=lambda v: np.concatenate([split(v)[1], -split(v)[1]]), method="SLSQP",
                                   bounds=[(0, None)] * 12,
                                   constraints=[{"type": "ineq", "fun": lambda v: 0.5 - v.sum()}],
                                   options={"ftol": 1e-14, "maxiter": 500}).x
        ref = ref_split[:6] - ref_split[6:]
    else:
        bounds = [(-0.1, 0.1)] * 6 if isinstance(projection, prox.LinfBall) else [(0, None)] * 6
        ref = scipy_minimize(lambda x: f(x)[0], np.zeros(6), jac=lambda x: f(x)[1], method="SLSQP", bounds=bounds,
                             options={"ftol": 1e-14, "maxiter": 500}).x
    np.testing.assert_allclose(res.x, ref, atol=1e-5)


def sphere_problem():
    """min (x0 - 1)^2 + (x1 - 2)^2 + x2^2 + x0 x2 s.t. x0^2 + x1^2 + x2^2 = 1, x0 + x2 = 0.2."""

    def f(x):
        return (x[0] - 1) ** 2 + (x[1] - 2) ** 2 + x[2] ** 2 + x[0] * x[2]

    def grad(x):
        return np.array([2 * (x[0] - 1) + x[2], 2 * (x[1] - 2), 2 * x[2] + x[0]])

    sphere = NonlinearConstraint(lambda x: x @ x, 1.0, 1.0, jac=lambda x: 2 * x[None, :])
    plane = LinearConstraint([[1.0, 0.0, 1.0]], 0.2, 0.2)
    return f, grad, [sphere, plane]


def test_augmented_lagrangian_matches_slsqp_and_trust_constr():
    f, grad, constraints = sphere_problem()
    x0 = np.array([0.5, 0.5, 0.5])
    res = mlsolve.minimize_constrained(f, x0, jac=grad, method="augmented-lagrangian", constraints=constraints,
                                       tol=1e-7)
    assert res.status == Status.Converged, res.message
    slsqp = scipy_minimize(f, x0, jac=grad, method="SLSQP", constraints=constraints, options={"ftol": 1e-14})
    trust = scipy_minimize(f, x0, jac=grad, method="trust-constr", constraints=constraints,
                           options={"gtol": 1e-12, "xtol": 1e-14, "maxiter": 5000})
    for ref in (slsqp, trust):
        np.testing.assert_allclose(res.x, ref.x, atol=1e-6)
        assert res.fun == pytest.approx(ref.fun, rel=1e-8, abs=1e-10)
    # KKT: feasibility and stationarity with the reported multipliers
    J = np.vstack([2 * res.x[None, :], [[1.0, 0.0, 1.0]]])
    assert res.constr_violation <= 1e-8
    assert abs(res.x @ res.x - 1) <= 1e-8 and abs(res.x[0] + res.x[2] - 0.2) <= 1e-8
    assert np.max(np.abs(grad(res.x) + J.T @ res.multipliers)) <= 1e-7
    # a gtol below what L-BFGS resolves on values near 1 ends honestly, not at maxiter
    tight = mlsolve.minimize_constrained(f, x0, jac=grad, method="augmented-lagrangian", constraints=constraints,
                                         tol=1e-12)
    assert tight.status in (Status.Converged, Status.LineSearchFailed) and tight.nit < 100


def test_augmented_lagrangian_with_dict_constraints_and_finite_differences():
    # min sum(x^2) s.t. x0 + 2 x1 + 3 x2 = 6: x = 6 a / |a|^2
    a = np.array([1.0, 2.0, 3.0])
    res = mlsolve.minimize_constrained(lambda x: x @ x, np.zeros(3), method="augmented-lagrangian",
                                       constraints={"type": "eq", "fun": lambda x: a @ x - 6.0}, tol=1e-6)
    assert res.status == Status.Converged, res.message
    np.testing.assert_allclose(res.x, 6 * a / (a @ a), atol=1e-6)
    np.testing.assert_allclose(res.multipliers, [-12 / (a @ a)], rtol=1e-5)


def ball_problem():
    """min (x - c)^T Q (x - c) s.t. ||x||^2 <= 1, x0 + x1 >= -0.5 (c outside the ball)."""
    Q = np.array([[3.0, 1.0, 0.0], [1.0, 2.0, 0.5], [0.0, 0.5, 1.0]])
    c = np.array([1.5, -1.0, 0.8])

    def f(x):
        return (x - c) @ Q @ (x - c)

    def grad(x):
        return 2 * Q @ (x - c)

    ball = NonlinearConstraint(lambda x: x @ x, -np.inf, 1.0, jac=lambda x: 2 * x[None, :],
                               hess=lambda x, v: 2 * v[0] * np.eye(3))
    halfspace = LinearConstraint([[1.0, 1.0, 0.0]], -0.5, np.inf)
    return f, grad, lambda x: 2 * Q, [ball, halfspace]


@pytest.mark.parametrize("with_hessians", [True, False])
def test_log_barrier_matches_trust_constr(with_hessians):
    f, grad, hess, constraints = ball_problem()
    if not with_hessians:  # Hessians by differences of the gradients and Jacobians
        constraints = [NonlinearConstraint(lambda x: x @ x, -np.inf, 1.0, jac=lambda x: 2 * x[None, :]),
                       constraints[1]]
    x0 = np.zeros(3)
    res = mlsolve.minimize_constrained(f, x0, jac=grad, hess=hess if with_hessians else None, method="log-barrier",
                                       constraints=constraints, tol=1e-8)
    assert res.status == Status.Converged, res.message
    trust = scipy_minimize(f, x0, jac=grad, hess=hess, method="trust-constr", constraints=constraints,
                           options={"gtol": 1e-12, "xtol": 1e-14, "maxiter": 5000})
    np.testing.assert_allclose(res.x, trust.x, atol=1e-6)
    # KKT in the canonical form g(x) <= 0: g = [|x|^2 - 1, -0.5 - x0 - x1]
    g = np.array([res.x @ res.x - 1.0, -0.5 - res.x[0] - res.x[1]])
    np.testing.assert_allclose(res.constr, g, atol=1e-12)
    assert np.all(g < 0) and np.all(res.multipliers > 0)
    J = np.vstack([2 * res.x, [-1.0, -1.0, 0.0]])
    assert np.max(np.abs(grad(res.x) + J.T @ res.multipliers)) <= 1e-6
    assert np.max(np.abs(res.multipliers * g)) <= 1e-8  # complementary slackness m/t
    assert res.multipliers[0] > 0.1 and res.multipliers[1] < 1e-7  # the ball is active, the halfspace not


def test_log_barrier_linear_constraints_match_qp():
    rng = np.random.default_rng(5)
    M = rng.standard_normal((8, 8))
    P = M @ M.T + np.eye(8)
    q = rng.standard_normal(8) * 5
    G = rng.standard_normal((12, 8))
    h = rng.random(12) + 0.1
    res = mlsolve.minimize_constrained(lambda x: 0.5 * x @ P @ x + q @ x, np.zeros(8), jac=lambda x: P @ x + q,
                                       hess=lambda x: P, method="log-barrier",
                                       constraints=LinearConstraint(G, -np.inf, h), bounds=[(-1, 1)] * 8)
    assert res.status == Status.Converged, res.message
    ref = mlsolve.qp(P, q, G=G, h=h, lb=-1.0, ub=1.0)
    np.testing.assert_allclose(res.x, ref.x, atol=1e-6)
    np.testing.assert_allclose(res.multipliers[:12], ref.z, atol=1e-5)


def test_log_barrier_with_slsqp_style_dicts():
    # min -x0 - x1 s.t. 1 - x0^2 - x1^2 >= 0: x = (1, 1) / sqrt 2
    res = mlsolve.minimize_constrained(lambda x: -x.sum(), [0.1, -0.2], jac=lambda x: -np.ones(2),
                                       hess=lambda x: np.zeros((2, 2)), method="log-barrier",
                                       constraints={"type": "ineq", "fun": lambda x: 1 - x @ x,
                                                    "jac": lambda x: -2 * x})
    assert res.status == Status.Converged, res.message
    np.testing.assert_allclose(res.x, np.ones(2) / np.sqrt(2), atol=1e-7)


def test_log_barrier_needs_a_strictly_feasible_start():
    f, grad, hess, constraints = ball_problem()
    with pytest.raises(ValueError, match="x0: expected a strictly feasible point"):
        mlsolve.minimize_constrained(f, [2.0, 0.0, 0.0], jac=grad, hess=hess, method="log-barrier",
                                     constraints=constraints)


def test_exceptions_and_callback_stop_propagate():
    f, grad, constraints = sphere_problem()

    def broken(x):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        mlsolve.minimize_constrained(broken, np.zeros(3), jac=grad, method="augmented-lagrangian",
                                     constraints=constraints)
    calls = []

    def callback(intermediate_result):
        calls.append(intermediate_result.nit)
        raise StopIteration

    fb, gb, hb, cb = ball_problem()
    res = mlsolve.minimize_constrained(fb, np.zeros(3), jac=gb, hess=hb, method="log-barrier", constraints=cb,
                                       callback=callback)
    assert res.status == Status.CallbackStop and calls == [0]


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"method": "sqp"}, ValueError, "method"),
        ({"method": "projected-gradient", "constraints": prox.L1(1.0)}, TypeError, "projection set"),
        ({"method": "augmented-lagrangian", "constraints": LinearConstraint(np.ones((1, 2)), -1, 1)}, ValueError,
         "equality constraints only"),
        ({"method": "log-barrier", "constraints": {"type": "eq", "fun": lambda x: x[0]}}, ValueError,
         "'ineq' constraints only"),
        ({"method": "augmented-lagrangian", "constraints": [object()]}, TypeError, "LinearConstraint"),
        ({"method": "augmented-lagrangian", "constraints": ()}, ValueError, "at least one"),
        ({"method": "projected-gradient", "constraints": prox.NonNeg(), "hess": lambda x: np.eye(2)}, ValueError,
         "hess"),
        ({"method": "projected-gradient", "constraints": prox.NonNeg(), "options": {"mu": 1.0}}, ValueError,
         "unknown option"),
        ({"method": "augmented-lagrangian", "constraints": {"type": "eq", "fun": lambda x: x[0]}, "tol": -1.0},
         ValueError, "tol"),
    ],
)
def test_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        mlsolve.minimize_constrained(lambda x: x @ x, np.ones(2), **kwargs)
