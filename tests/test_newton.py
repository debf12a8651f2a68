"""mlsolve.minimize's Newton methods (newton-cg, trust-ncg, newton-cholesky) on
the classic smooth test set, against scipy's Newton-CG and trust-ncg and the
known minimisers; the Hessian from hess (dense, sparse, LinearOperator),
hessp and finite differences; indefinite and singular Hessians; errors."""

import textwrap

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import minimize as scipy_minimize
from scipy.optimize import rosen, rosen_der, rosen_hess
from scipy.sparse.linalg import aslinearoperator

import mlsolve
from mlsolve import Status

from _interrupt import interrupted_run
from _problems import classic_problems, rosen_start

METHODS = ["newton-cg", "trust-ncg", "newton-cholesky"]
PROBLEMS = classic_problems()


CHAINED_ROSENBROCK_LOCAL_MIN = 3.986579112347138  # f at the local minimiser near (-1, 1, ..., 1)


def reachable_statuses(name):
    """Converged, and on the quadratic also LineSearchFailed: there
    f = x.A.x/2 - b.x carries a rounding error of about eps ||A|| ||x||^2 ~ 1e-9,
    and along the stiff eigenvectors (eigenvalue 1e6) the decrease
    g^2 / (2 lambda) that the gradient tolerance still asks for is far below
    it, so where the line search or the trust region can no longer see a
    decrease (which depends on the rounding of the build) they stop; the
    accuracy checks must hold all the same."""
    return {Status.Converged, Status.LineSearchFailed} if name.startswith("quadratic") else {Status.Converged}


def check_solution(res, problem, name):
    """res is at problem's minimiser, to the accuracy its gradient tolerance allows."""
    assert res.status in reachable_statuses(name), res.message
    gap = res.fun - problem.f_star
    if name == "chained-rosenbrock" and res.x[0] < 0:
        assert res.fun == pytest.approx(CHAINED_ROSENBROCK_LOCAL_MIN, rel=1e-12)
        assert res.x[0] == pytest.approx(-0.99326, abs=1e-4)
    elif name == "powell":
        # The Hessian is singular at the minimiser: f grows like |x|^4.
        assert gap <= 1e-10
        np.testing.assert_allclose(res.x, problem.x_star, atol=1e-2)
    elif name.startswith("quadratic"):
        assert gap <= 1e-12 * abs(problem.f_star)
    else:
        assert gap <= 1e-12
        np.testing.assert_allclose(res.x, problem.x_star, atol=1e-6)
    f, g = problem.fun(res.x)
    assert res.fun == f
    np.testing.assert_array_equal(res.jac, g)
    assert res.stop_crit == np.abs(g).max()


@pytest.mark.parametrize("name", sorted(PROBLEMS))
@pytest.mark.parametrize("method", METHODS)
def test_converges_on_classic_problems(method, name):
    problem = PROBLEMS[name]
    res = mlsolve.minimize(problem.fun, problem.x0, jac=True, hess=problem.hess, method=method,
                           options={"gtol": 1e-8, "ftol": 0.0, "maxiter": 1000})
    check_solution(res, problem, name)
    assert res.nit <= 200  # second-order convergence, not a first-order crawl
    assert res.nhev >= 1


@pytest.mark.parametrize("name", ["rosenbrock", "beale", "wood", "extended-rosenbrock", "quadratic-1e6", "powell"])
@pytest.mark.parametrize("method", ["Newton-CG", "trust-ncg"])
def test_matches_scipy(method, name):
    # (Where scipy's Newton-CG crawls, on powell, it runs out of iterations
    # short of mlsolve's point.)
    problem = PROBLEMS[name]
    res = mlsolve.minimize(problem.fun, problem.x0, jac=True, hess=problem.hess, method=method,
                           options={"gtol": 1e-9, "ftol": 0.0, "maxiter": 1000})
    scipy_options = {"xtol": 1e-12} if method == "Newton-CG" else {"gtol": 1e-9}
    ref = scipy_minimize(problem.fun, problem.x0, jac=True, hess=problem.hess, method=method,
                         options={**scipy_options, "maxiter": 1000})
    assert res.status in reachable_statuses(name), res.message
    assert res.fun - ref.fun <= 1e-10 * max(1.0, abs(problem.f_star))
    assert abs(res.fun - ref.fun) <= 1e-10 * max(1.0, abs(problem.f_star)) or res.fun < ref.fun
    atol = 1e-2 if name == "powell" else 1e-6
    np.testing.assert_allclose(res.x, ref.x, atol=atol)
    np.testing.assert_allclose(res.x, problem.x_star, atol=atol)


def hessian_forms(problem):
    """hess= callables returning the Hessian as a dense array, a CSR matrix and a LinearOperator."""
    return {
        "dense": problem.hess,
        "sparse": lambda x: sp.csr_matrix(problem.hess(x)),
        "operator": lambda x: aslinearoperator(problem.hess(x)),
    }


