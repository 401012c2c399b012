r"""Chapter 6 — the regularization path, and choosing λ on held-out data.

The path solves the lasso for a decreasing grid of penalties starting at :math:`\lambda_{\max}`
(where every penalized weight is 0), each fit warm-started from the previous one, so that each
costs only a few sweeps.

Along a path most weights are 0 and stay 0, so the path solver sweeps only a *working set*:
the nonzero weights and the strongest violators of the KKT condition, grown in bounded steps,
in covariance form (:func:`gram_coordinate_descent_sweeps`: the same cyclic update with
:math:`\rho_j` from the Gram matrix instead of the residual) when the set is small next to the
number of samples and in residual form otherwise; see :func:`_working_set_fit`. Every fit is
accepted only when the duality gap of the *whole* problem is certified, as in
:func:`lasso_coordinate_descent`: relative gap ≤ ``tolerance``.
"""

import warnings

import numpy as np
from scipy.linalg import blas, lapack

from ._jit import jit, quiet_degenerate_layout
from ._result import ConvergenceWarning, SolverResult
from ._validation import (
    check_array,
    check_data,
    check_penalty,
    check_positive,
    check_positive_int,
    check_seed,
    check_unpenalized,
    check_flag,
)
from .coordinate_descent import (
    DEFAULT_TOLERANCE,
    _EPS,
    _check_entry,
    _floor_counts,
    _copy_into,
    _gram_sweep,
    _gram_sweeps,
    _projected_lambda_max,
    _Scaled,
    _subset_sweeps,
)
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


def _check_grid_arguments(l1_penalties, n_penalties, min_ratio):
    """Refuse a grid's size or ratio next to explicit penalties; fill in the defaults."""
    if l1_penalties is not None:
        given = [name for name, value in (("n_penalties", n_penalties), ("min_ratio", min_ratio))
                 if value is not None]
        if given:
            raise ValueError(
                f"{' and '.join(given)} describe the default grid and cannot be combined with "
                "l1_penalties; pass either l1_penalties or n_penalties/min_ratio"
            )
    return (100 if n_penalties is None else n_penalties), (1e-3 if min_ratio is None else min_ratio)


def _check_penalties(l1_penalties):
    l1_penalties = check_array(l1_penalties, "l1_penalties")
    if l1_penalties.ndim != 1 or l1_penalties.size == 0:
        raise ValueError(
            f"l1_penalties must be a non-empty 1-D array, got shape {l1_penalties.shape}"
        )
    if not np.all(np.isfinite(l1_penalties)) or np.any(l1_penalties < 0):
        raise ValueError("l1_penalties must all be finite and >= 0")
    return np.sort(l1_penalties)[::-1].copy()


def lasso_path(
    H,
    y,
    l1_penalties=None,
    *,
    n_penalties=None,
    min_ratio=None,
    tolerance=DEFAULT_TOLERANCE,
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
        penalized columns). That λ_max is :func:`lambda_max`'s, except for a C-ordered H with
        n ≥ D, which the path reads in place: there its product with the residual rounds
        differently, and the two can differ in the last bits (128 of 200 random 40×12
        problems, by at most 3 ulps; the first row is all-zero either way).
    n_penalties, min_ratio : int, float, optional
        The default grid's size (100) and its smallest λ relative to λ_max (1e-3). They describe
        the default grid only: giving either together with ``l1_penalties`` is a ValueError.
    tolerance : float > 0, default 1e-12
        Each fit stops when its relative duality gap (gap / objective, see
        :func:`lasso_coordinate_descent`) is at most this: scale-free, certified. Penalties at
        or below 1e-8·λ_max (n ≥ D) are first tried with the answer from the least-squares fit
        and its own bound, as there ("Tiny penalties").
    max_sweeps : int >= 1, default 10000
        The budget of sweeps (over the working set, see the module docstring) of each fit.
    unpenalized : tuple of int, default ()
    return_results : bool, default False
        Also return the list of :class:`SolverResult`, one per penalty, with the gap of each fit.

    Returns
    -------
    l1_penalties : ndarray of shape (n_penalties,)
        Decreasing.
    weights : ndarray of shape (n_penalties, n_features)
        Row k is the solution at ``l1_penalties[k]``.
    results : list of SolverResult
        Only with ``return_results=True``; ``n_iterations`` counts sweeps over the working sets.

    H is not copied when it is a float64 array with finite entries in Fortran order, or in C
    order with n_samples ≥ n_features (Gram mode reads it only through BLAS products; should a
    fit need sweeps over its columns, it is copied to Fortran order then); any other H is
    validated into a Fortran-ordered copy. In units beyond 2^±100 the solver works on a rescaled
    copy.

    See the book's chapter 6.
    """
    n_penalties, min_ratio = _check_grid_arguments(l1_penalties, n_penalties, min_ratio)
    # no copy of a float64 H (Fortran-ordered, or C-ordered with n >= D: see _Scaled.fortran)
    H, y, owned, squares = _check_entry(H, y, squares=True, c_order=True)
    return_results = check_flag(return_results, "return_results")
    tolerance = check_positive(tolerance, "tolerance")
    max_sweeps = check_positive_int(max_sweeps, "max_sweeps")
    penalized = check_unpenalized(unpenalized, H.shape[1])
    if l1_penalties is None:
        n_penalties = check_positive_int(n_penalties, "n_penalties")
        min_ratio = check_positive(min_ratio, "min_ratio")
    else:
        l1_penalties = _check_penalties(l1_penalties)
    problem = _Scaled(H, y, penalized, owned=owned, squares=squares, project=True)
    w_zero, residual_zero = _unpenalized_fit(problem.H, problem.y, penalized)
    problem.set_reference(residual_zero)
    lam_max, correlation_zero = _lambda_max(problem.H, penalized, residual_zero, correlation=True)
    if l1_penalties is None:
        l1_penalties = penalty_grid(
            float(np.ldexp(lam_max, -(problem.a + problem.b))), n_penalties=n_penalties,
            min_ratio=min_ratio,
        )
        scaled_penalties = lam_max * np.logspace(0.0, np.log10(min_ratio), n_penalties)
    else:
        scaled_penalties = np.array([problem.penalty(lam) for lam in l1_penalties])

    weights, converged, results = _active_set_path(
        problem, scaled_penalties, tolerance, max_sweeps, w_zero, residual_zero, lam_max,
        keep_history=return_results,
        # with every column penalized r_0 = y: the Gram mode's Hᵀy, without another pass over H
        Hty=correlation_zero if problem.all_penalized else None,
    )
    weights = problem.weights(weights)
    failed = [float(lam) for lam in l1_penalties[~converged]]
    if failed:
        warnings.warn(
            f"lasso_path: {len(failed)} of {l1_penalties.size} fits did not converge "
            f"(l1_penalties {failed[:5]}{' …' if len(failed) > 5 else ''}): relative duality "
            f"gap above tolerance {tolerance:g} after at most {max_sweeps} sweeps, or for a "
            "reason warned about above; raise max_sweeps or tolerance",
            ConvergenceWarning,
            stacklevel=2,
        )
    if return_results:
        return l1_penalties, weights, results
    return l1_penalties, weights


def cross_validate(
    H, y, l1_penalties=None, *, n_folds=5, seed=0, unpenalized=(), tolerance=DEFAULT_TOLERANCE,
    n_penalties=None, min_ratio=None,
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
        data (``n_penalties`` values, default 100, down to ``min_ratio`` · λ_max, default 1e-3),
        so every fold is scored at the same penalties. Giving ``n_penalties`` or ``min_ratio``
        together with ``l1_penalties`` is a ValueError.
    n_folds : int >= 2, default 5
    seed : int, default 0
    unpenalized : tuple of int, default ()
    tolerance : float > 0, default 1e-12
        The relative duality gap of each fit, as in :func:`lasso_path`.

    Returns
    -------
    l1_penalties : ndarray of shape (n_penalties,)
        Decreasing.
    mse : ndarray of shape (n_folds, n_penalties)
        Held-out mean squared error of each fold at each penalty.

    See the book's chapter 6.
    """
    n_penalties, min_ratio = _check_grid_arguments(l1_penalties, n_penalties, min_ratio)
    H, y = check_data(H, y)
    n_folds = check_positive_int(n_folds, "n_folds")
    if not 2 <= n_folds <= H.shape[0]:
        raise ValueError(f"n_folds must be between 2 and n_samples = {H.shape[0]}, got {n_folds}")
    penalized = check_unpenalized(unpenalized, H.shape[1])
    if l1_penalties is None:
        l1_penalties = penalty_grid(  # (lasso_path's grid: see _projected_lambda_max)
            _projected_lambda_max(H, y, penalized), n_penalties=n_penalties, min_ratio=min_ratio
        )
    order = np.random.default_rng(check_seed(seed)).permutation(H.shape[0])
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


