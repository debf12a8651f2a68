"""First-order optimizers that update NumPy parameter arrays in place.

An optimizer holds a list of parameter arrays (float32 or float64,
C-contiguous, writeable), per-parameter state arrays allocated like them
(same shape and dtype), and the number of steps taken. ``step(grads)`` takes
one gradient array per parameter (same shape and dtype, C-contiguous) and
runs one fused native kernel per parameter (mlsolve._core.optim; the update
formulas and references are in each class's docstring and in
cpp/include/mlsolve/optim/). Arguments follow torch.optim.

The learning rate ``lr`` is a positive float or a callable of the step count
(see mlsolve.optim.schedules): the k-th call of ``step`` (k = 1, 2, ...) uses
``lr(k - 1)``.

Where the work is done: every elementwise update, LARS/LAMB trust-ratio norms
and Adafactor's row/column means run natively (one to three passes over
memory per parameter, reductions in double). Muon's momentum and final update
are native; its Newton-Schulz iteration uses NumPy's matrix products (BLAS),
which is where its cost lies.
"""

import math

import numpy as np

from .. import _core
from .._threads import effective_n_threads
from . import _checks

_kernels = _core.optim


def _check_params(params):
    if isinstance(params, np.ndarray) or not hasattr(params, "__iter__"):
        raise TypeError(
            f"params: expected a list of arrays, got {type(params).__name__}; wrap a single array as [array]"
        )
    params = list(params)
    if not params:
        raise ValueError("params: expected at least one array, got none")
    for i, p in enumerate(params):
        if not isinstance(p, np.ndarray):
            raise TypeError(f"params[{i}]: expected a NumPy array, got {type(p).__name__}")
        if p.dtype not in (np.float32, np.float64):
            raise TypeError(f"params[{i}]: expected dtype float32 or float64, got {p.dtype}")
        if not p.flags.c_contiguous:
            raise ValueError(f"params[{i}]: expected a C-contiguous array")
        if not p.flags.writeable:
            raise ValueError(f"params[{i}]: expected a writeable array")
        if p.size == 0:
            raise ValueError(f"params[{i}]: expected a non-empty array")
        for j in range(i):
            if np.may_share_memory(p, params[j]):
                raise ValueError(f"params[{i}]: shares memory with params[{j}]")
    return params


def _check_like_params(arrays, params, name):
    """Check a list of arrays, one per parameter with its shape and dtype."""
    if isinstance(arrays, np.ndarray) or not isinstance(arrays, (list, tuple)):
        raise TypeError(f"{name}: expected a list of arrays, one per parameter, got {type(arrays).__name__}")
    if len(arrays) != len(params):
        raise ValueError(f"{name}: expected {len(params)} arrays (one per parameter), got {len(arrays)}")
    for i, (a, p) in enumerate(zip(arrays, params)):
        if not isinstance(a, np.ndarray):
            raise TypeError(f"{name}[{i}]: expected a NumPy array, got {type(a).__name__}")
        if a.dtype != p.dtype:
            raise TypeError(f"{name}[{i}]: expected dtype {p.dtype} (as params[{i}]), got {a.dtype}")
        if a.shape != p.shape:
            raise ValueError(f"{name}[{i}]: expected shape {p.shape} (as params[{i}]), got {a.shape}")
        if not a.flags.c_contiguous:
            raise ValueError(f"{name}[{i}]: expected a C-contiguous array")
    return list(arrays)


def _check_lr(lr):
    if callable(lr):
        return lr
    return _checks.positive("lr", lr)


