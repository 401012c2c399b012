"""Side-by-side benchmark of lassolib's lasso solvers against scikit-learn (``make bench``).

For each case both libraries solve the same problem, in one process, with the runs alternating
(lassolib, scikit-learn, lassolib, ...); the table shows the median wall time of each, their ratio,
and how far each answer is from a reference solved by scikit-learn at tol=1e-14 (largest
absolute difference over the whole path, divided by the largest reference weight). The two are
timed at matched accuracy: scikit-learn at tol=1e-8 (its stopping rule is relative: updates below
tol·max|w| and duality gap below tol·‖y‖²), lassolib at an absolute tolerance on the largest
|Δw_j| of a sweep chosen per case as a fraction of the largest reference weight (printed). Both
answers must be within 1e-5 of the reference.

The book's λ is scikit-learn's alpha times 2n (objective RSS + λ‖w‖₁ versus RSS/(2n) + α‖w‖₁).
The data are centered and no intercept is fitted. Peak memory is measured with tracemalloc in a
separate, untimed call and shown relative to the size of H. numba compiles lassolib's loops once
(cache=True, on disk); the compile time is reported separately and every function is called once
before timing.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/run.py [--quick]``).
"""

import argparse
import os
import platform
import statistics
import sys
import time
import tracemalloc
import warnings

import numpy as np
import sklearn
import threadpoolctl
from sklearn.exceptions import ConvergenceWarning as SklearnConvergenceWarning
from sklearn.linear_model import Lasso
from sklearn.linear_model import lasso_path as sklearn_lasso_path

import lassolib
from lassolib import _jit
from lassolib import coordinate_descent as cd

MATCH = 1e-5  # both answers within this of the reference (relative to the largest weight)
SKLEARN_TOL = 1e-8
REFERENCE_TOL = 1e-14
# lassolib's tolerance = f × the largest reference weight, with f the first of these (coarsest
# first) whose answer matches the reference (chosen once per case, untimed, and printed).
LASSOLIB_RELATIVE_TOLS = (1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11)


def centered(H, y):
    return np.asfortranarray(H - H.mean(axis=0)), y - y.mean()


def cases():
    diabetes = lassolib.load_diabetes()
    H, y, _ = lassolib.make_sparse_regression(2000, 100, 10, seed=0)
    H2, y2, _ = lassolib.make_sparse_regression(500, 1000, 100, seed=0)
    return [
        ("diabetes 442x10", *centered(diabetes.H, diabetes.y)),
        ("synthetic 2000x100, 10 nonzero", *centered(H, y)),
        ("synthetic 500x1000, 100 nonzero", *centered(H2, y2)),
    ]


def agreement(weights, reference):
    return float(np.max(np.abs(weights - reference)) / np.max(np.abs(reference)))


def count_sklearn_warnings(run):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SklearnConvergenceWarning)
        run()
    return sum(issubclass(w.category, SklearnConvergenceWarning) for w in caught)


def calibrate(run_at, reference):
    """The coarsest tolerance (a fraction of the largest reference weight) that matches."""
    scale = np.max(np.abs(reference))
    for fraction in LASSOLIB_RELATIVE_TOLS:
        if agreement(run_at(fraction * scale), reference) <= MATCH:
            break
    return fraction * scale


def median_times(run_a, run_b, repeats):
    """Alternate the two runs; return their median times and last outputs."""
    times_a, times_b = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        out_a = run_a()
        times_a.append(time.perf_counter() - start)
        start = time.perf_counter()
        out_b = run_b()
        times_b.append(time.perf_counter() - start)
    return statistics.median(times_a), statistics.median(times_b), out_a, out_b


