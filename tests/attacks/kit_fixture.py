"""One student kit per test process: building one runs every reference solution (about 15 s),
and the tests that read a kit (the replay attack's answers, the kit's own secret) only read it.
A module's `kit` fixture returns `student_kit(tmp_path_factory)`: modules run by one process
(one xdist worker) pay for one build."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.release.student_kit import build_student_kit
from tests.corpus.harness import COURSE, SOLUTIONS

_BUILT: dict[Path, Path] = {}  # the session's base temporary folder -> its kit


def student_kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The course's student kit, built once per session of this process (read it only)."""
    base = tmp_path_factory.getbasetemp()
    if base not in _BUILT:
        _BUILT[base] = build_student_kit(tmp_path_factory.mktemp("kit") / "student-kit",
                                         COURSE, SOLUTIONS)
    return _BUILT[base]
