"""Issue 10: the fast solver's techniques — dual extrapolation, gap-safe screening, no copy of H —
and lassolib.fast (chapter 9's module).

Every certificate is checked against an optimum computed independently: scikit-learn's Lasso at
tol=1e-14 (λ = 2nα) or, in extreme units where scikit-learn cannot be used, lassolib's plain
cyclic loop run to the rounding floor.
"""

import tracemalloc
import warnings

import numpy as np
import pytest

import lassolib
from lassolib import certificate, fast, lambda_max, lasso_coordinate_descent, lasso_objective
from lassolib.coordinate_descent import _dual_gap, _solve_working_set
from lassolib.path import _extrapolated, _Work


def make_problem(kind, seed=0):
    rng = np.random.default_rng(seed)
    if kind == "wide":
        n, D, k = 40, 300, 8
    elif kind == "tall":
        n, D, k = 400, 20, 6
    elif kind == "correlated":
        n, D, k = 60, 40, 8
    elif kind == "intercept":
        n, D, k = 50, 30, 6
    else:
        raise ValueError(kind)
    H = rng.standard_normal((n, D))
    if kind == "correlated":
        H = 0.9 * rng.standard_normal((n, 1)) + np.sqrt(1 - 0.9**2) * H
    w = np.zeros(D)
    w[rng.choice(D, k, replace=False)] = rng.uniform(1, 3, k) * rng.choice([-1, 1], k)
    y = H @ w + 0.5 * rng.standard_normal(n)
    unpenalized = ()
    if kind == "intercept":
        H[:, 0] = 1.0
        y = y + 5.0
        unpenalized = (0,)
    return H, y, unpenalized


def sklearn_optimum(H, y, lam, unpenalized):
    """(P*, w*) from scikit-learn at tol=1e-14; an unpenalized column 0 is projected off."""
    linear_model = pytest.importorskip("sklearn.linear_model")
    n = H.shape[0]
    if unpenalized:
        U = H[:, :1]
        X = H[:, 1:] - U @ np.linalg.lstsq(U, H[:, 1:], rcond=None)[0]
        target = y - U @ np.linalg.lstsq(U, y, rcond=None)[0]
    else:
        X, target = H, y
    model = linear_model.Lasso(alpha=lam / (2 * n), fit_intercept=False, tol=1e-14,
                               max_iter=10**6).fit(X, target)
    w = model.coef_
    if unpenalized:
        w0 = np.linalg.lstsq(H[:, :1], y - H[:, 1:] @ w, rcond=None)[0]
        w = np.concatenate([w0, w])
    return lasso_objective(H, y, w, lam, unpenalized=unpenalized), w


KINDS = ["wide", "tall", "correlated", "intercept"]


# ---- 1. dual extrapolation: the gap stays an upper bound on P(w) − P* ---------------------------

@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("fraction", [0.3, 0.05, 0.02])
def test_reported_gap_bounds_the_objective_excess(kind, fraction):
    H, y, unpenalized = make_problem(kind)
    lam = fraction * lambda_max(H, y, unpenalized=unpenalized)
    optimum, _ = sklearn_optimum(H, y, lam, unpenalized)
    for tolerance in (1e-3, 1e-6, 1e-9, 1e-12):
        result = lasso_coordinate_descent(H, y, lam, tolerance=tolerance, unpenalized=unpenalized)
        assert result.converged and result.relative_gap <= tolerance
        excess = result.objective - optimum
        assert excess <= result.gap + 1e-13 * optimum, (tolerance, excess, result.gap)


