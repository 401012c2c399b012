"""Chapter 8's training-loop methods, checked against references nobody here wrote.

- ISTA and FISTA reach scikit-learn's Lasso optimum (alpha = λ / 2n), with and without an
  unpenalized intercept, with exact zeros where scikit-learn has zeros, and certify it;
- the proximal step equals a brute-force minimization of (1/2η)(v − u)² + λ|v| on a grid;
- the sparse SGD methods (truncated gradient, cumulative penalty) produce exact zeros and an
  objective close to the optimum; subgradient SGD produces none;
- Adam with an L2 term converges to the ridge closed form; AdamW does not, and on a 1-D problem
  with no data gradient it equals the closed form w0 (1 − 2ηλ)^t;
- bad input raises ValueError naming the argument.
"""

import warnings

import numpy as np
import pytest

import lassolib
from lassolib.training import (
    SGD_METHODS,
    adam,
    fista,
    ista,
    lasso_sgd,
    lipschitz_constant,
    prox_l1,
    proximal_gradient,
)


def objective(H, y, w, lam, penalized):
    """RSS + λ Σ_penalized |w_j|, written out."""
    r = y - H @ w
    return float(r @ r + lam * np.abs(w[penalized]).sum())


@pytest.fixture
def centered(problem, unit):
    """A 60 × (1 + 6) problem: a constant column 0, then centered unit-norm columns."""
    H, y = problem(60, 6, seed=3, correlation=0.4)
    H = unit(H - H.mean(axis=0))
    n = H.shape[0]
    return np.column_stack([np.full(n, 1 / np.sqrt(n)), H]), y + 2.0


# ----------------------------------------------------------------------------------------------
# The proximal step
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("u", [-2.3, -0.31, -0.3, -0.1, 0.0, 0.05, 0.3, 0.45, 1.7])
@pytest.mark.parametrize("step, lam", [(0.5, 0.6), (0.1, 3.0), (1.0, 0.0)])
def test_prox_is_the_brute_force_minimizer(u, step, lam):
    grid = np.linspace(-3, 3, 600_001)  # spacing 1e-5
    values = (grid - u) ** 2 / (2 * step) + lam * np.abs(grid)
    brute = grid[np.argmin(values)]
    ours = prox_l1(np.array([u]), step, lam)[0]
    assert abs(ours - brute) <= 1e-5
    if abs(u) <= step * lam:
        assert ours == 0.0  # exactly 0 in the dead zone, including its boundary


def test_prox_is_the_books_soft_threshold_at_two_eta_lambda():
    u = np.linspace(-3, 3, 61)
    step, lam = 0.25, 4.0
    np.testing.assert_array_equal(prox_l1(u, step, lam), lassolib.soft_threshold(u, 2 * step * lam))


def test_prox_leaves_unpenalized_coordinates():
    u = np.array([0.2, 0.2, -5.0])
    np.testing.assert_array_equal(prox_l1(u, 1.0, 1.0, unpenalized=(0,)), [0.2, 0.0, -4.0])


def test_lipschitz_constant_is_twice_the_largest_eigenvalue(problem):
    H, _ = problem(30, 5, seed=1)
    assert lipschitz_constant(H) == pytest.approx(2 * np.linalg.eigvalsh(H.T @ H).max(), rel=1e-12)


# ----------------------------------------------------------------------------------------------
# ISTA and FISTA against scikit-learn
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("solver", [ista, fista])
@pytest.mark.parametrize("fraction", [0.05, 0.3, 0.7])
def test_proximal_gradient_reaches_sklearn_with_intercept(solver, fraction, centered, sklearn_reference):
    H, y = centered
    lam = fraction * lassolib.lambda_max(H, y, unpenalized=(0,))
    result = solver(H, y, lam, unpenalized=(0,), tolerance=1e-13, max_iterations=200_000)
    assert result.converged
    reference = sklearn_reference(H, y, lam, intercept=True)
    reference = np.concatenate([[reference[0] * np.sqrt(H.shape[0])], reference[1:]])
    np.testing.assert_allclose(result.weights, reference, atol=1e-5 * np.abs(reference).max())
    # exact zeros where scikit-learn has zeros, and nowhere else
    np.testing.assert_array_equal(result.weights[1:] == 0.0, reference[1:] == 0.0)
    assert objective(H, y, result.weights, lam, np.arange(7) > 0) <= objective(
        H, y, reference, lam, np.arange(7) > 0
    ) * (1 + 1e-12)


