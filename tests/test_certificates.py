"""lassolib.certificates: the duality gap and KKT report, against scikit-learn and closed forms."""

import warnings

import numpy as np
import pytest

import lassolib
from lassolib import certificate, duality_gap


def _problem(seed=0, n=40, d=12):
    rng = np.random.default_rng(seed)
    H = rng.standard_normal((n, d))
    y = H[:, :3] @ np.array([2.0, -1.5, 1.0]) + 0.3 * rng.standard_normal(n)
    return H, y


def test_gap_matches_scikit_learn_dual_gap_on_an_unfinished_fit():
    """scikit-learn computes the same scaled-residual gap in its own scale ((1/2n)·RSS + α‖w‖₁)."""
    sklearn = pytest.importorskip("sklearn.linear_model")
    from sklearn.exceptions import ConvergenceWarning

    H, y = _problem()
    n = H.shape[0]
    lam = 0.2 * lassolib.lambda_max(H, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = sklearn.Lasso(alpha=lam / (2 * n), fit_intercept=False, tol=0.0, max_iter=2).fit(H, y)
    from lassolib.certificates import _gap

    # the scaled residual's gap (the certificate's first dual point) is scikit-learn's ...
    _, _, scaled_residual, _ = _gap(H, y, model.coef_, lam, np.ones(H.shape[1], dtype=bool), support=False)
    assert scaled_residual > 0
    assert scaled_residual == pytest.approx(2 * n * model.dual_gap_, rel=1e-8)
    # ... and the certificate reports the better of it and the support point's gap
    ours = duality_gap(H, y, model.coef_, lam)
    assert 0 < ours <= scaled_residual


@pytest.mark.parametrize("seed", range(5))
def test_gap_bounds_the_objective_excess(seed):
    H, y = _problem(seed)
    lam = 0.1 * lassolib.lambda_max(H, y)
    best = lassolib.lasso_coordinate_descent(H, y, lam, tolerance=1e-13).weights
    p_best = lassolib.lasso_objective(H, y, best, lam)
    rng = np.random.default_rng(seed)
    for scale in (1e-3, 1e-1, 1.0):
        w = best + scale * rng.standard_normal(best.size)
        cert = certificate(H, y, w, lam)
        assert cert.primal == pytest.approx(lassolib.lasso_objective(H, y, w, lam), rel=1e-12)
        assert cert.dual <= p_best * (1 + 1e-12)
        assert cert.gap >= (cert.primal - p_best) * (1 - 1e-9)
        assert cert.gap == pytest.approx(cert.primal - cert.dual, rel=1e-7, abs=1e-9 * cert.primal)
    assert certificate(H, y, best, lam).relative_gap < 1e-10


def test_dual_point_is_feasible_with_an_unpenalized_intercept():
    H, y = _problem(3)
    H = np.column_stack([np.ones(H.shape[0]), H])
    y = y + 50.0  # a large mean: the unpenalized column must absorb it
    lam = 0.3 * lassolib.lambda_max(H, y, unpenalized=(0,))
    w = np.zeros(H.shape[1])  # the intercept is not fitted: θ must still be orthogonal to it
    cert = certificate(H, y, w, lam, unpenalized=(0,))
    theta = cert.dual_point
    assert abs(H[:, 0] @ theta) < 1e-9 * np.linalg.norm(y)
    assert np.max(np.abs(H[:, 1:].T @ theta)) <= lam / 2 * (1 + 1e-12)
    p_best = lassolib.lasso_objective(
        H, y, lassolib.lasso_coordinate_descent(H, y, lam, unpenalized=(0,), tolerance=1e-13).weights,
        lam, unpenalized=(0,),
    )
    assert cert.dual <= p_best * (1 + 1e-12)
    assert cert.gap >= cert.primal - p_best - 1e-9 * p_best


def test_zero_weights_above_lambda_max_have_zero_gap():
    H, y = _problem(4)
    H = np.column_stack([np.ones(H.shape[0]), H])
    lam_max = lassolib.lambda_max(H, y, unpenalized=(0,))
    w, _ = lassolib.unpenalized_fit(H, y, unpenalized=(0,))
    cert = certificate(H, y, w, lam_max, unpenalized=(0,))
    assert cert.relative_gap < 1e-14
    assert cert.max_kkt_violation < 1e-9 * lam_max


def test_lambda_zero_gap_is_the_least_squares_excess():
    H, y = _problem(5)
    w_ls, *_ = np.linalg.lstsq(H, y, rcond=None)
    w = w_ls + 0.01
    cert = certificate(H, y, w, 0.0)
    excess = lassolib.rss(H, y, w) - lassolib.rss(H, y, w_ls)
    assert cert.gap == pytest.approx(excess, rel=1e-8)


@pytest.mark.parametrize("k", [-12, -6, 0, 6, 12])
def test_relative_gap_is_scale_free(k):
    H, y = _problem(6)
    lam = 0.1 * lassolib.lambda_max(H, y)
    w = lassolib.lasso_coordinate_descent(H, y, lam).weights
    w = w + 0.01 * np.sin(np.arange(w.size))  # an unfinished answer: gap well above rounding
    base = certificate(H, y, w, lam).relative_gap
    c = 10.0**k
    scaled = certificate(H, c * y, c * w, c * lam).relative_gap  # y, w and λ in new units
    assert scaled == pytest.approx(base, rel=1e-9)
    # a column in new units: the weight follows, the penalty on it changes, but the problem
    # with that column unpenalized does not
    H2 = H.copy()
    H2[:, 0] *= c
    w2 = w.copy()
    w2[0] /= c
    assert certificate(H2, y, w2, lam, unpenalized=(0,)).relative_gap == pytest.approx(
        certificate(H, y, w, lam, unpenalized=(0,)).relative_gap, rel=1e-7
    )


def test_kkt_violation_matches_the_subgradient_module():
    H, y = _problem(7)
    w = np.linspace(-1, 1, H.shape[1])
    cert = certificate(H, y, w, 3.0)
    np.testing.assert_array_equal(cert.kkt_violation, lassolib.kkt_violation(H, y, w, 3.0))


@pytest.mark.parametrize(
    "args, match",
    [
        ((np.ones((3, 2)), np.ones(3), np.ones(3), 1.0), "w has length 3"),
        ((np.ones((3, 2)), np.ones(3), np.ones(2), -1.0), "l1_penalty must be >= 0"),
        ((np.ones((3, 2)), np.array([1.0, np.nan, 0.0]), np.ones(2), 1.0), "y contains NaN"),
    ],
)
def test_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        certificate(*args)


# format_above: the book's text for numbers whose last digits are rounding


@pytest.mark.parametrize(
    "value, floor, spec, expected",
    [
        (3.3e-16, 1e-14, ".1e", "< 1e-14"),
        (-2.3e-10, 2.02e-8, ".3g", "< 3e-08"),  # the bound is rounded up, never down
        (0.0, 9.7e-5, ".1e", "< 1e-04"),
        (0.0, 2e-8, ".1e", "< 2e-08"),
        (1e-14, 1e-14, ".1e", "1.0e-14"),  # at the floor: the number itself
        (-2.5e-3, 1e-14, ".3g", "-0.0025"),
        (1_560_052.43, 1.0, ",.0f", "1,560,052"),
    ],
)
def test_format_above_prints_a_true_bound_or_the_number(value, floor, spec, expected):
    assert lassolib.format_above(value, floor, spec) == expected


def test_format_above_bound_is_never_below_the_floor():
    rng = np.random.default_rng(0)
    for floor in 10.0 ** rng.uniform(-300, 300, 2_000):
        text = lassolib.format_above(0.0, floor)
        assert text.startswith("< ")
        bound = float(text[2:])
        assert floor <= bound <= 2 * floor  # true, and no looser than one digit needs


@pytest.mark.parametrize(
    "args, match",
    [
        ((float("nan"), 1e-14), "value must be finite"),
        ((float("inf"), 1e-14), "value must be finite"),
        (("1e-16", 1e-14), "value must be a real number"),
        ((1e-16, 0.0), "floor must be > 0"),
        ((1e-16, -1e-14), "floor must be > 0"),
        ((1e-16, float("nan")), "floor must be finite"),
        ((1e-16, 1e-14, 3), "spec must be a format specification"),
        ((1e-16, 1e-14, "q"), "spec must be a format specification for a float"),
    ],
)
def test_format_above_refuses_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        lassolib.format_above(*args)


@pytest.mark.parametrize("scale_H, scale_y", [(1e160, 1.0), (1e-200, 1.0), (1.0, 1e-150),
                                              (1e150, 1e-140)])
def test_certificate_is_scale_free(scale_H, scale_y):
    """certificate() runs on H and y scaled by powers of two, as the solvers do: the same
    relative gap and KKT pattern in any units. Before, squares under- or overflowed (an
    adversarial re-test found a relative gap of 1.1e-4 at H·1e160 where the unit-scale one is
    3e-9, and 0 for w = 0 at y·1e-165)."""
    rng = np.random.default_rng(0)
    H = rng.standard_normal((20, 5))
    y = H @ np.array([1, 0, -2, 0, 0.5]) + 0.1 * rng.standard_normal(20)
    lam = 0.1 * lassolib.lambda_max(H, y)
    w = lassolib.lasso_coordinate_descent(H, y, lam, tolerance=1e-6).weights
    unit = lassolib.certificate(H, y, w, lam)
    scaled = lassolib.certificate(H * scale_H, y * scale_y, w * scale_y / scale_H,
                                  lam * scale_H * scale_y)
    assert scaled.relative_gap == pytest.approx(unit.relative_gap, rel=1e-6)
    assert scaled.gap == pytest.approx(unit.gap * scale_y**2, rel=1e-6)
    np.testing.assert_allclose(scaled.kkt_violation, unit.kkt_violation * scale_H * scale_y,
                               rtol=1e-6, atol=1e-9 * unit.kkt_violation.max() * scale_H * scale_y)


def test_certificate_refuses_a_y_whose_square_underflows():
    rng = np.random.default_rng(0)
    H, y = rng.standard_normal((20, 5)), rng.standard_normal(20) * 1e-165
    with pytest.raises(ValueError, match="y has entries"):
        lassolib.certificate(H, y, np.zeros(5), 1e-166)
