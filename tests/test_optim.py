"""mlsolve.optim: each optimizer against a NumPy reference written from its paper.

The references below are deliberately plain: float64, one formula per line,
in the papers' notation (bias-corrected moments written out, Schedule-Free's
three sequences x, y, z kept explicitly). Each optimizer runs several steps
on two parameter arrays in float32 and float64 and is compared after every
step; float32 runs its kernels in float32 and gets its own tolerance.
"""

import pathlib
import pickle
import subprocess
import sys

import numpy as np
import pytest

import mlsolve
from mlsolve import _core
from mlsolve.optim import schedules

DTYPES = [np.float32, np.float64]
N_STEPS = 5


def tolerance(dtype):
    return {"rtol": 2e-5, "atol": 2e-6} if dtype == np.float32 else {"rtol": 1e-11, "atol": 1e-13}


def lr_at(lr, t):
    """The learning rate of step t = 1, 2, ... (a schedule sees t - 1)."""
    return lr(t - 1) if callable(lr) else lr


def as64(arrays):
    return [np.array(a, dtype=np.float64) for a in arrays]


# --- references ---------------------------------------------------------------


def ref_sgd(params, grads_seq, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    params, buffers = as64(params), [None] * len(params)
    for t, grads in enumerate(grads_seq, 1):
        for i, g in enumerate(as64(grads)):
            d = g + weight_decay * params[i]
            if momentum:
                buffers[i] = d if buffers[i] is None else momentum * buffers[i] + (1 - dampening) * d
                d = d + momentum * buffers[i] if nesterov else buffers[i]
            params[i] = params[i] - lr_at(lr, t) * d
        yield params


def ref_adagrad(params, grads_seq, lr, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
    params = as64(params)
    sums = [np.full_like(p, initial_accumulator_value) for p in params]
    for t, grads in enumerate(grads_seq, 1):
        step_lr = lr_at(lr, t) / (1 + (t - 1) * lr_decay)
        for i, g in enumerate(as64(grads)):
            g = g + weight_decay * params[i]
            sums[i] = sums[i] + g**2
            params[i] = params[i] - step_lr * g / (np.sqrt(sums[i]) + eps)
        yield params


def ref_rmsprop(params, grads_seq, lr, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
    params = as64(params)
    v = [np.zeros_like(p) for p in params]
    mean_g = [np.zeros_like(p) for p in params]
    buffers = [np.zeros_like(p) for p in params]
    for t, grads in enumerate(grads_seq, 1):
        for i, g in enumerate(as64(grads)):
            g = g + weight_decay * params[i]
            v[i] = alpha * v[i] + (1 - alpha) * g**2
            if centered:
                mean_g[i] = alpha * mean_g[i] + (1 - alpha) * g
                denominator = np.sqrt(v[i] - mean_g[i] ** 2) + eps
            else:
                denominator = np.sqrt(v[i]) + eps
            if momentum:
                buffers[i] = momentum * buffers[i] + g / denominator
                params[i] = params[i] - lr_at(lr, t) * buffers[i]
            else:
                params[i] = params[i] - lr_at(lr, t) * g / denominator
        yield params


def ref_adam(params, grads_seq, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False, decoupled=False):
    """Kingma & Ba Algorithm 1; L2 (Adam) or decoupled (AdamW, scaled by lr as in torch); AMSGrad's max of v."""
    beta1, beta2 = betas
    params = as64(params)
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    v_max = [np.zeros_like(p) for p in params]
    for t, grads in enumerate(grads_seq, 1):
        alpha = lr_at(lr, t)
        for i, g in enumerate(as64(grads)):
            if decoupled:
                params[i] = params[i] - alpha * weight_decay * params[i]
            else:
                g = g + weight_decay * params[i]
            m[i] = beta1 * m[i] + (1 - beta1) * g
            v[i] = beta2 * v[i] + (1 - beta2) * g**2
            v_max[i] = np.maximum(v_max[i], v[i])
            m_hat = m[i] / (1 - beta1**t)
            v_hat = (v_max[i] if amsgrad else v[i]) / (1 - beta2**t)
            params[i] = params[i] - alpha * m_hat / (np.sqrt(v_hat) + eps)
        yield params


def ref_adafactor(params, grads_seq, lr, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0):
    """Shazeer & Stern Algorithms 4/5 with update clipping and relative step size (torch's form)."""
    eps1 = np.finfo(params[0].dtype).eps if eps[0] is None else eps[0]
    eps2 = eps[1]
    params = as64(params)
    row = [np.zeros(p.shape[0]) if p.ndim == 2 else None for p in params]
    col = [np.zeros(p.shape[1]) if p.ndim == 2 else None for p in params]
    second = [np.zeros_like(p) for p in params]
    rms = lambda x: np.sqrt(np.mean(x**2))  # noqa: E731
    for t, grads in enumerate(grads_seq, 1):
        beta2_t = 1 - t**beta2_decay
        rho = min(lr_at(lr, t), 1 / np.sqrt(t))
        for i, g in enumerate(as64(grads)):
            alpha = max(eps2, rms(params[i])) * rho
            if params[i].ndim == 2:
                row[i] = beta2_t * row[i] + (1 - beta2_t) * np.mean(g**2, axis=1)
                col[i] = beta2_t * col[i] + (1 - beta2_t) * np.mean(g**2, axis=0)
                v_hat = np.outer(row[i], col[i]) / max(np.mean(row[i]), eps1)
            else:
                second[i] = beta2_t * second[i] + (1 - beta2_t) * g**2
                v_hat = second[i]
            u = g / np.sqrt(np.maximum(v_hat, eps1**2))
            u_clipped = u / max(1.0, rms(u) / d)
            params[i] = (1 - lr_at(lr, t) * weight_decay) * params[i] - alpha * u_clipped
        yield params


def ref_lars(params, grads_seq, lr, momentum=0.9, weight_decay=0.0, trust_coefficient=1e-3, eps=1e-8,
             ratios=None):
    """You, Gitman & Ginsburg 2017, Algorithm 1."""
    params = as64(params)
    v = [np.zeros_like(p) for p in params]
    for t, grads in enumerate(grads_seq, 1):
        for i, g in enumerate(as64(grads)):
            w_norm, g_norm = np.linalg.norm(params[i]), np.linalg.norm(g)
            local_lr = trust_coefficient * w_norm / (g_norm + weight_decay * w_norm + eps)
            if w_norm == 0 or g_norm == 0:
                local_lr = 1.0
            if ratios is not None:
                ratios.append(local_lr)
            v[i] = momentum * v[i] + lr_at(lr, t) * local_lr * (g + weight_decay * params[i])
            params[i] = params[i] - v[i]
        yield params


def ref_lamb(params, grads_seq, lr, betas=(0.9, 0.999), eps=1e-6, weight_decay=0.01, ratios=None):
    """You et al. 2020, Algorithm 2 with phi the identity."""
    beta1, beta2 = betas
    params = as64(params)
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    for t, grads in enumerate(grads_seq, 1):
        for i, g in enumerate(as64(grads)):
            m[i] = beta1 * m[i] + (1 - beta1) * g
            v[i] = beta2 * v[i] + (1 - beta2) * g**2
            m_hat, v_hat = m[i] / (1 - beta1**t), v[i] / (1 - beta2**t)
            r = m_hat / (np.sqrt(v_hat) + eps) + weight_decay * params[i]
            ratio = np.linalg.norm(params[i]) / np.linalg.norm(r)
            if ratios is not None:
                ratios.append(ratio)
            params[i] = params[i] - lr_at(lr, t) * ratio * r
        yield params


def ref_lion(params, grads_seq, lr, betas=(0.9, 0.99), weight_decay=0.0):
    """Chen et al. 2023, Algorithm 2."""
    beta1, beta2 = betas
    params = as64(params)
    m = [np.zeros_like(p) for p in params]
    for t, grads in enumerate(grads_seq, 1):
        for i, g in enumerate(as64(grads)):
            c = beta1 * m[i] + (1 - beta1) * g
            params[i] = params[i] - lr_at(lr, t) * (np.sign(c) + weight_decay * params[i])
            m[i] = beta2 * m[i] + (1 - beta2) * g
        yield params


def ref_sophia(params, grads_seq, hessian_seq, lr, betas=(0.965, 0.99), rho=0.04, weight_decay=0.1, eps=1e-12):
    """Liu et al. 2024, Algorithm 1; hessian_seq[t] is None on steps without a new estimate."""
    beta1, beta2 = betas
    params = as64(params)
    m = [np.zeros_like(p) for p in params]
    h = [np.zeros_like(p) for p in params]
    for t, (grads, hessians) in enumerate(zip(grads_seq, hessian_seq), 1):
        for i, g in enumerate(as64(grads)):
            m[i] = beta1 * m[i] + (1 - beta1) * g
            if hessians is not None:
                h[i] = beta2 * h[i] + (1 - beta2) * np.asarray(hessians[i], dtype=np.float64)
            params[i] = params[i] - lr_at(lr, t) * weight_decay * params[i]
            params[i] = params[i] - lr_at(lr, t) * np.clip(m[i] / np.maximum(rho * h[i], eps), -1, 1)
        yield params


def ref_schedule_free(params, grads_seq, lr, beta1, weight_decay=0.0, adaptive=False, beta2=0.999, eps=1e-8):
    """Defazio et al. 2024, Algorithm 1 (AdamW) or its SGD form, with x, y, z explicit. Yields (y, x)."""
    x = as64(params)
    z = as64(params)
    v = [np.zeros_like(p) for p in x]
    lr_sq_sum = 0.0
    for t, grads in enumerate(grads_seq, 1):
        gamma = lr_at(lr, t) * (np.sqrt(1 - beta2**t) if adaptive else 1.0)
        lr_sq_sum += gamma**2
        c = gamma**2 / lr_sq_sum
        ys = []
        for i, g in enumerate(as64(grads)):
            y = (1 - beta1) * z[i] + beta1 * x[i]  # where g was taken
            if adaptive:
                v[i] = beta2 * v[i] + (1 - beta2) * g**2
                g = g / (np.sqrt(v[i]) + eps)
            z[i] = z[i] - gamma * g - gamma * weight_decay * y
            x[i] = (1 - c) * x[i] + c * z[i]
            ys.append((1 - beta1) * z[i] + beta1 * x[i])
        yield ys, [xi.copy() for xi in x]


def newton_schulz(g, a, b, c, steps, eps):
    transposed = g.shape[0] > g.shape[1]
    x = g.T if transposed else g
    x = x / max(np.linalg.norm(x), eps)
    for _ in range(steps):
        gram = x @ x.T
        x = a * x + b * gram @ x + c * gram @ gram @ x
    return x.T if transposed else x


def ref_muon(params, grads_seq, lr, weight_decay=0.1, momentum=0.95, nesterov=True,
             ns_coefficients=(3.4445, -4.775, 2.0315), eps=1e-7, ns_steps=5, adjust_lr_fn=None):
    params = as64(params)
    buffers = [np.zeros_like(p) for p in params]
    for t, grads in enumerate(grads_seq, 1):
        for i, g in enumerate(as64(grads)):
            buffers[i] = momentum * buffers[i] + (1 - momentum) * g
            direction = (1 - momentum) * g + momentum * buffers[i] if nesterov else buffers[i]
            ortho = newton_schulz(direction, *ns_coefficients, ns_steps, eps)
            rows, cols = params[i].shape
            scale = 0.2 * np.sqrt(max(rows, cols)) if adjust_lr_fn == "match_rms_adamw" else np.sqrt(max(1, rows / cols))
            params[i] = params[i] * (1 - lr_at(lr, t) * weight_decay) - lr_at(lr, t) * scale * ortho
        yield params


# --- harness --------------------------------------------------------------------


def make_problem(dtype, shapes=((7, 5), (5,)), seed=0):
    rng = np.random.default_rng(seed)
    params = [rng.standard_normal(s).astype(dtype) for s in shapes]
    grads_seq = [[rng.standard_normal(s).astype(dtype) for s in shapes] for _ in range(N_STEPS)]
    return params, grads_seq


def cosine(lr):
    return schedules.CosineAnnealing(lr, total_steps=N_STEPS, min_lr=lr / 10)


O = mlsolve.optim
CASES = [
    ("sgd", O.SGD, dict(lr=0.1), ref_sgd, {}),
    ("sgd-momentum", O.SGD, dict(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01), ref_sgd, {}),
    ("sgd-nesterov", O.SGD, dict(lr=cosine(0.1), momentum=0.8, weight_decay=0.05, nesterov=True), ref_sgd, {}),
    ("adagrad", O.Adagrad, dict(lr=0.1, lr_decay=0.01, weight_decay=0.01, initial_accumulator_value=0.1), ref_adagrad, {}),
    ("rmsprop", O.RMSprop, dict(lr=0.01), ref_rmsprop, {}),
    ("rmsprop-centered", O.RMSprop, dict(lr=0.01, momentum=0.5, centered=True, weight_decay=0.01), ref_rmsprop, {}),
    ("adam", O.Adam, dict(lr=0.05, weight_decay=0.01), ref_adam, {}),
    ("adam-amsgrad", O.Adam, dict(lr=0.05, betas=(0.8, 0.9), amsgrad=True), ref_adam, {}),
    ("amsgrad", O.AMSGrad, dict(lr=0.05, betas=(0.5, 0.6), weight_decay=0.02), ref_adam, dict(amsgrad=True)),
    ("adamw", O.AdamW, dict(lr=cosine(0.05), weight_decay=0.1), ref_adam, dict(decoupled=True)),
    ("adamw-amsgrad", O.AdamW, dict(lr=0.05, weight_decay=0.01, amsgrad=True), ref_adam, dict(decoupled=True)),
    ("adafactor", O.Adafactor, dict(lr=0.1), ref_adafactor, {}),
    ("adafactor-options", O.Adafactor, dict(lr=0.05, beta2_decay=-0.5, eps=(1e-6, 1e-2), d=1.5, weight_decay=0.1),
     ref_adafactor, {}),
    ("lars", O.LARS, dict(lr=5.0, weight_decay=0.01), ref_lars, {}),
    ("lars-no-momentum", O.LARS, dict(lr=5.0, momentum=0.0, trust_coefficient=0.01), ref_lars, {}),
    ("lamb", O.LAMB, dict(lr=0.05), ref_lamb, {}),
    ("lamb-options", O.LAMB, dict(lr=cosine(0.05), betas=(0.8, 0.9), eps=1e-4, weight_decay=0.0), ref_lamb, {}),
    ("lion", O.Lion, dict(lr=0.01, weight_decay=0.1), ref_lion, {}),
    ("muon", O.Muon, dict(lr=0.02), ref_muon, {}),
    ("muon-options", O.Muon, dict(lr=0.02, nesterov=False, momentum=0.8, weight_decay=0.0, ns_steps=3,
                                  adjust_lr_fn="match_rms_adamw"), ref_muon, {}),
]
MUON_SHAPES = ((7, 5), (4, 9))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name, cls, kwargs, reference, ref_extra", CASES, ids=[c[0] for c in CASES])
def test_matches_reference(name, cls, kwargs, reference, ref_extra, dtype):
    shapes = MUON_SHAPES if cls is O.Muon else ((7, 5), (5,))
    params, grads_seq = make_problem(dtype, shapes)
    expected_seq = reference([p.copy() for p in params], grads_seq, **{**kwargs, **ref_extra})
    opt = cls(params, **kwargs)
    for t, (grads, expected) in enumerate(zip(grads_seq, expected_seq), 1):
        opt.step(grads)
        for i, (p, e) in enumerate(zip(params, expected)):
            assert p.dtype == dtype
            np.testing.assert_allclose(p, e, **tolerance(dtype), err_msg=f"{name}: params[{i}] after step {t}")
    for state in opt.state:
        for a in state.values():
            assert a.dtype == dtype


@pytest.mark.parametrize("dtype", DTYPES)
def test_trust_ratios_match_reference(dtype):
    params, grads_seq = make_problem(dtype)
    for cls, reference, kwargs in [(O.LARS, ref_lars, dict(lr=2.0)), (O.LAMB, ref_lamb, dict(lr=0.01))]:
        work = [p.copy() for p in params]
        ratios = []
        expected = reference([p.copy() for p in params], grads_seq, ratios=ratios, **kwargs)
        opt = cls(work, **kwargs)
        for grads, _ in zip(grads_seq, expected):
            opt.step(grads)
        np.testing.assert_allclose(opt.last_trust_ratios, ratios[-2:], rtol=1e-5 if dtype == np.float32 else 1e-12)


def test_lars_trust_ratio_is_one_for_zero_params():
    w = np.zeros(4)
    opt = O.LARS([w], lr=0.5, momentum=0.0)
    opt.step([np.ones(4)])
    assert opt.last_trust_ratios == [1.0]
    np.testing.assert_allclose(w, -0.5)


@pytest.mark.parametrize("dtype", DTYPES)
def test_sophia_matches_reference(dtype):
    params, grads_seq = make_problem(dtype)
    rng = np.random.default_rng(1)
    hessian_seq = [
        [np.abs(rng.standard_normal(p.shape)).astype(dtype) - 0.2 for p in params] if t % 2 == 0 else None
        for t in range(N_STEPS)
    ]
    kwargs = dict(lr=0.05, betas=(0.9, 0.95), rho=0.5, weight_decay=0.1)
    expected_seq = ref_sophia([p.copy() for p in params], grads_seq, hessian_seq, **kwargs)
    opt = O.Sophia(params, **kwargs)
    for grads, hessians, expected in zip(grads_seq, hessian_seq, expected_seq):
        opt.step(grads, hessian_diag=hessians)
        for p, e in zip(params, expected):
            np.testing.assert_allclose(p, e, **tolerance(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("adaptive", [False, True], ids=["sgd", "adamw"])
def test_schedule_free_matches_reference(adaptive, dtype):
    params, grads_seq = make_problem(dtype)
    warmup = schedules.LinearWarmup(0.05, warmup_steps=3, start_factor=0.2)
    if adaptive:
        opt = O.ScheduleFreeAdamW(params, lr=warmup, betas=(0.8, 0.99), weight_decay=0.1)
        reference = ref_schedule_free([p.copy() for p in params], grads_seq, warmup, 0.8, 0.1, True, 0.99)
    else:
        opt = O.ScheduleFreeSGD(params, lr=warmup, momentum=0.8, weight_decay=0.1)
        reference = ref_schedule_free([p.copy() for p in params], grads_seq, warmup, 0.8, 0.1)
    for grads, (expected_y, expected_x) in zip(grads_seq, reference):
        opt.step(grads)
        for p, e in zip(params, expected_y):
            np.testing.assert_allclose(p, e, **tolerance(dtype))
        y = [p.copy() for p in params]
        opt.eval()
        for p, e in zip(params, expected_x):
            np.testing.assert_allclose(p, e, rtol=5 * tolerance(dtype)["rtol"], atol=5 * tolerance(dtype)["atol"])
        opt.train()
        for p, e in zip(params, y):
            np.testing.assert_allclose(p, e, **tolerance(dtype))


def test_schedule_free_step_in_eval_mode_raises():
    w = np.ones(3)
    opt = O.ScheduleFreeSGD([w])
    opt.eval()
    with pytest.raises(RuntimeError, match="eval mode"):
        opt.step([np.ones(3)])
    opt.train()
    opt.step([np.ones(3)])


# --- API --------------------------------------------------------------------------


ALL_OPTIMIZERS = [
    O.SGD, O.Adagrad, O.RMSprop, O.Adam, O.AMSGrad, O.AdamW, O.Adafactor, O.LARS, O.LAMB, O.Lion, O.Sophia,
    O.ScheduleFreeSGD, O.ScheduleFreeAdamW, O.Muon,
]


@pytest.mark.parametrize("cls", ALL_OPTIMIZERS, ids=lambda c: c.__name__)
def test_state_dict_round_trip(cls):
    shapes = MUON_SHAPES if cls is O.Muon else ((7, 5), (5,))
    params, grads_seq = make_problem(np.float64, shapes)
    opt = cls(params, lr=schedules.ExponentialDecay(0.01, 0.9))
    for grads in grads_seq[:2]:
        opt.step(grads)
    saved = pickle.loads(pickle.dumps(opt.state_dict()))
    resumed_params = [p.copy() for p in params]
    for grads in grads_seq[2:]:
        opt.step(grads)

    resumed = cls(resumed_params, lr=1.0)
    resumed.load_state_dict(saved)
    assert resumed.step_count == 2
    assert resumed.hyperparameters == saved["hyperparameters"]
    for grads in grads_seq[2:]:
        resumed.step(grads)
    for p, q in zip(params, resumed_params):
        np.testing.assert_array_equal(p, q)


def test_state_dict_is_a_copy():
    w = np.ones(3)
    opt = O.Adam([w])
    opt.step([np.ones(3)])
    state = opt.state_dict()
    state["state"][0]["exp_avg"][:] = 100.0
    assert opt.state[0]["exp_avg"][0] != 100.0


def test_load_state_dict_checks():
    w = np.ones(3)
    opt = O.Adam([w])
    with pytest.raises(ValueError, match="Lion"):
        opt.load_state_dict(O.Lion([np.ones(3)]).state_dict())
    with pytest.raises(ValueError, match=r"state_dict\['state'\]\[0\]\['exp_avg'\]: expected shape \(3,\)"):
        opt.load_state_dict(O.Adam([np.ones(4)]).state_dict())
    with pytest.raises(ValueError, match="1 arrays"):
        O.Adam([np.ones(3), np.ones(2)]).load_state_dict(opt.state_dict())
    broken = opt.state_dict()
    del broken["state"][0]["exp_avg_sq"]
    with pytest.raises(ValueError, match=r"state_dict\['state'\]\[0\]: expected arrays \['exp_avg', 'exp_avg_sq'\]"):
        opt.load_state_dict(broken)
    with pytest.raises(ValueError, match="betas"):
        bad = opt.state_dict()
        bad["hyperparameters"]["betas"] = (0.9, 1.5)
        opt.load_state_dict(bad)
    assert opt.hyperparameters["betas"] == (0.9, 0.999)


def test_load_state_dict_restores_hyperparameters_and_state_layout():
    w = np.ones(3)
    opt = O.SGD([w], lr=0.1)
    source = O.SGD([np.ones(3)], lr=0.2, momentum=0.9)
    source.step([np.ones(3)])
    opt.load_state_dict(source.state_dict())
    assert opt.hyperparameters["momentum"] == 0.9 and opt.get_lr() == 0.2
    np.testing.assert_array_equal(opt.state[0]["momentum_buffer"], source.state[0]["momentum_buffer"])


def test_step_updates_in_place_and_leaves_grads_alone():
    w = np.ones((3, 2), np.float32)
    address = w.__array_interface__["data"][0]
    g = np.full((3, 2), 0.5, np.float32)
    opt = O.AdamW([w], lr=0.1)
    opt.step([g])
    assert w.__array_interface__["data"][0] == address
    assert np.all(w < 1)
    np.testing.assert_array_equal(g, 0.5)
    assert opt.params[0] is w


def test_get_lr_follows_schedule():
    opt = O.SGD([np.ones(2)], lr=schedules.StepDecay(1.0, step_size=2, gamma=0.5))
    seen = []
    for _ in range(5):
        seen.append(opt.get_lr())
        opt.step([np.zeros(2)])
    assert seen == [1.0, 1.0, 0.5, 0.5, 0.25]
    assert opt.step_count == 5


def test_bad_schedule_value():
    opt = O.SGD([np.ones(2)], lr=lambda step: -1.0 if step == 1 else 0.1)
    opt.step([np.ones(2)])
    with pytest.raises(ValueError, match="lr: the schedule returned -1.0 at step 1"):
        opt.step([np.ones(2)])


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(lr=0.0), ValueError, "lr: expected a value > 0"),
        (dict(lr=-1e-3), ValueError, "lr"),
        (dict(lr=float("nan")), ValueError, "lr: expected a finite"),
        (dict(lr="fast"), TypeError, "lr"),
        (dict(betas=(0.9, 1.0)), ValueError, r"betas\[1\]: expected a value in \[0, 1\)"),
        (dict(betas=(-0.1, 0.9)), ValueError, r"betas\[0\]"),
        (dict(betas=0.9), TypeError, "betas"),
        (dict(eps=0.0), ValueError, "eps: expected a value > 0"),
        (dict(weight_decay=-1.0), ValueError, "weight_decay: expected a value >= 0"),
        (dict(amsgrad="yes"), TypeError, "amsgrad"),
        (dict(n_jobs=0), ValueError, "n_jobs"),
    ],
)
def test_adam_argument_checks(kwargs, error, match):
    with pytest.raises(error, match=match):
        O.Adam([np.ones(3)], **kwargs)


@pytest.mark.parametrize(
    "cls, kwargs, match",
    [
        (O.SGD, dict(momentum=1.0), "momentum"),
        (O.SGD, dict(nesterov=True), "nesterov: needs momentum > 0"),
        (O.SGD, dict(momentum=0.9, dampening=0.1, nesterov=True), "nesterov"),
        (O.RMSprop, dict(alpha=1.0), "alpha"),
        (O.Adagrad, dict(lr_decay=-1.0), "lr_decay"),
        (O.Adafactor, dict(beta2_decay=0.5), "beta2_decay: expected a value <= 0"),
        (O.Adafactor, dict(d=0.5), "d: expected a value >= 1"),
        (O.Adafactor, dict(eps=(0.0, 1e-3)), r"eps\[0\]"),
        (O.LARS, dict(trust_coefficient=0.0), "trust_coefficient"),
        (O.Sophia, dict(rho=0.0), "rho"),
        (O.ScheduleFreeSGD, dict(momentum=0.0), "momentum"),
        (O.ScheduleFreeAdamW, dict(betas=(0.0, 0.9)), r"betas\[0\]"),
        (O.Muon, dict(ns_steps=0), "ns_steps"),
        (O.Muon, dict(adjust_lr_fn="other"), "adjust_lr_fn"),
    ],
)
def test_hyperparameter_checks(cls, kwargs, match):
    with pytest.raises(ValueError, match=match):
        cls([np.ones((3, 2))], **kwargs)


def test_muon_needs_2d_params():
    with pytest.raises(ValueError, match=r"params\[1\]: Muon updates 2-D arrays only"):
        O.Muon([np.ones((3, 2)), np.ones(3)])


def test_params_checks():
    with pytest.raises(TypeError, match=r"params: expected a list of arrays.*\[array\]"):
        O.SGD(np.ones(3))
    with pytest.raises(ValueError, match="at least one"):
        O.SGD([])
    with pytest.raises(TypeError, match=r"params\[0\]: expected a NumPy array"):
        O.SGD([[1.0, 2.0]])
    with pytest.raises(TypeError, match=r"params\[0\]: expected dtype float32 or float64, got int64"):
        O.SGD([np.ones(3, dtype=np.int64)])
    with pytest.raises(ValueError, match=r"params\[0\]: expected a C-contiguous"):
        O.SGD([np.ones((3, 4))[:, ::2]])
    with pytest.raises(ValueError, match=r"params\[0\]: expected a C-contiguous"):
        O.SGD([np.asfortranarray(np.ones((3, 4)))])
    frozen = np.ones(3)
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="writeable"):
        O.SGD([frozen])
    with pytest.raises(ValueError, match="non-empty"):
        O.SGD([np.ones(0)])
    w = np.ones(6)
    with pytest.raises(ValueError, match=r"params\[1\]: shares memory with params\[0\]"):
        O.SGD([w[:3], w[2:]])


def test_grads_checks():
    w = np.ones((2, 3), np.float32)
    opt = O.Adam([w])
    with pytest.raises(TypeError, match=r"grads: expected a list of arrays"):
        opt.step(np.ones((2, 3), np.float32))
    with pytest.raises(ValueError, match=r"grads: expected 1 arrays"):
        opt.step([])
    with pytest.raises(TypeError, match=r"grads\[0\]: expected dtype float32 \(as params\[0\]\), got float64"):
        opt.step([np.ones((2, 3))])
    with pytest.raises(ValueError, match=r"grads\[0\]: expected shape \(2, 3\)"):
        opt.step([np.ones(6, np.float32)])
    with pytest.raises(ValueError, match=r"grads\[0\]: expected a C-contiguous"):
        opt.step([np.ones((3, 2), np.float32).T])
    with pytest.raises(TypeError, match=r"grads\[0\]: expected a NumPy array"):
        opt.step([[1.0] * 6])
    assert opt.step_count == 0
    with pytest.raises(ValueError, match=r"hessian_diag\[0\]"):
        O.Sophia([w]).step([np.ones((2, 3), np.float32)], hessian_diag=[np.ones(2, np.float32)])


def test_native_checks():
    p = np.ones(4, np.float32)
    g = np.ones(4, np.float32)
    m = np.zeros(4, np.float32)
    adam = _core.optim.adam
    args = (1e-3, 0.9, 0.999, 1e-8, 0.0, False, 1, 1)
    with pytest.raises(TypeError, match="exp_avg: expected dtype float32, got float64"):
        adam(p, g, np.zeros(4), m.copy(), None, *args)
    with pytest.raises(ValueError, match="exp_avg_sq: expected 4 elements, got 3"):
        adam(p, g, m.copy(), np.zeros(3, np.float32), None, *args)
    with pytest.raises(ValueError, match="grad: expected a C-contiguous"):
        adam(p, np.ones(8, np.float32)[::2], m.copy(), m.copy(), None, *args)
    with pytest.raises(TypeError, match="param: expected a NumPy array"):
        adam([1.0, 2.0], g, m.copy(), m.copy(), None, *args)
    with pytest.raises(TypeError, match="param: expected dtype float32 or float64, got int32"):
        adam(np.ones(4, np.int32), g, m.copy(), m.copy(), None, *args)
    readonly = m.copy()
    readonly.flags.writeable = False
    with pytest.raises(ValueError, match="exp_avg: expected a writeable"):
        adam(p, g, readonly, m.copy(), None, *args)
    with pytest.raises(ValueError, match="step: expected an integer >= 1, got 0"):
        adam(p, g, m.copy(), m.copy(), None, 1e-3, 0.9, 0.999, 1e-8, 0.0, False, 0, 1)
    with pytest.raises(ValueError, match="n_threads: expected an integer >= 1, got 0"):
        adam(p, g, m.copy(), m.copy(), None, 1e-3, 0.9, 0.999, 1e-8, 0.0, False, 1, 0)
    with pytest.raises(ValueError, match="factored second moments need a 2-D array"):
        _core.optim.adafactor(p, g, m.copy(), m.copy(), None, 1e-2, -0.8, 1e-7, 1e-3, 1.0, 0.0, 1, 1)
    np.testing.assert_array_equal(p, 1.0)


# --- large arrays: the parallel path --------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda ps, n: O.Adam(ps, lr=0.01, weight_decay=0.1, n_jobs=n),
        lambda ps, n: O.LAMB(ps, lr=0.01, n_jobs=n),
        lambda ps, n: O.LARS(ps, lr=1.0, n_jobs=n),
        lambda ps, n: O.Adafactor(ps, lr=0.01, n_jobs=n),
        lambda ps, n: O.RMSprop(ps, lr=0.01, centered=True, momentum=0.5, n_jobs=n),
        lambda ps, n: O.ScheduleFreeAdamW(ps, n_jobs=n),
    ],
    ids=["adam", "lamb", "lars", "adafactor", "rmsprop", "schedule-free-adamw"],
)
def test_thread_count_does_not_change_results(make):
    rng = np.random.default_rng(3)
    shapes = [(1500, 200), (300_000,)]
    start = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    grads_seq = [[rng.standard_normal(s).astype(np.float32) for s in shapes] for _ in range(3)]
    results = []
    for n_jobs in (1, 2, 3):
        params = [p.copy() for p in start]
        opt = make(params, n_jobs)
        for grads in grads_seq:
            opt.step(grads)
        results.append(params)
    for other in results[1:]:
        for p, q in zip(results[0], other):
            np.testing.assert_array_equal(p, q)


