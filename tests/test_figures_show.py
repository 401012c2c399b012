"""lassolib.figures.show: a static figure displayed as the inline backend does, plus its narrow
drawing for phones (720 px wide, panels stacked, wide legends folded), in the output metadata."""

import base64

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

import lassolib.figures as figures
from lassolib.figures import DISPLAY_DPI, RENDER_SCALE, narrow_png, show
from lassolib.figures._show import NARROW_KEY, narrow_drawing
from lassolib.figures._style import BOOK_RC, NARROW_WIDTH, _figure_png_with_width


def _size(png):
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def _single(figsize=(6.0, 4.0), legend_outside=False, ncols=1):
    with matplotlib.rc_context(BOOK_RC):
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
        for k in range(6):
            ax.plot(np.arange(5), k * np.arange(5), label=f"series {k}")
        if legend_outside:
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
        else:
            ax.legend(loc="upper left", ncols=ncols)
        ax.set_xlabel("x")
    return fig


def _two_panels():
    with matplotlib.rc_context(BOOK_RC):
        fig, axes = plt.subplots(1, 2, figsize=(7.2, 3.2), layout="constrained", sharey=True)
        for ax in axes:
            ax.plot([0, 1], [0, 1], label="a line")
            ax.legend()
    return fig


@pytest.mark.parametrize("bad", [None, "figure", 3, np.zeros(3)])
def test_narrow_png_rejects_what_is_not_a_figure(bad):
    with pytest.raises(ValueError, match="figure must be a Matplotlib Figure"):
        narrow_png(bad)


def test_show_rejects_what_is_not_a_figure():
    with pytest.raises(ValueError, match="figure must be a Matplotlib Figure"):
        show("not a figure")


def test_narrow_png_is_720_pixels_wide():
    """NARROW_WIDTH (3.6 in) at 200 dpi: 720 image px, 360 CSS px at RENDER_SCALE 2."""
    png = narrow_png(_single())
    width, height = _size(png)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert width == round(NARROW_WIDTH * DISPLAY_DPI * RENDER_SCALE) == 720
    assert height >= 3.0 * DISPLAY_DPI * RENDER_SCALE  # a panel at least 3 inches tall


def test_panels_are_stacked():
    fig = _two_panels()
    width, height = _size(narrow_png(fig))
    assert width == 720 and height > 1.8 * width  # two ~3.5-inch panels under each other
    top, bottom = fig.axes
    assert top.get_position().y0 > bottom.get_position().y1  # one above the other
    assert top.get_position().x0 == pytest.approx(bottom.get_position().x0, abs=0.05)
    # The right panel shared the left one's y axis (its tick labels hidden): shown again.
    assert all(label.get_visible() for label in bottom.get_yticklabels() if label.get_text())
    assert any(label.get_text() for label in bottom.get_yticklabels())


def test_outside_legend_goes_below_and_wide_legends_fold():
    fig = narrow_drawing(_single(legend_outside=True))
    ax = fig.axes[0]
    assert ax.get_legend() is None and len(fig.legends) == 1  # moved under the figure
    assert fig.legends[0]._ncols <= 2
    fig = narrow_drawing(_single(ncols=6))
    assert fig.axes[0].get_legend()._ncols == 2
    assert [t.get_text() for t in fig.axes[0].get_legend().texts] == [f"series {k}" for k in range(6)]


def test_narrow_text_is_never_smaller():
    """The narrow drawing keeps every text's size in points (it is redrawn, not scaled)."""
    fig = _single(legend_outside=True)
    before = sorted(t.get_fontsize() for t in fig.findobj(matplotlib.text.Text) if t.get_text())
    narrow_drawing(fig)
    after = sorted(t.get_fontsize() for t in fig.findobj(matplotlib.text.Text) if t.get_text())
    assert min(after) >= min(before)


def test_narrow_png_bytes_are_deterministic():
    assert narrow_png(_single()) == narrow_png(_single())
    assert narrow_png(_two_panels()) == narrow_png(_two_panels())


def test_show_displays_the_inline_png_with_the_narrow_drawing(monkeypatch):
    """The published output is what plt.show() gives under use_book_style (same PNG bytes, same
    width metadata, same text/plain) plus metadata["lassobook"]["narrow"]; the figure is closed."""
    published = []
    import IPython.display

    monkeypatch.setattr(IPython.display, "display",
                        lambda obj, **kw: published.append((obj, kw)))
    fig = _single()
    expected_png, expected_size = _figure_png_with_width(fig)
    expected_text = repr(fig)
    expected_narrow = narrow_png(_single())
    show(fig)
    assert not plt.fignum_exists(fig.number)
    (data, options), = published
    assert options["raw"] is True
    assert base64.b64decode(data["image/png"]) == expected_png
    assert data["text/plain"] == expected_text
    metadata = options["metadata"]
    assert metadata["image/png"] == expected_size == {"width": 602}
    assert base64.b64decode(metadata[NARROW_KEY]["narrow"]) == expected_narrow


