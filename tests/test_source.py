"""lassolib.show_source: the book's code listings, without reST docstrings."""

import ast

import pytest

import lassolib
from lassolib._source import source_without_docstring


@pytest.mark.parametrize(
    "obj", [lassolib.soft_threshold, lassolib.coordinate_descent_sweeps, lassolib.normalize_features]
)
def test_listing_is_valid_python_without_rest_markup(obj):
    text = source_without_docstring(obj)
    tree = ast.parse(text)  # still valid code
    assert tree.body and ".. math::" not in text and ":math:" not in text
    doc = ast.get_docstring(tree.body[0])
    assert doc and "\n" not in doc


def test_markdown_is_a_python_code_block():
    md = lassolib.show_source(lassolib.soft_threshold)._repr_markdown_()
    assert md.startswith("```python\ndef soft_threshold(") and md.rstrip().endswith("```")


def test_refuses_what_has_no_source():
    with pytest.raises(ValueError, match="obj must be a function or class"):
        lassolib.show_source(42)


def _library_files():
    import pathlib

    return sorted(pathlib.Path(lassolib.__file__).parent.glob("*.py"))


@pytest.mark.parametrize("path", _library_files(), ids=lambda p: p.name)
def test_docstrings_have_no_escapes_turned_into_control_characters(path):
    # A raw docstring written through a tool that interpreted "\t" and "\r" once turned
    # _polish's ":math:`\lVert y - H_S v\rVert^2 + \lambda s^\top v`" into a line break and
    # two tabs. No control character but the newline belongs in the source, and no line of a
    # function's or class's docstring starts left of the body's indentation.
    text = path.read_text(encoding="utf-8")
    bad = sorted({hex(ord(c)) for c in text if ord(c) < 32 and c != "\n"})
    assert not bad, f"{path.name}: control characters {bad}"
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            continue
        doc = ast.get_docstring(node, clean=False)
        if doc is None:
            continue
        indent = node.col_offset + 4
        for line in doc.split("\n")[1:]:
            if line.strip():
                assert len(line) - len(line.lstrip(" ")) >= indent, (
                    f"{path.name}: {node.name}'s docstring has a line left of its body: {line!r}"
                )
