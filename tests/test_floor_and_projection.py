"""Two defences against false certificates, found by an adversarial pass.

1. A gap below its own rounding floor certifies only when that floor is small next to the
   objective of the unpenalized fit (``coordinate_descent._floor_counts``): weights that cancel
   inflate the floor, and it used to accept answers far above the minimum.
2. With unpenalized columns that are not orthogonal to the penalized ones (an intercept and
   uncentered features), the default solver and ``lasso_path`` solve the problem projected off
   the unpenalized columns (``_Scaled._project_off_unpenalized``: centering, for an intercept),
   then fit the unpenalized weights by least squares.

References are independent of lassolib: exact optima in rational arithmetic (fractions), or
scikit-learn on centered data (the same problem: the intercept is not penalized) at tol 1e-15.
"""

import warnings
from fractions import Fraction

import numpy as np
import pytest
from sklearn.linear_model import Lasso

import lassolib


def _exact_objective(H, y, w, lam, penalized):
    rows = [[Fraction(x) for x in row] for row in H.tolist()]
    weights = [Fraction(float(x)) for x in w]
    rss = sum((Fraction(y_i) - sum(h * v for h, v in zip(row, weights))) ** 2
              for row, y_i in zip(rows, y.tolist()))
    return rss + Fraction(lam) * sum(abs(v) for v, p in zip(weights, penalized) if p)


def _two_column_optimum(H, y, lam):
    """The exact lasso optimum of a problem with two penalized columns: the best of the nine
    sign patterns (each a linear system, solved exactly), as P and w."""
    best = None
    G = [[sum(Fraction(a) * Fraction(b) for a, b in zip(H[:, i], H[:, j])) for j in range(2)]
         for i in range(2)]
    c = [sum(Fraction(a) * Fraction(b) for a, b in zip(H[:, i], y)) for i in range(2)]
    half = Fraction(lam) / 2
    for s0 in (-1, 0, 1):
        for s1 in (-1, 0, 1):
            active = [j for j, s in enumerate((s0, s1)) if s]
            signs = (s0, s1)
            w = [Fraction(0), Fraction(0)]
            if len(active) == 2:
                det = G[0][0] * G[1][1] - G[0][1] * G[1][0]
                if det == 0:
                    continue
                r0, r1 = c[0] - half * s0, c[1] - half * s1
                w = [(r0 * G[1][1] - r1 * G[0][1]) / det, (G[0][0] * r1 - G[1][0] * r0) / det]
            elif len(active) == 1:
                j = active[0]
                w[j] = (c[j] - half * signs[j]) / G[j][j]
            if any(w[j] * signs[j] <= 0 for j in active):
                continue  # not on this sign pattern
            rss = sum((Fraction(y_i) - Fraction(h0) * w[0] - Fraction(h1) * w[1]) ** 2
                      for y_i, h0, h1 in zip(y, H[:, 0], H[:, 1]))
            value = rss + Fraction(lam) * (abs(w[0]) + abs(w[1]))
            if best is None or value < best:
                best = value
    return best


@pytest.mark.parametrize("method", ["working_set", "cyclic"])
def test_cancelling_weights_do_not_certify_themselves(method):
    """Two equal columns started at ±1e10: the start's rounding floor (3.6e5) exceeded its own
    objective (5e4), and the solvers returned it after one or two sweeps as converged, 1.5e4
    times the minimum. Now the floor does not count; the sweeps cannot undo such weights in
    the budget, and the fit says so."""
    rng = np.random.default_rng(0)
    h = rng.standard_normal(5)
    h /= np.linalg.norm(h)
    y = rng.standard_normal(5)
    H = np.column_stack([h, h])
    lam = 1e-6 * lassolib.lambda_max(H, y)
    with pytest.warns(lassolib.ConvergenceWarning, match="did not converge"):
        result = lassolib.lasso_coordinate_descent(H, y, lam, w0=[1e10, -1e10], method=method,
                                                   max_sweeps=200)
    assert not result.converged


