r"""Chapter 4 — soft thresholding, λ_max, and the three regimes.

Setting 0 in the coordinate subdifferential (chapter 3) and solving case by case gives, for
normalized features,

.. math::
    \hat w_j = S(\rho_j, \lambda) = \begin{cases}
        \rho_j + \lambda/2 & \rho_j < -\lambda/2 \\
        0 & -\lambda/2 \le \rho_j \le \lambda/2 \\
        \rho_j - \lambda/2 & \rho_j > \lambda/2
    \end{cases}
    \;=\; \operatorname{sign}(\rho_j)\,\max(|\rho_j| - \lambda/2,\, 0).

At w = 0 every :math:`\rho_j` is :math:`h_j^\top r_0`, so all penalized weights are 0 exactly
when :math:`\lambda \ge \lambda_{\max} = 2 \max_j |h_j^\top r_0|`.
"""

import numpy as np

from ._validation import check_array, check_data, check_penalty, check_unpenalized

__all__ = ["soft_threshold", "lambda_max", "regime", "unpenalized_fit"]


def soft_threshold(rho, l1_penalty):
    r"""The soft-threshold operator with threshold λ/2, the lasso's coordinate update.

    .. math:: S(\rho, \lambda) = \operatorname{sign}(\rho)\,\max(|\rho| - \lambda/2,\, 0)

    It is the minimizer over w of :math:`(w - \rho)^2 + \lambda |w|`.

    Parameters
    ----------
    rho : float or array_like
        ρ_j (finite).
    l1_penalty : float >= 0
        λ.

    Returns
    -------
    float or ndarray of the shape of ``rho``
        Exactly 0.0 wherever :math:`|\rho| \le \lambda/2`, the boundary included.

    Examples
    --------
    >>> soft_threshold([-2.0, -0.5, 0.5, 3.0], 1.0)
    array([-1.5,  0. ,  0. ,  2.5])

    See the book's chapter 4.
    """
    l1_penalty = check_penalty(l1_penalty, "l1_penalty")
    scalar = np.ndim(rho) == 0
    rho = check_array(rho, "rho")
    if not np.all(np.isfinite(rho)):
        raise ValueError("rho contains NaN or inf; soft_threshold needs finite values")
    half = l1_penalty / 2.0
    out = np.where(rho > half, rho - half, np.where(rho < -half, rho + half, 0.0))
    return float(out) if scalar else out


def unpenalized_fit(H, y, *, unpenalized=()):
    r"""Least squares on the unpenalized columns alone: the starting point of every lasso.

    Returns the weights (zero on penalized columns) and the residual :math:`r_0 = y - H w`.
    With only the constant column unpenalized, :math:`r_0 = y - \bar y`; with none, :math:`r_0 = y`.

    Returns
    -------
    w : ndarray of shape (n_features,)
    residual : ndarray of shape (n_samples,)
    """
    H, y = check_data(H, y)
    penalized = check_unpenalized(unpenalized, H.shape[1])
    return _unpenalized_fit(H, y, penalized)


def _unpenalized_fit(H, y, penalized):
    w = np.zeros(H.shape[1])
    if np.all(penalized):  # nothing to fit: r_0 = y, without a pass over H
        return w, y.copy()
    w_u, *_ = np.linalg.lstsq(H[:, ~penalized], y, rcond=None)
    w[~penalized] = w_u
    return w, y - H @ w


def _lambda_max(H, penalized, residual, correlation=False):
    r"""λ_max of the residual; with ``correlation=True`` also :math:`H^\top r` (None when no
    pass over H was needed), which the solvers reuse as their first KKT statistic."""
    if not np.any(penalized):
        return (0.0, None) if correlation else 0.0
    # Scale the residual by a power of two (exact) so that H^T r cannot overflow when both are
    # large, and do not copy H when every column is penalized.
    largest = float(np.max(np.abs(residual)))
    if largest == 0.0:
        return (0.0, None) if correlation else 0.0
    shift = -int(np.frexp(largest)[1])
    scaled = H.T @ np.ldexp(residual, shift)
    lam_max = float(np.ldexp(2.0 * np.max(np.abs(scaled[penalized])), -shift))
    if not correlation:
        return lam_max
    # Multiplying by 2^-shift undoes the scaling exactly (barring overflow, or underflow into
    # subnormals, where H.T @ residual itself would be the less accurate of the two).
    return lam_max, np.ldexp(scaled, -shift)


