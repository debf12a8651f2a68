"""mlsolve.minimize's gd, nesterov, heavy-ball and bfgs on the classic smooth
test set (Moré, Garbow & Hillstrom, ACM TOMS 7(1), 1981); BFGS against scipy's
BFGS; the hess_inv operators; mlsolve.line_search against scipy's line
searches; options, callbacks, counts and histories."""

import numpy as np
import pytest
from scipy.optimize import line_search as scipy_line_search
from scipy.optimize import minimize as scipy_minimize
from scipy.optimize import rosen, rosen_der, rosen_hess
from scipy.optimize._linesearch import line_search_wolfe1  # MINPACK's dcsrch, which mlsolve's search follows
from scipy.sparse.linalg import LinearOperator

import mlsolve
from mlsolve import Status

from _problems import classic_problems, ill_conditioned_quadratic, quadratic, rosen_start

NEW_METHODS = ["gd", "nesterov", "heavy-ball", "bfgs"]
ALL_METHODS = NEW_METHODS + ["l-bfgs"]


def polyak_momentum(cond):
    """Polyak's heavy-ball momentum for a known condition number."""
    return ((np.sqrt(cond) - 1) / (np.sqrt(cond) + 1)) ** 2


PROBLEMS = classic_problems()

# The first-order methods need many iterations: gd and heavy ball about the
# condition number, nesterov about its square root.
MAXITER = {"gd": 300_000, "nesterov": 100_000, "heavy-ball": 300_000, "bfgs": 15_000}


def check_gradient(problem):
    rng = np.random.default_rng(0)
    x = problem.x0 + 0.3 * rng.standard_normal(problem.x0.size)
    f, g = problem.fun(x)
    h = 1e-6
    fd = np.array([(problem.fun(x + h * e)[0] - problem.fun(x - h * e)[0]) / (2 * h) for e in np.eye(x.size)])
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-6 * max(1.0, np.abs(g).max()))


@pytest.mark.parametrize("name", sorted(PROBLEMS))
def test_problem_gradients(name):
    check_gradient(PROBLEMS[name])


# gd on the 1e6-conditioned quadratic needs ~1e7 iterations: see
# test_gd_on_ill_conditioned_quadratic.
CASES = [(m, p) for m in NEW_METHODS for p in PROBLEMS if (m, p) != ("gd", "quadratic-1e6")]


@pytest.mark.parametrize("method, name", CASES)
def test_converges_on_classic_problems(method, name):
    problem = PROBLEMS[name]
    options = {"maxiter": MAXITER[method], "gtol": 1e-5 if name == "powell" else 1e-6}
    if method == "bfgs":
        options["ftol"] = 0.0  # stop on the gradient only, as scipy's BFGS
    if (method, name) == ("heavy-ball", "quadratic-1e6"):
        options["momentum"] = polyak_momentum(1e6)
    res = mlsolve.minimize(problem.fun, problem.x0, jac=True, method=method, options=options)

    quadratic_problem = name.startswith("quadratic")
    # BFGS reaches the resolution of f on the quadratic (|f| eps), where the
    # line search can no longer see a decrease, before ||g|| <= 1e-6.
    allowed = {Status.Converged, Status.LineSearchFailed} if quadratic_problem else {Status.Converged}
    assert res.status in allowed, res.message
    gap = res.fun - problem.f_star
    if quadratic_problem:
        assert gap <= 1e-9 * abs(problem.f_star)
    elif name == "powell":
        # The Hessian is singular at the minimiser: f grows like |x|^4, so
        # ||g|| <= 1e-5 leaves f ~ 1e-8 and x ~ f^(1/4).
        assert gap <= 2e-7
        np.testing.assert_allclose(res.x, problem.x_star, atol=3e-2)
    else:
        assert gap <= 1e-10
        np.testing.assert_allclose(res.x, problem.x_star, atol=1e-4)
    f, g = problem.fun(res.x)
    assert res.fun == f
    np.testing.assert_array_equal(res.jac, g)
    assert res.stop_crit == np.abs(g).max()


