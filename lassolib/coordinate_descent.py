r"""Chapters 4 and 5 — lasso coordinate descent, for normalized and raw features alike.

Cyclic coordinate descent: start from w (zeros by default); sweep j = 0, …, D−1 in order,
replacing w_j in place by the minimizer of the objective along coordinate j,

.. math::
    \hat w_j = \begin{cases}
        (\rho_j + \lambda/2) / z_j & \rho_j < -\lambda/2 \\
        0 & |\rho_j| \le \lambda/2 \\
        (\rho_j - \lambda/2) / z_j & \rho_j > \lambda/2
    \end{cases}
    \qquad z_j = \sum_i h_j(x_i)^2 ,

(chapter 5; with normalized columns z_j = 1 and this is chapter 4's soft threshold
:math:`\hat w_j = S(\rho_j, \lambda)`).

The residual :math:`r = y - Hw` is kept up to date, so that :math:`\rho_j = h_j^\top r + z_j w_j`
and each coordinate costs O(n) instead of recomputing every prediction.

**Stopping.** The course's rule (stop when the largest :math:`|\Delta w_j|` of a sweep is below a
tolerance) is in the units of the weights, so it cannot be right for every dataset: with y of order
1e-10 it stops after one sweep far from the optimum, with y of order 1e10 never. Here each sweep
records the largest change it made to the *fitted values*, :math:`\max_j |\Delta w_j|\,\lVert
h_j\rVert`, and when that is small the solver computes the **duality gap** of
:mod:`lassolib.certificates` (an upper bound on the distance of the objective from its minimum)
and stops only when the *relative* gap, gap / objective, is at most ``tolerance``. Both numbers
are unchanged when y or any column of H is multiplied by a constant: the answer is certified
whatever the units.

:func:`coordinate_descent_sweeps` (the book's loop) and :func:`gram_coordinate_descent_sweeps`
(the same loop in covariance form, ρ_j from the Gram matrix :math:`H^\top H`) are checked
wrappers around the compiled loops ``_coordinate_descent_sweeps`` and ``_gram_sweeps``:
every shape, dtype and length is validated before compiled code runs.
"""

import numbers
import warnings

import numpy as np

from ._jit import jit, quiet_degenerate_layout
from ._result import ConvergenceWarning, SolverResult
from ._validation import (
    check_data,
    check_penalty,
    check_positive,
    check_positive_int,
    check_start,
    check_unpenalized,
)
from .soft_threshold import _at_or_above, _lambda_max, _unpenalized_fit

__all__ = ["lasso_coordinate_descent", "coordinate_descent_sweeps", "gram_coordinate_descent_sweeps"]

#: The default ``tolerance`` of every lasso solver: the largest relative duality gap
#: (gap / objective) accepted as converged. Rounding puts the floor near 1e-15.
DEFAULT_TOLERANCE = 1e-12

_EPS = np.finfo(np.float64).eps
_NO_SNAPSHOTS = np.empty((0, 0))  # the sweeps record no snapshots (see _gram_sweeps)


@jit
def _coordinate_descent_sweeps(
    H, w, residual, z, penalized, l1_penalty, tolerance, max_sweeps, objective_history, max_step_history
):
    """Run sweeps of cyclic coordinate descent in place on ``w`` and ``residual = y - H @ w``.

    Records the objective after each sweep in ``objective_history[1:]`` and the largest change
    of the fitted values, max_j |Δw_j|·‖h_j‖, in ``max_step_history``. Stops after the first
    sweep where that is below ``tolerance`` (in the units of y). Returns the number of sweeps
    run and whether that test was met.
    """
    n_features = H.shape[1]
    half = l1_penalty / 2.0
    for sweep in range(max_sweeps):
        max_step = 0.0
        for j in range(n_features):
            if z[j] == 0.0:
                continue  # a column of zeros does not change the RSS: its weight stays 0
            h_j = H[:, j]
            rho_j = np.dot(h_j, residual) + z[j] * w[j]
            if not penalized[j]:
                w_j = rho_j / z[j]
            elif rho_j < -half:
                w_j = (rho_j + half) / z[j]
            elif rho_j > half:
                w_j = (rho_j - half) / z[j]
            else:
                w_j = 0.0
            step = w_j - w[j]
            if step != 0.0:
                residual -= step * h_j
                w[j] = w_j
                max_step = max(max_step, abs(step) * np.sqrt(z[j]))  # change of the fitted values
        penalty = 0.0
        for j in range(n_features):
            if penalized[j]:
                penalty += abs(w[j])
        objective_history[sweep + 1] = np.dot(residual, residual) + l1_penalty * penalty
        max_step_history[sweep] = max_step
        if max_step < tolerance:
            return sweep + 1, True
    return max_sweeps, False


@jit
def _copy_into(out, source):
    """``out[:] = source``, element by element (the same length; the compiled loops' copies).

    numba compiles an array assigned to a slice with a check of the two shapes whose error
    message is formatted in compiled code, and compiling that formatting took 2.5–3 s of the
    first call on an empty cache (of 4.9 s; measured with numba's compile events, numba 0.68).
    A loop has no such check: the compiled loops never assign an array to a slice."""
    for i in range(out.shape[0]):
        out[i] = source[i]


@jit
def _gram_sweep(G, Hty, w, Gw, penalized, half):
    r"""One cyclic sweep in covariance form, in place on ``w`` and ``Gw = G @ w``: the soft-threshold
    update of every coordinate with :math:`\rho_j = (H^\top y)_j - (Gw)_j + z_j w_j` (the
    unpenalized ones by least squares), then ``Gw`` refreshed by the change times column j.
    Returns the sweep's largest change of the fitted values, :math:`\max_j |\Delta w_j|\sqrt{z_j}`."""
    n_features = G.shape[0]
    max_step = 0.0
    for j in range(n_features):
        z_j = G[j, j]
        if z_j == 0.0:
            continue
        rho_j = Hty[j] - Gw[j] + z_j * w[j]
        if not penalized[j]:
            w_j = rho_j / z_j
        elif rho_j < -half:
            w_j = (rho_j + half) / z_j
        elif rho_j > half:
            w_j = (rho_j - half) / z_j
        else:
            w_j = 0.0
        step = w_j - w[j]
        if step != 0.0:
            for k in range(n_features):  # Gw += step * G[:, j]  (G is symmetric)
                Gw[k] += step * G[j, k]
            w[j] = w_j
            max_step = max(max_step, abs(step) * np.sqrt(z_j))
    return max_step


@jit
def _gram_sweeps(
    G, Hty, yty, w, Gw, penalized, l1_penalty, tolerance, max_sweeps, objective_history, max_step_history,
    snapshots, offset,
):
    """The cyclic sweeps in covariance form, in place on ``w`` and ``Gw = G @ w`` (see the wrapper).

    If ``snapshots`` has rows (K of them), ``w`` after sweep s is copied into row
    ``(offset + s) % K`` (for dual extrapolation, see ``path._extrapolated``).
    """
    n_features = G.shape[0]
    half = l1_penalty / 2.0
    n_snapshots = snapshots.shape[0]
    for sweep in range(max_sweeps):
        max_step = _gram_sweep(G, Hty, w, Gw, penalized, half)
        penalty = 0.0
        for j in range(n_features):
            if penalized[j]:
                penalty += abs(w[j])
        rss = yty - 2.0 * np.dot(w, Hty) + np.dot(w, Gw)
        objective_history[sweep + 1] = rss + l1_penalty * penalty
        max_step_history[sweep] = max_step
        if n_snapshots > 0:
            _copy_into(snapshots[(offset + sweep) % n_snapshots], w)
        if max_step < tolerance:
            return sweep + 1, True
    return max_sweeps, False


@jit
def _subset_sweeps(
    H, w, residual, z, subset, penalized, l1_penalty, tolerance, max_sweeps, objective_history,
    max_step_history, snapshots, weight_snapshots, offset,
):
    """The book's sweeps restricted to the columns listed in ``subset`` (residual form, no copy of H).

    If ``snapshots`` has rows (K of them), the residual after sweep s is copied into row
    ``(offset + s) % K``, and ``w[subset]`` into the same row of ``weight_snapshots`` (for
    extrapolation, see ``path._extrapolated``).
    """
    half = l1_penalty / 2.0
    n_snapshots = snapshots.shape[0]
    for sweep in range(max_sweeps):
        max_step = 0.0
        for j in subset:
            if z[j] == 0.0:
                continue
            h_j = H[:, j]
            rho_j = np.dot(h_j, residual) + z[j] * w[j]
            if not penalized[j]:
                w_j = rho_j / z[j]
            elif rho_j < -half:
                w_j = (rho_j + half) / z[j]
            elif rho_j > half:
                w_j = (rho_j - half) / z[j]
            else:
                w_j = 0.0
            step = w_j - w[j]
            if step != 0.0:
                for i in range(residual.shape[0]):  # residual -= step * h_j, without a temporary
                    residual[i] -= step * h_j[i]
                w[j] = w_j
                max_step = max(max_step, abs(step) * np.sqrt(z[j]))
        penalty = 0.0
        for j in range(w.shape[0]):
            if penalized[j]:
                penalty += abs(w[j])
        objective_history[sweep + 1] = np.dot(residual, residual) + l1_penalty * penalty
        max_step_history[sweep] = max_step
        if n_snapshots > 0:
            row = (offset + sweep) % n_snapshots
            _copy_into(snapshots[row], residual)
            for k in range(subset.shape[0]):
                weight_snapshots[row, k] = w[subset[k]]
        if max_step < tolerance:
            return sweep + 1, True
    return max_sweeps, False


@jit
def _support_residual(H, y, w, support, out):
    """``out = y - H[:, support] @ w[support]``, column by column (no copy of H's columns)."""
    _copy_into(out, y)
    for j in support:
        w_j = w[j]
        h_j = H[:, j]
        for i in range(out.shape[0]):
            out[i] -= w_j * h_j[i]


def _residual(H, y, w):
    """``y - H @ w``; when w is sparse (fewer than a quarter of its entries nonzero), from the
    columns of its support only: n·|support| multiply-adds instead of a pass over H (on
    200×10000 with 74 nonzero weights, 0.02 ms instead of 1.3)."""
    support = np.flatnonzero(w)
    if 4 * support.size >= w.size:
        return y - H @ w
    out = np.empty_like(y)
    with quiet_degenerate_layout(H):
        _support_residual(H, y, w, support, out)
    return out


# ------------------------------------------------------------------------------------------------
# Checked wrappers: nothing reaches compiled code unless every shape, dtype and length is right.
# ------------------------------------------------------------------------------------------------

