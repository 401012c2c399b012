r"""Chapter 8 — the L1 gradient in a training loop: SGD, proximal steps, Adam and AdamW.

The objective is the book's :math:`P(w) = \mathrm{RSS}(w) + \lambda \sum_{j \notin U} |w_j|`
(U the unpenalized columns), with :math:`\nabla \mathrm{RSS}(w) = -2H^\top(y - Hw)`.

* **Subgradient SGD** (what automatic differentiation does): a minibatch estimate of the RSS
  gradient plus :math:`\lambda\,\mathrm{sign}(w)`, with sign(0) = 0 — the weights hover near 0.
* **The proximal step** (ISTA; FISTA adds momentum): a gradient step on the RSS, then the soft
  threshold at :math:`\eta\lambda`,

  .. math::
      u = w + 2\eta H^\top(y - Hw), \qquad
      w_j \leftarrow \mathrm{sign}(u_j)\max(|u_j| - \eta\lambda, 0) \quad (j \notin U),

  which is the book's :math:`S(u_j, 2\eta\lambda)` (S thresholds at its second argument / 2).
  It converges for :math:`\eta \le 1/L`, :math:`L = 2\sigma_{\max}(H^\top H)`, and its zeros are
  exact.
* **Sparse SGD**: the proximal step on minibatches, the truncated gradient (Langford, Li & Zhang
  2009) and the cumulative L1 penalty (Tsuruoka, Tsujii & Ananiadou 2009).
* **Adam with an L2 term against AdamW** (decoupled weight decay, Loshchilov & Hutter 2019), on
  the ridge objective :math:`\mathrm{RSS}(w) + \lambda\lVert w\rVert_2^2`.

See the book's chapter 8.
"""

import numbers
import warnings

import numpy as np

from ._result import ConvergenceWarning, SolverResult
from ._validation import (
    check_data,
    check_matrix,
    check_penalty,
    check_positive,
    check_positive_int,
    check_start,
    check_unpenalized,
    check_vector,
    check_flag,
)
from .certificates import _gap
from .coordinate_descent import _at_or_above, _exponent, _run_lambda_max, _Scaled
from .soft_threshold import _unpenalized_fit

__all__ = [
    "lipschitz_constant",
    "prox_l1",
    "proximal_gradient",
    "ista",
    "fista",
    "lasso_sgd",
    "SGD_METHODS",
    "adam",
]

SGD_METHODS = ("subgradient", "proximal", "truncated", "cumulative")


def check_seed(seed):
    """A random seed: an integer >= 0."""
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0, got {seed!r}")
    return int(seed)


def lipschitz_constant(H):
    r"""L = 2σ_max(HᵀH), the Lipschitz constant of ∇RSS: gradient steps are safe for η <= 1/L.

    Computed on H scaled by a power of two, so that the square neither overflows nor underflows
    on the way; a ValueError if L itself is outside the range of float64."""
    H = check_matrix(H, "H")
    largest = float(np.max(np.abs(H))) if H.size else 0.0
    if largest == 0.0:
        return 0.0
    shift = _exponent(largest)  # (0 for H of ordinary magnitude: no scaling)
    with np.errstate(over="ignore", under="ignore"):
        value = float(np.ldexp(_lipschitz(np.ldexp(H, shift) if shift else H), -2 * shift))
    if not np.isfinite(value) or value == 0.0:
        raise ValueError(
            f"H has entries of magnitude {largest:.3g}: L = 2σ_max(HᵀH) is outside the range "
            "of float64; rescale H (e.g. with lassolib.normalize_features)"
        )
    return value


def _in_caller_units(value, exponent):
    with np.errstate(over="ignore", under="ignore"):
        return float(np.ldexp(value, exponent))


def _lipschitz(H):
    """2σ_max(HᵀH) of validated H, as a float (H's scale is the caller's concern)."""
    sigma = float(np.linalg.norm(H, 2))
    return 2.0 * sigma * sigma


