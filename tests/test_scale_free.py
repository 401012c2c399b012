"""Issue 9: certified, scale-free answers — whatever the units of H and y.

The lasso solvers stop when the relative duality gap (gap / objective, the certificate of
lassolib.certificates) is at most ``tolerance``. Multiplying y by c multiplies the optimal weights
and λ_max by c and the objective by c²; multiplying column j by c divides w_j by c and leaves the
objective unchanged. So the *relative* objective excess over the optimum must be the same at every
scale. The optimum comes from scikit-learn (``Lasso(alpha=λ/2n, tol=1e-14)``) on the unscaled
problem, mapped exactly by these rules; ConvergenceWarning is an error under pytest (pyproject).
"""

import warnings

import numpy as np
import pytest

import lassolib
from lassolib import certificates
from lassolib import certificate, lambda_max, lasso_coordinate_descent, lasso_objective, lasso_path

SCALES = [10.0**k for k in range(-12, 13)]


def base_problem(seed=0, n=50, D=20):
    rng = np.random.default_rng(seed)
    H = rng.standard_normal((n, D))
    y = H[:, :5] @ rng.uniform(1, 3, 5) + 0.5 * rng.standard_normal(n)
    return H, y


@pytest.fixture(scope="module")
def reference():
    sklearn_linear_model = pytest.importorskip("sklearn.linear_model")
    H, y = base_problem()
    lam = 0.1 * lambda_max(H, y)
    model = sklearn_linear_model.Lasso(
        alpha=lam / (2 * H.shape[0]), fit_intercept=False, tol=1e-14, max_iter=10**6
    ).fit(H, y)
    optimum = lasso_objective(H, y, model.coef_, lam)
    return H, y, lam, optimum


def relative_excess(H, y, w, lam, optimum):
    return (lasso_objective(H, y, w, lam) - optimum) / optimum


@pytest.mark.parametrize("scale", SCALES, ids=[f"1e{k}" for k in range(-12, 13)])
def test_scaling_y_gives_the_same_relative_excess(reference, scale):
    """Issue 9: with y ~ 1e-10 the old rule stopped after one sweep, 5–14 % above the optimum."""
    H, y, lam, optimum = reference
    result = lasso_coordinate_descent(H, scale * y, scale * lam)
    assert result.converged and result.n_sweeps > 1
    excess = relative_excess(H, scale * y, result.weights, scale * lam, optimum * scale**2)
    assert excess <= 1e-9
    assert result.relative_gap <= 1e-10
    assert certificate(H, scale * y, result.weights, scale * lam).relative_gap <= 1e-10


@pytest.mark.parametrize("scale", SCALES, ids=[f"1e{k}" for k in range(-12, 13)])
@pytest.mark.parametrize("column", [0, 7])
def test_scaling_one_column_gives_the_same_relative_excess(reference, scale, column):
    """A rescaled column is a different lasso (chapter 5: the penalty is on w_j in its units),
    so the optimum comes from scikit-learn on the rescaled problem itself."""
    sklearn_linear_model = pytest.importorskip("sklearn.linear_model")
    H, y, _, _ = reference
    H_scaled = H.copy()
    H_scaled[:, column] *= scale
    lam = 0.1 * lambda_max(H_scaled, y)
    model = sklearn_linear_model.Lasso(
        alpha=lam / (2 * H.shape[0]), fit_intercept=False, tol=1e-14, max_iter=10**6
    ).fit(H_scaled, y)
    optimum = lasso_objective(H_scaled, y, model.coef_, lam)
    result = lasso_coordinate_descent(H_scaled, y, lam)
    assert result.converged and result.relative_gap <= 1e-10
    assert relative_excess(H_scaled, y, result.weights, lam, optimum) <= 1e-9


