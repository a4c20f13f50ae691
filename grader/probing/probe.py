"""Send one probe to a live kernel and read its reply back as plain data and tensors."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from grader.execution.probe_channel import PROBE_MIMETYPE
from grader.execution.result import CellStatus
from grader.execution.runner import LiveNotebook
from grader.probing import wire
from grader.probing.run_key import keyed
from grader.profiling.spans import span


@dataclass(frozen=True)
class ProbeRequest:
    """What the grader asks of a kernel: a name's value, a call, or a short scenario."""

    kind: str
    name: str = ""
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    code: str = ""
    inputs: dict[str, Any] = field(default_factory=dict)
    needs: tuple[str, ...] = ()

    @classmethod
    def value(cls, name: str) -> ProbeRequest:
        return cls("value", name=name)

    @classmethod
    def call(cls, name: str, args: Sequence[Any], kwargs: dict[str, Any]) -> ProbeRequest:
        return cls("call", name=name, args=tuple(args), kwargs=dict(kwargs))

    @classmethod
    def scenario(cls, code: str, needs: Sequence[str], inputs: dict[str, Any]) -> ProbeRequest:
        return cls("evaluate", code=code, needs=tuple(needs), inputs=dict(inputs))

    def to_json(self) -> str:
        """The request as sent, with a nonce of the run's key (run_key.py): no two runs of
        different secrets send the same text, so no answer kept from another run (a student
        kit's) can be found by it."""
        body = {"kind": self.kind, "name": self.name, "args": list(self.args),
                "kwargs": self.kwargs, "code": self.code, "inputs": self.inputs,
                "needs": list(self.needs)}
        text = json.dumps(wire.encode(body), sort_keys=True)
        nonce = keyed("probe nonce", text.encode())
        if nonce is None:
            return text
        return json.dumps(wire.encode({**body, "nonce": nonce.hex()[:32]}), sort_keys=True)

    def digest(self) -> str:
        return hashlib.sha256(self.to_json().encode()).hexdigest()


class ProbeStatus(str, Enum):
    """How a probe ended. The first five are the agent's (grader/probing/agent.py writes them
    on the wire and the reference cache keeps them as written: a `str` enum reads and compares
    as those words); the rest are the grader's own, when no answer could be read."""

    def __str__(self) -> str:
        return self.value

    OK = "ok"
    MISSING = "missing"  # a name the probe needs is not defined
    RAISED = "raised"  # the student's code raised (`error` says what)
    NOT_CALLABLE = "not_callable"  # a call of a name that is not a function
    UNENCODABLE = "unencodable"  # a value the wire format cannot carry
    TIMEOUT = "timeout"  # the probe ran out of time
    DIED = "died"  # the kernel died
    NOT_RUN = "not_run"  # the kernel could not run it (stopped before)
    GARBLED = "garbled"  # an answer that is not of the grader's form


@dataclass
class ProbeReply:
    status: ProbeStatus
    value: Any = None
    args: list[Any] = field(default_factory=list)
    kwargs: dict[str, Any] = field(default_factory=dict)
    error: dict[str, str] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)
    note: str = ""

    @classmethod
    def from_payload(cls, payload: str) -> ProbeReply:
        try:
            body = wire.decode(json.loads(payload))
        except Exception as exc:  # whatever the kernel sent, it is not an answer
            return cls(ProbeStatus.GARBLED, note=f"the kernel's answer could not be read ({exc})")
        status = _status(body.get("status") if isinstance(body, dict) else None)
        if status is None:
            return cls(ProbeStatus.GARBLED,
                       note="the kernel's answer had no status the grader knows")
        fields = {"args": body.get("args", []), "kwargs": body.get("kwargs", {}),
                  "error": body.get("error", {}), "names": body.get("names", []),
                  "note": body.get("type", "")}
        if not _well_formed(fields):  # the agent can be replaced by the notebook: check all
            return cls(ProbeStatus.GARBLED, note="the kernel's answer was not of the grader's form")
        return cls(status=status, value=body.get("value"), **fields)


def _status(found: object) -> ProbeStatus | None:
    """A status of the agent's words; None for anything else (a replaced agent's own)."""
    try:
        return ProbeStatus(found) if isinstance(found, str) else None
    except ValueError:
        return None


def _well_formed(fields: dict[str, Any]) -> bool:
    """A reply's fields as the grader's agent writes them (text where the grader shows text)."""
    error, names = fields["error"], fields["names"]
    return (isinstance(fields["args"], list) and isinstance(fields["kwargs"], dict)
            and isinstance(error, dict) and all(isinstance(v, str) for v in error.values())
            and isinstance(names, list) and all(isinstance(n, str) for n in names)
            and isinstance(fields["note"], str))


def probe_source(request: ProbeRequest) -> str:
    """The code run in the kernel to answer `request`."""
    return (
        "__import__('grader.probing.agent', fromlist=['answer'])"
        f".answer({request.to_json()!r})"
    )


def send(live: LiveNotebook, request: ProbeRequest, timeout: float) -> tuple[ProbeReply, str]:
    """Ask the kernel. Returns the reply and the raw payload (what a cache stores)."""
    with span("probes: encode"):
        source = probe_source(request)
    with span("probes: messaging"):
        run = live.run_probe(source, timeout)
    if run.status is CellStatus.TIMEOUT:
        return ProbeReply(ProbeStatus.TIMEOUT, note=run.note or ""), ""
    if run.status is CellStatus.KERNEL_DIED:
        return ProbeReply(ProbeStatus.DIED, note=run.note or ""), ""
    if run.status is CellStatus.NOT_RUN:
        return ProbeReply(ProbeStatus.NOT_RUN, note=run.note or ""), ""
    payloads = [o["data"][PROBE_MIMETYPE] for o in run.outputs
                if o.get("output_type") == "display_data" and PROBE_MIMETYPE in o.get("data", {})]
    if not payloads:
        why = f"{run.error_name}: {run.error_message}" if run.error_name else run.note or \
            "no answer"
        return ProbeReply(ProbeStatus.GARBLED, note=f"the grader's probe got {why}"), ""
    with span("probes: decode"):
        return ProbeReply.from_payload(payloads[-1]), payloads[-1]
