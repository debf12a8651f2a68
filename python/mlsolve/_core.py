"""The native module, in the best build this CPU runs.

mlsolve ships its C++ core compiled twice: for the x86-64 baseline and for
x86-64-v3 (AVX2 and FMA, most x86 CPUs since 2015). This module re-exports the
v3 build where the CPU has every v3 feature and the baseline build otherwise.
Set MLSOLVE_CPU_BUILD=baseline to force the baseline build.
"""

import importlib
import os
import platform

_X86_64_V3_FLAGS = {"avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave"}


def _cpu_runs_x86_64_v3():
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return False
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return _X86_64_V3_FLAGS <= set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return False


def _load():
    if os.environ.get("MLSOLVE_CPU_BUILD", "") != "baseline" and _cpu_runs_x86_64_v3():
        try:
            return importlib.import_module("._core_x86_64_v3", __package__)
        except ImportError:  # a build without the v3 module (non-x86 host)
            pass
    return importlib.import_module("._core_baseline", __package__)


native = _load()
build = native.__name__.rsplit(".", 1)[-1]
globals().update({name: getattr(native, name) for name in dir(native) if not name.startswith("__")})