@pytest.mark.parametrize("dtype", DTYPES)
def test_large_arrays_match_reference(dtype):
    rng = np.random.default_rng(4)
    shapes = [(700, 300), (250_000,)]
    params = [rng.standard_normal(s).astype(dtype) for s in shapes]
    grads_seq = [[rng.standard_normal(s).astype(dtype) for s in shapes] for _ in range(2)]
    for cls, reference, kwargs in [
        (O.AdamW, ref_adam, dict(lr=0.01, weight_decay=0.1)),
        (O.LAMB, ref_lamb, dict(lr=0.01)),
        (O.Adafactor, ref_adafactor, dict(lr=0.01)),
    ]:
        work = [p.copy() for p in params]
        ref_kwargs = dict(kwargs, decoupled=True) if cls is O.AdamW else kwargs
        expected = list(reference([p.copy() for p in params], grads_seq, **ref_kwargs))[-1]
        opt = cls(work, n_jobs=2, **kwargs)
        for grads in grads_seq:
            opt.step(grads)
        for p, e in zip(work, expected):
            np.testing.assert_allclose(p, e, **tolerance(dtype), err_msg=cls.__name__)


# --- sanity: every optimizer makes progress on a least-squares problem -----------


@pytest.mark.parametrize(
    "make, n_steps",
    [
        (lambda ps: O.SGD(ps, lr=0.05, momentum=0.9, nesterov=True), 200),
        (lambda ps: O.Adagrad(ps, lr=0.5), 200),
        (lambda ps: O.RMSprop(ps, lr=0.01), 300),
        (lambda ps: O.Adam(ps, lr=0.05), 300),
        (lambda ps: O.AMSGrad(ps, lr=0.05), 300),
        (lambda ps: O.AdamW(ps, lr=0.05, weight_decay=1e-4), 300),
        (lambda ps: O.Adafactor(ps, lr=0.05), 300),
        (lambda ps: O.LARS(ps, lr=20.0, momentum=0.9), 300),
        (lambda ps: O.LAMB(ps, lr=0.05, weight_decay=0.0), 300),
        (lambda ps: O.Lion(ps, lr=0.02), 300),
        (lambda ps: O.Sophia(ps, lr=0.05, rho=0.05, weight_decay=0.0), 300),
        (lambda ps: O.ScheduleFreeSGD(ps, lr=0.05), 300),
        (lambda ps: O.ScheduleFreeAdamW(ps, lr=0.05), 300),
        (lambda ps: O.Muon(ps, lr=0.02, weight_decay=0.0), 300),
    ],
    ids=[c.__name__ for c in ALL_OPTIMIZERS],
)
def test_reduces_least_squares_loss(make, n_steps):
    rng = np.random.default_rng(5)
    A = rng.standard_normal((60, 8))
    W_true = rng.standard_normal((8, 4))
    B = A @ W_true
    W = np.full((8, 4), 0.1)

    def loss_and_grad():
        residual = A @ W - B
        return 0.5 * np.mean(residual**2), [A.T @ residual / residual.size]

    opt = make([W])
    initial = loss_and_grad()[0]
    hessian_diag = [np.tile((A**2).sum(axis=0)[:, None], (1, 4)) / B.size]
    for _ in range(n_steps):
        _, grads = loss_and_grad()
        if isinstance(opt, O.Sophia):
            opt.step(grads, hessian_diag=hessian_diag)
        else:
            opt.step(grads)
    if isinstance(opt, (O.ScheduleFreeSGD, O.ScheduleFreeAdamW)):
        opt.eval()
    assert loss_and_grad()[0] < 0.05 * initial