@pytest.mark.parametrize("scale", [1e-12, 1e-10, 1e10, 1e12])
def test_path_at_any_scale_converges_without_warnings(scale):
    """Issue 9: with y ~ 1e10, 42 of 100 path fits warned 'not converged' (75 in this case)."""
    H, y = base_problem(seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        penalties, weights, results = lasso_path(H, scale * y, n_penalties=100, return_results=True)
    base_penalties, base_weights = lasso_path(H, y, n_penalties=100)
    np.testing.assert_allclose(penalties, scale * base_penalties, rtol=1e-12)
    np.testing.assert_allclose(weights, scale * base_weights, rtol=0,
                               atol=1e-5 * scale * np.abs(base_weights).max())
    for lam, w, result in zip(penalties, weights, results):
        assert result.converged and result.relative_gap <= 1e-10
        assert certificate(H, scale * y, w, lam).relative_gap <= 1e-10


def random_scaled_problem(rng):
    n = int(rng.integers(5, 40))
    D = int(rng.integers(1, 30))
    H = rng.standard_normal((n, D)) * 10.0 ** rng.uniform(-12, 12, D)
    w = rng.standard_normal(D) / np.sqrt((H**2).sum(axis=0)) * (rng.random(D) < 0.4)
    y = (H @ w + 0.3 * rng.standard_normal(n) / np.sqrt(n)) * 10.0 ** rng.uniform(-12, 12)
    intercept = bool(rng.integers(2))
    if intercept:
        H[:, 0] = 10.0 ** rng.uniform(-12, 12)
    return H, y, ((0,) if intercept else ())


@pytest.mark.parametrize("seed", range(40))
def test_converged_means_certified_on_randomly_scaled_problems(seed):
    """Issue 9: with random scales, converged=True came back with a relative gap of 0.5."""
    rng = np.random.default_rng(seed)
    H, y, unpenalized = random_scaled_problem(rng)
    lam_max = lambda_max(H, y, unpenalized=unpenalized)
    for fraction in (0.5, 0.05, 0.005):
        lam = fraction * lam_max
        for tolerance in (1e-6, 1e-10):
            result = lasso_coordinate_descent(H, y, lam, tolerance=tolerance, unpenalized=unpenalized)
            assert result.converged
            reference = certificate(H, y, result.weights, lam, unpenalized=unpenalized)
            assert reference.relative_gap <= tolerance
            # the solver's own gap (its best dual point, possibly extrapolated) certifies it too
            assert result.relative_gap <= tolerance
    penalties, weights, results = lasso_path(
        H, y, n_penalties=8, min_ratio=1e-2, unpenalized=unpenalized, return_results=True
    )
    for lam, w, result in zip(penalties, weights, results):
        assert result.converged
        assert certificate(H, y, w, lam, unpenalized=unpenalized).relative_gap <= 1e-10


# ----------------------------------------------------------------------------------------------
# Extreme magnitudes: squared norms that overflow or underflow float64
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("magnitude", [1e154, 1e200, 1e300, 1e-165, 1e-200, 1e-300])
def test_extreme_columns_give_the_scaled_answer(magnitude):
    """|H| ~ 1e154..1e300 or 1e-165..1e-300 (Σh² overflows or underflows): the solution is the
    ordinary problem's divided by the magnitude — not all zeros marked converged."""
    H, y = base_problem(seed=2)
    lam = 0.1 * lambda_max(H, y)
    expected = lasso_coordinate_descent(H, y, lam).weights
    H_extreme = H * magnitude
    assert lambda_max(H_extreme, y) == pytest.approx(lambda_max(H, y) * magnitude, rel=1e-12)
    result = lasso_coordinate_descent(H_extreme, y, lam * magnitude)
    assert result.converged and np.count_nonzero(result.weights) > 0
    np.testing.assert_allclose(result.weights * magnitude, expected, rtol=1e-6,
                               atol=1e-8 * np.abs(expected).max())
    assert result.relative_gap <= 1e-10
    _, path = lasso_path(H_extreme, y, np.array([0.5, 0.1]) * lambda_max(H, y) * magnitude)
    np.testing.assert_allclose(path[1] * magnitude, expected, rtol=1e-6,
                               atol=1e-8 * np.abs(expected).max())


def test_columns_too_far_apart_are_refused():
    H, y = base_problem(seed=3)
    H[:, 0] *= 1e300
    H[:, 1] *= 1e-300
    with pytest.raises(ValueError, match="rescale the columns"):
        lasso_coordinate_descent(H, y, 1.0)
    with pytest.raises(ValueError, match="rescale the columns"):
        lasso_path(H, y)


@pytest.mark.parametrize("magnitude", [1e200, 1e-200])
def test_y_whose_square_leaves_float64_is_refused(magnitude):
    H, y = base_problem(seed=4)
    with pytest.raises(ValueError, match="rescale y"):
        lasso_coordinate_descent(H, magnitude * y, 1.0)
    with pytest.raises(ValueError, match="rescale y"):
        lasso_path(H, magnitude * y)


# ----------------------------------------------------------------------------------------------
# λ = 0 and the result fields
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(40, 10), (10, 40)])
def test_lambda_zero_is_least_squares(shape):
    rng = np.random.default_rng(5)
    H = rng.standard_normal(shape)
    y = rng.standard_normal(shape[0])
    result = lasso_coordinate_descent(H, y, 0.0)
    assert result.converged
    least = np.linalg.lstsq(H, y, rcond=None)[0]
    rss_min = float(np.sum((y - H @ least) ** 2))
    rss = float(np.sum((y - H @ result.weights) ** 2))
    assert rss - rss_min <= 1e-10 * max(rss_min, 1e-300) + 1e-20 * (y @ y)
    _, path = lasso_path(H, y, [0.0])
    assert np.sum((y - H @ path[0]) ** 2) - rss_min <= 1e-10 * rss_min + 1e-20 * (y @ y)


