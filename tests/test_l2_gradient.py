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


# ----------------------------------------------------------------------------------------------
# The divergence warning: L = 2 σ_max(HᵀH) + 2λ without forming a D × D matrix
# ----------------------------------------------------------------------------------------------

def exact_hessian_max(H, lam, penalized):
    """The largest eigenvalue of the Hessian 2HᵀH + 2λP, by NumPy on the D × D matrix."""
    return np.linalg.eigvalsh(2 * H.T @ H + 2 * lam * np.diag(penalized.astype(float)))[-1]


@pytest.mark.parametrize("shape", [(30, 5), (5, 30), (12, 12), (1, 7), (9, 1)])
@pytest.mark.parametrize("exact_limit", [500, 0], ids=["exact", "power iteration"])
def test_curvature_bound_against_numpy(shape, exact_limit, monkeypatch):
    monkeypatch.setattr(lassolib.l2_gradient, "_EXACT_GRAM_SIZE", exact_limit)
    rng = np.random.default_rng(sum(shape))
    H = rng.standard_normal(shape) * rng.uniform(0.1, 10.0, shape[1])
    rtol = 1e-10 if exact_limit else 1e-4
    all_penalized = np.ones(shape[1], dtype=bool)
    for lam in (0.0, 0.7, 30.0):
        bound = lassolib.l2_gradient._curvature_bound(H, lam, all_penalized)
        assert bound == pytest.approx(exact_hessian_max(H, lam, all_penalized), rel=rtol)
    if shape[1] > 1:
        # with an unpenalized column it is an upper bound, within 2λ of the true curvature
        penalized = all_penalized.copy()
        penalized[0] = False
        exact = exact_hessian_max(H, 3.0, penalized)
        bound = lassolib.l2_gradient._curvature_bound(H, 3.0, penalized)
        assert exact * (1 - rtol) <= bound <= exact + 6.0


def test_curvature_bound_of_zero_and_extreme_matrices():
    bound = lassolib.l2_gradient._curvature_bound
    assert bound(np.zeros((3, 2)), 1.5, np.ones(2, bool)) == 3.0
    assert bound(np.zeros((3, 2)), 1.5, np.zeros(2, bool)) == 0.0
    rng = np.random.default_rng(0)
    H = rng.standard_normal((6, 3))
    for scale in (1e-200, 1e-150, 1e150):  # HᵀH would underflow / overflow if formed directly
        expected = exact_hessian_max(H, 0.0, np.ones(3, bool)) * scale**2
        assert bound(H * scale, 0.0, np.ones(3, bool)) == pytest.approx(expected, rel=1e-12)


def test_divergence_warning_never_decomposes_a_d_by_d_matrix(monkeypatch):
    """20 × 4000: the warning works on the 20 × 20 matrix HHᵀ (the D × D eigvalsh took 33 s)."""
    shapes = []
    original = np.linalg.eigvalsh

    def recording(a, *args, **kwargs):
        shapes.append(np.shape(a))
        return original(a, *args, **kwargs)

    monkeypatch.setattr(np.linalg, "eigvalsh", recording)
    rng = np.random.default_rng(1)
    H, y = rng.standard_normal((20, 4000)), rng.standard_normal(20)
    with pytest.warns(ConvergenceWarning, match="diverged") as record:
        ridge_gradient_descent(H, y, 1.0, step_size=1.0, n_iterations=1000)
    assert shapes and all(max(s) <= 20 for s in shapes), shapes
    message = str(record[0].message)
    L = np.linalg.svd(H, compute_uv=False)[0] ** 2 * 2 + 2.0  # exact, by an independent route
    assert f"2/L̄ = {2 / L:.3g}" in message
    assert f"1/L̄ = {1 / L:.3g}" in message


def test_divergence_warning_with_huge_values():
    """No LinAlgError from an overflowing HᵀH: H is scaled before any product."""
    rng = np.random.default_rng(2)
    H, y = rng.standard_normal((10, 3)) * 1e150, rng.standard_normal(10)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.warns(ConvergenceWarning, match="diverged") as record:
            ridge_gradient_descent(H, y, 0.0, step_size=1.0, n_iterations=10)
    L = 2 * np.linalg.svd(H / 1e150, compute_uv=False)[0] ** 2 * 1e300
    assert f"2/L̄ = {2 / L:.3g}" in str(record[0].message)


def test_the_step_limit_in_the_message_is_the_true_one(problem):
    """Just below 2/L gradient descent converges, just above it diverges (all columns penalized)."""
    H, y = problem(30, 4, seed=9)
    lam = 5.0
    with pytest.warns(ConvergenceWarning, match="diverged") as record:
        ridge_gradient_descent(H, y, lam, step_size=1.0, n_iterations=100)
    limit = float(str(record[0].message).split("2/L̄ = ")[1].split(",")[0])
    exact_limit = 2 / exact_hessian_max(H, lam, np.ones(4, bool))
    assert limit == pytest.approx(exact_limit, rel=1e-3)
    result = ridge_gradient_descent(H, y, lam, step_size=0.98 * exact_limit, n_iterations=100_000, tolerance=1e-9)
    assert result.converged
    with pytest.warns(ConvergenceWarning, match="diverged"):
        ridge_gradient_descent(H, y, lam, step_size=1.2 * exact_limit, n_iterations=100_000)


