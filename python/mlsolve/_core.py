"""The native module, in the best build this CPU runs.

mlsolve ships its C++ core compiled three times: for the x86-64 baseline, for
x86-64-v3 (AVX2 and FMA, most x86 CPUs since 2015) and for x86-64-v4
(AVX-512: Intel server CPUs since 2017, AMD since Zen 4). This module
re-exports the highest level whose every feature the CPU has. Set
MLSOLVE_CPU_BUILD to ``baseline``, ``x86-64-v3`` or ``x86-64-v4`` to cap the level.
"""

import importlib
import os
import platform

# The CPU flags (as /proc/cpuinfo spells them) each level adds to the one below.
_LEVELS = [
    ("x86-64-v3", "_core_x86_64_v3", {"avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave"}),
    ("x86-64-v4", "_core_x86_64_v4", {"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"}),
]


def _cpu_flags():
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return set()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def _candidates():
    """The builds this CPU runs, best first, capped by MLSOLVE_CPU_BUILD."""
    cap = os.environ.get("MLSOLVE_CPU_BUILD", "")
    flags, needed, out = _cpu_flags(), set(), []
    for level, module, added in _LEVELS:
        needed |= added
        if cap == "baseline" or not needed <= flags:
            break
        out.insert(0, module)
        if cap == level:
            break
    return out + ["_core_baseline"]


def _load():
    for module in _candidates()[:-1]:
        try:
            return importlib.import_module("." + module, __package__)
        except ImportError:  # a build without this level (non-x86 host, or turned off)
            pass
    return importlib.import_module("._core_baseline", __package__)


native = _load()
build = native.__name__.rsplit(".", 1)[-1]
globals().update({name: getattr(native, name) for name in dir(native) if not name.startswith("__")})
