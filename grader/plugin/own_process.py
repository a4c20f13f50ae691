"""How the kit's commands (`grader check`, `grader grade`) run a grading pytest: with the
grader plugin and none of the machine's other plugins, which grading does not need, which
cost start-up time (hypothesis alone: about 1 s) and which the grade should not depend on."""

from __future__ import annotations

import os

PLUGIN_ARGS = ("-p", "grader.plugin.plugin")


def pytest_environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    return env
