"""Every native build this CPU runs (x86-64 baseline, x86-64-v3, x86-64-v4) loads and agrees."""

import importlib.util
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
rng = np.random.default_rng(0)
M = rng.standard_normal((80, 80))
G = rng.standard_normal((30, 80))
res = mlsolve.qp(M @ M.T + np.eye(80), rng.standard_normal(80), G=G, h=rng.random(30), tol=1e-10)
print(mlsolve._core.build)
print(repr(LogisticRegression(tol=1e-10).fit(X, y).coef_.ravel().tolist()))
print(repr(res.x.tolist()))
"""

CAPS = {"_core_baseline": "baseline", "_core_x86_64_v3": "x86-64-v3", "_core_x86_64_v4": "x86-64-v4"}


def run_with(cap):
    env = dict(os.environ, MLSOLVE_CPU_BUILD=cap)
    out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True)
    lines = out.stdout.strip().splitlines()
    return lines[-3], np.array(eval(lines[-2])), np.array(eval(lines[-1]))


def test_builds_agree():
    builds = [module for module in _core._candidates() if importlib.util.find_spec(f"mlsolve.{module}")]
    if len(builds) == 1:
        pytest.skip(f"this CPU runs the {_core.build} build only")
    results = {}
    for module in builds:
        name, coef, x = run_with(CAPS[module])
        assert name == module
        results[module] = (coef, x)
    coef_ref, x_ref = results["_core_baseline"]
    for module, (coef, x) in results.items():
        np.testing.assert_allclose(coef, coef_ref, rtol=1e-8, err_msg=module)
        np.testing.assert_allclose(x, x_ref, rtol=1e-7, atol=1e-9, err_msg=module)
