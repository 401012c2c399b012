r"""Figures of chapter 4 — the soft threshold :math:`\hat w_j = S(\rho_j, \lambda)` and the lasso path.

Every function draws precomputed arrays (it fits nothing) and returns the Axes, except the
sweeps, which return a :class:`lassolib.widgets.FrameSweep` of precomputed frames.
"""

from typing import NamedTuple

import numpy as np

from .._validation import check_penalty, check_positive
from ..soft_threshold import soft_threshold
from ..widgets import frame_sweep, plain_number
from ._style import COLORS, LINESTYLES, MARKERS, new_axes

__all__ = [
    "ShrinkageCurves",
    "shrinkage_curves",
    "plot_shrinkage_comparison",
    "plot_soft_threshold",
    "soft_threshold_sweep",
    "plot_lasso_path",
    "lasso_path_sweep",
]


def plot_soft_threshold(rho_grid, w_lasso, l1_penalty, *, rho_points=None, w_points=None,
                        xlim=None, ylim=None, legend="inside", ax=None):
    r"""The post's figure: :math:`\hat w_j` against :math:`\rho_j`, least squares vs lasso.

    Draws the identity line :math:`\hat w_j = \rho_j` (λ = 0, "linear regression", dashed) and
    the soft-threshold line (λ > 0, "lasso", solid) with its dead zone
    :math:`[-\lambda/2, \lambda/2]` shaded and its edges marked.

    Parameters
    ----------
    rho_grid : ndarray of shape (n,)
    w_lasso : ndarray of shape (n,)
        :math:`S(\rho, \lambda)` on the grid (from :func:`lassolib.soft_threshold`).
    l1_penalty : float
        λ (for the dead zone and the labels).
    rho_points, w_points : ndarray of shape (m,), optional
        Points :math:`(\rho_j, \hat w_j)` of a data set's features, drawn on top.
    xlim, ylim : (float, float), optional
        Axis limits (default: the grid's range). A sweep fixes them across frames.
    legend : {"inside", "below"}, default "inside"
    """
    ax = new_axes(ax)
    half = l1_penalty / 2.0
    if half > 0:
        ax.axvspan(-half, half, facecolor=COLORS[1], alpha=0.15, hatch="//", edgecolor=COLORS[1],
                   linewidth=0.0, label=rf"dead zone, width $\lambda$ = {plain_number(l1_penalty)}")
        low, high = (float(rho_grid[0]), float(rho_grid[-1])) if xlim is None else xlim
        narrow = 2.0 * half < 0.16 * (high - low)
        for edge, text in ((-half, r"$-\lambda/2$"), (half, r"$\lambda/2$")):
            ax.axvline(edge, color=COLORS[1], linestyle=":", linewidth=1.0)
            if not narrow:
                ax.annotate(text, (edge, 0.0), xycoords=("data", "axes fraction"),
                            xytext=(0, 3), textcoords="offset points", ha="center",
                            va="bottom", fontsize="small", color="0.2")
        if narrow:  # one label, to the right, for a zone too narrow for two
            ax.annotate(r"$\pm\lambda/2$", (half, 0.0), xycoords=("data", "axes fraction"),
                        xytext=(3, 3), textcoords="offset points", ha="left", va="bottom",
                        fontsize="small", color="0.2")
    ax.plot(rho_grid, rho_grid, color=COLORS[0], linestyle="--", linewidth=1.8,
            label=r"linear regression ($\lambda = 0$): $\hat w_j = \rho_j$")
    if l1_penalty > 0:
        lasso_label = (rf"lasso ($\lambda$ = {plain_number(l1_penalty)}): "
                       r"$\hat w_j = S(\rho_j, \lambda)$")
    else:
        lasso_label = r"lasso at $\lambda = 0$: $S(\rho_j, 0) = \rho_j$, the same line"
    ax.plot(rho_grid, w_lasso, color=COLORS[5], linestyle="-", linewidth=2.5, label=lasso_label)
    if rho_points is not None:
        ax.plot(rho_points, w_points, color=COLORS[7], marker=MARKERS[0], markersize=5,
                linestyle="none", label=r"features of the data: $(\rho_j, \hat w_j)$")
    ax.axhline(0.0, color="0.75", linewidth=0.8, zorder=0)
    ax.axvline(0.0, color="0.75", linewidth=0.8, zorder=0)
    ax.set_xlim(*((float(rho_grid[0]), float(rho_grid[-1])) if xlim is None else xlim))
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xlabel(r"$\rho_j$")
    ax.set_ylabel(r"$\hat w_j$")
    if legend == "below":
        # Two columns fit under a wide panel; a narrow one (a phone's drawing) takes one.
        ncol = 2 if ax.figure.get_figwidth() >= 4.5 else 1
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=ncol, fontsize="small")
    else:
        ax.legend(fontsize="small", loc="upper left")
    return ax


