"""lassolib's lasso solvers against scikit-learn, celer and skglm, at matched certified accuracy (``make bench``).

Every solver solves THE SAME problem, the book's lasso ``RSS(w) + λ Σ_{j penalized} |w_j|``;
the peers' ``alpha`` is ``λ / (2 n)``. When a case has unpenalized columns (diabetes: the
intercept, column 0 of ``lassolib.diabetes_problem()``), the peers get the equivalent problem
without them: the penalized columns and y projected off the unpenalized columns (for diabetes:
the features are already centered, so this is y − ȳ and the features as they are), fitted with
``fit_intercept=False``; the unpenalized weights are then the least-squares fit of the remaining
residual (for diabetes, ȳ·√n). Every answer is judged on the full problem.

Accuracy is certified, not assumed: for every solver, case and penalty, the relative duality gap
of the answer is computed by :func:`lassolib.certificates.certificate` (for a path: the largest
over its penalties), and the distance to a reference (the answer with the smallest certified gap
among every answer computed for that case, per penalty: "the best of all") as
``max |w − w_ref| / max |w_ref|`` over the penalized weights (over the whole path for a path).
lassolib runs at its defaults; its certified gap sets the target ``max(gap_lassolib, 1e-12)``,
capped at 1e-8. Each peer then runs at the coarsest of its own ``tol`` values (10^-2 … 10^-14)
whose certified gap meets the target (when none does, the coarsest whose gap is within 10% of
the smallest it reached: a finer tol no longer improves it); "matched" means gap <= target and distance <= 1e-5, and
anything else is flagged in the table (lassolib too, when its default answer is above the 1e-8 cap
or 1e-5 from the reference).

Time: the median of ``--repeats`` (default 5) runs alternating between the solvers
(A, B, C, D, A, B, …; up to 5 × as many runs for a solver whose runs take under 0.1 s in all)
in one process with one BLAS/OpenMP thread (the environment variables are
set before NumPy is imported, and threadpoolctl limits the pools), after an untimed warm-up run
(numba compilation excluded; lassolib's compile and cache-load times and skglm's first-call
compile time are reported separately). A solver whose single run exceeds ``--budget`` seconds / 5
gets fewer repeats (never fewer than 3); the count is stored. Peak memory per call, in one more,
untimed call: tracemalloc's peak (every NumPy array, including those that numba-compiled code
creates: numba routes its allocations through CPython's allocator, ``memsys_use_cpython_allocator``
in numba/core/runtime/nrt.py, and celer's Cython makes its arrays with NumPy; it does not see
BLAS's own work buffers), and the growth of the process's
peak resident set size (VmHWM, reset through /proc/self/clear_refs before the call; it sees every
allocation, but not memory reused from pages the process already holds).

The results go to ``benchmarks/results/<date>.json`` and ``benchmarks/results/latest.json`` (schema
in README "Measured performance"), with gap-against-time curves (each solver at a ladder of
tolerances) for two cases.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/run.py [--quick] [--json PATH]``).
"""

import os

# One BLAS/OpenMP thread, before NumPy (or anything that imports it) is loaded. (Imported as a
# module, by the tests, it leaves the environment alone; main() still limits the pools.)
if __name__ == "__main__":
    for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[_name] = "1"

import argparse  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import pathlib  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
import warnings  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

import numpy as np  # noqa: E402
import threadpoolctl  # noqa: E402

import lassolib  # noqa: E402
from lassolib.certificates import certificate  # noqa: E402

SCHEMA = "lassolib-bench/1"
RESULTS = pathlib.Path(__file__).resolve().parent / "results"
MATCH = 1e-5  # largest allowed distance to the reference, relative to the largest reference weight
GAP_FLOOR = 1e-12  # the target relative gap is never asked below this ...
GAP_CAP = 1e-8  # ... nor above this (lassolib is flagged when its default answer is above it)
PEER_TOLS = tuple(10.0**-k for k in range(2, 15))  # each peer's ``tol`` ladder, coarsest first
CURVE_TOLS = tuple(10.0**-k for k in range(1, 15))
PEERS = ("scikit-learn", "celer", "skglm")
SKLEARN_MAX_ITER = 10_000
SOLVERS = ("lassolib", *PEERS)
SHORT_RUNS = 0.1  # seconds: solvers faster than this in all get more timed runs (see repeats_for)


# --------------------------------------------------------------------------------------------
# Problems


