"""The run's key: an HMAC of the course's secret (grader/grading/secret.py) and the run's seed,
set once per grading process. The grader's own inputs (grader/grading/inputs.py) and each
probe's nonce (probe.py) are drawn from it, so neither can be known outside the run."""

from __future__ import annotations

import hashlib
import hmac

_KEY: list[bytes] = []


def use_secret(secret: bytes, run_seed: int) -> None:
    _KEY[:] = [hmac.new(secret, f"grader run\0{run_seed}".encode(), hashlib.sha256).digest()]


def keyed(purpose: str, data: bytes) -> bytes | None:
    """HMAC of `data` under the run's key, for one `purpose`; None outside a grading run."""
    if not _KEY:
        return None
    return hmac.new(_KEY[0], purpose.encode() + b"\0" + data, hashlib.sha256).digest()
