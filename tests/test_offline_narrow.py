"""book/_ext/offline.py's narrow drawings: read from executed notebooks, served in <picture>."""

import base64
import hashlib
import importlib.util
import json
import pathlib

import pytest

OFFLINE_PY = pathlib.Path(__file__).resolve().parents[1] / "book" / "_ext" / "offline.py"


@pytest.fixture(scope="module")
def offline():
    pytest.importorskip("sphinx")
    spec = importlib.util.spec_from_file_location("lassobook_offline_test", OFFLINE_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _png(width, height, tag):
    """A PNG header (all the code reads) and a tag that makes the bytes unique."""
    return (b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + width.to_bytes(4, "big")
            + height.to_bytes(4, "big") + tag)


@pytest.fixture
def build(tmp_path):
    """A fake build: _build/html/book/page.html with two figures, one with a narrow drawing in
    the executed notebook (_build/jupyter_execute/book/page.ipynb), one without."""
    wide, other, narrow = _png(1204, 800, b"wide"), _png(1204, 800, b"other"), _png(720, 600, b"narrow")
    html_dir = tmp_path / "_build" / "html"
    (html_dir / "_images").mkdir(parents=True)
    (html_dir / "book").mkdir()
    digest = hashlib.sha256(wide).hexdigest()
    (html_dir / "_images" / f"{digest}.png").write_bytes(wide)
    (html_dir / "_images" / "other.png").write_bytes(other)
    executed = tmp_path / "_build" / "jupyter_execute" / "book"
    executed.mkdir(parents=True)
    outputs = [
        {"output_type": "display_data", "data": {"image/png": base64.b64encode(wide).decode()},
         "metadata": {"image/png": {"width": 602}, "lassobook": {"narrow": base64.b64encode(narrow).decode()}}},
        {"output_type": "display_data", "data": {"image/png": base64.b64encode(other).decode()}, "metadata": {}},
    ]
    (executed / "page.ipynb").write_text(json.dumps({"cells": [{"cell_type": "code", "outputs": outputs}]}))
    page = html_dir / "book" / "page.html"
    page.write_text(
        f'<a href="../_images/{digest}.png"><img alt="A figure" src="../_images/{digest}.png" '
        'style="width: 602px;" width="1204" height="800" /></a>\n'
        '<img alt="Another" src="../_images/other.png" width="1204" height="800" />\n')
    return html_dir, page, digest, narrow


def test_narrow_drawings_are_read_from_the_executed_notebooks(offline, build):
    html_dir, _, digest, narrow = build
    assert offline.narrow_drawings(html_dir) == {digest: narrow}


def test_figure_with_a_narrow_drawing_is_wrapped_in_picture(offline, build):
    html_dir, page, digest, narrow = build
    drawings = offline.narrow_drawings(html_dir)
    text = offline.serve_narrow_drawings(page.read_text(), page, html_dir, drawings)
    name = digest[:32] + ".png"
    assert (html_dir / "_images" / "narrow" / name).read_bytes() == narrow
    assert text.count("<picture") == 1  # the figure without a narrow drawing is left alone
    assert (f'<picture class="lassobook-narrow"><source media="(max-width: 600px)" '
            f'srcset="../_images/narrow/{name}" width="720" height="600"><img alt="A figure" '
            f'src="../_images/{digest}.png" style="width: 602px;" width="1204" height="800" /></picture></a>') in text
    assert '<img alt="Another" src="../_images/other.png"' in text
    # Run again on its own output (an incremental build): nothing changes.
    assert offline.serve_narrow_drawings(text, page, html_dir, drawings) == text


def test_glued_figure_drawings_are_read_too(offline, build):
    """A figure glued for a {glue:figure} directive (lassolib.figures.show(fig, glue=name)) keeps
    its PNG under myst-nb's prefixed MIME key; its narrow drawing is found all the same."""
    html_dir, _, digest, narrow = build
    glued, glued_narrow = _png(1000, 700, b"glued"), _png(720, 500, b"glued-narrow")
    path = html_dir.parent / "jupyter_execute" / "book" / "glued.ipynb"
    output = {"output_type": "display_data",
              "data": {"application/papermill.record/image/png": base64.b64encode(glued).decode()},
              "metadata": {"scrapbook": {"name": "fig", "mime_prefix": "application/papermill.record/"},
                           "lassobook": {"narrow": base64.b64encode(glued_narrow).decode()}}}
    path.write_text(json.dumps({"cells": [{"cell_type": "code", "outputs": [output]}]}))
    assert offline.narrow_drawings(html_dir) == {
        digest: narrow, hashlib.sha256(glued).hexdigest(): glued_narrow}


def test_glued_drawings_are_read_from_the_source_notebooks(offline, build, tmp_path):
    """myst-nb drops glued outputs from the notebooks it writes to jupyter_execute/; the book's
    own notebooks (their stored outputs) are read as well."""
    html_dir, _, digest, narrow = build
    glued, glued_narrow = _png(1000, 700, b"stored-glued"), _png(720, 500, b"stored-narrow")
    source = tmp_path / "book-sources"
    source.mkdir()
    output = {"output_type": "display_data",
              "data": {"application/papermill.record/image/png": base64.b64encode(glued).decode()},
              "metadata": {"lassobook": {"narrow": base64.b64encode(glued_narrow).decode()}}}
    (source / "chapter.ipynb").write_text(json.dumps({"cells": [{"cell_type": "code", "outputs": [output]}]}))
    assert offline.narrow_drawings(html_dir) == {digest: narrow}
    assert offline.narrow_drawings(html_dir, sources=[source]) == {
        digest: narrow, hashlib.sha256(glued).hexdigest(): glued_narrow}
