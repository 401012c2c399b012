r"""Chapter 9 — making it fast: the library's solver, one technique at a time.

The library's lasso solver (:func:`lassolib.lasso_coordinate_descent` at its defaults) is the
book's cyclic loop of chapter 4 plus five techniques, each of which leaves the answer alone and
only changes how much work it takes to certify it:

``"gram"``
    The covariance (Gram) form: :math:`\rho_j` from :math:`H^\top H` and :math:`H^\top y`, so a
    coordinate update costs O(|W|) instead of O(n) (:func:`gram_coordinate_descent_sweeps`).
``"working_set"``
    Sweep only a working set W: the nonzero weights and the strongest violators of the KKT
    condition, grown in bounded steps; the gap of the whole problem decides when to stop.
``"screening"``
    Gap-safe screening (Fercoq, Gramfort & Salmon 2015; Ndiaye et al. 2017): a feasible dual
    point θ with gap G puts the optimal dual point within :math:`\sqrt{G}` of θ, and every
    feature with :math:`|h_j^\top\theta| + \lVert h_j\rVert\sqrt{G} < \lambda/2` is zero at the
    optimum: it is dropped. The final certificate is still computed over every feature.
``"extrapolation"``
    Dual extrapolation (Massias, Gramfort & Salmon 2018): the last K = 5 residuals of the
    sweeps are combined into a better dual point, so the gap certifies sooner.
``"polish"``
    Support-and-sign solves: when a gap check does not halve the gap (a stall; near
    interpolation, where the support has about n features, the sweeps converge slowly), the
    weights jump towards the minimizer with the current support and signs held, a |S|×|S|
    linear system, as far as the signs allow; the jump is kept only if it lowers the objective
    (up to the rounding of the gap check: a fit already optimal to rounding takes it too).

:func:`solve_with` switches each technique on or off (all off: the book's plain loop, the same
as ``method="cyclic"``; all on: the library's default), through the very code the default
solver runs, and reports deterministic work counts (no timings): coordinate updates, gap checks,
screened features and a flop count. :func:`technique_table` switches them on cumulatively.
"""

import numbers
from dataclasses import dataclass

import numpy as np

from ._validation import (
    check_flag, check_penalty, check_positive, check_positive_int, check_unpenalized,
)
from .coordinate_descent import DEFAULT_TOLERANCE, _check_entry, _solve, _solve_working_set

__all__ = ["TECHNIQUES", "FastResult", "solve_with", "technique_table", "extrapolated_residual",
           "Refinement", "refinement_residuals",
           "candidate_relative_gap", "AnchoredGap", "anchored_gap"]

#: The techniques :func:`solve_with` can switch on, in the order :func:`technique_table` adds them.
TECHNIQUES = ("gram", "working_set", "screening", "extrapolation", "polish")

#: The rows of :func:`technique_table`: a label and the techniques switched on.
_ROWS = (
    ("plain cyclic loop", ()),
    ("+ Gram form", ("gram",)),
    ("+ working sets", ("gram", "working_set")),
    ("+ gap-safe screening", ("gram", "working_set", "screening")),
    ("+ dual extrapolation", ("gram", "working_set", "screening", "extrapolation")),
    ("+ support-and-sign solves", ("gram", "working_set", "screening", "extrapolation", "polish")),
)


@dataclass(frozen=True)
class FastResult:
    """One certified lasso fit and the work it took (every count is deterministic).

    Attributes
    ----------
    weights : ndarray of shape (n_features,)
    converged : bool
        The relative duality gap over every feature is at most ``tolerance`` (or below the
        rounding floor, see :func:`lassolib.lasso_coordinate_descent`).
    objective : float
        :math:`P(w) = \\mathrm{RSS}(w) + \\lambda \\sum_{j \\notin U} |w_j|`.
    gap, relative_gap : float
        The certificate: ``objective`` − min P ≤ ``gap``.
    n_sweeps : int
        Sweeps over the coordinates being updated (the working set, when there is one).
    n_updates : int
        Coordinate updates (one per coordinate visited in a sweep).
    n_gap_checks : int
        Duality-gap computations (each costs products of H with the dual points).
    n_screened : int
        Features screened out when the fit ended (0 without screening).
    flops : int
        A deterministic work count: n per residual-form update, |W| per Gram-form update,
        2·n per feature checked and dual point in a gap check (and for the correlations of
        λ_max), n·|new|·(|old| + |new|) to extend a Gram block, and n·|S|·(|S| + 2) per
        support-and-sign solve.
    techniques : tuple of str
        The techniques switched on (a subset of :data:`TECHNIQUES`).
    """

    weights: np.ndarray
    converged: bool
    objective: float
    gap: float
    relative_gap: float
    n_sweeps: int
    n_updates: int
    n_gap_checks: int
    n_screened: int
    flops: int
    techniques: tuple


