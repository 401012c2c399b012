r"""Figures of chapter 5: the update with :math:`z_j`, and lasso on raw versus normalized features.

Every plot function draws precomputed arrays; the sweep computes its two paths once with
:func:`lassolib.lasso_path`.
"""

import numpy as np

from ..normalization import normalize_features
from ..path import lasso_path
from ..soft_threshold import lambda_max as _lambda_max
from ..unnormalized import normalized_to_raw_weights
from ..widgets import frame_sweep, plain_number, sweep_grid
from ._style import COLORS, LINESTYLES, MARKERS, new_axes
from .path import feature_style, plot_path, ratio_labels, set_ratio_axis

__all__ = ["plot_coordinate_objective", "plot_selection", "unnormalized_sweep"]


def plot_coordinate_objective(w_grid, objective, candidates, *, ax=None, xlabel=r"$w_j$"):
    r"""The lasso objective along one coordinate, with candidate updates marked.

    Parameters
    ----------
    w_grid : array_like of shape (m,)
        Values of :math:`w_j` (the other weights fixed).
    objective : array_like of shape (m,)
        The objective at each value.
    candidates : sequence of (label, w_j, objective)
        Points to mark, e.g. the update with :math:`z_j` and the one with :math:`Z_j`.
    """
    ax = new_axes(ax)
    ax.plot(w_grid, objective, color="0.25", linewidth=1.5, label="objective along coordinate $j$")
    for k, (label, w_j, value) in enumerate(candidates):
        ax.plot([w_j], [value], linestyle="none", marker=MARKERS[k + 1], markersize=9,
                markerfacecolor="white", markeredgewidth=2, color=COLORS[k + 1], label=label,
                zorder=5)
        ax.axvline(w_j, color=COLORS[k + 1], linestyle=LINESTYLES[k + 1], linewidth=1)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(r"$\mathrm{RSS}(w) + \lambda\|w\|_1$")
    ax.legend(fontsize="small")
    return ax


def plot_selection(ratios, weights, names, *, current=None, ax=None, min_ratio=1e-3,
                   max_ratio=4.0):
    r"""Which features are selected (nonzero) at each :math:`\lambda/\lambda_{\max}`.

    One row per feature, filled where its weight is nonzero.

    Parameters
    ----------
    ratios : array_like of shape (K,)
    weights : array_like of shape (K, D)
        Penalized weights only.
    names : sequence of str, length D
    """
    ax = new_axes(ax)
    ratios = np.asarray(ratios, dtype=float)
    weights = np.asarray(weights, dtype=float)
    order = np.argsort(ratios)
    ratios, selected = ratios[order], weights[order] != 0
    for k in range(len(names)):
        ax.fill_between(ratios, k - 0.35, k + 0.35, where=selected[:, k], step="mid",
                        color=feature_style(k)["color"], linewidth=0)
    ax.set_yticks(np.arange(len(names)), labels=list(names))
    ax.set_ylim(len(names) - 0.5, -0.5)
    set_ratio_axis(ax, min_ratio=min_ratio, max_ratio=max_ratio)
    if current is not None:
        ax.axvline(current, color="black", linewidth=1.2, alpha=0.7)
    return ax


def unnormalized_sweep(H, y, names, *, unpenalized=(0,), n_frames=21, n_line_points=60,
                       min_ratio=1e-3, figsize=(3.6, 3.4)):
    r"""Chapter 5's sweep: lasso on normalized columns (left) against lasso on raw columns (right).

    Computes once: the normalized columns and their norms :math:`Z_j`, each problem's own
    :math:`\lambda_{\max}`, and both paths on the same grid of :math:`\lambda/\lambda_{\max}`
    (the sweep grid plus a finer grid for the lines). Both panels show
    :math:`Z_j\, w_{\mathrm{raw},j}`: for the normalized lasso that is its own :math:`\bar w_j`,
    and it puts the two problems' weights on one scale.

    The two problems have different λ_max, so the slider moves λ/λ_max, the same fraction of each
    problem's own λ_max (its description says "λ/λ_max"); each frame's label gives the λ of
    both problems: "λ/λ_max = 0.01 (normalized: λ = 19; raw: λ = 9,500) — lasso".

    Parameters
    ----------
    H : array_like of shape (n_samples, n_features)
        Raw columns, with an intercept column listed in ``unpenalized``.
    y : array_like of shape (n_samples,)
    names : sequence of str
        Names of the penalized columns, in order.
    figsize : (float, float)
        Size of each of the two panels, in inches.
    """
    H = np.asarray(H, dtype=float)
    H_normalized, norms = normalize_features(H)
    lam_max_normalized = _lambda_max(H_normalized, y, unpenalized=unpenalized)
    lam_max_raw = _lambda_max(H, y, unpenalized=unpenalized)
    frame_ratios = sweep_grid(1.0, n_frames=n_frames, min_ratio=min_ratio)
    line_ratios = np.geomspace(min_ratio, frame_ratios[-1], n_line_points)
    ratios = np.unique(np.concatenate([frame_ratios, line_ratios]))[::-1]
    _, w_bar = lasso_path(H_normalized, y, ratios * lam_max_normalized, unpenalized=unpenalized)
    _, w_raw = lasso_path(H, y, ratios * lam_max_raw, unpenalized=unpenalized)
    penalized = np.setdiff1d(np.arange(H.shape[1]), unpenalized)
    # Both on the scale Z_j w_raw,j: the normalized lasso mapped to raw units and back is w̄ itself.
    mapped = np.array([normalized_to_raw_weights(w, norms) for w in w_bar])
    left = (mapped * norms)[:, penalized]
    right = (w_raw * norms)[:, penalized]
    frame_rows = [int(np.argmin(np.abs(ratios - r))) for r in frame_ratios]
    limits = (min(left.min(), right.min()) * 1.05, max(left.max(), right.max()) * 1.05)

    def draw(k, axes):
        current = ratios[frame_rows[k]]
        for ax, path, title, lam_max, legend in (
            (axes[0], left, "normalized lasso", lam_max_normalized, "below"),
            (axes[1], right, "raw lasso", lam_max_raw, "below"),
        ):
            plot_path(ratios, path, names, current=current, ax=ax, legend=legend,
                      ylabel=r"$Z_j\, w_{\mathrm{raw},j}$", min_ratio=min_ratio)
            ax.set_ylim(*limits)
            n_nonzero = int(np.count_nonzero(path[frame_rows[k]]))
            ax.set_title(f"{title}: {n_nonzero} nonzero", fontsize="medium", loc="left")
            ax.text(0.02, 0.03, f"λ_max = {plain_number(lam_max)}", transform=ax.transAxes,
                    fontsize="small", va="bottom", ha="left")
        axes[0].set_xlabel(r"$\lambda/\lambda_{\max}$ (normalized)")
        axes[1].set_xlabel(r"$\lambda/\lambda_{\max}$ (raw)")

    def alt(k):
        row = frame_rows[k]
        chosen_left = [n for n, w in zip(names, left[row]) if w != 0]
        chosen_right = [n for n, w in zip(names, right[row]) if w != 0]
        return (f"Two lasso paths against lambda/lambda_max. At the marked value the normalized "
                f"lasso selects {', '.join(chosen_left) or 'nothing'}; the raw lasso selects "
                f"{', '.join(chosen_right) or 'nothing'}.")

    labels = ratio_labels(frame_ratios, {"normalized": lam_max_normalized, "raw": lam_max_raw})
    return frame_sweep(draw, frame_ratios, alt=alt, ncols=2, figsize=figsize, labels=labels,
                       start=n_frames // 2, description="λ/λ_max")
