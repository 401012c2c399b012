"""Smoke tests of chapter 4's figures: each draws on small data and draws what it should."""


import matplotlib
import numpy as np
import pytest

import lassolib
from lassolib.figures import soft_threshold as figures
from lassolib.widgets import FrameSweep, sweep_grid



def _lines(ax):
    return {line.get_label(): line for line in ax.get_lines()}


def _lasso_line(ax):
    (line,) = [line for line in ax.get_lines() if line.get_label().startswith("lasso")]
    return line


def test_soft_threshold_figure_draws_the_soft_threshold_and_the_identity():
    rho = np.linspace(-3.0, 3.0, 61)
    lam = 2.0
    ax = figures.plot_soft_threshold(rho, lassolib.soft_threshold(rho, lam), lam)
    assert isinstance(ax, matplotlib.axes.Axes)
    lasso = _lasso_line(ax)
    np.testing.assert_array_equal(lasso.get_ydata(), lassolib.soft_threshold(lasso.get_xdata(), lam))
    (identity,) = [line for line in ax.get_lines() if line.get_label().startswith("linear regression")]
    np.testing.assert_array_equal(identity.get_ydata(), identity.get_xdata())
    # Told apart by line style, not colour alone.
    assert lasso.get_linestyle() != identity.get_linestyle()
    # The dead zone edges are marked at ±λ/2.
    edges = sorted(line.get_xdata()[0] for line in ax.get_lines() if line.get_linestyle() == ":")
    assert edges == [-1.0, 1.0]


def test_soft_threshold_sweep_one_frame_per_penalty_with_data_points():
    penalties = np.array([0.0, 0.5, 1.0, 2.0])
    rho = np.linspace(-2.0, 2.0, 41)
    curves = np.array([lassolib.soft_threshold(rho, lam) for lam in penalties])
    rho_points = np.tile([-0.6, 0.1, 0.9], (4, 1))
    w_points = np.array([lassolib.soft_threshold(r, lam) for r, lam in zip(rho_points, penalties)])
    sweep = figures.soft_threshold_sweep(rho, penalties, curves, lambda_max=1.8,
                                         rho_points=rho_points, w_points=w_points)
    assert isinstance(sweep, FrameSweep)
    assert len(sweep) == 4
    assert [label.split(" — ")[1] for label in sweep.labels] == [
        "linear regression", "lasso", "lasso", "all zero"]
    assert "3 features of the data in it" in sweep.alt[-1]
    # Per-frame grids are accepted too.
    grids = np.array([rho * (k + 1) for k in range(4)])
    curves = np.array([lassolib.soft_threshold(g, lam) for g, lam in zip(grids, penalties)])
    assert len(figures.soft_threshold_sweep(grids, penalties, curves, lambda_max=1.8)) == 4


def _small_path():
    H, y, _ = lassolib.make_sparse_regression(40, 5, 2, noise=0.1, seed=1)
    H, _ = lassolib.normalize_features(np.column_stack([np.ones(len(y)), H]))
    lam_max = lassolib.lambda_max(H, y, unpenalized=(0,))
    penalties, weights = lassolib.lasso_path(H, y, n_penalties=20, unpenalized=(0,))
    return H, y, lam_max, penalties, weights


def test_lasso_path_figure_draws_each_weight_against_the_ratio():
    _, _, lam_max, penalties, weights = _small_path()
    labels = [f"x{j}" for j in range(1, 6)]
    ax = figures.plot_lasso_path(penalties / lam_max, weights[:, 1:], labels,
                                 current_ratio=0.5, current_weights=weights[5, 1:])
    assert ax.get_xscale() == "log"
    lines = _lines(ax)
    np.testing.assert_array_equal(lines["x3"].get_ydata(), weights[:, 3])
    np.testing.assert_allclose(lines["x3"].get_xdata(), penalties / lam_max)
    # At λ_max (ratio 1, the first path point) every penalized weight is exactly 0.
    assert all(lines[label].get_ydata()[0] == 0.0 for label in labels)