@pytest.mark.parametrize("exponent", [-200, 200])
@pytest.mark.parametrize("kind", ["wide", "intercept"])
def test_reported_gap_bounds_the_excess_in_extreme_units(kind, exponent):
    H, y, unpenalized = make_problem(kind, seed=1)
    lam = 0.05 * lambda_max(H, y, unpenalized=unpenalized)
    optimum, _ = sklearn_optimum(H, y, lam, unpenalized)
    scale = 10.0**exponent
    for tolerance in (1e-4, 1e-8, 1e-12):
        # H in units 1e±200, the weights in the inverse units, λ·|w_j| unchanged with λ·scale:
        # the same objective and optimum
        result = lasso_coordinate_descent(H * scale, y, lam * scale, tolerance=tolerance,
                                          unpenalized=unpenalized)
        assert result.converged and result.relative_gap <= tolerance
        excess = result.objective - optimum
        assert excess <= result.gap + 1e-13 * optimum
        # and y in units 1e±100 (its square, the objective, in 1e±200)
        small = 10.0 ** (exponent // 2)
        result = lasso_coordinate_descent(H, small * y, small * lam, tolerance=tolerance,
                                          unpenalized=unpenalized)
        assert result.converged and result.relative_gap <= tolerance
        assert result.objective / small**2 - optimum <= result.gap / small**2 + 1e-13 * optimum


def check_problem(kind, seed):
    """A problem of ``kind`` at λ = λ_max/10, with what ``_dual_gap`` takes besides w and the
    residual: ``(H, y, unpenalized, penalized, λ, basis, norms)``."""
    H, y, unpenalized = make_problem(kind, seed=seed)
    penalized = np.ones(H.shape[1], dtype=bool)
    penalized[list(unpenalized)] = False
    lam = 0.1 * lambda_max(H, y, unpenalized=unpenalized)
    problem = lassolib.coordinate_descent._Scaled(H, y, penalized, owned=False)
    return H, y, unpenalized, penalized, lam, problem.basis(lam), np.sqrt((H**2).sum(axis=0))

def test_any_extra_dual_point_gives_a_valid_gap():
    """_dual_gap projects and scales *any* candidate into the feasible set: even a random one."""
    rng = np.random.default_rng(3)
    for kind in KINDS:
        H, y, unpenalized, penalized, lam, basis, norms = check_problem(kind, seed=2)
        optimum, w_star = sklearn_optimum(H, y, lam, unpenalized)
        for trial in range(20):
            w = w_star + 10.0 ** rng.uniform(-8, 0) * rng.standard_normal(w_star.size)
            residual = y - H @ w
            extra = residual + 10.0 ** rng.uniform(-8, 1) * rng.standard_normal(y.size)
            check = _dual_gap(H, y, w, lam, penalized, residual, norms, basis, extra)
            excess = lasso_objective(H, y, w, lam, unpenalized=unpenalized) - optimum
            assert excess <= check.gap + 1e-12 * optimum
            assert check.gap <= check.plain_gap
            # the chosen dual point is feasible
            corr = H.T @ check.theta
            assert np.all(np.abs(corr[penalized]) <= lam / 2 * (1 + 1e-12))
            assert np.all(np.abs(corr[~penalized]) <= 1e-9 * np.abs(corr).max() + 1e-300)


def test_a_check_completed_from_a_screened_one_equals_a_full_check():
    """The final certificate after screening completes the screened check's correlations (in
    its own array) for the other features: the same correlations, gap and chosen point as a
    check computed over every feature from scratch, with and without an extra point."""
    rng = np.random.default_rng(4)
    for kind in KINDS:
        H, y, unpenalized, penalized, lam, basis, norms = check_problem(kind, seed=3)
        _, w_star = sklearn_optimum(H, y, lam, unpenalized)
        for extra_scale in (None, 1e-3):
            w = w_star + 1e-3 * rng.standard_normal(w_star.size)
            residual = y - H @ w
            extra = None if extra_scale is None else (
                residual + extra_scale * rng.standard_normal(y.size))
            features = np.sort(rng.choice(H.shape[1], H.shape[1] // 2, replace=False))
            full = _dual_gap(H, y, w, lam, penalized, residual, norms, basis, extra)
            part = _dual_gap(H, y, w, lam, penalized, residual, norms, basis, extra, features)
            done = _dual_gap(H, y, w, lam, penalized, residual, norms, basis, extra, None,
                             previous=part)
            np.testing.assert_allclose(done.correlations, full.correlations, rtol=1e-12,
                                       atol=1e-12 * np.abs(full.correlations).max())
            assert done.source == full.source and done.n_points == full.n_points
            assert done.gap == pytest.approx(full.gap, rel=1e-9, abs=1e-12 * full.primal)
            np.testing.assert_allclose(done.theta, full.theta, rtol=1e-12, atol=1e-12)

def test_extrapolation_is_exact_on_a_linear_recursion():
    """r_t = r* + A^t e: with K = 5 residuals (4 differences) an error in 3 modes is removed
    exactly (a degree-3 polynomial p with p(1) = 1 vanishes at A's 3 eigenvalues)."""
    rng = np.random.default_rng(0)
    n = 30
    Q, _ = np.linalg.qr(rng.standard_normal((n, 3)))
    A = Q @ np.diag([0.9, 0.7, -0.5]) @ Q.T
    r_star, e = rng.standard_normal(n), Q @ rng.standard_normal(3)
    snapshots = np.empty((5, n))
    state = e.copy()
    for t in range(8):  # a ring buffer, as the sweeps fill it
        state = A @ state
        snapshots[t % 5] = r_star + state
    np.testing.assert_allclose(_extrapolated(snapshots, 8), r_star, atol=1e-9)
    assert np.abs(snapshots[7 % 5] - r_star).max() > 1e-2  # the last residual itself is far
    assert _extrapolated(snapshots, 4) is None  # fewer than K snapshots


def test_gap_of_each_dual_point_is_primal_minus_dual():
    """_evaluate's one-pass gaps (compiled) against the definition P(w) − D(sθ), D(θ) = ‖y‖² −
    ‖y − θ‖², with s the largest scale ≤ 1 that makes θ feasible: for each candidate, with a
    non-finite candidate skipped and the best one chosen."""
    from lassolib.coordinate_descent import _evaluate

    rng = np.random.default_rng(5)
    H = rng.standard_normal((40, 25))
    y = rng.standard_normal(40)
    penalized = np.ones(25, dtype=bool)
    penalized[3] = False
    norms = np.linalg.norm(H, axis=0)
    w = rng.standard_normal(25) * (rng.random(25) < 0.4)
    residual = y - H @ w
    lam = 0.5 * np.abs(H.T @ y).max()

    def by_definition(theta):
        correlation = H.T @ theta
        largest = np.abs(correlation[penalized]).max()
        theta = theta * min(1.0, (lam / 2) / largest)
        primal = residual @ residual + lam * np.abs(w[penalized]).sum()
        return primal - (y @ y - (y - theta) @ (y - theta))

    small = 1e-3 * residual  # feasible as it is: scale 1
    bad = np.full(40, np.nan)
    for candidates in ([residual], [residual, small], [residual, bad, small], [small, residual]):
        points = np.column_stack(candidates)
        correlations = H.T @ points
        check = _evaluate(H, y, w, lam, penalized, residual, norms, points, correlations, None)
        expected = [by_definition(p) if np.all(np.isfinite(p)) else np.inf for p in candidates]
        assert check.gap == pytest.approx(min(expected), rel=1e-10)
        assert check.source == int(np.argmin(expected))
        assert check.plain_gap == pytest.approx(expected[0], rel=1e-10)
        assert check.primal == pytest.approx(residual @ residual + lam * np.abs(w[penalized]).sum())
        np.testing.assert_allclose(H.T @ check.theta, check.theta_correlation(), atol=1e-12)
        assert np.abs(check.theta_correlation()[penalized]).max() <= lam / 2 * (1 + 1e-12)


def test_extrapolation_coefficients_solve_the_difference_system():
    """The compiled coefficients against NumPy's solve of (U M Uᵀ) z = 1 on the ring buffer read
    oldest first (M = G, or the identity); an exactly singular system gives None."""
    from lassolib.path import _extrapolation_coefficients

    rng = np.random.default_rng(6)
    K, m = 5, 12
    snapshots = rng.standard_normal((K, m))
    B = rng.standard_normal((30, m))
    G = B.T @ B
    for count in (5, 7, 13):
        order = [(count - K + i) % K for i in range(K)]
        U = np.diff(snapshots[order], axis=0)
        for gram in (None, G):
            M = U @ U.T if gram is None else U @ gram @ U.T
            z = np.linalg.solve(M, np.ones(K - 1))
            got_order, c = _extrapolation_coefficients(snapshots, count, gram)
            assert got_order == order
            np.testing.assert_allclose(c, z / z.sum(), rtol=1e-8)
    assert _extrapolation_coefficients(snapshots, 4) is None  # fewer than K snapshots
    assert _extrapolation_coefficients(np.ones((K, m)), 9) is None  # no differences: singular


# ---- 2. gap-safe screening: only features that are zero at the optimum --------------------------

@pytest.mark.parametrize("seed", range(12))
def test_screened_features_are_zero_at_the_optimum(seed):
    kind = KINDS[seed % len(KINDS)]
    H, y, unpenalized = make_problem(kind, seed=seed)
    penalized = np.ones(H.shape[1], dtype=bool)
    penalized[list(unpenalized)] = False
    total = 0
    for fraction in (0.5, 0.1, 0.02):
        lam = fraction * lambda_max(H, y, unpenalized=unpenalized)
        _, w_star = sklearn_optimum(H, y, lam, unpenalized)
        work = _Work()
        result = _solve_working_set(np.asfortranarray(H), y, lam, 1e-12, 10_000, None, penalized,
                                    work=work)
        assert result.converged
        if work.screened is not None:
            screened = np.flatnonzero(work.screened)
            total += screened.size
            assert np.all(w_star[screened] == 0.0), (kind, fraction, screened)
            assert np.all(result.weights[screened] == 0.0)
            assert penalized[screened].all()
    if kind in ("wide", "correlated"):
        assert total > 0  # the test can fail: screening does happen


def test_screening_screens_on_a_sparse_wide_problem():
    H, y, _ = make_problem("wide", seed=5)
    lam = 0.1 * lambda_max(H, y)
    result = fast.solve_with(H, y, lam, gram=True, working_set=True, screening=True)
    assert result.converged and result.n_screened > H.shape[1] // 2


# ---- 3. memory: the caller's H is neither copied nor written -----------------------------------

@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("scale", [1.0, 1e200, 1e-200])
@pytest.mark.parametrize("kind", ["intercept", "wide", "tall"])
def test_the_callers_arrays_are_unchanged(order, scale, kind):
    """In units 1e±200 the solver must rescale H: it does so on a copy. A float64 y is used as
    it is (not copied): no solver writes into it, in any mode (Gram mode on the tall problem)."""
    H, y, unpenalized = make_problem(kind, seed=6)
    H = np.array(H * scale, order=order)
    y = np.array(y)
    H_before, y_before = H.copy(), y.copy()
    lam = 0.1 * lambda_max(H, y, unpenalized=unpenalized)
    for method in ("working_set", "cyclic"):
        result = lasso_coordinate_descent(H, y, lam, unpenalized=unpenalized, method=method)
        assert result.converged
    # (down to λ_max/100: the wide problem's default end, λ_max/1000, is near interpolation)
    lassolib.lasso_path(H, y, n_penalties=5, min_ratio=1e-2, unpenalized=unpenalized)
    fast.solve_with(H, y, lam, gram=True, working_set=True, screening=True)
    np.testing.assert_array_equal(H, H_before)
    np.testing.assert_array_equal(y, y_before)
    assert H.flags.writeable and y.flags.writeable


def test_a_single_fit_does_not_copy_H():
    rng = np.random.default_rng(7)
    H = np.asfortranarray(rng.standard_normal((2000, 500)))
    y = H[:, :10] @ rng.standard_normal(10) + rng.standard_normal(2000)
    lam = 0.05 * lambda_max(H, y)
    lasso_coordinate_descent(H, y, lam)  # compile outside the measurement
    tracemalloc.start()
    try:
        result = lasso_coordinate_descent(H, y, lam)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.converged
    assert peak < 1.3 * H.nbytes, peak / H.nbytes


@pytest.mark.parametrize(
    "H, message",
    [
        (np.array([[1.0, np.nan], [0.0, 1.0], [1.0, 1.0]]), "NaN or inf"),
        (np.array([[1.0, np.inf], [0.0, 1.0], [1.0, 1.0]]), "NaN or inf"),
        (np.empty((3, 0)), "zero features"),
        (np.ones(3), "2-D"),
    ],
)
def test_validation_errors_are_kept_without_the_copy(H, message):
    with pytest.raises(ValueError, match=message):
        lasso_coordinate_descent(H, np.ones(3), 0.1)
    with pytest.raises(ValueError, match=message):
        lassolib.lasso_path(H, np.ones(3), n_penalties=3)


# ---- 4. lassolib.fast -----------------------------------------------------------------------------

def test_techniques_constant():
    assert fast.TECHNIQUES == ("gram", "working_set", "screening", "extrapolation", "polish")


@pytest.mark.parametrize("kind", KINDS)
def test_every_row_of_the_table_is_certified_and_agrees_with_scikit_learn(kind):
    H, y, unpenalized = make_problem(kind, seed=8)
    lam = 0.02 * lambda_max(H, y, unpenalized=unpenalized)
    optimum, _ = sklearn_optimum(H, y, lam, unpenalized)
    rows = fast.technique_table(H, y, lam, unpenalized=unpenalized)
    assert [row["technique"] for row in rows] == [
        "plain cyclic loop", "+ Gram form", "+ working sets", "+ gap-safe screening",
        "+ dual extrapolation", "+ support-and-sign solves",
    ]
    for row in rows:
        assert row["converged"] and row["relative_gap"] <= 1e-12
        assert abs(row["objective"] - optimum) <= 1e-11 * optimum
        assert row["n_updates"] > 0 and row["flops"] > 0 and row["n_gap_checks"] > 0
    assert rows[0]["techniques"] == () and rows[-1]["techniques"] == fast.TECHNIQUES


def test_the_table_on_the_diabetes_problem():
    problem = lassolib.diabetes_problem()
    lam = 0.01 * lambda_max(problem.H, problem.y, unpenalized=(0,))
    rows = fast.technique_table(problem.H, problem.y, lam, unpenalized=(0,))
    reference = rows[0]["objective"]
    for row in rows:
        assert row["converged"]
        assert abs(row["objective"] - reference) <= 1e-12 * reference
    assert rows == fast.technique_table(problem.H, problem.y, lam, unpenalized=(0,)) or all(
        {k: v for k, v in a.items()} == {k: v for k, v in b.items()}
        for a, b in zip(rows, fast.technique_table(problem.H, problem.y, lam, unpenalized=(0,)))
    )


def test_counts_are_deterministic():
    H, y, _ = make_problem("wide", seed=9)
    lam = 0.05 * lambda_max(H, y)
    first = fast.technique_table(H, y, lam)
    second = fast.technique_table(H, y, lam)
    keys = ("n_sweeps", "n_updates", "n_gap_checks", "n_screened", "flops", "objective",
            "relative_gap")
    for a, b in zip(first, second):
        assert [a[k] for k in keys] == [b[k] for k in keys]


def test_all_off_is_the_plain_loop_and_all_on_is_the_default():
    H, y, unpenalized = make_problem("intercept", seed=10)
    lam = 0.05 * lambda_max(H, y, unpenalized=unpenalized)
    plain = fast.solve_with(H, y, lam, unpenalized=unpenalized)
    cyclic = lasso_coordinate_descent(H, y, lam, unpenalized=unpenalized, method="cyclic")
    np.testing.assert_array_equal(plain.weights, cyclic.weights)
    assert plain.n_sweeps == cyclic.n_sweeps and plain.n_screened == 0
    every = fast.solve_with(H, y, lam, unpenalized=unpenalized, gram=True, working_set=True,
                            screening=True, extrapolation=True, polish=True)
    # With n >= D (and D <= 256) the default is the path's Gram mode instead (plain sweeps over the
    # whole Gram matrix, then the same residual-form certificate): the same answer within the
    # bound the two certificates give on the fitted values, ‖H(w₁ − w₂)‖ ≤ √gap₁ + √gap₂.
    default = lasso_coordinate_descent(H, y, lam, unpenalized=unpenalized)
    assert H.shape[0] >= H.shape[1] and default.converged and default.relative_gap <= 1e-12
    bound = np.sqrt(every.gap) + np.sqrt(default.gap)
    assert np.linalg.norm(H @ (every.weights - default.weights)) <= bound * (1 + 1e-6)
    # With n < D the default is exactly every technique on.
    H, y, _ = make_problem("wide", seed=10)
    lam = 0.05 * lambda_max(H, y)
    every = fast.solve_with(H, y, lam, gram=True, working_set=True, screening=True,
                            extrapolation=True, polish=True)
    default = lasso_coordinate_descent(H, y, lam)
    np.testing.assert_array_equal(every.weights, default.weights)
    assert every.n_sweeps == default.n_sweeps and every.gap == default.gap


def test_working_sets_cut_the_flops_on_a_wide_problem():
    H, y, _ = make_problem("wide", seed=11)
    lam = 0.05 * lambda_max(H, y)
    without = fast.solve_with(H, y, lam, gram=True)
    with_sets = fast.solve_with(H, y, lam, gram=True, working_set=True)
    assert without.converged and with_sets.converged
    assert with_sets.flops < 0.5 * without.flops
    assert with_sets.n_updates < without.n_updates


def test_gram_form_cuts_the_flops_on_a_tall_problem():
    rng = np.random.default_rng(12)
    H = 0.8 * rng.standard_normal((2000, 1)) + 0.6 * rng.standard_normal((2000, 20))
    y = H[:, :5] @ rng.uniform(1, 2, 5) + rng.standard_normal(2000)
    lam = 0.01 * lambda_max(H, y)
    plain = fast.solve_with(H, y, lam)
    gram = fast.solve_with(H, y, lam, gram=True)
    assert gram.flops < plain.flops


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(gram=1), "gram must be True or False"),
        (dict(screening="yes"), "screening must be True or False"),
        (dict(tolerance=0.0), "tolerance"),
        (dict(max_sweeps=0), "max_sweeps"),
        (dict(unpenalized=(99,)), "out of range"),
    ],
)
def test_solve_with_validates_its_arguments(kwargs, message):
    H, y, _ = make_problem("tall", seed=13)
    with pytest.raises(ValueError, match=message):
        fast.solve_with(H, y, 1.0, **kwargs)


