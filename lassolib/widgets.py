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

__all__ = ["sweep_grid", "penalty_label", "render_frames", "frame_sweep", "FrameSweep"]


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


def penalty_label(l1_penalty, lambda_max=None, *, symbol="λ"):
    """The text a sweep shows for one λ: its value and, given λ_max, its regime.

    >>> penalty_label(0.0, 10.0)
    'λ = 0 — linear regression'
    >>> penalty_label(12.5, 10.0)
    'λ = 12.5 = 1.25 λ_max — all zero'
    """
    l1_penalty = check_penalty(l1_penalty, "l1_penalty")
    if l1_penalty == 0.0:
        text = f"{symbol} = 0"
    else:
        text = f"{symbol} = {l1_penalty:.3g}"
    if lambda_max is None:
        return text
    lambda_max = check_penalty(lambda_max, "lambda_max")
    if l1_penalty > 0 and lambda_max > 0:
        text += f" = {l1_penalty / lambda_max:.3g} {symbol}_max"
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


def render_frames(draw, n_frames, *, ncols=1, figsize=(6.4, 3.6), dpi=80, colors=96):
    """Draw ``n_frames`` frames with ``draw(k, axes)`` and return them as PNG bytes.

    One Matplotlib figure (outside pyplot) is cleared and reused for every frame.

    Parameters
    ----------
    draw : callable ``draw(k, axes)``
        Draws frame k on ``axes`` (one Axes when ``ncols == 1``, else an array of them). It
        should only plot precomputed data.
    n_frames : int >= 1
    ncols : int, default 1
    figsize : (float, float), default (6.4, 3.6)
    dpi : int, default 80
    colors : int or None, default 96
        Palette size of the quantized PNG; None keeps full colour.

    Returns
    -------
    frames : list of bytes
    seconds_per_frame : ndarray of shape (n_frames,)
        How long each frame took to draw and encode: the cost a live redraw would have.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    n_frames = check_positive_int(n_frames, "n_frames")
    figure = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(figure)
    frames, seconds = [], []
    for k in range(n_frames):
        start = time.perf_counter()
        figure.clear()
        axes = figure.subplots(1, ncols, squeeze=True)
        draw(k, axes)
        frames.append(_figure_png(figure, dpi, colors))
        seconds.append(time.perf_counter() - start)
    return frames, np.array(seconds)


def _readout(value):
    """The slider's short readout of a swept value: '0', '0.0123', '1.23e+03'."""
    return "0" if value == 0 else f"{value:.3g}"


class FrameSweep:
    """A λ slider over precomputed frames; display it in Jupyter or call :meth:`widget`.

    Attributes
    ----------
    values : ndarray
        The swept values (λ), one per frame.
    labels : list of str
        The text shown for each value (λ and its regime).
    frames : list of bytes
        PNG frames.
    seconds_per_frame : ndarray
        Time to draw and encode each frame.
    """

    def __init__(self, values, labels, frames, seconds_per_frame, *, alt, start=0, description="λ"):
        self.values = np.asarray(values)
        self.labels = list(labels)
        self.frames = list(frames)
        self.seconds_per_frame = np.asarray(seconds_per_frame)
        self.alt = list(alt)
        self.start = int(start)
        self.description = description
        self._widget = None

    def __len__(self):
        return len(self.frames)

    def frame_html(self, k):
        """The HTML of frame k: the PNG (with alt text) and the λ label under it."""
        data = base64.b64encode(self.frames[k]).decode("ascii")
        return (
            '<figure class="lassolib-frame" style="margin:0">'
            f'<img src="data:image/png;base64,{data}" alt="{html.escape(self.alt[k])}" '
            'style="max-width:100%;height:auto">'
            f'<figcaption class="lassolib-label">{html.escape(self.labels[k])}</figcaption>'
            "</figure>"
        )

    def widget(self):
        """The ipywidgets view: a ``SelectionSlider`` whose index is ``jslink``-ed to a ``Stack``."""
        if self._widget is None:
            import ipywidgets as widgets

            pages = [widgets.HTML(value=self.frame_html(k)) for k in range(len(self))]
            stack = widgets.Stack(pages, selected_index=self.start)
            # The readout shows just the value (it has little room); the caption under the frame
            # carries the full label with the regime.
            options = [(_readout(v), k) for k, v in enumerate(self.values)]
            slider = widgets.SelectionSlider(
                options=options,
                index=self.start,
                description=self.description,
                continuous_update=True,
                layout=widgets.Layout(width="95%"),
                style={"description_width": "2em"},
            )
            widgets.jslink((slider, "index"), (stack, "selected_index"))
            self._widget = widgets.VBox([slider, stack], layout=widgets.Layout(max_width="720px"))
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
    draw, values, *, lambda_max=None, alt, ncols=1, figsize=(6.4, 3.6), start=None, symbol="λ",
    labels=None,
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
    return FrameSweep(values, labels, frames, seconds, alt=alts, start=start, description=symbol)
