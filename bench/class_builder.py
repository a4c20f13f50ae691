"""A synthetic class: students whose notebooks are copies of the solutions or small edits of them.

The edits are cases of the kit's mistake corpus (tests/corpus/, by name) and two edits of our own
that keep full marks; a case missing from the corpus is skipped. Student i takes the i-th entry of
each notebook's menu (cycling), so the class mixes full marks, errors and wrong answers.
"""

from __future__ import annotations

import importlib
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.single_notebook import SOLUTIONS
from tests.corpus.case import Case, Edit

SOLUTION = "solution"
SMALL = 1  # students in the small class: the slope from it to the whole class is the marginal cost

# Per notebook: what student 0, 1, 2, ... hand in.
MENUS: dict[str, tuple[str, ...]] = {
    "01_tensors_and_loss.ipynb": (
        SOLUTION, "uses_torch_rand_instead_of_randn", "comments_the_prediction",
        "flat_training_data", SOLUTION, "update_through_data_and_float64_valid",
        "hard_codes_the_outputs_of_predict",
    ),
    "02_training_loop.ipynb": (
        SOLUTION, "backword_typo_in_the_training_loop", "renames_the_loop_variable",
        "forgets_to_reset_gradients_in_train_step", SOLUTION, "too_few_epochs",
        "grad_set_to_none_and_optimizer_style_reset_valid", "learning_rate_100_times_too_large",
    ),
}

OWN_EDITS = [
    Case("comments_the_prediction", "01_tensors_and_loss.ipynb",
         (Edit("predict-mse", "return X @ W + b", "return X @ W + b  # one row per observation"),),
         why="valid: a comment"),
    Case("renames_the_loop_variable", "02_training_loop.ipynb",
         (Edit("training-loop", "for epoch in range(epochs):", "for step in range(epochs):"),),
         why="valid: another name for the loop variable"),
]


@dataclass(frozen=True)
class Student:
    id: str
    folder: Path
    handed_in: dict[str, str]  # notebook -> "solution" or the name of the edit

    @property
    def notebooks(self) -> list[Path]:
        return [self.folder / name for name in self.handed_in]


def build_class(size: int, root: Path, notebooks: Sequence[str],
                log: Callable[[str], None] = print) -> list[Student]:
    """Write `size` student folders under `root`, each holding every notebook in `notebooks`."""
    cases = _known_cases(notebooks)
    menus = {}
    for notebook in notebooks:
        menu = MENUS.get(notebook, (SOLUTION,))
        missing = [name for name in menu if name != SOLUTION and name not in cases]
        if missing:
            log(f"  corpus cases not found, skipped: {', '.join(missing)}")
        menus[notebook] = [name for name in menu if name == SOLUTION or name in cases]
    students = []
    for i in range(size):
        student = Student(f"s{i:02d}", root / f"s{i:02d}", {})
        student.folder.mkdir(parents=True, exist_ok=True)
        for notebook in notebooks:
            choice = menus[notebook][i % len(menus[notebook])]
            if choice == SOLUTION:
                shutil.copy(SOLUTIONS / notebook, student.folder / notebook)
            else:
                cases[choice].build(SOLUTIONS, student.folder)
            student.handed_in[notebook] = choice
        students.append(student)
    return students


def _known_cases(notebooks: Sequence[str]) -> dict[str, Case]:
    cases = {case.name: case for case in OWN_EDITS}
    for notebook in notebooks:
        try:
            module = importlib.import_module(f"tests.corpus.cases_{Path(notebook).stem}")
        except ImportError:
            continue
        cases.update({case.name: case for case in getattr(module, "CASES", [])})
    return cases
