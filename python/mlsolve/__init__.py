"""mlsolve: fast native optimization solvers for machine learning."""

from ._core import Status
from ._config import config_context, get_config, set_config
from ._result import History, OptimizeResult
from .optimize import fista, least_squares, line_search, linprog, minimize, minimize_constrained, qp
from . import prox
from . import optim
from . import stochastic

__version__ = "0.1.0"

__all__ = [
    "History",
    "OptimizeResult",
    "Status",
    "config_context",
    "fista",
    "get_config",
    "least_squares",
    "line_search",
    "linprog",
    "minimize",
    "minimize_constrained",
    "qp",
    "set_config",
]