def test_solve_with_validates_the_data_and_the_penalty():
    H, y, _ = make_problem("tall", seed=13)
    with pytest.raises(ValueError, match="l1_penalty"):
        fast.solve_with(H, y, -1.0)
    with pytest.raises(ValueError, match="length"):
        fast.solve_with(H, y[:-1], 1.0)
    with pytest.raises(ValueError, match="tolerance"):
        fast.technique_table(H, y, 1.0, tolerance=-1.0)


def test_solve_with_warns_when_the_budget_runs_out():
    H, y, _ = make_problem("correlated", seed=14)
    lam = 0.001 * lambda_max(H, y)
    with pytest.warns(lassolib.ConvergenceWarning):
        result = fast.solve_with(H, y, lam, gram=True, working_set=True, max_sweeps=2)
    assert not result.converged


# --- chapter 9's two small formulas: extrapolated_residual, candidate_relative_gap -------------

def test_extrapolated_residual_removes_the_dominant_modes():
    """Residuals r_t = r* + sum_i a_i^t v_i: four large modes and a tiny fifth. From six residuals
    (K = 5) the extrapolation cancels the large modes, landing far closer to r* than the last
    residual; its coefficients sum to 1 and satisfy the Lagrange condition (U U^T) c ∝ 1."""
    rng = np.random.default_rng(3)
    r_star = rng.standard_normal(40)
    modes = rng.standard_normal((5, 40)) * np.array([1.0, 1.0, 1.0, 1.0, 1e-5])[:, None]
    rates = np.array([0.95, 0.7, -0.5, 0.3, 0.1])
    residuals = np.array([r_star + (rates**t) @ modes for t in range(6)])
    got = lassolib.fast.extrapolated_residual(residuals)
    assert np.linalg.norm(got - r_star) < 1e-3 * np.linalg.norm(residuals[-1] - r_star)
    c, *_ = np.linalg.lstsq(residuals[1:].T, got, rcond=None)
    assert c.sum() == pytest.approx(1.0, abs=1e-6)
    U = np.diff(residuals, axis=0)
    lagrange = (U @ U.T) @ c
    np.testing.assert_allclose(lagrange, lagrange.mean(), rtol=1e-3, atol=1e-12)


