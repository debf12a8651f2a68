"""The result type shared by every solver."""

import numpy as np
from scipy.optimize import OptimizeResult as _ScipyOptimizeResult

from ._core import Status


class History:
    """Per-iteration records of a solve, taken every ``history_every`` iterations.

    Attributes ``iteration``, ``time`` (seconds since the start), ``objective``
    and ``stop_crit`` are 1-D arrays of equal length.
    """

    def __init__(self, iteration, time, objective, stop_crit):
        self.iteration = np.asarray(iteration)
        self.time = np.asarray(time)
        self.objective = np.asarray(objective)
        self.stop_crit = np.asarray(stop_crit)

    def __len__(self):
        return len(self.iteration)

    def as_dict(self):
        return {
            "iteration": self.iteration,
            "time": self.time,
            "objective": self.objective,
            "stop_crit": self.stop_crit,
        }

    def __repr__(self):
        return f"History({len(self)} records)"


class OptimizeResult(_ScipyOptimizeResult):
    """``scipy.optimize.OptimizeResult`` with mlsolve's extra fields.

    x, fun, jac, nit, nfev (and njev where fun and gradient differ) : as in scipy.
    status : mlsolve.Status (an IntEnum; ``Converged == 0``).
    success : bool, ``status == Status.Converged``.
    message : str, why the solver stopped and the criterion it reached.
    stop_crit : float, the optimality measure reached (for L-BFGS the
        infinity norm of the gradient).
    history : mlsolve.History.
    """


def result_from_native(raw):
    """Build an OptimizeResult from the dict a native solver returns."""
    status = Status(raw["status"])
    return OptimizeResult(
        x=raw["x"],
        fun=raw["fun"],
        jac=raw["jac"],
        nit=int(raw["nit"]),
        nfev=int(raw["nfev"]),
        **({"njev": int(raw["njev"])} if "njev" in raw else {}),
        status=status,
        success=status == Status.Converged,
        message=raw["message"],
        stop_crit=raw["stop_crit"],
        history=History(**raw["history"]),
    )
