"""Compile the book's readable loops with numba when it is installed (it is in requirements.txt).

The function the book shows is the function that runs: ``jit(f)`` compiles ``f`` itself, and
``f.py_func`` stays available. Set the environment variable ``LASSOLIB_DISABLE_JIT=1`` to run
the plain Python (slow, but identical arithmetic up to rounding).
"""

import os

try:
    import numba
except ImportError:  # pragma: no cover - numba is a pinned requirement
    numba = None

JIT_ENABLED = numba is not None and os.environ.get("LASSOLIB_DISABLE_JIT", "") not in ("1", "true")


def jit(function):
    """Return ``function`` compiled in nopython mode (cached on disk), or unchanged without numba."""
    if not JIT_ENABLED:
        function.py_func = function
        return function
    return numba.njit(cache=True, nogil=True)(function)
