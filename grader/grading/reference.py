"""The reference solution, probed exactly like a submission; executed only on a cache miss."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from grader.errors import ReferenceSolutionError
from grader.execution.runner import LiveNotebook
from grader.grading.call import Call
from grader.probing.probe import ProbeReply, ProbeRequest, ProbeStatus, send
from grader.profiling.spans import span
from grader.reference.cache import ReferenceCache


class Reference:
    def __init__(self, path: Path, notebook_key: str, cache: ReferenceCache,
                 run: Callable[[Path], LiveNotebook], probe_timeout: float) -> None:
        self.path = path
        self._key = notebook_key
        self._cache = cache
        self._run = run
        self._probe_timeout = probe_timeout
        self._live: LiveNotebook | None = None
        self.executed = False

    def value(self, name: str) -> Any:
        return self._ask(ProbeRequest.value(name)).value

    def call(self, name: str, *args: Any, **kwargs: Any) -> Call:
        reply = self._ask(ProbeRequest.call(name, args, kwargs))
        return Call(reply.value, reply.args, reply.kwargs)

    def scenario(self, code: str, needs: Sequence[str], describe: str, **inputs: Any) -> Any:
        return self._ask(ProbeRequest.scenario(code, needs, inputs)).value

    def _ask(self, request: ProbeRequest) -> ProbeReply:
        # From the cache, as a rule; a miss runs the reference, counted here too.
        with span("reference answers", absorb=True):
            return self._answer(request)

    def _answer(self, request: ProbeRequest) -> ProbeReply:
        digest = request.digest()
        payload = self._cache.get(self._key, digest)
        if payload is None:
            reply, payload = send(self._executed(), request, self._probe_timeout)
            if reply.status != ProbeStatus.OK:
                detail = reply.error or reply.note or reply.names
                raise ReferenceSolutionError(
                    f"the reference solution {self.path.name} could not answer a "
                    f"{request.kind} probe ({request.name or request.needs}): "
                    f"{reply.status} {detail}"
                )
            self._cache.put(self._key, digest, payload)
        return ProbeReply.from_payload(payload)

    def _executed(self) -> LiveNotebook:
        if self._live is None:
            self._live = self._run(self.path)
            self.executed = True
            failed = self._live.result.failed_cells()
            if self._live.result.problem or failed:
                why = self._live.result.problem or failed[0].describe_failure()
                raise ReferenceSolutionError(
                    f"the reference solution {self.path} does not run cleanly: {why}")
        return self._live

    def close(self) -> None:
        if self._live is not None:
            self._live.close()
            self._live = None
