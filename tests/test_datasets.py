"""The data: diabetes (checked against scikit-learn's copy) and the synthetic sparse problem."""

import numpy as np
import pytest

from lassolib import Dataset, load_diabetes, make_sparse_regression


def test_diabetes_shape_and_names():
    data = load_diabetes()
    assert isinstance(data, Dataset)
    assert data.H.shape == (442, 10)
    assert data.y.shape == (442,)
    assert data.H.dtype == np.float64 and data.y.dtype == np.float64
    assert data.feature_names == ("age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6")
    assert "Efron" in data.description
    assert np.all(np.isfinite(data.H)) and np.all(np.isfinite(data.y))


def test_diabetes_raw_units():
    """Raw, not scaled: ages in years, sex coded 1/2, targets between 25 and 346 (Efron et al.)."""
    data = load_diabetes()
    assert 19 <= data.H[:, 0].min() and data.H[:, 0].max() <= 79
    assert set(np.unique(data.H[:, 1])) == {1.0, 2.0}
    assert data.y.min() == 25.0 and data.y.max() == 346.0


def test_diabetes_equals_sklearn():
    datasets = pytest.importorskip("sklearn.datasets")
    reference = datasets.load_diabetes(scaled=False)
    data = load_diabetes()
    np.testing.assert_array_equal(data.H, reference.data)
    np.testing.assert_array_equal(data.y, reference.target)
    assert list(data.feature_names) == list(reference.feature_names)


def test_diabetes_returns_fresh_arrays():
    first = load_diabetes()
    first.H[0, 0] = -1.0
    assert load_diabetes().H[0, 0] != -1.0


def test_sparse_regression_is_deterministic_by_seed():
    a = make_sparse_regression(50, 12, 4, seed=7)
    b = make_sparse_regression(50, 12, 4, seed=7)
    c = make_sparse_regression(50, 12, 4, seed=8)
    for x, z in zip(a, b):
        np.testing.assert_array_equal(x, z)
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize("n_nonzero", [0, 1, 5, 12])
def test_sparse_regression_support(n_nonzero):
    H, y, w_true = make_sparse_regression(40, 12, n_nonzero, seed=1)
    assert H.shape == (40, 12) and y.shape == (40,) and w_true.shape == (12,)
    assert np.count_nonzero(w_true) == n_nonzero
    nonzero = w_true[w_true != 0]
    assert np.all((np.abs(nonzero) >= 1.0) & (np.abs(nonzero) <= 3.0))


def test_sparse_regression_noise():
    H, y, w_true = make_sparse_regression(30, 5, 3, noise=0.0, seed=2)
    np.testing.assert_allclose(y, H @ w_true, rtol=1e-14)
    H, y, w_true = make_sparse_regression(20_000, 3, 2, noise=2.0, seed=3)
    assert np.std(y - H @ w_true) == pytest.approx(2.0, rel=0.03)


@pytest.mark.parametrize("c", [0.0, 0.5, 0.9, -0.6])
def test_sparse_regression_correlation_is_c_to_the_distance(c):
    H, _, _ = make_sparse_regression(20_000, 6, 2, correlation=c, seed=4)
    empirical = np.corrcoef(H, rowvar=False)
    distance = np.abs(np.subtract.outer(np.arange(6), np.arange(6)))
    # the standard error of a sample correlation is (1 − ρ²)/√n ≤ 0.007 at n = 20 000
    np.testing.assert_allclose(empirical, float(c) ** distance, atol=0.03)
    np.testing.assert_allclose(H.std(axis=0), 1.0, atol=0.03)  # unit variances
