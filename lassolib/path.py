r"""Chapter 6 — the regularization path, and choosing λ on held-out data.

The path solves the lasso for a decreasing grid of penalties starting at :math:`\lambda_{\max}`
(where every penalized weight is 0), each fit warm-started from the previous one, so that each
costs only a few sweeps.

Along a path most weights are 0 and stay 0, so the path solver sweeps only the active
coordinates (the nonzero ones), in covariance form (:func:`gram_coordinate_descent_sweeps`:
the same cyclic update with :math:`\rho_j` from the Gram matrix instead of the residual), and
checks the KKT condition of all the others in one vectorized step before it accepts a fit; see
:func:`_active_set_path`. The answers are those of :func:`lasso_coordinate_descent` to the same
stopping rule.
"""

import warnings

import numpy as np

from ._result import ConvergenceWarning, SolverResult
from ._validation import (
    check_data,
    check_penalty,
    check_positive,
    check_positive_int,
    check_unpenalized,
)
from .coordinate_descent import _zero_result, gram_coordinate_descent_sweeps
from .soft_threshold import _lambda_max, _unpenalized_fit

__all__ = ["penalty_grid", "lasso_path", "cross_validate"]


def penalty_grid(lambda_max, *, n_penalties=100, min_ratio=1e-3):
    r"""A decreasing, log-spaced grid from :math:`\lambda_{\max}` down to ``min_ratio`` · :math:`\lambda_{\max}`.

    Returns an ndarray of shape (n_penalties,). With λ_max = 0 it is all zeros.
    """
    lambda_max = check_penalty(lambda_max, "lambda_max")
    n_penalties = check_positive_int(n_penalties, "n_penalties")
    min_ratio = check_positive(min_ratio, "min_ratio")
    if min_ratio >= 1:
        raise ValueError(f"min_ratio must be in (0, 1), got {min_ratio}")
    return lambda_max * np.logspace(0.0, np.log10(min_ratio), n_penalties)


def lasso_path(
    H,
    y,
    l1_penalties=None,
    *,
    n_penalties=100,
    min_ratio=1e-3,
    tolerance=1e-8,
    max_sweeps=10_000,
    unpenalized=(),
    return_results=False,
):
    r"""The lasso solution for every λ on a decreasing grid, warm-started.

    Parameters
    ----------
    H : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,)
    l1_penalties : array_like of float >= 0, optional
        The penalties; they are solved and returned in decreasing order. By default
        :func:`penalty_grid` from :math:`\lambda_{\max}` (so the first row is all-zero on the
        penalized columns).
    n_penalties, min_ratio : int, float
        The default grid's size and its smallest λ relative to λ_max.
    tolerance, max_sweeps :
        The stopping rule and budget of each fit, as in :func:`lasso_coordinate_descent`: a fit
        stops after a sweep whose largest :math:`|\Delta w_j|` is below ``tolerance`` (default
        1e-8, in the units of the weights) and whose other coordinates pass the KKT check.
        Here a sweep visits the active coordinates (see the module docstring), and
        ``max_sweeps`` bounds the sweeps of each fit.
    unpenalized : tuple of int, default ()
    return_results : bool, default False
        Also return the list of :class:`SolverResult`, one per penalty.

    Returns
    -------
    l1_penalties : ndarray of shape (n_penalties,)
        Decreasing.
    weights : ndarray of shape (n_penalties, n_features)
        Row k is the solution at ``l1_penalties[k]``.
    results : list of SolverResult
        Only with ``return_results=True``; ``n_iterations`` counts sweeps over the active set.

    See the book's chapter 6.
    """
    H, y = check_data(H, y)
    tolerance = check_positive(tolerance, "tolerance")
    max_sweeps = check_positive_int(max_sweeps, "max_sweeps")
    penalized = check_unpenalized(unpenalized, H.shape[1])
    H = np.asfortranarray(H)
    w_zero, residual_zero = _unpenalized_fit(H, y, penalized)
    lam_max = _lambda_max(H, penalized, residual_zero)
    if l1_penalties is None:
        l1_penalties = penalty_grid(lam_max, n_penalties=n_penalties, min_ratio=min_ratio)
    else:
        l1_penalties = np.array(l1_penalties, dtype=np.float64)
        if l1_penalties.ndim != 1 or l1_penalties.size == 0:
            raise ValueError(
                f"l1_penalties must be a non-empty 1-D array, got shape {l1_penalties.shape}"
            )
        if not np.all(np.isfinite(l1_penalties)) or np.any(l1_penalties < 0):
            raise ValueError("l1_penalties must all be finite and >= 0")
        l1_penalties = np.sort(l1_penalties)[::-1].copy()

    weights, converged, results = _active_set_path(
        H, y, l1_penalties, tolerance, max_sweeps, penalized, w_zero, residual_zero, lam_max,
        keep_history=return_results,
    )
    failed = [float(lam) for lam in l1_penalties[~converged]]
    if failed:
        warnings.warn(
            f"lasso_path: {len(failed)} of {l1_penalties.size} fits did not converge in "
            f"{max_sweeps} sweeps (l1_penalties {failed[:5]}{' …' if len(failed) > 5 else ''}); "
            "raise max_sweeps or tolerance",
            ConvergenceWarning,
            stacklevel=2,
        )
    if return_results:
        return l1_penalties, weights, results
    return l1_penalties, weights


