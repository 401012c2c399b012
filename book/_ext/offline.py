"""Sphinx extension: the built book is self-contained and works offline, even from ``file://``.

- Before the build it makes sure ``vendor/`` holds the locked JavaScript (``vendor.py``: MathJax,
  RequireJS, the Jupyter widgets HTML manager; fetched only when missing or changed).
- It copies ``vendor/`` to ``_build/html/_vendor/`` before pages are written. Not to ``_static/``:
  Jupyter Book injects every script and stylesheet found there into every page.
- ``mathjax_path`` and myst-nb's ``nb_ipywidgets_js`` (set in ``_config.yml``) name these files.
  Sphinx takes local script paths as relative to ``_static/``, so they are written
  ``../_vendor/...``; this extension rewrites the resulting ``_static/../_vendor/...`` to
  ``_vendor/...``, which Sphinx then makes relative to each page (``../_vendor/...`` from
  ``book/*.html``).
- On pages with widgets it maps the manager's AMD module path to ``_vendor/html-manager``
  (``requirejs.config``), so the icon fonts it loads relative to that path resolve there, and
  adds a small inline shim for ``MathJax.Hub.Queue``: the widget
  manager typesets widget labels through that MathJax 2 call, which MathJax 3 no longer has
  (without the shim every slider label raises a TypeError).
- On the search page, opened from disk, it turns off the result summaries (Sphinx fetches them
  with ``fetch()``, which file:// does not allow); results are still listed.
- It drops sphinx-thebe's scripts and stylesheet (Jupyter Book always loads the extension; with
  launch buttons off it is unused, and it names a CDN URL).

Reading experience (``static/``, added to every page):

- ``lassobook-widgets.js`` draws the book's λ sweeps from the saved widget state with plain DOM
  (a native range input, its readout, the frames) instead of the 3.6 MB widget manager. Each
  page's state is checked here at build time: a page that uses any widget model the small
  renderer does not know keeps the full manager (RequireJS + ``embed-amd.js``), so nothing is
  silently left undrawn.
- ``lassobook.js`` works around pydata-sphinx-theme 0.17's sidebar toggles (see the file) and
  marks wide displays, code and tables that scroll with a visible cue; ``lassobook.css`` makes
  displayed equations scroll instead of being clipped, sets readable contrast in both colour modes,
  a visible focus ring and a 24 px slider handle.
- After the build, each static figure that ``lassolib.figures.show`` drew a second time for
  narrow screens (the drawing travels in the executed notebook's output metadata) gets that
  drawing as ``_images/narrow/<sha>.png`` in a ``<picture>``: phones (≤ 600 px) load it instead of
  the figure, so the figure's text keeps its size there; wider screens never fetch it.
- After the build it removes pydata-sphinx-theme's ``fontawesome.js`` (1.5 MB, every icon of Font
  Awesome as SVG paths) from every page: the theme's stylesheet already draws the same icons from
  the Font Awesome web fonts it ships.
"""

import base64
import hashlib
import html
import importlib.util
import json
import pathlib
import posixpath
import re
import shutil

from sphinx.errors import ExtensionError
from sphinx.util import logging

_spec = importlib.util.spec_from_file_location(
    "lassobook_vendor", pathlib.Path(__file__).resolve().with_name("vendor.py")
)
vendor = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(vendor)

logger = logging.getLogger(__name__)

OUT_DIR = "_vendor"


def vendor_into_build(app):
    """Check (or fetch) vendor/, then copy it to <outdir>/_vendor before any page is written.

    Copying first lets Sphinx add its ``?v=<checksum>`` to the script URLs, so a browser never
    keeps a stale copy after a version bump.
    """
    if app.builder.format != "html":
        return
    if not vendor.check():
        logger.info("offline: fetching the vendored JavaScript (book/_ext/vendor.py)")
        try:
            vendor.main([])
        except SystemExit as error:
            raise ExtensionError(f"offline: vendoring failed: {error}") from None
    target = pathlib.Path(app.outdir) / OUT_DIR
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(vendor.VENDOR, target)


def _is_thebe(asset):
    filename = str(getattr(asset, "filename", "") or "")
    body = getattr(asset, "attributes", {}).get("body", "")
    return "thebe" in posixpath.basename(filename) or "THEBE_JS_URL" in body


CDN_ATTRIBUTE = "data-jupyter-widgets-cdn"


