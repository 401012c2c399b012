r"""Figures of chapter 6: the regularization path, warm starts, and choosing λ.

Every plot function draws precomputed arrays. The x-axis is :math:`\lambda/\lambda_{\max}` on a
"symlog" scale: logarithmic above ``min_ratio`` and linear below it, so that λ = 0 (least
squares) has a place at the left edge.
"""

import numpy as np

from ..path import cross_validate, lasso_path
from ..soft_threshold import lambda_max as _lambda_max
from ..widgets import frame_sweep, penalty_label, plain_number, sweep_grid
from ..soft_threshold import regime
from ._style import COLORS, LINESTYLES, MARKERS, new_axes, style_for

__all__ = [
    "feature_style",
    "set_ratio_axis",
    "plot_path",
    "plot_sweep_counts",
    "cv_summary",
    "plot_cv_curve",
    "plot_validation_curve",
    "ratio_labels",
    "path_cv_sweep",
]


def feature_style(k):
    """Colour, line style and marker of feature k; distinct for the first 64 features.

    Features 0–7 get :func:`style_for`'s pairs; from 8 on the marker is shifted, so that two
    features of the same colour and line style still differ in their markers.
    """
    return {
        "color": COLORS[k % len(COLORS)],
        "linestyle": LINESTYLES[(k + 2 * (k // len(LINESTYLES))) % len(LINESTYLES)],
        "marker": MARKERS[(k + 3 * (k // len(MARKERS))) % len(MARKERS)],
    }


def set_ratio_axis(ax, *, min_ratio=1e-3, max_ratio=4.0, label=r"$\lambda/\lambda_{\max}$"):
    """Symlog x-axis for λ/λ_max: log above ``min_ratio``, linear (with λ = 0) below it."""
    ax.set_xscale("symlog", linthresh=min_ratio, linscale=0.6)
    ax.set_xlim(0.0, max_ratio)
    ax.axvline(1.0, color="0.6", linewidth=0.8, linestyle=":")
    ax.set_xlabel(label)
    return ax


def _mark_current(ax, current):
    if current is not None:
        ax.axvline(current, color="black", linewidth=1.2, linestyle="-", alpha=0.7)


def plot_path(ratios, weights, names, *, current=None, ax=None, ylabel=r"$w_j$", legend=True,
              min_ratio=1e-3, max_ratio=4.0):
    r"""The lasso path: each feature's weight against :math:`\lambda/\lambda_{\max}`.

    Parameters
    ----------
    ratios : array_like of shape (K,)
        :math:`\lambda/\lambda_{\max}` of each row of ``weights`` (any order; 0 allowed).
    weights : array_like of shape (K, D)
        The weights to draw (leave out the unpenalized intercept).
    names : sequence of str, length D
    current : float, optional
        Marks this λ/λ_max with a vertical line and the weights there with dots (it should be
        one of ``ratios``).
    legend : bool, "outside" or "below", default True
        "outside" puts the legend to the right of the axes, "below" under them.
    """
    ax = new_axes(ax)
    ratios = np.asarray(ratios, dtype=float)
    weights = np.asarray(weights, dtype=float)
    order = np.argsort(ratios)
    ratios, weights = ratios[order], weights[order]
    markevery = max(1, ratios.size // 6)
    for k, name in enumerate(names):
        style = feature_style(k)
        ax.plot(ratios, weights[:, k], label=name, linewidth=1.4, markersize=4,
                markevery=(k % markevery, markevery), **style)
    ax.axhline(0.0, color="0.5", linewidth=0.6)
    set_ratio_axis(ax, min_ratio=min_ratio, max_ratio=max_ratio)
    ax.set_ylabel(ylabel)
    if current is not None:
        _mark_current(ax, current)
        row = int(np.argmin(np.abs(ratios - current)))
        ax.plot(np.full(weights.shape[1], ratios[row]), weights[row], "o", color="black",
                markersize=3, zorder=5)
    if legend == "outside":
        ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), handlelength=3)
    elif legend == "below":
        ax.legend(fontsize="small", ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.24),
                  handlelength=2.4, columnspacing=1.0)
    elif legend:
        ax.legend(fontsize="small", ncol=2, loc="upper right", handlelength=3)
    return ax


def plot_sweep_counts(ratios, warm, cold, *, ax=None):
    """Coordinate-descent sweeps per λ: warm-started path against cold starts (each λ on its own)."""
    ax = new_axes(ax)
    ratios = np.asarray(ratios, dtype=float)
    for k, (counts, label) in enumerate(((cold, "cold start (each λ on its own)"),
                                         (warm, "warm start (previous λ)"))):
        ax.plot(ratios, counts, label=label, markersize=4, **style_for(k))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"$\lambda/\lambda_{\max}$")
    ax.set_ylabel("sweeps to converge")
    ax.legend(fontsize="small")
    return ax


def cv_summary(mse):
    r"""Mean and standard error over folds of a cross-validation error table.

    Parameters
    ----------
    mse : array_like of shape (n_folds, K)
        As returned by :func:`lassolib.cross_validate`, columns in decreasing λ.

    Returns
    -------
    mean, standard_error : ndarray of shape (K,)
        :math:`\bar e_k` and :math:`s_k/\sqrt{K_{\mathrm{folds}}}` (sample standard deviation).
    best : int
        The column with the smallest mean error.
    one_se : int
        The one-standard-error rule: the largest λ (smallest column index, the columns being in
        decreasing λ) whose mean error is at most ``mean[best] + standard_error[best]``.
    """
    mse = np.asarray(mse, dtype=float)
    if mse.ndim != 2 or mse.shape[0] < 2:
        raise ValueError(f"mse must have shape (n_folds >= 2, K), got {mse.shape}")
    mean = mse.mean(axis=0)
    standard_error = mse.std(axis=0, ddof=1) / np.sqrt(mse.shape[0])
    best = int(np.argmin(mean))
    one_se = int(np.flatnonzero(mean <= mean[best] + standard_error[best])[0])
    return mean, standard_error, best, one_se


def plot_cv_curve(ratios, mean, standard_error, *, best=None, one_se=None, current=None, ax=None,
                  min_ratio=1e-3, max_ratio=4.0, ylabel="mean squared error"):
    """Cross-validation error ± one standard error against λ/λ_max, with the two usual choices."""
    ax = new_axes(ax)
    ratios = np.asarray(ratios, dtype=float)
    mean = np.asarray(mean, dtype=float)
    standard_error = np.asarray(standard_error, dtype=float)
    ax.fill_between(ratios, mean - standard_error, mean + standard_error, color=COLORS[4],
                    alpha=0.35, linewidth=0, label="± one standard error")
    ax.plot(ratios, mean, color=COLORS[0], linestyle="-", marker="o", markersize=3,
            label="mean CV error")
    if best is not None:
        ax.plot(ratios[best], mean[best], linestyle="none", marker="D", markersize=8,
                markerfacecolor="white", color=COLORS[5], label="minimum", zorder=5)
        ax.axhline(mean[best] + standard_error[best], color=COLORS[5], linestyle=":",
                   linewidth=1)
    if one_se is not None:
        ax.plot(ratios[one_se], mean[one_se], linestyle="none", marker="s", markersize=8,
                markerfacecolor="white", color=COLORS[2], label="one-standard-error rule",
                zorder=5)
    set_ratio_axis(ax, min_ratio=min_ratio, max_ratio=max_ratio)
    _mark_current(ax, current)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize="small", loc="upper left")
    return ax


def plot_validation_curve(ratios, train_mse, validation_mse, *, best=None, ax=None,
                          min_ratio=1e-3, max_ratio=4.0):
    """Training and validation mean squared error against λ/λ_max (one split)."""
    ax = new_axes(ax)
    ratios = np.asarray(ratios, dtype=float)
    for k, (values, label) in enumerate(((train_mse, "training"), (validation_mse, "validation"))):
        ax.plot(ratios, values, color=COLORS[k], linestyle=LINESTYLES[k], marker=MARKERS[k],
                markersize=3, label=label)
    if best is not None:
        ax.plot(ratios[best], np.asarray(validation_mse)[best], linestyle="none", marker="D",
                markersize=8, markerfacecolor="white", color=COLORS[5],
                label="smallest validation error", zorder=5)
    set_ratio_axis(ax, min_ratio=min_ratio, max_ratio=max_ratio)
    ax.set_ylabel("mean squared error")
    ax.legend(fontsize="small", loc="upper left")
    return ax


def ratio_labels(ratios, lambda_maxes=None):
    """Slider labels for a sweep over λ/λ_max: the ratio, the λ it means, and its regime.

    Parameters
    ----------
    ratios : array_like of shape (K,)
        λ/λ_max of each frame.
    lambda_maxes : dict of str to float, optional
        Each problem's λ_max by name, e.g. ``{"normalized": 1898.87, "raw": 9.5e5}``: the label
        then gives the λ of each problem, "λ/λ_max = 0.01 (normalized: λ = 19; raw: λ = 9,500)".

    The label starts with the swept quantity, λ/λ_max, as the slider does.

    >>> ratio_labels([0.0, 0.01], {"normalized": 1898.87})
    ['λ/λ_max = 0 — linear regression', 'λ/λ_max = 0.01 (normalized: λ = 19) — lasso']
    """
    labels = []
    for r in ratios:
        r = float(r)
        text = f"λ/λ_max = {plain_number(r)}"
        if r > 0 and lambda_maxes:
            text += " (" + "; ".join(f"{name}: λ = {plain_number(r * lam)}"
                                     for name, lam in lambda_maxes.items()) + ")"
        labels.append(f"{text} — {regime(r, 1.0)}")
    return labels


def path_cv_sweep(H, y, names, *, unpenalized=(0,), n_folds=5, seed=0, n_frames=21,
                  n_line_points=60, min_ratio=1e-3, figsize=(3.6, 3.6)):
    r"""Chapter 6's sweep: the path (left) and the CV error (right), current λ marked.

    Computes once: :math:`\lambda_{\max}`, the path and the K-fold CV error on the union of the
    sweep grid (:func:`sweep_grid`) and a finer log grid for the lines; then draws one frame per
    sweep value with :func:`plot_path` and :func:`plot_cv_curve`.

    The slider moves λ itself (its readout is λ in the book's scale); each frame's label gives
    λ, λ/λ_max and the regime ("λ = 19 (0.01 λ_max) — lasso").

    Parameters
    ----------
    H, y : the data (columns normalized; an intercept column listed in ``unpenalized``)
    names : sequence of str
        Names of the penalized columns, in order.
    figsize : (float, float)
        Size of each of the two panels, in inches.
    """
    H = np.asarray(H, dtype=float)
    lam_max = _lambda_max(H, y, unpenalized=unpenalized)
    frame_ratios = sweep_grid(1.0, n_frames=n_frames, min_ratio=min_ratio)
    line_ratios = np.geomspace(min_ratio, frame_ratios[-1], n_line_points)
    ratios = np.unique(np.concatenate([frame_ratios, line_ratios]))[::-1]  # decreasing
    penalties, weights = lasso_path(H, y, ratios * lam_max, unpenalized=unpenalized)
    _, mse = cross_validate(H, y, penalties, n_folds=n_folds, seed=seed, unpenalized=unpenalized)
    mean, se, best, one_se = cv_summary(mse)
    ratios = penalties / lam_max
    penalized = np.setdiff1d(np.arange(H.shape[1]), unpenalized)
    path = weights[:, penalized]
    frame_rows = [int(np.argmin(np.abs(ratios - r))) for r in frame_ratios]

    def draw(k, axes):
        current = ratios[frame_rows[k]]
        plot_path(ratios, path, names, current=current, ax=axes[0], ylabel=r"$\bar w_j$",
                  legend="below", min_ratio=min_ratio)
        plot_cv_curve(ratios, mean, se, best=best, one_se=one_se, current=current, ax=axes[1],
                      min_ratio=min_ratio, ylabel="CV mean squared error")
        n_nonzero = int(np.count_nonzero(path[frame_rows[k]]))
        axes[0].text(0.98, 0.03, f"{n_nonzero} nonzero", transform=axes[0].transAxes,
                     ha="right", va="bottom", fontsize="small")

    def alt(k):
        row = frame_rows[k]
        return (f"Left: lasso path of {len(names)} weights against lambda/lambda_max, "
                f"{int(np.count_nonzero(path[row]))} nonzero at the marked lambda. Right: "
                f"cross-validation error {plain_number(mean[row])} at the marked lambda; minimum "
                f"{plain_number(mean[best])} at lambda/lambda_max = {plain_number(ratios[best])}.")

    values = frame_ratios * lam_max
    labels = [penalty_label(v, lam_max) for v in values]
    return frame_sweep(draw, values, alt=alt, ncols=2, figsize=figsize, labels=labels,
                       start=n_frames // 2)