def test_lasso_path_sweep_marks_each_penalty():
    H, y, lam_max, penalties, weights = _small_path()
    grid = sweep_grid(lam_max, n_frames=6)
    _, sweep_weights = lassolib.lasso_path(H, y, grid, unpenalized=(0,))
    sweep_weights = sweep_weights[::-1]
    sweep = figures.lasso_path_sweep(penalties / lam_max, weights[:, 1:], [f"x{j}" for j in range(1, 6)],
                                     grid, sweep_weights[:, 1:], lambda_max=lam_max)
    assert isinstance(sweep, FrameSweep)
    assert len(sweep) == 6
    assert sweep.labels[0].endswith("linear regression")
    assert any("(1 λ_max) — all zero" in label for label in sweep.labels)
    assert sweep.alt[-1].endswith("nonzero there: none.")


# --- Item 8E(a): lasso, ridge and hard thresholding on one picture (ESL Table 3.4 / Fig. 3.11).

def _font_sizes(ax):
    """Font sizes (points) of every visible text of the figure, legends and ticks included."""
    import matplotlib.text

    ax.figure.canvas.draw()
    return [t.get_fontsize() for t in ax.figure.findobj(matplotlib.text.Text)
            if t.get_visible() and t.get_text().strip()]


def test_shrinkage_curves_closed_forms():
    rho = np.array([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 3.0])
    c = figures.shrinkage_curves(rho, 2.0)
    np.testing.assert_array_equal(c.soft, [-2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5, 2.0])
    np.testing.assert_array_equal(c.ridge, rho / 2.0)  # λ₂ = 1 halves every ρ
    # Default hard threshold λ/2 = 1: the lasso's dead zone; |ρ| = 1 exactly is not kept.
    np.testing.assert_array_equal(c.hard, [-3.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.5, 3.0])
    assert c.hard_threshold == 1.0 and c.l2_penalty == 1.0 and c.l1_penalty == 2.0
    # Ridge meets the lasso line at |ρ| = λ.
    lam = 2.0
    meet = figures.shrinkage_curves(np.array([lam]), lam)
    assert meet.ridge[0] == meet.soft[0] == 1.0


@pytest.mark.parametrize("rho_j", [-2.3, -0.4, 0.0, 0.9, 1.7])
def test_shrinkage_curves_minimize_their_coordinate_objectives(rho_j):
    # Brute force on a fine grid, independent of the closed forms: for a unit-norm column the
    # coordinate RSS is w² − 2ρw (+ const).
    w = np.linspace(-4.0, 4.0, 160_001)
    lam, lam2, c = 1.2, 0.5, 0.8
    curves = figures.shrinkage_curves(np.array([rho_j]), lam, l2_penalty=lam2, hard_threshold=c)
    rss = w**2 - 2 * rho_j * w
    step = w[1] - w[0]
    assert abs(w[np.argmin(rss + lam * np.abs(w))] - curves.soft[0]) <= step
    assert abs(w[np.argmin(rss + lam2 * w**2)] - curves.ridge[0]) <= step
    # Best subset with μ = c²: compare w = 0 against the best nonzero w = ρ.
    mu = c**2
    best_nonzero = rss + mu
    value_at_zero = 0.0
    expected = 0.0 if value_at_zero <= best_nonzero.min() else w[np.argmin(best_nonzero)]
    assert abs(expected - curves.hard[0]) <= step


@pytest.mark.parametrize(
    "kwargs, match",
    [(dict(l1_penalty=-1.0), "l1_penalty"), (dict(l1_penalty=1.0, l2_penalty=-0.1), "l2_penalty"),
     (dict(l1_penalty=1.0, hard_threshold=-2.0), "hard_threshold")],
)
def test_shrinkage_curves_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        figures.shrinkage_curves(np.linspace(-1, 1, 5), **kwargs)


def test_shrinkage_comparison_figure():
    from lassolib.figures import MIN_FONT_PT, use_book_style

    use_book_style()
    curves = figures.shrinkage_curves(np.linspace(-3.0, 3.0, 601), 2.0)
    ax = figures.plot_shrinkage_comparison(curves)
    lines = {line.get_label(): line for line in ax.get_lines()}
    (lasso,) = [line for label, line in lines.items() if label.startswith("lasso")]
    (ridge,) = [line for label, line in lines.items() if label.startswith("ridge")]
    np.testing.assert_array_equal(lasso.get_ydata(), curves.soft)
    np.testing.assert_array_equal(ridge.get_ydata(), curves.rho / 2)
    hard = [line for line in ax.get_lines() if line.get_color() == figures.COLORS[2]]
    assert len(hard) == 3  # three branches: the jump at ±c is not drawn as a vertical line
    styles = {lasso.get_linestyle(), ridge.get_linestyle(), hard[0].get_linestyle()}
    assert len(styles) == 3, "told apart by line style, not colour alone"
    assert min(_font_sizes(ax)) >= MIN_FONT_PT
    with pytest.raises(ValueError, match="ShrinkageCurves"):
        figures.plot_shrinkage_comparison((1, 2, 3))