@dataclass
class Problem:
    """The book's lasso on (H, y) with ``unpenalized`` columns, and the peers' equivalent."""

    name: str
    H: np.ndarray
    y: np.ndarray
    unpenalized: tuple = ()
    description: str = ""
    X: np.ndarray = field(init=False)  # the peers' design: penalized columns, projected
    target: np.ndarray = field(init=False)  # the peers' y, projected
    lambda_max: float = field(init=False)

    def __post_init__(self):
        self.H = np.asfortranarray(self.H, dtype=np.float64)
        self.y = np.ascontiguousarray(self.y, dtype=np.float64)
        d = self.H.shape[1]
        self.penalized = np.ones(d, dtype=bool)
        self.penalized[list(self.unpenalized)] = False
        X, target = self.H[:, self.penalized], self.y
        if self.unpenalized:
            U = self.H[:, ~self.penalized]
            # Projecting off span(U) turns the lasso with unpenalized U into a plain lasso.
            X = X - U @ np.linalg.lstsq(U, X, rcond=None)[0]
            target = target - U @ np.linalg.lstsq(U, target, rcond=None)[0]
        self.X = np.asfortranarray(X)
        self.target = np.ascontiguousarray(target)
        self.lambda_max = float(lassolib.lambda_max(self.H, self.y, unpenalized=self.unpenalized))

    @property
    def n(self):
        return self.H.shape[0]

    def full_weights(self, w_penalized):
        """The full w from the peers' penalized weights: unpenalized ones by least squares."""
        w = np.zeros(self.H.shape[1])
        w[self.penalized] = w_penalized
        if self.unpenalized:
            U = self.H[:, ~self.penalized]
            residual = self.y - self.H[:, self.penalized] @ w_penalized
            w[~self.penalized] = np.linalg.lstsq(U, residual, rcond=None)[0]
        return w

    def certify(self, W, penalties):
        """(relative gaps, primal objectives) of each row of W, by lassolib.certificates."""
        certificates = [certificate(self.H, self.y, w, lam, unpenalized=self.unpenalized)
                        for w, lam in zip(W, penalties)]
        return (np.array([c.relative_gap for c in certificates]),
                np.array([c.primal for c in certificates]))

    def relative_gaps(self, W, penalties):
        return self.certify(W, penalties)[0]


def sparse_problem(name, n, d, k, correlation=0.0, seed=0):
    H, y, _ = lassolib.make_sparse_regression(n, d, k, correlation=correlation, seed=seed)
    text = f"make_sparse_regression({n}, {d}, {k}, correlation={correlation}, seed={seed}), no intercept"
    return Problem(name, H, y, (), text)


def problems(quick):
    book = lassolib.diabetes_problem()
    diabetes = Problem(
        "diabetes 442x10+intercept", book.H, book.y, (0,),
        "lassolib.diabetes_problem(): centered unit-norm features, unpenalized unit-norm intercept "
        "column 0; peers: the 10 features and y - mean(y), fit_intercept=False",
    )
    if quick:
        return [
            diabetes,
            sparse_problem("synthetic 50x10", 50, 10, 3),
            sparse_problem("sparse 30x60", 30, 60, 6),
            sparse_problem("correlated 30x60 (0.9)", 30, 60, 6, correlation=0.9),
            sparse_problem("wide 20x100", 20, 100, 4),
            sparse_problem("tall 200x5", 200, 5, 3),
        ]
    return [
        diabetes,
        sparse_problem("synthetic 2000x100", 2000, 100, 10),
        sparse_problem("sparse 500x1000", 500, 1000, 100),
        sparse_problem("correlated 500x1000 (0.9)", 500, 1000, 100, correlation=0.9),
        sparse_problem("wide 200x10000", 200, 10000, 20),
        sparse_problem("tall 20000x200", 20000, 200, 20),
    ]


# --------------------------------------------------------------------------------------------
# Solvers: each returns the full weights (rows = penalties for a path), on the book's problem.


def lassolib_single(p, lam, tol):
    kwargs = {} if tol is None else {"tolerance": tol}
    return lassolib.lasso_coordinate_descent(p.H, p.y, lam, unpenalized=p.unpenalized, **kwargs).weights


def lassolib_path(p, lams, tol):
    kwargs = {} if tol is None else {"tolerance": tol}
    return lassolib.lasso_path(p.H, p.y, lams, unpenalized=p.unpenalized, **kwargs)[1]


def sklearn_single(p, lam, tol):
    from sklearn.linear_model import Lasso

    # max_iter 10x its default (1000), so that ``tol`` decides when it stops in most cases.
    model = Lasso(alpha=lam / (2 * p.n), fit_intercept=False, tol=tol, max_iter=SKLEARN_MAX_ITER)
    return p.full_weights(model.fit(p.X, p.target).coef_)


def sklearn_path(p, lams, tol):
    from sklearn.linear_model import lasso_path

    coefs = lasso_path(p.X, p.target, alphas=lams / (2 * p.n), tol=tol, max_iter=SKLEARN_MAX_ITER)[1]
    return np.array([p.full_weights(c) for c in coefs.T])


def celer_single(p, lam, tol):
    import celer

    model = celer.Lasso(alpha=lam / (2 * p.n), fit_intercept=False, tol=tol)
    return p.full_weights(model.fit(p.X, p.target).coef_)