def _row_chunks(H, columns, scale=None, size_limit=None):
    """``(rows, H[rows, columns])`` for consecutive slices of rows: Fortran-ordered blocks (as
    the BLAS calls want them) of at most max(_BLOCK_COPY, 8·|C|) floats, written into one buffer
    (each block is overwritten by the next). With ``scale`` (one factor per column), the blocks
    are ``H[rows, columns] * scale`` in single precision, of at most
    max(_BLOCK_COPY_SINGLE, 8·|C|) floats; with ``size_limit``, of at most max(size_limit, 8·|C|)."""
    size = max(1, columns.size)
    if size_limit is None:
        size_limit = _BLOCK_COPY if scale is None else _BLOCK_COPY_SINGLE
    step = max(8, size_limit // size)
    dtype = np.float64 if scale is None else np.float32
    buffer = np.empty(min(step, H.shape[0]) * size, dtype=dtype)
    for start in range(0, H.shape[0], step):
        rows = slice(start, start + step)
        count = min(step, H.shape[0] - start)
        chunk = buffer[: count * size].reshape((count, size), order="F")
        if scale is None:
            _gather(H, start, columns, chunk)
        else:
            _gather_scaled(H, start, columns, scale, chunk)
        yield rows, chunk


@jit
def _gather(H, start, columns, out):
    """``out[:] = H[start:start + len(out), columns]`` without a temporary (NumPy's fancy
    indexing makes one, and ``np.take`` first copies ``H[rows]`` to C order)."""
    for k in range(columns.size):
        j = columns[k]
        for i in range(out.shape[0]):
            out[i, k] = H[start + i, j]


@jit
def _gather_scaled(H, start, columns, scale, out):
    """``out[:] = H[start:start + len(out), columns] * scale``, scaled in double precision and
    then stored in ``out``'s (single) precision."""
    for k in range(columns.size):
        j = columns[k]
        factor = scale[k]
        for i in range(out.shape[0]):
            out[i, k] = H[start + i, j] * factor


@jit
def _compact_residual(H, y, support, v, e):
    """``e = y − H_S v`` for the columns S = ``support`` of H (``v`` has one weight per column
    of S; no copy of them)."""
    for i in range(e.size):
        e[i] = y[i]
    for k in range(support.size):
        j = support[k]
        v_k = v[k]
        if v_k != 0.0:
            for i in range(e.size):
                e[i] -= H[i, j] * v_k


@jit
def _support_correlation_columns(H, y, support, v, e, out):
    """``e = y − H_S v`` and ``out = H_Sᵀ e`` for a Fortran-ordered H (contiguous columns)."""
    _compact_residual(H, y, support, v, e)
    for k in range(support.size):
        out[k] = np.dot(H[:, support[k]], e)


@jit
def _support_correlation_rows(H, y, support, v, e, out):
    """As :func:`_support_correlation_columns`, row by row (for an H in any other order)."""
    for k in range(support.size):
        out[k] = 0.0
    for i in range(e.size):
        value = y[i]
        for k in range(support.size):
            value -= H[i, support[k]] * v[k]
        e[i] = value
        for k in range(support.size):
            out[k] += H[i, support[k]] * value


def _support_correlation(H, y, support, v, e, out):
    """``e = y − H_S v`` and ``out = H_Sᵀ e`` for the columns S = ``support`` of H, in double
    precision and without a copy of them."""
    if H.flags.f_contiguous:
        _support_correlation_columns(H, y, support, v, e, out)
    else:
        _support_correlation_rows(H, y, support, v, e, out)


@jit
def _column_norms(H, support):
    """The Euclidean norms of the columns ``support`` of H (no copy of them)."""
    out = np.empty(support.size)
    for k in range(support.size):
        j = support[k]
        total = 0.0
        for i in range(H.shape[0]):
            total += H[i, j] * H[i, j]
        out[k] = np.sqrt(total)
    return out


@jit
def _mirror_upper(A):
    """Copy the upper triangle of the square ``A`` onto its lower one, in place (dsyrk fills
    only the upper)."""
    for j in range(A.shape[1]):
        for i in range(j):
            A[j, i] = A[i, j]


def _gram_of_columns(H, columns, old=0, y=None):
    r"""(:math:`H_{C_{<old}}^\top H_{C_{\ge old}}`, the symmetric :math:`H_{C_{\ge old}}^\top
    H_{C_{\ge old}}`, :math:`H_{C_{\ge old}}^\top y` or None) for the columns C, Fortran-ordered,
    accumulated in place (dgemm and dsyrk with β = 1) from :func:`_row_chunks`: no copy of
    :math:`H_C` and no second product."""
    new = columns.size - old
    cross = np.zeros((old, new), order="F")
    square = np.zeros((new, new), order="F")
    Hty = None if y is None else np.zeros(new)
    for rows, chunk in _row_chunks(H, columns):
        if old:
            cross = blas.dgemm(1.0, chunk[:, :old], chunk[:, old:], beta=1.0, c=cross,
                               trans_a=1, overwrite_c=1)
        square = blas.dsyrk(1.0, chunk[:, old:], beta=1.0, c=square, trans=1, overwrite_c=1)
        if y is not None:
            Hty += chunk[:, old:].T @ y[rows]
    if new > 1:  # (a 1×1 block, which numba types as C-ordered, would compile it once more)
        _mirror_upper(square)
    return cross, square, Hty


class _GramCache:
    r"""Gram blocks :math:`H_F^\top H_F` over the features F that have been in a working set.

    With n_samples >= n_features the whole D×D matrix is computed at the start (at most the size
    of H). Otherwise the block grows when features first enter a working set, by
    :math:`H_{F \cup N}^\top H_N` (O(n·|F|·|N|), never O(n·D) per feature), and only while it
    stays small: :meth:`allows` says whether a working set may use the Gram form.
    ``slot[j]`` is the row and column of ``G`` holding feature j, or −1. :meth:`hty` gives
    :math:`H_W^\top y`: the whole ``Hty`` when full (the caller's, if it has it), else only the
    cached features' entries, computed as they join (no array of D floats kept for it).
    """

    def __init__(self, H, y, full=None, Hty=None):
        self.H, self.y = H, y
        n_samples, n_features = H.shape
        self.full = n_samples >= n_features if full is None else full
        self.flops = 0  # n·(new)·(old + new) per extension (see path._Work)
        if self.full:
            self.Hty = H.T @ y if Hty is None else Hty  # the caller's Hᵀy, if it has it
            self.G = H.T @ H
            self.flops = n_samples * n_features * n_features
            self.slot = np.arange(n_features)
            self.size = n_features
        else:
            self.G = np.empty((0, 0))
            self.slot = np.full(n_features, -1, dtype=np.int32)  # (half the memory of intp)
            self.features = np.empty(0, dtype=np.intp)
            self.size = 0
            self.Hty, self._hty = None, np.empty(0)  # (Hᵀy)_j at slot[j]
        # The Gram form pays when a working set is small next to n (a sweep costs |W|² instead
        # of n·|W|); its memory stays below an eighth of H (a quarter until 2026-11-28: the
        # 500×1000 paths of `make bench` then peaked at 2.5 MB, celer's at 2.4, and then at 1.9
        # to 2.0 MB, in the same time) and below 8·(n + D) floats, about as much as the fit
        # holds besides (vectors of n and of D), so that it never multiplies a fit's peak: on
        # the correlated 500×1000 fit at λ_max/10 (208 cached features, a working set of 168)
        # the fit peaked at 772 kB, skglm's at 152, and now at 119 kB (109 features at most), in
        # 1.04–1.12× the time (seeds 0–2, 7 alternations; at λ_max/100, on the independent
        # columns and on both paths 0.98–1.04×; the paths' peaks fell from 1.9 to 1.4–1.5 MB).
        self.limit = int(min(np.sqrt(H.size / 8.0), np.sqrt(8.0 * (n_samples + n_features))))

    def hty(self, features):
        """:math:`(H^\top y)_j` for the features (all in the cache)."""
        return self.Hty[features] if self.full else self._hty[self.slot[features]]

    def allows(self, features):
        if self.full:
            return True
        missing = int(np.count_nonzero(self.slot[features] < 0))
        return features.size <= self.H.shape[0] // 2 and self.size + missing <= self.limit

    def _extend(self, new):
        """Add the features ``new`` (not yet cached) to ``G`` (a method of its own: the copies
        of their columns are gone before :meth:`block` gathers a block)."""
        old, need = self.size, self.size + new.size
        cross, square, hty = _gram_of_columns(self.H, np.concatenate([self.features, new]), old,
                                              y=self.y)
        if old == 0:
            self.G = square.T  # a first block is the cache (symmetric: its transpose is C-ordered)
        else:
            if need > self.G.shape[0]:
                capacity = min(self.limit, max(need, 2 * old))
                grown = np.empty((capacity, capacity))
                grown[:old, :old] = self.G[:old, :old]
                self.G = grown
            self.G[:old, old:need] = cross
            self.G[old:need, :old] = cross.T
            self.G[old:need, old:need] = square
        self.flops += self.H.shape[0] * new.size * need
        self._hty = np.concatenate([self._hty[:old], hty])
        self.slot[new] = np.arange(old, need)
        self.features = np.concatenate([self.features, new])
        self.size = need

    def block(self, features):
        """:math:`G_{WW}` for ``features`` (increasing), computing the entries it lacks: a copy,
        or the cache's own array when W is the cache in its order (not to be written to)."""
        new = features[self.slot[features] < 0]
        if new.size:
            self._extend(new)
        slots = self.slot[features]
        if slots.size == self.G.shape[0] and np.array_equal(slots, np.arange(slots.size)):
            return self.G  # W is the cache, in its order: no copy (the callers only read it)
        return self.G[np.ix_(slots, slots)]


#: A cold start's first working set takes at least this share of the features that violate
#: the KKT condition at w = 0 (at most n of them), instead of 10 that double at each check:
#: on 500×1000 at λ_max/10 and /100, 644–984 violators for supports of 109–302. A/B over 24
#: fits (λ_max/10, /100, /1000, seeds 0–3, independent and correlated columns; CPU time,
#: medians of 7 alternating runs): 0.93× the time in all (single fits 0.70–1.12×; the
#: correlated fits at λ_max/100 0.79–0.97×); a quarter was 0.98× in all (seeds 0–2), with
#: 500×1000 fits at λ_max/1000 up to 1.26× slower.
_FIRST_SHARE = 0.125

#: A cold start's first working set, with no sweeps of a previous one to go by, gets its Gram
#: block if this many sweeps would pay for it (see :func:`_working_set_fit`; a warm start's
#: first working set always does: on the correlated 500×1000 path the rule for both was 1.08×
#: slower).
_FIRST_SWEEPS = 8

#: The Gram blocks (:meth:`_GramCache.block`) and the support-and-sign system (:func:`_polish`)
#: are accumulated from copies of their columns, a chunk of rows at a time, of at most this many
#: floats (128 kB; at least 8 rows).
_BLOCK_COPY = 1 << 14

#: The single-precision chunks of the support-and-sign system (:func:`_refined_solution`) hold
#: at most this many floats (16 kB; at least 8 rows), and so do the double-precision chunks of
#: a path certificate's product over its used columns (:func:`_certify_block`: 32 kB).
_BLOCK_COPY_SINGLE = 1 << 12

#: At most this many active-set steps in a support-and-sign solve (:func:`_polish`) that a
#: second stall asks for with the same support and signs: each step goes to the minimizer on the
#: current support and signs or stops where a weight reaches 0, and the next one solves again
#: without that weight.
_POLISH_STEPS = 8

#: :func:`_reduced_support` reads the support's columns this many at a time.
_NULL_CHUNK = 64

#: Dual extrapolation uses the last K residuals (or weights) of a working-set sub-problem.
_EXTRAPOLATION_K = 5

#: Anderson acceleration runs only when K sweeps of the working set cost at least this many
#: multiply-adds. The threshold dates from when its overhead was a K×K solve and a few NumPy
#: calls, ~0.1 ms (on the uncentered diabetes problem, 0.9 million pauses made a 400-penalty
#: path take 126 s instead of 9); it is now compiled (:func:`_subset_sweeps_accelerated`), and
#: the threshold is kept because lowering it to 0 was measured mixed on the benchmark's fits.
_ANDERSON_MIN_FLOPS = 200_000

#: A Gram-block extension's multiply-adds (BLAS 3) run this many times faster than those of
#: the residual-form sweeps (2·n per coordinate update): measured on 500×1000, 2.4× for 40
#: columns, 3.9× for 80, 4.7× for 160 and 300 (see :func:`_working_set_fit`).
_GRAM_SPEEDUP = 3.0

#: While a working set still leaves violators out, the extrapolated dual point is computed only
#: once a gap check has come within this share of the objective (see :func:`_working_set_fit`).
_EXTRAPOLATE_BELOW = 0.01

#: A working set's sweeps settle at this share of sqrt(gap) (see :func:`_working_set_fit`).
_INNER_SHARE = 0.01

#: A path's Gram-mode certificates take at most this many residual columns per block (see
#: :func:`_active_set_path`).
_BLOCK_COLUMNS = 8

#: A gap check that does not lower the gap below this share of the previous one is a stall.
_STALL_RATIO = 0.5

#: A screened feature must clear the safe-sphere test by this relative margin (rounding).
_SCREEN_MARGIN = 1e-9


#: In Gram mode (n ≥ D, see :func:`_gram_path_fit`) the sweeps stop when the Gram-form gap
#: *estimate* is at most this fraction of ``tolerance`` · objective, so that the residual-form
#: certificate that follows (the only one that can report ``converged``) rarely fails.
_GRAM_MARGIN = 0.5

#: The Gram-form estimate is trusted only while its own rounding estimate (cancellation in
#: Hᵀy − Gw, see :func:`_gram_path_sweeps`) is below this fraction of ``tolerance`` · objective;
#: otherwise (e.g. uncentered data fitted almost exactly) the fit continues in residual form.
_GRAM_FLOOR_SHARE = 0.25

#: In Gram mode a penalty gets at most this many plain sweeps before it continues in residual
#: form (:func:`_working_set_fit`, with extrapolation and Anderson acceleration, which an
#: ill-conditioned problem needs: the uncentered diabetes problem). The centered diabetes path
#: needs up to ~1300 plain sweeps near λ_max/1000 (each costs ~D² = 121 multiply-adds); a cap of
#: 500 sent its last penalties to residual form and made the path ~2× slower.
_GRAM_MAX_SWEEPS = 5000

#: Gram mode's sweeps take Anderson steps (see :func:`_gram_path_sweeps`); on the diabetes path
#: of 100 penalties, 16,545 sweeps without them, 4,721 with them.
_GRAM_ANDERSON = True


@jit
def _small_solve(A, b, relative_pivot=1e-14):
    """Solve the small system A x = b by Gaussian elimination with partial pivoting; (x, ok),
    ok False when a pivot is not larger than ``relative_pivot`` times A's largest entry (nearly
    singular; with 0, only an exactly singular A, as LAPACK's ``gesv`` refuses)."""
    m = A.shape[0]
    A = A.copy()
    x = b.copy()
    scale = 0.0
    for i in range(m):
        for j in range(m):
            scale = max(scale, abs(A[i, j]))
    if not (scale > 0.0) or not np.isfinite(scale):
        return x, False
    for k in range(m):
        pivot = k
        for i in range(k + 1, m):
            if abs(A[i, k]) > abs(A[pivot, k]):
                pivot = i
        if not (abs(A[pivot, k]) > relative_pivot * scale):
            return x, False
        if pivot != k:
            for j in range(m):
                A[k, j], A[pivot, j] = A[pivot, j], A[k, j]
            x[k], x[pivot] = x[pivot], x[k]
        for i in range(k + 1, m):
            factor = A[i, k] / A[k, k]
            for j in range(k, m):
                A[i, j] -= factor * A[k, j]
            x[i] -= factor * x[k]
    for k in range(m - 1, -1, -1):
        total = x[k]
        for j in range(k + 1, m):
            total -= A[k, j] * x[j]
        x[k] = total / A[k, k]
    return x, True


@jit
def _anchored_gap(G, w, l1_penalty, w_a, c_a, rss_a, out):
    r"""The duality gap at ``w`` (every column penalized, λ > 0) from an *anchor* w_a whose
    residual products are known: :math:`c_a = H^\top r_a` and :math:`\lVert r_a\rVert^2`
    (:math:`r_a = y - Hw_a`), and the Gram matrix G. With :math:`d = w - w_a`,

    .. math:: c = H^\top r = c_a - G d, \qquad
              \lVert r\rVert^2 = \lVert r_a\rVert^2 - 2 d^\top c_a + d^\top G d ,

    O(D·nnz(d)) instead of the residual form's two products with H (O(n·D)). Unlike the Gram form
    from w = 0 (:math:`\lVert y\rVert^2 - 2w^\top H^\top y + w^\top G w`, whose cancellation
    grows with ‖y‖² / ‖r‖²), the rounding here is relative to the anchor's own terms, and it is
    *bounded and added*: each computed :math:`c_j` is within
    :math:`\delta_j = u|c_j| + (D+2)\,u\,(|G||d|)_j` of :math:`c_a - G(w - w_a)` (u = ε/2: the
    subtraction :math:`w - w_a`, the sum of D products, the last subtraction). The dual point is
    the residual scaled by :math:`s = \min(1, (\lambda/2) / \max_j(|c_j| + \delta_j))`, feasible
    for every true :math:`c_j`, and each term is taken at its worst:

    .. math:: \text{gap} \le (1 - s)^2(\lVert r\rVert^2 + \delta_r)
              + \sum_j \max\bigl(0,\ \lambda|w_j| - 2s(w_j c_j - |w_j|\delta_j)\bigr) ,

    :math:`\delta_r` bounding the rounding of :math:`\lVert r\rVert^2` likewise, plus the
    rounding of this sum (its terms are differences of nearly equal numbers). What is taken
    as exact is what the residual-form certificate also takes as exact: the BLAS products it
    starts from (here G = HᵀH and the anchor's :math:`y - Hw_a`, :math:`H^\top r_a`).

    Writes (primal with ‖r‖² − δ_r, gap bound, ‖r‖², δ_r) to ``out``.
    """
    n_features = w.shape[0]
    u = _EPS / 2.0
    d = np.empty(n_features)
    nz = np.empty(n_features, dtype=np.int64)
    count = 0
    for k in range(n_features):
        d[k] = w[k] - w_a[k]
        if d[k] != 0.0:
            nz[count] = k
            count += 1
    factor = (n_features + 2) * u * (1.0 + 1e-10)
    largest = 0.0
    c = np.empty(n_features)
    delta = np.empty(n_features)
    rss = rss_a
    spread = rss_a
    l1 = 0.0
    for j in range(n_features):
        g, a = 0.0, 0.0
        for i in range(count):
            k = nz[i]
            t = G[j, k] * d[k]
            g += t
            a += abs(t)
        c[j] = c_a[j] - g
        delta[j] = u * abs(c[j]) + factor * a
        largest = max(largest, abs(c[j]) + delta[j])
        rss += d[j] * (g - 2.0 * c_a[j])
        spread += abs(d[j]) * (a + 2.0 * abs(c_a[j]))
        l1 += abs(w[j])
    delta_r = (2 * n_features + 6) * u * (1.0 + 1e-10) * spread
    scale = 1.0
    if largest > l1_penalty / 2.0:
        scale = (l1_penalty / 2.0) / largest
    gap = (1.0 - scale) * (1.0 - scale) * (max(rss, 0.0) + delta_r)
    size = gap
    for j in range(n_features):
        if w[j] != 0.0:
            t = l1_penalty * abs(w[j]) - 2.0 * scale * (w[j] * c[j] - abs(w[j]) * delta[j])
            size += l1_penalty * abs(w[j]) + 2.0 * scale * abs(w[j]) * (abs(c[j]) + delta[j])
            if t > 0.0:
                gap += t
    # the rounding of this sum itself: the terms are differences of nearly equal numbers
    gap += (n_features + 8) * u * (1.0 + 1e-10) * size
    out[0] = max(rss - delta_r, 0.0) + l1_penalty * l1
    out[1] = gap
    out[2] = rss
    out[3] = delta_r


@jit
def _gram_gap_estimate(G, Hty, w, Gw, rss, v, Gv, penalized, l1_penalty, unpenalized, M, c,
                       alpha, size_c, size_rss):
    r"""The Gram-form gap estimate at w for the dual point built from :math:`y - Hv` (see
    :func:`_gram_path_sweeps`); ``c`` and ``alpha`` are work arrays. Returns (gap, floor)."""
    n_features = G.shape[0]
    n_unpenalized = unpenalized.shape[0]
    half = l1_penalty / 2.0
    for a in range(n_unpenalized):
        total = 0.0
        for b in range(n_unpenalized):
            u = unpenalized[b]
            total += M[a, b] * (Hty[u] - Gv[u])
        alpha[a] = total
    largest = 0.0
    for j in range(n_features):
        c_j = Hty[j] - Gv[j]
        for a in range(n_unpenalized):
            c_j -= G[j, unpenalized[a]] * alpha[a]
        c[j] = c_j
        if penalized[j] and abs(c_j) > largest:
            largest = abs(c_j)
    s = 1.0
    if largest > half:
        s = half / largest
    # r − θ = (1 − s) r + s H d with d = v − w + α (on U): ‖r − θ‖² without cancellation of ‖y‖²
    cross, quadratic = 0.0, 0.0
    for j in range(n_features):
        d_j = v[j] - w[j]
        Gd_j = Gv[j] - Gw[j]
        for a in range(n_unpenalized):
            Gd_j += G[j, unpenalized[a]] * alpha[a]
            if unpenalized[a] == j:
                d_j += alpha[a]
        cross += (Hty[j] - Gw[j]) * d_j
        quadratic += d_j * Gd_j
    # (squares as products: ``** 2`` cost the first call in Gram mode about 0.1 s of compiling)
    distance = (1.0 - s) * (1.0 - s) * rss + 2.0 * s * (1.0 - s) * cross + s * s * quadratic
    if distance < 0.0:
        distance = 0.0
    terms = 0.0
    for j in range(n_features):
        if penalized[j]:
            term = l1_penalty * abs(w[j]) - 2.0 * s * w[j] * c[j]
            if term > 0.0:
                terms += term
    # Rounding (an estimate of it, first order; the certificate that follows is what counts):
    # c_j = (Hᵀy)_j − (Gv)_j is off by about ε(|(Hᵀy)_j| + |(Gv)_j|), which moves the terms by
    # 2|w_j| times that; ‖r‖² = ‖y‖² − 2wᵀHᵀy + wᵀGw by about ε(‖y‖² + 2|w|ᵀ|Hᵀy| + |w|ᵀ|Gw|),
    # which enters the gap through (1 − s)² only.
    eps = 2.220446049250313e-16
    return distance + terms, eps * (2.0 * size_c + (1.0 - s) * (1.0 - s) * size_rss)


@jit
def _gram_path_sweeps(G, Hty, yty, w, Gw, penalized, l1_penalty, unpenalized, M, tolerance,
                      margin, floor_share, max_sweeps, objective_history, max_step_history,
                      estimate, snapshots, extra, anderson=False):
    r"""Cyclic sweeps over every feature in covariance form, each followed by a gap *estimate*.

    The update is :func:`_gram_sweeps`'s on the whole Gram matrix ``G`` (``Gw = G @ w`` kept up
    to date, so a feature that stays at 0 costs O(1) and a change O(D)). After each sweep the
    duality gap at w is estimated in Gram form, in O(D), for the dual point built from the
    residual :math:`y - Hv` with v = w: :math:`c = H^\top y - Gv`, projected off the unpenalized
    columns U by :math:`\alpha = M c_U` (M the pseudo-inverse of :math:`G_{UU}`),
    :math:`c' = c - G_{:U}\alpha`, scaled by :math:`s = \min(1, (\lambda/2)/\max_{j \notin U}|c'_j|)`:

    .. math:: \text{gap} = \lVert r - \theta\rVert^2
              + \sum_{j \notin U} \max(0, \lambda|w_j| - 2 s\, w_j c'_j) ,

    with :math:`r - \theta = (1-s)\,r + s\,Hd`, :math:`d = v - w + \alpha` (α on U), so
    :math:`\lVert r - \theta\rVert^2 = (1-s)^2\lVert r\rVert^2 + 2s(1-s)\,c(w)^\top d + s^2 d^\top G d`
    and :math:`\lVert r\rVert^2 = \lVert y\rVert^2 - 2w^\top H^\top y + w^\top Gw` — the same sum as
    :func:`coordinate_descent._dual_gap`'s for that point. When ``snapshots`` has rows (2K of
    them: the last K iterates and their Gw), the point from celer's extrapolation of the last K
    iterates (:func:`_extrapolated`: v = Σ c_k w_k, whose residual is the same combination of the
    residuals) is tried too. It is only an estimate: Gram form loses digits to cancellation (the
    ``floor`` it reports). ``estimate`` receives (objective, gap, floor) after the last sweep.

    With ``anderson`` (:data:`_GRAM_ANDERSON`, as in the working sets: Anderson acceleration,
    Bertrand et al. 2022), every K sweeps that extrapolated v replaces w when it lowers the
    Gram-form objective; ``Gw`` is then recomputed (the combination of the Gw's carries the
    rounding of large coefficients, which on the diabetes path sent two fits' estimates a
    factor 2–3 below their certificates) and the snapshots start afresh.

    Returns ``(sweeps run, status)``: 1 when the residual's gap ≤ ``margin`` · tolerance ·
    objective with a floor below ``floor_share`` · tolerance · objective (``_GRAM_MARGIN``,
    ``_GRAM_FLOOR_SHARE``); 2 when the extrapolated point's gap is (v is then in ``extra``);
    −1 when the gap reached the floor but the floor is too large for the estimate to be trusted;
    0 when the budget ran out.
    """
    n_features = G.shape[0]
    n_unpenalized = unpenalized.shape[0]
    half = l1_penalty / 2.0
    # (np.empty and loops, not np.zeros, np.ones or np.sum: numba compiles each of those once
    # per process, and only this loop needs them on a first call in Gram mode)
    alpha = np.empty(n_unpenalized)
    for a in range(n_unpenalized):
        alpha[a] = 0.0
    c = np.empty(n_features)
    K = snapshots.shape[0] // 2
    Gv = np.empty(n_features)
    ones = np.empty(max(K - 1, 1))
    for a in range(ones.shape[0]):
        ones[a] = 1.0
    fresh = 0
    for sweep in range(max_sweeps):
        max_step = _gram_sweep(G, Hty, w, Gw, penalized, half)
        rss = yty - 2.0 * np.dot(w, Hty) + np.dot(w, Gw)
        if rss < 0.0:
            rss = 0.0
        penalty, size_c, size_rss = 0.0, 0.0, yty
        for j in range(n_features):
            size_c += abs(w[j]) * (abs(Hty[j]) + abs(Gw[j]))
            size_rss += abs(w[j]) * (2.0 * abs(Hty[j]) + abs(Gw[j]))
            if penalized[j]:
                penalty += abs(w[j])
        primal = rss + l1_penalty * penalty
        gap, floor = _gram_gap_estimate(G, Hty, w, Gw, rss, w, Gw, penalized, l1_penalty,
                                        unpenalized, M, c, alpha, size_c, size_rss)
        objective_history[sweep + 1] = primal
        max_step_history[sweep] = max_step
        status = 0
        if gap <= margin * tolerance * primal or gap <= floor:
            status = 1 if floor <= floor_share * tolerance * primal else -1
        elif K > 1:
            latest = fresh  # snapshots since the start or the last Anderson step
            fresh += 1
            row = latest % K
            _copy_into(snapshots[row], w)
            _copy_into(snapshots[K + row], Gw)
            if fresh >= K:
                # celer's extrapolation: (UᵀU) z = 1 with U the residual differences, UᵀU =
                # Δwᵀ G Δw = Δw · Δ(Gw)ᵀ (oldest first), c = z / Σz, v = Σ c_k w_{k+1}
                A = np.empty((K - 1, K - 1))
                for a in range(K - 1):
                    ra0, ra1 = (latest + 1 + a) % K, (latest + 2 + a) % K
                    for b in range(K - 1):
                        rb0, rb1 = (latest + 1 + b) % K, (latest + 2 + b) % K
                        total = 0.0
                        for j in range(n_features):
                            total += ((snapshots[ra1, j] - snapshots[ra0, j])
                                      * (snapshots[K + rb1, j] - snapshots[K + rb0, j]))
                        A[a, b] = total
                # (the default pivot, passed: one compile of _small_solve for both its callers)
                z, ok = _small_solve(A, ones, 1e-14)
                if ok:
                    total = 0.0
                    for a in range(z.shape[0]):
                        total += z[a]
                    if np.isfinite(total) and total != 0.0:
                        for j in range(n_features):
                            extra[j] = 0.0
                            Gv[j] = 0.0
                        for a in range(K - 1):
                            r1 = (latest + 2 + a) % K
                            weight = z[a] / total
                            for j in range(n_features):
                                extra[j] += weight * snapshots[r1, j]
                                Gv[j] += weight * snapshots[K + r1, j]
                        good = True
                        for j in range(n_features):
                            if not (np.isfinite(extra[j]) and np.isfinite(Gv[j])):
                                good = False
                        if good:
                            gap_v, floor_v = _gram_gap_estimate(
                                G, Hty, w, Gw, rss, extra, Gv, penalized, l1_penalty,
                                unpenalized, M, c, alpha, size_c, size_rss)
                            if gap_v < gap:
                                gap, floor = gap_v, max(floor, floor_v)
                                if gap <= margin * tolerance * primal:
                                    status = 2 if floor <= floor_share * tolerance * primal else 0
                            if status == 0 and anderson and fresh % K == 0 and sweep + 1 < max_sweeps:
                                # Anderson acceleration (as in the working sets): every K
                                # sweeps the extrapolated iterate replaces w when it lowers the
                                # objective; the snapshots then start afresh (a combination
                                # across the jump gave estimates off by a factor of 2 to 3)
                                value = yty - 2.0 * np.dot(extra, Hty) + np.dot(extra, Gv)
                                for j in range(n_features):
                                    if penalized[j]:
                                        value += l1_penalty * abs(extra[j])
                                if value < primal - 1e-13 * (abs(primal) + yty):
                                    # (Gw recomputed: Σ c_k (Gw)_k carries the rounding of
                                    # the c_k, which can be large)
                                    _copy_into(w, extra)
                                    for j in range(n_features):
                                        Gw[j] = np.dot(G[j, :], w)
                                    fresh = 0
        estimate[0] = primal
        estimate[1] = gap
        estimate[2] = floor
        if status != 0:
            return sweep + 1, status
    return max_sweeps, 0


class _Work:
    """Deterministic work counters of one solve (read by :mod:`lassolib.fast`).

    ``n_updates``: coordinate updates (one per coordinate visited in a sweep); ``flops``: n per
    residual-form update, |W| per Gram-form update, 2·n per feature per dual point in a gap
    check, n·(new)·(old + new) per Gram-block extension (n·D² for a whole Gram matrix),
    n·|S|·(|S| + 2) per support-and-sign solve;
    ``n_gap_checks``: gap checks; ``n_screened``: features screened when the solve ended.
    """

    __slots__ = ("n_updates", "flops", "n_gap_checks", "n_screened", "screened")

    def __init__(self):
        self.n_updates = self.flops = self.n_gap_checks = self.n_screened = 0
        self.screened = None  # the boolean mask of the screened features, after a fit


def _extrapolated(snapshots, count, G=None):
    r"""Celer's dual extrapolation (Massias, Gramfort & Salmon 2018) from the last K snapshots.

    ``snapshots`` is the ring buffer the sweeps fill (row ``s % K`` after sweep s; ``count``
    sweeps so far). For residuals :math:`r_1, …, r_K` (oldest first) and their differences
    :math:`U = [r_2 - r_1, …, r_K - r_{K-1}]`, solve :math:`(U^\top U) z = \mathbf 1` and return
    :math:`\sum_k c_k r_{k+1}` with :math:`c = z / \mathbf 1^\top z`: if the residuals follow a
    linear recursion :math:`r_{t+1} - r^* = A (r_t - r^*)` (as cyclic coordinate descent does
    near the optimum, once the signs are fixed), this combination removes the K − 1 dominant
    modes of the error. With ``G`` the snapshots are weights on a working set W with Gram block
    :math:`G = H_W^\top H_W`: the residual differences are :math:`-H_W \Delta w`, so
    :math:`U^\top U = \Delta w^\top G\, \Delta w`, and the same combination of the weights is
    returned (its residual is :math:`y - H_W w_{\text{acc}}`, because the c sum to 1).
    Returns None when there are fewer than K snapshots or the system is singular; the caller
    keeps whichever dual point certifies the smaller gap, so a poor extrapolation costs
    nothing but its computation.
    """
    coefficients = _extrapolation_coefficients(snapshots, count, G)
    if coefficients is None:
        return None
    order, c = coefficients
    out = c @ snapshots[order[1:]]
    return out if np.all(np.isfinite(out)) else None


@jit
def _extrapolation_solve(snapshots, count, G):
    """z solving (U M Uᵀ) z = 1 for the differences U of the ring buffer's rows (oldest first),
    M = G, or the identity when G is empty (0×0: the snapshots are residuals); (z, ok) as :func:`_small_solve` (ok False only
    when the system is exactly singular)."""
    K, m = snapshots.shape
    U = np.empty((K - 1, m))
    for a in range(K - 1):
        now, before = (count - K + a + 1) % K, (count - K + a) % K
        for i in range(m):
            U[a, i] = snapshots[now, i] - snapshots[before, i]
    V = U
    if G.shape[0] > 0:
        V = np.dot(U, G)
    system = np.empty((K - 1, K - 1))
    for a in range(K - 1):
        for b in range(K - 1):
            total = 0.0
            for i in range(m):
                total += V[a, i] * U[b, i]
            system[a, b] = total
    ones = np.empty(K - 1)
    for a in range(K - 1):
        ones[a] = 1.0
    return _small_solve(system, ones, 0.0)


_NO_GRAM = np.empty((0, 0))


@jit
def _combination(c, snapshots, count):
    """``Σ_k c_k · row k+1`` of the ring buffer read oldest first (see :func:`_extrapolated`)."""
    K, m = snapshots.shape
    out = np.empty(m)
    for i in range(m):
        out[i] = 0.0
    for a in range(K - 1):
        row = (count - K + a + 1) % K
        for i in range(m):
            out[i] += c[a] * snapshots[row, i]
    return out


@jit
def _anderson_coefficients(snapshots, count, G):
    """c = z / Σz for the z of :func:`_extrapolation_solve`, and whether it exists (finite, Σz ≠ 0)."""
    z, ok = _extrapolation_solve(snapshots, count, G)
    total = 0.0
    for a in range(z.shape[0]):
        total += z[a]
    if not ok or not np.isfinite(total) or total == 0.0:
        return z, False
    c = np.empty(z.shape[0])
    for a in range(c.shape[0]):
        c[a] = z[a] / total
        if not np.isfinite(c[a]):
            return c, False
    return c, True


@jit
def _subset_sweeps_accelerated(
    H, w, residual, z, subset, penalized, l1_penalty, tolerance, budget, objective_history,
    max_step_history, snapshots, weight_snapshots, count, accelerated_at, anderson,
):
    """Up to ``budget`` of :func:`_subset_sweeps`, pausing every K (the snapshots' rows) for
    Anderson acceleration when ``anderson``: the combination of the last K iterates that
    extrapolates the residuals replaces the iterate when it lowers the objective on ``subset``.
    Returns ``(sweeps run, met, count, accelerated_at, products)`` (``count``: snapshots taken so
    far; ``products``: 0 here, the Gram form's products with G for :class:`_Work`)."""
    K = snapshots.shape[0]
    done, met = 0, False
    no_gram = np.empty((0, 0))  # (not the module's _NO_GRAM: a global is a read-only constant here)
    while done < budget:
        step = min(K, budget - done) if anderson else budget - done
        ran, met = _subset_sweeps(
            H, w, residual, z, subset, penalized, l1_penalty, tolerance, step,
            objective_history[done:], max_step_history[done:], snapshots, weight_snapshots,
            count % K if K > 0 else 0,
        )
        done += ran
        count += ran
        if met:
            break
        if anderson and count - accelerated_at >= K:
            accelerated_at = count
            c, ok = _anderson_coefficients(snapshots, count, no_gram)
            if not ok:
                continue
            r_acc = _combination(c, snapshots, count)
            w_acc = _combination(c, weight_snapshots, count)
            now = np.dot(residual, residual)
            then = np.dot(r_acc, r_acc)
            for k in range(subset.shape[0]):
                if penalized[subset[k]]:
                    now += l1_penalty * abs(w[subset[k]])
                    then += l1_penalty * abs(w_acc[k])
            if np.isfinite(then) and then < now * (1.0 - 1e-13):
                for k in range(subset.shape[0]):
                    w[subset[k]] = w_acc[k]
                _copy_into(residual, r_acc)
    return done, met, count, accelerated_at, 0


@jit
def _gram_sweeps_accelerated(
    G, Hty, yty, w, Gw, penalized, l1_penalty, tolerance, budget, objective_history,
    max_step_history, snapshots, count, accelerated_at, anderson,
):
    """:func:`_subset_sweeps_accelerated` in Gram form (:func:`_gram_sweeps`, on the working set's
    block ``G`` with ``Gw = G @ w``); the snapshots are weights."""
    K = snapshots.shape[0]
    done, met, products = 0, False, 0
    while done < budget:
        step = min(K, budget - done) if anderson else budget - done
        ran, met = _gram_sweeps(
            G, Hty, yty, w, Gw, penalized, l1_penalty, tolerance, step,
            objective_history[done:], max_step_history[done:], snapshots,
            count % K if K > 0 else 0,
        )
        done += ran
        count += ran
        if met:
            break
        if anderson and count - accelerated_at >= K:
            accelerated_at = count
            c, ok = _anderson_coefficients(snapshots, count, G)
            if not ok:
                continue
            w_acc = _combination(c, snapshots, count)
            G_acc = np.dot(G, w_acc)
            products += 1
            now = -2.0 * np.dot(w, Hty) + np.dot(w, Gw)
            then = -2.0 * np.dot(w_acc, Hty) + np.dot(w_acc, G_acc)
            for j in range(w.shape[0]):
                if penalized[j]:
                    now += l1_penalty * abs(w[j])
                    then += l1_penalty * abs(w_acc[j])
            # (an improvement at the level of rounding is not one: it would only move w about
            # near the floor)
            if np.isfinite(then) and then < now - 1e-13 * (abs(now) + yty):
                _copy_into(w, w_acc)
                _copy_into(Gw, G_acc)
    return done, met, count, accelerated_at, products


def _extrapolation_coefficients(snapshots, count, G=None):
    """``(rows, c)`` of :func:`_extrapolated`: the ring-buffer rows oldest first, and c (K − 1)."""
    K = snapshots.shape[0]
    if K < 2 or count < K:
        return None
    c, ok = _anderson_coefficients(snapshots, count,
                                   _NO_GRAM if G is None else np.ascontiguousarray(G))
    if not ok:
        return None
    return [(count - K + i) % K for i in range(K)], c


def _polish(H, y, w, lam, penalized, z, primal, slack=0.0, reduce=True, steps=1):
    r"""The lasso's minimizer with the support and signs of ``w`` held, or None.

    On the orthant of the signs s of w, over its support S (and the unpenalized columns), the
    objective is the quadratic :math:`\lVert y - H_S v\rVert^2 + \lambda s^\top v`, minimized
    where :math:`H_S^\top H_S v = H_S^\top y - (\lambda/2) s` (a |S|×|S| system, solvable when
    |S| ≤ n and H_S has full rank). The step goes from w towards that v, and stops where a
    weight first reaches 0 (set to exactly 0): along the segment the objective is that convex
    quadratic, so it falls all the way. With ``steps`` > 1 the next step solves again without
    that weight, up to ``steps`` times (an active-set method's steps).

    Returns ``(w_new, residual)`` when its objective is below ``primal + slack``,
    ``(None, residual)`` when it is not (the caller may still use that residual as a dual
    point), and None when there is no step. ``slack`` (the caller's bound on the rounding of its
    gap check) lets a fit that is already optimal to rounding take the solve, whose objective
    cannot then be told from ``primal`` but whose residual is a far better dual point (measured
    on 500×1000 with columns correlated 0.9, seed 1, at λ_max/100, one BLAS thread: certified
    after 721 sweeps and 23 gap checks, against 834 and 30 without the slack; with two BLAS
    threads, whose products round differently, 672 and 20 either way). Used on a stall
    (:func:`_working_set_fit`): when CD converges slowly near interpolation, the support and
    signs are often already right. A support of more than n weights is first reduced to n
    (:func:`_reduced_support`) if ``reduce``, else declined: the working-set fit asks for the
    reduction only when a second stall finds the same support and signs (on the 500×1000 fits
    at λ_max/1000 such supports pass by, and reducing each took time without saving sweeps).
    """
    n_samples = H.shape[0]
    support = np.flatnonzero((w != 0.0) | (~penalized & (z > 0.0)))
    if support.size == 0:
        return None
    if support.size > n_samples:
        # more weights than rows: first down to n of them, along H_S's null space
        if not reduce:
            return None
        w = _reduced_support(H, w, penalized, support, n_samples)
        if w is None:
            return None
        support = np.flatnonzero((w != 0.0) | (~penalized & (z > 0.0)))
    signs = np.where(penalized[support], np.sign(w[support]), 0.0)
    new = w[support]
    for step_number in range(steps):
        # an active-set step: to the minimizer v on this support and these signs, or to where
        # a weight first reaches 0 on the way (then again, without it)
        w_S = new
        v = _support_sign_solution(H, y, support, signs, lam)
        if v is None:
            break  # (singular: the point so far, e.g. the reduced support alone, is still a step)
        if not np.all(np.isfinite(v)):
            if step_number == 0:
                return None
            break
        crossing = (signs != 0.0) & (np.sign(v) != signs)
        if not crossing.any():
            new = v
            break
        t = w_S[crossing] / (w_S[crossing] - v[crossing])
        step = float(np.min(t))
        new = w_S + step * (v - w_S)
        hit = np.flatnonzero(crossing)[t <= step]
        new[hit] = 0.0
        new[(signs != 0.0) & (np.sign(new) != signs)] = 0.0
        keep = (new != 0.0) | (signs == 0.0)
        support, signs, new = support[keep], signs[keep], new[keep]
        if support.size == 0:
            break
    residual = np.empty_like(y)
    _compact_residual(H, y, support, new, residual)
    value = float(residual @ residual) + lam * float(np.sum(np.abs(new[signs != 0.0])))
    if not value < primal + slack:
        return None, residual
    w_new = np.zeros_like(w)
    w_new[support] = new
    return w_new, residual


def _support_sign_solution(H, y, support, signs, lam):
    r"""The solution v of :math:`H_S^\top H_S v = H_S^\top y - (\lambda/2) s` (``support`` S,
    ``signs`` s), or None if the system is singular.

    First by :func:`_refined_solution`: a single-precision factor of the system in packed
    storage (a quarter of the memory of the full system in double precision), refined in double
    precision. If that fails (the system is too ill-conditioned for single precision), the
    system is made in double precision from chunks of rows of :math:`H_S` (no copy of it) and
    factored by Cholesky in place; if that fails too (not positive definite to working
    precision, |S| near n), it is made again and solved by LU with pivoting, which still gives
    a usable step there."""
    v = _refined_solution(H, y, support, signs, lam)
    if v is not None:
        return v
    _, G_S, Hty_S = _gram_of_columns(H, support, y=y)
    rhs = Hty_S - (lam / 2.0) * signs
    factor, info = lapack.dpotrf(G_S, lower=0, clean=0, overwrite_a=1)
    if info == 0:
        v, info = lapack.dpotrs(factor, rhs, lower=0, overwrite_b=0)
    del G_S, factor
    if info == 0:
        return v
    try:
        return np.linalg.solve(_gram_of_columns(H, support)[1], rhs)
    except np.linalg.LinAlgError:
        return None


#: At most this many corrections in :func:`_refined_solution`.
_REFINE_STEPS = 12

#: :func:`_refined_solution` gives up (for the double-precision solve) when its residuals stop
#: shrinking while its last correction is still larger than this share of the solution.
_REFINE_GIVE_UP = 1e-9


def _refined_solution(H, y, support, signs, lam, iterates=None):
    r"""The support-and-sign system solved by mixed-precision iterative refinement, or None.

    With D the diagonal of the support's column norms, the scaled system
    :math:`D^{-1} H_S^\top H_S D^{-1}` (unit diagonal, so single precision holds it whatever
    the units of H) is accumulated in single precision from chunks of rows of
    :math:`H_S D^{-1}`, in rectangular full packed storage (``ssfrk``: |S|(|S|+1)/2 floats of 4
    bytes), and factored by Cholesky (``spftrf``). Each correction solves with that factor for
    the residual :math:`H_S^\top (y - H_S v) - (\lambda/2) s`, computed in double precision
    from H's columns (no system in double precision is ever formed), and adds the solution to v
    — the method of LAPACK's ``dsposv`` (Langou et al. 2006; Higham, *Accuracy and Stability of
    Numerical Algorithms*, ch. 12), here with a matrix-free residual. The corrections shrink by
    about κ·2⁻²⁴ each (κ the scaled system's condition number) and stop at rounding level:
    on the benchmark's 500×1000 fits at λ_max/1000 (κ up to 3e5; seeds 0 and 1) after 4–6
    solves with the factor, the first included, with KKT residuals on the support as small as
    those of a double-precision solve (at the optima of seeds 0 and 1 and of the independent
    columns, relative to max |h_jᵀy|: 2.8e-16–5.5e-16 against 6.9e-16–1.1e-15; the factor's
    own solution, 2e-7–4e-7). Returns None when the factor fails or the residuals stop shrinking
    while the corrections are above ``_REFINE_GIVE_UP`` of v (κ near 2²⁴ or above), so that
    the caller solves in double precision. ``iterates``, a list, receives a copy of v after each
    solve (for :func:`lassolib.fast.refinement_residuals`)."""
    m = support.size
    norms = _column_norms(H, support)
    if not np.all(np.isfinite(norms) & (norms > 0.0)):
        return None
    scale = 1.0 / norms
    packed = np.zeros(m * (m + 1) // 2, dtype=np.float32)
    for _, chunk in _row_chunks(H, support, scale):
        packed = lapack.ssfrk(m, chunk.shape[0], 1.0, chunk, 1.0, packed, trans="T",
                              overwrite_c=1)
    del chunk  # (the chunks' buffer, not needed by the factor and the corrections)
    factor, info = lapack.spftrf(m, packed, overwrite_a=1)
    del packed
    if info != 0:
        return None
    half = lam / 2.0
    e, correlation, v = np.empty_like(y), np.empty(m), np.zeros(m)
    previous_top = previous_size = np.inf
    for _ in range(_REFINE_STEPS):
        _support_correlation(H, y, support, v, e, correlation)
        residual = scale * (correlation - half * signs)
        top = float(np.max(np.abs(residual)))
        if not np.isfinite(top):
            return None
        if top == 0.0:
            return v
        if top > 0.5 * previous_top:
            # the residual no longer shrinks: rounding level, or a system too ill-conditioned
            break
        previous_top = top
        x, info = lapack.spftrs(m, factor, (residual / top).astype(np.float32)[:, None])
        if info != 0:
            return None
        step = scale * (top * x[:, 0].astype(np.float64))
        v += step
        if iterates is not None:
            iterates.append(v.copy())
        previous_size, largest = float(np.max(np.abs(step))), float(np.max(np.abs(v)))
        if not np.isfinite(largest):
            return None
        if previous_size <= 4.0 * _EPS * largest:
            return v
    return v if previous_size <= _REFINE_GIVE_UP * float(np.max(np.abs(v))) else None


def _used(history, start, stop):
    """``history[start:stop]``: a view when that is most of the buffer, else a copy (so that a
    chunk's unused budget is not kept alive with the result's history)."""
    part = history[start:stop]
    return part if 2 * part.size >= history.size else part.copy()


@jit
def _score(correlation, half, norm):
    """(|h_jᵀθ| − λ/2) / ‖h_j‖ for h_jᵀθ = ``correlation`` (−0 for a column of zeros): above 0
    for a KKT violator, the further above the stronger; below 0, the nearer 0 the closer the
    constraint is to binding."""
    return (abs(correlation) - half) / (norm if norm > 0.0 else np.inf)


@jit
def _fill_closeness(correlations, source, scale, half, norms, eligible, out):
    """``out[j]`` = −(|h_jᵀθ| − λ/2) / ‖h_j‖ (θ the check's chosen dual point, column ``source``
    of its correlations times ``scale``; −0 for a column of zeros) where ``eligible[j]``, else
    +inf: the smaller, the closer feature j's constraint is to binding."""
    for j in range(out.size):
        out[j] = -_score(correlations[j, source] * scale, half, norms[j]) if eligible[j] else np.inf


@jit
def _fill_screened(correlations, source, scale, norms, radius, limit, penalized, screened, out):
    """``out[j]``: the gap-safe test |h_jᵀθ| + ‖h_j‖·radius < ``limit`` passes for a penalized
    feature j not yet screened (θ the check's chosen dual point: column ``source`` of its
    correlations times ``scale``), one pass and no array of D floats."""
    for j in range(out.size):
        magnitude = abs(correlations[j, source]) * scale  # (|c|·s = |c·s| exactly: s > 0)
        out[j] = penalized[j] and not screened[j] and magnitude + norms[j] * radius < limit


@jit
def _fill_violation(correlation, half, norms, eligible, out):
    """``out[j]`` = −(|h_jᵀr| − λ/2) / ‖h_j‖ where ``eligible[j]`` and that score is positive (a
    violator: the smaller, the stronger), else +inf."""
    for j in range(out.size):
        out[j] = np.inf
        if eligible[j]:
            score = _score(correlation[j], half, norms[j])
            if score > 0.0:
                out[j] = -score


def _smallest(fill, size, count):
    """The indices (increasing) of the at most ``count`` smallest finite values that
    ``fill(out)`` writes into an array of ``size`` (+inf marks the others), from that one array
    (no index array of its size): the ``count``-th smallest is found by partitioning the array
    in place, which is then filled again."""
    values = np.empty(size)
    fill(values)
    if int(np.count_nonzero(values < np.inf)) <= count:
        return np.flatnonzero(values < np.inf)
    values.partition(count - 1)
    threshold = values[count - 1]
    fill(values)
    below = np.flatnonzero(values < threshold)
    tied = np.flatnonzero(values == threshold)[: count - below.size]
    return np.union1d(below, tied)


def _rebuilt_working_set(w, penalized, screened, correlation, half, norms, last_check):
    """Celer's rule: W rebuilt around the support, at twice its size: the support, then the
    strongest KKT violators, then the features closest to the boundary of the best dual point's
    constraints (a function, so that its D-float temporaries are gone before the next check)."""
    keep = (w != 0.0) | ~penalized
    support = np.flatnonzero(keep)
    take = max(2 * support.size, 10) - support.size
    eligible = penalized & ~screened & ~keep
    # the strongest violators, then the features closest to binding (one array of D each)
    strength = lambda out: _fill_violation(correlation, half, norms, eligible, out)
    violators = _smallest(strength, eligible.size, take)
    chosen = [support, violators]
    if violators.size < take:
        eligible[violators] = False
        closeness = lambda out: _fill_closeness(
            last_check.correlations, last_check.source, last_check.scale, half, norms,
            eligible, out)
        chosen.append(_smallest(closeness, eligible.size, take - violators.size))
    return np.unique(np.concatenate(chosen))


def _grown_working_set(working, grow, penalized, screened, correlation, half, norms):
    """``(W, grow)`` after the strongest violators outside W (at most ``grow`` of them) join it
    (``grow`` doubles when some do)."""
    eligible = penalized & ~screened
    eligible[working] = False
    candidates = _smallest(lambda out: _fill_violation(correlation, half, norms, eligible, out),
                           eligible.size, grow)
    if candidates.size:
        return np.union1d(working, candidates), 2 * grow
    return working, grow


def _reduced_support(H, w, penalized, support, limit):
    r"""Weights with at most ``limit`` (≥ the rank of :math:`H_S`) of ``support`` nonzero, the
    same fitted values and an objective no higher than at ``w``; None if none is found.

    With more nonzero weights than rows, :math:`H_S` has a null space. Along a null vector d
    the fitted values :math:`H_S w_S` stay where they are, and :math:`\lambda\lVert w\rVert_1`
    changes linearly, by :math:`\lambda s^\top d` per unit step, while the signs s hold. Going
    the way in which it does not increase, until the first weight reaches 0 (set to exactly 0),
    removes a feature from the support at no cost (and every lasso problem has a solution
    whose support's columns are linearly independent, so at most n of them: Tibshirani 2013,
    *The lasso problem and uniqueness*). One n×n solve gives |S| − n null vectors; each step uses one
    and removes the feature it zeroed from the others (a combination of null vectors is one).
    Used by :func:`_polish`: cyclic sweeps on such a support creep (a 40×300 path at λ_max/1000
    stalled at a relative gap of 5e-5 with 41 weights for 10,000 sweeps).
    """
    w_S = w[support].copy()
    m = support.size
    signs = np.where(penalized[support], np.sign(w_S), 0.0)
    # m − limit null vectors of A = H_S: d = e_j − Aᵀ(AAᵀ)⁻¹a_j (Ad = a_j − a_j = 0) for the
    # m − limit smallest weights j, from the n×n matrix AAᵀ (no SVD: its U and Vᵀ would double
    # the peak of the support-and-sign solve that follows), with AAᵀ and AᵀX made a chunk of
    # columns at a time (no copy of A, n·|S| floats)
    chosen = np.argsort(np.abs(w_S), kind="stable")[: m - limit]
    chunks = [support[i : i + _NULL_CHUNK] for i in range(0, m, _NULL_CHUNK)]
    K = np.zeros((H.shape[0], H.shape[0]))
    for chunk in chunks:
        block = H[:, chunk]
        K += block @ block.T
    try:
        X = np.linalg.solve(K, H[:, support[chosen]])
    except np.linalg.LinAlgError:
        return None
    del K
    null = np.empty((chosen.size, m))  # (m − limit) × m
    start = 0
    for chunk in chunks:
        null[:, start : start + chunk.size] = -(H[:, chunk].T @ X).T
        start += chunk.size
    del X
    null[np.arange(chosen.size), chosen] += 1.0
    if not np.all(np.isfinite(null)):
        return None
    alive = np.ones(m, dtype=bool)
    for k in range(null.shape[0]):
        d = null[k].copy()
        d[~alive] = 0.0
        if signs @ d > 0.0:
            d = -d
        shrinking = alive & (signs != 0.0) & (w_S * d < 0.0)
        if not shrinking.any():
            return None  # (a flat direction that zeroes no penalized weight)
        candidates = np.flatnonzero(shrinking)
        t = -w_S[candidates] / d[candidates]
        first = int(candidates[np.argmin(t)])
        w_S += float(np.min(t)) * d
        w_S[first] = 0.0
        alive[first] = False
        # the later null vectors, made 0 at the removed feature (still null vectors; d[first]
        # is not 0: w_S[first]·d[first] < 0)
        null[k + 1 :] -= np.outer(null[k + 1 :, first] / d[first], d)
    # (rounding: a penalized weight that crossed 0 is 0)
    w_S[(signs != 0.0) & (np.sign(w_S) != signs)] = 0.0
    reduced = w.copy()
    reduced[support] = w_S
    return reduced


def _violators_outside(correlation, half, penalized, screened, working):
    r"""The unscreened penalized features outside ``working`` that violate the KKT condition
    :math:`|h_j^\top r| \le \lambda/2` (``half`` = λ/2), as a boolean mask."""
    outside = penalized & ~screened & (np.abs(correlation) > half)
    outside[working] = False
    return outside


def _working_set_fit(problem, lam, w, tolerance, max_sweeps, gram, correlation, keep_history,
                     first_chunk=16, *, use_gram=True, working_sets=True, screening=True,
                     extrapolation=True, work=None, max_checks=None, polish=True):
    r"""One lasso fit at λ (scaled units) from the warm start ``w`` (updated in place), by working sets.

    The working set W holds the unpenalized columns, the nonzero weights and the strongest
    violators of the KKT condition :math:`|h_j^\top r| \le \lambda/2`, ranked by how far they are
    outside (:math:`(|h_j^\top r| - \lambda/2)/\lVert h_j\rVert`); at most ``max(10, |support|)``
    join at a time (from a cold start, w = 0, an eighth of the violators at w = 0 when that is
    more, counting at most n of them: ``_FIRST_SHARE``), and that number doubles each time the
    set grows (as celer and skglm do), so a cold start or a coarse grid never builds a block of
    every violator. After the first gap check, W is instead rebuilt whenever violators remain,
    as celer does, at twice the size of the support: the support, the strongest violators, then
    the features whose constraints the best dual point comes closest to (W then shrinks as well
    as grows). The sub-problem on W
    runs the book's sweeps, in Gram form when W is small next to n (:class:`_GramCache`) and
    the block's missing entries would cost less than as many sweeps as the last working set
    took, in residual form over the columns of W otherwise. When its sweeps settle, the duality
    gap of the *whole* problem is computed from a fresh residual (:func:`_dual_gap`); the fit is
    accepted when gap ≤ ``tolerance`` · objective. Otherwise violators join W, or, if there are
    none, the sub-problem's sweeps continue with a smaller step threshold.

    **Dual extrapolation** (``extrapolation``; Massias, Gramfort & Salmon 2018): the sweeps keep
    the last K = 5 residuals of the current sub-problem (weights in Gram form), and a gap check
    also tries the extrapolated residual of :func:`_extrapolated` as a dual point (except while
    W leaves violators out and the last gap was above 1% of the objective,
    ``_EXTRAPOLATE_BELOW``: one product with H saved per check while W grows), scaled
    to be feasible over every (unscreened) feature; the smaller gap is kept. Both are feasible,
    so the gap stays an upper bound on :math:`P(w) - P^*`. The same coefficients also
    extrapolate the sub-problem's iterates every K sweeps (Anderson acceleration, as skglm does,
    Bertrand et al. 2022); the extrapolated iterate is kept only when it lowers the sub-problem's
    objective.

    **Gap-safe screening** (``screening``; Fercoq, Gramfort & Salmon 2015, Ndiaye et al. 2017).
    Our dual :math:`D(\theta) = \lVert y\rVert^2 - \lVert y - \theta\rVert^2` (subject to
    :math:`|h_j^\top\theta| \le \lambda/2`, and :math:`h_j^\top\theta = 0` for unpenalized j) is
    2-strongly concave: for its maximizer θ* and any feasible θ,
    :math:`D(\theta) \le D(\theta^*) + \nabla D(\theta^*)^\top(\theta - \theta^*)
    - \lVert\theta - \theta^*\rVert^2 \le D^* - \lVert\theta - \theta^*\rVert^2` (the linear
    term is ≤ 0 at a constrained maximum). With :math:`D^* = P^* \le P(w)`,

    .. math:: \lVert\theta - \theta^*\rVert \le \sqrt{P(w) - D(\theta)} = \sqrt{G} = r .

    At the optimum θ* = y − Hw* and :math:`|h_j^\top\theta^*| < \lambda/2` forces
    :math:`w_j^* = 0` (KKT); since :math:`|h_j^\top\theta^*| \le |h_j^\top\theta| + \lVert h_j\rVert r`,
    every penalized j with :math:`|h_j^\top\theta| + \lVert h_j\rVert r < \lambda/2` is zero at
    every optimum. Such features are set to 0 and dropped for the rest of this λ: from W, from
    the violator search and from the correlations of later checks (whose gaps are then those of
    the screened problem, which has the same minimum). When that gap is certified, the **final
    certificate is recomputed over every feature**: a wrong screening can never report
    ``converged``; if that full gap fails, the screening is undone and the sweeps go on.

    **Support-and-sign solves** (``polish``): a check that does not halve the gap (a stall) while
    no violator is left outside W is followed by :func:`_polish`, a jump towards the minimizer
    with the current support and signs held, kept only if it lowers the objective (up to the
    check's rounding); near interpolation (support ≈ n), where the sweeps converge slowly, the
    support and signs are often right long before the weights. On a stall the violators outside
    W also join it whether or not its sweeps settled, or, if there are none, W shrinks to the
    support and its violators.

    ``work`` (a :class:`_Work`, optional) receives deterministic counts. The switches
    ``use_gram``, ``working_sets``, ``screening``, ``extrapolation`` and ``polish`` turn the
    techniques off one by one (:mod:`lassolib.fast`); with ``working_sets=False`` W is every (unscreened)
    feature from the start. ``max_checks`` (optional) stops the fit, not converged, after that
    many gap checks over every feature have failed (a caller that races it against Gram mode).

    ``correlation`` is :math:`H^\top r` at the start (the KKT statistic), or a one-element list
    holding it, which is emptied: then no caller's frame keeps those D floats alive through the
    fit.

    Returns ``(converged, n_sweeps, objective_chunks, step_chunks, primal, gap, correlation)``.
    """
    from .coordinate_descent import (
        _NO_SNAPSHOTS,
        _dual_gap,
        _gram_sweeps,
        _initial_step_tolerance,
        _residual,
        _subset_sweeps,
    )

    if isinstance(correlation, list):
        correlation = correlation.pop()  # the caller's only reference (see _solve_working_set)
    if work is None:
        work = _Work()
    H, y, z, norms, penalized = problem.H, problem.y, problem.z, problem.norms, problem.penalized
    n_samples, n_features = H.shape
    basis = problem.basis(lam)
    half = lam / 2.0
    residual = _residual(H, y, w)
    primal = float(residual @ residual) + lam * float(np.sum(np.abs(w[penalized])))
    objective_chunks = [np.array([primal])]
    step_chunks = []
    # Sweeps over a working set cost far less than a certificate over all of H (products with
    # H), so the sweeps settle further before the first check than in the plain loop; further
    # still when n >= D (Gram sweeps cost |W|², a check n·D): measured on the 2000×100 path, one
    # check per penalty for 70 of 100 penalties instead of 7.
    factor = 1e-4 if n_samples >= n_features else 1e-2
    step_tolerance = factor * _initial_step_tolerance(tolerance, primal)
    # While the working set is still growing, its sweeps need not settle further than a share of
    # the current distance to the optimum (sqrt(gap) bounds ‖H(w − w*)‖): that is `loose`, the
    # threshold while it is above step_tolerance. Once no violator is left outside the working
    # set, its sweeps settle at step_tolerance. Each check that does not halve the gap cuts the
    # share tenfold (see "stall" below).
    share, last_gap, polished, reduced_for = _INNER_SHARE, np.inf, None, None
    step_residual = None  # a declined solve's residual: a dual point for the next check
    loose = share * np.sqrt(primal)
    last_done = None  # sweeps of the last working set
    if working_sets:
        keep = (w != 0.0) | ~penalized
        grow = max(10, int(np.count_nonzero(keep)))
        if not np.any(w[penalized]):
            # A cold start: the first working set is sized by the violators at w = 0, and
            # gets its Gram block only if _FIRST_SWEEPS sweeps would pay for it.
            starting = int(np.count_nonzero(penalized & (np.abs(correlation) > half)))
            grow = max(grow, int(_FIRST_SHARE * min(starting, n_samples)))
            last_done = _FIRST_SWEEPS
        working = np.flatnonzero(keep)
    else:
        grow, working = 0, np.arange(n_features)
    screened = np.zeros(n_features, dtype=bool)
    n_sweeps, converged, gap, chunk = 0, False, np.inf, first_chunk
    add_violators = working_sets
    block = None  # (working set, G_WW, (Hᵀy)_W) while W is unchanged
    K = _EXTRAPOLATION_K
    snapshots, snapshot_count, snapshot_key = _NO_SNAPSHOTS, 0, None
    weight_snapshots, accelerated_at = _NO_SNAPSHOTS, 0
    last_check = None
    stalls, best_plain = 0, np.inf
    # The Gram form computes h_jᵀr as (Hᵀy)_j − (Gw)_j, which loses digits to cancellation
    # when y is far from 0 (uncentered data): if the sweeps have settled three times without
    # the gap passing, the sub-problem continues in residual form.
    tightenings = 0
    yty = float(y @ y)
    while True:
        if add_violators and working_sets and last_check is not None:
            rebuilt = _rebuilt_working_set(w, penalized, screened, correlation, half, norms,
                                           last_check)
            if rebuilt.size != working.size or np.any(rebuilt != working):
                working = rebuilt
        elif add_violators:
            working, grow = _grown_working_set(working, grow, penalized, screened, correlation,
                                               half, norms)
        # Violators of the last check (or of the start) that W leaves out: while there are, W is
        # still growing, and its sweeps cannot reach the whole problem's optimum.
        growing = bool(_violators_outside(correlation, half, penalized, screened, working).any())
        # The last check (its correlations: D floats per dual point) is not needed once W is
        # built: released before the sweeps and the next check's allocations.
        last_check = correlation = check = None
        in_gram = bool(use_gram and working.size and tightenings < 3 and gram.allows(working))
        if in_gram and not gram.full and last_done is not None:
            # The Gram block pays when W's sweeps are many (a sweep costs |W|² instead of
            # 2·n·|W|, but the block's missing entries cost n·missing·(cached + missing), if
            # _GRAM_SPEEDUP times faster per multiply-add): W is swept in residual form unless
            # the last working set's sweeps (_FIRST_SWEEPS for a cold start's first one), as
            # many again over W, would have cost more than the extension (a warm start's first
            # working set, with no count to go by, uses the block).
            # Measured on 500×1000 at λ_max/10 and /100, 4 seeds each: 5–27% faster; strongly
            # correlated columns need hundreds of sweeps per working set and keep the block.
            missing = int(np.count_nonzero(gram.slot[working] < 0))
            if 2.0 * _GRAM_SPEEDUP * last_done * working.size < missing * (gram.size + missing):
                in_gram = False
        # A gap check costs 2·n per feature checked and dual point; when screening has made it
        # cheap next to a sweep of W, check more often (at least every 16 sweeps).
        n_checked = n_features - int(np.count_nonzero(screened))
        check_cost = 2 * n_samples * n_checked * (2 if extrapolation else 1)
        sweep_cost = max(1, working.size * (working.size if in_gram else n_samples))
        budget = min(chunk, max(16, 4 * check_cost // sweep_cost), max_sweeps - n_sweeps)
        objective_history = np.empty(budget + 1)
        max_step_history = np.empty(budget)
        if extrapolation and working.size:
            key = (in_gram, working)
            if snapshot_key is None or snapshot_key[0] != in_gram or snapshot_key[1] is not working:
                snapshots = np.empty((K, working.size if in_gram else n_samples))
                weight_snapshots = _NO_SNAPSHOTS if in_gram else np.empty((K, working.size))
                snapshot_count, snapshot_key, accelerated_at = 0, key, 0
        if in_gram:
            if block is None or block[0] is not working:
                block = G = Hty = None  # the last block goes before the next one is made
                before = gram.flops
                block = (working, gram.block(working), gram.hty(working))
                work.flops += gram.flops - before
            _, G, Hty = block
            w_w = w[working]
            Gw = G @ w_w
            penalized_w = penalized[working]
        done, met = 0, not working.size
        # Anderson acceleration only when K sweeps cost at least _ANDERSON_MIN_FLOPS (switched on
        # for every working set it was measured mixed: 500×1000 correlated at λ_max/100 43 → 57
        # ms, at /1000 269 → 245 ms): on a small working set the sweeps run unpaused.
        sweep_cost = working.size * (working.size if in_gram else n_samples)
        anderson = extrapolation and K * sweep_cost >= _ANDERSON_MIN_FLOPS
        # With Anderson acceleration (as skglm does, Bertrand et al. 2022) the sweeps pause every
        # K: the combination of the last K iterates that extrapolates the residuals (the same c
        # as the dual point's) replaces the iterate when it lowers the sub-problem's objective.
        if working.size and in_gram:
            done, met, snapshot_count, accelerated_at, products = _gram_sweeps_accelerated(
                G, Hty, yty, w_w, Gw, penalized_w, lam, max(step_tolerance, loose), budget,
                objective_history, max_step_history, snapshots, snapshot_count, accelerated_at,
                anderson,
            )
            work.flops += (done + products) * working.size * working.size
        elif working.size:
            with quiet_degenerate_layout(H):
                done, met, snapshot_count, accelerated_at, _ = _subset_sweeps_accelerated(
                    H, w, residual, z, working, penalized, lam, max(step_tolerance, loose), budget,
                    objective_history, max_step_history, snapshots, weight_snapshots,
                    snapshot_count, accelerated_at, anderson,
                )
            work.flops += done * working.size * n_samples
        if in_gram:
            w[working] = w_w
        work.n_updates += done * working.size
        if keep_history:
            objective_chunks.append(_used(objective_history, 1, done + 1))
            step_chunks.append(_used(max_step_history, 0, done))
        n_sweeps += done
        last_done = done
        chunk = min(2 * chunk, 256)
        extra = None
        if step_residual is not None:
            # a support-and-sign solve the objective test declined (_polish): its residual is
            # often the better dual point (the fit is optimal to rounding, the sweeps' own
            # residual is not), so it is this check's second point
            extra, step_residual = step_residual, None
            if in_gram:
                residual = _residual(H, y, w)
        # The extrapolated point is not tried while W is still growing and the last check was
        # far from the optimum (gap above _EXTRAPOLATE_BELOW of the objective): on 500×1000 at
        # λ_max/10 the first five checks are at gaps of 34–75% with either point, and skipping
        # it there saves a product with H each.
        elif (extrapolation and working.size
                and (not growing or last_gap <= _EXTRAPOLATE_BELOW * primal)):
            if in_gram:
                w_acc = _extrapolated(snapshots, snapshot_count, block[1])
                if w_acc is not None:
                    candidate = w.copy()
                    candidate[working] = w_acc
                    # two products, each from its support (OpenBLAS runs a two-column product
                    # ~2x slower than two matrix-vector products, measured on 20000x200)
                    residual, extra = _residual(H, y, w), _residual(H, y, candidate)
                    del candidate  # (D floats, not needed during the check)
            else:
                extra = _extrapolated(snapshots, snapshot_count)
        if extra is None:
            residual = _residual(H, y, w)
        features = np.flatnonzero(~screened) if screened.any() else None
        check = _dual_gap(H, y, w, lam, penalized, residual, norms, basis, extra, features)
        work.n_gap_checks += 1
        work.flops += 2 * n_samples * (n_features if features is None else features.size) * check.n_points
        if features is not None and (check.certified(tolerance, problem.reference)
                                     or n_sweeps >= max_sweeps):
            # The final certificate is always over every feature (the screened features'
            # correlations are added to those just computed).
            check = _dual_gap(H, y, w, lam, penalized, residual, norms, basis, extra, None,
                              previous=check)
            work.n_gap_checks += 1
            work.flops += 2 * n_samples * (n_features - features.size) * check.n_points
            features = None
            if not check.certified(tolerance, problem.reference):
                screened[:] = False  # a screening rounding got wrong: undo it, keep sweeping
                if not working_sets:
                    working, block = np.arange(n_features), None
        if check.n_points == 2 and check.source == 0:
            # the residual won: the other point's correlations are not needed (D floats)
            check.correlations = np.ascontiguousarray(check.correlations[:, :1])
            check.points, check.n_points = np.ascontiguousarray(check.points[:, :1]), 1
            check.correlation = check.correlations[:, 0]
        primal, gap, floor, correlation = check.primal, check.gap, check.floor, check.correlation
        last_check = check
        # (the indices of the checked features, and the second point: not kept through a solve)
        partial, features, extra = features is not None, None, None
        # Below the rounding floor with the best dual point, the residual's own gap may stall
        # just above the floor (rounding): after 3 checks without halving it, accept.
        if not partial and gap <= floor and _floor_counts(floor, tolerance, problem.reference):
            stalls = stalls + 1 if check.plain_gap > 0.5 * best_plain else 0
            best_plain = min(best_plain, check.plain_gap)
            if stalls >= 3:
                converged = True
                break
        if keep_history and done:
            objective_chunks[-1][-1] = primal
        if not partial and check.certified(tolerance, problem.reference):
            converged = True
            break
        if n_sweeps >= max_sweeps:
            break
        if max_checks is not None and not partial:
            max_checks -= 1
            if max_checks <= 0:
                break
        if screening and lam > 0.0:
            radius = np.sqrt(gap + floor)
            newly = np.empty(n_features, dtype=bool)
            _fill_screened(check.correlations, check.source, check.scale, norms, radius,
                           half * (1.0 - _SCREEN_MARGIN), penalized, screened, newly)
            if newly.any():
                zeroed = newly & (w != 0.0)
                if zeroed.any():
                    w[zeroed] = 0.0
                    residual = _residual(H, y, w)
                screened |= newly
                if screened[working].any():
                    working = working[~screened[working]]
                    block = None
        # Not certified. If the sweeps settled, either W misses violators (they join it) or the
        # sub-problem needs more accuracy; if the chunk's budget ran out, keep sweeping.
        add_violators = False
        was_loose = loose > step_tolerance
        loose = 0.0
        # A check that does not halve the gap is a stall: loose sweeps may be why (the share
        # is cut tenfold), or W's sweeps, which have not settled, cannot reach the optimum
        # without violators outside W, or converge slowly on W.
        stalled = gap > _STALL_RATIO * last_gap
        last_gap = gap
        if stalled:
            share *= 0.1
        if met or stalled:
            violators = _violators_outside(correlation, half, penalized, screened, working)
            if violators.any() and working_sets:
                # (after a stall they join W whether or not its sweeps settled)
                add_violators = True
                loose = share * np.sqrt(gap)
            else:
                if stalled and working_sets:
                    # Every violator is in W, but W's sweeps converge slowly (more columns than
                    # rows, near interpolation): W shrinks to the support and its violators, a
                    # sub-problem with fewer columns, usually better conditioned.
                    keep = ((w != 0.0) | ~penalized | (np.abs(correlation) > half)) & ~screened
                    shrunk = np.flatnonzero(keep)
                    if shrunk.size < working.size:
                        working, block = shrunk, None
                if met and not was_loose:
                    step_tolerance *= 0.1
                    tightenings += 1
        if stalled and lam > 0.0 and polish and not add_violators:
            # A stall near interpolation (support about n): jump to the minimizer with the
            # current support and signs (kept only if it lowers the objective, up to the check's
            # rounding `floor`; the gap decides).
            # Not while violators join W: the stall is then W's, and the support is still
            # missing features (measured on 500×1000 at λ_max/10: 14.2 ms without those solves,
            # 16.5 ms with them, the same 68 sweeps).
            # With more weights than rows there is no such minimizer; if a second stall finds
            # the same support and signs, the sweeps are creeping along H_S's null space, and
            # the solve first reduces the support to n (see _reduced_support).
            key = (np.flatnonzero(w).tobytes(), np.signbit(w[w != 0.0]).tobytes())
            if key != polished or key != reduced_for:
                reduce = key == polished
                if reduce:
                    reduced_for = key
                polished = key
                # the second time, active-set steps too (_POLISH_STEPS): on a 100×2000 path a
                # support of n = 100 lost one weight at each single step, the sweeps restored it,
                # and the fit ran out of its 10,000 sweeps at a relative gap of 1e-6 (several
                # steps at every stall took 1.3–1.6× the time on the 500×1000 fits at λ_max/1000)
                # the working set's Gram block (a copy of |W|² floats when W is not the cache
                # in its order) is gathered again after the solve rather than kept through it
                block = G = Hty = None
                # and so are the Anderson iterates (K vectors of n or of |W|): they start again
                snapshots = weight_snapshots = _NO_SNAPSHOTS
                snapshot_key = None
                better = _polish(H, y, w, lam, penalized, z, primal, floor, reduce=reduce,
                                 steps=_POLISH_STEPS if reduce else 1)
                size = int(np.count_nonzero(w))
                work.flops += n_samples * size * (size + 2)
                if better is not None:
                    w_new, step = better
                    if w_new is not None:
                        w[:], residual = w_new, step
                    else:
                        step_residual = step
                better = w_new = step = None  # (D floats, copied into w)
    work.n_screened = int(np.count_nonzero(screened))
    work.screened = screened
    return converged, n_sweeps, objective_chunks, step_chunks, primal, gap, correlation


def _gram_state(gram, y, penalized):
    """What :func:`_gram_path_sweeps` needs besides λ and w (built once per path)."""
    unpenalized = np.flatnonzero(~penalized)
    G = gram.G
    if unpenalized.size:
        M = np.linalg.pinv(G[np.ix_(unpenalized, unpenalized)])
    else:
        M = np.zeros((0, 0))
    snapshots = np.empty((2 * _EXTRAPOLATION_K, G.shape[0]))
    return (G, gram.Hty, float(y @ y), penalized, unpenalized, np.ascontiguousarray(M), snapshots,
            np.empty(G.shape[0]))


def _gram_path_fit(state, lam, w, tolerance, max_sweeps, keep_history, margin=None,
                   extra_sweeps=0):
    r"""Gram-mode sweeps at λ from ``w`` (updated in place) until the Gram-form gap estimate
    certifies with a margin (see :func:`_gram_path_sweeps`; an estimate, never a certificate).

    When the extrapolated point certified, up to ``extra_sweeps`` more plain sweeps try to make
    the residual alone do (it saves the certificate a column).

    Returns ``(status, n_sweeps, objective_chunks, step_chunks, estimate, extra)``, ``status`` as
    the kernel's (1: estimate met, 2: met with the extrapolated point ``extra`` (a copy; else
    None), −1: estimate not trustworthy at this accuracy, 0: budget spent).
    """
    from .coordinate_descent import _NO_SNAPSHOTS

    G, Hty, yty, penalized, unpenalized, M, snapshots, extra = state
    margin = _GRAM_MARGIN if margin is None else margin
    Gw = G @ w
    estimate = np.zeros(3)
    objective_chunks, step_chunks = [], []
    if keep_history:
        start = yty - 2.0 * float(w @ Hty) + float(w @ Gw) + lam * float(np.sum(np.abs(w[penalized])))
        objective_chunks.append(np.array([start]))
    def sweeps(budget, points):
        """At most ``budget`` sweeps of the kernel (``points``: its snapshots); (ran, status)."""
        objective_history = np.empty(budget + 1)
        max_step_history = np.empty(budget)
        ran, status = _gram_path_sweeps(
            G, Hty, yty, w, Gw, penalized, lam, unpenalized, M, tolerance, margin,
            _GRAM_FLOOR_SHARE, budget, objective_history, max_step_history, estimate,
            points, extra, _GRAM_ANDERSON,
        )
        if keep_history:
            objective_chunks.append(_used(objective_history, 1, ran + 1))
            step_chunks.append(_used(max_step_history, 0, ran))
        return ran, status

    n_sweeps, chunk, status = 0, 32, 0
    while n_sweeps < max_sweeps:
        ran, status = sweeps(min(chunk, max_sweeps - n_sweeps), snapshots)
        n_sweeps += ran
        if status:
            break
        chunk = min(2 * chunk, 256)
    if status == 2 and n_sweeps < max_sweeps and extra_sweeps:
        # The extrapolated point adds a column to the certificate's two products with H (4·n·D
        # multiply-adds); a few more plain sweeps (≤ D² each) may certify the residual alone.
        keep = extra.copy()
        ran, more = sweeps(min(extra_sweeps, max_sweeps - n_sweeps), _NO_SNAPSHOTS)
        n_sweeps += ran
        if more == 1:
            status = 1
        else:
            extra[:] = keep
    return (status, n_sweeps, objective_chunks, step_chunks, estimate,
            extra.copy() if status == 2 else None)


def _certify_block(problem, lams, W, budget=0, extras=None):
    r"""The residual-form certificates of several fits at once: :func:`coordinate_descent._dual_gap`'s
    check, with its residual dual point, for each (λ_k, column k of ``W``).

    :math:`R = y\mathbf 1^\top - HW` (one product with H for every fit, BLAS-3), projected off
    the unpenalized columns, and :math:`H^\top R` (a second one); each column is then evaluated by
    ``coordinate_descent._evaluate`` exactly as a single check would be (over every feature).
    ``extras`` (optional, one entry per fit: None or weights v) adds the dual point built from
    :math:`y - Hv` (an extrapolated iterate) to that fit's check, as ``_dual_gap``'s ``extra``.
    Memory: the n×K block (the caller bounds K, counting the extras; a temporary of its size with
    unpenalized columns)
    and, when the fits use at most half of the columns
    and they take at most ``budget`` floats, a copy of those columns. Returns one ``_Check`` per fit.
    """
    from .coordinate_descent import _evaluate

    H, y, penalized, norms = problem.H, problem.y, problem.penalized, problem.norms
    # every λ here is > 0: the unpenalized columns' basis (made, once, before the block R)
    basis = problem.basis(float(lams[0]))
    n_fits = W.shape[1]
    spans = [(k, k + 1) for k in range(n_fits)]  # fit k's columns of W, R and C: [a, b)
    if extras is not None and any(v is not None for v in extras):
        # each fit's extra point right after it: a fit's points are then a contiguous slice of
        # the Fortran-ordered R (no copy for _evaluate)
        columns, spans = [], []
        for k, v in enumerate(extras):
            start = len(columns)
            columns.append(W[:, k])
            if v is not None:
                columns.append(v)
            spans.append((start, len(columns)))
        W = np.column_stack(columns)
        del columns
    used = np.flatnonzero(np.any(W != 0.0, axis=1))
    # R is computed as (WᵀHᵀ)ᵀ, Fortran-ordered: each fit's residual is then a contiguous column
    # (the checks below read each one several times; strided, they took twice as long).
    if used.size <= H.shape[1] // 2 and used.size * H.shape[0] <= budget:
        # early on a path few columns carry weight: a product over those only is cheaper than
        # one over every column; their copies are made a chunk of rows at a time
        R = np.empty((H.shape[0], W.shape[1]), order="F")
        W_used = W[used]
        for rows, chunk in _row_chunks(H, used, size_limit=_BLOCK_COPY_SINGLE):
            R[rows] = chunk @ W_used
        del W_used, chunk
    else:
        R = (W.T @ H.T).T
    np.subtract(y[:, None], R, out=R)
    coef = None
    if basis is not None:
        coef = basis.T @ R
        # R −= basis·coef in place (NumPy's R -= basis @ coef peaked at 3 blocks of R: its
        # product and a buffered copy of it for the Fortran-ordered R)
        R = blas.dgemm(-1.0, basis, coef, beta=1.0, c=R, overwrite_c=1)
    with quiet_degenerate_layout(H):
        C = H.T @ R
    checks = []
    for k, lam in enumerate(lams):
        a, b = spans[k]
        # a slice of columns of the Fortran-ordered R is contiguous: _evaluate takes it as it is
        point, correlations = R[:, a:b], C[:, a:b]
        if coef is None:
            residual = point[:, 0]
        else:
            residual = basis @ coef[:, a]
            residual += point[:, 0]
        checks.append(_evaluate(H, y, W[:, a], float(lam), penalized, residual, norms, point,
                                correlations, None))
    return checks


def _anchor(w, check):
    """An anchor for :func:`_anchored_gap` from a residual-form check at ``w`` (every column
    penalized: the check's first point is the residual itself)."""
    residual = check.points[:, 0]
    return (w.copy(), check.correlations[:, 0].copy(), float(residual @ residual))


def _active_set_path(problem, l1_penalties, tolerance, max_sweeps, w_zero, residual_zero, lam_max,
                     keep_history=True, gram_mode=None, gram_margin=None, w_start=None, Hty=None):
    r"""Solve the lasso at each penalty (decreasing), warm-started, by working sets.

    At each λ the working set W holds the unpenalized columns, the nonzero weights of the warm
    start and the strongest violators of the KKT condition :math:`|h_j^\top r| \le \lambda/2`
    (at most max(10, |support|) at a time, doubling each time W grows). The book's sweeps run on
    the sub-problem of W alone — in covariance form (:func:`gram_coordinate_descent_sweeps`, on
    the Gram block :math:`G_{WW}`) when W is small next to n, in residual form over the columns
    of W otherwise — until a sweep's largest change of the fitted values is small; then the
    duality gap of the *whole* problem is computed from a fresh residual. The fit is accepted
    when gap ≤ ``tolerance`` · objective; otherwise violators join W or the sweeps continue.
    For λ ≥ λ_max the answer is the exact all-zero (unpenalized-fit) solution, as in
    :func:`lasso_coordinate_descent`. See :func:`_working_set_fit`.

    **Gram mode** (n ≥ D, the default there; ``gram_mode`` forces it on or off): the whole Gram
    matrix is computed once, and each λ is first solved by sweeps over every feature in
    covariance form with a gap *estimate* in Gram form after each sweep (O(D) per estimate,
    :func:`_gram_path_sweeps`; for the residual and for celer's extrapolated dual point), until
    the estimate is at most half the tolerance. That estimate never reports ``converged``. When
    every column is penalized, a fit is then checked from an *anchor* (:func:`_anchored_gap`:
    the gap from the anchor's :math:`H^\top r_a`, :math:`\lVert r_a\rVert^2` and G, with its
    rounding bounded and added, O(D·nnz) instead of two passes over H); a fit whose bound is too
    wide gets the residual-form check (one column of :func:`_certify_block`) and becomes the
    next anchor. The first anchor is w = 0 (r = y). A fit accepted on the extrapolated point,
    and every fit when some column is unpenalized, is certified in blocks of K penalties by the
    residual-form certificate (:func:`_certify_block`: one product :math:`HW` and one
    :math:`H^\top R` for the K fits, with the extrapolated point as one more column for a fit
    accepted on it; n·K floats at most ``_BLOCK_COLUMNS`` columns of n); the last fit of a block is
    then the anchor. A fit whose
    certificate fails continues in residual form by :func:`_working_set_fit` from where it was,
    and so does a fit whose Gram-form estimate cannot be trusted at this accuracy (its rounding,
    cancellation in :math:`\lVert y\rVert^2 - 2w^\top H^\top y + w^\top G w`, is too large: e.g.
    uncentered data fitted almost exactly; after 3 such penalties in a row the rest of the path
    runs in residual form), or whose plain sweeps did not reach the estimate in
    ``_GRAM_MAX_SWEEPS`` sweeps (an ill-conditioned problem).

    ``problem`` is a ``_Scaled`` problem and the penalties are in its units. ``Hty``: the
    caller's :math:`H^\top y`, if it has it. Returns the weights
    (K, D), whether each fit converged (K,), and (with ``keep_history``, else an empty list) one
    :class:`SolverResult` per penalty, whose ``n_iterations`` counts the sweeps over the working
    sets (in Gram mode, over every feature). ``w_start`` (scaled units) is the warm start of the
    first penalty below λ_max (default: the unpenalized fit). Peak memory: H, its Gram blocks (at
    most an eighth of H and 8·(n + D) floats; the whole Gram matrix in Gram mode, D² ≤ n·D) and
    the output.
    """
    from .coordinate_descent import (
        _at_or_above, _least_squares_answer, _lifted, _result, _tiny, _zero_certified,
        _zero_result,
    )

    n_samples, n_features = problem.H.shape
    if gram_mode is None:
        gram_mode = n_samples >= n_features
    # Gram mode reads H only through BLAS products; everything else sweeps its columns
    H = problem.H if gram_mode else problem.fortran()
    weights = np.empty((l1_penalties.size, n_features))
    converged_flags = np.zeros(l1_penalties.size, dtype=bool)
    results = [None] * l1_penalties.size
    w = w_zero.copy() if w_start is None else w_start.copy()
    gram = None
    correlation = None
    state = None
    anchor = None  # (w_a, Hᵀ(y − Hw_a), ‖y − Hw_a‖²) for _anchored_gap, when every column is penalized
    bound = np.empty(4)
    untrusted = 0  # Gram-form estimates in a row that could not be trusted
    pending = []  # Gram-mode fits awaiting their certificate: (k, λ, sweeps, objectives, steps,
    #               extrapolated point or None)
    # floats for a block of residuals: 8 columns (a floor of 2 MB made the 2000×100 path's peak
    # 2.3× H and the diabetes path's 35×; a quarter of H, when more, made the 20000×200 path's
    # 4.0 MB against skglm's 1.7, and 16 columns take the same time: 28–30 ms, one BLAS thread;
    # 8 columns instead of 16: the diabetes path 150 → 96 kB, the 2000×100 path 288 → 222 kB
    # (scikit-learn 171 kB, skglm 260 kB), in 1.03–1.07× and 0.99–1.00× the time, two runs)
    budget = _BLOCK_COLUMNS * n_samples
    block = max(2, min(2 * l1_penalties.size, budget // n_samples))  # columns of a block
    n_columns = 0
    extra_sweeps = min(64, n_samples // (2 * n_features))

    def record(k, lam, w_k, converged, n_sweeps, objective_chunks, step_chunks, primal, gap):
        converged, gap = _lifted(problem, w_k, converged, primal, gap, tolerance)
        weights[k] = w_k
        converged_flags[k] = converged
        if keep_history:
            if objective_chunks and objective_chunks[-1].size:
                objective_chunks[-1][-1] = primal
            results[k] = _result(problem, w_k.copy(), converged, n_sweeps, objective_chunks,
                                 step_chunks, primal, gap, "lasso_coordinate_descent")

    def settle(k, lam, w_k, n_sweeps, objective_chunks, step_chunks, check):
        """Record a Gram-mode fit by its residual-form ``check``; if that does not certify it,
        continue it in residual form from where it was (``w_k``, updated in place)."""
        if check.certified(tolerance, problem.reference) or n_sweeps >= max_sweeps:
            record(k, lam, w_k, check.certified(tolerance, problem.reference), n_sweeps,
                   objective_chunks, step_chunks, check.primal, check.gap)
            return
        # The estimate was wrong: this fit continues in residual form, from where it was.
        problem.fortran()
        converged, more, objectives, steps, primal, gap, _ = _working_set_fit(
            problem, lam, w_k, tolerance, max_sweeps - n_sweeps, gram, check.correlation,
            keep_history,
        )
        record(k, lam, w_k, converged, n_sweeps + more, objective_chunks + objectives[1:],
               step_chunks + steps, primal, gap)

    def flush():
        nonlocal n_columns
        if not pending:
            return
        lams = np.array([item[1] for item in pending])
        nonlocal anchor
        checks = _certify_block(problem, lams, weights[[item[0] for item in pending]].T.copy(),
                                budget, [item[5] for item in pending])
        if anchor is not None:  # the block's last fit anchors the next anchored checks
            anchor = _anchor(weights[pending[-1][0]], checks[-1])
        for (k, lam, n_sweeps, objective_chunks, step_chunks, _), check in zip(pending, checks):
            settle(k, lam, weights[k].copy(), n_sweeps, objective_chunks, step_chunks, check)
        pending.clear()
        n_columns = 0

    least_squares = []  # (the SVD and the least-squares fit, for penalties below _TINY·λ_max)
    for k, lam in enumerate(l1_penalties):
        lam = float(lam)
        if _at_or_above(lam, lam_max):
            w = w_zero.copy()
            weights[k] = w
            if keep_history:
                results[k] = _zero_result(problem, w_zero, residual_zero, lam, tolerance)
                converged_flags[k] = results[k].converged
            else:
                primal, gap, certified = _zero_certified(problem, w_zero, residual_zero, lam,
                                                         tolerance)
                converged_flags[k] = _lifted(problem, w_zero, certified, primal, gap,
                                             tolerance)[0]
            continue
        if _tiny(lam, lam_max, problem.H.shape) and (
                answer := _least_squares_answer(problem, lam, tolerance, least_squares)):
            # λ below the duality gap's reach: the least-squares fit, certified by its own bound
            # (the warm start w and its correlation are left for the next penalty)
            weights[k] = answer[0]
            converged_flags[k], gap = _lifted(problem, answer[0], True, answer[1], answer[2],
                                              tolerance)
            if keep_history:
                results[k] = _result(problem, answer[0], converged_flags[k], 0,
                                     [np.array([answer[1]])], [], answer[1], gap,
                                     "lasso_coordinate_descent")
            continue
        if gram is None:
            gram = _GramCache(H, problem.y, full=True if gram_mode else None, Hty=Hty)
            if gram_mode and problem.all_penalized:
                # the all-zero fit anchors the first checks: r = y, Hᵀr = Hᵀy, ‖r‖² = ‖y‖²
                anchor = (np.zeros(n_features), gram.Hty, float(problem.y @ problem.y))
        if gram_mode and gram.full and lam > 0.0 and untrusted < 3:
            if state is None:
                state = _gram_state(gram, problem.y, problem.penalized)
            status, n_sweeps, objective_chunks, step_chunks, _, extra = _gram_path_fit(
                state, lam, w, tolerance, min(max_sweeps, _GRAM_MAX_SWEEPS), keep_history,
                gram_margin, extra_sweeps,
            )
            if status > 0 or n_sweeps >= max_sweeps:
                untrusted = 0
                weights[k] = w
                if anchor is not None:
                    # The anchored check (O(D·nnz)); when its bound is too wide (or the fit is
                    # not done), the residual-form check of this fit, which anchors the next.
                    _anchored_gap(state[0], w, lam, anchor[0], anchor[1], anchor[2], bound)
                    if bound[1] <= tolerance * bound[0]:
                        record(k, lam, w.copy(), True, n_sweeps, objective_chunks, step_chunks,
                               float(bound[0]), float(bound[1]))
                        continue
                    if extra is None:
                        check = _certify_block(problem, np.array([lam]), w[:, None].copy(),
                                               budget)[0]
                        anchor = _anchor(w, check)
                        settle(k, lam, w, n_sweeps, objective_chunks, step_chunks, check)
                        continue
                    # certified by the extrapolated point: the residual-form block (below)
                pending.append((k, lam, n_sweeps, objective_chunks, step_chunks, extra))
                n_columns += 1 if extra is None else 2
                if n_columns + 2 > block:
                    flush()
                continue
            untrusted += 1
            # The estimate cannot be trusted at this accuracy, or the plain sweeps are slow (an
            # ill-conditioned problem): continue in residual form, with extrapolation.
            correlation = gram.Hty - gram.G @ w
            problem.fortran()
            converged, more, objectives, steps, primal, gap, correlation = _working_set_fit(
                problem, lam, w, tolerance, max(1, max_sweeps - n_sweeps), gram, correlation,
                keep_history,
            )
            record(k, lam, w, converged, n_sweeps + more, objective_chunks + objectives[1:],
                   step_chunks + steps, primal, gap)
            continue
        if correlation is None:
            correlation = (H.T @ residual_zero if not w.any() or state is None
                           else gram.Hty - gram.G @ w)
        problem.fortran()
        converged, n_sweeps, objective_chunks, step_chunks, primal, gap, correlation = (
            _working_set_fit(problem, lam, w, tolerance, max_sweeps, gram, correlation, keep_history)
        )
        record(k, lam, w, converged, n_sweeps, objective_chunks, step_chunks, primal, gap)
    flush()
    return weights, converged_flags, results if keep_history else []