def _check_buffer(value, name, length, *, dtype=np.float64, writable=False, at_least=False):
    """An existing 1-D array of ``dtype`` (not converted: the loops work on it in place)."""
    if not isinstance(value, np.ndarray) or value.dtype != dtype or value.ndim != 1:
        kind = "bool" if dtype == np.bool_ else "float64"
        got = f"{type(value).__name__}" if not isinstance(value, np.ndarray) else (
            f"{value.ndim}-D {value.dtype} array"
        )
        raise ValueError(f"{name} must be a 1-D {kind} NumPy array, got {got}")
    if (value.shape[0] < length) if at_least else (value.shape[0] != length):
        need = f"at least {length}" if at_least else f"{length}"
        raise ValueError(f"{name} has length {value.shape[0]} but must have length {need}")
    if writable and not value.flags.writeable:
        raise ValueError(f"{name} is read-only; the sweeps write into it in place")
    if dtype == np.float64 and not np.all(np.isfinite(value[:length])) and not writable:
        raise ValueError(f"{name} contains NaN or inf")
    return value


def _check_sweep_scalars(l1_penalty, tolerance, max_sweeps):
    l1_penalty = check_penalty(l1_penalty, "l1_penalty")
    if isinstance(tolerance, (bool, np.bool_)) or not isinstance(tolerance, numbers.Real):
        raise ValueError(f"tolerance must be a real number >= 0, got {tolerance!r}")
    tolerance = float(tolerance)
    if not (np.isfinite(tolerance) and tolerance >= 0.0):
        raise ValueError(f"tolerance must be finite and >= 0, got {tolerance}")
    max_sweeps = check_positive_int(max_sweeps, "max_sweeps")
    return l1_penalty, tolerance, max_sweeps


def _check_histories(objective_history, max_step_history, max_sweeps):
    _check_buffer(objective_history, "objective_history", max_sweeps + 1, writable=True, at_least=True)
    _check_buffer(max_step_history, "max_step_history", max_sweeps, writable=True, at_least=True)


def _check_state(value, name, length):
    _check_buffer(value, name, length, writable=True)
    if not np.all(np.isfinite(value)):
        raise ValueError(f"{name} contains NaN or inf")


def coordinate_descent_sweeps(
    H, w, residual, z, penalized, l1_penalty, tolerance, max_sweeps, objective_history, max_step_history
):
    r"""Run ``max_sweeps`` (at most) sweeps of the book's cyclic loop, in place on ``w`` and ``residual``.

    The loop itself is ``_coordinate_descent_sweeps`` (compiled; see the module docstring for its
    update); this wrapper checks every argument first, so that a wrong buffer is a ValueError
    and never reaches compiled code.

    Parameters
    ----------
    H : ndarray of float64, shape (n_samples, n_features)
        Features (Fortran order makes each column contiguous, which is faster).
    w : ndarray of float64, shape (n_features,)
        The weights, updated in place.
    residual : ndarray of float64, shape (n_samples,)
        ``y - H @ w``, updated in place.
    z : ndarray of float64, shape (n_features,)
        :math:`z_j = \sum_i h_j(x_i)^2`, all >= 0.
    penalized : ndarray of bool, shape (n_features,)
    l1_penalty : float >= 0
    tolerance : float >= 0
        Stop after the first sweep whose largest change of the fitted values,
        :math:`\max_j |\Delta w_j|\,\sqrt{z_j}`, is below this (in the units of y).
    max_sweeps : int >= 1
    objective_history : ndarray of float64, length >= max_sweeps + 1
        Receives the objective after sweep k in entry k (entry 0 is left to the caller).
    max_step_history : ndarray of float64, length >= max_sweeps
        Receives each sweep's largest change of the fitted values.

    Returns
    -------
    (n_sweeps, met) : (int, bool)
        The sweeps run and whether the stopping test was met.
    """
    if not isinstance(H, np.ndarray) or H.dtype != np.float64 or H.ndim != 2:
        raise ValueError("H must be a 2-D float64 NumPy array (use np.asfortranarray(H, dtype=float))")
    n_samples, n_features = H.shape
    if n_samples == 0 or n_features == 0:
        raise ValueError(f"H must have at least one row and one column, got shape {H.shape}")
    if not np.all(np.isfinite(H)):
        raise ValueError("H contains NaN or inf")
    _check_state(w, "w", n_features)
    _check_state(residual, "residual", n_samples)
    _check_buffer(z, "z", n_features)
    if np.any(z < 0):
        raise ValueError("z must be >= 0 (z_j is the squared norm of column j)")
    _check_buffer(penalized, "penalized", n_features, dtype=np.bool_)
    l1_penalty, tolerance, max_sweeps = _check_sweep_scalars(l1_penalty, tolerance, max_sweeps)
    _check_histories(objective_history, max_step_history, max_sweeps)
    with quiet_degenerate_layout(H):
        done, met = _coordinate_descent_sweeps(
            H, w, residual, z, penalized, l1_penalty, tolerance, max_sweeps, objective_history,
            max_step_history,
        )
    return int(done), bool(met)


def gram_coordinate_descent_sweeps(
    G, Hty, yty, w, Gw, penalized, l1_penalty, tolerance, max_sweeps, objective_history, max_step_history
):
    r"""The same cyclic sweeps in covariance (Gram) form, in place on ``w`` and ``Gw = G @ w``.

    With the Gram matrix :math:`G = H^\top H` and :math:`H^\top y` computed once, the residual is
    never formed: :math:`h_j^\top r = (H^\top y)_j - (Gw)_j`, so

    .. math:: \rho_j = (H^\top y)_j - (Gw)_j + G_{jj} w_j , \qquad z_j = G_{jj} ,

    costs O(1), and a step :math:`\Delta w_j` updates :math:`Gw` by :math:`\Delta w_j\, G_{:j}`
    in O(D) instead of updating the residual in O(n). The update rule, the cyclic order and the
    per-sweep test (largest :math:`|\Delta w_j|\sqrt{G_{jj}}` below ``tolerance``) are those of
    :func:`coordinate_descent_sweeps`, and so are the iterates, up to rounding. The objective
    uses :math:`\mathrm{RSS}(w) = y^\top y - 2 w^\top H^\top y + w^\top G w`.

    ``G`` (k×k, symmetric) may be the Gram matrix of any subset of the columns (with the
    matching entries of ``Hty``, ``w``, ``Gw``, ``penalized``). Every argument is checked before
    the compiled loop ``_gram_sweeps`` runs. Returns ``(n_sweeps, met)``.
    """
    if not isinstance(G, np.ndarray) or G.dtype != np.float64 or G.ndim != 2 or G.shape[0] != G.shape[1]:
        raise ValueError("G must be a square 2-D float64 NumPy array (the Gram matrix H.T @ H)")
    k = G.shape[0]
    if k == 0:
        raise ValueError("G must have at least one row and column")
    if not np.all(np.isfinite(G)):
        raise ValueError("G contains NaN or inf")
    if np.any(np.diag(G) < 0):
        raise ValueError("G's diagonal must be >= 0 (it holds squared column norms)")
    _check_buffer(Hty, "Hty", k)
    if isinstance(yty, (bool, np.bool_)) or not isinstance(yty, numbers.Real) or not np.isfinite(yty):
        raise ValueError(f"yty must be a finite real number (y @ y), got {yty!r}")
    _check_state(w, "w", k)
    _check_state(Gw, "Gw", k)
    _check_buffer(penalized, "penalized", k, dtype=np.bool_)
    l1_penalty, tolerance, max_sweeps = _check_sweep_scalars(l1_penalty, tolerance, max_sweeps)
    _check_histories(objective_history, max_step_history, max_sweeps)
    done, met = _gram_sweeps(
        G, Hty, float(yty), w, Gw, penalized, l1_penalty, tolerance, max_sweeps, objective_history,
        max_step_history, _NO_SNAPSHOTS, 0,
    )
    return int(done), bool(met)


# ------------------------------------------------------------------------------------------------
# Scale, certificate
# ------------------------------------------------------------------------------------------------

_RANGE = 2.0**100  # data whose largest entry lies in [2^-100, 2^100] is used as it is


def _exponent(largest):
    """A power of two that brings ``largest`` near 1, or 0 when it is safely in range."""
    if largest == 0.0 or 1.0 / _RANGE <= largest <= _RANGE:
        return 0
    return -int(np.frexp(largest)[1])


def _squares(H):
    r"""The squared column norms :math:`z_j = \sum_i H_{ij}^2` (one pass over H, no temporary)."""
    return np.einsum("ij,ij->j", H, H)


def _in_range(squares, n_samples):
    r"""Whether squared column norms (computed from H as it is) prove max |H| in [2^-100, 2^100].

    :math:`\max_j z_j \le n \max|H|^2` and :math:`\max|H|^2 \le \max_j z_j`, so
    :math:`\sqrt{\max_j z_j / n} \ge 2^{-100}` and :math:`\sqrt{\max_j z_j} \le 2^{100}`
    put max |H| where :func:`_exponent` leaves H unscaled. A NaN or infinite entry, or squares that
    overflowed, make some z_j non-finite: then this says False (the caller looks at H itself).
    """
    if squares is None or squares.size == 0:
        return False
    largest = float(np.max(squares))  # NaN propagates: then the test below is False
    return 2.0**-200 * n_samples <= largest <= 2.0**200


