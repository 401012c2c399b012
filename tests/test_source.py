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
