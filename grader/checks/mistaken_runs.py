"""Name the cause of a wrong training only when re-running that mistake reproduces it.

The grader re-runs the lesson's training with each usual mistake, and with each pair of them,
in the student's dtype and in float64. A set of mistakes *reproduces* the student's training
when its run ends at the student's parameters within the student's own precision (a few times
the spread that float32 arithmetic itself gives this very run, its float32 run against its
float64 one, plus a few units in the last place); and, when the notebook recorded its losses,
when the run would record as many, starting from the same first loss and following the same
curve over the first epochs (two trainings that both converge fully end at the same place:
momentum is not a tenfold learning rate because both reach the optimum).

Single mistakes are tried first, pairs only if none reproduces the training; runs that would
record another number of losses than the notebook did are not run at all. The smallest sets
that reproduce the training explain it. Of a pair, only the mistakes that
matter for the failing test are named: one whose removal moves the result by less than the
test's own tolerance (an extra epoch after convergence) is present but explains nothing here.
When sets of different mistakes reproduce the training equally well (a summed loss and one
step per data point both converge fully), the evidence does not single one out, and nothing
is named: the message then says what differs, and where, without guessing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any, Protocol, TypeVar

import torch

from grader.checks.explanation import Explanation
from grader.errors import Cause

SAME_FIRST_LOSS = 1e-3  # relative: the first recorded loss, float32 against float64
# The first epochs of a recorded curve, compared with a re-run's: float32 and float64 runs of
# one training agree there to a millionth; different trainings part within a few epochs.
CURVE_EPOCHS = 10
ULPS = 16  # units in the last place a reproduced value may differ by, beyond the spread
SPREADS = 4  # times the float32-against-float64 spread of the run itself
MAX_EPOCHS = 4  # times the lesson's epochs: the longest run the recorded losses may suggest
MAX_RATES = 4  # learning rates re-run: ten times and a tenth of the lesson's, and two more
# In float64, two runs that add in another order drift apart by far more than a few units in
# the last place over thousands of steps, and distinct mistakes still land orders of
# magnitude further apart: a relative floor of 1e-9 separates the two.
RELATIVE_FLOOR = 1e-9
REFERENCE_EPS = torch.finfo(torch.float32).eps


class Outcome(Protocol):
    @property
    def parameters(self) -> torch.Tensor:
        """Flattened, float64."""

    @property
    def curves(self) -> tuple[tuple[float, ...], ...]:
        """The start of each series a notebook may record."""

    @property
    def firsts(self) -> tuple[float, ...]:
        """The first loss a notebook may record, each way it may."""

    @property
    def counts(self) -> tuple[int, ...]:
        """How many losses it may record."""


R = TypeVar("R", bound="Rerunnable")


class Rerunnable(Protocol):
    @property
    def dtype(self) -> torch.dtype: ...

    def but(self: R, **changes: Any) -> R: ...

    @property
    def counts(self) -> tuple[int, ...]:
        """How many losses a notebook may record of this run (known before running it)."""
        ...


def plausible_epochs(count: int | None, lesson: int) -> int | None:
    """Another epoch count worth re-running, from the number of recorded losses: a handful
    more or fewer than the lesson's, never thousands of times more (a notebook's list could
    be made as long as it likes; a re-run costs the grader in proportion)."""
    if count is None or count in (lesson, 2 * lesson) or not 0 < count <= MAX_EPOCHS * lesson:
        return None
    return count


def plausible_rates(rates: Sequence[float], lesson: float) -> list[float]:
    """The learning rates worth re-running: positive, finite, other than the lesson's, and only
    the first few the notebook holds (each one is re-run with every other mistake)."""
    found: list[float] = []
    for rate in rates:
        if isinstance(rate, (int, float)) and not isinstance(rate, bool) and \
                0 < rate < float("inf") and abs(rate - lesson) > 1e-9 * lesson and \
                float(rate) not in found:
            found.append(float(rate))
    return found[:MAX_RATES]


@dataclass(frozen=True, eq=False)  # each mistake is itself: sets of them are keys
class Mistake:
    """A usual mistake: `when` says it as a clause ("the gradients are never reset"), `advice`
    what to do; `changes` are the fields of the run it changes."""

    cause: Cause
    when: str
    advice: str
    changes: Mapping[str, Any]

    @property
    def key(self) -> tuple[tuple[str, Any], ...]:
        return tuple(sorted(self.changes.items()))


# A step that never reaches the parameters (the gradients reset between backward() and the
# update, an update of copies, no step at all): a run at learning rate 0 stays at the start.
NEVER_MOVES = Mistake(
    Cause.NOT_TRAINED,
    "no update reaches the parameters: they never move from their start",
    "Every epoch: backward(), then the update (optimizer.step(), or p -= lr * p.grad inside "
    "torch.no_grad()); reset the gradients before backward() or after the update, never "
    "between the two, and update the parameters themselves, not copies of them.", {"lr": 0.0})


def epochs_mistake(found_epochs: int | None, epochs: int) -> list[Mistake]:
    """Another number of epochs than the lesson's, if the recorded losses suggest one."""
    if found_epochs is None:
        return []
    return [Mistake(Cause.OTHER_EPOCHS, f"it runs for {found_epochs} epochs",
                    f"Train for exactly {epochs} epochs.", {"epochs": found_epochs})]