def peak_memory(run):
    tracemalloc.start()
    tracemalloc.reset_peak()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def compile_times():
    """Fresh numba compilation (no disk cache) of each compiled loop, on small arguments."""
    if not _jit.JIT_ENABLED:
        return {}
    import numba

    H = np.asfortranarray(np.random.default_rng(0).standard_normal((20, 5)))
    y = H @ np.ones(5)
    penalized = np.ones(5, dtype=bool)
    out = {}
    start = time.perf_counter()
    f = numba.njit(cd.coordinate_descent_sweeps.py_func)
    f(H, np.zeros(5), y.copy(), np.einsum("ij,ij->j", H, H), penalized, 1.0, 1e-8, 10,
      np.empty(11), np.empty(10))
    out["coordinate_descent_sweeps"] = time.perf_counter() - start
    start = time.perf_counter()
    g = numba.njit(cd.gram_coordinate_descent_sweeps.py_func)
    G = np.ascontiguousarray(H.T @ H)
    g(G, H.T @ y, float(y @ y), np.zeros(5), np.zeros(5), penalized, 1.0, 1e-8, 10,
      np.empty(11), np.empty(10))
    out["gram_coordinate_descent_sweeps"] = time.perf_counter() - start
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="timed runs of each (median), >= 5")
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS/OpenMP threads for both libraries (default 1: the machine is shared)")
    args = parser.parse_args()
    with threadpoolctl.threadpool_limits(args.threads):
        return benchmark(args)