def celer_path_(p, lams, tol):
    from celer import celer_path

    coefs = celer_path(p.X, p.target, "lasso", alphas=lams / (2 * p.n), tol=tol)[1]
    return np.array([p.full_weights(c) for c in coefs.T])


def skglm_single(p, lam, tol):
    import skglm

    model = skglm.Lasso(alpha=lam / (2 * p.n), fit_intercept=False, tol=tol)
    return p.full_weights(model.fit(p.X, p.target).coef_)


def skglm_path(p, lams, tol):
    import skglm

    model = skglm.Lasso(alpha=1.0, fit_intercept=False, tol=tol)
    coefs = model.path(p.X, p.target, lams / (2 * p.n))[1]
    return np.array([p.full_weights(c) for c in coefs.T])


IMPLEMENTATIONS = {
    "lassolib": (lassolib_single, lassolib_path,
                 "lasso_coordinate_descent / lasso_path at their defaults"),
    "scikit-learn": (sklearn_single, sklearn_path,
                     "sklearn.linear_model.Lasso / lasso_path (warm-started path), max_iter=10000"),
    "celer": (celer_single, celer_path_, "celer.Lasso / celer.celer_path (its path function)"),
    "skglm": (skglm_single, skglm_path,
              "skglm.Lasso (AndersonCD, its default solver) / skglm.Lasso.path (warm-started)"),
}


def versions():
    import scipy
    import sklearn

    out = {"python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__,
           "scikit-learn": sklearn.__version__, "lassolib": lassolib.__version__}
    for name in ("numba", "celer", "skglm", "threadpoolctl"):
        try:
            out[name] = __import__(name).__version__
        except ImportError:
            out[name] = None
    return out


def available_solvers(requested):
    out = []
    for name in requested:
        if name in ("celer", "skglm"):
            try:
                __import__(name)
            except ImportError:
                print(f"note: {name} is not installed; skipped (pip install -r requirements.txt)")
                continue
        out.append(name)
    return out


# --------------------------------------------------------------------------------------------
# Measurements


def call(run):
    """Run, return (weights, seconds, number of convergence warnings)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        start = time.perf_counter()
        out = run()
        seconds = time.perf_counter() - start
    n_warn = sum("onvergence" in w.category.__name__ for w in caught)
    return np.atleast_2d(np.asarray(out, dtype=np.float64)), seconds, n_warn


def _proc_status():
    values = {}
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(("VmHWM:", "VmRSS:")):
                key, value = line.split(":")
                values[key] = int(value.split()[0]) * 1024
    return values


def peak_memory(run):
    """(tracemalloc peak, growth of the peak RSS) of one call, in bytes (None if not available)."""
    rss_growth = None
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # reset VmHWM to the current RSS (Linux >= 4.0)
        before = _proc_status()["VmRSS"]
        rss_ok = True
    except OSError:
        rss_ok = False
    tracemalloc.start()
    tracemalloc.reset_peak()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run()
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    if rss_ok:
        rss_growth = max(0, _proc_status()["VmHWM"] - before)
    return traced, rss_growth


def distance(W, reference, penalized):
    scale = np.max(np.abs(reference[:, penalized]))
    diff = np.max(np.abs(W[:, penalized] - reference[:, penalized]))
    if scale == 0.0:
        return float(diff)
    return float(diff / scale)


@dataclass
class Answer:
    solver: str
    tol: object
    W: np.ndarray
    seconds: float
    gaps: np.ndarray
    primal: np.ndarray
    warnings: int

    @property
    def gap(self):
        return float(np.max(self.gaps))


def solve(problem, solver, task, penalties, tol, inject=None):
    single, path, _ = IMPLEMENTATIONS[solver]
    if task == "path":
        def run():
            return path(problem, penalties, tol)
    else:
        def run():
            return single(problem, float(penalties[0]), tol)
    if inject == solver:
        plain = run

        def run():  # a wrong answer: every weight 0.1% too large (the harness must flag it)
            return np.asarray(plain()) * 1.001

    return run


def calibrate(problem, solver, task, penalties, target, inject, points, budget):
    """The coarsest ``tol`` on the ladder whose answer's certified gap meets ``target``; when none
    does, the coarsest whose gap is within 10% of the smallest gap the solver reached."""
    k = max(0, min(len(PEER_TOLS) - 1, round(-math.log10(target)) - 4))
    tried = {}

    def attempt(i):
        if i not in tried:
            W, seconds, n_warn = call(solve(problem, solver, task, penalties, PEER_TOLS[i], inject))
            answer = Answer(solver, PEER_TOLS[i], W, seconds, *problem.certify(W, penalties), n_warn)
            tried[i] = answer
            points.append({"tol": answer.tol, "time_s": seconds, "relative_gap": answer.gap})
        return tried[i]

    if attempt(k).gap <= target:
        while k > 0 and attempt(k - 1).gap <= target:
            k -= 1
    else:
        # Finer until the target is met; give up (the answer is then flagged) when the time spent
        # exceeds the budget or three refinements in a row did not improve the best gap by 10%
        # (the solver's own stopping rule no longer moves the certified gap).
        spent, stalls, best = tried[k].seconds, 0, tried[k].gap
        # A run that hit its own iteration cap (a convergence warning) ends the search too.
        while (k < len(PEER_TOLS) - 1 and tried[k].gap > target and spent < budget and stalls < 3
               and not tried[k].warnings):
            k += 1
            spent += attempt(k).seconds
            stalls = stalls + 1 if tried[k].gap > 0.9 * best else 0
            best = min(best, tried[k].gap)
        passing = [i for i in tried if tried[i].gap <= target]
        if passing:
            k = min(passing)
        else:
            # None met the target (the answer is flagged): the coarsest tol whose gap is within
            # 10% (the stall rule above) of the smallest this peer reached, searched coarser too.
            # Its gap stops improving at some tol, and a finer one only costs time (picking the
            # smallest gap itself chose tols up to 5 steps finer, for gaps less than 10% smaller).
            reached = 1.1 * min(answer.gap for answer in tried.values())
            k = min(i for i in tried if tried[i].gap <= reached)
            while k > 0 and attempt(k - 1).gap <= reached:
                k -= 1
    return attempt(k), list(tried.values())


def repeats_for(seconds, repeats, budget):
    """Timed runs for a solver whose run took ``seconds``: ``repeats``; fewer (never fewer than 3)
    when they would exceed ``budget``; more (up to 5 × ``repeats``) when they take less than
    SHORT_RUNS seconds in all, so that the median of runs of a few milliseconds is not decided by
    one burst of another process's work (the 2000×100 fits, at 2 ms, had medians of 2 or 6 ms)."""
    if seconds * repeats > budget:
        return max(3, min(repeats, int(budget / max(seconds, 1e-9))))
    return max(repeats, min(5 * repeats, int(SHORT_RUNS / max(seconds, 1e-9))))


