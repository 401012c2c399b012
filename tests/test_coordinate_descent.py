"""Chapters 4–5: lasso coordinate descent, against scikit-learn, the KKT condition and math.md.

Tolerances
----------
scikit-learn agreement: ``Lasso(alpha=λ/(2n), fit_intercept=..., tol=1e-12, max_iter=10**6)``
against ``lasso_coordinate_descent(..., tolerance=1e-12)``. Both are converged far beyond the
test's tolerance, so what is left is the conditioning of the problem: a change δ in the stopping
point moves the weights by about δ·cond(H_Aᵀ H_A) on the active set A. We assert

    max_j |w_j − w_sklearn,j| ≤ 1e-8 · max(1, max_j |w_sklearn,j|),

ten times the worst difference measured on this machine (scikit-learn 1.9.1, numpy 2.4.6):

    case (λ = 0.5 / 0.1 / 0.01 λ_max)   max |Δw|
    n<D                                2e-15 / 7e-12 / 3e-11
    n>D                                2e-16 / 0     / 7e-17
    correlated (c = 0.95)              6e-12 / 3e-11 / 3e-11
    raw columns                        1e-13 / 4e-14 / 2e-13
    normalized columns                 1e-11 / 3e-11 / 7e-11
    intercept, raw                     2e-13 / 3e-13 / 3e-12
    intercept, normalized              2e-14 / 1e-13 / 4e-13
    intercept, n<D                     2e-13 / 5e-11 / 4e-11
    intercept, correlated              1e-12 / 6e-13 / 4e-12
    path (test_path.py), n<D           1.2e-9 over 10 penalties down to 0.01 λ_max

(the per-test value is recorded with ``record_property("max_abs_difference", ...)``; see it with
``pytest --junitxml=report.xml``).

KKT: the solver certifies its answer by the duality gap (``result.gap`` ≥ P(w) − P(ŵ)). Along
coordinate j the objective is a quadratic of curvature 2 z_j plus λ|w_j|, so a KKT violation v_j
(the distance from 0 to ∂_j P) allows a decrease of at least v_j² / (4 z_j) by moving w_j alone:
v_j ≤ 2 sqrt(z_j · gap). ``gap_kkt_bound`` adds rounding (1e-9 · scale).
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lassolib import (
    ConvergenceWarning,
    certificate,
    coordinate_descent_sweeps,
    kkt_violation,
    lambda_max,
    lasso_coordinate_descent,
    lasso_objective,
)

def gap_kkt_bound(H, gap, scale=1.0):
    """The KKT violation a certified gap allows: 2·sqrt(z_j·gap), plus rounding."""
    return 2.0 * np.sqrt((H**2).sum(axis=0) * gap) + 1e-9 * max(scale, 1.0)


# ----------------------------------------------------------------------------------------------
# Public reference values (math.md)
# ----------------------------------------------------------------------------------------------

TOY_X = np.array([-1.0, 0.0, 1.0])
TOY_Y = np.array([-1.0, 0.0, 1.0])


@pytest.mark.parametrize("alpha, expected", [(1e-8, 1.0), (0.1, 0.85), (0.5, 0.25), (1.0, 0.0)])
def test_sklearn_toy_case_with_unpenalized_constant_column(alpha, expected):
    """scikit-learn's documented toy case: weights 1, 0.85, 0.25, 0 with λ = 2nα = 6α."""
    H = np.column_stack([np.ones(3), TOY_X])
    result = lasso_coordinate_descent(H, TOY_Y, 6 * alpha, unpenalized=(0,), tolerance=1e-12)
    assert result.weights[1] == pytest.approx(expected, abs=1e-7)  # at α = 1e-8 it is 1 − 1.5e-8
    assert result.weights[0] == pytest.approx(0.0, abs=1e-12)  # the intercept: ȳ − w x̄ = 0
    if expected == 0.0:
        assert result.weights[1] == 0.0


@pytest.mark.parametrize("alpha, expected", [(1e-8, 1.0), (0.1, 0.85), (0.5, 0.25), (1.0, 0.0)])
def test_sklearn_toy_case_by_centering(alpha, expected):
    H = (TOY_X - TOY_X.mean())[:, None]
    result = lasso_coordinate_descent(H, TOY_Y - TOY_Y.mean(), 6 * alpha, tolerance=1e-12)
    assert result.weights[0] == pytest.approx(expected, abs=1e-7)


