"""Write the class report of OUT from its records: report.html, report.md, report/*.png,
similarity.csv, and each student's feedback.html."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from grader.reports.class_report.facts import run_facts
from grader.reports.class_report.feedback_page import write_feedback_pages
from grader.reports.class_report.figures import (
    Picture,
    pass_rates,
    score_histogram,
    similarity_histogram,
)
from grader.reports.class_report.html_page import html_page
from grader.reports.class_report.markdown_page import markdown_page
from grader.reports.class_report.records import read_records
from grader.reports.class_report.similar_code import CSV as SIMILARITY_CSV
from grader.reports.class_report.similar_code import SimilarCode, similar_code, similarity_csv
from grader.reports.class_report.statistics import ClassSummary, summarise

HTML, MARKDOWN, FIGURES = "report.html", "report.md", "report"


@dataclass(frozen=True)
class WrittenReport:
    html: Path
    markdown: Path
    figures: list[Path]
    summary: ClassSummary
    similarity: Path  # similarity.csv
    similar: SimilarCode


def write_class_report(out: Path, seed: int | None = None) -> WrittenReport:
    """(Re)build the report from OUT/students/*/grade.json (and own-code.json); grades
    nobody. `seed`: the one the run was given, shown when the results do not name theirs."""
    records = read_records(out)
    summary = summarise(records)
    facts = run_facts(records, seed)
    similar = similar_code(out, records)
    pictures = _pictures(summary, similar)
    figures = _replace_figures(out / FIGURES, pictures.values())
    write_feedback_pages(out, records.students)
    _write_text(out / SIMILARITY_CSV, similarity_csv(similar))
    _write_text(out / HTML, html_page(summary, facts, pictures, similar))
    _write_text(out / MARKDOWN, markdown_page(summary, facts, similar))
    return WrittenReport(out / HTML, out / MARKDOWN, figures, summary, out / SIMILARITY_CSV,
                         similar)


def _pictures(summary: ClassSummary, similar: SimilarCode) -> dict[str, Picture]:
    pictures = {f"scores-{d.name}": score_histogram(d) for d in summary.distributions
                if d.scores}
    pictures.update({f"pass-rates-{a}": pass_rates(a, summary.tests_of(a))
                     for a in summary.assignments if summary.tests_of(a)})
    pictures.update({f"similarity-{s.assignment}": similarity_histogram(
        s.assignment, s.scores, s.threshold.value, len(s.flagged))
        for s in similar.assignments if s.scores})
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