class _Scaled:
    r"""The problem with H and y multiplied by powers of two, :math:`2^a H` and :math:`2^b y`.

    Powers of two are exact in floating point, so on data of ordinary magnitude (a = b = 0)
    nothing changes; on data whose squared norms would overflow or underflow float64
    (|H| ≳ 1e154 or ≲ 1e-154) the solvers run on the rescaled problem, whose solution is
    :math:`2^{b-a}\,w` at the penalty :math:`2^{a+b}\lambda`, with objective :math:`2^{2b} P`.
    Column norms are computed on the rescaled H. Refuses (ValueError) what float64 cannot hold.
    """

    def __init__(self, H, y, penalized, *, owned, squares=None, project=False):
        largest_y = float(np.max(np.abs(y)))
        if largest_y > 2.0**500 or 0.0 < largest_y < 2.0**-500:
            raise ValueError(
                f"y has entries of magnitude {largest_y:.3g}: its squared norm (the objective) is "
                "outside the range of float64; rescale y (e.g. y / np.max(np.abs(y)))"
            )
        if _in_range(squares, H.shape[0]):
            # The squared column norms bound max |H| within [2^-100, 2^100]: no rescaling, and
            # no pass over H to find its largest entry (``squares`` is H's, from _check_entry).
            self.a, self.z = 0, squares
        else:
            self.a, squares = _exponent(max(float(H.max()), -float(H.min()))), None
        self.b = _exponent(largest_y)
        if self.a:
            if owned:
                np.ldexp(H, self.a, out=H)
            else:
                H = np.ldexp(H, self.a)
        self.H = H
        self.y = np.ldexp(y, self.b) if self.b else y
        self.penalized = penalized
        self.all_penalized = bool(np.all(penalized))
        self._bases = {}
        self._lift = None
        if squares is None:
            self.z = _squares(H)
        if project and not self.all_penalized and np.any(penalized):
            if self._project_off_unpenalized(owned):
                H = self.H
                self.z = _squares(H)
        suspect = np.flatnonzero(~((self.z >= np.finfo(np.float64).tiny) & np.isfinite(self.z)))
        # a column of zeros is allowed (its weight is 0); one whose square underflowed is not
        bad = suspect[np.any(H[:, suspect] != 0.0, axis=0)] if suspect.size else suspect
        if bad.size:
            raise ValueError(
                f"H's columns differ in magnitude by more than float64 can square (column {bad[0]}'s "
                "squared norm underflows or overflows after scaling H to its largest entry); "
                "rescale the columns, e.g. with lassolib.normalize_features"
            )
        self.norms = np.sqrt(self.z)
        self._reference = None

    def _project_off_unpenalized(self, owned):
        r"""Replace the penalized columns and y by their parts orthogonal to the unpenalized
        columns, when some penalized column is not already (nearly) orthogonal to them; True
        if it did.

        With Q an orthonormal basis of the unpenalized columns H_U, the lasso on
        :math:`(I - QQ^\top) H_P` and :math:`(I - QQ^\top) y` has the same penalized weights
        and the same minimum (for any w_P the best w_U leaves exactly the part of the residual
        orthogonal to H_U), and its unpenalized columns are orthogonal to everything else, so
        their weights stay at 0 there. The caller's w_U is then the least-squares fit of
        :math:`y - H_P w_P` on H_U (:meth:`weights`). This is centering, when H_U is the
        constant column: uncentered features make the intercept and the penalized weights
        move together, which coordinate descent does slowly, and their large cancelling weights
        inflate the rounding floor of the gap (features with means 1e2–1e6 and an intercept:
        17 of 240 fits were certified 1e-10 to 3e-6 above the minimum). The copy of H costs
        n·D floats; a problem whose unpenalized columns are orthogonal to the others to
        ``_COUPLING`` (e.g. the centered diabetes data) is left as it is.

        The gaps are then those of the projected problem plus a bound on the rounding of
        fitting the unpenalized weights back (:meth:`lift_floor`, :func:`_lifted`): on y with an
        offset of 7.6e8 and noise of 1e-5, near λ = 0, a fit reported a gap of 1.5e-11 at an
        exact excess of 8.7e-14 (before that bound, 1e-27; found by an adversarial pass). The
        rounding of the projected columns themselves, of the order of the data's own
        (ε·|h_ij|), is not in them."""
        H, y, penalized = self.H, self.y, self.penalized
        # (a copy of the few unpenalized columns; the same basis as basis(λ > 0) would compute)
        U, s, Vt = _column_svd(H[:, ~penalized])
        if U.shape[1] == 0:
            return False
        Q, s = np.ascontiguousarray(U), s[: U.shape[1]]
        coupling = (Q.T @ H)[:, penalized]  # (no copy of H's penalized columns)
        norms = np.sqrt(self.z[penalized])
        with np.errstate(divide="ignore", invalid="ignore"):
            cosines = np.where(norms > 0.0, np.linalg.norm(coupling, axis=0) / norms, 0.0)
        if not np.max(cosines) > _COUPLING:
            return False
        projected = H if owned and H.flags.f_contiguous else np.array(H, order="F")
        # Every product from here on reads that Fortran-ordered array, so the projected problem
        # has the same bits whatever the layout of the caller's H: lambda_max(H, y) on a
        # C-ordered H and the solver on its Fortran copy differed by up to 2.2e-10 after the
        # projection, so that a fit at lambda_max(H, y) kept a weight of 1e-13 (11 of 100
        # problems with features of mean 1e6; found by an adversarial pass).
        #
        # What is subtracted is each column's (and y's) least-squares fit by the unpenalized
        # columns themselves, H_U c, not Q(Qᵀv): for an intercept H_U c is one number c in
        # every row, so the subtraction (of nearly equal numbers) is exact and its only error,
        # that of c, lies along the intercept; a second pass removes it (Gram–Schmidt's "twice
        # is enough"). With y = 1.6e8 + 3e-3·noise and an intercept, Q(Qᵀy) in one pass put
        # λ_max 6e-6 (relative) from the exact value of the floats, so that fits just above the
        # exact λ_max had nonzero weights; this way, 4e-16.
        basis_u = np.array(H[:, ~penalized], order="F")
        inverse = Vt.T / s
        coefficients = np.zeros((inverse.shape[0], int(np.count_nonzero(penalized))))
        for _ in range(2):
            again = inverse @ (Q.T @ projected)[:, penalized]
            projected[:, penalized] -= basis_u @ again
            coefficients += again
        # A column in the unpenalized columns' span (2·h_0, say) projects to rounding, not to 0:
        # at λ = 0 the sweeps fitted that noise with weights of 1e15 (then lifted back, 2–60%
        # above the minimum). Columns left with less than rounding of their norm are exactly 0:
        # each entry of h_j − H_U·c rounds by at most about (k + 1)·ε·(|h_ij| + |(H_U c)_i|),
        # k unpenalized columns. (The bound was 16·max(n, D)·ε·‖h_j‖: it zeroed a feature of
        # mean 1e10 whose real spread, 2e-4, is 270 ulps, and the fit without it was certified
        # 98% above the minimum; found by an adversarial pass.)
        residual_norms = np.sqrt(_squares(projected)[penalized])
        lost = residual_norms <= 4.0 * (basis_u.shape[1] + 1) * _EPS * norms
        if lost.any():
            projected[:, np.flatnonzero(penalized)[lost]] = 0.0
        fit_y = np.zeros(inverse.shape[0])
        y_norm = float(np.linalg.norm(y))  # (for lift_floor: y before the projection)
        y = y.copy()
        for _ in range(2):
            again = inverse @ (Q.T @ y)
            y -= basis_u @ again
            fit_y += again
        self.H, self.y = projected, y
        self._lift = (fit_y, coefficients, y_norm, norms,
                      np.sqrt(_squares(basis_u)), float(s[0] / s[-1]))
        self._bases["unpenalized"] = Q
        return True

    @property
    def reference(self):
        """‖r₀‖², the objective of the unpenalized fit (every penalized weight 0): an upper bound
        on min P, the scale against which a rounding floor is judged (see :func:`_certified`).
        Computed once, on first need."""
        if self._reference is None:
            self.set_reference(self.y if self.all_penalized else _unpenalized_fit(
                self.H, self.y, self.penalized)[1])
        return self._reference

    def set_reference(self, residual_zero):
        """:attr:`reference` from the unpenalized fit's residual, when the caller has it."""
        self._reference = float(residual_zero @ residual_zero)

    def fortran(self):
        """H in Fortran order, which the sweeps over its columns need: a C-ordered H that the
        caller let in (see :func:`_check_entry`) is copied here, once, on first need."""
        if not self.H.flags.f_contiguous:
            self.H = np.asfortranarray(self.H)
        return self.H

    def basis(self, l1_penalty):
        """An orthonormal basis of the span the dual point is projected off, or None.

        At λ = 0 that is the span of every column, else of the unpenalized ones. Computed once
        (an SVD with numpy.linalg.lstsq's cut-off, so the projection is lstsq's) and reused by
        every certificate on this problem.
        """
        which = "all" if l1_penalty == 0.0 else "unpenalized"
        if which == "unpenalized" and self.all_penalized:
            return None
        if which not in self._bases:
            block = self.H if which == "all" else self.H[:, ~self.penalized]
            self._bases[which] = np.ascontiguousarray(_column_svd(block)[0])
        return self._bases[which]

    def penalty(self, l1_penalty):
        return float(np.ldexp(l1_penalty, self.a + self.b))

    def start(self, w0, name="w0", worse_than=None):
        """A caller's start ``w0`` in the run's units, refused (ValueError naming it) when its
        residual sum of squares overflows there: the run works on y scaled to about 1, so a start
        whose objective is beyond float64's range times ‖y‖² (w0 ≈ 1 with H ≈ 1e150 and
        y ≈ 1e-150: the caller's objective, 1e304, is finite) would sweep from inf, leaking
        overflow warnings by the thousand. None when that residual sum of squares is above
        ``worse_than`` (a start worse than the caller's cold one)."""
        w = self.to_scaled_weights(w0)
        with np.errstate(over="ignore", invalid="ignore"):
            residual = self.y - self.H @ w
            fine = bool(np.all(np.isfinite(residual))) and bool(np.isfinite(residual @ residual))
        if not fine:
            raise ValueError(
                f"{name}: the objective at {name} is beyond float64's range relative to the "
                f"data's scale (largest |{name}_j| = {np.max(np.abs(w0)):.3g}); start from "
                f"weights of the scale of the solution, or give no {name}"
            )
        if worse_than is not None and not float(residual @ residual) <= worse_than:
            return None
        return w

    def to_scaled_weights(self, w):
        w = np.ldexp(w, self.b - self.a) if (self.a or self.b) else w.copy()
        if self._lift is not None:
            w[~self.penalized] = 0.0  # (their best value in the projected problem)
        return w

    def weights(self, w):
        """Weights (one vector, or one per row) of the run's problem in the caller's units: the
        unpenalized ones first completed by the least-squares fit of the penalized ones'
        residual when the problem was projected (:meth:`_project_off_unpenalized`)."""
        if self._lift is not None:
            fit_y, coefficients = self._lift[:2]
            w = np.array(w, dtype=np.float64)
            unpenalized = ~self.penalized
            w[..., unpenalized] += fit_y - w[..., self.penalized] @ coefficients.T
        if not (self.a or self.b):
            return w
        out = np.ldexp(w, self.a - self.b)
        if not np.all(np.isfinite(out)):
            raise ValueError(
                "the weights overflow float64 (H is tiny compared to y); rescale H or y"
            )
        return out

    @property
    def projected(self):
        """Whether the run works on the problem projected off the unpenalized columns."""
        return self._lift is not None

    def lift_floor(self, w):
        r"""A bound on what lifting ``w``'s unpenalized weights (:meth:`weights`) may add to the
        objective, in the run's units; 0.0 when the problem was not projected.

        The lifted weights are the least-squares fit of :math:`y - H_P w_P` on H_U. The exact
        fit leaves a residual orthogonal to H_U, so weights δ away from it add exactly
        :math:`\lVert H_U\delta\rVert^2` to the objective. The computed fit's fitted values are
        off by the rounding of y's and the penalized columns' fits, about
        ε·(‖y‖ + Σ_P |w_j|·‖h_j‖ + κ(H_U)·(‖ỹ‖ + Σ_P |w_j|·‖h̃_j‖) + Σ_U |w_j|·‖h_j‖)
        (4ε here; ỹ and h̃_j are what the unpenalized columns leave of y and h_j). It is not small
        when y (or H_P w_P) has a part along the unpenalized columns that is large against what
        they leave: y = 1e8 + 1e-4·noise with an intercept was certified at relative gap 6e-36
        on the projected problem, 1.4e-8 above the exact minimum (rational arithmetic) once
        lifted; float64 has no intercept within 1e-12 of the minimum there (the nearest float
        leaves 6e-9)."""
        if self._lift is None:
            return 0.0
        fit_y, coefficients, y_norm, p_norms, u_norms, condition = self._lift
        w_p = w[self.penalized]
        w_u = w[~self.penalized] + fit_y - coefficients @ w_p
        # κ(H_U) multiplies only what the fits leave (the projected y and columns): a
        # least-squares fit's fitted values are perturbed by ε·‖v‖ through v and by
        # ε·κ·‖residual‖ through H_U, plus the rounding of H_U·c, ε·Σ|c_j|·‖h_j‖ (with κ on
        # ‖y‖ too, an intercept and a calendar-year trend withdrew a certificate 1e-24 from
        # the minimum: found by an adversarial pass)
        leave = float(np.linalg.norm(self.y)) + float(
            np.abs(w_p) @ self.norms[self.penalized])
        error = 4.0 * _EPS * (y_norm + float(np.abs(w_p) @ p_norms) + condition * leave
                              + float(np.abs(w_u) @ u_norms))
        return error * error

    def objective(self, value):
        return np.ldexp(value, -2 * self.b) if self.b else value

    def fitted_change(self, value):
        return np.ldexp(value, -self.b) if self.b else value


