"""Hidden tests stay hidden: a notebook's tests run together, visible first; under `pytest -n`
no kernel lives beside one that is sent hidden probes; and what those probes sent is scrubbed
from every message (grader/plugin/hidden.py, grader/grading/kernel_gate.py)."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import torch

from grader.grading.kernel_gate import SharedGate
from grader.grading.submission import WITHHELD, withheld
from grader.plugin.hidden import HIDDEN_TEXT, Scrubber, hidden_last, last_of_its_notebook
from grader.probing.probe import ProbeReply, ProbeRequest

SCENARIO = """
losses = [train_step(X, y, W, b, 0.05) for _ in range(200)]
result = {"losses": losses, "W": W, "b": b}
"""


@dataclass
class _Item:
    name: str
    assignment: str | None
    hidden: bool = False

    def get_closest_marker(self, name: str) -> object:
        return object() if name == "hidden" and self.hidden else None


def test_each_notebooks_tests_run_together_visible_first_others_keep_their_place() -> None:
    items = [_Item("h02", "02", True), _Item("a01", "01"), _Item("plain", None),
             _Item("a02", "02"), _Item("h01", "01", True), _Item("b01", "01")]
    ordered = hidden_last(items, lambda item: item.assignment)  # type: ignore[arg-type]
    assert [i.name for i in ordered] == ["a02", "h02", "plain", "a01", "b01", "h01"]
    lasts = [last_of_its_notebook(item, after, lambda i: i.assignment)  # type: ignore[arg-type]
             for item, after in zip(ordered, [*ordered[1:], None], strict=True)]
    assert lasts == [None, "02", None, None, None, "01"]


def test_what_a_hidden_probe_sent_is_scrubbed_however_a_message_quotes_it() -> None:
    X = torch.randn(20, 1, generator=torch.Generator().manual_seed(3)) * 2
    request = ProbeRequest.scenario(SCENARIO, ["train_step"], {"X": X, "lr": 0.05})
    scrub = Scrubber([request])
    quotes = [SCENARIO, str(X), repr(X.tolist()), f"{X[3].item():.6f}", f"{X[4].item():.3e}",
              " ".join(f"{v:.4f}" for v in X.flatten().tolist()),
              'result = {"losses": losses, "W": W, "b": b}', json.dumps(SCENARIO),
              request.to_json()[:300], request.to_json()[-300:]]
    for quote in quotes:
        shown = scrub(f"your code raised RuntimeError: {quote}")
        assert "train_step(X, y, W, b, 0.05)" not in shown and HIDDEN_TEXT in shown
        assert not any(f"{v:.4f}" in shown for v in X.flatten().tolist() if abs(v) >= 0.1)
        assert not _shares(shown.replace(HIDDEN_TEXT, "\0"), request.to_json(), 24)
    message = "expected 0.5 for 3 points after 200 steps, found 1.25"  # anyone's numbers
    assert scrub(message) == message


def _shares(text: str, sent: str, run: int) -> bool:
    return any(text[i:i + run] in sent for i in range(len(text) - run + 1))


def test_a_reply_to_a_hidden_probe_keeps_none_of_the_text_the_kernel_chose() -> None:
    request = ProbeRequest.scenario(SCENARIO, ["train_step"], {})
    raised = ProbeReply("raised", error={"name": "losses = [train_step(", "message": SCENARIO,
                                         "line": SCENARIO, "function": "train_step"})
    assert withheld(raised, request).error == {"name": "an error", "message": WITHHELD}
    builtin = ProbeReply("raised", error={"name": "ValueError", "message": SCENARIO})
    assert withheld(builtin, request).error["name"] == "ValueError"
    missing = ProbeReply("missing", names=[SCENARIO])
    assert withheld(missing, request).status == "garbled"
    assert withheld(ProbeReply("missing", names=["train_step"]), request).names == ["train_step"]
    garbled = ProbeReply("garbled", note=f"the grader's probe got RuntimeError: {SCENARIO}")
    assert withheld(garbled, request).note == WITHHELD


def test_a_blank_in_a_hidden_test_is_still_said_to_be_a_blank() -> None:
    """The template's own marker line is no text of the kernel's: a template's hidden test
    says "not implemented yet" as its visible ones do."""
    request = ProbeRequest.scenario(SCENARIO, ["train_step"], {})
    blank = ProbeReply("raised", error={"name": "NotImplementedError", "message": "",
                                        "line": "raise NotImplementedError()",
                                        "function": "train_step"})
    assert withheld(blank, request).error == {"name": "NotImplementedError", "message": "",
                                              "line": "raise NotImplementedError()",
                                              "function": "train_step"}
    chosen = ProbeReply("raised", error={"name": "NotImplementedError", "message": "",
                                         "line": "raise NotImplementedError()",
                                         "function": SCENARIO})
    assert withheld(chosen, request).error["function"] == ""


def _blocked(gate: SharedGate, hidden: bool) -> threading.Thread:
    thread = threading.Thread(target=gate.before_kernel, args=(hidden,), daemon=True)
    thread.start()
    time.sleep(0.3)
    return thread


def test_under_pytest_n_a_hidden_kernel_waits_for_every_visible_one_and_blocks_new_ones(
        tmp_path: Path) -> None:
    workers = [SharedGate(tmp_path) for _ in range(3)]
    first, second, third = workers
    first.before_kernel(hidden=False)
    third.before_kernel(hidden=False)  # visible kernels live side by side
    hidden = _blocked(second, hidden=True)
    assert hidden.is_alive()  # two visible kernels still live
    first.no_kernel_alive()
    assert hidden.is_alive()
    third.no_kernel_alive()
    hidden.join(5)
    assert not hidden.is_alive()  # every visible kernel closed: the hidden one may start
    visible = _blocked(first, hidden=False)
    assert visible.is_alive()  # none may start beside it
    second.no_kernel_alive()
    visible.join(5)
    assert not visible.is_alive()
    for gate in workers:
        gate.close()
