"""Chapter 7's figures: RSS ellipses against the L1 diamond and the L2 disk, the budget sweep,
and how often each constraint gives an exact zero."""

from typing import NamedTuple

import numpy as np

from .._validation import check_data, check_penalty, check_positive_int

from ..geometry import (
    budget_regime,
    l1_constrained_least_squares,
    l2_constrained_least_squares,
    least_squares,
    rss_grid,
)
from ..widgets import frame_sweep, plain_number
from ._style import COLORS, LINESTYLES, new_axes

__all__ = [
    "PenalizedView",
    "penalized_view",
    "plot_penalized_geometry",
    "l1_norm_path",
    "plot_l1_norm_path",
    "contour_levels",
    "plot_constraint_geometry",
    "budget_grid",
    "budget_label",
    "budget_sweep",
    "plot_zero_frequency",
]

_REGION = {"l1": (r"$\|w\|_1 \leq t$", COLORS[0]), "l2": (r"$\|w\|_2 \leq t$", COLORS[1])}


def contour_levels(RSS, n_levels=9):
    """Contour levels that crowd towards the minimum, as ``rss_min + spread * (k/n)²``."""
    RSS = np.asarray(RSS, dtype=np.float64)
    low = float(RSS.min())
    spread = float(np.percentile(RSS, 50)) - low
    return low + spread * np.linspace(0.0, 1.0, n_levels + 1)[1:] ** 2


def _ball(kind, budget):
    if kind == "l1":
        return budget * np.array([1, 0, -1, 0, 1.0]), budget * np.array([0, 1, 0, -1, 0.0])
    angle = np.linspace(0.0, 2.0 * np.pi, 200)
    return budget * np.cos(angle), budget * np.sin(angle)


def _format(value):
    return "0" if value == 0.0 else f"{value:.2f}"


