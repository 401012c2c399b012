r"""Certificates — how far any w is from the lasso optimum, without knowing the optimum.

The lasso :math:`P(w) = \lVert y - Hw\rVert^2 + \lambda \sum_{j \notin U} |w_j|` (U the unpenalized
columns) has the dual problem

.. math::
    D(\theta) = 2\,\theta^\top y - \theta^\top\theta
    \quad\text{subject to}\quad |h_j^\top \theta| \le \lambda/2 \;(j \notin U),
    \qquad h_j^\top\theta = 0 \;(j \in U),

and :math:`D(\theta) \le P(\hat w) \le P(w)` for every feasible θ and every w (weak duality), with
equality at the optimum, where :math:`\theta = \hat r = y - H\hat w`. From any w the residual
:math:`r = y - Hw` is made feasible by removing its component along the unpenalized columns and
scaling it by :math:`s = \min\bigl(1, (\lambda/2) / \max_{j \notin U} |h_j^\top \theta_0|\bigr)`;
then the **duality gap** :math:`P(w) - D(s\,\theta_0) \ge P(w) - P(\hat w) \ge 0` bounds how far
the objective is from its minimum. The relative gap (gap / P(w)) does not depend on the units of
H or y: it is the stopping certificate of every lasso solver in lassolib.

The gap is computed as a sum of terms that are each >= 0,

.. math::
    P(w) - D(\theta) = \lVert r - \theta\rVert^2
        + \sum_{j \notin U} \bigl(\lambda |w_j| - 2 w_j\, h_j^\top\theta\bigr) ,

so that it keeps its relative accuracy even when it is 1e-15 of P(w).

For λ = 0 the feasible set is :math:`H^\top\theta = 0` and no scaling of r reaches it; θ is then
the projection of r onto the orthogonal complement of the columns of H (one least-squares solve),
and the gap is exactly RSS(w) − min RSS.

**A second dual point.** The scaled residual gives a gap that shrinks only *linearly* with the
distance of w from the optimum (the scaling factor s is 1 minus a term of that order), while
:math:`P(w) - P(\hat w)` shrinks quadratically. So the certificate also tries the residual of the
least squares on the support of w with the KKT signs fixed (:func:`_support_point`): when the
support and signs of w are the optimal ones, that is the optimal residual itself, and the gap is
:math:`P(w) - P(\hat w)` up to rounding. Whichever of the two feasible points gives the smaller gap
(the larger dual objective) is reported; both are lower bounds, so the gap stays an upper bound.

See the book's chapters 4 (stopping) and 8 (the L1 gradient in a training loop).
"""

from dataclasses import dataclass

import numpy as np

from ._validation import (
    _check_real, check_data, check_penalty, check_positive, check_unpenalized, check_weights,
    finite_or_refuse,
)

__all__ = ["Certificate", "certificate", "duality_gap", "format_above"]


@dataclass(frozen=True)
class Certificate:
    """How good a lasso answer ``w`` is, from the primal, a dual point and the KKT condition.

    Attributes
    ----------
    primal : float
        :math:`P(w)`, the objective at w.
    dual : float
        :math:`D(\\theta)` at the dual-feasible point; a lower bound on the optimum.
    gap : float
        ``primal - dual`` (computed stably, see the module docstring): P(w) − P(ŵ) <= gap.
    relative_gap : float
        ``gap / primal`` (0.0 when both are 0): scale-free.
    kkt_violation : ndarray of shape (n_features,)
        Per coordinate, the distance from 0 to the subdifferential of P at w (0 where the KKT
        condition holds), as :func:`lassolib.kkt_violation`; in units of the objective's gradient.
    max_kkt_violation : float
        The largest entry of ``kkt_violation``.
    dual_point : ndarray of shape (n_samples,)
        The feasible θ.
    """

    primal: float
    dual: float
    gap: float
    relative_gap: float
    kkt_violation: np.ndarray
    max_kkt_violation: float
    dual_point: np.ndarray

    def __repr__(self):
        return (
            f"Certificate(primal={self.primal:.10g}, dual={self.dual:.10g}, gap={self.gap:.3g}, "
            f"relative_gap={self.relative_gap:.3g}, max_kkt_violation={self.max_kkt_violation:.3g})"
        )