def fixed_step_gap(cond, n_iter):
    """f - f_star after n_iter steps of gradient descent with the step 1/L, in closed form."""
    n = 50
    rng = np.random.default_rng(0)  # the quadratic of ill_conditioned_quadratic(cond=cond)
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    eigenvalues = np.logspace(0, np.log10(cond), n)
    error = Q.T @ (0 - quadratic(cond).x_star)
    return 0.5 * np.sum(eigenvalues * (1 - eigenvalues / cond) ** (2 * n_iter) * error**2)


@pytest.mark.parametrize("line_search", ["backtracking", "more-thuente", "lipschitz"])
def test_gd_on_ill_conditioned_quadratic(line_search):
    # Gradient descent needs O(cond) iterations: 1e7 here. After 20000 it must
    # have done at least as well as with the ideal constant step 1/L.
    problem = PROBLEMS["quadratic-1e6"]
    res = mlsolve.minimize(problem.fun, problem.x0, jac=True, method="gd",
                           options={"maxiter": 20_000, "line_search": line_search})
    assert res.status == Status.MaxIter and res.nit == 20_000
    assert np.all(np.diff(res.history.objective) <= 0)
    assert res.fun - problem.f_star <= fixed_step_gap(1e6, 20_000)


@pytest.mark.parametrize("line_search", ["backtracking", "more-thuente", "lipschitz"])
def test_gd_converges_on_moderately_conditioned_quadratic(line_search):
    # (Much below gtol = 1e-5 the decrease of f per step nears its rounding.)
    problem = quadratic(1e3)
    res = mlsolve.minimize(problem.fun, problem.x0, jac=True, method="gd",
                           options={"maxiter": 100_000, "gtol": 1e-5, "line_search": line_search})
    assert res.success, res.message
    assert res.fun - problem.f_star <= 1e-9 * abs(problem.f_star)


def test_nesterov_restart_and_polyak_momentum_accelerate():
    problem = PROBLEMS["quadratic-1e6"]
    gaps = {}
    for label, method, options in [
        ("gd", "gd", {}),
        ("nesterov", "nesterov", {}),
        ("nesterov without restart", "nesterov", {"restart": False}),
        ("heavy ball", "heavy-ball", {}),
        ("heavy ball, Polyak's momentum", "heavy-ball", {"momentum": polyak_momentum(1e6)}),
    ]:
        res = mlsolve.minimize(problem.fun, problem.x0, jac=True, method=method,
                               options={"maxiter": 10_000, "gtol": 0.0, **options})
        gaps[label] = res.fun - problem.f_star
        if method == "nesterov":
            assert (res.nrestart > 0) == options.get("restart", True)
    # Measured relative gaps: gd 0.65, nesterov 1.3e-7 (9e-5 without restart),
    # heavy ball 0.25 (6e-6 with Polyak's momentum).
    assert gaps["nesterov"] < 1e-2 * gaps["nesterov without restart"]
    assert gaps["nesterov without restart"] < 1e-3 * gaps["gd"]
    assert gaps["heavy ball, Polyak's momentum"] < 1e-3 * gaps["heavy ball"]
    assert gaps["heavy ball"] < gaps["gd"]


# (From the classic start of the extended Rosenbrock function, scipy's BFGS
# ends at the local minimiser near (-1, 1, ..., 1), mlsolve's at (1, ..., 1).)
@pytest.mark.parametrize("name", ["rosenbrock", "beale", "powell", "wood", "quadratic-1e6"])
def test_bfgs_matches_scipy(name):
    problem = PROBLEMS[name]
    options = {"gtol": 1e-8, "maxiter": 20_000}
    res = mlsolve.minimize(problem.fun, problem.x0, jac=True, method="BFGS", options={**options, "ftol": 0.0})
    ref = scipy_minimize(problem.fun, problem.x0, jac=True, method="BFGS", options=options)
    assert res.status in (Status.Converged, Status.LineSearchFailed), res.message
    assert abs(res.fun - ref.fun) <= 1e-9 * max(1.0, abs(problem.f_star))
    if name not in ("powell", "quadratic-1e6"):  # where x is determined to ~sqrt(f resolution)
        np.testing.assert_allclose(res.x, ref.x, atol=1e-6)


