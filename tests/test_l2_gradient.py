"""Chapter 1: RSS, its gradient, ridge (closed form and gradient descent).

References: numpy.linalg.solve of the normal equations, central finite differences, and the
definitions in math.md written out by hand.
"""

import warnings

import numpy as np
import pytest

import lassolib
from lassolib import (
    ConvergenceWarning,
    l2_penalty_gradient,
    ridge_closed_form,
    ridge_gradient_descent,
    ridge_objective,
    rss,
    rss_gradient,
)


def central_difference(f, w, h=1e-5):
    grad = np.empty_like(w)
    for j in range(w.size):
        e = np.zeros_like(w)
        e[j] = h
        grad[j] = (f(w + e) - f(w - e)) / (2 * h)
    return grad


def normal_equations(H, y, l2_penalty, unpenalized=()):
    """Solve (HᵀH + λ I_U) w = Hᵀy with I_U zero on the unpenalized diagonal entries."""
    I_U = np.eye(H.shape[1])
    for j in unpenalized:
        I_U[j, j] = 0.0
    return np.linalg.solve(H.T @ H + l2_penalty * I_U, H.T @ y)


def test_rss_by_hand():
    H = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    y = np.array([1.0, 0.0, -1.0])
    w = np.array([0.5, -1.0])
    # predictions: 0.5-2 = -1.5, 1.5-4 = -2.5, 2.5-6 = -3.5; residuals 2.5, 2.5, 2.5
    assert rss(H, y, w) == pytest.approx(3 * 2.5**2, rel=1e-15)
    assert isinstance(rss(H, y, w), float)