@pytest.mark.parametrize("solver", [ista, fista])
def test_proximal_gradient_reaches_sklearn_without_intercept(solver, problem, unit, sklearn_reference):
    H, y = problem(40, 8, seed=5, correlation=0.3)
    H = unit(H)
    lam = 0.2 * 2 * np.abs(H.T @ y).max()
    result = solver(H, y, lam, tolerance=1e-13, max_iterations=200_000)
    reference = sklearn_reference(H, y, lam)
    assert result.converged
    np.testing.assert_allclose(result.weights, reference, atol=1e-6 * np.abs(reference).max())
    np.testing.assert_array_equal(result.weights == 0.0, reference == 0.0)
    assert np.count_nonzero(reference == 0.0) >= 2  # the test exercises exact zeros


def test_converged_means_certified(centered):
    H, y = centered
    lam = 0.2 * lassolib.lambda_max(H, y, unpenalized=(0,))
    for tolerance in (1e-4, 1e-10):
        result = ista(H, y, lam, unpenalized=(0,), tolerance=tolerance, check_every=5)
        assert result.converged
        assert result.n_iterations % 5 == 0
        assert lassolib.certificate(H, y, result.weights, lam, unpenalized=(0,)).relative_gap <= tolerance


def test_budget_exhausted_warns_and_says_not_converged(centered):
    H, y = centered
    lam = 0.01 * lassolib.lambda_max(H, y, unpenalized=(0,))
    with pytest.warns(lassolib.ConvergenceWarning, match="did not reach relative gap"):
        result = ista(H, y, lam, unpenalized=(0,), tolerance=1e-15, max_iterations=3)
    assert not result.converged and result.n_iterations == 3


def test_ista_objective_never_increases(centered):
    H, y = centered
    lam = 0.1 * lassolib.lambda_max(H, y, unpenalized=(0,))
    history = ista(H, y, lam, unpenalized=(0,), tolerance=1e-12).objective_history
    assert np.all(np.diff(history) <= 1e-12 * history[0])


def test_too_large_step_diverges_with_a_warning(centered):
    H, y = centered
    with pytest.warns(lassolib.ConvergenceWarning, match="diverged"):
        result = ista(H, y, 1.0, step_size=10 / lipschitz_constant(H), max_iterations=5000)
    assert not result.converged


def test_above_lambda_max_everything_penalized_is_exactly_zero(centered):
    H, y = centered
    lam = 1.01 * lassolib.lambda_max(H, y, unpenalized=(0,))
    result = fista(H, y, lam, unpenalized=(0,), tolerance=1e-15)
    assert np.all(result.weights[1:] == 0.0)
    assert result.weights[0] == pytest.approx(y.mean() * np.sqrt(H.shape[0]), rel=1e-7)


def test_record_iterates(centered):
    H, y = centered
    with pytest.warns(lassolib.ConvergenceWarning):
        result = ista(H, y, 1.0, record_iterates=True, max_iterations=7, tolerance=1e-300)
    assert result.iterates.shape == (8, H.shape[1])
    np.testing.assert_array_equal(result.iterates[-1], result.weights)


# ----------------------------------------------------------------------------------------------
# SGD
# ----------------------------------------------------------------------------------------------

@pytest.fixture
def sgd_problem(centered):
    H, y = centered
    lam = 0.3 * lassolib.lambda_max(H, y, unpenalized=(0,))
    best = lassolib.lasso_coordinate_descent(H, y, lam, unpenalized=(0,), tolerance=1e-12).weights
    return H, y, lam, best


