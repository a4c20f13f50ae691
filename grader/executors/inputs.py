"""What a student's grade is computed from, as digests (content-addressed grades).

Each record (grade.json) carries its `inputs`: per graded assignment, the digest of the
student's notebook, of the assignment's test modules (hidden ones included) and of its
reference solution (or the shipped answers standing for it); the course's other test files
(conftest.py, helpers); the seed, the limits and the sandbox mode; the digest of the course's
secret (the grader's inputs are drawn from it); the kit (its version and the digest of its
source), torch's and Python's versions; what the submission is flagged for (a link, a file
shared with a classmate). `digest` covers all of it. A rerun regrades exactly the students
whose digest changed (a test fixed, a notebook resubmitted) and keeps the rest. How the grade
was made (warm or cold, local, a shard or a cluster) is no part of it: the records and the
gradebook are the same whichever way.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from grader.course import Course
from grader.course.matching import files_in
from grader.grading.secret import course_secret, secret_digest
from grader.reference.cache import SHIPPED_KEYS
from grader.settings import digest_part
from grader.submissions.students import Student
from grader.submissions.submitted import SubmittedNotebook, student_notebook

KIT_PACKAGE = Path(__file__).resolve().parents[1]  # the `grader` package of this kit
# As grader.plugin.options.SHIPPED_ANSWERS (not imported: it imports pytest and the grading).
SHIPPED_ANSWERS = Path("grader") / "reference_answers"
MEMORY_ENV_PREFIX = "GRADER_MEMORY"  # read by every kernel (grader/execution/kernel_main.py)


DIGEST_CHARS = 32  # of a SHA-256 in hex: 128 bits


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:DIGEST_CHARS]


def _files_digest(paths: list[Path], base: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        name = path.relative_to(base).as_posix() if path.is_relative_to(base) else path.name
        digest.update(f"{name}\0".encode() + path.read_bytes() + b"\0")
    return digest.hexdigest()[:DIGEST_CHARS]


@dataclass(frozen=True)
class ClassInputs:
    """What every student of a run shares: computed once per run."""

    kit: dict[str, str]
    settings: dict[str, Any]
    support: str  # the course's test files that belong to no assignment (conftest.py, ...)
    tests: dict[str, str]  # notebook name -> digest of its test modules
    references: dict[str, str]  # notebook name -> digest of its reference
    secret: str  # digest of the course's secret, which the grader's inputs are drawn from
    course_notebooks: tuple[str, ...] = ()  # every graded notebook of the course (matching)

    def for_student(self, student: Student, flags: list[str] | None = None) -> dict[str, Any]:
        """`flags`: what to look at in the submission (flags.py), a fact of what it is."""
        files = student_files(student, self.course_notebooks or tuple(self.tests))
        assignments = {
            name: {"notebook": notebook_digest(found),
                   "tests": self.tests[name], "reference": self.references[name]}
            for name in sorted(self.tests)
            for found in [student_notebook(student, files.get(name, name))]}
        inputs = {"assignments": assignments, "support": self.support,
                  "settings": self.settings, "kit": self.kit, "secret": self.secret,
                  **({"flags": flags} if flags else {})}
        return {"digest": _sha(json.dumps(inputs, sort_keys=True).encode()), **inputs}

    @property
    def course_part(self) -> dict[str, Any]:
        """What a cluster worker checks against its own copy of the course and of the kit."""
        return {"kit": self.kit, "support": self.support, "tests": self.tests,
                "references": self.references, "secret": self.secret}


def class_inputs(course: Course, solutions: Path, notebooks: list[str],
                 values: dict[str, Any]) -> ClassInputs:
    """`notebooks`: the graded notebook names (`01_tensors_and_loss.ipynb`, ...); `values`:
    the run's settings, resolved (grader/settings.py)."""
    return ClassInputs(kit=kit_identity(course.tests),
                       settings=grading_settings(values),
                       support=support_digest(course),
                       tests={name: _files_digest(course.tests_for(name), course.tests)
                              for name in notebooks},
                       references={name: reference_digest(course, solutions, name)
                                   for name in notebooks},
                       secret=secret_digest(course_secret(course.root)),
                       course_notebooks=tuple(course.graded_notebooks()))


def notebook_digest(found: SubmittedNotebook) -> str:
    """What a student's inputs hold of one notebook: its kind and its bytes."""
    return _sha(f"{found.kind}\0".encode() + found.content)


