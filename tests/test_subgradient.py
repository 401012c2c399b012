"""Chapter 3: subgradients, the lasso subdifferential (KKT) and subgradient descent."""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lassolib import (
    ConvergenceWarning,
    abs_subdifferential,
    kkt_violation,
    lambda_max,
    lasso_coordinate_descent,
    lasso_objective,
    lasso_subdifferential,
    subgradient_descent,
)


def test_abs_subdifferential_three_cases():
    lower, upper = abs_subdifferential([-2.0, -1e-300, 0.0, -0.0, 1e-300, 3.0])
    np.testing.assert_array_equal(lower, [-1, -1, -1, -1, 1, 1])
    np.testing.assert_array_equal(upper, [-1, -1, 1, 1, 1, 1])


@given(w=st.floats(-100, 100), v=st.floats(-100, 100), t=st.floats(0, 1))
def test_abs_subdifferential_elements_are_subgradients(w, v, t):
    """Every g in [lower, upper] satisfies |v| ≥ |w| + g (v − w) (the definition)."""
    lower, upper = abs_subdifferential(w)
    g = float(lower + t * (upper - lower))
    assert abs(v) >= abs(w) + g * (v - w) - 1e-12 * (1 + abs(v) + abs(w))


def test_lasso_objective_by_hand():
    H = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    y = np.array([1.0, 2.0, 3.0])
    w = np.array([1.0, -1.0])
    # residual (0, 3, 3) → RSS 18; penalty λ(|1| + |−1|)
    assert lasso_objective(H, y, w, 0.5) == pytest.approx(18 + 0.5 * 2)
    assert lasso_objective(H, y, w, 0.5, unpenalized=(0,)) == pytest.approx(18 + 0.5 * 1)


def test_lasso_subdifferential_matches_normalized_formula(problem, unit, subdifferential):
    """math.md ch. 3 (normalized columns): −2ρ_j + 2w_j ∓ λ, and [−2ρ_j − λ, −2ρ_j + λ] at 0."""
    H, y = problem(15, 5, seed=1)
    H = unit(H)
    w = np.array([0.5, 0.0, -1.0, 0.0, 2.0])
    lam = 0.8
    lower, upper = lasso_subdifferential(H, y, w, lam)
    for j in range(5):
        rho_j = H[:, j] @ (y - H @ w + w[j] * H[:, j])
        if w[j] > 0:
            expected = (-2 * rho_j + 2 * w[j] + lam,) * 2
        elif w[j] < 0:
            expected = (-2 * rho_j + 2 * w[j] - lam,) * 2
        else:
            expected = (-2 * rho_j - lam, -2 * rho_j + lam)
        assert (lower[j], upper[j]) == pytest.approx(expected, rel=1e-12, abs=1e-12)
    # and with column 2 unpenalized: the single value g_2
    lower, upper = lasso_subdifferential(H, y, w, lam, unpenalized=(2,))
    g2 = -2 * H[:, 2] @ (y - H @ w)
    assert lower[2] == pytest.approx(g2) and upper[2] == pytest.approx(g2)


def test_kkt_violation_zero_exactly_where_zero_is_in_the_interval(problem):
    H, y = problem(15, 4, seed=2)
    w = np.zeros(4)
    lam_max = lambda_max(H, y)
    np.testing.assert_array_equal(kkt_violation(H, y, w, lam_max), 0.0)
    v = kkt_violation(H, y, w, 0.5 * lam_max)
    assert v.max() == pytest.approx(lam_max - 0.5 * lam_max, rel=1e-12)  # |g_j| − λ at the worst j
    assert np.all(v >= 0)


def sparse_problem(problem, unit):
    """A normalized problem (n > D) whose lasso solution at λ = 0.3 λ_max has zeros."""
    H, y = problem(50, 10, seed=3)
    H = unit(H)
    lam = 0.3 * lambda_max(H, y)
    return H, y, lam


def test_subgradient_descent_has_no_exact_zeros_but_coordinate_descent_does(problem, unit):
    H, y, lam = sparse_problem(problem, unit)
    cd = lasso_coordinate_descent(H, y, lam, tolerance=1e-12)
    n_zero = np.count_nonzero(cd.weights == 0.0)
    assert 1 <= n_zero < H.shape[1], "the test problem must have some exact zeros"
    step = 0.5 / (2 * np.linalg.eigvalsh(H.T @ H)[-1])
    gaps = []
    for n_iterations in (200, 2_000, 20_000):
        with pytest.warns(ConvergenceWarning, match="did not converge"):
            sg = subgradient_descent(H, y, lam, step_size=step, n_iterations=n_iterations)
        assert not sg.converged
        assert np.count_nonzero(sg.weights == 0.0) == 0
        gaps.append(lasso_objective(H, y, sg.weights, lam) - cd.objective)
    # its objective approaches coordinate descent's from above, slowly (like 1/√t)
    assert gaps[0] > gaps[1] > gaps[2] >= -1e-9 * cd.objective
    assert gaps[2] < 1e-3 * cd.objective
    # where the lasso has zeros, subgradient descent hovers near 0 (small, but not 0)
    assert np.max(np.abs(sg.weights[cd.weights == 0.0])) < 0.01
    np.testing.assert_allclose(sg.weights, cd.weights, atol=0.01)


