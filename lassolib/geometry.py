r"""Chapter 7 — the geometry of sparsity: the lasso and ridge as constrained least squares.

The penalized problems of the earlier chapters have constrained twins,

.. math::
    \min_w \mathrm{RSS}(w) \ \text{subject to}\ \lVert w \rVert_1 \le t
    \qquad\text{(lasso)},
    \qquad
    \min_w \mathrm{RSS}(w) \ \text{subject to}\ \lVert w \rVert_2 \le t
    \qquad\text{(ridge)},

with a budget :math:`t \ge 0` in place of the penalty λ. For every λ > 0 the penalized solution
:math:`\hat w_\lambda` solves the constrained problem with :math:`t = \lVert \hat w_\lambda \rVert`,
and for every budget below the norm of the least-squares solution there is a λ that gives back the
constrained solution (Lagrangian duality; the multipliers are :func:`l1_multiplier` and
:func:`l2_multiplier`).

In two dimensions the L1 ball is a diamond with corners on the axes and the L2 ball is a disk;
the RSS contours are ellipses around the least-squares solution (:func:`rss_grid`). The
constrained solution is where the smallest ellipse touches the ball, and on the diamond that is
often a corner: an exact zero. :func:`exact_zero_frequency` counts how often, over random problems.
"""

from dataclasses import dataclass

import numpy as np

from ._validation import (
    _check_real, check_array, check_data, check_positive_int, check_seed, check_weights,
    finite_or_refuse,
)
from .coordinate_descent import _solve
from .soft_threshold import _lambda_max

__all__ = [
    "least_squares",
    "l1_constrained_least_squares",
    "l2_constrained_least_squares",
    "l1_multiplier",
    "l2_multiplier",
    "budget_regime",
    "rss_grid",
    "random_problem",
    "exact_zero_frequency",
    "ZeroFrequency",
]


# ---------------------------------------------------------------------------------------------
# Validation specific to this chapter


def _check_budget(budget, name="budget"):
    budget = _check_real(budget, name)
    if budget < 0:
        raise ValueError(
            f"{name} must be >= 0 (it is a radius: ‖w‖ <= {name}), got {budget}; "
            "use 0 for the all-zero solution"
        )
    return budget


def _check_full_rank(H):
    rank = np.linalg.matrix_rank(H)
    if rank < H.shape[1]:
        raise ValueError(
            f"H must have linearly independent columns (rank {H.shape[1]}) so that the "
            f"least-squares solution is unique, got rank {rank} for shape {H.shape}; "
            "drop duplicated or constant-zero columns, or add rows"
        )


def _check_range(value, name):
    pair = check_array(value, name)
    if pair.shape != (2,):
        raise ValueError(f"{name} must be a pair (low, high), got shape {pair.shape}")
    if not np.all(np.isfinite(pair)):
        raise ValueError(f"{name} must be finite, got {tuple(pair)}")
    if not pair[0] < pair[1]:
        raise ValueError(f"{name} must satisfy low < high, got {tuple(pair)}; swap the ends")
    return float(pair[0]), float(pair[1])


# ---------------------------------------------------------------------------------------------
# Solvers


def least_squares(H, y):
    r"""The unconstrained (ordinary) least-squares solution, the centre of the RSS ellipses.

    .. math:: \hat w^{\mathrm{LS}} = \arg\min_w \lVert y - Hw \rVert_2^2 = (H^\top H)^{-1} H^\top y

    (the minimum-norm solution when :math:`H^\top H` is singular).

    Parameters
    ----------
    H : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,)

    Returns
    -------
    ndarray of shape (n_features,)

    See the book's chapter 7.
    """
    H, y = check_data(H, y)
    w, *_ = np.linalg.lstsq(H, y, rcond=None)
    return w