def _gap(H, y, w, l1_penalty, penalized, residual, norms, basis=None):
    r"""The duality gap of :mod:`lassolib.certificates`, without copying H.

    The same dual point (the residual projected off the unpenalized columns, scaled into
    :math:`|h_j^\top\theta| \le \lambda/2`; at λ = 0 projected off every column) and the same
    sum of non-negative terms as ``certificates._gap``; tests check that both agree.

    Returns ``(primal, gap, floor, correlation)``: ``floor`` bounds the rounding error of the
    computed gap (see the comment in :func:`_dual_gap`), and ``correlation`` is
    :math:`H^\top\theta_0` for the projected, unscaled residual θ₀ (the KKT statistic).
    """
    check = _dual_gap(H, y, w, l1_penalty, penalized, residual, norms, basis)
    return check.primal, check.gap, check.floor, check.correlation


class _Check:
    """What one gap check found (see :func:`_dual_gap`)."""

    __slots__ = ("primal", "gap", "floor", "correlation", "source", "scale", "n_points",
                 "plain_gap", "points", "correlations", "features")

    @property
    def theta(self):
        """The chosen dual point (feasible), made on demand: the solvers need only its
        correlations, and a copy per check is n floats."""
        return self.points[:, self.source] * self.scale

    def theta_correlation(self, features=None):
        r""":math:`H^\top\theta` for the chosen dual point (at ``features`` only, if given),
        made on demand: a check kept for later holds no copy of D floats for it."""
        column = self.correlations[:, self.source]
        if features is None:
            return column * self.scale if self.scale != 1.0 else column
        column = column[features]  # a new array: scaled in place
        if self.scale != 1.0:
            column *= self.scale
        return column

    def certified(self, tolerance, reference):
        """gap ≤ tolerance · primal with the best dual point, or the *residual's* gap below the
        rounding floor (a better dual point must not end the sweeps earlier at the floor: the
        floor is reached by the residual's gap only when w itself is accurate to rounding),
        where that floor is at most tolerance · ``reference`` (see :func:`_certified`)."""
        if not (np.isfinite(self.primal) and np.isfinite(self.floor)):
            return False  # (an overflowed fit: inf <= inf is no certificate)
        return self.gap <= tolerance * self.primal or (
            self.plain_gap <= self.floor and _floor_counts(self.floor, tolerance, reference))

    def __init__(self, **values):
        for name, value in values.items():
            setattr(self, name, value)


@jit
def _columns_dot_except(H, points, done, out):
    """``out[j, k] = h_jᵀ points[k]`` for every j with ``done[j]`` False (as :func:`_columns_dot`)."""
    for j in range(H.shape[1]):
        if not done[j]:
            h_j = H[:, j]
            for k in range(points.shape[0]):
                out[j, k] = np.dot(h_j, points[k])


@jit
def _columns_dot(H, points, features, out):
    """``out[j, k] = h_jᵀ points[k]`` for j in ``features`` (no copy of H's columns)."""
    for j in features:
        h_j = H[:, j]
        for k in range(points.shape[0]):
            out[j, k] = np.dot(h_j, points[k])


def _dual_gap(H, y, w, l1_penalty, penalized, residual, norms, basis=None, extra=None, features=None,
              previous=None):
    r"""The duality gap at ``w`` with the best of several dual points, without copying H.

    Our dual is :math:`D(\theta) = \lVert y\rVert^2 - \lVert y - \theta\rVert^2` subject to
    :math:`|h_j^\top\theta| \le \lambda/2` (penalized j) and :math:`h_j^\top\theta = 0`
    (unpenalized j), and for any such θ

    .. math:: P(w) - D(\theta) = \lVert r - \theta\rVert^2
              + \sum_j \bigl(\lambda|w_j| - 2 w_j h_j^\top\theta\bigr) ,

    a sum of non-negative terms (r = y − Hw). Any feasible θ gives an upper bound on
    P(w) − min P. Candidates: the residual (as :mod:`lassolib.certificates` does) and, if given,
    ``extra`` (e.g. an extrapolated residual, see ``path._extrapolated``). Each is projected off
    the unpenalized columns (at λ = 0 off every column) and scaled into the constraints; the one
    with the smallest gap (the largest dual objective) is kept.

    ``features`` (optional, increasing indices) restricts the constraints and correlations to
    those columns: the gap is then the gap of the problem *without* the other columns (their
    weights must be 0), as after safe screening; ``correlation`` is 0 on the others.
    ``previous`` (a check on the same w, residual and ``extra`` restricted to some features)
    supplies the projected points and the correlations it computed: only the other features'
    correlations are computed (the final check after screening costs no second pass over H),
    into ``previous``'s own array (no copy: ``previous`` is not to be used after).

    Returns a :class:`_Check`: ``primal``, ``gap``, ``floor`` (a bound on the rounding error of
    the computed gap), ``correlation`` (:math:`H^\top\theta_0` for the projected, unscaled
    residual θ₀: the KKT statistic), ``theta`` (the chosen dual point, feasible, made on
    demand), ``theta_correlation()`` (:math:`H^\top\theta` for it, on demand), ``source`` (0: the residual,
    1: ``extra``) and ``n_points`` (the number of dual points whose correlations were computed).
    """
    if previous is not None:
        points, n_points = previous.points, previous.n_points
        correlations = previous.correlations  # completed in place: ``previous`` is used up
        with quiet_degenerate_layout(H):
            if features is None:
                done = np.zeros(H.shape[1], dtype=bool)  # (a mask: no index array of D)
                done[previous.features] = True
                _columns_dot_except(H, np.ascontiguousarray(points.T), done, correlations)
            else:
                rest = np.setdiff1d(features, previous.features)
                _columns_dot(H, np.ascontiguousarray(points.T), rest, correlations)
        return _evaluate(H, y, w, l1_penalty, penalized, residual, norms, points, correlations,
                         features)
    points = residual[:, None] if extra is None else np.column_stack([residual, extra])
    if basis is not None:  # an orthonormal basis of the columns projected off (see _Scaled.basis)
        points = points - basis @ (basis.T @ points)
    elif l1_penalty == 0.0:
        coef, *_ = np.linalg.lstsq(H, points, rcond=None)
        points = points - H @ coef
    elif not np.all(penalized):
        H_u = H[:, ~penalized]
        coef, *_ = np.linalg.lstsq(H_u, points, rcond=None)
        points = points - H_u @ coef
    n_points = points.shape[1]
    if features is None:
        with quiet_degenerate_layout(H):
            if n_points == 1:
                correlations = H.T @ points
            else:
                # one matrix-vector product per point: OpenBLAS runs a two-column product ~2x
                # slower than two of them (measured on 20000x200)
                correlations = np.empty((H.shape[1], n_points))
                for k in range(n_points):
                    correlations[:, k] = H.T @ points[:, k]
    else:
        correlations = np.zeros((H.shape[1], n_points))
        with quiet_degenerate_layout(H):
            _columns_dot(H, np.ascontiguousarray(points.T), features, correlations)
    return _evaluate(H, y, w, l1_penalty, penalized, residual, norms, points, correlations, features)


@jit
def _point_gaps(y, w, l1_penalty, penalized, residual, norms, points, correlations, gaps, distances,
                scales, sums):
    """For each dual point k (a column of ``points``): the scale s_k that makes it feasible, the
    distance ‖r − s_k θ_k‖² and the gap (see :func:`_dual_gap`), in one pass; a point or
    correlation that is not finite gets the gap +inf. ``sums`` receives ‖r‖², Σ_penalized |w_j|,
    Σ_j |w_j| ‖h_j‖ and ‖y‖²."""
    n_samples, n_points = points.shape
    n_features = w.shape[0]
    rss, l1, spread, yty = 0.0, 0.0, 0.0, 0.0
    for i in range(n_samples):
        rss += residual[i] * residual[i]
        yty += y[i] * y[i]
    for j in range(n_features):
        spread += abs(w[j]) * norms[j]
        if penalized[j]:
            l1 += abs(w[j])
    sums[0], sums[1], sums[2], sums[3] = rss, l1, spread, yty
    for k in range(n_points):
        finite = True
        for i in range(n_samples):
            if not np.isfinite(points[i, k]):
                finite = False
        largest = 0.0
        any_penalized = False
        for j in range(n_features):
            c = correlations[j, k]
            if not np.isfinite(c):
                finite = False
            if penalized[j]:
                any_penalized = True
                largest = max(largest, abs(c))
        if not finite:
            gaps[k], distances[k], scales[k] = np.inf, np.inf, 1.0
            continue
        scale = 1.0
        if l1_penalty > 0.0 and any_penalized and largest > l1_penalty / 2.0:
            scale = (l1_penalty / 2.0) / largest
        distance = 0.0
        for i in range(n_samples):
            d = residual[i] - points[i, k] * scale
            distance += d * d
        terms = 0.0
        for j in range(n_features):
            if penalized[j]:
                t = l1_penalty * abs(w[j]) - 2.0 * w[j] * (correlations[j, k] * scale)
                if t > 0.0:
                    terms += t
        gaps[k], distances[k], scales[k] = distance + terms, distance, scale