def run(H, y, lam, method, **options):
    options = {"step_size": 0.05, "n_epochs": 60, "batch_size": 6, "unpenalized": (0,), **options}
    return lasso_sgd(H, y, lam, method=method, **options)


def test_optimum_has_zeros(sgd_problem):
    *_, best = sgd_problem
    assert np.count_nonzero(best[1:] == 0.0) >= 2


@pytest.mark.parametrize("method", ["truncated", "cumulative", "proximal"])
def test_sparse_sgd_gives_exact_zeros_and_a_good_objective(sgd_problem, method):
    H, y, lam, best = sgd_problem
    result = run(H, y, lam, method)
    penalized = np.arange(H.shape[1]) > 0
    assert np.count_nonzero(result.weights[1:] == 0.0) >= 1
    optimum = objective(H, y, best, lam, penalized)
    assert objective(H, y, result.weights, lam, penalized) <= 1.05 * optimum
    assert result.objective == pytest.approx(objective(H, y, result.weights, lam, penalized))
    assert not result.converged and result.n_iterations == 60


def test_cumulative_penalty_finds_the_optimums_zeros(sgd_problem):
    H, y, lam, best = sgd_problem
    result = run(H, y, lam, "cumulative")
    np.testing.assert_array_equal(result.weights[1:] == 0.0, best[1:] == 0.0)


def test_subgradient_sgd_gives_no_exact_zero_but_a_good_objective(sgd_problem):
    H, y, lam, best = sgd_problem
    result = run(H, y, lam, "subgradient")
    penalized = np.arange(H.shape[1]) > 0
    assert np.count_nonzero(result.weights == 0.0) == 0
    assert objective(H, y, result.weights, lam, penalized) <= 1.05 * objective(H, y, best, lam, penalized)


def test_truncated_every_step_is_proximal_sgd(sgd_problem):
    H, y, lam, _ = sgd_problem
    a = run(H, y, lam, "truncated", truncate_every=1)
    b = run(H, y, lam, "proximal")
    np.testing.assert_allclose(a.weights, b.weights, rtol=1e-12, atol=1e-9)


def test_full_batch_proximal_sgd_without_decay_is_ista(sgd_problem):
    H, y, lam, _ = sgd_problem
    step = 0.9 / lipschitz_constant(H)
    sgd = run(H, y, lam, "proximal", step_size=step, batch_size=H.shape[0], step_decay=0.0, n_epochs=25)
    with pytest.warns(lassolib.ConvergenceWarning):
        prox = ista(H, y, lam, step_size=step, unpenalized=(0,), max_iterations=25, tolerance=1e-300)
    np.testing.assert_allclose(sgd.weights, prox.weights, rtol=1e-12, atol=1e-10)


def test_minibatch_gradient_is_unbiased(sgd_problem):
    """One epoch of 10 equal minibatches at a tiny step from w = 0 (λ = 0): each batch steps by
    −η (n/|B|) ∇RSS_B(0), and the batches partition the rows, so the sum is −η (n/|B|) ∇RSS(0)."""
    H, y, _, _ = sgd_problem
    step = 1e-9
    result = lasso_sgd(H, y, 0.0, method="subgradient", step_size=step, n_epochs=1, batch_size=6)
    np.testing.assert_allclose(result.weights, (60 / 6) * 2 * step * (H.T @ y), rtol=1e-6)


@pytest.mark.parametrize("method", SGD_METHODS)
def test_same_seed_same_answer_other_seed_other_answer(sgd_problem, method):
    H, y, lam, _ = sgd_problem
    a, b = run(H, y, lam, method, seed=4), run(H, y, lam, method, seed=4)
    np.testing.assert_array_equal(a.weights, b.weights)
    c = run(H, y, lam, method, seed=5)
    assert not np.array_equal(a.weights, c.weights)


def test_sgd_divergence_warns(sgd_problem):
    H, y, lam, _ = sgd_problem
    with pytest.warns(lassolib.ConvergenceWarning, match="diverged"):
        result = run(H, y, lam, "subgradient", step_size=50.0, step_decay=0.0)
    assert np.all(np.isfinite(result.weights))


