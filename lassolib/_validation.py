"""Checks at the door: every public function validates its input here.

Each check raises :class:`ValueError` with a message that names the argument,
says what was wrong and what is allowed (scikit-learn style). Checks return
fresh float64 arrays, so the caller's arrays are never modified.

Inputs of the wrong *type* (complex numbers, text, masked arrays) raise
:class:`InputTypeError`, which is both a :class:`TypeError` and a :class:`ValueError`:
``except TypeError`` and ``except ValueError`` both catch it. Nothing is converted
silently: a complex array is not cut to its real part, ``"1.5"`` is not read as 1.5, and a
mask is not ignored.
"""

import numbers

import numpy as np

_INT64_MAX = int(np.iinfo(np.int64).max)


class InputTypeError(TypeError, ValueError):
    """An argument of the wrong type (complex, text, masked): a TypeError that is also a ValueError."""


def _refuse_wrong_types(value, name):
    """Refuse masked arrays, complex numbers and text before any conversion to float64.

    A masked array with nothing masked is accepted (its data is all there is).
    """
    if isinstance(value, np.ma.MaskedArray) and np.ma.getmaskarray(value).any():
        raise InputTypeError(
            f"{name} has masked entries (a masked array); lassolib does not read masks (it would use the hidden "
            f"values): pass {name}.filled(value) with the value you mean, or drop the masked rows "
            f"(e.g. {name}[~{name}.mask.any(axis=-1)] and the same rows of the other arrays)"
        )
    if isinstance(value, (str, bytes)):
        raise InputTypeError(
            f"{name} contains text ({value!r}), not numbers; convert it yourself, e.g. float(...), "
            "after checking the values"
        )
    if isinstance(value, (complex, np.complexfloating)):
        raise InputTypeError(
            f"{name} is complex ({value!r}); lassolib works with real numbers: pass {name}.real if the "
            "imaginary part is meant to be dropped"
        )
    if isinstance(value, (list, tuple)):
        _refuse_wrong_items(value, name)
    try:
        probe = np.asarray(value)
    except (TypeError, ValueError, OverflowError):
        return  # ragged or otherwise unconvertible: the float64 conversion reports it
    kind = probe.dtype.kind
    if kind == "c":
        raise InputTypeError(
            f"{name} is complex (dtype {probe.dtype}); lassolib works with real numbers and will "
            f"not drop the imaginary part silently: pass {name}.real if that is what you mean"
        )
    if kind in "USa":
        raise InputTypeError(
            f"{name} contains text (dtype {probe.dtype}), not numbers; convert it yourself, "
            f"e.g. np.asarray({name}, dtype=float), after checking the values"
        )
    if kind == "O":  # e.g. an object array mixing types, or holding Python ints too large for int64
        for item in probe.flat:
            if isinstance(item, (str, bytes, complex, np.complexfloating, np.ma.MaskedArray)):
                _refuse_wrong_types(item, name)


def _refuse_wrong_items(items, name):
    """Masked entries, complex numbers and text inside (nested) lists, before NumPy converts them."""
    for item in items:
        if isinstance(item, (list, tuple)):
            _refuse_wrong_items(item, name)
        elif isinstance(item, (str, bytes, complex, np.complexfloating, np.ma.MaskedArray)):
            _refuse_wrong_types(item, name)


def _to_float_array(value, name, what):
    """``value`` as a new float64 array, refusing wrong types and naming ``name`` in every error."""
    _refuse_wrong_types(value, name)
    try:
        return np.array(value, dtype=np.float64)
    except OverflowError:
        raise ValueError(
            f"{name} has a number too large for float64 (|x| > 1.8e308); rescale it"
        ) from None
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be {what}; could not convert it: {error}") from None


def check_array(value, name):
    """Return ``value`` as a new float64 array of any shape (types refused as in :func:`check_matrix`).

    The caller checks the shape and the values.
    """
    return _to_float_array(value, name, "an array of numbers")


def check_matrix(H, name="H"):
    """Return ``H`` as a new 2-D float64 array with finite entries and at least one row and column."""
    H = _to_float_array(H, name, "a 2-D array of numbers")
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
    v = _to_float_array(v, name, "a 1-D array of numbers")
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
    if isinstance(value, (str, bytes, complex, np.complexfloating, np.ma.MaskedArray)):
        raise InputTypeError(
            f"{name} must be a real number, got {value!r} of type {type(value).__name__}; "
            "text, complex numbers and masked values are not converted"
        )
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number, got {value!r} of type {type(value).__name__}")
    try:
        value = float(value)
    except OverflowError:
        raise ValueError(f"{name} = {value} is too large for float64 (> 1.8e308); rescale it") from None
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
    if value > _INT64_MAX:
        raise ValueError(f"{name} = {value} is too large; it must be at most 2**63 - 1")
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


def check_seed(seed, name="seed"):
    """A random seed: an integer >= 0 (Python or NumPy), as ``np.random.default_rng`` takes it."""
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral):
        raise ValueError(
            f"{name} must be an integer >= 0 (e.g. {name}=0), got {seed!r} of type "
            f"{type(seed).__name__}"
        )
    if seed < 0:
        raise ValueError(f"{name} must be an integer >= 0 (e.g. {name}=0), got {seed}")
    return int(seed)


def check_start(H, y, w0, name="w0"):
    """``w0`` (a start for an iterative solver) validated as weights of H, and refused when the
    objective there is out of float64's range although it is in range at w = 0: a start so far
    from the data's scale that the solver would begin from inf (its steps, divergence tests and
    certificate would all read inf). With ``y`` itself too large to square, w = 0 is out of
    range too, and the solver's own checks decide."""
    w0 = check_weights(w0, H.shape[1], name)
    with np.errstate(over="ignore", invalid="ignore"):
        residual = y - H @ w0
        start_ok = bool(np.all(np.isfinite(residual))) and bool(np.isfinite(residual @ residual))
        zero_ok = bool(np.isfinite(y @ y))
    if zero_ok and not start_ok:
        raise ValueError(
            f"{name}: the residual sum of squares at {name} overflows float64 (largest "
            f"|{name}_j| = {np.max(np.abs(w0)):.3g}); start from weights of the scale of the "
            f"solution, or give no {name}"
        )
    return w0


def finite_or_refuse(compute, what):
    """``compute()`` evaluated with NumPy's overflow warnings silenced; a ValueError naming
    ``what`` if the result is not finite (the inputs were checked finite, so float64 overflowed
    on the way)."""
    with np.errstate(over="ignore", invalid="ignore"):
        value = compute()
    if not np.all(np.isfinite(value)):
        raise ValueError(
            f"{what} overflows float64 for inputs of this magnitude; rescale H and y (e.g. "
            "divide each by its largest entry) or w"
        )
    return value


def squared_norm(r):
    """‖r‖² of a vector (a helper for :func:`finite_or_refuse`'s callers)."""
    return r @ r


def check_flag(value, name):
    """A switch: True or False (a NumPy bool too), never a value that is merely truthy."""
    if not isinstance(value, (bool, np.bool_)):
        raise InputTypeError(
            f"{name} must be True or False, got {value!r} of type {type(value).__name__}"
        )
    return bool(value)
