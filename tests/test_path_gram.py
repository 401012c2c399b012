"""The path's Gram mode (n ≥ D): Gram-form gap *estimates* steer the sweeps, residual-form
certificates in blocks decide ``converged``.

Every check here is independent of the Gram-form code: the answers are judged by
``lassolib.certificate`` (its own residual, dual points and sums) and compared with the residual-form
path (the same solver with Gram mode off) within the bound their certificates give: the fitted
values satisfy ‖H(w − w*)‖² ≤ P(w) − P* ≤ gap (the RSS is a squared norm of Hw), so two
certified answers have ‖H(w₁ − w₂)‖ ≤ sqrt(gap₁) + sqrt(gap₂).
"""

import numpy as np
import pytest

import lassolib
import lassolib.path as path_module
from lassolib import certificate, lambda_max, penalty_grid
from lassolib._validation import check_unpenalized
from lassolib.coordinate_descent import _check_entry, _Scaled
from lassolib.soft_threshold import _lambda_max, _unpenalized_fit


def solve_path(H, y, penalties, *, unpenalized=(), tolerance=1e-12, max_sweeps=10_000, **options):
    """``lasso_path``'s own set-up, then ``_active_set_path`` with ``options`` (gram_mode, ...)."""
    H, y, owned = _check_entry(np.asfortranarray(H, dtype=float), np.asarray(y, dtype=float))
    penalized = check_unpenalized(unpenalized, H.shape[1])
    problem = _Scaled(H, y, penalized, owned=owned)
    w_zero, residual_zero = _unpenalized_fit(problem.H, problem.y, penalized)
    lam_max = _lambda_max(problem.H, penalized, residual_zero)
    scaled = np.array([problem.penalty(lam) for lam in penalties])
    weights, converged, results = path_module._active_set_path(
        problem, scaled, tolerance, max_sweeps, w_zero, residual_zero, lam_max, keep_history=True,
        **options,
    )
    return problem.weights(weights), converged, results


class Spy:
    """Count the Gram-mode fits (by status) and the residual-form fits of one path."""

    def __init__(self, monkeypatch):
        self.statuses, self.residual_fits = [], 0
        gram_fit, residual_fit = path_module._gram_path_fit, path_module._working_set_fit

        def spy_gram(*args, **kwargs):
            out = gram_fit(*args, **kwargs)
            self.statuses.append(out[0])
            return out

        def spy_residual(*args, **kwargs):
            self.residual_fits += 1
            return residual_fit(*args, **kwargs)

        monkeypatch.setattr(path_module, "_gram_path_fit", spy_gram)
        monkeypatch.setattr(path_module, "_working_set_fit", spy_residual)