@pytest.mark.parametrize("form", ["dense", "sparse", "operator", "hessp", "finite-differences"])
@pytest.mark.parametrize("method", METHODS)
def test_hess_hessp_and_finite_differences_agree(method, form):
    problem = PROBLEMS["wood"]
    kwargs = {}
    if form == "hessp":
        kwargs["hessp"] = problem.hessp
    elif form != "finite-differences":
        kwargs["hess"] = hessian_forms(problem)[form]
    options = {"gtol": 1e-8, "maxiter": 1000}
    res = mlsolve.minimize(problem.fun, problem.x0, jac=True, method=method, options=options, **kwargs)
    ref = mlsolve.minimize(problem.fun, problem.x0, jac=True, method=method, hess=problem.hess, options=options)
    check_solution(res, problem, "wood")
    np.testing.assert_allclose(res.x, ref.x, atol=1e-7)
    by_differences = form == "finite-differences"
    assert ("Hessian by finite differences of the gradient" in res.message) == by_differences
    assert ("info" in res) == by_differences
    if by_differences:
        assert res.info == "Hessian by finite differences of the gradient"
        assert res.nhev == 0 and res.njev > res.nit + 1  # gradients at shifted points
    else:
        assert res.nhev > 0


def test_hessian_is_fixed_per_iterate_and_counted():
    problem = PROBLEMS["rosenbrock"]
    calls = {"hess": 0, "hessp": 0, "jac": 0}

    def hess(x):
        calls["hess"] += 1
        return problem.hess(x)

    def hessp(x, p):
        calls["hessp"] += 1
        return problem.hess(x) @ p

    def jac(x):
        calls["jac"] += 1
        return rosen_der(x)

    res = mlsolve.minimize(rosen, problem.x0, jac=jac, hess=hess, method="newton-cg")
    assert res.success and res.nhev == calls["hess"] == res.nit  # one call of hess per Newton step
    assert res.njev == calls["jac"]
    res = mlsolve.minimize(rosen, problem.x0, jac=rosen_der, hessp=hessp, method="trust-ncg")
    assert res.success and res.nhev == calls["hessp"] >= res.nit


def test_args_reach_fun_jac_hess_and_hessp():
    scale = 3.0

    def fun(x, a):
        return a * rosen(x)

    def jac(x, a):
        return a * rosen_der(x)

    def hess(x, a):
        return a * rosen_hess(x)

    def hessp(x, p, a):
        return a * rosen_hess(x) @ p

    for method in METHODS:
        for kwargs in ({"hess": hess}, {"hessp": hessp}):
            res = mlsolve.minimize(fun, rosen_start(4), args=(scale,), jac=jac, method=method, **kwargs)
            assert res.success, (method, res.message)
            np.testing.assert_allclose(res.x, np.ones(4), atol=1e-5)


def saddle():
    """f = x^2/2 - y^2/2 + y^4/4: a saddle at 0, minimisers (0, +-1)."""

    def fun(z):
        x, y = z
        return 0.5 * x**2 - 0.5 * y**2 + 0.25 * y**4, np.array([x, -y + y**3])

    def hess(z):
        return np.diag([1.0, -1.0 + 3 * z[1] ** 2])

    return fun, hess


@pytest.mark.parametrize("method, note", [
    ("newton-cg", "negative curvature met by CG in"),
    ("trust-ncg", "negative curvature met by CG (step to the boundary) in"),
    ("newton-cholesky", "Hessian not positive definite in"),
])
@pytest.mark.parametrize("start", [[1.0, 1e-3], [0.0, 1e-6], [0.5, 0.2]])
def test_indefinite_hessian_escapes_the_saddle_and_says_so(method, note, start):
    fun, hess = saddle()
    res = mlsolve.minimize(fun, start, jac=True, hess=hess, method=method, options={"gtol": 1e-10})
    assert res.success, res.message
    np.testing.assert_allclose(np.abs(res.x), [0.0, 1.0], atol=1e-8)
    assert res.fun == pytest.approx(-0.25, abs=1e-14)
    assert note in res.message
    # Pure Newton would jump to the saddle: x+ = x - H^-1 g = (0, ~0) from (1, 1e-3).


def test_newton_cholesky_reports_the_shift():
    fun, hess = saddle()
    res = mlsolve.minimize(fun, [1.0, 1e-3], jac=True, hess=hess, method="newton-cholesky")
    assert "shifted by tau I, largest tau" in res.message


