"""The sweep machinery's non-visual parts: the λ grid, the labels, and building a FrameSweep."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lassolib.widgets import FrameSweep, frame_sweep, penalty_label, plain_number, sweep_grid
from lassolib.widgets import _png_size


@given(
    lam_max=st.floats(1e-6, 1e6),
    n_frames=st.integers(4, 40),
    min_ratio=st.floats(1e-5, 0.9),
    beyond=st.floats(1.1, 100.0),
)
def test_sweep_grid_properties(lam_max, n_frames, min_ratio, beyond):
    grid = sweep_grid(lam_max, n_frames=n_frames, min_ratio=min_ratio, beyond=beyond)
    assert grid.shape == (n_frames,)
    assert grid[0] == 0.0
    assert np.all(np.diff(grid) > 0), "strictly increasing"
    assert np.count_nonzero(grid == lam_max) == 1, "λ_max exactly, once"
    assert grid[1] == pytest.approx(min_ratio * lam_max, rel=1e-12)
    assert grid[-1] == pytest.approx(beyond * lam_max, rel=1e-12)


def test_sweep_grid_default_is_log_spaced_to_four_lambda_max():
    grid = sweep_grid(3.0)
    assert grid.shape == (25,)
    assert grid[0] == 0.0 and 3.0 in grid
    assert grid[1] == pytest.approx(3e-3, rel=1e-12)
    assert grid[-1] == pytest.approx(12.0, rel=1e-12)
    # log-spaced: constant ratio between neighbours, except next to the snapped λ_max
    ratios = grid[2:] / grid[1:-1]
    k = int(np.flatnonzero(grid == 3.0)[0])
    regular = np.delete(ratios, [k - 2, k - 1])
    np.testing.assert_allclose(regular, (4.0 / 1e-3) ** (1 / 23), rtol=1e-12)
    # the regimes: one linear-regression frame, lasso frames below λ_max, all-zero from λ_max on
    assert np.count_nonzero(grid >= 3.0) >= 2


@pytest.mark.parametrize("n_frames", [4, 5, 6])
def test_sweep_grid_small_keeps_both_ends_and_lambda_max(n_frames):
    grid = sweep_grid(1.0, n_frames=n_frames)
    assert grid[-1] == pytest.approx(4.0) and grid[1] == pytest.approx(1e-3) and 1.0 in grid


def test_sweep_grid_rejects_too_few_frames():
    with pytest.raises(ValueError, match="n_frames"):
        sweep_grid(1.0, n_frames=3)


@pytest.mark.parametrize(
    "lam, lam_max, expected",
    [
        (0.0, 10.0, "λ = 0 — linear regression"),
        (12.5, 10.0, "λ = 12.5 (1.25 λ_max) — all zero"),
        (10.0, 10.0, "λ = 10 (1 λ_max) — all zero"),
        (2.5, 10.0, "λ = 2.5 (0.25 λ_max) — lasso"),
        (0.001234567, 10.0, "λ = 0.00123 (0.000123 λ_max) — lasso"),
        (1680.3, 420.0, "λ = 1,680 (4 λ_max) — all zero"),
        (18.3, 1898.87, "λ = 18.3 (0.00964 λ_max) — lasso"),
        (2.5, None, "λ = 2.5"),
        (0.0, None, "λ = 0"),
    ],
)
def test_penalty_label(lam, lam_max, expected):
    assert penalty_label(lam, lam_max) == expected


def test_penalty_label_symbol():
    assert penalty_label(1.0, 2.0, symbol="α") == "α = 1 (0.5 α_max) — lasso"


@pytest.mark.parametrize(
    "value, expected",
    [
        (0.0, "0"), (1680.3, "1,680"), (-1680.3, "-1,680"), (1234567.0, "1,234,567"),
        (183.25, "183"), (99.96, "100"), (18.34, "18.3"), (2.5, "2.5"), (1.0, "1"),
        (0.01, "0.01"), (0.0012345, "0.00123"), (4.0, "4"), (0.999999, "1"),
    ],
)
def test_plain_number_never_uses_scientific_notation(value, expected):
    assert plain_number(value) == expected


@given(st.floats(1e-6, 1e9))
def test_plain_number_reads_back_within_rounding(value):
    text = plain_number(value)
    assert "e" not in text
    assert float(text.replace(",", "")) == pytest.approx(value, rel=6e-3, abs=0.5)


def test_plain_number_rejects_nan():
    with pytest.raises(ValueError, match="finite"):
        plain_number(float("nan"))


def test_frame_sweep_with_a_trivial_draw_function():
    values = sweep_grid(2.0, n_frames=5)
    calls = []

    def draw(k, ax):
        calls.append(k)
        ax.plot([0, 1], [0, values[k]])

    sweep = frame_sweep(draw, values, lambda_max=2.0, alt="A line")
    assert isinstance(sweep, FrameSweep)
    # Drawn twice for a single panel: at its designed size, and narrow for phones.
    assert calls == [0, 1, 2, 3, 4] * 2
    assert len(sweep) == 5
    assert len(sweep.narrow) == 5 and _png_size(sweep.narrow[0])[0] == 720  # 3.6 in at 200 dpi
    assert sweep.n_bytes == sum(len(f[0]) + len(n) for f, n in zip(sweep.frames, sweep.narrow))
    np.testing.assert_array_equal(sweep.values, values)
    assert sweep.labels[0] == "λ = 0 — linear regression"
    assert sweep.labels[3].endswith("all zero") and sweep.labels[1].endswith("lasso")
    assert all(len(frame) == 1 and frame[0][:8] == b"\x89PNG\r\n\x1a\n" for frame in sweep.frames)
    # Rendered at twice the designed size: 5 in at 100 CSS px per inch → 1000 pixels.
    assert _png_size(sweep.frames[0][0])[0] == 1000
    assert sweep.alt[0] == "A line (λ = 0 — linear regression)"
    assert sweep.start == 2  # the middle frame by default
    assert sweep.seconds_per_frame.shape == (5,) and np.all(sweep.seconds_per_frame >= 0)
    assert repr(sweep) == "<FrameSweep: 5 frames, from λ = 0 to λ = 8 (4 λ_max)>"
    html = sweep.frame_html(1)
    assert html.startswith('<figure class="lassolib-frame"') and 'alt="A line (' in html
    assert "data:image/png;base64," in html
    # A phone gets the narrow drawing, same text size; the wide one stays the <img>.
    assert '<source media="(max-width: 600px)" srcset="data:image/png;base64,' in html
    assert 'width="720"' in html and html.index("<source") < html.index("<img")
    # The regime stands out (bold), after the value; the image fills its width, at most 1/1.5
    # of its pixels wide.
    value, regime_text = sweep.labels[1].split(" — ")
    assert f'<strong class="lassolib-regime">{regime_text}</strong>' in html and value in html
    assert "width:100%" in html and "height:auto" in html and "max-width:666px" in html
    detailed = FrameSweep([1.0], ["λ = 1 — ridge: smallest |w| = 0.5"], sweep.frames[:1], [0.0],
                          alt=["x"])
    assert '<strong class="lassolib-regime">ridge</strong>: smallest |w| = 0.5' in detailed.frame_html(0)


def test_frame_sweep_widget_structure():
    pytest.importorskip("ipywidgets")
    sweep = frame_sweep(lambda k, ax: None, [0.0, 1.0, 2.0], alt=lambda k: f"frame {k}", start=1)
    assert sweep.alt == ["frame 0", "frame 1", "frame 2"]
    box = sweep.widget()
    slider, stack = box.children
    assert slider.index == 1 and stack.selected_index == 1
    assert len(stack.children) == 3
    assert [label for label, _ in slider.options] == ["0", "1", "2"]  # the short readout
    assert slider.description == "λ ="
    assert sweep.widget() is box  # built once
    bundle = sweep._repr_mimebundle_()
    assert bundle["text/plain"] == repr(sweep)


def test_frame_sweep_two_columns_and_custom_labels():
    seen = []
    sweep = frame_sweep(
        lambda k, axes: seen.append(len(axes)), [1.0, 2.0], alt="x", ncols=2, labels=["a", "b"]
    )
    assert seen == [2, 2]
    assert sweep.labels == ["a", "b"]
    # Two panels: two images, each in its own figure, side by side or stacked by the page.
    assert all(len(frame) == 2 for frame in sweep.frames)
    html = sweep.frame_html(0)
    assert html.count("<img ") == 2 and "flex-wrap:wrap" in html
    # Side by side down to 2 × 288 px (80 % of 360), at most 480 px wide (720 px / 1.5).
    assert html.count("flex:1 1 288px") == 2 and html.count("max-width:480px") == 2
    assert _png_size(sweep.frames[0][1]) == (720, 600)  # PANEL_SIZE (3.6, 3.0) at 200 dpi
    # Panels are already drawn at a phone's width: no narrow drawing, no <picture>.
    assert sweep.narrow is None and "<picture" not in html


def test_narrow_drawings_checked():
    png = frame_sweep(lambda k, ax: None, [1.0], alt="x").frames[0][0]
    with pytest.raises(ValueError, match="narrow"):
        FrameSweep([1.0, 2.0], ["a", "b"], [png, png], [0.0, 0.0], alt=["x", "y"], narrow=[png])
    with pytest.raises(ValueError, match="narrow"):
        FrameSweep([1.0], ["a"], [(png, png)], [0.0], alt=["x"], narrow=[png])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(values=[]), "values"),
        (dict(values=[[0.0, 1.0]]), "values"),
        (dict(values=[0.0, 1.0], labels=["only one"]), "labels"),
        (dict(values=[0.0, 1.0], start=2), "start"),
    ],
)
def test_frame_sweep_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        frame_sweep(lambda k, ax: None, alt="x", **kwargs)


@pytest.mark.parametrize("start", [-1, 3, 1.5, True])
def test_frame_sweep_checks_start_before_drawing(start):
    calls = []
    with pytest.raises(ValueError, match="start must be an integer in 0 .. 2"):
        frame_sweep(lambda k, ax: calls.append(k), [0.0, 1.0, 2.0], alt="x", start=start)
    assert calls == [], "no frame should be drawn for a bad start"


def test_large_readouts_are_plain_numbers():
    pytest.importorskip("ipywidgets")
    sweep = frame_sweep(lambda k, ax: None, [0.0, 18.3, 1680.3, 7595.5], lambda_max=1898.87, alt="x")
    slider = sweep.widget().children[0]
    assert [label for label, _ in slider.options] == ["0", "18.3", "1,680", "7,596"]
    assert sweep.labels[2] == "λ = 1,680 (0.885 λ_max) — lasso"


def test_description_names_what_the_slider_moves():
    pytest.importorskip("ipywidgets")
    sweep = frame_sweep(lambda k, ax: None, [0.0, 0.5], alt="x", labels=["a", "b"],
                        description="λ/λ_max")
    assert sweep.widget().children[0].description == "λ/λ_max ="