# ----------------------------------------------------------------------------------------------
# Adam and AdamW
# ----------------------------------------------------------------------------------------------

def test_adam_with_l2_reaches_the_ridge_closed_form(centered):
    H, y = centered
    lam = 0.5
    ridge = np.linalg.solve(H.T @ H + lam * np.diag([0.0] + [1.0] * 6), H.T @ y)
    result = adam(H, y, lam, step_size=0.5, n_iterations=6000, unpenalized=(0,))
    np.testing.assert_allclose(result.weights, ridge, atol=1e-6 * np.abs(ridge).max())


def test_adamw_differs_from_adam_with_l2(centered):
    H, y = centered
    lam = 0.5
    a = adam(H, y, lam, step_size=0.5, n_iterations=6000, unpenalized=(0,))
    b = adam(H, y, lam, step_size=0.5, n_iterations=6000, unpenalized=(0,), decoupled=True)
    assert np.max(np.abs(a.weights - b.weights)) > 0.1 * np.abs(a.weights[1:]).max()
    assert b.objective > a.objective  # AdamW does not minimize the ridge objective


def test_adamw_on_a_1d_problem_is_pure_decay():
    """No data gradient (a zero column): AdamW is w_t = w0 (1 − 2ηλ)^t exactly."""
    H, y = np.zeros((5, 1)), np.arange(5.0)
    step, lam, w0 = 0.01, 3.0, 2.0
    for t in (1, 7, 40):
        result = adam(H, y, lam, step_size=step, n_iterations=t, decoupled=True, w0=[w0])
        assert result.weights[0] == pytest.approx(w0 * (1 - 2 * step * lam) ** t, rel=1e-13)


def test_adam_l2_first_step_ignores_the_size_of_lambda():
    """With the L2 term in the gradient, Adam's first step is η·g/(|g| + ε) ≈ η whatever λ is."""
    H, y = np.zeros((5, 1)), np.arange(5.0)
    step, w0, eps = 0.01, 2.0, 1e-8
    for lam in (0.01, 100.0):
        g = 2 * lam * w0
        result = adam(H, y, lam, step_size=step, n_iterations=1, w0=[w0], epsilon=eps)
        assert result.weights[0] == pytest.approx(w0 - step * g / (g + eps), rel=1e-14)


def test_adamw_settles_in_the_box_of_half_width_one_over_weight_decay(centered):
    """AdamW's step is about η·sign(g) where the RSS gradient g is not 0, so its decay balances it
    only at |w_j| = 1/(2λ): it ends at min RSS subject to |w_j| <= 1/(2λ) (penalized j), which
    scipy's bounded least squares computes independently."""
    from scipy.optimize import lsq_linear

    H, y = centered
    lam = 0.05
    result = adam(H, y, lam, step_size=0.05, n_iterations=6000, unpenalized=(0,), decoupled=True)
    bound = np.array([np.inf] + [1 / (2 * lam)] * 6)
    box = lsq_linear(H, y, bounds=(-bound, bound), tol=1e-12).x
    assert np.count_nonzero(np.isclose(np.abs(box[1:]), 1 / (2 * lam))) >= 2  # some at the box
    ridge = np.linalg.solve(H.T @ H + lam * np.diag([0.0] + [1.0] * 6), H.T @ y)
    # (β2 = 0.999 gives v̂ a long memory, so |m̂/√v̂| approaches 1 slowly: close, not equal)
    assert np.max(np.abs(result.weights - box)) < 0.1 * np.max(np.abs(result.weights - ridge))


def test_adamw_divergence_warns(centered):
    H, y = centered
    with pytest.warns(lassolib.ConvergenceWarning, match="diverged"):
        result = adam(H, y, 10.0, step_size=1.0, n_iterations=500, decoupled=True)
    assert np.all(np.isfinite(result.weights))


