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
import io

from ._style import DISPLAY_DPI, NARROW_WIDTH, RENDER_SCALE, _figure_png_with_width

NARROW_KEY = "lassobook"
"""Output metadata key under which :func:`show` stores ``{"narrow": <base64 PNG>}``."""
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


def _fold_legend(ax, alone):
    """Redraw ``ax``'s legend so that it fits a narrow panel: at most two columns, and a legend
    that stood right of the axes goes below them (under the figure when the panel is alone).
    Returns the height (inches) the figure needs for a legend moved below, else 0."""
    legend = ax.get_legend()
    if legend is None:
        return 0.0
    anchor = legend.get_bbox_to_anchor().transformed(ax.transAxes.inverted())
    outside_right = anchor.x0 > 1.0
    ncols = legend._ncols
    if not outside_right and ncols <= 2:
        return 0.0
    handles = legend.legend_handles
    labels = [text.get_text() for text in legend.texts]
    options = {
        "fontsize": legend.texts[0].get_fontsize() if legend.texts else None,
        "handlelength": legend.handlelength,
        "title": legend.get_title().get_text() or None,
        "framealpha": legend.get_frame().get_alpha(),
        "frameon": legend.get_frame_on(),
    }
    longest = max((len(label) for label in labels), default=0)
    columns = 1 if longest > 18 else 2
    if outside_right:
        rows = -(-len(labels) // columns)
        extra = rows * 1.75 * (options["fontsize"] or 10.0) / 72 + 0.3
        legend.remove()
        if alone:
            ax.figure.legend(handles, labels, loc="outside lower center", ncols=columns, **options)
        else:
            ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncols=columns,
                      **options)
        return extra
    else:
        loc = legend._loc
        box = legend.get_bbox_to_anchor()
        inside = box.bounds == ax.bbox.bounds
        legend.remove()
        if inside:
            ax.legend(handles, labels, loc=loc, ncols=min(ncols, columns), **options)
        else:
            ax.legend(handles, labels, loc=loc, bbox_to_anchor=anchor, ncols=min(ncols, columns),
                      **options)
    return 0.0


def narrow_drawing(figure):
    """Redraw ``figure`` in place for a narrow screen: :data:`NARROW_WIDTH` inches wide, its
    panels stacked in one column, wide legends folded (see :func:`show`). Returns the figure."""
    from matplotlib.gridspec import GridSpec

    figure = _check_figure(figure)
    width, height = figure.get_size_inches()
    panels = _panels(figure)
    columns = 1
    if panels:
        nrows, columns = panels[0].get_subplotspec().get_geometry()[:2]
    panel_height = max(MIN_PANEL_HEIGHT, height * NARROW_WIDTH * columns / width + 0.5)
    if len(panels) > 1:
        grid = GridSpec(len(panels), 1, figure=figure)
        for k, ax in enumerate(panels):
            ax.set_subplotspec(grid[k])
            # A panel that shared its neighbour's y axis hid its tick labels beside it.
            ax.tick_params(axis="y", labelleft=True)
        panel_height = max(MIN_PANEL_HEIGHT, height * NARROW_WIDTH / (width / columns) + 0.3)
    extra = sum(_fold_legend(ax, alone=len(panels) == 1) for ax in panels)
    figure.set_size_inches(NARROW_WIDTH, panel_height * max(1, len(panels)) + extra)
    return figure


def narrow_png(figure):
    """PNG bytes of the narrow drawing of ``figure`` (the figure itself is left as it was drawn
    for the column only until this call: it is redrawn in place). ``NARROW_WIDTH`` inches at
    ``DISPLAY_DPI * RENDER_SCALE`` dpi: exactly ``NARROW_WIDTH * DISPLAY_DPI * RENDER_SCALE``
    pixels wide (720), shown at most 360 CSS px wide."""
    figure = narrow_drawing(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DISPLAY_DPI * RENDER_SCALE)
    return buffer.getvalue()


def show(figure=None):
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

    Returns
    -------
    None
    """
    import matplotlib.pyplot as plt
    from IPython.display import display

    figure = plt.gcf() if figure is None else _check_figure(figure)
    data, size = _figure_png_with_width(figure)
    text = repr(figure)
    narrow = narrow_png(figure)
    plt.close(figure)
    display(
        {"image/png": base64.b64encode(data).decode("ascii"), "text/plain": text},
        raw=True,
        metadata={"image/png": size, NARROW_KEY: {"narrow": base64.b64encode(narrow).decode("ascii")}},
    )
