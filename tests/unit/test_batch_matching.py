"""`grader grade` reads a student's `02_x (1).ipynb` as 02_x: the regrade digest covers that
file, and a cluster task carries it under its own name for the worker to match the same way."""

from __future__ import annotations

from pathlib import Path

from grader.cluster.job import make_job
from grader.course.config import read_course
from grader.executors.inputs import class_inputs
from grader.executors.one_student import BatchSettings
from grader.settings import resolve
from grader.submissions.students import Student

NOTEBOOK = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'


def _course(root: Path) -> Path:
    (root / "grader").mkdir(parents=True)
    for name in ("01_first", "02_second"):
        (root / "grader" / f"test_{name}.py").write_text("")
    (root / "solutions").mkdir()
    (root / "pyproject.toml").write_text("[tool.grader]\ntests = \"grader\"\n")
    return root


def test_a_copy_is_graded_digested_and_sent_as_its_assignment(tmp_path: Path) -> None:
    course = read_course(_course(tmp_path / "course"))
    notebooks = course.graded_notebooks()
    exact, copy = tmp_path / "subs" / "ann", tmp_path / "subs" / "ben"
    for folder, name in ((exact, "02_second.ipynb"), (copy, "02_second (1).ipynb")):
        folder.mkdir(parents=True)
        (folder / name).write_bytes(NOTEBOOK)
    values = resolve({}, course.settings)
    shared = class_inputs(course, course.solutions, notebooks, values)

    ann, ben = (shared.for_student(Student(f.name, f))["assignments"] for f in (exact, copy))
    assert ann == ben  # the same bytes: the same inputs, whatever the file is called
    absent = shared.for_student(Student("cy", tmp_path / "subs" / "cy"))["assignments"]
    assert absent["02_second.ipynb"]["notebook"] != ben["02_second.ipynb"]["notebook"]

    settings = BatchSettings(course=course, out=tmp_path / "out", solutions=course.solutions,
                             values=values, cache=tmp_path / "cache")
    job = make_job("run", Student("ben", copy), settings, notebooks, shared.course_part)
    sent = {n.name: (n.kind, n.content) for n in job.notebooks}
    assert sent["02_second (1).ipynb"] == ("file", NOTEBOOK)
    assert sent["01_first.ipynb"][0] == "absent"
