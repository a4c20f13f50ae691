"""A student's notebook after execution: values and calls, each failure explained."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from grader.errors import Feedback
from grader.execution.result import NotebookResult
from grader.execution.runner import LiveNotebook
from grader.grading.call import Call, describe_call
from grader.probing.diagnosis import NOT_IMPLEMENTED, Diagnosis, error_hint
from grader.probing.probe import ProbeReply, ProbeRequest, send


class Submission:
    def __init__(self, live: LiveNotebook, solution_cells: Mapping[str, str],
                 probe_timeout: float) -> None:
        self.live = live
        self.diagnosis = Diagnosis(live.result, solution_cells)
        self.probe_timeout = probe_timeout
        # Calls and scenarios sent so far (they run the student's code), and each name's
        # answer with the count it was read at: reading values runs nothing of the student's.
        self._calls = 0
        self._read: dict[str, tuple[int, str]] = {}

    @property
    def result(self) -> NotebookResult:
        return self.live.result

    def value(self, name: str) -> Any:
        """The value of `name` after the notebook ran; Feedback if it is missing or suspect."""
        reply = self._ask(ProbeRequest.value(name), f"reading `{name}`")
        if reply.status == "missing":
            raise _explained(self.diagnosis.missing(name))
        self._expect_ok(reply, f"reading `{name}`")
        failure = self.diagnosis.failed_definition(name)
        if failure:
            raise _explained(failure)
        return reply.value

    def call(self, name: str, *args: Any, **kwargs: Any) -> Call:
        """Call the notebook's function `name` with the grader's inputs, in the kernel."""
        what = f"calling {describe_call(name, args, kwargs)}"
        reply = self._ask(ProbeRequest.call(name, args, kwargs), what)
        if reply.status == "missing":
            raise _explained(self.diagnosis.missing(name))
        if reply.status == "not_callable":
            raise Feedback(f"`{name}` should be a function, but it is a {reply.note}.",
                           cause="not a function")
        self._expect_ok(reply, what, name)
        return Call(reply.value, reply.args, reply.kwargs)

    def scenario(self, code: str, needs: Sequence[str], describe: str, **inputs: Any) -> Any:
        """Run a short grader scenario that uses the notebook's `needs`; returns its `result`."""
        reply = self._ask(ProbeRequest.scenario(code, needs, inputs), describe)
        if reply.status == "missing":
            raise _explained(self.diagnosis.missing(reply.names[0]))
        self._expect_ok(reply, describe, needs[0] if needs else "")
        return reply.value

    def _ask(self, request: ProbeRequest, what: str) -> ProbeReply:
        if self.result.problem and not self.live.alive and not self.result.cells:
            raise Feedback(f"the notebook could not be graded: {self.result.problem}",
                           cause="the notebook could not be run")
        if request.kind == "value":
            return self._read_value(request)
        self._calls += 1
        reply, _ = send(self.live, request, self.probe_timeout)
        return reply

    def _read_value(self, request: ProbeRequest) -> ProbeReply:
        """A name read again with no call or scenario run since has the same value: it is
        decoded again from the first answer (a fresh copy for each test), not asked again."""
        calls, payload = self._read.get(request.name, (-1, ""))
        if payload and calls == self._calls:
            return ProbeReply.from_payload(payload)
        reply, payload = send(self.live, request, self.probe_timeout)
        if payload:
            self._read[request.name] = (self._calls, payload)
        return reply

    def _expect_ok(self, reply: ProbeReply, what: str, function: str = "") -> None:
        if reply.status == "ok":
            return
        if reply.status == "raised":
            message = self._raised(reply.error, what, function)
            raise Feedback(message, cause=NOT_IMPLEMENTED if message.startswith(NOT_IMPLEMENTED)
                           else f"your code raised {reply.error.get('name', 'an error')}")
        if reply.status == "timeout":
            raise Feedback(f"{what} did not finish within {self.probe_timeout:.0f} s and was "
                           "stopped. Is there a loop that never ends?",
                           cause="a call did not finish in time")
        if reply.status == "died":
            raise Feedback(f"the kernel died while {what}: {reply.note}.",
                           cause="the kernel died")
        if reply.status == "not_run":
            raise Feedback(f"the grader could not go on with your notebook: {reply.note}.",
                           cause="the notebook stopped before this check")
        if reply.status == "unencodable":
            raise Feedback(f"{what} gave a value the grader cannot read: "
                           f"{reply.error.get('message', '')}", cause="an unreadable value")
        raise Feedback(f"the grader got no usable answer while {what}: {reply.note}",
                       cause="no usable answer")

    def _raised(self, error: dict[str, str], what: str, function: str) -> str:
        name, message, line = error.get("name", "?"), error.get("message", ""), error.get("line")
        where = f" at `{line}`" if line else ""
        if name == "NotImplementedError":
            # The blank is in the function that raised, not necessarily the one called.
            raised_in = error.get("function", "")
            if raised_in and raised_in.isidentifier() and self.diagnosis.defining_cells(raised_in):
                function = raised_in
            cells = self.diagnosis.defining_cells(function) if function else []
            place = f" in {self.diagnosis.label(cells[-1])}" if cells else ""
            return f"{NOT_IMPLEMENTED}: fill the blank in `{function}`{place}."
        return (f"{what} raised {name}: {message.rstrip().rstrip('.')}{where}."
                f"{error_hint(name, message)}")


def _explained(message: str) -> Feedback:
    """A diagnosis of a missing or broken name, with the cause a report groups it by."""
    if message.startswith(NOT_IMPLEMENTED):
        cause = NOT_IMPLEMENTED
    elif " stopped with " in message:
        cause = "a cell stopped with an error"
    elif " timed out" in message or " still running" in message:
        cause = "a cell ran out of time"
    elif "kernel" in message and "died" in message:
        cause = "the kernel died"
    else:
        cause = "a name the grader reads is missing"
    return Feedback(message, cause=cause)