def test_extrapolated_residual_validation():
    with pytest.raises(ValueError, match="at least 3 rows"):
        lassolib.fast.extrapolated_residual(np.ones((2, 5)))
    with pytest.raises(ValueError, match="NaN"):
        lassolib.fast.extrapolated_residual(np.array([[1.0, np.nan], [0.0, 1.0], [1.0, 1.0]]))
    with pytest.raises(ValueError, match="linearly dependent"):
        lassolib.fast.extrapolated_residual(np.ones((4, 5)))


def test_candidate_relative_gap_of_the_residual_is_scikit_learns_dual_gap():
    """With the residual as candidate, the gap is scikit-learn's dual gap (times 2n), an independent
    computation; a better candidate (the optimal residual) certifies far less."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import Lasso

    rng = np.random.default_rng(0)
    H = rng.standard_normal((60, 30))
    y = H[:, :4] @ np.array([3.0, -2.0, 1.0, 0.5]) + 0.1 * rng.standard_normal(60)
    n = H.shape[0]
    lam = 0.1 * lassolib.lambda_max(H, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = Lasso(alpha=lam / (2 * n), fit_intercept=False, tol=0.0, max_iter=3).fit(H, y)
    w = model.coef_
    residual = y - H @ w
    primal = residual @ residual + lam * np.abs(w).sum()
    got = lassolib.fast.candidate_relative_gap(H, y, w, lam, residual)
    assert got == pytest.approx(2 * n * model.dual_gap_ / primal, rel=1e-8)
    best = Lasso(alpha=lam / (2 * n), fit_intercept=False, tol=1e-14, max_iter=100_000).fit(H, y)
    optimal_residual = y - H @ best.coef_
    better = lassolib.fast.candidate_relative_gap(H, y, w, lam, optimal_residual)
    assert 0.0 <= better < got
    # still an upper bound: P(w) - P* <= gap
    p_star = optimal_residual @ optimal_residual + lam * np.abs(best.coef_).sum()
    assert (primal - p_star) / primal <= better * (1 + 1e-9) + 1e-15


def test_candidate_relative_gap_validation():
    H = np.eye(3)
    y = np.ones(3)
    with pytest.raises(ValueError, match="candidate must have shape"):
        lassolib.fast.candidate_relative_gap(H, y, np.zeros(3), 0.5, np.ones(4))
    with pytest.raises(ValueError, match="candidate contains NaN"):
        lassolib.fast.candidate_relative_gap(H, y, np.zeros(3), 0.5, np.array([1.0, np.inf, 0.0]))
    with pytest.raises(ValueError, match="l1_penalty"):
        lassolib.fast.candidate_relative_gap(H, y, np.zeros(3), -1.0, y)


# ---- 5. support-and-sign solves (polish) ---------------------------------------------------------

def test_polish_jumps_to_the_optimum_when_support_and_signs_are_right():
    """From a perturbed point with the optimum's support and signs, one solve lands on the
    optimum (judged by scikit-learn at tol 1e-14 and by lassolib.certificate), and the
    unpenalized intercept is fitted by least squares within it."""
    from lassolib.path import _polish

    H, y, unpenalized = make_problem("intercept", seed=3)
    lam = 0.05 * lambda_max(H, y, unpenalized=unpenalized)
    optimum, w_star = sklearn_optimum(H, y, lam, unpenalized)
    penalized = np.ones(H.shape[1], dtype=bool)
    penalized[list(unpenalized)] = False
    rng = np.random.default_rng(0)
    w = w_star * (1.0 + 0.3 * rng.uniform(size=w_star.size))  # same signs, same support
    r = y - H @ w
    primal = float(r @ r) + lam * float(np.abs(w[penalized]).sum())
    z = np.einsum("ij,ij->j", H, H)
    w_new, residual = _polish(np.asfortranarray(H), y, w, lam, penalized, z, primal)
    np.testing.assert_allclose(residual, y - H @ w_new, atol=1e-9)
    assert np.flatnonzero(w_new).tolist() == np.flatnonzero(w_star).tolist()
    np.testing.assert_allclose(w_new, w_star, atol=1e-7 * np.abs(w_star).max())
    assert certificate(H, y, w_new, lam, unpenalized=unpenalized).relative_gap <= 1e-12


def test_polish_stops_where_a_wrong_sign_reaches_zero():
    from lassolib.path import _polish

    H, y, _ = make_problem("tall", seed=4)
    lam = 0.1 * lambda_max(H, y)
    _, w_star = sklearn_optimum(H, y, lam, ())
    w = w_star.copy()
    j = int(np.argmax(np.abs(w_star)))
    w[j] = -0.01 * w_star[j]  # the wrong sign on the largest weight
    penalized = np.ones(H.shape[1], dtype=bool)
    r = y - H @ w
    primal = float(r @ r) + lam * float(np.abs(w).sum())
    z = np.einsum("ij,ij->j", H, H)
    w_new, residual = _polish(np.asfortranarray(H), y, w, lam, penalized, z, primal)
    assert w_new[j] == 0.0  # exactly: the segment stops there
    assert np.all((np.sign(w_new) == np.sign(w)) | (w_new == 0.0))
    value = float(residual @ residual) + lam * float(np.abs(w_new).sum())
    assert value < primal
    np.testing.assert_allclose(residual, y - H @ w_new, atol=1e-9)


def test_polish_declines_what_it_cannot_solve():
    from lassolib.path import _polish

    H, y, _ = make_problem("wide", seed=1)  # 40 × 300
    penalized = np.ones(H.shape[1], dtype=bool)
    z = np.einsum("ij,ij->j", H, H)
    assert _polish(np.asfortranarray(H), y, np.zeros(300), 1.0, penalized, z, np.inf) is None
    # a solve that would not lower the objective is not kept; its residual is returned (the
    # caller may use it as a dual point)
    lam = 0.1 * lambda_max(H, y)
    optimum, w_star = sklearn_optimum(H, y, lam, ())
    F = np.asfortranarray(H)
    w_new, residual = _polish(F, y, w_star, lam, penalized, z, optimum * (1 - 1e-6))
    assert w_new is None
    np.testing.assert_allclose(residual, y - H @ w_star, atol=1e-6 * np.linalg.norm(y))


def qr_support_solution(H_S, y, signs, lam):
    """The minimizer of ‖y − H_S v‖² + λ sᵀv by Householder QR of H_S (NumPy), without the
    normal equations: R v = Qᵀy − (λ/2) R⁻ᵀ s."""
    Q, R = np.linalg.qr(H_S)
    return np.linalg.solve(R, Q.T @ y - (lam / 2.0) * np.linalg.solve(R.T, signs))


def support_system(kind, order="F", seed=24):
    rng = np.random.default_rng(seed)
    n, m = 300, (150 if kind == "independent" else 250)
    common = rng.standard_normal((n, 1))
    H = rng.standard_normal((n, m))
    if kind == "correlated":  # columns correlated 0.9, as in the benchmark's correlated cases
        H = np.sqrt(0.9) * common + np.sqrt(0.1) * H
    H = np.asarray(H * rng.uniform(0.1, 10.0, m), order=order)  # columns of unequal norms
    y = H[:, :10] @ rng.standard_normal(10) + 0.1 * rng.standard_normal(n)
    signs = np.where(rng.uniform(size=m) < 0.5, -1.0, 1.0)
    signs[3] = 0.0  # an unpenalized weight
    return H, y, np.arange(m), signs, 0.5


@pytest.mark.parametrize("kind, order", [("independent", "F"), ("correlated", "F"),
                                         ("correlated", "C")])
def test_support_sign_solution_matches_a_qr_solve(kind, order):
    """The support-and-sign system is solved in single precision and refined in double
    (_refined_solution); its answer agrees with a QR solve to 1e-9 of its largest weight, and
    its KKT residual on the support is at the level of the QR solve's."""
    from lassolib.path import _refined_solution, _support_sign_solution

    H, y, support, signs, lam = support_system(kind, order)
    v = _support_sign_solution(H, y, support, signs, lam)
    assert _refined_solution(H, y, support, signs, lam) is not None  # no fallback here
    reference = qr_support_solution(H, y, signs, lam)
    np.testing.assert_allclose(v, reference, rtol=0, atol=1e-9 * np.abs(reference).max())
    kkt = lambda u: np.abs(H.T @ (y - H @ u) - (lam / 2.0) * signs).max()
    assert kkt(v) <= 10 * kkt(reference) + 1e-13 * np.abs(H.T @ y).max()


