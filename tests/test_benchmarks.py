"""The benchmark harness (benchmarks/run.py): its JSON schema, its table, and its accuracy flags.

Runs ``--quick`` on the diabetes problem only, with lassolib and scikit-learn (celer and skglm are
left out: skglm's numba compilation alone takes tens of seconds). Timings are never asserted:
only that they are recorded, and that a wrong answer is caught.
"""

import importlib.util
import json
import pathlib

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(bench, tmp_path, capsys, *extra):
    path = tmp_path / "out.json"
    code = bench.main(["--quick", "--cases", "diabetes", "--solvers", "lassolib,scikit-learn",
                       "--no-curves", "--json", str(path), *extra])
    return code, json.loads(path.read_text()), capsys.readouterr().out


@pytest.fixture(scope="module")
def clean(bench, tmp_path_factory):
    pytest.importorskip("sklearn")
    tmp = tmp_path_factory.mktemp("clean")
    code = bench.main(["--quick", "--cases", "diabetes", "--solvers", "lassolib,scikit-learn",
                       "--no-curves", "--json", str(tmp / "out.json")])
    return code, json.loads((tmp / "out.json").read_text())


def test_schema(clean):
    _, report = clean
    assert report["schema"] == "lassolib-bench/1"
    assert report["quick"] is True and report["complete"] is True
    for key in ("date", "machine", "versions", "solvers", "protocol", "first_call", "cases", "curves",
                "summary"):
        assert key in report, key
    assert {"nproc", "cpu_model", "load_average_at_start", "load_average_at_end"} <= set(report["machine"])
    assert report["versions"]["numpy"] == np.__version__
    assert report["solvers"] == ["lassolib", "scikit-learn"]
    tasks = [(c["task"], c["lambda_ratio"]) for c in report["cases"]]
    assert tasks == [("single", 10), ("single", 100), ("single", 1000), ("path", None)]
    for case in report["cases"]:
        assert case["shape"] == [442, 11] and case["unpenalized"] == [0]
        assert 0 < case["target_relative_gap"] <= 1e-8
        for solver in report["solvers"]:
            result = case["results"][solver]
            assert len(result["times_s"]) == result["repeats"] >= 5
            assert result["time_s"] == pytest.approx(float(np.median(result["times_s"])))
            assert result["relative_gap"] >= 0 and result["distance"] >= 0
            assert result["peak_tracemalloc_bytes"] > 0
            assert isinstance(result["matched"], bool) and isinstance(result["flags"], list)
        assert case["ratios"]["lassolib/scikit-learn"] == pytest.approx(
            case["results"]["lassolib"]["time_s"] / case["results"]["scikit-learn"]["time_s"])
        memory = {s: case["results"][s]["peak_tracemalloc_bytes"] for s in report["solvers"]}
        assert case["ratios"]["best peer memory"] == "scikit-learn"
        assert case["ratios"]["lassolib/best peer memory"] == pytest.approx(
            memory["lassolib"] / memory["scikit-learn"])
        # scikit-learn's tol was calibrated: each attempt recorded as a (tol, time, gap) point.
        points = case["calibration"]["scikit-learn"]
        assert points and all({"tol", "time_s", "relative_gap"} <= set(p) for p in points)
    assert case["n_penalties"] == 20  # the last one is the path
    memory = [c["ratios"]["lassolib/best peer memory"] for c in report["cases"]]
    summary = report["summary"]
    assert summary["memory_at_or_below_best_peer"] == sum(m <= 1.0 for m in memory)
    assert summary["memory_worst_ratio_to_best_peer"]["ratio"] == max(memory)


def test_peer_matched_on_clean_run(clean):
    """scikit-learn, calibrated, meets the target gap and the reference on every diabetes case."""
    _, report = clean
    for case in report["cases"]:
        result = case["results"]["scikit-learn"]
        assert result["matched"], (case["case"], result["flags"])
        assert result["relative_gap"] <= case["target_relative_gap"] * (1 + 1e-9)
        assert result["distance"] <= 1e-5


def test_a_wrong_answer_is_flagged(bench, tmp_path, capsys):
    code, report, out = run(bench, tmp_path, capsys, "--inject-error", "scikit-learn")
    assert code == 1
    assert report["summary"]["all_matched"] is False
    for case in report["cases"]:
        result = case["results"]["scikit-learn"]
        assert not result["matched"]
        assert result["distance"] > 1e-5  # 0.1% off
        assert any("from the reference" in flag for flag in result["flags"])
    assert "FLAG scikit-learn" in out
    assert "÷ scikit-learn" in out and "÷ best peer" in out
    assert "peak memory at or below the best peer's in " in out