def notebook_digests(read: Mapping[str, SubmittedNotebook]) -> dict[str, str]:
    """Assignment -> the digest of the notebook read for it."""
    return {name: notebook_digest(found) for name, found in read.items()}


def as_read(inputs: dict[str, Any], read: Mapping[str, str]) -> dict[str, Any]:
    """A student's `inputs` with the digest of each notebook as it was read for grading
    (`read`: notebook_digests; grader/submissions/snapshot.py: the folder may have changed
    since the plan looked)."""
    if not read:
        return inputs
    body = {key: value for key, value in inputs.items() if key != "digest"}
    body["assignments"] = {
        name: {**parts, "notebook": read[name]} if name in read else parts
        for name, parts in inputs["assignments"].items()}
    return {"digest": _sha(json.dumps(body, sort_keys=True).encode()), **body}


def student_files(student: Student, course_notebooks: tuple[str, ...]) -> dict[str, str]:
    """Assignment -> the file of the student's folder graded as it (`02_x (1).ipynb` is
    02_x.ipynb), by the rule the grading run applies too (grader/course/matching.py). None
    for a student whose folder is a link: nothing below it is looked at."""
    return {} if student.link else files_in(student.notebooks, course_notebooks)


def support_digest(course: Course) -> str:
    """The tests folder's files other than test modules: conftest.py, helpers, manifests."""
    skipped = ("__pycache__", "reference_answers")
    files = [p for p in course.tests.rglob("*") if p.is_file()
             and not p.name.startswith(("test_", ".")) and p.suffix != ".pyc"
             and not any(part in skipped for part in p.relative_to(course.tests).parts)]
    return _files_digest(files, course.tests)


def reference_digest(course: Course, solutions: Path, notebook: str) -> str:
    solution = solutions / notebook
    if solution.is_file():
        return _sha(solution.read_bytes())
    keys = course.root / SHIPPED_ANSWERS / SHIPPED_KEYS  # a student kit: its answers instead
    shipped = json.loads(keys.read_text(encoding="utf-8")) if keys.is_file() else {}
    return _sha(f"shipped\0{shipped.get('notebooks', {}).get(notebook, 'none')}".encode())


def grading_settings(values: dict[str, Any]) -> dict[str, Any]:
    """The settings that change a grade (grader/settings.py marks them), and the memory
    variables every kernel reads from the grader's environment."""
    return {
        **digest_part(values),
        **{k: v for k, v in sorted(os.environ.items()) if k.startswith(MEMORY_ENV_PREFIX)},
    }


def kit_identity(course_tests: Path) -> dict[str, str]:
    """The kit's version and the digest of its source (an editable install changes without a
    new version), less any course tests kept inside it (this repository's); torch, Python.
    Hashed again only when a source file's size or time changed (a worker asks per task)."""
    sources = sorted(p for p in KIT_PACKAGE.rglob("*.py")
                     if not p.is_relative_to(course_tests)
                     and "assignments" not in p.relative_to(KIT_PACKAGE).parts[:1])
    stamp = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in sources)
    if stamp not in _KIT_IDENTITIES:
        _KIT_IDENTITIES.clear()
        _KIT_IDENTITIES[stamp] = {
            "version": _version("torch-grader"),
            "source": _files_digest(sources, KIT_PACKAGE)[:16],
            "torch": _version("torch"), "python": ".".join(map(str, sys.version_info[:2]))}
    return _KIT_IDENTITIES[stamp]


_KIT_IDENTITIES: dict[tuple[tuple[str, int, int], ...], dict[str, str]] = {}


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "unknown"


CHANGED = {"notebook": "a new notebook for {}", "tests": "new tests of {}",
           "reference": "a new reference solution of {}"}


def changed_parts(old: dict[str, Any] | None, new: dict[str, Any]) -> list[str]:
    """Why a student is regraded, in words: `new tests of 02_training_loop`, `a new notebook
    for 02_training_loop`, `settings`."""
    if not old:
        return ["not graded before"]
    changes = [CHANGED[part].format(Path(name).stem)
               for name, parts in new["assignments"].items()
               for part in ("notebook", "tests", "reference")
               if old.get("assignments", {}).get(name, {}).get(part) != parts[part]]
    changes += [what for what, key in (("new test helpers of the course", "support"),
                                       ("new settings", "settings"), ("a new kit", "kit"),
                                       ("a new secret of the course", "secret"),
                                       ("what the submission is flagged for", "flags"))
                if old.get(key) != new.get(key)]
    if set(old.get("assignments", {})) != set(new["assignments"]):
        changes.append("other assignments graded")
    return changes or ["its record"]
