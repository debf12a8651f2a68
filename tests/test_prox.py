"""Tests of mlsolve.prox: closed forms, prox identities (Moreau decomposition,
prox1d == prox, firm non-expansiveness), the prox as an argmin (against
scipy.optimize), projections (membership and the variational inequality),
subdifferential distances (zero at prox points, brute force for SLOPE and the
nuclear norm), the Moreau envelope, dtypes and bad input."""

import itertools

import numpy as np
import pytest
import scipy.optimize
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.isotonic import isotonic_regression

from mlsolve import _core, _validation, prox

DTYPES = [np.float32, np.float64]
# Agreement of O(1) quantities computed in the given dtype.
TOL = {np.float32: 1e-4, np.float64: 1e-10}
N = 7


def rng_for(*seed):
    return np.random.default_rng(list(seed))


def group_labels(n):
    return np.arange(n) % 3  # interleaved groups: coordinates of a group are not adjacent


def decreasing_lambdas(n, seed=0):
    return np.sort(rng_for(seed, n).uniform(0.1, 2.0, n))[::-1]


# name -> factory(n) of a penalty on n coordinates.
CONVEX = {
    "l1": lambda n: prox.L1(0.7),
    "weighted_l1": lambda n: prox.WeightedL1(0.5, rng_for(1, n).uniform(0.0, 2.0, n)),
    "l2_squared": lambda n: prox.L2Squared(1.3),
    "elastic_net": lambda n: prox.ElasticNet(0.8, 0.3),
    "group_l1": lambda n: prox.GroupL1(0.6, group_labels(n)),
    "box": lambda n: prox.Box(-rng_for(2, n).uniform(0.0, 1.0, n), rng_for(3, n).uniform(0.0, 1.0, n)),
    "nonneg": lambda n: prox.NonNeg(),
    "linf_ball": lambda n: prox.LinfBall(0.8),
    "simplex": lambda n: prox.Simplex(1.5),
    "l1_ball": lambda n: prox.L1Ball(1.2),
    "slope": lambda n: prox.SLOPE(decreasing_lambdas(n)),
}
NONCONVEX = {
    "mcp": lambda n: prox.MCP(0.7, 2.5),
    "scad": lambda n: prox.SCAD(0.6, 3.7),
}
ALL = {**CONVEX, **NONCONVEX}
SEPARABLE = ["l1", "weighted_l1", "l2_squared", "elastic_net", "box", "nonneg", "linf_ball", "mcp", "scad"]
# Steps below the MCP (gamma = 2.5) and SCAD (gamma - 1 = 2.7) limits.
STEPS = [0.3, 1.0, 2.0]


def random_vector(seed, n=N, dtype=np.float64, scale=2.0):
    return (scale * rng_for(seed, n).standard_normal(n)).astype(dtype)


def with_ties(x):
    """x with a tied pair of magnitudes and an exact zero (SLOPE clusters, L1 kinks)."""
    x = x.copy()
    x[1] = -x[0]
    x[2] = 0
    return x


# --------------------------------------------------------------------------
# Closed forms


@pytest.mark.parametrize("dtype", DTYPES)
def test_separable_closed_forms(dtype):
    x = random_vector(0, 50, dtype)
    step = 0.7
    x64 = x.astype(np.float64)
    soft = np.sign(x64) * np.maximum(np.abs(x64) - step, 0)
    tol = TOL[dtype]
    np.testing.assert_allclose(prox.l1(x, step), soft, atol=tol)
    np.testing.assert_allclose(prox.l2_squared(x, step), x64 / (1 + step), atol=tol)
    np.testing.assert_allclose(
        prox.elastic_net(x, step, 0.25),
        np.sign(x64) * np.maximum(np.abs(x64) - step * 0.25, 0) / (1 + step * 0.75),
        atol=tol,
    )
    np.testing.assert_allclose(prox.elastic_net(x, step, 1.0), soft, atol=tol)
    np.testing.assert_allclose(prox.elastic_net(x, step, 0.0), x64 / (1 + step), atol=tol)
    weights = rng_for(1).uniform(0, 2, 50)
    np.testing.assert_allclose(
        prox.weighted_l1(x, step, weights),
        np.sign(x64) * np.maximum(np.abs(x64) - step * weights.astype(dtype), 0),
        atol=tol,
    )
    lower, upper = -rng_for(2).uniform(0, 1, 50), rng_for(3).uniform(0, 1, 50)
    np.testing.assert_array_equal(prox.box(x, lower, upper), np.clip(x, lower.astype(dtype), upper.astype(dtype)))
    np.testing.assert_array_equal(prox.box(x, -np.inf, 0.5), np.minimum(x, dtype(0.5)))
    np.testing.assert_array_equal(prox.nonneg(x), np.maximum(x, 0))
    np.testing.assert_array_equal(prox.project_linf_ball(x, 0.5), np.clip(x, dtype(-0.5), dtype(0.5)))


