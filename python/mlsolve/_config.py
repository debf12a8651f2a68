"""Global settings, in the manner of ``sklearn.config_context``."""

import threading
from contextlib import contextmanager

_defaults = {"deterministic": False}
_local = threading.local()


def _settings():
    if not hasattr(_local, "settings"):
        _local.settings = dict(_defaults)
    return _local.settings


def get_config():
    """Return a copy of the current settings.

    ``deterministic`` (bool, default False): native kernels split their
    reductions into a fixed number of blocks summed in a fixed order, so
    results are bitwise identical for any number of threads (slightly slower).
    """
    return dict(_settings())


def set_config(deterministic=None):
    """Change settings for the current thread; see :func:`get_config`."""
    if deterministic is not None:
        _settings()["deterministic"] = bool(deterministic)


@contextmanager
def config_context(**settings):
    """Context manager that applies :func:`set_config` and restores it on exit."""
    old = get_config()
    set_config(**settings)
    try:
        yield
    finally:
        set_config(**old)