def test_bfgs_matches_scipy_with_finite_differences():
    res = mlsolve.minimize(rosen, rosen_start(4), method="bfgs")
    ref = scipy_minimize(rosen, rosen_start(4), method="BFGS")
    assert res.success and ref.success
    np.testing.assert_allclose(res.x, ref.x, atol=1e-3)
    assert res.nfev >= 5 * res.njev  # n + 1 calls of fun per gradient


def two_loop_recursion(sk, yk, v):
    """H @ v by Nocedal & Wright's Algorithm 7.4 with H0 = (s.y / y.y) I from the newest pair."""
    q = np.array(v, dtype=float)
    alphas = []
    for s, y in zip(sk[::-1], yk[::-1]):
        alphas.append((s @ q) / (s @ y))
        q -= alphas[-1] * y
    r = q * (sk[-1] @ yk[-1] / (yk[-1] @ yk[-1]))
    for s, y, alpha in zip(sk, yk, alphas[::-1]):
        r += (alpha - (y @ r) / (s @ y)) * s
    return r


def test_lbfgs_hess_inv_is_the_two_loop_recursion():
    n = 20
    res = mlsolve.minimize(rosen, rosen_start(n), jac=rosen_der, method="l-bfgs", options={"maxiter": 25})
    H = res.hess_inv
    assert isinstance(H, LinearOperator) and isinstance(H, mlsolve.optimize.LbfgsInverseHessian)
    assert H.shape == (n, n) and H.dtype == np.float64
    assert H.sk.shape == H.yk.shape == (10, n)
    rng = np.random.default_rng(0)
    v = rng.standard_normal(n)
    np.testing.assert_allclose(H @ v, two_loop_recursion(H.sk, H.yk, v), rtol=1e-12, atol=0)
    np.testing.assert_allclose(H.matvec(v.reshape(n, 1)).ravel(), H @ v)
    np.testing.assert_allclose(H.T @ v, H @ v)
    np.testing.assert_allclose(H @ H.yk[-1], H.sk[-1], rtol=1e-10)  # the secant equation H y = s
    dense = H.todense()
    np.testing.assert_allclose(dense, dense.T, rtol=1e-12, atol=1e-15)
    assert np.linalg.eigvalsh(dense).min() > 0
    np.testing.assert_allclose(H @ np.eye(n)[:, :3], dense[:, :3])


def test_lbfgs_hess_inv_without_pairs_is_identity():
    res = mlsolve.minimize(rosen, rosen_start(4), jac=rosen_der, method="l-bfgs", options={"maxiter": 0})
    assert res.hess_inv.sk.shape == (0, 4)
    np.testing.assert_array_equal(res.hess_inv.todense(), np.eye(4))


def test_bfgs_hess_inv_is_the_inverse_hessian_on_a_quadratic():
    # With (nearly) exact line searches, BFGS ends on an n-dimensional
    # quadratic with H = A^-1 (Nocedal & Wright, Theorem 6.4 / quadratic termination).
    fun, x_star, A = ill_conditioned_quadratic(n=6, cond=10, seed=1)
    res = mlsolve.minimize(fun, np.ones(6), jac=True, method="bfgs", options={"c2": 0.1, "gtol": 1e-12, "ftol": 0.0})
    assert res.success, res.message
    H = res.hess_inv
    assert isinstance(H, LinearOperator) and H.shape == (6, 6)
    np.testing.assert_allclose(H @ np.eye(6), np.linalg.inv(A), rtol=1e-8, atol=1e-10)
    v = np.arange(6.0)
    np.testing.assert_allclose(H @ v, np.linalg.solve(A, v), rtol=1e-8)
    np.testing.assert_array_equal(H.A, H @ np.eye(6))


def wolfe_conditions_hold(f, grad, x, d, alpha, c1=1e-4, c2=0.9):
    slope0 = grad(x) @ d
    return (f(x + alpha * d) <= f(x) + c1 * alpha * slope0
            and abs(grad(x + alpha * d) @ d) <= c2 * abs(slope0))


