"""Chapter 7's figure functions draw what they are given (a smoke test that can fail)."""


import numpy as np
import pytest

from lassolib import make_sparse_regression
from lassolib.figures.geometry import (
    budget_grid,
    budget_label,
    budget_sweep,
    contour_levels,
    plot_constraint_geometry,
    plot_zero_frequency,
)
from lassolib.geometry import (
    exact_zero_frequency,
    l1_constrained_least_squares,
    least_squares,
    rss_grid,
)



@pytest.fixture
def data():
    H, y, _ = make_sparse_regression(50, 2, 2, correlation=0.7, seed=6)
    return H, y


@pytest.mark.parametrize("kind", ["l1", "l2"])
def test_plot_constraint_geometry(data, kind):
    H, y = data
    W1, W2, R = rss_grid(H, y, (-4, 4), (-4, 4), 41)
    w_ls = least_squares(H, y)
    w_hat = np.array([1.5, 0.0])
    ax = plot_constraint_geometry(W1, W2, R, 1.5, w_hat, w_ls, kind=kind, rss_at_w_hat=10.0)
    assert ax.get_xlabel() == "$w_1$" and ax.get_ylabel() == "$w_2$"
    assert ax.get_xlim() == (-4.0, 4.0)
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "exact zero" in texts and "$w_2 = 0$" in texts
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0] == (r"$\|w\|_1 \leq t$" if kind == "l1" else r"$\|w\|_2 \leq t$")
    # The region's outline passes through (t, 0).
    outline = ax.get_lines()[0].get_xydata()
    assert np.isclose(np.abs(outline[:, 0]).max(), 1.5)


def test_plot_constraint_geometry_rejects_bad_kind(data):
    H, y = data
    W1, W2, R = rss_grid(H, y, (-1, 1), (-1, 1), 5)
    with pytest.raises(ValueError, match="kind must be"):
        plot_constraint_geometry(W1, W2, R, 1.0, [0, 0], [1, 1], kind="l3")


def test_contour_levels_increase_from_the_minimum():
    R = np.arange(100.0).reshape(10, 10)
    levels = contour_levels(R, 5)
    assert levels.shape == (5,) and np.all(np.diff(levels) > 0) and levels[0] > 0


def test_budget_grid_and_labels():
    grid = budget_grid(4.0, 15)
    assert grid[0] == 0.0 and grid[-1] == pytest.approx(5.0) and 4.0 in grid and len(grid) == 15
    assert budget_label(0.0, 4.0) == "t = 0 — all zero"
    assert budget_label(2.0, 4.0) == "t = 2 (0.5 ‖ŵ_LS‖₁) — lasso"
    assert budget_label(4.0, 4.0) == "t = 4 (1 ‖ŵ_LS‖₁) — unconstrained = linear regression"
    assert budget_label(1234.5, 4000.0) == "t = 1,234 (0.309 ‖ŵ_LS‖₁) — lasso"
    with pytest.raises(ValueError, match="ls_l1_norm"):
        budget_grid(0.0)


def test_budget_sweep(data):
    H, y = data
    sweep = budget_sweep(H, y, n_frames=4, n_grid=31)
    assert len(sweep) == 4
    assert sweep.labels[0].endswith("all zero")
    assert sweep.labels[-1].endswith("unconstrained = linear regression")
    assert all(panel[:8] == b"\x89PNG\r\n\x1a\n" for frame in sweep.frames for panel in frame)
    w = l1_constrained_least_squares(H, y, sweep.values[1])
    assert f"({w[0]:.2f}" in sweep.alt[1] or "(0," in sweep.alt[1]


def test_plot_zero_frequency():
    results = [exact_zero_frequency([0.2, 0.8], n_problems=10, n_features=D) for D in (2, 3)]
    ax = plot_zero_frequency(results)
    assert len(ax.get_lines()) == 4
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), results[0].l1)
    np.testing.assert_array_equal(ax.get_lines()[3].get_ydata(), results[1].l2)
