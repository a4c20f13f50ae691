"""A student's notebook after execution: values and calls, each failure explained."""

from __future__ import annotations

import builtins
import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from grader.errors import Cause, CodeRaised, Feedback
from grader.execution.result import NotebookResult
from grader.execution.runner import LiveNotebook
from grader.grading.call import Call, describe_call
from grader.probing.diagnosis import BLANK, Diagnosed, Diagnosis
from grader.probing.probe import ProbeReply, ProbeRequest, ProbeStatus, send


class Submission:
    def __init__(self, live: LiveNotebook, solution_cells: Mapping[str, str],
                 probe_timeout: float) -> None:
        self.live = live
        self.diagnosis = Diagnosis(live.result, solution_cells)
        self.probe_timeout = probe_timeout
        self.sent: list[ProbeRequest] | None = None  # where probes are noted (hidden tests')
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
        if reply.status == ProbeStatus.MISSING:
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
        if reply.status == ProbeStatus.MISSING:
            raise _explained(self.diagnosis.missing(name))
        if reply.status == ProbeStatus.NOT_CALLABLE:
            raise Feedback(f"`{name}` should be a function, but it is a {reply.note}.",
                           cause=Cause.NOT_A_FUNCTION)
        self._expect_ok(reply, what, name)
        return Call(reply.value, reply.args, reply.kwargs)

    def scenario(self, code: str, needs: Sequence[str], describe: str, **inputs: Any) -> Any:
        """Run a short grader scenario that uses the notebook's `needs`; returns its `result`."""
        reply = self._ask(ProbeRequest.scenario(code, needs, inputs), describe)
        if reply.status == ProbeStatus.MISSING:
            raise _explained(self.diagnosis.missing(reply.names[0]))
        self._expect_ok(reply, describe, needs[0] if needs else "")
        return reply.value

    def _ask(self, request: ProbeRequest, what: str) -> ProbeReply:
        if self.result.problem and not self.live.alive and not self.result.cells:
            raise Feedback(f"the notebook could not be graded: {self.result.problem}",
                           cause=Cause.NOTEBOOK_NOT_RUN)
        if self.sent is not None:  # a hidden test's: noted, and its reply withheld
            self.sent.append(request)
        if request.kind == "value":
            reply = self._read_value(request)
        else:
            self._calls += 1
            reply = send(self.live, request, self.probe_timeout)[0]
        return reply if self.sent is None else withheld(reply, request)

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
        if reply.status == ProbeStatus.OK:
            return
        if reply.status == ProbeStatus.RAISED:
            error = reply.error
            diagnosed = self.diagnosis.raised(error, what, function)
            raise CodeRaised(diagnosed.text, error.get("name", "?"), error.get("message", ""),
                             error.get("line") or "", cause=diagnosed.cause)
        if reply.status == ProbeStatus.TIMEOUT:
            raise Feedback(f"{what} did not finish within {self.probe_timeout:.0f} s and was "
                           "stopped. Is there a loop that never ends?",
                           cause=Cause.CALL_TIMEOUT)
        if reply.status == ProbeStatus.DIED:
            raise Feedback(f"the kernel died while {what}: {reply.note}.",
                           cause=Cause.KERNEL_DIED)
        if reply.status == ProbeStatus.NOT_RUN:
            raise Feedback(f"the grader could not go on with your notebook: {reply.note}.",
                           cause=Cause.STOPPED_BEFORE)
        if reply.status == ProbeStatus.UNENCODABLE:
            raise Feedback(f"{what} gave a value the grader cannot read: "
                           f"{reply.error.get('message', '')}", cause=Cause.UNREADABLE_VALUE)
        raise Feedback(f"the grader got no usable answer while {what}: {reply.note}",
                       cause=Cause.NO_USABLE_ANSWER)


WITHHELD = "hidden tests do not show what your code said"


def withheld(reply: ProbeReply, request: ProbeRequest) -> ProbeReply:
    """A reply to a hidden test's probe without the text the kernel chose (an error's message
    and source line, a type's name, names it says are missing, a note): a kernel that was sent
    the hidden scenario could write it there, encoded as it likes, for the published message
    to carry. What is kept: a built-in error's name, names the probe itself asked for."""
    name = reply.error.get("name", "")
    error = {"name": name if isinstance(getattr(builtins, name, None), type) else "an error",
             "message": WITHHELD} if reply.error else {}
    function = reply.error.get("function", "")
    if reply.error and _is_blank(reply.error):  # the template's own line: no text of the kernel
        # The function that raised is used only where the notebook defines a name so called.
        error = {"name": name, "message": "", "line": BLANK,
                 "function": function if function.isidentifier() else ""}
    asked = {request.name, *request.needs}
    names = [n for n in reply.names if n in asked]
    if reply.status == ProbeStatus.MISSING and request.kind == "evaluate" and not names:
        return ProbeReply(ProbeStatus.GARBLED, note=WITHHELD)
    note = {ProbeStatus.GARBLED: WITHHELD,
            ProbeStatus.NOT_CALLABLE: "value of another kind"}.get(reply.status, reply.note)
    return dataclasses.replace(reply, error=error, names=names, note=note)


def _is_blank(error: Mapping[str, str]) -> bool:
    return error.get("name") == "NotImplementedError" and not error.get("message", "").strip() \
        and (error.get("line") or "").strip() == BLANK


def _explained(diagnosed: Diagnosed) -> Feedback:
    """A diagnosis of a missing or broken name, with the cause it found."""
    return Feedback(diagnosed.text, cause=diagnosed.cause)
