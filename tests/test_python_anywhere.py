"""Grading works with every sandbox layer wherever the Python installation lies.

The kernels' private root once bound the installation, then mounted the scratch folder over
/tmp: with Python under /tmp (a venv made there, a CI tool cache) every kernel died, and the
TA read "Kernel died before replying to kernel_info". Here an installation is spread over the
places that matter: its base interpreter under /tmp (hard links of this one's, so every file
is really there), a venv under /dev/shm reached through a symlink under /tmp, and the packages
(this run's site-packages, hard-linked under /tmp) added by a .pth file's `import` line, as
editable installs do. A class graded with it gets the gradebook of one graded with this run's
own Python, warm and cold, with every layer recorded. An installation that only its owner can
read defeats one layer (the kernel's own uid cannot read it): `auto` leaves that layer out,
says which, why and what to do, grades with the others and records them; `strict` refuses,
saying the same.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from grader.sandbox.policy import LAYERS, OWN_UID
from tests.corpus.harness import ASSIGNMENTS, SOLUTIONS
from tests.test_attacks_in_kernel import require_every_layer

NOTEBOOK = "01_tensors_and_loss.ipynb"
VERSION = f"python{sys.version_info.major}.{sys.version_info.minor}"


@dataclass(frozen=True)
class Scattered:
    python: Path  # the venv's interpreter, named through the link
    link: Path  # under /tmp, to the venv
    venv: Path  # under /dev/shm
    base: Path  # the base interpreter's installation, under /tmp
    packages: Path  # site-packages, under /tmp, added by a .pth file


def scatter(root: Path) -> Iterator[Scattered]:
    """Make the spread installation under `root` (a folder under /tmp) and /dev/shm."""
    base, packages = root / "base", root / "packages"
    subprocess.run(["cp", "-al", sys.base_prefix, str(base)], check=True)
    subprocess.run(["cp", "-al", site.getsitepackages()[0], str(packages)], check=True)
    shm = Path(tempfile.mkdtemp(prefix="grader-test-python-", dir="/dev/shm"))
    try:
        venv = shm / "venv"
        subprocess.run([str(base / "bin" / VERSION), "-m", "venv", "--without-pip", str(venv)],
                       check=True)
        (venv / "lib" / VERSION / "site-packages" / "scattered.pth").write_text(
            f"import site; site.addsitedir({str(packages)!r})\n")
        link = root / "link"
        link.symlink_to(venv)
        yield Scattered(link / "bin" / "python", link, venv, base, packages)
    finally:
        shutil.rmtree(shm, ignore_errors=True)


@pytest.fixture(scope="module")
def scattered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scattered]:
    yield from scatter(tmp_path_factory.mktemp("python-anywhere"))


@pytest.fixture(scope="module")
def usual(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """The class's gradebook graded with this run's own Python, every layer (strict): what
    every installation below must give (its grades; the layers are each test's own)."""
    require_every_layer()
    root = tmp_path_factory.mktemp("usual")
    done = _grade(Path(sys.executable), _class(root / "submissions"), root / "out",
                  "--sandbox", "strict")
    assert done.returncode == 0, f"{done.stdout[-2000:]}{done.stderr[-3000:]}"
    book = _book(root / "out")
    assert book.loc["alice", "total"] > 0 and book.loc["bob", "total"] < \
        book.loc["alice", "total"]
    assert book["sandbox"].str.startswith("strict: " + " ".join(LAYERS)).all(), book["sandbox"]
    return book


@pytest.fixture
def owners_only(tmp_path: Path) -> Iterator[Scattered]:
    """The same, with its packages in a folder only its owner (root) may read (a umask of
    077). Only folders made here are changed: the files are hard links of this run's."""
    for installation in scatter(tmp_path):
        installation.packages.chmod(0o700)
        yield installation


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items()
            if not k.startswith(("PYTEST_", "PYTHON", "VIRTUAL_ENV", "GRADER_SANDBOX"))}


def _class(root: Path) -> Path:
    for student, folder in (("alice", SOLUTIONS), ("bob", ASSIGNMENTS)):
        (root / student).mkdir(parents=True)
        shutil.copy(folder / NOTEBOOK, root / student / NOTEBOOK)
    return root


