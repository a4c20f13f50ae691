"""Numbers in words for the report's sentences."""

from __future__ import annotations


def count(n: int, thing: str) -> str:
    """count(1, "student") -> "1 student"; count(3, "student") -> "3 students"."""
    return f"{n} {thing}{'s' * (n != 1)}"
