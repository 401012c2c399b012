"""Figures of chapter 1 (the L2 gradient): ridge paths, gradient descent, and the kink of |w|.

Every plot function draws precomputed arrays on ``ax`` (a new figure's axes when None) and
returns the Axes. :func:`ridge_sweep` computes a ridge path once and returns a λ slider over it.
"""

import numpy as np
from matplotlib.ticker import NullLocator

from ._style import COLORS, LINESTYLES, MARKERS, new_axes, style_for

__all__ = [
    "plot_penalties",
    "plot_penalty_slopes",
    "plot_ridge_path",
    "plot_weight_magnitudes",
    "plot_gradient_descent",
    "ridge_sweep",
]


def _feature_style(j):
    """Style of feature j: :func:`style_for`, with a different marker once the 8 colours repeat."""
    style = dict(style_for(j))
    style["marker"] = MARKERS[(j + 3 * (j // len(COLORS))) % len(MARKERS)]
    return style


def plot_penalties(w, square, absolute, ax=None):
    r"""The two penalties of one weight, :math:`w^2` and :math:`|w|`, against w.

    Parameters
    ----------
    w : ndarray of shape (n,)
    square, absolute : ndarray of shape (n,)
        :math:`w^2` and :math:`|w|` on that grid.
    """
    ax = new_axes(ax)
    ax.plot(w, square, color=COLORS[0], linestyle=LINESTYLES[0], label=r"$w^2$")
    ax.plot(w, absolute, color=COLORS[1], linestyle=LINESTYLES[1], label=r"$|w|$")
    ax.plot([0.0], [0.0], linestyle="none", marker="o", color=COLORS[7], markersize=4)
    ax.set_xlabel(r"$w$")
    ax.set_ylabel("penalty")
    ax.legend(loc="upper center")
    return ax


def plot_penalty_slopes(w, square_slope, abs_left_slope, abs_right_slope, ax=None):
    r"""The derivatives of the two penalties: :math:`2w`, and the one-sided slopes of :math:`|w|`.

    Parameters
    ----------
    w : ndarray of shape (n,)
        A grid; the slopes of |w| are drawn separately for w < 0 and w > 0.
    square_slope : ndarray of shape (n,)
        :math:`d(w^2)/dw = 2w`.
    abs_left_slope, abs_right_slope : float
        The slopes of |w| just left and just right of 0 (−1 and +1): at 0 they disagree, which
        is drawn as a gap with an open and a closed end on each side.
    """
    ax = new_axes(ax)
    w = np.asarray(w)
    ax.plot(w, square_slope, color=COLORS[0], linestyle=LINESTYLES[0], label=r"$\frac{d}{dw}w^2 = 2w$")
    left, right = w[w < 0], w[w > 0]
    ax.plot(left, np.full(left.shape, abs_left_slope), color=COLORS[1], linestyle=LINESTYLES[1],
            label=r"$\frac{d}{dw}|w|$ (none at $w=0$)")
    ax.plot(right, np.full(right.shape, abs_right_slope), color=COLORS[1], linestyle=LINESTYLES[1])
    for slope in (abs_left_slope, abs_right_slope):
        ax.plot([0.0], [slope], linestyle="none", marker="o", markerfacecolor="white",
                markeredgecolor=COLORS[1], markersize=7)
    # each label on its own half-plane, clear of the line 2w
    ax.annotate("left slope", (0.0, abs_left_slope), xytext=(-1.45, abs_left_slope + 0.25), textcoords="data", fontsize=9)
    ax.annotate("right slope", (0.0, abs_right_slope), xytext=(0.8, abs_right_slope - 0.45), textcoords="data", fontsize=9)
    ax.axhline(0.0, color=COLORS[7], linewidth=0.5)
    ax.axvline(0.0, color=COLORS[7], linewidth=0.5)
    ax.set_xlabel(r"$w$")
    ax.set_ylabel("derivative")
    ax.legend(loc="upper left", fontsize=9)
    return ax


def plot_ridge_path(penalties, weights, feature_names, *, current=None, legend=True, ax=None):
    r"""Ridge weights against λ (log axis), one line per feature.

    Parameters
    ----------
    penalties : ndarray of shape (K,)
        λ > 0 values (the axis is logarithmic).
    weights : ndarray of shape (K, D)
        Row k holds the D (penalized) weights at ``penalties[k]``.
    feature_names : sequence of str, length D
    current : float, optional
        A λ to mark with a vertical line (not drawn when it is 0 or None).
    legend : bool or "below", default True
    """
    ax = new_axes(ax)
    penalties = np.asarray(penalties)
    weights = np.asarray(weights)
    for j, name in enumerate(feature_names):
        style = _feature_style(j)
        ax.plot(penalties, weights[:, j], color=style["color"], linestyle=style["linestyle"],
                marker=style["marker"], markevery=max(1, len(penalties) // 6), markersize=4,
                label=name)
    ax.set_xscale("log")
    ax.xaxis.set_minor_locator(NullLocator())  # decades only: clearer, and faster to draw in sweeps
    ax.axhline(0.0, color=COLORS[7], linewidth=0.5)
    if current:
        ax.axvline(current, color=COLORS[7], linestyle=":", linewidth=1.2)
    ax.set_xlabel(r"$\lambda$")
    ax.set_ylabel(r"$\hat w_j$ (normalized features)")
    if legend == "below":
        ax.legend(fontsize="small", ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.22),
                  handlelength=2.4, columnspacing=1.0)
    elif legend:
        ax.legend(fontsize="small", ncol=2, loc="upper right")
    return ax


def plot_weight_magnitudes(weights, feature_names, *, ylim=None, ax=None):
    r"""The magnitude :math:`|w_j|` of each weight on a log axis (a weight of exactly 0 would fall off it).

    Parameters
    ----------
    weights : ndarray of shape (D,)
    feature_names : sequence of str, length D
    ylim : (float, float), optional
        Fixed limits, so that frames of a sweep share one scale.
    """
    ax = new_axes(ax)
    weights = np.asarray(weights)
    magnitude = np.abs(weights)
    positions = np.arange(len(feature_names))
    if ylim is not None:
        bottom = ylim[0]
    else:
        bottom = magnitude[magnitude > 0].min() / 10 if np.any(magnitude > 0) else 1e-3
    for j in positions[magnitude > 0]:
        style = _feature_style(j)
        ax.plot([j, j], [bottom, magnitude[j]], color=style["color"], linewidth=1.0)
        ax.plot([j], [magnitude[j]], linestyle="none", marker=style["marker"], color=style["color"],
                markersize=6)
    ax.set_yscale("log")
    ax.yaxis.set_minor_locator(NullLocator())
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xticks(positions, list(feature_names), rotation=60, fontsize="small")
    ax.set_ylabel(r"$|\hat w_j|$ (log scale)")
    n_zero = int(np.sum(weights == 0.0))
    ax.text(0.02, 0.97, f"exact zeros: {n_zero}", transform=ax.transAxes, fontsize=9, va="top")
    return ax


def plot_gradient_descent(objective_history, optimum, ax=None):
    r"""How far gradient descent's objective is above the optimum, iteration by iteration (log axis).

    Parameters
    ----------
    objective_history : ndarray of shape (T + 1,)
        The ridge objective at w⁽⁰⁾, …, w⁽ᵀ⁾.
    optimum : float
        The objective at the closed-form solution.
    """
    ax = new_axes(ax)
    gap = np.asarray(objective_history) - optimum
    iterations = np.arange(gap.size)
    positive = gap > 0
    ax.plot(iterations[positive], gap[positive], color=COLORS[0], linestyle=LINESTYLES[0])
    ax.set_yscale("log")
    ax.set_xlabel("iteration $t$")
    ax.set_ylabel(r"objective$(w^{(t)})$ − objective$(\hat w)$")
    return ax


def ridge_sweep(H, y, feature_names, *, unpenalized=(0,), n_frames=15, n_path=80):
    r"""A λ slider over ridge regression: the path, and the size of every weight at the chosen λ.

    Computes, once, the closed-form ridge weights (:func:`lassolib.ridge_closed_form`) on
    :func:`lassolib.widgets.sweep_grid` of the *lasso's* :math:`\lambda_{\max}` for the same
    data (so the frames reach 4 λ_max, where the lasso would have every weight at 0), and on a
    finer grid for the path.

    Parameters
    ----------
    H : ndarray of shape (n_samples, n_features)
        Features (normalized), the unpenalized columns included.
    y : ndarray of shape (n_samples,)
    feature_names : sequence of str
        Names of the penalized columns, in order.
    unpenalized : tuple of int, default (0,)
    n_frames, n_path : int
        Frames of the slider; points of the drawn path.

    Returns
    -------
    FrameSweep
    """
    from .. import lambda_max, ridge_closed_form
    from ..widgets import frame_sweep, penalty_label, plain_number, sweep_grid

    penalized = np.setdiff1d(np.arange(H.shape[1]), unpenalized)
    lam_max = lambda_max(H, y, unpenalized=unpenalized)
    values = sweep_grid(lam_max, n_frames=n_frames)
    path_penalties = np.geomspace(values[1], values[-1], n_path)
    path = np.array([ridge_closed_form(H, y, lam, unpenalized=unpenalized) for lam in path_penalties])[:, penalized]
    frames = np.array([ridge_closed_form(H, y, lam, unpenalized=unpenalized) for lam in values])[:, penalized]
    magnitudes = np.abs(frames)
    ylim = (magnitudes[magnitudes > 0].min() / 3, magnitudes.max() * 3)

    def draw(k, axes):
        plot_ridge_path(path_penalties, path, feature_names, current=values[k], legend="below",
                        ax=axes[0])
        plot_weight_magnitudes(frames[k], feature_names, ylim=ylim, ax=axes[1])

    labels = []
    for lam, w in zip(values, frames):
        ratio = f" ({plain_number(lam / lam_max)} λ_max of the lasso)" if lam > 0 else ""
        regime_text = "linear regression" if lam == 0 else "ridge"
        labels.append(f"{penalty_label(lam)}{ratio} — {regime_text}: smallest |ŵ_j| = "
                      f"{plain_number(np.abs(w).min())}, exact zeros: {int(np.sum(w == 0.0))}")

    def alt(k):
        return (f"Left: ridge coefficient paths against λ on a log axis, with a dotted line at "
                f"the chosen λ. Right: |w_j| of the {len(feature_names)} weights on a log axis at "
                f"{labels[k]}; every weight is still nonzero.")

    return frame_sweep(draw, values, alt=alt, ncols=2, figsize=(3.6, 3.4), labels=labels,
                       start=values.size // 2)
