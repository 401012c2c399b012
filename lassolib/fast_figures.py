r"""Figures of chapter 9, "Making it fast": lassolib against its peers, read from stored results.

``make bench`` (``benchmarks/run.py``) measures lassolib, scikit-learn, celer and skglm and
stores what it measured in ``benchmarks/results/latest.json`` (schema ``lassolib-bench/1``,
described in the README, "Measured performance"). The chapter never times anything itself: timings
depend on the machine and its load, and a notebook whose output changed at every run could not be
checked by strict nbval. It reads the stored file with :func:`load_benchmark` and draws

- :func:`plot_peer_ratios`: per case, lassolib's time divided by each peer's (below 1: lassolib
  is faster), the fastest peer whose answer matched the target accuracy ringed;
- :func:`plot_gap_curve`: the certified relative duality gap against time of every solver run
  at a ladder of tolerances, for one of the cases the file has curves for (:func:`curve_cases`).

and, computed live rather than read: :func:`plot_technique_work`, the deterministic work of
:func:`lassolib.fast.technique_table`'s rows relative to the plain loop.

Every caption is written from the file itself (:func:`provenance`: date, machine, load, note),
so that a new ``make bench`` only needs the notebook re-executed.
"""

import datetime
import json
import math
import pathlib
import re

import numpy as np

from .figures._style import new_axes, style_for

__all__ = [
    "DEFAULT_RESULTS",
    "SCHEMA",
    "SOLVER_STYLES",
    "load_benchmark",
    "provenance",
    "case_label",
    "readable",
    "ratio_rows",
    "ratio_summary",
    "plot_peer_ratios",
    "curve_cases",
    "plot_gap_curve",
    "plot_technique_work",
]

SCHEMA = "lassolib-bench/1"
"""The schema of the stored results this module reads."""

DEFAULT_RESULTS = pathlib.Path(__file__).resolve().parents[1] / "benchmarks" / "results" / "latest.json"
"""``benchmarks/results/latest.json`` of the repository this package sits in."""


def load_benchmark(path=None):
    """The stored results of ``make bench``, checked for the fields this module reads.

    Parameters
    ----------
    path : str or path-like, optional
        A results file; by default :data:`DEFAULT_RESULTS` (``benchmarks/results/latest.json``
        next to the ``lassolib`` package, whatever the current directory).

    Returns
    -------
    dict
        The report, as stored.

    Raises
    ------
    FileNotFoundError
        If the file does not exist (run ``make bench``, or pass ``path``).
    ValueError
        If it is not a ``lassolib-bench/1`` report with cases.
    """
    path = DEFAULT_RESULTS if path is None else pathlib.Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"no benchmark results at {path}: run `make bench` (it writes "
            f"benchmarks/results/latest.json), or pass path= a results file"
        )
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not valid JSON ({error}): re-run `make bench`") from None
    if not isinstance(report, dict) or report.get("schema") != SCHEMA:
        found = report.get("schema") if isinstance(report, dict) else type(report).__name__
        raise ValueError(f"{path} has schema {found!r}, expected {SCHEMA!r}: re-run `make bench`")
    for key in ("date", "machine", "cases"):
        if key not in report:
            raise ValueError(f"{path} has no {key!r} field: re-run `make bench`")
    return report


def _check_report(report):
    if not isinstance(report, dict) or report.get("schema") != SCHEMA:
        raise ValueError(f"report must be a {SCHEMA} dict from load_benchmark(), got {type(report).__name__}")
    return report


def _load_range(report):
    """(lowest, highest) 1-minute load average recorded at the start and end of every part."""
    parts = report.get("merged_from") or [report["machine"]]
    values = []
    for part in parts:
        for key in ("load_average_at_start", "load_average_at_end"):
            loads = part.get(key)
            if loads:
                values.append(float(loads[0]))
    return (min(values), max(values)) if values else None