def soft_threshold_sweep(rho_grid, penalties, w_lasso, *, lambda_max, rho_points=None,
                         w_points=None, figsize=(5.0, 4.4), axes="fixed"):
    r"""A λ sweep of :func:`plot_soft_threshold`, one precomputed curve per λ.

    Parameters
    ----------
    rho_grid : ndarray of shape (n,) or (K, n)
        One grid for every frame, or row k for frame k (so each frame can zoom to its data).
    penalties : ndarray of shape (K,)
    w_lasso : ndarray of shape (K, n)
        Row k: :math:`S(\rho, \lambda_k)` on the frame's grid.
    lambda_max : float
        Names each frame's regime.
    rho_points, w_points : ndarray of shape (K, m), optional
        The data's :math:`(\rho_j, \hat w_j)` at the lasso solution for each λ.
    axes : {"fixed", "zoom"}, default "fixed"
        "fixed": every frame has the same axes (the union of the grids' ranges, and of the
        points), so the dead zone visibly grows with λ. Pass one grid that covers every frame;
        given a 2-D grid, every frame is drawn on its widest row, the lines from the closed form
        :math:`S(\rho, \lambda_k)` (so that no line stops short of the axes' edges).
        "zoom": each frame's axes fit its own grid (row k of a 2-D ``rho_grid``).

    Returns
    -------
    FrameSweep
    """
    w_lasso = np.asarray(w_lasso)
    rho_grid = np.asarray(rho_grid)
    if axes not in ("fixed", "zoom"):
        raise ValueError(f"axes must be 'fixed' or 'zoom', got {axes!r}")
    xlim = ylim = None
    if axes == "fixed":
        low, high = float(np.min(rho_grid)), float(np.max(rho_grid))
        if rho_points is not None:
            low = min(low, float(np.min(rho_points)))
            high = max(high, float(np.max(rho_points)))
        xlim = (low, high)
        span = max(abs(low), abs(high))
        ylim = (-1.05 * span, 1.05 * span)
        if rho_grid.ndim == 2:
            rho_grid = rho_grid[int(np.argmax(np.ptp(rho_grid, axis=1)))]
            w_lasso = np.array([soft_threshold(rho_grid, float(lam)) for lam in penalties])

    def draw(k, ax):
        plot_soft_threshold(
            rho_grid[k] if rho_grid.ndim == 2 else rho_grid, w_lasso[k], float(penalties[k]),
            rho_points=None if rho_points is None else rho_points[k],
            w_points=None if w_points is None else w_points[k], xlim=xlim, ylim=ylim,
            legend="below", ax=ax,
        )

    def alt(k):
        half = plain_number(penalties[k] / 2)
        text = (f"The soft-threshold line at lambda = {plain_number(penalties[k])} next to the "
                f"identity line, with a flat dead zone from -{half} to {half}")
        if w_points is not None:
            text += f"; {int(np.sum(np.asarray(w_points[k]) == 0.0))} features of the data in it"
        return text + "."

    return frame_sweep(draw, penalties, lambda_max=lambda_max, alt=alt, figsize=figsize)


