"""Chapter 6: the regularization path and cross-validation.

scikit-learn tolerance: as in test_coordinate_descent.py, 1e-8 · max(1, max |w_sklearn|) per row
(measured: 1.2e-9 on the n < D path, 5e-12 on the raw path with an intercept).
"""

import numpy as np
import pytest

from lassolib import (
    ConvergenceWarning,
    certificate,
    cross_validate,
    lambda_max,
    lasso_coordinate_descent,
    lasso_path,
    penalty_grid,
)


def test_penalty_grid_is_decreasing_log_spaced():
    grid = penalty_grid(10.0, n_penalties=5, min_ratio=1e-4)
    np.testing.assert_allclose(grid, [10.0, 1.0, 0.1, 0.01, 0.001], rtol=1e-12)
    assert grid[0] == 10.0
    assert np.all(penalty_grid(0.0, n_penalties=3) == 0.0)


@pytest.mark.parametrize("intercept", [False, True])
def test_default_path(problem, unit, intercept):
    H, y = problem(40, 10, seed=1, intercept=intercept)
    unpenalized = (0,) if intercept else ()
    penalties, weights = lasso_path(H, y, n_penalties=30, unpenalized=unpenalized)
    assert penalties.shape == (30,) and weights.shape == (30, H.shape[1])
    assert np.all(np.diff(penalties) < 0), "penalties must be strictly decreasing"
    lam_max = lambda_max(H, y, unpenalized=unpenalized)
    assert penalties[0] == pytest.approx(lam_max, rel=1e-12)
    assert penalties[-1] == pytest.approx(1e-3 * lam_max, rel=1e-9)
    penalized = np.ones(H.shape[1], bool)
    penalized[list(unpenalized)] = False
    assert np.all(weights[0, penalized] == 0.0)
    assert np.count_nonzero(weights[-1, penalized]) > 0


@pytest.mark.parametrize("intercept", [False, True])
def test_kkt_holds_on_every_row_of_the_path(problem, kkt_distance_of, intercept):
    """Each row's certified gap bounds its KKT violation: v_j ≤ 2 sqrt(z_j · gap) (see
    test_coordinate_descent.py), and the gap is the certificate's."""
    H, y = problem(30, 12, seed=12, raw=True, correlation=0.5, intercept=intercept)
    unpenalized = (0,) if intercept else ()
    tolerance = 1e-10
    penalties, weights, results = lasso_path(
        H, y, n_penalties=20, tolerance=tolerance, max_sweeps=10**6, unpenalized=unpenalized,
        return_results=True,
    )
    c = np.ones(H.shape[1])
    c[list(unpenalized)] = 0.0
    z = (H**2).sum(axis=0)
    for lam, row, result in zip(penalties, weights, results):
        assert result.converged and result.relative_gap <= tolerance
        reference = certificate(H, y, row, lam, unpenalized=unpenalized)
        # the certificate (its own dual points) certifies the row too, at least as tightly
        assert reference.relative_gap <= tolerance
        assert reference.gap <= result.gap * (1 + 1e-6) + 1e-13 * (y @ y)
        bound = 2.0 * np.sqrt(z * result.gap) + 1e-9 * max(1.0, np.abs(H.T @ y).max())
        assert np.all(kkt_distance_of(H, y, row, lam, c) <= bound)


@pytest.mark.parametrize("intercept", [False, True])
def test_each_row_matches_a_cold_start(problem, unit, intercept):
    """Each row of the path and a cold start at the same λ are the same answer, as close as their
    two certificates allow: H has full column rank, so P(w) − P* ≥ σ_min²‖w − w*‖², and each is
    within sqrt(gap)/σ_min of the minimizer (on these raw, ill-conditioned columns a gap at the
    rounding floor pins the weights only to ~1e-7 relative; well inside that bound)."""
    H, y = problem(30, 8, seed=2, correlation=0.7, intercept=intercept, raw=True)
    unpenalized = (0,) if intercept else ()
    sigma_min = np.linalg.svd(H, compute_uv=False)[-1]
    penalties, weights, results = lasso_path(
        H, y, n_penalties=15, tolerance=1e-16, max_sweeps=10**6, unpenalized=unpenalized,
        return_results=True,
    )
    for lam, row, result in zip(penalties, weights, results):
        cold = lasso_coordinate_descent(
            H, y, lam, tolerance=1e-16, max_sweeps=10**6, unpenalized=unpenalized
        )
        assert result.converged and cold.converged
        bound = (np.sqrt(result.gap) + np.sqrt(cold.gap)) / sigma_min
        distance = np.linalg.norm(row - cold.weights)
        assert distance <= bound * (1 + 1e-6) + 1e-12 * max(1.0, np.abs(cold.weights).max()), (
            f"λ = {lam:.3g}: rows {distance:.2e} apart, certificates allow {bound:.2e}")
        # and on these problems that is close: 1e-6 of the largest weight
        np.testing.assert_allclose(row, cold.weights, atol=1e-6 * max(1.0, np.abs(cold.weights).max()))


def test_path_agrees_with_sklearn(problem, unit, sklearn_reference, record_property):
    H, y = problem(25, 40, seed=3)
    H = unit(H)
    # A relative gap ε puts the fitted values within sqrt(ε·P) of the optimum (the weights within
    # that over the smallest singular value): comparing weights to 1e-8 asks for the rounding floor.
    penalties, weights = lasso_path(H, y, n_penalties=10, min_ratio=1e-2, tolerance=1e-16, max_sweeps=10**6)
    worst = 0.0
    for lam, row in zip(penalties, weights):
        reference = sklearn_reference(H, y, lam)
        difference = np.abs(row - reference).max()
        worst = max(worst, difference)
        assert difference <= 1e-8 * max(1.0, np.abs(reference).max())
    record_property("max_abs_difference", float(worst))


