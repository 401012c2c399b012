"""Show a book figure as the inline backend does, with a second drawing of it for phones.

A static figure is designed for the book's column (600–750 CSS px). A phone shows it about
340 CSS px wide, so its text would shrink to 0.45–0.6 of its size (6–8 CSS px). :func:`show`
displays the figure exactly as ``plt.show()`` does under :func:`use_book_style` (the same 2× PNG,
the same ``width`` metadata: captions, numbering and alt text stay myst-nb's) and stores in the
output's metadata a *narrow drawing*: the same figure redrawn :data:`NARROW_WIDTH` inches wide,
its panels stacked into one column and wide legends folded, with the same text sizes. The book's
build (``book/_ext/offline.py``) serves that drawing to screens at most 600 px wide; JupyterLab
and the desktop page show only the figure itself.
"""

import base64

from ._style import DISPLAY_DPI, NARROW_WIDTH, RENDER_SCALE, _figure_png_with_width

GLUE_PREFIX = "application/papermill.record/"
"""The MIME prefix of a glued output that is not displayed (``myst_nb.glue(..., display=False)``)."""
NARROW_KEY = "lassobook"
"""Output metadata key under which :func:`show` stores ``{"narrow": <base64 PNG>}``."""
NARROW_COLORS = 64
"""Palette size of the narrow PNG (quantized as the sweep frames are: a third of the bytes, so
that the stored notebooks stay small)."""
MIN_PANEL_HEIGHT = 3.0
"""Smallest height (inches) of one panel of the narrow drawing."""


def _check_figure(figure):
    from matplotlib.figure import Figure

    if not isinstance(figure, Figure):
        raise ValueError(f"figure must be a Matplotlib Figure (or None for the current one), "
                         f"got {type(figure).__name__}")
    return figure


def _panels(figure):
    """The figure's grid panels (Axes placed by a subplot spec, colour bars excluded)."""
    return [ax for ax in figure.axes
            if ax.get_subplotspec() is not None and not hasattr(ax, "_colorbar")]


def _legend_rows(n_labels, ncols):
    return -(-n_labels // max(1, ncols))


def _fold_legend(ax, alone):
    """Redraw ``ax``'s legend so that it fits a narrow panel. A legend inside the axes keeps at
    most two columns; one outside them (beside, above or below) keeps one column when a label is
    long (more than 18 characters), else two; one that stood right of the axes goes below them
    (under the figure when the panel is alone). Returns the height (inches) the figure needs for
    the legend's new rows outside the axes (0 when it stays inside)."""
    legend = ax.get_legend()
    if legend is None:
        return 0.0
    anchor = legend.get_bbox_to_anchor().transformed(ax.transAxes.inverted())
    outside_right = anchor.x0 > 1.0
    eps = 1e-6  # the anchor comes back through two transforms: (0, 1) may read 0.9999999
    outside = outside_right or anchor.y0 >= 1.0 - eps or anchor.y1 <= eps or anchor.x1 < -eps
    handles = legend.legend_handles
    labels = [text.get_text() for text in legend.texts]
    ncols = legend._ncols
    longest = max((len(label) for label in labels), default=0)
    columns = min(ncols, 1 if outside and longest > 18 else 2)
    if not outside_right and columns == ncols:
        return 0.0
    fontsize = legend.texts[0].get_fontsize() if legend.texts else 10.0
    row_height = 1.75 * fontsize / 72  # inches per legend row
    options = {
        "fontsize": fontsize,
        "handlelength": legend.handlelength,
        "title": legend.get_title().get_text() or None,
        "framealpha": legend.get_frame().get_alpha(),
        "frameon": legend.get_frame_on(),
    }
    loc = legend._loc
    legend.remove()
    if outside_right:
        columns = 1 if longest > 18 else 2
        if alone:
            ax.figure.legend(handles, labels, loc="outside lower center", ncols=columns, **options)
        else:
            ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncols=columns,
                      **options)
        return _legend_rows(len(labels), columns) * row_height + 0.3
    if not outside:
        ax.legend(handles, labels, loc=loc, bbox_to_anchor=anchor.bounds, ncols=columns, **options)
        return 0.0
    ax.legend(handles, labels, loc=loc, bbox_to_anchor=anchor.bounds, ncols=columns, **options)
    return (_legend_rows(len(labels), columns) - _legend_rows(len(labels), ncols)) * row_height


def _break_line(text):
    """``text`` with its space nearest the middle (outside ``$...$`` math) made a line break."""
    spaces, math = [], False
    for k, character in enumerate(text):
        if character == "$" and (k == 0 or text[k - 1] != "\\"):
            math = not math
        elif character == " " and not math:
            spaces.append(k)
    if "\n" in text or not spaces:
        return text
    k = min(spaces, key=lambda k: abs(k - len(text) / 2))
    return text[:k] + "\n" + text[k + 1:]


def _unclutter(figure):
    """At the narrow width: an axis label longer than its panel's side goes on two lines, and a
    panel's x tick labels turn upright (90°) where they overlap."""
    renderer = figure.canvas.get_renderer()
    figure.draw_without_rendering()
    for ax in _panels(figure):
        label = ax.xaxis.label
        if label.get_text() and label.get_window_extent(renderer).width > ax.bbox.width:
            label.set_text(_break_line(label.get_text()))
        label = ax.yaxis.label
        if label.get_text() and label.get_window_extent(renderer).height > ax.bbox.height:
            label.set_text(_break_line(label.get_text()))
    figure.draw_without_rendering()
    for ax in _panels(figure):
        boxes = [label.get_window_extent(renderer) for label in ax.get_xticklabels()
                 if label.get_visible() and label.get_text()]
        boxes.sort(key=lambda box: box.x0)
        if any(a.x1 > b.x0 - 2 for a, b in zip(boxes, boxes[1:])):
            ax.tick_params(axis="x", labelrotation=90)


