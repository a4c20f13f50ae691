"""What a fork server compares before it forks a kernel (grader/execution/warm/preload.py):
the settings a kernel reads when it starts, never what only the grader reads. With the sandbox
off, a kernel's environment is its grading process's, which has the grading mode set: counted,
it made every kernel of a `--sandbox off` batch start cold (0.9 s more each)."""

from __future__ import annotations

from grader.execution.warm.preload import startup_env
from grader.sandbox.detect import ONLY_ENV
from grader.sandbox.environment import ROLE_ENV
from grader.sandbox.policy import MODE_ENV, POLICY_ENV

KERNEL = {"OMP_NUM_THREADS": "1", "PYTHONHASHSEED": "4242", POLICY_ENV: "{}", "HOME": "/x"}


def test_the_grading_mode_and_the_layer_restriction_are_not_a_kernels_start_up_settings(
        ) -> None:
    grading_process = {**KERNEL, MODE_ENV: "off", ONLY_ENV: "landlock"}
    assert startup_env(grading_process) == startup_env(KERNEL)


def test_what_a_kernel_reads_at_start_is_compared_and_its_own_folders_and_role_are_not(
        ) -> None:
    assert startup_env(KERNEL) == ((POLICY_ENV, "{}"), ("OMP_NUM_THREADS", "1"),
                                   ("PYTHONHASHSEED", "4242"))
    assert startup_env({**KERNEL, "TMPDIR": "/k/tmp", ROLE_ENV: "reference"}) == \
        startup_env(KERNEL)
    assert startup_env({**KERNEL, "PYTHONHASHSEED": "1"}) != startup_env(KERNEL)