def run_task(problem, task, ratio, n_penalties, solvers, args, log):
    if task == "path":
        penalties = lassolib.penalty_grid(problem.lambda_max, n_penalties=n_penalties, min_ratio=1e-3)
        label = f"path {n_penalties}: {problem.name}"
    else:
        penalties = np.array([problem.lambda_max / ratio])
        label = f"λmax/{ratio}: {problem.name}"
    log(f"  {label} ...")
    entry = {"case": label, "problem": problem.name, "task": task,
             "shape": list(problem.H.shape), "unpenalized": list(problem.unpenalized),
             "lambda_max": problem.lambda_max,
             "lambda_ratio": None if task == "path" else ratio,
             "n_penalties": int(penalties.size),
             "penalties": [float(v) for v in penalties] if task == "single" else None}

    answers, candidates, curve_points = {}, [], {}
    # lassolib at its defaults (the first call is its warm-up); then its gap sets the target.
    if "lassolib" in solvers:
        run = solve(problem, "lassolib", task, penalties, None, args.inject_error)
        call(run)  # warm-up
        W, seconds, n_warn = call(run)
        answers["lassolib"] = Answer("lassolib", None, W, seconds, *problem.certify(W, penalties), n_warn)
        candidates.append(answers["lassolib"])
    if args.target_gap is not None:
        target = args.target_gap
    elif "lassolib" in answers:
        target = min(max(answers["lassolib"].gap, GAP_FLOOR), GAP_CAP)
    else:
        target = GAP_CAP
    entry["target_relative_gap"] = target
    for solver in solvers:
        if solver == "lassolib":
            continue
        if solver not in FIRST_CALL:  # the very first call of a peer (skglm compiles with numba)
            _, seconds, _ = call(solve(problem, solver, task, penalties, 1e-4))
            FIRST_CALL[solver] = seconds
        curve_points[solver] = []
        answers[solver], tried = calibrate(problem, solver, task, penalties, target,
                                           args.inject_error, curve_points[solver], args.budget)
        candidates.extend(tried)

    # The reference, per penalty: the answer with the smallest certified gap (the best of all).
    gaps = np.array([c.gaps for c in candidates])
    best = np.argmin(gaps, axis=0)
    reference = np.array([candidates[b].W[i] for i, b in enumerate(best)])
    best_primal = np.min([c.primal for c in candidates], axis=0)
    entry["reference"] = {
        "rule": "per penalty, the answer with the smallest certified relative gap among all computed",
        "relative_gap": float(np.max(gaps[best, np.arange(penalties.size)])),
        "from": sorted({f"{candidates[b].solver} tol={candidates[b].tol}" for b in best}),
    }

    # Timing: alternating runs (each peer already ran at its chosen tol while calibrating: its warm-up).
    runs = {s: solve(problem, s, task, penalties, answers[s].tol, args.inject_error) for s in solvers}
    counts = {s: repeats_for(answers[s].seconds, args.repeats, args.budget) for s in solvers}
    times = {s: [] for s in solvers}
    for r in range(max(counts.values())):
        for s in solvers:
            if r < counts[s]:
                W, seconds, _ = call(runs[s])
                times[s].append(seconds)
    results = {}
    for s in solvers:
        a = answers[s]
        d = distance(a.W, reference, problem.penalized)
        traced, rss = peak_memory(runs[s])
        excess = float(np.max((a.primal - best_primal) / np.where(best_primal > 0, best_primal, 1.0)))
        flags, notes = [], []
        gap_ok = a.gap <= target * (1 + 1e-9)
        if not gap_ok:
            flags.append(f"certified relative gap {a.gap:.1e} above the target {target:.0e} "
                         f"(objective {excess:.1e} above the best answer's)")
        if d > MATCH:
            flags.append(f"{d:.1e} from the reference (> {MATCH:g})")
        if a.warnings:
            notes.append(f"{a.warnings} convergence warning(s) at tol={a.tol}")
        results[s] = {
            "tol": a.tol, "time_s": statistics.median(times[s]), "times_s": times[s],
            "repeats": len(times[s]), "relative_gap": a.gap, "distance": d,
            "objective_excess": excess,
            "matched": gap_ok and d <= MATCH,
            "convergence_warnings": a.warnings,
            "peak_tracemalloc_bytes": traced, "peak_rss_growth_bytes": rss,
            "flags": flags, "notes": notes,
        }
    entry["results"] = results
    entry["H_bytes"] = int(problem.H.nbytes)
    entry["calibration"] = curve_points
    entry["ratios"] = ratios(results)
    return entry