def test_sweep_text_is_at_least_ten_css_px():
    """Every text of a soft-threshold frame is ≥ MIN_FONT_PT (10 CSS px at the designed size)."""
    import matplotlib
    from lassolib.figures import BOOK_RC, MIN_FONT_PT

    rho = np.linspace(-2.0, 2.0, 41)
    with matplotlib.rc_context(BOOK_RC):
        ax = figures.plot_soft_threshold(rho, lassolib.soft_threshold(rho, 1.0), 1.0,
                                         rho_points=np.array([0.3, 1.5]),
                                         w_points=np.array([0.0, 1.0]), legend="below")
        assert min(_font_sizes(ax)) >= MIN_FONT_PT


def test_soft_threshold_sweep_fixed_axes_show_the_dead_zone_grow():
    penalties = np.array([0.0, 0.5, 2.0, 4.0])
    rho = np.linspace(-3.0, 3.0, 61)
    curves = np.array([lassolib.soft_threshold(rho, lam) for lam in penalties])
    limits = []

    import matplotlib.axes
    original = figures.plot_soft_threshold

    def spy(*args, **kwargs):
        ax = original(*args, **kwargs)
        limits.append((ax.get_xlim(), ax.get_ylim()))
        return ax

    figures.plot_soft_threshold = spy
    try:
        figures.soft_threshold_sweep(rho, penalties, curves, lambda_max=3.0)
        assert len(set(limits)) == 1, "every frame has the same axes"
        limits.clear()
        grids = np.array([rho * (k + 1) for k in range(4)])
        figures.soft_threshold_sweep(grids, penalties, curves, lambda_max=3.0, axes="zoom")
        assert len(set(limits)) == 4
    finally:
        figures.plot_soft_threshold = original
    with pytest.raises(ValueError, match="axes"):
        figures.soft_threshold_sweep(rho, penalties, curves, lambda_max=3.0, axes="loose")


def test_book_style_png_is_twice_its_declared_width():
    import matplotlib
    from matplotlib.figure import Figure

    from lassolib.figures import BOOK_RC, _style

    figure = Figure(figsize=(6.0, 3.5), layout="constrained")
    figure.add_subplot().plot([0, 1], [0, 1])
    data, metadata = _style._figure_png_with_width(figure)
    width_px = int.from_bytes(data[16:20], "big")
    assert set(metadata) == {"width"}, "no height: the page keeps the aspect ratio"
    assert abs(width_px - 2 * metadata["width"]) <= 1
    assert 560 <= metadata["width"] <= 610  # 6 in at 100 CSS px per inch, trimmed to the drawing
    with matplotlib.rc_context():
        assert _style.use_book_style() == BOOK_RC
        assert matplotlib.rcParams["legend.fontsize"] == BOOK_RC["legend.fontsize"]


def test_fixed_axes_with_per_frame_grids_draw_every_line_to_the_edges():
    penalties = np.array([0.0, 1.0, 4.0])
    grids = np.array([np.linspace(-s, s, 21) for s in (1.0, 2.0, 3.0)])
    curves = np.array([lassolib.soft_threshold(g, lam) for g, lam in zip(grids, penalties)])
    drawn = []
    original = figures.plot_soft_threshold

    def spy(rho_grid, w_lasso, l1_penalty, **kwargs):
        drawn.append((np.array(rho_grid), np.array(w_lasso), l1_penalty))
        return original(rho_grid, w_lasso, l1_penalty, **kwargs)

    figures.plot_soft_threshold = spy
    try:
        figures.soft_threshold_sweep(grids, penalties, curves, lambda_max=3.0)
    finally:
        figures.plot_soft_threshold = original
    for rho, w, lam in drawn:
        assert rho[0] == -3.0 and rho[-1] == 3.0
        np.testing.assert_array_equal(w, lassolib.soft_threshold(rho, lam))