def solve_with(H, y, l1_penalty, *, gram=False, working_set=False, screening=False,
               extrapolation=False, polish=False, unpenalized=(), tolerance=DEFAULT_TOLERANCE,
               max_sweeps=10_000):
    r"""Solve the lasso with the chosen techniques switched on, and count the work.

    Parameters
    ----------
    H : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,)
    l1_penalty : float >= 0
        λ, the book's scale (scikit-learn's ``alpha`` is λ / (2 n_samples)).
    gram, working_set, screening, extrapolation, polish : bool, default False
        The techniques of the module docstring. All False: the book's plain cyclic loop
        (``lasso_coordinate_descent(..., method="cyclic")``); all True: the library's default
        working-set solver (``lasso_coordinate_descent``'s default when n < D or D > 256; with
        n ≥ D and D ≤ 256 it uses the path's Gram mode, raced by this solver when the Gram
        matrix is costly, see its ``method``).
        ``gram`` alone sweeps every feature in Gram form when the Gram matrix fits (n ≥ D, or
        D small next to n); otherwise in residual form.
    unpenalized : tuple of int, default ()
    tolerance : float > 0, default 1e-12
        The relative duality gap certified, over every feature, whatever the techniques.
    max_sweeps : int >= 1, default 10000

    Returns
    -------
    FastResult

    Raises
    ------
    ValueError
        For invalid data or arguments (a switch that is not a bool, a tolerance <= 0, ...).
    """
    switches = {
        name: check_flag(value, name)
        for name, value in (("gram", gram), ("working_set", working_set),
                            ("screening", screening), ("extrapolation", extrapolation),
                            ("polish", polish))
    }
    H, y, owned = _check_entry(H, y)
    l1_penalty = check_penalty(l1_penalty, "l1_penalty")
    tolerance = check_positive(tolerance, "tolerance")
    max_sweeps = check_positive_int(max_sweeps, "max_sweeps")
    penalized = check_unpenalized(unpenalized, H.shape[1])
    from .path import _Work

    work = _Work()
    if not any(switches.values()):
        result = _solve(H, y, l1_penalty, tolerance, max_sweeps, None, penalized, owned=owned,
                        work=work)
    else:
        result = _solve_working_set(
            H, y, l1_penalty, tolerance, max_sweeps, None, penalized, owned=owned,
            use_gram=switches["gram"], working_sets=switches["working_set"],
            screening=switches["screening"], extrapolation=switches["extrapolation"],
            polish=switches["polish"], work=work,
        )
    return FastResult(
        weights=result.weights,
        converged=result.converged,
        objective=float(result.objective),
        gap=float(result.gap),
        relative_gap=float(result.relative_gap),
        n_sweeps=int(result.n_iterations),
        n_updates=int(work.n_updates),
        n_gap_checks=int(work.n_gap_checks),
        n_screened=int(work.n_screened),
        flops=int(work.flops),
        techniques=tuple(name for name in TECHNIQUES if switches[name]),
    )


def technique_table(H, y, l1_penalty, *, unpenalized=(), tolerance=DEFAULT_TOLERANCE):
    """The same fit with the techniques switched on one after the other, and the work each took.

    Rows, in order: "plain cyclic loop", "+ Gram form", "+ working sets", "+ gap-safe
    screening", "+ dual extrapolation", "+ support-and-sign solves" (the last is the library's
    default working-set solver;
    for n ≥ D and D ≤ 256, ``lasso_coordinate_descent`` uses the path's Gram mode, see its
    ``method``). Every row
    is certified to the same relative duality gap, so they differ only in the work.

    Parameters
    ----------
    H, y, l1_penalty, unpenalized, tolerance
        As in :func:`solve_with`.

    Returns
    -------
    list of dict
        One dict per row with keys ``"technique"`` (the label), ``"techniques"`` (the tuple of
        techniques on), ``"n_sweeps"``, ``"n_updates"``, ``"n_gap_checks"``, ``"n_screened"``,
        ``"flops"``, ``"objective"``, ``"relative_gap"`` and ``"converged"``.
    """
    rows = []
    for label, on in _ROWS:
        result = solve_with(
            H, y, l1_penalty, unpenalized=unpenalized, tolerance=tolerance,
            **{name: name in on for name in TECHNIQUES},
        )
        rows.append({
            "technique": label,
            "techniques": result.techniques,
            "n_sweeps": result.n_sweeps,
            "n_updates": result.n_updates,
            "n_gap_checks": result.n_gap_checks,
            "n_screened": result.n_screened,
            "flops": result.flops,
            "objective": result.objective,
            "relative_gap": result.relative_gap,
            "converged": result.converged,
        })
    return rows