def provenance(report):
    """One sentence saying when, where and under which load the results were measured.

    Built from the report's ``date``, ``machine`` (``nproc``, ``cpu_model``), load averages (of
    every merged part), ``versions`` and ``note``: nothing in it is fixed text about one run.
    """
    _check_report(report)
    date = datetime.datetime.fromisoformat(report["date"])
    machine = report["machine"]
    text = (f"Measured by make bench on {date:%Y-%m-%d} from {date:%H:%M} UTC, on "
            f"{machine.get('nproc', '?')} cores ({machine.get('cpu_model') or 'unknown CPU'})")
    loads = _load_range(report)
    if loads is not None:
        low, high = loads
        text += (f", load average {low:.1f}" if round(low, 1) == round(high, 1)
                 else f", load average {low:.1f} to {high:.1f}")
    versions = report.get("versions", {})
    named = [f"{name} {versions[name]}" for name in ("lassolib", *_peers(report)) if name in versions]
    if named:
        text += "; " + ", ".join(named)
    text += "."
    if report.get("note"):
        # Non-breaking hyphens: a page's typography would turn "--cases" into "–cases".
        note = report["note"].strip().replace("--", "\u2011\u2011")
        text += f" Note stored with the results: {note}"
        if not text.endswith("."):
            text += "."
    if report.get("complete") is False and not report.get("note"):
        text += " The run is marked incomplete."
    return text


def _peers(report):
    solvers = report.get("solvers") or sorted({s for c in report["cases"] for s in c["results"]})
    return [s for s in solvers if s != "lassolib"]


def readable(name):
    """A stored case or problem name for the page: '500x1000' → '500×1000', 'λmax' → 'λ_max'."""
    return re.sub(r"(?<=\d)x(?=\d)", "×", name).replace("λmax", "λ_max")


_times = readable


def case_label(case):
    """'sparse 500x1000, λ_max/100' or 'tall 20000x200, path of 100' for one stored case."""
    problem = _times(case["problem"])
    if case["task"] == "path":
        return f"{problem}, path of {case['n_penalties']}"
    ratio = case["lambda_ratio"]
    return f"{problem}, λ_max/{ratio:g}"


def ratio_rows(report):
    """Per case: lassolib's time ÷ each peer's, and ÷ the fastest peer whose answer matched.

    Returns
    -------
    list of dict
        ``label``, ``case``, ``problem`` and ``task`` (the two halves of the label),
        ``ratios`` (peer → lassolib time ÷ peer time), ``matched``
        (solver → bool), ``best_peer`` (the fastest matched peer; the fastest peer when none
        matched), ``best_ratio``; ``memory_ratio``: lassolib's peak memory (tracemalloc) ÷ the
        smallest of the same peers', and ``memory_peer`` (NaN and None when a peak is missing);
        cases without a lassolib time are left out.
    """
    _check_report(report)
    peers = _peers(report)
    rows = []
    for case in report["cases"]:
        results = case["results"]
        if "lassolib" not in results:
            continue
        ours = float(results["lassolib"]["time_s"])
        present = [p for p in peers if p in results]
        ratios = {p: ours / float(results[p]["time_s"]) for p in present}
        matched = {s: bool(results[s].get("matched", True)) for s in ["lassolib", *present]}
        candidates = [p for p in present if matched[p]] or present
        best = min(candidates, key=lambda p: float(results[p]["time_s"])) if candidates else None
        peaks = {s: results[s].get("peak_tracemalloc_bytes") for s in ["lassolib", *candidates]}
        memory_ratio, memory_peer = math.nan, None
        if candidates and all(peaks.values()):
            memory_peer = min(candidates, key=lambda p: peaks[p])
            memory_ratio = peaks["lassolib"] / peaks[memory_peer]
        rows.append({
            "label": case_label(case), "case": case["case"], "problem": _times(case["problem"]),
            "task": case_label(case).rsplit(", ", 1)[1], "ratios": ratios, "matched": matched,
            "best_peer": best, "best_ratio": ratios[best] if best else math.nan,
            "memory_ratio": memory_ratio, "memory_peer": memory_peer,
        })
    return rows