def _prox(u, threshold, penalized):
    """Soft threshold at ``threshold`` on the penalized coordinates; exactly 0 in the dead zone."""
    shrunk = np.sign(u) * np.maximum(np.abs(u) - threshold, 0.0) + 0.0  # + 0.0: no -0.0
    return np.where(penalized, shrunk, u)


def prox_l1(u, step_size, l1_penalty, *, unpenalized=()):
    r"""The proximal step of :math:`\eta\lambda\lVert\cdot\rVert_1`: the soft threshold at ηλ.

    .. math::
        \operatorname{prox}(u)_j = \operatorname*{arg\,min}_v \frac{1}{2\eta}(v - u_j)^2
        + \lambda |v| = \mathrm{sign}(u_j)\max(|u_j| - \eta\lambda, 0)

    on penalized j (the book's :math:`S(u_j, 2\eta\lambda)`); unpenalized coordinates pass
    unchanged. Exactly 0 where :math:`|u_j| \le \eta\lambda`.

    Parameters
    ----------
    u : array_like of shape (n_features,)
        The point after the gradient step.
    step_size : float > 0
        η.
    l1_penalty : float >= 0
        λ.
    unpenalized : tuple of int, default ()

    Returns
    -------
    ndarray of shape (n_features,)
    """
    if np.ndim(u) != 1:
        raise ValueError(f"u must be 1-D of shape (n_features,), got shape {np.shape(u)}")
    u = check_vector(u, len(u), "u")
    step_size = check_positive(step_size, "step_size")
    l1_penalty = check_penalty(l1_penalty, "l1_penalty")
    penalized = check_unpenalized(unpenalized, u.size)
    return _prox(u, step_size * l1_penalty, penalized)