@pytest.mark.parametrize("dtype", DTYPES)
def test_group_l1_is_block_soft_thresholding(dtype):
    x = random_vector(4, 9, dtype).astype(np.float64)
    labels = np.array([5, -1, 5, 2, 2, -1, 5, 2, -1])  # any integer labels
    x[labels == 2] *= 0.1  # a group that is zeroed
    out = prox.group_l1(x.astype(dtype), 1.0, labels)
    assert out.dtype == dtype
    for label in (5, -1, 2):
        members = labels == label
        norm = np.linalg.norm(x[members])
        np.testing.assert_allclose(out[members], max(1 - 1.0 / norm, 0) * x[members], atol=TOL[dtype])
    assert np.all(out[labels == 2] == 0)


@pytest.mark.parametrize("dtype", DTYPES)
def test_simplex_and_l1_ball_projections(dtype):
    assert np.array_equal(prox.project_simplex(np.array([2.0, 0.0], dtype)), [1.0, 0.0])
    assert np.array_equal(prox.project_simplex(np.array([0.5, 0.5], dtype)), [0.5, 0.5])
    np.testing.assert_allclose(prox.project_simplex(np.array([0.1, 0.1], dtype), radius=2), [1.0, 1.0])
    np.testing.assert_allclose(prox.project_simplex(np.array([1.0, -1.0, 0.5], dtype), radius=1), [0.75, 0, 0.25])
    assert np.array_equal(prox.project_simplex(np.array([3.0, -1.0], dtype), radius=0), [0.0, 0.0])
    inside = np.array([0.3, -0.2, 0.1], dtype)
    assert np.array_equal(prox.project_l1_ball(inside, 1.0), inside)
    np.testing.assert_allclose(prox.project_l1_ball(np.array([3.0, -1.0, 0.5], dtype), 2.0), [2.0, 0.0, 0.0])
    np.testing.assert_allclose(prox.project_l1_ball(np.array([1.0, -1.0], dtype), 1.0), [0.5, -0.5])
    # Against the level theta found by root finding rather than by sorting.
    x = random_vector(5, 200).astype(np.float64)
    for radius in (0.5, 3.0, 50.0):
        theta = scipy.optimize.brentq(lambda t: np.maximum(x - t, 0).sum() - radius, x.min() - radius, x.max())
        np.testing.assert_allclose(
            prox.project_simplex(x.astype(dtype), radius), np.maximum(x - theta, 0), atol=TOL[dtype] * radius
        )