def tall(seed=0, n=400, d=12, intercept=False):
    rng = np.random.default_rng(seed)
    H = rng.standard_normal((n, d))
    if intercept:
        H[:, 0] = 1.0
    w = np.zeros(d)
    w[: d // 3] = rng.standard_normal(d // 3) * 3
    y = H @ w + 0.5 * rng.standard_normal(n) + (5.0 if intercept else 0.0)
    return H, y


def assert_certified(H, y, penalties, weights, converged, tolerance, unpenalized=()):
    """Every row reported converged is certified by lassolib.certificate, independently."""
    assert converged.all()
    for lam, row in zip(penalties, weights):
        reference = certificate(H, y, row, lam, unpenalized=unpenalized)
        assert reference.relative_gap <= 1.1 * tolerance, (lam, reference.relative_gap)


@pytest.mark.parametrize("intercept", [False, True])
def test_gram_mode_runs_and_matches_the_residual_form(monkeypatch, intercept):
    H, y = tall(1, intercept=intercept)
    unpenalized = (0,) if intercept else ()
    penalties = penalty_grid(lambda_max(H, y, unpenalized=unpenalized), n_penalties=40)
    spy = Spy(monkeypatch)
    gram_w, gram_ok, gram_results = solve_path(H, y, penalties, unpenalized=unpenalized)
    # Gram mode ran every penalty below λ_max and needed no residual-form continuation
    assert len(spy.statuses) == penalties.size - 1 and set(spy.statuses) <= {1, 2}
    assert spy.residual_fits == 0
    plain_w, plain_ok, plain_results = solve_path(H, y, penalties, unpenalized=unpenalized,
                                                  gram_mode=False)
    assert spy.residual_fits == penalties.size - 1
    assert gram_ok.all() and plain_ok.all()
    assert_certified(H, y, penalties, gram_w, gram_ok, 1e-12, unpenalized)
    for lam, a, b in zip(penalties, gram_w, plain_w):
        gap_a = certificate(H, y, a, lam, unpenalized=unpenalized).gap
        gap_b = certificate(H, y, b, lam, unpenalized=unpenalized).gap
        distance = np.linalg.norm(H @ (a - b))
        assert distance <= (np.sqrt(gap_a) + np.sqrt(gap_b)) * (1 + 1e-6) + 1e-12 * np.linalg.norm(y)
    # the results describe the certified answers: the gap is the residual-form certificate's,
    # the history has one objective per sweep (plus the start), the last one the objective
    for result in gram_results[1:]:
        assert result.converged and result.relative_gap <= 1e-12
        assert result.objective_history.size == result.n_iterations + 1
        assert result.objective_history[-1] == result.objective


@pytest.mark.parametrize(
    "scale_H, scale_y, column",
    [(1e-150, 1e-150, None), (1e140, 1e140, None), (1e-140, 1e140, None), (1.0, 1.0, 1e8),
     (1e150, 1e-150, 1e-8)],
)
def test_converged_flags_hold_on_badly_scaled_data(monkeypatch, scale_H, scale_y, column):
    H, y = tall(2, intercept=True)
    H, y = H * scale_H, y * scale_y
    if column is not None:
        H[:, 3] *= column
    spy = Spy(monkeypatch)
    penalties, weights, results = lassolib.lasso_path(H, y, n_penalties=30, unpenalized=(0,),
                                                      return_results=True)
    assert {1, 2} & set(spy.statuses)  # Gram mode certified fits here
    assert_certified(H, y, penalties, weights, np.array([r.converged for r in results]), 1e-12,
                     (0,))


def test_a_wrong_estimate_falls_back_to_the_residual_form(monkeypatch):
    """With a margin of 1e9 the estimate 'certifies' after one sweep: the residual-form
    certificate must refuse it and the fit continue in residual form, to a certified answer."""
    H, y = tall(3, intercept=True)
    penalties = penalty_grid(lambda_max(H, y, unpenalized=(0,)), n_penalties=20)
    spy = Spy(monkeypatch)
    weights, converged, results = solve_path(H, y, penalties, unpenalized=(0,), gram_margin=1e9)
    assert spy.residual_fits > 0, "the forced wrong estimates were never caught"
    assert_certified(H, y, penalties, weights, converged, 1e-12, (0,))
    for result in results[1:]:
        assert result.objective_history.size == result.n_iterations + 1


def test_an_untrusted_estimate_falls_back_then_gram_mode_stops(monkeypatch):
    """An estimate whose rounding is never small enough (share 0): each fit continues in
    residual form, and after three in a row the path leaves Gram mode."""
    monkeypatch.setattr(path_module, "_GRAM_FLOOR_SHARE", 0.0)
    H, y = tall(4)
    penalties = penalty_grid(lambda_max(H, y), n_penalties=15)
    spy = Spy(monkeypatch)
    weights, converged, _ = solve_path(H, y, penalties)
    assert spy.statuses == [-1, -1, -1]
    assert spy.residual_fits == penalties.size - 1
    assert_certified(H, y, penalties, weights, converged, 1e-12)


def test_slow_plain_sweeps_fall_back(monkeypatch):
    monkeypatch.setattr(path_module, "_GRAM_MAX_SWEEPS", 1)
    H, y = tall(5)
    penalties = penalty_grid(lambda_max(H, y), n_penalties=15)
    spy = Spy(monkeypatch)
    weights, converged, _ = solve_path(H, y, penalties)
    assert 0 in spy.statuses and spy.residual_fits > 0
    assert_certified(H, y, penalties, weights, converged, 1e-12)


def test_several_certificate_blocks():
    """n·K ≤ _BLOCK_COLUMNS (8) columns of n: 30000 rows give blocks of 8 penalties; every block is
    certified. (With an unpenalized column: with every column penalized the fits are checked
    from anchors, see the tests below.)"""
    H, y = tall(6, n=30_000, d=5, intercept=True)
    penalties = penalty_grid(lambda_max(H, y, unpenalized=(0,)), n_penalties=30)
    weights, converged, results = solve_path(H, y, penalties, unpenalized=(0,))
    assert 2 * lassolib.path._BLOCK_COLUMNS < penalties.size
    assert_certified(H, y, penalties, weights, converged, 1e-12, (0,))


def test_max_sweeps_in_gram_mode_is_reported_honestly():
    """One sweep cannot reach 1e-14: the rows are not reported converged, and the gap reported
    is the residual-form certificate's (checked independently)."""
    H, y = tall(7)
    penalties = penalty_grid(lambda_max(H, y), n_penalties=6)
    with pytest.warns(lassolib.ConvergenceWarning):
        got, weights, results = lassolib.lasso_path(H, y, penalties, max_sweeps=1,
                                                    tolerance=1e-14, return_results=True)
    assert not all(r.converged for r in results[1:])
    for lam, row, result in zip(got, weights, results):
        reference = certificate(H, y, row, lam)  # its dual points include the support point
        assert result.gap >= reference.gap * (1 - 1e-6)  # the reported gap is an upper bound
        if result.converged:
            assert reference.relative_gap <= 1.1e-14
        else:
            assert result.relative_gap > 1e-14


# ------------------------------------------------------------------------------------------------
# One penalty: lasso_coordinate_descent uses Gram mode when n >= D and D <= 256
# ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "scale_H, scale_y, column",
    [(1.0, 1.0, None), (1e-150, 1e-150, None), (1e140, 1e-140, None), (1.0, 1.0, 1e8)],
)
@pytest.mark.parametrize("fraction", [0.5, 0.1, 0.01, 0.001])
def test_single_fit_in_gram_mode_is_certified(monkeypatch, scale_H, scale_y, column, fraction):
    from lassolib.coordinate_descent import _solve_working_set

    H, y = tall(8, intercept=True)
    H, y = H * scale_H, y * scale_y
    if column is not None:
        H[:, 2] *= column
    lam = fraction * lambda_max(H, y, unpenalized=(0,))
    spy = Spy(monkeypatch)
    result = lassolib.lasso_coordinate_descent(H, y, lam, unpenalized=(0,))
    if fraction >= 0.01:
        assert spy.statuses in ([1], [2]) and spy.residual_fits == 0  # Gram mode answered
    else:
        # near least squares on this uncentered y (mean 5) the estimate's rounding may be too
        # large for 1e-12: then the working-set solver answers
        assert spy.statuses in ([1], [2], [-1])
        assert spy.residual_fits == (1 if spy.statuses == [-1] else 0)
    assert result.converged
    reference = certificate(H, y, result.weights, lam, unpenalized=(0,))
    assert reference.relative_gap <= 1.1e-12
    # (two computations of a gap this small differ by their rounding, which on this uncentered
    # y near least squares reaches ~1e-13 of the objective: the residual is ~1e-2 of y; the
    # solver's is computed on the data projected off the intercept's column, certificate's on
    # the raw data, whose rounding is larger: 9.5e-13 against 3.2e-13 at 1e140·H, 1e-140·y)
    assert reference.gap <= result.gap + 1e-12 * reference.primal
    assert result.objective_history.size == result.n_iterations + 1
    # the working-set solver gives the same answer within the certificates' bound
    penalized = np.ones(H.shape[1], bool)
    penalized[0] = False
    other = _solve_working_set(np.asfortranarray(H), y, lam, 1e-12, 10_000, None, penalized)
    bound = np.sqrt(result.gap) + np.sqrt(other.gap)
    assert np.linalg.norm(H @ (result.weights - other.weights)) <= bound * (1 + 1e-6)