def test_uw_coordinate_step_is_the_first_update_of_a_sweep():
    """math.md: j = 1, w = [1, 4], λ = 0.1 → 0.425558846691 (via one sweep started at w0)."""
    H = np.array([[3 / np.sqrt(13), 1 / np.sqrt(10)], [2 / np.sqrt(13), 3 / np.sqrt(10)]])
    y = np.array([1.0, 1.0])
    # Put w_0 where the sweep's first update leaves it: at w = [1, 4] coordinate 0 moves first,
    # so run the readable loop on column 1 alone with the residual of w_0 = 1 folded into y.
    y1 = y - 1.0 * H[:, 0]
    H1 = np.asfortranarray(H[:, [1]])
    w = np.array([4.0])
    residual = y1 - H1 @ w
    objective, steps = np.empty(2), np.empty(1)
    coordinate_descent_sweeps(
        H1, w, residual, np.array([1.0]), np.array([True]), 0.1, 1e-300, 1, objective, steps
    )
    assert w[0] == pytest.approx(0.425558846691, abs=1e-12)


# ----------------------------------------------------------------------------------------------
# scikit-learn as the independent reference
# ----------------------------------------------------------------------------------------------

CASES = {
    "n<D": dict(n=20, D=40),
    "n>D": dict(n=80, D=10),
    "correlated": dict(n=60, D=15, correlation=0.95),
    "raw": dict(n=50, D=8, raw=True),
    "normalized": dict(n=50, D=8, raw=True, normalize=True),
    "intercept, raw": dict(n=50, D=8, raw=True, intercept=True),
    "intercept, normalized": dict(n=50, D=8, intercept=True, normalize=True),
    "intercept, n<D": dict(n=20, D=30, intercept=True),
    "intercept, correlated": dict(n=60, D=12, correlation=0.95, intercept=True),
}
FRACTIONS = (0.5, 0.1, 0.01)


def build_case(problem, unit, name, seed=1):
    spec = dict(CASES[name])
    normalize = spec.pop("normalize", False)
    n, D = spec.pop("n"), spec.pop("D")
    H, y = problem(n, D, seed=seed, **spec)
    if normalize:
        if spec.get("intercept"):
            H = np.column_stack([H[:, 0], unit(H[:, 1:])])
        else:
            H = unit(H)
    unpenalized = (0,) if spec.get("intercept") else ()
    return H, y, unpenalized


def sklearn_tolerance(reference):
    return 1e-8 * max(1.0, np.abs(reference).max())


@pytest.mark.parametrize("fraction", FRACTIONS)
@pytest.mark.parametrize("name", list(CASES))
def test_agrees_with_sklearn(problem, unit, sklearn_reference, record_property, name, fraction):
    H, y, unpenalized = build_case(problem, unit, name)
    lam = fraction * lambda_max(H, y, unpenalized=unpenalized)
    # A relative gap ε puts the fitted values within sqrt(ε·P) of the optimum (the weights within
    # that over the smallest singular value): comparing weights to 1e-8 asks for the rounding floor.
    result = lasso_coordinate_descent(
        H, y, lam, tolerance=1e-16, max_sweeps=1_000_000, unpenalized=unpenalized
    )
    reference = sklearn_reference(H, y, lam, intercept=bool(unpenalized))
    difference = float(np.abs(result.weights - reference).max())
    record_property("max_abs_difference", difference)
    assert difference <= sklearn_tolerance(reference), f"{name} at {fraction} λ_max: {difference:.3g}"
    # same zero pattern up to the tolerance, and the objectives agree
    assert lasso_objective(H, y, result.weights, lam, unpenalized=unpenalized) <= lasso_objective(
        H, y, reference, lam, unpenalized=unpenalized
    ) * (1 + 1e-12)