def _l1_exact_2d(H, y, budget):
    """The diamond's four edges, each a 1-D quadratic on a segment; the best of four minimizers."""
    best_w, best_rss = None, np.inf
    for s1 in (1.0, -1.0):
        for s2 in (1.0, -1.0):
            a = np.array([s1 * budget, 0.0])  # corner on the w_1 axis
            b = np.array([0.0, s2 * budget])  # corner on the w_2 axis
            d = H @ (b - a)
            r = y - H @ a
            dd = d @ d
            tau = 0.0 if dd == 0.0 else min(max((d @ r) / dd, 0.0), 1.0)
            # (1 - tau) * a + tau * b, written so that tau in {0, 1} gives an exact 0.0.
            w = np.array([(1.0 - tau) * a[0], tau * b[1]])
            residual = y - H @ w
            value = residual @ residual
            if value < best_rss:
                best_w, best_rss = w, value
    return best_w


def _l1_bisection(H, y, budget, w_ls, max_trials=200):
    """Any D: safeguarded search over λ for ‖ŵ(λ)‖₁ = budget, then exact interpolation."""
    H = np.asfortranarray(H)
    penalized = np.ones(H.shape[1], dtype=bool)
    zero_fit = (np.zeros(H.shape[1]), y.copy(), _lambda_max(H, penalized, y))
    z = np.einsum("ij,ij->j", H, H)
    tolerance = 1e-14  # the solvers' relative duality gap: scale-free, near rounding

    def solve(l1_penalty, w0):
        return _solve(H, y, l1_penalty, tolerance, 10_000, w0, penalized, zero_fit, z).weights

    # ‖ŵ(λ)‖₁ decreases continuously from ‖ŵ_LS‖₁ at λ = 0 to 0 at λ_max, and is linear in λ
    # wherever the signs of ŵ(λ) do not change (the lasso path is piecewise linear).
    lo, w_lo = 0.0, w_ls.copy()
    hi, w_hi = zero_fit[2], np.zeros(H.shape[1])
    for _ in range(max_trials):
        if lo > 0.0 and np.array_equal(np.sign(w_lo), np.sign(w_hi)):
            break
        # Trial: where the linear piece at the lower end reaches the budget. On that piece
        # G w_A = H_Aᵀy − λ s/2 (KKT), so ‖w‖₁ = sᵀw_A = sᵀG⁻¹H_Aᵀy − (λ/2) sᵀG⁻¹s.
        active = w_lo != 0.0
        signs = np.sign(w_lo[active])
        H_A = H[:, active]
        G = H_A.T @ H_A
        u = np.linalg.solve(G, H_A.T @ y)
        v = np.linalg.solve(G, signs)
        trial = 2.0 * (signs @ u - budget) / (signs @ v)
        if not lo < trial < hi:
            trial = 0.5 * (lo + hi)  # safeguard: bisect
        w_trial = solve(trial, w_lo)
        norm = np.sum(np.abs(w_trial))
        if abs(norm - budget) <= 1e-12 * budget:
            return w_trial
        if norm > budget:
            lo, w_lo = trial, w_trial
        else:
            hi, w_hi = trial, w_trial
    # On one linear piece of the path (same signs at both ends) ŵ is affine in λ and so is
    # ‖ŵ‖₁: interpolating to the budget is exact, and shared zeros stay exactly 0.0.
    n_lo, n_hi = np.sum(np.abs(w_lo)), np.sum(np.abs(w_hi))
    theta = 0.0 if n_lo == n_hi else (n_lo - budget) / (n_lo - n_hi)
    return (1.0 - theta) * w_lo + theta * w_hi