def proximal_gradient(
    H, y, l1_penalty, *, accelerated=False, step_size=None,
    max_iterations=10_000, tolerance=1e-8, check_every=10, w0=None,
    unpenalized=(), record_iterates=False,
):
    r"""Minimize RSS(w) + λ‖w‖₁ by ISTA, or by FISTA when ``accelerated``.

    Each iteration takes a gradient step on the RSS and then the soft threshold at ηλ,

    .. math::
        u = v + 2\eta H^\top(y - Hv), \qquad w^{+}_j = \mathrm{sign}(u_j)\max(|u_j| - \eta\lambda, 0),

    with v = w for ISTA, and for FISTA (Beck & Teboulle 2009) the extrapolated point
    :math:`v = w + \frac{t_{k-1} - 1}{t_k}(w - w_{\mathrm{prev}})`,
    :math:`t_k = \bigl(1 + \sqrt{1 + 4t_{k-1}^2}\bigr)/2`.

    Parameters
    ----------
    H : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,)
    l1_penalty : float >= 0
        λ, in the book's scale (scikit-learn's ``alpha`` is λ / (2 n_samples)).
    accelerated : bool, default False
        False: ISTA. True: FISTA.
    step_size : float > 0, optional
        η; by default 1/L with :math:`L = 2\sigma_{\max}(H^\top H)` (:func:`lipschitz_constant`),
        the largest step for which both methods are guaranteed to converge.
    max_iterations : int >= 1, default 10000
    tolerance : float > 0, default 1e-8
        Stop when the relative duality gap (:func:`lassolib.certificate`) is at most this: a
        certificate that :math:`P(w) - P(\hat w) \le` ``tolerance`` · P(w).
    check_every : int >= 1, default 10
        Compute the gap every this many iterations (and at the last one).
    w0 : array_like of shape (n_features,), optional
        Starting weights; zeros by default.
    unpenalized : tuple of int, default ()
    record_iterates : bool, default False
        Keep every iterate in the result's ``iterates``.

    Returns
    -------
    SolverResult
        ``converged`` is True when the relative gap reached ``tolerance``; otherwise a
        :class:`ConvergenceWarning` is issued. ``gap`` and ``relative_gap`` are those of the
        returned weights.
    """
    H, y = check_data(H, y)
    accelerated = check_flag(accelerated, "accelerated")
    record_iterates = check_flag(record_iterates, "record_iterates")
    l1_penalty = check_penalty(l1_penalty, "l1_penalty")
    if step_size is not None:
        step_size = check_positive(step_size, "step_size")
    max_iterations = check_positive_int(max_iterations, "max_iterations")
    tolerance = check_positive(tolerance, "tolerance")
    check_every = check_positive_int(check_every, "check_every")
    penalized = check_unpenalized(unpenalized, H.shape[1])
    w_start = None if w0 is None else check_start(H, y, w0)
    # The run is on 2^a H and 2^b y (exact powers of two, as in lasso_coordinate_descent), so
    # that squares neither overflow nor underflow whatever the units: there the weights are
    # 2^(b-a) w, the penalty 2^(a+b) λ, the step 2^(-2a) η, and the objective 2^(2b) P.
    problem = _Scaled(H, y, penalized, owned=False)
    a, b = problem.a, problem.b
    H, y, l1_penalty_run = problem.H, problem.y, problem.penalty(l1_penalty)
    lipschitz = _lipschitz(H)
    step_run = ((1.0 / lipschitz if lipschitz > 0 else 1.0) if step_size is None
                else _in_caller_units(step_size, -2 * a))  # (the run's units)
    if not (np.isfinite(step_run) and step_run > 0.0):
        raise ValueError(
            f"step_size = {step_size:g} is outside the range float64 can use for data of "
            "this scale; rescale H, or give a step near 1/lipschitz_constant(H)"
        )
    if step_size is None:  # (in the caller's units, for messages; inf or 0 if out of range)
        with np.errstate(over="ignore", under="ignore"):
            step_size = float(np.ldexp(step_run, 2 * a))
    w = np.zeros(H.shape[1]) if w_start is None else problem.start(w_start)

    def result(w, converged, objectives, steps, iterates, primal, gap):
        return SolverResult(
            weights=problem.weights(w.copy()),
            converged=converged,
            n_iterations=len(steps),
            objective_history=problem.objective(np.array(objectives)),
            max_step_history=np.ldexp(np.array(steps), a - b),
            gap=float(problem.objective(gap)),
            relative_gap=0.0 if gap == 0.0 else (gap / primal if primal > 0.0 else np.inf),
            solver="fista" if accelerated else "ista",
            iterates=None if iterates is None else np.array(
                [problem.weights(v) for v in iterates]),
        )

    w_zero, residual_zero = _unpenalized_fit(H, y, penalized)
    if np.any(penalized) and _at_or_above(l1_penalty_run,
                                          _run_lambda_max(problem, residual_zero)):
        # λ ≥ λ_max: the unpenalized fit, every penalized weight exactly 0 (as in
        # lasso_coordinate_descent), certified by its gap
        primal, _, gap, _ = _gap(H, y, w_zero, l1_penalty_run, penalized)
        certified = gap == 0.0 or (primal > 0 and gap / primal <= tolerance)
        if not certified:
            # Iterating would not help: the penalized weights are exactly optimal at 0, and
            # proximal steps from here switched some on by rounding (y = 2.4e7 + 2e-6·noise
            # with an intercept: weights of 1.6e-9 after 10,000 iterations).
            warnings.warn(
                f"proximal_gradient: at l1_penalty {l1_penalty:g} ≥ λ_max every penalized "
                "weight is exactly 0, and the least-squares fit of the unpenalized columns is "
                f"certified only to a relative duality gap of {gap / primal:.3g}, above "
                f"tolerance {tolerance:g} (y nearly in their span, or nearly collinear "
                "unpenalized columns); lasso_coordinate_descent solves the problem projected "
                "off them",
                ConvergenceWarning,
                stacklevel=3,
            )
        r = y - H @ w_zero
        return result(w_zero, certified, [float(r @ r)], [],
                      None if not record_iterates else [w_zero.copy()], primal, gap)

    outcome = _proximal_loop(
        H, y, l1_penalty_run, penalized, step_run, w, accelerated=accelerated,
        max_iterations=max_iterations, tolerance=tolerance, check_every=check_every,
        record_iterates=record_iterates,
        safe_step=_in_caller_units(1.0 / lipschitz, 2 * a) if lipschitz > 0 else np.inf,
        step_as_given=step_size)
    return result(*outcome)