def _at_or_above(l1_penalty, lam_max):
    """λ ≥ λ_max, up to the last bits in which two computations of λ_max may differ.

    λ_max is a sum of n products, whose rounding depends on the memory layout BLAS sees; a λ
    computed from ``lambda_max(H, y)`` on a C-ordered copy may then fall one ulp below the
    solver's own. Within 1e-12 of λ_max the exact zero answer is optimal to far better than any
    tolerance (its certificate is reported), so it is returned.
    """
    return l1_penalty >= lam_max * (1.0 - 1e-12)


def lambda_max(H, y, *, unpenalized=()):
    r"""The smallest λ at which every penalized weight of the lasso is 0.

    .. math:: \lambda_{\max} = 2 \max_{j \notin U} |h_j^\top r_0| ,

    where :math:`r_0` is the residual of least squares on the unpenalized columns U alone
    (:math:`y - \bar y` when U holds just the constant column). It holds for normalized and raw
    columns alike: the zero solution satisfies the KKT condition exactly when
    :math:`|\rho_j| = |h_j^\top r_0| \le \lambda/2` for every penalized j.

    It is computed as every solver of the library computes it, so that a fit at
    ``lambda_max(H, y, unpenalized=U)`` has every penalized weight exactly 0.0 whichever solver
    makes it: when a penalized column has a component along the unpenalized ones above 1e-6 of
    its norm (a feature with a large mean, and an intercept), on the columns and y projected
    off the unpenalized columns. The formula gives the same number in exact arithmetic, but in
    floating point :math:`r_0` is orthogonal to the unpenalized columns only to rounding, and
    the column's component along them multiplies that rounding: on 300 small problems with
    means up to 1e4 and an intercept, computed directly it was up to 1.2e-5 (relative) from the
    exact λ_max of the floats, and is at most 3.3e-11 computed this way
    (``tests/test_lambda_max_projected.py``; on y = offset + noise with an intercept, at most
    2.2e-14 for offsets up to 1e8 and noise down to 1e-6). It is computed on H in Fortran
    order, as the solvers read it (a product's last bits depend on the layout). On data the
    solvers refuse (y or H's columns in units whose squares float64 cannot hold), the formula
    as written.

    Parameters
    ----------
    H : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,)
    unpenalized : tuple of int, default ()

    Returns
    -------
    float
        0.0 when no column is penalized.

    See the book's chapter 4.
    """
    from .coordinate_descent import _projected_lambda_max  # (it imports this module)

    H, y = check_data(H, y)
    penalized = check_unpenalized(unpenalized, H.shape[1])
    # (in Fortran order, as the solvers read H: a product's last bits depend on the layout)
    H = np.asfortranarray(H)
    try:
        return _projected_lambda_max(H, y, penalized)
    except ValueError:
        # data the solvers refuse (y or H's columns in units whose squares float64 cannot
        # hold): the formula as written, with y scaled by a power of two
        return _lambda_max(H, penalized, _unpenalized_fit(H, y, penalized)[1])


def regime(l1_penalty, lambda_max):
    r"""Name the regime λ puts the model in.

    Returns ``"linear regression"`` for λ = 0, ``"lasso"`` for 0 < λ < λ_max and ``"all zero"``
    for λ ≥ λ_max (when λ_max = 0, every λ > 0 is "all zero"). As the solvers decide it: a λ
    within 1e-12 (relative) below λ_max is "all zero" too, since the solvers return the zero
    answer there (its excess is far below any tolerance).

    Parameters
    ----------
    l1_penalty : float >= 0
    lambda_max : float >= 0
        From :func:`lambda_max`.

    Returns
    -------
    str

    See the book's chapter 4, the three regimes.
    """
    l1_penalty = check_penalty(l1_penalty, "l1_penalty")
    lambda_max = check_penalty(lambda_max, "lambda_max")
    if l1_penalty == 0.0:
        return "linear regression"
    if not _at_or_above(l1_penalty, lambda_max):  # (as the solvers decide it)
        return "lasso"
    return "all zero"