def l1_constrained_least_squares(H, y, budget):
    r"""The lasso in its constrained form: least squares inside the L1 ball of radius ``budget``.

    .. math::
        \hat w = \arg\min_w \ \mathrm{RSS}(w) \quad \text{subject to} \quad
        \lVert w \rVert_1 = \sum_j |w_j| \le t

    If the least-squares solution already satisfies :math:`\lVert \hat w^{\mathrm{LS}}\rVert_1 \le t`
    it is the answer ("unconstrained = linear regression"); otherwise the solution lies on the
    boundary :math:`\lVert w \rVert_1 = t`.

    **Two features: exact.** The boundary is a diamond with corners :math:`(\pm t, 0)` and
    :math:`(0, \pm t)`. On the edge from corner :math:`a` to corner :math:`b`,
    :math:`w(\tau) = (1-\tau)a + \tau b`, the RSS is a quadratic in τ with minimizer

    .. math:: \tau^* = \operatorname{clip}\Bigl(
              \frac{(H(b-a))^\top (y - Ha)}{\lVert H(b-a) \rVert_2^2},\ 0,\ 1\Bigr);

    the best of the four edge minimizers is the solution. A clipped τ* (0 or 1) is a corner: an
    exact zero.

    **More features.** The penalized lasso (chapter 4's coordinate descent) is solved at a
    bisection of λ values until :math:`\lVert \hat w_\lambda \rVert_1 = t` is bracketed on one
    linear piece of the lasso path (same signs at both ends); there :math:`\hat w_\lambda` is
    affine in λ and the final interpolation is exact up to the solver's tolerance.

    Parameters
    ----------
    H : array_like of shape (n_samples, n_features)
        Linearly independent columns (rank ``n_features``), so the solution is unique.
    y : array_like of shape (n_samples,)
    budget : float >= 0
        The radius t. 0 gives all zeros.

    Returns
    -------
    ndarray of shape (n_features,)

    See the book's chapter 7 (the constrained view) and :func:`l1_multiplier` for the λ that gives
    the same solution in the penalized form.
    """
    H, y = check_data(H, y)
    budget = _check_budget(budget)
    _check_full_rank(H)
    return _l1_solve(H, y, budget, np.linalg.lstsq(H, y, rcond=None)[0])


def _l1_solve(H, y, budget, w_ls):
    """The solver behind the validation (arguments checked, ``w_ls`` the least-squares solution)."""
    if np.sum(np.abs(w_ls)) <= budget:
        return w_ls
    if budget == 0.0:
        return np.zeros(H.shape[1])
    if H.shape[1] == 1:
        return np.array([np.sign(w_ls[0]) * budget])
    if H.shape[1] == 2:
        return _l1_exact_2d(H, y, budget)
    return _l1_bisection(H, y, budget, w_ls)


def l2_constrained_least_squares(H, y, budget):
    r"""Ridge in its constrained form: least squares inside the L2 ball of radius ``budget``.

    .. math::
        \hat w = \arg\min_w \ \mathrm{RSS}(w) \quad \text{subject to} \quad
        \lVert w \rVert_2 \le t \quad (\text{i.e. } \lVert w \rVert_2^2 \le t^2)

    If the (minimum-norm) least-squares solution is inside the ball it is the answer. Otherwise
    the solution is the ridge solution :math:`(H^\top H + \mu I)\,\hat w = H^\top y` for the
    μ > 0 that puts it on the sphere. With the singular value decomposition
    :math:`H = U \operatorname{diag}(s) V^\top` and :math:`c = U^\top y`,

    .. math::
        \hat w(\mu) = V \operatorname{diag}\Bigl(\frac{s_k}{s_k^2 + \mu}\Bigr) c, \qquad
        \lVert \hat w(\mu) \rVert_2^2 = \sum_k \frac{s_k^2 c_k^2}{(s_k^2 + \mu)^2} = t^2

    (the secular equation); its left side decreases in μ, and μ is found by safeguarded Newton
    iterations on :math:`1/\lVert \hat w(\mu) \rVert_2 - 1/t`. μ is the
    ridge penalty λ of chapter 1 that gives the same solution.

    Parameters
    ----------
    H : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,)
    budget : float >= 0
        The radius t of the L2 ball (the constraint is ‖w‖₂² ≤ t²). 0 gives all zeros.

    Returns
    -------
    ndarray of shape (n_features,)

    See the book's chapter 7 and :func:`l2_multiplier`.
    """
    H, y = check_data(H, y)
    budget = _check_budget(budget)
    return _l2_solve(H, y, budget)


