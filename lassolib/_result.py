"""The one result type that every iterative solver in lassolib returns."""

from dataclasses import dataclass, field

import numpy as np


class ConvergenceWarning(UserWarning):
    """Issued when a solver stops at its iteration budget before meeting its stopping rule."""


@dataclass(frozen=True)
class SolverResult:
    """What an iterative solver found, and how it got there.

    Attributes
    ----------
    weights : ndarray of shape (n_features,)
        The last iterate (for subgradient descent: the best iterate seen, see its docstring).
    converged : bool
        True if the stopping rule was met within the budget (for the lasso solvers: the
        relative duality gap is certified below the tolerance).
    n_iterations : int
        Iterations (gradient methods) or whole sweeps over the coordinates (coordinate descent).
    objective_history : ndarray of shape (n_iterations + 1,)
        The objective at the start and after each iteration or sweep.
    max_step_history : ndarray of shape (n_iterations,)
        The largest |Δw_j| taken in each iteration or sweep (the stopping statistic).
    solver : str
        Which solver produced this result.
    objective : float
        The objective at ``weights`` (by default the last entry of ``objective_history``).
    iterates : ndarray of shape (n_iterations + 1, n_features) or None
        Every iterate from the start, when the solver was asked to record them
        (``subgradient_descent(..., record_iterates=True)``); None otherwise.
    gap : float or None
        The lasso solvers' duality gap at ``weights`` (:func:`lassolib.certificate`'s formula):
        an upper bound on ``objective`` minus the minimum. None for solvers that do not certify.
    relative_gap : float or None
        ``gap / objective`` (0.0 when both are 0): scale-free; a lasso solver reports
        ``converged=True`` only when it is at most its ``tolerance`` (or when the gap is
        below the rounding error of its own computation, see
        :func:`lassolib.lasso_coordinate_descent`).
    """

    weights: np.ndarray
    converged: bool
    n_iterations: int
    objective_history: np.ndarray = field(repr=False)
    max_step_history: np.ndarray = field(repr=False)
    solver: str = ""
    objective: float = None
    iterates: np.ndarray = field(default=None, repr=False)
    gap: float = None
    relative_gap: float = None

    def __post_init__(self):
        if self.objective is None:
            object.__setattr__(self, "objective", float(self.objective_history[-1]))

    @property
    def n_sweeps(self):
        """Alias of ``n_iterations`` for coordinate descent, where one iteration is one sweep."""
        return self.n_iterations