def test_single_fit_falls_back_to_the_working_set_solver_from_the_start(monkeypatch):
    """Below the Gram estimate's rounding (tolerance 1e-16) Gram mode gives up; the answer is then
    exactly the working-set solver's from the original start."""
    from lassolib.coordinate_descent import _solve_working_set

    H, y = tall(9, n=60, d=15)
    lam = 0.01 * lambda_max(H, y)
    spy = Spy(monkeypatch)
    result = lassolib.lasso_coordinate_descent(H, y, lam, tolerance=1e-16, max_sweeps=10**6)
    assert spy.statuses == [-1] and spy.residual_fits == 1
    other = _solve_working_set(np.asfortranarray(H), y, lam, 1e-16, 10**6, None,
                               np.ones(H.shape[1], bool))
    np.testing.assert_array_equal(result.weights, other.weights)
    assert result.converged == other.converged and result.gap == other.gap


def test_single_fit_warm_start_in_gram_mode():
    H, y = tall(10)
    lam = 0.05 * lambda_max(H, y)
    cold = lassolib.lasso_coordinate_descent(H, y, lam)
    warm = lassolib.lasso_coordinate_descent(H, y, lam, w0=cold.weights)
    assert warm.converged and warm.n_iterations <= 2
    assert certificate(H, y, warm.weights, lam).relative_gap <= 1.1e-12


# ------------------------------------------------------------------------------------------------
# One penalty on a large H: the working-set solver races Gram mode
# ------------------------------------------------------------------------------------------------

def race_problem(seed=20, n=2600, d=200, nonzero=8):
    """n·D² = 1.04e8 ≥ _RACE_MIN_GRAM: big enough for the race at the library's defaults."""
    rng = np.random.default_rng(seed)
    H = rng.standard_normal((n, d))
    w = np.zeros(d)
    w[rng.choice(d, nonzero, replace=False)] = 3.0 * rng.standard_normal(nonzero)
    return np.asfortranarray(H), H @ w + rng.standard_normal(n)


def test_race_thresholds_apply_to_the_benchmark_shapes():
    from lassolib.coordinate_descent import _RACE_MIN_GRAM, _gram_mode_pays

    assert 2600 * 200**2 >= _RACE_MIN_GRAM > 2000 * 100**2  # race_problem races; 2000×100 not
    assert _gram_mode_pays(2600, 200)


