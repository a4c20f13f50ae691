"""Each attack of the corpus, tried from inside a sandboxed kernel (warm and cold alike), is
blocked: the kernel cannot read, write, signal, connect to or ask for anything outside itself.
What an attack could do inside its own sandbox without harm is checked from outside."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from grader.execution.runner import run_notebook
from grader.execution.settings import ExecutionSettings
from grader.probing.probe import ProbeRequest, send
from grader.sandbox import required_layers
from grader.sandbox.detect import available_layers
from tests.attacks.notebooks import NOTEBOOK, listeners, targets, write_attacker
from tests.attacks.payload import ATTACKS, HARMLESS_IF_DONE
from tests.attacks.processes import wait_until_gone
from tests.corpus.harness import SOLUTIONS

ATTACK_NAMES = re.findall(r'^attempt\("([^"]+)"', ATTACKS, re.MULTILINE)
MUST_BE_BLOCKED = [name for name in ATTACK_NAMES if name not in HARMLESS_IF_DONE]


def require_every_layer() -> None:
    detection = available_layers()
    missing = {layer: detection.missing.get(layer) for layer in required_layers()
               if layer not in detection.available}
    assert not missing, f"this machine does not allow every sandbox layer: {missing}"


@pytest.fixture(scope="module", params=["warm", "cold"])
def attacked(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
             ) -> dict[str, Any]:
    require_every_layer()
    folder = tmp_path_factory.mktemp(f"attack-{request.param}")
    classmate = folder / "classmate" / NOTEBOOK
    classmate.parent.mkdir()
    shutil.copy(SOLUTIONS / NOTEBOOK, classmate)
    before = classmate.read_bytes()
    (folder / "cache").mkdir()
    with listeners() as net:
        aims = targets(cache=folder / "cache", out=folder / "out", classmate=classmate,
                       grader_pid=os.getpid(), ports=net.ports, outside=folder / "outside.bin")
        path = write_attacker(folder / "attacker", aims)
        settings = ExecutionSettings(warm_kernels=request.param == "warm", cell_timeout=60)
        with run_notebook(path, settings) as live:
            reply, _ = send(live, ProbeRequest.value("attack_results"), 30)
            alive_after = live.alive
        arrived = net.anything_arrived()
    left = wait_until_gone()
    return {"left_behind": left, "results": reply.value, "status": reply.status, "arrived": arrived,
            "classmate_unchanged": classmate.read_bytes() == before,
            "cache_empty": not any((folder / "cache").iterdir()),
            "outside_written": (folder / "outside.bin").exists(), "alive": alive_after}


@pytest.mark.slow
@pytest.mark.parametrize("attack", MUST_BE_BLOCKED)
def test_the_attack_is_blocked_inside_the_kernel(attacked: dict[str, Any], attack: str) -> None:
    assert attacked["status"] == "ok", attacked
    outcome = attacked["results"][attack]
    assert outcome.startswith("blocked"), f"{attack}: {outcome}"


@pytest.mark.slow
def test_what_the_kernel_may_do_in_its_own_sandbox_reaches_nothing_outside(
        attacked: dict[str, Any]) -> None:
    results = attacked["results"]
    assert set(results) == set(ATTACK_NAMES)
    assert not attacked["arrived"], "a TCP connection or UDP datagram reached the host"
    assert attacked["classmate_unchanged"] and attacked["cache_empty"]
    assert not attacked["outside_written"]
    # kill(-1) was tried (the kernel is pid 1 of its own namespace, where nothing else runs)
    assert "UNSAFE" not in results["kill every process it can see"]
    assert Path(f"/proc/{os.getpid()}").exists()  # kill(-1) reached only its own namespace
    assert results["start a detached forger"] == "DONE: 'started'"
    assert attacked["left_behind"] == [], "a detached process outlived its notebook"