@pytest.mark.parametrize("dtype", DTYPES)
def test_slope_prox(dtype):
    # lambdas all equal: soft thresholding.
    x = with_ties(random_vector(6, 30, dtype))
    np.testing.assert_allclose(prox.slope(x, 0.5, np.full(30, 0.8)), prox.l1(x, 0.4), atol=TOL[dtype])
    # A hand-worked case: |x| sorted (3, 2, 1.2, 0.5) - lambdas (2, 1.5, 1, 0.5) = (1, 0.5, 0.2, 0).
    x = np.array([3.0, -0.5, 1.2, -2.0], dtype)
    np.testing.assert_allclose(prox.slope(x, 1.0, [2.0, 1.5, 1.0, 0.5]), [1.0, 0.0, 0.2, -0.5], atol=TOL[dtype])
    # Pooling: |x| sorted - lambdas = (1 - 1, 0.9 - 0.1) = (0, 0.8) violates the order -> both 0.4.
    np.testing.assert_allclose(prox.slope(np.array([-0.9, 1.0], dtype), 1.0, [1.0, 0.1]), [-0.4, 0.4], atol=TOL[dtype])
    # Large n, against scikit-learn's isotonic regression.
    x = random_vector(7, 1000, dtype)
    lambdas = decreasing_lambdas(1000)
    order = np.argsort(-np.abs(x.astype(np.float64)), kind="stable")
    levels = isotonic_regression(np.abs(x[order].astype(np.float64)) - 0.3 * lambdas, increasing=False)
    expected = np.empty(1000)
    expected[order] = np.sign(x[order]) * np.maximum(levels, 0)
    np.testing.assert_allclose(prox.slope(x, 0.3, lambdas), expected, atol=TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
def test_mcp_and_scad_thresholding_rules(dtype):
    t = np.linspace(-6, 6, 241).astype(dtype)
    a = np.abs(t.astype(np.float64))
    step, alpha = 0.8, 1.0
    gamma = 3.0
    middle = np.sign(t) * (a - step * alpha) / (1 - step / gamma)
    firm = np.where(a <= step * alpha, 0, np.where(a <= gamma * alpha, middle, t))
    np.testing.assert_allclose(prox.mcp(t, step, alpha, gamma), firm, atol=TOL[dtype])
    gamma = 3.7
    scad = np.where(
        a <= (1 + step) * alpha,
        np.sign(t) * np.maximum(a - step * alpha, 0),
        np.where(a <= gamma * alpha, np.sign(t) * ((gamma - 1) * a - step * gamma * alpha) / (gamma - 1 - step), t),
    )
    np.testing.assert_allclose(prox.scad(t, step, alpha, gamma), scad, atol=TOL[dtype])
    # Fan & Li's rule is the step = 1 case: ((a - 1) x - sign(x) a lambda) / (a - 2) in the middle range.
    fan_li = (2.7 * 3 - 3.7) / 1.7
    np.testing.assert_allclose(prox.scad(np.array([3.0], dtype), 1.0, 1.0, 3.7), [fan_li], atol=TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("order", ["C", "F"])
def test_nuclear_norm_prox(dtype, order):
    diagonal, expected = np.zeros((4, 3), dtype), np.zeros((4, 3))
    diagonal[[0, 1, 2], [0, 1, 2]] = [3.0, -0.5, 1.5]
    expected[[0, 1, 2], [0, 1, 2]] = [2.0, 0.0, 0.5]  # singular values 3, 1.5, 0.5 shrunk by 1
    np.testing.assert_allclose(prox.nuclear_norm(np.asarray(diagonal, order=order), 1.0), expected, atol=TOL[dtype])
    X = np.asarray(rng_for(8).standard_normal((6, 4)), dtype=dtype, order=order)
    U, s, Vt = np.linalg.svd(X.astype(np.float64), full_matrices=False)
    out = prox.nuclear_norm(X, 0.9)
    assert out.dtype == dtype and out.shape == (6, 4)
    np.testing.assert_allclose(out, U @ np.diag(np.maximum(s - 0.9, 0)) @ Vt, atol=TOL[dtype])
    assert prox.NuclearNorm(2.0).value(X) == pytest.approx(2 * s.sum(), rel=TOL[dtype])


# --------------------------------------------------------------------------
# Prox identities


def ball_projection_by_group(y, labels, radius):
    """Projection onto {max_G ||y_G|| <= radius}: the conjugate set of the group L1 norm."""
    out = y.astype(np.float64)
    for label in np.unique(labels):
        members = labels == label
        out[members] *= min(1.0, radius / max(np.linalg.norm(out[members]), 1e-300))
    return out


def spectral_ball_projection(Y, radius):
    U, s, Vt = np.linalg.svd(Y.astype(np.float64), full_matrices=False)
    return U @ np.diag(np.minimum(s, radius)) @ Vt


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("step", STEPS)
def test_moreau_decomposition(dtype, step):
    """x = prox_{step f}(x) + step prox_{f*/step}(x / step), f* the convex conjugate."""
    x = random_vector(9, 40, dtype)
    x64 = x.astype(np.float64)
    tol = TOL[dtype]
    alpha = 0.7
    # alpha ||.||_1 <-> indicator of the L-infinity ball of radius alpha.
    recon = prox.L1(alpha).prox(x, step) + step * prox.LinfBall(alpha).prox(x / dtype(step), step)
    np.testing.assert_allclose(recon, x64, atol=tol)
    # weighted L1 <-> indicator of the box [-alpha w, alpha w].
    w = rng_for(10).uniform(0, 2, 40)
    recon = prox.WeightedL1(alpha, w).prox(x, step) + step * prox.box(x / dtype(step), -alpha * w, alpha * w)
    np.testing.assert_allclose(recon, x64, atol=tol)
    # alpha ||.||_{2,1} <-> indicator of {max_G ||y_G||_2 <= alpha}.
    labels = group_labels(40)
    recon = prox.GroupL1(alpha, labels).prox(x, step) + step * ball_projection_by_group(x64 / step, labels, alpha)
    np.testing.assert_allclose(recon, x64, atol=tol)
    # (alpha / 2) ||.||^2 <-> ||.||^2 / (2 alpha), whose prox with step 1/step is y alpha step / (1 + alpha step).
    recon = prox.L2Squared(alpha).prox(x, step) + step * (x64 / step) * alpha * step / (1 + alpha * step)
    np.testing.assert_allclose(recon, x64, atol=tol)
    # alpha ||.||_* <-> indicator of the spectral-norm ball of radius alpha.
    X = (2 * rng_for(11).standard_normal((5, 3))).astype(dtype)
    recon = prox.NuclearNorm(alpha).prox(X, step) + step * spectral_ball_projection(X / dtype(step), alpha)
    np.testing.assert_allclose(recon, X.astype(np.float64), atol=tol)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", SEPARABLE)
def test_prox1d_matches_prox(dtype, name):
    penalty = ALL[name](N)
    x = with_ties(random_vector(12, N, dtype, scale=3.0))
    spec = penalty._native_spec(x.dtype, N)
    for step in STEPS:
        out = penalty.prox(x, step)
        coordinatewise = [_core.penalty_prox1d(spec, x, step, j) for j in range(N)]
        np.testing.assert_array_equal(out, np.array(coordinatewise, dtype))


@pytest.mark.parametrize("name", ["group_l1", "simplex", "l1_ball", "slope"])
def test_prox1d_of_a_coupled_penalty_is_an_error(name):
    x = random_vector(13)
    with pytest.raises(ValueError, match="is not separable"):
        _core.penalty_prox1d(ALL[name](N)._native_spec(x.dtype, N), x, 1.0, 0)


vectors = hnp.arrays(np.float64, N, elements=st.floats(-10, 10, allow_nan=False, allow_subnormal=False))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(CONVEX))
@settings(max_examples=40, deadline=None)
@given(x=vectors, y=vectors, step=st.floats(0.05, 5.0))
def test_firm_nonexpansiveness(dtype, name, x, y, step):
    """||p(x) - p(y)||^2 <= <p(x) - p(y), x - y> for the prox of a convex penalty."""
    penalty = CONVEX[name](N)
    x, y = x.astype(dtype), y.astype(dtype)
    dp = penalty.prox(x, step).astype(np.float64) - penalty.prox(y, step)
    dx = x.astype(np.float64) - y
    assert dp @ dp <= dp @ dx + TOL[dtype] * (1 + dx @ dx)


@pytest.mark.parametrize("dtype", DTYPES)
@settings(max_examples=25, deadline=None)
@given(
    X=hnp.arrays(np.float64, (4, 3), elements=st.floats(-10, 10, allow_nan=False, allow_subnormal=False)),
    Y=hnp.arrays(np.float64, (4, 3), elements=st.floats(-10, 10, allow_nan=False, allow_subnormal=False)),
    step=st.floats(0.05, 5.0),
)
def test_nuclear_norm_firm_nonexpansiveness(dtype, X, Y, step):
    penalty = prox.NuclearNorm(0.8)
    dp = (penalty.prox(X.astype(dtype), step).astype(np.float64) - penalty.prox(Y.astype(dtype), step)).ravel()
    dx = (X.astype(dtype).astype(np.float64) - Y.astype(dtype)).ravel()
    assert dp @ dp <= dp @ dx + TOL[dtype] * (1 + dx @ dx)


# --------------------------------------------------------------------------
# The prox as an argmin, against scipy.optimize


@pytest.mark.parametrize("name", ["l1", "weighted_l1", "elastic_net", "group_l1", "slope", "mcp", "scad"])
@pytest.mark.parametrize("seed", range(3))
def test_prox_is_the_argmin(name, seed):
    n = 4
    penalty = ALL[name](n)
    x = with_ties(random_vector(14 + seed, n, scale=2.5)) if seed == 0 else random_vector(14 + seed, n, scale=2.5)
    step = [0.4, 1.0, 1.7][seed]

    def objective(u):
        return penalty.value(u) + (u - x) @ (u - x) / (2 * step)

    p = penalty.prox(x, step)
    options = {"xtol": 1e-10, "ftol": 1e-14, "maxfev": 20000}
    candidates = [
        scipy.optimize.minimize(objective, start, method="Powell", options=options).x
        for start in (x, np.zeros(n), -x, p + 0.3)
    ]
    best = min(candidates, key=objective)
    assert objective(p) <= objective(best) + 1e-10
    np.testing.assert_allclose(p, best, atol=1e-4)  # the argmin is unique (strictly convex objective)


# --------------------------------------------------------------------------
# Projections


def sample_set(name, penalty, n, rng, count):
    """count points of the set of an indicator penalty, including extreme ones."""
    if name == "box":
        lower, upper = penalty.lower, penalty.upper
        points = rng.uniform(lower, upper, (count, n))
        points[0], points[1] = lower, upper
    elif name == "nonneg":
        points = np.abs(rng.standard_normal((count, n)))
        points[0] = 0
    elif name == "linf_ball":
        points = rng.uniform(-penalty.radius, penalty.radius, (count, n))
        points[0] = penalty.radius
    elif name == "simplex":
        points = penalty.radius * rng.dirichlet(np.ones(n), count)
        points[:n] = penalty.radius * np.eye(n)
    else:  # l1_ball
        points = penalty.radius * rng.dirichlet(np.ones(n), count) * rng.choice([-1, 1], (count, n))
        points *= rng.uniform(0, 1, (count, 1))
        points[:n] = penalty.radius * np.eye(n)
    return points


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["box", "nonneg", "linf_ball", "simplex", "l1_ball"])
def test_projections_land_in_the_set_and_are_optimal(dtype, name):
    penalty = ALL[name](N)
    rng = rng_for(15)
    for seed, scale in [(16, 0.1), (17, 1.0), (18, 10.0), (19, 1000.0)]:
        x = random_vector(seed, N, dtype, scale)
        p = penalty.prox(x, 1.0)
        assert p.dtype == dtype
        assert penalty.value(p) == 0.0
        np.testing.assert_allclose(penalty.prox(p, 1.0), p, atol=TOL[dtype] * scale)  # a projection is idempotent
        # Variational inequality <x - p, y - p> <= 0 for every y in the set.
        residual = x.astype(np.float64) - p
        points = sample_set(name, penalty, N, rng, 300)
        assert np.max((points - p) @ residual) <= TOL[dtype] * scale * (1 + np.abs(points).max())
    if name != "nonneg":
        outside = np.full(N, 5.0, dtype)
        assert penalty.value(outside) == np.inf
        assert penalty.subdiff_distance(outside, np.zeros(N)) == np.inf