def benchmark(args):
    repeats = max(5, args.repeats)
    warnings.simplefilter("ignore", SklearnConvergenceWarning)

    print("lassolib vs scikit-learn, lasso (λ = 2nα), centered data, no intercept")
    print(f"python {platform.python_version()}, numpy {np.__version__}, scikit-learn {sklearn.__version__}, "
          f"numba {_jit.numba.__version__ if _jit.JIT_ENABLED else 'disabled'}, machine {platform.machine()}, "
          f"{os.cpu_count()} CPUs")
    for pool in threadpoolctl.threadpool_info():
        print(f"  {pool['user_api']}: {pool['internal_api']} {pool.get('version')}, "
              f"{pool['num_threads']} threads (limited with threadpoolctl to --threads {args.threads}), {pool.get('threading_layer', '')} "
              f"{pool.get('architecture', '')}")
    # The machine sets OPENBLAS_CORETYPE (it picks OpenBLAS's kernels); the benchmark leaves it.
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "LASSOLIB_DISABLE_JIT"):
        print(f"  {name}={os.environ.get(name, '(unset)')}")
    for name, seconds in compile_times().items():
        print(f"  numba compile time (fresh, no cache) of {name}: {seconds:.2f} s")
    H, y = cases()[0][1:]
    start = time.perf_counter()
    lassolib.lasso_path(H, y, n_penalties=3)
    lassolib.lasso_coordinate_descent(H, y, 0.5 * lassolib.lambda_max(H, y))
    print(f"  first calls in this process (numba loads both loops from its disk cache, or compiles "
          f"them the very first time): {time.perf_counter() - start:.2f} s")
    print(f"matched accuracy: both within {MATCH:g} of a scikit-learn tol={REFERENCE_TOL:g} reference "
          f"(relative to its largest weight); scikit-learn tol={SKLEARN_TOL:g} "
          f"(default max_iter); lassolib tolerance = "
          f"the coarsest of {', '.join(f'{f:g}' for f in LASSOLIB_RELATIVE_TOLS)} × largest reference weight "
          f"that matches (column 'lassolib tol'); median of {repeats} alternating runs")
    print()

    rows = []
    singles = []
    notes = []
    for name, H, y in cases():
        n = H.shape[0]
        penalties = lassolib.penalty_grid(lassolib.lambda_max(H, y), n_penalties=100, min_ratio=1e-3)
        alphas = penalties / (2 * n)
        _, reference, _ = sklearn_lasso_path(H, y, alphas=alphas, tol=REFERENCE_TOL, max_iter=10**6)
        reference = reference.T
        def ours_at(tolerance, H=H, y=y, penalties=penalties):
            return lassolib.lasso_path(H, y, penalties, tolerance=tolerance)[1]

        tolerance = calibrate(ours_at, reference)

        def ours(ours_at=ours_at, tolerance=tolerance):
            return ours_at(tolerance)

        def theirs(H=H, y=y, alphas=alphas):
            return sklearn_lasso_path(H, y, alphas=alphas, tol=SKLEARN_TOL)[1].T

        ours()  # warm up (numba cache load, first-call costs)
        sklearn_warnings = count_sklearn_warnings(theirs)
        if sklearn_warnings:
            notes.append(f"scikit-learn (max_iter=1000, its default) warned 'did not converge' at "
                         f"{sklearn_warnings} of {penalties.size} penalties of path: {name}")
        t_ours, t_theirs, w_ours, w_theirs = median_times(ours, theirs, repeats)
        rows.append((f"path: {name}", t_ours, t_theirs, agreement(w_ours, reference),
                     agreement(w_theirs, reference), tolerance,
                     peak_memory(ours) / H.nbytes, peak_memory(theirs) / H.nbytes))

        # One cold-start fit at the middle of the path.
        lam = float(penalties[penalties.size // 2])
        alpha = lam / (2 * n)
        single_reference = Lasso(alpha=alpha, fit_intercept=False, tol=REFERENCE_TOL,
                                 max_iter=10**6).fit(H, y).coef_

        def ours_single_at(tolerance, H=H, y=y, lam=lam):
            return lassolib.lasso_coordinate_descent(H, y, lam, tolerance=tolerance).weights

        single_tolerance = calibrate(ours_single_at, single_reference)

        def ours_single(ours_single_at=ours_single_at, tolerance=single_tolerance):
            return ours_single_at(tolerance)

        def theirs_single(H=H, y=y, alpha=alpha):
            return Lasso(alpha=alpha, fit_intercept=False, tol=SKLEARN_TOL).fit(H, y).coef_

        ours_single()
        sklearn_warnings = count_sklearn_warnings(theirs_single)
        if sklearn_warnings:
            notes.append(f"scikit-learn warned 'did not converge' on the single fit of {name}")
        t_ours, t_theirs, w_ours, w_theirs = median_times(ours_single, theirs_single, repeats)
        singles.append((f"single fit λ=λmax/{penalties[0] / lam:.0f}: {name}", t_ours, t_theirs,
                        agreement(w_ours, single_reference), agreement(w_theirs, single_reference),
                        single_tolerance, peak_memory(ours_single) / H.nbytes,
                        peak_memory(theirs_single) / H.nbytes))

    header = (f"{'case':<52} {'lassolib':>10} {'sklearn':>10} {'ratio':>6} {'agree lassolib':>14} "
              f"{'agree sklearn':>13} {'lassolib tol':>12} {'peak mem/H lassolib':>19} {'sklearn':>7}")
    print(header)
    print("-" * len(header))
    worst = 0.0
    all_matched = True
    for case, t_ours, t_theirs, a_ours, a_theirs, tol, m_ours, m_theirs in rows + singles:
        ratio = t_ours / t_theirs
        worst = max(worst, ratio)
        matched = a_ours <= MATCH and a_theirs <= MATCH
        all_matched &= matched
        print(f"{case:<52} {t_ours * 1e3:8.2f}ms {t_theirs * 1e3:8.2f}ms {ratio:6.2f} {a_ours:14.1e} "
              f"{a_theirs:13.1e} {tol:12.2e} {m_ours:18.2f}x {m_theirs:6.2f}x"
              f"{'' if matched else '  NOT MATCHED'}")
    print()
    for note in notes:
        print(f"note: {note}")
    print(f"largest ratio lassolib/scikit-learn: {worst:.2f}; all answers within {MATCH:g}: {all_matched}")
    return 0 if all_matched else 1


if __name__ == "__main__":
    sys.exit(main())
