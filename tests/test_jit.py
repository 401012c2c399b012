"""lassolib._jit: ``py_func`` in every mode, and a read-only install that still imports and solves.

The read-only case runs in a subprocess on a copy of the package: the copy and HOME are made
unwritable for real (a read-only bind mount when running as root, where permission bits are
ignored; chmod otherwise), and the subprocess checks that it cannot write there before it imports
lassolib and runs one solve.
"""

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import lassolib
from lassolib import _jit

ROOT = Path(__file__).resolve().parents[1]


def compiled_functions(module):
    out = []
    for name in dir(module):
        f = getattr(module, name)
        if hasattr(f, "py_func") and callable(f):
            out.append((name, f))
    return out


def test_every_jitted_function_has_py_func():
    import importlib
    import pkgutil

    found = []
    for info in pkgutil.walk_packages(lassolib.__path__, "lassolib."):
        found += compiled_functions(importlib.import_module(info.name))
    assert found, "no compiled function found"
    for name, f in found:
        assert callable(f.py_func), name
        assert f.py_func is f or not hasattr(f.py_func, "py_func"), name  # the plain function


def run_python(code, env=None, cwd=None, prefix=()):
    env = {**os.environ, **(env or {})}
    return subprocess.run(
        [*prefix, sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True, text=True, env=env, cwd=cwd, timeout=600,
    )


def test_py_func_with_the_jit_disabled():
    out = run_python(
        """
        import lassolib._jit as j
        assert not j.JIT_ENABLED
        f = j.jit(lambda x: x + 1)
        assert f.py_func is f and f(1) == 2
        import lassolib
        H = [[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]]
        r = lassolib.lasso_coordinate_descent(H, [1.0, 2.0, 3.0], 0.1)
        print(r.converged)
        """,
        env={"LASSOLIB_DISABLE_JIT": "1"},
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "True"


def test_py_func_with_the_jit_enabled():
    if not _jit.JIT_ENABLED:
        pytest.skip("numba disabled in this session")

    def add_one(x):
        return x + 1

    f = _jit.jit(add_one)
    assert f.py_func is add_one and f(1) == 2


# ----------------------------------------------------------------------------------------------
# Read-only install
# ----------------------------------------------------------------------------------------------

CHILD = """
import os, sys, warnings
ro = os.environ["LASSOLIB_RO_DIR"]
# the mechanism is real: neither the package nor HOME can be written
for where in (os.path.join(ro, "lassolib"), os.environ["HOME"]):
    try:
        open(os.path.join(where, "probe"), "w").close()
    except OSError:
        pass
    else:
        sys.exit("could write to " + where + ": the test would prove nothing")
assert "NUMBA_CACHE_DIR" not in os.environ
sys.path.insert(0, ro)
warnings.simplefilter("error")  # no caching warnings either
import lassolib, lassolib._jit
assert lassolib.__file__.startswith(ro), lassolib.__file__
H = [[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]]
print(lassolib.lasso_coordinate_descent(H, [1.0, 2.0, 3.0], 0.1).converged, lassolib._jit.DISK_CACHE)
"""


def read_only_prefix(directory):
    """A command prefix under which ``directory`` is read-only, or None when none is available."""
    if os.geteuid() != 0:
        subprocess.run(["chmod", "-R", "a-w", str(directory)], check=True)
        return ()
    unshare = shutil.which("unshare")
    if unshare is None:
        return None
    d = str(directory)
    probe = subprocess.run(
        [unshare, "-m", "sh", "-c", f'mount --bind "{d}" "{d}" && mount -o remount,bind,ro "{d}" "{d}"'],
        capture_output=True,
    )
    if probe.returncode != 0:
        return None
    script = f'mount --bind "{d}" "{d}" && mount -o remount,bind,ro "{d}" "{d}" && exec "$@"'
    return (unshare, "-m", "sh", "-c", script, "sh")


def test_import_and_solve_from_a_read_only_install(tmp_path):
    if not _jit.JIT_ENABLED:
        pytest.skip("numba disabled in this session")
    ro = tmp_path / "ro"
    shutil.copytree(ROOT / "lassolib", ro / "lassolib", ignore=shutil.ignore_patterns("__pycache__"))
    (ro / "home").mkdir()
    prefix = read_only_prefix(ro)
    if prefix is None:
        pytest.skip("no way to make a directory read-only here (root without unshare -m)")
    env = {k: v for k, v in os.environ.items() if k not in ("NUMBA_CACHE_DIR", "XDG_CACHE_HOME", "PYTHONPATH")}
    env.update(HOME=str(ro / "home"), LASSOLIB_RO_DIR=str(ro), PYTHONDONTWRITEBYTECODE="1")
    try:
        out = subprocess.run(
            [*prefix, sys.executable, "-c", CHILD], capture_output=True, text=True, env=env, timeout=600,
            cwd=str(ro),
        )
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(ro)], check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.split() == ["True", "False"]


THIN = textwrap.dedent(
    """
    import warnings
    from numba.core.errors import NumbaPerformanceWarning
    warnings.simplefilter("error", NumbaPerformanceWarning)
    import numpy as np
    import lassolib
    x = np.linspace(-1, 1, 7)
    y = 2 * x + 0.1 * np.sin(5 * x)
    for H in (x[:, None], np.column_stack([np.ones(7), x])):
        for method in ("cyclic", "working_set"):
            assert lassolib.lasso_coordinate_descent(H, y, 0.1, method=method).converged
    lassolib.lasso_path(x[:, None], y)
    lassolib.lasso_coordinate_descent(x[None, :], np.array([1.0]), 0.01, method="cyclic")
    print("no performance warning")
    """
)


@pytest.mark.skipif(not _jit.JIT_ENABLED, reason="only compiled loops can warn")
def test_one_column_or_one_row_compiles_without_a_performance_warning(tmp_path):
    """A thin H is typed C-ordered by numba: compiling its column dot must not warn (issue 9, item 8).

    A fresh NUMBA_CACHE_DIR forces the compilation (a cached loop would not warn either way).
    """
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", THIN], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "no performance warning" in done.stdout


FIRST_CALLS = """
import json
from numba.core import event

compiled, stack, shape_checks = set(), [], set()


class Listener(event.Listener):
    def on_start(self, ev):
        name = ev.data["dispatcher"].py_func.__qualname__
        if "raise_with_shape_context" in name:
            shape_checks.add(" < ".join(reversed(stack)))
        stack.append(name)
        compiled.add(name)

    def on_end(self, ev):
        stack.pop()


event.register("numba:compile", Listener())
import numpy as np
import lassolib
import lassolib.fast as fast

# the first calls that `make bench` times (Gram mode: n >= D), before anything else compiles
H, y, _ = lassolib.make_sparse_regression(30, 8, 3)
lassolib.lasso_coordinate_descent(H, y, 1.0)
lassolib.lasso_path(H, y, n_penalties=3)
gram_first = sorted(compiled)

for n, d, k, correlation in [(30, 8, 3, 0.0), (40, 200, 5, 0.0), (60, 100, 10, 0.9), (300, 20, 5, 0.0)]:
    H, y, _ = lassolib.make_sparse_regression(n, d, k, correlation=correlation, seed=1)
    lam_max = lassolib.lambda_max(H, y)
    for ratio in (10, 1000):
        lassolib.lasso_coordinate_descent(H, y, lam_max / ratio)
        lassolib.lasso_coordinate_descent(H, y, lam_max / ratio, unpenalized=(0,))
    lassolib.lasso_coordinate_descent(H, y, lam_max / 10, method="cyclic")
    lassolib.lasso_path(H, y, n_penalties=10)
    lassolib.lasso_path(H, y, n_penalties=10, unpenalized=(0,))
    fast.technique_table(H, y, lam_max / 100)
import lassolib.coordinate_descent as cd
import lassolib.path as path

overloads = {f.py_func.__name__: len(f.overloads)
             for f in (path._anderson_coefficients, path._extrapolation_solve, path._small_solve,
                       path._mirror_upper, cd._point_gaps)}
print(json.dumps({"compiled": sorted(compiled), "shape_checks": sorted(shape_checks),
                  "overloads": overloads, "gram_first": gram_first}))
"""


@pytest.fixture(scope="module")
def first_calls(tmp_path_factory):
    """What FIRST_CALLS saw, run once in a fresh process on an empty numba cache."""
    import json

    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path_factory.mktemp("numba-cache"))}
    done = subprocess.run([sys.executable, "-c", FIRST_CALLS], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not _jit.JIT_ENABLED, reason="only compiled loops are compiled")