def plot_lasso_path(ratios, weights, labels, *, current_ratio=None, current_weights=None,
                    ax=None):
    r"""Each weight of the lasso path against :math:`\lambda/\lambda_{\max}` (log axis).

    Parameters
    ----------
    ratios : ndarray of shape (K,)
        :math:`\lambda/\lambda_{\max}` of each path point (all > 0).
    weights : ndarray of shape (K, m)
        The penalized weights at each path point.
    labels : sequence of str, length m
    current_ratio : float, optional
        Marks one λ with a vertical line (0 is drawn at the left edge of the axis).
    current_weights : ndarray of shape (m,), optional
        The weights at ``current_ratio``, drawn as points on that line.
    """
    ax = new_axes(ax)
    weights = np.asarray(weights)
    for i, label in enumerate(labels):
        # Past eight series the colours repeat, with a different line style and marker.
        ax.plot(ratios, weights[:, i], color=COLORS[i % 8],
                linestyle=LINESTYLES[(i + 3 * (i // 8)) % 8], marker=MARKERS[(i + 3 * (i // 8)) % 8],
                markevery=max(1, len(ratios) // 8), markersize=3.5, linewidth=1.5, label=label)
    left = float(np.min(ratios))
    ax.axvline(1.0, color="0.3", linestyle="-", linewidth=1.0)
    ax.annotate(r"$\lambda_{\max}$", (1.0, 0.0), xycoords=("data", "axes fraction"),
                xytext=(3, 3), textcoords="offset points", fontsize="small")
    if current_ratio is not None:
        x = max(float(current_ratio), left)
        ax.axvline(x, color=COLORS[7], linestyle="--", linewidth=1.2)
        if current_weights is not None:
            for i, w in enumerate(np.asarray(current_weights)):
                ax.plot([x], [w], color=COLORS[i % 8], marker=MARKERS[(i + 3 * (i // 8)) % 8],
                        markersize=5,
                        markeredgecolor="black", markeredgewidth=0.5, linestyle="none",
                        clip_on=False)
        if current_ratio == 0:
            ax.annotate(r"$\lambda = 0$", (x, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(3, -14), textcoords="offset points", fontsize="small")
    ax.axhline(0.0, color="0.75", linewidth=0.8, zorder=0)
    ax.set_xscale("log")
    ax.set_xlim(left, float(np.max(ratios)))
    ax.set_xlabel(r"$\lambda / \lambda_{\max}$")
    ax.set_ylabel(r"normalized weight $\hat w_j$")
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax


def lasso_path_sweep(ratios, weights, labels, penalties, sweep_weights, *, lambda_max,
                     figsize=(5.0, 3.6)):
    r"""A λ sweep of :func:`plot_lasso_path` that marks the current λ on the precomputed path.

    Parameters
    ----------
    ratios, weights, labels :
        The path, as for :func:`plot_lasso_path`.
    penalties : ndarray of shape (K,)
        The λ of each frame (e.g. from :func:`lassolib.widgets.sweep_grid`).
    sweep_weights : ndarray of shape (K, m)
        The penalized weights at each frame's λ.
    lambda_max : float

    Returns
    -------
    FrameSweep
    """
    penalties = np.asarray(penalties, dtype=np.float64)
    sweep_weights = np.asarray(sweep_weights)

    def draw(k, ax):
        plot_lasso_path(ratios, weights, labels, current_ratio=penalties[k] / lambda_max,
                        current_weights=sweep_weights[k], ax=ax)

    def alt(k):
        nonzero = [label for label, w in zip(labels, sweep_weights[k]) if w != 0.0]
        return (f"The lasso path of the {len(labels)} weights against lambda / lambda_max, with "
                f"lambda = {plain_number(penalties[k])} marked; nonzero there: "
                f"{', '.join(nonzero) if nonzero else 'none'}.")

    return frame_sweep(draw, penalties, lambda_max=lambda_max, alt=alt, figsize=figsize)


class ShrinkageCurves(NamedTuple):
    """The three coordinate rules on one grid of ρ (see :func:`shrinkage_curves`)."""

    rho: np.ndarray
    soft: np.ndarray
    ridge: np.ndarray
    hard: np.ndarray
    l1_penalty: float
    l2_penalty: float
    hard_threshold: float


def shrinkage_curves(rho, l1_penalty, *, l2_penalty=1.0, hard_threshold=None):
    r"""Lasso, ridge and best-subset answers for one coordinate with a unit-norm column.

    For a column with :math:`\|h_j\| = 1` (orthonormal columns: every coordinate at once), the
    coordinate objective is :math:`\mathrm{RSS} = w^2 - 2\rho w + \text{const}`, and

    - lasso, :math:`+\lambda|w|`: :math:`\hat w = S(\rho, \lambda)
      = \operatorname{sign}(\rho)\max(|\rho| - \lambda/2, 0)` (chapter 4);
    - ridge, :math:`+\lambda_2 w^2`: :math:`2w - 2\rho + 2\lambda_2 w = 0` gives
      :math:`\hat w = \rho / (1 + \lambda_2)`: every ρ shrunk by the same factor, never to 0;
    - best subset, :math:`+\mu\,[w \neq 0]`: :math:`w = 0` costs 0, the best
      :math:`w \neq 0` is :math:`w = \rho` and costs :math:`\mu - \rho^2`, so
      :math:`\hat w = \rho\,[|\rho| > \sqrt\mu]`: hard thresholding at :math:`c = \sqrt\mu`.

    ESL's Table 3.4 and Fig. 3.11 (Hastie, Tibshirani & Friedman) show the same three rules; its
    lasso thresholds at λ in the ½RSS scale, the book's at λ/2.

    How they are made comparable. By default the hard threshold is :math:`c = \lambda/2`
    (:math:`\mu = \lambda^2/4`): the same dead zone as the lasso, so both keep the same features
    and differ only in how much they shrink the survivors (lasso by λ/2, best subset not at
    all). Ridge has no dead zone to match; ``l2_penalty`` = 1 halves every ρ, which meets the
    lasso line at :math:`|\rho| = \lambda` (twice the threshold).

    Parameters
    ----------
    rho : array_like
        Values of :math:`\rho_j`.
    l1_penalty : float >= 0
        λ of the lasso.
    l2_penalty : float >= 0, default 1.0
        λ₂ of ridge (the book's scale: RSS + λ₂‖w‖₂²).
    hard_threshold : float >= 0, optional
        c; default λ/2.

    Returns
    -------
    ShrinkageCurves
        ``rho``, ``soft``, ``ridge``, ``hard`` (arrays of the shape of ``rho``) and the three
        parameters.
    """
    rho = np.asarray(rho, dtype=np.float64)
    if not np.all(np.isfinite(rho)):
        raise ValueError("rho must be finite (no NaN or inf)")
    l1_penalty = check_penalty(l1_penalty, "l1_penalty")
    l2_penalty = check_penalty(l2_penalty, "l2_penalty")
    threshold = l1_penalty / 2.0 if hard_threshold is None else check_penalty(
        hard_threshold, "hard_threshold")
    hard = np.where(np.abs(rho) > threshold, rho, 0.0)
    return ShrinkageCurves(rho, soft_threshold(rho, l1_penalty), rho / (1.0 + l2_penalty), hard,
                           l1_penalty, l2_penalty, threshold)


def plot_shrinkage_comparison(curves, *, ax=None):
    r"""ESL's Fig. 3.11 view in the book's scale: lasso, ridge and hard thresholding against ρ.

    Four lines of :math:`\hat w_j` against :math:`\rho_j`, each with its own colour and line
    style: the identity (least squares), the soft threshold (lasso), the ridge line
    :math:`\rho/(1+\lambda_2)` and the hard threshold (best subset), with the shared dead zone
    shaded.

    Parameters
    ----------
    curves : ShrinkageCurves
        From :func:`shrinkage_curves`.
    ax : matplotlib Axes, optional
    """
    if not isinstance(curves, ShrinkageCurves):
        raise ValueError("curves must be the ShrinkageCurves returned by shrinkage_curves(...)")
    ax = new_axes(ax, figsize=(6.0, 4.4))
    rho = curves.rho
    c = curves.hard_threshold
    if c > 0:
        ax.axvspan(-c, c, facecolor=COLORS[1], alpha=0.12, linewidth=0,
                   label=rf"dead zone $|\rho_j| \leq$ {plain_number(c)}")
    ax.plot(rho, rho, color="0.45", linestyle=LINESTYLES[3], linewidth=1.4,
            label=r"least squares: $\hat w_j = \rho_j$")
    ax.plot(rho, curves.ridge, color=COLORS[0], linestyle=LINESTYLES[1], linewidth=2.0,
            label=rf"ridge ($\lambda_2$ = {plain_number(curves.l2_penalty)}): "
                  r"$\rho_j/(1+\lambda_2)$")
    # The hard threshold jumps at ±c: draw each branch separately, no vertical joins.
    for k, part in enumerate((rho < -c, np.abs(rho) <= c, rho > c)):
        ax.plot(rho[part], curves.hard[part], color=COLORS[2], linestyle=LINESTYLES[2],
                linewidth=2.2, label=rf"best subset: keep $\rho_j$ if $|\rho_j|$ > {plain_number(c)}"
                if k == 0 else None)
    ax.plot(rho, curves.soft, color=COLORS[5], linestyle=LINESTYLES[0], linewidth=2.4,
            label=rf"lasso ($\lambda$ = {plain_number(curves.l1_penalty)}): "
                  r"$S(\rho_j, \lambda)$")
    ax.axhline(0.0, color="0.75", linewidth=0.8, zorder=0)
    ax.axvline(0.0, color="0.75", linewidth=0.8, zorder=0)
    ax.set_xlim(float(rho.min()), float(rho.max()))
    ax.set_xlabel(r"$\rho_j$ (unit-norm column)")
    ax.set_ylabel(r"$\hat w_j$")
    ax.legend(loc="upper left", fontsize="small")
    return ax
