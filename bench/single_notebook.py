"""Part 1: one notebook four ways, side by side in one run.

floor     its code cells concatenated into a script, `python script.py` in a fresh process
check     `grader check NOTEBOOK`, end to end
pytest    `pytest grader/assignments/test_NAME.py --grader-notebooks DIR`
nbconvert `jupyter nbconvert --to notebook --execute NOTEBOOK` (the benchmark's own environment)

The ways run interleaved, one of each per round, the order rotating from round to round, so a
change in the machine's load touches all of them alike. Round 0 warms the page cache and the
reference-answer cache and is not counted.
"""

from __future__ import annotations

import shutil
import sys
import sysconfig
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from bench.baseline_env import BaselineEnv
from bench.timing import median, run_timed

KIT_ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = KIT_ROOT / "solutions"
GRADED_TESTS = KIT_ROOT / "grader" / "assignments"


@dataclass(frozen=True)
class Way:
    key: str
    label: str
    command: tuple[str | Path, ...]
    cwd: Path
    env: dict[str, str] | None = None  # None: the caller's, without pytest's variables


@dataclass
class WayResult:
    key: str
    label: str
    seconds: list[float] = field(default_factory=list)  # counted rounds only
    failure: str = ""  # why it could not be measured, if it could not

    @property
    def median(self) -> float:
        return median(self.seconds)


@dataclass
class NotebookResult:
    notebook: str
    ways: list[WayResult]

    @property
    def floor(self) -> float:
        return self.way("floor").median

    def way(self, key: str) -> WayResult:
        return next(w for w in self.ways if w.key == key)

    def ratio(self, key: str) -> float:
        return self.way(key).median / self.floor


def grader_command() -> Path:
    """The installed `grader` script itself, not a shell shim in front of it."""
    script = Path(sysconfig.get_path("scripts")) / "grader"
    return script if script.exists() else Path(shutil.which("grader") or "grader")


def script_of(notebook: Path) -> str:
    """The notebook's code cells as one script; IPython lines (%magic, !shell) commented out."""
    cells = nbformat.read(notebook, as_version=4).cells
    sources = [cell.source for cell in cells if cell.cell_type == "code"]
    lines = [f"# {line}" if line.lstrip().startswith(("%", "!")) else line
             for source in sources for line in source.splitlines()]
    return "\n".join(lines) + "\n"


def ways_for(notebook: Path, work: Path, baseline: BaselineEnv | None) -> list[Way]:
    """Prepare `work` (a copy of the notebook, its script) and the commands that run it."""
    folder = work / "submission"
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / notebook.name
    shutil.copy(notebook, copy)
    script = work / "script.py"
    script.write_text(script_of(notebook), encoding="utf-8")
    tests = GRADED_TESTS / f"test_{notebook.stem}.py"
    ways = [
        Way("floor", "python script.py (floor)", (sys.executable, script), work),
        Way("check", "grader check", (grader_command(), "check", copy), work),
        Way("pytest", "pytest test_<name>.py", (sys.executable, "-m", "pytest", tests, "-q",
                                                "--grader-notebooks", folder), KIT_ROOT),
    ]
    if baseline is not None:
        ways.append(Way("nbconvert", "jupyter nbconvert --execute",
                        (baseline.nbconvert, "--to", "notebook", "--execute", copy,
                         "--output-dir", work / "nbconvert"), work, baseline.environ()))
    return ways


def measure(notebooks: Sequence[str], work: Path, repeat: int, baseline: BaselineEnv | None,
            log: Callable[[str], None]) -> list[NotebookResult]:
    results = []
    for name in notebooks:
        ways = ways_for(SOLUTIONS / name, work / Path(name).stem, baseline)
        found = {way.key: WayResult(way.key, way.label) for way in ways}
        for round_ in range(repeat + 1):
            shift = round_ % len(ways)
            for way in ways[shift:] + ways[:shift]:
                result = found[way.key]
                if result.failure:
                    continue
                run = run_timed(way.command, way.cwd, way.env)
                if not run.ok:
                    result.failure = f"exit {run.returncode}: {run.tail[-600:]}"
                    log(f"  {name}: {way.label} FAILED ({result.failure.splitlines()[0]})")
                elif round_:
                    result.seconds.append(run.seconds)
            log(f"  {name}: round {round_}/{repeat}" + (" (warm-up, not counted)"
                                                         if round_ == 0 else ""))
        results.append(NotebookResult(name, [found[way.key] for way in ways]))
    return results
