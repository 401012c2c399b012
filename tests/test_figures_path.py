"""Smoke tests of chapter 6's figures: each draws on small data and shows what it should."""


import matplotlib
import numpy as np
import pytest

import lassolib
from lassolib.figures.path import (
    cv_summary,
    feature_style,
    path_cv_sweep,
    plot_cv_curve,
    plot_path,
    plot_sweep_counts,
    plot_validation_curve,
    ratio_labels,
)
from lassolib.widgets import FrameSweep



@pytest.fixture
def data():
    H, y, _ = lassolib.make_sparse_regression(50, 4, 2, seed=2)
    H = np.column_stack([np.ones(50), H - H.mean(axis=0)])
    H, _ = lassolib.normalize_features(H)
    return H, y, ("a", "b", "c", "d")


def test_feature_styles_are_distinct():
    styles = [tuple(str(v) for v in feature_style(k).values()) for k in range(16)]
    assert len(set(styles)) == 16


def test_plot_path_draws_each_feature(data):
    H, y, names = data
    penalties, weights = lassolib.lasso_path(H, y, n_penalties=10, unpenalized=(0,))
    ratios = penalties / penalties[0]
    ax = plot_path(ratios, weights[:, 1:], names, current=ratios[3])
    assert isinstance(ax, matplotlib.axes.Axes)
    lines = {line.get_label(): line for line in ax.lines}
    for k, name in enumerate(names):
        # Drawn in increasing λ order.
        np.testing.assert_array_equal(lines[name].get_ydata(), weights[::-1, 1 + k])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(names)


def test_plot_sweep_counts():
    ax = plot_sweep_counts([1.0, 0.1, 0.01], [0, 3, 5], [0, 10, 20])
    assert isinstance(ax, matplotlib.axes.Axes)
    assert [list(line.get_ydata()) for line in ax.lines] == [[0, 10, 20], [0, 3, 5]]


def test_cv_summary_min_and_one_standard_error_rule():
    mse = np.array([[10.0, 4.0, 3.0, 3.5], [12.0, 6.0, 5.0, 4.5]])  # columns: decreasing λ
    mean, se, best, one_se = cv_summary(mse)
    np.testing.assert_allclose(mean, [11.0, 5.0, 4.0, 4.0])
    np.testing.assert_allclose(se, [1.0, 1.0, 1.0, 0.5])
    assert best == 2  # first minimum
    assert one_se == 1  # largest λ with mean <= 4 + 1
    with pytest.raises(ValueError, match="n_folds >= 2"):
        cv_summary(np.ones((1, 3)))


def test_plot_cv_and_validation_curves():
    ratios = np.array([1.0, 0.1, 0.01])
    ax = plot_cv_curve(ratios, [5.0, 3.0, 4.0], [0.5, 0.5, 0.5], best=1, one_se=0, current=0.1)
    assert isinstance(ax, matplotlib.axes.Axes)
    minimum = [line for line in ax.lines if line.get_label() == "minimum"][0]
    assert (minimum.get_xdata()[0], minimum.get_ydata()[0]) == (0.1, 3.0)
    ax = plot_validation_curve(ratios, [1.0, 2.0, 3.0], [5.0, 3.0, 4.0], best=1)
    assert isinstance(ax, matplotlib.axes.Axes)


def test_ratio_labels():
    assert ratio_labels([0.0, 0.5, 2.0]) == [
        "λ/λ_max = 0 — linear regression",
        "λ/λ_max = 0.5 — lasso",
        "λ/λ_max = 2 — all zero",
    ]
    assert ratio_labels([0.01], {"normalized": 1898.87, "raw": 9.5e5}) == [
        "λ/λ_max = 0.01 (normalized: λ = 19; raw: λ = 9,500) — lasso"
    ]


def test_path_cv_sweep(data):
    H, y, names = data
    sweep = path_cv_sweep(H, y, names, n_folds=3, n_frames=5, n_line_points=8)
    assert isinstance(sweep, FrameSweep)
    assert len(sweep) == 5
    lam_max = lassolib.lambda_max(H, y, unpenalized=(0,))
    np.testing.assert_allclose(sweep.values, lassolib.widgets.sweep_grid(1.0, n_frames=5) * lam_max)
    # The slider moves λ itself; the label gives λ/λ_max too.
    assert sweep.labels == [lassolib.widgets.penalty_label(v, lam_max) for v in sweep.values]
    assert sweep.description == "λ"
    assert all(panel.startswith(b"\x89PNG") for frame in sweep.frames for panel in frame)
    assert "0 nonzero" in sweep.alt[-1] and "4 nonzero" in sweep.alt[0]
