"""Shared fixtures and reference helpers for the library tests.

Everything here is written from the definitions in /work/shared/design/math.md with plain NumPy
(or scikit-learn), never by calling the code under test, so that a test comparing against it can
fail. The helpers are exposed as fixtures (``problem``, ``sklearn_lasso``, ``kkt_bound``) so the
test modules need not import this file.
"""

import os
import sys

import matplotlib
import numpy as np
import pytest
from hypothesis import HealthCheck, settings

# Figures are drawn off screen, whatever MPLBACKEND says.
matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def close_figures():
    """Close every pyplot figure a test opened."""
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")

# A small, fast profile for the property-based tests: the whole library suite must stay well
# under a minute on two shared cores. `deadline=None` because the first call of a numba-compiled
# function may load its cache.
settings.register_profile(
    "lassolib",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
# `LASSOLIB_HYPOTHESIS=thorough pytest tests` runs many more random examples (minutes, not seconds).
settings.register_profile("thorough", max_examples=1000, deadline=None, derandomize=False,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("LASSOLIB_HYPOTHESIS", "lassolib"))


# ----------------------------------------------------------------------------------------------
# Random problems
# ----------------------------------------------------------------------------------------------

def make_problem(n_samples, n_features, *, seed=0, correlation=0.0, raw=False, intercept=False):
    """A random regression problem (H, y) built with NumPy only.

    correlation : rows of H have corr(h_j, h_k) = correlation^|j-k| (an AR(1) recursion).
    raw : shift each column and scale it by a factor between 1e-2 and 1e2, as raw features are.
    intercept : put a constant column of ones first (column 0).
    """
    rng = np.random.default_rng(seed)
    H = np.empty((n_samples, n_features))
    H[:, 0] = rng.standard_normal(n_samples)
    for j in range(1, n_features):
        H[:, j] = correlation * H[:, j - 1] + np.sqrt(1 - correlation**2) * rng.standard_normal(n_samples)
    if raw:
        # Shift each column by up to two of its standard deviations, then scale it. (A shift
        # much larger than the spread makes a column nearly collinear with the intercept column,
        # and cyclic coordinate descent then needs millions of sweeps: centering avoids that.)
        H = (H + rng.uniform(-2, 2, n_features)) * 10.0 ** rng.uniform(-2, 2, n_features)
    w = np.zeros(n_features)
    support = rng.choice(n_features, size=max(1, n_features // 3), replace=False)
    w[support] = rng.uniform(1, 3, support.size) * rng.choice([-1, 1], support.size)
    y = H @ w + 0.5 * rng.standard_normal(n_samples)
    if raw:
        y = y / max(1.0, np.std(y)) * 3.0 + 7.0
    if intercept:
        H = np.column_stack([np.ones(n_samples), H])
        y = y + 4.0
    return H, y


def unit_columns(H):
    """Divide each column by its Euclidean norm (the definition, independently of lassolib)."""
    return H / np.sqrt((H**2).sum(axis=0))


@pytest.fixture
def problem():
    """Factory fixture: ``problem(n, D, seed=..., correlation=..., raw=..., intercept=...)``."""
    return make_problem


@pytest.fixture
def unit():
    return unit_columns


# ----------------------------------------------------------------------------------------------
# Independent references
# ----------------------------------------------------------------------------------------------

def sklearn_lasso(H, y, l1_penalty, *, intercept=False):
    """scikit-learn's Lasso at alpha = λ / (2n): the same problem as the book's RSS + λ‖w‖₁.

    With ``intercept=True`` column 0 of H must be the constant column; it is dropped and
    scikit-learn fits the intercept by centering (``fit_intercept=True``), which is the same
    problem as an unpenalized constant column. Returns the weights in H's column order.
    """
    import warnings

    from sklearn.exceptions import ConvergenceWarning as SkConvergenceWarning
    from sklearn.linear_model import Lasso

    n = H.shape[0]
    X = H[:, 1:] if intercept else H
    model = Lasso(
        alpha=l1_penalty / (2 * n),
        fit_intercept=intercept,
        tol=1e-12,
        max_iter=1_000_000,
        selection="cyclic",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", SkConvergenceWarning)
        model.fit(X, y)
    if intercept:
        return np.concatenate([[model.intercept_], model.coef_])
    return model.coef_.copy()


@pytest.fixture
def sklearn_reference():
    pytest.importorskip("sklearn")
    return sklearn_lasso


def kkt_bound(H, tolerance, scale=1.0):
    r"""How far from 0 the lasso subdifferential may be at a coordinate-descent solution.

    Coordinate descent stops after a sweep whose largest step |Δw_k| is below ``tolerance``.
    Right after coordinate j is updated it is exactly optimal along j (0 is in ∂_j). Later in
    that last sweep other coordinates move by less than ``tolerance`` each, which moves the RSS
    gradient g_j = -2 h_jᵀ(y - Hw) by at most 2 Σ_k |h_jᵀ h_k| · tolerance. So the violation of
    coordinate j is at most 2 · tolerance · Σ_k |(HᵀH)_{jk}|, plus rounding, which we bound by
    1e-9 · ``scale`` (``scale`` ~ the size of the gradient terms, e.g. ‖Hᵀy‖_∞).
    """
    G = np.abs(H.T @ H)
    return 2.0 * tolerance * G.sum(axis=1) + 1e-9 * max(scale, 1.0)


@pytest.fixture
def kkt_tolerance():
    return kkt_bound


def subdifferential_reference(H, y, w, l1_penalty, penalty_weights=None):
    """The interval ∂_j of RSS + λ Σ_j c_j |w_j| written out from math.md (c_j = 1 by default).

    Returns (lower, upper). c_j = 0 means column j is unpenalized.
    """
    c = np.ones(H.shape[1]) if penalty_weights is None else np.asarray(penalty_weights, float)
    g = -2.0 * H.T @ (y - H @ w)
    lam = l1_penalty * c
    lower = np.where(w > 0, g + lam, g - lam)
    upper = np.where(w < 0, g - lam, g + lam)
    return lower, upper


@pytest.fixture
def subdifferential():
    return subdifferential_reference


def kkt_distance(H, y, w, l1_penalty, penalty_weights=None):
    """Per coordinate, the distance from 0 to the subdifferential interval (0 where KKT holds)."""
    lower, upper = subdifferential_reference(H, y, w, l1_penalty, penalty_weights)
    return np.maximum(lower, 0.0) - np.minimum(upper, 0.0)


@pytest.fixture
def kkt_distance_of():
    return kkt_distance
