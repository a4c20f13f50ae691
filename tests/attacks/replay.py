"""The replay attack on probes: a notebook with nothing implemented whose last cell replaces the
in-kernel agent's reply function and answers each probe with the reference's answer the
student kit ships (grader/reference_answers/), looked up as the grader's own cache does: by
the request's digest. It scored 38/67 when the grader's inputs were fixed per test."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell

from tests.corpus.harness import ASSIGNMENTS

REPLAY = """\
import hashlib
import grader.probing.agent as _agent
from IPython.display import publish_display_data
_ANSWERS = json.loads(%(answers)r)
_KEY = %(key)r
_own = _agent.answer
def answer(request_text):
    digest = hashlib.sha256(request_text.encode()).hexdigest()
    key = hashlib.sha256(f"{_KEY}|{digest}".encode()).hexdigest()
    if key in _ANSWERS:
        publish_display_data({"application/x-grader-probe": _ANSWERS[key]})
    else:
        _own(request_text)
_agent.answer = answer
"""


def shipped_answers(kit: Path) -> tuple[dict[str, str], dict[str, str]]:
    """(cache key -> the reference's payload, notebook -> its key) of a student kit."""
    folder = kit / "grader" / "reference_answers"
    keys = json.loads((folder / "keys.json").read_text(encoding="utf-8"))["notebooks"]
    answers = {path.stem: path.read_text(encoding="utf-8")
               for path in folder.glob("*/*.json")}
    return answers, keys


def write_replayer(kit: Path, folder: Path, notebooks: list[str]) -> Path:
    """The blank templates of `notebooks`, each with the replay cell last, in `folder`."""
    answers, keys = shipped_answers(kit)
    folder.mkdir(parents=True, exist_ok=True)
    for name in notebooks:
        notebook = nbformat.read(ASSIGNMENTS / name, as_version=4)
        source = "import json\n" + REPLAY % {"answers": json.dumps(answers), "key": keys[name]}
        notebook.cells.append(new_code_cell(source, id="replay"))
        nbformat.write(notebook, folder / name)
    return folder
