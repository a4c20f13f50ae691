"""Starting a kernel again (grader/execution/start.py): a failure that may pass (a loaded
machine) is tried again, and if it never passes the student is not graded, with every reason
and the kernel's last lines; a sandbox layer that cannot be applied, or a setup cell that
raises, is an error of the kit at once (it would fail the same way for everyone), except that
`--sandbox auto` leaves out a layer a kernel could not apply (though its trial passed) and
records why. Real kernels that cannot start: tests/test_attacks_shared_resources.py and
tests/test_python_anywhere.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from grader.errors import GraderError
from grader.execution import kernel_spec, start
from grader.execution.settings import ExecutionSettings
from grader.execution.start import KernelStartFailed, StartAttempt, start_kernel
from grader.sandbox import detect
from grader.sandbox.enter import LayerFailed
from grader.sandbox.policy import (
    AUTO,
    EXIT_SANDBOX_FAILED,
    FAILED_PREFIX,
    LANDLOCK,
    LAYERS,
    NAMESPACES,
    OWN_UID,
    STRICT,
    record,
)


class Tries:
    """A kernel maker that fails with these attempts first, then gives "kernel"."""

    def __init__(self, *failures: StartAttempt) -> None:
        self.failures = list(failures)
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return "kernel"


@pytest.fixture(autouse=True)
def no_pauses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(start, "PAUSES", (0.0, 0.0))


def _late(printed: str = "") -> StartAttempt:
    return StartAttempt("Kernel didn't respond in 60 seconds", None, printed)


def test_a_kernel_that_fails_once_because_of_load_is_started_again() -> None:
    tries = Tries(_late())
    assert start_kernel(tries) == "kernel" and tries.calls == 2


def test_a_kernel_that_never_starts_leaves_its_student_not_graded_with_every_reason() -> None:
    tries = Tries(_late(), _late(), _late("Resource temporarily unavailable (src/thread.cpp)"))
    with pytest.raises(KernelStartFailed) as failed:
        start_kernel(tries)
    message = str(failed.value)
    assert tries.calls == start.TRIES == 3
    assert message.startswith("a kernel could not start after 3 tries")
    assert message.count("Kernel didn't respond in 60 seconds") == 3
    assert message.endswith("The kernel's last lines:\nResource temporarily unavailable "
                            "(src/thread.cpp)")
    assert failed.value.cause == start.KERNEL_NOT_STARTED
    assert "grader error" not in message  # not the kit's: the class goes on


def test_a_layer_that_cannot_be_applied_stops_at_once_naming_it_and_its_reason() -> None:
    said = f"{FAILED_PREFIX}{LayerFailed('namespaces', PermissionError('mount /tmp'))}"
    tries = Tries(StartAttempt("Kernel died before replying to kernel_info",
                               EXIT_SANDBOX_FAILED, f"some line\n{said}"))
    with pytest.raises(GraderError) as failed:
        start_kernel(tries)
    message = str(failed.value)
    assert tries.calls == 1 and not isinstance(failed.value, KernelStartFailed)
    assert "its sandbox's namespaces layer could not be applied (PermissionError: mount /tmp)" \
        in message
    assert "GRADER_SANDBOX_LAYERS" in message and "`--cold` would not help" in message
    assert message.endswith(said)


def test_a_kernel_that_exits_as_a_failed_sandbox_without_a_word_is_still_the_kits_error(
        ) -> None:
    tries = Tries(StartAttempt("Kernel died before replying to kernel_info",
                               EXIT_SANDBOX_FAILED, ""))
    with pytest.raises(GraderError, match="its sandbox could not be applied"):
        start_kernel(tries)


def test_a_setup_cell_that_raises_is_the_kits_error_and_not_tried_again() -> None:
    tries = Tries(StartAttempt("the grader's setup cell error: ImportError torch", None, "",
                               setup_error=True), _late())
    with pytest.raises(GraderError, match="setup cell failed") as failed:
        start_kernel(tries)
    assert tries.calls == 1 and not isinstance(failed.value, KernelStartFailed)


def _layer_failure(layer: str) -> StartAttempt:
    said = f"{FAILED_PREFIX}{LayerFailed(layer, OSError('mount: Permission denied'))}"
    return StartAttempt("Kernel died before replying to kernel_info", EXIT_SANDBOX_FAILED, said)


def test_auto_starts_the_kernel_again_at_once_without_a_layer_it_could_not_apply() -> None:
    left_out: list[tuple[str, str]] = []
    tries = Tries(_layer_failure("landlock"), _late())
    kernel = start_kernel(tries, lambda layer, why: left_out.append((layer, why)) or True)
    assert kernel == "kernel" and tries.calls == 3  # the layer's try is not a try lost
    assert left_out == [("landlock", "OSError: mount: Permission denied")]


@pytest.fixture
def every_layer(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A machine whose trials passed for every layer (this process's detection, as found)."""
    monkeypatch.setattr(detect, "_cache", detect.Detection(LAYERS, {}))
    kernel_spec.sandbox_policy.cache_clear()
    yield
    kernel_spec.sandbox_policy.cache_clear()


@pytest.mark.usefixtures("every_layer")
def test_a_layer_left_out_at_run_time_is_gone_from_the_policy_and_recorded_with_why(
        capsys: pytest.CaptureFixture[str]) -> None:
    settings = ExecutionSettings(sandbox=AUTO)
    assert kernel_spec.leave_out_layer(settings, NAMESPACES, "PermissionError: mount /tmp")
    policy = kernel_spec.sandbox_policy(settings)
    facts = record(policy)
    assert NAMESPACES not in policy.layers and OWN_UID not in policy.layers  # its uid too
    assert facts["missing"] == [NAMESPACES, OWN_UID]
    assert "PermissionError: mount /tmp" in facts["why_missing"][NAMESPACES]  # type: ignore
    assert "grading goes on without namespaces and own-uid" in capsys.readouterr().err
    assert not kernel_spec.leave_out_layer(settings, NAMESPACES, "again")  # gone already


@pytest.mark.usefixtures("every_layer")
def test_strict_never_leaves_a_layer_out() -> None:
    settings = ExecutionSettings(sandbox=STRICT)
    assert not kernel_spec.leave_out_layer(settings, LANDLOCK, "ENOSYS")
    assert LANDLOCK in kernel_spec.sandbox_policy(settings).layers