def test_support_sign_solution_is_the_same_in_any_units():
    """Scaling H by 2⁷⁰ and y by 2⁻⁷⁰ (λ unchanged) scales the solution by exactly 2⁻¹⁴⁰: the
    single-precision factor is of the column-normalized system, so float32's range (about
    1e±38) never meets the data's units (H·2⁷⁰ has squared norms near 1e45)."""
    from lassolib.path import _support_sign_solution

    H, y, support, signs, lam = support_system("correlated")
    v = _support_sign_solution(H, y, support, signs, lam)
    scaled = _support_sign_solution(np.ldexp(H, 70), np.ldexp(y, -70), support, signs, lam)
    np.testing.assert_allclose(np.ldexp(scaled, 140), v, rtol=1e-12, atol=0)


def test_support_sign_solution_falls_back_to_double_precision():
    """Two columns 1e-5 apart (a scaled condition number near 1e11, beyond single precision's
    2²⁴): the single-precision route declines, and the double-precision Cholesky solve still
    gives the QR solve's minimum, with a KKT residual within its conditioning."""
    from lassolib.path import _refined_solution, _support_sign_solution

    H, y, support, signs, lam = support_system("independent")
    rng = np.random.default_rng(25)
    H[:, 7] = H[:, 6] + 1e-5 * np.linalg.norm(H[:, 6]) * rng.standard_normal(H.shape[0]) / 17
    scaled = H / np.linalg.norm(H, axis=0)
    assert np.linalg.cond(scaled.T @ scaled) > 1e9
    assert _refined_solution(H, y, support, signs, lam) is None
    v = _support_sign_solution(H, y, support, signs, lam)
    reference = qr_support_solution(H, y, signs, lam)
    kkt = lambda u: np.abs(H.T @ (y - H @ u) - (lam / 2.0) * signs).max()
    assert kkt(v) <= 1e-6 * np.abs(H.T @ y).max()
    # the objective on this orthant, ‖y − H_S v‖² + λ sᵀv, is flat along the near-null direction
    objective = lambda u: float((y - H @ u) @ (y - H @ u)) + lam * float(signs @ u)
    assert abs(objective(v) - objective(reference)) <= 1e-9 * abs(objective(reference))


