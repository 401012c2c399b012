r"""λ sweeps that work live in Jupyter and in the static book, from one notebook cell.

A sweep is a slider over a λ grid and one precomputed frame per λ. Each frame is drawn once,
by the chapter's own plot function, into a PNG (a few tens of kB) shown in an ipywidgets
``Stack``; the slider's index is linked to the stack's ``selected_index`` with ``jslink``, in the
browser. So a move costs no kernel round trip, and the rendered book — where no kernel runs —
has the same working slider: the widget state, frames included, is saved with the executed
notebook and replayed by the HTML widget manager.

The chapter modules in :mod:`lassolib.figures` define the sweeps; this module is the machinery:
the λ grid (:func:`sweep_grid`), the label (:func:`penalty_label`), frame rendering
(:func:`render_frames`) and the widget (:func:`frame_sweep`).
"""

import base64
import html
import io
import time

import numpy as np

from ._validation import check_penalty, check_positive, check_positive_int
from .soft_threshold import regime

__all__ = ["sweep_grid", "plain_number", "penalty_label", "render_frames", "frame_sweep", "FrameSweep"]


def sweep_grid(lambda_max, *, n_frames=25, min_ratio=1e-3, beyond=4.0):
    r"""The λ values of a sweep: 0, then log-spaced from ``min_ratio``·λ_max to ``beyond``·λ_max.

    λ_max itself is always one of the values (so the first all-zero frame is exactly at λ_max).

    Parameters
    ----------
    lambda_max : float > 0
    n_frames : int >= 4, default 25
        0, ``min_ratio``·λ_max, λ_max and ``beyond``·λ_max are always among the values.
    min_ratio : float in (0, 1), default 1e-3
    beyond : float > 1, default 4
        How far past λ_max the grid reaches.

    Returns
    -------
    ndarray of shape (n_frames,), increasing, starting at 0.0
    """
    lambda_max = check_positive(lambda_max, "lambda_max")
    n_frames = check_positive_int(n_frames, "n_frames")
    if n_frames < 4:
        raise ValueError(
            f"n_frames must be >= 4 (0, a lasso value, λ_max and one past it), got {n_frames}"
        )
    min_ratio = check_positive(min_ratio, "min_ratio")
    beyond = check_positive(beyond, "beyond")
    if min_ratio >= 1 or beyond <= 1:
        raise ValueError(f"need min_ratio < 1 < beyond, got min_ratio={min_ratio}, beyond={beyond}")
    logs = np.linspace(np.log10(min_ratio), np.log10(beyond), n_frames - 1)
    # Snap the interior grid point nearest to λ_max onto it exactly (never an endpoint: the grid
    # must still run from min_ratio·λ_max to beyond·λ_max).
    logs[1 + np.argmin(np.abs(logs[1:-1]))] = 0.0
    return np.concatenate([[0.0], lambda_max * 10.0**logs])


def plain_number(value):
    """A number as a reader writes it: no scientific notation, about three significant digits.

    >>> [plain_number(v) for v in (0.0, 1680.3, 183.25, 18.34, 2.5, 0.01, 0.0012345)]
    ['0', '1,680', '183', '18.3', '2.5', '0.01', '0.00123']
    """
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"value must be finite, got {value}")
    if value == 0.0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 100.0:
        return f"{value:,.0f}"
    # Three significant digits in fixed notation; round first, so 99.96 gives "100".
    decimals = max(0, 2 - int(np.floor(np.log10(magnitude))))
    rounded = round(value, decimals)
    if abs(rounded) >= 100.0:
        return f"{rounded:,.0f}"
    decimals = max(0, 2 - int(np.floor(np.log10(abs(rounded)))))
    text = f"{rounded:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def penalty_label(l1_penalty, lambda_max=None, *, symbol="λ"):
    """The text a sweep shows for one λ: its value, λ/λ_max and, given λ_max, its regime.

    >>> penalty_label(0.0, 10.0)
    'λ = 0 — linear regression'
    >>> penalty_label(12.5, 10.0)
    'λ = 12.5 (1.25 λ_max) — all zero'
    >>> penalty_label(1680.0, 420.0)
    'λ = 1,680 (4 λ_max) — all zero'
    """
    l1_penalty = check_penalty(l1_penalty, "l1_penalty")
    text = f"{symbol} = {plain_number(l1_penalty)}"
    if lambda_max is None:
        return text
    lambda_max = check_penalty(lambda_max, "lambda_max")
    if l1_penalty > 0 and lambda_max > 0:
        text += f" ({plain_number(l1_penalty / lambda_max)} {symbol}_max)"
    return f"{text} — {regime(l1_penalty, lambda_max)}"