@pytest.mark.parametrize("fraction", FRACTIONS)
@pytest.mark.parametrize("name", list(CASES))
def test_kkt_at_solution(problem, unit, kkt_tolerance, kkt_distance_of, name, fraction):
    H, y, unpenalized = build_case(problem, unit, name)
    lam = fraction * lambda_max(H, y, unpenalized=unpenalized)
    tolerance = 1e-10
    result = lasso_coordinate_descent(
        H, y, lam, tolerance=tolerance, max_sweeps=1_000_000, unpenalized=unpenalized
    )
    w = result.weights
    assert result.converged and result.relative_gap <= tolerance
    c = np.ones(H.shape[1])
    c[list(unpenalized)] = 0.0
    bound = gap_kkt_bound(H, result.gap, np.abs(H.T @ y).max())
    assert np.all(kkt_distance_of(H, y, w, lam, c) <= bound)
    assert np.all(kkt_violation(H, y, w, lam, unpenalized=unpenalized) <= bound)


# ----------------------------------------------------------------------------------------------
# Properties (hypothesis)
# ----------------------------------------------------------------------------------------------

problems = st.fixed_dictionaries(
    {
        "seed": st.integers(0, 10_000),
        "n": st.integers(3, 30),
        "D": st.integers(1, 25),
        "correlation": st.sampled_from([0.0, 0.5, 0.9]),
        "raw": st.booleans(),
        "intercept": st.booleans(),
    }
)


def draw_problem(spec):
    from conftest import make_problem  # noqa: PLC0415 (tests/ is on sys.path under pytest)

    spec = dict(spec)
    H, y = make_problem(spec.pop("n"), spec.pop("D"), **spec)
    unpenalized = (0,) if spec["intercept"] else ()
    return H, y, unpenalized


@given(spec=problems, fraction=st.floats(0.001, 1.0))
def test_property_kkt_and_monotone_objective(spec, fraction):
    from conftest import kkt_distance

    H, y, unpenalized = draw_problem(spec)
    lam = fraction * lambda_max(H, y, unpenalized=unpenalized)
    tolerance = 1e-10
    result = lasso_coordinate_descent(
        H, y, lam, tolerance=tolerance, max_sweeps=1_000_000, unpenalized=unpenalized
    )
    assert result.converged
    c = np.ones(H.shape[1])
    c[list(unpenalized)] = 0.0
    bound = gap_kkt_bound(H, result.gap, np.abs(H.T @ y).max())
    assert np.all(kkt_distance(H, y, result.weights, lam, c) <= bound)
    # each coordinate update minimizes the objective along its coordinate, so the objective
    # never goes up from sweep to sweep; allow rounding of the sums (n·eps relative)
    history = result.objective_history
    assert np.all(np.diff(history) <= 1e-12 * H.shape[0] * history[0] + 1e-300)
    assert history[-1] == pytest.approx(
        lasso_objective(H, y, result.weights, lam, unpenalized=unpenalized), rel=1e-9, abs=1e-9
    )


@given(spec=problems, factor=st.sampled_from([1.0, 1.0 + 1e-12, 1.0 + 1e-6, 2.0, 1e3]))
def test_property_all_zero_at_and_above_lambda_max(spec, factor):
    H, y, unpenalized = draw_problem(spec)
    lam = factor * lambda_max(H, y, unpenalized=unpenalized)
    w = lasso_coordinate_descent(H, y, lam, unpenalized=unpenalized).weights
    penalized = np.ones(H.shape[1], bool)
    penalized[list(unpenalized)] = False
    assert np.all(w[penalized] == 0.0)
    if unpenalized:
        assert w[0] == pytest.approx(y.mean(), rel=1e-12, abs=1e-12)


@given(spec=problems, factor=st.sampled_from([1.0 + 1e-9, 1.5, 10.0]))
def test_property_readable_loop_stays_at_zero_above_lambda_max(spec, factor):
    """The sweeps themselves (not the λ ≥ λ_max shortcut) leave every penalized weight at 0.0.

    λ_max is computed here from its definition: 2 max_j |h_jᵀ r₀| over penalized j, with r₀ the
    residual of the least-squares fit on the unpenalized columns.
    """
    H, y, unpenalized = draw_problem(spec)
    penalized = np.ones(H.shape[1], bool)
    penalized[list(unpenalized)] = False
    w = np.zeros(H.shape[1])
    if unpenalized:
        w[0] = y.mean()
    residual = y - H @ w
    lam = factor * 2 * np.max(np.abs(H[:, penalized].T @ residual))
    z = (H**2).sum(axis=0)
    objective, steps = np.empty(11), np.empty(10)
    objective[0] = residual @ residual
    coordinate_descent_sweeps(
        np.asfortranarray(H), w, residual, z, penalized, lam, 1e-12, 10, objective, steps
    )
    assert np.all(w[penalized] == 0.0)