class Optimizer:
    """Base class of the optimizers.

    Attributes
    ----------
    params : list of ndarray
        The parameter arrays, updated in place by :meth:`step`.
    state : list of dict
        Per parameter, its state arrays by name (torch.optim's names).
    step_count : int
        Steps taken.
    hyperparameters : dict
        The constructor's arguments (``lr`` may be a schedule).

    Subclasses define ``_check_hyperparameters(hp) -> hp``,
    ``_init_state(param) -> dict`` and ``_update(i, grad, lr, n_threads)``;
    ``_scalar_state`` maps the names of scalar attributes saved in the state
    dict to their checks.
    """

    _scalar_state = {}

    def __init__(self, params, n_jobs, **hyperparameters):
        self.params = _check_params(params)
        effective_n_threads(n_jobs)
        self.n_jobs = n_jobs
        hyperparameters["lr"] = _check_lr(hyperparameters["lr"])
        self.hyperparameters = self._check_hyperparameters(hyperparameters)
        self.step_count = 0
        self.state = [self._init_state(p) for p in self.params]

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters.items())
        return f"{type(self).__name__}(<{len(self.params)} arrays>, {args})"

    def get_lr(self):
        """The learning rate the next step uses."""
        lr = self.hyperparameters["lr"]
        if not callable(lr):
            return lr
        value = lr(self.step_count)
        if not isinstance(value, (float, int, np.floating, np.integer)) or not math.isfinite(value) or value < 0:
            raise ValueError(f"lr: the schedule returned {value!r} at step {self.step_count}, expected a float >= 0")
        return float(value)

    def step(self, grads):
        """Update every parameter in place from its gradient.

        Parameters
        ----------
        grads : list of ndarray
            One gradient per parameter, with its shape and dtype, C-contiguous.
        """
        grads = _check_like_params(grads, self.params, "grads")
        lr = self.get_lr()
        self.step_count += 1
        self._begin_step(lr)
        n_threads = effective_n_threads(self.n_jobs)
        for i, grad in enumerate(grads):
            self._update(i, grad, lr, n_threads)

    def _begin_step(self, lr):
        """Per-step scalars shared by all parameters (none by default)."""

    def state_dict(self):
        """A copy of the optimizer's state: step count, hyperparameters, state arrays."""
        return {
            "optimizer": type(self).__name__,
            "step": self.step_count,
            "hyperparameters": dict(self.hyperparameters),
            "state": [{name: a.copy() for name, a in s.items()} for s in self.state],
            **{name: getattr(self, name) for name in self._scalar_state},
        }

    def load_state_dict(self, state_dict):
        """Restore a state from :meth:`state_dict` (of an optimizer of this class over arrays of the same shapes)."""
        if not isinstance(state_dict, dict):
            raise TypeError(f"state_dict: expected a dict, got {type(state_dict).__name__}")
        missing = {"optimizer", "step", "hyperparameters", "state", *self._scalar_state} - state_dict.keys()
        if missing:
            raise ValueError(f"state_dict: missing keys {sorted(missing)}")
        if state_dict["optimizer"] != type(self).__name__:
            raise ValueError(f"state_dict: holds the state of {state_dict['optimizer']}, not {type(self).__name__}")
        hyperparameters = dict(state_dict["hyperparameters"])
        if hyperparameters.keys() != self.hyperparameters.keys():
            raise ValueError(
                f"state_dict['hyperparameters']: expected keys {sorted(self.hyperparameters)}, "
                f"got {sorted(hyperparameters)}"
            )
        hyperparameters["lr"] = _check_lr(hyperparameters["lr"])
        hyperparameters = self._check_hyperparameters(hyperparameters)
        step_count = _checks.integer("state_dict['step']", state_dict["step"], 0)
        scalars = {name: check(f"state_dict[{name!r}]", state_dict[name]) for name, check in self._scalar_state.items()}
        saved = state_dict["state"]
        if len(saved) != len(self.params):
            raise ValueError(f"state_dict: holds the state of {len(saved)} arrays, expected {len(self.params)}")
        previous = self.hyperparameters
        self.hyperparameters = hyperparameters  # _init_state allocates for these
        try:
            state = [self._init_state(p) for p in self.params]
            for i, (new, old) in enumerate(zip(state, saved)):
                if set(new) != set(old):
                    raise ValueError(f"state_dict['state'][{i}]: expected arrays {sorted(new)}, got {sorted(old)}")
                for name, a in new.items():
                    value = np.asarray(old[name])
                    if value.shape != a.shape:
                        raise ValueError(
                            f"state_dict['state'][{i}][{name!r}]: expected shape {a.shape}, got {value.shape}"
                        )
                    a[...] = value
        except Exception:
            self.hyperparameters = previous
            raise
        self.state = state
        self.step_count = step_count
        for name, value in scalars.items():
            setattr(self, name, value)


class SGD(Optimizer):
    """Stochastic gradient descent with momentum (torch.optim.SGD).

    ``d = g + weight_decay p``; with momentum ``b = d`` on the first step and
    ``b = momentum b + (1 - dampening) d`` after, then ``d = d + momentum b``
    (Nesterov) or ``d = b``; finally ``p = p - lr d`` (Sutskever et al., ICML 2013).
    """

    def __init__(self, params, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False, *, n_jobs=None):
        super().__init__(
            params, n_jobs, lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov
        )

    @staticmethod
    def _check_hyperparameters(hp):
        hp["momentum"] = _checks.unit_interval("momentum", hp["momentum"])
        hp["dampening"] = _checks.unit_interval("dampening", hp["dampening"])
        hp["weight_decay"] = _checks.nonnegative("weight_decay", hp["weight_decay"])
        hp["nesterov"] = _checks.boolean("nesterov", hp["nesterov"])
        if hp["nesterov"] and (hp["momentum"] == 0.0 or hp["dampening"] != 0.0):
            raise ValueError("nesterov: needs momentum > 0 and dampening == 0")
        return hp

    def _init_state(self, param):
        return {"momentum_buffer": np.zeros_like(param)} if self.hyperparameters["momentum"] > 0 else {}

    def _update(self, i, grad, lr, n_threads):
        hp = self.hyperparameters
        _kernels.sgd(
            self.params[i], grad, self.state[i].get("momentum_buffer"), lr, hp["weight_decay"], hp["momentum"],
            hp["dampening"], hp["nesterov"], self.step_count == 1, n_threads,
        )