def _figure_png(figure, dpi, colors):
    """PNG bytes of a Matplotlib figure, palette-quantized to ``colors`` colours (smaller pages)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    if not colors:
        return buffer.getvalue()
    from PIL import Image

    buffer.seek(0)
    image = Image.open(buffer).convert("RGB").quantize(colors=colors, method=Image.Quantize.MEDIANCUT)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def render_frames(draw, n_frames, *, ncols=1, figsize=None, dpi=None, colors=64):
    """Draw ``n_frames`` frames with ``draw(k, axes)`` and return each as PNG panels.

    A frame of ``ncols`` panels is ``ncols`` separate images (one Matplotlib figure each, reused
    for every frame), so that the page can put them side by side on a wide screen and stack them
    on a narrow one. Drawing happens under the book's style (:data:`lassolib.figures.BOOK_RC`).

    Parameters
    ----------
    draw : callable ``draw(k, axes)``
        Draws frame k on ``axes`` (one Axes when ``ncols == 1``, else an array of them, each in
        its own figure). It should only plot precomputed data.
    n_frames : int >= 1
    ncols : int, default 1
    figsize : (float, float), optional
        Size of one panel in inches, shown at :data:`~lassolib.figures.DISPLAY_DPI` CSS px per
        inch. Default: :data:`~lassolib.figures.WIDE_SIZE` for one panel,
        :data:`~lassolib.figures.PANEL_SIZE` for several.
    dpi : int, optional
        Default ``DISPLAY_DPI * RENDER_SCALE`` (200): images at twice their designed size.
    colors : int or None, default 64
        Palette size of the quantized PNG; None keeps full colour.

    Returns
    -------
    frames : list of tuple of bytes
        Frame k's panels, left to right.
    seconds_per_frame : ndarray of shape (n_frames,)
        How long each frame took to draw and encode: the cost a live redraw would have.
    """
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from .figures._style import BOOK_RC, DISPLAY_DPI, PANEL_SIZE, RENDER_SCALE, WIDE_SIZE

    n_frames = check_positive_int(n_frames, "n_frames")
    ncols = check_positive_int(ncols, "ncols")
    if figsize is None:
        figsize = WIDE_SIZE if ncols == 1 else PANEL_SIZE
    dpi = DISPLAY_DPI * RENDER_SCALE if dpi is None else check_positive_int(dpi, "dpi")
    frames, seconds = [], []
    with matplotlib.rc_context(BOOK_RC):
        figures = [Figure(figsize=figsize, layout="constrained") for _ in range(ncols)]
        for figure in figures:
            FigureCanvasAgg(figure)
        for k in range(n_frames):
            start = time.perf_counter()
            axes = []
            for figure in figures:
                figure.clear()
                axes.append(figure.add_subplot())
            draw(k, axes[0] if ncols == 1 else np.array(axes, dtype=object))
            frames.append(tuple(_figure_png(figure, dpi, colors) for figure in figures))
            seconds.append(time.perf_counter() - start)
    return frames, np.array(seconds)


def _readout(value):
    """The slider's short readout of a swept value, a plain number: '0', '0.0123', '1,680'."""
    return plain_number(value)


NARROW_SCREEN_PX = 600
"""Screens at most this wide (CSS px) show a single-panel frame's narrow drawing."""


def _png_size(data):
    """(width, height) in pixels, read from a PNG's IHDR chunk."""
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