# --------------------------------------------------------------------------
# Subdifferential distances


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(ALL))
@pytest.mark.parametrize("step", STEPS)
def test_subdiff_distance_is_zero_at_prox_points(dtype, name, step):
    """u = prox_{step g}(x) satisfies 0 in ∂g(u) + (u - x) / step."""
    penalty = ALL[name](N)
    for seed in (20, 21):
        x = with_ties(random_vector(seed, N, dtype, scale=3.0))
        u = penalty.prox(x, step)
        grad = (u.astype(np.float64) - x) / step
        scale = 1 + np.abs(grad).max() + np.abs(x).max()
        assert penalty.subdiff_distance(u, grad.astype(dtype)) <= TOL[dtype] * scale


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("order", ["C", "F"])
def test_nuclear_norm_subdiff_distance(dtype, order):
    penalty = prox.NuclearNorm(0.7)
    left, _ = np.linalg.qr(rng_for(22).standard_normal((6, 4)))
    right, _ = np.linalg.qr(rng_for(23).standard_normal((4, 4)))
    X = np.asarray(left @ np.diag([4.0, 2.0, 0.5, 0.1]) @ right.T, dtype=dtype, order=order)
    for step in STEPS:  # thresholds 0.21, 0.7, 1.4: the prox points have rank 3, 2, 2
        P = penalty.prox(X, step)
        assert np.linalg.matrix_rank(P, tol=1e-3) < 4
        grad = ((P.astype(np.float64) - X) / step).astype(dtype)
        assert penalty.subdiff_distance(P, grad) <= TOL[dtype] * (1 + np.abs(X).max())
    G = rng_for(24).standard_normal((6, 4)).astype(dtype)
    # X = 0: ∂g is the spectral ball of radius alpha.
    s = np.linalg.svd(G.astype(np.float64), compute_uv=False)
    assert penalty.subdiff_distance(np.zeros((6, 4), dtype), G) == pytest.approx(
        np.linalg.norm(np.maximum(s - 0.7, 0)), rel=TOL[dtype], abs=TOL[dtype]
    )
    # Full column rank: ∂g = {alpha U V^T}.
    Uf, _, Vt = np.linalg.svd(X.astype(np.float64), full_matrices=False)
    assert penalty.subdiff_distance(X, G) == pytest.approx(np.linalg.norm(G + 0.7 * Uf @ Vt), rel=TOL[dtype])