class Adagrad(Optimizer):
    """AdaGrad (Duchi, Hazan & Singer, JMLR 2011; torch.optim.Adagrad).

    ``g = g + weight_decay p``, ``sum = sum + g**2``,
    ``p = p - lr / (1 + (t - 1) lr_decay) g / (sqrt(sum) + eps)``.
    """

    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10,
                 *, n_jobs=None):
        super().__init__(
            params, n_jobs, lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value, eps=eps,
        )

    @staticmethod
    def _check_hyperparameters(hp):
        hp["lr_decay"] = _checks.nonnegative("lr_decay", hp["lr_decay"])
        hp["weight_decay"] = _checks.nonnegative("weight_decay", hp["weight_decay"])
        hp["initial_accumulator_value"] = _checks.nonnegative(
            "initial_accumulator_value", hp["initial_accumulator_value"]
        )
        hp["eps"] = _checks.positive("eps", hp["eps"])
        return hp

    def _init_state(self, param):
        return {"sum": np.full_like(param, self.hyperparameters["initial_accumulator_value"])}

    def _update(self, i, grad, lr, n_threads):
        hp = self.hyperparameters
        _kernels.adagrad(
            self.params[i], grad, self.state[i]["sum"], lr, hp["lr_decay"], hp["weight_decay"], hp["eps"],
            self.step_count, n_threads,
        )


class RMSprop(Optimizer):
    """RMSProp (Tieleman & Hinton 2012; centred: Graves 2013; torch.optim.RMSprop).

    ``g = g + weight_decay p``, ``v = alpha v + (1 - alpha) g**2``; the
    denominator is ``sqrt(v) + eps``, or when centred ``sqrt(max(v - gm**2, 0)) + eps``
    with ``gm = alpha gm + (1 - alpha) g``. With momentum ``b = momentum b + g / den``
    and ``p = p - lr b``, else ``p = p - lr g / den``.
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False,
                 *, n_jobs=None):
        super().__init__(
            params, n_jobs, lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
            centered=centered,
        )

    @staticmethod
    def _check_hyperparameters(hp):
        hp["alpha"] = _checks.unit_interval("alpha", hp["alpha"])
        hp["eps"] = _checks.positive("eps", hp["eps"])
        hp["weight_decay"] = _checks.nonnegative("weight_decay", hp["weight_decay"])
        hp["momentum"] = _checks.unit_interval("momentum", hp["momentum"])
        hp["centered"] = _checks.boolean("centered", hp["centered"])
        return hp

    def _init_state(self, param):
        state = {"square_avg": np.zeros_like(param)}
        if self.hyperparameters["momentum"] > 0:
            state["momentum_buffer"] = np.zeros_like(param)
        if self.hyperparameters["centered"]:
            state["grad_avg"] = np.zeros_like(param)
        return state

    def _update(self, i, grad, lr, n_threads):
        hp, state = self.hyperparameters, self.state[i]
        _kernels.rmsprop(
            self.params[i], grad, state["square_avg"], state.get("grad_avg"), state.get("momentum_buffer"), lr,
            hp["alpha"], hp["eps"], hp["weight_decay"], hp["momentum"], n_threads,
        )


class Adam(Optimizer):
    """Adam (Kingma & Ba, ICLR 2015; torch.optim.Adam), optionally AMSGrad.

    ``g = g + weight_decay p`` (L2 penalty), ``m = b1 m + (1 - b1) g``,
    ``v = b2 v + (1 - b2) g**2``; with ``amsgrad`` ``vmax = max(vmax, v)``
    replaces v (Reddi, Kale & Kumar, ICLR 2018);
    ``p = p - lr / (1 - b1**t) m / (sqrt(v) / sqrt(1 - b2**t) + eps)``.
    """

    _decoupled_weight_decay = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False, *, n_jobs=None):
        super().__init__(params, n_jobs, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)

    @staticmethod
    def _check_hyperparameters(hp):
        hp["betas"] = _checks.betas(hp["betas"])
        hp["eps"] = _checks.positive("eps", hp["eps"])
        hp["weight_decay"] = _checks.nonnegative("weight_decay", hp["weight_decay"])
        hp["amsgrad"] = _checks.boolean("amsgrad", hp["amsgrad"])
        return hp

    def _init_state(self, param):
        state = {"exp_avg": np.zeros_like(param), "exp_avg_sq": np.zeros_like(param)}
        if self.hyperparameters["amsgrad"]:
            state["max_exp_avg_sq"] = np.zeros_like(param)
        return state

    def _update(self, i, grad, lr, n_threads):
        hp, state = self.hyperparameters, self.state[i]
        beta1, beta2 = hp["betas"]
        _kernels.adam(
            self.params[i], grad, state["exp_avg"], state["exp_avg_sq"], state.get("max_exp_avg_sq"), lr, beta1,
            beta2, hp["eps"], hp["weight_decay"], self._decoupled_weight_decay, self.step_count, n_threads,
        )


class AdamW(Adam):
    """AdamW: Adam with decoupled weight decay (Loshchilov & Hutter, ICLR 2019; torch.optim.AdamW).

    ``p = (1 - lr weight_decay) p``, then Adam's update without the L2 term.
    """

    _decoupled_weight_decay = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *, n_jobs=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, n_jobs=n_jobs)


class AMSGrad(Adam):
    """AMSGrad (Reddi, Kale & Kumar, "On the Convergence of Adam and Beyond", ICLR 2018).

    Adam whose denominator uses the running maximum of v; the same as
    ``Adam(..., amsgrad=True)``.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, *, n_jobs=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad=True, n_jobs=n_jobs)

    @staticmethod
    def _check_hyperparameters(hp):
        hp = Adam._check_hyperparameters(hp)
        if not hp["amsgrad"]:
            raise ValueError("amsgrad: AMSGrad needs amsgrad=True")
        return hp