def test_race_a_sparse_answer_is_certified_without_the_gram_matrix(monkeypatch):
    """At λ_max/10 few features violate the KKT condition at the start: the working set goes
    first and certifies; Gram mode (which would build the D×D matrix) never runs."""
    H, y = race_problem()
    lam = 0.1 * lambda_max(H, y)
    spy = Spy(monkeypatch)
    result = lassolib.lasso_coordinate_descent(H, y, lam)
    assert spy.statuses == [] and spy.residual_fits >= 1
    assert result.converged
    assert certificate(H, y, result.weights, lam).relative_gap <= 1.1e-12
    assert result.objective_history.size == result.n_iterations + 1
    assert result.objective_history[-1] == result.objective
    assert 0 < np.count_nonzero(result.weights) < 40


def test_race_a_dense_answer_goes_to_gram_mode(monkeypatch):
    """Near least squares (λ_max/10⁴) nearly every feature violates the KKT condition at the
    start: Gram mode answers at once, and its answer is certified independently."""
    H, y = race_problem(21)
    lam = 1e-4 * lambda_max(H, y)
    spy = Spy(monkeypatch)
    result = lassolib.lasso_coordinate_descent(H, y, lam)
    assert spy.statuses in ([1], [2]) and spy.residual_fits == 0
    assert result.converged
    assert certificate(H, y, result.weights, lam).relative_gap <= 1.1e-12
    assert result.objective_history.size == result.n_iterations + 1


@pytest.mark.parametrize(
    "scale_H, scale_y", [(1.0, 1.0), (1e-150, 1e-150), (1e140, 1e-140), (1e-140, 1e140)]
)
@pytest.mark.parametrize("fraction", [0.5, 0.1, 0.03, 0.01, 0.001])
@pytest.mark.parametrize("gram_fails", [False, True])
def test_race_every_route_is_certified(monkeypatch, scale_H, scale_y, fraction, gram_fails):
    """With the race switched on for a small problem (_RACE_MIN_GRAM = 0), every route: the
    working set certifies in its first check, after more checks, or hands over to Gram mode,
    which certifies, or (``gram_fails``: its estimate forced to be 'untrusted') gives back to
    the working set. Each answer is certified by lassolib.certificate on the caller's units,
    and agrees with the working-set solver alone within the certificates' bound."""
    import lassolib.coordinate_descent as cd

    H, y = tall(30, n=300, d=40, intercept=True)
    H, y = H * scale_H, y * scale_y
    lam = fraction * lambda_max(H, y, unpenalized=(0,))
    monkeypatch.setattr(cd, "_RACE_MIN_GRAM", 0)
    if gram_fails:
        gram_fit = path_module._gram_path_fit

        def untrusted(*args, **kwargs):
            return (-1, *gram_fit(*args, **kwargs)[1:])

        monkeypatch.setattr(path_module, "_gram_path_fit", untrusted)
    spy = Spy(monkeypatch)
    result = lassolib.lasso_coordinate_descent(H, y, lam, unpenalized=(0,))
    assert result.converged
    assert spy.residual_fits >= 1 or spy.statuses
    assert certificate(H, y, result.weights, lam, unpenalized=(0,)).relative_gap <= 1.1e-12
    assert result.objective_history.size == result.n_iterations + 1
    assert result.objective_history[-1] == result.objective
    penalized = np.ones(H.shape[1], bool)
    penalized[0] = False
    other = cd._solve_working_set(np.asfortranarray(H), y, lam, 1e-12, 10_000, None, penalized)
    bound = np.sqrt(result.gap) + np.sqrt(other.gap)
    assert np.linalg.norm(H @ (result.weights - other.weights)) <= bound * (1 + 1e-6)


def test_race_out_of_sweeps_is_reported(monkeypatch):
    import lassolib.coordinate_descent as cd

    H, y = tall(31, n=300, d=40)
    monkeypatch.setattr(cd, "_RACE_MIN_GRAM", 0)
    lam = 1e-3 * lambda_max(H, y)
    with pytest.warns(lassolib.ConvergenceWarning, match="did not converge in 3 sweeps"):
        result = lassolib.lasso_coordinate_descent(H, y, lam, max_sweeps=3, tolerance=1e-14)
    assert not result.converged and result.n_iterations <= 3
    assert result.relative_gap > 1e-14
    assert certificate(H, y, result.weights, lam).gap <= result.gap * (1 + 1e-9) + 1e-12


