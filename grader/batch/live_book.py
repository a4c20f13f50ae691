"""gradebook.csv kept up to date while a class is graded, at little cost per student.

Each finished student's record is already on disk (grade.json, written first: it is what makes
a student done). The book is only a view of the records: rebuilt from records kept in memory
(each read from disk once), at most every WRITE_EVERY seconds while grading goes on, and once
more, from the files, at the end. Reading every record back after every student made a class
of n students cost n² reads.
"""

from __future__ import annotations

import time
from typing import Any

from grader.batch.gradebook import write_gradebook
from grader.batch.one_student import BatchSettings, is_done, read_record
from grader.submissions.students import Student

WRITE_EVERY = 5.0  # seconds between two writes of the book while students are graded


class LiveBook:
    def __init__(self, settings: BatchSettings, students: list[Student],
                 assignments: tuple[str, ...]) -> None:
        self.settings = settings
        self.students = students
        self.assignments = assignments
        self.records: dict[str, dict[str, Any]] = {}  # read when first needed
        self._read = False
        self.written = 0.0  # when the book was last written (time.monotonic())

    def finished(self, student: Student, record: dict[str, Any]) -> None:
        """A student's record, as written to their grade.json."""
        if not self._read:  # those graded before this run
            self.records = {s.name: read_record(self.settings, s) for s in self.students
                            if is_done(self.settings, s)}
            self._read = True
        self.records[student.name] = record
        if time.monotonic() - self.written >= WRITE_EVERY:
            self._write([self.records[s.name] for s in self.students if s.name in self.records])

    def write_from_files(self) -> list[dict[str, Any]]:
        """The book of every finished student's record on disk; those records."""
        records = [read_record(self.settings, s) for s in self.students
                   if is_done(self.settings, s)]
        self._write(records)
        return records

    def _write(self, records: list[dict[str, Any]]) -> None:
        write_gradebook(records, self.settings.out / "gradebook.csv", self.assignments)
        self.written = time.monotonic()