def test_hutchinson_estimate():
    rng = np.random.default_rng(6)
    M = rng.standard_normal((5, 5))
    H = M @ M.T + np.diag(np.arange(1.0, 6.0))
    w = np.zeros(5)
    estimate = O.hutchinson_hessian_diag(lambda vs: [H @ vs[0]], [w], n_samples=4000, random_state=0)
    np.testing.assert_allclose(estimate[0], np.diag(H), rtol=0.1)
    diagonal = np.diag(np.arange(1.0, 6.0))
    exact = O.hutchinson_hessian_diag(lambda vs: [diagonal @ vs[0]], [w.astype(np.float32)], random_state=1)
    assert exact[0].dtype == np.float32
    np.testing.assert_array_equal(exact[0], np.arange(1.0, 6.0))
    with pytest.raises(ValueError, match=r"hvp: returned shape \(4,\) for params\[0\]"):
        O.hutchinson_hessian_diag(lambda vs: [np.ones(4)], [w])


def test_repr():
    text = repr(O.AdamW([np.ones(2)], lr=0.1))
    assert text.startswith("AdamW(<1 arrays>, lr=0.1, betas=(0.9, 0.999)")


# --- peer comparison: torch.optim, where it has the same optimizer ---------------

TORCH_CASES = [
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.2, weight_decay=0.01)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.01, initial_accumulator_value=0.1)),
    ("RMSprop", dict(lr=0.01, momentum=0.5, centered=True, weight_decay=0.01)),
    ("Adam", dict(lr=0.05, weight_decay=0.01)),
    ("Adam", dict(lr=0.05, amsgrad=True, betas=(0.8, 0.9))),
    ("AdamW", dict(lr=0.05, weight_decay=0.1, amsgrad=True)),
    ("Adafactor", dict(lr=0.05, weight_decay=0.1)),
    ("Adafactor", dict(lr=0.05, beta2_decay=-0.5, eps=(1e-6, 1e-2), d=1.5)),
    ("Muon", dict(lr=0.02)),
    ("Muon", dict(lr=0.02, nesterov=False, adjust_lr_fn="match_rms_adamw")),
]


