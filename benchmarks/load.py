"""What each page of the built book costs to open (run after ``make book``; see "Run" below).

For every page of ``_build/html`` (or ``--site DIR``), headless Chromium opens it from a local
``http.server`` (no cache, no compression: every byte counted, as from disk) and reports:

- **bytes**: the sum of every response body the page loads (HTML, CSS, scripts, fonts, images,
  the search index), all of it, with the number of requests;
- **math**: ms from navigation start until MathJax has typeset the page (the first formula is
  drawn at about the same time; the whole page is typeset in one pass);
- **sliders**: ms until every λ slider on the page is drawn and working;
- **shift**: the cumulative layout shift (CLS, Chromium's measure of content jumping around
  while the page loads; below 0.1 counts as good) and the largest vertical jump, in px, of the
  first text after a slider between the first paint and the moment the sliders are drawn.
- **tabs**: how many Tab presses reach the first slider from the top of the page.

Run: ``.venv/bin/python benchmarks/load.py [--site DIR] [--pages book/04_soft_thresholding.html ...]
[--json FILE]``. tests/test_browser.py checks the byte budget (3 MB per page) on every page.
"""

import argparse
import functools
import http.server
import json
import pathlib
import sys
import threading

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

# Records, from the first script that runs, when the sliders appear and how far the text after
# the first widget output moves; and collects layout-shift entries.
INIT_SCRIPT = """
(() => {
  window.__load = {cls: 0, shifts: [], sliders: null, tracked: null, firstTop: null, maxJump: 0};
  try {
    new PerformanceObserver(list => {
      for (const e of list.getEntries()) {
        if (!e.hadRecentInput) { window.__load.cls += e.value; window.__load.shifts.push(e.value); }
      }
    }).observe({type: 'layout-shift', buffered: true});
  } catch (e) {}
  const views = () => document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]');
  const probe = () => {
    const L = window.__load;
    const v = views();
    if (!L.tracked && v.length) {
      // The first block after the first widget output: it moves if the widget's space was not kept.
      let cell = v[0].closest('.cell') || v[0].parentElement;
      L.tracked = cell.nextElementSibling || cell.parentElement.nextElementSibling;
    }
    if (L.tracked && document.body) {
      const top = L.tracked.getBoundingClientRect().top + window.scrollY;
      if (L.firstTop === null) L.firstTop = top;
      L.maxJump = Math.max(L.maxJump, Math.abs(top - L.firstTop));
    }
    const sliders = document.querySelectorAll('.widget-slider [role="slider"]');
    if (L.sliders === null && v.length && sliders.length >= v.length) L.sliders = performance.now();
    if (L.sliders === null || performance.now() - L.sliders < 200) requestAnimationFrame(probe);
  };
  requestAnimationFrame(probe);
})();
"""

MATH_DONE = """async () => {
  if (!document.querySelector('.math')) return null;
  for (let i = 0; i < 400 && !(window.MathJax && MathJax.startup && MathJax.startup.promise); i++)
    await new Promise(r => setTimeout(r, 25));
  await MathJax.startup.promise;
  // typesetting of the page happens in the startup's pageReady; wait for its containers.
  for (let i = 0; i < 400 && document.querySelectorAll('.math').length >
       document.querySelectorAll('.math mjx-container').length; i++)
    await new Promise(r => setTimeout(r, 10));
  return performance.now();
}"""

TAB_STOPS = 400


def tabs_to_first_slider(page):
    """Tab presses from the top of the page until the first slider handle has the focus."""
    if not page.locator(".widget-slider [role='slider']").count():
        return None
    page.evaluate("() => { window.scrollTo(0, 0); document.activeElement && document.activeElement.blur(); }")
    page.locator("body").focus()
    for presses in range(1, TAB_STOPS + 1):
        page.keyboard.press("Tab")
        if page.evaluate("() => !!(document.activeElement && document.activeElement.matches"
                         "('.widget-slider [role=\"slider\"]'))"):
            return presses
    return TAB_STOPS + 1


def measure(browser, url, *, tabs=True, viewport=(1280, 900)):
    """Open ``url`` in a fresh context and return the page's load figures (see the module doc)."""
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, service_workers="block")
    context.add_init_script(INIT_SCRIPT)
    page = context.new_page()
    sizes = {}
    page.on("requestfinished", lambda request: sizes.__setitem__(request.url, request.sizes()["responseBodySize"]))
    try:
        page.goto(url, wait_until="load")
        math_ms = page.evaluate(MATH_DONE)
        page.wait_for_function(
            "() => document.querySelectorAll('script[type=\"application/vnd.jupyter.widget-view+json\"]').length"
            " === 0 || window.__load.sliders !== null", timeout=30_000)
        page.wait_for_timeout(800)  # late requests (web fonts, frames' images)
        load = page.evaluate("() => ({cls: window.__load.cls, sliders: window.__load.sliders,"
                             " jump: window.__load.maxJump})")
        result = {
            "bytes": sum(sizes.values()),
            "requests": len(sizes),
            "largest": sorted(((size, url.split("?")[0].rsplit("/", 2)[-2] + "/" + url.split("?")[0].rsplit("/", 1)[-1])
                               for url, size in sizes.items()), reverse=True)[:4],
            "math_ms": math_ms,
            "sliders_ms": load["sliders"],
            "cls": load["cls"],
            "jump_px": load["jump"],
            "tabs": tabs_to_first_slider(page) if tabs else None,
        }
    finally:
        context.close()
    return result


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


def serve(directory):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=pathlib.Path, default=ROOT / "_build" / "html")
    parser.add_argument("--pages", nargs="*")
    parser.add_argument("--json", type=pathlib.Path)
    parser.add_argument("--no-tabs", action="store_true")
    args = parser.parse_args(argv)

    import test_browser as tb
    from playwright.sync_api import sync_playwright

    executable = tb.find_browser()
    if executable is None:
        raise SystemExit("no Chromium found (install chromium-headless-shell or set LASSOLIB_CHROMIUM)")
    pages = args.pages or sorted(p.relative_to(args.site).as_posix() for p in (args.site / "book").glob("*.html"))
    server, base = serve(args.site)
    rows = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=tb.BROWSER_ARGS, headless=True)
            for page in pages:
                rows[page] = measure(browser, base + page, tabs=not args.no_tabs)
            browser.close()
    finally:
        server.shutdown()
    print(f"{'page':34} {'MB':>6} {'req':>4} {'math ms':>8} {'sliders ms':>10} {'CLS':>6} {'jump px':>8} {'tabs':>5}")
    for page, row in rows.items():
        fmt = lambda v, f: "-" if v is None else format(v, f)  # noqa: E731
        print(f"{page:34} {row['bytes'] / 1e6:6.2f} {row['requests']:4d} {fmt(row['math_ms'], '8.0f')} "
              f"{fmt(row['sliders_ms'], '10.0f')} {row['cls']:6.3f} {row['jump_px']:8.0f} {fmt(row['tabs'], '5d')}")
    total = [row["bytes"] for row in rows.values()]
    print(f"largest page: {max(total) / 1e6:.2f} MB; largest files on it: "
          f"{max(rows.values(), key=lambda r: r['bytes'])['largest']}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return rows


if __name__ == "__main__":
    main()