def _grade(python: Path, submissions: Path, out: Path, *options: str
           ) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(python), "-m", "grader.cli", "grade", str(submissions), "--out", str(out),
         "-j", "2", "--assignment", Path(NOTEBOOK).stem, *options],
        env=_env(), capture_output=True, text=True, timeout=900)


def _book(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "gradebook.csv").set_index("student")


def _grades(book: pd.DataFrame) -> pd.DataFrame:
    return book[[c for c in book.columns if c not in ("seconds", "sandbox")]]


@pytest.mark.slow
def test_the_scattered_python_really_runs_from_tmp_dev_shm_and_the_link(
        scattered: Scattered) -> None:
    where = subprocess.run(
        [str(scattered.python), "-c", "import json, sys, torch, ipykernel, grader; print("
         "json.dumps([sys.prefix, sys.base_prefix, torch.__file__, ipykernel.__file__]))"],
        env=_env(), capture_output=True, text=True, check=True).stdout
    prefix, base, torch_file, ipykernel_file = json.loads(where)
    assert prefix == str(scattered.link)
    assert os.path.realpath(prefix) == str(scattered.venv) and prefix.startswith("/tmp/")
    assert str(scattered.venv).startswith("/dev/shm/")
    assert base == str(scattered.base)
    assert torch_file.startswith(str(scattered.packages))
    assert ipykernel_file.startswith(str(scattered.packages))


@pytest.mark.slow
def test_a_class_graded_with_python_under_tmp_and_dev_shm_gets_the_same_gradebook(
        scattered: Scattered, usual: pd.DataFrame, tmp_path: Path) -> None:
    """Every layer (strict: grade with all of them or refuse), warm and cold."""
    require_every_layer()
    submissions = _class(tmp_path / "submissions")
    runs = {"scattered": _grade(scattered.python, submissions, tmp_path / "scattered",
                                "--sandbox", "strict"),
            "scattered, cold": _grade(scattered.python, submissions, tmp_path / "cold",
                                      "--sandbox", "strict", "--cold")}
    for name, done in runs.items():
        assert done.returncode == 0, f"{name}: {done.stdout[-2000:]}{done.stderr[-3000:]}"
    every_layer = "strict: " + " ".join(LAYERS)
    for out in ("scattered", "cold"):
        book = _book(tmp_path / out)
        pd.testing.assert_frame_equal(_grades(book), _grades(usual))
        assert book["sandbox"].str.startswith(every_layer).all(), book["sandbox"]


@pytest.mark.slow
def test_an_installation_only_its_owner_can_read_leaves_out_own_uid_says_why_and_grades(
        owners_only: Scattered, usual: pd.DataFrame, tmp_path: Path) -> None:
    """auto: the other layers, the same grades, the missing layer named with its reason and
    fix in the batch's output and in every results.json; strict: refused, saying the same."""
    require_every_layer()
    submissions = _class(tmp_path / "submissions")
    done = _grade(owners_only.python, submissions, tmp_path / "auto")
    refused = _grade(owners_only.python, submissions, tmp_path / "strict", "--sandbox", "strict")

    assert done.returncode == 0, done.stdout + done.stderr
    book = _book(tmp_path / "auto")
    pd.testing.assert_frame_equal(_grades(book), _grades(usual))
    others = [layer for layer in LAYERS if layer != OWN_UID]
    assert book["sandbox"].str.startswith("auto: " + " ".join(others) + " ").all(), book
    said = done.stdout + done.stderr
    assert f"missing: {OWN_UID}: {owners_only.packages}" in said, said
    assert "drwx------" in said and f"chmod -R a+rX {owners_only.packages}" in said, said
    results = json.loads((tmp_path / "auto" / "students" / "alice" / "results.json").read_text())
    sandbox = results["extra_data"]["sandbox"]
    assert sandbox["missing"] == [OWN_UID]
    assert str(owners_only.packages) in sandbox["why_missing"][OWN_UID]
    assert refused.returncode != 0 and OWN_UID in refused.stderr
    assert str(owners_only.packages) in refused.stderr, refused.stderr
    assert "--cold" not in refused.stderr