def rate_mistakes(lesson_lr: float, learning_rates: Sequence[float]) -> list[Mistake]:
    """Other learning rates: ten times and a tenth of the lesson's, and those the notebook
    holds (plausible_rates)."""
    rates = [lesson_lr * 10, lesson_lr / 10, *learning_rates]
    return [Mistake(Cause.OTHER_LEARNING_RATE, f"the learning rate is {lr:g}",
                    f"The lesson's is {lesson_lr:g}: use lr = {lesson_lr:g}.", {"lr": lr})
            for lr in plausible_rates(rates, lesson_lr)]


@dataclass(frozen=True)
class Evidence:
    """What the student's training left: its parameters (flattened, in the student's dtype)
    and the losses the notebook recorded (None where it recorded none that can be read)."""

    parameters: torch.Tensor
    recorded: list[float] | None = None


def explain_training(evidence: Evidence, lesson: R, mistakes: Sequence[Mistake],
                     run_all: Callable[[Sequence[R]], Sequence[Outcome]],
                     material: Callable[[torch.Tensor, torch.Tensor], bool]) -> Explanation | None:
    """The mistakes that reproduce the student's training, as words and a cause; None if no
    set of them does, or if different ones do. `material(a, b)`: whether parameters `a` and
    `b` differ enough to matter for the test (beyond its tolerance)."""
    found = evidence.parameters.detach()
    if not found.is_floating_point() or found.numel() == 0:
        return None
    mistakes = _distinct(mistakes)
    dtype = found.dtype if found.dtype in (torch.float32, torch.float64) else torch.float32
    by_set: dict[tuple[Mistake, ...], Outcome] = {}
    # One mistake first: it is the usual case, and pairs cost ten times as many runs.
    singles = [(m,) for m in mistakes]
    pairs = [pair for pair in combinations(mistakes, 2) if _combine(pair) is not None]
    for candidates in (singles, pairs):
        # A run that would record another number of losses than the notebook did cannot be
        # its training: it is not run at all (a run twice as long costs twice as much).
        planned = {s: lesson.but(**_combine(s) or {}) for s in candidates}
        sets = [s for s, run in planned.items() if not evidence.recorded
                or len(evidence.recorded) in run.counts]
        if not sets:
            continue
        runs = [planned[s] for s in sets]
        own = run_all([run.but(dtype=dtype) for run in runs])
        exact = own if dtype == torch.float64 else run_all([run.but(dtype=torch.float64)
                                                           for run in runs])
        by_set.update(zip(sets, own, strict=True))
        by_set.update(_singles_for(sets, singles, by_set, lesson, run_all, dtype))
        reproducing = [s for s, o, e in zip(sets, own, exact, strict=True)
                       if _reproduces(found, evidence.recorded, o, e)]
        if reproducing:
            named = {_material(s, by_set, found, material) for s in reproducing}
            if len(named) != 1:
                return None  # different mistakes reproduce it: the evidence does not decide
            return _explanation(*next(iter(named)))
    return None


def _singles_for(sets: Sequence[tuple[Mistake, ...]], singles: Sequence[tuple[Mistake, ...]],
                 done: Mapping[tuple[Mistake, ...], Outcome], lesson: R,
                 run_all: Callable[[Sequence[R]], Sequence[Outcome]], dtype: torch.dtype
                 ) -> dict[tuple[Mistake, ...], Outcome]:
    """The runs of single mistakes that pairs need to be weighed (without each of its two
    mistakes, where does the run land?) and that were not run yet."""
    needed = [s for s in singles if s not in done and any(s[0] in pair for pair in sets
                                                            if len(pair) == 2)]
    if not needed:
        return {}
    outcomes = run_all([lesson.but(**_combine(s) or {}, dtype=dtype) for s in needed])
    return dict(zip(needed, outcomes, strict=True))