def _localize(asset, pagename):
    """``_static/../_vendor/x`` → ``_vendor/x`` (same class, priority and attributes).

    A local ``data-jupyter-widgets-cdn`` folder, written like the script paths (relative to
    ``_static/``), becomes relative to the page, as the widget manager resolves it.
    """
    filename = getattr(asset, "filename", None)
    if not isinstance(filename, str) or "://" in filename or not filename.startswith("_static/../"):
        return asset
    attributes = dict(asset.attributes)
    cdn = attributes.get(CDN_ATTRIBUTE)
    if cdn and "://" not in cdn:
        target = posixpath.normpath(posixpath.join("_static", cdn))
        attributes[CDN_ATTRIBUTE] = posixpath.relpath(target, posixpath.dirname(pagename) or ".") + "/"
    return type(asset)(posixpath.normpath(filename), priority=asset.priority, **attributes)


# ipywidgets' typeset(element) calls MathJax.Hub.Queue(["Typeset", MathJax.Hub, element]), the
# MathJax 2 API. MathJax 3 replaces window.MathJax when its (deferred) script runs, so the shim
# is installed at DOMContentLoaded: after deferred scripts, before the manager renders on "load".
MATHJAX2_SHIM = (
    'document.addEventListener("DOMContentLoaded", function () {'
    " var M = window.MathJax;"
    " if (M && M.version && !M.Hub) {"
    " M.Hub = {Queue: function (job) {"
    " var element = job && job[2];"
    " if (element && M.startup && M.typesetPromise) {"
    " M.startup.promise.then(function () { return M.typesetPromise([element]); });"
    " } } };"
    " } });"
)

SEARCH_FROM_DISK = 'if (location.protocol === "file:") DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;'


def _is_widget_manager(asset):
    return str(getattr(asset, "filename", "") or "").endswith("embed-amd.js")


STATIC = pathlib.Path(__file__).resolve().with_name("static")
WIDGETS_JS = "lassobook-widgets.js"
STATE_TYPE = "application/vnd.jupyter.widget-state+json"
# The widget models lassobook-widgets.js draws (keep in step with KNOWN there).
LIGHT_MODELS = {
    "VBoxModel", "HBoxModel", "BoxModel", "StackModel", "HTMLModel", "HTMLMathModel", "LabelModel",
    "SelectionSliderModel", "IntSliderModel", "LinkModel", "DirectionalLinkModel", "LayoutModel",
    "HTMLStyleModel", "SliderStyleModel", "DescriptionStyleModel", "LabelStyleModel",
}


def widget_models(scripts):
    """The model names in the page's saved widget state (None when the page has no state)."""
    for js in scripts:
        if getattr(js, "attributes", {}).get("type") == STATE_TYPE:
            state = json.loads(js.attributes.get("body") or "{}").get("state", {})
            return {spec.get("model_name") for spec in state.values()}
    return None


VIEW_SCRIPT = re.compile(
    r'<script type="application/vnd.jupyter.widget-view\+json">\s*(\{.*?\})\s*</script>', re.S)


def _placeholder(state, model_id):
    """Static HTML of a widget as it first shows: the frame on screen, a bar where the slider goes."""
    spec = state.get(model_id, {})
    name, values = spec.get("model_name"), spec.get("state", {})
    children = [c[len("IPY_MODEL_"):] for c in values.get("children", []) if isinstance(c, str)]
    if name in ("VBoxModel", "HBoxModel", "BoxModel"):
        return "".join(_placeholder(state, child) for child in children)
    if name == "StackModel":
        index = values.get("selected_index")
        return _placeholder(state, children[index]) if isinstance(index, int) and 0 <= index < len(children) else ""
    if name in ("HTMLModel", "HTMLMathModel"):
        return f'<div class="widget-html">{values.get("value") or ""}</div>'
    if name in ("SelectionSliderModel", "IntSliderModel"):
        return '<div class="lassobook-placeholder-slider" aria-hidden="true"></div>'
    return ""


def add_placeholders(body, state):
    """Before each widget view, its first frame as plain HTML: the page keeps the widget's place
    (and shows the figure) until lassobook-widgets.js draws the live widget in its stead."""
    def insert(match):
        model_id = json.loads(match.group(1)).get("model_id")
        html = _placeholder(state, model_id)
        if not html:
            return match.group(0)
        return f'<div class="lassobook-widget-placeholder">{html}</div>{match.group(0)}'
    return VIEW_SCRIPT.sub(insert, body)


FRAMES_DIR = "_images/frames"
DATA_IMAGE = re.compile(r'(src|srcset)="data:image/(png|jpeg|webp);base64,([A-Za-z0-9+/=\s]+)"')