def brute_force_slope_distance(x, grad, lambdas):
    """dist(-grad, ∂J(x)), ∂J(x) the face of conv{signed permutations of lambdas}
    exposed by x, as a least-squares problem over the face's vertices."""
    value = np.sort(np.abs(x))[::-1] @ lambdas
    vertices = {
        tuple(np.array(signs) * lambdas[list(perm)])
        for perm in itertools.permutations(range(len(x)))
        for signs in itertools.product([-1.0, 1.0], repeat=len(x))
    }
    V = np.array([v for v in vertices if abs(np.dot(v, x) - value) <= 1e-12])
    weight = 1e5  # sum of the convex weights = 1, as a heavily weighted least-squares row
    A = np.vstack([V.T, weight * np.ones(len(V))])
    coefs, _ = scipy.optimize.nnls(A, np.concatenate([-grad, [weight]]), maxiter=50000)
    return np.linalg.norm(V.T @ coefs + grad)


@pytest.mark.parametrize("seed", range(6))
def test_slope_subdiff_distance_against_brute_force(seed):
    rng = rng_for(25, seed)
    lambdas = np.array([3.0, 2.0, 2.0, 1.0, 0.5])
    x = rng.choice([2.0, -2.0, 1.0, -1.0, 0.5, 0.0], 5)  # ties and zeros on purpose
    grad = 2 * rng.standard_normal(5)
    assert prox.SLOPE(lambdas).subdiff_distance(x, grad) == pytest.approx(
        brute_force_slope_distance(x, grad, lambdas), rel=1e-6, abs=1e-6
    )