def _evaluate(H, y, w, l1_penalty, penalized, residual, norms, points, correlations, features):
    """The gap of each candidate from its projected point and correlations (see _dual_gap)."""
    n_points = points.shape[1]
    gaps, distances, scales, sums = np.empty(n_points), np.empty(n_points), np.empty(n_points), np.empty(4)
    if not (points.flags.c_contiguous or points.flags.f_contiguous):
        points = np.ascontiguousarray(points)  # (either order will do: no copy of a block)
    correlations = np.ascontiguousarray(correlations)
    # (w contiguous: a column of a path's block of weights is strided, and numba would compile
    # _point_gaps once more for it; a copy of D floats then)
    _point_gaps(y, np.ascontiguousarray(w), l1_penalty, penalized, residual, norms, points,
                correlations, gaps, distances, scales, sums)
    rss, l1, spread, yty = (float(value) for value in sums)
    primal = rss + l1_penalty * l1
    plain_gap = float(gaps[0])
    source = int(np.argmin(gaps))  # the first smallest gap (a point that is not finite has +inf)
    gap, distance = float(gaps[source]), float(distances[source])
    # Rounding: the residual y - Hw carries an error of about δ = 2ε(‖y‖ + Σ|w_j|‖h_j‖). It moves
    # ‖r − θ‖² by up to 2‖r − θ‖δ + δ², and (for λ > 0) the terms by up to 2 Σ|w_j|‖h_j‖ δ s,
    # s the dual point's scale (θ = s · point): with a tiny λ, s is tiny and so is that error.
    # (The larger of the residual's and the chosen point's scale: the floor bounds both gaps.)
    delta = 2.0 * _EPS * (np.sqrt(yty) + spread)
    floor = 4.0 * delta * delta + 2.0 * delta * np.sqrt(distance)
    if l1_penalty > 0.0:
        floor += 2.0 * delta * spread * max(float(scales[0]), float(scales[source]))
    return _Check(
        primal=primal, gap=gap, floor=floor, correlation=correlations[:, 0],
        source=source, scale=float(scales[source]), n_points=n_points, plain_gap=plain_gap,
        points=points, correlations=correlations, features=features,
    )


def _relative(gap, primal):
    if gap == 0.0:
        return 0.0
    return gap / primal if primal > 0.0 else np.inf


def _floor_counts(floor, tolerance, reference):
    """Whether a gap below its rounding ``floor`` may certify: only when that floor is itself
    small, at most max(``tolerance``, 16ε)·``reference`` (:attr:`_Scaled.reference`, ‖r₀‖² ≥
    min P); then P(w) − min P ≤ 2·floor. The floor grows with Σ|w_j|‖h_j‖, so weights that
    cancel inflate it: without this test ±1e10 on two equal columns (floor 3.6e5, P = 5e4)
    was accepted at 1e4 times the minimum, and weights of 3e5 on two columns 1e-6 apart at
    1.5e-9 above it with tolerance 1e-12. (16ε: a ``tolerance`` below rounding, e.g. 1e-16,
    asks for the floor, as the floor test was made for.)"""
    return floor <= max(tolerance, _FLOOR_SHARE) * reference


#: :meth:`_Scaled._project_off_unpenalized` leaves the problem as it is when every penalized
#: column's cosine with the unpenalized columns' span is at most this.
_COUPLING = 1e-6

#: See :func:`_floor_counts`.
_FLOOR_SHARE = 1e-10


def _certified(primal, gap, floor, tolerance, reference):
    """gap ≤ ``tolerance``·primal, or the gap below its own rounding ``floor`` where that floor
    counts (:func:`_floor_counts`)."""
    if not (np.isfinite(primal) and np.isfinite(floor)):
        return False  # (an overflowed fit: inf <= inf is no certificate)
    return gap <= tolerance * primal or (gap <= floor
                                         and _floor_counts(floor, tolerance, reference))


def _lifted(problem, w, converged, primal, gap, tolerance, stacklevel=5):
    """``(converged, gap)`` of a run's answer ``w`` once its unpenalized weights are lifted
    (:meth:`_Scaled.weights`): the gap grows by :meth:`_Scaled.lift_floor`, and a certificate
    stands only if that bound is within the tolerance or is itself a rounding floor that counts
    (:func:`_floor_counts`); a certificate that falls is warned about (ConvergenceWarning)."""
    floor = problem.lift_floor(w)
    if floor == 0.0:
        return converged, gap
    certified = converged and (gap + floor <= tolerance * primal
                               or _floor_counts(floor, tolerance, problem.reference))
    if converged and not certified:
        warnings.warn(
            "the fit is certified on the problem projected off the unpenalized columns, but "
            "fitting their weights back may add up to "
            f"{floor / primal if primal > 0 else np.inf:.2g} (relative) to the objective, above "
            f"tolerance {tolerance:g}: y (or H_P·w_P) has a part along the unpenalized columns "
            "that is large against what they leave, and float64 weights cannot fit it closer; "
            "subtract the unpenalized columns' fit from y (center y, for an intercept) and fit "
            "again",
            ConvergenceWarning,
            stacklevel=stacklevel,
        )
    return certified, gap + floor


def _result(problem, w, converged, n_sweeps, objective_chunks, step_chunks, primal, gap, solver,
            tolerance=None):
    """A SolverResult in the caller's units (weights, objectives, gap) from the scaled run;
    with ``tolerance``, the certificate of the lifted answer (:func:`_lifted`)."""
    if tolerance is not None:
        converged, gap = _lifted(problem, w, converged, primal, gap, tolerance)
    objective_history = problem.objective(np.concatenate(objective_chunks))
    max_step_history = (
        problem.fitted_change(np.concatenate(step_chunks)) if step_chunks else np.zeros(0)
    )
    return SolverResult(
        weights=problem.weights(w),
        converged=bool(converged),
        n_iterations=int(n_sweeps),
        objective_history=objective_history,
        max_step_history=max_step_history,
        solver=solver,
        objective=float(problem.objective(primal)),
        gap=float(problem.objective(gap)),
        relative_gap=float(_relative(gap, primal)),
    )


def _zero_certified(problem, w_zero, residual_zero, l1_penalty, tolerance):
    """(primal, gap, certified) of the answer for λ ≥ λ_max. Its penalized weights are exactly
    optimal; the unpenalized ones are a least-squares fit, which nearly collinear unpenalized
    columns can leave uncertified (then a ConvergenceWarning says so)."""
    primal, gap, floor, _ = _gap(
        problem.H, problem.y, w_zero, l1_penalty, problem.penalized, residual_zero, problem.norms,
        problem.basis(l1_penalty),
    )
    certified = _certified(primal, gap, floor, tolerance, problem.reference)
    if not certified:
        scale = float(problem.y @ problem.y)
        if primal <= (16.0 * problem.y.size * _EPS) ** 2 * scale:
            # (e.g. a cross-validation fold with as many rows as unpenalized columns)
            why = (f"the unpenalized columns alone fit y to rounding (objective "
                   f"{primal / scale:.1g} of ‖y‖²), and a relative gap cannot be certified "
                   "against a minimum of about 0; use more rows than unpenalized columns")
        elif primal <= 1e-12 * scale:
            # (y = 1.6e8 + 3e-3·noise with an intercept, on the unprojected problem)
            why = (f"y lies nearly in the span of the unpenalized columns (what they leave is "
                   f"{np.sqrt(primal / scale):.1g} of ‖y‖), so the rounding of that fit is "
                   "large against the objective; subtract their fit from y (center it, for an "
                   "intercept) or use the default method, which does")
        else:
            why = "the unpenalized columns are nearly collinear; remove or combine them"
        warnings.warn(
            f"the fit of the unpenalized columns (every penalized weight is 0 for λ ≥ λ_max) is "
            f"certified only to a relative duality gap of {_relative(gap, primal):.3g}, above "
            f"tolerance {tolerance:g}: {why}",
            ConvergenceWarning,
            stacklevel=4,
        )
    return primal, gap, certified


def _column_svd(H):
    """``(U, s, Vt)``: the thin SVD of H, U and Vt cut to the singular values above
    numpy.linalg.lstsq's cut-off (``s`` keeps them all, decreasing)."""
    U, s, Vt = np.linalg.svd(H, full_matrices=False)
    keep = s > _EPS * max(H.shape) * (s[0] if s.size else 0.0)
    return U[:, keep], s, Vt[keep]


def _sigma_below(H, svd):
    """A lower bound on H's smallest singular value from its computed SVD: the smallest computed
    value less 10·max(n, D)·ε times the largest (a bound on a backward-stable SVD's error), or 0
    when H has no full column rank to that accuracy."""
    U, s, _ = svd
    if U.shape[1] < H.shape[1]:
        return 0.0
    return max(0.0, float(s[-1]) - 10.0 * max(H.shape) * _EPS * float(s[0]))


def _sign_solution(H, y, penalized, l1_penalty, svd, w_ls):
    r"""The lasso's minimizer when its support is every column, with the signs of the
    least-squares fit, and a bound on its objective's excess: ``(v, primal, bound)``, or None
    when H has no full column rank, a penalized weight of the fit is 0, or a sign changes.

    With s the signs of the least-squares fit on the penalized columns (0 on the others), every
    u has λ Σ_P |u_j| ≥ λ sᵀu, so P(u) ≥ Q(u) = RSS(u) + λ sᵀu and min P ≥ min Q; where the
    signs of v are s, P(v) = Q(v), and

    .. math:: P(v) - \min P \le Q(v) - \min Q = \tfrac14\, g^\top (H^\top H)^{-1} g,
              \qquad g = \nabla Q(v) = \lambda s - 2 H^\top (y - Hv) .

    v is min Q's minimizer, :math:`v = w_{LS} - \tfrac{\lambda}{2}(H^\top H)^{-1} s` (from the
    SVD), so g is rounding: the bound is :math:`\tfrac14(2\lVert\Sigma^{-1}V^\top \hat g\rVert
    + \lVert e\rVert/\sigma)^2` with ĝ the computed gradient, e a bound on its rounding (the
    residual's and the product's, γ_k = kε/(1 − kε) per sum of k terms), σ from
    :func:`_sigma_below`, and the factor 2 for the SVD's own error on the first norm."""
    sigma = _sigma_below(H, svd)
    if sigma <= 0.0 or l1_penalty <= 0.0:
        return None
    _, s, Vt = svd
    signs = np.where(penalized, np.sign(w_ls), 0.0)
    if np.any(signs[penalized] == 0.0):
        return None
    v = w_ls - Vt.T @ ((Vt @ (0.5 * l1_penalty * signs)) / (s * s))
    if np.any(np.sign(v[penalized]) != signs[penalized]):
        return None
    residual = y - H @ v
    gradient = l1_penalty * signs - 2.0 * (H.T @ residual)
    n, D = H.shape
    gamma = lambda k: k * _EPS / (1.0 - k * _EPS)  # noqa: E731
    absolute = np.abs(H)
    residual_error = gamma(D + 1) * (np.abs(y) + absolute @ np.abs(v))
    error = 2.0 * (gamma(n) * (absolute.T @ (np.abs(residual) + residual_error))
                   + absolute.T @ residual_error)
    error += gamma(2) * np.abs(gradient)  # (the subtraction and the factor 2)
    bound = 0.25 * (2.0 * float(np.linalg.norm((Vt @ gradient) / s)) +
                    float(np.linalg.norm(error)) / sigma) ** 2
    primal = float(residual @ residual) + l1_penalty * float(np.sum(np.abs(v[penalized])))
    return v, primal, bound


