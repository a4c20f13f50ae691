"""Hidden tests stay hidden: their order in a run, and what their probes sent kept out of every
message.

Order: a notebook's tests run together, visible before hidden, so that its kernel serves the
visible tests before it is sent any hidden probe and is closed once its last test is done,
before the next notebook's kernel starts (grader/grading/session.py).

Scrubbing: a kernel sent a hidden scenario can put it in what it answers (an error's message,
a value the check quotes). The replies to hidden probes lose the text the kernel chose
(grader/grading/submission.py, `withheld`), and every message of the run is cleaned of what
the run's hidden probes sent: any 24 characters in a row of a request as sent (its JSON: the
code, the inputs' encoding) or of its code, each line of the code, each number of the inputs
as text (at the precisions a message or a print would show it), replaced by HIDDEN_TEXT.
Short fragments are left (`x`, `0.5`): they say nothing of a test and could be anyone's.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from grader.probing.probe import ProbeRequest

AssignmentOf = Callable[[pytest.Item], "str | None"]  # the notebook a test grades, if any
HIDDEN_TEXT = "[hidden]"
LINE_CHARS = 12  # a line of a hidden scenario shorter than this is not scrubbed
SIGNIFICANT = 4  # digits a number of a hidden input must show to be scrubbed (0.3367)
MAX_NUMBERS = 4096  # numbers of one probe's inputs looked for (the course's are a few dozen)
GRAM = 24  # characters in a row that a message shares with a hidden request: scrubbed
SENT_CHARS = 4 * 2**20  # of one request's text looked at


def hidden_last(items: list[pytest.Item], assignment_of: AssignmentOf) -> list[pytest.Item]:
    """`items` with each notebook's tests together (in the order its first test had), visible
    before hidden; tests of no notebook keep their places."""
    graded = [(index, item) for index, item in enumerate(items) if assignment_of(item)]
    first: dict[str | None, int] = {}
    for index, item in graded:
        first.setdefault(assignment_of(item), index)
    ordered = sorted(graded, key=lambda pair: (first[assignment_of(pair[1])],
                                               bool(pair[1].get_closest_marker("hidden")),
                                               pair[0]))
    result = list(items)
    for (place, _), (_, item) in zip(graded, ordered, strict=True):
        result[place] = item
    return result


def last_of_its_notebook(item: pytest.Item, nextitem: pytest.Item | None,
                         assignment_of: AssignmentOf) -> str | None:
    """The notebook whose tests end with `item` (the next test is another's), else None."""
    notebook = assignment_of(item)
    if notebook is None or (nextitem is not None and assignment_of(nextitem) == notebook):
        return None
    return notebook


class Scrubber:
    """Removes from text what the given probes sent (see the module's docstring)."""

    def __init__(self, sent: Iterable[ProbeRequest]) -> None:
        fragments: set[str] = set()
        self._grams: set[str] = set()
        for request in sent:
            for text in (request.to_json()[:SENT_CHARS], request.code):
                self._grams.update(text[i:i + GRAM] for i in range(len(text) - GRAM + 1))
            fragments.update(_code_lines(request.code))
            for value in (*request.args, *request.kwargs.values(), *request.inputs.values()):
                fragments.update(_number_texts(value))
        longest_first = sorted(fragments, key=len, reverse=True)
        self._pattern = re.compile(
            "|".join(rf"(?<![\w.]){re.escape(f)}(?![\w])" if f[:1].isdigit() or f[:1] == "-"
                     else re.escape(f) for f in longest_first)) if longest_first else None

    def __call__(self, text: str) -> str:
        text = self._without_sent_text(text)
        return self._pattern.sub(HIDDEN_TEXT, text) if self._pattern else text

    def _without_sent_text(self, text: str) -> str:
        """Every run of GRAM characters or more that the requests held, as sent (their JSON:
        code with its quotes escaped, inputs as the wire encodes them) or as code."""
        covered = [False] * len(text)
        for start in range(len(text) - GRAM + 1):
            if text[start:start + GRAM] in self._grams:
                covered[start:start + GRAM] = [True] * GRAM
        pieces, index = [], 0
        while index < len(text):
            if covered[index]:
                while index < len(text) and covered[index]:
                    index += 1
                pieces.append(HIDDEN_TEXT)
            else:
                pieces.append(text[index])
                index += 1
        return "".join(pieces)


def _code_lines(code: str) -> set[str]:
    lines = {line.strip() for line in code.splitlines()}
    return {line for line in lines if len(line) >= LINE_CHARS}


def _number_texts(value: Any) -> set[str]:
    texts: set[str] = set()
    for number in _numbers(value):
        if not math.isfinite(number) or number == int(number):
            continue  # integers and edge values are anyone's
        shown = {f"{number:.{digits}g}" for digits in range(SIGNIFICANT, 18)}
        shown |= {f"{number:.{digits}f}" for digits in range(SIGNIFICANT, 9)}  # tensors' repr
        shown |= {f"{number:.{digits}e}" for digits in range(SIGNIFICANT - 1, 17)}
        shown.add(repr(number))
        texts |= {text for text in shown if _significant(text) >= SIGNIFICANT}
    return texts


def _significant(text: str) -> int:
    mantissa = text.lstrip("-").partition("e")[0].replace(".", "")
    return len(mantissa.lstrip("0"))


def _numbers(value: Any) -> Iterator[float]:
    """The floats in a probe's input: tensors (as float32 and as float64), numbers, lists."""
    import torch

    if isinstance(value, torch.Tensor):
        flat = value.detach().reshape(-1)[:MAX_NUMBERS]
        if flat.is_floating_point():
            yield from flat.double().tolist()
            yield from (float(f"{v:.8g}") for v in flat.float().tolist())
    elif isinstance(value, float):
        yield value
    elif isinstance(value, (list, tuple)):
        for inner in value[:MAX_NUMBERS]:
            yield from _numbers(inner)
    elif isinstance(value, dict):
        for inner in list(value.values())[:MAX_NUMBERS]:
            yield from _numbers(inner)


def gate_folder_for_workers(config: pytest.Config) -> Path | None:
    """The folder the workers of this `pytest -n` run share their kernel locks in."""
    workerinput = getattr(config, "workerinput", None)
    folder = (workerinput or {}).get(GATE_KEY)
    return Path(folder) if folder else None


GATE_KEY = "grader_kernel_gate"
