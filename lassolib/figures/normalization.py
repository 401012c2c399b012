r"""Figures of chapter 2 (normalized features and the coordinate minimizer :math:`\hat w_j = \rho_j`).

Every plot function draws precomputed arrays on ``ax`` (a new figure's axes when None) and
returns the Axes. :func:`rho_sweep` computes a lasso path once and returns a λ slider that shows
where one coordinate's :math:`\rho_j` sits relative to the band :math:`[-\lambda/2, \lambda/2]`.
"""

import numpy as np
from matplotlib.ticker import NullLocator

from ._style import COLORS, LINESTYLES, MARKERS, new_axes

__all__ = [
    "plot_coordinate_parabola",
    "plot_sweep_steps",
    "plot_rho_band",
    "plot_rho_number_line",
    "rho_sweep",
]


def plot_coordinate_parabola(w_j, rss_values, rho_j, rss_at_rho, *, feature_name="j", ax=None):
    r"""The RSS along one coordinate (the other weights fixed): a parabola with its vertex at ρ_j.

    Parameters
    ----------
    w_j : ndarray of shape (n,)
        Values of the one weight that varies.
    rss_values : ndarray of shape (n,)
        RSS at each of them.
    rho_j : float
        ρ_j at the fixed other weights.
    rss_at_rho : float
        RSS with :math:`w_j = \rho_j`.
    feature_name : str
        Used in the labels.
    """
    ax = new_axes(ax)
    ax.plot(w_j, rss_values, color=COLORS[0], linestyle=LINESTYLES[0],
            label=rf"RSS as a function of $w_j$ ($j$ = {feature_name})")
    ax.axvline(rho_j, color=COLORS[1], linestyle=LINESTYLES[1], label=rf"$\rho_j$ = {rho_j:.4g}")
    ax.plot([rho_j], [rss_at_rho], linestyle="none", marker=MARKERS[0], color=COLORS[1],
            label=r"minimum: $\hat w_j = \rho_j$")
    ax.set_xlabel(r"$w_j$")
    ax.set_ylabel(r"RSS$(w_j;\ w_{-j}$ fixed$)$")
    ax.legend(fontsize=9, loc="upper center")
    return ax


def plot_sweep_steps(max_step_history, ax=None, *, tolerance=None):
    r"""The largest weight change :math:`\max_j |\Delta w_j|` of each coordinate-descent sweep (log axis).

    Parameters
    ----------
    max_step_history : ndarray of shape (n_sweeps,)
    tolerance : float, optional
        The stopping tolerance, drawn as a horizontal line.
    """
    ax = new_axes(ax)
    steps = np.asarray(max_step_history)
    sweeps = np.arange(1, steps.size + 1)
    positive = steps > 0
    ax.plot(sweeps[positive], steps[positive], color=COLORS[0], linestyle=LINESTYLES[0],
            label=r"$\max_j |\Delta w_j|$ of the sweep")
    if tolerance is not None:
        ax.axhline(tolerance, color=COLORS[1], linestyle=LINESTYLES[1], label="tolerance")
    ax.set_yscale("log")
    ax.set_xlabel("sweep")
    ax.set_ylabel(r"largest $|\Delta w_j|$")
    ax.legend(fontsize=9)
    return ax


def plot_rho_band(penalties, rho_path, weight_path, *, current=None, feature_name="j", linthresh=10.0,
                  ax=None):
    r"""ρ_j and :math:`\hat w_j` along a lasso path, against the band :math:`|\rho_j| \le \lambda/2`.

    Parameters
    ----------
    penalties : ndarray of shape (K,)
        λ > 0 values (the axis is logarithmic).
    rho_path, weight_path : ndarray of shape (K,)
        ρ_j and :math:`\hat w_j` at the lasso solution for each λ.
    current : float, optional
        A λ to mark with a vertical line (not drawn when it is 0 or None).
    feature_name : str
    linthresh : float or None, default 10.0
        The vertical axis is symmetric-logarithmic (linear within ±linthresh), so that values
        of very different sizes, and the band's edges ±λ/2 (straight lines on it), are all
        visible; None gives a linear axis.
    """
    ax = new_axes(ax)
    penalties = np.asarray(penalties)
    ax.fill_between(penalties, -penalties / 2, penalties / 2, color=COLORS[4], alpha=0.25,
                    linewidth=0, label=r"band $[-\lambda/2,\ \lambda/2]$")
    ax.plot(penalties, penalties / 2, color=COLORS[4], linestyle=LINESTYLES[3], linewidth=0.8)
    ax.plot(penalties, -penalties / 2, color=COLORS[4], linestyle=LINESTYLES[3], linewidth=0.8)
    ax.plot(penalties, rho_path, color=COLORS[0], linestyle=LINESTYLES[0],
            label=rf"$\rho_j$ ($j$ = {feature_name})")
    ax.plot(penalties, weight_path, color=COLORS[1], linestyle=LINESTYLES[1], label=r"$\hat w_j$")
    ax.set_xscale("log")
    ax.xaxis.set_minor_locator(NullLocator())  # decades only: clearer, and faster to draw in sweeps
    if linthresh is not None:
        ax.set_yscale("symlog", linthresh=linthresh)
        ax.yaxis.set_minor_locator(NullLocator())
    if current:
        ax.axvline(current, color=COLORS[7], linestyle=":", linewidth=1.2)
    ax.set_xlabel(r"$\lambda$")
    ax.set_ylabel("value (symmetric log scale)" if linthresh is not None else "value")
    ax.legend(fontsize="small", loc="lower left")
    return ax