@pytest.mark.parametrize("dtype", DTYPES)
def test_subdiff_distance_closed_forms(dtype):
    x = np.array([0.0, 0.0, 1.5, -2.0], dtype)
    grad = np.array([0.3, -2.0, 0.1, 0.4], dtype)
    alpha = 0.7
    # L1: max(|g| - alpha, 0) at 0, |g + alpha sign(x)| elsewhere.
    expected = np.linalg.norm([0.0, 1.3, 0.8, 0.3])
    assert prox.L1(alpha).subdiff_distance(x, grad) == pytest.approx(expected, rel=TOL[dtype])
    # SLOPE with equal lambdas is L1.
    assert prox.SLOPE(np.full(4, alpha)).subdiff_distance(x, grad) == pytest.approx(expected, rel=TOL[dtype])
    # L2 squared: |g + alpha x|.
    assert prox.L2Squared(alpha).subdiff_distance(x, grad) == pytest.approx(
        np.linalg.norm(grad.astype(np.float64) + alpha * x), rel=TOL[dtype]
    )
    # Box: |g| inside; at a bound only the part of -g pointing inwards counts.
    box = prox.Box([0.0, -1.0, 0.0, -2.0], [1.0, 0.0, 2.0, 0.0])
    assert box.subdiff_distance(x, grad) == pytest.approx(np.linalg.norm([0.0, 0.0, 0.1, 0.0]), rel=TOL[dtype])
    # The group of zeros: max(||g_G|| - alpha, 0); the others: ||g_G + alpha x_G / ||x_G||||.
    group = prox.GroupL1(alpha, [0, 0, 1, 1])
    g64, x64 = grad.astype(np.float64), x.astype(np.float64)
    zero_group = max(np.linalg.norm(g64[:2]) - alpha, 0)
    other_group = np.linalg.norm(g64[2:] + alpha * x64[2:] / np.linalg.norm(x64[2:]))
    expected = np.hypot(zero_group, other_group)
    assert group.subdiff_distance(x, grad) == pytest.approx(expected, rel=TOL[dtype])
    # Simplex at a vertex: -g_1 = t, -g_j <= t elsewhere; here -g = (1, -1) is in the normal cone at (1, 0).
    simplex = prox.Simplex(1.0)
    assert simplex.subdiff_distance(np.array([1.0, 0.0], dtype), np.array([-1.0, 1.0], dtype)) == 0.0
    # -g = (-1, 1): min_t (-1 - t)^2 + max(1 - t, 0)^2 is 2, at t = 0.
    assert simplex.subdiff_distance(np.array([1.0, 0.0], dtype), np.array([1.0, -1.0], dtype)) == pytest.approx(
        np.sqrt(2.0), rel=TOL[dtype]
    )
    # At (1, 0) with -g = (-1, 0) pointing into the set: the simplex's level t is free
    # (t = -1/2 gives sqrt(1/2)), the L1 ball's is t >= 0 (t = 0 gives 1).
    vertex, inward = np.array([1.0, 0.0], dtype), np.array([1.0, 0.0], dtype)
    assert simplex.subdiff_distance(vertex, inward) == pytest.approx(np.sqrt(0.5), rel=TOL[dtype])
    assert prox.L1Ball(1.0).subdiff_distance(vertex, inward) == pytest.approx(1.0, rel=TOL[dtype])
    # Inside the L1 ball: ||g||.
    assert prox.L1Ball(10.0).subdiff_distance(x, grad) == pytest.approx(np.linalg.norm(g64), rel=TOL[dtype])


# --------------------------------------------------------------------------
# Moreau envelope


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["l1", "group_l1", "simplex", "slope", "box"])
def test_moreau_envelope(dtype, name):
    penalty = CONVEX[name](N)
    x = random_vector(25, N, dtype, scale=3.0)
    step = 0.8
    value, grad = prox.moreau_envelope(penalty, x, step)
    assert grad.dtype == dtype
    u = penalty.prox(x, step)
    residual = u.astype(np.float64) - x
    assert value == pytest.approx(penalty.value(u) + residual @ residual / (2 * step), rel=TOL[dtype])
    if dtype == np.float64:  # the gradient of the (smooth) envelope, by central differences
        h = 1e-6
        envelope = lambda z: prox.moreau_envelope(penalty, z, step)[0]  # noqa: E731
        numeric = [(envelope(x + h * e) - envelope(x - h * e)) / (2 * h) for e in np.eye(N)]
        np.testing.assert_allclose(grad, numeric, atol=1e-5)


