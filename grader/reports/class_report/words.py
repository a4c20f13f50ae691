"""Numbers in words for the report's sentences."""

from __future__ import annotations


def count(n: int, thing: str) -> str:
    """count(1, "student") -> "1 student"; count(3, "student") -> "3 students"."""
    return f"{n} {thing}{'s' * (n != 1)}"


def points(value: float) -> str:
    """points(1) -> "1 point"; points(2) -> "2 points"; points(0.5) -> "0.5 points"."""
    return f"{value:g} point{'s' * (value != 1)}"
