"""Penalties far below λ_max: answers from the least-squares fit, certified without a dual point.

At tiny λ the duality gap is far above rounding even at the exact minimizer (the rounding of Hᵀr
does not shrink with λ/2): the solvers used to sweep 10,000 times and warn "did not converge"
about answers exact to rounding. They now solve on the signs of the least-squares fit
(``coordinate_descent._sign_solution``) or take the fit itself (``_least_squares_bound``), each
with its own bound. Both are checked here against the exact lasso optimum, computed in rational
arithmetic (fractions.Fraction: every float is a rational, so sums and the normal equations are
exact).
"""

import warnings
from fractions import Fraction

import numpy as np
import pytest

import lassolib
from lassolib.coordinate_descent import _column_svd, _least_squares_bound, _sign_solution


def _exact(H, y):
    """Exact rational helpers for (H, y): the Gram matrix, Hᵀy, a solver, and P."""
    n, D = H.shape
    Hf = [[Fraction(x) for x in row] for row in H.tolist()]
    yf = [Fraction(x) for x in y.tolist()]
    G = [[sum(Hf[i][a] * Hf[i][b] for i in range(n)) for b in range(D)] for a in range(D)]
    c = [sum(Hf[i][a] * yf[i] for i in range(n)) for a in range(D)]

    def solve(rhs):
        A = [row[:] + [rhs[i]] for i, row in enumerate(G)]
        for k in range(D):
            pivot = next(i for i in range(k, D) if A[i][k] != 0)
            A[k], A[pivot] = A[pivot], A[k]
            for i in range(D):
                if i != k and A[i][k] != 0:
                    t = A[i][k] / A[k][k]
                    A[i] = [a - t * b for a, b in zip(A[i], A[k])]
        return [A[i][D] / A[i][i] for i in range(D)]

    def objective(w, lam, penalized):
        w = [Fraction(x) for x in w]
        rss = sum((yf[i] - sum(Hf[i][j] * w[j] for j in range(D))) ** 2 for i in range(n))
        return rss + Fraction(lam) * sum(abs(w[j]) for j in range(D) if penalized[j])

    return c, solve, objective


def _optimum(c, solve, objective, lam, penalized):
    """The exact lasso optimum for a λ so small that no weight of the least-squares fit crosses 0:
    on the signs s of that fit, H^T H v = H^T y − (λ/2) s (checked: v has the same signs)."""
    least_squares = solve(c)
    signs = [(1 if v > 0 else -1) if p else 0 for v, p in zip(least_squares, penalized)]
    v = solve([c_a - Fraction(lam) / 2 * s_a for c_a, s_a in zip(c, signs)])
    assert all((v_j > 0) == (s_j > 0) for v_j, s_j in zip(v, signs) if s_j)  # KKT holds exactly
    return objective(v, lam, penalized)


@pytest.fixture(scope="module")
def diabetes_exact():
    problem = lassolib.diabetes_problem()
    return problem.H, problem.y, _exact(problem.H, problem.y)


@pytest.mark.parametrize("ratio", [1e-8, 1e-10, 1e-12, 1e-13, 1e-15, 1e-18, 1e-300])
@pytest.mark.parametrize("method", ["working_set", "cyclic", "path"])
def test_tiny_penalties_give_the_exact_minimizer_certified(diabetes_exact, ratio, method):
    """On diabetes (intercept unpenalized) every method certifies λ = ratio·λ_max without a
    warning; its answer is the exact minimizer to rounding (objective within 1e-24 of the exact
    optimum, relatively), and its reported gap is at least the exact excess. Before, from
    1e-11.5 down (1e-10.5 for the cyclic method, and in the path) fits swept 10,000 times and
    warned, although their answers were exact to rounding."""
    H, y, (c, solve, objective) = diabetes_exact
    penalized = [False] + [True] * (H.shape[1] - 1)
    lam = ratio * lassolib.lambda_max(H, y, unpenalized=(0,))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        if method == "path":
            _, _, results = lassolib.lasso_path(H, y, [lam], unpenalized=(0,),
                                                return_results=True)
            result = results[0]
        else:
            result = lassolib.lasso_coordinate_descent(H, y, lam, unpenalized=(0,), method=method)
    assert result.converged and result.relative_gap <= 1e-12 and result.n_iterations == 0
    optimum = _optimum(c, solve, objective, lam, penalized)
    excess = objective(result.weights, lam, penalized) - optimum
    assert 0 <= excess <= Fraction(1e-24) * optimum
    assert Fraction(result.gap) >= excess


