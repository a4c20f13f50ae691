"""The few git commands autograding needs. Nothing here checks out or runs the pull request:
its files are read as blobs (`git show`), the base's are unpacked with `git archive`."""

from __future__ import annotations

import subprocess
import tarfile
from pathlib import Path

from grader.errors import GraderError


def git(repo: Path, *args: str) -> bytes:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True)
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip()
        raise GraderError(f"`git {' '.join(args)}` failed in {repo}: {message}")
    return done.stdout


def commit_of(repo: Path, ref: str) -> str:
    """The full commit id a ref names (a ref that looks like an option is refused)."""
    if not ref or ref.startswith("-"):
        raise GraderError(f"{ref!r} is not a git ref")
    try:
        return git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").decode().strip()
    except GraderError:
        raise GraderError(f"{ref!r} is not a commit of the repository in {repo} "
                          "(fetch it first?)") from None


def file_at(repo: Path, commit: str, path: str) -> bytes:
    """The bytes of `path` in `commit`, as stored (no checkout, no filters)."""
    return git(repo, "cat-file", "blob", f"{commit}:{path}")


FILE_MODES = ("100644", "100755")
LINK_MODE = "120000"  # 160000: a submodule, 040000: a tree


def mode_at(repo: Path, commit: str, path: str) -> str:
    """The git mode of `path` in `commit`: 100644 or 100755 (a file), 120000 (a symbolic
    link, whose blob is the text of its target), 160000 (a submodule), 040000 (a tree)."""
    listed = git(repo, "ls-tree", "-z", "--full-tree", commit, "--", path)
    entry = listed.split(b"\0", 1)[0]
    return entry.split(b" ", 1)[0].decode() if entry else ""


def unpack(repo: Path, commit: str, destination: Path) -> None:
    """Write the tree of `commit` into `destination` (`git archive | tar -x`)."""
    destination.mkdir(parents=True, exist_ok=True)
    with subprocess.Popen(["git", "-C", str(repo), "archive", "--format=tar", commit],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as archive:
        assert archive.stdout is not None
        with tarfile.open(fileobj=archive.stdout, mode="r|") as tar:
            if hasattr(tarfile, "data_filter"):  # Python >= 3.10.12 / 3.11.4
                tar.extractall(destination, filter="data")
            else:
                tar.extractall(destination)
        error = archive.stderr.read().decode(errors="replace") if archive.stderr else ""
    if archive.returncode != 0:
        raise GraderError(f"`git archive {commit}` failed in {repo}: {error.strip()}")
