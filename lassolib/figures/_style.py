"""Shared figure style: a colour-blind-safe palette paired with line styles and markers, and the
sizes at which the book's figures are drawn and shown.

Sizes. A figure is designed at ``DISPLAY_DPI`` CSS pixels per inch of ``figsize``: a 3.6-inch
panel is shown 360 CSS px wide, so text of ``s`` points shows at ``s · 100/72`` CSS px (8 pt →
11 px). It is rendered at ``RENDER_SCALE`` times that (200 pixels per inch), so it stays sharp on
high-density screens and when a phone or a wide column scales it. ``MIN_FONT_PT`` (7.7 pt = 10.7 CSS
px at the designed size) is the smallest text any figure function draws.
"""

import itertools

# Okabe & Ito (2008), "Color Universal Design": distinguishable under the common colour-vision
# deficiencies. Their yellow (#F0E442) is left out: on white it has a contrast of 1.3:1 and a
# line in it all but disappears. In its place, Paul Tol's "wine" (#882255, from his
# colour-blind-safe "muted" scheme), dark enough to read on white. Order chosen so that
# neighbouring series differ in lightness too; every colour is paired with its own line style and
# marker, so no figure relies on colour alone.
COLORS = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#882255",  # wine (Tol), instead of Okabe-Ito's yellow
    "#000000",  # black
)
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 3)), (0, (8, 2, 2, 2)))
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")

DISPLAY_DPI = 100
"""CSS pixels per inch of ``figsize`` at the size a figure is designed to be shown."""
RENDER_SCALE = 2
"""Image pixels per CSS pixel: figures are rendered at ``DISPLAY_DPI * RENDER_SCALE`` dpi."""
MIN_FONT_PT = 7.7
"""The smallest text a figure draws, in points: 10.7 CSS px at the designed size, so that 10 px
or more on a phone, which shows a 360 px panel about 340 px wide."""
PANEL_SIZE = (3.6, 3.0)
"""One panel of a sweep frame (inches): two fit side by side in a 720 px column, one fills a phone."""
NARROW_WIDTH = 3.6
"""Width (inches) of the narrow drawing of a single-panel sweep frame, shown on phones."""
WIDE_SIZE = (5.0, 3.6)
"""A single-panel sweep frame (inches): 1000 px, shown up to 666 CSS px wide (1.5x), ~0.7x on a phone."""

BOOK_RC = {
    "font.size": 10.0,
    "axes.labelsize": 10.0,
    "axes.titlesize": 10.5,
    "xtick.labelsize": 9.0,
    "ytick.labelsize": 9.0,
    "legend.fontsize": 8.5,
    "legend.title_fontsize": 9.0,
    "legend.handlelength": 2.8,
    "lines.linewidth": 1.6,
    "lines.markersize": 5.0,
    "figure.dpi": DISPLAY_DPI,
    "savefig.dpi": DISPLAY_DPI * RENDER_SCALE,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "axes.facecolor": "white",
}
"""Matplotlib settings of every book figure (sweep frames are drawn under them)."""


def style_for(k):
    """Colour, line style and marker of series ``k`` (cycling), as keyword arguments for ``plot``."""
    k = k % len(COLORS)
    return {"color": COLORS[k], "linestyle": LINESTYLES[k], "marker": MARKERS[k]}


def cycle_styles():
    """An endless iterator over :func:`style_for` (0), (1), …"""
    return (style_for(k) for k in itertools.count())


def new_axes(ax=None, *, figsize=(6.0, 4.0)):
    """Return ``ax``, or the Axes of a new figure (pyplot-managed, so it shows inline in Jupyter)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _figure_png_with_width(figure):
    """IPython formatter: a figure as a 2× PNG, with its designed width (CSS px) as metadata."""
    import io

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DISPLAY_DPI * RENDER_SCALE, bbox_inches="tight",
                   pad_inches=0.05)
    data = buffer.getvalue()
    width = int(round(int.from_bytes(data[16:20], "big") / RENDER_SCALE))  # PNG header: width
    # Only the width: the page scales the height with it (a fixed height would distort the
    # image where the column is narrower than the figure, as on a phone).
    return data, {"width": width}


def use_book_style():
    """Set the book's figure style for this session (call once, at the top of a notebook).

    Applies :data:`BOOK_RC` to Matplotlib, and in IPython shows every figure as a PNG rendered at
    :data:`RENDER_SCALE` times its designed size whose ``width`` metadata is the designed width
    in CSS px (``figsize`` width × :data:`DISPLAY_DPI`); the page keeps the aspect ratio and
    shrinks the image to the column when the column is narrower. Replaces
    ``%config InlineBackend.figure_formats = ['png']`` and ``plt.rcParams["figure.dpi"] = 80``.

    Returns
    -------
    dict
        The Matplotlib settings applied (:data:`BOOK_RC`).
    """
    import matplotlib

    matplotlib.rcParams.update(BOOK_RC)
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is installed with the book
        return dict(BOOK_RC)
    shell = get_ipython()
    if shell is not None:
        import matplotlib.pyplot as plt
        from matplotlib.figure import Figure

        # Load the backend first: loading the inline backend registers its own figure
        # formatters, which would replace this one (a figure made and closed loads it).
        plt.close(plt.figure())

        formatter = shell.display_formatter.formatters["image/png"]
        formatter.for_type(Figure, _figure_png_with_width)
    return dict(BOOK_RC)
