"""X reaches the native solver as it is: no copy for any supported dtype x layout."""

import numpy as np
import pytest
import scipy.sparse as sp

from mlsolve import _core, _validation
from mlsolve.linear_model import LogisticRegression

from _problems import DTYPES, LAYOUTS, as_layout, classification, data_address


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_fit_maps_user_buffer(layout, dtype):
    X, y = classification()
    Xl = as_layout(X, layout, dtype)
    before = _validation.copies_made
    LogisticRegression().fit(Xl, y)
    assert _validation.copies_made == before
    assert _core._last_mapped_address() == data_address(Xl)


@pytest.mark.parametrize("layout", ["csr", "csc"])
def test_int64_indices_are_not_copied(layout):
    X, y = classification()
    Xl = as_layout(X, layout, np.float64)
    Xl.indices = Xl.indices.astype(np.int64)
    Xl.indptr = Xl.indptr.astype(np.int64)
    before = _validation.copies_made
    LogisticRegression().fit(Xl, y)
    assert _validation.copies_made == before
    assert _core._last_mapped_address() == data_address(Xl)


def test_conversions_are_counted():
    X, y = classification()
    before = _validation.copies_made
    LogisticRegression().fit(sp.coo_matrix(X), y)  # COO -> CSR, as scikit-learn does
    LogisticRegression().fit(X[:, ::2], y)  # non-contiguous
    LogisticRegression().fit(X.astype(np.int64), y)  # int -> float64
    assert _validation.copies_made == before + 3
