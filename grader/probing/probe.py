"""Send one probe to a live kernel and read its reply back as plain data and tensors."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
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


@dataclass
class ProbeReply:
    """status: ok, missing, raised, not_callable, unencodable, timeout, died, not_run, garbled."""

    status: str
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
            return cls("garbled", note=f"the kernel's answer could not be read ({exc})")
        if not isinstance(body, dict) or not isinstance(body.get("status"), str):
            return cls("garbled", note="the kernel's answer had no status")
        fields = {"args": body.get("args", []), "kwargs": body.get("kwargs", {}),
                  "error": body.get("error", {}), "names": body.get("names", []),
                  "note": body.get("type", "")}
        if not _well_formed(fields):  # the agent can be replaced by the notebook: check all
            return cls("garbled", note="the kernel's answer was not of the grader's form")
        return cls(status=body["status"], value=body.get("value"), **fields)


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
        return ProbeReply("timeout", note=run.note or ""), ""
    if run.status is CellStatus.KERNEL_DIED:
        return ProbeReply("died", note=run.note or ""), ""
    if run.status is CellStatus.NOT_RUN:
        return ProbeReply("not_run", note=run.note or ""), ""
    payloads = [o["data"][PROBE_MIMETYPE] for o in run.outputs
                if o.get("output_type") == "display_data" and PROBE_MIMETYPE in o.get("data", {})]
    if not payloads:
        why = f"{run.error_name}: {run.error_message}" if run.error_name else run.note or \
            "no answer"
        return ProbeReply("garbled", note=f"the grader's probe got {why}"), ""
    with span("probes: decode"):
        return ProbeReply.from_payload(payloads[-1]), payloads[-1]