def _l2_solve(H, y, budget):
    """The solver behind the validation (arguments checked)."""
    U, s, Vt = np.linalg.svd(H, full_matrices=False)
    keep = s > s[0] * max(H.shape) * np.finfo(float).eps if s[0] > 0 else np.zeros_like(s, bool)
    U, s, Vt = U[:, keep], s[keep], Vt[keep]
    c = U.T @ y
    sc = s * c

    def weights(mu):
        return Vt.T @ (sc / (s**2 + mu))

    w_ls = weights(0.0)
    if np.linalg.norm(w_ls) <= budget:
        return w_ls
    if budget == 0.0:
        return np.zeros(H.shape[1])
    # Newton on the secular equation in the form φ(μ) = 1/‖ŵ(μ)‖ − 1/t, which is concave and
    # increasing (Moré & Sorensen 1983): from μ = 0, where φ < 0, the iterates rise monotonically
    # to the root without overshooting. A bisection bracket guards against rounding.
    a2 = sc**2
    lo, hi = 0.0, float(np.sqrt(a2.sum())) / budget  # ‖ŵ(μ)‖₂ <= ‖s·c‖₂ / μ
    mu = 0.0
    for _ in range(200):
        d = s**2 + mu
        norm = np.sqrt(np.sum(a2 / d**2))
        if norm > budget:
            lo = mu
        else:
            hi = mu
        if abs(norm - budget) <= 4 * np.finfo(float).eps * budget or hi - lo <= 4 * np.finfo(float).eps * hi:
            break
        slope = np.sum(a2 / d**3) / norm**3
        step = (1.0 / norm - 1.0 / budget) / slope
        mu = mu - step
        if not lo < mu < hi:
            mu = 0.5 * (lo + hi)
    return weights(mu)


def l1_multiplier(H, y, w):
    r"""The λ for which ``w`` (a constrained L1 solution) is the penalized lasso solution.

    On the boundary the KKT condition of the penalized lasso,
    :math:`2 h_j^\top (y - Hw) = \lambda \operatorname{sign}(w_j)` for :math:`w_j \ne 0` and
    :math:`|2 h_j^\top (y - Hw)| \le \lambda` for :math:`w_j = 0`, gives

    .. math:: \lambda = 2 \max_j |h_j^\top (y - Hw)| = \lVert \nabla \mathrm{RSS}(w) \rVert_\infty .

    Returns
    -------
    float
        0.0 at the least-squares solution (the constraint is not active).

    See the book's chapter 7, the duality theorem.
    """
    H, y = check_data(H, y)
    w = check_weights(w, H.shape[1])
    return float(2.0 * np.max(np.abs(H.T @ (y - H @ w))))


def l2_multiplier(H, y, w):
    r"""The ridge λ for which ``w`` (a constrained L2 solution) is the penalized ridge solution.

    Stationarity of :math:`\mathrm{RSS}(w) + \lambda \lVert w \rVert_2^2` is
    :math:`H^\top (y - Hw) = \lambda w`, so

    .. math:: \lambda = \frac{w^\top H^\top (y - Hw)}{\lVert w \rVert_2^2} .

    Returns
    -------
    float
        ``inf`` for w = 0 (a zero budget needs an infinite penalty).

    See the book's chapter 7.
    """
    H, y = check_data(H, y)
    w = check_weights(w, H.shape[1])
    norm2 = w @ w
    if norm2 == 0.0:
        return float("inf")
    return float(w @ (H.T @ (y - H @ w)) / norm2)


