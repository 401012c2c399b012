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