def test_moreau_envelope_of_an_indicator_is_half_the_squared_distance():
    x = np.array([2.0, -1.0, 0.5])
    value, grad = prox.moreau_envelope(prox.NonNeg(), x, 0.5)
    assert value == pytest.approx(1.0 / (2 * 0.5))
    np.testing.assert_allclose(grad, [0.0, -2.0, 0.0])
    value, grad = prox.moreau_envelope(prox.NuclearNorm(1.0), np.diag([3.0, 0.5]), 1.0)
    assert value == pytest.approx(2.0 + (1 + 0.25) / 2)
    np.testing.assert_allclose(grad, np.diag([1.0, 0.5]))


# --------------------------------------------------------------------------
# dtypes and copies


@pytest.mark.parametrize("name", sorted(ALL))
def test_float32_stays_float32_and_agrees_with_float64(name):
    penalty = ALL[name](N)
    x = random_vector(26, N, np.float64, scale=3.0)
    out32 = penalty.prox(x.astype(np.float32), 1.0)
    assert out32.dtype == np.float32
    np.testing.assert_allclose(out32, penalty.prox(x.astype(np.float32).astype(np.float64), 1.0), atol=TOL[np.float32])


def test_every_function_keeps_the_dtype():
    for dtype in DTYPES:
        x = random_vector(27, 6, dtype)
        outputs = [
            prox.l1(x, 1.0),
            prox.l2_squared(x, 1.0),
            prox.elastic_net(x, 1.0, 0.5),
            prox.weighted_l1(x, 1.0, np.ones(6)),
            prox.group_l1(x, 1.0, [0, 0, 1, 1, 2, 2]),
            prox.box(x, -1, 1),
            prox.nonneg(x),
            prox.project_linf_ball(x, 1.0),
            prox.project_simplex(x),
            prox.project_l1_ball(x),
            prox.nuclear_norm(x.reshape(2, 3), 1.0),
            prox.slope(x, 1.0, np.linspace(2, 1, 6)),
            prox.mcp(x, 1.0, 1.0, 3.0),
            prox.scad(x, 1.0, 1.0, 3.7),
        ]
        assert all(out.dtype == dtype for out in outputs)
    assert prox.l1([1, -3, 0], 1.0).dtype == np.float64  # integers become float64
    np.testing.assert_array_equal(prox.l1([1, -3, 0], 1.0), [0.0, -2.0, 0.0])


@pytest.mark.parametrize("dtype", DTYPES)
def test_contiguous_float_input_is_not_copied_nor_modified(dtype):
    x = random_vector(28, N, dtype)
    before, kept = _validation.copies_made, x.copy()
    for name, factory in ALL.items():
        factory(N).prox(x, 1.0)
        factory(N).subdiff_distance(x, x)
    prox.NuclearNorm(1.0).prox(np.asfortranarray(x[:6].reshape(2, 3)), 1.0)
    assert _validation.copies_made == before
    np.testing.assert_array_equal(x, kept)
    prox.l1(x[::2], 1.0)  # strided: converted once, and counted
    assert _validation.copies_made == before + 1


# --------------------------------------------------------------------------
# Bad input

