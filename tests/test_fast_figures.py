"""Chapter 9's benchmark figures: they read the stored results and draw what the results say.

The reports here are built by hand (times chosen so that every ratio is known in advance), so the
tests do not depend on the numbers of any one `make bench` run; one test reads the repository's
own ``benchmarks/results/latest.json`` and checks the figures against its raw times.
"""

import copy
import json
import math

import matplotlib
import numpy as np
import pytest

from lassolib import fast_figures as ff
from lassolib.figures import BOOK_RC, MIN_FONT_PT


def _result(time_s, matched=True, tol=1e-8):
    return {"tol": tol, "time_s": time_s, "times_s": [time_s] * 5, "repeats": 5, "relative_gap": 1e-12,
            "distance": 0.0, "matched": matched, "flags": [] if matched else ["off"]}


def _case(problem, task, ratio, times, matched=None):
    matched = matched or {}
    return {
        "case": (f"path 100: {problem}" if task == "path" else f"λmax/{ratio}: {problem}"),
        "problem": problem, "task": task, "shape": [10, 20], "lambda_ratio": ratio,
        "n_penalties": 100 if task == "path" else 1,
        "results": {s: _result(t, matched.get(s, True)) for s, t in times.items()},
    }


def _report():
    return {
        "schema": "lassolib-bench/1",
        "complete": True,
        "date": "2031-02-03T04:05:06+00:00",
        "machine": {"nproc": 8, "cpu_model": "Test CPU 9000",
                    "load_average_at_start": [0.25, 0.2, 0.1], "load_average_at_end": [0.75, 0.5, 0.3]},
        "versions": {"lassolib": "9.9", "scikit-learn": "1.0", "celer": "2.0", "skglm": "3.0"},
        "solvers": ["lassolib", "scikit-learn", "celer", "skglm"],
        "cases": [
            # lassolib 1 s; peers 4, 2, 0.5 s → ratios 0.25, 0.5, 2; best (fastest) skglm: 2.
            _case("wide 200x10000", "single", 10, {"lassolib": 1.0, "scikit-learn": 4.0, "celer": 2.0,
                                                   "skglm": 0.5}),
            # skglm fastest but not matched: the best peer is celer (0.8 s) → ratio 0.5.
            _case("tall 20000x200", "path", 10, {"lassolib": 0.4, "scikit-learn": 1.6, "celer": 0.8,
                                                 "skglm": 0.1}, matched={"skglm": False}),
            # lassolib's own answer flagged.
            _case("diabetes 442x10+intercept", "single", 1000,
                  {"lassolib": 0.003, "scikit-learn": 0.001, "celer": 0.002, "skglm": 0.006},
                  matched={"lassolib": False}),
        ],
        "curves": [
            {"case": "λmax/100: sparse 500x1000", "lambda": 45.0, "solvers": {
                "lassolib": [{"tol": None, "time_s": 0.05, "relative_gap": 1e-13},
                             {"tol": 1e-2, "time_s": 0.01, "relative_gap": 1e-2},
                             {"tol": 1e-8, "time_s": 0.04, "relative_gap": 1e-9}],
                "celer": [{"tol": 1e-8, "time_s": 0.03, "relative_gap": 1e-8},
                          {"tol": 1e-2, "time_s": 0.02, "relative_gap": 0.0}],
            }},
            {"case": "λmax/100: correlated 500x1000 (0.9)", "lambda": 40.0, "solvers": {
                "lassolib": [{"tol": 1e-4, "time_s": 0.2, "relative_gap": 1e-4}],
            }},
        ],
        "note": "A test report.",
    }


def _font_sizes(figure):
    figure.canvas.draw()
    return [t.get_fontsize() for t in figure.findobj(matplotlib.text.Text)
            if t.get_visible() and t.get_text().strip()]


def test_load_benchmark_reads_a_file(tmp_path):
    path = tmp_path / "results.json"
    path.write_text(json.dumps(_report()), encoding="utf-8")
    assert ff.load_benchmark(path)["machine"]["cpu_model"] == "Test CPU 9000"


