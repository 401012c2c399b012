"""lassolib — the gradient of the L1 norm, one chapter at a time.

Every formula the book derives, exact and validated. The book's λ is ``l1_penalty`` /
``l2_penalty`` on the objective RSS(w) + λ·Norm(w), without a 1/2n factor: scikit-learn's
``alpha`` is λ / (2 n_samples).

========================  ==========================================
module                    chapter
========================  ==========================================
``l2_gradient``           1. The L2 gradient
``normalization``         2. Normalizing features, ρ_j
``subgradient``           3. Subgradients
``soft_threshold``        4. Soft thresholding, λ_max, regimes
``coordinate_descent``    4–5. The lasso solver
``unnormalized``          5. The unnormalized case
``path``                  6. The path and choosing λ
``geometry``              7. The geometry of sparsity
``certificates``          4, 8. Duality gap and KKT: how good is any w
``training``              8. The L1 gradient in a training loop
========================  ==========================================
"""

from ._result import ConvergenceWarning, SolverResult
from .coordinate_descent import (
    coordinate_descent_sweeps,
    gram_coordinate_descent_sweeps,
    lasso_coordinate_descent,
)
from ._source import show_source
from .certificates import Certificate, certificate, duality_gap, format_above
from .datasets import Dataset, Problem, diabetes_problem, load_diabetes, make_sparse_regression
from .geometry import (
    ZeroFrequency,
    budget_regime,
    exact_zero_frequency,
    l1_constrained_least_squares,
    l1_multiplier,
    l2_constrained_least_squares,
    l2_multiplier,
    least_squares,
    random_problem,
    rss_grid,
)
from .l2_gradient import (
    l2_penalty_gradient,
    ridge_closed_form,
    ridge_gradient_descent,
    ridge_objective,
    rss,
    rss_gradient,
)
from .normalization import apply_normalization, normalize_features, rho
from .path import cross_validate, lasso_path, penalty_grid
from . import fast  # chapter 9: lassolib.fast.solve_with and technique_table (techniques one by one)
from .soft_threshold import lambda_max, regime, soft_threshold, unpenalized_fit
from .subgradient import (
    abs_subdifferential,
    kkt_violation,
    lasso_objective,
    lasso_subdifferential,
    subgradient_descent,
)
from .training import adam, fista, ista, lasso_sgd, lipschitz_constant, prox_l1, proximal_gradient
from .unnormalized import (
    coordinate_update,
    normalized_to_raw_weights,
    raw_to_normalized_weights,
    weighted_lasso_objective,
)

__version__ = "0.1.0"

__all__ = [
    "Certificate",
    "ConvergenceWarning",
    "Dataset",
    "Problem",
    "certificate",
    "diabetes_problem",
    "duality_gap",
    "format_above",
    "ZeroFrequency",
    "budget_regime",
    "exact_zero_frequency",
    "l1_constrained_least_squares",
    "l1_multiplier",
    "l2_constrained_least_squares",
    "l2_multiplier",
    "least_squares",
    "random_problem",
    "rss_grid",
    "show_source",
    "SolverResult",
    "abs_subdifferential",
    "apply_normalization",
    "coordinate_descent_sweeps",
    "gram_coordinate_descent_sweeps",
    "coordinate_update",
    "cross_validate",
    "kkt_violation",
    "l2_penalty_gradient",
    "lambda_max",
    "lasso_coordinate_descent",
    "lasso_objective",
    "lasso_path",
    "lasso_subdifferential",
    "load_diabetes",
    "make_sparse_regression",
    "normalize_features",
    "normalized_to_raw_weights",
    "penalty_grid",
    "raw_to_normalized_weights",
    "regime",
    "rho",
    "ridge_closed_form",
    "ridge_gradient_descent",
    "ridge_objective",
    "rss",
    "rss_gradient",
    "soft_threshold",
    "unpenalized_fit",
    "weighted_lasso_objective",
    # chapter 8
    "adam",
    "fista",
    "ista",
    "lasso_sgd",
    "lipschitz_constant",
    "prox_l1",
    "proximal_gradient",
]