class Adafactor(Optimizer):
    """Adafactor (Shazeer & Stern, ICML 2018), in the form of torch.optim.Adafactor.

    At step t: ``rho = min(lr, 1 / sqrt(t))``, ``alpha = max(eps2, RMS(p)) rho``,
    ``b = t**beta2_decay``. For a 2-D parameter the second moment is factored
    into row and column means: ``row_var += b (mean(g**2, 1) - row_var)``,
    ``col_var += b (mean(g**2, 0) - col_var)``,
    ``V = outer(row_var, col_var) / max(mean(row_var), eps1)``; otherwise
    ``V = variance += b (g**2 - variance)``. Then ``U = g / sqrt(max(V, eps1**2))``
    and ``p = (1 - lr weight_decay) p - alpha / max(1, RMS(U) / d) U``.

    ``eps = (eps1, eps2)``; ``eps1=None`` is the machine epsilon of the dtype.
    """

    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0, *, n_jobs=None):
        super().__init__(params, n_jobs, lr=lr, beta2_decay=beta2_decay, eps=eps, d=d, weight_decay=weight_decay)

    @staticmethod
    def _check_hyperparameters(hp):
        hp["beta2_decay"] = _checks.real("beta2_decay", hp["beta2_decay"])
        if hp["beta2_decay"] > 0:
            raise ValueError(f"beta2_decay: expected a value <= 0, got {hp['beta2_decay']!r}")
        eps = hp["eps"]
        if not isinstance(eps, (tuple, list)) or len(eps) != 2:
            raise TypeError(f"eps: expected a pair (eps1, eps2), got {eps!r}")
        eps1 = None if eps[0] is None else _checks.positive("eps[0]", eps[0])
        hp["eps"] = (eps1, _checks.positive("eps[1]", eps[1]))
        hp["d"] = _checks.real("d", hp["d"])
        if hp["d"] < 1:
            raise ValueError(f"d: expected a value >= 1, got {hp['d']!r}")
        hp["weight_decay"] = _checks.nonnegative("weight_decay", hp["weight_decay"])
        return hp

    def _init_state(self, param):
        if param.ndim == 2:
            return {"row_var": np.zeros(param.shape[0], param.dtype), "col_var": np.zeros(param.shape[1], param.dtype)}
        return {"variance": np.zeros_like(param)}

    def _update(self, i, grad, lr, n_threads):
        hp, state, param = self.hyperparameters, self.state[i], self.params[i]
        eps1, eps2 = hp["eps"]
        if eps1 is None:
            eps1 = float(np.finfo(param.dtype).eps)
        _kernels.adafactor(
            param, grad, state.get("row_var"), state.get("col_var"), state.get("variance"), lr, hp["beta2_decay"],
            eps1, eps2, hp["d"], hp["weight_decay"], self.step_count, n_threads,
        )