def _proximal_loop(H, y, l1_penalty, penalized, step_size, w, *, accelerated, max_iterations,
                   tolerance, check_every, record_iterates, safe_step, step_as_given):
    """ISTA's or FISTA's loop from ``w``, on checked and scaled data (see proximal_gradient)."""
    # Returns (w, converged, objectives, steps, iterates, primal, gap); safe_step and
    # step_as_given are in the caller's units, for the divergence message only.
    threshold = step_size * l1_penalty

    def objective(w):
        r = y - H @ w
        return float(r @ r + l1_penalty * np.sum(np.abs(w[penalized])))

    objectives, steps = [objective(w)], []
    iterates = [w.copy()] if record_iterates else None
    v, t = w.copy(), 1.0
    converged = False
    checked = None  # the number of steps at the last gap check
    for k in range(1, max_iterations + 1):
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is a divergence
            u = v + 2.0 * step_size * (H.T @ (y - H @ v))   # gradient step, RSS
            w_new = _prox(u, threshold, penalized)          # soft threshold at ηλ
            if accelerated:
                t_new = (1.0 + np.sqrt(1.0 + 4.0 * t * t)) / 2.0
                v = w_new + ((t - 1.0) / t_new) * (w_new - w)
                t = t_new
            else:
                v = w_new
            too_big = 1e100 * max(objectives[0], 1.0)
            diverged = not np.all(np.isfinite(w_new)) or not objective(w_new) <= too_big
        if diverged:
            warnings.warn(
                f"proximal_gradient diverged at iteration {k}: step_size "
                f"{step_as_given:g} is too large; use at most 1/L = {safe_step:.4g}",
                ConvergenceWarning,
                stacklevel=3,
            )
            break
        steps.append(float(np.max(np.abs(w_new - w))))
        w = w_new
        objectives.append(objective(w))
        if record_iterates:
            iterates.append(w.copy())
        if k % check_every == 0 or k == max_iterations:
            primal, _, gap, _ = _gap(H, y, w, l1_penalty, penalized)
            checked = len(steps)  # the gap is of the current w
            if gap == 0.0 or (primal > 0 and gap / primal <= tolerance):
                converged = True
                break
    if not converged and steps and len(steps) == max_iterations:
        warnings.warn(
            f"proximal_gradient did not reach relative gap {tolerance:g} in "
            f"{max_iterations} iterations; raise max_iterations, or use FISTA",
            ConvergenceWarning,
            stacklevel=3,
        )
    if checked != len(steps):  # (a divergence stopped the run between checks)
        primal, _, gap, _ = _gap(H, y, w, l1_penalty, penalized)
    return w, converged, objectives, steps, iterates, primal, gap


def ista(H, y, l1_penalty, **options):
    """ISTA: :func:`proximal_gradient` with ``accelerated=False`` (same options)."""
    return proximal_gradient(H, y, l1_penalty, accelerated=False, **options)


def fista(H, y, l1_penalty, **options):
    """FISTA: :func:`proximal_gradient` with ``accelerated=True`` (same options)."""
    return proximal_gradient(H, y, l1_penalty, accelerated=True, **options)