def externalize_frames(state, outdir, pagename):
    """Every image a sweep's frame embeds (``data:`` URL) becomes a file under _images/frames/.

    A saved sweep carries all its frames, base64-encoded, in the page (a third larger than the
    images, and all of them loaded with the page). As files, named by their content, a frame is
    fetched when it is first shown (``loading="lazy"``: frames hidden in the stack are not
    fetched; lassobook-widgets.js prefetches the neighbours of the frame on screen when the
    slider moves); the ``width``/``height`` that lassolib.widgets writes keep its place while it
    loads. ``file://`` pages
    load them too (plain relative ``<img src>``, no fetch()).
    """
    folder = pathlib.Path(outdir) / FRAMES_DIR
    prefix = posixpath.relpath(FRAMES_DIR, posixpath.dirname(pagename) or ".")

    def replace(match):
        attribute, kind, encoded = match.group(1), match.group(2), match.group(3)
        data = base64.b64decode(re.sub(r"\s+", "", encoded))
        name = hashlib.sha256(data).hexdigest()[:32] + "." + kind
        path = folder / name
        if not path.exists():
            folder.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        if attribute == "srcset":  # a <picture>'s <source>: its <img> says how it loads
            return f'srcset="{prefix}/{name}"'
        return f'src="{prefix}/{name}" loading="lazy" decoding="async"'

    for spec in state.values():
        if spec.get("model_name") in ("HTMLModel", "HTMLMathModel"):
            values = spec.get("state", {})
            value = values.get("value")
            if isinstance(value, str) and "data:image/" in value:
                values["value"] = DATA_IMAGE.sub(replace, value)


def _is_manager_script(asset):
    """RequireJS and the widget manager (what the light renderer replaces)."""
    filename = str(getattr(asset, "filename", "") or "")
    return filename.endswith(("embed-amd.js", "requirejs/require.js"))


def rewrite_assets(app, pagename, templatename, context, doctree):
    if "script_files" in context:
        scripts = [_localize(js, pagename) for js in context["script_files"] if not _is_thebe(js)]
        models = widget_models(scripts)
        if models is not None and models <= LIGHT_MODELS:
            # Only models the light renderer draws: it replaces RequireJS and the manager.
            where = [i for i, js in enumerate(scripts) if _is_manager_script(js)]
            if where:
                template = scripts[where[0]]
                scripts = [js for js in scripts if not _is_manager_script(js)]
                scripts.insert(where[0], type(template)(f"_static/{WIDGETS_JS}", priority=template.priority))
                # The frames' images become files, loaded when their frame is first shown.
                for index, js in enumerate(scripts):
                    if getattr(js, "attributes", {}).get("type") == STATE_TYPE:
                        saved = json.loads(js.attributes["body"])
                        externalize_frames(saved["state"], app.outdir, pagename)
                        attributes = {**js.attributes, "body": json.dumps(saved, separators=(",", ":"))}
                        scripts[index] = type(js)(js.filename, priority=js.priority, **attributes)
                        state = saved["state"]
                if "body" in context:
                    context["body"] = add_placeholders(context["body"], state)
        elif models is not None:
            unknown = sorted(models - LIGHT_MODELS, key=str)
            logger.info(f"offline: {pagename} uses {unknown}: it keeps the full widget manager")
        for index, js in enumerate(scripts):
            if _is_widget_manager(js):
                # Before the manager: map its AMD module names to _vendor/html-manager (relative
                # to this page), so the font files it asks for resolve there, not next to the page.
                where = posixpath.relpath(f"{OUT_DIR}/html-manager", posixpath.dirname(pagename) or ".")
                paths = {"@jupyter-widgets/html-manager/dist": where}
                config = f"window.requirejs && requirejs.config({{paths: {json.dumps(paths)}}});"
                scripts[index:index] = [
                    type(js)("", priority=js.priority, body=config),
                    type(js)("", priority=js.priority, body=MATHJAX2_SHIM),
                ]
                break
        if pagename == "search" and scripts:
            # From disk, the search page cannot fetch() result pages for their summaries (no
            # fetch from file://): list the results without summaries there, not an error.
            scripts.append(type(scripts[0])("", priority=500, body=SEARCH_FROM_DISK))
        context["script_files"] = scripts
    if "css_files" in context:
        context["css_files"] = [css for css in context["css_files"] if not _is_thebe(css)]