# ------------------------------------------------------------------------------------------------
# The door: squared column norms instead of H.min() and H.max()
# ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("exponent", list(range(-160, 161, 8)) + [-101, -100, -99, 99, 100, 101])
@pytest.mark.parametrize("n", [1, 7, 300])
def test_squares_at_the_door_change_nothing(exponent, n):
    """_Scaled given _check_entry's squared norms picks the same power of two and the same
    norms as _Scaled finding max |H| itself, whatever the magnitude of H."""
    from lassolib.coordinate_descent import _squares

    rng = np.random.default_rng(n + exponent % 97)
    H = np.asfortranarray(rng.standard_normal((n, 5)) * 2.0**exponent)
    H[:, 1] *= 2.0**-20
    y = rng.standard_normal(n)
    penalized = np.ones(5, bool)
    checked, _, owned, squares = _check_entry(H, y, squares=True)
    assert checked is H and not owned
    fast = _Scaled(H, y, penalized, owned=False, squares=squares)
    slow = _Scaled(H, y, penalized, owned=False)
    assert fast.a == slow.a
    np.testing.assert_array_equal(fast.z, slow.z)
    np.testing.assert_array_equal(fast.H, slow.H)
    if slow.a == 0:
        assert squares is not None
        np.testing.assert_array_equal(squares, _squares(H))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_a_bad_entry_is_refused_at_the_door(bad):
    H, y = tall(32, n=50, d=6)
    H = np.asfortranarray(H)
    H[17, 4] = bad
    with pytest.raises(ValueError, match="H"):
        lassolib.lasso_coordinate_descent(H, y, 1.0)
    with pytest.raises(ValueError, match="H"):
        lassolib.lasso_path(H, y, n_penalties=3)


def test_squares_that_overflow_are_not_mistaken_for_a_bad_entry():
    """Entries of 1e200 are finite but their squares overflow: H is accepted (and rescaled)."""
    H, y = tall(33, n=50, d=6)
    H = np.asfortranarray(H * 1e200)
    lam = 0.1 * lambda_max(H, y)
    result = lassolib.lasso_coordinate_descent(H, y, lam)
    assert result.converged
    assert certificate(H, y, result.weights, lam).relative_gap <= 1.1e-12


# ------------------------------------------------------------------------------------------------
# The extrapolated dual point in Gram mode
# ------------------------------------------------------------------------------------------------

def test_extrapolated_point_certifies_the_diabetes_path(monkeypatch):
    """On the book's diabetes problem (correlated features, slow plain sweeps) some fits are
    accepted on the extrapolated point: the certificate then includes it, and every row is
    certified by lassolib.certificate."""
    problem = lassolib.diabetes_problem()
    # (with Anderson acceleration of the iterates the residual alone certifies these fits)
    monkeypatch.setattr(path_module, "_GRAM_ANDERSON", False)
    spy = Spy(monkeypatch)
    penalties, weights, results = lassolib.lasso_path(problem.H, problem.y, unpenalized=(0,),
                                                      n_penalties=60, return_results=True)
    assert 2 in spy.statuses and spy.residual_fits == 0
    assert_certified(problem.H, problem.y, penalties, weights,
                     np.array([r.converged for r in results]), 1e-12, (0,))


def test_small_solve_matches_numpy_and_refuses_singular_systems():
    rng = np.random.default_rng(0)
    for m in (1, 2, 4):
        U = rng.standard_normal((m, 30))
        A = U @ U.T
        b = np.ones(m)
        x, ok = path_module._small_solve(A, b)
        assert ok
        np.testing.assert_allclose(x, np.linalg.solve(A, b), rtol=1e-10)
    A = np.array([[1.0, 2.0], [2.0, 4.0]])
    assert not path_module._small_solve(A, np.ones(2))[1]
    assert not path_module._small_solve(np.zeros((3, 3)), np.ones(3))[1]
    assert not path_module._small_solve(np.full((2, 2), np.nan), np.ones(2))[1]


def test_anderson_acceleration_in_gram_mode_saves_sweeps_and_keeps_certificates(monkeypatch):
    """Gram mode's Anderson steps (the extrapolated iterate replaces w when it lowers the Gram-form
    objective): on the diabetes path, far fewer sweeps, no fit leaves Gram mode, and every
    row is still certified by lassolib.certificate; on uncentered data too."""
    problem = lassolib.diabetes_problem()
    sweeps = {}
    for anderson in (False, True):
        monkeypatch.setattr(path_module, "_GRAM_ANDERSON", anderson)
        spy = Spy(monkeypatch)
        penalties, weights, results = lassolib.lasso_path(problem.H, problem.y, unpenalized=(0,),
                                                          return_results=True)
        assert spy.residual_fits == 0
        assert_certified(problem.H, problem.y, penalties, weights,
                         np.array([r.converged for r in results]), 1e-12, (0,))
        sweeps[anderson] = sum(r.n_iterations for r in results)
    assert sweeps[True] < 0.5 * sweeps[False]
    H, y = tall(8, n=300, d=12)
    H, y = H + 50.0, y + 1e3  # uncentered: the Gram form's RSS cancels
    penalties, weights, results = lassolib.lasso_path(H, y, n_penalties=30, return_results=True)
    assert_certified(H, y, penalties, weights, np.array([r.converged for r in results]), 1e-12, ())