@np.errstate(over="ignore", invalid="ignore")  # an overflow is a divergence: warned below
def lasso_sgd(
    H, y, l1_penalty, *, method="subgradient", step_size, n_epochs=50,
    batch_size=10, step_decay=1.0, truncate_every=10, seed=0, w0=None,
    unpenalized=(), record_iterates=False,
):
    r"""Minibatch SGD on RSS(w) + λ‖w‖₁, with four ways to treat the L1 term.

    Each epoch visits the rows in a new random order, in minibatches B. The minibatch gradient
    :math:`g = -2\frac{n}{|B|} H_B^\top(y_B - H_B w)` is an unbiased estimate of
    :math:`\nabla\mathrm{RSS}(w)`; the step in epoch e = 0, 1, … is
    :math:`\eta_e = \eta / (1 + \text{step\_decay}\cdot e)`. Then, on penalized j:

    * ``"subgradient"``: :math:`w \leftarrow w - \eta_e (g + \lambda\,\mathrm{sign}(w))`, sign(0) = 0
      (what autodiff of ``lam * abs(w).sum()`` gives in PyTorch or TensorFlow);
    * ``"proximal"``: :math:`u = w - \eta_e g`, then the soft threshold at :math:`\eta_e\lambda`;
    * ``"truncated"`` (Langford, Li & Zhang 2009, with θ = ∞): a plain step on the RSS, and every
      K = ``truncate_every`` steps the soft threshold at the accumulated :math:`\sum \eta\lambda`
      of those K steps (K = 1 is ``"proximal"``);
    * ``"cumulative"`` (Tsuruoka, Tsujii & Ananiadou 2009): a plain step on the RSS, then each
      weight is pulled toward 0 by the total penalty :math:`u = \sum \eta_t\lambda` it could have
      received so far minus the penalty it did receive, never across 0 (:math:`q_j`, the signed
      sum of the changes the penalty made to :math:`w_j`, is minus that received penalty while
      :math:`w_j > 0`).

    Parameters
    ----------
    H : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,)
    l1_penalty : float >= 0
    method : {"subgradient", "proximal", "truncated", "cumulative"}
    step_size : float > 0
        η, the step of the first epoch.
    n_epochs : int >= 1, default 50
    batch_size : int in 1 .. n_samples, default 10
    step_decay : float >= 0, default 1.0
    truncate_every : int >= 1, default 10
        K, for ``"truncated"`` only.
    seed : int >= 0, default 0
        The order of the rows; the same seed gives the same answer.
    w0 : array_like of shape (n_features,), optional
    unpenalized : tuple of int, default ()
    record_iterates : bool, default False
        Keep the weights at the end of every epoch in ``iterates``.

    Returns
    -------
    SolverResult
        After a fixed number of epochs: ``converged`` is always False — SGD has no stopping
        rule here; judge its answer with :func:`lassolib.certificate`. A
        :class:`ConvergenceWarning` says when the run diverged, or ended with a higher objective
        than it started from (a step too large for the batch size).
        ``n_iterations`` counts epochs, ``objective_history`` is P(w) after each epoch.
    """
    H, y = check_data(H, y)
    record_iterates = check_flag(record_iterates, "record_iterates")
    l1_penalty = check_penalty(l1_penalty, "l1_penalty")
    if method not in SGD_METHODS:
        raise ValueError(
            f"method must be one of {', '.join(SGD_METHODS)}; got {method!r}"
        )
    step_size = check_positive(step_size, "step_size")
    n_epochs = check_positive_int(n_epochs, "n_epochs")
    batch_size = check_positive_int(batch_size, "batch_size")
    n = H.shape[0]
    if batch_size > n:
        raise ValueError(
            f"batch_size must be at most n_samples = {n}, got {batch_size}"
        )
    step_decay = check_penalty(step_decay, "step_decay")
    truncate_every = check_positive_int(truncate_every, "truncate_every")
    rng = np.random.default_rng(check_seed(seed))
    penalized = check_unpenalized(unpenalized, H.shape[1])
    w = np.zeros(H.shape[1])
    if w0 is not None:
        w = check_start(H, y, w0)
    lam = np.where(penalized, l1_penalty, 0.0)

    def objective(w):
        r = y - H @ w
        return float(r @ r + np.sum(lam * np.abs(w)))

    objectives, steps = [objective(w)], []
    iterates = [w.copy()] if record_iterates else None
    total, applied = 0.0, np.zeros_like(w)   # cumulative penalty: u and q_j
    pending, step_count = 0.0, 0             # truncated gradient
    diverged = False
    for epoch in range(n_epochs):
        eta = step_size / (1.0 + step_decay * epoch)
        start = w.copy()
        order = rng.permutation(n)
        for first in range(0, n, batch_size):
            batch = order[first:first + batch_size]
            H_b = H[batch]
            g = -2.0 * (n / batch.size) * (H_b.T @ (y[batch] - H_b @ w))
            if method == "subgradient":
                w = w - eta * (g + lam * np.sign(w))
            elif method == "proximal":
                w = _prox(w - eta * g, eta * l1_penalty, penalized)
            elif method == "truncated":
                w = w - eta * g
                pending += eta * l1_penalty
                step_count += 1
                if step_count % truncate_every == 0:
                    w = _prox(w, pending, penalized)
                    pending = 0.0
            else:  # cumulative
                w = w - eta * g
                total += eta * l1_penalty
                before = w
                pulled_down = np.maximum(0.0, w - (total + applied))
                pulled_up = np.minimum(0.0, w + (total - applied))
                w = np.where(w > 0, pulled_down,
                             np.where(w < 0, pulled_up, 0.0))
                w = np.where(penalized, w, before)
                applied = applied + (w - before)
        too_big = 1e100 * max(objectives[0], 1.0)
        if not np.all(np.isfinite(w)) or objective(w) > too_big:
            warnings.warn(
                f"lasso_sgd diverged in epoch {epoch}: step_size {step_size:g} "
                f"is too large for batch_size {batch_size}; try a smaller step",
                ConvergenceWarning,
                stacklevel=2,
            )
            w = start
            diverged = True
            break
        steps.append(float(np.max(np.abs(w - start))))
        objectives.append(objective(w))
        if record_iterates:
            iterates.append(w.copy())
    if not diverged and objectives[-1] > objectives[0]:
        warnings.warn(
            f"lasso_sgd ended with a higher objective than it started from "
            f"({objectives[-1]:.4g} > {objectives[0]:.4g}): step_size {step_size:g} is "
            f"probably too large for batch_size {batch_size}; try a smaller step",
            ConvergenceWarning,
            stacklevel=2,
        )
    return SolverResult(
        weights=w.copy(),
        converged=False,
        n_iterations=len(steps),
        objective_history=np.array(objectives),
        max_step_history=np.array(steps),
        solver=f"lasso_sgd ({method})",
        iterates=None if iterates is None else np.array(iterates),
    )


