"""Smoke tests of chapter 3's figures: each draws on small data and draws what it should."""


import matplotlib
import numpy as np
import pytest

import lassolib
from lassolib.figures import subgradient as figures
from lassolib.widgets import FrameSweep, sweep_grid



def test_supporting_lines_draws_abs_and_one_line_per_slope():
    v = np.linspace(-1.0, 1.0, 21)
    ax = figures.plot_supporting_lines(v, np.abs(v), [-1.0, 0.0, 0.5], cutting_slopes=[1.3])
    assert isinstance(ax, matplotlib.axes.Axes)
    lines = {line.get_label(): line for line in ax.get_lines()}
    np.testing.assert_array_equal(lines[r"$f(w) = |w|$"].get_ydata(), np.abs(v))
    np.testing.assert_allclose(lines["$g = 0.5$ (subgradient)"].get_ydata(), 0.5 * v)
    # Subgradient lines never rise above |w|; the cutting one does.
    for g in (-1.0, 0.0, 0.5):
        assert np.all(lines[f"$g = {g:g}$ (subgradient)"].get_ydata() <= np.abs(v) + 1e-12)
    assert np.any(lines["$g = 1.3$ (not a subgradient)"].get_ydata() > np.abs(v))


def test_iterates_plots_each_weight_on_a_log_axis():
    budgets = np.array([1, 10, 100])
    weights = np.array([[1.0, -2.0], [0.1, 0.2], [-0.01, 0.005]])
    ax = figures.plot_iterates(budgets, weights, ["a", "b"])
    assert ax.get_xscale() == "log"
    lines = {line.get_label(): line for line in ax.get_lines()}
    np.testing.assert_array_equal(lines["b"].get_ydata(), weights[:, 1])
    np.testing.assert_array_equal(lines["a"].get_xdata(), budgets)


def test_objective_gap_is_history_minus_reference():
    history = np.array([10.0, 6.0, 4.0, 3.5])
    ax = figures.plot_objective_gap(history, 3.0, best_so_far=np.minimum.accumulate(history))
    lines = ax.get_lines()
    np.testing.assert_allclose(lines[0].get_ydata(), history[1:] - 3.0)
    np.testing.assert_array_equal(lines[0].get_xdata(), [1, 2, 3])
    assert ax.get_yscale() == "log"


def test_weight_comparison_rings_exact_zeros_only():
    names = ["a", "b", "c"]
    w_sub = np.array([0.003, -1.0, 0.0])
    w_cd = np.array([0.0, -1.2, 0.0])
    ax = figures.plot_weight_comparison(names, w_sub, w_cd)
    assert [t.get_text() for t in ax.get_xticklabels()] == names
    rings = [line for line in ax.get_lines() if line.get_markerfacecolor() == "none"]
    n_ringed = sum(len(line.get_xdata()) for line in rings)
    assert n_ringed == int(np.sum(w_sub == 0.0) + np.sum(w_cd == 0.0)) == 3
    for line in rings:
        assert np.all(np.asarray(line.get_ydata()) == 0.0)


def test_subgradient_sweep_has_one_frame_per_penalty():
    H, y, _ = lassolib.make_sparse_regression(30, 4, 2, noise=0.1, seed=0)
    H, _ = lassolib.normalize_features(H)
    lam_max = lassolib.lambda_max(H, y)
    penalties = sweep_grid(lam_max, n_frames=5)
    _, w_cd = lassolib.lasso_path(H, y, penalties)
    w_cd = w_cd[::-1]
    w_sub = w_cd + 1e-3  # stand-in for subgradient descent's small non-zeros
    sweep = figures.subgradient_sweep(penalties, w_sub, w_cd, ["a", "b", "c", "d"], lambda_max=lam_max)
    assert isinstance(sweep, FrameSweep)
    assert len(sweep) == len(penalties) == 5
    assert sweep.labels[0].endswith("linear regression")
    assert sweep.labels[-1].endswith("all zero")
    assert sweep.description == "λ"
    assert all(panel.startswith(b"\x89PNG") for frame in sweep.frames for panel in frame)
    assert sweep.alt[-1].endswith("0 exact zeros from subgradient descent, 4 from coordinate descent.")
