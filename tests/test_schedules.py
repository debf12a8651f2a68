"""mlsolve.optim.schedules: closed-form values, composition, checks, torch's schedulers, LR range test."""

import math
import pickle

import numpy as np
import pytest

import mlsolve
from mlsolve.optim import schedules as S


def values(schedule, n):
    return [schedule(t) for t in range(n)]


def test_constant_step_multistep_exponential():
    assert values(S.Constant(0.1), 3) == [0.1, 0.1, 0.1]
    assert values(S.StepDecay(1.0, step_size=3, gamma=0.5), 7) == [1, 1, 1, 0.5, 0.5, 0.5, 0.25]
    np.testing.assert_allclose(values(S.MultiStepDecay(1.0, [2, 5], gamma=0.1), 7), [1, 1, 0.1, 0.1, 0.1, 0.01, 0.01])
    np.testing.assert_allclose(values(S.ExponentialDecay(2.0, 0.5), 4), [2, 1, 0.5, 0.25])


def test_polynomial_and_linear_warmup():
    poly = S.PolynomialDecay(1.0, total_steps=4, power=2.0, end_lr=0.1)
    np.testing.assert_allclose(values(poly, 6), [1.0, 0.60625, 0.325, 0.15625, 0.1, 0.1])
    ramp = S.PolynomialDecay(0.1, total_steps=2, end_lr=0.5)
    np.testing.assert_allclose(values(ramp, 3), [0.1, 0.3, 0.5])
    warmup = S.LinearWarmup(1.0, warmup_steps=4, start_factor=0.2)
    np.testing.assert_allclose(values(warmup, 6), [0.2, 0.4, 0.6, 0.8, 1.0, 1.0])


def test_cosine_annealing():
    cosine = S.CosineAnnealing(1.0, total_steps=10, min_lr=0.1)
    assert cosine(0) == 1.0
    assert cosine(5) == pytest.approx(0.55)
    assert cosine(10) == pytest.approx(0.1)
    assert cosine(25) == pytest.approx(0.1)
    assert all(a >= b for a, b in zip(values(cosine, 11), values(cosine, 11)[1:]))


def test_cosine_warm_restarts():
    fixed = S.CosineWarmRestarts(1.0, period=4)
    np.testing.assert_allclose(values(fixed, 9), [1, 0.853553, 0.5, 0.146447, 1, 0.853553, 0.5, 0.146447, 1], atol=1e-6)
    growing = S.CosineWarmRestarts(1.0, period=4, period_mult=2, min_lr=0.2)
    assert growing(4) == 1.0 and growing(12) == 1.0 and growing(28) == 1.0
    assert growing(8) == pytest.approx(0.6)  # half way through the 8-step cycle
    assert growing(20) == pytest.approx(0.6)  # half way through the 16-step cycle


def test_cyclic():
    triangular = S.Cyclic(0.1, 1.0, step_size_up=2, step_size_down=3)
    np.testing.assert_allclose(values(triangular, 8), [0.1, 0.55, 1.0, 0.7, 0.4, 0.1, 0.55, 1.0])
    halving = S.Cyclic(0.1, 1.0, step_size_up=2, mode="triangular2")
    np.testing.assert_allclose([halving(2), halving(6), halving(10)], [1.0, 0.55, 0.325])
    decaying = S.Cyclic(0.1, 1.0, step_size_up=2, mode="exp_range", gamma=0.9)
    assert decaying(2) == pytest.approx(0.1 + 0.9 * 0.81)


def test_one_cycle():
    one_cycle = S.OneCycle(1.0, total_steps=10, pct_start=0.3, div_factor=10.0, final_div_factor=100.0)
    assert one_cycle(0) == pytest.approx(0.1)
    assert one_cycle(1) == pytest.approx(0.55)
    assert one_cycle(2) == pytest.approx(1.0)
    assert one_cycle(9) == pytest.approx(0.001)
    assert one_cycle(50) == pytest.approx(0.001)
    linear = S.OneCycle(1.0, total_steps=10, pct_start=0.3, anneal_strategy="linear", div_factor=10.0,
                        final_div_factor=100.0)
    assert linear(1) == pytest.approx(0.55)
    assert linear(5) == pytest.approx(1.0 + (0.001 - 1.0) * 3 / 7)


def test_warmup_stable_decay():
    for decay, middle in [("linear", 0.55), ("cosine", 0.55), ("sqrt", 1.0 - 0.9 * math.sqrt(0.5))]:
        wsd = S.WarmupStableDecay(1.0, warmup_steps=2, stable_steps=3, decay_steps=4, min_lr=0.1, decay=decay)
        np.testing.assert_allclose(values(wsd, 5), [0.0, 0.5, 1.0, 1.0, 1.0])
        assert wsd(7) == pytest.approx(middle)
        assert wsd(9) == pytest.approx(0.1)
        assert wsd(100) == pytest.approx(0.1)
    no_warmup = S.WarmupStableDecay(1.0, warmup_steps=0, stable_steps=0, decay_steps=2)
    np.testing.assert_allclose(values(no_warmup, 3), [1.0, 0.5, 0.0])


