"""Smoke tests of chapter 8's figures: each draws precomputed arrays and shows what it should."""

import numpy as np
import pytest

from lassolib.figures.training import (
    plot_epoch_traces,
    plot_suboptimality,
    plot_weight_magnitudes,
    plot_zero_counts,
    sweep_labels,
    training_sweep,
)
from lassolib.figures._style import DISPLAY_DPI, PANEL_SIZE, RENDER_SCALE
from lassolib.widgets import FrameSweep, _png_size, penalty_label


def test_weight_magnitudes_put_exact_zeros_on_the_floor():
    names = ["a", "b", "c"]
    ax = plot_weight_magnitudes(names, {"one": [0.0, 2.0, -1e-6], "two": [1.0, 0.0, 0.0]}, floor=1e-3)
    lines = ax.get_lines()
    # per method: a nonzero series and a zero series, then the floor line
    nonzero_one, zero_one, nonzero_two, zero_two = lines[:4]
    np.testing.assert_allclose(zero_one.get_ydata(), [1e-3])
    np.testing.assert_allclose(nonzero_one.get_ydata(), [2.0, 3e-3])  # tiny, not zero: above it
    np.testing.assert_allclose(zero_two.get_ydata(), [1e-3, 1e-3])
    assert ax.get_yscale() == "log"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["one (1 exactly 0)", "two (2 exactly 0)"]


def test_suboptimality_is_positive_on_a_log_axis():
    ax = plot_suboptimality({"ista": [10.0, 5.0, 4.0, 4.0]}, 4.0)
    y = ax.get_lines()[0].get_ydata()
    assert np.all(y > 0) and y[0] == pytest.approx(6.0)
    assert ax.get_yscale() == "log"


def test_zero_counts_draws_each_method():
    ratios = np.array([0.0, 0.01, 0.1, 1.0, 4.0])
    counts = {"cd": [0, 0, 3, 10, 10], "sgd": [0, 0, 0, 0, 0]}
    ax = plot_zero_counts(ratios, counts, n_penalized=10, current=0.1)
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), counts["cd"])
    assert ax.get_ylabel() == "weights exactly 0"


def test_sweep_labels_are_plain_numbers_with_the_regime():
    labels = sweep_labels([0.0, 18.9887, 1898.87, 7595.48], 1898.87)
    assert labels == [
        "λ = 0 — linear regression",
        "λ = 19 (0.01 λ_max) — lasso",
        "λ = 1,899 (1 λ_max) — all zero",
        "λ = 7,595 (4 λ_max) — all zero",
    ]
    assert not any("e+" in label for label in labels)


def test_training_sweep_has_one_frame_per_penalty():
    rng = np.random.default_rng(0)
    penalties = np.array([0.0, 1.0, 10.0, 20.0])
    answers = {"cd": rng.standard_normal((4, 4)), "sgd": rng.standard_normal((4, 4))}
    answers["cd"][2:, 1:] = 0.0
    penalized = np.array([False, True, True, True])
    sweep = training_sweep(penalties, 10.0, answers, ["a", "b", "c"], penalized=penalized)
    assert isinstance(sweep, FrameSweep) and len(sweep) == 4
    np.testing.assert_array_equal(sweep.values, penalties)
    assert sweep.labels == [penalty_label(lam, 10.0) for lam in penalties]
    assert sweep.labels[2] == "λ = 10 (1 λ_max) — all zero"
    assert "cd: 3 of 3" in sweep.alt[2] and "sgd: 0 of 3" in sweep.alt[2]
    # Every frame: two panels (weights, zero counts), each its own PNG of one panel's size.
    width, height = (round(side * DISPLAY_DPI * RENDER_SCALE) for side in PANEL_SIZE)
    for frame in sweep.frames:
        assert isinstance(frame, tuple) and len(frame) == 2
        for panel in frame:
            assert panel[:8] == b"\x89PNG\r\n\x1a\n"
            assert _png_size(panel) == (width, height)
    # The regime is the frame's bold label above the panels, and the slider reads λ.
    html = sweep.frame_html(2)
    assert '<strong class="lassolib-regime">all zero</strong>' in html
    assert html.count("<img ") == 2
    assert sweep.description == "λ"


def test_epoch_traces_draw_each_weight():
    iterates = np.array([[0.0, 0.0], [1.0, -0.5], [0.2, 0.1]])
    ax = plot_epoch_traces(iterates, ["a", "b"])
    np.testing.assert_array_equal(ax.get_lines()[1].get_ydata(), [0.0, -0.5, 0.1])
    assert ax.get_xlabel() == "epoch"
