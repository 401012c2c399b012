r"""Chapter 5 — the unnormalized case: the update with z_j, and what normalizing changes.

With raw columns, :math:`\partial\mathrm{RSS}/\partial w_j = -2\rho_j + 2 z_j w_j` with

.. math:: z_j = \sum_i h_j(x_i)^2 = Z_j^2

(the *square* of chapter 2's norm :math:`Z_j`), so the coordinate minimizer of the lasso is

.. math::
    \hat w_j = \begin{cases}
        (\rho_j + \lambda/2)/z_j & \rho_j < -\lambda/2 \\
        0 & |\rho_j| \le \lambda/2 \\
        (\rho_j - \lambda/2)/z_j & \rho_j > \lambda/2 .
    \end{cases}

A lasso on normalized columns :math:`\bar h_j = h_j / Z_j` is a different problem: with
:math:`w_{\mathrm{raw},j} = \bar w_j / Z_j` it is the *weighted* lasso
:math:`\mathrm{RSS} + \lambda \sum_j Z_j |w_{\mathrm{raw},j}|`.
"""

import numpy as np

from ._validation import (
    check_array,
    check_data,
    check_index,
    check_penalty,
    check_unpenalized,
    check_vector,
    check_weights,
)
from .normalization import rho as _rho
from .soft_threshold import soft_threshold

__all__ = [
    "coordinate_update",
    "normalized_to_raw_weights",
    "raw_to_normalized_weights",
    "weighted_lasso_objective",
]


def coordinate_update(H, y, w, j, l1_penalty, *, unpenalized=()):
    r"""One coordinate-descent update: the minimizer of the lasso objective along coordinate j.

    .. math:: \hat w_j = S(\rho_j, \lambda) / z_j, \qquad z_j = \sum_i h_j(x_i)^2 ,

    with S the soft threshold of chapter 4 (for an unpenalized column, :math:`\rho_j / z_j`;
    for a column of zeros, 0). With normalized columns :math:`z_j = 1`.

    Parameters
    ----------
    H : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,)
    w : array_like of shape (n_features,)
        Current weights (not modified).
    j : int
        The coordinate, 0 .. n_features - 1.
    l1_penalty : float >= 0
    unpenalized : tuple of int, default ()

    Returns
    -------
    float
        The new value of :math:`w_j`.

    Examples
    --------
    The UW course's check (normalized features, λ = 0.1):

    >>> import numpy as np
    >>> H = np.array([[3 / np.sqrt(13), 1 / np.sqrt(10)], [2 / np.sqrt(13), 3 / np.sqrt(10)]])
    >>> round(coordinate_update(H, [1.0, 1.0], [1.0, 4.0], 1, 0.1), 12)
    0.425558846691

    See the book's chapter 5.
    """
    H, y = check_data(H, y)
    w = check_weights(w, H.shape[1])
    j = check_index(j, H.shape[1], "j")
    l1_penalty = check_penalty(l1_penalty, "l1_penalty")
    penalized = check_unpenalized(unpenalized, H.shape[1])
    z_j = float(H[:, j] @ H[:, j])
    if z_j == 0.0:
        return 0.0
    rho_j = _rho(H, y, w, j)
    if not penalized[j]:
        return rho_j / z_j
    return soft_threshold(rho_j, l1_penalty) / z_j


def _check_norms(norms, n_features, length_name="the number of columns of H"):
    norms = check_vector(norms, n_features, "norms", length_name)
    if np.any(norms <= 0):
        raise ValueError("norms must all be > 0; pass the norms returned by normalize_features")
    return norms


def normalized_to_raw_weights(w_normalized, norms):
    r"""Map weights fitted on normalized columns back to raw columns: :math:`w_{\mathrm{raw},j} = \bar w_j / Z_j`.

    Predictions agree: :math:`\bar H \bar w = H w_{\mathrm{raw}}`.
    """
    w_normalized = check_array(w_normalized, "w_normalized")
    if w_normalized.ndim != 1 or w_normalized.size == 0:
        raise ValueError(f"w_normalized must be a non-empty 1-D array, got shape {w_normalized.shape}")
    w_normalized = check_weights(w_normalized, w_normalized.size, "w_normalized")
    return w_normalized / _check_norms(norms, w_normalized.size, "the length of w_normalized")


def raw_to_normalized_weights(w_raw, norms):
    r"""The inverse map: :math:`\bar w_j = Z_j\, w_{\mathrm{raw},j}`."""
    w_raw = check_array(w_raw, "w_raw")
    if w_raw.ndim != 1 or w_raw.size == 0:
        raise ValueError(f"w_raw must be a non-empty 1-D array, got shape {w_raw.shape}")
    w_raw = check_weights(w_raw, w_raw.size, "w_raw")
    return w_raw * _check_norms(norms, w_raw.size, "the length of w_raw")


def weighted_lasso_objective(H, y, w, l1_penalty, penalty_weights, *, unpenalized=()):
    r"""The weighted lasso :math:`\mathrm{RSS}(w) + \lambda \sum_{j \notin U} c_j |w_j|` with weights :math:`c_j \ge 0`.

    With :math:`c_j = Z_j` it is the lasso on normalized features, written in raw weights.
    """
    H, y = check_data(H, y)
    w = check_weights(w, H.shape[1])
    l1_penalty = check_penalty(l1_penalty, "l1_penalty")
    c = check_weights(penalty_weights, H.shape[1], "penalty_weights")
    if np.any(c < 0):
        raise ValueError("penalty_weights must all be >= 0")
    penalized = check_unpenalized(unpenalized, H.shape[1])
    residual = y - H @ w
    return float(residual @ residual + l1_penalty * np.sum(c[penalized] * np.abs(w[penalized])))