# ----------------------------------------------------------------------------------------------
# Bad input
# ----------------------------------------------------------------------------------------------

H0 = np.random.default_rng(0).standard_normal((8, 3))
Y0 = np.random.default_rng(1).standard_normal(8)

CALLS = {
    "ista": lambda **k: ista(k.pop("H", H0), k.pop("y", Y0), k.pop("l1_penalty", 0.5), **k),
    "fista": lambda **k: fista(k.pop("H", H0), k.pop("y", Y0), k.pop("l1_penalty", 0.5), **k),
    "lasso_sgd": lambda **k: lasso_sgd(
        k.pop("H", H0), k.pop("y", Y0), k.pop("l1_penalty", 0.5),
        **{"step_size": 1e-3, "n_epochs": 2, "batch_size": 3, **k}
    ),
    "adam": lambda **k: adam(
        k.pop("H", H0), k.pop("y", Y0), k.pop("l2_penalty", 0.5),
        **{"step_size": 1e-3, "n_iterations": 2, **k}
    ),
}

BAD = [
    ("H", np.where(np.eye(8, 3) > 0, np.nan, H0), "H contains NaN"),
    ("H", H0[:, 0], "H must be 2-D"),
    ("y", np.append(Y0, 1.0), "y has length 9"),
    ("y", np.where(np.arange(8) == 2, np.inf, Y0), "y contains NaN or inf"),
    ("w0", np.ones(2), "w0 has length 2"),
    ("w0", np.array([0.0, np.nan, 0.0]), "w0 contains NaN"),
    ("step_size", -1.0, "step_size must be > 0"),
    ("step_size", np.nan, "step_size must be finite"),
    ("unpenalized", (5,), "unpenalized index = 5 is out of range"),
]


@pytest.mark.parametrize("name", list(CALLS))
@pytest.mark.parametrize("argument, value, match", BAD, ids=[f"{a}-{m}" for a, _, m in BAD])
def test_bad_input(name, argument, value, match):
    with pytest.raises(ValueError, match=match):
        CALLS[name](**{argument: value})


@pytest.mark.parametrize("name", ["ista", "fista", "lasso_sgd"])
@pytest.mark.parametrize("value, match", [(-1.0, "l1_penalty must be >= 0"), (np.nan, "l1_penalty must be finite"),
                                          ("1", "l1_penalty must be a real number")])
def test_bad_l1_penalty(name, value, match):
    with pytest.raises(ValueError, match=match):
        CALLS[name](l1_penalty=value)


def test_bad_l2_penalty():
    with pytest.raises(ValueError, match="l2_penalty must be >= 0"):
        CALLS["adam"](l2_penalty=-0.1)


@pytest.mark.parametrize(
    "changes, match",
    [
        (dict(seed=-1), "seed must be an integer >= 0"),
        (dict(seed=1.5), "seed must be an integer >= 0"),
        (dict(seed="0"), "seed must be an integer >= 0"),
        (dict(seed=True), "seed must be an integer >= 0"),
        (dict(method="adam"), "method must be one of"),
        (dict(batch_size=0), "batch_size must be an integer >= 1"),
        (dict(batch_size=9), "batch_size must be at most n_samples = 8"),
        (dict(n_epochs=0), "n_epochs must be an integer >= 1"),
        (dict(step_decay=-1.0), "step_decay must be >= 0"),
        (dict(truncate_every=2.0), "truncate_every must be an integer"),
    ],
)
def test_bad_sgd_options(changes, match):
    with pytest.raises(ValueError, match=match):
        CALLS["lasso_sgd"](**changes)


@pytest.mark.parametrize(
    "name, changes, match",
    [
        ("ista", dict(max_iterations=0), "max_iterations must be an integer >= 1"),
        ("ista", dict(check_every=1.5), "check_every must be an integer"),
        ("fista", dict(tolerance=0.0), "tolerance must be > 0"),
        ("adam", dict(beta1=1.0), r"beta1 must be a number in \[0, 1\)"),
        ("adam", dict(beta2=-0.1), r"beta2 must be a number in \[0, 1\)"),
        ("adam", dict(epsilon=0.0), "epsilon must be > 0"),
        ("adam", dict(n_iterations=2.5), "n_iterations must be an integer"),
    ],
)
def test_bad_solver_options(name, changes, match):
    with pytest.raises(ValueError, match=match):
        CALLS[name](**changes)


