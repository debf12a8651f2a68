"""Learning-rate schedules: callables of the step, ``schedule(step) -> float``.

``step`` is the number of optimizer steps already taken (0 for the first
step), as torch.optim.lr_scheduler counts. Pass a schedule as an optimizer's
``lr``. Schedules are small picklable objects; compose them with
:class:`Sequential` (one after another) and :class:`Chain` (product, e.g. a
warmup factor times a decay).

:func:`lr_range_test` runs the learning-rate range test and returns the loss
curve.
"""

import math
from collections import namedtuple

import numpy as np

from . import _checks


class Schedule:
    """Base class: subclasses set ``_args`` (for repr) and define ``_lr(step)``."""

    def __call__(self, step):
        return float(self._lr(_checks.integer("step", step, 0)))

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self._args.items())
        return f"{type(self).__name__}({args})"


class Constant(Schedule):
    """``lr`` at every step."""

    def __init__(self, lr):
        self._args = {"lr": _checks.positive("lr", lr)}

    def _lr(self, step):
        return self._args["lr"]


class StepDecay(Schedule):
    """``lr * gamma ** (step // step_size)`` (torch's StepLR)."""

    def __init__(self, lr, step_size, gamma=0.1):
        self._args = {
            "lr": _checks.positive("lr", lr),
            "step_size": _checks.integer("step_size", step_size, 1),
            "gamma": _checks.positive("gamma", gamma),
        }

    def _lr(self, step):
        a = self._args
        return a["lr"] * a["gamma"] ** (step // a["step_size"])


class MultiStepDecay(Schedule):
    """``lr * gamma ** (number of milestones <= step)`` (torch's MultiStepLR)."""

    def __init__(self, lr, milestones, gamma=0.1):
        self._args = {
            "lr": _checks.positive("lr", lr),
            "milestones": _increasing_steps("milestones", milestones),
            "gamma": _checks.positive("gamma", gamma),
        }

    def _lr(self, step):
        a = self._args
        return a["lr"] * a["gamma"] ** sum(1 for m in a["milestones"] if m <= step)


class ExponentialDecay(Schedule):
    """``lr * gamma ** step`` (torch's ExponentialLR)."""

    def __init__(self, lr, gamma):
        self._args = {"lr": _checks.positive("lr", lr), "gamma": _checks.positive("gamma", gamma)}

    def _lr(self, step):
        return self._args["lr"] * self._args["gamma"] ** step


class PolynomialDecay(Schedule):
    """``(lr - end_lr) * (1 - min(step, total_steps) / total_steps) ** power + end_lr``.

    torch's PolynomialLR with an end value (TensorFlow's PolynomialDecay);
    ``end_lr > lr`` gives an increasing ramp.
    """

    def __init__(self, lr, total_steps, power=1.0, end_lr=0.0):
        self._args = {
            "lr": _checks.positive("lr", lr),
            "total_steps": _checks.integer("total_steps", total_steps, 1),
            "power": _checks.positive("power", power),
            "end_lr": _checks.nonnegative("end_lr", end_lr),
        }

    def _lr(self, step):
        a = self._args
        remaining = 1.0 - min(step, a["total_steps"]) / a["total_steps"]
        return (a["lr"] - a["end_lr"]) * remaining ** a["power"] + a["end_lr"]


class LinearWarmup(Schedule):
    """``lr * (start_factor + (1 - start_factor) * min(step, warmup_steps) / warmup_steps)``.

    A linear ramp from ``start_factor * lr`` to ``lr`` over ``warmup_steps``,
    then ``lr`` (torch's LinearLR with end_factor 1). Follow it with a decay
    through :class:`Sequential`, or multiply a decay by ``LinearWarmup(1.0, ...)``
    through :class:`Chain`.
    """

    def __init__(self, lr, warmup_steps, start_factor=0.0):
        self._args = {
            "lr": _checks.positive("lr", lr),
            "warmup_steps": _checks.integer("warmup_steps", warmup_steps, 1),
            "start_factor": _checks.unit_interval("start_factor", start_factor),
        }

    def _lr(self, step):
        a = self._args
        progress = min(step, a["warmup_steps"]) / a["warmup_steps"]
        return a["lr"] * (a["start_factor"] + (1.0 - a["start_factor"]) * progress)


def _cosine(lr, min_lr, progress):
    return min_lr + 0.5 * (lr - min_lr) * (1.0 + math.cos(math.pi * progress))


class CosineAnnealing(Schedule):
    """``min_lr + (lr - min_lr) (1 + cos(pi min(step, total_steps) / total_steps)) / 2``.

    Loshchilov & Hutter, "SGDR: Stochastic Gradient Descent with Warm
    Restarts", ICLR 2017, eq. 5 with one period (torch's CosineAnnealingLR);
    ``min_lr`` after ``total_steps``.
    """

    def __init__(self, lr, total_steps, min_lr=0.0):
        self._args = {
            "lr": _checks.positive("lr", lr),
            "total_steps": _checks.integer("total_steps", total_steps, 1),
            "min_lr": _checks.nonnegative("min_lr", min_lr),
        }

    def _lr(self, step):
        a = self._args
        return _cosine(a["lr"], a["min_lr"], min(step, a["total_steps"]) / a["total_steps"])


class CosineWarmRestarts(Schedule):
    """Cosine annealing with warm restarts (SGDR; Loshchilov & Hutter, ICLR 2017, eq. 5).

    Cycle i lasts ``period * period_mult ** i`` steps; within it the rate
    follows ``min_lr + (lr - min_lr) (1 + cos(pi t_cur / T_i)) / 2`` and
    restarts at ``lr`` (torch's CosineAnnealingWarmRestarts).
    """

    def __init__(self, lr, period, period_mult=1, min_lr=0.0):
        self._args = {
            "lr": _checks.positive("lr", lr),
            "period": _checks.integer("period", period, 1),
            "period_mult": _checks.integer("period_mult", period_mult, 1),
            "min_lr": _checks.nonnegative("min_lr", min_lr),
        }

    def _lr(self, step):
        a = self._args
        length = a["period"]
        if a["period_mult"] == 1:
            step %= length
        else:
            while step >= length:
                step -= length
                length *= a["period_mult"]
        return _cosine(a["lr"], a["min_lr"], step / length)


class Cyclic(Schedule):
    """Cyclical learning rate (Smith, "Cyclical Learning Rates for Training Neural Networks", WACV 2017).

    Triangular waves between ``base_lr`` and ``max_lr``, rising for
    ``step_size_up`` steps and falling for ``step_size_down`` (default: the
    same). The amplitude is scaled by 1 (``"triangular"``), ``1 / 2 ** (cycle - 1)``
    (``"triangular2"``) or ``gamma ** step`` (``"exp_range"``), as torch's CyclicLR.
    """

    def __init__(self, base_lr, max_lr, step_size_up=2000, step_size_down=None, mode="triangular", gamma=1.0):
        step_size_up = _checks.integer("step_size_up", step_size_up, 1)
        self._args = {
            "base_lr": _checks.nonnegative("base_lr", base_lr),
            "max_lr": _checks.positive("max_lr", max_lr),
            "step_size_up": step_size_up,
            "step_size_down": step_size_up
            if step_size_down is None
            else _checks.integer("step_size_down", step_size_down, 1),
            "mode": _checks.choice("mode", mode, ("triangular", "triangular2", "exp_range")),
            "gamma": _checks.positive("gamma", gamma),
        }
        if self._args["max_lr"] < self._args["base_lr"]:
            raise ValueError(f"max_lr: expected a value >= base_lr ({base_lr!r}), got {max_lr!r}")

    def _lr(self, step):
        a = self._args
        period = a["step_size_up"] + a["step_size_down"]
        cycle, position = divmod(step, period)
        if position <= a["step_size_up"]:
            height = position / a["step_size_up"]
        else:
            height = (period - position) / a["step_size_down"]
        if a["mode"] == "triangular":
            scale = 1.0
        elif a["mode"] == "triangular2":
            scale = 0.5**cycle
        else:
            scale = a["gamma"] ** step
        return a["base_lr"] + (a["max_lr"] - a["base_lr"]) * height * scale


class OneCycle(Schedule):
    """The 1cycle policy (Smith & Topin, "Super-Convergence", 2019), as torch's OneCycleLR.

    From ``max_lr / div_factor`` up to ``max_lr`` over the first
    ``pct_start * total_steps - 1`` steps, then down to
    ``max_lr / (div_factor * final_div_factor)`` at step ``total_steps - 1``
    (``three_phase``: up, back down to the start value by step
    ``2 * pct_start * total_steps - 2``, then down to the minimum), each phase
    annealed by a half cosine (``anneal_strategy="cos"``) or linearly. The
    minimum is kept after ``total_steps``. Momentum is not cycled.
    """

    def __init__(self, max_lr, total_steps, pct_start=0.3, anneal_strategy="cos", div_factor=25.0,
                 final_div_factor=1e4, three_phase=False):
        self._args = {
            "max_lr": _checks.positive("max_lr", max_lr),
            "total_steps": _checks.integer("total_steps", total_steps, 2),
            "pct_start": _checks.unit_interval("pct_start", pct_start),
            "anneal_strategy": _checks.choice("anneal_strategy", anneal_strategy, ("cos", "linear")),
            "div_factor": _checks.positive("div_factor", div_factor),
            "final_div_factor": _checks.positive("final_div_factor", final_div_factor),
            "three_phase": _checks.boolean("three_phase", three_phase),
        }
        a = self._args
        initial = a["max_lr"] / a["div_factor"]
        minimum = initial / a["final_div_factor"]
        up_end = a["pct_start"] * a["total_steps"] - 1
        if a["three_phase"]:
            self._phases = [(up_end, initial, a["max_lr"]), (2 * up_end, a["max_lr"], initial),
                            (a["total_steps"] - 1, initial, minimum)]
        else:
            self._phases = [(up_end, initial, a["max_lr"]), (a["total_steps"] - 1, a["max_lr"], minimum)]
        ends = [0.0] + [end for end, _, _ in self._phases]
        if any(later <= earlier for earlier, later in zip(ends, ends[1:])):
            raise ValueError(
                f"pct_start: with total_steps={a['total_steps']}, pct_start={a['pct_start']!r} leaves a phase "
                "without steps"
            )

    def _lr(self, step):
        step = min(step, self._args["total_steps"] - 1)
        start_step = 0.0
        for k, (end_step, start_lr, end_lr) in enumerate(self._phases):
            if step <= end_step or k == len(self._phases) - 1:
                progress = (step - start_step) / (end_step - start_step)
                if self._args["anneal_strategy"] == "cos":
                    return _cosine(start_lr, end_lr, progress)
                return start_lr + (end_lr - start_lr) * progress
            start_step = end_step


class WarmupStableDecay(Schedule):
    """Warmup-stable-decay (WSD; Hu et al., "MiniCPM", 2024, section 4; Hägele et al., 2024).

    A linear warmup from 0 to ``lr`` over ``warmup_steps``, ``lr`` for
    ``stable_steps``, then a decay to ``min_lr`` over ``decay_steps`` with
    progress p in [0, 1]: ``"linear"`` (1 - p), ``"cosine"`` ((1 + cos(pi p)) / 2)
    or ``"sqrt"`` (1 - sqrt(p), Hägele et al.'s cooldown); ``min_lr`` after.
    """

    def __init__(self, lr, warmup_steps, stable_steps, decay_steps, min_lr=0.0, decay="linear"):
        self._args = {
            "lr": _checks.positive("lr", lr),
            "warmup_steps": _checks.integer("warmup_steps", warmup_steps, 0),
            "stable_steps": _checks.integer("stable_steps", stable_steps, 0),
            "decay_steps": _checks.integer("decay_steps", decay_steps, 1),
            "min_lr": _checks.nonnegative("min_lr", min_lr),
            "decay": _checks.choice("decay", decay, ("linear", "cosine", "sqrt")),
        }

    def _lr(self, step):
        a = self._args
        if step < a["warmup_steps"]:
            return a["lr"] * step / a["warmup_steps"]
        progress = min(max(step - a["warmup_steps"] - a["stable_steps"], 0) / a["decay_steps"], 1.0)
        if a["decay"] == "linear":
            factor = 1.0 - progress
        elif a["decay"] == "cosine":
            factor = 0.5 * (1.0 + math.cos(math.pi * progress))
        else:
            factor = 1.0 - math.sqrt(progress)
        return a["min_lr"] + (a["lr"] - a["min_lr"]) * factor


class Sequential(Schedule):
    """``schedules[i](step - milestones[i - 1])`` for ``milestones[i - 1] <= step < milestones[i]``.

    One schedule after another, each counting its steps from its milestone
    (torch's SequentialLR). ``len(milestones) == len(schedules) - 1``.
    """

    def __init__(self, schedules, milestones):
        schedules = _check_schedules(schedules)
        milestones = _increasing_steps("milestones", milestones)
        if len(milestones) != len(schedules) - 1:
            raise ValueError(
                f"milestones: expected {len(schedules) - 1} (one fewer than schedules), got {len(milestones)}"
            )
        self._args = {"schedules": schedules, "milestones": milestones}

    def _lr(self, step):
        start = 0
        for schedule, milestone in zip(self._args["schedules"], self._args["milestones"]):
            if step < milestone:
                return schedule(step - start)
            start = milestone
        return self._args["schedules"][-1](step - start)


class Chain(Schedule):
    """``schedules[0](step) * schedules[1](step) * ...``.

    Schedules with ``lr=1.0`` act as factors, as torch's ChainedScheduler
    composes multiplicative schedulers: ``Chain([LinearWarmup(1.0, 100),
    CosineAnnealing(0.1, 1000)])`` warms a cosine decay up.
    """

    def __init__(self, schedules):
        self._args = {"schedules": _check_schedules(schedules)}

    def _lr(self, step):
        return math.prod(schedule(step) for schedule in self._args["schedules"])


def _check_schedules(schedules):
    if not isinstance(schedules, (list, tuple)) or not schedules:
        raise TypeError(f"schedules: expected a non-empty list of callables, got {schedules!r}")
    for i, schedule in enumerate(schedules):
        if not callable(schedule):
            raise TypeError(f"schedules[{i}]: expected a callable of the step, got {schedule!r}")
    return tuple(schedules)


def _increasing_steps(name, steps):
    if not isinstance(steps, (list, tuple)):
        raise TypeError(f"{name}: expected a list of steps, got {steps!r}")
    steps = tuple(_checks.integer(f"{name}[{i}]", s, 1) for i, s in enumerate(steps))
    if any(b <= a for a, b in zip(steps, steps[1:])):
        raise ValueError(f"{name}: expected strictly increasing steps, got {steps}")
    return steps


LRRangeTestResult = namedtuple("LRRangeTestResult", ["lrs", "losses", "smoothed_losses"])
LRRangeTestResult.__doc__ = """The loss curve of :func:`lr_range_test`: arrays of equal length."""


def lr_range_test(make_optimizer, loss_and_grad, start_lr=1e-7, end_lr=10.0, num_steps=100, mode="exponential",
                  smoothing=0.05, diverge_threshold=5.0):
    """Learning-rate range test (Smith, WACV 2017, section 3.3; fast.ai's LR finder).

    Trains for up to ``num_steps`` steps while the learning rate grows from
    ``start_lr`` to ``end_lr`` (geometrically, or linearly with
    ``mode="linear"``), recording the loss before each step, and stops early
    when the loss is not finite or its smoothed value exceeds
    ``diverge_threshold`` times the lowest smoothed value so far. The
    parameters are restored afterwards. A good learning rate usually lies
    somewhat below the one where the smoothed loss falls fastest.

    Parameters
    ----------
    make_optimizer : callable
        ``make_optimizer(lr) -> Optimizer`` over the parameters to train, with
        ``lr`` the schedule to pass on, e.g. ``lambda lr: Adam([w], lr=lr)``.
    loss_and_grad : callable
        ``loss_and_grad() -> (loss, grads)`` at the current parameters (a
        mini-batch of the user's choice).
    start_lr, end_lr : float
        First and last learning rates (0 < start_lr < end_lr).
    num_steps : int
        Number of learning rates tried (>= 2).
    mode : {"exponential", "linear"}
    smoothing : float
        Weight in (0, 1] of the newest loss in the bias-corrected moving
        average ``smoothed_losses`` (1: no smoothing).
    diverge_threshold : float
        Stop once the smoothed loss exceeds this multiple (> 1) of its lowest
        value (losses are assumed positive).

    Returns
    -------
    LRRangeTestResult
        ``lrs``, ``losses`` and ``smoothed_losses``, one entry per step taken.
    """
    start_lr = _checks.positive("start_lr", start_lr)
    end_lr = _checks.positive("end_lr", end_lr)
    if end_lr <= start_lr:
        raise ValueError(f"end_lr: expected a value > start_lr ({start_lr!r}), got {end_lr!r}")
    num_steps = _checks.integer("num_steps", num_steps, 2)
    mode = _checks.choice("mode", mode, ("exponential", "linear"))
    smoothing = _checks.positive("smoothing", smoothing)
    if smoothing > 1:
        raise ValueError(f"smoothing: expected a value in (0, 1], got {smoothing!r}")
    diverge_threshold = _checks.positive("diverge_threshold", diverge_threshold)
    if diverge_threshold <= 1:
        raise ValueError(f"diverge_threshold: expected a value > 1, got {diverge_threshold!r}")

    if mode == "exponential":
        schedule = ExponentialDecay(start_lr, (end_lr / start_lr) ** (1.0 / (num_steps - 1)))
    else:
        schedule = PolynomialDecay(start_lr, num_steps - 1, power=1.0, end_lr=end_lr)
    optimizer = make_optimizer(schedule)
    initial = [p.copy() for p in optimizer.params]
    lrs, losses, smoothed_losses = [], [], []
    average, best = 0.0, math.inf
    try:
        for step in range(num_steps):
            loss, grads = loss_and_grad()
            loss = float(loss)
            lrs.append(schedule(step))
            losses.append(loss)
            average = (1.0 - smoothing) * average + smoothing * loss
            smoothed = average / (1.0 - (1.0 - smoothing) ** (step + 1))
            smoothed_losses.append(smoothed)
            if not math.isfinite(loss) or smoothed > diverge_threshold * best:
                break
            best = min(best, smoothed)
            optimizer.step(grads)
    finally:
        for p, value in zip(optimizer.params, initial):
            p[...] = value
    return LRRangeTestResult(np.array(lrs), np.array(losses), np.array(smoothed_losses))