def test_the_compiled_loops_compile_no_slice_shape_check(first_calls):
    """No compiled loop assigns an array to a slice (they copy with ``_copy_into``): numba
    compiles such an assignment with a shape check whose error message is formatted in compiled
    code, and that formatting took 2.5–3 s of a cold first call. Checked with numba's compile
    events in a fresh cache, over the solvers' loops (which must all be seen compiling)."""
    seen = first_calls
    for loop in ("_gram_path_sweeps", "_gram_sweeps_accelerated", "_subset_sweeps_accelerated",
                 "_gram_sweeps", "_subset_sweeps", "_support_residual", "_coordinate_descent_sweeps"):
        assert loop in seen["compiled"], loop
    assert seen["shape_checks"] == [], seen["shape_checks"]


@pytest.mark.skipif(not _jit.JIT_ENABLED, reason="only compiled loops are compiled")
def test_the_extrapolation_helpers_compile_once_for_all_their_callers(first_calls):
    """The Anderson and extrapolation helpers are called from the residual-form and the
    Gram-form sweeps and from Python with the same argument types (no literal flag: an empty G
    means no Gram matrix; no read-only global array, no omitted default), so numba compiles each
    once: three versions of
    ``_anderson_coefficients`` and two of ``_small_solve`` took about 1.5 s of a wide problem's
    cold first fit (7.9–8.1 s, now 6.3–6.8 s on this machine). Likewise ``_mirror_upper`` (a 1×1
    block is typed C-ordered) and ``_point_gaps`` (a path's strided column of weights): a wide
    path's cold first call 7.8 s, now 7.2–7.4 s."""
    overloads = first_calls["overloads"]
    assert overloads == {"_anderson_coefficients": 1, "_extrapolation_solve": 1, "_small_solve": 1,
                         "_mirror_upper": 1,
                         # C- and Fortran-ordered dual points (a single fit's, a path's block);
                         # a path's strided column of weights made a third
                         "_point_gaps": 2}


@pytest.mark.skipif(not _jit.JIT_ENABLED, reason="only compiled loops are compiled")
def test_a_first_call_in_gram_mode_compiles_no_generic_array_helpers(first_calls):
    """The Gram-mode loops (the bench's first calls: a single fit and a path on 30×8) make their
    arrays with ``np.empty`` and fill and sum them with loops, and square with a product: numba
    compiles ``np.zeros``, ``np.ones`` and ``np.sum`` once per process (about 0.1 s each), and
    these loops were their only users there. The bench's first calls took 3.56–3.67 s on an
    empty cache before, 3.25–3.32 s after (two fresh processes each, this machine)."""
    gram_first = first_calls["gram_first"]
    assert "_gram_path_sweeps" in gram_first
    generic = [name for name in gram_first
               if name.split(".")[0] in ("ol_np_zeros", "ol_np_ones", "array_sum")]
    assert generic == [], generic