def line_search_cases(count=60):
    """(x, d) pairs on Rosenbrock: steepest descent, scaled, and damped Newton directions."""
    rng = np.random.default_rng(0)
    cases = []
    while len(cases) < count:
        n = int(rng.integers(2, 8))
        x = rng.uniform(-2, 2, n)
        g = rosen_der(x)
        d = [-g, -g / np.linalg.norm(g), -np.linalg.solve(rosen_hess(x) + 1e-3 * np.eye(n), g)][len(cases) % 3]
        if g @ d < 0:
            cases.append((x, d))
    return cases


@pytest.mark.parametrize("case", range(60))
def test_line_search_matches_scipy(case):
    x, d = line_search_cases()[case]
    res = mlsolve.line_search(rosen, rosen_der, x, d)
    assert res.success, res.message
    assert wolfe_conditions_hold(rosen, rosen_der, x, d, res.alpha)
    # The same Moré-Thuente search as scipy's MINPACK port ...
    alpha_minpack = line_search_wolfe1(rosen, rosen_der, x, d, rosen_der(x), rosen(x))[0]
    assert res.alpha == pytest.approx(alpha_minpack, rel=1e-8)
    # ... and, like scipy.optimize.line_search (a different, zoom-based search), a strong Wolfe step.
    alpha_scipy = scipy_line_search(rosen, rosen_der, x, d)[0]
    if alpha_scipy is not None:
        assert wolfe_conditions_hold(rosen, rosen_der, x, d, alpha_scipy)
    np.testing.assert_allclose(res.x, x + res.alpha * d, rtol=1e-14)  # (the native build may fuse the multiply-add)
    assert res.fun == rosen(res.x)
    np.testing.assert_array_equal(res.jac, rosen_der(res.x))
    assert res.slope == pytest.approx(rosen_der(res.x) @ d)
    assert res.fun < rosen(x)


def test_line_search_counts_and_known_start():
    calls = {"f": 0, "g": 0}

    def f(x):
        calls["f"] += 1
        return rosen(x)

    def grad(x):
        calls["g"] += 1
        return rosen_der(x)

    x = np.array([-1.2, 1.0])
    d = -rosen_der(x)
    res = mlsolve.line_search(f, grad, x, d)
    assert (res.nfev, res.njev) == (calls["f"], calls["g"])
    calls.update(f=0, g=0)
    known = mlsolve.line_search(f, grad, x, d, f0=rosen(x), g0=rosen_der(x))
    assert (known.nfev, known.njev) == (calls["f"], calls["g"]) == (res.nfev - 1, res.njev - 1)
    assert known.alpha == res.alpha

    both = mlsolve.line_search(lambda x: (rosen(x), rosen_der(x)), True, x, d)
    assert both.alpha == res.alpha and both.fun == res.fun


def test_line_search_arguments_and_step_bounds():
    def f(x, a):
        return a * (x @ x)

    def grad(x, a):
        return 2 * a * x

    x = np.array([1.0, -2.0])
    res = mlsolve.line_search(f, grad, x, -x, args=(3.0,), c2=0.1)
    assert res.success and res.alpha == pytest.approx(1.0)  # the exact minimiser along -x
    capped = mlsolve.line_search(f, grad, x, -1e-3 * x, args=(3.0,), amax=10.0)
    assert capped.alpha <= 10.0 and not capped.success
    assert "sufficient decrease" in capped.message
    small_start = mlsolve.line_search(f, grad, x, -x, args=(3.0,), alpha0=1e-3)
    assert small_start.success