def ratios(results):
    if "lassolib" not in results:
        return {}
    ours = results["lassolib"]["time_s"]
    out = {f"lassolib/{s}": ours / results[s]["time_s"] for s in results if s != "lassolib"}
    matched = candidate_peers(results)
    if matched:
        best = min(matched, key=lambda s: results[s]["time_s"])
        out["lassolib/best peer"] = ours / results[best]["time_s"]
        out["best peer"] = best
        memory = memory_ratio(results)
        if memory is not None:
            out["lassolib/best peer memory"], out["best peer memory"] = memory
    return out


def candidate_peers(results):
    """The peers the best peer is chosen from: those whose answer matched (all if none did)."""
    peers = [s for s in results if s != "lassolib"]
    return [s for s in peers if results[s]["matched"]] or peers


def memory_ratio(results):
    """lassolib's tracemalloc peak ÷ the smallest of the (matched, else all) peers', and that
    peer; None without lassolib or a peer."""
    matched = candidate_peers(results)
    if "lassolib" not in results or not matched:
        return None
    best = min(matched, key=lambda s: results[s]["peak_tracemalloc_bytes"])
    return results["lassolib"]["peak_tracemalloc_bytes"] / results[best]["peak_tracemalloc_bytes"], best


FIRST_CALL = {}


def curve(problem, ratio, solvers, args, log):
    """(time, certified relative gap) of each solver at a ladder of tolerances, one penalty."""
    lam = np.array([problem.lambda_max / ratio])
    tols = CURVE_TOLS[::3] if args.quick else CURVE_TOLS
    out = {"case": f"λmax/{ratio}: {problem.name}", "lambda": float(lam[0]), "solvers": {}}
    log(f"  gap-vs-time curve: {out['case']} ...")
    for s in solvers:
        points = []
        for tol in ([None] if s == "lassolib" else []) + list(tols):
            run = solve(problem, s, "single", lam, tol, None)
            runs = [call(run) for _ in range(3)]
            W = runs[-1][0]
            points.append({"tol": tol, "time_s": statistics.median(r[1] for r in runs),
                           "relative_gap": float(problem.relative_gaps(W, lam)[0]),
                           "convergence_warnings": runs[-1][2]})
        out["solvers"][s] = points
    return out


def lassolib_first_call(skip):
    """Import and first-call time of lassolib in fresh processes: cold (empty numba cache) and warm."""
    if skip:
        return None
    code = (
        "import time; t0 = time.perf_counter(); import lassolib, numpy as np; t1 = time.perf_counter(); "
        "H, y, _ = lassolib.make_sparse_regression(30, 8, 3); "
        "lassolib.lasso_coordinate_descent(H, y, 1.0); lassolib.lasso_path(H, y, n_penalties=3); "
        "print(t1 - t0, time.perf_counter() - t1)"
    )
    out = {}
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        for label in ("cold_compile", "cache_load"):
            result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                    check=True)
            import_s, first_s = map(float, result.stdout.split()[-2:])
            out[f"{label}_s"] = first_s
            out[f"{label}_import_s"] = import_s
    out["note"] = ("first lasso_coordinate_descent + lasso_path calls in a fresh process: cold = empty "
                   "numba cache (NUMBA_CACHE_DIR=temporary directory), cache_load = the same cache, "
                   "second process; import time of lassolib separate")
    return out