def test_load_benchmark_says_how_to_get_a_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="make bench"):
        ff.load_benchmark(tmp_path / "nothing.json")


@pytest.mark.parametrize("content, match", [
    ("{not json", "not valid JSON"),
    (json.dumps({"schema": "other/2"}), "lassolib-bench/1"),
    (json.dumps([1, 2]), "lassolib-bench/1"),
    (json.dumps({"schema": "lassolib-bench/1", "date": "2031-01-01T00:00:00+00:00"}), "machine"),
])
def test_load_benchmark_rejects_other_files(tmp_path, content, match):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=match):
        ff.load_benchmark(path)


def test_default_path_is_the_repositorys_latest_results():
    assert ff.DEFAULT_RESULTS.parts[-3:] == ("benchmarks", "results", "latest.json")
    assert (ff.DEFAULT_RESULTS.parents[2] / "lassolib" / "fast_figures.py").is_file()


def test_provenance_comes_from_the_report():
    report = _report()
    text = ff.provenance(report)
    for part in ("2031-02-03", "04:05 UTC", "8 cores", "Test CPU 9000", "load average 0.2 to 0.8",
                 "lassolib 9.9", "skglm 3.0", "A test report."):
        assert part in text, (part, text)
    # Another run, another sentence: nothing is fixed text.
    report["date"], report["machine"]["cpu_model"] = "2032-12-31T23:00:00+00:00", "Other CPU"
    del report["note"]
    other = ff.provenance(report)
    assert "2032-12-31" in other and "Other CPU" in other and "Test CPU" not in other
    assert "Note" not in other


def test_provenance_uses_every_merged_parts_load():
    report = _report()
    report["merged_from"] = [{"load_average_at_start": [3.0, 0, 0], "load_average_at_end": [5.0, 0, 0]},
                             {"load_average_at_start": [9.5, 0, 0], "load_average_at_end": [4.0, 0, 0]}]
    assert "load average 3.0 to 9.5" in ff.provenance(report)


def test_readable_names():
    assert ff.readable("λmax/100: sparse 500x1000") == "λ_max/100: sparse 500×1000"
    assert ff.readable("box x 2") == "box x 2"  # only between digits


def test_case_labels():
    cases = _report()["cases"]
    assert ff.case_label(cases[0]) == "wide 200×10000, λ_max/10"
    assert ff.case_label(cases[1]) == "tall 20000×200, path of 100"
    assert ff.case_label(cases[2]) == "diabetes 442×10+intercept, λ_max/1000"


def test_ratio_rows_divide_lassolibs_time_by_each_peers():
    rows = ff.ratio_rows(_report())
    assert [r["best_peer"] for r in rows] == ["skglm", "celer", "scikit-learn"]
    assert rows[0]["ratios"] == pytest.approx({"scikit-learn": 0.25, "celer": 0.5, "skglm": 2.0})
    assert rows[0]["best_ratio"] == pytest.approx(2.0)
    # A faster peer whose answer did not match is not the best peer.
    assert rows[1]["best_ratio"] == pytest.approx(0.5) and rows[1]["ratios"]["skglm"] == pytest.approx(4.0)
    assert rows[2]["best_ratio"] == pytest.approx(3.0) and not rows[2]["matched"]["lassolib"]


def test_ratio_summary():
    summary = ff.ratio_summary(_report())
    assert summary["n_cases"] == 3 and summary["n_ahead"] == 1
    assert summary["worst_ratio"] == pytest.approx(3.0)
    assert summary["worst_label"] == "diabetes 442×10+intercept, λ_max/1000"
    assert summary["worst_peer"] == "scikit-learn"
    assert summary["best_ratio"] == pytest.approx(0.5)
    assert summary["median_ratio"] == pytest.approx(2.0)
    assert summary["ahead"] == ["tall 20000×200, path of 100"]
    assert summary["n_unmatched_lassolib"] == 1
    # The test report stores no peak memory: no memory summary.
    assert summary["n_memory"] == 0 and summary["worst_memory_peer"] is None
    assert math.isnan(summary["median_memory_ratio"])
    empty = _report()
    empty["cases"] = []
    with pytest.raises(ValueError, match="no case"):
        ff.ratio_summary(empty)