def plot_rho_number_line(rho_j, weight_j, l1_penalty, *, xlim=None, ax=None):
    r"""One λ on a number line: the band :math:`[-\lambda/2, \lambda/2]`, ρ_j, and the weight :math:`\hat w_j`.

    Parameters
    ----------
    rho_j, weight_j : float
        ρ_j and the lasso weight at this λ.
    l1_penalty : float
        λ.
    xlim : (float, float), optional
        Limits of the axis; by default symmetric, wide enough for ρ_j and the band.
    """
    ax = new_axes(ax)
    half = l1_penalty / 2
    if xlim is None:
        reach = 1.5 * max(abs(rho_j), half, abs(weight_j), 1e-12)
        xlim = (-reach, reach)
    ax.axhline(0.0, color=COLORS[7], linewidth=0.8)
    ax.axvspan(-half, half, color=COLORS[4], alpha=0.25, linewidth=0)
    for edge in (-half, half):
        ax.axvline(edge, color=COLORS[4], linestyle=LINESTYLES[3], linewidth=0.8)
    if half == 0:
        ax.annotate(r"$\lambda = 0$: no band", (0.0, -0.9), ha="left", fontsize=9,
                    xytext=(4, 0), textcoords="offset points")
    elif 2 * half < 0.3 * (xlim[1] - xlim[0]):
        # Too narrow for two labels side by side: one, to the right of the band.
        ax.annotate(r"band $\pm\lambda/2$", (half, -0.9), ha="left", fontsize=9,
                    xytext=(4, 0), textcoords="offset points")
    else:
        for edge, text, align in ((-half, r"$-\lambda/2$", "left"), (half, r"$\lambda/2$", "right")):
            ax.annotate(text, (edge, -0.9), ha=align, fontsize=9, xytext=(3 if align == "left" else -3, 0),
                        textcoords="offset points")
    ax.plot([rho_j], [0.35], linestyle="none", marker=MARKERS[0], color=COLORS[0], markersize=8,
            label=r"$\rho_j$")
    ax.plot([weight_j], [-0.35], linestyle="none", marker=MARKERS[1], color=COLORS[1], markersize=8,
            label=r"$\hat w_j$")
    if rho_j != weight_j:
        ax.annotate("", xy=(weight_j, -0.3), xytext=(rho_j, 0.3),
                    arrowprops={"arrowstyle": "->", "color": COLORS[7], "linewidth": 0.8})
    inside = abs(rho_j) <= half
    ax.text(0.02, 0.95, r"$|\rho_j| \leq \lambda/2$: $\hat w_j = 0$" if inside
            else r"$|\rho_j| > \lambda/2$: $\hat w_j \neq 0$", transform=ax.transAxes, fontsize=9,
            va="top")
    ax.set_ylim(-1.0, 1.1)
    ax.set_yticks([])
    ax.set_xlim(*xlim)
    ax.set_xlabel(r"$\rho_j$ and $\hat w_j$")
    ax.legend(fontsize=9, loc="upper right")
    return ax


def rho_sweep(H, y, j, *, feature_name=None, unpenalized=(0,), n_frames=19, n_path=60, tolerance=1e-6,
              max_sweeps=100_000):
    r"""A λ slider over the lasso path: where one coordinate's ρ_j sits relative to ±λ/2.

    Computes, once, the lasso path (:func:`lassolib.lasso_path`) on
    :func:`lassolib.widgets.sweep_grid` (for the frames) and on a finer log grid (for the
    curves), and :math:`\rho_j` at every solution (:func:`lassolib.rho`).

    Parameters
    ----------
    H : ndarray of shape (n_samples, n_features)
        Normalized features, the unpenalized columns included.
    y : ndarray of shape (n_samples,)
    j : int
        The column to follow (a penalized one).
    feature_name : str, optional
    unpenalized : tuple of int, default (0,)
    n_frames, n_path : int
        Frames of the slider; points of the drawn curves.
    tolerance, max_sweeps :
        Passed to :func:`lassolib.lasso_path` (the tolerance is in the units of the weights).

    Returns
    -------
    FrameSweep
    """
    from .. import lambda_max, lasso_path, rho
    from ..widgets import frame_sweep, plain_number, sweep_grid

    name = str(j) if feature_name is None else feature_name
    lam_max = lambda_max(H, y, unpenalized=unpenalized)
    values = sweep_grid(lam_max, n_frames=n_frames)
    path_penalties = np.geomspace(values[1], values[-1], n_path)

    def follow(penalties):
        solved, weights = lasso_path(H, y, penalties, unpenalized=unpenalized, tolerance=tolerance,
                                     max_sweeps=max_sweeps)
        order = np.argsort(solved)  # lasso_path returns decreasing penalties
        weights = weights[order]
        rhos = np.array([rho(H, y, w, j) for w in weights])
        return rhos, weights[:, j]

    path_rho, path_weight = follow(path_penalties)
    frame_rho, frame_weight = follow(values)

    def draw(k, axes):
        plot_rho_band(path_penalties, path_rho, path_weight, current=values[k], feature_name=name,
                      ax=axes[0])
        plot_rho_number_line(frame_rho[k], frame_weight[k], values[k], ax=axes[1])

    def alt(k):
        where = "inside" if abs(frame_rho[k]) <= values[k] / 2 else "outside"
        return (f"Left: ρ_j and the lasso weight of feature {name} against λ on a log axis, with "
                f"the band from -λ/2 to λ/2 shaded. Right: at λ = {plain_number(values[k])}, ρ_j = "
                f"{plain_number(frame_rho[k])} lies {where} the band and the weight is "
                f"{plain_number(frame_weight[k])}.")

    return frame_sweep(draw, values, lambda_max=lam_max, alt=alt, ncols=2)  # panels: PANEL_SIZE
