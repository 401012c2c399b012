r"""Chapter 6 — the regularization path, and choosing λ on held-out data.

The path solves the lasso for a decreasing grid of penalties starting at :math:`\lambda_{\max}`
(where every penalized weight is 0), each fit warm-started from the previous one, so that each
costs only a few sweeps.
"""

import warnings

import numpy as np

from ._result import ConvergenceWarning
from ._validation import (
    check_data,
    check_penalty,
    check_positive,
    check_positive_int,
    check_unpenalized,
)
from .coordinate_descent import _solve
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
        Passed to each coordinate-descent fit (see :func:`lasso_coordinate_descent`).
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
        Only with ``return_results=True``.

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

    z = np.einsum("ij,ij->j", H, H)
    zero_fit = (w_zero, residual_zero, lam_max)
    weights = np.empty((l1_penalties.size, H.shape[1]))
    results = []
    w = None
    for k, lam in enumerate(l1_penalties):
        result = _solve(H, y, float(lam), tolerance, max_sweeps, w, penalized, zero_fit, z, warn=False)
        w = result.weights
        weights[k] = w
        results.append(result)
    failed = [float(lam) for lam, r in zip(l1_penalties, results) if not r.converged]
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


def cross_validate(H, y, l1_penalties, *, n_folds=5, seed=0, unpenalized=(), tolerance=1e-8):
    r"""K-fold cross-validation of the lasso along a path of penalties.

    The rows are shuffled once with ``seed`` and cut into ``n_folds`` folds; for each fold the
    path is fitted on the other folds and the mean squared error is measured on it. Note that λ
    is on the scale of the training RSS, which has (K−1)/K of the rows.

    Parameters
    ----------
    H : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,)
    l1_penalties : array_like of float >= 0
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
    check_unpenalized(unpenalized, H.shape[1])
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
