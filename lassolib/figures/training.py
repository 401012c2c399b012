r"""Figures of chapter 8: the L1 term in a training loop.

Every plot function draws precomputed arrays: weights found by SGD, proximal methods and
coordinate descent, their objective histories, and counts of exact zeros over λ.
"""

import numpy as np

from ..widgets import frame_sweep, penalty_label
from ._style import PANEL_SIZE, new_axes, style_for
from .path import set_ratio_axis

__all__ = [
    "plot_epoch_traces",
    "plot_weight_magnitudes",
    "plot_suboptimality",
    "plot_zero_counts",
    "sweep_labels",
    "training_sweep",
]


def plot_weight_magnitudes(names, weights, *, ax=None, floor=1e-3, legend=True):
    r"""|w_j| of each feature, one marker series per method, on a log axis; exact zeros on a floor.

    A weight that is exactly 0 has no place on a log axis: it is drawn (hollow) on the line
    "exactly 0" at ``floor``, below every nonzero weight, so that "small" and "zero" look
    different.

    Parameters
    ----------
    names : sequence of str, length D
    weights : dict mapping a method's label to an array of shape (D,)
    floor : float > 0, default 1e-3
        Where exact zeros are drawn; nonzero weights below it are drawn at ``floor`` · 3.
    """
    ax = new_axes(ax, figsize=(7.0, 3.6))
    weights = {label: np.asarray(w, dtype=float) for label, w in weights.items()}
    x = np.arange(len(names))
    offsets = np.linspace(-0.25, 0.25, max(len(weights), 1))
    for k, (label, w) in enumerate(weights.items()):
        style = style_for(k)
        zero = w == 0.0
        magnitude = np.maximum(np.abs(w), 3 * floor)
        n_zero = int(np.count_nonzero(zero))
        ax.plot(x[~zero] + offsets[k], magnitude[~zero], linestyle="none", marker=style["marker"],
                color=style["color"], markersize=6, label=f"{label} ({n_zero} exactly 0)")
        ax.plot(x[zero] + offsets[k], np.full(n_zero, floor), linestyle="none",
                marker=style["marker"], color=style["color"], markerfacecolor="white",
                markersize=6)
    ax.axhline(floor, color="0.4", linewidth=0.8, linestyle="--")
    ax.text(len(names) - 0.5, floor * 1.3, "exactly 0", ha="right", va="bottom", fontsize="small",
            color="0.25")
    ax.set_yscale("log")
    ax.set_ylim(floor / 3, None)
    ax.set_xticks(x, names, rotation=0, fontsize="small")
    ax.set_xlim(-0.6, len(names) - 0.4)
    ax.set_ylabel(r"$|w_j|$")
    if legend:
        ax.legend(fontsize="small", loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=2,
                  frameon=False, borderaxespad=0.2)
    return ax


