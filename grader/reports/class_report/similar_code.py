"""The report's "Similar code" part, from the records alone: each student's own code saved at
grading time (OUT/students/NAME/own-code.json) and the reference solution's, saved when the
batch checked it (OUT/reference-check/own-code.json); compared per assignment by
grader/similarity. Also OUT/similarity.csv, a row per pair that scores above 0.2.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from grader.reports.class_report.records import STUDENTS, ClassRecords
from grader.reports.sanitize import clean_name
from grader.similarity import REFERENCE, ClassSimilarity, OwnCode, compare_class
from grader.similarity.saved import read_own_code

REFERENCE_FOLDER = "reference-check"  # where the batch grades the solutions (preflight.py)
CSV = "similarity.csv"
CSV_COLUMNS = ("assignment", "student_a", "student_b", "score", "flagged")


@dataclass(frozen=True)
class SimilarCode:
    assignments: list[ClassSimilarity]
    unsaved: list[str]  # students whose record has no saved code (graded by an earlier kit)
    reference_saved: bool
    problem: str | None = None  # why there is no comparison: an error of the kit


def similar_code(out: Path, records: ClassRecords) -> SimilarCode:
    try:
        return _compare(out, records)
    except Exception as exc:  # no grade depends on it: the rest of the report is still written
        return SimilarCode([], [], False, f"{type(exc).__name__}: {exc}")


def _compare(out: Path, records: ClassRecords) -> SimilarCode:
    codes: dict[str, dict[str, OwnCode]] = {}
    unsaved = []
    for student in records.students:
        saved = read_own_code(out / STUDENTS / student.name)
        if saved is None:
            unsaved.append(student.name)
            continue
        for assignment, code in saved.items():
            codes.setdefault(assignment, {})[student.name] = code
    reference = read_own_code(out / REFERENCE_FOLDER) or {}
    for assignment, code in reference.items():
        if assignment in codes:
            codes[assignment][REFERENCE] = code
    return SimilarCode([compare_class(a, codes[a]) for a in sorted(codes)], unsaved,
                       bool(reference))


def similarity_csv(similar: SimilarCode) -> str:
    """assignment,student_a,student_b,score,flagged: every pair above 0.2, by assignment, then
    the highest score first (the pairs to look at come first)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for assignment in similar.assignments:
        for pair in assignment.pairs:
            writer.writerow([assignment.assignment, clean_name(pair.a), clean_name(pair.b),
                             f"{pair.score:.4f}", "true" if pair.flagged else "false"])
    return buffer.getvalue()
