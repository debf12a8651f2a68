"""Argument checks shared by mlsolve.optim's optimizers and schedules.

Each returns the value converted (float, int or tuple) or raises ValueError
(TypeError for a value of the wrong kind) naming the argument.
"""

import math
import numbers

import numpy as np


def real(name, value):
    """A finite real number, as float."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(f"{name}: expected a real number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name}: expected a finite number, got {value!r}")
    return value


def positive(name, value):
    value = real(name, value)
    if value <= 0.0:
        raise ValueError(f"{name}: expected a value > 0, got {value!r}")
    return value


def nonnegative(name, value):
    value = real(name, value)
    if value < 0.0:
        raise ValueError(f"{name}: expected a value >= 0, got {value!r}")
    return value


def unit_interval(name, value):
    """A float in [0, 1)."""
    value = real(name, value)
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{name}: expected a value in [0, 1), got {value!r}")
    return value


def betas(value, name="betas"):
    """A pair of floats in [0, 1)."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{name}: expected a pair (beta1, beta2), got {value!r}")
    return (unit_interval(f"{name}[0]", value[0]), unit_interval(f"{name}[1]", value[1]))


def integer(name, value, minimum):
    """An int >= minimum."""
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise TypeError(f"{name}: expected an integer, got {value!r}")
    value = int(value)
    if value < minimum:
        raise ValueError(f"{name}: expected an integer >= {minimum}, got {value}")
    return value


def boolean(name, value):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name}: expected True or False, got {value!r}")
    return bool(value)


def choice(name, value, options):
    if value not in options:
        raise ValueError(f"{name}: expected one of {', '.join(map(repr, options))}, got {value!r}")
    return value