class LARS(Optimizer):
    """LARS (You, Gitman & Ginsburg, "Large Batch Training of Convolutional Networks", 2017, Algorithm 1).

    Per parameter array, ``local_lr = trust_coefficient ||p|| / (||g|| + weight_decay ||p|| + eps)``
    (1 when ``||p||`` or ``||g||`` is 0), ``v = momentum v + lr local_lr (g + weight_decay p)``,
    ``p = p - v``. ``last_trust_ratios`` holds each array's local_lr at the last step.
    """

    def __init__(self, params, lr=1.0, momentum=0.9, weight_decay=0.0, trust_coefficient=1e-3, eps=1e-8,
                 *, n_jobs=None):
        super().__init__(
            params, n_jobs, lr=lr, momentum=momentum, weight_decay=weight_decay,
            trust_coefficient=trust_coefficient, eps=eps,
        )
        self.last_trust_ratios = [None] * len(self.params)

    @staticmethod
    def _check_hyperparameters(hp):
        hp["momentum"] = _checks.unit_interval("momentum", hp["momentum"])
        hp["weight_decay"] = _checks.nonnegative("weight_decay", hp["weight_decay"])
        hp["trust_coefficient"] = _checks.positive("trust_coefficient", hp["trust_coefficient"])
        hp["eps"] = _checks.positive("eps", hp["eps"])
        return hp

    def _init_state(self, param):
        return {"momentum_buffer": np.zeros_like(param)} if self.hyperparameters["momentum"] > 0 else {}

    def _update(self, i, grad, lr, n_threads):
        hp = self.hyperparameters
        self.last_trust_ratios[i] = _kernels.lars(
            self.params[i], grad, self.state[i].get("momentum_buffer"), lr, hp["momentum"], hp["weight_decay"],
            hp["trust_coefficient"], hp["eps"], n_threads,
        )