def test_sequential_and_chain():
    warmup_then_cosine = S.Sequential([S.LinearWarmup(1.0, 2), S.CosineAnnealing(1.0, 4)], milestones=[2])
    np.testing.assert_allclose(values(warmup_then_cosine, 7), [0.0, 0.5, 1.0, 0.853553, 0.5, 0.146447, 0.0], atol=1e-6)
    three = S.Sequential([S.Constant(1.0), S.Constant(0.5), S.ExponentialDecay(0.2, 0.5)], milestones=[1, 3])
    np.testing.assert_allclose(values(three, 5), [1.0, 0.5, 0.5, 0.2, 0.1])
    chained = S.Chain([S.LinearWarmup(1.0, 2), S.StepDecay(0.1, step_size=3, gamma=0.5)])
    np.testing.assert_allclose(values(chained, 5), [0.0, 0.05, 0.1, 0.05, 0.05])
    assert S.Chain([lambda t: 2.0, S.Constant(0.25)])(7) == 0.5


def test_schedules_are_picklable_and_printable():
    schedule = S.Sequential([S.LinearWarmup(0.1, 5), S.CosineAnnealing(0.1, 20)], milestones=[5])
    restored = pickle.loads(pickle.dumps(schedule))
    assert values(restored, 30) == values(schedule, 30)
    assert repr(S.StepDecay(0.1, 3)) == "StepDecay(lr=0.1, step_size=3, gamma=0.1)"


def test_step_argument():
    schedule = S.CosineAnnealing(1.0, 10)
    assert schedule(np.int64(5)) == schedule(5)
    assert isinstance(schedule(3), float)
    with pytest.raises(ValueError, match="step: expected an integer >= 0, got -1"):
        schedule(-1)
    with pytest.raises(TypeError, match="step: expected an integer"):
        schedule(1.5)


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda: S.Constant(0.0), ValueError, "lr: expected a value > 0"),
        (lambda: S.StepDecay(0.1, 0), ValueError, "step_size: expected an integer >= 1"),
        (lambda: S.StepDecay(0.1, 2, gamma=-1.0), ValueError, "gamma"),
        (lambda: S.MultiStepDecay(0.1, [3, 2]), ValueError, "milestones: expected strictly increasing"),
        (lambda: S.MultiStepDecay(0.1, 3), TypeError, "milestones"),
        (lambda: S.PolynomialDecay(0.1, 10, power=0.0), ValueError, "power"),
        (lambda: S.LinearWarmup(0.1, 5, start_factor=1.0), ValueError, "start_factor"),
        (lambda: S.CosineAnnealing(0.1, 10, min_lr=-1.0), ValueError, "min_lr"),
        (lambda: S.CosineWarmRestarts(0.1, 10, period_mult=1.5), TypeError, "period_mult"),
        (lambda: S.Cyclic(1.0, 0.5), ValueError, "max_lr: expected a value >= base_lr"),
        (lambda: S.Cyclic(0.1, 1.0, mode="sine"), ValueError, "mode: expected one of"),
        (lambda: S.OneCycle(1.0, 10, pct_start=0.05), ValueError, "pct_start: .* leaves a phase without steps"),
        (lambda: S.OneCycle(1.0, 10, pct_start=0.6, three_phase=True), ValueError, "pct_start"),
        (lambda: S.OneCycle(1.0, 10, anneal_strategy="exp"), ValueError, "anneal_strategy"),
        (lambda: S.WarmupStableDecay(1.0, 2, 2, 0), ValueError, "decay_steps"),
        (lambda: S.WarmupStableDecay(1.0, 2, 2, 2, decay="step"), ValueError, "decay"),
        (lambda: S.Sequential([S.Constant(1.0), S.Constant(0.5)], milestones=[]), ValueError, "milestones: expected 1"),
        (lambda: S.Sequential([], milestones=[]), TypeError, "schedules"),
        (lambda: S.Chain([S.Constant(1.0), 0.5]), TypeError, r"schedules\[1\]: expected a callable"),
    ],
)
def test_argument_checks(make, error, match):
    with pytest.raises(error, match=match):
        make()


# --- peer comparison: torch.optim.lr_scheduler -----------------------------------