def test_certificate_block_with_an_extra_point_is_no_worse_and_valid():
    """The block's check with an extra dual point keeps the smaller gap, and either gap is an
    upper bound: at least lassolib.certificate's at the residual point's rounding."""
    H, y = tall(11, intercept=True)
    lam = 0.05 * lambda_max(H, y, unpenalized=(0,))
    exact = lassolib.lasso_coordinate_descent(H, y, lam, unpenalized=(0,), tolerance=1e-15).weights
    penalized = np.ones(H.shape[1], bool)
    penalized[0] = False
    problem = _Scaled(np.asfortranarray(H), y, penalized, owned=False)
    rough = exact + 1e-3 * np.random.default_rng(1).standard_normal(exact.size) * (exact != 0)
    alone = path_module._certify_block(problem, np.array([lam]), rough[:, None].copy())[0]
    both = path_module._certify_block(problem, np.array([lam]), rough[:, None].copy(),
                                      extras=[exact])[0]
    assert both.gap <= alone.gap and both.source == 1 and both.gap < 1e-3 * alone.gap
    assert both.plain_gap == pytest.approx(alone.plain_gap, rel=1e-9)  # (BLAS order differs)
    true_excess = (lassolib.lasso_objective(H, y, rough, lam, unpenalized=(0,))
                   - lassolib.lasso_objective(H, y, exact, lam, unpenalized=(0,)))
    assert both.gap >= true_excess * (1 - 1e-9)


@pytest.mark.parametrize("unpenalized", [(), (0,), (0, 6)])
def test_degenerate_columns_in_gram_mode(unpenalized):
    """A duplicated column, a column of zeros and two collinear unpenalized columns (a singular
    Gram block, pseudo-inverted): every answer reported converged is certified independently."""
    rng = np.random.default_rng(3)
    H = rng.standard_normal((100, 8))
    H[:, 3] = H[:, 2]
    H[:, 5] = 0.0
    H[:, 0] = 1.0
    H[:, 6] = 2.0 * H[:, 0]
    y = 2.0 * H[:, 1] - H[:, 2] + rng.standard_normal(100) + 3.0
    penalties, weights, results = lassolib.lasso_path(H, y, n_penalties=30,
                                                      unpenalized=unpenalized,
                                                      return_results=True)
    assert_certified(H, y, penalties, weights, np.array([r.converged for r in results]), 1e-12,
                     unpenalized)
    assert np.all(weights[:, 5] == 0.0)
    for fraction in (0.5, 0.01):
        lam = fraction * penalties[0]
        result = lassolib.lasso_coordinate_descent(H, y, lam, unpenalized=unpenalized)
        assert result.converged and result.weights[5] == 0.0
        assert certificate(H, y, result.weights, lam,
                           unpenalized=unpenalized).relative_gap <= 1.1e-12


# --------------------------------------------------------------------------------------------
# Anchored checks (every column penalized): the gap from an anchor's residual products and G.


def _anchor_products(H, y, w_a):
    """The residual form's products at the anchor, in float64, as the solver computes them."""
    r_a = y - H @ w_a
    return H.T @ r_a, float(r_a @ r_a)


def _gap_long_double(c, rss, w, lam):
    """The residual point's gap from correlations ``c`` and ‖r‖² (long double arrays)."""
    half = np.longdouble(lam) / 2
    largest = np.max(np.abs(c))
    s = half / largest if largest > half else np.longdouble(1)
    w = w.astype(np.longdouble)
    terms = np.longdouble(lam) * np.abs(w) - 2 * s * w * c
    return (1 - s) ** 2 * rss + np.sum(np.maximum(terms, 0)), rss + np.longdouble(lam) * np.sum(np.abs(w))


def _anchored_cases():
    rng = np.random.default_rng(11)
    H, y = tall(12, n=600, d=30)
    yield "centered", H, y
    yield "uncentered", H + 3.0, y + 40.0  # ‖y‖² ≫ ‖r‖²: the Gram form from 0 cancels badly
    yield "scaled", H * 1e6, y * 1e-7
    H = rng.standard_normal((300, 25))
    yield "noiseless", H, H[:, :4] @ np.array([1.0, -2.0, 3.0, -4.0])


