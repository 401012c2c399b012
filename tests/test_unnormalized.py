"""Chapter 5: the update with z_j on raw features, and normalized lasso = weighted raw lasso."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lassolib import (
    coordinate_update,
    lambda_max,
    lasso_coordinate_descent,
    lasso_objective,
    normalize_features,
    normalized_to_raw_weights,
    raw_to_normalized_weights,
    weighted_lasso_objective,
)


def test_uw_reference_value():
    """math.md: one normalized step, j = 1, w = [1, 4], λ = 0.1 → 0.425558846691."""
    H = np.array([[3 / np.sqrt(13), 1 / np.sqrt(10)], [2 / np.sqrt(13), 3 / np.sqrt(10)]])
    assert coordinate_update(H, [1.0, 1.0], [1.0, 4.0], 1, 0.1) == pytest.approx(0.425558846691, abs=1e-12)


def update_by_cases(H, y, w, j, lam):
    """math.md, chapter 5: (ρ_j ± λ/2)/z_j, or 0, with z_j = Σ_i h_j(x_i)² (= Z_j², not Z_j)."""
    z_j = np.sum(H[:, j] ** 2)
    rho_j = sum(H[i, j] * (y[i] - sum(w[k] * H[i, k] for k in range(H.shape[1]) if k != j)) for i in range(H.shape[0]))
    if rho_j < -lam / 2:
        return (rho_j + lam / 2) / z_j
    if rho_j > lam / 2:
        return (rho_j - lam / 2) / z_j
    return 0.0


@pytest.mark.parametrize("lam", [0.0, 0.5, 5.0, 1e4])
def test_raw_update_matches_three_cases(problem, lam):
    H, y = problem(12, 4, seed=1, raw=True)
    w = np.array([0.1, -0.2, 0.3, 0.0])
    for j in range(4):
        expected = update_by_cases(H, y, w, j, lam)
        assert coordinate_update(H, y, w, j, lam) == pytest.approx(expected, rel=1e-10, abs=1e-14)


def test_raw_update_minimizes_along_the_coordinate(problem):
    H, y = problem(12, 4, seed=2, raw=True)
    w = np.array([0.1, -0.2, 0.3, 0.0])
    lam = 3.0
    for j in range(4):
        best = w.copy()
        best[j] = coordinate_update(H, y, w, j, lam)
        step = 1e-4 / np.sqrt(np.sum(H[:, j] ** 2))
        for delta in (step, -step):
            other = best.copy()
            other[j] += delta
            assert lasso_objective(H, y, best, lam) <= lasso_objective(H, y, other, lam)


def test_update_unpenalized_and_zero_column():
    H = np.array([[1.0, 0.0, 2.0], [2.0, 0.0, 1.0], [3.0, 0.0, 0.0]])
    y = np.array([1.0, 2.0, 2.0])
    w = np.array([0.0, 5.0, 0.5])
    assert coordinate_update(H, y, w, 1, 0.3) == 0.0  # z_1 = 0
    # unpenalized: least-squares update ρ_0 / z_0
    rho_0 = H[:, 0] @ (y - H[:, 2] * 0.5 - H[:, 1] * 5.0)
    assert coordinate_update(H, y, w, 0, 100.0, unpenalized=(0,)) == pytest.approx(rho_0 / 14.0)


def test_update_does_not_modify_w():
    H = np.array([[1.0, 2.0], [3.0, 4.0]])
    w = np.array([1.0, 1.0])
    coordinate_update(H, [1.0, 0.0], w, 0, 0.1)
    np.testing.assert_array_equal(w, [1.0, 1.0])


def test_weight_maps_are_inverse_and_preserve_predictions(problem):
    H, y = problem(10, 4, seed=3, raw=True)
    H_normalized, norms = normalize_features(H)
    w_normalized = np.array([1.0, -2.0, 0.0, 0.5])
    w_raw = normalized_to_raw_weights(w_normalized, norms)
    np.testing.assert_allclose(w_raw, w_normalized / np.linalg.norm(H, axis=0), rtol=1e-14)
    np.testing.assert_allclose(raw_to_normalized_weights(w_raw, norms), w_normalized, rtol=1e-14)
    np.testing.assert_allclose(H @ w_raw, H_normalized @ w_normalized, rtol=1e-12, atol=1e-12)


def test_weighted_objective_by_hand():
    H = np.eye(2)
    y = np.array([1.0, 1.0])
    w = np.array([2.0, -1.0])
    # RSS = 1 + 4 = 5; penalty λ (3·2 + 0.5·1)
    assert weighted_lasso_objective(H, y, w, 2.0, [3.0, 0.5]) == pytest.approx(5 + 2 * 6.5)
    assert weighted_lasso_objective(H, y, w, 2.0, [3.0, 0.5], unpenalized=(0,)) == pytest.approx(5 + 2 * 0.5)


def test_weighted_objective_with_norms_is_normalized_objective(problem):
    H, y = problem(15, 5, seed=4, raw=True)
    H_normalized, norms = normalize_features(H)
    w_normalized = np.array([0.5, 0.0, -1.5, 2.0, 0.1])
    w_raw = normalized_to_raw_weights(w_normalized, norms)
    assert weighted_lasso_objective(H, y, w_raw, 1.3, norms) == pytest.approx(
        lasso_objective(H_normalized, y, w_normalized, 1.3), rel=1e-12
    )


@given(
    seed=st.integers(0, 10_000),
    n=st.integers(4, 30),
    D=st.integers(1, 12),
    fraction=st.floats(0.01, 1.2),
    intercept=st.booleans(),
)
def test_property_normalized_lasso_is_weighted_raw_lasso(seed, n, D, fraction, intercept):
    """Fit on normalized columns, map back to raw weights: that point minimizes the weighted lasso
    RSS + λ Σ_j Z_j |w_j| on the raw columns (its KKT condition holds, and perturbations do worse)."""
    from conftest import kkt_distance, make_problem

    H, y = make_problem(n, D, seed=seed, raw=True, intercept=intercept)
    unpenalized = (0,) if intercept else ()
    H_normalized, norms = normalize_features(H)
    lam = fraction * lambda_max(H_normalized, y, unpenalized=unpenalized)
    result = lasso_coordinate_descent(
        H_normalized, y, lam, tolerance=1e-10, max_sweeps=10**6, unpenalized=unpenalized
    )
    w_raw = normalized_to_raw_weights(result.weights, norms)

    # KKT of the weighted problem: coordinate j's interval is Z_j times the normalized one,
    # so its violation is at most Z_j times the normalized bound. The solver certifies its
    # duality gap, and a violation v_j of a unit-norm column allows a decrease of v_j²/4 along
    # it, so v_j <= 2 sqrt(gap) (plus rounding).
    c = norms.copy()
    c[list(unpenalized)] = 0.0
    bound = norms * (2.0 * np.sqrt(result.gap) + 1e-9 * max(1.0, np.abs(H_normalized.T @ y).max()))
    assert np.all(kkt_distance(H, y, w_raw, lam, c) <= bound)

    # perturbations along each coordinate do not lower the weighted objective
    base = weighted_lasso_objective(H, y, w_raw, lam, norms, unpenalized=unpenalized)
    for j in range(H.shape[1]):
        for delta in (1e-3, -1e-3):
            other = w_raw.copy()
            other[j] += delta / norms[j]
            assert base <= weighted_lasso_objective(H, y, other, lam, norms, unpenalized=unpenalized) + 1e-9 * base


def test_normalizing_changes_which_features_are_selected():
    """math.md: lasso on normalized features is a different problem from lasso on raw features.

    Two equally informative features, one recorded in small units (a large column): the raw lasso
    prefers the large column (a small weight costs little penalty); the normalized lasso treats
    both alike.
    """
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(200), rng.standard_normal(200)
    y = a + b + 0.1 * rng.standard_normal(200)
    H = np.column_stack([a, 100.0 * b])
    lam = 0.5 * lambda_max(H, y)
    w_raw_fit = lasso_coordinate_descent(H, y, lam).weights
    assert w_raw_fit[0] == 0.0 and w_raw_fit[1] != 0.0
    H_normalized, norms = normalize_features(H)
    lam_n = 0.5 * lambda_max(H_normalized, y)
    w_normalized = lasso_coordinate_descent(H_normalized, y, lam_n).weights
    assert np.all(w_normalized != 0.0)
