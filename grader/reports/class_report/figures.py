"""The report's figures, drawn with matplotlib's Agg canvas (no display, no global pyplot
state) into PNG bytes: a score histogram per assignment and in total, and each assignment's
pass rate per test. matplotlib is imported when a figure is drawn, not with the kit."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from grader.reports.class_report.statistics import TOTAL, Distribution, PerTestSummary
from grader.reports.class_report.words import count

# The bars' colours appear nowhere else in the report (a screenshot test looks for them).
SCORE_COLOUR = "#3b6ea8"
PASS_COLOUR = "#2a9d5c"
FAIL_COLOUR = "#d1495b"
LABEL_LIMIT = 48  # characters of a test's title on the pass-rate chart
DPI = 100

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class Picture:
    file_name: str  # e.g. "scores-total.png"
    title: str
    alt: str  # what the picture shows, in words
    png: bytes


def score_histogram(distribution: Distribution) -> Picture:
    figure = _figure(6.4, 3.2)
    axes = figure.add_subplot()
    labels = [b.label for b in distribution.bins]
    counts = [b.count for b in distribution.bins]
    axes.bar(range(len(counts)), counts, color=SCORE_COLOUR, width=0.85)
    axes.set_xticks(range(len(labels)), labels, rotation=45 if len(labels) > 12 else 0,
                    fontsize=8)
    axes.set_xlabel(f"points (out of {distribution.possible:g})")
    axes.set_ylabel("students")
    axes.yaxis.get_major_locator().set_params(integer=True)
    name = "Total" if distribution.name == TOTAL else _plain(distribution.name)
    axes.set_title(f"{name}: {count(len(distribution.scores), 'student')}, "
                   f"mean {distribution.mean:.3g}, median {distribution.median:g}")
    axes.spines[["top", "right"]].set_visible(False)
    return Picture(f"scores-{_file_part(distribution.name)}.png", f"Scores: {name}",
                   f"Histogram of the {name.lower() if name == 'Total' else name} scores of "
                   f"{count(len(distribution.scores), 'student')}", _png(figure))


def pass_rates(assignment: str, tests: list[PerTestSummary]) -> Picture:
    height = 1.0 + 0.32 * max(len(tests), 1)
    figure = _figure(7.2, height)
    axes = figure.add_subplot()
    rows = list(range(len(tests)))[::-1]  # the first test at the top
    passed = [100 * t.pass_rate for t in tests]
    axes.barh(rows, passed, color=PASS_COLOUR, height=0.7)
    axes.barh(rows, [100 - p for p in passed], left=passed, color=FAIL_COLOUR, height=0.7)
    axes.set_yticks(rows, [_label(t) for t in tests], fontsize=8)
    for row, test in zip(rows, tests, strict=True):
        axes.text(101, row, f"{test.passed}/{test.graded}", va="center", fontsize=8)
    axes.set_xlim(0, 100)
    axes.set_xlabel("% of students who passed (green) and failed (red)")
    axes.set_title(f"{_plain(assignment)}: pass rate per test")
    axes.spines[["top", "right"]].set_visible(False)
    return Picture(f"pass-rates-{_file_part(assignment)}.png",
                   f"Pass rates: {assignment}",
                   f"Pass rate of each test of {assignment}", _png(figure))


def _label(test: PerTestSummary) -> str:
    title = test.title if len(test.title) <= LABEL_LIMIT else test.title[:LABEL_LIMIT - 1] + "…"
    return _plain(title + (" (hidden)" if test.hidden else ""))


def _plain(text: str) -> str:
    """Text matplotlib shows as is: a `$` would start mathtext."""
    return text.replace("$", r"\$")


def _file_part(name: str) -> str:
    return re.sub(r"[^\w.-]", "_", name).lstrip(".") or "unnamed"


def _figure(width: float, height: float) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
