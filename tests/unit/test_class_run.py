"""The class run drives any executor through its protocol: it plans once, writes each record
as it arrives (with its inputs), keeps the records that arrived before a kit failure, closes
the executor when it stops, and grades nobody again whose inputs did not change.

The executor here is a fake that runs nothing (the real ones are tested with real grading
processes and a real Dask cluster: tests/test_batch.py, tests/test_cluster.py); the reference
check is one that passed before (its digests kept), so no process starts."""

from __future__ import annotations

import json
from collections.abc import Generator
from pathlib import Path

import pandas as pd
import pytest

from grader.batch.preflight import FOLDER, VERIFIED, assignment_digests
from grader.batch.run import grade_class
from grader.course.config import read_course
from grader.errors import GraderError
from grader.executors.inputs import ClassInputs, class_inputs
from grader.executors.one_student import BatchSettings
from grader.executors.protocol import Executor, KitFailure, Observer
from grader.preforked.forked_pytest import Starter, start_pytest
from grader.records import StudentRecord, read_record
from grader.settings import resolve
from grader.submissions.students import Student

NOTEBOOK = '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'


class FakeExecutor:
    """Grades in this process: full marks, but for the students named in `broken` (an error
    of the kit)."""

    def __init__(self, settings: BatchSettings, broken: tuple[str, ...] = ()) -> None:
        self.settings = settings
        self.broken = broken
        self.asked: list[str] = []
        self.closed = False

    def prepare(self, observer: Observer) -> Starter:
        observer.note("fake: nothing to prepare")
        return start_pytest

    def grade(self, students: list[Student], shared: ClassInputs, observer: Observer
              ) -> Generator[StudentRecord | KitFailure, None, None]:
        try:
            for student in students:
                self.asked.append(student.name)
                if student.name in self.broken:
                    yield KitFailure(student.name, "not graded: an error of the grader: fake")
                    continue
                folder = self.settings.folder(student)
                folder.mkdir(parents=True, exist_ok=True)
                (folder / "summary.md").write_text("full marks", encoding="utf-8")
                yield StudentRecord(student.name, {"score": 1.0, "tests": [
                    {"name": "01_first: test_it", "score": 1.0, "max_score": 1.0,
                     "status": "passed"}]}, None, 0.5)
        finally:
            self.closed = True


def _class(root: Path, students: tuple[str, ...]) -> tuple[Path, BatchSettings]:
    course_root = root / "course"
    (course_root / "grader").mkdir(parents=True)
    (course_root / "grader" / "test_01_first.py").write_text("")
    (course_root / "solutions").mkdir()
    (course_root / "solutions" / "01_first.ipynb").write_text(NOTEBOOK)
    (course_root / "pyproject.toml").write_text("[tool.grader]\ntests = \"grader\"\n")
    course = read_course(course_root)
    for name in students:
        (root / "subs" / name).mkdir(parents=True)
        (root / "subs" / name / "01_first.ipynb").write_text(NOTEBOOK)
    out = root / "out"
    settings = BatchSettings(course=course, out=out, solutions=course.solutions,
                             values=resolve({}, course.settings), cache=out / "cache")
    # The reference passed before with these inputs: the run checks nothing again.
    shared = class_inputs(course, course.solutions, settings.notebooks(), settings.values)
    (out / FOLDER).mkdir(parents=True)
    (out / FOLDER / VERIFIED).write_text(json.dumps(
        {"format": 1, "assignments": assignment_digests(shared)}))
    settings.cache.mkdir()
    (settings.cache / "answer.json").write_text("{}")
    return root / "subs", settings


def test_each_record_is_written_with_its_inputs_and_a_second_run_grades_nobody(
        tmp_path: Path) -> None:
    submissions, settings = _class(tmp_path, ("ann", "ben"))
    executor: Executor = FakeExecutor(settings)
    done = grade_class(submissions, settings, executor)
    assert (done.graded, [r.student for r in done.records]) == (2, ["ann", "ben"])
    for student in ("ann", "ben"):
        record = read_record(settings.out / "students" / student)
        assert record.graded and record.digest and record.inputs is not None
        assert (settings.out / "students" / student / "summary.md").exists()
    book = pd.read_csv(settings.out / "gradebook.csv")
    assert list(book["total"]) == [1.0, 1.0]

    again = FakeExecutor(settings)
    assert grade_class(submissions, settings, again).graded == 0
    assert again.asked == []  # kept: same notebooks, tests, reference, settings


def test_a_kit_failure_stops_the_run_keeps_the_records_before_and_closes_the_executor(
        tmp_path: Path) -> None:
    submissions, settings = _class(tmp_path, ("ann", "ben", "cy"))
    executor = FakeExecutor(settings, broken=("ben",))
    with pytest.raises(GraderError, match="grading stopped while grading ben"):
        grade_class(submissions, settings, executor)
    assert executor.asked == ["ann", "ben"] and executor.closed  # cy was never started
    assert read_record(settings.out / "students" / "ann").graded
    assert not (settings.out / "students" / "ben" / "grade.json").exists()

    rerun = FakeExecutor(settings)
    assert grade_class(submissions, settings, rerun).graded == 2
    assert rerun.asked == ["ben", "cy"]


def test_a_student_whose_folder_is_a_link_is_recorded_without_the_executor(
        tmp_path: Path) -> None:
    submissions, settings = _class(tmp_path, ("ann",))
    (submissions / "mallory").symlink_to(submissions / "ann")
    earlier = settings.out / "students" / "mallory"  # graded once, before the link
    earlier.mkdir(parents=True)
    for name in ("results.json", "summary.md", "pytest.log", "own-code.json"):
        (earlier / name).write_text("{}")
    executor = FakeExecutor(settings)
    grade_class(submissions, settings, executor)
    assert executor.asked == ["ann"]
    record = read_record(settings.out / "students" / "mallory")
    assert record.results is None and record.reason and "link" in record.reason
    assert record.inputs is not None and record.digest
    assert sorted(p.name for p in earlier.iterdir()) == ["grade.json"]  # nothing of then