def test_rss_gradient_by_hand():
    H = np.array([[1.0, 0.0], [0.0, 2.0]])
    y = np.array([3.0, 4.0])
    w = np.array([1.0, 1.0])
    # residual = (2, 2); gradient = -2 Hᵀ r = -2 (2, 4)
    np.testing.assert_allclose(rss_gradient(H, y, w), [-4.0, -8.0], rtol=1e-15)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rss_gradient_matches_finite_differences(problem, seed):
    H, y = problem(15, 6, seed=seed)
    w = np.random.default_rng(seed + 10).standard_normal(6)
    numeric = central_difference(lambda v: rss(H, y, v), w)
    np.testing.assert_allclose(rss_gradient(H, y, w), numeric, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("unpenalized", [(), (0,), (1, 3)])
def test_l2_penalty_gradient_matches_finite_differences(unpenalized):
    w = np.array([0.3, -1.2, 2.0, 0.0, 5.5])
    lam = 0.7
    penalized = np.ones(w.size, bool)
    penalized[list(unpenalized)] = False
    penalty = lambda v: lam * np.sum(v[penalized] ** 2)  # noqa: E731
    numeric = central_difference(penalty, w)
    np.testing.assert_allclose(
        l2_penalty_gradient(w, lam, unpenalized=unpenalized), numeric, rtol=1e-7, atol=1e-8
    )
    # and the formula 2λw_j on penalized coordinates, 0 on the others
    expected = np.where(penalized, 2 * lam * w, 0.0)
    np.testing.assert_allclose(l2_penalty_gradient(w, lam, unpenalized=unpenalized), expected, rtol=1e-15)


def test_ridge_objective_is_rss_plus_penalty(problem):
    H, y = problem(12, 4, seed=3, intercept=True)
    w = np.array([1.0, -2.0, 0.5, 3.0, 0.0])
    r = y - H @ w
    assert ridge_objective(H, y, w, 2.5) == pytest.approx(r @ r + 2.5 * np.sum(w**2), rel=1e-13)
    assert ridge_objective(H, y, w, 2.5, unpenalized=(0,)) == pytest.approx(
        r @ r + 2.5 * np.sum(w[1:] ** 2), rel=1e-13
    )


@pytest.mark.parametrize(
    "n, D, lam, unpenalized",
    [(30, 5, 0.0, ()), (30, 5, 3.0, ()), (30, 5, 3.0, (0,)), (8, 20, 0.5, ()), (8, 20, 0.5, (0, 2))],
    # (n < D with λ > 0: HᵀH + λ I_U stays invertible while the unpenalized columns are independent),
)
def test_ridge_closed_form_matches_normal_equations(problem, n, D, lam, unpenalized):
    H, y = problem(n, D, seed=n + D, raw=True)
    expected = normal_equations(H, y, lam, unpenalized)
    got = ridge_closed_form(H, y, lam, unpenalized=unpenalized)
    np.testing.assert_allclose(got, expected, rtol=1e-7, atol=1e-9 * np.abs(expected).max())


def test_ridge_closed_form_is_stationary_point_of_objective(problem):
    H, y = problem(25, 6, seed=4, intercept=True)
    w = ridge_closed_form(H, y, 1.5, unpenalized=(0,))
    grad = rss_gradient(H, y, w) + l2_penalty_gradient(w, 1.5, unpenalized=(0,))
    assert np.max(np.abs(grad)) < 1e-9 * np.max(np.abs(H.T @ y))


def step_bound(H, lam):
    """1 / L, with L = 2 (largest eigenvalue of HᵀH) + 2λ the Lipschitz constant of the gradient."""
    return 1.0 / (2 * np.linalg.eigvalsh(H.T @ H)[-1] + 2 * lam)


@pytest.mark.parametrize("unpenalized", [(), (0,)])
def test_ridge_gradient_descent_reaches_closed_form(problem, unpenalized):
    H, y = problem(40, 5, seed=5, intercept=True)
    lam = 2.0
    result = ridge_gradient_descent(
        H, y, lam, step_size=0.9 * step_bound(H, lam), n_iterations=200_000, tolerance=1e-12,
        unpenalized=unpenalized,
    )
    assert result.converged
    assert result.n_iterations == len(result.max_step_history)
    assert len(result.objective_history) == result.n_iterations + 1
    expected = normal_equations(H, y, lam, unpenalized)
    np.testing.assert_allclose(result.weights, expected, atol=1e-8)
    # gradient descent with a step below 1/L decreases the objective at every iteration
    assert np.all(np.diff(result.objective_history) <= 1e-12 * result.objective_history[0])
    assert result.objective == pytest.approx(ridge_objective(H, y, result.weights, lam, unpenalized=unpenalized))


def test_ridge_gradient_descent_step_is_weight_decay(problem):
    """One iteration equals w ← (1 − 2ηλ) w + 2η Hᵀ(y − Hw), written out by hand."""
    H, y = problem(10, 3, seed=6)
    w0 = np.array([0.5, -1.0, 2.0])
    eta, lam = 0.01, 3.0
    with pytest.warns(ConvergenceWarning):
        result = ridge_gradient_descent(H, y, lam, step_size=eta, n_iterations=1, w0=w0)
    expected = (1 - 2 * eta * lam) * w0 + 2 * eta * H.T @ (y - H @ w0)
    np.testing.assert_allclose(result.weights, expected, rtol=1e-13)
    assert not result.converged


def test_ridge_gradient_descent_diverges_with_too_large_step(problem):
    H, y = problem(20, 4, seed=7)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no NumPy overflow warnings on the way
        with pytest.warns(ConvergenceWarning, match="step_size"):
            result = ridge_gradient_descent(H, y, 1.0, step_size=3 * step_bound(H, 1.0), n_iterations=100_000)
    assert result.converged is False
    assert np.all(np.isfinite(result.weights))


def test_ridge_gradient_descent_budget_warning(problem):
    H, y = problem(20, 4, seed=8)
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        result = ridge_gradient_descent(H, y, 1.0, step_size=0.01 * step_bound(H, 1.0), n_iterations=5)
    assert result.converged is False
    assert result.n_iterations == 5


def test_exported():
    for name in ["rss", "rss_gradient", "l2_penalty_gradient", "ridge_objective",
                 "ridge_closed_form", "ridge_gradient_descent"]:
        assert getattr(lassolib, name) is getattr(lassolib.l2_gradient, name)