@pytest.mark.parametrize("name, H, y", list(_anchored_cases()), ids=lambda v: v if isinstance(v, str) else "")
def test_anchored_gap_bounds_the_gap_of_its_own_inputs(name, H, y):
    r"""``_anchored_gap`` claims an upper bound on the residual point's gap computed *exactly*
    from its inputs (G, the anchor's products): recomputed here in long double (64-bit
    mantissa) from the same float64 G, :math:`c_a`, :math:`\lVert r_a\rVert^2`, it is never
    above the bound; and the bound is tight (within a quarter of the default tolerance, 1e-12 · P)
    when the anchor is near. The
    anchors: w = 0 (r = y: the path's first anchor), the previous penalty's solution, w itself.
    Against the gap computed entirely in long double from H and y (which includes the rounding
    of G and of the anchor's products, which the bound takes as exact, as the residual form
    takes its own two products), the bound is not below it by more than 1e-14 of P (1% of the
    default tolerance)."""
    H = np.asfortranarray(H)
    G = H.T @ H
    lam_max = lambda_max(H, y)
    penalties = penalty_grid(lam_max, n_penalties=25)[1:]
    solutions = [lassolib.lasso_coordinate_descent(H, y, lam).weights for lam in penalties]
    H_ld, y_ld = H.astype(np.longdouble), y.astype(np.longdouble)
    out = np.empty(4)
    for k, (lam, w) in enumerate(zip(penalties, solutions)):
        r_ld = y_ld - H_ld @ w.astype(np.longdouble)
        true_gap, true_primal = _gap_long_double(H_ld.T @ r_ld, r_ld @ r_ld, w, lam)
        for which, w_a in (("zero", np.zeros_like(w)), ("previous", solutions[max(k - 1, 0)]),
                           ("itself", w)):
            c_a, rss_a = _anchor_products(H, y, w_a)
            path_module._anchored_gap(G, w, lam, w_a, c_a, rss_a, out)
            primal, bound = out[0], out[1]
            d = w.astype(np.longdouble) - w_a.astype(np.longdouble)
            G_ld = G.astype(np.longdouble)
            c = c_a.astype(np.longdouble) - G_ld @ d
            rss = np.longdouble(rss_a) - 2 * d @ c_a.astype(np.longdouble) + d @ G_ld @ d
            gap, exact_primal = _gap_long_double(c, rss, w, lam)
            assert bound >= gap, (name, which, k, float(bound), float(gap))
            assert primal <= exact_primal * (1 + 1e-15)
            assert bound + 1e-14 * float(true_primal) >= float(true_gap), (name, which, k)
            if which != "zero":
                assert bound <= float(gap) + 0.25e-12 * primal, (name, which, k)


def test_anchored_path_certifies_with_few_residual_products(monkeypatch):
    """On a tall problem, every column penalized, the path of 100 penalties computes the
    residual form's products for at most a handful of fits (the anchors) instead of all of
    them, and every fit is certified by lassolib.certificate; the answers agree with the
    residual-form path within their certificates."""
    H, y = tall(13, n=3000, d=40)
    penalties = penalty_grid(lambda_max(H, y), n_penalties=100)
    columns = []
    block = path_module._certify_block

    def spy(problem, lams, W, *args, **kwargs):
        columns.append(W.shape[1])
        return block(problem, lams, W, *args, **kwargs)

    monkeypatch.setattr(path_module, "_certify_block", spy)
    weights, converged, results = solve_path(H, y, penalties)
    assert sum(columns) <= 10, columns
    assert_certified(H, y, penalties, weights, converged, 1e-12)
    for result in results[1:]:
        assert result.converged and result.relative_gap <= 1e-12
    monkeypatch.setattr(path_module, "_certify_block", block)
    plain, plain_ok, _ = solve_path(H, y, penalties, gram_mode=False)
    assert plain_ok.all()
    for lam, a, b in zip(penalties, weights, plain):
        bound = np.sqrt(certificate(H, y, a, lam).gap) + np.sqrt(certificate(H, y, b, lam).gap)
        assert np.linalg.norm(H @ (a - b)) <= bound * (1 + 1e-6) + 1e-12 * np.linalg.norm(y)


def test_anchored_check_that_fails_anchors_again(monkeypatch):
    """A fit whose anchored bound is too wide gets the residual form's check, which becomes the
    next anchor: forcing every anchored check to fail sends every fit to the residual form's
    single check (one column each), and the path is still certified."""
    H, y = tall(14, n=2000, d=20)
    penalties = penalty_grid(lambda_max(H, y), n_penalties=20)
    anchors = []
    real = path_module._anchored_gap

    def failing(G, w, lam, w_a, c_a, rss_a, out):
        real(G, w, lam, w_a, c_a, rss_a, out)
        anchors.append(w_a.copy())
        out[1] = np.inf

    monkeypatch.setattr(path_module, "_anchored_gap", failing)
    weights, converged, _ = solve_path(H, y, penalties)
    assert len(anchors) == penalties.size - 1
    assert not anchors[0].any()  # the first anchor is w = 0 (r = y)
    assert all(anchor.any() for anchor in anchors[1:])  # then the fits' own weights, never 0 again
    assert_certified(H, y, penalties, weights, converged, 1e-12)


