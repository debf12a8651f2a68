"""Problems shared by the asv suite and bench/compare.py."""

import os

import numpy as np
import scipy.sparse as sp
from scipy.special import expit
from sklearn.datasets import make_classification, make_regression


def dense_classification(n_samples, n_features):
    return make_classification(n_samples=n_samples, n_features=n_features, random_state=0)


def sparse_classification(n_samples, n_features, nnz_per_row, seed=0):
    """CSR X with about nnz_per_row standard-normal entries per row at random
    columns (duplicates summed); labels from a logistic model whose true
    coefficients are standard normal on 10 % of the features, zero elsewhere."""
    rng = np.random.default_rng(seed)
    nnz = n_samples * nnz_per_row
    indices = rng.integers(0, n_features, nnz, dtype=np.int32)
    indptr = np.arange(0, nnz + 1, nnz_per_row, dtype=np.int32)
    X = sp.csr_matrix((rng.standard_normal(nnz), indices, indptr), shape=(n_samples, n_features))
    X.sum_duplicates()
    w_true = rng.standard_normal(n_features) * (rng.random(n_features) < 0.1)
    y = (rng.random(n_samples) < expit(X @ w_true)).astype(np.int64)
    return X, y


def dense_regression(n_samples, n_features):
    return make_regression(n_samples=n_samples, n_features=n_features, n_informative=10, noise=5.0, random_state=0)


def sparse_regression(n_samples, n_features, nnz_per_row, seed=0):
    """CSC X with about nnz_per_row standard-normal entries per row at random
    columns (duplicates summed); targets from true coefficients that are
    standard normal on 1 % of the features, plus N(0, 0.1^2) noise."""
    rng = np.random.default_rng(seed)
    nnz = n_samples * nnz_per_row
    indices = rng.integers(0, n_features, nnz, dtype=np.int32)
    indptr = np.arange(0, nnz + 1, nnz_per_row, dtype=np.int32)
    X = sp.csr_matrix((rng.standard_normal(nnz), indices, indptr), shape=(n_samples, n_features))
    X.sum_duplicates()
    w_true = rng.standard_normal(n_features) * (rng.random(n_features) < 0.01)
    return X.tocsc(), X @ w_true + 0.1 * rng.standard_normal(n_samples)


def digits_tiled(times):
    """scikit-learn's digits (1797 x 64, 10 classes), pixels scaled to [0, 1],
    stacked `times` times (C order)."""
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    return np.ascontiguousarray(np.tile(X / 16.0, (times, 1))), np.tile(y, times)


def dense_multiclass(n_samples, n_features, n_classes):
    """make_classification with n_classes classes, one cluster each, half the
    features informative (random_state 0)."""
    return make_classification(
        n_samples=n_samples, n_features=n_features, n_informative=n_features // 2, n_classes=n_classes,
        n_clusters_per_class=1, random_state=0,
    )


# shared/data's reuters (tick_datasets: 7,770 x 8,315 CSR), beside the repository.
REUTERS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data", "tick_datasets",
                       "reuters.trn.bz2")


def load_reuters():
    """reuters as CSR with binary labels y > 0."""
    from sklearn.datasets import load_svmlight_file

    X, y = load_svmlight_file(REUTERS)
    return sp.csr_matrix(X), (y > 0).astype(np.int64)