def _least_squares_bound(H, y, w, l1_penalty, penalized, norms, svd):
    r"""``(primal, bound, floor)``: P(w), an upper bound on P(w) − min P that needs no dual
    point, and the rounding floor of its computation. ``svd`` is :func:`_column_svd`'s.

    For every w, with r = y − Hw, P_H the projection onto H's columns and a a least-squares
    fit: min P ≥ min RSS = RSS(w) − ‖P_H r‖², so P(w) − min P ≤ ‖P_H r‖² + λ‖w_P‖₁. When H has
    full column rank with smallest singular value at least σ > 0, RSS(v) = min RSS +
    ‖H(v − a)‖² ≥ min RSS + σ²‖v − a‖², and minimizing coordinate by coordinate,

    .. math:: \min P \ge \min \mathrm{RSS} + \textstyle\sum_{j \in P} f(a_j), \quad
              f(t) = \min_u\, \sigma^2 (u - t)^2 + \lambda |u|
              = \begin{cases} \lambda|t| - \lambda^2/(4\sigma^2) & |t| \ge \lambda/(2\sigma^2) \\
                               \sigma^2 t^2 & \text{else,} \end{cases}

    f is λ-Lipschitz and ‖w − a‖₂ ≤ ‖H(w − a)‖/σ = ‖P_H r‖/σ, so

    .. math:: P(w) - \min P \le \lVert P_H r\rVert^2 + \textstyle\sum_{j\in P}
              \bigl(\lambda |w_j| - f(w_j)\bigr) + \lambda \sqrt{|P|}\, \lVert P_H r\rVert / \sigma ,

    whose middle term is at most |P|·λ²/(4σ²): of order λ², where the duality gap certifies
    nothing (see ``_TINY``). σ is the computed smallest
    singular value less 10·max(n, D)·ε times the largest (a bound on the SVD's error); without
    full column rank (σ ≤ 0) only the first bound is used. ‖P_H r‖² is computed as at λ = 0
    (:meth:`_Scaled.basis`), and ``floor`` is that certificate's rounding floor."""
    U, s, _ = svd
    residual = y - H @ w
    projection = U.T @ residual
    excess = float(projection @ projection)
    magnitudes = np.abs(w[penalized])
    l1 = float(np.sum(magnitudes))
    primal = float(residual @ residual) + l1_penalty * l1
    bound = excess + l1_penalty * l1
    sigma = _sigma_below(H, svd)
    if sigma > 0.0 and l1_penalty > 0.0:
        curvature = sigma * sigma
        knee = l1_penalty / (2.0 * curvature)
        shortfall = np.where(magnitudes >= knee, l1_penalty * l1_penalty / (4.0 * curvature),
                             l1_penalty * magnitudes - curvature * magnitudes * magnitudes)
        tight = (excess + float(np.sum(shortfall))
                 + l1_penalty * np.sqrt(magnitudes.size * excess) / sigma)
        bound = min(bound, tight)
    delta = 2.0 * _EPS * (float(np.sqrt(y @ y)) + float(np.abs(w) @ norms))
    floor = 4.0 * delta * delta + 2.0 * delta * np.sqrt(excess)
    return primal, bound, floor


#: Below this multiple of λ_max (and with n ≥ D) the solvers first try the answer from the
#: least-squares fit (:func:`_least_squares_answer`). At the exact minimizer the relative
#: duality gap grows as λ falls, since the rounding of Hᵀr does not shrink with λ/2 (diabetes:
#: 1.2e-14 at 1e-8·λ_max, 6.5e-13 at 1e-9, 5.3e-11 at 1e-10); the SVD costs n·D²
#: multiply-adds, no more than the dense fits such penalties give.
_TINY = 1e-8


def _tiny(l1_penalty, lam_max, shape):
    """Whether :func:`_least_squares_answer` is worth trying: 0 < λ ≤ ``_TINY``·λ_max and
    n ≥ D (with D > n the least-squares fits interpolate and the bound is about P(w) itself)."""
    return 0.0 < l1_penalty <= _TINY * lam_max and shape[0] >= shape[1]


def _least_squares_answer(problem, l1_penalty, tolerance, fit=None):
    """For a tiny λ > 0: the lasso's answer from the least-squares fit, certified without a dual
    point: ``(w, primal, bound)``, else None (the solvers then go on as for any λ).

    First :func:`_sign_solution` (the exact minimizer on the fit's signs, with a bound at
    rounding level); if that does not apply or certify (noise-free data, whose minimum is near
    0), the least-squares fit itself with :func:`_least_squares_bound` (bound ≤
    ``tolerance``·P, or below its rounding floor where that floor counts, :func:`_floor_counts`).
    ``fit``, a list, caches the SVD and the fit across penalties (``lasso_path``)."""
    if fit is None or not fit:
        svd = _column_svd(problem.H)
        U, s, Vt = svd
        w = Vt.T @ ((U.T @ problem.y) / s[: U.shape[1]])
        if fit is not None:
            fit.extend([svd, w])
    else:
        svd, w = fit
    H, y, penalized = problem.H, problem.y, problem.penalized
    exact = _sign_solution(H, y, penalized, l1_penalty, svd, w)
    if exact is not None and np.isfinite(exact[1]) and exact[2] <= tolerance * exact[1]:
        return exact
    primal, bound, floor = _least_squares_bound(H, y, w, l1_penalty, penalized, problem.norms,
                                                svd)
    if _certified(primal, bound, floor, tolerance, problem.reference):
        return w.copy(), primal, bound
    return None


def _projected_lambda_max(H, y, penalized):
    r"""λ_max of (H, y) in their units, computed as the default solver and :func:`lasso_path`
    compute it: on the problem projected off the unpenalized columns
    (:meth:`_Scaled._project_off_unpenalized`, which leaves a problem whose columns are
    orthogonal to them to 1e-6 as it is).

    The plain formula :math:`2\max_j |h_j^\top r_0|` rounds badly when a penalized column has
    a large component along the unpenalized ones (a feature with a large mean, and an
    intercept): :math:`r_0` is orthogonal to them only to rounding, of the order of
    ε·‖y‖, and that rounding is multiplied by the component. On an adversarial pass's 300 small
    problems with means up to 1e4 and an intercept (y offset by up to 1e4, noise down to 1e-6),
    the plain formula was up to 1.2e-5 (relative) from the exact λ_max of the floats (rational
    arithmetic), and the default solver's fits at that λ had nonzero weights in 73 of them;
    this value is at most 3.3e-11 from it, with no nonzero fit (on the 120 problems of
    tests/test_lambda_max_projected.py: 1.8e-6 and 20 fits before, 3.6e-12 and none now; on
    y = offset + noise with an intercept, at most 2.2e-14 for offsets up to 1e8 and noise
    down to 1e-6, where it was up to 0.13 when the projection subtracted Q(Qᵀy)).
    Every solver decides "λ ≥ λ_max, every penalized weight exactly 0" with this value, and
    :func:`lambda_max` returns it, so that a fit at ``lambda_max(H, y)`` is exactly 0
    whichever solver makes it."""
    problem = _Scaled(H, y, penalized, owned=False, project=True)
    _, residual_zero = _unpenalized_fit(problem.H, problem.y, penalized)
    return float(np.ldexp(_lambda_max(problem.H, penalized, residual_zero),
                          -(problem.a + problem.b)))


def _run_lambda_max(problem, residual_zero):
    """λ_max in the run's units for a solver that sweeps the unprojected problem (the cyclic
    method, ISTA/FISTA): the value the default solver and :func:`lambda_max` use
    (:func:`_projected_lambda_max`), or with every column penalized, where nothing is
    projected, straight from ``residual_zero``."""
    if problem.all_penalized:
        return _lambda_max(problem.H, problem.penalized, residual_zero)
    return _projected_lambda_max(problem.H, problem.y, problem.penalized)


def _zero_result(problem, w_zero, residual_zero, l1_penalty, tolerance):
    """The answer for λ ≥ λ_max: every penalized weight exactly 0, the unpenalized ones fitted."""
    primal, gap, certified = _zero_certified(problem, w_zero, residual_zero, l1_penalty, tolerance)
    return _result(
        problem, w_zero.copy(), certified, 0, [np.array([primal])], [], primal, gap,
        "lasso_coordinate_descent", tolerance,
    )


# ------------------------------------------------------------------------------------------------
# The solver
# ------------------------------------------------------------------------------------------------

def _check_entry(H, y, squares=False, c_order=False):
    """Validate (H, y) at a solver's door without copying a float64 H.

    Returns ``(H, y, owned)``, and with ``squares=True`` also H's squared column norms (or None),
    for :class:`_Scaled`. A plain Fortran-ordered float64 NumPy array H with finite entries
    and at least one row and column is used as it is (``owned=False``: the solver only reads it,
    and :class:`_Scaled` copies it only if it must rescale it); anything else goes through
    :func:`check_data`, whose copy (Fortran-ordered) the solver owns; a float64 array in any
    other layout is copied once, straight to Fortran order. A C-ordered H is copied
    too, as scikit-learn's Lasso does: the sweeps read columns, and on a C-ordered H they run up
    to 2.4× slower (measured on 20000×200 and 200×10000). Finiteness is read from the squared
    column norms, which the solver needs anyway: they are all finite only if every entry is
    (NaN and ±inf propagate). Only when some is not (a bad entry, or squares beyond float64) is
    it checked with ``H.min()`` and ``H.max()``. No temporary the size of H is made; every error
    is :func:`check_data`'s.

    A finite float64 NumPy vector y of the right length is used as it is (read only).

    ``c_order=True`` (the path's Gram mode, which reads H only through BLAS products) also takes
    a C-ordered float64 H with at least as many rows as columns as it is; :meth:`_Scaled.fortran`
    copies it if the solver comes to sweep its columns.
    """
    if type(H) is np.ndarray and H.dtype == np.float64 and H.ndim == 2 and H.size > 0:
        as_is = H.flags.f_contiguous or (
            c_order and H.flags.c_contiguous and H.shape[0] >= H.shape[1]
        )
        # any other layout (C-ordered, strided): its one Fortran-ordered copy, checked the same
        # way (check_data would convert it first, a second copy, and test it with a temporary of
        # its size)
        candidate = H if as_is else np.asfortranarray(H)
        z = _squares(candidate)
        if np.all(np.isfinite(z)) or (np.isfinite(candidate.min()) and np.isfinite(candidate.max())):
            from ._validation import check_vector

            # a finite float64 vector of the right length is used as it is too (the solvers
            # only read y: n floats saved; tests/test_fast.py checks it is left unchanged)
            if not (type(y) is np.ndarray and y.dtype == np.float64 and y.ndim == 1
                    and y.shape[0] == H.shape[0] and y.flags.c_contiguous
                    and np.all(np.isfinite(y))):
                y = check_vector(y, H.shape[0], "y", "the number of rows of H")
            owned = not as_is
            return (candidate, y, owned, z) if squares else (candidate, y, owned)
        del candidate
    H, y = check_data(H, y)
    H = np.asfortranarray(H)
    return (H, y, True, None) if squares else (H, y, True)