def ratio_summary(report):
    """Counts and extremes of lassolib ÷ best peer, for the text: how often ahead, worst case.

    Returns
    -------
    dict
        ``n_cases``, ``n_ahead`` (ratio ≤ 1), ``worst_ratio``, ``worst_label``,
        ``worst_peer``, ``best_ratio``, ``best_label``, ``median_ratio``, ``ahead`` and
        ``behind`` (labels), ``n_unmatched_lassolib`` (cases where lassolib's own answer was
        flagged); for peak memory (lassolib ÷ the peer with the smallest peak, among the cases
        that stored every peak), ``n_memory`` (those cases), ``n_memory_ahead`` (ratio ≤ 1),
        ``median_memory_ratio``, ``worst_memory_ratio``, ``worst_memory_label`` and
        ``worst_memory_peer`` (NaN and None when no case stored them).
    """
    rows = [r for r in ratio_rows(report) if np.isfinite(r["best_ratio"])]
    if not rows:
        raise ValueError("report has no case with lassolib and a peer: re-run `make bench`")
    values = np.array([r["best_ratio"] for r in rows])
    worst, best = rows[int(np.argmax(values))], rows[int(np.argmin(values))]
    memory = [r for r in rows if np.isfinite(r["memory_ratio"])]
    heaviest = max(memory, key=lambda r: r["memory_ratio"]) if memory else None
    return {
        "n_memory": len(memory),
        "n_memory_ahead": sum(r["memory_ratio"] <= 1.0 for r in memory),
        "median_memory_ratio": (float(np.median([r["memory_ratio"] for r in memory]))
                                if memory else math.nan),
        "worst_memory_ratio": heaviest["memory_ratio"] if memory else math.nan,
        "worst_memory_label": heaviest["label"] if memory else None,
        "worst_memory_peer": heaviest["memory_peer"] if memory else None,
        "n_cases": len(rows),
        "n_ahead": int(np.sum(values <= 1.0)),
        "worst_ratio": float(values.max()),
        "worst_label": worst["label"],
        "worst_peer": worst["best_peer"],
        "best_ratio": float(values.min()),
        "best_label": best["label"],
        "median_ratio": float(np.median(values)),
        "ahead": [r["label"] for r in rows if r["best_ratio"] <= 1.0],
        "behind": [r["label"] for r in rows if r["best_ratio"] > 1.0],
        "n_unmatched_lassolib": sum(not r["matched"]["lassolib"] for r in rows),
    }


SOLVER_STYLES = {name: style_for(k) for k, name in enumerate(("lassolib", "scikit-learn", "celer", "skglm"))}
"""Each solver's colour, line style and marker, the same in every figure and every run: lassolib
blue, solid, circles; scikit-learn orange, dashed, squares; celer green, dash-dotted, triangles;
skglm purple, dotted, diamonds."""


def _peer_styles(peers):
    # Known solvers keep their own style whatever order a report lists them in; any other solver
    # takes the next free one.
    styles, k = {}, len(SOLVER_STYLES)
    for peer in peers:
        if peer in SOLVER_STYLES:
            styles[peer] = SOLVER_STYLES[peer]
        else:
            styles[peer], k = style_for(k), k + 1
    return styles


