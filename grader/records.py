"""A student's record: their grade, or the reason there is none, and what it was computed from.

`grader grade` leaves one per student in OUT/students/NAME/grade.json, written atomically and
last: a student whose record exists is done, whatever happened to the run afterwards (Ctrl-C,
kill -9). The gradebook, the class report, the exports and `grader gradebook`'s merge are all
read back from these files, so that each can be rebuilt without grading anyone again.

The file's format is unchanged since records were first written (the keys `student`,
`results`, `reason`, `seconds`, then `inputs` and `retry` when present; no version key): every
record an earlier kit wrote reads, and a record read and written again is the same bytes.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RECORD = "grade.json"
STUDENTS = "students"  # OUT/students/NAME/: a student's record and files


class RecordFormatError(ValueError):
    """A record that is not of the kit's form (a file edited by hand, or another program's)."""

    def __init__(self, key: str, found: object) -> None:
        super().__init__(f"a student's record has {type(found).__name__} as `{key}`")
        self.key = key
        self.found = found


@dataclass(frozen=True)
class StudentRecord:
    """A student graded, or not: `results` (their results.json, Gradescope's format) or a
    `reason`, never both empty in a record the kit wrote."""

    student: str  # the student's folder name: student-controlled, escape before showing
    results: dict[str, Any] | None  # None: no grade (see `reason`)
    reason: str | None  # why there is no grade (a time-out, a crash, a link); None when graded
    seconds: float  # how long grading them took (0 when nothing was run)
    inputs: dict[str, Any] | None = None  # what the grade is computed from (executors/inputs.py)
    retry: bool = False  # not graded for a reason that may pass: the next run grades them again
    # Assignment -> digest of the notebook as the grading read it; not written: the class run
    # folds it into `inputs` (executors/inputs.py, as_read).
    notebooks_read: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def graded(self) -> bool:
        return self.reason is None and self.results is not None

    @property
    def digest(self) -> str | None:
        """The digest of its inputs: the same, and the grade is the same."""
        return (self.inputs or {}).get("digest")

    @property
    def flags(self) -> list[str]:
        """What a TA should look at in the submission (grader/batch/flags.py), in its inputs."""
        return [str(flag) for flag in (self.inputs or {}).get("flags") or []]

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON data, keys in the file's order."""
        return {"student": self.student, "results": self.results, "reason": self.reason,
                "seconds": self.seconds,
                **({"inputs": self.inputs} if self.inputs is not None else {}),
                **({"retry": True} if self.retry else {})}

    def to_json(self) -> str:
        """The text of grade.json."""
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_dict(cls, data: object) -> StudentRecord:
        """A record from JSON data; RecordFormatError where it is not of the kit's form. Keys
        that tests or older kits left out read as their defaults."""
        if not isinstance(data, dict):
            raise RecordFormatError("record", data)
        return cls(student=_typed(data, "student", str),
                   results=_typed(data, "results", dict, None),
                   reason=_typed(data, "reason", str, None) or None,
                   seconds=float(_typed(data, "seconds", (int, float), 0.0)),
                   inputs=_typed(data, "inputs", dict, None),
                   retry=bool(_typed(data, "retry", bool, False)))

    @classmethod
    def from_json(cls, text: str) -> StudentRecord:
        return cls.from_dict(json.loads(text))


_REQUIRED = object()


def _typed(data: dict[str, Any], key: str, kind: type | tuple[type, ...],
           default: object = _REQUIRED) -> Any:
    if key not in data or (data[key] is None and default is None):
        if default is _REQUIRED:
            raise RecordFormatError(key, None)
        return default
    value = data[key]
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise RecordFormatError(key, value)
    return value


def student_folder(out: Path, student: str) -> Path:
    """OUT/students/NAME: the student's record and the files of their grading."""
    return out / STUDENTS / student


def has_record(folder: Path) -> bool:
    return (folder / RECORD).exists()


def read_record(folder: Path) -> StudentRecord:
    """The record in `folder`: OSError if there is none, ValueError if it is unreadable."""
    return StudentRecord.from_json((folder / RECORD).read_text(encoding="utf-8"))


def write_record(folder: Path, record: StudentRecord) -> None:
    """Atomically: a reader finds the whole record or none."""
    temporary = (folder / RECORD).with_suffix(".tmp")
    temporary.write_text(record.to_json(), encoding="utf-8")
    os.replace(temporary, folder / RECORD)