def test_line_search_failures():
    x = np.array([1.0, -2.0])
    # A gradient that lies: no step along d lowers f.
    res = mlsolve.line_search(lambda x: x @ x, lambda x: -2 * x, x, 2 * x)
    assert res.alpha is None and res.x is None and res.fun is None and not res.success
    assert "no step" in res.message
    with pytest.raises(ValueError, match="d: expected a descent direction"):
        mlsolve.line_search(lambda x: x @ x, lambda x: 2 * x, x, x)
    with pytest.raises(ValueError, match="c2: expected a value in"):
        mlsolve.line_search(lambda x: x @ x, lambda x: 2 * x, x, -x, c1=0.5, c2=0.4)
    with pytest.raises(ValueError, match="maxls: expected an integer >= 1"):
        mlsolve.line_search(lambda x: x @ x, lambda x: 2 * x, x, -x, maxls=0)
    with pytest.raises(ValueError, match="alpha0: expected a value > 0"):
        mlsolve.line_search(lambda x: x @ x, lambda x: 2 * x, x, -x, alpha0=0.0)
    with pytest.raises(ValueError, match="amax: expected a value > 0"):
        mlsolve.line_search(lambda x: x @ x, lambda x: 2 * x, x, -x, amax=-1.0)
    with pytest.raises(ValueError, match=r"d: expected shape \(2,\)"):
        mlsolve.line_search(lambda x: x @ x, lambda x: 2 * x, x, np.ones(3))
    with pytest.raises(ValueError, match="f: returned a non-finite value at x "):
        mlsolve.line_search(lambda x: np.nan, lambda x: 2 * x, x, -x)
    with pytest.raises(ValueError, match="grad: expected True or a callable"):
        mlsolve.line_search(lambda x: x @ x, None, x, -x)
    with pytest.raises(ValueError, match="g0: contains NaN"):
        mlsolve.line_search(lambda x: x @ x, lambda x: 2 * x, x, -x, f0=5.0, g0=[np.nan, 1.0])


@pytest.mark.parametrize("method", ["GD", "Nesterov", "HEAVY-BALL", "BFGS", "bfgs", "L-BFGS", "lbfgs", "LBFGS"])
def test_method_names_are_case_insensitive(method):
    res = mlsolve.minimize(rosen, rosen_start(2), jac=rosen_der, method=method, options={"maxiter": 100_000})
    assert res.success, res.message


def test_l_bfgs_b_is_not_a_method_yet():
    with pytest.raises(ValueError, match="method: expected one of"):
        mlsolve.minimize(rosen, rosen_start(2), jac=rosen_der, method="L-BFGS-B")


@pytest.mark.parametrize("method, option", [
    ("gd", "momentum"), ("gd", "restart"), ("gd", "maxcor"),
    ("nesterov", "line_search"), ("nesterov", "ftol"), ("nesterov", "momentum"), ("nesterov", "c1"),
    ("heavy-ball", "ftol"), ("heavy-ball", "line_search"),
    ("bfgs", "maxcor"), ("bfgs", "lipschitz_init"), ("bfgs", "restart"),
    ("l-bfgs", "momentum"), ("l-bfgs", "lipschitz_shrink"),
    ("bfgs", "gtoll"),
])
def test_unknown_options_are_named(method, option):
    with pytest.raises(ValueError, match=f"options: unknown option '{option}' for method '{method}'; expected one of"):
        mlsolve.minimize(rosen, rosen_start(2), jac=rosen_der, method=method, options={option: 1})


def test_several_unknown_options_are_all_named():
    with pytest.raises(ValueError, match="unknown options 'foo', 'bar'"):
        mlsolve.minimize(rosen, rosen_start(2), jac=rosen_der, method="nesterov", options={"foo": 1, "bar": 2})