def plot_constraint_geometry(
    W1, W2, RSS, budget, w_hat, w_ls, *, kind="l1", rss_at_w_hat=None, levels=None, ax=None
):
    r"""RSS contour ellipses, the constraint region and the constrained solution, in (w_1, w_2).

    Parameters
    ----------
    W1, W2, RSS : ndarray of shape (n, n)
        From :func:`lassolib.geometry.rss_grid`.
    budget : float
        The radius t of the region.
    w_hat : array_like of shape (2,)
        The constrained solution; its exact zeros are ringed and named.
    w_ls : array_like of shape (2,)
        The least-squares solution, the centre of the ellipses.
    kind : {"l1", "l2"}
        The diamond :math:`\|w\|_1 \le t` or the disk :math:`\|w\|_2 \le t`.
    rss_at_w_hat : float, optional
        When given, that contour — the first to touch the region — is drawn bold.
    levels : array_like, optional
        Contour levels (default :func:`contour_levels`).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    if kind not in _REGION:
        raise ValueError(f"kind must be 'l1' or 'l2', got {kind!r}")
    ax = new_axes(ax, figsize=(4.2, 4.2))
    w_hat = np.asarray(w_hat, dtype=np.float64)
    w_ls = np.asarray(w_ls, dtype=np.float64)
    levels = contour_levels(RSS) if levels is None else levels
    ax.contour(W1, W2, RSS, levels=levels, colors="0.55", linewidths=0.7, linestyles="solid")
    if rss_at_w_hat is not None and rss_at_w_hat > RSS.min():
        ax.contour(W1, W2, RSS, levels=[rss_at_w_hat], colors=COLORS[7], linewidths=1.6,
                   linestyles="dashed")
    label, color = _REGION[kind]
    x, y = _ball(kind, budget)
    if budget > 0:
        ax.fill(x, y, color=color, alpha=0.25, linewidth=0)
        ax.plot(x, y, color=color, linestyle=LINESTYLES[0] if kind == "l1" else LINESTYLES[1],
                linewidth=1.8, label=label)
    ax.axhline(0.0, color="0.3", linewidth=0.6)
    ax.axvline(0.0, color="0.3", linewidth=0.6)
    ax.plot(*w_ls, marker="+", markersize=12, markeredgewidth=2, color=COLORS[7], linestyle="none",
            label=r"$\hat w^{\mathrm{LS}}$")
    ax.plot(*w_hat, marker="o", markersize=7, color=COLORS[5], markeredgecolor="black",
            linestyle="none", label=r"$\hat w$")
    zeros = [j for j in range(2) if w_hat[j] == 0.0]
    if zeros and np.any(w_hat != 0.0):
        ax.plot(*w_hat, marker="o", markersize=17, markerfacecolor="none", markeredgewidth=2,
                color=COLORS[5], linestyle="none")
    text = rf"$\hat w$ = ({_format(w_hat[0])}, {_format(w_hat[1])})"
    if zeros and np.any(w_hat != 0.0):
        text += "\nexact zero: " + ", ".join(rf"$w_{j + 1} = 0$" for j in zeros)
    elif not np.any(w_hat != 0.0):
        text += "\nall zero"
    ax.text(0.03, 0.97, text, transform=ax.transAxes, va="top", ha="left", fontsize="small",
            bbox={"facecolor": "white", "edgecolor": "0.7", "alpha": 0.9})
    ax.set_xlim(W1.min(), W1.max())
    ax.set_ylim(W2.min(), W2.max())
    ax.set_aspect("equal")
    ax.set_xlabel(r"$w_1$")
    ax.set_ylabel(r"$w_2$")
    ax.legend(loc="lower right", fontsize="small", framealpha=0.9)
    return ax


def budget_grid(ls_l1_norm, n_frames=15, beyond=1.25):
    r"""The budgets of a sweep: 0 to ``beyond``·‖ŵ_LS‖₁, evenly spaced, with ‖ŵ_LS‖₁ itself on it."""
    if not np.isfinite(ls_l1_norm) or ls_l1_norm <= 0:
        raise ValueError(f"ls_l1_norm must be finite and > 0, got {ls_l1_norm}")
    if int(n_frames) != n_frames or n_frames < 3:
        raise ValueError(f"n_frames must be an integer >= 3, got {n_frames}")
    grid = np.linspace(0.0, beyond * ls_l1_norm, int(n_frames))
    grid[np.argmin(np.abs(grid - ls_l1_norm))] = ls_l1_norm
    return grid


def budget_label(budget, ls_l1_norm):
    """The text a budget sweep shows for one t: its value, t/‖ŵ_LS‖₁ and its regime.

    >>> budget_label(1.2, 4.0)
    't = 1.2 (0.3 ‖ŵ_LS‖₁) — lasso'
    """
    value = f"t = {plain_number(budget)}"
    if budget > 0:
        value += f" ({plain_number(budget / ls_l1_norm)} ‖ŵ_LS‖₁)"
    return f"{value} — {budget_regime(budget, ls_l1_norm)}"


def budget_sweep(H, y, *, n_frames=15, n_grid=121, start=None, figsize=(3.6, 3.7)):
    """A slider over the budget t: the L1 diamond and the L2 disk side by side, for two features.

    Everything is computed once: the least-squares solution, the RSS grid, and both constrained
    solutions at every budget of :func:`budget_grid`; each frame only draws.

    Returns
    -------
    lassolib.widgets.FrameSweep
    """
    w_ls = least_squares(H, y)
    norm1 = float(np.sum(np.abs(w_ls)))
    budgets = budget_grid(norm1, n_frames)
    reach = 1.08 * budgets[-1]
    W1, W2, RSS = rss_grid(H, y, (-reach, reach), (-reach, reach), n_grid)
    levels = contour_levels(RSS)
    residual = lambda w: float(np.sum((np.asarray(y) - np.asarray(H) @ w) ** 2))  # noqa: E731
    solutions = {
        "l1": [l1_constrained_least_squares(H, y, t) for t in budgets],
        "l2": [l2_constrained_least_squares(H, y, t) for t in budgets],
    }

    def draw(k, axes):
        for ax, kind in zip(axes, ("l1", "l2")):
            w = solutions[kind][k]
            plot_constraint_geometry(W1, W2, RSS, budgets[k], w, w_ls, kind=kind,
                                     rss_at_w_hat=residual(w), levels=levels, ax=ax)
            ax.set_title("L1 diamond: lasso" if kind == "l1" else "L2 disk: ridge",
                         fontsize="medium")

    def alt(k):
        l1, l2 = solutions["l1"][k], solutions["l2"][k]
        return (
            f"Two panels of RSS contour ellipses around the least-squares solution "
            f"({w_ls[0]:.2f}, {w_ls[1]:.2f}) at budget t = {budgets[k]:.2f}. Left: the L1 diamond; "
            f"the constrained solution is ({_format(l1[0])}, {_format(l1[1])}). Right: the L2 disk; "
            f"the solution is ({_format(l2[0])}, {_format(l2[1])})."
        )

    labels = [budget_label(t, norm1) for t in budgets]
    start = len(budgets) // 3 if start is None else start
    return frame_sweep(draw, budgets, alt=alt, ncols=2, figsize=figsize, labels=labels,
                       start=start, symbol="t")


def plot_zero_frequency(results, ax=None):
    r"""How often the constrained solution has an exact zero, against the budget fraction.

    Parameters
    ----------
    results : sequence of :class:`lassolib.geometry.ZeroFrequency`
        One per problem size; each gives an L1 line (solid family) and an L2 line.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = new_axes(ax, figsize=(6.0, 4.2))
    markers = ("o", "s", "^", "D")
    for k, result in enumerate(results):
        D = result.n_features
        ax.plot(result.budget_fractions, result.l1, color=COLORS[0], linestyle=LINESTYLES[k],
                marker=markers[k], label=rf"L1 (lasso), $D = {D}$")
        ax.plot(result.budget_fractions, result.l2, color=COLORS[1], linestyle=LINESTYLES[k],
                marker=markers[k], markerfacecolor="none", label=rf"L2 (ridge), $D = {D}$")
    ax.set_xlabel(r"budget $t$ as a fraction of $\|\hat w^{\mathrm{LS}}\|$")
    ax.set_ylabel("fraction of problems with\nan exact zero in $\\hat w$")
    ax.set_ylim(-0.04, 1.04)
    ax.set_xlim(0.0, 1.0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
    return ax


class PenalizedView(NamedTuple):
    """The penalized picture of a two-feature lasso (see :func:`penalized_view`)."""

    W1: np.ndarray
    W2: np.ndarray
    objective: np.ndarray
    w_hat: np.ndarray
    l1_penalty: float
    budget: float


def penalized_view(H, y, l1_penalty, *, limits=(-3.0, 3.5), n=161, tolerance=1e-12):
    r"""The lasso objective :math:`\mathrm{RSS}(w) + \lambda\|w\|_1` on a grid, and its minimizer.

    Chapter 7's penalized view, beside the constrained one: the minimizer :math:`\hat w_\lambda`
    solves the constrained problem with budget :math:`t = \|\hat w_\lambda\|_1`.

    Parameters
    ----------
    H : array_like of shape (n_samples, 2)
        Two features, both penalized (no intercept column).
    y : array_like of shape (n_samples,)
    l1_penalty : float >= 0
    limits : (float, float)
        The range of both axes.
    n : int >= 2
        Grid points per axis.
    tolerance : float
        Of :func:`lassolib.lasso_coordinate_descent`.

    Returns
    -------
    PenalizedView
        ``W1, W2, objective`` (arrays of shape (n, n)), ``w_hat``, ``l1_penalty`` and
        ``budget`` = :math:`\|\hat w_\lambda\|_1`.
    """
    from ..coordinate_descent import lasso_coordinate_descent

    H, y = check_data(H, y)
    if H.shape[1] != 2:
        raise ValueError(f"H must have exactly 2 columns (the picture is 2-D), got {H.shape[1]}")
    l1_penalty = check_penalty(l1_penalty, "l1_penalty")
    n = check_positive_int(n, "n")
    W1, W2, RSS = rss_grid(H, y, limits, limits, n)
    objective = RSS + l1_penalty * (np.abs(W1) + np.abs(W2))
    w_hat = lasso_coordinate_descent(H, y, l1_penalty, tolerance=tolerance).weights
    return PenalizedView(W1, W2, objective, w_hat, l1_penalty, float(np.sum(np.abs(w_hat))))


def plot_penalized_geometry(view, w_ls, *, levels=None, ax=None):
    r"""Contours of :math:`\mathrm{RSS}(w) + \lambda\|w\|_1` and its minimizer, in (w_1, w_2).

    The contours bend where they cross an axis (the kinks of :math:`|w_j|`); the minimizer sits
    on an axis — an exact zero — when a contour's corner is lowest there.

    Parameters
    ----------
    view : PenalizedView
        From :func:`penalized_view`.
    w_ls : array_like of shape (2,)
        The least-squares solution, marked for reference.
    levels : array_like, optional
        Contour levels (default :func:`contour_levels` of the objective).
    """
    if not isinstance(view, PenalizedView):
        raise ValueError("view must be the PenalizedView returned by penalized_view(...)")
    ax = new_axes(ax, figsize=(3.6, 3.7))
    levels = contour_levels(view.objective) if levels is None else levels
    ax.contour(view.W1, view.W2, view.objective, levels=levels, colors=COLORS[0],
               linewidths=0.8, linestyles="solid")
    ax.axhline(0.0, color="0.3", linewidth=0.6)
    ax.axvline(0.0, color="0.3", linewidth=0.6)
    w_hat = np.asarray(view.w_hat)
    ax.plot(*np.asarray(w_ls, dtype=float), marker="+", markersize=12, markeredgewidth=2,
            color=COLORS[7], linestyle="none", label=r"$\hat w^{\mathrm{LS}}$")
    ax.plot(*w_hat, marker="o", markersize=7, color=COLORS[5], markeredgecolor="black",
            linestyle="none", label=rf"$\hat w_\lambda$, $\lambda$ = {plain_number(view.l1_penalty)}")
    text = rf"$\hat w_\lambda$ = ({_format(w_hat[0])}, {_format(w_hat[1])})"
    zeros = [j for j in range(2) if w_hat[j] == 0.0]
    if zeros and np.any(w_hat != 0.0):
        text += "\nexact zero: " + ", ".join(rf"$w_{j + 1} = 0$" for j in zeros)
    text += "\n" + rf"$t = \|\hat w_\lambda\|_1$ = {_format(view.budget)}"
    ax.text(0.03, 0.97, text, transform=ax.transAxes, va="top", ha="left", fontsize="small",
            bbox={"facecolor": "white", "edgecolor": "0.7", "alpha": 0.9})
    ax.set_xlim(view.W1.min(), view.W1.max())
    ax.set_ylim(view.W2.min(), view.W2.max())
    ax.set_aspect("equal")
    ax.set_xlabel(r"$w_1$")
    ax.set_ylabel(r"$w_2$")
    ax.set_title(r"penalized: RSS + $\lambda\|w\|_1$", fontsize="medium")
    ax.legend(loc="lower right", fontsize="small", framealpha=0.9)
    return ax


def l1_norm_path(H, y, l1_penalties, *, unpenalized=(0,), tolerance=1e-10, max_sweeps=100_000):
    r"""The budget that each λ buys: :math:`t(\lambda) = \|\hat w_\lambda\|_1` along the lasso path.

    The L1 norm is over the penalized weights. It links chapter 6's path to chapter 7's budget:
    the penalized problem at λ and the constrained problem at :math:`t(\lambda)` have the same
    solution. :math:`t` is 0 from :math:`\lambda_{\max}` on and grows to the least-squares
    :math:`\|\hat w^{\mathrm{LS}}\|_1` at λ = 0; for orthonormal columns it is
    :math:`\sum_j \max(|h_j^\top r_0| - \lambda/2, 0)`, piecewise linear in λ.

    Parameters
    ----------
    H, y : the data (as for :func:`lassolib.lasso_path`)
    l1_penalties : array_like of float >= 0
    unpenalized : tuple of int, default (0,)
    tolerance, max_sweeps : passed to :func:`lassolib.lasso_path`

    Returns
    -------
    penalties : ndarray of shape (K,)
        The penalties, increasing.
    l1_norms : ndarray of shape (K,)
        :math:`t(\lambda)` at each.
    """
    from ..path import lasso_path

    H, y = check_data(H, y)
    penalties = np.asarray(l1_penalties, dtype=np.float64)
    if penalties.ndim != 1 or penalties.size == 0:
        raise ValueError(f"l1_penalties must be a non-empty 1-D array, got shape {penalties.shape}")
    solved, weights = lasso_path(H, y, penalties, unpenalized=unpenalized, tolerance=tolerance,
                                 max_sweeps=max_sweeps)
    order = np.argsort(solved)
    penalized = np.setdiff1d(np.arange(H.shape[1]), np.asarray(unpenalized, dtype=int))
    return solved[order], np.sum(np.abs(weights[order][:, penalized]), axis=1)


def plot_l1_norm_path(penalties, l1_norms, *, lambda_max, current=None, ax=None):
    r"""The curve :math:`t(\lambda) = \|\hat w_\lambda\|_1` against :math:`\lambda/\lambda_{\max}`.

    Parameters
    ----------
    penalties, l1_norms : ndarray of shape (K,)
        From :func:`l1_norm_path`.
    lambda_max : float > 0
    current : float, optional
        A λ to mark, with its budget read off the curve.
    """
    ax = new_axes(ax, figsize=(6.0, 3.6))
    penalties = np.asarray(penalties, dtype=float)
    l1_norms = np.asarray(l1_norms, dtype=float)
    ratios = penalties / lambda_max
    positive = ratios > 0
    ax.plot(ratios[positive], l1_norms[positive], color=COLORS[0], linestyle="-", linewidth=2.0,
            label=r"$t(\lambda) = \|\hat w_\lambda\|_1$")
    if np.any(~positive):
        ax.axhline(float(l1_norms[~positive][0]), color=COLORS[7], linestyle=":", linewidth=1.2,
                   label=r"$\|\hat w^{\mathrm{LS}}\|_1$ (λ = 0)")
    ax.axvline(1.0, color="0.5", linestyle="--", linewidth=1.0)
    ax.annotate(r"$\lambda_{\max}$: $t = 0$", (1.0, 0.0), xycoords=("data", "axes fraction"),
                xytext=(-4, 4), textcoords="offset points", ha="right", fontsize="small")
    if current is not None:
        t_now = float(np.interp(current, penalties, l1_norms))
        ax.plot([current / lambda_max], [t_now], marker="o", color=COLORS[5],
                markeredgecolor="black", linestyle="none",
                label=rf"$\lambda$ = {plain_number(current)}: $t$ = {plain_number(t_now)}")
    ax.set_xscale("log")
    ax.set_xlabel(r"$\lambda/\lambda_{\max}$ (log scale)")
    ax.set_ylabel(r"budget $t = \|\hat w_\lambda\|_1$")
    ax.set_ylim(0.0, 1.12 * float(np.max(l1_norms)))
    ax.legend(loc="center right", fontsize="small")
    return ax