class FrameSweep:
    """A λ slider over precomputed frames; display it in Jupyter or call :meth:`widget`.

    Attributes
    ----------
    values : ndarray
        The swept values (λ), one per frame.
    labels : list of str
        The text shown for each value (λ, λ/λ_max and its regime).
    frames : list of tuple of bytes
        PNG panels of each frame (one or more).
    seconds_per_frame : ndarray
        Time to draw and encode each frame.
    """

    def __init__(self, values, labels, frames, seconds_per_frame, *, alt, start=0, description="λ",
                 scale=None, narrow=None):
        from .figures._style import RENDER_SCALE

        self.values = np.asarray(values)
        self.labels = list(labels)
        self.frames = [tuple([f]) if isinstance(f, bytes) else tuple(f) for f in frames]
        self.seconds_per_frame = np.asarray(seconds_per_frame)
        self.alt = list(alt)
        self.start = int(start)
        self.description = description
        self.scale = RENDER_SCALE if scale is None else scale
        if narrow is not None:
            narrow = [bytes(png) for png in narrow]
            if len(narrow) != len(self.frames) or any(len(f) != 1 for f in self.frames):
                raise ValueError("narrow must hold one PNG per frame, for single-panel frames only")
        self.narrow = narrow
        self._widget = None

    def __len__(self):
        return len(self.frames)

    @property
    def n_bytes(self):
        """Bytes of every PNG of the sweep, narrow drawings included."""
        return (sum(len(panel) for frame in self.frames for panel in frame)
                + sum(len(png) for png in self.narrow or ()))

    def frame_html(self, k):
        """The HTML of frame k: its λ label above the image(s), with alt text.

        A white box with a border (readable in light and dark mode). The label names the regime
        in bold. Each panel is an ``<img>`` at 100 % of its share of the width (``height:auto``);
        panels sit side by side and wrap under each other on a narrow screen. Each image has
        ``RENDER_SCALE`` (2) image pixels per CSS pixel of its designed width.
        """
        label = self.labels[k]
        value, sep, regime_text = label.partition(" — ")
        if sep:
            # The regime's name in bold; any detail after a colon stays plain.
            name, colon, detail = regime_text.partition(":")
            caption = (f'<span class="lassolib-value">{html.escape(value)}</span> — '
                       f'<strong class="lassolib-regime">{html.escape(name)}</strong>'
                       f'{html.escape(colon + detail)}')
        else:
            caption = f'<strong class="lassolib-value">{html.escape(value)}</strong>'
        panels = self.frames[k]
        images = []
        for p, data in enumerate(panels):
            width, height = _png_size(data)
            css_width = int(round(width / self.scale))
            # Never shown wider than 1/1.5 of its pixels: sharp at every width. Side by side while
            # each panel gets 80 % of its designed width (two 360 px panels fit a 620 px column:
            # the book's widget area is ~690 px), stacked below that (a phone).
            max_width = int(width // 1.5)
            basis = int(round(0.8 * css_width))
            alt = self.alt[k] if p == 0 else ""  # one description for the whole frame
            role = "" if p == 0 else ' role="presentation"'
            image = (
                f'<img src="data:image/png;base64,{base64.b64encode(data).decode("ascii")}" '
                f'alt="{html.escape(alt)}"{role} width="{width}" height="{height}" '
                f'style="flex:1 1 {basis}px;min-width:0;width:100%;max-width:{max_width}px;'
                'height:auto;display:block">'
            )
            if self.narrow is not None:
                # On a narrow screen the drawing made for it (see frame_sweep): same text size.
                narrow = self.narrow[k]
                n_width, n_height = _png_size(narrow)
                image = (
                    f'<picture style="display:contents"><source media="(max-width: {NARROW_SCREEN_PX}px)" '
                    f'srcset="data:image/png;base64,{base64.b64encode(narrow).decode("ascii")}" '
                    f'width="{n_width}" height="{n_height}">{image}</picture>'
                )
            images.append(image)
        return (
            '<figure class="lassolib-frame" style="margin:0;padding:6px 8px 8px;background:#fff;'
            'color:#1a1a1a;border:1px solid #b8b8b8;border-radius:4px">'
            '<figcaption class="lassolib-label" style="font-size:1.05rem;line-height:1.4;'
            f'margin:0 0 4px;color:#1a1a1a;text-align:left">{caption}</figcaption>'
            '<div class="lassolib-panels" style="display:flex;flex-wrap:wrap;gap:4px 8px;'
            f'align-items:flex-start">{"".join(images)}</div>'
            "</figure>"
        )

    def widget(self):
        """The ipywidgets view: a ``SelectionSlider`` whose index is ``jslink``-ed to a ``Stack``."""
        if self._widget is None:
            import ipywidgets as widgets

            pages = [widgets.HTML(value=self.frame_html(k)) for k in range(len(self))]
            stack = widgets.Stack(pages, selected_index=self.start)
            # The readout shows just the value, a plain number (it has little room); the label
            # at the top of each frame carries λ/λ_max and the regime.
            options = [(_readout(v), k) for k, v in enumerate(self.values)]
            wide = len(self.description) > 2
            slider = widgets.SelectionSlider(
                options=options,
                index=self.start,
                description=f"{self.description} =",
                continuous_update=True,
                layout=widgets.Layout(width="95%"),
                style={"description_width": "5.5em" if wide else "2.5em"},
            )
            widgets.jslink((slider, "index"), (stack, "selected_index"))
            self._widget = widgets.VBox([slider, stack], layout=widgets.Layout(max_width="760px"))
        return self._widget

    def __repr__(self):
        low, high = self.labels[0].split(" — ")[0], self.labels[-1].split(" — ")[0]
        return f"<FrameSweep: {len(self)} frames, from {low} to {high}>"

    def _repr_mimebundle_(self, **kwargs):
        # The widget view, with a short plain-text fallback (the widget's own repr would spell
        # out every frame's base64 PNG in the stored notebook).
        bundle = self.widget()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)
        return bundle