def _distinct(mistakes: Sequence[Mistake]) -> list[Mistake]:
    seen: dict[tuple[tuple[str, Any], ...], Mistake] = {}
    for mistake in mistakes:
        seen.setdefault(mistake.key, mistake)
    return list(seen.values())


def _combine(mistakes: Sequence[Mistake]) -> dict[str, Any] | None:
    """The changes of mistakes that change different things, together; None if they clash."""
    changes: dict[str, Any] = {}
    for mistake in mistakes:
        if set(changes) & set(mistake.changes):
            return None
        changes.update(mistake.changes)
    return changes


def _reproduces(found: torch.Tensor, recorded: list[float] | None, own: Outcome,
                exact: Outcome) -> bool:
    """The run ends at `found` within the student's precision, and records as the notebook did."""
    if recorded:
        if len(recorded) not in own.counts:
            return False
        first = recorded[0]
        if not any(abs(first - f) <= SAME_FIRST_LOSS * abs(f) + 1e-7 for f in own.firsts):
            return False
        if not _same_curve(recorded, own):
            return False
    student = found.double().reshape(-1)
    run, reference = own.parameters.reshape(-1), exact.parameters.reshape(-1)
    if student.numel() != run.numel():
        return False
    finite = torch.isfinite(student)
    if not bool((finite == torch.isfinite(run)).all()):
        return False
    if not bool(finite.any()):
        return True
    return bool((student[finite] - run[finite]).abs().le(
        tolerance(found.dtype, run[finite], reference[finite])).all())


def _same_curve(recorded: list[float], own: Outcome) -> bool:
    """The recorded losses follow one of the series the run may record over its first epochs,
    measured before each step or after it (a run that tells none is not compared)."""
    if not own.curves:
        return True

    def close(found: float, expected: float, floor: float) -> bool:
        if not (math.isfinite(found) and math.isfinite(expected)):
            return math.isnan(found) == math.isnan(expected) and (
                math.isnan(found) or found == expected)
        return abs(found - expected) <= SAME_FIRST_LOSS * abs(expected) + floor

    for curve in own.curves:
        if len(curve) < 2:
            continue
        early = min(CURVE_EPOCHS, len(curve) - 1, len(recorded))
        floor = 1e-6 * abs(curve[0]) + 1e-7
        if any(all(close(recorded[i], curve[i + shift], floor) for i in range(early))
               for shift in (0, 1)):
            return True
    return False


def tolerance(dtype: torch.dtype, run: torch.Tensor, exact: torch.Tensor) -> torch.Tensor:
    """How far the student's values may be from the grader's run in `dtype`: a few times the
    largest spread between that run and the float64 one (scaled to `dtype`'s precision: how
    much rounding this very training amplifies; two float32 runs that add in another order
    differ by as much, element by element at random), plus a few units in the last place of
    the values involved."""
    eps = torch.finfo(dtype).eps if dtype.is_floating_point else REFERENCE_EPS
    spread = (run - exact).abs().nan_to_num(nan=0.0, posinf=0.0).max() * (eps / REFERENCE_EPS)
    scale = run.abs().max().clamp(min=1.0)
    floor = max(ULPS * eps, RELATIVE_FLOOR)
    return SPREADS * spread + floor * torch.maximum(run.abs(), scale)


def _material(mistakes: tuple[Mistake, ...], by_set: Mapping[tuple[Mistake, ...], Outcome],
              found: torch.Tensor, material: Callable[[torch.Tensor, torch.Tensor], bool]
              ) -> tuple[tuple[Mistake, ...], tuple[Mistake, ...]]:
    """The mistakes of a set that matter (without each, the run lands materially elsewhere),
    and those that are there but change little."""
    if len(mistakes) == 1:
        return mistakes, ()
    student = found.double().reshape(-1)
    matter = tuple(m for m in mistakes if material(
        by_set[tuple(o for o in mistakes if o is not m)].parameters, student))
    if not matter:
        return mistakes, ()
    return matter, tuple(m for m in mistakes if m not in matter)


def _explanation(matter: Sequence[Mistake], little: Sequence[Mistake]) -> Explanation:
    changes = [*matter, *little]
    count = {1: "one change", 2: "two changes"}.get(len(changes), f"{len(changes)} changes")
    what = "; ".join(m.when for m in changes)
    aside = "; the first explains the gap, the second changes little here" if little else ""
    advice = " ".join(m.advice for m in matter)
    return Explanation(f"The lesson's training, re-run by the grader with {count} ({what}), "
                       f"lands where yours does{aside}. {advice}", matter[0].cause)
