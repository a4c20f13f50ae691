"""The kit that runs, as a wheel: what `grader init` puts in a new course's `kit/` folder (the
students install it from there: the kit is not on a package index) and what the Gradescope
autograder installs from its zip.

Built from the installed files themselves, with no pip and no build backend (a Python may
have neither): the `grader` package as it lies here, less caches and this repository's own
course tests, and the distribution's metadata (name, version, dependencies, the `grader`
command). The same kit gives the same bytes, so a course's copy changes only with the kit.
"""

from __future__ import annotations

import base64
import hashlib
import zipfile
from importlib import metadata
from pathlib import Path

from grader.errors import GraderError

DISTRIBUTION = "torch-grader"
TAG = "py3-none-any"
PACKAGE = Path(__file__).resolve().parents[1]  # this kit's `grader` package
SKIPPED = {"__pycache__", "reference_answers"}
COURSE_CONTENT = "assignments"  # grader/assignments: the reference course's tests, not the kit
METADATA_FILES = ("METADATA", "entry_points.txt", "top_level.txt")
WHEEL = f"Wheel-Version: 1.0\nGenerator: torch-grader\nRoot-Is-Purelib: true\nTag: {TAG}\n"
DATE = (2020, 1, 1, 0, 0, 0)  # every entry's: the bytes depend on the files only
DEFAULT_TORCH = "2.13.0"  # where torch is not installed: the version the kit is tested with


def wheel_name() -> str:
    """`torch_grader-0.1.0-py3-none-any.whl`, for the kit that runs."""
    return f"{_normalized()}-{_distribution().version}-{TAG}.whl"


def build_kit_wheel(folder: Path) -> Path:
    """Write the running kit's wheel into `folder`; returns its path."""
    distribution = _distribution()
    info = f"{_normalized()}-{distribution.version}.dist-info"
    files = [(f"grader/{path.relative_to(PACKAGE).as_posix()}", path.read_bytes())
             for path in _package_files()]
    for name in METADATA_FILES:
        # An egg-info (a source checkout on the path) calls the core metadata PKG-INFO.
        text = distribution.read_text(name) or (
            distribution.read_text("PKG-INFO") if name == "METADATA" else None)
        if text is not None:
            files.append((f"{info}/{name}", text.encode("utf-8")))
    files.append((f"{info}/WHEEL", WHEEL.encode("utf-8")))
    record = "".join(f"{name},sha256={_digest(content)},{len(content)}\n"
                     for name, content in files) + f"{info}/RECORD,,\n"
    files.append((f"{info}/RECORD", record.encode("utf-8")))
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / wheel_name()
    temporary = target.with_name(f".{target.name}.tmp")
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as wheel:
        for name, content in files:
            entry = zipfile.ZipInfo(name, DATE)
            entry.external_attr = 0o100644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            wheel.writestr(entry, content)
    temporary.replace(target)
    return target


def torch_version() -> str:
    """The torch the kit runs with, without its local tag (2.13.0+cpu -> 2.13.0): the one a
    course's students and its autograder install."""
    try:
        return metadata.version("torch").split("+")[0]
    except metadata.PackageNotFoundError:
        return DEFAULT_TORCH


def _package_files() -> list[Path]:
    files = []
    for path in sorted(PACKAGE.rglob("*")):
        parts = path.relative_to(PACKAGE).parts
        if path.is_file() and path.suffix != ".pyc" and not SKIPPED & set(parts) \
                and parts[0] != COURSE_CONTENT:
            files.append(path)
    return files


def _distribution() -> metadata.Distribution:
    """The kit's installed metadata: a dist-info (pip's) before an egg-info (a source
    checkout's build leftovers, which may be stale, when the checkout is on the path)."""
    found = sorted(metadata.distributions(name=DISTRIBUTION),
                   key=lambda d: d.read_text("METADATA") is None)
    if not found:
        raise GraderError(f"the kit runs from {PACKAGE} without being installed, so it has no "
                          "version to put in a wheel: install it (`pip install .` in its "
                          "folder)")
    return found[0]


def _normalized() -> str:
    return DISTRIBUTION.replace("-", "_")


def _digest(content: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(content).digest()).rstrip(b"=").decode()
