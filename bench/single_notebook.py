"""Part 1: one notebook seven ways, side by side in one run.

floor      its code cells concatenated into a script, `python script.py` in a fresh process
check      `grader check NOTEBOOK`, end to end, warm: through the kit's check daemon (imports
           paid once, each check forked from it), started by round 0
check_unsandboxed  the same with `--sandbox off` (its own daemon): what the sandbox costs
check_first `grader check NOTEBOOK` when no daemon runs: it starts one (a student's first check;
           the daemon is stopped before each run, untimed)
check_cold `grader check NOTEBOOK --cold`, its kernel started from scratch
pytest     `pytest grader/assignments/test_NAME.py --grader-notebooks DIR` (warm)
pytest_unsandboxed  the same with `--grader-sandbox off`
nbconvert  `jupyter nbconvert --to notebook --execute NOTEBOOK` (the benchmark's own environment)

The ways run interleaved, one of each per round, the order rotating from round to round, so a
change in the machine's load touches all of them alike. Round 0 warms the page cache and the
reference-answer cache and is not counted. The check daemon gets a folder of its own (not a
daemon another session started) and is stopped once part 1 is done.
"""

from __future__ import annotations

import shutil
import sys
import sysconfig
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from bench.baseline_env import BaselineEnv
from bench.timing import clean_env, median, run_timed

KIT_ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = KIT_ROOT / "solutions"
GRADED_TESTS = KIT_ROOT / "grader" / "assignments"
DAEMON_DIR_ENV = "GRADER_DAEMON_DIR"  # where `grader check` finds or starts its daemon
SETTLE_SECONDS = 0.5  # after stopping a daemon: its exit is not counted in the next run


@dataclass(frozen=True)
class Way:
    key: str
    label: str
    command: tuple[str | Path, ...]
    cwd: Path
    env: dict[str, str] | None = None  # None: the caller's, without pytest's variables
    before: tuple[str | Path, ...] = ()  # run first in the same cwd and env, untimed


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


def ways_for(notebook: Path, work: Path, baseline: BaselineEnv | None,
             daemon: dict[str, str], first_daemon: dict[str, str]) -> list[Way]:
    """Prepare `work` (a copy of the notebook, its script) and the commands that run it;
    `daemon` is the environment of `grader check` (warm), `first_daemon` that of the check
    that starts its daemon (a folder of its own)."""
    folder = work / "submission"
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / notebook.name
    shutil.copy(notebook, copy)
    script = work / "script.py"
    script.write_text(script_of(notebook), encoding="utf-8")
    tests = GRADED_TESTS / f"test_{notebook.stem}.py"
    ways = [
        Way("floor", "python script.py (floor)", (sys.executable, script), work),
        Way("check", "grader check (warm)", (grader_command(), "check", copy), work, daemon),
        Way("check_unsandboxed", "grader check --sandbox off (warm)",
            (grader_command(), "check", "--sandbox", "off", copy), work, daemon),
        Way("check_first", "grader check (first)",
            (grader_command(), "check", copy), work, first_daemon,
            before=(grader_command(), "daemon", "stop")),
        Way("check_cold", "grader check --cold", (grader_command(), "check", "--cold", copy),
            work),
        Way("pytest", "pytest test_<name>.py", (sys.executable, "-m", "pytest", tests, "-q",
                                                "--grader-notebooks", folder), KIT_ROOT),
        Way("pytest_unsandboxed", "pytest ... --grader-sandbox off",
            (sys.executable, "-m", "pytest", tests, "-q", "--grader-notebooks", folder,
             "--grader-sandbox", "off"), KIT_ROOT),
    ]
    if baseline is not None:
        ways.append(Way("nbconvert", "jupyter nbconvert --execute",
                        (baseline.nbconvert, "--to", "notebook", "--execute", copy,
                         "--output-dir", work / "nbconvert"), work, baseline.environ()))
    return ways


def measure(notebooks: Sequence[str], work: Path, repeat: int, baseline: BaselineEnv | None,
            log: Callable[[str], None]) -> list[NotebookResult]:
    daemons = []
    for folder in ("daemon", "first-daemon"):
        (work / folder).mkdir(parents=True, exist_ok=True)
        daemons.append(clean_env({DAEMON_DIR_ENV: str(work / folder)}))
    try:
        return [_measure(name, work, repeat, baseline, *daemons, log) for name in notebooks]
    finally:
        for daemon in daemons:
            stop = run_timed([grader_command(), "daemon", "stop"], cwd=work, env=daemon,
                             timeout=120)
            log(f"  {stop.tail.splitlines()[-1] if stop.tail else 'grader daemon stop'} "
                f"(exit {stop.returncode})")


def _measure(name: str, work: Path, repeat: int, baseline: BaselineEnv | None,
             daemon: dict[str, str], first_daemon: dict[str, str],
             log: Callable[[str], None]) -> NotebookResult:
    ways = ways_for(SOLUTIONS / name, work / Path(name).stem, baseline, daemon, first_daemon)
    found = {way.key: WayResult(way.key, way.label) for way in ways}
    for round_ in range(repeat + 1):
        shift = round_ % len(ways)
        for way in ways[shift:] + ways[:shift]:
            result = found[way.key]
            if result.failure:
                continue
            if way.before:
                run_timed(way.before, way.cwd, way.env)
                time.sleep(SETTLE_SECONDS)
            run = run_timed(way.command, way.cwd, way.env)
            if not run.ok:
                result.failure = f"exit {run.returncode}: {run.tail[-600:]}"
                log(f"  {name}: {way.label} FAILED ({result.failure.splitlines()[0]})")
            elif round_:
                result.seconds.append(run.seconds)
        log(f"  {name}: round {round_}/{repeat}" + (" (warm-up, not counted)"
                                                     if round_ == 0 else ""))
    return NotebookResult(name, [found[way.key] for way in ways])