def test_subgradient_descent_returns_the_best_iterate(problem, unit):
    H, y, lam = sparse_problem(problem, unit)
    step = 0.5 / (2 * np.linalg.eigvalsh(H.T @ H)[-1])
    with pytest.warns(ConvergenceWarning):
        sg = subgradient_descent(H, y, lam, step_size=step, n_iterations=500)
    assert lasso_objective(H, y, sg.weights, lam) == pytest.approx(sg.objective_history.min(), rel=1e-14)
    assert len(sg.objective_history) == sg.n_iterations + 1 == 501


def test_subgradient_descent_first_step_by_hand(problem):
    """Iteration 1: w ← w − η g with g = −2Hᵀ(y − Hw) + λ sign(w), sign(0) = 0."""
    H, y = problem(10, 3, seed=4)
    w0 = np.array([0.5, 0.0, -0.25])
    eta, lam = 0.01, 2.0
    with pytest.warns(ConvergenceWarning):
        sg = subgradient_descent(H, y, lam, step_size=eta, n_iterations=1, w0=w0)
    g = -2 * H.T @ (y - H @ w0) + lam * np.array([1.0, 0.0, -1.0])
    w1 = w0 - eta * g
    assert sg.objective_history[1] == pytest.approx(lasso_objective(H, y, w1, lam), rel=1e-13)


def test_subgradient_descent_can_converge_on_a_smooth_problem(problem):
    """With λ = 0 there is no kink: the steps shrink to 0 and the stopping rule is met."""
    H, y = problem(30, 3, seed=5)
    step = 0.5 / (2 * np.linalg.eigvalsh(H.T @ H)[-1])
    sg = subgradient_descent(H, y, 0.0, step_size=step, n_iterations=100_000, tolerance=1e-9)
    assert sg.converged
    ols, *_ = np.linalg.lstsq(H, y, rcond=None)
    np.testing.assert_allclose(sg.weights, ols, atol=1e-6)


def test_subgradient_descent_diverges_with_too_large_step(problem):
    H, y = problem(20, 4, seed=6)
    step = 100.0 / np.linalg.eigvalsh(H.T @ H)[-1]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no NumPy overflow warnings on the way
        with pytest.warns(ConvergenceWarning, match="diverged"):
            sg = subgradient_descent(H, y, 1.0, step_size=step, n_iterations=10_000)
    assert not sg.converged
    assert np.all(np.isfinite(sg.weights))


def test_subgradient_descent_objective_is_that_of_its_weights(problem, unit):
    H, y, lam = sparse_problem(problem, unit)
    step = 0.5 / (2 * np.linalg.eigvalsh(H.T @ H)[-1])
    with pytest.warns(ConvergenceWarning):
        sg = subgradient_descent(H, y, lam, step_size=step, n_iterations=2_000)
    assert sg.objective == pytest.approx(lasso_objective(H, y, sg.weights, lam), rel=1e-12)


def test_subgradient_descent_records_every_iterate_when_asked(problem):
    H, y = problem(30, 5, seed=3)
    step = 0.1 / (2 * np.linalg.eigvalsh(H.T @ H)[-1])
    lam = 0.5 * 2 * np.max(np.abs(H.T @ y))
    with pytest.warns(ConvergenceWarning):
        sg = subgradient_descent(H, y, lam, step_size=step, n_iterations=50, record_iterates=True)
    assert sg.iterates.shape == (51, 5)
    np.testing.assert_array_equal(sg.iterates[0], np.zeros(5))
    # Each row is one step of w ← w − η/√t · g from the previous row, g = ∇RSS + λ sign(w).
    for t in (1, 2, 50):
        w = sg.iterates[t - 1]
        g = -2 * H.T @ (y - H @ w) + lam * np.sign(w)
        np.testing.assert_allclose(sg.iterates[t], w - step / np.sqrt(t) * g, rtol=1e-12, atol=1e-14)
    # The objective history is that of the recorded iterates, and the result is the best of them.
    objectives = [lasso_objective(H, y, w, lam) for w in sg.iterates]
    np.testing.assert_allclose(sg.objective_history, objectives, rtol=1e-12)
    np.testing.assert_array_equal(sg.weights, sg.iterates[int(np.argmin(objectives))])
    with pytest.warns(ConvergenceWarning):
        assert subgradient_descent(H, y, lam, step_size=step, n_iterations=5).iterates is None
