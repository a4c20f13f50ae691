"""Write the class report of OUT from its records: report.html, report.md, report/*.png."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from grader.reports.class_report.facts import run_facts
from grader.reports.class_report.figures import Picture, pass_rates, score_histogram
from grader.reports.class_report.html_page import html_page
from grader.reports.class_report.markdown_page import markdown_page
from grader.reports.class_report.records import read_records
from grader.reports.class_report.statistics import ClassSummary, summarise

HTML, MARKDOWN, FIGURES = "report.html", "report.md", "report"


@dataclass(frozen=True)
class WrittenReport:
    html: Path
    markdown: Path
    figures: list[Path]
    summary: ClassSummary


def write_class_report(out: Path, seed: int | None = None) -> WrittenReport:
    """(Re)build the report from OUT/students/*/grade.json; grades nobody. `seed`: the one the
    run was given, shown when the results do not name theirs."""
    records = read_records(out)
    summary = summarise(records)
    facts = run_facts(records, seed)
    pictures = _pictures(summary)
    figures = _replace_figures(out / FIGURES, pictures.values())
    _write_text(out / HTML, html_page(summary, facts, pictures))
    _write_text(out / MARKDOWN, markdown_page(summary, facts))
    return WrittenReport(out / HTML, out / MARKDOWN, figures, summary)


def _pictures(summary: ClassSummary) -> dict[str, Picture]:
    pictures = {f"scores-{d.name}": score_histogram(d) for d in summary.distributions
                if d.scores}
    pictures.update({f"pass-rates-{a}": pass_rates(a, summary.tests_of(a))
                     for a in summary.assignments if summary.tests_of(a)})
    return pictures


def _replace_figures(folder: Path, pictures: Iterable[Picture]) -> list[Path]:
    """The folder holds this report's figures and nothing else (a previous report's go)."""
    staging = Path(tempfile.mkdtemp(prefix=".report-", dir=folder.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the report is meant to be shared
    try:
        for picture in pictures:
            (staging / picture.file_name).write_bytes(picture.png)
        if folder.exists():
            shutil.rmtree(folder)
        staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return sorted(folder.glob("*.png"))


def _write_text(path: Path, content: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(content, encoding="utf-8")
    os.replace(temporary, path)
