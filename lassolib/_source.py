"""Show the library's own code in the book: the loop, without its docstring's reST markup.

The book prints the code that runs (house style 5), but a docstring full of ``:math:`` roles and
``.. math::`` blocks is noise on the page: :func:`show_source` returns the source with the
docstring replaced by its first line, rendered as a highlighted code block in the book and in
JupyterLab (a ``text/markdown`` output), and as plain text elsewhere.
"""

import ast
import inspect
import textwrap

__all__ = ["show_source", "source_without_docstring"]


def source_without_docstring(obj):
    """The source of a function or class, with its docstring cut to a one-line comment-free summary.

    Decorators are kept; the docstring's first sentence stays as a one-line docstring so that the
    reader still sees what the function is for.
    """
    if not (inspect.isfunction(obj) or inspect.isclass(obj) or inspect.ismethod(obj)):
        obj = getattr(obj, "py_func", obj)  # a numba dispatcher keeps the Python function here
    if not (inspect.isfunction(obj) or inspect.isclass(obj) or inspect.ismethod(obj)):
        raise ValueError(f"obj must be a function or class defined in Python source, got {obj!r}")
    source = textwrap.dedent(inspect.getsource(obj))
    tree = ast.parse(source)
    node = tree.body[0]
    doc = ast.get_docstring(node, clean=True)
    if not doc:
        return source.rstrip() + "\n"
    first = node.body[0]
    lines = source.splitlines()
    summary = doc.strip().split("\n\n")[0].replace("\n", " ")
    summary = summary.replace("``", "`").replace(":math:", "").replace(":func:", "")
    indent = " " * first.col_offset
    replacement = [f'{indent}"""{summary}"""']
    kept = lines[: first.lineno - 1] + replacement + lines[first.end_lineno :]
    return "\n".join(kept).rstrip() + "\n"


class _Code:
    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text

    def _repr_markdown_(self):
        return f"```python\n{self.text}```\n"


def show_source(obj):
    """The code of ``obj`` for display in a notebook: a highlighted block without the reST docstring."""
    return _Code(source_without_docstring(obj))