def test_c_ordered_H_is_not_copied_in_gram_mode():
    """lasso_path takes a C-ordered float64 H with n ≥ D as it is in Gram mode (it reads H only
    through BLAS products): the answers equal those from the Fortran-ordered H within their
    certificates, and no copy of H is made (peak memory below half of H). When the residual form
    is needed (an uncentered problem fitted almost exactly), H is copied to Fortran order then,
    and the answers are still certified."""
    import tracemalloc

    H, y = tall(15, n=20_000, d=20)
    H = np.ascontiguousarray(H)
    lassolib.lasso_path(H, y, n_penalties=30)  # the compiled loops, outside the measurement
    tracemalloc.start()
    try:
        penalties, c_weights = lassolib.lasso_path(H, y, n_penalties=30)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak <= 0.5 * H.nbytes, f"peak {peak / H.nbytes:.2f} × H"
    _, f_weights = lassolib.lasso_path(np.asfortranarray(H), y, n_penalties=30)
    for lam, a, b in zip(penalties, c_weights, f_weights):
        bound = np.sqrt(certificate(H, y, a, lam).gap) + np.sqrt(certificate(H, y, b, lam).gap)
        assert np.linalg.norm(H @ (a - b)) <= bound * (1 + 1e-6) + 1e-12 * np.linalg.norm(y)
    # the residual form on a C-ordered H: an uncentered problem fitted almost exactly
    H2, y2 = tall(16, n=400, d=12)
    H2 = np.ascontiguousarray(H2 + 5.0)
    y2 = H2 @ np.arange(1.0, 13.0) + 1e3
    penalties, weights, results = lassolib.lasso_path(H2, y2, n_penalties=40, return_results=True)
    assert_certified(H2, y2, penalties, weights, np.array([r.converged for r in results]), 1e-12)


@pytest.mark.parametrize("scale_H, scale_y", [(1e-150, 1e140), (1e150, 1e-150), (1e140, 1e140)])
def test_anchored_checks_on_badly_scaled_data(monkeypatch, scale_H, scale_y):
    """Every column penalized, data whose squares leave float64 (the solver rescales by powers of
    two): the anchored checks still certify most fits, and every fit reported converged is
    certified by lassolib.certificate on the data as given."""
    H, y = tall(17, n=1500, d=15)
    H, y = H * scale_H, y * scale_y
    accepted = []
    real = path_module._anchored_gap

    def spy(G, w, lam, w_a, c_a, rss_a, out):
        real(G, w, lam, w_a, c_a, rss_a, out)
        accepted.append(out[1] <= 1e-12 * out[0])

    monkeypatch.setattr(path_module, "_anchored_gap", spy)
    penalties, weights, results = lassolib.lasso_path(H, y, n_penalties=30, return_results=True)
    assert sum(accepted) >= 20, accepted
    assert_certified(H, y, penalties, weights, np.array([r.converged for r in results]), 1e-12)


def test_a_c_ordered_H_is_copied_once_at_the_door():
    """A C-ordered float64 H (a single fit; a wide path) is copied once, straight to Fortran
    order: the answer is bit for bit the one from the Fortran-ordered H, the peak memory stays
    near one copy (before: a converted copy, a temporary for the finiteness test, then the
    Fortran copy: 2.0× H here), and a bad entry is refused with check_data's message."""
    import tracemalloc

    H, y = tall(18, n=4000, d=60)
    H = np.ascontiguousarray(H)
    lam = 0.05 * lambda_max(H, y)
    from_f = lassolib.lasso_coordinate_descent(np.asfortranarray(H), y, lam).weights
    lassolib.lasso_coordinate_descent(H, y, lam)  # compiled loops outside the measurement
    tracemalloc.start()
    try:
        from_c = lassolib.lasso_coordinate_descent(H, y, lam).weights
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert np.array_equal(from_c, from_f)
    assert peak <= 1.5 * H.nbytes, f"peak {peak / H.nbytes:.2f} × H"
    big = np.empty((2 * H.shape[0], H.shape[1]), order="F")
    big[::2] = H
    strided = big[::2]  # neither C- nor F-contiguous
    assert not strided.flags.c_contiguous and not strided.flags.f_contiguous
    assert np.array_equal(lassolib.lasso_coordinate_descent(strided, y, lam).weights, from_f)
    wide = np.ascontiguousarray(H[:30])  # a C-ordered H with n < D: the path copies it too
    _, path_c = lassolib.lasso_path(wide, y[:30], n_penalties=5)
    _, path_f = lassolib.lasso_path(np.asfortranarray(wide), y[:30], n_penalties=5)
    assert np.array_equal(path_c, path_f)
    bad = H.copy()
    bad[7, 3] = np.nan
    with pytest.raises(ValueError, match=r"H contains NaN or inf \(first at row 7, column 3\)"):
        lassolib.lasso_coordinate_descent(bad, y, lam)