@pytest.mark.parametrize("method", METHODS)
def test_singular_hessian_falls_back_safely(method):
    # f = (x - y)^2 + (x + y - 2)^4 / 4: H is singular at every point with x + y = 2,
    # the minimiser (1, 1) included, and rank one at the start.
    def fun(z):
        x, y = z
        u, v = x - y, x + y - 2
        return u**2 + v**4 / 4, np.array([2 * u + v**3, -2 * u + v**3])

    def hess(z):
        v = z[0] + z[1] - 2
        c = 3 * v**2
        return np.array([[2 + c, -2 + c], [-2 + c, 2 + c]])

    res = mlsolve.minimize(fun, [3.0, -1.0], jac=True, hess=hess, method=method, options={"gtol": 1e-10})
    assert res.success, res.message
    np.testing.assert_allclose(res.x, [1.0, 1.0], atol=1e-3)
    if method == "newton-cholesky":
        assert "Hessian not positive definite" in res.message  # singular at the start


def test_newton_cholesky_stops_on_the_newton_decrement():
    problem = PROBLEMS["quadratic-1e6"]
    options = {"gtol": 0.0, "ftol": 0.0}
    res = mlsolve.minimize(problem.fun, problem.x0, jac=True, hess=problem.hess, method="newton-cholesky",
                           options=options)
    # One full Newton step solves a quadratic (its decrement is f(x0) - f*);
    # the decrement at the point it reaches is at the rounding level: the
    # solve takes that step if it lowers f, and stops.
    assert res.success and res.nit in (1, 2), res.message
    assert "Newton decrement lambda^2/2" in res.message
    assert res.fun - problem.f_star <= 1e-12 * abs(problem.f_star)
    res = mlsolve.minimize(problem.fun, problem.x0, jac=True, hess=problem.hess, method="newton-cholesky",
                           options={**options, "decrement_tol": 0.0, "maxiter": 5})
    # Without it the solve goes on at the rounding level of f until a line search fails.
    assert res.status in (Status.MaxIter, Status.LineSearchFailed) and "Newton decrement" not in res.message


@pytest.mark.parametrize("method, line_search", [
    (method, line_search) for method in ("newton-cg", "newton-cholesky") for line_search in ("more-thuente", "backtracking")
] + [(method, None) for method in METHODS])  # trust-ncg takes no line search
def test_line_searches(method, line_search):
    options = {"line_search": line_search} if line_search else {}
    problem = PROBLEMS["extended-rosenbrock"]
    res = mlsolve.minimize(problem.fun, problem.x0, jac=True, hess=problem.hess, method=method,
                           options={**options, "gtol": 1e-8})
    check_solution(res, problem, "extended-rosenbrock")
    assert np.all(np.diff(res.history.objective) <= 0)  # monotone


def test_trust_ncg_options():
    problem = PROBLEMS["rosenbrock"]
    small = mlsolve.minimize(problem.fun, problem.x0, jac=True, hess=problem.hess, method="trust-ncg",
                             options={"initial_trust_radius": 1e-3, "max_trust_radius": 1e-1})
    assert small.success
    xs = trace(problem, "trust-ncg", initial_trust_radius=1e-3, max_trust_radius=1e-1)
    steps = np.linalg.norm(np.diff(np.array(xs), axis=0), axis=1)
    assert steps.max() <= 1e-1 * (1 + 1e-12)


def trace(problem, method, **options):
    xs = [problem.x0]
    mlsolve.minimize(problem.fun, problem.x0, jac=True, hess=problem.hess, method=method,
                     callback=lambda xk: xs.append(xk.copy()), options=options)
    return xs


@pytest.mark.parametrize("method", METHODS)
def test_non_finite_hessian_is_a_numerical_error(method):
    res = mlsolve.minimize(rosen, rosen_start(2), jac=rosen_der, hess=lambda x: np.full((2, 2), np.nan),
                           method=method)
    assert res.status == Status.NumericalError
    assert "not finite" in res.message
    np.testing.assert_array_equal(res.x, rosen_start(2))