def _fold_figure_legend(figure, legend):
    """Refold a figure legend placed under the panels (``loc="outside lower center"``) for a
    narrow figure: one column when a label is long, else at most two. Returns the height (inches)
    its extra rows need (0 when it is left as it was)."""
    if getattr(legend, "_outside_loc", None) != "lower":
        return 0.0
    labels = [text.get_text() for text in legend.texts]
    ncols = legend._ncols
    longest = max((len(label) for label in labels), default=0)
    columns = 1 if longest > 18 else min(ncols, 2)
    if columns >= ncols:
        return 0.0
    fontsize = legend.texts[0].get_fontsize() if legend.texts else 10.0
    handles = legend.legend_handles
    options = {"fontsize": fontsize, "frameon": legend.get_frame_on(),
               "handlelength": legend.handlelength}
    legend.remove()
    figure.legend(handles, labels, loc="outside lower center", ncols=columns, **options)
    rows_before, rows_after = -(-len(labels) // ncols), -(-len(labels) // columns)
    return (rows_after - rows_before) * 1.75 * fontsize / 72


def narrow_drawing(figure):
    """Redraw ``figure`` in place for a narrow screen: :data:`NARROW_WIDTH` inches wide, its
    panels stacked in one column, wide legends folded, long axis labels on two lines, crowded x tick
    labels turned upright (see :func:`show`). Returns the figure."""
    from matplotlib.gridspec import GridSpec

    figure = _check_figure(figure)
    width, height = figure.get_size_inches()
    panels = _panels(figure)
    columns = 1
    if panels:
        columns = panels[0].get_subplotspec().get_geometry()[1]
    panel_height = max(MIN_PANEL_HEIGHT, height * NARROW_WIDTH * columns / width + 0.5)
    if len(panels) > 1:
        grid = GridSpec(len(panels), 1, figure=figure)
        for k, ax in enumerate(panels):
            ax.set_subplotspec(grid[k])
            # A panel that shared its neighbour's y axis hid its tick labels beside it.
            ax.tick_params(axis="y", labelleft=True)
        panel_height = max(MIN_PANEL_HEIGHT, height * NARROW_WIDTH / (width / columns) + 0.3)
    extra = sum(_fold_legend(ax, alone=len(panels) == 1) for ax in panels)
    extra += sum(_fold_figure_legend(figure, legend) for legend in list(figure.legends))
    figure.set_size_inches(NARROW_WIDTH, panel_height * max(1, len(panels)) + extra)
    _unclutter(figure)
    return figure


def narrow_png(figure):
    """PNG bytes of the narrow drawing of ``figure`` (redrawn in place: call it last).

    ``NARROW_WIDTH`` inches at ``DISPLAY_DPI * RENDER_SCALE`` dpi, so exactly 720 pixels wide
    (shown at most 360 CSS px wide), palette-quantized to :data:`NARROW_COLORS` colours.
    """
    from ..widgets import _figure_png

    figure = narrow_drawing(figure)
    return _figure_png(figure, DISPLAY_DPI * RENDER_SCALE, NARROW_COLORS)


def show(figure=None, *, glue=None):
    """Display ``figure`` (default: the current one) as ``plt.show()`` does in the book, with its
    narrow drawing for phones in the output's metadata, then close it.

    The output is the figure's PNG at :data:`RENDER_SCALE` times its designed size with its
    designed ``width`` (CSS px) as metadata, as :func:`use_book_style` makes ``plt.show()`` do,
    plus ``metadata["lassobook"]["narrow"]``: a base64 PNG of :func:`narrow_png`. Frontends that
    do not know that key (JupyterLab, nbviewer) ignore it; the book serves it on narrow screens.

    Parameters
    ----------
    figure : matplotlib.figure.Figure, optional
        Default: ``plt.gcf()``.
    glue : str, optional
        Instead of displaying the figure, glue it under this name for a ``{glue:figure}``
        directive, as ``myst_nb.glue(glue, figure, display=False)`` does (the same MIME prefix and
        ``scrapbook`` metadata), with the narrow drawing beside it.

    Returns
    -------
    None
    """
    import matplotlib.pyplot as plt
    from IPython.display import display

    if glue is not None and (not isinstance(glue, str) or not glue):
        raise ValueError(f"glue must be a non-empty name (str) for a {{glue:figure}} directive, got {glue!r}")
    figure = plt.gcf() if figure is None else _check_figure(figure)
    data, size = _figure_png_with_width(figure)
    text = repr(figure)
    narrow = narrow_png(figure)
    plt.close(figure)
    prefix = "" if glue is None else GLUE_PREFIX
    metadata = {"image/png": size, NARROW_KEY: {"narrow": base64.b64encode(narrow).decode("ascii")}}
    if glue is not None:
        metadata["scrapbook"] = {"name": glue, "mime_prefix": GLUE_PREFIX}
    display(
        {prefix + "image/png": base64.b64encode(data).decode("ascii"), prefix + "text/plain": text},
        raw=True,
        metadata=metadata,
    )