def budget_regime(budget, ls_l1_norm):
    r"""Name the regime a budget t puts the constrained lasso in.

    ``"all zero"`` for t = 0, ``"lasso"`` for :math:`0 < t < \lVert \hat w^{\mathrm{LS}} \rVert_1`,
    ``"unconstrained = linear regression"`` for :math:`t \ge \lVert \hat w^{\mathrm{LS}} \rVert_1`.
    The mirror image of chapter 4's :func:`lassolib.regime`: a small budget is a large λ.

    Parameters
    ----------
    budget : float >= 0
    ls_l1_norm : float >= 0
        :math:`\lVert \hat w^{\mathrm{LS}} \rVert_1`.

    Returns
    -------
    str
    """
    budget = _check_budget(budget)
    ls_l1_norm = _check_budget(ls_l1_norm, "ls_l1_norm")
    if budget >= ls_l1_norm:
        return "unconstrained = linear regression"
    if budget == 0.0:
        return "all zero"
    return "lasso"


# ---------------------------------------------------------------------------------------------
# Data for the figures


def rss_grid(H, y, w1_range, w2_range, n=101):
    r"""The RSS on a grid of two-feature weights, for contour plots.

    .. math:: \mathrm{RSS}(w_1, w_2) = \lVert y - w_1 h_1 - w_2 h_2 \rVert_2^2
              = \mathrm{RSS}(\hat w^{\mathrm{LS}})
                + (w - \hat w^{\mathrm{LS}})^\top H^\top H\, (w - \hat w^{\mathrm{LS}}),

    a quadratic whose level sets are ellipses centred at the least-squares solution.

    Parameters
    ----------
    H : array_like of shape (n_samples, 2)
    y : array_like of shape (n_samples,)
    w1_range, w2_range : (float, float)
        The (low, high) ends of the grid in w_1 and w_2.
    n : int >= 2, default 101
        Grid points per axis.

    Returns
    -------
    W1, W2 : ndarray of shape (n, n)
        The grid, as from ``np.meshgrid`` (W1 varies along columns).
    RSS : ndarray of shape (n, n)
        ``RSS[i, k]`` is the RSS at ``(W1[i, k], W2[i, k])``.

    See the book's chapter 7.
    """
    H, y = check_data(H, y)
    if H.shape[1] != 2:
        raise ValueError(
            f"H must have exactly 2 columns for a contour grid over (w_1, w_2), got shape {H.shape}"
        )
    low1, high1 = _check_range(w1_range, "w1_range")
    low2, high2 = _check_range(w2_range, "w2_range")
    n = check_positive_int(n, "n")
    if n < 2:
        raise ValueError(f"n must be >= 2 grid points per axis, got {n}")
    W1, W2 = np.meshgrid(np.linspace(low1, high1, n), np.linspace(low2, high2, n))
    # Expand ‖y - Hw‖² = yᵀy - 2 wᵀHᵀy + wᵀHᵀHw, evaluated on the whole grid at once.
    def expanded():
        G = H.T @ H
        b = H.T @ y
        return (
            y @ y
            - 2.0 * (W1 * b[0] + W2 * b[1])
            + G[0, 0] * W1**2 + 2.0 * G[0, 1] * W1 * W2 + G[1, 1] * W2**2
        )

    RSS = finite_or_refuse(expanded, "the RSS on this grid")
    return W1, W2, np.maximum(RSS, 0.0)


def random_problem(rng, n_samples=30, n_features=2, *, noise=1.0):
    r"""One random regression problem with a dense truth (no zero to find on purpose).

    H has standard normal entries, :math:`w_{\mathrm{true}} \sim N(0, I)` and
    :math:`y = H w_{\mathrm{true}} + \varepsilon`, :math:`\varepsilon \sim N(0, \sigma^2 I)`.
    Because no true weight is 0, any exact zero in a solution comes from the geometry of the
    constraint, not from the data.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_samples, n_features : int >= 1
    noise : float >= 0
        σ.

    Returns
    -------
    H : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    """
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator (np.random.default_rng(seed)), got {rng!r}")
    n_samples = check_positive_int(n_samples, "n_samples")
    n_features = check_positive_int(n_features, "n_features")
    noise = _check_real(noise, "noise")
    if noise < 0:
        raise ValueError(f"noise must be >= 0 (σ, the standard deviation of the noise), got {noise}")
    H = rng.standard_normal((n_samples, n_features))
    w_true = rng.standard_normal(n_features)
    return H, H @ w_true + noise * rng.standard_normal(n_samples)


