"""Smoke tests of chapter 5's figures: each draws on small data and shows what it should."""


import matplotlib
import numpy as np
import pytest

import lassolib
from lassolib.figures.unnormalized import (
    plot_coordinate_objective,
    plot_selection,
    unnormalized_sweep,
)
from lassolib.widgets import FrameSweep



@pytest.fixture
def data():
    H, y, _ = lassolib.make_sparse_regression(40, 4, 2, seed=1)
    H = H * np.array([1.0, 10.0, 0.1, 3.0])  # different scales, as in chapter 5
    H = np.column_stack([np.ones(40), H - H.mean(axis=0)])
    return H, y, ("a", "b", "c", "d")


def test_plot_coordinate_objective_marks_the_candidates():
    grid = np.linspace(-1, 3, 21)
    ax = plot_coordinate_objective(grid, (grid - 1) ** 2, [("right", 1.0, 0.0), ("slip", 2.5, 2.25)])
    assert isinstance(ax, matplotlib.axes.Axes)
    curve = ax.lines[0]
    np.testing.assert_array_equal(curve.get_ydata(), (grid - 1) ** 2)
    marked = [line.get_xdata()[0] for line in ax.lines if line.get_label() in ("right", "slip")]
    assert marked == [1.0, 2.5]


def test_plot_selection_fills_only_selected_rows():
    ratios = np.array([1.0, 0.5, 0.1])
    weights = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]])
    ax = plot_selection(ratios, weights, ("x", "never"), current=0.5)
    assert isinstance(ax, matplotlib.axes.Axes)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["x", "never"]
    # The row of the never-selected feature has no filled area.
    areas = [c for c in ax.collections]
    assert len(areas) == 2
    assert len(areas[0].get_paths()) >= 1 and len(areas[1].get_paths()) == 0


def test_unnormalized_sweep_frames_and_alt_text(data):
    H, y, names = data
    sweep = unnormalized_sweep(H, y, names, n_frames=5, n_line_points=8)
    assert isinstance(sweep, FrameSweep)
    assert len(sweep) == 5
    assert sweep.values[0] == 0.0 and np.isclose(sweep.values[-1], 4.0)
    assert all(panel.startswith(b"\x89PNG") for frame in sweep.frames for panel in frame)
    # Past λ_max both problems select nothing; at λ = 0 both select everything (least squares).
    assert "normalized lasso selects nothing" in sweep.alt[-1]
    assert "raw lasso selects nothing" in sweep.alt[-1]
    assert "selects a, b, c, d; the raw lasso selects a, b, c, d" in sweep.alt[0]
    assert sweep.labels[-1].endswith("all zero")
    # The slider moves λ/λ_max and says so; each label gives both problems' λ.
    assert sweep.description == "λ/λ_max"
    lam_max_raw = lassolib.lambda_max(H, y, unpenalized=(0,))
    assert f"raw: λ = {lassolib.widgets.plain_number(4 * lam_max_raw)})" in sweep.labels[-1]