def cross_validate(
    H, y, l1_penalties=None, *, n_folds=5, seed=0, unpenalized=(), tolerance=1e-8,
    n_penalties=100, min_ratio=1e-3,
):
    r"""K-fold cross-validation of the lasso along a path of penalties.

    The rows are shuffled once with ``seed`` and cut into ``n_folds`` folds; for each fold the
    path is fitted on the other folds and the mean squared error is measured on it. Note that λ
    is on the scale of the training RSS, which has (K−1)/K of the rows.

    Parameters
    ----------
    H : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,)
    l1_penalties : array_like of float >= 0, optional
        One grid for every fold. By default :func:`penalty_grid` from the λ_max of the *whole*
        data (``n_penalties`` values down to ``min_ratio`` · λ_max), so every fold is scored
        at the same penalties.
    n_folds : int >= 2, default 5
    seed : int, default 0
    unpenalized : tuple of int, default ()
    tolerance : float > 0, default 1e-8

    Returns
    -------
    l1_penalties : ndarray of shape (n_penalties,)
        Decreasing.
    mse : ndarray of shape (n_folds, n_penalties)
        Held-out mean squared error of each fold at each penalty.

    See the book's chapter 6.
    """
    H, y = check_data(H, y)
    n_folds = check_positive_int(n_folds, "n_folds")
    if not 2 <= n_folds <= H.shape[0]:
        raise ValueError(f"n_folds must be between 2 and n_samples = {H.shape[0]}, got {n_folds}")
    penalized = check_unpenalized(unpenalized, H.shape[1])
    if l1_penalties is None:
        _, residual_zero = _unpenalized_fit(H, y, penalized)
        l1_penalties = penalty_grid(
            _lambda_max(H, penalized, residual_zero), n_penalties=n_penalties, min_ratio=min_ratio
        )
    order = np.random.default_rng(seed).permutation(H.shape[0])
    folds = np.array_split(order, n_folds)
    mse = []
    penalties = None
    for held_out in folds:
        train = np.setdiff1d(order, held_out)
        penalties, weights = lasso_path(
            H[train], y[train], l1_penalties, unpenalized=unpenalized, tolerance=tolerance
        )
        errors = y[held_out][None, :] - weights @ H[held_out].T
        mse.append(np.mean(errors**2, axis=1))
    return penalties, np.array(mse)


