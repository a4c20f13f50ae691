"""gradebook.csv: one row per student, a column per assignment and per test, totals. A
student who got no grade (a time-out, a failure of grading) has empty cells and a reason, never
zeros."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from grader.reports.sanitize import clean_name


def gradebook(records: list[dict[str, Any]], assignments: tuple[str, ...] = ()
              ) -> pd.DataFrame:
    """`assignments`: names every book has a column for, even when nobody was graded on it."""
    columns = _test_columns(records)
    for assignment in assignments:
        columns.setdefault(assignment, [])
    columns = dict(sorted(columns.items()))
    rows = []
    for record in records:
        row: dict[str, Any] = {"student": clean_name(record["student"])}
        results = record.get("results") or {"tests": []}
        scores = {test["name"]: test["score"] for test in results["tests"]}
        for assignment, tests in columns.items():
            for test in tests:
                row[f"{assignment}: {test}"] = scores.get(f"{assignment}: {test}", math.nan)
            row[assignment] = _sum(row[f"{assignment}: {t}"] for t in tests) \
                if record.get("results") else math.nan
        row["total"] = _sum(row[a] for a in columns) if record.get("results") else math.nan
        row["reason"] = record.get("reason") or ""
        row["sandbox"] = _sandbox(results)
        row["seconds"] = record.get("seconds", 0.0)
        rows.append(row)
    frame = pd.DataFrame(rows)
    ordered = ["student", "total", *columns,
               *(f"{a}: {t}" for a, tests in columns.items() for t in tests), "reason", "sandbox",
               "seconds"]
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


def _test_columns(records: list[dict[str, Any]]) -> dict[str, list[str]]:
    """assignment -> its test names, from every student graded (a crashed one has none)."""
    columns: dict[str, list[str]] = {}
    for record in records:
        for test in (record.get("results") or {"tests": []})["tests"]:
            assignment, _, name = test["name"].partition(": ")
            if name not in columns.setdefault(assignment, []):
                columns[assignment].append(name)
    return dict(sorted(columns.items()))


def write_gradebook(records: list[dict[str, Any]], path: Path,
                    assignments: tuple[str, ...] = ()) -> None:
    temporary = path.with_suffix(".tmp")
    gradebook(records, assignments).to_csv(temporary, index=False)
    temporary.replace(path)
