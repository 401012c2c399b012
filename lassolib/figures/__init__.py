"""The book's figures: one function per figure, one module per chapter.

Each plot function takes precomputed arrays (it never fits a model), draws on ``ax`` (a new
figure's axes when None) and returns the Axes. Colours are the Okabe–Ito palette (its yellow
replaced by Tol's wine), always paired with distinct line styles or markers, so no figure relies
on telling red from green. :func:`use_book_style` sets the sizes every figure is designed for.
"""

from ._style import (
    BOOK_RC,
    COLORS,
    DISPLAY_DPI,
    LINESTYLES,
    MARKERS,
    MIN_FONT_PT,
    RENDER_SCALE,
    new_axes,
    style_for,
    use_book_style,
)
from ._show import narrow_png, show

__all__ = [
    "BOOK_RC", "COLORS", "DISPLAY_DPI", "LINESTYLES", "MARKERS", "MIN_FONT_PT", "RENDER_SCALE",
    "narrow_png", "new_axes", "show", "style_for", "use_book_style",
]
