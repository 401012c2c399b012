"""Compile the book's readable loops with numba when it is installed (it is in requirements.txt).

The function the book shows is the function that runs: ``jit(f)`` compiles ``f`` itself, and
``f.py_func`` is the plain Python function in every mode (numba sets it on its dispatchers; with
the JIT disabled ``jit`` returns ``f`` with ``f.py_func = f``). Set the environment variable
``LASSOLIB_DISABLE_JIT=1`` to run the plain Python (slow, but identical arithmetic up to
rounding).

Compiled code is cached on disk (next to the module, or in numba's user cache directory) so that
the next session starts at once. When no cache location is writable (a read-only install with a
read-only home, say), numba refuses to decorate with ``cache=True``; ``jit`` then compiles
without the disk cache (each session then compiles again: a few seconds, the cold first-call
time that ``make bench`` reports) and records it in :data:`DISK_CACHE`.
"""

import contextlib
import os
import warnings

try:
    import numba
except ImportError:  # pragma: no cover - numba is a pinned requirement
    numba = None

JIT_ENABLED = numba is not None and os.environ.get("LASSOLIB_DISABLE_JIT", "") not in ("1", "true")

#: False once a function had to be compiled without the disk cache (no writable cache location).
DISK_CACHE = JIT_ENABLED


def jit(function):
    """Return ``function`` compiled in nopython mode (cached on disk when possible), or unchanged without numba."""
    global DISK_CACHE
    if not JIT_ENABLED:
        function.py_func = function
        return function
    if DISK_CACHE:
        try:
            return numba.njit(cache=True, nogil=True)(function)
        except RuntimeError as error:
            # numba: "cannot cache function ...: no locator available for file ..."
            if "cannot cache" not in str(error):
                raise
            DISK_CACHE = False
    return numba.njit(cache=False, nogil=True)(function)


@contextlib.contextmanager
def quiet_degenerate_layout(H):
    """Silence one harmless numba warning while a loop runs (and may compile) on a thin ``H``.

    A matrix with one column (or one row) is both C- and F-contiguous; numba types it as C-ordered,
    so its column ``H[:, j]`` looks strided and compiling ``np.dot(h_j, residual)`` warns "np.dot()
    is faster on contiguous arrays". With one column there is nothing to gain, so exactly that
    warning is ignored for such shapes; every other warning, and every other shape, is untouched.
    """
    if not JIT_ENABLED or min(H.shape) != 1:
        yield
        return
    from numba.core.errors import NumbaPerformanceWarning

    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=r"np\.dot\(\) is faster on contiguous arrays",
            category=NumbaPerformanceWarning,
        )
        yield
