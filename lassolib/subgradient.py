r"""Chapter 3 — subgradients: what replaces the derivative of |w| at 0.

For a convex f, g is a subgradient of f at w if :math:`f(v) \ge f(w) + g\,(v - w)` for all v.
For the absolute value,

.. math:: \partial |w| = \begin{cases} \{-1\} & w < 0 \\ [-1, 1] & w = 0 \\ \{+1\} & w > 0 \end{cases}

and for the lasso objective :math:`\mathrm{RSS}(w) + \lambda\lVert w\rVert_1` the coordinate
subdifferential is :math:`-2\rho_j + 2 z_j w_j + \lambda\,\partial|w_j|` (with :math:`z_j = 1` for
normalized features). The weights are optimal exactly when 0 lies in it for every j.
"""

import warnings

import numpy as np

from ._result import ConvergenceWarning, SolverResult
from ._validation import (
    check_array,
    check_data,
    check_penalty,
    check_positive,
    check_positive_int,
    check_start,
    check_unpenalized,
    check_weights,
    finite_or_refuse,
    squared_norm,
    check_flag,
)

__all__ = [
    "abs_subdifferential",
    "lasso_objective",
    "lasso_subdifferential",
    "kkt_violation",
    "subgradient_descent",
]


def abs_subdifferential(w):
    r"""The subdifferential of :math:`|w|`, elementwise, as the interval (lower, upper).

    Returns (−1, −1) where w < 0, (−1, 1) where w = 0 and (1, 1) where w > 0.

    Parameters
    ----------
    w : float or array_like
        Finite values.

    Returns
    -------
    lower, upper : ndarray of the shape of ``w``

    See the book's chapter 3.
    """
    w = check_array(w, "w")
    if not np.all(np.isfinite(w)):
        raise ValueError("w contains NaN or inf; the subdifferential of |w| needs finite values")
    lower = np.where(w > 0, 1.0, -1.0)
    upper = np.where(w < 0, -1.0, 1.0)
    return lower, upper


def lasso_objective(H, y, w, l1_penalty, *, unpenalized=()):
    r"""The lasso objective :math:`\mathrm{RSS}(w) + \lambda \sum_{j \notin U} |w_j|` (U = ``unpenalized``)."""
    H, y = check_data(H, y)
    w = check_weights(w, H.shape[1])
    l1_penalty = check_penalty(l1_penalty, "l1_penalty")
    penalized = check_unpenalized(unpenalized, H.shape[1])
    return float(finite_or_refuse(
        lambda: squared_norm(y - H @ w) + l1_penalty * np.sum(np.abs(w[penalized])),
        "the lasso objective"))


def lasso_subdifferential(H, y, w, l1_penalty, *, unpenalized=()):
    r"""Per coordinate, the interval of subgradients of :math:`\mathrm{RSS}(w) + \lambda\lVert w\rVert_1`.

    With :math:`g_j = \partial\mathrm{RSS}/\partial w_j = -2\rho_j + 2 z_j w_j
    = -2\,h_j^\top(y - Hw)`:

    .. math::
        \partial_j = \begin{cases}
            \{g_j - \lambda\} & w_j < 0 \\
            [g_j - \lambda,\; g_j + \lambda] & w_j = 0 \\
            \{g_j + \lambda\} & w_j > 0
        \end{cases}

    (for normalized features, :math:`g_j = -2\rho_j + 2w_j`). Unpenalized coordinates get
    :math:`\{g_j\}`. The weights ``w`` minimize the lasso objective if and only if
    ``lower <= 0 <= upper`` for every coordinate (the KKT condition).

    Parameters
    ----------
    H : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,)
    w : array_like of shape (n_features,)
    l1_penalty : float >= 0
    unpenalized : tuple of int, default ()

    Returns
    -------
    lower, upper : ndarray of shape (n_features,)

    See the book's chapter 3, the coordinate subdifferential.
    """
    H, y = check_data(H, y)
    w = check_weights(w, H.shape[1])
    l1_penalty = check_penalty(l1_penalty, "l1_penalty")
    penalized = check_unpenalized(unpenalized, H.shape[1])
    g = finite_or_refuse(lambda: -2.0 * (H.T @ (y - H @ w)), "the gradient of the RSS at w")
    lower, upper = abs_subdifferential(w)
    lam = np.where(penalized, l1_penalty, 0.0)
    return g + lam * lower, g + lam * upper


def kkt_violation(H, y, w, l1_penalty, *, unpenalized=()):
    r"""How far 0 is from each coordinate's subdifferential: 0 exactly where the KKT condition holds.

    Returns ``max(lower, 0) - min(upper, 0)`` per coordinate, an ndarray of shape (n_features,),
    in the units of the gradient of the objective.
    """
    lower, upper = lasso_subdifferential(H, y, w, l1_penalty, unpenalized=unpenalized)
    return np.maximum(lower, 0.0) - np.minimum(upper, 0.0)


