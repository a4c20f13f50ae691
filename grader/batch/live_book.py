"""gradebook.csv kept up to date while a class is graded, at little cost per student.

Each finished student's record is already on disk (grade.json, written first: it is what makes
a student done). The book is only a view of the records: rebuilt from records kept in memory
(each read from disk once), at most every WRITE_EVERY seconds while grading goes on, and once
more, from the files, at the end. Reading every record back after every student made a class
of n students cost n² reads.
"""

from __future__ import annotations

import time

from grader.batch.gradebook import write_gradebook
from grader.executors.one_student import BatchSettings
from grader.records import StudentRecord, has_record, read_record
from grader.submissions.students import Student

WRITE_EVERY = 5.0  # seconds between two writes of the book while students are graded


class LiveBook:
    def __init__(self, settings: BatchSettings, students: list[Student],
                 assignments: tuple[str, ...]) -> None:
        self.settings = settings
        self.students = students
        self.assignments = assignments
        self.records: dict[str, StudentRecord] = {}  # read when first needed
        self._read = False
        self.written = 0.0  # when the book was last written (time.monotonic())

    def finished(self, record: StudentRecord) -> None:
        """A student's record, as written to their grade.json."""
        if not self._read:  # those graded before this run
            self.records = {r.student: r for r in self._on_disk()}
            self._read = True
        self.records[record.student] = record
        if time.monotonic() - self.written >= WRITE_EVERY:
            self._write([self.records[s.name] for s in self.students if s.name in self.records])

    def write_from_files(self) -> list[StudentRecord]:
        """The book of every finished student's record on disk; those records."""
        records = self._on_disk()
        self._write(records)
        return records

    def _on_disk(self) -> list[StudentRecord]:
        return [read_record(self.settings.folder(s)) for s in self.students
                if has_record(self.settings.folder(s))]

    def _write(self, records: list[StudentRecord]) -> None:
        write_gradebook(records, self.settings.out / "gradebook.csv", self.assignments)
        self.written = time.monotonic()