def _dual_point(H, residual, l1_penalty, penalized):
    """A dual-feasible θ from the residual: projected off the unpenalized columns, then scaled."""
    theta = residual
    if l1_penalty == 0.0:
        # Feasible set H^T θ = 0: project r onto the orthogonal complement of range(H).
        coef, *_ = np.linalg.lstsq(H, residual, rcond=None)
        return residual - H @ coef
    if not np.all(penalized):
        coef, *_ = np.linalg.lstsq(H[:, ~penalized], residual, rcond=None)
        theta = residual - H[:, ~penalized] @ coef
    if np.any(penalized):
        largest = float(np.max(np.abs(H[:, penalized].T @ theta)))
        if largest > l1_penalty / 2.0:
            theta = theta * ((l1_penalty / 2.0) / largest)
    return theta


def _support_point(H, y, w, l1_penalty, penalized):
    r"""The residual of the sign-fixed least squares on the support of w (a candidate dual point).

    With S the nonzero weights (and the unpenalized columns) and s their signs, the lasso's
    KKT condition on S reads :math:`H_S^\top \theta = (\lambda/2) s` (0 on unpenalized columns)
    with :math:`\theta = y - H_S v`; its solution
    :math:`\theta = (I - P_S)\,y + (H_S^{+})^{\top} (\lambda/2) s` is exactly the optimal residual
    :math:`\hat r` when S and s are those of the optimum (and H_S has full column rank). Computed
    from an SVD of the column-normalized H_S (so that column units do not matter); None when S is
    empty or too large (more than 2000 columns) to be worth it. Any θ is only a candidate: it is
    projected and scaled into the feasible set like the residual (see :func:`_dual_point`).
    """
    S = np.flatnonzero(((w != 0.0) | ~penalized))
    if S.size == 0 or S.size > 2000:
        return None
    H_S = H[:, S]
    norms = np.sqrt(np.einsum("ij,ij->j", H_S, H_S))
    nonzero = norms > 0.0
    if not nonzero.any():
        return None
    A = H_S[:, nonzero] / norms[nonzero]
    signs = np.where(penalized[S], np.sign(w[S]), 0.0)[nonzero]
    target = (l1_penalty / 2.0) * signs / norms[nonzero]
    try:
        U, singular, Vt = np.linalg.svd(A, full_matrices=False)
    except np.linalg.LinAlgError:
        return None
    keep = singular > np.finfo(np.float64).eps * max(A.shape) * singular[0]
    U, singular, Vt = U[:, keep], singular[keep], Vt[keep]
    theta = y - U @ (U.T @ y) + U @ ((Vt @ target) / singular)
    return theta if np.all(np.isfinite(theta)) else None


def _candidate_gap(H, y, w, l1_penalty, penalized, residual, candidate):
    """(gap, θ) for one candidate dual point (projected and scaled into the feasible set)."""
    theta = _dual_point(H, candidate, l1_penalty, penalized)
    difference = residual - theta
    correlation = H[:, penalized].T @ theta
    terms = l1_penalty * np.abs(w[penalized]) - 2.0 * w[penalized] * correlation
    # Each term is >= 0 up to rounding (|2 h_j^T θ| <= λ); clip the rounding. The unpenalized
    # columns contribute -2 w_j h_j^T θ = 0, since θ is orthogonal to them.
    return float(difference @ difference) + float(np.sum(np.maximum(terms, 0.0))), theta


def _gap(H, y, w, l1_penalty, penalized, support=True):
    """(primal, dual, gap, θ) for already-validated arguments.

    θ is the better (larger dual objective, smaller gap) of two feasible points: the residual's
    and, with ``support``, the sign-fixed least-squares residual of :func:`_support_point`.
    """
    residual = y - H @ w
    penalty = l1_penalty * float(np.sum(np.abs(w[penalized])))
    primal = float(residual @ residual) + penalty
    gap, theta = _candidate_gap(H, y, w, l1_penalty, penalized, residual, residual)
    candidate = _support_point(H, y, w, l1_penalty, penalized) if support and gap > 0.0 else None
    if candidate is not None:
        other_gap, other = _candidate_gap(H, y, w, l1_penalty, penalized, residual, candidate)
        if other_gap < gap:
            gap, theta = other_gap, other
    dual = float(2.0 * (theta @ y) - theta @ theta)
    return primal, dual, gap, theta


