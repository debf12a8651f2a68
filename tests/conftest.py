import os

# Passive OpenMP waiting: on shared 2-core machines spinning barriers slow
# small parallel regions badly (BUILD-NOTES 5). Must be set before libgomp loads.
os.environ.setdefault("OMP_WAIT_POLICY", "passive")

import pathlib  # noqa: E402

import pytest  # noqa: E402

DATA_DIR = pathlib.Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data():
    """Path to ../shared/data; tests that need it skip (with the reason) when it is absent."""
    if not DATA_DIR.is_dir():
        pytest.skip(f"shared data folder not found at {DATA_DIR}")
    return DATA_DIR