def lasso_coordinate_descent(
    H, y, l1_penalty, *, tolerance=DEFAULT_TOLERANCE, max_sweeps=10_000, w0=None, unpenalized=(),
    method="working_set",
):
    r"""Minimize :math:`\mathrm{RSS}(w) + \lambda \sum_{j \notin U} |w_j|` by cyclic coordinate descent.

    Works for any H: with unit-norm columns each update is chapter 4's
    :math:`\hat w_j = S(\rho_j, \lambda)`, in general chapter 5's :math:`(\rho_j \mp \lambda/2)/z_j`
    with :math:`z_j = \sum_i h_j(x_i)^2`. Unpenalized columns get the least-squares update
    :math:`\rho_j / z_j`; a column of zeros (:math:`z_j = 0`) gets weight 0. λ = 0 is least
    squares ("linear regression").

    Before iterating, the all-zero candidate is checked: if :math:`\lambda \ge \lambda_{\max}`
    (see :func:`lambda_max`) it satisfies the KKT condition, and the answer is returned directly:
    every penalized weight exactly 0.0 and the unpenalized ones fitted by least squares.

    **Stopping rule (scale-free, certified).** Each sweep records its largest change of the
    fitted values, :math:`\max_j |\Delta w_j|\,\lVert h_j\rVert`. When that is small compared with
    :math:`\sqrt{\text{tolerance}\cdot P(w)}`, or every 64–256 sweeps (16–256 sweeps of the
    working set with ``method="working_set"``), the solver computes the
    duality gap of :func:`lassolib.certificate` (gap ≥ P(w) − min P) and stops when

    .. math:: \text{gap} \le \text{tolerance} \cdot P(w) ,

    i.e. when the objective is certified to be within a relative ``tolerance`` of its minimum.
    The test is the same whatever the units of y and of each column. The gap is computed from a
    fresh residual (with the better of two dual points, see ``method``); when it is smaller than the rounding error of its own computation (which
    happens when the minimum is near 0, e.g. at λ = 0 on data that can be fitted exactly, where
    the gap cannot be certified below about (1e-15 · (‖y‖ + Σ|w_j|‖h_j‖))²) the answer is
    accepted too, provided that rounding bound is at most max(``tolerance``, 1e-10) times the
    objective of the unpenalized fit (weights that cancel inflate it), and ``relative_gap``
    reports what was computed.

    **Unpenalized columns.** When they are not orthogonal to the penalized ones (an intercept
    and uncentered features), the default method solves the problem projected off them
    (centering, for an intercept): the same penalized weights and minimum, and no zig-zag
    between the intercept and the features; the unpenalized weights are then the least-squares
    fit of what the penalized ones leave. ``method="cyclic"`` sweeps the problem as given.

    **λ = 0 on columns dependent to working precision.** The dual point of least squares is
    projected off the columns' span as :func:`numpy.linalg.lstsq` sees it (an SVD, singular
    values below its cut-off dropped), so the objective is certified against the least-squares
    minimum over that numerical span, the one numpy.linalg.lstsq reaches. Columns
    that differ only in their last bits (``fl(c * u)`` against ``u``) span one more direction
    in exact arithmetic, of norm about 1e-16 of theirs, and the exact minimum of those floats,
    reached with weights of 1e15–1e17, can be lower (1.9–36% lower RSS on the six 7×4
    problems of ``tests/test_floor_and_projection.py``, computed in rational arithmetic).

    **Tiny penalties.** The duality gap needs a dual point whose correlations
    :math:`h_j^\top\theta` are known to well within λ/2, and their rounding does not shrink with
    λ: at the exact minimizer the computed gap grows as λ falls (diabetes, relative: 1.2e-14 at
    1e-8·λ_max, 6.5e-13 at 1e-9, 5.3e-11 at 1e-10, 7e-5 at 1e-13). For 0 < λ ≤ 1e-8·λ_max and
    n ≥ D the solver therefore first solves on the signs s of the least-squares fit,
    :math:`v = w_{LS} - \tfrac{\lambda}{2}(H^\top H)^{-1}s` (from an SVD), the exact minimizer
    when its signs are s, certified by :math:`P(v) - \min P \le \tfrac14 g^\top(H^\top
    H)^{-1}g`, :math:`g = \lambda s - 2H^\top(y - Hv)`, rounding included (P(u) ≥ RSS(u) +
    λsᵀu for every u; ``_sign_solution``). If that does not apply, it tries the least-squares
    fit with a bound of order λ² (``_least_squares_bound``). Either way ``n_iterations`` is 0
    and ``gap`` is the bound; if neither certifies, the sweeps run as for any λ.

    Parameters
    ----------
    H : array_like of shape (n_samples, n_features)
        Features, normalized or raw.
    y : array_like of shape (n_samples,)
    l1_penalty : float >= 0
        λ (the book's scale: scikit-learn's ``alpha`` is λ / (2 n_samples)).
    tolerance : float > 0, default 1e-12
        The largest relative duality gap (gap / objective) accepted: the objective is then
        within a relative 1e-12 of its minimum, and the fitted values within about
        sqrt(1e-12 · objective) of the optimal ones (the weights within that divided by the
        smallest singular value of the active columns). Rounding makes about 1e-15 the floor.
    max_sweeps : int >= 1, default 10000
        The budget of whole sweeps.
    w0 : array_like of shape (n_features,), optional
        Warm start. Without it, ``method="cyclic"`` starts from zeros and ``"working_set"``
        from the least-squares fit of the unpenalized columns (zeros when every column is
        penalized). Ignored when λ ≥ λ_max, and by ``"working_set"`` on a problem it projects
        off the unpenalized columns (see below) when the penalized weights' residual sum of
        squares alone exceeds the objective of that least-squares fit (a start worse than the
        cold one).
    unpenalized : tuple of int, default ()
        Columns never penalized (the UW course's intercept is ``unpenalized=(0,)``).
    method : {"working_set", "cyclic"}, default "working_set"
        ``"cyclic"`` runs the book's loop (``_coordinate_descent_sweeps``) over every column.
        ``"working_set"`` runs the same update over a working set, as :func:`lasso_path` does
        for each penalty: the nonzero weights and the strongest KKT violators, grown in bounded
        steps, in Gram form when the set is small next to n, with gap-safe screening, Anderson
        acceleration, a dual point extrapolated from the residuals of the last 5 sweeps (celer's
        extrapolation, which takes those of its last 6 gap checks), which
        certifies the gap sooner, and, when a gap check does not halve the gap, a solve for the
        minimizer with the current support and signs (see ``path._working_set_fit`` and
        :mod:`lassolib.fast`);
        every answer is certified on the whole problem, over every feature. Both give the same
        answer to ``tolerance``; the working set is faster on wide and sparse problems. When
        n ≥ D and D ≤ 256, ``"working_set"`` uses the path's Gram mode (the whole Gram
        matrix, plain sweeps steered by a Gram-form gap *estimate*, then the residual-form
        certificate over every feature; see ``path._active_set_path``), and goes on with the
        working-set solver whenever that certificate is not obtained. When the Gram matrix is
        costly (n·D² ≥ 10⁸) and fewer than 90% of the features violate the KKT condition at
        the start, the working-set solver goes first and Gram mode takes over only if the
        answer does not look sparse after its first gap check, or after three.

    H is not copied when it is a Fortran-ordered float64 array with finite entries (the solver
    never writes into it; in units beyond 2^±100 it works on a rescaled copy); any other H is
    validated into a Fortran-ordered copy, as scikit-learn does.

    Returns
    -------
    SolverResult
        ``n_iterations`` counts sweeps (over the working set with ``method="working_set"``); ``max_step_history`` holds each sweep's largest change of
        the fitted values (in the units of y); ``gap`` and ``relative_gap`` certify the answer.
        ``converged`` is False, with a :class:`ConvergenceWarning`, if ``max_sweeps`` ran out
        before the gap was certified.

    See the book's chapters 4 (the algorithm) and 5 (raw features).
    """
    H, y, owned, squares = _check_entry(H, y, squares=True)  # no copy of a float64 H
    l1_penalty = check_penalty(l1_penalty, "l1_penalty")
    tolerance = check_positive(tolerance, "tolerance")
    max_sweeps = check_positive_int(max_sweeps, "max_sweeps")
    penalized = check_unpenalized(unpenalized, H.shape[1])
    w0 = None if w0 is None else check_start(H, y, w0)
    if method not in ("working_set", "cyclic"):
        raise ValueError(f'method must be "working_set" or "cyclic", got {method!r}')
    if method == "cyclic":
        return _solve(H, y, l1_penalty, tolerance, max_sweeps, w0, penalized, owned=owned,
                      squares=squares)
    return _solve_working_set(H, y, l1_penalty, tolerance, max_sweeps, w0, penalized, owned=owned,
                              gram_mode=None, squares=squares)


def _gram_mode_pays(n_samples, n_features):
    """Whether one penalty is solved in the path's Gram mode: n ≥ D and the Gram matrix (n·D²/2
    multiply-adds) costs at most ``_GRAM_SINGLE_PASSES`` passes over H (n·D each), which a
    residual-form solve spends in sweeps and certificates anyway."""
    return n_samples >= n_features and n_features <= 2 * _GRAM_SINGLE_PASSES


#: See :func:`_gram_mode_pays`. Measured (one thread): 2000×100 at λ_max/100 2.6 ms in Gram mode
#: instead of 4.3; 20000×200 at λ_max/10, /100, /1000: 56, 66–79, 56 ms in Gram mode against 49,
#: 45–53, 122–130 in residual form (its Gram matrix alone takes ~44 ms: the residual form wins
#: on sparse answers, Gram mode on dense ones; no rule to tell them apart beforehand is tried
#: yet). Larger D is left to the residual form (not measured).
_GRAM_SINGLE_PASSES = 128

#: A single fit that may use Gram mode races the working-set solver against it when the Gram
#: matrix costs at least this many multiply-adds (n·D²): measured (one thread), 20000×200 at
#: λ_max/10 and /100 (20 nonzero weights) 27–32 ms by the working set against 51–55 in Gram
#: mode, while on 2000×100 (n·D² = 2·10⁷) and diabetes Gram mode is never more than 0.3 ms
#: slower and up to 1.8× faster. See :func:`_solve_working_set`.
_RACE_MIN_GRAM = 10**8

#: ... and after its first gap check, an answer that looks sparse gets this many more checks.
_RACE_CHECKS = 2