def test_memory_ratios_divide_by_the_smallest_peak_among_the_matched_peers():
    report = _report()
    peaks = [{"lassolib": 300, "scikit-learn": 100, "celer": 600, "skglm": 400},
             # skglm, the smallest, did not match: celer's 200 is the best peer's peak
             {"lassolib": 100, "scikit-learn": 500, "celer": 200, "skglm": 50},
             {"lassolib": 90, "scikit-learn": 100, "celer": 120, "skglm": 150}]
    for case, peak in zip(report["cases"], peaks):
        for solver, value in peak.items():
            case["results"][solver]["peak_tracemalloc_bytes"] = value
    rows = ff.ratio_rows(report)
    assert [r["memory_peer"] for r in rows] == ["scikit-learn", "celer", "scikit-learn"]
    assert [r["memory_ratio"] for r in rows] == pytest.approx([3.0, 0.5, 0.9])
    summary = ff.ratio_summary(report)
    assert summary["n_memory"] == 3 and summary["n_memory_ahead"] == 2
    assert summary["median_memory_ratio"] == pytest.approx(0.9)
    assert summary["worst_memory_ratio"] == pytest.approx(3.0)
    assert summary["worst_memory_label"] == "wide 200×10000, λ_max/10"
    assert summary["worst_memory_peer"] == "scikit-learn"


def test_peer_ratio_chart_draws_every_ratio():
    with matplotlib.rc_context(BOOK_RC):
        ax = ff.plot_peer_ratios(_report())
        assert min(_font_sizes(ax.figure)) >= MIN_FONT_PT
    assert ax.get_xscale() == "log"
    # One marker per (case, peer), at lassolib's time ÷ the peer's time.
    points = {(round(float(line.get_xdata()[0]), 6), float(line.get_ydata()[0]))
              for line in ax.get_lines() if len(line.get_xdata()) == 1 and line.get_markersize() == 6}
    # rows at y = 4, 2, 0 (each below its problem's heading at 5, 3, 1)
    expected = {(0.25, 4.0), (0.5, 4.0), (2.0, 4.0), (0.25, 2.0), (0.5, 2.0), (4.0, 2.0),
                (3.0, 0.0), (1.5, 0.0), (0.5, 0.0)}
    assert points == expected
    # The rings: one per case, on the best peer's ratio.
    rings = sorted((round(float(line.get_xdata()[0]), 6), float(line.get_ydata()[0]))
                   for line in ax.get_lines() if line.get_markersize() == 13)
    assert rings == [(0.5, 2.0), (2.0, 4.0), (3.0, 0.0)]
    # The unmatched peer is hollow; lassolib's unmatched answer marks its case with †.
    hollow = [line for line in ax.get_lines() if line.get_markersize() == 6
              and line.get_markerfacecolor() == "white" and len(line.get_xdata()) == 1]
    assert [(float(h.get_xdata()[0]), float(h.get_ydata()[0])) for h in hollow] == [(4.0, 2.0)]
    # Grouped by problem, top to bottom in the order of the report's cases: a bold heading per
    # problem, the fits as tick labels.
    ticks = sorted(zip(ax.get_yticks(), (t.get_text() for t in ax.get_yticklabels())), reverse=True)
    assert [label for _, label in ticks] == ["λ_max/10", "path of 100", "λ_max/1000 †"]
    headings = sorted(((t.get_position()[1], t.get_text()) for t in ax.texts if t.get_fontweight() == "bold"),
                      reverse=True)
    assert [text for _, text in headings] == ["wide 200×10000", "tall 20000×200", "diabetes 442×10+intercept"]
    # each heading sits just above its group's rows
    assert [y for y, _ in headings] == [t + 1 for t, _ in ticks]
    assert any(line.get_xdata()[0] == 1.0 == line.get_xdata()[1] for line in ax.get_lines()
               if len(line.get_xdata()) == 2), "no line at ratio 1"
    # Colour is never alone: the peers differ in marker shape too.
    legend = ax.figure.legends[0]
    texts = [t.get_text() for t in legend.get_texts()]
    assert texts[:3] == ["scikit-learn", "celer", "skglm"]
    shapes = [h.get_marker() for h in legend.legend_handles[:3]]
    assert len(set(shapes)) == 3


