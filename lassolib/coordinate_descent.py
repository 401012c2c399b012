r"""Chapters 4 and 5 — lasso coordinate descent, for normalized and raw features alike.

Cyclic coordinate descent: start from w (zeros by default); sweep j = 0, …, D−1 in order,
replacing w_j in place by the minimizer of the objective along coordinate j,

.. math::
    \hat w_j = \begin{cases}
        (\rho_j + \lambda/2) / z_j & \rho_j < -\lambda/2 \\
        0 & |\rho_j| \le \lambda/2 \\
        (\rho_j - \lambda/2) / z_j & \rho_j > \lambda/2
    \end{cases}
    \qquad z_j = \sum_i h_j(x_i)^2 ,

(chapter 5; with normalized columns z_j = 1 and this is chapter 4's soft threshold
:math:`\hat w_j = S(\rho_j, \lambda)`), and stop when the largest :math:`|\Delta w_j|` of a
whole sweep falls below a tolerance.

The residual :math:`r = y - Hw` is kept up to date, so that :math:`\rho_j = h_j^\top r + z_j w_j`
and each coordinate costs O(n) instead of recomputing every prediction.

:func:`gram_coordinate_descent_sweeps` is the same loop in covariance form (ρ_j from the Gram
matrix :math:`H^\top H` instead of the residual, O(D) per update): the path solver
(:func:`lasso_path`) runs it on the active coordinates.
"""

import warnings

import numpy as np

from ._jit import jit
from ._result import ConvergenceWarning, SolverResult
from ._validation import (
    check_data,
    check_penalty,
    check_positive,
    check_positive_int,
    check_unpenalized,
    check_weights,
)
from .soft_threshold import _lambda_max, _unpenalized_fit

__all__ = ["lasso_coordinate_descent", "coordinate_descent_sweeps", "gram_coordinate_descent_sweeps"]


@jit
def coordinate_descent_sweeps(
    H, w, residual, z, penalized, l1_penalty, tolerance, max_sweeps, objective_history, max_step_history
):
    """Run sweeps of cyclic coordinate descent in place on ``w`` and ``residual = y - H @ w``.

    ``H`` should be Fortran-ordered so that each column is contiguous. Records the objective
    after each sweep in ``objective_history[1:]`` and the largest step in ``max_step_history``.
    Returns the number of sweeps run and whether the stopping rule was met.
    """
    n_features = H.shape[1]
    half = l1_penalty / 2.0
    for sweep in range(max_sweeps):
        max_step = 0.0
        for j in range(n_features):
            if z[j] == 0.0:
                continue  # a column of zeros does not change the RSS: its weight stays 0
            h_j = H[:, j]
            rho_j = np.dot(h_j, residual) + z[j] * w[j]
            if not penalized[j]:
                w_j = rho_j / z[j]
            elif rho_j < -half:
                w_j = (rho_j + half) / z[j]
            elif rho_j > half:
                w_j = (rho_j - half) / z[j]
            else:
                w_j = 0.0
            step = w_j - w[j]
            if step != 0.0:
                residual -= step * h_j
                w[j] = w_j
                max_step = max(max_step, abs(step))
        penalty = 0.0
        for j in range(n_features):
            if penalized[j]:
                penalty += abs(w[j])
        objective_history[sweep + 1] = np.dot(residual, residual) + l1_penalty * penalty
        max_step_history[sweep] = max_step
        if max_step < tolerance:
            return sweep + 1, True
    return max_sweeps, False


