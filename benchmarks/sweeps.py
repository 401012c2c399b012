"""Per-move cost of every λ sweep in the book (``make bench-sweeps``).

A sweep's frames are drawn once, when its cell runs; moving the slider then only switches the
visible frame, in the browser (a ``jslink`` between the slider and a ``Stack``), in JupyterLab,
Notebook 7, VS Code and the static book alike. So two numbers describe a sweep:

1. **per move** — keypress on the focused slider handle → the new frame is in the page → the
   next paint, measured in headless Chromium on the built book for every move across the whole
   grid of every sweep (``make book`` first). This is what a reader waits for, live or static.
2. **per frame, drawn** — what drawing one frame costs in the kernel (Matplotlib → PNG), read from
   each FrameSweep's ``seconds_per_frame`` after executing every notebook in a fresh kernel. It
   is paid once per frame when the cell runs, and is what a redraw-on-move widget would cost.

3. **live, in JupyterLab** (``--live``) — starts JupyterLab 4 on 127.0.0.1 over a temporary copy
   of the notebooks, runs each one in Chromium (Run All), then moves every slider across its grid
   as in 1: the per-move time a reader of the running notebook sees.

Run: ``.venv/bin/python benchmarks/sweeps.py [--live] [--skip-browser] [--skip-kernel]``.
"""

import argparse
import json
import pathlib
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

COLLECT = """
import json as _json
from lassolib.widgets import FrameSweep as _FrameSweep
_found, _seen = [], set()
for _value in list(globals().values()) + list(Out.values()):
    if isinstance(_value, _FrameSweep) and id(_value) not in _seen:
        _seen.add(id(_value))
        _found.append({"frames": len(_value), "seconds": [float(s) for s in _value.seconds_per_frame]})
print(_json.dumps(_found))
"""


