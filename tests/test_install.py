"""The pinned set installs on every Python the README names, and make refuses the others clearly.

For every python3.x found on this machine (PATH, /usr/bin, pyenv), a fresh venv (cached in the
temporary directory, keyed by the interpreter) resolves ``requirements.txt`` with
``constraints.txt`` using the pip that venv brings: ``pip install --dry-run --ignore-installed``.
On Python >= 3.11 the resolution must succeed and install exactly the pinned versions; older
interpreters must be refused by ``make check-python`` with a message naming the version needed
and how to choose another. The resolutions run in parallel and take minutes (20 on this loaded
2-core machine with a cold pip cache); a success is remembered for the same pinned files and
interpreter, so later runs take seconds (marked ``install``; ``make test-fast`` skips them).
"""

import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from packaging.markers import Marker

pytestmark = pytest.mark.install

ROOT = Path(__file__).resolve().parents[1]
SUPPORTED = (3, 11)
CACHE = Path(tempfile.gettempdir()) / "lassolib-resolve-venvs"
NETWORK_TROUBLE = re.compile(r"NewConnectionError|Could not fetch URL|ConnectTimeout|Temporary failure in name resolution")


def interpreters():
    """{version string: path} for every distinct python3.x interpreter found here."""
    candidates = {sys.executable, "/usr/bin/python3"}
    for minor in range(8, 16):
        found = shutil.which(f"python3.{minor}")
        if found and "/.pyenv/shims/" not in found:  # slow shell shims; pyenv's versions are globbed below
            candidates.add(found)
    candidates.update(glob.glob(os.path.expanduser("~/.pyenv/versions/3.*/bin/python3")))
    found = {}
    for path in sorted(candidates):
        if not os.path.exists(path):
            continue
        out = subprocess.run(
            [path, "-c", "import platform; print(platform.python_version())"],
            capture_output=True, text=True,
        )
        if out.returncode == 0:
            found.setdefault(out.stdout.strip(), path)
    return found


INTERPRETERS = interpreters()


def version_tuple(version):
    return tuple(int(part) for part in re.findall(r"\d+", version)[:3])


def pins():
    """{normalized name: [(version, marker or None)]} from constraints.txt."""
    out = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement, _, marker = line.partition(";")
        name, _, version = requirement.partition("==")
        out.setdefault(re.sub(r"[-_.]+", "-", name.strip()).lower(), []).append(
            (version.strip(), marker.strip() or None)
        )
    return out


def pinned_set_digest():
    digest = hashlib.sha256()
    for name in ("requirements.txt", "constraints.txt"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()[:16]


def resolve(version):
    """Dry-run the pinned install with a fresh venv's own pip; returns (returncode, output, report).

    A successful resolution is remembered for the same requirements, constraints and interpreter
    (the report is kept next to the venv); set LASSOLIB_RESOLVE_FRESH=1 to resolve again anyway.
    """
    python = INTERPRETERS[version]
    venv = CACHE / version
    report = venv / f"report-{pinned_set_digest()}.json"
    if report.exists() and os.environ.get("LASSOLIB_RESOLVE_FRESH", "") != "1":
        return 0, "(remembered)", json.loads(report.read_text())
    if not (venv / "bin" / "python").exists():
        subprocess.run([python, "-m", "venv", "--clear", str(venv)], check=True, capture_output=True)
    report.unlink(missing_ok=True)
    out = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--dry-run", "--ignore-installed",
         "--disable-pip-version-check", "--quiet", "--report", str(report),
         "-r", "requirements.txt", "-c", "constraints.txt"],
        capture_output=True, text=True, cwd=ROOT, timeout=1800,
    )
    data = json.loads(report.read_text()) if out.returncode == 0 and report.exists() else None
    return out.returncode, out.stdout + out.stderr, data


