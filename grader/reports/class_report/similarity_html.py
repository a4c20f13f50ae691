"""The "Similar code" section of report.html: per assignment, how the class's pair scores
spread (a histogram with the flag threshold), the pairs that score highest (flagged ones
first), and each flagged pair's code side by side, the fragments they share numbered and
marked (a number in the margin and a bar, not only a colour).

The code is the students' own and is shown as text, escaped; names too.
"""

from __future__ import annotations

import re
from html import escape

from grader.reports.class_report.figures import Picture
from grader.reports.class_report.html_parts import figure, text
from grader.reports.class_report.similar_code import CSV, SimilarCode
from grader.reports.class_report.words import count
from grader.similarity import REFERENCE, ClassSimilarity, Program, shared_fragments
from grader.similarity.compare import COMMON_SHARE, common_limit
from grader.similarity.threshold import FENCE_IQRS, FLOOR

MATCH_COLOUR = "#d55e00"  # vermillion: the bar beside a shared line (and nowhere else)
TABLE_ROWS = 10  # unflagged pairs listed under the flagged ones
SIDE_BY_SIDE = 30  # flagged pairs shown side by side, per assignment
CONTEXT = 3  # unflagged pairs also shown side by side (folded), the closest ones
LINE_LIMIT = 300  # characters of one line of code shown
CELL_LINES = 400  # lines of one cell shown
STYLE = f"""
.sidebyside {{ display: grid; grid-template-columns: 1fr 1fr; gap: .75rem; }}
.code {{ border: 1px solid #ccc; padding: .25rem .4rem; overflow-x: auto; min-width: 0; }}
.code .who {{ font-weight: 600; margin-bottom: .25rem; }}
.cellhead {{ color: #555; font-size: 13px; margin: .4rem 0 .1rem; }}
.ln {{ font-family: ui-monospace, monospace; font-size: 12.5px; white-space: pre;
       border-left: 4px solid transparent; padding-left: .3rem; }}
.ln .no {{ color: #888; display: inline-block; width: 2.6em; text-align: right;
           margin-right: .3em; }}
.ln .fr {{ display: inline-block; width: 1.8em; font-weight: 700; color: #000; }}
.ln.m {{ border-left-color: {MATCH_COLOUR}; background: #fbe5d6; }}
.gap {{ color: #888; font-family: ui-monospace, monospace; font-size: 12.5px; }}
.flag {{ font-weight: 700; }}
details.pair {{ margin: .6rem 0 1rem; }}
.similarity-figure {{ max-width: 40rem; }}
table.similar-pairs td {{ overflow-wrap: anywhere; }}
"""


def similarity_section(similar: SimilarCode, pictures: dict[str, Picture]) -> str:
    parts = ["<section id=\"similar-code\"><h2>Similar code</h2>", _intro(similar)]
    if similar.problem:
        parts.append(f"<p>The comparison failed, an error of the kit (<code>"
                     f"{text(similar.problem, 500)}</code>): the rest of the report is complete, "
                     "and no grade depends on it.</p>")
    for assignment in similar.assignments:
        parts.append(_assignment(assignment, pictures.get(f"similarity-{assignment.assignment}")))
    if not similar.assignments and not similar.problem:
        parts.append("<p>No student's code was saved with their grade: grade the class with "
                     "this kit's <code>grader grade</code> to compare it.</p>")
    return "\n".join(parts) + "</section>"


def _intro(similar: SimilarCode) -> str:
    notes = []
    if similar.unsaved:
        notes.append(f"The records of {count(len(similar.unsaved), 'student')} hold no saved "
                     "code (graded by an earlier version of the kit): grade them again to "
                     "compare them.")
    if not similar.reference_saved and similar.assignments:
        notes.append("The reference solution's code was not saved with this run "
                     "(<code>reference-check/own-code.json</code>): nobody is compared with it.")
    return (
        "<p>Each student's own code, what they wrote in the template's blanks and in cells "
        "they added (the template's code left out), is compared with every other student's "
        f"and with the reference solution's, <code>{escape(REFERENCE)}</code>. Before "
        "comparing, every name a student chose becomes one symbol, and comments, strings, "
        "numbers, prints and the order of statements that do not depend on each other are set "
        "aside: renaming and reordering hide nothing. A pair's <b>score</b> (0 to 1) is the "
        "code the two share that few others wrote, over the code they wrote: a passage more "
        "than M programs of the class have weighs nothing (M is 10, or "
        f"{COMMON_SHARE:.0%} of the class if more), so the lesson's common idioms do not "
        "count. A pair is <b>flagged</b> "
        f"when its score is at least the floor of {FLOOR:g} and stands out from the class's "
        f"pair scores (above their third quartile plus {FENCE_IQRS:g} interquartile ranges). "
        "A flag is a reason to read the two programs, not a verdict; grades are not changed. "
        f"Every pair above 0.2 is in <code>{CSV}</code>.</p>"
        + "".join(f"<p>{note}</p>" for note in notes))