@jit
def gram_coordinate_descent_sweeps(
    G, Hty, yty, w, Gw, penalized, l1_penalty, tolerance, max_sweeps, objective_history, max_step_history
):
    r"""The same cyclic sweeps in covariance (Gram) form, in place on ``w`` and ``Gw = G @ w``.

    With the Gram matrix :math:`G = H^\top H` and :math:`H^\top y` computed once, the residual is
    never formed: :math:`h_j^\top r = (H^\top y)_j - (Gw)_j`, so

    .. math:: \rho_j = (H^\top y)_j - (Gw)_j + G_{jj} w_j , \qquad z_j = G_{jj} ,

    costs O(1), and a step :math:`\Delta w_j` updates :math:`Gw` by :math:`\Delta w_j\, G_{:j}`
    in O(D) instead of updating the residual in O(n). The update rule, the cyclic order and the
    stopping rule (largest :math:`|\Delta w_j|` of a sweep below ``tolerance``) are those of
    :func:`coordinate_descent_sweeps`, and so are the iterates, up to rounding. The objective
    uses :math:`\mathrm{RSS}(w) = y^\top y - 2 w^\top H^\top y + w^\top G w`.

    ``G`` may be the Gram matrix of any subset of the columns (with the matching entries of
    ``Hty``, ``w``, ``Gw``, ``penalized``): :func:`lasso_path` runs it on the active set.
    Returns the number of sweeps run and whether the stopping rule was met.
    """
    n_features = G.shape[0]
    half = l1_penalty / 2.0
    for sweep in range(max_sweeps):
        max_step = 0.0
        for j in range(n_features):
            z_j = G[j, j]
            if z_j == 0.0:
                continue  # a column of zeros does not change the RSS: its weight stays 0
            rho_j = Hty[j] - Gw[j] + z_j * w[j]
            if not penalized[j]:
                w_j = rho_j / z_j
            elif rho_j < -half:
                w_j = (rho_j + half) / z_j
            elif rho_j > half:
                w_j = (rho_j - half) / z_j
            else:
                w_j = 0.0
            step = w_j - w[j]
            if step != 0.0:
                for k in range(n_features):  # Gw += step * G[:, j]  (G is symmetric)
                    Gw[k] += step * G[j, k]
                w[j] = w_j
                max_step = max(max_step, abs(step))
        penalty = 0.0
        for j in range(n_features):
            if penalized[j]:
                penalty += abs(w[j])
        rss = yty - 2.0 * np.dot(w, Hty) + np.dot(w, Gw)
        objective_history[sweep + 1] = rss + l1_penalty * penalty
        max_step_history[sweep] = max_step
        if max_step < tolerance:
            return sweep + 1, True
    return max_sweeps, False


def lasso_coordinate_descent(
    H, y, l1_penalty, *, tolerance=1e-8, max_sweeps=10_000, w0=None, unpenalized=()
):
    r"""Minimize :math:`\mathrm{RSS}(w) + \lambda \sum_{j \notin U} |w_j|` by cyclic coordinate descent.

    Works for any H: with unit-norm columns each update is chapter 4's
    :math:`\hat w_j = S(\rho_j, \lambda)`, in general chapter 5's :math:`(\rho_j \mp \lambda/2)/z_j`
    with :math:`z_j = \sum_i h_j(x_i)^2`. Unpenalized columns get the least-squares update
    :math:`\rho_j / z_j`; a column of zeros (:math:`z_j = 0`) gets weight 0.

    Before iterating, the all-zero candidate is checked: if :math:`\lambda \ge \lambda_{\max}`
    (see :func:`lambda_max`) it satisfies the KKT condition, and the answer is returned directly:
    every penalized weight exactly 0.0 and the unpenalized ones fitted by least squares.

    Parameters
    ----------
    H : array_like of shape (n_samples, n_features)
        Features, normalized or raw.
    y : array_like of shape (n_samples,)
    l1_penalty : float >= 0
        λ (the book's scale: scikit-learn's ``alpha`` is λ / (2 n_samples)).
    tolerance : float > 0, default 1e-8
        Stop after the first sweep whose largest :math:`|\Delta w_j|` is below this. It is in the
        units of the weights (of y per unit of feature), so scale it to your data.
    max_sweeps : int >= 1, default 10000
        The budget of whole sweeps.
    w0 : array_like of shape (n_features,), optional
        Warm start; zeros by default. Ignored when λ ≥ λ_max.
    unpenalized : tuple of int, default ()
        Columns never penalized (the UW course's intercept is ``unpenalized=(0,)``).

    Returns
    -------
    SolverResult
        ``n_iterations`` counts sweeps; ``converged`` is False, with a
        :class:`ConvergenceWarning`, if ``max_sweeps`` ran out first.

    See the book's chapters 4 (the algorithm) and 5 (raw features).
    """
    H, y = check_data(H, y)
    l1_penalty = check_penalty(l1_penalty, "l1_penalty")
    tolerance = check_positive(tolerance, "tolerance")
    max_sweeps = check_positive_int(max_sweeps, "max_sweeps")
    penalized = check_unpenalized(unpenalized, H.shape[1])
    w0 = None if w0 is None else check_weights(w0, H.shape[1], "w0")
    return _solve(np.asfortranarray(H), y, l1_penalty, tolerance, max_sweeps, w0, penalized)


