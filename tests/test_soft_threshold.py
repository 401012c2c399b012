"""Chapter 4: the soft-threshold operator, λ_max and the three regimes."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lassolib import (
    lambda_max,
    lasso_coordinate_descent,
    regime,
    soft_threshold,
    unpenalized_fit,
)

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
penalties = st.floats(min_value=0.0, max_value=1e6, allow_nan=False, allow_infinity=False)


def three_cases(rho, lam):
    """math.md, chapter 4, written as the three cases."""
    if rho < -lam / 2:
        return rho + lam / 2
    if rho > lam / 2:
        return rho - lam / 2
    return 0.0


def test_docstring_example_by_hand():
    np.testing.assert_array_equal(soft_threshold([-2.0, -0.5, 0.5, 3.0], 1.0), [-1.5, 0.0, 0.0, 2.5])


@given(rho=finite, lam=penalties)
def test_matches_three_case_formula(rho, lam):
    assert soft_threshold(rho, lam) == three_cases(rho, lam)


@given(rho=st.floats(-10, 10), lam=st.floats(0, 10))
def test_is_the_minimizer_of_the_coordinate_objective(rho, lam):
    """S(ρ, λ) minimizes (w − ρ)² + λ|w|: no point of a fine grid does better."""
    f = lambda w: (w - rho) ** 2 + lam * np.abs(w)  # noqa: E731
    s = soft_threshold(rho, lam)
    grid = np.linspace(-12, 12, 24_001)  # spacing 1e-3
    assert f(s) <= f(grid).min() + 1e-12
    # and the grid's best point is within one grid spacing of S
    assert abs(grid[np.argmin(f(grid))] - s) <= 1e-3 + 1e-12
    # locally: f(s) <= f(s ± δ)
    for delta in (1e-6, -1e-6, 1e-2, -1e-2):
        assert f(s) <= f(s + delta) + 1e-12


@given(rho=finite, lam=penalties)
def test_is_odd(rho, lam):
    assert soft_threshold(-rho, lam) == -soft_threshold(rho, lam)


@given(a=finite, b=finite, lam=penalties)
def test_is_non_expansive(a, b, lam):
    # up to the rounding of the two subtractions ρ ∓ λ/2 (one ulp of each)
    rounding = 4 * np.finfo(float).eps * (abs(a) + abs(b) + lam)
    assert abs(soft_threshold(a, lam) - soft_threshold(b, lam)) <= abs(a - b) + rounding


@given(lam=penalties, fraction=st.floats(-1.0, 1.0))
def test_exact_zero_in_dead_zone(lam, fraction):
    rho = fraction * (lam / 2)
    out = soft_threshold(rho, lam)
    assert out == 0.0
    assert type(out) is float


@given(lam=penalties)
def test_boundary_is_exactly_zero(lam):
    assert soft_threshold(lam / 2, lam) == 0.0
    assert soft_threshold(-lam / 2, lam) == 0.0


@given(rho=finite)
def test_zero_penalty_is_identity(rho):
    assert soft_threshold(rho, 0.0) == rho


def test_scalar_in_float_out():
    for rho in (1.5, 2, np.float64(3.0), np.array(4.0), np.int64(-3)):
        out = soft_threshold(rho, 1.0)
        assert type(out) is float
    assert soft_threshold(2, 1.0) == 1.5


@pytest.mark.parametrize("shape", [(1,), (5,), (2, 3), (0,)])
def test_array_in_same_shape_out(shape):
    rho = np.arange(np.prod(shape), dtype=float).reshape(shape) - 2.0
    out = soft_threshold(rho, 2.0)
    assert isinstance(out, np.ndarray)
    assert out.shape == shape
    expected = np.vectorize(lambda r: three_cases(r, 2.0))(rho) if rho.size else rho
    np.testing.assert_array_equal(out, expected)
    soft_threshold(rho.tolist(), 2.0)  # lists work too


# ----------------------------------------------------------------------------------------------
# λ_max and the regimes
# ----------------------------------------------------------------------------------------------

def test_lambda_max_without_unpenalized_columns(problem):
    H, y = problem(30, 6, seed=1, raw=True)
    assert lambda_max(H, y) == pytest.approx(2 * np.max(np.abs(H.T @ y)), rel=1e-13)


def test_lambda_max_with_constant_column_uses_centered_y(problem):
    """With unpenalized=(0,) and a constant column: 2 max_j |h_jᵀ (y − ȳ)| over j ≥ 1."""
    H, y = problem(30, 6, seed=2, raw=True, intercept=True)
    expected = 2 * np.max(np.abs(H[:, 1:].T @ (y - y.mean())))
    assert lambda_max(H, y, unpenalized=(0,)) == pytest.approx(expected, rel=1e-10)


def test_unpenalized_fit_is_least_squares_on_unpenalized_columns(problem):
    H, y = problem(25, 5, seed=3, raw=True, intercept=True)
    w, residual = unpenalized_fit(H, y, unpenalized=(0, 2))
    ls, *_ = np.linalg.lstsq(H[:, [0, 2]], y, rcond=None)
    np.testing.assert_allclose(w[[0, 2]], ls, rtol=1e-10)
    assert np.all(w[[1, 3, 4, 5]] == 0.0)
    np.testing.assert_allclose(residual, y - H[:, [0, 2]] @ ls, rtol=1e-10, atol=1e-12)
    w, residual = unpenalized_fit(H, y)
    assert np.all(w == 0.0)
    np.testing.assert_array_equal(residual, y)


def test_lambda_max_is_zero_without_penalized_columns(problem):
    H, y = problem(10, 2, seed=4)
    assert lambda_max(H, y, unpenalized=(0, 1)) == 0.0


@pytest.mark.parametrize("case", ["plain", "intercept", "raw"])
def test_below_lambda_max_some_weight_is_nonzero(problem, unit, case):
    H, y = problem(40, 8, seed=5, raw=case == "raw", intercept=case == "intercept")
    unpenalized = (0,) if case == "intercept" else ()
    if case == "plain":
        H = unit(H)
    lam_max = lambda_max(H, y, unpenalized=unpenalized)
    w = lasso_coordinate_descent(H, y, 0.99 * lam_max, unpenalized=unpenalized, tolerance=1e-12).weights
    penalized = np.ones(H.shape[1], bool)
    penalized[list(unpenalized)] = False
    assert np.count_nonzero(w[penalized]) >= 1


@pytest.mark.parametrize(
    "lam, lam_max, expected",
    [
        (0.0, 5.0, "linear regression"),
        (0.0, 0.0, "linear regression"),
        (1e-12, 5.0, "lasso"),
        (4.999, 5.0, "lasso"),
        (5.0, 5.0, "all zero"),
        (50.0, 5.0, "all zero"),
        (1.0, 0.0, "all zero"),
    ],
)
def test_regime_names(lam, lam_max, expected):
    assert regime(lam, lam_max) == expected