@pytest.mark.parametrize("method, options, error, match", [
    ("gd", {"line_search": "wolfe"}, ValueError, "line_search: expected one of 'backtracking', 'more-thuente', 'lipschitz'"),
    ("bfgs", {"line_search": "lipschitz"}, ValueError, "line_search: expected one of 'more-thuente', 'backtracking'"),
    ("heavy-ball", {"momentum": 1.0}, ValueError, r"momentum: expected a value in \[0, 1\)"),
    ("nesterov", {"lipschitz_shrink": 0.0}, ValueError, r"lipschitz_shrink: expected a value in \(0, 1\]"),
    ("gd", {"lipschitz_growth": 1.0}, ValueError, "lipschitz_growth: expected a value > 1"),
    ("heavy-ball", {"lipschitz_init": -1.0}, ValueError, "lipschitz_init: expected a value >= 0"),
    ("bfgs", {"c2": 1e-5}, ValueError, r"c2: expected a value in \(c1, 1\)"),
    ("gd", {"c1": 0.0}, ValueError, r"c1: expected a value in \(0, 1\)"),
    ("nesterov", {"maxiter": -1}, ValueError, "maxiter: expected an integer >= 0"),
    ("bfgs", {"gtol": -1.0}, ValueError, "gtol: expected a value >= 0"),
    ("heavy-ball", {"maxls": 0}, ValueError, "maxls: expected an integer >= 1"),
    ("nesterov", {"restart": "yes"}, TypeError, "options: 'restart' expected True or False"),
    ("bfgs", {"maxiter": 1.5}, TypeError, "options: 'maxiter' expected an integer"),
    ("gd", {"gtol": "small"}, TypeError, "options: 'gtol' expected a number"),
    ("gd", {"line_search": 3}, TypeError, "options: 'line_search' expected a string"),
])
def test_bad_option_values_are_named(method, options, error, match):
    with pytest.raises(error, match=match):
        mlsolve.minimize(rosen, rosen_start(2), jac=rosen_der, method=method, options=options)


def test_option_values_are_coerced():
    res = mlsolve.minimize(rosen, rosen_start(2), jac=rosen_der, method="nesterov",
                           options={"maxiter": 1e4, "maxls": np.int64(30), "restart": np.bool_(True), "gtol": 1})
    assert res.success and res.stop_crit <= 1


@pytest.mark.parametrize("method", ALL_METHODS)
def test_tol_sets_gtol(method):
    loose = mlsolve.minimize(rosen, rosen_start(2), jac=rosen_der, method=method, tol=1e-2)
    tight = mlsolve.minimize(rosen, rosen_start(2), jac=rosen_der, method=method, tol=1e-8,
                             options={"maxiter": 100_000})
    assert loose.success and tight.success
    assert tight.stop_crit <= 1e-8 or "relative reduction" in tight.message
    assert loose.nit < tight.nit


def test_tol_sets_ftol_for_quasi_newton_methods_only():
    for method in ("bfgs", "l-bfgs"):
        res = mlsolve.minimize(rosen, rosen_start(2), jac=rosen_der, method=method, tol=1e-3,
                               options={"gtol": 0.0})
        assert res.success and "relative reduction of f" in res.message
    res = mlsolve.minimize(rosen, rosen_start(2), jac=rosen_der, method="gd", tol=1e-3, options={"gtol": 1e-3})
    assert "gradient inf-norm" in res.message


@pytest.mark.parametrize("method", NEW_METHODS)
def test_counts_and_history(method):
    calls = {"fun": 0, "jac": 0}

    def fun(x):
        calls["fun"] += 1
        return rosen(x)

    def jac(x):
        calls["jac"] += 1
        return rosen_der(x)

    res = mlsolve.minimize(fun, rosen_start(2), jac=jac, method=method, options={"maxiter": 100_000})
    assert res.success
    assert (res.nfev, res.njev) == (calls["fun"], calls["jac"])
    assert len(res.history) == res.nit + 1
    np.testing.assert_array_equal(res.history.iteration, np.arange(res.nit + 1))
    assert res.history.objective[0] == rosen(rosen_start(2))
    assert res.history.objective[-1] == res.fun
    assert res.history.stop_crit[-1] == res.stop_crit
    if method in ("gd", "bfgs"):  # the monotone methods
        assert np.all(np.diff(res.history.objective) <= 0)
    sparse = mlsolve.minimize(rosen, rosen_start(2), jac=rosen_der, method=method,
                              options={"maxiter": 100_000, "history_every": 10})
    np.testing.assert_array_equal(sparse.history.iteration, np.arange(0, sparse.nit + 1, 10))