def subgradient_descent(
    H, y, l1_penalty, *, step_size, n_iterations, tolerance=1e-8, w0=None, unpenalized=(),
    record_iterates=False,
):
    r"""Minimize :math:`\mathrm{RSS}(w) + \lambda\lVert w\rVert_1` by subgradient descent.

    Each iteration t = 1, 2, … takes the subgradient that uses sign(0) = 0,

    .. math:: g = -2H^\top(y - Hw) + \lambda\,\mathrm{sign}(w), \qquad
              w \leftarrow w - \frac{\eta}{\sqrt{t}}\, g ,

    (the diminishing step η/√t is what makes the method converge at all). It is not a descent
    method: the objective can go up, and the iterates hover around 0 without landing on it, so
    weights that the lasso sets to 0 come out small but not exactly 0. ``weights`` is the best
    iterate seen (lowest objective), the usual output of the method.

    Parameters
    ----------
    H : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,)
    l1_penalty : float >= 0
        λ.
    step_size : float > 0
        η, the step of the first iteration.
    n_iterations : int >= 1
        The budget.
    tolerance : float > 0, default 1e-8
        Stop when the largest |Δw_j| of an iteration is below this (in the units of w).
        Around a kink the steps shrink only like η/√t, so this is seldom met: the method
        reports ``converged=False`` with a :class:`ConvergenceWarning`, which is the lesson.
    w0 : array_like of shape (n_features,), optional
        Starting weights; zeros by default.
    unpenalized : tuple of int, default ()
    record_iterates : bool, default False
        Keep every iterate (not only the best) in the result's ``iterates``, to watch them
        hover around 0.

    Returns
    -------
    SolverResult
        ``objective_history`` holds the objective of every iterate; ``objective`` is that of
        the returned (best) weights.

    See the book's chapter 3.
    """
    H, y = check_data(H, y)
    record_iterates = check_flag(record_iterates, "record_iterates")
    l1_penalty = check_penalty(l1_penalty, "l1_penalty")
    step_size = check_positive(step_size, "step_size")
    n_iterations = check_positive_int(n_iterations, "n_iterations")
    tolerance = check_positive(tolerance, "tolerance")
    penalized = check_unpenalized(unpenalized, H.shape[1])
    w = np.zeros(H.shape[1]) if w0 is None else check_start(H, y, w0)
    lam = np.where(penalized, l1_penalty, 0.0)

    def objective(w):
        residual = y - H @ w
        return residual @ residual + np.sum(lam * np.abs(w))

    objectives = [objective(w)]
    iterates = [w.copy()] if record_iterates else None
    steps = []
    best_w, best_objective = w, objectives[0]
    converged = False
    for t in range(1, n_iterations + 1):
        g = -2.0 * (H.T @ (y - H @ w)) + lam * np.sign(w)
        w_new = w - step_size / np.sqrt(t) * g
        # Stop a divergence long before it overflows (as ridge_gradient_descent does), so the
        # caller sees one ConvergenceWarning rather than NumPy overflow warnings.
        too_big = 1e100 * max(float(objectives[0]), 1.0)  # (a Python float: inf, no warning)
        if not np.all(np.isfinite(w_new)) or objective(w_new) > too_big:
            warnings.warn(
                f"subgradient_descent diverged at iteration {t}: step_size {step_size:g} is too "
                "large; try a value below 1 / (2 * largest eigenvalue of HᵀH)",
                ConvergenceWarning,
                stacklevel=2,
            )
            break
        steps.append(float(np.max(np.abs(w_new - w))))
        w = w_new
        if record_iterates:
            iterates.append(w.copy())
        objectives.append(objective(w))
        if objectives[-1] < best_objective:
            best_w, best_objective = w, objectives[-1]
        if steps[-1] < tolerance:
            converged = True
            break
    else:
        warnings.warn(
            f"subgradient_descent did not converge in {n_iterations} iterations (last step "
            f"{steps[-1]:.3g} >= tolerance {tolerance:g}); subgradient steps shrink like 1/√t, "
            "use coordinate descent for exact zeros",
            ConvergenceWarning,
            stacklevel=2,
        )
    return SolverResult(
        weights=best_w.copy(),
        converged=converged,
        n_iterations=len(steps),
        objective_history=np.array(objectives),
        max_step_history=np.array(steps),
        solver="subgradient_descent",
        objective=float(best_objective),
        iterates=None if iterates is None else np.array(iterates),
    )
