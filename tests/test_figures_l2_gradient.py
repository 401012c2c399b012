"""Smoke tests of chapter 1's figures: each draws on small data, returns its Axes, and draws the inputs."""


import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

import lassolib
from lassolib.figures import l2_gradient as figures
from lassolib.widgets import FrameSweep



@pytest.fixture
def small_problem():
    H_raw, y, _ = lassolib.make_sparse_regression(40, 4, 2, noise=0.1, seed=0)
    H, _ = lassolib.normalize_features(np.column_stack([np.ones(len(y)), H_raw]))
    return H, y, ["a", "b", "c", "d"]


def test_plot_penalties_draws_both_curves():
    w = np.linspace(-1, 1, 11)
    ax = figures.plot_penalties(w, w**2, np.abs(w))
    assert isinstance(ax, matplotlib.axes.Axes)
    square, absolute = ax.lines[0], ax.lines[1]
    np.testing.assert_array_equal(square.get_xdata(), w)
    np.testing.assert_array_equal(square.get_ydata(), w**2)
    np.testing.assert_array_equal(absolute.get_ydata(), np.abs(w))


def test_plot_penalty_slopes_splits_abs_at_zero():
    w = np.linspace(-1, 1, 11)
    ax = figures.plot_penalty_slopes(w, 2 * w, -1.0, 1.0)
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), 2 * w)
    left, right = ax.lines[1], ax.lines[2]
    assert np.all(left.get_xdata() < 0) and np.all(left.get_ydata() == -1.0)
    assert np.all(right.get_xdata() > 0) and np.all(right.get_ydata() == 1.0)


def test_plot_ridge_path_one_line_per_feature(small_problem):
    H, y, names = small_problem
    penalties = np.geomspace(0.1, 100, 7)
    path = np.array([lassolib.ridge_closed_form(H, y, lam, unpenalized=(0,)) for lam in penalties])[:, 1:]
    _, ax = plt.subplots()
    returned = figures.plot_ridge_path(penalties, path, names, current=1.0, ax=ax)
    assert returned is ax
    feature_lines = ax.lines[: len(names)]
    for j, line in enumerate(feature_lines):
        np.testing.assert_array_equal(line.get_xdata(), penalties)
        np.testing.assert_array_equal(line.get_ydata(), path[:, j])
        assert line.get_label() == names[j]
    assert ax.get_xscale() == "log"


def test_feature_styles_stay_distinct_past_eight_features():
    styles = [figures._feature_style(j) for j in range(10)]
    combos = {(s["color"], str(s["linestyle"]), s["marker"]) for s in styles}
    assert len(combos) == 10


def test_plot_weight_magnitudes_counts_exact_zeros():
    weights = np.array([2.0, -0.5, 0.0, 1e-3])
    ax = figures.plot_weight_magnitudes(weights, ["a", "b", "c", "d"], ylim=(1e-4, 10))
    tops = [line.get_ydata()[0] for line in ax.lines if line.get_marker() not in (None, "None", "")]
    np.testing.assert_allclose(sorted(tops), sorted(np.abs(weights[weights != 0])))
    assert any(text.get_text() == "exact zeros: 1" for text in ax.texts)


def test_plot_gradient_descent_draws_the_gap():
    history = np.array([10.0, 5.0, 3.0, 2.5, 2.0])
    ax = figures.plot_gradient_descent(history, 2.0)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [8.0, 3.0, 1.0, 0.5])  # the zero gap is dropped
    assert ax.get_yscale() == "log"


def test_ridge_sweep_has_one_frame_per_penalty_and_no_zeros(small_problem):
    H, y, names = small_problem
    sweep = figures.ridge_sweep(H, y, names, n_frames=6, n_path=10)
    assert isinstance(sweep, FrameSweep)
    assert len(sweep) == 6 == len(sweep.values) == len(sweep.alt)
    assert sweep.values[0] == 0.0
    assert np.isclose(sweep.values[-1], 4 * lassolib.lambda_max(H, y, unpenalized=(0,)))
    assert all(panel.startswith(b"\x89PNG") for frame in sweep.frames for panel in frame)
    assert all(label.endswith("exact zeros: 0") for label in sweep.labels)