def frame_sweep(
    draw, values, *, lambda_max=None, alt, ncols=1, figsize=None, start=None, symbol="λ",
    labels=None, description=None,
):
    """Build a :class:`FrameSweep`: one frame per value, drawn with ``draw(k, axes)``.

    Parameters
    ----------
    draw : callable ``draw(k, axes)``
        Draws the frame for ``values[k]`` from precomputed data.
    values : array_like
        The swept λ values (see :func:`sweep_grid`).
    lambda_max : float, optional
        When given, each label names the regime of its λ.
    alt : str or callable ``alt(k) -> str``
        Alt text of each frame (what the figure shows, for readers who cannot see it).
    start : int, optional
        The frame shown first (default: the middle one).
    labels : list of str, optional
        Replace the default :func:`penalty_label` texts.
    ncols, figsize :
        Panels per frame, and the size of one panel in inches (see :func:`render_frames`).
    description : str, optional
        What the slider moves, written before its readout (default ``symbol``, "λ"): the readout
        shows that quantity's value, so the two must agree.
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"values must be a non-empty 1-D array, got shape {values.shape}")
    if labels is None:
        labels = [penalty_label(v, lambda_max, symbol=symbol) for v in values]
    elif len(labels) != values.size:
        raise ValueError(f"labels has {len(labels)} entries but values has {values.size}")
    start = values.size // 2 if start is None else start
    # Check before the (slow) rendering; an integer index, as ``Stack.selected_index`` needs.
    if isinstance(start, (bool, np.bool_)) or not isinstance(start, (int, np.integer)) or not (
        0 <= start < values.size
    ):
        raise ValueError(f"start must be an integer in 0 .. {values.size - 1}, got {start!r}")
    alts = [alt(k) if callable(alt) else f"{alt} ({labels[k]})" for k in range(values.size)]
    frames, seconds = render_frames(draw, values.size, ncols=ncols, figsize=figsize)
    narrow = None
    if ncols == 1:
        # A phone shows a single panel about 340 CSS px wide: drawn for that width too, so that
        # its text keeps its designed size there (the wide drawing would be shrunk to ~0.68).
        from .figures._style import NARROW_WIDTH, WIDE_SIZE

        width, height = WIDE_SIZE if figsize is None else figsize
        narrow_size = (NARROW_WIDTH, max(3.0, height * NARROW_WIDTH / width + 0.5))
        narrow, more = render_frames(draw, values.size, ncols=1, figsize=narrow_size)
        narrow = [panels[0] for panels in narrow]
        seconds = seconds + more
    return FrameSweep(values, labels, frames, seconds, alt=alts, start=start,
                      description=symbol if description is None else description, narrow=narrow)