def test_path_with_intercept_agrees_with_sklearn(problem, sklearn_reference, record_property):
    H, y = problem(50, 8, seed=4, raw=True, intercept=True)
    # A relative gap ε puts the fitted values within sqrt(ε·P) of the optimum (the weights within
    # that over the smallest singular value): comparing weights to 1e-8 asks for the rounding floor.
    # (1e-15, not 1e-16: below the floor of these raw columns a fit whose dual points stall just
    # above it runs to max_sweeps and warns, although its weights are 1e-13 from scikit-learn's.)
    penalties, weights = lasso_path(
        H, y, n_penalties=10, min_ratio=1e-2, tolerance=1e-15, max_sweeps=10**6, unpenalized=(0,)
    )
    worst = 0.0
    for lam, row in zip(penalties, weights):
        reference = sklearn_reference(H, y, lam, intercept=True)
        difference = np.abs(row - reference).max()
        worst = max(worst, difference)
        assert difference <= 1e-8 * max(1.0, np.abs(reference).max())
    record_property("max_abs_difference", float(worst))


def test_user_penalties_are_sorted_decreasing(problem, unit):
    H, y = problem(30, 6, seed=5)
    H = unit(H)
    lam_max = lambda_max(H, y)
    given = np.array([0.1, 2.0, 0.5, 0.01]) * lam_max
    before = given.copy()
    penalties, weights = lasso_path(H, y, given, tolerance=1e-12)
    np.testing.assert_array_equal(given, before)  # not sorted in place
    np.testing.assert_array_equal(penalties, np.sort(given)[::-1])
    for lam, row in zip(penalties, weights):
        cold = lasso_coordinate_descent(H, y, lam, tolerance=1e-12).weights
        np.testing.assert_allclose(row, cold, atol=1e-9)
    assert np.all(weights[0] == 0.0)  # 2 λ_max


def test_return_results(problem):
    H, y = problem(30, 6, seed=6)
    penalties, weights, results = lasso_path(H, y, n_penalties=5, return_results=True)
    assert len(results) == 5
    for row, result in zip(weights, results):
        np.testing.assert_array_equal(row, result.weights)
        assert result.converged
    assert results[0].n_sweeps == 0  # λ_max: the all-zero answer needs no sweep


def test_path_budget_warning(problem, unit):
    H, y = problem(30, 10, seed=7, correlation=0.95)
    with pytest.warns(ConvergenceWarning, match="lasso_path"):
        lasso_path(unit(H), y, n_penalties=5, max_sweeps=1, tolerance=1e-14)


def test_cross_validate_shapes_and_determinism(problem):
    H, y = problem(60, 8, seed=8, intercept=True)
    lam_max = lambda_max(H, y, unpenalized=(0,))
    given = [0.01 * lam_max, lam_max, 0.1 * lam_max]
    penalties, mse = cross_validate(H, y, given, n_folds=4, seed=3, unpenalized=(0,))
    assert penalties.shape == (3,) and mse.shape == (4, 3)
    np.testing.assert_array_equal(penalties, np.sort(given)[::-1])
    assert np.all(mse > 0) and np.all(np.isfinite(mse))
    again = cross_validate(H, y, given, n_folds=4, seed=3, unpenalized=(0,))
    np.testing.assert_array_equal(again[1], mse)
    other = cross_validate(H, y, given, n_folds=4, seed=4, unpenalized=(0,))
    assert not np.array_equal(other[1], mse)


def test_cross_validate_by_hand(problem):
    """Fold errors recomputed from the definition: shuffle with the seed, split, fit, score."""
    H, y = problem(30, 4, seed=9)
    lam = 0.2 * lambda_max(H, y)
    _, mse = cross_validate(H, y, [lam], n_folds=3, seed=0)
    order = np.random.default_rng(0).permutation(30)
    for k, held_out in enumerate(np.array_split(order, 3)):
        train = np.setdiff1d(np.arange(30), held_out)
        w = lasso_coordinate_descent(H[train], y[train], lam).weights
        expected = np.mean((y[held_out] - H[held_out] @ w) ** 2)
        assert mse[k, 0] == pytest.approx(expected, rel=1e-6)


def test_cross_validate_all_zero_penalty_scores_the_constant_model(problem):
    H, y = problem(40, 5, seed=10, intercept=True)
    lam_max = lambda_max(H, y, unpenalized=(0,))
    _, mse = cross_validate(H, y, [10 * lam_max], n_folds=5, seed=1, unpenalized=(0,))
    order = np.random.default_rng(1).permutation(40)
    for k, held_out in enumerate(np.array_split(order, 5)):
        train = np.setdiff1d(order, held_out)
        assert mse[k, 0] == pytest.approx(np.mean((y[held_out] - y[train].mean()) ** 2), rel=1e-10)


def test_cross_validate_without_penalties_uses_one_grid_for_all_folds(problem):
    H, y = problem(40, 6, seed=11)
    try:
        penalties, mse = cross_validate(H, y, None, n_folds=4, seed=0)
    except ValueError as error:  # rejecting None is a fix too
        assert "l1_penalties" in str(error)
        return
    _, expected = cross_validate(H, y, penalties, n_folds=4, seed=0)
    np.testing.assert_allclose(mse, expected, rtol=1e-6)
