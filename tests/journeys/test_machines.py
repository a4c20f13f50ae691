"""A new user on the machines they really have: this README followed literally, from a fresh
environment to a first `grader check` with full marks, as root and as a user; `jupyter lab` as
the README says to start it; and a first check with the Python installation under /tmp."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
import urllib.request

import pytest

from tests.corpus.harness import ROOT
from tests.journeys.machines import TRACEBACK, Machine, make_environment

pytestmark = pytest.mark.slow  # whole runs: ordered first (tests/conftest.py)

README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_block(heading: str) -> list[str]:
    """The command lines of the first ```bash block under `heading`."""
    section = README[README.index(f"\n{heading}\n"):]
    block = section[section.index("```bash\n") + 8:]
    return [line for line in block[:block.index("```")].splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


@pytest.mark.parametrize("section", ["## Quick start", "## Teach your own course"])
def test_the_readme_followed_literally_gives_a_first_check_with_full_marks(
        machine: Machine, section: str) -> None:
    """The section's commands, line by line up to its first check, in a copy of this repository,
    by a person whose PATH has no environment yet. The environment the README makes already
    holds torch and Jupyter (so that nothing big is downloaded; `python3 -m venv` gives it pip):
    the kit is built and installed from the checkout as the README says."""
    lines = readme_block(section)
    first_check = next(i for i, line in enumerate(lines) if line.startswith("grader check"))
    steps = lines[:first_check + 1]
    venv = re.search(r"python3 -m venv (\S+)", steps[0])
    assert venv, steps  # the journey prepares that environment
    checkout = machine.home / "torch-grader"
    shutil.copytree(ROOT / "grader", checkout / "grader",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for folder in ("solutions", "assignments"):
        shutil.copytree(ROOT / folder, checkout / folder)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, checkout / name)
    place = venv.group(1)
    environment = make_environment(
        machine.home / place[2:] if place.startswith("~/") else checkout / place, wheel=None)
    machine.give(checkout)
    machine.give(environment)
    fresh = {**machine.env(), "PATH": "/usr/local/bin:/usr/bin:/bin"}
    fresh.pop("VIRTUAL_ENV")

    done = machine.run("set -e\n" + "\n".join(steps), cwd=checkout, env=fresh, timeout=900)

    assert done.code == 0, repr(done)
    assert TRACEBACK not in done.text, repr(done)
    score = re.search(r"^Score: (\d+) / (\d+)$", done.out, re.MULTILINE)
    assert score and score.group(1) == score.group(2) != "0", repr(done)


def test_jupyter_lab_starts_as_the_readme_says_for_root_and_for_a_user(
        machine: Machine) -> None:
    quick_start = README[README.index("## Quick start"):README.index("## Teach your own")]
    command = "jupyter lab --allow-root" if machine.account is None and machine.uid == 0 \
        else "jupyter lab"
    assert f"`{command}`" in quick_start or f"then `{command}`" in quick_start
    port = _free_port()
    options = f"--no-browser --port={port} --ServerApp.token=token --ServerApp.ip=127.0.0.1"
    log = machine.home / "jupyter.log"
    with open(log, "w") as output:
        server = subprocess.Popen(machine.argv(f"exec {command} {options}"), cwd=machine.home,
                                  env=machine.env(), stdout=output, stderr=subprocess.STDOUT)
    try:
        status = _wait_for(f"http://127.0.0.1:{port}/api/status?token=token", server)
        assert status == 200, log.read_text()
    finally:
        server.terminate()
        server.wait(timeout=30)
    if machine.uid == 0:  # and the README says why the flag: without it, Jupyter refuses
        refused = machine.run(f"jupyter lab {options}", timeout=120)
        assert refused.code != 0 and "--allow-root" in refused.text, repr(refused)


def test_the_first_check_works_with_the_python_installation_under_tmp(
        tmp_machine: Machine) -> None:
    made = tmp_machine.run("grader init my-course")
    assert made.code == 0, repr(made)
    checked = tmp_machine.run("grader check solutions/01_example.ipynb",
                              cwd=tmp_machine.home / "my-course")
    assert TRACEBACK not in checked.text, repr(checked)
    assert checked.code == 0 and "Score: 3 / 3" in checked.out, repr(checked)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, server: subprocess.Popen[bytes], seconds: float = 120) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                return answer.status
        except OSError:
            time.sleep(0.5)
    return -1 if server.poll() is None else server.returncode

