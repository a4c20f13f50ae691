"""Read a class report back: the numbers report.html carries in its tables' data- attributes,
and the records it was made from, counted independently of the report's own code."""

from __future__ import annotations

import base64
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any


@dataclass
class ReportTables:
    histograms: dict[str, dict[str, int]] = field(default_factory=dict)  # name -> bin -> count
    pass_rates: dict[str, tuple[int, int]] = field(default_factory=dict)  # test -> passed, graded
    groups: dict[str, list[tuple[str, int, list[str]]]] = field(default_factory=dict)
    # test -> [(group label, count, students linked)]
    without_grade: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    images: dict[str, bytes] = field(default_factory=dict)  # figure file name -> PNG


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables = ReportTables()
        self._histogram: str | None = None
        self._causes: str | None = None
        self._group: tuple[str, int, list[str]] | None = None
        self._no_grade = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "table":
            self._histogram = a.get("data-distribution") if "histogram" in a.get("class", "") \
                else None
            self._causes = a.get("data-test") if "causes" in a.get("class", "") else None
            self._no_grade = "no-grade" in a.get("class", "")
            if self._histogram is not None:
                self.tables.histograms[self._histogram] = {}
            if self._causes is not None:
                self.tables.groups[self._causes] = []
        elif tag == "tr" and self._histogram is not None and "data-bin" in a:
            self.tables.histograms[self._histogram][a["data-bin"]] = int(a["data-count"])
        elif tag == "tr" and "data-passed" in a:
            self.tables.pass_rates[a["data-test"]] = (int(a["data-passed"]),
                                                      int(a["data-graded"]))
        elif tag == "tr" and self._causes is not None and "data-group" in a:
            self._group = (a["data-group"], int(a["data-count"]), [])
            self.tables.groups[self._causes].append(self._group)
        elif tag == "tr" and self._no_grade and "data-student" in a:
            self.tables.without_grade.append(a["data-student"])
        elif tag == "a" and "data-student" in a:
            self.tables.links.append(a["href"])
            if self._group is not None and self._causes is not None:
                self._group[2].append(a["data-student"])
        elif tag == "img":
            prefix = "data:image/png;base64,"
            assert a["src"].startswith(prefix), "every figure is inlined"
            self.tables.images[a["data-figure"]] = base64.b64decode(a["src"][len(prefix):])

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._histogram = self._causes = None
            self._no_grade = False
        elif tag == "tr":
            self._group = None


def read_report(html: str) -> ReportTables:
    reader = _Reader()
    reader.feed(html)
    return reader.tables


@dataclass
class RecordCounts:
    """What the records say, counted directly from grade.json."""

    totals: list[float]
    per_assignment: dict[str, list[float]]
    pass_rates: dict[str, tuple[int, int]]
    failed_by: dict[str, list[tuple[str, dict[str, Any]]]]  # test -> (student, test result)
    without_grade: list[str]


def count_records(out: Path) -> RecordCounts:
    totals: list[float] = []
    per_assignment: dict[str, list[float]] = defaultdict(list)
    passed: Counter[str] = Counter()
    graded: Counter[str] = Counter()
    failed_by: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    without_grade = []
    for path in sorted((out / "students").glob("*/grade.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        if record["reason"] or record["results"] is None:
            without_grade.append(record["student"])
            continue
        tests = record["results"]["tests"]
        totals.append(sum(t["score"] for t in tests))
        by_assignment: dict[str, float] = defaultdict(float)
        for test in tests:
            by_assignment[test["name"].partition(": ")[0]] += test["score"]
            graded[test["name"]] += 1
            if test["status"] == "passed":
                passed[test["name"]] += 1
            else:
                failed_by[test["name"]].append((record["student"], test))
        for assignment, score in by_assignment.items():
            per_assignment[assignment].append(score)
    return RecordCounts(totals, dict(per_assignment),
                        {name: (passed[name], graded[name]) for name in graded},
                        dict(failed_by), without_grade)