def test_the_duality_gap_alone_does_not_certify_there(diabetes_exact):
    """Why the solvers need another bound: lassolib.certificate's duality gap at their (exact)
    answers grows as λ falls, above the default tolerance 1e-12 from 1e-10·λ_max down."""
    H, y, _ = diabetes_exact
    lam_max = lassolib.lambda_max(H, y, unpenalized=(0,))
    gaps = []
    for ratio in (1e-8, 1e-10, 1e-13):
        result = lassolib.lasso_coordinate_descent(H, y, ratio * lam_max, unpenalized=(0,))
        gaps.append(lassolib.certificate(H, y, result.weights, ratio * lam_max,
                                         unpenalized=(0,)).relative_gap)
    assert gaps[0] < 1e-12 < gaps[1] < gaps[2]


def _small_problem(seed, conditioning):
    """24×4 data with well-conditioned columns, or with two columns 1e-3 apart (smallest
    singular value about 3e-3), and the generator for what follows."""
    rng = np.random.default_rng(seed)
    H = rng.standard_normal((24, 4))
    if conditioning == "nearly collinear":
        H[:, 1] = H[:, 0] + 1e-3 * rng.standard_normal(24)
    y = H @ rng.choice([-2.0, -1.0, 1.0, 2.0], 4) + 0.3 * rng.standard_normal(24)
    return H, y, rng


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("conditioning", ["independent", "nearly collinear"])
def test_the_least_squares_bound_holds_at_any_w(seed, conditioning):
    """The bound of P(w) − min P (λ-squared term, σ from the SVD) holds, against the exact
    optimum, at the least-squares fit and at points 1e-9 to 1e-3 away from it, for penalties
    1e-14 to 1e-6 of λ_max (every column penalized and none crossing 0), on both kinds of
    columns of _small_problem."""
    H, y, rng = _small_problem(seed, conditioning)
    D = H.shape[1]
    c, solve, objective = _exact(H, y)
    penalized = [True] * D
    svd = _column_svd(H)
    w_ls = np.linalg.lstsq(H, y, rcond=None)[0]
    norms = np.linalg.norm(H, axis=0)
    lam_max = lassolib.lambda_max(H, y)
    for ratio in (1e-6, 1e-8, 1e-14):
        lam = ratio * lam_max
        optimum = _optimum(c, solve, objective, lam, penalized)
        for distance in (0.0, 1e-9, 1e-6, 1e-3):
            w = w_ls + distance * rng.standard_normal(D)
            primal, bound, _ = _least_squares_bound(H, y, w, lam, np.ones(D, bool), norms, svd)
            excess = objective(w, lam, penalized) - optimum
            assert Fraction(bound) >= excess, (ratio, distance)
            assert primal == pytest.approx(float(objective(w, lam, penalized)), rel=1e-12)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("conditioning", ["independent", "nearly collinear"])
def test_the_sign_solution_is_the_optimum_and_its_bound_holds(seed, conditioning):
    """_sign_solution returns the exact minimizer to rounding (penalties 1e-14 to 1e-6 of λ_max,
    where no weight crosses 0) and a bound at least its exact excess, on well-conditioned and on
    nearly collinear columns (one unpenalized column too)."""
    H, y, rng = _small_problem(seed, conditioning)
    D = H.shape[1]
    c, solve, objective = _exact(H, y)
    penalized = np.array([False, True, True, True])
    svd = _column_svd(H)
    w_ls = np.linalg.lstsq(H, y, rcond=None)[0]
    lam_max = lassolib.lambda_max(H, y, unpenalized=(0,))
    for ratio in (1e-6, 1e-8, 1e-14):
        lam = ratio * lam_max
        optimum = _optimum(c, solve, objective, lam, list(penalized))
        v, primal, bound = _sign_solution(H, y, penalized, lam, svd, w_ls)
        excess = objective(v, lam, list(penalized)) - optimum
        assert 0 <= excess <= Fraction(bound)
        assert bound <= 1e-15 * primal  # (rounding, amplified by the conditioning)


