"""Chapter 2: normalizing features and the coordinate statistic ρ_j."""

import numpy as np
import pytest

from lassolib import (
    ConvergenceWarning,
    apply_normalization,
    lasso_coordinate_descent,
    normalize_features,
    rho,
    rss,
)


def test_normalize_features_reference_value():
    """math.md: normalize_features([[3,6,9],[4,8,12]]) → rows 0.6 and 0.8, norms 5, 10, 15."""
    H_normalized, norms = normalize_features([[3, 6, 9], [4, 8, 12]])
    np.testing.assert_allclose(H_normalized, [[0.6, 0.6, 0.6], [0.8, 0.8, 0.8]], rtol=1e-15)
    np.testing.assert_allclose(norms, [5.0, 10.0, 15.0], rtol=1e-15)


def test_normalized_columns_have_unit_norm_and_rebuild_H(problem):
    H, _ = problem(30, 7, seed=1, raw=True)
    H_normalized, norms = normalize_features(H)
    np.testing.assert_allclose((H_normalized**2).sum(axis=0), 1.0, rtol=1e-13)
    np.testing.assert_allclose(H_normalized * norms, H, rtol=1e-13)
    np.testing.assert_allclose(norms, np.linalg.norm(H, axis=0), rtol=1e-13)


def test_apply_normalization_uses_training_norms(problem):
    H, _ = problem(40, 5, seed=2, raw=True)
    train, test = H[:30], H[30:]
    _, norms = normalize_features(train)
    got = apply_normalization(test, norms)
    np.testing.assert_allclose(got, test / np.linalg.norm(train, axis=0), rtol=1e-14)
    # the test columns are not of unit norm: they were divided by the *training* norms
    assert not np.allclose((got**2).sum(axis=0), 1.0)


def test_apply_normalization_rejects_non_positive_norms():
    with pytest.raises(ValueError, match="norms"):
        apply_normalization([[1.0, 2.0]], [1.0, 0.0])


def test_normalize_features_rejects_a_zero_column():
    with pytest.raises(ValueError, match="zero-norm column.*column 1"):
        normalize_features([[1.0, 0.0, 2.0], [3.0, 0.0, 4.0]])


def rho_by_definition(H, y, w, j):
    """ρ_j = Σ_i h_j(x_i) (y_i − Σ_{k≠j} w_k h_k(x_i)), with explicit loops."""
    n, D = H.shape
    total = 0.0
    for i in range(n):
        prediction_without_j = sum(w[k] * H[i, k] for k in range(D) if k != j)
        total += H[i, j] * (y[i] - prediction_without_j)
    return total


@pytest.mark.parametrize("raw", [False, True])
def test_rho_matches_its_definition(problem, raw):
    H, y = problem(12, 5, seed=3, raw=raw)
    w = np.random.default_rng(0).standard_normal(5)
    for j in range(5):
        expected = rho_by_definition(H, y, w, j)
        assert rho(H, y, w, j) == pytest.approx(expected, rel=1e-11, abs=1e-11)


def test_rho_does_not_depend_on_w_j(problem):
    H, y = problem(10, 4, seed=4)
    w = np.array([1.0, 2.0, 3.0, 4.0])
    w2 = w.copy()
    w2[2] = -100.0
    assert rho(H, y, w, 2) == pytest.approx(rho(H, y, w2, 2), rel=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rss_partial_derivative_is_minus_two_rho_plus_two_w(problem, unit, seed):
    """On normalized columns ∂RSS/∂w_j = −2ρ_j + 2w_j (central finite differences)."""
    H, y = problem(20, 6, seed=seed)
    H = unit(H)
    w = np.random.default_rng(seed).standard_normal(6)
    h = 1e-5
    for j in range(6):
        e = np.zeros(6)
        e[j] = h
        numeric = (rss(H, y, w + e) - rss(H, y, w - e)) / (2 * h)
        assert numeric == pytest.approx(-2 * rho(H, y, w, j) + 2 * w[j], rel=1e-6, abs=1e-6)


def test_coordinate_minimizer_is_rho(problem, unit):
    """Along coordinate j the RSS (normalized columns) is minimized at w_j = ρ_j."""
    H, y = problem(20, 4, seed=5)
    H = unit(H)
    w = np.array([0.3, -0.7, 1.1, 2.0])
    for j in range(4):
        r = rho(H, y, w, j)
        best = w.copy()
        best[j] = r
        for delta in (-1e-3, 1e-3, 0.5, -0.5):
            other = best.copy()
            other[j] += delta
            assert rss(H, y, best) < rss(H, y, other)


@pytest.mark.parametrize("normalized", [True, False])
def test_coordinate_descent_with_zero_penalty_is_least_squares(problem, unit, normalized):
    H, y = problem(60, 8, seed=6, raw=not normalized, correlation=0.5)
    if normalized:
        H = unit(H)
    ols, *_ = np.linalg.lstsq(H, y, rcond=None)
    result = lasso_coordinate_descent(H, y, 0.0, tolerance=1e-13, max_sweeps=200_000)
    assert result.converged
    # tolerance: relative 1e-7 of the weights' size; coordinate descent's error after its last
    # sweep is of the order of its step tolerance times the condition number of HᵀH
    np.testing.assert_allclose(result.weights, ols, atol=1e-7 * np.abs(ols).max())


def test_coordinate_descent_budget_warning(problem, unit):
    H, y = problem(30, 6, seed=7, correlation=0.99)
    with pytest.warns(ConvergenceWarning):
        result = lasso_coordinate_descent(unit(H), y, 0.0, max_sweeps=2, tolerance=1e-14)
    assert not result.converged and result.n_sweeps == 2