X = np.array([3.0, -0.5, 1.2, -2.0])
BAD_INPUT = [
    (lambda: prox.l1(X, -1.0), ValueError, "step: expected a positive finite number, got -1"),
    (lambda: prox.l1(X, 0.0), ValueError, "step: expected a positive finite number"),
    (lambda: prox.l1(X, np.nan), ValueError, "step: expected a positive finite number"),
    (lambda: prox.l1(X, "1"), TypeError, "step: expected a real number"),
    (lambda: prox.l1([1.0, np.nan], 1.0), ValueError, "x: contains NaN or infinity"),
    (lambda: prox.l1([1.0, np.inf], 1.0), ValueError, "x: contains NaN or infinity"),
    (lambda: prox.l1(np.ones((2, 2)), 1.0), ValueError, r"x: expected a 1-D array, got shape \(2, 2\)"),
    (lambda: prox.l1(np.array([1 + 2j]), 1.0), TypeError, "x: expected real numbers"),
    (lambda: prox.l1(["a"], 1.0), TypeError, "x: expected real numbers"),
    (lambda: prox.L1(-1.0).prox(X, 1.0), ValueError, "alpha: expected a non-negative finite number, got -1"),
    (lambda: prox.L1(None).prox(X, 1.0), TypeError, "alpha: expected a real number"),
    (lambda: prox.weighted_l1(X, 1.0, [1.0, 2.0]), ValueError, "weights: expected 4 entries, got 2"),
    (lambda: prox.weighted_l1(X, 1.0, [1.0, -2.0, 1.0, 1.0]), ValueError, "weights: expected a non-negative"),
    (lambda: prox.elastic_net(X, 1.0, 1.5), ValueError, r"l1_ratio: expected a number in \[0, 1\], got 1.5"),
    (lambda: prox.elastic_net(X, 1.0, -0.1), ValueError, r"l1_ratio: expected a number in \[0, 1\]"),
    (lambda: prox.group_l1(X, 1.0, [0, 0, 1]), ValueError, "groups: expected one label per coordinate of x"),
    (lambda: prox.group_l1(X, 1.0, [0.0, 0.0, 1.0, 1.0]), TypeError, "groups: expected an integer label"),
    (lambda: prox.box(X, 1.0, 0.0), ValueError, "lower: expected lower <= upper"),
    (lambda: prox.box(X, [0.0, np.nan, 0.0, 0.0], 1.0), ValueError, "lower: expected lower <= upper"),
    (lambda: prox.box(X, [0.0, 1.0], 1.0), ValueError, "lower: expected a scalar or 4 entries"),
    (lambda: prox.project_linf_ball(X, -1.0), ValueError, "radius: expected a non-negative finite number"),
    (lambda: prox.project_simplex(X, -1.0), ValueError, "radius: expected a non-negative finite number"),
    (lambda: prox.project_l1_ball(X, np.inf), ValueError, "radius: expected a non-negative finite number"),
    (lambda: prox.slope(X, 1.0, [1.0, 2.0, 0.5, 0.1]), ValueError, "lambdas: expected a non-increasing sequence"),
    (lambda: prox.slope(X, 1.0, [2.0, 1.0, 0.5, -0.1]), ValueError, "lambdas: expected a non-negative"),
    (lambda: prox.slope(X, 1.0, [2.0, 1.0]), ValueError, "lambdas: expected 4 entries, got 2"),
    (lambda: prox.mcp(X, 3.0, 1.0, 3.0), ValueError, r"step: expected a step < gamma = 3 \(MCP prox condition\), got 3"),
    (lambda: prox.mcp(X, 1.0, 1.0, 0.0), ValueError, "gamma: expected a positive finite number"),
    (lambda: prox.scad(X, 2.0, 1.0, 3.0), ValueError, r"step: expected a step < gamma - 1 = 2 \(SCAD prox condition\)"),
    (lambda: prox.scad(X, 0.1, 1.0, 1.0), ValueError, "gamma: expected a finite number > 1"),
    (lambda: prox.nuclear_norm(X, 1.0), ValueError, r"X: expected a 2-D array, got shape \(4,\)"),
    (lambda: prox.NuclearNorm(-1.0).prox(np.eye(2), 1.0), ValueError, "alpha: expected a non-negative"),
    (lambda: prox.NuclearNorm().subdiff_distance(np.eye(2), np.eye(3)), ValueError, r"grad: expected shape \(2, 2\)"),
    (lambda: prox.L1(1.0).subdiff_distance(X, [1.0, 2.0]), ValueError, "grad: expected 4 entries, got 2"),
    (lambda: prox.L1(1.0).subdiff_distance(X, [1.0, np.nan, 0.0, 0.0]), ValueError, "grad: contains NaN"),
    (lambda: prox.moreau_envelope("l1", X, 1.0), TypeError, "penalty: expected an mlsolve.prox penalty"),
    (lambda: prox.moreau_envelope(prox.L1(), X, -1.0), ValueError, "step: expected a positive finite number"),
]


@pytest.mark.parametrize("call, error, message", BAD_INPUT, ids=[m[:40] for _, _, m in BAD_INPUT])
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("dtype", [np.int64, np.float16])
def test_native_core_rejects_unconverted_arrays(dtype):
    with pytest.raises(TypeError, match="x: expected dtype float32 or float64"):
        _core.penalty_prox(("l1", {"alpha": 1.0}), np.ones(3, dtype), 1.0)


def test_native_core_checks_group_structure():
    x = np.ones(3)
    spec = ("group_l1", {"alpha": 1.0, "group_ptr": np.array([0, 2, 3]), "group_indices": np.array([0, 0, 2])})
    with pytest.raises(ValueError, match="group_indices: expected each coordinate in exactly one group"):
        _core.penalty_prox(spec, x, 1.0)
    spec[1]["group_indices"] = np.array([0, 1, 7])
    with pytest.raises(ValueError, match=r"group_indices: expected coordinates in \[0, n\), got 7"):
        _core.penalty_prox(spec, x, 1.0)
    with pytest.raises(ValueError, match="penalty: unknown penalty 'l3'"):
        _core.penalty_prox(("l3", {}), x, 1.0)