def plot_peer_ratios(report, *, ax=None):
    """Dot chart: for each case, lassolib's time ÷ each peer's time, on a log axis.

    The cases are grouped by problem (a bold heading row for each), one row per fit or path; a
    marker per peer (its own colour and shape, :data:`SOLVER_STYLES`); the fastest peer whose
    answer matched the target accuracy is ringed (its ratio is "lassolib ÷ best peer"). A hollow
    marker is a peer whose answer did not match; a † after a row's name means that lassolib's own
    answer did not. Left of the line at 1 lassolib is faster.
    """
    import matplotlib.transforms

    rows = ratio_rows(report)
    if not rows:
        raise ValueError("report has no case with lassolib and a peer: re-run `make bench`")
    peers = _peers(report)
    styles = _peer_styles(peers)
    groups = list(dict.fromkeys(row["problem"] for row in rows))
    n_lines = len(rows) + len(groups)
    ax = new_axes(ax, figsize=(5.6, 1.25 + 0.22 * n_lines))
    every = [v for r in rows for v in r["ratios"].values()]
    low = 10.0 ** math.floor(math.log10(min(min(every), 0.5)))
    high = 10.0 ** math.ceil(math.log10(max(max(every), 2.0)))
    ax.axvspan(1.0, high, color="0.93", zorder=0)
    ax.axvline(1.0, color="0.2", linewidth=1.0, zorder=1)
    heading = matplotlib.transforms.blended_transform_factory(ax.transAxes, ax.transData)
    ticks, labels, line = [], [], n_lines - 1
    for problem in groups:
        ax.text(0.01, line, problem, transform=heading, ha="left", va="center", fontsize=9.0,
                fontweight="bold", zorder=4,
                bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"})
        line -= 1
        for row in (r for r in rows if r["problem"] == problem):
            values = list(row["ratios"].values())
            ax.plot([min(values), max(values)], [line, line], color="0.6", linewidth=0.8, zorder=1)
            for peer, ratio in row["ratios"].items():
                style = styles[peer]
                ax.plot([ratio], [line], linestyle="none", marker=style["marker"], markersize=6,
                        color=style["color"], zorder=3,
                        markerfacecolor=style["color"] if row["matched"][peer] else "white")
            if row["best_peer"] is not None:
                ax.plot([row["best_ratio"]], [line], linestyle="none", marker="o", markersize=13,
                        markerfacecolor="none", markeredgecolor="black", markeredgewidth=1.1,
                        zorder=2)
            ticks.append(line)
            labels.append(row["task"] + ("" if row["matched"]["lassolib"] else " †"))
            line -= 1
    ax.set_yticks(ticks, labels)
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(-0.7, n_lines - 0.3)
    ax.set_xscale("log")
    ax.set_xlim(low, high)
    ax.set_xlabel("lassolib's time ÷ the peer's time (log scale)")
    ax.grid(axis="x", color="0.85", linewidth=0.6, which="major")
    # The two directions, on either side of the line at 1, just above the axes.
    for text, dx, ha in (("lassolib slower →", 5, "left"), ("← lassolib faster", -5, "right")):
        ax.annotate(text, xy=(1.0, 1.0), xycoords=ax.get_xaxis_transform(), xytext=(dx, 2),
                    textcoords="offset points", ha=ha, va="bottom", fontsize=9.0, color="0.25")
    handles = [ax.plot([], [], linestyle="none", marker=styles[p]["marker"], color=styles[p]["color"],
                       markersize=6, label=p)[0] for p in peers]
    handles.append(ax.plot([], [], linestyle="none", marker="o", markersize=11, markerfacecolor="none",
                           markeredgecolor="black", label="the best peer")[0])
    if any(not m for row in rows for m in row["matched"].values()):
        handles.append(ax.plot([], [], linestyle="none", marker="o", markersize=6, color="0.3",
                               markerfacecolor="white", label="not matched (†: lassolib)")[0])
    ax.figure.legend(handles=handles, loc="outside lower center", ncol=3, frameon=False, fontsize=9.0)
    return ax


def curve_cases(report):
    """The ``case`` names of the report's gap-against-time curves, in the order stored."""
    _check_report(report)
    return [curve["case"] for curve in report.get("curves") or []]


def plot_gap_curve(report, case=None, *, ax=None):
    r"""Certified relative duality gap against time for one stored curve, one line per solver.

    Each solver ran one fit at one λ at a ladder of tolerances (the points, joined in the order of
    the ladder, from the loosest to the tightest); the gap of every answer was computed by
    :func:`lassolib.certificate`. lassolib's point at its default tolerance is a large star.

    Parameters
    ----------
    report : dict from :func:`load_benchmark`
    case : str, optional
        The ``case`` name of the curve (:func:`curve_cases`); the first stored curve by default.

    Returns
    -------
    Axes
    """
    import matplotlib.ticker

    cases = curve_cases(report)
    if not cases:
        raise ValueError("report has no gap-against-time curves: run `make bench` without --no-curves")
    if case is None:
        case = cases[0]
    if case not in cases:
        raise ValueError(f"case {case!r} has no stored curve; stored: {cases}")
    curve = report["curves"][cases.index(case)]
    ax = new_axes(ax, figsize=(4.2, 4.0))
    peers = _peers(report)
    styles = {"lassolib": SOLVER_STYLES["lassolib"], **_peer_styles(peers)}
    for name in ["lassolib", *peers]:
        points = curve["solvers"].get(name)
        if not points:
            continue
        ladder = sorted((p for p in points if p["tol"] is not None), key=lambda p: -p["tol"])
        time_ms = np.array([p["time_s"] for p in ladder]) * 1e3
        gap = np.maximum([p["relative_gap"] for p in ladder], 1e-17)  # an exact 0 on a log axis
        style = styles[name]
        ax.plot(time_ms, gap, color=style["color"], linestyle=style["linestyle"],
                marker=style["marker"], markersize=4, linewidth=1.4, label=name)
        for p in points:
            if p["tol"] is None:
                ax.plot([p["time_s"] * 1e3], [max(p["relative_gap"], 1e-17)], linestyle="none",
                        marker="*", markersize=14, color=style["color"], markeredgecolor="black",
                        zorder=5, label=f"{name} at its default")
    ax.set_xscale("log")
    ax.set_yscale("log")
    # Decades only when the axis spans several; minor tick labels would crowd into each other.
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    times = [p["time_s"] for points in curve["solvers"].values() for p in points]
    decades = math.log10(max(times) / min(times)) if min(times) > 0 else 3.0
    subs = (1.0,) if decades >= 2.0 else (1.0, 2.0, 5.0)
    ax.xaxis.set_major_locator(matplotlib.ticker.LogLocator(base=10.0, subs=subs, numticks=8))
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_major_locator(matplotlib.ticker.LogLocator(base=10.0, numticks=8))
    ax.yaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    ax.set_xlabel("time (ms, log scale)")
    ax.set_ylabel("certified relative duality gap")
    ax.set_title(_times(curve["case"]), loc="left", fontsize="medium")
    ax.grid(color="0.88", linewidth=0.6)
    ax.figure.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=2,
                     frameon=False, fontsize=9.0)
    return ax


