"""The notebooks read in JupyterLab (``make lab``) as in the book: MyST rendered, solutions folded.

JupyterLab renders Markdown cells as CommonMark; the book's notebooks are written in MyST
(``{eq}`` references, ``{cite}``, ``prf:theorem`` and ``exercise``/``solution`` directives). The
``jupyterlab-myst`` extension (pinned in requirements.txt) renders them. This test starts the
pinned JupyterLab on 127.0.0.1 (a free port, a random token, settings and workspaces in a
temporary folder) over a temporary copy of the notebooks, opens chapter 4 in headless Chromium and
checks: a theorem box is drawn (no raw ``:::{prf:theorem}``), equation references are resolved
(no raw ``{eq}``), no raw ``{cite}``, and every solution is folded.

Skips like tests/test_browser.py when no browser is available (a failure under
LASSOLIB_REQUIRE_BROWSER=1).
"""

import json
import os
import pathlib
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import pytest

from test_browser import BROWSER_ARGS, _unavailable, find_browser

pytestmark = pytest.mark.browser

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOK = "04_soft_thresholding.ipynb"
START_TIMEOUT_S = 120
RENDER_TIMEOUT_MS = 180_000


def _solutions_in(notebook):
    """How many ``solution`` directives the notebook's Markdown holds."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return len(re.findall(r"(?:```+|:::+)\{solution(?:-start)?\}", text))


@pytest.fixture(scope="module")
def lab():
    """JupyterLab serving a temporary copy of book/*.ipynb; yields its base URL and token."""
    executable = find_browser()
    if executable is None:
        _unavailable("no Chromium binary found; JupyterLab check skipped")
    try:
        import jupyterlab_myst  # noqa: F401
    except ImportError:
        pytest.fail("jupyterlab-myst is not installed: `make lab` would show raw MyST (see requirements.txt)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="lassolib-lab-"))
    notebooks = workdir / "book"
    notebooks.mkdir()
    for path in (ROOT / "book").glob("*.ipynb"):
        shutil.copy(path, notebooks / path.name)
    settings = workdir / "settings" / "@jupyterlab"
    # Render every cell (JupyterLab 4 otherwise draws only the cells on screen), no news pop-up.
    (settings / "notebook-extension").mkdir(parents=True)
    (settings / "notebook-extension" / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    (settings / "apputils-extension").mkdir(parents=True)
    (settings / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        '{"fetchNews": "false", "checkForUpdates": false}')
    token = secrets.token_hex(16)
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(workdir / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(workdir / "workspaces"))
    log = open(workdir / "lab.log", "w")
    process = subprocess.Popen(
        [str(pathlib.Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", "--allow-root",
         "--ip=127.0.0.1", f"--port={port}", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={notebooks}"],
        stdout=log, stderr=subprocess.STDOUT, env=env,
    )
    try:
        yield {"url": f"http://127.0.0.1:{port}", "token": token, "executable": executable,
               "notebooks": notebooks, "log": workdir / "lab.log"}
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        shutil.rmtree(workdir, ignore_errors=True)


def test_notebook_reads_as_myst_in_jupyterlab(lab):
    from playwright.sync_api import sync_playwright

    expected_solutions = _solutions_in(ROOT / "book" / NOTEBOOK)
    assert expected_solutions >= 1, f"{NOTEBOOK} has no solution to check"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=lab["executable"], args=BROWSER_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            deadline = time.monotonic() + START_TIMEOUT_S
            while True:  # the server needs a few seconds to start
                try:
                    page.goto(f"{lab['url']}/lab/tree/{NOTEBOOK}?token={lab['token']}")
                    break
                except Exception:
                    if time.monotonic() > deadline:
                        pytest.fail(f"JupyterLab did not start:\n{lab['log'].read_text()[-2000:]}")
                    time.sleep(1)
            # Rendered: the theorem box and as many <details> as the notebook has solutions (the
            # last cells are drawn last).
            page.wait_for_function(
                "(n) => document.querySelector('.jp-MarkdownCell aside.myst-proof')"
                " && document.querySelectorAll('.jp-MarkdownCell details').length >= n",
                arg=expected_solutions, timeout=RENDER_TIMEOUT_MS)
            page.wait_for_timeout(2000)
            state = page.evaluate("""() => {
              const cells = Array.from(document.querySelectorAll('.jp-MarkdownCell .jp-Cell-inputArea'));
              const text = cells.map(c => c.innerText).join('\\n');
              const solutions = Array.from(document.querySelectorAll('.jp-MarkdownCell details'))
                .filter(d => /Solution/.test(d.querySelector('summary') ? d.querySelector('summary').textContent : ''));
              return {
                theorems: Array.from(document.querySelectorAll('.jp-MarkdownCell aside.myst-proof'))
                  .map(a => a.innerText.split('\\n')[0]),
                raw: (text.match(/:::\\{prf:|```\\{prf:|\\{eq\\}`|\\{cite\\}`|\\{solution\\}|\\{exercise\\}/g) || []),
                eqrefs: Array.from(document.querySelectorAll('.jp-MarkdownCell a'))
                  .map(a => a.textContent.trim()).filter(t => /^\\(\\d+(\\.\\d+)?\\)$/.test(t)),
                // Folded: closed, and only its summary line is drawn (no room, no text for the body).
                solutions: solutions.map(d => {
                  const summary = d.querySelector('summary');
                  return {open: d.open, visible: d.innerText.trim() !== summary.innerText.trim()
                          || d.getBoundingClientRect().height > summary.getBoundingClientRect().height + 2};
                }),
              };
            }""")
            page.screenshot(path=str(ROOT / "_build" / "screenshots" / "lab-04.png")
                            if (ROOT / "_build" / "screenshots").is_dir() else None)
        finally:
            browser.close()
    assert any(t.startswith("Theorem") for t in state["theorems"]), f"no theorem box drawn: {state['theorems']}"
    assert not state["raw"], f"raw MyST visible in JupyterLab: {sorted(set(state['raw']))}"
    assert state["eqrefs"], "no equation reference resolved to a number"
    assert len(state["solutions"]) == expected_solutions, (
        f"{len(state['solutions'])} folded solution boxes, the notebook has {expected_solutions} solutions")
    shown = [s for s in state["solutions"] if s["open"] or s["visible"]]
    assert not shown, f"{len(shown)} solution(s) shown unfolded"