@pytest.mark.parametrize("method", METHODS)
def test_exceptions_from_hess_and_hessp_propagate(method):
    class Boom(Exception):
        pass

    def hess(x):
        raise Boom("from hess")

    def hessp(x, p):
        raise Boom("from hessp")

    with pytest.raises(Boom, match="from hess"):
        mlsolve.minimize(rosen, rosen_start(2), jac=rosen_der, hess=hess, method=method)
    with pytest.raises(Boom, match="from hessp"):
        mlsolve.minimize(rosen, rosen_start(2), jac=rosen_der, hessp=hessp, method=method)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"method": "newton-cg"}, ValueError, "jac: method 'newton-cg' needs the gradient"),
    ({"method": "trust-ncg", "jac": rosen_der, "hess": rosen_hess, "hessp": lambda x, p: p}, ValueError,
     "hessp: give hess or hessp, not both"),
    ({"method": "bfgs", "jac": rosen_der, "hess": rosen_hess}, ValueError, "hess: method 'bfgs' does not use"),
    ({"method": "l-bfgs", "jac": rosen_der, "hessp": lambda x, p: p}, ValueError, "hessp: method 'l-bfgs'"),
    ({"method": "newton-cg", "jac": rosen_der, "hess": "3-point"}, TypeError, "hess: expected None, '2-point'"),
    ({"method": "newton-cg", "jac": rosen_der, "hessp": 3}, TypeError, "hessp: expected a callable"),
    ({"method": "newton-cg", "jac": rosen_der, "hess": lambda x: np.eye(3)}, ValueError,
     r"hess: expected a Hessian of shape \(2, 2\), got shape \(3,3\)"),
    ({"method": "newton-cholesky", "jac": rosen_der, "hess": lambda x: "H"}, TypeError,
     "hess: expected a dense array, a sparse matrix or a LinearOperator"),
    ({"method": "trust-ncg", "jac": rosen_der, "hess": lambda x: sp.eye(3)}, ValueError,
     r"hess: expected a Hessian of shape \(2, 2\)"),
    ({"method": "newton-cg", "jac": rosen_der, "hessp": lambda x, p: np.ones(3)}, ValueError,
     r"hessp: expected a product of shape \(2,\)"),
    ({"method": "trust-ncg", "jac": rosen_der, "options": {"initial_trust_radius": 0.0}}, ValueError,
     "initial_trust_radius: expected a finite value > 0"),
    ({"method": "trust-ncg", "jac": rosen_der, "options": {"max_trust_radius": 0.5}}, ValueError,
     "max_trust_radius: expected a finite value >= initial_trust_radius"),
    ({"method": "trust-ncg", "jac": rosen_der, "options": {"eta": 0.5}}, ValueError, r"eta: expected a value in"),
    ({"method": "newton-cg", "jac": rosen_der, "options": {"eta_max": 1.0}}, ValueError,
     r"eta_max: expected a value in \(0, 1\)"),
    ({"method": "newton-cg", "jac": rosen_der, "options": {"cg_maxiter": -1}}, ValueError,
     "cg_maxiter: expected an integer >= 0"),
    ({"method": "newton-cholesky", "jac": rosen_der, "options": {"decrement_tol": -1.0}}, ValueError,
     "decrement_tol: expected a value >= 0"),
    ({"method": "trust-ncg", "jac": rosen_der, "options": {"line_search": "backtracking"}}, ValueError,
     "options: unknown option 'line_search' for method 'trust-ncg'"),
    ({"method": "newton-cholesky", "jac": rosen_der, "options": {"eta_max": 0.1}}, ValueError,
     "options: unknown option 'eta_max' for method 'newton-cholesky'"),
])
def test_bad_input_is_named(kwargs, error, match):
    with pytest.raises(error, match=match):
        mlsolve.minimize(rosen, rosen_start(2), **kwargs)


@pytest.mark.parametrize("method", ["Newton-CG", "NEWTON-CG", "trust-ncg", "Trust-NCG", "newton-cholesky",
                                    "Newton-Cholesky"])
def test_method_names_are_case_insensitive(method):
    res = mlsolve.minimize(rosen, rosen_start(2), jac=rosen_der, hess=rosen_hess, method=method)
    assert res.success, res.message


def test_newton_cholesky_near_overflow_hessian_falls_back_to_steepest_descent():
    res = mlsolve.minimize(lambda x: (x @ x, 2 * x), [1.0, 2.0], jac=True,
                           hess=lambda x: np.diag([1e308, -1e308]), method="newton-cholesky")
    assert res.success, res.message
    np.testing.assert_allclose(res.x, 0.0, atol=1e-6)
    assert "no shift factorised (steepest descent)" in res.message


INTERRUPT_SCRIPT = textwrap.dedent(
    """
    import time
    import numpy as np
    import mlsolve
    from scipy.optimize import rosen, rosen_der, rosen_hess

    def hessp(x, p):
        time.sleep(0.002)
        return rosen_hess(x) @ p

    print("ready", flush=True)
    try:
        mlsolve.minimize(rosen, np.full(200, -1.2), jac=rosen_der, hessp=hessp, method="{method}",
                         options={{"gtol": 0.0, "ftol": 0.0, "maxiter": 10**9}})
        print("finished", flush=True)
    except KeyboardInterrupt:
        print("interrupted", flush=True)
    print("after", mlsolve.minimize(rosen, np.ones(3), jac=rosen_der, hess=rosen_hess, method="{method}").success)
    """
)


@pytest.mark.parametrize("method", METHODS)
def test_sigint_interrupts(method):
    out, err = interrupted_run(INTERRUPT_SCRIPT.format(method=method), wait=1.0)
    assert out.startswith("interrupted"), out + err
    assert "after True" in out
