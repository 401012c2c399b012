"""Smoke tests of chapter 2's figures: each draws on small data, returns its Axes, and draws the inputs."""


import matplotlib.pyplot as plt
import numpy as np
import pytest

import lassolib
from lassolib.figures import normalization as figures
from lassolib.widgets import FrameSweep



@pytest.fixture
def small_problem():
    H_raw, y, _ = lassolib.make_sparse_regression(40, 4, 2, noise=0.1, seed=0)
    H, _ = lassolib.normalize_features(np.column_stack([np.ones(len(y)), H_raw]))
    return H, y


def test_plot_coordinate_parabola_marks_the_vertex():
    w = np.linspace(-1, 3, 9)
    rss_values = (w - 1.0) ** 2 + 2.0
    _, ax = plt.subplots()
    returned = figures.plot_coordinate_parabola(w, rss_values, 1.0, 2.0, feature_name="x", ax=ax)
    assert returned is ax
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), w)
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), rss_values)
    np.testing.assert_array_equal(ax.lines[1].get_xdata(), [1.0, 1.0])  # the vertical line at ρ_j
    np.testing.assert_array_equal(ax.lines[2].get_xydata(), [[1.0, 2.0]])


def test_plot_sweep_steps_draws_every_sweep():
    steps = np.array([1.0, 0.1, 0.01, 0.0])
    ax = figures.plot_sweep_steps(steps, tolerance=0.05)
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), steps[:3])
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), [0.05, 0.05])
    assert ax.get_yscale() == "log"


def test_plot_rho_band_draws_band_and_paths():
    penalties = np.array([1.0, 2.0, 4.0])
    rho_path = np.array([3.0, 2.5, 1.0])
    weight_path = np.array([2.5, 1.5, 0.0])
    ax = figures.plot_rho_band(penalties, rho_path, weight_path, current=2.0, feature_name="x")
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), penalties / 2)
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), -penalties / 2)
    np.testing.assert_array_equal(ax.lines[2].get_ydata(), rho_path)
    np.testing.assert_array_equal(ax.lines[3].get_ydata(), weight_path)
    np.testing.assert_array_equal(ax.lines[4].get_xdata(), [2.0, 2.0])
    assert len(ax.collections) == 1  # the shaded band


@pytest.mark.parametrize(
    ("rho_j", "weight_j", "inside"), [(3.0, 2.0, False), (0.5, 0.0, True), (-3.0, -2.0, False)]
)
def test_plot_rho_number_line_says_where_rho_is(rho_j, weight_j, inside):
    ax = figures.plot_rho_number_line(rho_j, weight_j, 2.0)
    points = [line.get_xdata()[0] for line in ax.lines if line.get_marker() not in (None, "None", "")]
    assert points == [rho_j, weight_j]
    text = " ".join(t.get_text() for t in ax.texts)
    assert ("= 0" in text) == inside
    low, high = ax.get_xlim()
    assert low < min(rho_j, -1.0) and high > max(rho_j, 1.0)


def test_rho_sweep_follows_the_lasso(small_problem):
    H, y = small_problem
    sweep = figures.rho_sweep(H, y, 1, feature_name="a", n_frames=5, n_path=8)
    assert isinstance(sweep, FrameSweep)
    assert len(sweep) == 5 == len(sweep.values) == len(sweep.labels)
    assert sweep.values[0] == 0.0
    lam_max = lassolib.lambda_max(H, y, unpenalized=(0,))
    assert lam_max in sweep.values
    assert sweep.labels[-1].endswith("all zero")
    assert sweep.description == "λ"
    assert all(panel.startswith(b"\x89PNG") for frame in sweep.frames for panel in frame)
    assert "inside" in sweep.alt[-1] and "outside" in sweep.alt[0]
