"""Checks on the built site (``make book``): complete, self-contained, offline.

Skipped when the book is not built (``make test`` builds it first). The browser checks
(tests/test_browser.py) load the pages; these read the files.
"""

import html.parser
import importlib.util
import json
import pathlib
import re
import urllib.parse

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
VENDOR_PY = ROOT / "book" / "_ext" / "vendor.py"

# Attributes through which a page makes the browser load something (as opposed to <a href>,
# a link the reader may follow).
LOADING_ATTRIBUTES = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "input": ("src",),
}
# <link rel=...> values that are navigation metadata, not loads.
NAVIGATION_RELS = {"index", "search", "next", "prev", "canonical", "author", "license", "help"}


@pytest.fixture(scope="module")
def site():
    if not (SITE / "index.html").is_file():
        pytest.skip(f"the book is not built ({SITE} missing): run `make book` first (`make test` does)")
    return SITE


def _load_vendor_module():
    spec = importlib.util.spec_from_file_location("lassobook_vendor_test", VENDOR_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def toc_pages():
    """The pages named in _toc.yml (root, then every ``file:``), as paths in the built site."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({key: value for key, value in toc.items() if key != "root"})
    return [re.sub(r"\.(md|ipynb)$", "", f) + ".html" for f in files]


class _Assets(html.parser.HTMLParser):
    """Collects what a page loads: (tag, attribute, url) and the bodies of inline scripts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.loads, self.inline_scripts = [], []
        self._script_type = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and set((attrs.get("rel") or "").split()) <= NAVIGATION_RELS and attrs.get("rel"):
            pass
        else:
            for name in LOADING_ATTRIBUTES.get(tag, ()):
                value = attrs.get(name)
                if value:
                    urls = [part.strip().split()[0] for part in value.split(",")] if name == "srcset" else [value]
                    self.loads += [(tag, name, url) for url in urls if url]
        style = attrs.get("style") or ""
        self.loads += [(tag, "style", url) for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", style)]
        if tag == "script" and not attrs.get("src"):
            self._script_type = attrs.get("type") or "text/javascript"

    def handle_data(self, data):
        if self._script_type is not None:
            self.inline_scripts.append((self._script_type, data))

    def handle_endtag(self, tag):
        if tag == "script":
            self._script_type = None


def parse(path):
    parser = _Assets()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def all_pages(site):
    return sorted(p for p in site.rglob("*.html") if "_vendor" not in p.parts and "_static" not in p.parts)


def test_every_toc_page_is_built(site):
    missing = [page for page in toc_pages() if not (site / page).is_file()]
    assert not missing, f"pages in _toc.yml missing from the build: {missing}"
    assert len(toc_pages()) >= 10  # intro, 7 chapters, glossary, references


def test_no_page_loads_anything_from_outside(site):
    offenders = []
    for path in all_pages(site):
        parser = parse(path)
        for tag, attribute, url in parser.loads:
            if re.match(r"^(https?:)?//", url, re.I):
                offenders.append(f"{path.relative_to(site)}: <{tag} {attribute}={url}>")
        for script_type, body in parser.inline_scripts:
            # Inline code (not data, such as the widget state) that names a remote URL.
            remote = re.search(r"https?://[^\s\"']+", body)
            if "javascript" in script_type and remote:
                offenders.append(f"{path.relative_to(site)}: inline script names {remote[0]}")
    assert not offenders, "the book must load nothing from outside the site:\n" + "\n".join(offenders)


def test_no_stylesheet_loads_from_outside(site):
    offenders = []
    for path in sorted(site.rglob("*.css")):
        text = path.read_text(encoding="utf-8", errors="replace")
        for url in re.findall(r"(?:url\(\s*['\"]?|@import\s+['\"])((?:https?:)?//[^'\")\s]+)", text):
            offenders.append(f"{path.relative_to(site)}: {url}")
    assert not offenders, "stylesheets load from outside the site (e.g. web fonts):\n" + "\n".join(offenders)


def test_every_local_asset_exists(site):
    missing = []
    for path in all_pages(site):
        for tag, attribute, url in parse(path).loads:
            parts = urllib.parse.urlsplit(url)
            if parts.scheme or parts.netloc or not parts.path or url.startswith("#"):
                continue
            target = (path.parent / urllib.parse.unquote(parts.path)).resolve()
            if not target.exists():
                missing.append(f"{path.relative_to(site)}: <{tag} {attribute}={url}>")
    assert not missing, "pages load files that are not in the build:\n" + "\n".join(missing)


def test_vendored_files_are_in_the_build(site):
    vendor = _load_vendor_module()
    lock = json.loads(vendor.LOCK.read_text())
    for name, spec in lock["packages"].items():
        directory = site / "_vendor" / spec["dest"]
        assert directory.is_dir(), f"{name}: {directory.relative_to(site)} missing from the build"
        digest, count = vendor.tree_digest(directory)
        assert digest == spec["tree_sha256"], (
            f"{name}@{spec['version']}: the files in {directory.relative_to(site)} do not match "
            "book/_ext/vendor.lock.json"
        )
    for required in ("mathjax/startup.js", "requirejs/require.js", "html-manager/embed-amd.js"):
        assert (site / "_vendor" / required).is_file(), required
    assert not (site / "_static" / "_vendor").exists(), "vendored files must live outside _static/"


def test_pages_use_the_vendored_scripts(site):
    """Pages with math load the local MathJax; pages with widgets draw them with the book's light
    renderer (or, for a widget model it does not know, the local RequireJS and full manager)."""
    with_math = with_widgets = 0
    for path in all_pages(site):
        text = path.read_text(encoding="utf-8")
        scripts = [url.split("?")[0] for tag, _, url in parse(path).loads if tag == "script"]
        local = {pathlib.PurePosixPath(*pathlib.PurePosixPath(s).parts[-3:]).as_posix() for s in scripts}
        names = {s.rsplit("/", 1)[-1] for s in scripts}
        if 'class="math' in text:
            with_math += 1
            assert "_vendor/mathjax/startup.js" in local, f"{path.relative_to(site)}: {scripts}"
        if "application/vnd.jupyter.widget-view+json" in text:
            with_widgets += 1
            assert "application/vnd.jupyter.widget-state+json" in text, f"{path.relative_to(site)}: no widget state"
            light = "lassobook-widgets.js" in names
            full = "_vendor/requirejs/require.js" in local and "embed-amd.js" in names
            assert light != full, f"{path.relative_to(site)}: one widget renderer expected, got {scripts}"
            if light:
                # Only models the light renderer draws (offline.LIGHT_MODELS, KNOWN in the JS).
                state = re.search(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', text, re.S)
                models = {spec["model_name"] for spec in json.loads(state.group(1))["state"].values()}
                js = (site / "_static" / "lassobook-widgets.js").read_text(encoding="utf-8")
                unknown = sorted(m for m in models if f"{m}:" not in js)
                assert not unknown, f"{path.relative_to(site)}: the light renderer does not draw {unknown}"
    assert with_widgets, "no page has a widget: are the sweeps in the book?"
    assert with_math, "no page has math: is MathJax wired in?"


def test_pages_load_no_icon_script(site):
    """The theme's fontawesome.js (1.5 MB of SVG icons) is dropped; its stylesheet draws the icons."""
    offenders = [str(p.relative_to(site)) for p in all_pages(site)
                 if any(url.split("?")[0].endswith("fontawesome.js") for _, _, url in parse(p).loads)]
    assert not offenders, f"pages still load fontawesome.js: {offenders}"