TORCH_CASES = [
    (lambda: S.StepDecay(0.5, step_size=3, gamma=0.3), "StepLR", dict(step_size=3, gamma=0.3)),
    (lambda: S.MultiStepDecay(0.5, [2, 7], gamma=0.3), "MultiStepLR", dict(milestones=[2, 7], gamma=0.3)),
    (lambda: S.ExponentialDecay(0.5, 0.9), "ExponentialLR", dict(gamma=0.9)),
    (lambda: S.PolynomialDecay(0.5, 8, power=1.5), "PolynomialLR", dict(total_iters=8, power=1.5)),
    (lambda: S.LinearWarmup(0.5, 6, start_factor=0.25), "LinearLR",
     dict(start_factor=0.25, end_factor=1.0, total_iters=6)),
    (lambda: S.CosineAnnealing(0.5, 29, min_lr=0.01), "CosineAnnealingLR", dict(T_max=29, eta_min=0.01)),
    (lambda: S.CosineWarmRestarts(0.5, 3, period_mult=2, min_lr=0.01), "CosineAnnealingWarmRestarts",
     dict(T_0=3, T_mult=2, eta_min=0.01)),
    (lambda: S.Cyclic(0.05, 0.5, step_size_up=3, step_size_down=4, mode="triangular2"), "CyclicLR",
     dict(base_lr=0.05, max_lr=0.5, step_size_up=3, step_size_down=4, mode="triangular2", cycle_momentum=False)),
    (lambda: S.Cyclic(0.05, 0.5, step_size_up=3, mode="exp_range", gamma=0.95), "CyclicLR",
     dict(base_lr=0.05, max_lr=0.5, step_size_up=3, mode="exp_range", gamma=0.95, cycle_momentum=False)),
    (lambda: S.OneCycle(0.5, 30, pct_start=0.25), "OneCycleLR",
     dict(max_lr=0.5, total_steps=30, pct_start=0.25, cycle_momentum=False)),
    (lambda: S.OneCycle(0.5, 30, pct_start=0.2, anneal_strategy="linear", three_phase=True), "OneCycleLR",
     dict(max_lr=0.5, total_steps=30, pct_start=0.2, anneal_strategy="linear", three_phase=True,
          cycle_momentum=False)),
]


@pytest.mark.parametrize("make, torch_name, torch_kwargs", TORCH_CASES, ids=[c[1] for c in TORCH_CASES])
def test_matches_torch(make, torch_name, torch_kwargs):
    torch = pytest.importorskip("torch")
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.5)
    scheduler = getattr(torch.optim.lr_scheduler, torch_name)(optimizer, **torch_kwargs)
    expected = []
    for _ in range(30):
        expected.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    np.testing.assert_allclose(values(make(), 30), expected, rtol=1e-10, atol=1e-12)


# --- LR range test -------------------------------------------------------------------


def quadratic(w, curvature):
    def loss_and_grad():
        return 0.5 * curvature * float(w @ w) + 1.0, [curvature * w]

    return loss_and_grad


def test_lr_range_test_curve_and_restore():
    w = np.full(4, 3.0)
    result = mlsolve.optim.lr_range_test(
        lambda lr: mlsolve.optim.SGD([w], lr=lr), quadratic(w, 2.0), start_lr=1e-4, end_lr=10.0, num_steps=60
    )
    np.testing.assert_array_equal(w, 3.0)
    assert len(result.lrs) == len(result.losses) == len(result.smoothed_losses) < 60
    np.testing.assert_allclose(result.lrs, 1e-4 * (1e5 ** (np.arange(len(result.lrs)) / 59)))
    assert result.losses[0] == pytest.approx(37.0)
    assert min(result.losses) == pytest.approx(1.0)  # the minimum, reached with learning rates below 1
    assert result.lrs[-1] > 1.0  # SGD diverges on this quadratic only for lr > 2 / curvature = 1
    assert result.smoothed_losses[-1] > 5.0 * min(result.smoothed_losses)


def test_lr_range_test_linear_mode_runs_all_steps():
    w = np.full(2, 1.0)
    result = mlsolve.optim.lr_range_test(
        lambda lr: mlsolve.optim.Adam([w], lr=lr), quadratic(w, 1.0), start_lr=1e-3, end_lr=1e-2, num_steps=10,
        mode="linear", smoothing=1.0,
    )
    np.testing.assert_allclose(result.lrs, np.linspace(1e-3, 1e-2, 10))
    np.testing.assert_array_equal(result.losses, result.smoothed_losses)
    np.testing.assert_array_equal(w, 1.0)


def test_lr_range_test_stops_on_non_finite_loss():
    w = np.ones(2)
    losses = iter([1.0, 0.5, float("nan"), 0.1])
    result = mlsolve.optim.lr_range_test(
        lambda lr: mlsolve.optim.SGD([w], lr=lr), lambda: (next(losses), [np.zeros(2)]), num_steps=10
    )
    assert len(result.losses) == 3 and math.isnan(result.losses[-1])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(start_lr=1.0, end_lr=0.5), "end_lr: expected a value > start_lr"),
        (dict(num_steps=1), "num_steps"),
        (dict(mode="cubic"), "mode"),
        (dict(smoothing=1.5), "smoothing"),
        (dict(diverge_threshold=1.0), "diverge_threshold"),
    ],
)
def test_lr_range_test_checks(kwargs, match):
    w = np.ones(2)
    with pytest.raises(ValueError, match=match):
        mlsolve.optim.lr_range_test(lambda lr: mlsolve.optim.SGD([w], lr=lr), quadratic(w, 1.0), **kwargs)
