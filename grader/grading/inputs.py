"""Inputs the grader chooses: fixed per test (same grade every run), unknown to the notebook."""

from __future__ import annotations

import torch


def grader_tensor(*shape: int, seed: int, scale: float = 1.0, shift: float = 0.0,
                  requires_grad: bool = False) -> torch.Tensor:
    """A float32 tensor of normal draws from the grader's own generator (not the global one)."""
    generator = torch.Generator().manual_seed(seed)
    values = torch.randn(*shape, generator=generator) * scale + shift
    return values.requires_grad_(requires_grad)