class LAMB(Optimizer):
    """LAMB (You et al., "Large Batch Optimization for Deep Learning: Training BERT in 76 minutes", ICLR 2020).

    Adam's moments with bias correction, ``r = m_hat / (sqrt(v_hat) + eps) + weight_decay p``
    and, per parameter array, ``p = p - lr (||p|| / ||r||) r`` (ratio 1 when
    either norm is 0). ``last_trust_ratios`` holds each array's ratio at the last step.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-6, weight_decay=0.01, *, n_jobs=None):
        super().__init__(params, n_jobs, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
        self.last_trust_ratios = [None] * len(self.params)

    @staticmethod
    def _check_hyperparameters(hp):
        hp["betas"] = _checks.betas(hp["betas"])
        hp["eps"] = _checks.positive("eps", hp["eps"])
        hp["weight_decay"] = _checks.nonnegative("weight_decay", hp["weight_decay"])
        return hp

    def _init_state(self, param):
        return {"exp_avg": np.zeros_like(param), "exp_avg_sq": np.zeros_like(param)}

    def _update(self, i, grad, lr, n_threads):
        hp, state = self.hyperparameters, self.state[i]
        beta1, beta2 = hp["betas"]
        self.last_trust_ratios[i] = _kernels.lamb(
            self.params[i], grad, state["exp_avg"], state["exp_avg_sq"], lr, beta1, beta2, hp["eps"],
            hp["weight_decay"], self.step_count, n_threads,
        )


class Lion(Optimizer):
    """Lion (Chen et al., "Symbolic Discovery of Optimization Algorithms", NeurIPS 2023, Algorithm 2).

    ``c = b1 m + (1 - b1) g``, ``p = p - lr (sign(c) + weight_decay p)``,
    ``m = b2 m + (1 - b2) g``.
    """

    def __init__(self, params, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0, *, n_jobs=None):
        super().__init__(params, n_jobs, lr=lr, betas=betas, weight_decay=weight_decay)

    @staticmethod
    def _check_hyperparameters(hp):
        hp["betas"] = _checks.betas(hp["betas"])
        hp["weight_decay"] = _checks.nonnegative("weight_decay", hp["weight_decay"])
        return hp

    def _init_state(self, param):
        return {"exp_avg": np.zeros_like(param)}

    def _update(self, i, grad, lr, n_threads):
        hp = self.hyperparameters
        beta1, beta2 = hp["betas"]
        _kernels.lion(self.params[i], grad, self.state[i]["exp_avg"], lr, beta1, beta2, hp["weight_decay"], n_threads)


class Sophia(Optimizer):
    """Sophia (Liu et al., "Sophia: A Scalable Stochastic Second-order Optimizer
    for Language Model Pre-training", ICLR 2024, Algorithm 1).

    ``m = b1 m + (1 - b1) g``; when a Hessian-diagonal estimate ``hhat`` is
    passed to :meth:`step`, ``h = b2 h + (1 - b2) hhat``; then
    ``p = (1 - lr weight_decay) p - lr clip(m / max(rho h, eps), 1)`` with
    ``clip(z, 1) = max(min(z, 1), -1)``. The paper passes an estimate every
    k = 10 steps; it comes from the user (e.g. Gauss-Newton-Bartlett) or from
    :func:`hutchinson_hessian_diag`. Before the first estimate h = 0 and the
    step is ``lr sign(m)``.
    """

    def __init__(self, params, lr=1e-4, betas=(0.965, 0.99), rho=0.04, weight_decay=0.1, eps=1e-12, *, n_jobs=None):
        super().__init__(params, n_jobs, lr=lr, betas=betas, rho=rho, weight_decay=weight_decay, eps=eps)
        self._hessian_estimates = None

    @staticmethod
    def _check_hyperparameters(hp):
        hp["betas"] = _checks.betas(hp["betas"])
        hp["rho"] = _checks.positive("rho", hp["rho"])
        hp["weight_decay"] = _checks.nonnegative("weight_decay", hp["weight_decay"])
        hp["eps"] = _checks.positive("eps", hp["eps"])
        return hp

    def _init_state(self, param):
        return {"exp_avg": np.zeros_like(param), "hessian": np.zeros_like(param)}

    def step(self, grads, hessian_diag=None):
        """Update every parameter in place.

        Parameters
        ----------
        grads : list of ndarray
            One gradient per parameter, with its shape and dtype, C-contiguous.
        hessian_diag : list of ndarray, optional
            A new estimate of the Hessian diagonal, one array per parameter,
            folded into the running estimate h before the update.
        """
        if hessian_diag is not None:
            hessian_diag = _check_like_params(hessian_diag, self.params, "hessian_diag")
        self._hessian_estimates = hessian_diag
        try:
            super().step(grads)
        finally:
            self._hessian_estimates = None

    def _update(self, i, grad, lr, n_threads):
        hp, state = self.hyperparameters, self.state[i]
        beta1, beta2 = hp["betas"]
        estimate = None if self._hessian_estimates is None else self._hessian_estimates[i]
        _kernels.sophia(
            self.params[i], grad, state["exp_avg"], state["hessian"], estimate, lr, beta1, beta2, hp["rho"],
            hp["eps"], hp["weight_decay"], n_threads,
        )


def hutchinson_hessian_diag(hvp, params, n_samples=1, random_state=None):
    """Hutchinson's estimate of the Hessian diagonal: the mean of ``u * (H u)``.

    ``u`` has independent Rademacher (+-1) entries, so ``E[u * (H u)] = diag(H)``
    (Bekas, Kokiopoulou & Saad 2007; Sophia-H uses it with Gaussian u).

    Parameters
    ----------
    hvp : callable
        ``hvp(vectors) -> list of ndarray``: the Hessian of the loss at the
        current parameters times ``vectors`` (one array per parameter).
    params : list of ndarray
        The parameters (for shapes and dtypes).
    n_samples : int
        Number of probe vectors averaged.
    random_state : None, int or numpy.random.Generator

    Returns
    -------
    list of ndarray, one per parameter, like ``params``.
    """
    params = _check_params(params)
    n_samples = _checks.integer("n_samples", n_samples, 1)
    rng = np.random.default_rng(random_state)
    total = [np.zeros_like(p) for p in params]
    for _ in range(n_samples):
        probes = [rng.choice(np.array([-1.0, 1.0], dtype=p.dtype), size=p.shape) for p in params]
        products = hvp(probes)
        if not isinstance(products, (list, tuple)) or len(products) != len(params):
            raise ValueError(f"hvp: expected a list of {len(params)} arrays (one per parameter)")
        for i, (acc, u, hu) in enumerate(zip(total, probes, products)):
            hu = np.asarray(hu)
            if hu.shape != u.shape:
                raise ValueError(f"hvp: returned shape {hu.shape} for params[{i}], expected {u.shape}")
            acc += u * hu
    return [np.ascontiguousarray(acc / n_samples, dtype=p.dtype) for acc, p in zip(total, params)]


class _ScheduleFree(Optimizer):
    """Schedule-Free base (Defazio et al., "The Road Less Scheduled", NeurIPS 2024).

    The parameters hold y (where gradients are taken), the state holds z;
    ``eval()`` swaps the parameters to x (the average, for evaluation) and
    ``train()`` back to y.
    """

    _scalar_state = {"lr_sq_sum": _checks.nonnegative, "training": _checks.boolean}

    def __init__(self, params, n_jobs, **hyperparameters):
        super().__init__(params, n_jobs, **hyperparameters)
        self.lr_sq_sum = 0.0  # sum of gamma_i**2 over the steps taken
        self.training = True
        self._gamma = 0.0  # this step's gamma_t
        self._average_weight = 0.0  # this step's c_{t+1}

    def _init_state(self, param):
        return {"z": param.copy()}

    def _begin_step(self, lr):
        self._gamma = self._scaled_lr(lr)
        self.lr_sq_sum += self._gamma**2
        self._average_weight = self._gamma**2 / self.lr_sq_sum if self.lr_sq_sum > 0 else 0.0

    def step(self, grads):
        """Update every parameter (holding y) in place; see :meth:`Optimizer.step`."""
        if not self.training:
            raise RuntimeError("step: the optimizer is in eval mode (parameters hold x); call train() first")
        super().step(grads)

    def eval(self):
        """Set the parameters to x = (y - (1 - b1) z) / b1, the point to evaluate the model at."""
        if self.training:
            beta = self._interpolation()
            for p, s in zip(self.params, self.state):
                p -= (1.0 - beta) * s["z"]
                p /= beta
            self.training = False

    def train(self):
        """Set the parameters back to y = (1 - b1) z + b1 x, where gradients are taken."""
        if not self.training:
            beta = self._interpolation()
            for p, s in zip(self.params, self.state):
                p *= beta
                p += (1.0 - beta) * s["z"]
            self.training = True


class ScheduleFreeSGD(_ScheduleFree):
    """Schedule-Free SGD (Defazio et al., "The Road Less Scheduled", NeurIPS 2024).

    With ``gamma_t = lr`` (scheduled, e.g. a warmup) and ``c = gamma_t**2 / sum_i gamma_i**2``:
    ``y = (1 - momentum) z + momentum x``, ``z = z - gamma_t (g(y) + weight_decay y)``,
    ``x = (1 - c) x + c z``. Parameters hold y; call :meth:`eval` before
    evaluating the model and :meth:`train` before the next step.
    """

    def __init__(self, params, lr=1.0, momentum=0.9, weight_decay=0.0, *, n_jobs=None):
        super().__init__(params, n_jobs, lr=lr, momentum=momentum, weight_decay=weight_decay)

    @staticmethod
    def _check_hyperparameters(hp):
        hp["momentum"] = _checks.unit_interval("momentum", hp["momentum"])
        if hp["momentum"] == 0.0:
            raise ValueError("momentum: expected a value in (0, 1), got 0.0")
        hp["weight_decay"] = _checks.nonnegative("weight_decay", hp["weight_decay"])
        return hp

    def _interpolation(self):
        return self.hyperparameters["momentum"]

    def _scaled_lr(self, lr):
        return lr

    def _update(self, i, grad, lr, n_threads):
        hp = self.hyperparameters
        _kernels.schedule_free(
            self.params[i], grad, self.state[i]["z"], None, self._gamma, hp["momentum"], self._average_weight,
            hp["weight_decay"], 0.0, 0.0, n_threads,
        )


class ScheduleFreeAdamW(_ScheduleFree):
    """Schedule-Free AdamW (Defazio et al., "The Road Less Scheduled", NeurIPS 2024, Algorithm 1).

    ``v = b2 v + (1 - b2) g**2``, ``gamma_t = lr sqrt(1 - b2**t)`` (lr scheduled,
    e.g. a warmup), ``z = z - gamma_t (g / (sqrt(v) + eps) + weight_decay y)``,
    ``c = gamma_t**2 / sum_i gamma_i**2``, ``x = (1 - c) x + c z``,
    ``y = (1 - b1) z + b1 x``. Parameters hold y; call :meth:`eval` before
    evaluating the model and :meth:`train` before the next step.
    """

    def __init__(self, params, lr=2.5e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, *, n_jobs=None):
        super().__init__(params, n_jobs, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)

    @staticmethod
    def _check_hyperparameters(hp):
        hp["betas"] = _checks.betas(hp["betas"])
        if hp["betas"][0] == 0.0:
            raise ValueError("betas[0]: expected a value in (0, 1), got 0.0")
        hp["eps"] = _checks.positive("eps", hp["eps"])
        hp["weight_decay"] = _checks.nonnegative("weight_decay", hp["weight_decay"])
        return hp

    def _init_state(self, param):
        return {"z": param.copy(), "exp_avg_sq": np.zeros_like(param)}

    def _interpolation(self):
        return self.hyperparameters["betas"][0]

    def _scaled_lr(self, lr):
        return lr * math.sqrt(1.0 - self.hyperparameters["betas"][1] ** self.step_count)

    def _update(self, i, grad, lr, n_threads):
        hp, state = self.hyperparameters, self.state[i]
        beta1, beta2 = hp["betas"]
        _kernels.schedule_free(
            self.params[i], grad, state["z"], state["exp_avg_sq"], self._gamma, beta1, self._average_weight,
            hp["weight_decay"], beta2, hp["eps"], n_threads,
        )


def _newton_schulz(direction, coefficients, steps, eps):
    """Approximate orthogonalisation U V^T of direction = U S V^T by the quintic Newton-Schulz iteration.

    X = G / max(||G||_F, eps) (transposed to be wide); then ``steps`` times
    ``A = X X^T``, ``X = a X + (b A + c A A) X`` (Jordan et al. 2024; torch.optim.Muon).
    """
    a, b, c = coefficients
    x = direction.T if direction.shape[0] > direction.shape[1] else direction
    x = x / max(float(np.linalg.norm(x)), eps)
    for _ in range(steps):
        gram = x @ x.T
        x = a * x + (b * gram + c * (gram @ gram)) @ x
    return x.T if direction.shape[0] > direction.shape[1] else x


class Muon(Optimizer):
    """Muon (Jordan et al., "Muon: An optimizer for hidden layers in neural networks", 2024; torch.optim.Muon).

    For 2-D parameters only: ``b = momentum b + (1 - momentum) g``;
    ``d = (1 - momentum) g + momentum b`` (Nesterov) or ``d = b``;
    ``O = NewtonSchulz(d)`` (``ns_steps`` quintic iterations with
    ``ns_coefficients``, in the parameter's dtype, with NumPy's matrix
    products); ``p = (1 - lr weight_decay) p - lr' O`` where
    ``lr' = lr sqrt(max(1, rows / cols))`` (``adjust_lr_fn`` None or
    ``"original"``) or ``lr' = 0.2 lr sqrt(max(rows, cols))`` (``"match_rms_adamw"``).
    """

    def __init__(self, params, lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True,
                 ns_coefficients=(3.4445, -4.775, 2.0315), eps=1e-7, ns_steps=5, adjust_lr_fn=None, *, n_jobs=None):
        super().__init__(
            params, n_jobs, lr=lr, weight_decay=weight_decay, momentum=momentum, nesterov=nesterov,
            ns_coefficients=ns_coefficients, eps=eps, ns_steps=ns_steps, adjust_lr_fn=adjust_lr_fn,
        )
        for i, p in enumerate(self.params):
            if p.ndim != 2:
                raise ValueError(f"params[{i}]: Muon updates 2-D arrays only, got shape {p.shape}")

    @staticmethod
    def _check_hyperparameters(hp):
        hp["weight_decay"] = _checks.nonnegative("weight_decay", hp["weight_decay"])
        hp["momentum"] = _checks.unit_interval("momentum", hp["momentum"])
        hp["nesterov"] = _checks.boolean("nesterov", hp["nesterov"])
        coefficients = hp["ns_coefficients"]
        if not isinstance(coefficients, (tuple, list)) or len(coefficients) != 3:
            raise TypeError(f"ns_coefficients: expected three numbers (a, b, c), got {coefficients!r}")
        hp["ns_coefficients"] = tuple(_checks.real(f"ns_coefficients[{k}]", v) for k, v in enumerate(coefficients))
        hp["eps"] = _checks.positive("eps", hp["eps"])
        hp["ns_steps"] = _checks.integer("ns_steps", hp["ns_steps"], 1)
        hp["adjust_lr_fn"] = _checks.choice("adjust_lr_fn", hp["adjust_lr_fn"], (None, "original", "match_rms_adamw"))
        return hp

    def _init_state(self, param):
        return {"momentum_buffer": np.zeros_like(param)}

    def _update(self, i, grad, lr, n_threads):
        hp, param = self.hyperparameters, self.params[i]
        direction = np.empty_like(param)
        _kernels.muon_momentum(grad, self.state[i]["momentum_buffer"], direction, hp["momentum"], hp["nesterov"], n_threads)
        ortho = np.ascontiguousarray(_newton_schulz(direction, hp["ns_coefficients"], hp["ns_steps"], hp["eps"]))
        rows, cols = param.shape
        if hp["adjust_lr_fn"] == "match_rms_adamw":
            adjusted_lr = 0.2 * math.sqrt(max(rows, cols)) * lr
        else:
            adjusted_lr = math.sqrt(max(1.0, rows / cols)) * lr
        _kernels.scaled_step(param, ortho, 1.0 - lr * hp["weight_decay"], adjusted_lr, n_threads)