def machine():
    model = None
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        # GNU nproc honours OMP_NUM_THREADS, which this script sets to 1: ask without it.
        env = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "OMP_THREAD_LIMIT")}
        nproc = int(subprocess.run(["nproc"], capture_output=True, text=True, env=env).stdout)
    except (OSError, ValueError):
        nproc = os.cpu_count()
    return {
        "nproc": nproc, "cpu_model": model or platform.processor(), "machine": platform.machine(),
        "system": f"{platform.system()} {platform.release()}",
        "load_average_at_start": list(os.getloadavg()),
        "blas": [{k: pool.get(k) for k in ("user_api", "internal_api", "version", "num_threads")}
                 for pool in threadpoolctl.threadpool_info()],
        "thread_environment": {k: os.environ.get(k) for k in
                               ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")},
    }


# --------------------------------------------------------------------------------------------
# Output


def fmt_time(seconds):
    return f"{seconds * 1e3:.3g} ms" if seconds < 10 else f"{seconds:.3g} s"


def print_tables(report):
    solvers = report["solvers"]
    peers = [s for s in solvers if s != "lassolib"]
    rows = report["cases"]
    width = max(len(r["case"]) for r in rows) + 1
    print()
    print("time (median; * = flagged: not matched, see below)")
    head = f"{'case':<{width}}" + "".join(f"{s:>13}" for s in solvers)
    if "lassolib" in solvers:
        head += "".join(f"{'÷ ' + s:>15}" for s in peers) + f"{'÷ best peer':>21}"
    print(head)
    print("-" * len(head))
    for r in rows:
        res = r["results"]
        line = f"{r['case']:<{width}}"
        for s in solvers:
            mark = "" if res[s]["matched"] else "*"
            line += f"{fmt_time(res[s]['time_s']) + mark:>13}"
        if "lassolib" in solvers:
            line += "".join(f"{r['ratios'][f'lassolib/{s}']:>15.2f}" for s in peers)
            if peers:
                line += f"{r['ratios']['lassolib/best peer']:>8.2f} {r['ratios']['best peer']:<12}"
        print(line)
    print()
    print("accuracy: certified relative duality gap / distance to the reference (max|Δw| / max|w_ref|), "
          "and each peer's tol")
    head = f"{'case':<{width}}{'target':>8}" + "".join(f"{s:>28}" for s in solvers)
    print(head)
    print("-" * len(head))
    for r in rows:
        line = f"{r['case']:<{width}}{r['target_relative_gap']:>8.0e}"
        for s in solvers:
            x = r["results"][s]
            tol = "default" if x["tol"] is None else f"{x['tol']:.0e}"
            line += f"{x['relative_gap']:>10.1e} {x['distance']:>7.1e} {tol:>8}"
        print(line)
    print()
    print("peak memory per call / size of H: tracemalloc (Python + NumPy) | growth of peak RSS;"
          " then lassolib's tracemalloc peak / the best peer's")
    head = f"{'case':<{width}}{'H':>10}" + "".join(f"{s:>18}" for s in solvers)
    if "lassolib" in solvers and peers:
        head += f"{'÷ best peer':>21}"
    print(head)
    print("-" * len(head))
    for r in rows:
        line = f"{r['case']:<{width}}{r['H_bytes'] / 2**20:>8.2f}MB"
        for s in solvers:
            x = r["results"][s]
            rss = "n/a" if x["peak_rss_growth_bytes"] is None else f"{x['peak_rss_growth_bytes'] / r['H_bytes']:.2f}"
            line += f"{x['peak_tracemalloc_bytes'] / r['H_bytes']:>11.2f} | {rss:>4}"
        memory = memory_ratio(r["results"])
        if memory is not None:
            line += f"{memory[0]:>8.2f} {memory[1]:<12}"
        print(line)
    flags = [(r["case"], s, f) for r in rows for s in solvers for f in r["results"][s]["flags"]]
    print()
    for case, s, f in flags:
        print(f"FLAG {s}, {case}: {f}")
    for r in rows:
        for s in solvers:
            for note in r["results"][s]["notes"]:
                print(f"note {s}, {r['case']}: {note}")
    summary = report["summary"]
    if summary.get("worst_ratio_to_best_peer") is not None:
        w = summary["worst_ratio_to_best_peer"]
        print(f"worst lassolib / best peer: {w['ratio']:.2f} ({w['case']})")
    if summary.get("memory_worst_ratio_to_best_peer") is not None:
        w = summary["memory_worst_ratio_to_best_peer"]
        print(f"peak memory at or below the best peer's in {summary['memory_at_or_below_best_peer']}"
              f" of {len(rows)} cases; worst lassolib / best peer: {w['ratio']:.2f} ({w['case']})")
    print(f"all answers matched: {summary['all_matched']}")


def markdown(report):
    """A Markdown table: lassolib's time, then its ratio to each peer and to the best peer, and
    its peak memory (tracemalloc) ÷ the best peer's."""
    solvers = report["solvers"]
    peers = [s for s in solvers if s != "lassolib"]
    lines = ["| case | lassolib | " + " | ".join(f"÷ {s}" for s in peers)
             + " | ÷ best peer | memory ÷ best peer |",
             "|---|---|" + "---|" * len(peers) + "---|---|"]

    def mark(result):
        return "" if result["matched"] else " †"

    for r in report["cases"]:
        res = r["results"]
        cells = [f"{r['ratios'][f'lassolib/{s}']:.2f}{mark(res[s])}" for s in peers]
        lines.append(f"| {r['case']} | {fmt_time(res['lassolib']['time_s'])}{mark(res['lassolib'])} | "
                     + " | ".join(cells) + f" | {r['ratios']['lassolib/best peer']:.2f} ({r['ratios']['best peer']}) |"
                     + memory_cell(res))
    return "\n".join(lines)


def memory_cell(results):
    memory = memory_ratio(results)
    return " n/a |" if memory is None else f" {memory[0]:.2f} ({memory[1]}) |"


def merge(reports, names):
    """One report from runs over disjoint cases: cases and curves concatenated, the rest from the first."""
    out = dict(reports[0])
    out["cases"] = [c for r in reports for c in r["cases"]]
    out["curves"] = [c for r in reports for c in r.get("curves", [])]
    out["complete"] = all(r.get("complete", True) for r in reports)
    out["merged_from"] = [{"file": pathlib.Path(n).name, "date": r["date"], "command": r.get("command"),
                           "complete": r.get("complete", True), "wall_time_s": r.get("wall_time_s"),
                           "load_average_at_start": r["machine"].get("load_average_at_start"),
                           "load_average_at_end": r["machine"].get("load_average_at_end"),
                           "cases": [c["case"] for c in r["cases"]]} for r, n in zip(reports, names)]
    first_call = {}
    for r in reversed(reports):
        first_call.update({k: v for k, v in r.get("first_call", {}).items() if v})
    out["first_call"] = first_call
    out["summary"] = summarize(out)
    return out


def summarize(report):
    rows = report["cases"]
    worst = None
    for r in rows:
        ratio = r["ratios"].get("lassolib/best peer")
        if ratio is not None and (worst is None or ratio > worst["ratio"]):
            worst = {"ratio": ratio, "case": r["case"]}
    flagged = [{"case": r["case"], "solver": s, "flags": x["flags"]}
               for r in rows for s, x in r["results"].items() if not x["matched"]]
    memory = [(m[0], r["case"]) for r in rows for m in [memory_ratio(r["results"])] if m is not None]
    summary = {"worst_ratio_to_best_peer": worst, "all_matched": not flagged, "flagged": flagged}
    if memory:
        ratio, case = max(memory)
        summary["memory_worst_ratio_to_best_peer"] = {"ratio": ratio, "case": case}
        summary["memory_at_or_below_best_peer"] = sum(m <= 1.0 for m, _ in memory)
    return summary


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny problems (seconds; for the tests)")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of each solver (median), >= 5")
    parser.add_argument("--budget", type=float, default=20.0,
                        help="seconds of timed runs per solver and case before repeats drop (>= 3)")
    parser.add_argument("--solvers", default=",".join(SOLVERS),
                        help=f"comma-separated subset of {','.join(SOLVERS)}")
    parser.add_argument("--cases", default=None, help="only the problems whose name contains one of these (comma-separated)")
    parser.add_argument("--target-gap", type=float, default=None,
                        help="fixed target relative gap for the peers (default: lassolib's, clipped)")
    parser.add_argument("--json", default=None,
                        help="where to store the JSON (default: benchmarks/results/<date>.json and "
                             "latest.json; with --quick nothing unless given)")
    parser.add_argument("--no-curves", action="store_true", help="skip the gap-against-time curves")
    parser.add_argument("--no-compile-time", action="store_true",
                        help="skip lassolib's cold-compile measurement (two fresh processes)")
    parser.add_argument("--from-json", default=None,
                        help="print the tables (and a Markdown table of ratios) of stored results; run nothing")
    parser.add_argument("--merge", nargs="+", default=None, metavar="JSON",
                        help="combine stored results of runs over different --cases (same machine) into "
                             "--json (default: benchmarks/results/<date>.json and latest.json); run nothing")
    parser.add_argument("--inject-error", default=None, choices=SOLVERS,
                        help="make this solver's answers 0.1%% wrong, to check the flags (testing)")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be >= 1")
    if args.merge:
        report = merge([json.loads(pathlib.Path(f).read_text()) for f in args.merge], args.merge)
        date = report["date"][:10]
        targets = [pathlib.Path(args.json)] if args.json else [RESULTS / f"{date}.json", RESULTS / "latest.json"]
        for path in targets:
            path.write_text(json.dumps(report, indent=1, default=float) + "\n")
            print(f"stored {path}")
        print_tables(report)
        return 0 if report["summary"]["all_matched"] else 1
    if args.from_json:
        report = json.loads(pathlib.Path(args.from_json).read_text())
        report["summary"] = summarize(report)  # derived: also for results stored before a field
        print_tables(report)
        print()
        print(markdown(report))
        return 0 if report["summary"]["all_matched"] else 1
    requested = [s.strip() for s in args.solvers.split(",") if s.strip()]
    unknown = sorted(set(requested) - set(SOLVERS))
    if unknown:
        parser.error(f"unknown solver(s) {unknown}; choose from {list(SOLVERS)}")
    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    paths = [pathlib.Path(args.json)] if args.json else (
        [] if args.quick else [RESULTS / f"{today}.json", RESULTS / "latest.json"])

    def store(report):
        """Written after every case ("complete": false), so an interrupted run keeps what it measured."""
        for path in paths:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(report, indent=1, default=float) + "\n")

    with threadpoolctl.threadpool_limits(1):
        report = benchmark(args, available_solvers(requested), store)
    print_tables(report)
    store(report)
    for path in paths:
        print(f"stored {path}")
    return 0 if report["summary"]["all_matched"] else 1


