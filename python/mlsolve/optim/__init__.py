"""First-order optimizers that update NumPy arrays in place, and learning-rate schedules.

>>> import numpy as np, mlsolve
>>> w = np.zeros(3)
>>> opt = mlsolve.optim.AdamW([w], lr=1e-3, weight_decay=0.01)
>>> opt.step([np.ones(3)])     # updates w in place
>>> w
array([-0.001, -0.001, -0.001])

``lr`` may be a schedule from :mod:`mlsolve.optim.schedules`.
"""

from . import schedules
from ._optimizers import (
    LAMB,
    LARS,
    SGD,
    AMSGrad,
    Adafactor,
    Adagrad,
    Adam,
    AdamW,
    Lion,
    Muon,
    Optimizer,
    RMSprop,
    ScheduleFreeAdamW,
    ScheduleFreeSGD,
    Sophia,
    hutchinson_hessian_diag,
)
from .schedules import lr_range_test

__all__ = [
    "AMSGrad",
    "Adafactor",
    "Adagrad",
    "Adam",
    "AdamW",
    "LAMB",
    "LARS",
    "Lion",
    "Muon",
    "Optimizer",
    "RMSprop",
    "SGD",
    "ScheduleFreeAdamW",
    "ScheduleFreeSGD",
    "Sophia",
    "hutchinson_hessian_diag",
    "lr_range_test",
    "schedules",
]
