"""The book's executors start kernels with encrypted transport: no "running over TCP without
encryption" warning in the build log (book/_ext/kernel_transport.py).

Each case executes a one-cell notebook in a subprocess through the same code path as the build
(jupyter-cache's ``single_nb_execution``, which myst-nb calls) or as ``make notebooks``
(``NotebookClient`` with ``kernel_transport.CONFIG``), and reads the kernel's stderr.
"""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
EXT = ROOT / "book" / "_ext"
WARNING = "running over TCP without encryption"

PROGRAM = """
import sys
sys.path.insert(0, {ext!r})
import nbformat
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(6 * 7)")])
nb.metadata["kernelspec"] = {{"name": "python3", "display_name": "Python 3", "language": "python"}}
mode = {mode!r}
if mode == "sphinx extension":
    import kernel_transport
    kernel_transport.setup(app=None)
if mode in ("sphinx extension", "unconfigured"):
    from jupyter_cache.executors.utils import single_nb_execution
    result = single_nb_execution(nb, cwd={cwd!r}, timeout=120, allow_errors=False)
    assert result.err is None, result.exc_string
else:
    from kernel_transport import CONFIG
    from nbclient import NotebookClient
    NotebookClient(nb, timeout=120, config=CONFIG, resources={{"metadata": {{"path": {cwd!r}}}}}).execute()
print("output:", nb.cells[0].outputs[0]["text"].strip())
"""


def run(mode):
    code = PROGRAM.format(ext=str(EXT), mode=mode, cwd=str(ROOT / "book"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "output: 42" in out.stdout
    return out.stderr


@pytest.mark.parametrize("mode", ["sphinx extension", "notebook runner"])
def test_no_unencrypted_tcp_warning(mode):
    assert WARNING not in run(mode)


def test_the_warning_is_there_without_the_setting():
    """The control: without the extension the same execution prints it (so the tests can fail)."""
    if WARNING not in run("unconfigured"):
        pytest.skip("this ipykernel does not warn about unencrypted TCP: nothing to control")


def test_the_book_loads_the_extension():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["sphinx"]["local_extensions"]["kernel_transport"] == "book/_ext"