@pytest.mark.parametrize("factor", [1.001, 1.01, 1.1])
def test_a_step_just_above_the_limit_is_reported_as_divergence(problem, factor):
    """Just above 2/L the objective grows slowly (at 1.01 · 2/L on the book's problem it was
    2.6e57 after 3000 steps, below the overflow test); it first rises within a few steps, and a
    rise, which a step below 2/L never causes, is reported as a divergence, not as a budget
    that ran out (whose advice, a larger step, would be wrong)."""
    H, y = problem(60, 6, seed=11, intercept=True)
    lam = 1.0
    penalized = np.r_[False, np.ones(6, bool)]
    limit = 2 / exact_hessian_max(H, lam, penalized)
    with pytest.warns(ConvergenceWarning, match="diverged") as record:
        result = ridge_gradient_descent(H, y, lam, step_size=factor * limit, n_iterations=3000,
                                        unpenalized=(0,))
    assert len(record) == 1
    assert not result.converged
    assert result.n_iterations < 100
    history = result.objective_history
    assert np.all(np.isfinite(history)) and history.size == result.n_iterations + 1


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_no_false_divergence_just_below_the_limit(problem, seed):
    """At 0.999 · 2/L the objective falls at every step but by rounding, for thousands of steps,
    and the run converges to the closed form with no warning."""
    H, y = problem(60, 6, seed=seed, intercept=True)
    lam = 1.0
    penalized = np.r_[False, np.ones(6, bool)]
    limit = 2 / exact_hessian_max(H, lam, penalized)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        result = ridge_gradient_descent(H, y, lam, step_size=0.999 * limit, n_iterations=200_000,
                                        tolerance=1e-11, unpenalized=(0,))
    assert result.converged
    np.testing.assert_allclose(result.weights, ridge_closed_form(H, y, lam, unpenalized=(0,)),
                               rtol=0, atol=1e-8 * np.max(np.abs(result.weights)))


def test_the_budget_warning_names_the_step_limit(problem):
    H, y = problem(20, 4, seed=8)
    with pytest.warns(ConvergenceWarning, match="did not converge") as record:
        ridge_gradient_descent(H, y, 1.0, step_size=0.01 * step_bound(H, 1.0), n_iterations=5)
    L = 2 * np.linalg.svd(H, compute_uv=False)[0] ** 2 + 2.0  # the bound, by an independent route
    assert f"2/L̄ = {2 / L:.3g}" in str(record[0].message)


def test_an_objective_that_overflows_from_the_start_is_no_divergence():
    """With y near 1e160 the objective is inf from the start; that is not evidence of a rise, so
    a safe step still runs to convergence, with no warning of any kind."""
    rng = np.random.default_rng(0)
    H, y = rng.standard_normal((20, 3)), rng.standard_normal(20) * 1e160
    step = 1 / (2 * np.linalg.eigvalsh(H.T @ H).max() + 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = ridge_gradient_descent(H, y, 1.0, step_size=step, n_iterations=100_000,
                                        tolerance=1e150)
    assert result.converged
    expected = np.linalg.solve(H.T @ H + np.eye(3), H.T @ (y / 1e160))  # (w scales with y)
    np.testing.assert_allclose(result.weights / 1e160, expected, rtol=1e-6)


@pytest.mark.parametrize("seed", [30, 36, 39])
def test_no_false_divergence_from_large_cancelling_weights(seed):
    """Started at the least-squares answer of two nearly collinear columns (weights of 1e6 to
    1e12 that cancel), the objective's rounding is about ε (Σ|w_j|‖h_j‖)‖r‖, far above 1e-8 ‖y‖²;
    a step of 0.3 · 2/L was reported as a divergence at iteration 0 (an adversarial re-test found
    it). The rise margin now grows with (Σ|w_j|‖h_j‖)²."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 30))
    h = rng.standard_normal(n)
    eps = 10.0 ** -rng.uniform(8, 14)
    H = np.column_stack([h, h + eps * rng.standard_normal(n)]
                        + [rng.standard_normal(n) for _ in range(int(rng.integers(0, 3)))])
    y = rng.standard_normal(n) * 10.0 ** rng.uniform(-5, 5)
    w_ls = np.linalg.lstsq(H, y, rcond=None)[0]
    step = 0.3 * 2 / (2 * np.linalg.norm(H, 2) ** 2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ridge_gradient_descent(H, y, 0.0, step_size=step, n_iterations=500, w0=w_ls)
    assert not any("diverged" in str(w.message) for w in caught)