class _Gram:
    r"""The Gram matrix :math:`G = H^\top H` of the features the path needs, computed once each.

    With n_samples >= n_features the whole of G is computed at the start (D×D, at most the size
    of H). Otherwise G is kept only over the features that have ever been active, grown in
    blocks when features first enter (:math:`H^\top H_{:,V}`, O(nD) per feature): on a sparse
    path that is a small corner of the D×D matrix. ``slot[j]`` is the row and column of ``G``
    holding feature j, or −1.
    """

    def __init__(self, H, y):
        self.H = H
        self.y = y
        self.Hty = H.T @ y
        n_samples, n_features = H.shape
        self.full = n_samples >= n_features
        if self.full:
            self.G = H.T @ H
            self.slot = np.arange(n_features)
            self.size = n_features
        else:
            self.G = np.empty((0, 0))
            self.slot = np.full(n_features, -1)
            self.features = np.empty(0, dtype=np.intp)  # the feature held in each slot
            self.size = 0

    def slots(self, features):
        """The slots of ``features`` (an increasing index array), computing missing entries of G."""
        new = features[self.slot[features] < 0]
        if new.size:
            old, need = self.size, self.size + new.size
            block = self.H.T @ self.H[:, new]  # G[:, new], D × |new|
            if need > self.G.shape[0]:
                capacity = min(self.H.shape[1], max(need, old + old // 4))
                grown = np.empty((capacity, capacity))
                grown[:old, :old] = self.G[:old, :old]
                self.G = grown
            self.G[:old, old:need] = block[self.features]
            self.G[old:need, :old] = self.G[:old, old:need].T
            self.G[old:need, old:need] = block[new]
            self.slot[new] = np.arange(old, need)
            self.features = np.concatenate([self.features, new])
            self.size = need
        return self.slot[features]

    def correlation(self, w):
        r""":math:`H^\top (y - Hw)` for every feature: O(D²) with the whole G, else O(nD)."""
        if self.full:
            return self.Hty - self.G @ w
        return self.H.T @ (self.y - self.H @ w)


def _active_set_path(
    H, y, l1_penalties, tolerance, max_sweeps, penalized, w_zero, residual_zero, lam_max, keep_history=True
):
    r"""Solve the lasso at each penalty (decreasing), warm-started, by active-set Gram sweeps.

    At each λ: the active set A holds the unpenalized columns, the nonzero weights of the
    warm start and the coordinates whose KKT condition the warm start violates at λ.
    :func:`gram_coordinate_descent_sweeps` runs on the sub-problem of A alone (its Gram block
    :math:`G_{AA}`, a copy of at most |A|² numbers per round, never of H) until a sweep's largest :math:`|\Delta w_j|` is below
    ``tolerance``; then one vectorized KKT check over every other coordinate,
    :math:`|h_j^\top r| = |(H^\top y)_j - (Gw)_j| \le \lambda/2`, which says that a sweep
    over them would leave each at exactly 0. Coordinates that fail it join A and the sweeps
    resume; when none fails, w is the answer of the whole problem, to the same stopping rule.
    For λ ≥ λ_max the answer is the exact all-zero (unpenalized-fit) solution, as in
    :func:`lasso_coordinate_descent`.

    Returns the weights (K, D), whether each fit converged (K,), and (with ``keep_history``,
    else an empty list) one :class:`SolverResult` per penalty, whose ``n_iterations`` counts the
    sweeps over the active set. Without the histories the memory stays that of H and the output.
    """
    n_features = H.shape[1]
    gram = None  # built at the first λ below λ_max
    unpenalized = ~penalized
    weights = np.empty((l1_penalties.size, n_features))
    converged_flags = np.zeros(l1_penalties.size, dtype=bool)
    results = []
    w = w_zero.copy()
    for k, lam in enumerate(l1_penalties):
        lam = float(lam)
        if lam >= lam_max:
            w = w_zero.copy()
            weights[k] = w
            converged_flags[k] = True
            if keep_history:
                results.append(_zero_result(w_zero, residual_zero))
            continue
        if gram is None:
            gram = _Gram(H, y)
            Hty = gram.Hty
            yty = float(y @ y)
            correlation = H.T @ residual_zero  # h_j^T r at the current w, for every j
        # Start from the warm start's nonzeros and the coordinates that violate the KKT
        # condition there (the check that ended the previous penalty's fit, redone at λ).
        active = np.flatnonzero((w != 0.0) | unpenalized | (np.abs(correlation) > lam / 2.0))
        objective_chunks = [None]
        step_chunks = []
        n_sweeps = 0
        converged = False
        chunk = 16
        while True:
            slots = gram.slots(active)
            G_active = gram.G[np.ix_(slots, slots)]
            Hty_active = Hty[active]
            w_active = w[active]
            Gw_active = G_active @ w_active
            penalized_active = penalized[active]
            sub_converged = False
            while n_sweeps < max_sweeps:
                budget = min(chunk, max_sweeps - n_sweeps)
                objective_history = np.empty(budget + 1)
                max_step_history = np.empty(budget)
                if keep_history and objective_chunks[0] is None:
                    objective_chunks[0] = np.array(
                        [yty - 2.0 * w_active @ Hty_active + w_active @ Gw_active
                         + lam * np.sum(np.abs(w_active[penalized_active]))]
                    )
                done, sub_converged = gram_coordinate_descent_sweeps(
                    G_active, Hty_active, yty, w_active, Gw_active, penalized_active, lam,
                    tolerance, budget, objective_history, max_step_history,
                )
                if keep_history:
                    objective_chunks.append(objective_history[1 : done + 1])
                    step_chunks.append(max_step_history[:done])
                n_sweeps += done
                chunk *= 2
                if sub_converged:
                    break
            w[active] = w_active
            G_active = None  # released before the Gram matrix may grow
            if not sub_converged:
                break
            # KKT check of the coordinates outside A (their weights are 0).
            correlation = gram.correlation(w)
            violators = penalized & (np.abs(correlation) > lam / 2.0)
            violators[active] = False
            if not violators.any():
                converged = True
                break
            violators[active] = True
            active = np.flatnonzero(violators)
        weights[k] = w
        converged_flags[k] = converged
        if keep_history:
            results.append(
                SolverResult(
                    weights=w.copy(),
                    converged=converged,
                    n_iterations=n_sweeps,
                    objective_history=np.concatenate(objective_chunks),
                    max_step_history=np.concatenate(step_chunks) if step_chunks else np.zeros(0),
                    solver="lasso_coordinate_descent",
                )
            )
    return weights, converged_flags, results
