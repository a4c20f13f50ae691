"""The pytest plugin: grading options, fixtures, markers, points.

Not a pytest11 entry point: it is loaded only where grading is asked for (a course's
`addopts = "-p grader.plugin.plugin"`, the kit's commands), and even there its hooks change only
tests marked with an assignment. pytest in another project of the same environment is pytest.
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from grader.course import CourseNotFound
from grader.errors import Feedback, GraderError
from grader.execution.kernel_spec import sandbox_policy
from grader.execution.warm.early import start_fork_server_early
from grader.grading.kernel_gate import SharedGate, gate_for_run, new_gate_folder
from grader.grading.reference import Reference
from grader.grading.session import GradingSession
from grader.grading.submission import Submission
from grader.plugin import progress
from grader.plugin.course_tests import extend_kit_with_course_tests
from grader.plugin.hidden import (
    GATE_KEY,
    Scrubber,
    gate_folder_for_workers,
    hidden_last,
    last_of_its_notebook,
)
from grader.plugin.options import SHIPPED_ANSWERS, add_options, course_of, session_config
from grader.plugin.profile import ProfilePlugin
from grader.plugin.scheduling import NotebookScheduling
from grader.plugin.score_reporter import SESSION_KEY, ScoreReporter
from grader.plugin.scoring import (
    ASSIGNMENT_KEY,
    CAUSE_KEY,
    HIDDEN_KEY,
    HIDDEN_REASON,
    KIT_ERROR_CAUSE,
    MESSAGE_KEY,
    POINTS_KEY,
    TITLE_KEY,
)
from grader.plugin.student_text import TRACEBACK_LIMIT, student_text
from grader.plugin.wrappers import Passed
from grader.reference import computed
from grader.reports.sanitize import LIMIT, one_paragraph
from grader.sandbox import describe_sandbox


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "points(n): what the test is worth in the grade")
    config.addinivalue_line(
        "markers", "assignment(notebook): the notebook file a test module grades")
    # Declared here too so that grading without pytest-xdist does not warn about it.
    config.addinivalue_line("markers", "xdist_group(name): run these tests on one xdist worker")
    config.addinivalue_line(
        "markers", "hidden: run by the TA and CI, never shown to students (--grader-student)")
    if _profiling(config):
        config.pluginmanager.register(ProfilePlugin(config), "grader-profile")
    config.pluginmanager.register(ScoreReporter(config), "grader-scores")
    config.pluginmanager.register(progress, "grader-progress")
    with contextlib.suppress(CourseNotFound):  # not a grading run: a fixture will say so
        extend_kit_with_course_tests(course_of(config))
    if _will_execute_notebooks(config):
        settings = session_config(config).settings
        try:
            sandbox_policy(settings)  # probes the machine; strict stops here if a layer lacks
        except GraderError as exc:
            raise pytest.UsageError(str(exc)) from None
        start_fork_server_early(settings)


def _profiling(config: pytest.Config) -> bool:
    """--grader-profile, or the course's [tool.grader] profile."""
    if config.getoption("grader_profile"):
        return True
    with contextlib.suppress(CourseNotFound):
        return bool(course_of(config).settings.get("profile"))
    return False


def _will_execute_notebooks(config: pytest.Config) -> bool:
    """A grading run that executes here: not an xdist controller, not only collecting."""
    controller = bool(getattr(config.option, "numprocesses", None)) \
        and not hasattr(config, "workerinput")
    return (config.getoption("grader_notebooks") is not None and not controller
            and not config.getoption("collectonly"))


def pytest_cmdline_main(config: pytest.Config) -> None:
    """Under pytest -n, keep each notebook's tests on one worker: it is executed once.

    Runs after xdist's own hook (tryfirst), which turns an unset --dist into "load", and
    before pytest's, which runs the session: this hook stops at the first result, so an
    implementation marked trylast is never called."""
    explicit = any(arg.startswith(("--dist", "-d")) for arg in config.invocation_params.args)
    if getattr(config.option, "numprocesses", None) and config.option.dist == "load" \
            and not explicit:
        config.option.dist = "loadgroup"