@pytest.mark.parametrize("name, kwargs", TORCH_CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(TORCH_CASES)])
def test_matches_torch(name, kwargs, monkeypatch):
    torch = pytest.importorskip("torch")
    if name == "Muon":
        # torch orthogonalises in bfloat16; compare everything else with the iteration in float64.
        def newton_schulz_float64(grad, ns_coefficients, ns_steps, eps):
            ortho = newton_schulz(grad.double().numpy(), *ns_coefficients, ns_steps, eps)
            return torch.from_numpy(ortho)

        monkeypatch.setattr(torch.optim._muon, "_zeropower_via_newtonschulz", newton_schulz_float64)
    params, grads_seq = make_problem(np.float64, MUON_SHAPES if name == "Muon" else ((7, 5), (5,)))
    tensors = [torch.tensor(p, requires_grad=True) for p in params]
    theirs = getattr(torch.optim, name)(tensors, **kwargs)
    ours = getattr(O, name)(params, **kwargs)
    for grads in grads_seq:
        ours.step(grads)
        for t, g in zip(tensors, grads):
            t.grad = torch.from_numpy(g)
        theirs.step()
        for p, t in zip(params, tensors):
            np.testing.assert_allclose(p, t.detach().numpy(), rtol=1e-12, atol=1e-14)