def kernel_costs():
    """Execute each notebook in a fresh kernel and read the frame-drawing time of its sweeps."""
    import nbformat
    from nbclient import NotebookClient

    rows = []
    for path in sorted((ROOT / "book").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        notebook.cells.append(nbformat.v4.new_code_cell(COLLECT))
        NotebookClient(notebook, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        text = "".join(o.get("text", "") for o in notebook.cells[-1].outputs if o.output_type == "stream")
        for k, sweep in enumerate(json.loads(text.strip().splitlines()[-1])):
            rows.append((path.stem, k, sweep["frames"], 1e3 * statistics.median(sweep["seconds"])))
    return rows


# Times each keydown until the visible frame's caption changes (every frame has its own λ in its
# caption; two neighbouring images can be identical, e.g. past λ_max): in the DOM, then painted.
ARM_TIMER = """(k) => {
  const box = window.__sweeps[k];
  const caption = () => {
    const f = Array.from(box.querySelectorAll('figure.lassolib-frame'))
      .filter(f => f.getClientRects().length > 0)[0];
    return f ? f.querySelector('figcaption').textContent : null;
  };
  window.__timings = [];
  if (window.__disarm) window.__disarm();
  const onKey = () => {
    const t0 = performance.now(), before = caption();
    let done = false;
    const observer = new MutationObserver(() => {
      if (done || caption() === before) return;
      done = true;
      const dom = performance.now() - t0;
      observer.disconnect();
      requestAnimationFrame(() => window.__timings.push({dom, paint: performance.now() - t0}));
    });
    observer.observe(box, {subtree: true, childList: true, attributes: true});
  };
  document.addEventListener('keydown', onKey, true);
  window.__disarm = () => document.removeEventListener('keydown', onKey, true);
}"""


def _time_moves(page, tb, name):
    """Move every sweep on ``page`` across its grid with ArrowRight; one row per sweep."""
    rows = []
    for k in range(len(page.evaluate(tb.SWEEPS))):
        handle = page.locator(".widget-slider [role='slider']").nth(k)
        handle.scroll_into_view_if_needed()
        handle.focus()
        page.keyboard.press("Home")
        time.sleep(0.2)
        top = int(float(tb._state(page, k)["max"]))
        page.evaluate(ARM_TIMER, k)
        for move in range(1, top + 1):
            page.keyboard.press("ArrowRight")
            page.wait_for_function(f"window.__timings.length >= {move}", timeout=5000)
        timings = page.evaluate("window.__timings")
        page.evaluate("window.__disarm && window.__disarm()")
        dom = [t["dom"] for t in timings]
        paint = [t["paint"] for t in timings]
        rows.append((name, k, top, statistics.median(dom), statistics.median(paint), max(paint)))
    return rows


def _browser(playwright, tb):
    executable = tb.find_browser()
    if executable is None:
        raise SystemExit("no Chromium binary found: install chromium-headless-shell, or --skip-browser")
    return playwright.chromium.launch(executable_path=executable, args=tb.BROWSER_ARGS)


def browser_moves():
    """Move every slider of every built chapter across all its frames; time each move."""
    import test_browser as tb
    from playwright.sync_api import sync_playwright

    if not (tb.SITE / "book").is_dir():
        raise SystemExit("the book is not built: run `make book` first, or --skip-browser")
    rows = []
    with sync_playwright() as playwright:
        browser = _browser(playwright, tb)
        for html in sorted((tb.SITE / "book").glob("*.html")):
            page = browser.new_page()
            page.goto(html.as_uri())
            page.wait_for_function(tb.WAIT_WIDGETS, timeout=tb.TIMEOUT_MS)
            rows += _time_moves(page, tb, html.stem)
            page.close()
        browser.close()
    return rows


def live_moves():
    """Run every notebook in JupyterLab 4 (on a temporary copy) and time its sliders' moves."""
    import test_browser as tb
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="lassolib-live-"))
    for path in (ROOT / "book").glob("*.ipynb"):
        shutil.copy(path, workdir / path.name)
    lab = subprocess.Popen(
        [str(pathlib.Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", "--allow-root",
         f"--port={port}", "--ip=127.0.0.1", "--ServerApp.token=", "--ServerApp.password=",
         "--LabApp.expose_app_in_browser=True", f"--ServerApp.root_dir={workdir}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    rows = []
    try:
        with sync_playwright() as playwright:
            browser = _browser(playwright, tb)
            for notebook in sorted(workdir.glob("*.ipynb")):
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                for _ in range(60):  # the server takes a few seconds to start
                    try:
                        page.goto(f"http://127.0.0.1:{port}/lab/tree/{notebook.name}")
                        break
                    except Exception:
                        time.sleep(1)
                page.wait_for_function("window.jupyterapp && window.jupyterapp.shell", timeout=60000)
                page.wait_for_selector(".jp-Notebook", state="attached", timeout=60000)
                time.sleep(3)  # let the kernel start
                page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
                page.wait_for_function(
                    "document.querySelectorAll('.jp-InputArea-prompt').length > 0 && "
                    "!Array.from(document.querySelectorAll('.jp-InputArea-prompt'))"
                    ".some(e => e.textContent.includes('*'))", timeout=300000)
                page.wait_for_function(tb.WAIT_WIDGETS, timeout=tb.TIMEOUT_MS)
                rows += _time_moves(page, tb, notebook.stem)
                page.close()
            browser.close()
    finally:
        lab.terminate()
        lab.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--skip-kernel", action="store_true")
    parser.add_argument("--live", action="store_true", help="also time the sliders live in JupyterLab")
    args = parser.parse_args()
    header = f"{'chapter':<22} {'sweep':>5} {'moves':>5} {'→DOM median':>12} {'→paint median':>14} {'→paint max':>11}"
    if not args.skip_browser:
        print("per move, in headless Chromium on the built book (every move across each sweep's grid)")
        print(header)
        for chapter, k, moves, dom, paint, worst in browser_moves():
            print(f"{chapter:<22} {k:>5} {moves:>5} {dom:>10.1f}ms {paint:>12.1f}ms {worst:>9.1f}ms")
    if args.live:
        print("\nper move, live in JupyterLab 4 (each notebook run, then every move across each sweep)")
        print(header)
        for chapter, k, moves, dom, paint, worst in live_moves():
            print(f"{chapter:<22} {k:>5} {moves:>5} {dom:>10.1f}ms {paint:>12.1f}ms {worst:>9.1f}ms")
    if not args.skip_kernel:
        print("\nper frame, drawn once in the kernel when the cell runs (Matplotlib → PNG)")
        print(f"{'chapter':<22} {'sweep':>5} {'frames':>6} {'median per frame':>17}")
        for chapter, k, frames, ms in kernel_costs():
            print(f"{chapter:<22} {k:>5} {frames:>6} {ms:>15.1f}ms")


if __name__ == "__main__":
    main()