def _assignment(similarity: ClassSimilarity, picture: Picture | None) -> str:
    name = similarity.assignment
    threshold = similarity.threshold
    flagged = similarity.flagged
    compared = (f"{count(similarity.students, 'student')} compared with each other"
                + (" and with the reference solution" if similarity.has_reference else "")
                + f" ({count(len(similarity.scores), 'pair')})")
    left_out = (f"; {count(len(similarity.without_code), 'student')} without code of their "
                "own left out" if similarity.without_code else "")
    rule = (f"flagged at {threshold.value:.2f} and above: the floor {threshold.floor:g}, or "
            f"the class's far-out fence {threshold.fence:.2f} if higher; passages in more "
            f"than {common_limit(len(similarity.programs))} programs weigh nothing")
    summary = (f"<b>{count(len(flagged), 'pair')} flagged</b>" if flagged
               else "No pair stands out")
    parts = [f"<h3 id=\"similar-{_anchor(name)}\">{text(name)}</h3>",
             f"<p class=\"facts\">{summary}. {compared}{left_out}; {rule}.</p>"]
    views = _shown_side_by_side(similarity)
    parts.append(f"<div class=\"similarity-figure\">{figure(picture)}</div>")
    parts.append(_pairs_table(similarity, views))
    for index in sorted(views):
        parts.append(_side_by_side(similarity, index))
    if len(flagged) > SIDE_BY_SIDE:
        parts.append(f"<p>{count(len(flagged) - SIDE_BY_SIDE, 'more flagged pair')} in "
                     f"<code>{CSV}</code>.</p>")
    return "\n".join(parts)


def _shown_side_by_side(similarity: ClassSimilarity) -> set[int]:
    """Indices in `similarity.pairs` (highest score first, flagged ones first) of the pairs
    shown side by side: the flagged ones, and the closest unflagged ones for comparison."""
    flagged = [i for i, p in enumerate(similarity.pairs) if p.flagged][:SIDE_BY_SIDE]
    others = [i for i, p in enumerate(similarity.pairs) if not p.flagged][:CONTEXT]
    return {*flagged, *others}


def _pairs_table(similarity: ClassSimilarity, views: set[int]) -> str:
    flagged = sum(1 for p in similarity.pairs if p.flagged)
    listed = similarity.pairs[:flagged + TABLE_ROWS]
    if not listed:
        return "<p>No pair scores above 0.2.</p>"
    rows = []
    for index, pair in enumerate(listed):
        view = (f"<a href=\"#{_pair_anchor(similarity, index)}\">side by side</a>"
                if index in views else "")
        rows.append(
            f"<tr data-pair=\"{text(pair.a)}|{text(pair.b)}\" data-score=\"{pair.score:.4f}\" "
            f"data-flagged=\"{'true' if pair.flagged else 'false'}\">"
            f"<td>{text(pair.a)}</td><td>{text(pair.b)}</td>"
            f"<td class=\"number\">{pair.score:.2f}</td>"
            f"<td>{'<span class=flag>flagged</span>' if pair.flagged else ''}</td>"
            f"<td>{view}</td></tr>")
    more = len(similarity.pairs) - len(listed)
    return (f"<table class=\"similar-pairs\" data-assignment=\"{text(similarity.assignment)}\">"
            "<tr><th>student</th><th>student</th><th class=\"number\">score</th><th></th>"
            "<th></th></tr>" + "".join(rows) + "</table>"
            + (f"<p>and {count(more, 'more pair')} above 0.2 in <code>{CSV}</code></p>"
               if more else ""))


def _side_by_side(similarity: ClassSimilarity, index: int) -> str:
    pair = similarity.pairs[index]
    a, b = similarity.programs[pair.a], similarity.programs[pair.b]
    fragments = shared_fragments(a, b, similarity.weights)
    marks_a = {line: f.number for f in reversed(fragments) for line in f.lines_a}
    marks_b = {line: f.number for f in reversed(fragments) for line in f.lines_b}
    state = " open" if pair.flagged else ""
    return (f"<details class=\"pair\" id=\"{_pair_anchor(similarity, index)}\"{state} "
            f"data-pair=\"{text(pair.a)}|{text(pair.b)}\"><summary>"
            f"{text(pair.a)} and {text(pair.b)}: score {pair.score:.2f}"
            f"{', flagged' if pair.flagged else ', not flagged'}; "
            f"{count(len(fragments), 'shared fragment')}, numbered in the margin</summary>"
            f"<div class=\"sidebyside\">{_code(a, marks_a)}{_code(b, marks_b)}</div></details>")


def _pair_anchor(similarity: ClassSimilarity, index: int) -> str:
    return f"pair-{_anchor(similarity.assignment)}-{index + 1}"


def _code(program: Program, marks: dict[tuple[int, int], int]) -> str:
    parts = [f"<div class=\"code\" data-student=\"{text(program.name)}\">"
             f"<div class=\"who\">{text(program.name)}</div>"]
    for index, cell in enumerate(program.code.cells):
        source = cell.source.split("\n")
        first = next((line.strip() for line in source if line.strip()), "")
        own = " (a cell of their own)" if cell.added else ""
        parts.append(f"<div class=\"cellhead\">code cell {cell.number}{own}: "
                     f"<code>{text(first, 80)}</code></div>")
        previous = None
        for number in cell.own_lines()[:CELL_LINES]:
            if number > len(source):
                break
            if previous is not None and number > previous + 1:
                parts.append("<div class=\"gap\">⋯</div>")
            mark = marks.get((index, number))
            classes = "ln m" if mark else "ln"
            fragment = f"<span class=\"fr\">{mark}</span>" if mark else "<span class=\"fr\"></span>"
            parts.append(f"<div class=\"{classes}\"{f' data-fragment={mark}' if mark else ''}>"
                         f"<span class=\"no\">{number}</span>{fragment}"
                         f"{text(source[number - 1], LINE_LIMIT)}</div>")
            previous = number
    return "".join(parts) + "</div>"


def _anchor(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", name)