def test_internal_gap_equals_the_certificate():
    """The solvers' gap (computed without copying H) is lassolib.certificates' gap."""
    from lassolib.coordinate_descent import _gap, _Scaled

    rng = np.random.default_rng(6)
    for unpenalized in [(), (0, 3)]:
        H = rng.standard_normal((30, 12))
        y = rng.standard_normal(30)
        penalized = np.ones(12, dtype=bool)
        penalized[list(unpenalized)] = False
        problem = _Scaled(np.asfortranarray(H.copy()), y, penalized, owned=True)
        for lam in [0.0, 0.3 * lambda_max(H, y, unpenalized=unpenalized)]:
            for w in [np.zeros(12), rng.standard_normal(12), 0.01 * rng.standard_normal(12)]:
                # the certificate's first dual point (the scaled residual), which the solvers use
                _, _, expected, _ = certificates._gap(H, y, w, lam, penalized, support=False)
                assert lassolib.duality_gap(H, y, w, lam, unpenalized=unpenalized) <= expected
                for basis in [None, problem.basis(lam)]:
                    primal, gap, floor, _ = _gap(H, y, w, lam, penalized, y - H @ w,
                                                 np.sqrt((H**2).sum(axis=0)), basis)
                    assert gap == pytest.approx(expected, rel=1e-9, abs=1e-12)
                    assert primal == pytest.approx(lasso_objective(H, y, w, lam, unpenalized=unpenalized))
                    assert 0.0 < floor < 1e-10 * (y @ y + 1)


def test_result_reports_gap_and_relative_gap():
    H, y = base_problem(seed=7)
    lam = 0.2 * lambda_max(H, y)
    result = lasso_coordinate_descent(H, y, lam, tolerance=1e-8)
    reference = certificate(H, y, result.weights, lam)
    assert result.relative_gap <= 1e-8 and reference.relative_gap <= 1e-8
    # both are upper bounds on the objective's distance from its minimum (a tight reference)
    tight = lasso_coordinate_descent(H, y, lam, tolerance=1e-16).objective
    assert result.objective - tight <= result.gap * (1 + 1e-9) + 1e-15 * tight
    assert result.objective - tight <= reference.gap * (1 + 1e-9) + 1e-15 * tight
    assert result.objective == pytest.approx(reference.primal, rel=1e-12)
    zero = lasso_coordinate_descent(H, y, 2 * lambda_max(H, y))
    assert zero.converged and zero.n_sweeps == 0 and zero.relative_gap <= 1e-12


