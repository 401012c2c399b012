r"""Chapter 1 — the L2 gradient: RSS, its gradient, ridge by closed form and by gradient descent.

The objective of ridge regression is

.. math::

    \mathrm{RSS}(w) + \lambda \lVert w \rVert_2^2
    = \sum_{i=1}^{N} \bigl(y_i - \textstyle\sum_j w_j h_j(x_i)\bigr)^2 + \lambda \sum_j w_j^2 ,

with the columns listed in ``unpenalized`` (the intercept, usually) left out of the penalty.
Everything here is differentiable; chapter 3 deals with the L1 norm, which is not.
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
)

__all__ = [
    "rss",
    "rss_gradient",
    "l2_penalty_gradient",
    "ridge_objective",
    "ridge_closed_form",
    "ridge_gradient_descent",
]


def rss(H, y, w):
    r"""Residual sum of squares.

    .. math:: \mathrm{RSS}(w) = \sum_{i=1}^{N} (y_i - \hat y_i(w))^2 = \lVert y - Hw \rVert_2^2

    Parameters
    ----------
    H : array_like of shape (n_samples, n_features)
        Feature matrix, ``H[i, j] = h_j(x_i)``.
    y : array_like of shape (n_samples,)
        Targets.
    w : array_like of shape (n_features,)
        Weights.

    Returns
    -------
    float

    See the book's chapter 1 (the L2 gradient).
    """
    H, y = check_data(H, y)
    w = check_weights(w, H.shape[1])
    return float(finite_or_refuse(lambda: squared_norm(y - H @ w), "RSS(w)"))


def rss_gradient(H, y, w):
    r"""Gradient of the RSS.

    .. math:: \frac{\partial\,\mathrm{RSS}}{\partial w_j} = -2 \sum_i h_j(x_i)\,(y_i - \hat y_i(w)),
              \qquad \nabla \mathrm{RSS}(w) = -2 H^\top (y - Hw)

    Parameters
    ----------
    H : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,)
    w : array_like of shape (n_features,)

    Returns
    -------
    ndarray of shape (n_features,)

    See the book's chapter 1, equation for ∂RSS/∂w_j.
    """
    H, y = check_data(H, y)
    w = check_weights(w, H.shape[1])
    return -2.0 * (H.T @ (y - H @ w))


def l2_penalty_gradient(w, l2_penalty, *, unpenalized=()):
    r"""Gradient of the L2 penalty: :math:`\partial(\lambda\lVert w\rVert_2^2)/\partial w_j = 2\lambda w_j`.

    Parameters
    ----------
    w : array_like of shape (n_features,)
    l2_penalty : float >= 0
        λ.
    unpenalized : tuple of int, default ()
        Columns whose weight is not penalized (their entry of the gradient is 0).

    Returns
    -------
    ndarray of shape (n_features,)

    See the book's chapter 1.
    """
    w = check_array(w, "w")
    if w.ndim != 1 or w.shape[0] == 0:
        raise ValueError(f"w must be a non-empty 1-D array, got shape {w.shape}")
    w = check_weights(w, w.shape[0])
    l2_penalty = check_penalty(l2_penalty, "l2_penalty")
    penalized = check_unpenalized(unpenalized, w.shape[0])
    return 2.0 * l2_penalty * np.where(penalized, w, 0.0)


def ridge_objective(H, y, w, l2_penalty, *, unpenalized=()):
    r"""Ridge objective :math:`\mathrm{RSS}(w) + \lambda \sum_{j \notin U} w_j^2` (U = ``unpenalized``)."""
    H, y = check_data(H, y)
    w = check_weights(w, H.shape[1])
    l2_penalty = check_penalty(l2_penalty, "l2_penalty")
    penalized = check_unpenalized(unpenalized, H.shape[1])
    return float(finite_or_refuse(
        lambda: squared_norm(y - H @ w) + l2_penalty * np.sum(w[penalized] ** 2), "the ridge objective"))


def ridge_closed_form(H, y, l2_penalty, *, unpenalized=()):
    r"""Ridge regression in closed form.

    .. math:: \hat w = (H^\top H + \lambda I_U)^{-1} H^\top y ,

    where :math:`I_U` is the identity with a 0 on the diagonal entry of every unpenalized column.
    It is computed stably as the least-squares solution of the stacked system
    :math:`\begin{bmatrix} H \\ \sqrt{\lambda} I_U \end{bmatrix} w \approx \begin{bmatrix} y \\ 0 \end{bmatrix}`;
    when that solution is not unique (λ = 0 with n < D, say) the minimum-norm one is returned.

    Parameters
    ----------
    H : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,)
    l2_penalty : float >= 0
        λ.
    unpenalized : tuple of int, default ()

    Returns
    -------
    ndarray of shape (n_features,)

    See the book's chapter 1, closed form.
    """
    H, y = check_data(H, y)
    l2_penalty = check_penalty(l2_penalty, "l2_penalty")
    penalized = check_unpenalized(unpenalized, H.shape[1])
    n_features = H.shape[1]
    stacked = np.vstack([H, np.sqrt(l2_penalty) * np.diag(penalized.astype(np.float64))])
    target = np.concatenate([y, np.zeros(n_features)])
    w, *_ = np.linalg.lstsq(stacked, target, rcond=None)
    return w


#: :func:`ridge_gradient_descent` reports a divergence when an iteration raises the objective by more
#: than this share of max(its starting value, ‖y‖², (Σ|w_j|‖h_j‖)²). Rounding raises it by about 1e-16 of that
#: (measured on the book's diabetes problem near its optimum: 9e-17); a step of 1.001 · 2/L
#: raises it by 6e-5 of that within 9 iterations.
_RISE_MARGIN = 1e-8

# Above this size of the smaller Gram matrix (HHᵀ or HᵀH), _curvature_bound iterates instead.
_EXACT_GRAM_SIZE = 500
_POWER_ITERATIONS = 200


def _curvature_bound(H, l2_penalty, penalized):
    r"""L = 2 σ_max(HᵀH) + 2λ: an upper bound on the curvature of the ridge objective.

    The Hessian of :math:`\mathrm{RSS}(w) + \lambda\sum_{j \notin U} w_j^2` is
    :math:`2H^\top H + 2\lambda P` (P the diagonal 0/1 mask of penalized columns), whose largest
    eigenvalue is at most L, with equality when every column is penalized or λ = 0. Gradient
    descent with a fixed step converges for step < 2/L.

    σ_max(HᵀH) is the largest eigenvalue of the *smaller* of HᵀH and HHᵀ (they share their
    nonzero eigenvalues), computed exactly when that matrix is at most 500 × 500 and by power
    iteration otherwise; H is scaled by its largest entry first, so huge or tiny entries neither
    overflow nor underflow. Never forms a D × D matrix for a wide H.

    ``H`` is a validated float64 matrix and ``penalized`` the boolean mask of
    :func:`~lassolib._validation.check_unpenalized`.
    """
    scale = float(np.max(np.abs(H)))
    if scale == 0.0:
        sigma = 0.0
    else:
        Hs = H / scale
        if min(Hs.shape) <= _EXACT_GRAM_SIZE:
            gram = Hs @ Hs.T if Hs.shape[0] <= Hs.shape[1] else Hs.T @ Hs
            sigma_scaled = float(np.linalg.eigvalsh(gram)[-1])
        else:
            v = np.ones(Hs.shape[1]) + np.linspace(0.0, 1.0, Hs.shape[1])  # not orthogonal to much
            v /= np.linalg.norm(v)
            sigma_scaled = 0.0
            for _ in range(_POWER_ITERATIONS):
                u = Hs.T @ (Hs @ v)
                norm = float(np.linalg.norm(u))
                if norm == 0.0:
                    break
                previous, sigma_scaled = sigma_scaled, float(v @ u)
                v = u / norm
                if abs(sigma_scaled - previous) <= 1e-6 * sigma_scaled:
                    break
        sigma = sigma_scaled * scale * scale  # may overflow to inf: then 2/L = 0, still true
    return 2.0 * sigma + (2.0 * l2_penalty if np.any(penalized) else 0.0)


def ridge_gradient_descent(
    H, y, l2_penalty, *, step_size, n_iterations, tolerance=1e-10, w0=None, unpenalized=()
):
    r"""Ridge regression by gradient descent, written as weight decay.

    Each iteration updates every weight at once,

    .. math:: w_j \leftarrow (1 - 2\eta\lambda)\, w_j + 2\eta \sum_i h_j(x_i)\,(y_i - \hat y_i(w)),

    which is :math:`w \leftarrow w - \eta\,(\nabla\mathrm{RSS}(w) + 2\lambda w)`: the penalty
    shrinks ("decays") each penalized weight by the factor :math:`1 - 2\eta\lambda` before the
    RSS step. Unpenalized columns skip the decay.

    Parameters
    ----------
    H : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,)
    l2_penalty : float >= 0
        λ.
    step_size : float > 0
        η. Converges when η < 2 / L, where L = 2 σ_max(HᵀH) + 2λ (largest eigenvalue of HᵀH,
        plus 2λ when a column is penalized) bounds the curvature.
    n_iterations : int >= 1
        The budget.
    tolerance : float > 0, default 1e-10
        Stop when the largest |Δw_j| of an iteration is below this (in the units of w).
    w0 : array_like of shape (n_features,), optional
        Starting weights; zeros by default.
    unpenalized : tuple of int, default ()

    Returns
    -------
    SolverResult
        ``converged`` is False (with a :class:`ConvergenceWarning`) if the budget ran out or the
        iterates diverged because ``step_size`` is too large. Divergence is detected as soon as
        an iteration raises the objective (beyond rounding): on this quadratic a step below 2/L
        never does, so the warning's advice (a smaller step) is then certain to be right.

    See the book's chapter 1, weight decay.
    """
    H, y = check_data(H, y)
    l2_penalty = check_penalty(l2_penalty, "l2_penalty")
    step_size = check_positive(step_size, "step_size")
    n_iterations = check_positive_int(n_iterations, "n_iterations")
    tolerance = check_positive(tolerance, "tolerance")
    penalized = check_unpenalized(unpenalized, H.shape[1])
    w = np.zeros(H.shape[1]) if w0 is None else check_start(H, y, w0)

    decay = np.where(penalized, 1.0 - 2.0 * step_size * l2_penalty, 1.0)

    def objective(w):
        residual = y - H @ w
        return residual @ residual + l2_penalty * np.sum(w[penalized] ** 2)

    with np.errstate(over="ignore"):  # (inf on data near overflow: then no evidence below)
        objectives = [objective(w)]
        # A step below 2/L lowers this quadratic objective whenever the gradient is not 0, so a
        # rise proves the step too large (the iterates then diverge); the margin is far above
        # rounding.
        scale = max(objectives[0], float(y @ y))
        norms = np.linalg.norm(H, axis=0)  # for the rounding of large, cancelling w
    steps = []
    converged = False
    diverged = False
    for _ in range(n_iterations):
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow here is a divergence
            w_new = decay * w + 2.0 * step_size * (H.T @ (y - H @ w))
            new_objective = objective(w_new)
            rise = new_objective - objectives[-1]  # (nan when both are inf: no evidence)
            # the objective's rounding grows with ‖y‖ + Σ|w_j|‖h_j‖ (weights that cancel)
            spread = float(np.abs(w) @ norms)
            rise_margin = _RISE_MARGIN * max(scale, spread * spread)
        if (not np.all(np.isfinite(w_new))
                or (not np.isfinite(new_objective) and np.isfinite(objectives[0]))
                or rise > rise_margin):
            diverged = True
            break
        steps.append(float(np.max(np.abs(w_new - w))))
        w = w_new
        objectives.append(new_objective)
        if steps[-1] < tolerance:
            converged = True
            break

    if diverged:
        lipschitz = _curvature_bound(H, l2_penalty, penalized)
        warnings.warn(
            f"ridge_gradient_descent diverged after {len(steps)} iterations (the objective "
            f"rose, which a step below 2/L never makes it do, L its largest curvature): "
            f"step_size {step_size:g} is too large. Gradient descent on this quadratic "
            f"converges for every step_size < 2/L̄ = {2.0 / lipschitz:.3g}, where "
            f"L̄ = 2 σ_max(HᵀH) + 2λ = {lipschitz:.3g} ≥ L bounds its curvature; a step of "
            f"1/L̄ = {1.0 / lipschitz:.3g} is safe",
            ConvergenceWarning,
            stacklevel=2,
        )
    elif not converged:
        lipschitz = _curvature_bound(H, l2_penalty, penalized)
        warnings.warn(
            f"ridge_gradient_descent did not converge in {n_iterations} iterations (last step "
            f"{steps[-1]:.3g} >= tolerance {tolerance:g}); raise n_iterations, or step_size "
            f"towards 2/L̄ = {2.0 / lipschitz:.3g} (L̄ = 2 σ_max(HᵀH) + 2λ bounds the "
            f"curvature; 1/L̄ = {1.0 / lipschitz:.3g} is safe)",
            ConvergenceWarning,
            stacklevel=2,
        )
    return SolverResult(
        weights=w,
        converged=converged,
        n_iterations=len(steps),
        objective_history=np.array(objectives),
        max_step_history=np.array(steps),
        solver="ridge_gradient_descent",
    )