def certificate(H, y, w, l1_penalty, *, unpenalized=()):
    r"""The duality gap and the KKT violations of the lasso at any weights ``w``.

    Parameters
    ----------
    H : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,)
    w : array_like of shape (n_features,)
        Any weights: a solver's answer, an SGD iterate, zeros.
    l1_penalty : float >= 0
        λ, in the book's scale (scikit-learn's ``alpha`` is λ / (2 n_samples)).
    unpenalized : tuple of int, default ()

    Returns
    -------
    Certificate

    At tiny penalties the duality gap is far above rounding even at the exact minimizer
    (diabetes, relative: 5.3e-11 at 1e-10·λ_max, 7e-5 at 1e-13·λ_max): its dual point's
    correlations must be known to well within λ/2, and their rounding does not shrink with λ.
    The solvers certify such fits by another bound (:func:`lassolib.lasso_coordinate_descent`,
    "Tiny penalties"); this function reports the duality gap only.

    See the module docstring for the formulas, and the book's chapter 4.
    """
    from .coordinate_descent import _Scaled
    from .subgradient import kkt_violation

    H, y = check_data(H, y)
    w = check_weights(w, H.shape[1])
    l1_penalty = check_penalty(l1_penalty, "l1_penalty")
    penalized = check_unpenalized(unpenalized, H.shape[1])
    # Computed on 2^a H and 2^b y (exact powers of two, as the solvers run; nothing changes on
    # data of ordinary magnitude), so that no square underflows to a gap of 0 or overflows.
    problem = _Scaled(H, y, penalized, owned=False)
    a, b = problem.a, problem.b
    H, y = problem.H, problem.y
    w_run, penalty_run = problem.to_scaled_weights(w), problem.penalty(l1_penalty)
    with np.errstate(over="ignore", invalid="ignore"):
        primal, dual, gap, theta = _gap(H, y, w_run, penalty_run, penalized)
    finite_or_refuse(lambda: (primal, gap), "the objective or the duality gap at w")
    relative = 0.0 if gap == 0.0 else (gap / primal if primal > 0.0 else np.inf)
    violation = kkt_violation(H, y, w_run, penalty_run, unpenalized=unpenalized)
    if a or b:  # back to the caller's units (objective 2^-2b, gradient 2^-(a+b), θ 2^-b)
        primal, dual, gap = (float(problem.objective(v)) for v in (primal, dual, gap))
        violation, theta = np.ldexp(violation, -(a + b)), np.ldexp(theta, -b)
    return Certificate(
        primal=primal,
        dual=dual,
        gap=gap,
        relative_gap=float(relative),
        kkt_violation=violation,
        max_kkt_violation=float(np.max(violation)),
        dual_point=theta,
    )


def duality_gap(H, y, w, l1_penalty, *, unpenalized=()):
    r"""The duality gap :math:`P(w) - D(\theta) \ge P(w) - P(\hat w)` at ``w`` (a float >= 0).

    Shorthand for ``certificate(H, y, w, l1_penalty, unpenalized=unpenalized).gap``.
    """
    return certificate(H, y, w, l1_penalty, unpenalized=unpenalized).gap


def format_above(value, floor, spec=".1e"):
    """Text for a number whose digits below ``floor`` are rounding: ``format(value, spec)`` or
    ``"< floor"``.

    A gap that is 3e-16 of P(w) on one computer is 4e-16 on another (their BLAS kernels add in a
    different order); both are "zero up to rounding", and both print as ``< 1e-14`` with
    ``floor=1e-14``. The book prints such numbers this way, so that its stored outputs say what is
    true on every machine. ``floor`` is printed with one significant digit, rounded up (so that the
    text stays true); a value at or above it is printed with ``spec`` as it is.

    >>> format_above(3.3e-16, 1e-14), format_above(2.5e-3, 1e-14)
    ('< 1e-14', '2.5e-03')
    """
    value = _check_real(value, "value")
    floor = check_positive(floor, "floor")
    if not isinstance(spec, str):
        raise ValueError(f"spec must be a format specification such as '.1e', got {spec!r}")
    try:
        text = format(value, spec)
    except ValueError:
        raise ValueError(
            f"spec must be a format specification for a float such as '.1e', got {spec!r}"
        ) from None
    if abs(value) >= floor:
        return text
    bound = f"{floor:.0e}"
    if float(bound) < floor:  # round the printed bound up, so that "< bound" stays true
        mantissa, exponent = bound.split("e")
        mantissa, exponent = int(mantissa) + 1, int(exponent)
        if mantissa == 10:
            mantissa, exponent = 1, exponent + 1
        bound = f"{mantissa}e{exponent:+03d}"
    return f"< {bound}"
