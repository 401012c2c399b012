"""Shared figure style: a colour-blind-safe palette paired with line styles and markers."""

import itertools

# Okabe & Ito (2008), "Color Universal Design": distinguishable under the common colour-vision
# deficiencies. Order chosen so that neighbouring series differ in lightness too.
COLORS = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow (use last: low contrast on white)
    "#000000",  # black
)
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 3)), (0, (8, 2, 2, 2)))
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


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