@pytest.mark.parametrize(
    "args, match",
    [
        ((np.ones((2, 2)), 1.0, 1.0), "u must be 1-D"),
        ((np.array([1.0, np.nan]), 1.0, 1.0), "u contains NaN"),
        ((np.ones(3), 0.0, 1.0), "step_size must be > 0"),
        ((np.ones(3), 1.0, -1.0), "l1_penalty must be >= 0"),
    ],
)
def test_bad_prox_input(args, match):
    with pytest.raises(ValueError, match=match):
        prox_l1(*args)


@pytest.mark.parametrize("name", list(CALLS))
def test_inputs_are_not_modified(name):
    H, y, w0 = H0.copy(), Y0.copy(), np.array([0.1, -0.2, 0.3])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", lassolib.ConvergenceWarning)
        result = CALLS[name](H=H, y=y, w0=w0)
    np.testing.assert_array_equal(H, H0)
    np.testing.assert_array_equal(y, Y0)
    np.testing.assert_array_equal(w0, [0.1, -0.2, 0.3])
    assert not np.shares_memory(result.weights, w0)


@pytest.mark.parametrize("solver", [ista, fista])
@pytest.mark.parametrize("budget", ["converged", "ran out", "diverged"])
def test_proximal_gradient_reports_the_gap_of_its_answer(solver, budget, centered):
    """``gap`` and ``relative_gap`` are lassolib.certificate's for the returned weights, whether
    the run converged, ran out of iterations (between two checks) or diverged."""
    H, y = centered
    lam = 0.1 * lassolib.lambda_max(H, y, unpenalized=(0,))
    kwargs = {"converged": dict(tolerance=1e-10, max_iterations=100_000),
              "ran out": dict(max_iterations=7, check_every=5),
              "diverged": dict(step_size=3.0 / lipschitz_constant(H), max_iterations=10_000)}[budget]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", lassolib.ConvergenceWarning)
        result = solver(H, y, lam, unpenalized=(0,), **kwargs)
    reference = lassolib.certificate(H, y, result.weights, lam, unpenalized=(0,))
    assert result.gap == reference.gap
    assert result.relative_gap == reference.relative_gap
    assert result.converged == (budget == "converged")
    if budget == "converged":
        assert result.relative_gap <= 1e-10