def extrapolated_residual(residuals):
    r"""Dual extrapolation (Massias, Gramfort & Salmon 2018) from K + 1 stored residuals.

    For residuals :math:`r_0, …, r_K` (rows, oldest first) and their differences
    :math:`U = [r_1 - r_0, …, r_K - r_{K-1}]` (as rows), solve :math:`(U U^\top) z = \mathbf 1`
    and return :math:`\sum_k c_k r_{k}` over :math:`r_1 … r_K` with :math:`c = z/\mathbf 1^\top z`
    (chapter 9's extrapolation equation). If the residuals follow a linear recursion
    :math:`r_{t+1} - r^* = A (r_t - r^*)` with at most K modes, this returns :math:`r^*` exactly.
    It is the solver's own ``path._extrapolated``, applied to one list of residuals.

    Parameters
    ----------
    residuals : array_like of shape (K + 1, n_samples), K >= 2

    Returns
    -------
    ndarray of shape (n_samples,)

    Raises
    ------
    ValueError
        When the residuals are not a finite 2-D array of at least 3 rows, or their differences
        are linearly dependent (then the extrapolation is undefined: use the last residual).
    """
    R = np.asarray(residuals, dtype=np.float64)
    if R.ndim != 2 or R.shape[0] < 3 or R.shape[1] == 0:
        raise ValueError(f"residuals must be a 2-D array of at least 3 rows (K + 1, n_samples), got shape {R.shape}")
    if not np.all(np.isfinite(R)):
        raise ValueError("residuals contains NaN or inf; pass the residuals y - Hw of finite weights")
    from .path import _extrapolated

    extrapolated = _extrapolated(R, R.shape[0])  # the solver's own: R is a full ring, oldest first
    if extrapolated is None:
        raise ValueError("the residuals' differences are linearly dependent (e.g. repeated residuals); "
                         "the extrapolation is undefined: use the last residual as the dual point")
    return extrapolated


def candidate_relative_gap(H, y, w, l1_penalty, candidate, *, unpenalized=()):
    r"""The relative duality gap that a candidate dual point certifies for w.

    ``candidate`` (any vector of n_samples, e.g. the residual y − Hw or an extrapolated one) is
    projected off the unpenalized columns and scaled into the dual feasible set
    :math:`|h_j^\top\theta| \le \lambda/2`, exactly as :func:`lassolib.certificate` does with
    the residual; the gap :math:`P(w) - D(\theta)` is then summed from non-negative terms,
    :math:`\lVert r - \theta\rVert^2 + \sum_j (\lambda|w_j| - 2 w_j h_j^\top\theta)`, which keeps its
    accuracy when it is tiny. Returns gap / P(w). Any candidate gives a valid upper bound on
    :math:`(P(w) - \min P)/P(w)`; a better candidate gives a smaller one.
    """
    from ._validation import check_data, check_weights
    from .certificates import _candidate_gap

    H, y = check_data(H, y)
    l1_penalty = check_penalty(l1_penalty, "l1_penalty")
    penalized = check_unpenalized(unpenalized, H.shape[1])
    w = check_weights(w, H.shape[1], "w")
    candidate = np.asarray(candidate, dtype=np.float64)
    if candidate.shape != y.shape:
        raise ValueError(f"candidate must have shape {y.shape} (one entry per sample), got {candidate.shape}")
    if not np.all(np.isfinite(candidate)):
        raise ValueError("candidate contains NaN or inf; pass a finite vector (e.g. a residual y - Hw)")
    residual = y - H @ w
    primal = float(residual @ residual) + l1_penalty * float(np.sum(np.abs(w[penalized])))
    gap, _ = _candidate_gap(H, y, w, l1_penalty, penalized, residual, candidate)
    return gap / primal if primal > 0.0 else (0.0 if gap == 0.0 else np.inf)


@dataclass(frozen=True)
class AnchoredGap:
    """What :func:`anchored_gap` found: the RSS from the anchor (eq-ch9-anchor) and the bound on
    its rounding, the objective (with the RSS taken at its lowest), the bound on the duality gap
    (rounding included) and that bound relative to the objective."""

    rss: float
    rss_error: float
    primal: float
    gap: float
    relative_gap: float