def _zero_result(w_zero, residual_zero):
    """The answer for λ ≥ λ_max: every penalized weight exactly 0, the unpenalized ones fitted."""
    return SolverResult(
        weights=w_zero.copy(),
        converged=True,
        n_iterations=0,
        objective_history=np.array([residual_zero @ residual_zero]),
        max_step_history=np.zeros(0),
        solver="lasso_coordinate_descent",
    )


def _solve(H, y, l1_penalty, tolerance, max_sweeps, w0, penalized, zero_fit=None, z=None, warn=True):
    """The solver behind the validation: H Fortran-ordered, arguments already checked.

    ``zero_fit`` (the unpenalized fit and its λ_max) and ``z`` may be passed in by the path
    solver, which computes them once for all penalties.
    """
    if zero_fit is None:
        w_zero, residual_zero = _unpenalized_fit(H, y, penalized)
        zero_fit = (w_zero, residual_zero, _lambda_max(H, penalized, residual_zero))
    w_zero, residual_zero, lam_max = zero_fit
    if l1_penalty >= lam_max:
        return _zero_result(w_zero, residual_zero)

    if z is None:
        z = np.einsum("ij,ij->j", H, H)
    w = np.zeros(H.shape[1]) if w0 is None else w0.copy()
    w[z == 0.0] = 0.0
    residual = y - H @ w if w.any() else y.copy()
    # The histories grow in chunks (64, 128, 256, ... sweeps, each run continuing where the last
    # stopped: the iterates are those of one call), so that memory follows the sweeps actually run,
    # not the budget.
    objective_chunks = [np.array([residual @ residual + l1_penalty * np.sum(np.abs(w[penalized]))])]
    step_chunks = []
    n_sweeps, converged, chunk = 0, False, 64
    while not converged and n_sweeps < max_sweeps:
        budget = min(chunk, max_sweeps - n_sweeps)
        objective_history = np.empty(budget + 1)
        max_step_history = np.empty(budget)
        done, converged = coordinate_descent_sweeps(
            H, w, residual, z, penalized, l1_penalty, tolerance, budget,
            objective_history, max_step_history,
        )
        objective_chunks.append(objective_history[1 : done + 1])
        step_chunks.append(max_step_history[:done])
        n_sweeps += done
        chunk *= 2
    objective_history = np.concatenate(objective_chunks)
    max_step_history = np.concatenate(step_chunks)
    if not converged and warn:
        warnings.warn(
            f"lasso_coordinate_descent did not converge in {max_sweeps} sweeps at l1_penalty "
            f"{l1_penalty:g} (last largest step {max_step_history[n_sweeps - 1]:.3g} >= tolerance "
            f"{tolerance:g}); raise max_sweeps or tolerance",
            ConvergenceWarning,
            stacklevel=3,
        )
    return SolverResult(
        weights=w,
        converged=bool(converged),
        n_iterations=int(n_sweeps),
        objective_history=objective_history,
        max_step_history=max_step_history,
        solver="lasso_coordinate_descent",
    )