@pytest.fixture(scope="module")
def resolutions():
    supported = [v for v in INTERPRETERS if version_tuple(v) >= SUPPORTED]
    with ThreadPoolExecutor(max_workers=len(supported) or 1) as pool:
        return dict(zip(supported, pool.map(resolve, supported)))


def test_the_machine_has_the_interpreters_the_readme_names():
    minors = {version_tuple(v)[:2] for v in INTERPRETERS}
    assert {(3, 11), (3, 12), (3, 13)} <= minors, sorted(INTERPRETERS)


@pytest.mark.parametrize("version", [v for v in INTERPRETERS if version_tuple(v) >= SUPPORTED])
def test_pinned_set_resolves(version, resolutions):
    returncode, output, report = resolutions[version]
    if returncode != 0 and NETWORK_TROUBLE.search(output):
        pytest.skip(f"no package index reachable: {NETWORK_TROUBLE.search(output).group(0)}")
    errors = "\n".join(line for line in output.splitlines() if not line.startswith("WARNING: Location"))
    assert returncode == 0, f"Python {version}: the pinned set does not resolve:\n{errors[-3000:]}"
    pinned = pins()
    for item in report["install"]:
        name = re.sub(r"[-_.]+", "-", item["metadata"]["name"]).lower()
        got = item["metadata"]["version"]
        assert name in pinned, f"Python {version}: {name} {got} is not pinned in constraints.txt"
        environment = report["environment"]
        allowed = [v for v, marker in pinned[name] if marker is None or Marker(marker).evaluate(environment)]
        assert got in allowed, f"Python {version}: {name} resolved to {got}, pinned {allowed}"


@pytest.mark.parametrize("version", [v for v in INTERPRETERS if version_tuple(v) < SUPPORTED] or ["none"])
def test_make_refuses_older_pythons_clearly(version, tmp_path):
    if version == "none":
        pytest.skip("no python3.x older than 3.11 on this machine")
    if shutil.which("make") is None:
        pytest.skip("no make")
    python = INTERPRETERS[version]
    out = subprocess.run(
        ["make", "-s", "check-python", f"PYTHON={python}", f"VENV={tmp_path / 'no-venv'}"],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert out.returncode != 0
    assert f"is Python {version}" in out.stderr
    assert "needs Python 3.11 or newer" in out.stderr
    assert "PYTHON=python3.12 make book" in out.stderr


def test_make_accepts_supported_pythons(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("no make")
    for version, python in INTERPRETERS.items():
        if version_tuple(version) >= SUPPORTED:
            out = subprocess.run(
                ["make", "-s", "check-python", f"PYTHON={python}", f"VENV={tmp_path / 'no-venv'}"],
                capture_output=True, text=True, cwd=ROOT,
            )
            assert out.returncode == 0, (version, out.stderr)


def test_readme_states_the_supported_versions():
    readme = (ROOT / "README.md").read_text()
    assert "Python 3.11, 3.12 or 3.13" in readme
    for version in INTERPRETERS:
        if version_tuple(version) >= SUPPORTED:
            assert version in readme, f"README does not list the tested Python {version}"


def test_make_lab_starts_as_root_too(tmp_path):
    """As root (as in many containers) JupyterLab needs --allow-root; make lab passes it and says so."""
    if shutil.which("make") is None:
        pytest.skip("no make")
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "jupyter").write_text('#!/bin/sh\necho "jupyter $*"\n')
    (fake / "jupyter").chmod(0o755)
    stamp = tmp_path / "installed"
    stamp.touch()  # newer than requirements.txt: no install
    out = subprocess.run(
        ["make", "-s", "lab", f"BIN={fake}", f"STAMP={stamp}"], capture_output=True, text=True, cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr
    if os.geteuid() == 0:
        assert "running as root, so JupyterLab is started with --allow-root" in out.stdout
        assert "jupyter lab --allow-root book/" in out.stdout
    else:
        assert "jupyter lab book/" in out.stdout and "--allow-root" not in out.stdout