# ----------------------------------------------------------------------------------------------
# Item 8: the default grid's arguments next to explicit penalties
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("extra", [dict(n_penalties=10), dict(min_ratio=1e-2),
                                   dict(n_penalties=10, min_ratio=1e-2)])
def test_grid_arguments_with_explicit_penalties_are_refused(extra):
    H, y = base_problem(seed=8)
    names = " and ".join(extra)
    with pytest.raises(ValueError, match=names):
        lasso_path(H, y, [1.0, 0.5], **extra)
    with pytest.raises(ValueError, match=names):
        lassolib.cross_validate(H, y, [1.0, 0.5], **extra)
    # alone they are fine (defaults 100 and 1e-3)
    penalties, _ = lasso_path(H, y, **extra)
    assert penalties.size == extra.get("n_penalties", 100)


@pytest.mark.parametrize("magnitude", [1e200, 1e-200, 1e300, 1e-300])
def test_normalize_features_is_robust_to_extreme_magnitudes(magnitude):
    H, _ = base_problem(seed=9)
    expected, norms = lassolib.normalize_features(H)
    got, got_norms = lassolib.normalize_features(H * magnitude)
    np.testing.assert_allclose(got, expected, rtol=1e-13)
    np.testing.assert_allclose(got_norms, norms * magnitude, rtol=1e-13)


@pytest.mark.parametrize("method", ["working_set", "cyclic"])
@pytest.mark.parametrize("ratio", [1e-300, 1e-20, 1e-17])
def test_a_tiny_penalty_on_exactly_fittable_data_is_not_certified_early(method, ratio):
    """Noise-free y and λ far below λ_max: the optimum's objective is at rounding level (about
    1e-28 here). The rounding floor's penalty term scales with the dual point's scale (tiny
    here); without that factor it was about 1e-12 ‖y‖², and the cyclic method stopped,
    'converged', at P(w) = 2.9e-15."""
    rng = np.random.default_rng(3)
    H = rng.standard_normal((20, 5))
    y = H @ np.array([1.0, -2.0, 0.5, 3.0, -1.0])
    lam = ratio * lassolib.lambda_max(H, y)
    result = lassolib.lasso_coordinate_descent(H, y, lam, method=method)
    assert result.converged
    w_ls = np.linalg.lstsq(H, y, rcond=None)[0]
    reference = lassolib.lasso_objective(H, y, w_ls, lam)
    rounding = (1e-15 * (np.linalg.norm(y) + np.abs(w_ls) @ np.linalg.norm(H, axis=0))) ** 2
    assert result.objective <= reference + 100 * rounding


@pytest.mark.parametrize("method", ["working_set", "cyclic"])
def test_a_start_whose_objective_overflows_is_refused(method):
    """w0 = 1e155 makes ‖y − H w0‖² overflow: the solver used to return converged=True with
    relative_gap = nan (inf <= inf passed the test); now w0 is refused at the door."""
    rng = np.random.default_rng(1)
    H, y = rng.standard_normal((12, 3)), rng.standard_normal(12)
    with pytest.raises(ValueError, match="w0"):
        lassolib.lasso_coordinate_descent(H, y, 1.0, w0=np.full(3, 1e155), method=method)
    result = lassolib.lasso_coordinate_descent(H, y, 1.0, w0=np.full(3, 1e150), method=method)
    assert result.converged and result.relative_gap <= 1e-12


def test_an_infinite_objective_is_never_certified():
    from lassolib.coordinate_descent import _certified
    assert not _certified(np.inf, np.inf, 0.0, 1e-12, 1.0)
    assert not _certified(1.0, 0.0, np.inf, 1e-12, 1.0)
    assert _certified(1.0, 1e-13, 0.0, 1e-12, 1.0)