def pytest_report_header(config: pytest.Config) -> list[str]:
    try:
        settings = session_config(config).settings
    except CourseNotFound:
        return []
    lines = [f"grader: seed {settings.seed} (pass --grader-seed={settings.seed} to repeat)"]
    if _will_execute_notebooks(config):
        lines.append(f"grader: {describe_sandbox(sandbox_policy(settings))}")
    return lines


@pytest.hookimpl(trylast=True)  # the order is the grader's: after any plugin that shuffles
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    student_run = config.getoption("grader_student")
    for item in items:
        assignment = _assignment(item)
        if assignment is None:
            continue
        points = item.get_closest_marker("points")
        item.user_properties.append((ASSIGNMENT_KEY, Path(assignment).stem))
        item.user_properties.append((POINTS_KEY, float(points.args[0]) if points else 1.0))
        title = _title(item)
        if title:
            item.user_properties.append((TITLE_KEY, title))
        _no_traceback_for_feedback(item)
        if item.get_closest_marker("hidden"):
            item.user_properties.append((HIDDEN_KEY, True))
            if student_run:
                item.add_marker(pytest.mark.skip(reason=HIDDEN_REASON))
    items[:] = hidden_last(items, _assignment)


def _no_traceback_for_feedback(item: pytest.Item) -> None:
    """A test failed with Feedback (or an error of the kit) reports its message alone (see
    pytest_runtest_makereport): pytest need not format the traceback first, with the source of
    every frame (15 ms a failure: most of a failing student's grading process)."""
    original = item.repr_failure

    def repr_failure(excinfo: pytest.ExceptionInfo[BaseException], *args: object,
                     **kwargs: object) -> object:
        if isinstance(excinfo.value, Feedback | GraderError):
            return str(excinfo.value)  # replaced by the cleaned message
        return original(excinfo, *args, **kwargs)  # type: ignore[arg-type]

    item.repr_failure = repr_failure  # type: ignore[method-assign,assignment]


def _title(item: pytest.Item) -> str | None:
    """The first line of the test function's docstring, with the parameters' id if any."""
    doc = getattr(getattr(item, "function", None), "__doc__", None) or ""
    line = next((text.strip() for text in doc.splitlines() if text.strip()), "")
    parameters = getattr(getattr(item, "callspec", None), "id", None)
    return f"{line} [{parameters}]" if line and parameters else line or None


def _assignment(item: pytest.Item) -> str | None:
    marker = item.get_closest_marker("assignment")
    return str(marker.args[0]) if marker else None


@pytest.fixture(scope="session")
def grading_session(request: pytest.FixtureRequest) -> Iterator[GradingSession]:
    config = session_config(request.config)
    # The grader's own computations are kept beside the reference answers: not among the
    # shipped answers of a student kit (a folder of the course's).
    computed.use_folder(None if config.cache.directory is None or config.cache.directory
                        == course_of(request.config).root / SHIPPED_ANSWERS
                        else config.cache.directory)
    folder = gate_folder_for_workers(request.config)
    gate = gate_for_run(str(folder) if folder else None)
    session = GradingSession(dataclasses.replace(config, gate=gate))
    request.config.stash[SESSION_KEY] = session
    yield session
    session.close()
    if isinstance(gate, SharedGate):
        gate.close()