def anchored_gap(H, y, w, l1_penalty, anchor):
    r"""The path's anchored check (chapter 9): the duality gap at ``w`` from an anchor's residual
    products and the Gram matrix, with its rounding bounded and added.

    With :math:`r_a = y - Hw_a` and :math:`d = w - w_a`, the correlations and the RSS at w are
    :math:`H^\top r = H^\top r_a - G d` and
    :math:`\lVert r\rVert^2 = \lVert r_a\rVert^2 - 2 d^\top H^\top r_a + d^\top G d`: terms the
    size of the change since the anchor, not of ‖y‖². The gap of the residual's dual point
    (scaled into :math:`|h_j^\top\theta| \le \lambda/2`) is then bounded as the solver does
    (``path._anchored_gap``): each computed correlation is within
    :math:`u|c_j| + (D+2)u(|G||d|)_j` (u = ε/2) of the value from G and the anchor's products,
    the dual point is scaled for the worst case, and the rounding of the sums is added.

    Here G = HᵀH and the anchor's products are computed for the call (a solver on a path keeps
    them); every column is penalized.

    Parameters
    ----------
    H : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,)
    w, anchor : array_like of shape (n_features,)
    l1_penalty : float > 0

    Returns
    -------
    AnchoredGap
    """
    from ._validation import check_data, check_weights
    from .path import _anchored_gap

    H, y = check_data(H, y)
    l1_penalty = check_penalty(l1_penalty, "l1_penalty")
    if l1_penalty == 0.0:
        raise ValueError("l1_penalty must be > 0 for the anchored check (at λ = 0 the dual point "
                         "is projected off every column); use lassolib.certificate instead")
    w = check_weights(w, H.shape[1], "w")
    anchor = check_weights(anchor, H.shape[1], "anchor")
    G = np.ascontiguousarray(H.T @ H)
    residual = y - H @ anchor
    out = np.empty(4)
    _anchored_gap(G, w, l1_penalty, anchor, H.T @ residual, float(residual @ residual), out)
    primal, gap, rss, rss_error = (float(value) for value in out)
    relative = gap / primal if primal > 0.0 else (0.0 if gap == 0.0 else np.inf)
    return AnchoredGap(rss=rss, rss_error=rss_error, primal=primal, gap=gap, relative_gap=relative)


@dataclass(frozen=True)
class Refinement:
    """What :func:`refinement_residuals` found: the largest KKT residual on the support,
    relative to max |h_jᵀy| over it, after each solve with the single-precision factor
    (``residuals``; the first is the factor's own solution, the others its refinements), and
    after NumPy's solve of the system in double precision (``double``); ``declined`` is True when
    the library would solve in double precision instead (its refinement did not converge)."""

    residuals: np.ndarray
    double: float
    declined: bool


def refinement_residuals(H, y, w, l1_penalty, *, unpenalized=()):
    r"""The support-and-sign system of chapter 9 (eq-ch9-polish) on the support and signs of
    ``w``, solved as the library solves it: a single-precision Cholesky factor of the
    column-scaled system, then corrections from residuals computed in double precision
    (``_refined_solution`` in ``lassolib/path.py``).

    Returns a :class:`Refinement`: the largest residual
    :math:`|h_j^\top(y - H_S v) - \tfrac{\lambda}{2}s_j|` over the support after each solve,
    and the same for the solution of :math:`H_S^\top H_S v = H_S^\top y - \tfrac{\lambda}{2}s`
    by :func:`numpy.linalg.solve` in double precision, all relative to
    :math:`\max_{j\in S}|h_j^\top y|`. The support S is w's nonzero weights and the
    unpenalized columns (signs 0); it must not be empty and have at most n columns.
    """
    from ._validation import check_data, check_weights
    from .path import _refined_solution

    H, y = check_data(H, y)
    l1_penalty = check_penalty(l1_penalty, "l1_penalty")
    penalized = check_unpenalized(unpenalized, H.shape[1])
    w = check_weights(w, H.shape[1], "w")
    support = np.flatnonzero((w != 0.0) | ~penalized)
    if support.size == 0:
        raise ValueError("w has no nonzero weight and there is no unpenalized column: the "
                         "support is empty; pass weights with a nonzero entry (e.g. a solver's)")
    if support.size > H.shape[0]:
        raise ValueError(f"w has {support.size} nonzero weights for {H.shape[0]} rows of H: "
                         "the system has no unique solution; pass weights with at most "
                         "n_samples nonzero entries")
    H_S = H[:, support]
    if np.any(np.einsum("ij,ij->j", H_S, H_S) == 0.0):
        raise ValueError("a column of H on w's support is all zero: the system is singular; "
                         "drop that column or set its weight to 0")
    signs = np.where(penalized[support], np.sign(w[support]), 0.0)
    iterates = []
    solution = _refined_solution(np.asfortranarray(H), y, support, signs, l1_penalty, iterates)
    scale = float(np.max(np.abs(H_S.T @ y)))
    scale = scale if scale > 0.0 else 1.0

    def residual(v):
        return float(np.max(np.abs(H_S.T @ (y - H_S @ v) - (l1_penalty / 2.0) * signs))) / scale

    try:
        double = np.linalg.solve(H_S.T @ H_S, H_S.T @ y - (l1_penalty / 2.0) * signs)
        double_residual = residual(double)
    except np.linalg.LinAlgError:
        double_residual = np.inf
    return Refinement(np.array([residual(v) for v in iterates]), double_residual,
                      solution is None)