@pytest.mark.parametrize("trial", range(3))
@pytest.mark.parametrize("ratio", [1e-8, 1e-6, 1e-4])
@pytest.mark.parametrize("solver", ["working_set", "cyclic", "path"])
def test_nearly_collinear_columns_are_never_falsely_certified(trial, ratio, solver):
    """Two columns 1e-6 apart (optimal weights about ±3e5 that cancel): a fit marked converged
    is within its tolerance of the exact optimum. Before, fits 5e-10 to 1.5e-9 above it (their
    own relative gap 5e-5 to 3e-3) were marked converged with tolerance 1e-12."""
    rng = np.random.default_rng(1)
    for _ in range(3):  # (the draws of the adversarial pass: eps 1e-4, then 1e-6)
        rng.standard_normal(5), rng.standard_normal(5), rng.standard_normal(5)
    for _ in range(trial + 1):
        h, e, y = rng.standard_normal(5), rng.standard_normal(5), rng.standard_normal(5)
    H = np.column_stack([h, h + 1e-6 * e])
    lam = ratio * lassolib.lambda_max(H, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", lassolib.ConvergenceWarning)
        if solver == "path":
            result = lassolib.lasso_path(H, y, [lam], return_results=True)[2][0]
        else:
            result = lassolib.lasso_coordinate_descent(H, y, lam, method=solver)
    if result.converged:
        optimum = _two_column_optimum(H, y, lam)
        excess = _exact_objective(H, y, result.weights, lam, [True, True]) - optimum
        assert excess <= Fraction(1e-12) * optimum + Fraction(result.gap)
        assert excess <= Fraction(2e-10) * _exact_objective(H, y, [0.0, 0.0], lam, [True, True])


def _uncentered(seed, mean):
    """An intercept and five features, the first with mean ``mean`` and spread 1."""
    rng = np.random.default_rng(seed)
    n = 30
    X = rng.standard_normal((n, 5))
    y = X[:, :3] @ [1.0, -2.0, 0.5] + 0.1 * rng.standard_normal(n) + 1e3
    H = np.column_stack([np.ones(n), X])
    H[:, 1] += mean
    return H, y


def _centered_reference(H, y, lam):
    X = H[:, 1:]
    n = X.shape[0]
    model = Lasso(alpha=lam / (2 * n), fit_intercept=False, tol=1e-15, max_iter=10**7)
    model.fit(X - X.mean(0), y - y.mean())
    return np.r_[y.mean() - X.mean(0) @ model.coef_, model.coef_]


@pytest.mark.parametrize("mean", [1e2, 1e4, 1e6, 1e8])
@pytest.mark.parametrize("ratio", [0.3, 1e-2, 1e-6])
@pytest.mark.parametrize("solver", ["working_set", "path"])
def test_uncentered_features_with_an_intercept(mean, ratio, solver):
    """Features with means 1e2–1e8 (spread 1) and an unpenalized intercept: the default solver
    and lasso_path converge, without a warning, to scikit-learn's answer on the centered data
    (objective within 1e-11 of it, relatively). Before, mean 1e8 at 0.3·λ_max was marked
    converged 3% above the minimum (its own relative gap 0.24), and at mean 1e6 fits ran out of
    sweeps up to 1.4e-3 above it."""
    H, y = _uncentered(3, mean)
    lam = ratio * lassolib.lambda_max(H, y, unpenalized=(0,))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        if solver == "path":
            result = lassolib.lasso_path(H, y, [lam], unpenalized=(0,), return_results=True)[2][0]
        else:
            result = lassolib.lasso_coordinate_descent(H, y, lam, unpenalized=(0,))
    # (the reported gap includes the bound on the intercept's rounding, lift_floor: 1.8e-12 of
    # the objective at mean 1e8 near least squares, where the intercept is -9.7e7; it is
    # accepted as a rounding floor, and the exact objective is checked below)
    assert result.converged and result.relative_gap <= 1e-11
    reference = _centered_reference(H, y, lam)
    penalized = [False] + [True] * 5
    mine = _exact_objective(H, y, result.weights, lam, penalized)
    theirs = _exact_objective(H, y, reference, lam, penalized)
    assert mine <= theirs * (1 + Fraction(1e-11))


def test_projection_leaves_orthogonal_problems_alone():
    """The centered diabetes features are orthogonal to the intercept to rounding: no copy of H,
    and the same answers as before (the benchmark's diabetes cases are these)."""
    from lassolib.coordinate_descent import _Scaled
    problem = lassolib.diabetes_problem()
    penalized = np.arange(problem.H.shape[1]) != 0
    assert _Scaled(problem.H, problem.y, penalized, owned=False, project=True)._lift is None
    raw = lassolib.diabetes_problem(centered=False)
    assert _Scaled(raw.H, raw.y, penalized, owned=False, project=True)._lift is not None


def test_projection_keeps_warm_starts_and_the_path_consistent():
    """On the uncentered diabetes data (the post's normalization) a warm start from another
    penalty's answer and the path give the single fits' answers, and the intercept is the
    least-squares fit of what the features leave."""
    raw = lassolib.diabetes_problem(centered=False)
    H, y = raw.H, raw.y
    lam_max = lassolib.lambda_max(H, y, unpenalized=(0,))
    penalties = lam_max * np.array([0.3, 0.05, 0.001])
    _, path_weights = lassolib.lasso_path(H, y, penalties, unpenalized=(0,))
    previous = None
    for lam, from_path in zip(penalties, path_weights):
        cold = lassolib.lasso_coordinate_descent(H, y, lam, unpenalized=(0,))
        warm = lassolib.lasso_coordinate_descent(H, y, lam, unpenalized=(0,), w0=previous)
        scale = np.max(np.abs(cold.weights))
        for other in (warm.weights, from_path):
            assert np.max(np.abs(other - cold.weights)) <= 1e-6 * scale
        intercept = np.mean(y - H[:, 1:] @ cold.weights[1:])  # (H[:, 0] is constant)
        assert cold.weights[0] == pytest.approx(intercept / H[0, 0], rel=1e-12)
        previous = cold.weights


@pytest.mark.parametrize("solver", ["working_set", "path"])
def test_a_column_in_the_unpenalized_span_projects_to_exactly_zero(solver):
    """A penalized column that is 2× the unpenalized one projects to rounding, not to 0; at λ = 0
    the sweeps fitted that noise with weights of 1e15, lifted back to an objective 2.3% above
    the minimum (exact: 7.0088 against 6.8499), marked converged (second adversarial pass).
    Such a column is now exactly 0 in the projected problem: its weight is 0, and the answer is
    within the tolerance of the exact minimum (least squares on the other columns, in rational
    arithmetic)."""
    rng = np.random.default_rng(1)
    n = 15
    u = rng.normal(size=n) + 2
    X = rng.normal(size=(n, 2))
    H = np.column_stack([u, X, 2.0 * u])
    y = rng.normal(size=n)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        if solver == "path":
            result = lassolib.lasso_path(H, y, [0.0], unpenalized=(0,), return_results=True)[2][0]
        else:
            result = lassolib.lasso_coordinate_descent(H, y, 0.0, unpenalized=(0,))
    assert result.converged and result.weights[3] == 0.0
    least_squares = np.linalg.lstsq(H[:, :3], y, rcond=None)[0]
    flags = [False, True, True, True]
    minimum = _exact_objective(H, y, np.r_[least_squares, 0.0], 0.0, flags)
    excess = _exact_objective(H, y, result.weights, 0.0, flags) - minimum
    assert excess <= Fraction(1e-12) * minimum + Fraction(1e-28)
    assert excess <= Fraction(result.gap) + Fraction(1e-28)


@pytest.mark.parametrize("method", ["working_set", "cyclic"])
@pytest.mark.parametrize("seed", range(6))
def test_least_squares_on_columns_dependent_to_working_precision(method, seed):
    """λ = 0 with a column fl(c·u) beside u (dependent to working precision): converged, and
    the RSS is numpy.linalg.lstsq's (the minimum over the numerical span, as documented in
    lasso_coordinate_descent) to 1e-12; the exact minimum of these floats (rational
    arithmetic) is 1.9–36% lower, with weights of 1e15–1e17, as the docstring says."""
    rng = np.random.default_rng([7, seed])
    u = rng.normal(size=7)
    H = np.column_stack([u, rng.uniform(0.5, 3.0) * u, rng.normal(size=7), rng.normal(size=7)])
    y = rng.normal(size=7)
    result = lassolib.lasso_coordinate_descent(H, y, 0.0, method=method)
    reference = np.linalg.lstsq(H, y, rcond=None)[0]
    rss = float(np.sum((y - H @ result.weights) ** 2))
    least = float(np.sum((y - H @ reference) ** 2))
    assert result.converged
    assert rss == pytest.approx(least, rel=1e-12)
    exact_rss, largest = _exact_least_squares(H, y)
    assert 0.019 <= 1.0 - exact_rss / least <= 0.36 and 1e15 <= largest <= 1e17



def _exact_least_squares(H, y):
    """(RSS, max |w|) of the least-squares fit of the floats H, y in rational arithmetic (H has
    full column rank in exact arithmetic)."""
    from test_tiny_penalty import _exact

    c, solve, objective = _exact(H, y)
    w = solve(c)
    return float(objective(w, 0.0, [False] * H.shape[1])), max(abs(float(v)) for v in w)
