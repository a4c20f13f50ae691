"""The result of calling a notebook's function with the grader's inputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Call:
    """What the function returned, and its arguments after the call (they may be changed)."""

    value: Any
    args: list[Any] = field(default_factory=list)
    kwargs: dict[str, Any] = field(default_factory=dict)


def describe_value(value: Any) -> str:
    """A short description of an argument, for messages: 'a tensor of shape (5, 1)'."""
    shape = getattr(value, "shape", None)
    if shape is not None and hasattr(value, "dtype"):
        return f"a {str(value.dtype).removeprefix('torch.')} tensor of shape {tuple(shape)}"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def describe_call(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    parts = [describe_value(a) for a in args]
    parts += [f"{k}={describe_value(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"