def test_noise_free_data_at_tiny_penalties_is_never_falsely_certified():
    """y in the span of H (to rounding): the minimum is near 0 (2e-30 at 1e-300·λ_max). A fit
    marked converged has a reported gap at least its exact excess (rational arithmetic), and
    that gap is at most the tolerance times the objective or, as for any fit (see
    lasso_coordinate_descent), below the rounding floor of its computation."""
    rng = np.random.default_rng(3)
    H = rng.standard_normal((20, 4))
    y = H @ np.array([1.5, -2.0, 0.5, 3.0])
    c, solve, objective = _exact(H, y)
    penalized = [True] * 4
    lam_max = lassolib.lambda_max(H, y)
    for ratio in (1e-9, 1e-14, 1e-20, 1e-300):
        lam = ratio * lam_max
        optimum = _optimum(c, solve, objective, lam, penalized)
        for method in ("working_set", "cyclic"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", lassolib.ConvergenceWarning)
                result = lassolib.lasso_coordinate_descent(H, y, lam, method=method)
            assert result.converged, (ratio, method)
            excess = objective(result.weights, lam, penalized) - optimum
            assert 0 <= excess <= Fraction(result.gap), (ratio, method)
            delta = 2 * np.finfo(float).eps * (np.linalg.norm(y) + np.abs(result.weights)
                                               @ np.linalg.norm(H, axis=0))
            floor = 4 * delta**2 + 2 * delta * np.sqrt(result.gap)
            assert result.relative_gap <= 1e-12 or result.gap <= floor, (ratio, method)


def test_no_shortcut_where_least_squares_interpolates():
    """With more columns than rows the least-squares fits interpolate, and their L1 norm is not
    the lasso's: the shortcut is not tried (the solver sweeps), and the answer is not the
    minimum-norm least-squares fit (its L1 norm is well below that fit's)."""
    rng = np.random.default_rng(0)
    H, y = rng.standard_normal((15, 40)), rng.standard_normal(15)
    lam = 1e-9 * lassolib.lambda_max(H, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", lassolib.ConvergenceWarning)
        result = lassolib.lasso_coordinate_descent(H, y, lam)
    assert result.n_iterations > 0  # swept: not the least-squares shortcut
    least_squares = np.linalg.lstsq(H, y, rcond=None)[0]
    assert np.abs(result.weights).sum() < 0.9 * np.abs(least_squares).sum()


def test_the_least_squares_fallback_floor_must_count():
    """Two columns 1e-10 apart whose least-squares weights (±1.3e8) cancel, λ = 1e-16·λ_max: the
    least-squares bound fell below its own rounding floor (3.6e-13, far above 1e-10 of the
    unpenalized objective, 4.7e-15), and the fit was returned as converged 3.5e-5·P above the
    exact optimum with a gap below that excess (second adversarial pass). That floor now does
    not count (as everywhere else, _floor_counts): no shortcut, and whatever the sweeps end
    with is either certified by the duality gap or reported as not converged."""
    H = np.array([[0.3733468626253329, 0.37334686260174393],
                  [0.3202432047275546, 0.32024320476118573],
                  [-1.6884952118834913, -1.688495211896896],
                  [0.9574239667720826, 0.957423966759471],
                  [1.2929511646847092, 1.292951164704827],
                  [-0.22838809024354395, -0.22838809023052412]])
    y = np.array([0.0031682961631432174, -0.004517086514386282, 0.001800444703747233,
                  0.0016939118394123224, -0.0027020846426232827, -0.0017487288557707266])
    lam = 1e-16 * lassolib.lambda_max(H, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", lassolib.ConvergenceWarning)
        result = lassolib.lasso_coordinate_descent(H, y, lam, max_sweeps=500)
    assert result.n_iterations > 0  # not the least-squares shortcut
    if result.converged:
        assert result.relative_gap <= 1e-12