@np.errstate(over="ignore", invalid="ignore")  # an overflow is a divergence: warned below
def adam(
    H, y, l2_penalty, *, step_size, n_iterations, decoupled=False, beta1=0.9,
    beta2=0.999, epsilon=1e-8, w0=None, unpenalized=(),
):
    r"""Full-batch Adam on RSS(w) + λ‖w‖₂²: L2 in the gradient, or AdamW.

    With :math:`g_t = \nabla\mathrm{RSS}(w_{t-1})`, Adam keeps
    :math:`m_t = \beta_1 m_{t-1} + (1-\beta_1) g`, :math:`v_t = \beta_2 v_{t-1} + (1-\beta_2) g^2`
    and steps :math:`w_t = w - \eta\,\hat m_t / (\sqrt{\hat v_t} + \epsilon)` (bias-corrected
    :math:`\hat m, \hat v`). The penalty :math:`\lambda\lVert w\rVert_2^2` enters

    * ``decoupled=False`` (Adam with L2, PyTorch's ``Adam(weight_decay=2λ)``): in the gradient,
      :math:`g = \nabla\mathrm{RSS}(w) + 2\lambda w`, so it is divided by :math:`\sqrt{\hat v}`
      like the rest;
    * ``decoupled=True`` (AdamW, Loshchilov & Hutter 2019; PyTorch's ``AdamW(weight_decay=2λ)``):
      first :math:`w \leftarrow (1 - 2\eta\lambda) w` — chapter 1's weight decay — then the Adam
      step on the RSS gradient alone.

    Parameters
    ----------
    H, y : the data
    l2_penalty : float >= 0
        λ (PyTorch's ``weight_decay`` is 2λ when the loss is the RSS).
    step_size : float > 0
        η (PyTorch's ``lr``).
    n_iterations : int >= 1
    decoupled : bool, default False
    beta1, beta2 : float in [0, 1), defaults 0.9 and 0.999
    epsilon : float > 0, default 1e-8
    w0 : array_like of shape (n_features,), optional
    unpenalized : tuple of int, default ()

    Returns
    -------
    SolverResult
        After the fixed budget (``converged`` is False: no stopping rule); ``objective_history``
        holds the ridge objective :math:`\mathrm{RSS}(w) + \lambda\lVert w\rVert_2^2`.
    """
    H, y = check_data(H, y)
    decoupled = check_flag(decoupled, "decoupled")
    l2_penalty = check_penalty(l2_penalty, "l2_penalty")
    step_size = check_positive(step_size, "step_size")
    n_iterations = check_positive_int(n_iterations, "n_iterations")
    for name, beta in (("beta1", beta1), ("beta2", beta2)):
        real = isinstance(beta, numbers.Real) and not isinstance(beta, bool)
        if not real or not 0 <= beta < 1:
            raise ValueError(f"{name} must be a number in [0, 1), got {beta!r}")
    epsilon = check_positive(epsilon, "epsilon")
    penalized = check_unpenalized(unpenalized, H.shape[1])
    w = np.zeros(H.shape[1])
    if w0 is not None:
        w = check_start(H, y, w0)
    lam = np.where(penalized, l2_penalty, 0.0)

    def objective(w):
        r = y - H @ w
        return float(r @ r + np.sum(lam * w * w))

    m, v = np.zeros_like(w), np.zeros_like(w)
    objectives, steps = [objective(w)], []
    for t in range(1, n_iterations + 1):
        start = w
        g = -2.0 * (H.T @ (y - H @ w))
        if decoupled:
            w = w - step_size * 2.0 * lam * w      # decoupled weight decay
        else:
            g = g + 2.0 * lam * w                  # L2 term inside the gradient
        m = beta1 * m + (1.0 - beta1) * g
        v = beta2 * v + (1.0 - beta2) * g * g
        m_hat = m / (1.0 - beta1**t)
        v_hat = v / (1.0 - beta2**t)
        w = w - step_size * m_hat / (np.sqrt(v_hat) + epsilon)
        if not np.all(np.isfinite(w)) or np.max(np.abs(w)) > 1e100:
            warnings.warn(
                f"adam diverged at iteration {t}: with decoupled weight decay, "
                f"1 - 2·step_size·l2_penalty = "
                f"{1 - 2 * step_size * l2_penalty:g} must lie in (-1, 1]; "
                "use a smaller step_size",
                ConvergenceWarning,
                stacklevel=2,
            )
            w = start
            break
        steps.append(float(np.max(np.abs(w - start))))
        objectives.append(objective(w))
    return SolverResult(
        weights=w.copy(),
        converged=False,
        n_iterations=len(steps),
        objective_history=np.array(objectives),
        max_step_history=np.array(steps),
        solver="adamw" if decoupled else "adam (L2 in the gradient)",
    )
