"""The class report at the end of `grader grade`: grades are already saved, so a report that
cannot be written says so and how to retry, instead of failing the batch."""

from __future__ import annotations

import sys
from pathlib import Path

from grader.reports.class_report import write_class_report
from grader.reports.class_report.words import count


def report_after_batch(out: Path, seed: int | None = None) -> Path | None:
    try:
        report = write_class_report(out, seed)
    except Exception as exc:  # the grades are saved: say what failed, do not fail the batch
        print(f"the class report could not be written ({type(exc).__name__}: {exc}); the "
              f"grades are saved: run `grader report {out}` to try again", file=sys.stderr)
        return None
    flagged = sum(len(a.flagged) for a in report.similar.assignments)
    print(f"class report: {report.html} (Markdown: {report.markdown.name}); similar code: "
          f"{count(flagged, 'pair')} flagged ({report.similarity.name})", file=sys.stderr)
    return report.html