@dataclass(frozen=True)
class ZeroFrequency:
    """How often a constrained solution has at least one exact zero, over random problems.

    Attributes
    ----------
    budget_fractions : ndarray of shape (K,)
        The budgets as fractions f of the least-squares norm: :math:`t_1 = f\\lVert \\hat
        w^{LS}\\rVert_1` for L1, :math:`t_2 = f\\lVert \\hat w^{LS}\\rVert_2` for L2.
    l1 : ndarray of shape (K,)
        Fraction of problems whose L1-constrained solution has an exact zero.
    l2 : ndarray of shape (K,)
        The same for the L2 constraint.
    n_problems, n_features : int
    """

    budget_fractions: np.ndarray
    l1: np.ndarray
    l2: np.ndarray
    n_problems: int
    n_features: int


def exact_zero_frequency(
    budget_fractions, *, n_problems=500, n_features=2, n_samples=30, noise=1.0, seed=0
):
    r"""Count exact zeros of the L1- and L2-constrained solutions over random problems.

    For each of ``n_problems`` problems from :func:`random_problem` and each fraction f, solve
    both constrained problems at the matched budgets :math:`t_1 = f \lVert \hat w^{\mathrm{LS}}
    \rVert_1` and :math:`t_2 = f \lVert \hat w^{\mathrm{LS}} \rVert_2` (the same fraction of the way
    from 0 to the unconstrained solution), and record whether any coordinate is exactly 0.0.

    Parameters
    ----------
    budget_fractions : array_like of shape (K,)
        Fractions in [0, 1].
    n_problems : int >= 1, default 500
    n_features : int >= 1, default 2
    n_samples : int > n_features, default 30
    noise : float >= 0, default 1
    seed : int, default 0

    Returns
    -------
    ZeroFrequency

    See the book's chapter 7.
    """
    fractions = check_array(budget_fractions, "budget_fractions")
    if fractions.ndim != 1 or fractions.size == 0:
        raise ValueError(f"budget_fractions must be a non-empty 1-D array, got shape {fractions.shape}")
    if not np.all(np.isfinite(fractions)) or np.any(fractions < 0) or np.any(fractions > 1):
        raise ValueError("budget_fractions must be finite numbers in [0, 1]")
    n_problems = check_positive_int(n_problems, "n_problems")
    n_features = check_positive_int(n_features, "n_features")
    n_samples = check_positive_int(n_samples, "n_samples")
    if n_samples <= n_features:
        raise ValueError(
            f"n_samples must be > n_features = {n_features} so that least squares is unique, "
            f"got {n_samples}"
        )
    rng = np.random.default_rng(check_seed(seed))
    l1 = np.zeros((n_problems, fractions.size), dtype=bool)
    l2 = np.zeros((n_problems, fractions.size), dtype=bool)
    for p in range(n_problems):
        H, y = random_problem(rng, n_samples, n_features, noise=noise)
        w_ls = np.linalg.lstsq(H, y, rcond=None)[0]
        norm1, norm2 = np.sum(np.abs(w_ls)), np.linalg.norm(w_ls)
        for k, f in enumerate(fractions):
            l1[p, k] = np.any(_l1_solve(H, y, f * norm1, w_ls) == 0.0)
            l2[p, k] = np.any(_l2_solve(H, y, f * norm2) == 0.0)
    return ZeroFrequency(fractions, l1.mean(axis=0), l2.mean(axis=0), n_problems, n_features)
