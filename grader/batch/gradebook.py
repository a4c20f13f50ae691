"""gradebook.csv: one row per student, a column per assignment and per test, totals. A
student who got no grade (a time-out, a failure of grading) has empty cells and a reason, never
zeros; what a TA should look at in a submission (a link, a notebook that is a classmate's
file) is in `flags`."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from grader.records import StudentRecord
from grader.reports.sanitize import csv_cell, one_line


def gradebook(records: list[StudentRecord], assignments: tuple[str, ...] = ()
              ) -> pd.DataFrame:
    """`assignments`: names every book has a column for, even when nobody was graded on it."""
    columns = _test_columns(records)
    for assignment in assignments:
        columns.setdefault(assignment, [])
    columns = dict(sorted(columns.items()))
    rows = []
    for record in records:
        row: dict[str, Any] = {"student": one_line(record.student)}
        results = record.results or {"tests": []}
        scores = {test["name"]: test["score"] for test in results["tests"]}
        for assignment, tests in columns.items():
            for test in tests:
                row[f"{assignment}: {test}"] = scores.get(f"{assignment}: {test}", math.nan)
            row[assignment] = _sum(row[f"{assignment}: {t}"] for t in tests) \
                if record.results else math.nan
        row["total"] = _sum(row[a] for a in columns) if record.results else math.nan
        row["reason"] = record.reason or ""
        row["flags"] = "; ".join(record.flags)  # links, notebooks shared (flags.py)
        row["sandbox"] = _sandbox(results)
        row["seconds"] = record.seconds
        rows.append(row)
    frame = pd.DataFrame(rows)
    ordered = ["student", "total", *columns,
               *(f"{a}: {t}" for a, tests in columns.items() for t in tests), "reason", "flags",
               "sandbox", "seconds"]
    return frame.reindex(columns=ordered).sort_values("student", ignore_index=True)


def _sum(values: Any) -> float:
    """A total, or empty (NaN) if any part is: a student who was not graded gets no 0.
    Partial credit makes points fractions: totals are kept to the hundredth, as scored."""
    values = list(values)
    return math.nan if any(math.isnan(v) for v in values) else round(float(sum(values)), 2)


def _sandbox(results: dict[str, Any]) -> str:
    """The sandbox the student's notebooks ran in, e.g. "auto: landlock namespaces ..."."""
    sandbox = (results.get("extra_data") or {}).get("sandbox")
    if not sandbox:
        return ""
    return f"{sandbox['mode']}: {' '.join(sandbox['layers'])}".strip()


def _test_columns(records: list[StudentRecord]) -> dict[str, list[str]]:
    """assignment -> its test names, from every student graded (a crashed one has none)."""
    columns: dict[str, list[str]] = {}
    for record in records:
        for test in (record.results or {"tests": []})["tests"]:
            assignment, _, name = test["name"].partition(": ")
            if name not in columns.setdefault(assignment, []):
                columns[assignment].append(name)
    return dict(sorted(columns.items()))


def write_gradebook(records: list[StudentRecord], path: Path,
                    assignments: tuple[str, ...] = ()) -> None:
    """The gradebook as a CSV file a spreadsheet opens: no text cell can start a formula."""
    temporary = path.with_suffix(".tmp")
    book = gradebook(records, assignments)
    book.map(csv_cell).to_csv(temporary, index=False)
    temporary.replace(path)
