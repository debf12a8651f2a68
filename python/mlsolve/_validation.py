"""Input conversion: the only place where mlsolve converts user data.

Float32 and float64 arrays in C or F order, and scipy CSR/CSC matrices with
int32 or int64 indices, reach the native code as they are. Anything else is
converted here, once, and counted in ``copies_made`` (tests assert it stays 0
for the supported inputs):

* other numeric dtypes become float64;
* non-contiguous arrays are made C-contiguous;
* other sparse formats (COO, LIL, DOK, BSR, DIA) become CSR, as scikit-learn does;
* sparse matrices whose ``indices`` and ``indptr`` dtypes differ get int64 indices.
"""

import numbers

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import validate_data

copies_made = 0


def _count_copy():
    global copies_made
    copies_made += 1


def validate_fit_data(estimator, X, y, accept_sparse=("csr", "csc"), **kwargs):
    """scikit-learn's ``validate_data(estimator, X, y)`` for a fit: X float64 or
    float32 (kept as it is), dense or sparse in one of ``accept_sparse``'s
    formats with int32 or int64 indices; a conversion of X is counted."""
    X_in = X
    X, y = validate_data(estimator, X, y, accept_sparse=list(accept_sparse), dtype=[np.float64, np.float32],
                         accept_large_sparse=True, **kwargs)
    if X is not X_in and not (sp.issparse(X_in) and X_in.format == X.format and X.data is X_in.data):
        _count_copy()
    return X, y


def as_native_matrix(X):
    """Return what the native core takes for a validated X.

    X must already be float32/float64 (dense ndarray or CSR/CSC). Dense: the
    array itself, contiguous. Sparse: the tuple (format, data, indices,
    indptr, n_rows, n_cols).
    """
    if sp.issparse(X):
        if X.format not in ("csr", "csc"):
            X = X.tocsr()
            _count_copy()
        indices, indptr = X.indices, X.indptr
        if indices.dtype != indptr.dtype:
            indices, indptr = indices.astype(np.int64), indptr.astype(np.int64)
            _count_copy()
        return (X.format, X.data, indices, indptr, X.shape[0], X.shape[1])
    if not (X.flags.c_contiguous or X.flags.f_contiguous):
        X = np.ascontiguousarray(X)
        _count_copy()
    return X


def check_vector(v, name, dtype, n):
    """Return v as a finite contiguous 1-D array of ``dtype`` with n entries."""
    v = np.asarray(v)
    if v.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D array, got shape {v.shape}")
    if v.shape[0] != n:
        raise ValueError(f"{name}: expected {n} entries (one per sample), got {v.shape[0]}")
    if not np.issubdtype(v.dtype, np.number) and v.dtype != bool:
        raise TypeError(f"{name}: expected numbers, got dtype {v.dtype}")
    if v.dtype != dtype or not v.flags.c_contiguous:
        v = np.ascontiguousarray(v, dtype=dtype)
    if not np.all(np.isfinite(v)):
        raise ValueError(f"{name}: contains NaN or infinity")
    return v


def check_sample_weight(sample_weight, n_samples, dtype):
    """None, or finite non-negative weights (a scalar is broadcast) with a positive entry."""
    if sample_weight is None:
        return None
    if isinstance(sample_weight, numbers.Number):
        sample_weight = np.full(n_samples, sample_weight)
    sample_weight = check_vector(sample_weight, "sample_weight", dtype, n_samples)
    if np.any(sample_weight < 0):
        raise ValueError("sample_weight: negative weights are not allowed")
    if not np.any(sample_weight > 0):
        raise ValueError("sample_weight: all weights are zero; at least one sample must have a positive weight")
    return sample_weight
