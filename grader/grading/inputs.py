"""Inputs the grader chooses: unknown to the notebook until it is probed with them.

Each is drawn from a generator seeded with HMAC-SHA256 of the course's secret (secret.py),
the run's seed and the test's own `seed`: fixed for a course and a seed (a regrade gets the
same inputs), different in a student kit (whose secret is its own) and from one test to the
next, and not to be guessed from the inputs of another test.
"""

from __future__ import annotations

import torch

from grader.errors import GraderError
from grader.probing.run_key import keyed


def grader_seed(seed: int) -> int:
    """The seed of the test's `seed`, in this run: a 63-bit number only the secret gives."""
    digest = keyed("grader inputs", str(int(seed)).encode())
    if digest is None:
        raise GraderError("the grader's inputs were asked for outside a grading run (no "
                          "course secret is in use): run the tests with pytest and the "
                          "grader plugin")
    return int.from_bytes(digest[:8], "big") >> 1


def grader_int(low: int, high: int, seed: int) -> int:
    """A whole number in [low, high) of the grader's, for the test's `seed` (a count, a seed
    passed to the notebook's function, ...)."""
    return low + grader_seed(seed) % (high - low)


def grader_generator(seed: int) -> torch.Generator:
    """A torch generator of the grader's own for the test's `seed` (never the global one)."""
    return torch.Generator().manual_seed(grader_seed(seed))


def grader_tensor(*shape: int, seed: int, scale: float = 1.0, shift: float = 0.0,
                  requires_grad: bool = False) -> torch.Tensor:
    """A float32 tensor of normal draws from the grader's own generator (not the global one)."""
    values = torch.randn(*shape, generator=grader_generator(seed)) * scale + shift
    return values.requires_grad_(requires_grad)