@pytest.fixture
def submission(request: pytest.FixtureRequest, grading_session: GradingSession) -> Submission:
    """The student's notebook for this test module, executed once for its visible tests and
    kept from every other kernel of the student's for its hidden ones (session.py)."""
    hidden = request.node.get_closest_marker("hidden") is not None
    return grading_session.submission(_required_assignment(request), hidden=hidden)


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """A notebook's last test is done: its kernels are closed now, not at the end of the run
    (memory; and a kernel sent hidden probes lives beside no other)."""
    notebook = last_of_its_notebook(item, nextitem, _assignment)
    session = item.config.stash.get(SESSION_KEY, None)
    if notebook is not None and session is not None:
        session.done_with(notebook)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """--dist loadgroup (the grader's default under -n): each notebook's tests on one worker
    (grader/plugin/scheduling.py)."""
    if config.option.dist != "loadgroup":
        return None
    course = None
    with contextlib.suppress(CourseNotFound):
        course = course_of(config)
    return NotebookScheduling(config, log, course)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """pytest-xdist: the workers of a run share the locks that keep hidden probes from living
    kernels (grader/grading/kernel_gate.py)."""
    node.workerinput[GATE_KEY] = str(_gate_folder(node.config))


def _gate_folder(config: pytest.Config) -> Path:
    if _GATE_FOLDER not in config.stash:
        config.stash[_GATE_FOLDER] = new_gate_folder()
    return config.stash[_GATE_FOLDER]


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = config.stash.get(_GATE_FOLDER, None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


_GATE_FOLDER = pytest.StashKey[Path]()


@pytest.fixture
def reference(request: pytest.FixtureRequest, grading_session: GradingSession) -> Reference:
    """The reference solution of the same assignment (answers cached on disk)."""
    return grading_session.reference(_required_assignment(request))


def _required_assignment(request: pytest.FixtureRequest) -> str:
    assignment = _assignment(request.node)
    if assignment is None:
        raise GraderError(
            f"{request.node.nodeid} uses a notebook fixture but its module has no "
            "`pytestmark = pytest.mark.assignment('NN_name.ipynb')`")
    return assignment


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]
                              ) -> Passed[pytest.TestReport]:
    """A failure's message, as students and reports see it: the message alone (no traceback
    of the kit, no test source: hidden tests stay hidden), cleaned of escape sequences and
    other tricks, on one line (a line of its own could pass for the grader's), without the
    grader's secrets or the TA's paths."""
    report: pytest.TestReport = yield
    excinfo = call.excinfo
    if excinfo is None or not report.failed or _assignment(item) is None:
        return report  # not a graded test: pytest's own report, untouched
    cleaned = student_text(item.config)
    scrub = _scrubber(item.config)

    def safe(text: str, limit: int = LIMIT) -> str:
        return cleaned(scrub(text), limit=limit)

    if isinstance(excinfo.value, Feedback | GraderError):
        message = one_paragraph(safe(str(excinfo.value)))
        report.longrepr = message
        cause = getattr(excinfo.value, "cause", None) or (
            KIT_ERROR_CAUSE if isinstance(excinfo.value, GraderError) else None)
    else:  # a check that broke on what the notebook gave it, or a bug of the kit
        message = one_paragraph(safe(
            f"the grader could not finish this check: {type(excinfo.value).__name__}: "
            f"{excinfo.value}"))
        report.longrepr = safe(report.longreprtext, limit=TRACEBACK_LIMIT)  # for the TA
        cause = f"unexpected {type(excinfo.value).__name__}"
    report.user_properties.append((MESSAGE_KEY, message))
    if cause:
        report.user_properties.append((CAUSE_KEY, safe(cause, limit=200)))
    return report


def _scrubber(config: pytest.Config) -> Callable[[str], str]:
    """What the run's hidden probes sent, kept out of every message (plugin/hidden.py)."""
    session = config.stash.get(SESSION_KEY, None)
    sent = session.hidden_sent if session is not None else []
    cached = config.stash.get(_SCRUBBER, None)
    if cached is None or cached[0] != len(sent):
        cached = (len(sent), Scrubber(sent))
        config.stash[_SCRUBBER] = cached
    return cached[1]


_SCRUBBER = pytest.StashKey[tuple[int, Scrubber]]()
