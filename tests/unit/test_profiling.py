"""The profile of a grading run: exclusive spans per notebook that add up to the process's
time, the kernel's own time carved out of a cell's, and a class's breakdown per notebook."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from grader.profiling import spans
from grader.profiling.breakdown import OUTSIDE, PROFILE_FILE, collect, table
from grader.profiling.kernel_time import kernel_seconds
from grader.profiling.spans import Profile


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


def test_spans_are_exclusive_so_the_phases_add_up_to_the_outer_span() -> None:
    profile = Profile()
    started = time.perf_counter()
    with profile.span("outer"):
        _sleep(0.02)
        with profile.span("inner"):
            _sleep(0.03)
    elapsed = time.perf_counter() - started
    outer, inner = profile.seconds[("", "outer")], profile.seconds[("", "inner")]
    assert inner >= 0.03 and 0.02 <= outer < inner
    assert abs(outer + inner - elapsed) < 0.005


def test_a_carved_part_leaves_its_span_and_an_absorbing_span_keeps_everything() -> None:
    profile = Profile()
    with profile.span("cell"):
        _sleep(0.03)
        profile.carve("in the kernel", 0.02)
        profile.carve("more than there is", 10.0)  # never more than the span's own time
    assert abs(profile.seconds[("", "in the kernel")] - 0.02) < 1e-9
    cell_total = sum(profile.seconds.values())
    assert cell_total < 0.03 + 0.01 and profile.seconds[("", "cell")] >= 0.0
    absorbing = Profile()
    with absorbing.span("setup", absorb=True):
        with absorbing.span("inner"):
            _sleep(0.01)
        absorbing.carve("in the kernel", 0.005)
    assert set(absorbing.seconds) == {("", "setup")}


def test_a_span_given_a_notebook_gives_it_to_the_spans_inside_and_then_restores() -> None:
    profile = Profile()
    profile.notebook = "01_a"
    with profile.span("shutdown", notebook="02_b"), profile.span("inner"):
        pass
    with profile.span("after"):
        pass
    assert {key for key in profile.seconds} == {("02_b", "shutdown"), ("02_b", "inner"),
                                                ("01_a", "after")}


def test_profiling_off_costs_a_shared_null_context_and_records_nothing() -> None:
    spans.stop()
    assert spans.span("x") is spans.span("y")
    with spans.span("x"):
        spans.carve("y", 1.0)
        spans.note("z")
    assert spans.current() is None
    profile = spans.start()
    with spans.span("x"):
        spans.note("a kernel started cold")
    assert spans.stop() is profile and profile.counts[("", "x")] == 1
    assert profile.notes == {"a kernel started cold": 1}


def test_the_kernels_time_is_its_reply_date_less_the_start_it_stamped() -> None:
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    reply = {"header": {"date": start + timedelta(seconds=0.25)},
             "metadata": {"started": start.isoformat()}}
    assert abs(kernel_seconds(reply) - 0.25) < 1e-9
    for forged in (None, {}, {"header": {"date": "soon"}, "metadata": {"started": 3}},
                   {"header": {"date": start}, "metadata": {"started": "2026-01-01T00:00:00"}}):
        assert kernel_seconds(forged) == 0.0


def _write(folder: Path, seconds: float, spans_: dict[str, dict[str, float]]) -> None:
    folder.mkdir(parents=True)
    document = {"seconds": seconds, "notes": {"a kernel started cold: why": 1},
                "spans": {notebook: {phase: {"seconds": s, "count": 2}
                                     for phase, s in phases.items()}
                          for notebook, phases in spans_.items()}}
    (folder / PROFILE_FILE).write_text(json.dumps(document), encoding="utf-8")


def test_a_class_breakdown_is_per_graded_notebook_with_the_process_shared_among_them(
        tmp_path: Path) -> None:
    for name in ("s1", "s2"):
        _write(tmp_path / name, 1.0, {"": {"collection": 0.2},
                                      "01_a": {"cells: in the kernel": 0.3},
                                      "02_b": {"cells: in the kernel": 0.5}})
    found = collect([tmp_path / "s1", tmp_path / "s2", tmp_path / "nobody"],
                    {tmp_path / "s1": 1.1, tmp_path / "s2": 1.1})
    assert found.students == 2 and found.notebooks == {"01_a", "02_b"}
    assert abs(found.per_notebook("cells: in the kernel") - 0.4) < 1e-9
    assert abs(found.per_notebook("collection") - 0.1) < 1e-9
    assert abs(found.per_notebook(OUTSIDE) - 0.05) < 1e-9  # 0.1 s per student, 2 notebooks
    assert abs(found.total_per_notebook - 0.55) < 1e-9
    assert found.notes == {"a kernel started cold: why": 2}
    rows = table(found, floor=0.2)
    assert rows[0].startswith("| phase | per notebook | share | ÷ floor | grader CPU | 01 | 02 |")
    assert rows[-1].startswith("| total | 550.0 ms | 100% | 2.75 |")


def test_the_daemon_serves_a_batch_only_when_its_kernels_start_like_the_daemons() -> None:
    from grader.execution.settings import ExecutionSettings
    from grader.executors.starter import daemon_serves

    assert daemon_serves(ExecutionSettings())
    assert daemon_serves(ExecutionSettings(cell_timeout=5, notebook_budget=9, probe_budget=3,
                                           protected=("/course",), sandbox="off"))
    assert not daemon_serves(ExecutionSettings(seed=7))
    assert not daemon_serves(ExecutionSettings(memory_limit_mb=1024))