def benchmark(args, solvers, store=lambda report: None):
    started = time.perf_counter()

    def log(text):
        print(text, flush=True)

    log(f"lassolib vs {', '.join(s for s in solvers if s != 'lassolib')}: the book's lasso (λ = 2nα), "
        f"one BLAS thread, median of {args.repeats} alternating runs" + (" [--quick]" if args.quick else ""))
    report = {
        "schema": SCHEMA,
        "complete": False,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "quick": bool(args.quick),
        "command": " ".join([pathlib.Path(sys.argv[0]).name, *(sys.argv[1:] if __name__ == "__main__" else [])]),
        "machine": machine(),
        "versions": versions(),
        "solvers": solvers,
        "solver_calls": {s: IMPLEMENTATIONS[s][2] for s in solvers},
        "protocol": {
            "objective": "RSS(w) + λ Σ_penalized |w_j|; peers' alpha = λ / (2 n)",
            "target_relative_gap": ("fixed by --target-gap" if args.target_gap is not None else
                                    f"max(lassolib's certified gap, {GAP_FLOOR:g}), capped at {GAP_CAP:g}"),
            "peer_tol_ladder": list(PEER_TOLS),
            "match_distance": MATCH,
            "distance": "max |w - w_ref| / max |w_ref| over penalized weights (whole path for a path)",
            "repeats": args.repeats, "budget_s": args.budget,
            "memory": ("peak_tracemalloc_bytes: Python and NumPy allocations, numba's included "
                       "(it allocates through CPython's allocator), not BLAS's own work buffers; "
                       "peak_rss_growth_bytes: VmHWM after the call minus "
                       "VmRSS before (reset by /proc/self/clear_refs), every allocation that needs "
                       "new pages"),
        },
    }
    for pool in report["machine"]["blas"]:
        log(f"  {pool['user_api']}: {pool['internal_api']} {pool['version']}, {pool['num_threads']} thread(s)")
    report["first_call"] = {"lassolib": lassolib_first_call(args.no_compile_time or args.quick)}
    if report["first_call"]["lassolib"]:
        fc = report["first_call"]["lassolib"]
        log(f"  lassolib first calls in a fresh process: {fc['cold_compile_s']:.2f} s with an empty numba "
            f"cache, {fc['cache_load_s']:.2f} s loading the cache (import {fc['cache_load_import_s']:.2f} s)")
    cases = report["cases"] = []
    report["curves"] = []
    wanted = None if args.cases is None else [c.strip() for c in args.cases.split(",") if c.strip()]
    selected = [p for p in problems(args.quick) if wanted is None or any(c in p.name for c in wanted)]
    n_penalties = 20 if args.quick else 100
    for problem in selected:
        for task, ratio in (("single", 10), ("single", 100), ("single", 1000), ("path", None)):
            cases.append(run_task(problem, task, ratio, n_penalties, solvers, args, log))
            for s, seconds in FIRST_CALL.items():
                report["first_call"][s] = {"first_call_s": seconds,
                                           "note": "the first call in the process, on the first case (tol=1e-4)"}
            report["summary"] = summarize(report)
            store(report)
    if not args.no_curves:
        for problem in selected:
            if problem.name.startswith(("sparse", "correlated")):
                report["curves"].append(curve(problem, 100, solvers, args, log))
                store(report)
    report["machine"]["load_average_at_end"] = list(os.getloadavg())
    report["wall_time_s"] = time.perf_counter() - started
    report["summary"] = summarize(report)
    report["complete"] = True
    return report


if __name__ == "__main__":
    sys.exit(main())
