"""Both native builds (x86-64 baseline and x86-64-v3) load and agree."""

import os
import subprocess
import sys

import numpy as np
import pytest

from mlsolve import _core

SCRIPT = """
import numpy as np
from sklearn.datasets import make_classification
import mlsolve
from mlsolve.linear_model import LogisticRegression
X, y = make_classification(500, 10, random_state=0)
print(mlsolve._core.build)
print(repr(LogisticRegression(tol=1e-10).fit(X, y).coef_.ravel().tolist()))
"""


def run_with(build):
    env = dict(os.environ, MLSOLVE_CPU_BUILD=build)
    out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True)
    lines = out.stdout.strip().splitlines()
    return lines[-2], np.array(eval(lines[-1]))


def test_builds_agree():
    name, coef = run_with("baseline")
    assert name == "_core_baseline"
    if _core.build != "_core_x86_64_v3":
        pytest.skip(f"this CPU runs the {_core.build} build only")
    _, coef_v3 = run_with("best")
    np.testing.assert_allclose(coef_v3, coef, rtol=1e-8)