FONTAWESOME_JS = re.compile(r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js(\?[^"]*)?"></script>')


STATIC_IMAGE = re.compile(r'<img (?![^>]*\bheight=)([^>]*?)src="([^":]+\.png)"([^>]*?)\s*/?>')


def _png_size(path):
    """(width, height) from a PNG file's header, or None."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(24)
    except OSError:
        return None
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def size_static_images(text, page):
    """Give every figure image (``<img src="…png">`` without a height) its pixel ``width`` and
    ``height``: the browser then keeps the figure's place before the image arrives, and the text
    below does not jump when it does. The displayed width is still the one Sphinx sets
    (``style="width: …"``, or the column's); ``height: auto`` in lassobook.css keeps the aspect."""
    def add(match):
        size = _png_size(page.parent / match.group(2))
        if size is None:
            return match.group(0)
        before, src, after = match.group(1), match.group(2), match.group(3)
        return f'<img {before}src="{src}"{after} width="{size[0]}" height="{size[1]}" />'
    return STATIC_IMAGE.sub(add, text)


NARROW_DIR = "_images/narrow"
NARROW_SCREEN_PX = 600  # as lassolib.widgets.NARROW_SCREEN_PX: phones get the narrow drawing
FIGURE_IMAGE = re.compile(
    r'<picture class="lassobook-narrow">.*?</picture>|<img [^>]*?src="([^":]+\.png)"[^>]*>', re.S)


def narrow_drawings(outdir, sources=()):
    """The narrow drawings that ``lassolib.figures.show`` stored beside each static figure, read
    from the executed notebooks myst-nb writes to ``_build/jupyter_execute/``, and from the
    notebooks in ``sources`` (the book's own, with their stored outputs): myst-nb removes glued
    outputs (``{glue:figure}``) from the notebooks it writes, and the PNG a notebook stores is the
    one the build computes (same code, same bytes), so a stored drawing matches its figure by
    content. A dict from the SHA-256 (hex) of the figure's PNG to the narrow PNG's bytes."""
    folder = pathlib.Path(outdir).parent / "jupyter_execute"
    paths = sorted(folder.rglob("*.ipynb"))
    for source in sources:
        paths += sorted(path for path in pathlib.Path(source).glob("*.ipynb"))
    drawings = {}
    for path in paths:
        try:
            notebook = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for cell in notebook.get("cells", []):
            for output in cell.get("outputs", []):
                narrow = (output.get("metadata") or {}).get("lassobook", {}).get("narrow")
                data = output.get("data") or {}
                # a figure glued for a {glue:figure} directive carries myst-nb's MIME prefix
                png = data.get("image/png") or data.get("application/papermill.record/image/png")
                if narrow and png:
                    digest = hashlib.sha256(base64.b64decode(png)).hexdigest()
                    drawings[digest] = base64.b64decode(narrow)
    return drawings


def serve_narrow_drawings(text, page, outdir, drawings):
    """Wrap each figure image that has a narrow drawing in ``<picture>``: screens at most
    ``NARROW_SCREEN_PX`` wide load ``_images/narrow/<sha>.png`` (the figure redrawn 3.6 inches
    wide, panels stacked, same text sizes), wider ones the figure itself, and never both. The
    ``<img>`` keeps its alt text, size and link. The figure is found by its content (SHA-256 of
    the file the ``<img>`` shows), so a renamed copy is found too; pages already wrapped are left
    as they are."""
    outdir = pathlib.Path(outdir)
    folder = outdir / NARROW_DIR
    prefix = posixpath.relpath(NARROW_DIR, page.parent.relative_to(outdir).as_posix() or ".")

    def wrap(match):
        src = match.group(1)
        if src is None:  # already wrapped
            return match.group(0)
        try:
            digest = hashlib.sha256((page.parent / src).read_bytes()).hexdigest()
        except OSError:
            return match.group(0)
        narrow = drawings.get(digest)
        if narrow is None:
            return match.group(0)
        name = digest[:32] + ".png"
        path = folder / name
        if not path.exists() or path.read_bytes() != narrow:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_bytes(narrow)
        width, height = int.from_bytes(narrow[16:20], "big"), int.from_bytes(narrow[20:24], "big")
        return (f'<picture class="lassobook-narrow"><source media="(max-width: {NARROW_SCREEN_PX}px)" '
                f'srcset="{prefix}/{name}" width="{width}" height="{height}">{match.group(0)}</picture>')

    return FIGURE_IMAGE.sub(wrap, text)


CITATION_LINK = re.compile(r'<a class="reference internal" href="([^"#]*references\.html)#(id\d+)"([^>]*)>')
CITED_IN = re.compile(r'\n?<p class="lassobook-cited-in">.*?</p>', re.S)
BIBLIO_ENTRY = re.compile(r'(<div class="citation" id="(id\d+)" role="doc-biblioentry">.*?)(\n</div>)', re.S)
PAGE_TITLE = re.compile(r"<title>(.*?)(?: &#8212; [^<]*)?</title>", re.S)


def link_citations_back(pages, outdir):
    """Each entry of the references page lists where the book cites it, with links back.

    Every citation link (sphinxcontrib-bibtex's ``<a href="references.html#idN">``) gets an id
    ``cite-idN-K``; under each entry of the references page, "Cited in" links to each of them,
    grouped by chapter. Recomputed on every build (incremental builds included).
    """
    texts = {page: page.read_text(encoding="utf-8") for page in pages}
    references = next((page for page, text in texts.items() if 'role="doc-biblioentry"' in text), None)
    if references is None:
        return {}
    cited = {}  # entry id -> [(page, anchor id)]
    for page in sorted(texts):
        if page == references:
            continue
        counter = {}

        def mark(match, page=page, counter=counter):
            href, entry, rest = match.groups()
            if (page.parent / href).resolve() != references.resolve():
                return match.group(0)
            counter[entry] = counter.get(entry, 0) + 1
            anchor = f"cite-{entry}-{counter[entry]}"
            cited.setdefault(entry, []).append((page, anchor))
            rest = re.sub(r'\s*id="cite-[^"]*"', "", rest)
            return f'<a class="reference internal" href="{href}#{entry}"{rest} id="{anchor}">'

        texts[page] = CITATION_LINK.sub(mark, texts[page])

    def title(page):
        found = PAGE_TITLE.search(texts[page])
        return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip() if found else page.stem

    def backlinks(match):
        head, entry, tail = match.groups()
        places = cited.get(entry, [])
        if not places:
            return match.group(0)
        by_page = {}
        for page, anchor in places:
            by_page.setdefault(page, []).append(anchor)
        items = []
        for page, anchors in by_page.items():
            href = posixpath.relpath(page.as_posix(), references.parent.as_posix())
            first = f'<a href="{href}#{anchors[0]}">{html.escape(title(page), quote=False)}</a>'
            more = ", ".join(f'<a href="{href}#{a}" aria-label="citation {k} in {html.escape(title(page))}">{k}</a>'
                             for k, a in enumerate(anchors[1:], start=2))
            items.append(first + (f" ({more})" if more else ""))
        return f'{head}\n<p class="lassobook-cited-in">Cited in: {"; ".join(items)}.</p>{tail}'

    texts[references] = BIBLIO_ENTRY.sub(backlinks, CITED_IN.sub("", texts[references]))
    return texts


def finish_pages(app, exception):
    """Remove the theme's fontawesome.js from every page (its stylesheet draws the icons), size
    the figure images (``size_static_images``), give phones the figures' narrow drawings
    (``serve_narrow_drawings``) and link references back to their citations
    (``link_citations_back``)."""
    if exception is not None or app.builder.format != "html":
        return
    pages = [page for page in pathlib.Path(app.outdir).rglob("*.html")
             if OUT_DIR not in page.relative_to(app.outdir).parts]
    linked = link_citations_back(pages, app.outdir)
    drawings = narrow_drawings(app.outdir, sources=[pathlib.Path(app.srcdir) / "book"])
    for page in pages:
        text = page.read_text(encoding="utf-8")
        trimmed = size_static_images(FONTAWESOME_JS.sub("", linked.get(page, text)), page)
        if drawings:
            trimmed = serve_narrow_drawings(trimmed, page, app.outdir, drawings)
        if trimmed != text:
            page.write_text(trimmed, encoding="utf-8")


def configure(app, config):
    config.html_static_path = [*config.html_static_path, str(STATIC)]
    # One search box, the sidebar's: pydata-sphinx-theme 0.17 adds a second one in a top bar that
    # sphinx-book-theme does not expect (executablebooks/sphinx-book-theme#999). Set here, added
    # to the options Jupyter Book derives from _config.yml's html: section (setting
    # html_theme_options in _config.yml would replace those).
    config.html_theme_options = {**config.html_theme_options, "navbar_persistent": []}


def setup(app):
    app.connect("config-inited", configure)
    app.add_css_file("lassobook.css")
    app.add_js_file("lassobook.js", loading_method="defer")
    app.connect("build-finished", finish_pages)
    app.connect("builder-inited", vendor_into_build)
    # After myst-nb (widget scripts) and sphinx.ext.mathjax have added theirs (priority 500).
    app.connect("html-page-context", rewrite_assets, priority=900)
    # A change to this file or to the lock rebuilds every page (a new env_version invalidates
    # Sphinx's saved environment), so no page keeps stale script tags.
    fingerprint = hashlib.sha256(pathlib.Path(__file__).read_bytes() + vendor.LOCK.read_bytes())
    for path in sorted(STATIC.iterdir()):
        fingerprint.update(path.read_bytes())
    return {
        "version": "1.0",
        "env_version": int(fingerprint.hexdigest()[:8], 16),
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
