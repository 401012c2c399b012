"""Encrypted transport for the kernels that execute the book's notebooks.

ipykernel (>= 7.3) logs "Kernel is running over TCP without encryption" at every start unless its
kernel manager provisioned CurveZMQ keys (or the transport is IPC). jupyter_client's
``KernelManager.transport_encryption`` policy ``"auto"`` provisions them whenever the kernelspec
declares support (ipykernel's does) and pyzmq has CurveZMQ; the default is ``"disabled"``.

The book's executors create their kernel managers without any configuration (myst-nb through
jupyter-cache and nbclient; no Jupyter config file is read on that path, so JUPYTER_CONFIG_DIR
cannot set it), so:

- as a Sphinx extension (``_config.yml``: ``local_extensions``), this sets the policy as the
  default of every KernelManager in the build process;
- ``CONFIG`` is the same setting as traitlets configuration, for code that creates its own
  ``NotebookClient`` (book/_ext/execute_notebooks.py).

IPC transport would avoid TCP altogether, but jupyter_client puts the IPC sockets at a path
relative to the current directory ("kernel-ipc") when it has no connection file yet, and the
kernel runs in the notebook's directory, so the two never meet.
"""

import zmq
from jupyter_client.manager import KernelManager
from traitlets.config import Config

POLICY = "auto" if zmq.has("curve") else "disabled"
CONFIG = Config({"KernelManager": {"transport_encryption": POLICY}})


def encrypt_kernel_transport():
    """Make ``transport_encryption = POLICY`` the default of every KernelManager in this process."""
    KernelManager.class_traits()["transport_encryption"].default_value = POLICY


def setup(app):
    encrypt_kernel_transport()
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
