"""The environment a kernel gets: an allow-list, never the grader's own variables.

A grader's environment holds what a notebook must never see: GITHUB_TOKEN and other tokens,
keys, the TA's paths (PYTHONPATH, PWD, OLDPWD), the batch's fork-server address. Kernels get
the few variables code needs to run, the kernel spec's settings, and a home, a temporary folder
and caches inside their own scratch folder.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

PASSED_THROUGH = ("PATH", "LANG", "LANGUAGE", "TZ", "LD_LIBRARY_PATH", "CUDA_VISIBLE_DEVICES",
                  "SYSTEMROOT", "WINDIR", "COMSPEC", "PATHEXT",  # these four: Windows
                  "GRADER_SANDBOX_DEBUG")
PASSED_THROUGH_PREFIXES = ("LC_",)
TEMPORARY = "tmp"  # beside the scratch folder (which starts empty)


def kernel_environment(base: Mapping[str, str], spec_env: Mapping[str, str],
                       work: str | None = None) -> dict[str, str]:
    """The variables of `base` that are on the allow-list, then the kernel spec's, then (when
    the kernel's scratch folder is known) a home, temporary folder and caches inside it."""
    env = {k: v for k, v in base.items()
           if k in PASSED_THROUGH or k.startswith(PASSED_THROUGH_PREFIXES)}
    env.update(spec_env)
    if work is not None:
        env.update(scratch_variables(work))
    return env


def scratch_variables(work: str) -> dict[str, str]:
    """A home in the scratch folder; the temporary folder, and IPython's, matplotlib's and
    other caches beside it, so that the scratch folder starts empty. Per kernel: a fork server
    ignores them when it compares start-up settings (warm/preload.py)."""
    temporary = os.path.join(os.path.dirname(work), TEMPORARY)
    return {
        "HOME": work,
        "TMPDIR": temporary,
        "IPYTHONDIR": os.path.join(temporary, ".ipython"),
        "MPLCONFIGDIR": os.path.join(temporary, ".matplotlib"),
        "XDG_CACHE_HOME": os.path.join(temporary, ".cache"),
        "XDG_CONFIG_HOME": os.path.join(temporary, ".config"),
    }


PROTECTED_ENV = "GRADER_PROTECTED"  # JSON list of folders no readable path may hold (per kernel)

# A kernel's role: a student's kernels share their student's groups (cgroups.py); a reference
# solution's kernel, run in a student's grading process when its answers are not cached, does
# not count against that student.
ROLE_ENV = "GRADER_KERNEL_ROLE"
STUDENT_ROLE, REFERENCE_ROLE = "student", "reference"

SCRATCH_NAMES = (*scratch_variables("/"), PROTECTED_ENV, ROLE_ENV)  # per kernel, not start-up
