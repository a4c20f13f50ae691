"""Winnowed k-gram fingerprints of a token sequence (Schleimer, Wilkerson and Aiken, SIGMOD
2003: MOSS's algorithm, and Dolos's).

Every run of K consecutive tokens is hashed; of every WINDOW consecutive hashes the smallest
is kept (the rightmost of equal ones). Any run of code two programs share that is at least
K + WINDOW - 1 tokens long is then certain to give both a fingerprint in common, while a
program keeps only about 2 / (WINDOW + 1) of its hashes. Hashes are stable (blake2b of each
token, combined as a polynomial), so a report is the same in every process and every run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

K = 12  # tokens per k-gram: about one statement of the syntax tree's tokens
WINDOW = 4  # matches of K + WINDOW - 1 = 15 tokens or more are always seen
_MODULUS = (1 << 61) - 1
_BASE = 1_000_003


@dataclass(frozen=True)
class Fingerprint:
    hash: int
    start: int  # position of the k-gram's first token


def fingerprints(tokens: Sequence[str], k: int = K, window: int = WINDOW) -> list[Fingerprint]:
    """The winnowed fingerprints of `tokens`, in order; a sequence shorter than k has one,
    of all its tokens."""
    hashes = kgram_hashes(tokens, min(k, len(tokens)))
    if len(hashes) <= window:
        return [Fingerprint(*min(((h, i) for i, h in enumerate(hashes)),
                                 key=lambda hi: (hi[0], -hi[1])))] if hashes else []
    chosen: list[Fingerprint] = []
    last = -1
    for start in range(len(hashes) - window + 1):
        position = min(range(start, start + window), key=lambda i: (hashes[i], -i))
        if position != last:
            chosen.append(Fingerprint(hashes[position], position))
            last = position
    return chosen


def kgram_hashes(tokens: Sequence[str], k: int = K) -> list[int]:
    if len(tokens) < k or k < 1:
        return []
    ids = [_token_id(t) for t in tokens]
    top = pow(_BASE, k - 1, _MODULUS)
    value = 0
    for token in ids[:k]:
        value = (value * _BASE + token) % _MODULUS
    hashes = [value]
    for i in range(k, len(ids)):
        value = ((value - ids[i - k] * top) * _BASE + ids[i]) % _MODULUS
        hashes.append(value)
    return hashes


_IDS: dict[str, int] = {}


def _token_id(token: str) -> int:
    known = _IDS.get(token)
    if known is None:
        digest = hashlib.blake2b(token.encode("utf-8", "surrogatepass"), digest_size=8)
        known = int.from_bytes(digest.digest(), "big") % _MODULUS
        if len(_IDS) < 100_000:  # the vocabulary is small; a hostile one is not kept
            _IDS[token] = known
    return known
