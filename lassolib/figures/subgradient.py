r"""Figures of chapter 3 — subgradients, and subgradient descent next to coordinate descent.

Every function draws precomputed arrays (it fits nothing) and returns the Axes, except the
sweep, which returns a :class:`lassolib.widgets.FrameSweep` of precomputed frames.
"""

import numpy as np

from ..widgets import frame_sweep, plain_number
from ._style import COLORS, LINESTYLES, MARKERS, new_axes

__all__ = [
    "plot_supporting_lines",
    "plot_iterates",
    "plot_objective_gap",
    "plot_weight_comparison",
    "subgradient_sweep",
]


def plot_supporting_lines(v, abs_v, slopes, *, cutting_slopes=(), ax=None):
    r"""|w| and lines :math:`g\,v` through the origin: subgradients lie below, others cut it.

    Parameters
    ----------
    v : ndarray of shape (n,)
        The horizontal grid.
    abs_v : ndarray of shape (n,)
        :math:`|v|` on the grid.
    slopes : sequence of float
        Slopes g in [−1, 1] (subgradients of |w| at 0): drawn as supporting lines.
    cutting_slopes : sequence of float
        Slopes outside [−1, 1]: drawn as lines that cut the graph (not subgradients).
    """
    ax = new_axes(ax)
    v = np.asarray(v)
    ax.plot(v, abs_v, color=COLORS[7], linewidth=2.5, label=r"$f(w) = |w|$")
    for k, g in enumerate(slopes):
        ax.plot(v, g * v, color=COLORS[0], linestyle=LINESTYLES[k % 4 + 1], linewidth=1.2,
                label=rf"$g = {g:g}$ (subgradient)")
    for g in cutting_slopes:
        ax.plot(v, g * v, color=COLORS[5], linestyle="-", linewidth=1.8,
                label=rf"$g = {g:g}$ (not a subgradient)")
        # Where the line rises above |w|: the points that break the inequality.
        above = g * v > abs_v
        ax.plot(v[above], g * v[above], color=COLORS[5], linestyle="none", marker="x",
                markersize=4, markevery=max(1, int(above.sum()) // 8))
    ax.plot([0.0], [0.0], color=COLORS[7], marker="o", linestyle="none")
    ax.axhline(0.0, color="0.8", linewidth=0.8, zorder=0)
    ax.set_xlabel(r"$w$")
    ax.set_ylabel(r"$|w|$ and the line $g\,w$")
    ax.set_ylim(-0.6 * float(np.max(abs_v)), float(np.max(abs_v)) * 1.05)
    ax.legend(fontsize="small", loc="center left", bbox_to_anchor=(1.01, 0.5))
    return ax


def plot_iterates(iterations, weights, labels, *, ax=None):
    """Weights along the iterations of subgradient descent, against the iteration t (log axis).

    Parameters
    ----------
    iterations : ndarray of shape (K,)
        The iteration numbers t (>= 1).
    weights : ndarray of shape (K, m)
        Column i: weight i at each of those iterations.
    labels : sequence of str, length m
    """
    ax = new_axes(ax)
    weights = np.asarray(weights)
    for i, label in enumerate(labels):
        ax.plot(iterations, weights[:, i], color=COLORS[i % 7], linestyle=LINESTYLES[i % 7],
                marker=MARKERS[i % 7], markersize=3.5, markevery=0.1, linewidth=1.0, label=label)
    ax.axhline(0.0, color=COLORS[7], linewidth=1.0, label="lasso solution: exactly 0")
    ax.set_xscale("log")
    ax.set_xlabel(r"iteration $t$")
    ax.set_ylabel(r"weight $w_j$ at iteration $t$")
    ax.legend(fontsize="small", ncols=2)
    return ax


def plot_objective_gap(objective_history, reference_objective, *, best_so_far=None, ax=None):
    """Objective of each subgradient iterate minus the coordinate-descent objective (log–log).

    Parameters
    ----------
    objective_history : ndarray of shape (T + 1,)
        Objective at iterations 0, 1, …, T.
    reference_objective : float
        The objective at the coordinate-descent solution.
    best_so_far : ndarray of shape (T + 1,), optional
        The running minimum of the history (the objective of the returned iterate).
    """
    ax = new_axes(ax)
    t = np.arange(1, len(objective_history))
    ax.plot(t, objective_history[1:] - reference_objective, color=COLORS[0], linestyle="-",
            linewidth=1.0, label="subgradient descent, iterate $t$")
    if best_so_far is not None:
        ax.plot(t, best_so_far[1:] - reference_objective, color=COLORS[1], linestyle="--",
                linewidth=2.0, label="subgradient descent, best so far")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"iteration $t$")
    ax.set_ylabel("objective − coordinate-descent objective")
    ax.legend(fontsize="small")
    return ax


def plot_weight_comparison(feature_names, w_subgradient, w_coordinate, *, ylim=None, ax=None):
    """The penalized weights of both methods side by side; exact zeros ringed.

    Stems from 0 (symmetric-log y axis, so tiny weights stay visible): subgradient descent on
    the left of each feature, coordinate descent on the right. A weight that is exactly 0.0
    gets a ring at 0.

    Parameters
    ----------
    feature_names : sequence of str, length m
    w_subgradient, w_coordinate : ndarray of shape (m,)
    ylim : (float, float), optional
        Fixed y limits (a sweep keeps them equal across frames).
    """
    ax = new_axes(ax)
    x = np.arange(len(feature_names))
    series = [
        ("subgradient descent", np.asarray(w_subgradient), -0.17, 0),
        ("coordinate descent", np.asarray(w_coordinate), 0.17, 1),
    ]
    for label, w, offset, k in series:
        ax.vlines(x + offset, 0.0, w, color=COLORS[k], linestyle=LINESTYLES[k], linewidth=2.0)
        ax.plot(x + offset, w, color=COLORS[k], marker=MARKERS[k], linestyle="none",
                markersize=5, label=label)
        zero = w == 0.0
        ax.plot(x[zero] + offset, w[zero], color=COLORS[7], marker="o", markerfacecolor="none",
                markersize=11, linestyle="none",
                label="exactly 0.0" if k == 1 else None)
    ax.axhline(0.0, color="0.6", linewidth=0.8, zorder=0)
    ax.set_yscale("symlog", linthresh=1e-2)
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xticks(x, feature_names, fontsize="small")
    ax.set_ylabel(r"normalized weight $w_j$ (symlog)")
    # Above the axes, so that it never covers a feature's stems.
    ax.legend(fontsize="small", loc="lower center", bbox_to_anchor=(0.5, 1.0),
              ncol=3 if ax.figure.get_figwidth() >= 4.5 else 2, frameon=False)
    return ax


def subgradient_sweep(penalties, w_subgradient, w_coordinate, feature_names, *, lambda_max,
                      figsize=(5.0, 3.6)):
    r"""A λ sweep of :func:`plot_weight_comparison`: both methods' weights at each λ.

    Parameters
    ----------
    penalties : ndarray of shape (K,)
        The λ of each frame (e.g. from :func:`lassolib.widgets.sweep_grid`).
    w_subgradient, w_coordinate : ndarray of shape (K, m)
        Precomputed penalized weights of each method at each λ.
    feature_names : sequence of str, length m
    lambda_max : float
        Names each frame's regime.

    Returns
    -------
    FrameSweep
    """
    w_subgradient = np.asarray(w_subgradient)
    w_coordinate = np.asarray(w_coordinate)
    top = float(max(np.max(np.abs(w_subgradient)), np.max(np.abs(w_coordinate)), 1.0)) * 2.0
    ylim = (-top, top)

    def draw(k, ax):
        plot_weight_comparison(feature_names, w_subgradient[k], w_coordinate[k], ylim=ylim, ax=ax)

    def alt(k):
        n_sub = int(np.sum(w_subgradient[k] == 0.0))
        n_cd = int(np.sum(w_coordinate[k] == 0.0))
        return (f"Weights of the {len(feature_names)} features from subgradient descent and from "
                f"coordinate descent at lambda = {plain_number(penalties[k])}: {n_sub} exact zeros from "
                f"subgradient descent, {n_cd} from coordinate descent.")

    return frame_sweep(draw, penalties, lambda_max=lambda_max, alt=alt, figsize=figsize)
