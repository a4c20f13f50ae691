"""The first call of many torch, numpy and pandas functions costs milliseconds that the next
calls do not (numpy's global generator is made, autograd's engine set up, a module's first
forward pass dispatched, an optimizer's first step compiled, ...). A kernel forked from the fork
server starts from the server's state: calls made once there are warm in every kernel, and a
notebook's cells cost about what its code costs in a process that already ran it (the floor of
bench/floor.py), not that plus a first time of everything.

Run in the fork server only, between requests. Every tensor has a few elements, far below
torch's parallel grain size: no OpenMP or BLAS pool starts, and the autograd engine runs CPU
work on the calling thread; the server checks that it still has one thread before every fork
(fork_server.py) and forks none otherwise. The random generators are left as they were (and
every kernel's setup cell seeds them again): a notebook draws what it draws in a cold kernel.
The batch's grading processes get the same, from the process they are forked from.
"""

from __future__ import annotations


def warm_up_first_calls() -> None:
    """Call them once; the random generators are left as they were (the batch's grading
    processes are forked from a process that runs this, and must draw what a fresh one does)."""
    import random

    import numpy
    import torch

    states = random.getstate(), numpy.random.get_state(), torch.get_rng_state()
    try:
        _calls()
    finally:
        random.setstate(states[0])
        numpy.random.set_state(states[1])
        torch.set_rng_state(states[2])


def _calls() -> None:
    import random

    import numpy
    import torch
    import torch.nn.functional as F
    from torch import nn

    random.seed(0)
    numpy.random.seed(0)
    torch.manual_seed(0)
    x, y = torch.randn(4, 3), torch.randn(4, 2)
    weight = torch.randn(3, 2, requires_grad=True)
    bias = torch.zeros(2, requires_grad=True)
    loss = ((x @ weight + bias - y) ** 2).mean()
    loss.backward()
    gradient = weight.grad
    assert gradient is not None  # backward() just filled it
    with torch.no_grad():
        weight -= 0.1 * gradient
        gradient.zero_()
    loss.item()
    weight.detach().numpy().tolist()
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.ReLU(), nn.Linear(4, 2))
    for optimizer in (torch.optim.SGD(model.parameters(), lr=0.1),
                      torch.optim.Adam(model.parameters(), lr=0.1)):
        optimizer.zero_grad()
        output = model(x)
        (F.mse_loss(output, y) + F.l1_loss(output, y)
         + F.cross_entropy(output, torch.tensor([0, 1, 0, 1]))
         + F.binary_cross_entropy_with_logits(output, torch.sigmoid(y))
         + F.binary_cross_entropy(torch.sigmoid(output), torch.sigmoid(y))).backward()
        optimizer.step()
    torch.softmax(x, dim=1).argmax(dim=1)
    model.state_dict()
    import pandas

    pandas.DataFrame(y.numpy(), columns=["a", "b"]).describe()
