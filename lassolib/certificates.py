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

See the book's chapters 4 (stopping) and 8 (the L1 gradient in a training loop).
"""

from dataclasses import dataclass

import numpy as np

from ._validation import check_data, check_penalty, check_unpenalized, check_weights

__all__ = ["Certificate", "certificate", "duality_gap"]


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


def _gap(H, y, w, l1_penalty, penalized):
    """(primal, dual, gap, θ) for already-validated arguments."""
    residual = y - H @ w
    theta = _dual_point(H, residual, l1_penalty, penalized)
    penalty = l1_penalty * float(np.sum(np.abs(w[penalized])))
    primal = float(residual @ residual) + penalty
    dual = float(2.0 * (theta @ y) - theta @ theta)
    difference = residual - theta
    correlation = H[:, penalized].T @ theta
    terms = l1_penalty * np.abs(w[penalized]) - 2.0 * w[penalized] * correlation
    # Each term is >= 0 up to rounding (|2 h_j^T θ| <= λ); clip the rounding. The unpenalized
    # columns contribute -2 w_j h_j^T θ = 0, since θ is orthogonal to them.
    gap = float(difference @ difference) + float(np.sum(np.maximum(terms, 0.0)))
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

    See the module docstring for the formulas, and the book's chapter 4.
    """
    from .subgradient import kkt_violation

    H, y = check_data(H, y)
    w = check_weights(w, H.shape[1])
    l1_penalty = check_penalty(l1_penalty, "l1_penalty")
    penalized = check_unpenalized(unpenalized, H.shape[1])
    primal, dual, gap, theta = _gap(H, y, w, l1_penalty, penalized)
    relative = 0.0 if gap == 0.0 else (gap / primal if primal > 0.0 else np.inf)
    violation = kkt_violation(H, y, w, l1_penalty, unpenalized=unpenalized)
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
