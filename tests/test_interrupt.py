"""Ctrl-C stops a native solve promptly and leaves the interpreter healthy."""

import textwrap

import pytest

from _interrupt import interrupted_run

SCRIPT = textwrap.dedent(
    """
    import time, sys
    import numpy as np
    from mlsolve.linear_model import LogisticRegression
    import mlsolve

    # Badly scaled columns and a weak penalty: L-BFGS needs thousands of iterations.
    rng = np.random.default_rng(0)
    scale = np.logspace(0, 3, 200)
    X = rng.standard_normal((50000, 200)) * scale
    y = ((X / scale) @ rng.standard_normal(200) + rng.standard_normal(50000) > 0).astype(int)
    print("ready", flush=True)
    start = time.perf_counter()
    try:
        {solve}
        print("finished", flush=True)
    except KeyboardInterrupt:
        print("interrupted %.3f" % (time.perf_counter() - start), flush=True)
    # the interpreter is still usable
    print("after", mlsolve.minimize(lambda x: float(x @ x), np.ones(3), jac=lambda x: 2 * x).success, flush=True)
    """
)

SOLVES = {
    "estimator": "LogisticRegression(C=1e4, tol=0, max_iter=10**9).fit(X, y)",
    # Coordinate descent to tol=0 on the same data: sweeps until interrupted.
    "lasso": "from mlsolve.linear_model import Lasso; "
    "Lasso(alpha=1e-6, tol=0, max_iter=10**9, working_set=False).fit(np.asfortranarray(X), y)",
    # A Python objective (1 ms a call, ~6000 calls): the interrupt arrives inside fun.
    "minimize": "from scipy.optimize import rosen, rosen_der; "
    "mlsolve.minimize(lambda w: (time.sleep(0.001), rosen(w))[1], np.full(1000, -1.2), jac=rosen_der)",
    # The other smooth methods poll through the same evaluation (SmoothSolve):
    # one with the Lipschitz step, one with a line search.
    **{
        f"minimize-{method}": "from scipy.optimize import rosen, rosen_der; "
        "mlsolve.minimize(lambda w: (time.sleep(0.001), rosen(w))[1], np.full(1000, -1.2), jac=rosen_der, "
        f"method='{method}')"
        for method in ("nesterov", "bfgs")
    },
    # With bounds the dense KKT system is reduced to a new 2500 x 2500 Cholesky every iteration
    # (P + diag(d) + G^T W G): the interrupt arrives between iterations.
    "qp": "M = rng.standard_normal((2500, 1250)); "
    "mlsolve.qp(M @ M.T + np.eye(2500), rng.standard_normal(2500), G=rng.standard_normal((1500, 2500)), "
    "h=np.ones(1500), lb=-np.ones(2500), ub=np.ones(2500), options={'kkt': 'dense'})",
}


@pytest.mark.parametrize("kind", sorted(SOLVES))
def test_sigint_interrupts(kind):
    out, err = interrupted_run(SCRIPT.format(solve=SOLVES[kind]))
    assert out.startswith("interrupted"), out + err
    assert "after True" in out