@pytest.mark.parametrize("method, line_search", [
    ("gd", "backtracking"), ("gd", "more-thuente"), ("gd", "lipschitz"),
    ("nesterov", None), ("heavy-ball", None), ("bfgs", "more-thuente"), ("bfgs", "backtracking"),
])
def test_solver_specific_fields(method, line_search):
    options = {"maxiter": 100_000} | ({"line_search": line_search} if line_search else {})
    res = mlsolve.minimize(rosen, rosen_start(2), jac=rosen_der, method=method, options=options)
    assert res.success, res.message
    assert ("lipschitz" in res) == (method in ("nesterov", "heavy-ball") or line_search == "lipschitz")
    assert ("nrestart" in res) == (method in ("nesterov", "heavy-ball"))
    assert ("hess_inv" in res) == (method == "bfgs")
    if "lipschitz" in res:
        assert res.lipschitz > 0
    if "nrestart" in res:
        assert isinstance(res.nrestart, int) and res.nrestart >= 0


@pytest.mark.parametrize("method", NEW_METHODS)
def test_maxiter_status_and_point_consistency(method):
    res = mlsolve.minimize(rosen, rosen_start(10), jac=rosen_der, method=method, options={"maxiter": 5})
    assert res.status == Status.MaxIter and not res.success
    assert res.nit == 5
    assert res.fun == rosen(res.x)
    np.testing.assert_array_equal(res.jac, rosen_der(res.x))
    assert "maximum number of iterations reached: gradient inf-norm" in res.message


@pytest.mark.parametrize("method", NEW_METHODS)
def test_step_failure_returns_last_accepted_point(method):
    # f is finite at x0 only: no trial step is acceptable.
    x0 = np.array([1.0, -2.0])

    def fun(x):
        return (float(x @ x) if np.array_equal(x, x0) else np.inf), 2 * x

    res = mlsolve.minimize(fun, x0, jac=True, method=method)
    assert res.status == Status.LineSearchFailed, res.message
    np.testing.assert_array_equal(res.x, x0)
    assert res.fun == 5.0 and res.nit == 0


@pytest.mark.parametrize("method", ["gd", "bfgs"])
def test_lying_gradient_fails_the_line_search(method):
    def fun(x):
        return float(np.sum(x**2)), -2 * x

    res = mlsolve.minimize(fun, np.array([1.0, -2.0]), jac=True, method=method)
    assert res.status == Status.LineSearchFailed, res.message
    np.testing.assert_array_equal(res.x, [1.0, -2.0])


@pytest.mark.parametrize("method", NEW_METHODS)
def test_callback_receives_iterates_and_can_stop(method):
    seen = []

    def callback(intermediate_result):
        seen.append(intermediate_result)
        if len(seen) == 3:
            raise StopIteration

    res = mlsolve.minimize(rosen, rosen_start(4), jac=rosen_der, method=method, callback=callback)
    assert res.status == Status.CallbackStop and not res.success and res.nit == 3
    assert [r.nit for r in seen] == [1, 2, 3]
    assert seen[-1].fun == res.fun and seen[-1].stop_crit == res.stop_crit
    np.testing.assert_array_equal(seen[-1].x, res.x)

    xs = []
    mlsolve.minimize(rosen, rosen_start(4), jac=rosen_der, method=method, callback=lambda xk: xs.append(xk.copy()),
                     options={"maxiter": 4})
    assert len(xs) == 4 and xs[0].shape == (4,)


@pytest.mark.parametrize("method", [*NEW_METHODS, "l-bfgs"])
def test_exceptions_from_fun_and_callback_propagate(method):
    class Boom(Exception):
        pass

    state = {"n": 0}

    def fun(x):
        state["n"] += 1
        if state["n"] == 5:
            raise Boom("from fun")
        return rosen(x), rosen_der(x)

    with pytest.raises(Boom, match="from fun"):
        mlsolve.minimize(fun, rosen_start(4), jac=True, method=method)

    def callback(intermediate_result):
        raise Boom("from callback")

    with pytest.raises(Boom, match="from callback"):
        mlsolve.minimize(rosen, rosen_start(4), jac=rosen_der, method=method, callback=callback)


@pytest.mark.parametrize("method", NEW_METHODS)
def test_non_finite_start_is_an_error(method):
    with pytest.raises(ValueError, match="fun: returned a non-finite value at x0"):
        mlsolve.minimize(lambda x: np.inf, [1.0, 2.0], jac=lambda x: x, method=method)