def _starting_solvers():
    from lassolib.l2_gradient import ridge_gradient_descent
    from lassolib.subgradient import subgradient_descent
    from lassolib.training import adam, fista, ista, lasso_sgd
    return {
        "lasso_coordinate_descent": lambda H, y, w0: lassolib.lasso_coordinate_descent(
            H, y, 1.0, w0=w0),
        "ista": lambda H, y, w0: ista(H, y, 1.0, w0=w0, max_iterations=50),
        "fista": lambda H, y, w0: fista(H, y, 1.0, w0=w0, max_iterations=50),
        "lasso_sgd": lambda H, y, w0: lasso_sgd(H, y, 1.0, step_size=1e-3, n_epochs=2,
                                                batch_size=4, w0=w0),
        "adam": lambda H, y, w0: adam(H, y, 1.0, step_size=1e-3, n_iterations=5, w0=w0),
        "subgradient_descent": lambda H, y, w0: subgradient_descent(
            H, y, 1.0, step_size=1e-3, n_iterations=5, w0=w0),
        "ridge_gradient_descent": lambda H, y, w0: ridge_gradient_descent(
            H, y, 1.0, step_size=1e-3, n_iterations=5, w0=w0),
    }


@pytest.mark.parametrize("name", list(_starting_solvers()))
def test_every_solver_refuses_a_start_whose_objective_overflows(name):
    """Every solver that takes a start refuses one whose objective overflows float64 (w0 =
    1e155 on unit data) with a ValueError naming w0, and issues no warning of any kind. Before,
    ISTA/FISTA leaked RuntimeWarnings and ran out of iterations, and lasso_sgd returned the
    overflowed weights silently. A large start that does not overflow (1e150) is still taken."""
    solve = _starting_solvers()[name]
    rng = np.random.default_rng(1)
    H, y = rng.standard_normal((12, 3)), rng.standard_normal(12)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="w0: the residual sum of squares at w0 overflows"):
            solve(H, y, np.full(3, 1e155))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (no RuntimeWarning may leak either)
        warnings.simplefilter("ignore", lassolib.ConvergenceWarning)
        result = solve(H, y, np.full(3, 1e150))
    assert np.all(np.isfinite(result.weights))


def test_a_zero_start_is_never_refused_for_its_own_sake():
    """With y too large to square (ridge_gradient_descent runs such data unscaled), w0 = 0
    starts exactly where w0 = None does, so the start check leaves it to the solver."""
    from lassolib.l2_gradient import ridge_gradient_descent
    rng = np.random.default_rng(0)
    H, y = rng.standard_normal((20, 3)), rng.standard_normal(20) * 1e160
    kwargs = dict(step_size=1 / (2 * np.linalg.eigvalsh(H.T @ H).max() + 2),
                  n_iterations=100_000, tolerance=1e150)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(
            ridge_gradient_descent(H, y, 1.0, w0=np.zeros(3), **kwargs).weights,
            ridge_gradient_descent(H, y, 1.0, **kwargs).weights)


@pytest.mark.parametrize("solver", ["working_set", "cyclic", "ista", "fista"])
def test_a_start_far_beyond_the_data_scale_is_refused(solver):
    """H ≈ 1e150 and y ≈ 1e-150 (an answer ≈ 1e-300): w0 = 1 has a finite objective in the
    caller's units (≈ 1e305) but not in the run's, where y is scaled to about 1. The working-set
    solver leaked about 1,170 overflow warnings (then converged after 1,319 sweeps), the cyclic
    one 20,000 (and did not converge); now each refuses w0 with a ValueError naming it, and a
    start of the answer's scale runs without a warning of any other kind."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(8, 4)) + 50
    X[:, 0] = 1
    y = X @ rng.normal(size=4) + rng.normal(size=8)
    H, y = X * 1e150, y * 1e-150
    lam = 0.3 * lassolib.lambda_max(H, y, unpenalized=(0,))

    def solve(w0):
        if solver in ("ista", "fista"):
            return getattr(lassolib, solver)(H, y, lam, unpenalized=(0,), w0=w0,
                                             max_iterations=50)
        return lassolib.lasso_coordinate_descent(H, y, lam, unpenalized=(0,), w0=w0,
                                                 method=solver, max_sweeps=200)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="w0: the objective at w0 is beyond"):
            solve(np.ones(4))
        warnings.simplefilter("ignore", lassolib.ConvergenceWarning)
        assert np.all(np.isfinite(solve(np.full(4, 1e-300)).weights))