def plot_technique_work(tables, *, ax=None):
    r"""The work of each row of :func:`lassolib.fast.technique_table`, relative to the plain loop.

    Parameters
    ----------
    tables : dict mapping a problem's name to its technique table (a list of row dicts with
        ``"technique"`` and ``"flops"``, the first row the plain cyclic loop)

    Horizontal bars, one group per row of the tables (top to bottom in their order), one bar per
    problem, each problem in its own colour and hatching; the bar's length is the row's work
    divided by the plain loop's, on a log axis, with the ratio written at its end.
    """
    import matplotlib.colors

    if not isinstance(tables, dict) or not tables:
        raise ValueError("tables must be a non-empty dict: problem name -> technique_table(...) rows")
    labels = [row["technique"] for row in next(iter(tables.values()))]
    for name, rows in tables.items():
        if [row["technique"] for row in rows] != labels:
            raise ValueError(f"every table must have the same rows; {name!r} differs")
        if not rows or rows[0]["flops"] <= 0:
            raise ValueError(f"table {name!r} must start with the plain loop's row (flops > 0)")
    ax = new_axes(ax, figsize=(4.6, 1.3 + 0.32 * len(labels) * len(tables)))
    height = 0.8 / len(tables)
    hatches = ("", "///", "...", "xx")
    ratios = {}
    for k, (name, rows) in enumerate(tables.items()):
        color = style_for(k)["color"]
        ratio = np.array([row["flops"] / rows[0]["flops"] for row in rows])
        ratios[name] = ratio
        y = np.arange(len(rows))[::-1] + 0.4 - height * (k + 0.5)
        ax.barh(y, ratio, height=height * 0.9, color=matplotlib.colors.to_rgba(color, 0.35),
                edgecolor=color, hatch=hatches[k % len(hatches)], linewidth=1.0, label=name)
        for yk, value in zip(y, ratio):
            ax.text(value * 1.06, yk, f"{value:.2g}", va="center", ha="left", fontsize=9.0)
    ax.set_xscale("log")
    every = np.concatenate(list(ratios.values()))
    ax.set_xlim(10.0 ** math.floor(math.log10(every.min() / 1.5)), 4.0 * max(every.max(), 1.0))
    ax.axvline(1.0, color="0.3", linewidth=0.9)
    ax.set_yticks(np.arange(len(labels))[::-1], labels)
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel("work ÷ the plain loop's work (log scale)")
    ax.figure.legend(*ax.get_legend_handles_labels(), loc="outside lower center",
                     ncol=len(tables), frameon=False, fontsize=9.0)
    return ax