def test_distance_and_full_weights(bench):
    """The peers' reduced problem maps back to the full one; distance is relative to the reference."""
    import lassolib

    book = lassolib.diabetes_problem()
    problem = bench.Problem("d", book.H, book.y, (0,))
    w = lassolib.lasso_coordinate_descent(book.H, book.y, problem.lambda_max / 10, unpenalized=(0,),
                                          tolerance=1e-12).weights
    # The intercept of the full problem is the least-squares fit of what the features leave.
    assert problem.full_weights(w[1:]) == pytest.approx(w, rel=1e-9, abs=1e-9)
    assert np.allclose(problem.target, book.y - book.y.mean())
    ref = np.array([[0.0, 2.0, -4.0]])
    assert bench.distance(np.array([[9.0, 2.0, -3.0]]), ref, np.array([False, True, True])) == 0.25


def test_merge_and_markdown(bench, clean):
    """Runs over different cases combine into one report; the Markdown table has a row per case."""
    _, report = clean
    merged = bench.merge([report, report], ["a.json", "b.json"])
    assert len(merged["cases"]) == 2 * len(report["cases"])
    assert [m["file"] for m in merged["merged_from"]] == ["a.json", "b.json"]
    assert merged["summary"]["all_matched"] == report["summary"]["all_matched"]
    table = bench.markdown(merged).splitlines()
    assert table[0].startswith("| case | lassolib | ÷ scikit-learn |")
    assert table[0].endswith("| ÷ best peer | memory ÷ best peer |")
    assert len(table) == 2 + len(merged["cases"])
    assert all(row.endswith("(scikit-learn) |") and row.count("|") == 6 for row in table[2:])


def test_repeats_for_short_long_and_budgeted_runs(bench):
    assert bench.repeats_for(0.002, 5, 20.0) == 25  # 2 ms: five times as many runs
    assert bench.repeats_for(0.015, 5, 20.0) == 6  # 0.1 s / 15 ms
    assert bench.repeats_for(0.05, 5, 20.0) == 5
    assert bench.repeats_for(10.0, 5, 20.0) == 3  # over the budget: fewer, never below 3


def test_peak_memory_sees_the_arrays_that_numba_compiled_code_creates(bench):
    # The bench's memory column compares lassolib with skglm, both numba: the protocol (README
    # "Measured performance") says tracemalloc sees their arrays, because numba allocates through
    # CPython's allocator. If a numba release stopped doing so, the comparison would be unfair.
    numba = pytest.importorskip("numba")

    @numba.njit(cache=False)
    def make(n):
        return np.ones(n).sum()

    make(10)
    traced, _ = bench.peak_memory(lambda: make(1_000_000))
    assert traced >= 8_000_000
    traced, _ = bench.peak_memory(lambda: make(1_000))
    assert traced < 1_000_000


def test_calibration_when_no_tol_meets_the_target(bench, monkeypatch):
    """A peer whose certified gap stops improving above the target is timed at the coarsest tol
    that reaches (within 10%) the smallest gap it reached, not at the tol of the smallest gap
    itself: the plateau's last digits are rounding noise, and finer tols only cost time."""
    # a fake solver whose gap falls with tol down to a plateau of 2e-12 (with noise below 10%)
    plateau = {1e-9: 2.2e-12, 1e-10: 2.10e-12, 1e-11: 2.09e-12, 1e-12: 2.11e-12, 1e-13: 2.05e-12,
               1e-14: 2.08e-12}
    gap_of = lambda tol: plateau.get(tol, max(tol * 10.0, 2.10e-12))  # noqa: E731
    ran = []

    def fake_solve(problem, solver, task, penalties, tol, inject=None):
        def run():
            ran.append(tol)
            return np.array([[tol]])
        return run

    class FakeProblem:
        def certify(self, W, penalties):
            return np.array([gap_of(float(W[0, 0]))]), np.array([1.0])

    monkeypatch.setattr(bench, "solve", fake_solve)
    points = []
    answer, tried = bench.calibrate(FakeProblem(), "fake", "single", np.array([1.0]), 1e-12, None,
                                    points, budget=1e9)
    # it starts at 1e-10 (four steps coarser than the target) and refines until three steps stall
    # (1e-11, 1e-12, 1e-13); then it searches coarser from the plateau: 1e-9 reaches
    # 2.2e-12 <= 1.1 * 2.05e-12, and 1e-8 (gap 1e-7) does not
    assert answer.tol == 1e-9, [(a.tol, a.gap) for a in tried]
    assert answer.gap == pytest.approx(2.2e-12)
    assert min(a.gap for a in tried) == pytest.approx(2.05e-12)
    assert ran == [1e-10, 1e-11, 1e-12, 1e-13, 1e-9, 1e-8]
    assert len(points) == len(tried)
