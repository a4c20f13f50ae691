"""The type of a pytest hook wrapper (`@pytest.hookimpl(wrapper=True)`): it yields once, is sent
the result of the hooks it wraps, and returns that result (or another)."""

from __future__ import annotations

from collections.abc import Generator
from typing import TypeVar

T = TypeVar("T")
Passed = Generator[None, T, T]