def test_show_uses_the_current_figure(monkeypatch):
    published = []
    import IPython.display

    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: published.append(obj))
    fig = _single()
    assert plt.gcf() is fig
    figures.show()
    assert len(published) == 1 and not plt.fignum_exists(fig.number)


def test_long_legend_above_the_axes_keeps_one_column():
    with matplotlib.rc_context(BOOK_RC):
        fig, ax = plt.subplots(figsize=(7.0, 4.0), layout="constrained")
        for k in range(4):
            ax.plot([0, 1], [k, k], label=f"a rather long method name {k}")
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=2)
    height_before = fig.get_size_inches()[1]
    narrow_drawing(fig)
    legend = fig.axes[0].get_legend()
    assert legend._ncols == 1 and len(legend.texts) == 4
    assert fig.get_size_inches()[1] > max(3.0, height_before * NARROW_WIDTH / 7.0 + 0.5)  # room for 2 more rows


def test_crowded_tick_labels_are_turned_upright():
    with matplotlib.rc_context(BOOK_RC):
        fig, ax = plt.subplots(figsize=(7.0, 3.0), layout="constrained")
        names = [f"feature {k}" for k in range(12)]
        ax.bar(range(12), np.arange(12))
        ax.set_xticks(range(12), names)
    narrow_drawing(fig)
    assert all(label.get_rotation() == 90 for label in fig.axes[0].get_xticklabels())
    fig = narrow_drawing(_single())  # numbers 0..4: room enough, left as they are
    assert all(label.get_rotation() == 0 for label in fig.axes[0].get_xticklabels())


def test_long_x_label_goes_on_two_lines_outside_math():
    from lassolib.figures._show import _break_line

    assert _break_line("work of the plain loop") == "work of the\nplain loop"  # the space at 11 of 22
    assert _break_line(r"$\lambda / \lambda_{\max}$") == r"$\lambda / \lambda_{\max}$"  # no space outside math
    assert _break_line(r"$a + b$ over $c + d$ here") in (r"$a + b$ over" + "\n" + r"$c + d$ here",
                                                        r"$a + b$" + "\n" + r"over $c + d$ here")
    with matplotlib.rc_context(BOOK_RC):
        fig, ax = plt.subplots(figsize=(7.0, 3.0), layout="constrained")
        ax.barh(range(3), [1, 2, 3])
        ax.set_yticks(range(3), ["a very long category name", "b", "c"])
        ax.set_xlabel("work divided by the plain loop's work (log scale)")
    narrow_drawing(fig)
    assert "\n" in fig.axes[0].get_xlabel()
    assert "\n" not in narrow_drawing(_single()).axes[0].get_xlabel()


def test_long_y_label_goes_on_two_lines():
    with matplotlib.rc_context(BOOK_RC):
        fig, ax = plt.subplots(figsize=(6.0, 4.0), layout="constrained")
        ax.plot([1, 2], [1, 2])
        ax.set_ylabel("objective minus the coordinate-descent objective, at iteration t")
    narrow_drawing(fig)
    assert "\n" in fig.axes[0].get_ylabel()


def test_show_glue_publishes_what_myst_nb_glue_does(monkeypatch):
    """show(fig, glue=name) publishes what myst_nb.glue(name, fig, display=False) does with the
    book's PNG formatter (MIME keys under myst-nb's own GLUE_PREFIX, the same PNG bytes, width
    metadata and scrapbook entry), plus the narrow drawing; bad names are refused."""
    import IPython.display
    from myst_nb.ext.glue import GLUE_PREFIX

    published = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: published.append((obj, kw)))
    expected_png, expected_size = _figure_png_with_width(_single())
    show(_single(), glue="fig-x")
    (data, options), = published
    assert sorted(data) == [GLUE_PREFIX + "image/png", GLUE_PREFIX + "text/plain"]
    assert base64.b64decode(data[GLUE_PREFIX + "image/png"]) == expected_png
    metadata = options["metadata"]
    assert metadata["scrapbook"] == {"name": "fig-x", "mime_prefix": GLUE_PREFIX}
    assert metadata["image/png"] == expected_size
    assert base64.b64decode(metadata[NARROW_KEY]["narrow"]) == narrow_png(_single())
    for bad in ("", 3):
        with pytest.raises(ValueError, match="glue"):
            show(_single(), glue=bad)


def test_figure_legend_under_the_panels_folds():
    """A figure legend under the panels (loc="outside lower center", as chapter 9's figures put
    it) with three columns folds to one when a label is long; the drawing stays 720 px wide and
    the legend stays inside it."""
    with matplotlib.rc_context(BOOK_RC):
        fig, ax = plt.subplots(figsize=(7.0, 4.0), layout="constrained")
        for k in range(3):
            ax.plot([0, 1], [k, k + 1], label=f"a rather long label number {k}")
        fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=3)
        narrow_drawing(fig)
        (legend,) = fig.legends
        assert legend._ncols == 1
        fig.canvas.draw()
        box = legend.get_window_extent()
        assert box.x0 >= 0 and box.x1 <= fig.bbox.width
        plt.close(fig)
