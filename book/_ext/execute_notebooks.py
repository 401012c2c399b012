"""Re-execute notebooks in place, top to bottom in a fresh kernel, and strip widget state.

Usage: python book/_ext/execute_notebooks.py [book/*.ipynb ...]   (or: make notebooks)

The stored outputs are what nbval compares against, so they must come from a clean run. Widget
state (the sweeps' precomputed frames) is removed before the notebook is saved: the book's build
re-executes every notebook and embeds fresh state in the HTML, so the repository stays small.
"""

import pathlib
import sys
import time

import nbformat
from kernel_transport import CONFIG as KERNEL_CONFIG  # encrypted kernel transport, no ipykernel warning
from nbclient import NotebookClient
from nbconvert.preprocessors import CoalesceStreamsPreprocessor

BOOK = pathlib.Path(__file__).resolve().parents[1]


def execute(path):
    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
        store_widget_state=False,
        config=KERNEL_CONFIG,
    ).execute()
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
    # Consecutive stream outputs merged into one: how a cell's prints are split into messages
    # depends on timing, so the stored notebook would otherwise change from run to run (nbval
    # compares them merged too).
    CoalesceStreamsPreprocessor().preprocess(notebook, {})
    nbformat.write(notebook, path)
    size = path.stat().st_size
    shown = path.relative_to(BOOK.parent) if path.is_relative_to(BOOK.parent) else path
    print(f"{shown}: {time.perf_counter() - start:.1f} s, {size / 1e3:.0f} kB")
    if size > 1_000_000:
        raise SystemExit(f"{path} is {size / 1e6:.2f} MB: stored notebooks must stay under 1 MB")


if __name__ == "__main__":
    paths = [pathlib.Path(p).resolve() for p in sys.argv[1:]] or sorted(BOOK.glob("*.ipynb"))
    for path in paths:
        execute(path)