def test_gap_curve_draws_the_ladder_in_order():
    with matplotlib.rc_context(BOOK_RC):
        ax = ff.plot_gap_curve(_report())
        assert min(_font_sizes(ax.figure)) >= MIN_FONT_PT
    lines = {line.get_label(): line for line in ax.get_lines()}
    lassolib = lines["lassolib"]
    # Ordered from the loosest tolerance to the tightest; times in ms.
    np.testing.assert_allclose(lassolib.get_xdata(), [10.0, 40.0])
    np.testing.assert_allclose(lassolib.get_ydata(), [1e-2, 1e-9])
    # A gap of exactly 0 is drawn at a floor, not dropped from a log axis.
    np.testing.assert_allclose(lines["celer"].get_ydata(), [1e-17, 1e-8])
    star = lines["lassolib at its default"]
    assert star.get_marker() == "*" and star.get_xdata()[0] == pytest.approx(50.0)
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert ax.get_title(loc="left") == "λ_max/100: sparse 500×1000"
    assert lines["lassolib"].get_color() != lines["celer"].get_color()
    assert lines["lassolib"].get_linestyle() != lines["celer"].get_linestyle()
    assert [t.get_text() for t in ax.figure.legends[0].get_texts()] == [
        "lassolib", "lassolib at its default", "celer"]


def test_each_solver_keeps_its_style_whatever_the_order():
    report = _report()
    report["solvers"] = ["lassolib", "skglm", "celer", "scikit-learn"]
    ax = ff.plot_peer_ratios(report)
    legend = ax.figure.legends[0]
    handles = dict(zip((t.get_text() for t in legend.get_texts()), legend.legend_handles))
    for name in ("scikit-learn", "celer", "skglm"):
        assert handles[name].get_marker() == ff.SOLVER_STYLES[name]["marker"]
        assert handles[name].get_color() == ff.SOLVER_STYLES[name]["color"]
    markers = {style["marker"] for style in ff.SOLVER_STYLES.values()}
    colors = {style["color"] for style in ff.SOLVER_STYLES.values()}
    assert len(markers) == len(colors) == 4


def test_gap_curve_chooses_and_checks_its_case():
    report = _report()
    assert ff.curve_cases(report) == ["λmax/100: sparse 500x1000", "λmax/100: correlated 500x1000 (0.9)"]
    ax = ff.plot_gap_curve(report, "λmax/100: correlated 500x1000 (0.9)")
    assert ax.get_title(loc="left") == "λ_max/100: correlated 500×1000 (0.9)"
    with pytest.raises(ValueError, match="no stored curve"):
        ff.plot_gap_curve(report, "nothing")
    report["curves"] = []
    with pytest.raises(ValueError, match="no gap-against-time curves"):
        ff.plot_gap_curve(report)
    with pytest.raises(ValueError, match="lassolib-bench/1"):
        ff.plot_gap_curve({"cases": []})


def test_provenance_keeps_double_hyphens():
    report = _report()
    report["note"] = "three processes (--cases), merged"
    text = ff.provenance(report)
    assert "(\u2011\u2011cases)" in text and "--" not in text


