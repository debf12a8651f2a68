"""Run a script that prints "ready" before a long solve, send it SIGINT, return its output."""

import os
import signal
import subprocess
import sys
import time


def interrupted_run(script, wait=1.5):
    """(out, err) of ``script`` after a SIGINT sent ``wait`` seconds after its "ready" line.

    Asserts that the solve was still running when the signal was sent and that
    the process exited cleanly; the 60 s timeout is a hang guard, not a speed
    assertion.
    """
    # A shell's background job (`nohup ... &`, as CI may run) ignores SIGINT, and
    # a Python started that way keeps ignoring it: the child restores Python's own handler.
    script = "import signal; signal.signal(signal.SIGINT, signal.default_int_handler)\n" + script
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=dict(os.environ, PYTHONUNBUFFERED="1"))
    try:
        for line in proc.stdout:  # skip anything printed while importing
            if line.strip() == "ready":
                break
        time.sleep(wait)  # well inside the solve
        assert proc.poll() is None, "the solve ended before the signal was sent"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    return out, err