def plot_epoch_traces(iterates, names, *, ax=None, ylabel=r"$w_j$ after each epoch"):
    """Weights over the epochs of an SGD run, one line each (e.g. those the lasso sets to 0).

    Parameters
    ----------
    iterates : array_like of shape (n_epochs + 1, D)
        The weights at the start and after each epoch (``record_iterates=True``).
    names : sequence of str, length D
    """
    ax = new_axes(ax, figsize=(6.4, 3.4))
    iterates = np.asarray(iterates, dtype=float)
    epochs = np.arange(iterates.shape[0])
    for k, name in enumerate(names):
        style = style_for(k)
        ax.plot(epochs, iterates[:, k], label=name, color=style["color"],
                linestyle=style["linestyle"], marker=style["marker"], markersize=3,
                markevery=max(1, epochs.size // 10), linewidth=1.3)
    ax.axhline(0.0, color="0.3", linewidth=0.8)
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    ax.legend(fontsize="small", ncol=min(len(names), 5), loc="upper right")
    return ax


def plot_suboptimality(histories, optimum, *, ax=None, xlabel="iteration"):
    r"""The objective above its minimum, :math:`P(w_k) - P(\hat w)`, on a log axis.

    Parameters
    ----------
    histories : dict mapping a label to the objective after each iteration (index 0: the start)
    optimum : float
        :math:`P(\hat w)`, from a certified solver.
    """
    ax = new_axes(ax)
    for k, (label, history) in enumerate(histories.items()):
        history = np.asarray(history, dtype=float)
        excess = np.maximum(history - optimum, 1e-16 * abs(optimum))
        style = style_for(k)
        ax.plot(np.arange(history.size), excess, label=label, color=style["color"],
                linestyle=style["linestyle"], linewidth=1.6)
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(r"$P(w_k) - P(\hat w)$")
    ax.legend(fontsize="small")
    return ax


def plot_zero_counts(ratios, counts, *, n_penalized, current=None, ax=None, min_ratio=1e-3):
    r"""How many penalized weights are exactly 0, against :math:`\lambda/\lambda_{\max}`, per method.

    Parameters
    ----------
    ratios : array_like of shape (K,)
        :math:`\lambda/\lambda_{\max}` (0 allowed: the axis is linear below ``min_ratio``).
    counts : dict mapping a method's label to an int array of shape (K,)
    n_penalized : int
        The largest possible count (a dotted line).
    current : float, optional
        Marks this :math:`\lambda/\lambda_{\max}`.
    """
    ax = new_axes(ax)
    ratios = np.asarray(ratios, dtype=float)
    for k, (label, count) in enumerate(counts.items()):
        ax.plot(ratios, np.asarray(count), label=label, markersize=5, linewidth=1.4, **style_for(k))
    ax.axhline(n_penalized, color="0.5", linewidth=0.8, linestyle=":")
    set_ratio_axis(ax, min_ratio=min_ratio, max_ratio=float(max(ratios.max(), 1.0)))
    if current is not None:
        ax.axvline(current, color="black", linewidth=1.2, alpha=0.7)
    ax.set_ylim(-0.5, n_penalized + 0.8)
    ax.set_ylabel("weights exactly 0")
    ax.legend(fontsize="small", loc="upper left")
    return ax


def sweep_labels(penalties, lambda_max):
    """'λ = 190 (0.1 λ_max) — lasso': plain numbers, the ratio and the regime of each λ.

    The same text as every other sweep of the book (:func:`lassolib.widgets.penalty_label`).
    """
    return [penalty_label(float(lam), lambda_max) for lam in penalties]


def training_sweep(penalties, lambda_max, answers, names, *, penalized, min_ratio=1e-3,
                   figsize=PANEL_SIZE):
    r"""Chapter 8's sweep over λ: the weights of each method (left) and their exact zeros (right).

    Parameters
    ----------
    penalties : array_like of shape (K,)
        The swept λ, increasing (see :func:`lassolib.widgets.sweep_grid`).
    lambda_max : float
    answers : dict mapping a method's label to weights of shape (K, n_features)
        Precomputed answers, one row per λ.
    names : sequence of str
        Names of the penalized columns.
    penalized : array_like of bool, shape (n_features,)
        Which columns count (the intercept does not).
    min_ratio : float, default 1e-3
        Where the right panel's log axis of λ/λ_max starts (0 is drawn left of it).
    figsize : (float, float), default :data:`~lassolib.figures.PANEL_SIZE`
        Size of each of the two panels, in inches.

    Returns
    -------
    FrameSweep
        One frame per λ, two PNG panels each; above them the frame's label (λ, λ/λ_max and the
        regime in bold, :func:`lassolib.widgets.penalty_label`); the slider's readout is λ.
    """
    penalties = np.asarray(penalties, dtype=float)
    penalized = np.asarray(penalized, dtype=bool)
    answers = {label: np.asarray(w, dtype=float)[:, penalized] for label, w in answers.items()}
    counts = {label: np.count_nonzero(w == 0.0, axis=1) for label, w in answers.items()}
    ratios = penalties / lambda_max
    n_penalized = int(penalized.sum())
    labels = sweep_labels(penalties, lambda_max)

    def draw(k, axes):
        # The regime is named in the frame's label above the panels, not in them.
        plot_weight_magnitudes(names, {label: w[k] for label, w in answers.items()}, ax=axes[0],
                               legend=False)
        axes[0].set_title("weights at this λ", loc="left", fontsize="medium")
        plot_zero_counts(ratios, counts, n_penalized=n_penalized, current=ratios[k], ax=axes[1],
                         min_ratio=min_ratio)
        axes[1].set_title("exact zeros over λ", loc="left", fontsize="medium")

    def alt(k):
        parts = ", ".join(f"{label}: {int(c[k])} of {n_penalized}" for label, c in counts.items())
        return (f"{labels[k]}. Left: magnitudes of the {n_penalized} weights per method on a log "
                f"axis, exact zeros on the floor line. Right: weights exactly 0 against "
                f"lambda/lambda_max; at the marked lambda {parts}.")

    return frame_sweep(draw, penalties, alt=alt, ncols=2, figsize=figsize, labels=labels,
                       start=len(penalties) // 2)
