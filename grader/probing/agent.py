"""The grader's side inside the student's kernel: answer one probe request, then stay quiet.

Runs in the untrusted kernel, so it decides nothing: it looks names up, calls functions
with the inputs it was sent, and publishes the raw values (through `wire`) as display data
of the grader's own mimetype. Every comparison happens later, in the grader's process.
"""

from __future__ import annotations

import json
import sys
import traceback
from typing import Any

from grader.execution.probe_channel import PROBE_MIMETYPE
from grader.probing import wire

_OWN_FILES = (__file__, wire.__file__)


def answer(request_text: str) -> None:
    """Entry point: the grader runs `answer('<json>')` in the kernel."""
    from IPython import get_ipython
    from IPython.display import publish_display_data

    request = wire.decode(json.loads(request_text))
    namespace = get_ipython().user_ns
    try:
        reply = _HANDLERS[request["kind"]](request, namespace)
    except Exception as exc:  # the student's code raised: report it, the grader decides
        reply = {"status": "raised", "error": describe_exception(exc)}
    try:
        payload = json.dumps(wire.encode(reply))
    except Exception as exc:  # a value that cannot be encoded is itself a finding
        payload = json.dumps({"status": "unencodable", "error": describe_exception(exc)})
    publish_display_data({PROBE_MIMETYPE: payload})


def describe_exception(exc: BaseException) -> dict[str, Any]:
    """Name, message and the student's own line where it happened: the last frame in a
    notebook cell, not in torch, the standard library or the grader."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename not in _OWN_FILES]
    own = [f for f in frames if not _is_library(f.filename)]
    where = (own or frames)[-1] if own or frames else None
    return {
        "name": type(exc).__name__,
        "message": str(exc)[:1000],
        "line": (where.line or "").strip() if where else "",
        "function": where.name if where else "",
    }


def _is_library(filename: str) -> bool:
    return "site-packages" in filename or filename.startswith(sys.prefix) or \
        filename.startswith(sys.base_prefix)


def _value(request: dict[str, Any], namespace: dict[str, Any]) -> dict[str, Any]:
    name = request["name"]
    if name not in namespace:
        return {"status": "missing"}
    return {"status": "ok", "value": namespace[name]}


def _call(request: dict[str, Any], namespace: dict[str, Any]) -> dict[str, Any]:
    name = request["name"]
    if name not in namespace:
        return {"status": "missing"}
    function = namespace[name]
    if not callable(function):
        return {"status": "not_callable", "type": type(function).__name__}
    args, kwargs = list(request["args"]), dict(request["kwargs"])
    value = function(*args, **kwargs)
    return {"status": "ok", "value": value, "args": args, "kwargs": kwargs}


def _evaluate(request: dict[str, Any], namespace: dict[str, Any]) -> dict[str, Any]:
    missing = [n for n in request["needs"] if n not in namespace]
    if missing:
        return {"status": "missing", "names": missing}
    scope = dict(namespace)  # a copy: the scenario must not change the student's namespace
    scope.update(request["inputs"])
    exec(compile(request["code"], "<grader scenario>", "exec"), scope)
    return {"status": "ok", "value": scope.get("result")}


_HANDLERS = {"value": _value, "call": _call, "evaluate": _evaluate}
