"""Checks at the door: every public function validates its input here.

Each check raises :class:`ValueError` with a message that names the argument,
says what was wrong and what is allowed (scikit-learn style). Checks return
fresh float64 arrays, so the caller's arrays are never modified.
"""

import numbers

import numpy as np


def check_matrix(H, name="H"):
    """Return ``H`` as a new 2-D float64 array with finite entries and at least one row and column."""
    try:
        H = np.array(H, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be a 2-D array of numbers; could not convert it: {error}") from None
    if H.ndim != 2:
        raise ValueError(
            f"{name} must be 2-D of shape (n_samples, n_features), got {H.ndim}-D shape {H.shape}; "
            f"reshape a single feature with {name}.reshape(-1, 1)"
        )
    if H.shape[0] == 0:
        raise ValueError(f"{name} has zero samples (shape {H.shape}); pass at least one row")
    if H.shape[1] == 0:
        raise ValueError(f"{name} has zero features (shape {H.shape}); pass at least one column")
    if not np.all(np.isfinite(H)):
        bad = np.argwhere(~np.isfinite(H))[0]
        raise ValueError(
            f"{name} contains NaN or inf (first at row {bad[0]}, column {bad[1]}); "
            "remove or impute those entries"
        )
    return H


def check_vector(v, length, name, length_name="H.shape[0]"):
    """Return ``v`` as a new 1-D float64 array of the given length with finite entries."""
    try:
        v = np.array(v, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be a 1-D array of numbers; could not convert it: {error}") from None
    if v.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {v.shape}; flatten it with {name}.ravel()")
    if v.shape[0] != length:
        raise ValueError(
            f"{name} has length {v.shape[0]} but must have length {length} ({length_name})"
        )
    if not np.all(np.isfinite(v)):
        raise ValueError(
            f"{name} contains NaN or inf (first at index {int(np.argmax(~np.isfinite(v)))}); "
            "remove or impute those entries"
        )
    return v


def check_data(H, y):
    """Validate the pair (H, y): H 2-D and finite, y 1-D of length H.shape[0] and finite."""
    H = check_matrix(H, "H")
    y = check_vector(y, H.shape[0], "y", "the number of rows of H")
    return H, y


def check_weights(w, n_features, name="w"):
    """Validate a weight vector of length ``n_features``."""
    return check_vector(w, n_features, name, "the number of columns of H")


def _check_real(value, name):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number, got {value!r} of type {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def check_penalty(value, name):
    """A penalty (λ): a finite real number >= 0."""
    value = _check_real(value, name)
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}; use 0 for no penalty")
    return value


def check_positive(value, name):
    """A step size or tolerance: a finite real number > 0."""
    value = _check_real(value, name)
    if value <= 0:
        raise ValueError(f"{name} must be > 0, got {value}")
    return value


def check_positive_int(value, name):
    """A count (iterations, sweeps, folds): an integer >= 1."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value}")
    return int(value)


def check_index(j, n_features, name="j"):
    """A column index: an integer in 0 .. n_features - 1."""
    if isinstance(j, (bool, np.bool_)) or not isinstance(j, numbers.Integral):
        raise ValueError(f"{name} must be an integer column index, got {j!r}")
    if not 0 <= j < n_features:
        raise ValueError(
            f"{name} = {j} is out of range: H has {n_features} columns, so {name} must be in "
            f"0 .. {n_features - 1}"
        )
    return int(j)


def check_unpenalized(unpenalized, n_features):
    """Return a boolean mask of length ``n_features`` that is True on penalized columns.

    ``unpenalized`` is an iterable of distinct column indices in 0 .. n_features - 1.
    """
    if isinstance(unpenalized, numbers.Integral) and not isinstance(unpenalized, bool):
        unpenalized = (unpenalized,)
    try:
        indices = tuple(unpenalized)
    except TypeError:
        raise ValueError(
            f"unpenalized must be a tuple of column indices, e.g. (0,), got {unpenalized!r}"
        ) from None
    penalized = np.ones(n_features, dtype=bool)
    for j in indices:
        j = check_index(j, n_features, "unpenalized index")
        if not penalized[j]:
            raise ValueError(f"unpenalized lists column {j} twice; list each column once")
        penalized[j] = False
    return penalized