def test_the_stored_results_give_the_figures():
    """The repository's latest.json: every case with a lassolib time has a row at its raw ratio."""
    if not ff.DEFAULT_RESULTS.is_file():
        pytest.skip("no benchmarks/results/latest.json")
    report = ff.load_benchmark()
    stored = copy.deepcopy(report)
    rows = ff.ratio_rows(report)
    cases = [c for c in report["cases"] if "lassolib" in c["results"]]
    assert len(rows) == len(cases) > 0
    for row, case in zip(rows, cases):
        res = case["results"]
        for peer, ratio in row["ratios"].items():
            assert ratio == pytest.approx(res["lassolib"]["time_s"] / res[peer]["time_s"])
        # The harness stored its own ratio to the best peer: the same rule gives the same number.
        if "lassolib/best peer" in case.get("ratios", {}):
            assert row["best_ratio"] == pytest.approx(case["ratios"]["lassolib/best peer"])
            assert row["best_peer"] == case["ratios"]["best peer"]
    ax = ff.plot_peer_ratios(report)
    assert len(ax.get_yticklabels()) == len(rows)
    problems = {c["problem"] for c in cases}
    assert len([t for t in ax.texts if t.get_fontweight() == "bold"]) == len(problems)
    for case in ff.curve_cases(report):
        ff.plot_gap_curve(report, case)
    assert report == stored, "the figures must not change the report"
    import matplotlib.pyplot as plt

    plt.close("all")


def _table(flops):
    names = ["plain cyclic loop", "+ Gram form", "+ working sets", "+ gap-safe screening",
             "+ dual extrapolation"]
    return [{"technique": name, "flops": value} for name, value in zip(names, flops)]


def test_technique_work_bars_are_ratios_to_the_plain_loop():
    tables = {"one": _table([1000, 500, 250, 200, 100]), "two": _table([80, 80, 40, 8, 16])}
    with matplotlib.rc_context(BOOK_RC):
        ax = ff.plot_technique_work(tables)
        assert min(_font_sizes(ax.figure)) >= MIN_FONT_PT
    bars = {label: [] for label in tables}
    for container in ax.containers:
        bars[container.get_label()] = [patch.get_width() for patch in container]
    np.testing.assert_allclose(bars["one"], [1.0, 0.5, 0.25, 0.2, 0.1])
    np.testing.assert_allclose(bars["two"], [1.0, 1.0, 0.5, 0.1, 0.2])
    # the two problems differ in hatching, not only in colour
    hatches = {container.get_label(): container.patches[0].get_hatch() for container in ax.containers}
    assert hatches["one"] != hatches["two"]
    labels = sorted(zip(ax.get_yticks(), (t.get_text() for t in ax.get_yticklabels())), reverse=True)
    assert [label for _, label in labels][0] == "plain cyclic loop"
    assert ax.get_xscale() == "log"
    texts = [t.get_text() for t in ax.texts]
    assert "0.1" in texts and "0.25" in texts


@pytest.mark.parametrize("tables, match", [
    ({}, "non-empty dict"),
    ({"a": _table([10, 5, 5, 5, 5]), "b": _table([10, 5, 5, 5, 5])[:4]}, "same rows"),
    ({"a": _table([0, 5, 5, 5, 5])}, "plain loop"),
])
def test_technique_work_rejects_bad_tables(tables, match):
    with pytest.raises(ValueError, match=match):
        ff.plot_technique_work(tables)


def test_technique_work_from_the_library():
    """The real technique_table rows draw (when lassolib.fast is there)."""
    fast = pytest.importorskip("lassolib.fast")
    import lassolib

    H, y, _ = lassolib.make_sparse_regression(40, 60, 4, seed=1)
    H, _ = lassolib.normalize_features(H)
    rows = fast.technique_table(H, y, 0.2 * lassolib.lambda_max(H, y))
    ax = ff.plot_technique_work({"small": rows})
    widths = [patch.get_width() for patch in ax.containers[0]]
    np.testing.assert_allclose(widths, [row["flops"] / rows[0]["flops"] for row in rows])
    import matplotlib.pyplot as plt

    plt.close("all")
