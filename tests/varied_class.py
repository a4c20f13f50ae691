"""A small class with varied mistakes, for the class report and the exports: solutions, blank
templates, a notebook that is not JSON, a missing notebook, and real mistakes made by editing a
solution's cells (two students share one, so that a cause is hit twice), under hostile names."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.corpus.case import Case, Edit
from tests.corpus.harness import ASSIGNMENTS, SOLUTIONS

FIRST, SECOND = "01_tensors_and_loss.ipynb", "02_training_loop.ipynb"
GRADED = ("01_tensors_and_loss", "02_training_loop")
RESET_IN_STEP = "    for p in (W, b):\n        if p.grad is not None:\n            p.grad.zero_()\n"

ACCUMULATES = Case("accumulates", SECOND, (Edit("train-step", RESET_IN_STEP, ""),))
BACKWORD = Case("backword", SECOND,
                (Edit("training-loop", "    loss.backward()\n", "    loss.backword()\n"),))
DIVERGES = Case("diverges", SECOND, (Edit("training-loop", "lr = 0.01\n", "lr = 1.0\n"),))
STOPS_EARLY = Case("stops_early", SECOND,
                   (Edit("training-loop", "epochs = 1000\n", "epochs = 100\n"),))
FLAT_DATA = Case("flat_data", FIRST, (
    Edit("as-column", "return torch.tensor(values, dtype=torch.float32).reshape(-1, 1)",
         "return torch.tensor(values, dtype=torch.float32)"),))

HOSTILE_NAMES = ("<img src=x onerror=alert(1)>", "=cmd()")


def make_class(root: Path) -> Path:
    """One folder per student under root/submissions; returns that folder."""
    submissions = root / "submissions"
    students: dict[str, list[object]] = {
        "ada_solution": [SOLUTIONS / FIRST, SOLUTIONS / SECOND],
        "ben_template": [ASSIGNMENTS / FIRST, ASSIGNMENTS / SECOND],
        "cy_broken_json": [SOLUTIONS / FIRST, "{ broken"],
        "dan_accumulates": [SOLUTIONS / FIRST, ACCUMULATES],
        "eve_accumulates": [FLAT_DATA, ACCUMULATES],
        "fay_backword": [BACKWORD],  # no notebook 01 at all
        HOSTILE_NAMES[0]: [SOLUTIONS / FIRST, DIVERGES],
        HOSTILE_NAMES[1]: [SOLUTIONS / FIRST, STOPS_EARLY],
    }
    for name, notebooks in students.items():
        folder = submissions / name
        folder.mkdir(parents=True)
        for notebook in notebooks:
            if isinstance(notebook, Case):
                notebook.build(SOLUTIONS, folder)
            elif isinstance(notebook, Path):
                shutil.copy(notebook, folder / notebook.name)
            else:
                (folder / SECOND).write_text(str(notebook), encoding="utf-8")
    return submissions