@pytest.mark.parametrize("method", lassolib.training.SGD_METHODS)
def test_lasso_sgd_warns_when_it_ends_above_its_start(method):
    """On the book's problem, with batches of 10 and step decay 1, a step of 0.3 makes SGD
    unstable (objective about 1e10 after 50 epochs, against 1.3e7 at w = 0 and 1.6e6 at the
    optimum) without reaching the overflow test; it now says so. A step of 0.03 does not warn."""
    problem = lassolib.diabetes_problem()
    lam = 0.1 * lassolib.lambda_max(problem.H, problem.y, unpenalized=(0,))
    options = dict(method=method, n_epochs=50, batch_size=10, seed=0, unpenalized=(0,))
    with pytest.warns(lassolib.ConvergenceWarning, match="higher objective than it started"):
        unstable = lassolib.lasso_sgd(problem.H, problem.y, lam, step_size=0.3, **options)
    assert unstable.objective_history[-1] > 100 * unstable.objective_history[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error", lassolib.ConvergenceWarning)
        stable = lassolib.lasso_sgd(problem.H, problem.y, lam, step_size=0.03, **options)
    assert stable.objective_history[-1] < stable.objective_history[0]


@pytest.mark.parametrize("solver", [ista, fista])
@pytest.mark.parametrize("scale_H, scale_y", [(1e155, 1.0), (1e-160, 1.0), (1e150, 1e-150),
                                              (1e-150, 1e-150), (1e100, 1e100)])
def test_proximal_gradient_is_scale_free(solver, scale_H, scale_y):
    """ISTA and FISTA run on H and y scaled by powers of two, as coordinate descent does: the
    same answer (scaled) in any units, with no warning. Before, H at 1e155 raised OverflowError
    (L = 2 σ_max² in Python floats) and H at 1e-160 a ValueError about a step_size never given."""
    rng = np.random.default_rng(0)
    H = rng.standard_normal((20, 5))
    y = H @ np.array([1, 0, -2, 0, 0.5]) + 0.1 * rng.standard_normal(20)
    lam = 0.1 * lassolib.lambda_max(H, y)
    unit = solver(H, y, lam, tolerance=1e-12, max_iterations=100_000)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scaled = solver(H * scale_H, y * scale_y, lam * scale_H * scale_y, tolerance=1e-12,
                        max_iterations=100_000)
    assert unit.converged and scaled.converged
    np.testing.assert_allclose(scaled.weights * scale_H / scale_y, unit.weights,
                               rtol=1e-9, atol=1e-9 * np.max(np.abs(unit.weights)))
    assert scaled.relative_gap <= 1e-12 and unit.relative_gap <= 1e-12
    assert scaled.objective == pytest.approx(unit.objective * scale_y**2, rel=1e-9)


@pytest.mark.parametrize("solver", [ista, fista])
def test_proximal_gradient_refuses_a_y_whose_square_underflows(solver):
    """y near 1e-160: its squared norm underflows, and the gap computed as exactly 0 had certified
    weights 2-4e-3 off; now refused at the door, as lasso_coordinate_descent refuses it."""
    rng = np.random.default_rng(0)
    H, y = rng.standard_normal((20, 5)), rng.standard_normal(20) * 1e-160
    with pytest.raises(ValueError, match="y has entries"):
        solver(H, y, 1e-161)


def test_lipschitz_constant_outside_float64_is_a_value_error():
    H = np.random.default_rng(0).standard_normal((20, 5))
    assert lipschitz_constant(H * 1e100) == pytest.approx(lipschitz_constant(H) * 1e200, rel=1e-12)
    with pytest.raises(ValueError, match="H has entries"):
        lipschitz_constant(H * 1e160)


@pytest.mark.parametrize("solver", [ista, fista])
@pytest.mark.parametrize("factor", [1.0, 1.0000001, 1.001])
def test_proximal_gradient_is_exactly_zero_from_lambda_max_on(solver, factor):
    """With an unpenalized column, λ ≥ λ_max: every penalized weight exactly 0.0 (the
    unpenalized fit, certified), as coordinate descent returns; FISTA had left 4.8e-4."""
    rng = np.random.default_rng(15)
    n, D = int(rng.integers(1, 15)), int(rng.integers(1, 8))
    H = np.ascontiguousarray(rng.standard_normal((n, D)) * 10.0 ** rng.uniform(-5, 5, D))
    y = rng.standard_normal(n) * 10.0 ** rng.uniform(-3, 3)
    lam = factor * lassolib.lambda_max(H, y, unpenalized=(3,))
    result = solver(H, y, lam, unpenalized=(3,))
    assert result.converged
    assert np.all(np.delete(result.weights, 3) == 0.0)
    reference = lassolib.lasso_coordinate_descent(H, y, lam, unpenalized=(3,)).weights
    assert result.weights[3] == pytest.approx(reference[3], rel=1e-10)


@pytest.mark.parametrize("solver", [ista, fista])
def test_proximal_gradient_with_a_zero_h_and_no_penalized_column(solver):
    """L = 0 (H all zeros) and every column unpenalized: the answer is 0, not a ZeroDivisionError
    from the divergence message's 1/L (a regression an adversarial re-test found)."""
    result = solver(np.zeros((5, 2)), np.ones(5), 1.0, unpenalized=(0, 1))
    assert result.converged
    assert np.all(result.weights == 0.0)