@given(spec=problems)
def test_property_below_lambda_max_not_all_zero(spec):
    H, y, unpenalized = draw_problem(spec)
    lam_max = lambda_max(H, y, unpenalized=unpenalized)
    if lam_max == 0.0:
        return
    w = lasso_coordinate_descent(
        H, y, 0.99 * lam_max, unpenalized=unpenalized, max_sweeps=1_000_000
    ).weights
    penalized = np.ones(H.shape[1], bool)
    penalized[list(unpenalized)] = False
    assert np.count_nonzero(w[penalized]) >= 1


# ----------------------------------------------------------------------------------------------
# Other behaviour
# ----------------------------------------------------------------------------------------------

def test_zero_column_gets_weight_zero(problem, sklearn_reference):
    H, y = problem(30, 5, seed=11)
    H_zero = np.column_stack([H[:, :2], np.zeros(30), H[:, 2:]])
    lam = 0.2 * lambda_max(H, y)
    w = lasso_coordinate_descent(H_zero, y, lam, tolerance=1e-12).weights
    w_without = lasso_coordinate_descent(H, y, lam, tolerance=1e-12).weights
    assert w[2] == 0.0
    np.testing.assert_allclose(np.delete(w, 2), w_without, atol=1e-12)
    # also from a warm start that puts weight on the zero column, and at λ = 0
    w = lasso_coordinate_descent(H_zero, y, lam, tolerance=1e-12, w0=np.ones(6)).weights
    assert w[2] == 0.0
    # at λ = 0 a relative gap ε puts the fitted values within sqrt(ε·RSS) of least squares: ask
    # for the rounding floor to compare weights to 1e-8
    w = lasso_coordinate_descent(H_zero, y, 0.0, tolerance=1e-16, max_sweeps=100_000).weights
    assert w[2] == 0.0
    np.testing.assert_allclose(np.delete(w, 2), np.linalg.lstsq(H, y, rcond=None)[0], atol=1e-8)


def test_warm_start_reaches_the_same_solution(problem, unit):
    H, y = problem(40, 12, seed=12, correlation=0.6)
    H = unit(H)
    lam = 0.1 * lambda_max(H, y)
    # A relative gap ε puts the fitted values within sqrt(ε·P) of the optimum (the weights within
    # that over the smallest singular value): comparing weights to 1e-8 asks for the rounding floor.
    cold = lasso_coordinate_descent(H, y, lam, tolerance=1e-16)
    warm = lasso_coordinate_descent(H, y, lam, tolerance=1e-16, w0=cold.weights + 0.3)
    np.testing.assert_allclose(warm.weights, cold.weights, atol=1e-9)
    # started at the solution, a few sweeps suffice (the first gap check needs K = 5 sweeps of
    # history for its extrapolated dual point)
    again = lasso_coordinate_descent(H, y, lam, tolerance=1e-10, w0=cold.weights)
    assert again.n_sweeps <= 5 and again.converged


def test_result_bookkeeping(problem, unit):
    H, y = problem(30, 6, seed=13)
    H = unit(H)
    result = lasso_coordinate_descent(H, y, 0.2 * lambda_max(H, y))
    assert result.converged
    assert result.n_iterations == result.n_sweeps
    assert len(result.objective_history) == result.n_sweeps + 1
    assert len(result.max_step_history) == result.n_sweeps
    assert result.relative_gap <= 1e-12  # the default tolerance, certified
    assert result.gap == pytest.approx(certificate(H, y, result.weights, 0.2 * lambda_max(H, y)).gap,
                                       rel=1e-6, abs=1e-12 * (y @ y))
    assert result.objective == pytest.approx(result.objective_history[-1], rel=1e-12)
    assert result.objective_history[0] == pytest.approx(y @ y)  # starts at w = 0


def test_budget_warning(problem, unit):
    H, y = problem(30, 10, seed=14, correlation=0.95)
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        result = lasso_coordinate_descent(unit(H), y, 1e-3, max_sweeps=2, tolerance=1e-14)
    assert not result.converged
    assert result.n_sweeps == 2