def _solve_working_set(H, y, l1_penalty, tolerance, max_sweeps, w0, penalized, *, owned=False,
                       use_gram=True, working_sets=True, screening=True, extrapolation=True,
                       polish=True, work=None, warn=True, gram_mode=False, squares=None):
    """One penalty by the path's working-set solver (H already checked; copied only to rescale).

    The keyword switches and ``work`` are those of ``path._working_set_fit`` (see
    :mod:`lassolib.fast`); the defaults are the library's solver. ``gram_mode`` (None: when
    :func:`_gram_mode_pays`, as :func:`lasso_coordinate_descent` asks) solves the penalty in the
    path's Gram mode instead (``work`` is then not filled in: :mod:`lassolib.fast` counts the
    working-set solver's work). ``squares``: H's squared column norms from :func:`_check_entry`.
    """
    from .path import _GramCache, _Work, _working_set_fit

    if work is None:
        work = _Work()
    problem = _Scaled(H, y, penalized, owned=owned, squares=squares,
                      project=True)
    H, y = problem.H, problem.y
    n_samples, n_features = H.shape
    lam = problem.penalty(l1_penalty)
    w_zero, residual_zero = _unpenalized_fit(H, y, penalized)
    problem.set_reference(residual_zero)
    lam_max, correlation_zero = _lambda_max(H, penalized, residual_zero, correlation=True)
    work.flops += 2 * n_samples * n_features  # the correlations of λ_max
    if _at_or_above(lam, lam_max):
        return _zero_result(problem, w_zero, residual_zero, lam, tolerance)
    if _tiny(lam, lam_max, H.shape) and (answer := _least_squares_answer(problem, lam, tolerance)):
        return _result(problem, answer[0], True, 0, [np.array([answer[1]])], [], *answer[1:],
                       "lasso_coordinate_descent", tolerance)
    if w0 is not None:
        # On the projected problem (whose unpenalized weights start at 0, their best value
        # there) a start whose RSS alone exceeds the objective of the unpenalized fit (the
        # cold start) is worse than it, and is not used: from w0 ≈ 600 on data in units of
        # 1e100, where the solution is about 1e-98, the sweeps' rounding moved the
        # unpenalized weights off 0 and a fit 1e80 times the minimum was certified (found
        # by an adversarial pass).
        w = problem.start(w0, worse_than=problem.reference if problem.projected else None)
        if w is None:
            w0 = None
        else:
            w[problem.z == 0.0] = 0.0
    if w0 is None:
        w = w_zero  # (not used below: no copy of D floats)
    del w_zero
    # With every column penalized the start's residual is y itself, so Hᵀy is already known.
    Hty = correlation_zero if problem.all_penalized else None
    if gram_mode is None:
        gram_mode = _gram_mode_pays(n_samples, n_features)
    if w0 is None:
        correlation = H.T @ residual_zero if correlation_zero is None else correlation_zero
    else:
        _, _, _, correlation = _gap(
            H, y, w, lam, penalized, _residual(H, y, w), problem.norms, problem.basis(lam)
        )
        work.flops += 2 * n_samples * n_features
    del residual_zero  # (n floats, not needed below)
    gram = _GramCache(H, y, full=None if not working_sets else False, Hty=Hty)
    work.flops += gram.flops
    if not gram_mode:
        Hty = None  # (D floats: only Gram mode's whole Gram matrix below would take it)
    del correlation_zero
    n_sweeps, objective_chunks, step_chunks = 0, [], []
    converged = False

    def record(more, objectives, steps):
        """Add a stage's sweeps and histories (each stage's first objective is the last one's end)."""
        nonlocal n_sweeps
        n_sweeps += more
        objective_chunks.extend(objectives if not objective_chunks else objectives[1:])
        step_chunks.extend(steps)

    def fit(start, budget, max_checks=None):
        # ``start``: a list holding the correlation at w, emptied by _working_set_fit, so that
        # no frame here keeps those D floats alive through the fit
        converged, more, objectives, steps, primal, gap, correlation = _working_set_fit(
            problem, lam, w, tolerance, budget, gram, start, True, first_chunk=64,
            use_gram=use_gram, working_sets=working_sets, screening=screening,
            extrapolation=extrapolation, polish=polish, work=work, max_checks=max_checks,
        )
        record(more, objectives, steps)
        return converged, primal, gap, correlation

    def finished():
        return converged or n_sweeps >= max_sweeps

    n_penalized = int(np.count_nonzero(penalized))

    def looks_sparse(correlation, share):
        # fewer than `share` of the penalized features violate the KKT condition |h_jᵀr| ≤ λ/2
        violators = int(np.count_nonzero(penalized & (np.abs(correlation) > lam / 2.0)))
        return violators < share * n_penalized

    gram_mode = gram_mode and lam > 0.0
    if (gram_mode and n_samples * n_features * n_features >= _RACE_MIN_GRAM
            and looks_sparse(correlation, 0.9)):
        # A race between the working-set solver and Gram mode, when the Gram matrix is costly
        # and not (nearly) every feature violates the KKT condition at the start: the working
        # set goes first, for one gap check over every feature. A sparse answer is often
        # certified there, after a few passes over H, before the Gram matrix (n·D²/2
        # multiply-adds) would be ready. If fewer than half the penalized features then violate
        # the KKT condition, the answer looks sparse and the working set gets two more checks;
        # otherwise (or if those fail) Gram mode takes over from where it stopped.
        start, correlation = [correlation], None
        converged, primal, gap, correlation = fit(start, max_sweeps, 1)
        if not finished() and looks_sparse(correlation, 0.5):
            start, correlation = [correlation], None
            converged, primal, gap, correlation = fit(start, max_sweeps - n_sweeps,
                                                      _RACE_CHECKS)
    if gram_mode and not finished():
        # Then the path's Gram mode, from where the working set left off: the whole Gram matrix,
        # plain sweeps steered by a Gram-form gap estimate, then the residual-form certificate
        # (see path._active_set_path). Whenever that does not certify (the estimate cannot be
        # trusted at this tolerance, the plain sweeps are slow, or the certificate refuses), the
        # working-set solver goes on from where it stopped, and the Gram sweeps are discarded.
        from .path import _GRAM_MAX_SWEEPS, _certify_block, _gram_path_fit, _gram_state

        w_gram = w.copy()
        budget = max_sweeps - n_sweeps
        state = _gram_state(_GramCache(H, y, full=True, Hty=gram.Hty if gram.full else Hty),
                            y, penalized)
        status, more, objectives, steps, _, extra = _gram_path_fit(
            state, lam, w_gram, tolerance, min(budget, _GRAM_MAX_SWEEPS), True,
        )
        if status > 0 or more >= budget:
            check = _certify_block(problem, np.array([lam]), w_gram[:, None].copy(),
                                   extras=[extra])[0]
            if check.certified(tolerance, problem.reference) or more >= budget:
                objectives[-1][-1] = check.primal
                w[:] = w_gram
                record(more, objectives, steps)
                converged = bool(check.certified(tolerance, problem.reference))
                primal, gap = check.primal, check.gap
    if not finished():
        start, correlation = [correlation], None
        converged, primal, gap, _ = fit(start, max_sweeps - n_sweeps)
    if not converged and warn:
        warnings.warn(
            f"lasso_coordinate_descent did not converge in {max_sweeps} sweeps at l1_penalty "
            f"{l1_penalty:g}: relative duality gap {_relative(gap, primal):.3g} > tolerance "
            f"{tolerance:g}; raise max_sweeps or tolerance",
            ConvergenceWarning,
            stacklevel=3,
        )
    return _result(
        problem, w, converged, n_sweeps, objective_chunks, step_chunks, primal, gap,
        "lasso_coordinate_descent", tolerance,
    )


def _initial_step_tolerance(tolerance, primal):
    # An objective excess ε·P corresponds to fitted values about sqrt(ε·P) from the optimum.
    return max(0.1 * np.sqrt(tolerance * primal), 1e-300)


def _solve(
    H, y, l1_penalty, tolerance, max_sweeps, w0, penalized, zero_fit=None, z=None, warn=True,
    owned=False, work=None, squares=None,
):
    """The solver behind the validation: H Fortran-ordered, arguments already checked.

    ``zero_fit`` (the unpenalized fit and its λ_max, in the caller's units) may be passed in by
    callers that solve many penalties on one H; ``z`` is accepted for compatibility and
    recomputed. With ``owned=True`` H may be rescaled in place. ``work`` (a ``path._Work``)
    receives deterministic counts (see :mod:`lassolib.fast`). ``squares``: H's squared column
    norms from :func:`_check_entry`, if the caller has them.
    """
    problem = _Scaled(H, y, penalized, owned=owned, squares=squares)
    n_samples, n_features = H.shape
    H, y = problem.H, problem.y
    lam = problem.penalty(l1_penalty)
    if zero_fit is None:
        w_zero, residual_zero = _unpenalized_fit(H, y, penalized)
        problem.set_reference(residual_zero)
        lam_max = _run_lambda_max(problem, residual_zero)
        if work is not None:
            work.flops += 2 * n_samples * n_features  # the correlations of λ_max
    else:
        w_zero = problem.to_scaled_weights(zero_fit[0])
        residual_zero = np.ldexp(zero_fit[1], problem.b) if problem.b else zero_fit[1]
        lam_max = problem.penalty(zero_fit[2])
    if _at_or_above(lam, lam_max):
        return _zero_result(problem, w_zero, residual_zero, lam, tolerance)
    if _tiny(lam, lam_max, H.shape) and (answer := _least_squares_answer(problem, lam, tolerance)):
        return _result(problem, answer[0], True, 0, [np.array([answer[1]])], [], *answer[1:],
                       "lasso_coordinate_descent", tolerance)

    z = problem.z
    w = np.zeros(H.shape[1]) if w0 is None else problem.start(w0)
    w[z == 0.0] = 0.0
    residual = y - H @ w if w.any() else y.copy()
    primal = float(residual @ residual) + lam * float(np.sum(np.abs(w[penalized])))
    objective_chunks = [np.array([primal])]
    step_chunks = []
    step_tolerance = _initial_step_tolerance(tolerance, primal)
    n_sweeps, converged, chunk, gap = 0, False, 64, np.inf
    while n_sweeps < max_sweeps:
        budget = min(chunk, max_sweeps - n_sweeps)
        objective_history = np.empty(budget + 1)
        max_step_history = np.empty(budget)
        with quiet_degenerate_layout(H):
            done, met = _coordinate_descent_sweeps(
                H, w, residual, z, penalized, lam, step_tolerance, budget,
                objective_history, max_step_history,
            )
        objective_chunks.append(objective_history[1 : done + 1])
        step_chunks.append(max_step_history[:done])
        n_sweeps += done
        chunk = min(2 * chunk, 256)
        if work is not None:
            work.n_updates += done * n_features
            work.flops += done * n_features * n_samples + 2 * n_samples * n_features
            work.n_gap_checks += 1
        # The certificate, from a fresh residual (which also clears the rounding drift).
        residual = y - H @ w
        primal, gap, floor, _ = _gap(
            H, y, w, lam, penalized, residual, problem.norms, problem.basis(lam)
        )
        objective_chunks[-1][-1] = primal
        if _certified(primal, gap, floor, tolerance, problem.reference):
            converged = True
            break
        if met:
            step_tolerance *= 0.1
    if not converged and warn:
        warnings.warn(
            f"lasso_coordinate_descent did not converge in {max_sweeps} sweeps at l1_penalty "
            f"{l1_penalty:g}: relative duality gap {_relative(gap, primal):.3g} > tolerance "
            f"{tolerance:g}; raise max_sweeps or tolerance",
            ConvergenceWarning,
            stacklevel=3,
        )
    return _result(
        problem, w, converged, n_sweeps, objective_chunks, step_chunks, primal, gap,
        "lasso_coordinate_descent", tolerance,
    )