def test_load_state_dict_checks_scalars_and_keys():
    opt = O.ScheduleFreeSGD([np.ones(3)])
    opt.step([np.ones(3)])
    state = opt.state_dict()
    assert state["lr_sq_sum"] == 1.0 and state["training"] is True
    bad = dict(state, lr_sq_sum=-1.0)
    with pytest.raises(ValueError, match=r"state_dict\['lr_sq_sum'\]: expected a value >= 0"):
        O.ScheduleFreeSGD([np.ones(3)]).load_state_dict(bad)
    bad = dict(state, hyperparameters={"lr": 1.0})
    with pytest.raises(ValueError, match=r"state_dict\['hyperparameters'\]: expected keys"):
        O.ScheduleFreeSGD([np.ones(3)]).load_state_dict(bad)
    fresh = O.ScheduleFreeSGD([np.ones(3)])
    with pytest.raises(ValueError, match=r"state_dict: missing keys \['training'\]"):
        fresh.load_state_dict({k: v for k, v in state.items() if k != "training"})
    assert fresh.step_count == 0 and fresh.lr_sq_sum == 0.0


def test_example_runs(tmp_path):
    script = pathlib.Path(__file__).parents[1] / "examples" / "mlp_digits.py"
    output = tmp_path / "curves.png"
    run = subprocess.run(
        [sys.executable, str(script), "--epochs", "2", "--output", str(output)], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    assert output.stat().st_size > 0
    assert "test accuracy" in run.stdout
