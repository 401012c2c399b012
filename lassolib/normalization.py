r"""Chapter 2 — normalizing features, and the coordinate minimizer of the RSS.

With the norm of each column

.. math:: Z_j = \sqrt{\textstyle\sum_{i=1}^{N} h_j(x_i)^2}, \qquad
          \bar h_j(x_k) = h_j(x_k) / Z_j ,

every normalized column has :math:`\sum_i \bar h_j(x_i)^2 = 1`, and the partial derivative of the
RSS along one coordinate becomes :math:`-2\rho_j + 2 w_j` with

.. math:: \rho_j = \sum_{i} \bar h_j(x_i)\,\bigl(y_i - \hat y_i(w_{-j})\bigr), \qquad
          \hat y_i(w_{-j}) = \sum_{k \ne j} w_k \bar h_k(x_i) ,

so the RSS is minimized along coordinate j at :math:`\hat w_j = \rho_j`.
"""

import numpy as np

from ._validation import check_data, check_index, check_matrix, check_weights

__all__ = ["normalize_features", "apply_normalization", "rho"]


def normalize_features(H):
    r"""Divide every column by its Euclidean norm.

    .. math:: Z_j = \sqrt{\textstyle\sum_i h_j(x_i)^2}, \qquad \bar H[:, j] = H[:, j] / Z_j

    Parameters
    ----------
    H : array_like of shape (n_samples, n_features)
        Training features. A column of zeros has no norm to divide by and is rejected.

    Returns
    -------
    H_normalized : ndarray of shape (n_samples, n_features)
        Columns of unit norm.
    norms : ndarray of shape (n_features,)
        :math:`Z_j`. Normalize test data with these *training* norms:
        ``apply_normalization(H_test, norms)``.

    Examples
    --------
    >>> H_normalized, norms = normalize_features([[3., 6., 9.], [4., 8., 12.]])
    >>> norms
    array([ 5., 10., 15.])

    See the book's chapter 2.
    """
    H = check_matrix(H, "H")
    # Scale each column by its largest entry before squaring, so that the norm neither
    # overflows (|H| ≳ 1e154) nor underflows (|H| ≲ 1e-154).
    largest = np.max(np.abs(H), axis=0)
    safe = np.where(largest > 0.0, largest, 1.0)
    norms = largest * np.sqrt(np.sum((H / safe) ** 2, axis=0))
    zero = np.flatnonzero(norms == 0.0)
    if zero.size:
        raise ValueError(
            f"H has a zero-norm column (column {zero[0]} is all zeros) that cannot be normalized; "
            "drop that column before normalizing"
        )
    return H / norms, norms


def apply_normalization(H, norms):
    r"""Normalize (test) features with norms computed on the training data: :math:`H[:, j] / Z_j`.

    Parameters
    ----------
    H : array_like of shape (n_samples, n_features)
    norms : array_like of shape (n_features,)
        The training norms returned by :func:`normalize_features`; all must be > 0.

    Returns
    -------
    ndarray of shape (n_samples, n_features)
    """
    H = check_matrix(H, "H")
    norms = check_weights(norms, H.shape[1], "norms")
    if np.any(norms <= 0):
        raise ValueError(
            f"norms must all be > 0 (column {int(np.argmax(norms <= 0))} is not); "
            "pass the norms returned by normalize_features"
        )
    return H / norms


def rho(H, y, w, j):
    r"""The statistic :math:`\rho_j`: feature j's inner product with the partial residual.

    .. math:: \rho_j = \sum_{i=1}^{N} h_j(x_i)\,\bigl(y_i - \hat y_i(w_{-j})\bigr)
              = h_j^\top (y - Hw) + w_j\, h_j^\top h_j

    It is defined the same way for normalized and raw columns (chapter 5 uses it with raw ones).

    Parameters
    ----------
    H : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,)
    w : array_like of shape (n_features,)
    j : int
        Column index, 0 .. n_features - 1.

    Returns
    -------
    float

    See the book's chapter 2, definition of ρ_j.
    """
    H, y = check_data(H, y)
    w = check_weights(w, H.shape[1])
    j = check_index(j, H.shape[1], "j")
    h_j = H[:, j]
    partial_residual = y - H @ w + w[j] * h_j
    return float(h_j @ partial_residual)
