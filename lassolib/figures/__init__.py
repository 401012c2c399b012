"""The book's figures: one function per figure, one module per chapter.

Each plot function takes precomputed arrays (it never fits a model), draws on ``ax`` (a new
figure's axes when None) and returns the Axes. Colours are the Okabe–Ito palette, always paired
with distinct line styles or markers, so no figure relies on telling red from green.
"""

from ._style import COLORS, LINESTYLES, MARKERS, new_axes, style_for

__all__ = ["COLORS", "LINESTYLES", "MARKERS", "new_axes", "style_for"]
