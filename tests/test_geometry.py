"""Chapter 7: the constrained solvers against independent references.

References: scipy.optimize.minimize (SLSQP) with the constraint written out, a brute-force search
over a fine grid of the diamond's boundary, the penalized solvers of earlier chapters
(lasso_coordinate_descent, ridge_closed_form) through the duality theorem, and KKT conditions.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize

from lassolib import lasso_coordinate_descent, make_sparse_regression, ridge_closed_form
from lassolib.geometry import (
    _l1_bisection,
    budget_regime,
    exact_zero_frequency,
    l1_constrained_least_squares,
    l1_multiplier,
    l2_constrained_least_squares,
    l2_multiplier,
    least_squares,
    random_problem,
    rss_grid,
)


def problem(n_features=2, seed=0, n_samples=40):
    return random_problem(np.random.default_rng(seed), n_samples, n_features)


def rss(H, y, w):
    r = y - H @ w
    return float(r @ r)


def scipy_constrained(H, y, budget, kind):
    """SLSQP reference; the L1 ball written as 2^D linear-free smooth split w = u - v, u, v >= 0."""
    D = H.shape[1]
    if kind == "l1":
        # w = u - v with u, v >= 0 and sum(u + v) <= t: a smooth problem with linear constraints.
        def f(x):
            return rss(H, y, x[:D] - x[D:])

        result = minimize(
            f, np.zeros(2 * D), method="SLSQP", bounds=[(0, None)] * (2 * D),
            constraints=[{"type": "ineq", "fun": lambda x: budget - x.sum()}],
            options={"ftol": 1e-14, "maxiter": 1000},
        )
        return result.x[:D] - result.x[D:]
    result = minimize(
        lambda w: rss(H, y, w), np.zeros(D), method="SLSQP",
        constraints=[{"type": "ineq", "fun": lambda w: budget**2 - w @ w}],
        options={"ftol": 1e-14, "maxiter": 1000},
    )
    return result.x


# --- the L1 solver ----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("fraction", [0.1, 0.4, 0.8])
def test_l1_2d_matches_scipy(seed, fraction):
    H, y = problem(2, seed)
    t = fraction * np.abs(np.linalg.lstsq(H, y, rcond=None)[0]).sum()
    w = l1_constrained_least_squares(H, y, t)
    reference = scipy_constrained(H, y, t, "l1")
    assert rss(H, y, w) <= rss(H, y, reference) + 1e-8 * rss(H, y, reference)
    np.testing.assert_allclose(w, reference, atol=1e-5)
    assert np.abs(w).sum() == pytest.approx(t, rel=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_l1_2d_beats_a_fine_grid_on_the_boundary(seed):
    H, y = problem(2, seed + 10)
    t = 0.5 * np.abs(np.linalg.lstsq(H, y, rcond=None)[0]).sum()
    # Every point of the diamond's boundary, parametrized by angle-like arc length, 40001 points.
    s = np.linspace(0.0, 4.0, 40_001)
    corners = t * np.array([[1, 0], [0, 1], [-1, 0], [0, -1], [1, 0]], dtype=float)
    k = np.minimum(s.astype(int), 3)
    frac = (s - k)[:, None]
    points = (1 - frac) * corners[k] + frac * corners[k + 1]
    values = np.sum((y[None, :] - points @ H.T) ** 2, axis=1)
    w = l1_constrained_least_squares(H, y, t)
    assert rss(H, y, w) <= values.min() + 1e-12 * values.min()
    np.testing.assert_allclose(w, points[np.argmin(values)], atol=t * 4 / 40_000 * 2)


@pytest.mark.parametrize("n_features", [3, 6, 10])
def test_l1_any_dimension_matches_scipy(n_features):
    H, y = problem(n_features, seed=3)
    t = 0.4 * np.abs(np.linalg.lstsq(H, y, rcond=None)[0]).sum()
    w = l1_constrained_least_squares(H, y, t)
    reference = scipy_constrained(H, y, t, "l1")
    assert np.abs(w).sum() == pytest.approx(t, rel=1e-9)
    assert rss(H, y, w) <= rss(H, y, reference) * (1 + 1e-8)
    np.testing.assert_allclose(w, reference, atol=1e-4)


@pytest.mark.parametrize("n_features", [2, 5, 10])
@pytest.mark.parametrize("ratio", [0.05, 0.3, 0.7])
def test_penalized_to_constrained_equivalence_l1(n_features, ratio):
    """Theorem (chapter 7): ŵ_λ solves the constrained problem with t = ‖ŵ_λ‖₁."""
    H, y, _ = make_sparse_regression(60, n_features, min(2, n_features), correlation=0.5, seed=n_features)
    l1_penalty = ratio * 2 * np.max(np.abs(H.T @ y))
    w_pen = lasso_coordinate_descent(H, y, l1_penalty, tolerance=1e-13).weights
    w_con = l1_constrained_least_squares(H, y, np.abs(w_pen).sum())
    np.testing.assert_allclose(w_con, w_pen, atol=1e-9)
    # ... and back: the multiplier of the constrained solution is the λ we started from.
    assert l1_multiplier(H, y, w_con) == pytest.approx(l1_penalty, rel=1e-7)
    # Same exact zeros.
    np.testing.assert_array_equal(w_con == 0.0, w_pen == 0.0)


@pytest.mark.parametrize("seed", range(4))
def test_l1_kkt(seed):
    """At the constrained solution: ∇RSS = −λ·g with g ∈ ∂‖w‖₁ and λ >= 0."""
    H, y = problem(4, seed)
    t = 0.3 * np.abs(np.linalg.lstsq(H, y, rcond=None)[0]).sum()
    w = l1_constrained_least_squares(H, y, t)
    correlation = 2 * H.T @ (y - H @ w)  # −∇RSS
    lam = np.max(np.abs(correlation))
    assert lam > 0
    nonzero = w != 0
    np.testing.assert_allclose(correlation[nonzero], lam * np.sign(w[nonzero]), rtol=1e-7)
    assert np.all(np.abs(correlation[~nonzero]) <= lam * (1 + 1e-9))


def test_l1_large_budget_returns_least_squares_and_zero_budget_returns_zeros():
    H, y = problem(2, 5)
    w_ls = np.linalg.lstsq(H, y, rcond=None)[0]
    np.testing.assert_allclose(l1_constrained_least_squares(H, y, np.abs(w_ls).sum()), w_ls)
    np.testing.assert_allclose(l1_constrained_least_squares(H, y, 10 * np.abs(w_ls).sum()), w_ls)
    for D in (2, 5):
        H, y = problem(D, 6)
        w = l1_constrained_least_squares(H, y, 0.0)
        assert np.all(w == 0.0) and w.shape == (D,)


def test_l1_one_feature_is_clipped_least_squares():
    H = np.array([[1.0], [2.0], [3.0]])
    y = np.array([2.0, 4.0, 6.0])  # least squares: w = 2
    assert l1_constrained_least_squares(H, y, 0.5)[0] == pytest.approx(0.5)
    assert l1_constrained_least_squares(-H, y, 0.5)[0] == pytest.approx(-0.5)
    assert l1_constrained_least_squares(H, y, 3.0)[0] == pytest.approx(2.0)


def test_l1_orthonormal_2d_is_soft_thresholding_at_the_matched_lambda():
    """Exercise of chapter 7: with HᵀH = I the solution is S(ρ, λ) with ρ = Hᵀy."""
    Q, _ = np.linalg.qr(np.random.default_rng(1).standard_normal((10, 2)))
    rho = np.array([3.0, 1.0])
    y = Q @ rho
    # Budget t < 3 − 1 = 2: the smaller coordinate is exactly zero (a corner).
    w = l1_constrained_least_squares(Q, y, 1.5)
    assert w[1] == 0.0 and w[0] == pytest.approx(1.5)
    # Budget t in (2, 4): both nonzero, each shrunk by the same amount (t = 4 − λ).
    w = l1_constrained_least_squares(Q, y, 3.0)
    np.testing.assert_allclose(w, [2.5, 0.5], atol=1e-12)


# --- the L2 solver ----------------------------------------------------------------------------


@pytest.mark.parametrize("n_features", [2, 5])
@pytest.mark.parametrize("fraction", [0.05, 0.5, 0.9])
def test_l2_matches_scipy_and_ridge(n_features, fraction):
    H, y = problem(n_features, seed=n_features)
    t = fraction * np.linalg.norm(np.linalg.lstsq(H, y, rcond=None)[0])
    w = l2_constrained_least_squares(H, y, t)
    assert np.linalg.norm(w) == pytest.approx(t, rel=1e-12)
    reference = scipy_constrained(H, y, t, "l2")
    np.testing.assert_allclose(w, reference, atol=1e-5)
    assert rss(H, y, w) <= rss(H, y, reference) * (1 + 1e-8)
    # Duality: ridge with λ = the multiplier gives the same weights (chapter 1's closed form).
    mu = l2_multiplier(H, y, w)
    assert mu > 0
    np.testing.assert_allclose(ridge_closed_form(H, y, mu), w, atol=1e-10)


def test_l2_penalized_to_constrained():
    H, y = problem(3, 8)
    for l2_penalty in (0.1, 5.0, 300.0):
        w_pen = ridge_closed_form(H, y, l2_penalty)
        w_con = l2_constrained_least_squares(H, y, np.linalg.norm(w_pen))
        np.testing.assert_allclose(w_con, w_pen, atol=1e-10)
        assert l2_multiplier(H, y, w_con) == pytest.approx(l2_penalty, rel=1e-7)


def test_l2_large_and_zero_budget():
    H, y = problem(3, 9)
    w_ls = np.linalg.lstsq(H, y, rcond=None)[0]
    np.testing.assert_allclose(l2_constrained_least_squares(H, y, np.linalg.norm(w_ls) * 1.01), w_ls)
    assert np.all(l2_constrained_least_squares(H, y, 0.0) == 0.0)
    assert l2_multiplier(H, y, np.zeros(3)) == np.inf
    assert l2_multiplier(H, y, w_ls) == pytest.approx(0.0, abs=1e-9)


def test_l2_rank_deficient_uses_minimum_norm_least_squares():
    H = np.array([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
    y = np.array([1.0, 2.0, 3.0])  # minimum-norm least squares: (0.5, 0.5)
    np.testing.assert_allclose(l2_constrained_least_squares(H, y, 5.0), [0.5, 0.5])
    w = l2_constrained_least_squares(H, y, 0.1)
    np.testing.assert_allclose(w, [0.1 / np.sqrt(2)] * 2, rtol=1e-12)


# --- the other functions ----------------------------------------------------------------------


def test_rss_grid_matches_direct_evaluation():
    H, y = problem(2, 2)
    W1, W2, R = rss_grid(H, y, (-1, 2), (-3, 0.5), n=7)
    assert W1.shape == W2.shape == R.shape == (7, 7)
    assert W1[0, 0] == -1 and W1[0, -1] == 2 and W2[0, 0] == -3 and W2[-1, 0] == 0.5
    for i, k in [(0, 0), (3, 5), (6, 2)]:
        assert R[i, k] == pytest.approx(rss(H, y, np.array([W1[i, k], W2[i, k]])), rel=1e-10)


def test_least_squares_and_multiplier_at_least_squares():
    H, y = problem(3, 4)
    np.testing.assert_allclose(least_squares(H, y), np.linalg.solve(H.T @ H, H.T @ y))
    assert l1_multiplier(H, y, least_squares(H, y)) == pytest.approx(0.0, abs=1e-9)


def test_budget_regime():
    assert budget_regime(0.0, 2.0) == "all zero"
    assert budget_regime(1.0, 2.0) == "lasso"
    assert budget_regime(2.0, 2.0) == "unconstrained = linear regression"
    assert budget_regime(0.0, 0.0) == "unconstrained = linear regression"


def test_exact_zero_frequency_counts_zeros():
    result = exact_zero_frequency([0.2, 0.6, 1.0], n_problems=60, seed=3)
    assert result.l1.shape == result.l2.shape == (3,)
    assert np.all(result.l2 == 0.0)  # ridge: essentially never an exact zero
    assert result.l1[0] > 0.5 and result.l1[0] >= result.l1[1] >= result.l1[2]
    assert result.l1[2] == 0.0  # the full budget is least squares: no zeros with a dense truth
    # Recount the first fraction directly with the public solver.
    rng = np.random.default_rng(3)
    count = 0
    for _ in range(60):
        H, y = random_problem(rng, 30, 2)
        t = 0.2 * np.abs(least_squares(H, y)).sum()
        count += np.any(l1_constrained_least_squares(H, y, t) == 0.0)
    assert result.l1[0] == count / 60


# --- validation at the door --------------------------------------------------------------------


SOLVERS = [l1_constrained_least_squares, l2_constrained_least_squares]


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize(
    "budget, match", [(-1.0, "budget must be >= 0"), (np.nan, "budget must be finite"),
                      (np.inf, "budget must be finite"), ("1", "budget must be a real number")],
)
def test_bad_budget(solver, budget, match):
    H, y = problem(2, 0)
    with pytest.raises(ValueError, match=match):
        solver(H, y, budget)


@pytest.mark.parametrize("solver", SOLVERS)
def test_bad_data(solver):
    H, y = problem(2, 0)
    bad = H.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="H contains NaN or inf"):
        solver(bad, y, 1.0)
    with pytest.raises(ValueError, match="y has length"):
        solver(H, y[:-1], 1.0)
    with pytest.raises(ValueError, match="H must be 2-D"):
        solver(H[:, 0], y, 1.0)
    bad_y = y.copy()
    bad_y[0] = np.inf
    with pytest.raises(ValueError, match="y contains NaN or inf"):
        solver(H, bad_y, 1.0)


def test_l1_rejects_rank_deficient_H():
    H = np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]])
    with pytest.raises(ValueError, match="H must have linearly independent columns"):
        l1_constrained_least_squares(H, [1.0, 2.0, 3.0], 1.0)


def test_rss_grid_validation():
    H, y = problem(2, 0)
    with pytest.raises(ValueError, match="H must have exactly 2 columns"):
        rss_grid(np.ones((5, 3)), np.ones(5), (0, 1), (0, 1))
    with pytest.raises(ValueError, match="w1_range must satisfy low < high"):
        rss_grid(H, y, (1, 0), (0, 1))
    with pytest.raises(ValueError, match="w2_range must be finite"):
        rss_grid(H, y, (0, 1), (0, np.inf))
    with pytest.raises(ValueError, match="n must be >= 2"):
        rss_grid(H, y, (0, 1), (0, 1), n=1)


def test_other_validation():
    H, y = problem(2, 0)
    with pytest.raises(ValueError, match="w has length"):
        l1_multiplier(H, y, [1.0])
    with pytest.raises(ValueError, match="ls_l1_norm must be >= 0"):
        budget_regime(1.0, -1.0)
    with pytest.raises(ValueError, match="budget_fractions must be finite numbers in"):
        exact_zero_frequency([0.5, 1.5])
    with pytest.raises(ValueError, match="n_samples must be > n_features"):
        exact_zero_frequency([0.5], n_samples=2, n_features=2)
    with pytest.raises(ValueError, match="rng must be a numpy.random.Generator"):
        random_problem(0)


@pytest.mark.parametrize("n_features", [2, 4])
def test_inputs_are_not_modified(n_features):
    H, y = problem(n_features, 1)
    H_copy, y_copy = H.copy(), y.copy()
    t = 0.3 * np.abs(least_squares(H, y)).sum()
    w = l1_constrained_least_squares(H, y, t)
    l2_constrained_least_squares(H, y, t)
    l1_multiplier(H, y, w)
    w_copy = w.copy()
    l2_multiplier(H, y, w)
    if n_features == 2:
        rss_grid(H, y, (-1, 1), (-1, 1), n=5)
    np.testing.assert_array_equal(H, H_copy)
    np.testing.assert_array_equal(y, y_copy)
    np.testing.assert_array_equal(w, w_copy)


# --- property-based: two independent algorithms, and the KKT condition, on random problems ---

@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    fraction=st.floats(0.01, 0.99),
    correlation=st.floats(-0.9, 0.9),
)
def test_l1_2d_edges_agree_with_path_search_and_kkt(seed, fraction, correlation):
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((20, 2))
    H = Z @ np.linalg.cholesky(np.array([[1.0, correlation], [correlation, 1.0]])).T
    y = H @ rng.standard_normal(2) + rng.standard_normal(20)
    w_ls = np.linalg.lstsq(H, y, rcond=None)[0]
    t = fraction * np.abs(w_ls).sum()
    w = l1_constrained_least_squares(H, y, t)  # the diamond's edges (exact, D = 2)
    w_path = _l1_bisection(H, y, t, w_ls)  # search over λ with coordinate descent
    np.testing.assert_allclose(w, w_path, atol=1e-8 * max(1.0, np.abs(w_ls).max()))
    assert np.abs(w).sum() == pytest.approx(t, rel=1e-12)
    # KKT of the penalized form at λ = l1_multiplier (chapter 3's optimality condition).
    lam = l1_multiplier(H, y, w)
    g = 2 * H.T @ (y - H @ w)
    scale = max(1.0, lam)
    for j in range(2):
        if w[j] != 0:
            assert g[j] == pytest.approx(lam * np.sign(w[j]), abs=1e-8 * scale)
        else:
            assert abs(g[j]) <= lam + 1e-8 * scale


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), fraction=st.floats(0.01, 0.99), n_features=st.integers(1, 6))
def test_l2_is_ridge_at_its_multiplier(seed, fraction, n_features):
    rng = np.random.default_rng(seed)
    H = rng.standard_normal((15, n_features))
    y = rng.standard_normal(15)
    t = fraction * np.linalg.norm(np.linalg.lstsq(H, y, rcond=None)[0])
    w = l2_constrained_least_squares(H, y, t)
    assert np.linalg.norm(w) == pytest.approx(t, rel=1e-10)
    mu = l2_multiplier(H, y, w)
    np.testing.assert_allclose(
        np.linalg.solve(H.T @ H + mu * np.eye(n_features), H.T @ y), w, atol=1e-9 * max(1.0, t)
    )
