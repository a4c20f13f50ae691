"""The report's figures, drawn with matplotlib's Agg canvas (no display, no global pyplot
state) into PNG bytes: a score histogram per assignment and in total, each assignment's pass
rate per test, and each assignment's similarity scores. matplotlib is imported when a figure
is drawn, not with the kit.

Colours are Okabe and Ito's palette, which readers with any common colour-vision deficiency
tell apart, and no figure says anything by colour alone: the failed part of a pass-rate bar is
hatched and labelled, the similarity threshold is a labelled line.
"""

from __future__ import annotations

import io
import re
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

from grader.reports.class_report.statistics import TOTAL, Distribution, PerTestSummary
from grader.reports.class_report.words import count

# The bars' colours appear nowhere else in the report (a screenshot test looks for them).
SCORE_COLOUR = "#56b4e9"  # sky blue
PASS_COLOUR = "#0072b2"  # blue
FAIL_COLOUR = "#e69f00"  # orange, hatched
SIMILARITY_COLOUR = "#cc79a7"  # reddish purple
THRESHOLD_COLOUR = "#000000"
LABEL_WIDTH = 44  # characters per line of a test's title on the pass-rate chart (wrapped)
SIMILARITY_BINS = 20  # bars of width 0.05 over scores 0..1
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
    from matplotlib.ticker import MaxNLocator

    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    name = "Total" if distribution.name == TOTAL else _plain(distribution.name)
    axes.set_title(f"{name}: {count(len(distribution.scores), 'student')}, "
                   f"mean {distribution.mean:.3g}, median {distribution.median:g}")
    axes.spines[["top", "right"]].set_visible(False)
    return Picture(f"scores-{_file_part(distribution.name)}.png", f"Scores: {name}",
                   f"Histogram of the {name.lower() if name == 'Total' else name} scores of "
                   f"{count(len(distribution.scores), 'student')}", _png(figure))


def pass_rates(assignment: str, tests: list[PerTestSummary]) -> Picture:
    labels = [_label(t) for t in tests]
    spans = [label.count("\n") + 1 for label in labels]  # lines of each test's title
    # Each test's row is as tall as its title: rows are laid out top down, at their centres.
    centres, top = [], 0.0
    for lines in spans:
        height = max(1.0, 0.42 * lines + 0.25)
        centres.append(-(top + height / 2))
        top += height
    figure = _figure(8.4, 1.3 + 0.3 * max(top, 1.0))
    axes = figure.add_subplot()
    passed = [100 * t.pass_rate for t in tests]
    axes.barh(centres, passed, color=PASS_COLOUR, height=0.7, label="passed")
    axes.barh(centres, [100 - p for p in passed], left=passed, color=FAIL_COLOUR, height=0.7,
              hatch="//", edgecolor="white", linewidth=0, label="failed (hatched)")
    axes.set_yticks(centres, labels, fontsize=8)
    for centre, test in zip(centres, tests, strict=True):
        axes.text(101, centre, f"{test.passed}/{test.graded}", va="center", fontsize=8)
    axes.set_xlim(0, 100)
    axes.set_ylim(-top - 0.1, 0.1)
    axes.set_xlabel("% of students who passed (solid) and failed (hatched)")
    axes.set_title(f"{_plain(assignment)}: pass rate per test")
    figure.legend(loc="outside lower center", ncols=2, fontsize=8, frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    return Picture(f"pass-rates-{_file_part(assignment)}.png",
                   f"Pass rates: {assignment}",
                   f"Pass rate of each test of {assignment}", _png(figure))


def similarity_histogram(assignment: str, scores: list[float], threshold: float,
                         flagged: int) -> Picture:
    """How the class's pair scores spread, on a log scale (most pairs share nothing), with
    the flag threshold drawn."""
    figure = _figure(6.4, 3.0)
    axes = figure.add_subplot()
    width = 1 / SIMILARITY_BINS
    counts = [0] * SIMILARITY_BINS
    for score in scores:
        counts[min(int(score / width), SIMILARITY_BINS - 1)] += 1
    axes.bar([width * (i + 0.5) for i in range(SIMILARITY_BINS)], counts, width=width * 0.9,
             color=SIMILARITY_COLOUR)
    axes.set_yscale("log")
    axes.set_ylim(0.7, max(max(counts, default=1), 1) * 3)
    line = min(threshold, 1.0)  # a fence above 1 flags nothing: drawn at the edge
    axes.axvline(line, color=THRESHOLD_COLOUR, linestyle="--", linewidth=1.2)
    left = line < 0.6
    axes.text(line + (0.01 if left else -0.01), max(counts, default=1) * 1.5,
              f"flagged at {threshold:.2f} and above: {count(flagged, 'pair')}", fontsize=8,
              ha="left" if left else "right")
    axes.set_xlim(0, 1)
    axes.set_xlabel("similarity score of a pair (0: nothing rare in common, 1: the same code)")
    axes.set_ylabel("pairs (log scale)")
    axes.set_title(f"{_plain(assignment)}: {count(len(scores), 'pair')} of programs")
    axes.spines[["top", "right"]].set_visible(False)
    return Picture(f"similarity-{_file_part(assignment)}.png", f"Similarity: {assignment}",
                   f"Histogram of the similarity scores of the {count(len(scores), 'pair')} "
                   f"of {assignment}, flag threshold {threshold:.2f}", _png(figure))


def _label(test: PerTestSummary) -> str:
    """The test's whole title, wrapped (never cut: two long titles may differ at the end)."""
    title = test.title + (" (hidden)" if test.hidden else "")
    return _plain("\n".join(textwrap.wrap(title, LABEL_WIDTH)) or title)


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
