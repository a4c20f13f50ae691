"""What a report says about the run itself: the seed, the kit's version, the sandbox."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from importlib import metadata

from grader.errors import GraderError
from grader.execution.settings import DEFAULT_SEED
from grader.reports.class_report.records import ClassRecords

DISTRIBUTION = "torch-grader"


@dataclass(frozen=True)
class RunFacts:
    seeds: list[str]  # the seeds the results name; else the one the run was given
    kit_version: str
    sandboxes: list[tuple[str, int]]  # "auto: landlock, namespaces ..." -> students


def run_facts(records: ClassRecords, seed: int | None = None) -> RunFacts:
    extras = [(s.results or {}).get("extra_data") or {} for s in records.students]
    seeds = sorted({str(e["seed"]) for e in extras if e.get("seed") is not None})
    if not seeds:
        seeds = [str(seed if seed is not None else configured_seed())]
    sandboxes = Counter(_sandbox(e.get("sandbox")) for e in extras if e.get("sandbox"))
    return RunFacts(seeds, kit_version(), sorted(sandboxes.items(), key=lambda kv: -kv[1]))


def configured_seed() -> int:
    """The seed of the course graded from here ([tool.grader] seed), else the kit's default."""
    try:
        from grader.course import find_course

        return int(find_course().setting("seed", DEFAULT_SEED))
    except (ImportError, GraderError, ValueError):  # no course here: the kit's default
        return DEFAULT_SEED


def kit_version() -> str:
    try:
        return f"{DISTRIBUTION} {metadata.version(DISTRIBUTION)}"
    except metadata.PackageNotFoundError:
        return f"{DISTRIBUTION} (version unknown: not installed)"


def _sandbox(sandbox: object) -> str:
    if not isinstance(sandbox, dict):
        return "?"
    layers, missing = _names(sandbox.get("layers")), _names(sandbox.get("missing"))
    text = f"{sandbox.get('mode', '?')}: {', '.join(layers) or 'no layer'}"
    return text + (f" (missing: {', '.join(missing)})" if missing else "")


def _names(value: object) -> list[str]:
    """A record's list of names (JSON: anything may be there)."""
    return [str(name) for name in value] if isinstance(value, list | tuple) else []