def test_refinement_residuals_fall_from_single_to_double_precision():
    """chapter 9's table: the single-precision factor's own solution has a KKT residual of
    single precision (1e-9 to 1e-5 of max |h_jᵀy|), and the refinements bring it to the level of
    NumPy's double-precision solve; on nearly dependent columns the library declines."""
    H, y, support, signs, lam = support_system("correlated")
    w = signs.copy()
    w[3] = 0.7  # an unpenalized weight's sign is 0 however large it is
    found = lassolib.fast.refinement_residuals(H, y, w, lam, unpenalized=(3,))
    assert not found.declined and 2 <= found.residuals.size <= 12
    assert 1e-9 <= found.residuals[0] <= 1e-5
    assert found.residuals[-1] <= 10 * found.double + 1e-15
    assert found.double <= 1e-13
    rng = np.random.default_rng(26)
    H[:, 7] = H[:, 6] + 1e-5 * np.linalg.norm(H[:, 6]) * rng.standard_normal(H.shape[0]) / 17
    assert lassolib.fast.refinement_residuals(H, y, w, lam, unpenalized=(3,)).declined


def test_refinement_residuals_validation():
    H, y, _, signs, lam = support_system("independent")
    refine = lassolib.fast.refinement_residuals
    with pytest.raises(ValueError, match="support is empty"):
        refine(H, y, np.zeros(H.shape[1]), lam)
    with pytest.raises(ValueError, match="at most n_samples"):
        refine(H[:100], y[:100], signs, lam)
    zero = H.copy()
    zero[:, 5] = 0.0
    with pytest.raises(ValueError, match="all zero"):
        refine(zero, y, signs, lam)
    with pytest.raises(ValueError, match="l1_penalty"):
        refine(H, y, signs, -1.0)
    with pytest.raises(ValueError, match="w"):
        refine(H, y, signs[:-1], lam)
    with pytest.raises(ValueError, match="H contains NaN"):
        refine(np.full_like(H, np.nan), y, signs, lam)
    with pytest.raises(ValueError, match="unpenalized"):
        refine(H, y, signs, lam, unpenalized=(H.shape[1],))


def test_polish_first_reduces_a_support_larger_than_n():
    """A support of 300 > n = 40 has no unique minimizer: the polish first moves along H_S's null
    space down to n weights (same fit, ℓ1 norm not higher), then solves on that support."""
    from lassolib.path import _polish

    H, y, _ = make_problem("wide", seed=1)  # 40 × 300
    penalized = np.ones(H.shape[1], dtype=bool)
    z = np.einsum("ij,ij->j", H, H)
    lam = 0.01 * lambda_max(H, y)
    w = np.random.default_rng(2).uniform(0.5, 1.5, 300) * np.where(np.arange(300) % 3, 1, -1)
    r = y - H @ w
    primal = float(r @ r) + lam * float(np.abs(w).sum())
    w_new, residual = _polish(np.asfortranarray(H), y, w, lam, penalized, z, primal)
    assert np.count_nonzero(w_new) <= 40
    np.testing.assert_allclose(residual, y - H @ w_new, atol=1e-9)
    assert float(residual @ residual) + lam * float(np.abs(w_new).sum()) < primal


@pytest.mark.parametrize("unpenalized", [(), (0, 5)])
def test_reduced_support_keeps_the_fit_and_does_not_raise_the_l1_norm(unpenalized):
    """Along a null vector of H_S the fit stays and the ℓ1 norm changes linearly; stepping
    until a weight reaches 0 removes it at no cost (Tibshirani 2013). From 14 nonzero
    weights on 10 rows: at most 10 remain, none changes sign, Hw is the same (to rounding) and
    the penalized ℓ1 norm is not higher (unpenalized weights move freely)."""
    from lassolib.path import _reduced_support

    rng = np.random.default_rng(15)
    H = np.asfortranarray(rng.standard_normal((10, 14)))
    w = rng.uniform(0.5, 2.0, 14) * rng.choice([-1.0, 1.0], 14)
    penalized = np.ones(14, dtype=bool)
    penalized[list(unpenalized)] = False
    reduced = _reduced_support(H, w, penalized, np.arange(14), 10)
    assert np.count_nonzero(reduced) <= 10
    assert np.all((np.sign(reduced) == np.sign(w)) | (reduced == 0.0) | ~penalized)
    np.testing.assert_allclose(H @ reduced, H @ w, atol=1e-12 * np.abs(H @ w).max())
    assert np.abs(reduced[penalized]).sum() <= np.abs(w[penalized]).sum() * (1 + 1e-14)


def test_a_wide_path_near_interpolation_is_certified_at_the_defaults():
    """40 × 300, 5 penalties down to λ_max/1000 (about 40 nonzero weights): the fit at
    λ_max/1000, warm-started, stalled at a relative gap of 5e-5 with 41 nonzero weights (more
    than n, so no support-and-sign solve) and ran out of its 10,000 sweeps with a warning; the
    support reduction certifies it."""
    H, y, _ = make_problem("wide", seed=6)
    with warnings.catch_warnings():
        warnings.simplefilter("error", lassolib.ConvergenceWarning)
        lams, W = lassolib.lasso_path(H, y, n_penalties=5)
    for lam, w in zip(lams, W):
        assert certificate(H, y, w, lam).relative_gap <= 1.1e-12


def test_a_path_whose_support_is_n_is_certified_at_the_defaults():
    """100 × 2000, 10 true nonzeros, 50 penalties: at λ index 48 the support had n = 100 weights;
    each support-and-sign solve stopped where one weight reached 0 (the solution on that orthant
    has another sign), the sweeps restored it, and the fit ran out of its 10,000 sweeps at a
    relative gap of 1e-6 with a warning. With active-set steps when a second stall finds the
    same support and signs (solve again without the weight that reached 0, _POLISH_STEPS) it is
    certified in 339 sweeps (measured on the machine of 2026-11-28; the path's largest: 583)."""
    H, y, _ = lassolib.make_sparse_regression(100, 2000, 10, seed=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error", lassolib.ConvergenceWarning)
        lams, W, results = lassolib.lasso_path(H, y, n_penalties=50, return_results=True)
    assert all(result.converged for result in results)
    for lam, w in zip(lams[::7], W[::7]):
        assert certificate(H, y, w, lam).relative_gap <= 1.1e-12
    assert max(result.n_sweeps for result in results) < 2_000


def test_polish_rescues_fits_near_interpolation():
    """40 × 300 at λ_max/200 (about 40 nonzero weights, n = 40): CD alone converges slowly;
    with support-and-sign solves the default solver certifies in a fraction of the sweeps."""
    H, y, _ = make_problem("wide", seed=6)
    lam = 0.005 * lambda_max(H, y)
    options = dict(gram=True, working_set=True, screening=True, extrapolation=True)
    with pytest.warns(lassolib.ConvergenceWarning):
        without = fast.solve_with(H, y, lam, **options, max_sweeps=3000)
    polished = fast.solve_with(H, y, lam, **options, polish=True, max_sweeps=3000)
    assert not without.converged and polished.converged
    assert polished.n_sweeps < 0.5 * without.n_sweeps
    assert certificate(H, y, polished.weights, lam).relative_gap <= 1.1e-12


def polish_problem():
    """A correlated 60×40 problem at 0.05 λ_max, with its optimum (P*, w*) from scikit-learn and
    what _polish takes: (H, y, λ, P*, w*, penalized, z = ‖h_j‖², H Fortran-ordered)."""
    H, y, _ = make_problem("correlated", seed=2)
    lam = 0.05 * lambda_max(H, y)
    optimum, w_star = sklearn_optimum(H, y, lam, ())
    penalized = np.ones(H.shape[1], dtype=bool)
    z = np.einsum("ij,ij->j", H, H)
    return H, y, lam, optimum, w_star, penalized, z, np.asfortranarray(H)


def test_polish_is_kept_within_the_checks_rounding():
    """At a fit already optimal to rounding, the solve's objective cannot be told from the
    current one: with ``slack`` (the gap check's rounding bound) the solve is kept, and its
    residual certifies a gap far below the tolerance; without it, it is declined."""
    from lassolib.path import _polish

    H, y, lam, optimum, w_star, penalized, z, F = polish_problem()
    # the caller's objective, a hair below the solve's (as rounding can put it)
    primal = optimum * (1.0 - 1e-14)
    declined, _ = _polish(F, y, w_star, lam, penalized, z, primal)
    assert declined is None
    w_new, _ = _polish(F, y, w_star, lam, penalized, z, primal, slack=1e-12 * optimum)
    assert certificate(H, y, w_new, lam).relative_gap <= 1e-13
    # the slack is a rounding allowance, not a licence to go uphill
    declined, _ = _polish(F, y, w_star, lam, penalized, z, optimum * (1 - 1e-6),
                          slack=1e-12 * optimum)
    assert declined is None


def test_gram_blocks_only_for_working_sets_that_sweep_long(monkeypatch):
    """A working set is swept in Gram form only when the last working set's sweeps, as many
    again over W, would cost more than the block's missing entries (eq-ch9-gram-pays with S the
    last sweep count, or ``_FIRST_SWEEPS`` for a cold start's first working set): on 500×1000
    at λ_max/10 the first working set (62 columns) is swept in residual form and every later
    one settles in a few sweeps, so no block is formed; with columns correlated 0.9 (and 30 true
    nonzeros) they take tens of sweeps, and blocks of 50 to 74 columns are formed, within the
    cache's limit of 8·(n + D) floats (109 columns). (With 100 true nonzeros the working sets
    grow past that limit: no block since that limit, 150 to 208 columns before.) Both fits
    certified."""
    from lassolib import path

    calls = []  # the size of every working set whose Gram block is asked for
    original = path._GramCache.block

    def block(self, features):
        calls.append(features.size)
        return original(self, features)

    monkeypatch.setattr(path._GramCache, "block", block)
    options = dict(gram=True, working_set=True, screening=False, extrapolation=False)
    for correlation, n_nonzero in ((0.0, 100), (0.9, 30)):
        calls.clear()
        H, y, _ = lassolib.make_sparse_regression(500, 1000, n_nonzero, correlation=correlation,
                                                  seed=0)
        lam = lambda_max(H, y) / 10
        fit = fast.solve_with(H, y, lam, **options)
        assert fit.converged
        assert certificate(H, y, fit.weights, lam).relative_gap <= 1.1e-12
        if correlation == 0.0:
            assert not calls
        else:
            assert len(calls) >= 2 and max(calls) >= 50 and fit.n_sweeps > 200
            assert max(calls) <= path._GramCache(H, y, full=False).limit == 109



def test_a_cold_starts_first_working_set_is_sized_by_the_violators_at_zero(monkeypatch):
    """From w = 0 the first working set holds the strongest violators of the KKT condition at
    w = 0, an eighth of them (counting at most n), never fewer than ten; a warm start keeps the
    old first size (its support, and as many violators). Every fit certified."""
    from lassolib import path

    sizes = []  # the size of each working set swept, in order

    def record(function, size_of):
        def wrapped(*args):
            sizes.append(size_of(args))
            return function(*args)
        return wrapped

    monkeypatch.setattr(path, "_subset_sweeps_accelerated",
                        record(path._subset_sweeps_accelerated, lambda a: a[4].size))
    monkeypatch.setattr(path, "_gram_sweeps_accelerated",
                        record(path._gram_sweeps_accelerated, lambda a: a[0].shape[0]))
    H, y, _ = lassolib.make_sparse_regression(500, 1000, 100, seed=0)
    H = np.asfortranarray(H)
    lam_max = lambda_max(H, y)
    for ratio, first in ((10, 62), (1.5, 10)):  # 644 violators (62 = 500 // 8), and 29
        lam = lam_max / ratio
        violators = int(np.sum(np.abs(H.T @ y) > lam / 2))
        assert first == max(10, min(violators, 500) // 8)
        sizes.clear()
        assert lasso_coordinate_descent(H, y, lam).converged
        assert sizes[0] == first, (ratio, violators, sizes[:3])
    warm = lasso_coordinate_descent(H, y, lam_max / 5).weights
    support = int(np.count_nonzero(warm))
    sizes.clear()
    assert lasso_coordinate_descent(H, y, lam_max / 10, w0=warm).converged
    assert support < sizes[0] <= 2 * support

def test_extrapolated_point_skipped_while_the_working_set_grows_far_from_the_optimum(monkeypatch):
    """The extrapolated dual point costs a product with H per check. It is skipped while the
    working set still leaves violators out and the last check was far from the optimum (gap
    above 1% of the objective): on a cold start at 500×1000 (a first W of 62 columns, hundreds
    of violators outside it) the first two checks use the residual alone, and every check after
    one within 1% uses both. When the first working set holds every violator (diabetes, 10 features), the
    first check extrapolates, and certifies."""
    from lassolib import coordinate_descent, path

    checks, tried = [], []  # (extrapolation tried, relative gap) per check over every feature
    original_gap, original_extrapolated = coordinate_descent._dual_gap, path._extrapolated

    def extrapolated(*args):
        tried.append(True)
        return original_extrapolated(*args)

    def dual_gap(*args, **kwargs):
        check = original_gap(*args, **kwargs)
        if kwargs.get("previous") is None:
            checks.append((bool(tried), check.gap / check.primal))
            tried.clear()
        return check

    monkeypatch.setattr(coordinate_descent, "_dual_gap", dual_gap)
    monkeypatch.setattr(path, "_extrapolated", extrapolated)
    H, y, _ = lassolib.make_sparse_regression(500, 1000, 100, seed=0)
    lam = lambda_max(H, y) / 10
    assert lasso_coordinate_descent(H, y, lam).converged
    assert len(checks) >= 5
    assert not any(was_tried for was_tried, _ in checks[:2])
    for (_, gap_before), (was_tried, _) in zip(checks, checks[1:]):
        if gap_before <= path._EXTRAPOLATE_BELOW:
            assert was_tried
    checks.clear()
    problem = lassolib.diabetes_problem()
    lam = 0.01 * lambda_max(problem.H, problem.y, unpenalized=(0,))
    fit = fast.solve_with(problem.H, problem.y, lam, unpenalized=(0,), gram=True,
                          working_set=True, screening=True, extrapolation=True)
    assert fit.converged and checks[0][0]
    assert fit.n_gap_checks == len(checks) <= 2


# ---- the path's anchored check ------------------------------------------------------------------

def test_anchored_gap_against_the_certificate_and_the_gram_form():
    """From an anchor near w, the anchored RSS keeps the digits that the Gram form from w = 0
    loses (y fitted almost exactly: chapter 9's example), and the gap bound is at least the
    certificate's gap (lassolib.certificate, from its own residual; up to that gap's rounding)
    and within 1e-12 of P of it."""
    rng = np.random.default_rng(3)
    H = rng.standard_normal((200, 12)) + 2.0
    w_true = rng.standard_normal(12)
    y = H @ w_true + 1e-6 * rng.standard_normal(200)
    lam = 1e-3 * lassolib.lambda_max(H, y)
    w = lassolib.lasso_coordinate_descent(H, y, lam).weights
    anchor = w + 1e-4 * rng.standard_normal(12)
    got = lassolib.fast.anchored_gap(H, y, w, lam, anchor)
    r = y - H @ w
    assert got.rss == pytest.approx(r @ r, rel=1e-6)
    assert abs(got.rss - r @ r) <= got.rss_error + 1e-9 * (r @ r)
    # from w = 0 the anchored RSS is the Gram form's, and its rounding bound says how bad it is
    from_zero = lassolib.fast.anchored_gap(H, y, w, lam, np.zeros(12))
    assert from_zero.rss_error >= abs(from_zero.rss - r @ r)
    gram_rss = y @ y - 2 * w @ (H.T @ y) + w @ (H.T @ H) @ w
    assert abs(gram_rss - r @ r) > 100 * abs(got.rss - r @ r)
    reference = lassolib.certificate(H, y, w, lam)
    # (both gaps are near rounding level here, 1.7e-13 of P: the certificate's own gap is
    # computed with rounding of a few ulps of P, which the bound need not cover)
    assert got.gap >= reference.gap * (1 - 1e-6) - 64 * np.finfo(float).eps * reference.primal
    assert got.gap <= reference.gap + 1e-12 * reference.primal
    assert got.relative_gap == pytest.approx(got.gap / got.primal)


def test_anchored_gap_validation():
    H = np.eye(3)
    y = np.ones(3)
    with pytest.raises(ValueError, match="l1_penalty must be > 0"):
        lassolib.fast.anchored_gap(H, y, np.zeros(3), 0.0, np.zeros(3))
    with pytest.raises(ValueError, match="l1_penalty"):
        lassolib.fast.anchored_gap(H, y, np.zeros(3), -1.0, np.zeros(3))
    with pytest.raises(ValueError, match="anchor"):
        lassolib.fast.anchored_gap(H, y, np.zeros(3), 1.0, np.zeros(4))
    with pytest.raises(ValueError, match="anchor contains NaN"):
        lassolib.fast.anchored_gap(H, y, np.zeros(3), 1.0, np.array([0.0, np.nan, 0.0]))
    with pytest.raises(ValueError, match="H contains NaN"):
        lassolib.fast.anchored_gap(np.full((3, 3), np.nan), y, np.zeros(3), 1.0, np.zeros(3))
    with pytest.raises(ValueError, match="zero samples"):
        lassolib.fast.anchored_gap(np.empty((0, 3)), np.empty(0), np.zeros(3), 1.0, np.zeros(3))


def test_a_declined_solve_still_gives_its_residual_as_a_dual_point():
    """Near the optimum the sweeps' residual certifies a gap only linear in the distance to it,
    while the support-and-sign solve's residual is (to rounding) the optimal one. When the
    objective test declines the solve (the caller's objective is already as low, to rounding),
    its residual is still returned, and as the next check's second point it certifies what the
    sweeps' residual cannot. Before, the declined solve returned nothing: on the wide
    200×10000 path of `make bench` one fit then took 7,764 sweeps to certify instead of 495."""
    from lassolib.coordinate_descent import _dual_gap
    from lassolib.path import _polish

    H, y, lam, optimum, w_star, penalized, z, F = polish_problem()
    norms = np.sqrt(z)
    rng = np.random.default_rng(5)
    w = w_star * (1.0 + 1e-7 * rng.standard_normal(w_star.size))  # same support and signs
    r = y - H @ w
    primal = float(r @ r) + lam * float(np.abs(w).sum())
    # the caller's objective a hair below the solve's: declined, with its residual
    declined, step_residual = _polish(F, y, w, lam, penalized, z, optimum * (1.0 - 1e-14))
    assert declined is None
    plain = _dual_gap(F, y, w, lam, penalized, r, norms)
    both = _dual_gap(F, y, w, lam, penalized, r, norms, extra=step_residual)
    assert plain.gap > 1e-12 * primal  # the sweeps' residual alone: not certified
    assert both.gap <= 1e-12 * primal and both.source == 1  # the solve's residual certifies
    assert both.gap >= primal - optimum - 1e-12 * optimum  # still an upper bound on the excess


def test_the_fit_checks_with_a_declined_solves_residual(monkeypatch):
    """In the working-set fit, a support-and-sign solve that the objective test declines hands
    its residual to the next gap check as that check's second dual point."""
    import lassolib.coordinate_descent as coordinate_descent
    import lassolib.path as path

    declined, extras = [], []
    original_polish, original_gap = path._polish, coordinate_descent._dual_gap

    def polish(H, y, w, lam, penalized, z, primal, slack=0.0, reduce=True, steps=1):
        # force the decline (the test's "objective already as low"), keep the residual
        result = original_polish(H, y, w, lam, penalized, z, -np.inf, 0.0, reduce, steps)
        if result is not None:
            declined.append(result[1])
        return result

    def dual_gap(*args, **kwargs):
        extras.append(args[8] if len(args) > 8 else kwargs.get("extra"))
        return original_gap(*args, **kwargs)

    monkeypatch.setattr(path, "_polish", polish)
    monkeypatch.setattr(coordinate_descent, "_dual_gap", dual_gap)  # (path imports it per fit)
    H, y, _ = make_problem("wide", seed=1)  # 40 × 300: stalls near interpolation
    fit = lassolib.lasso_coordinate_descent(H, y, 0.01 * lambda_max(H, y))
    assert fit.converged
    assert declined, "no solve was tried: the test does not reach the code it checks"
    for residual in declined:
        assert any(extra is residual for extra in extras)
