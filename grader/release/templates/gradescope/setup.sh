#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu, Python 3):
# a virtual environment with the CPU build of torch and the grading kit from this zip (no
# package index serves the kit; its dependencies come from PyPI), then the reference solutions
# graded once, which checks them and caches their answers for every submission.
#
#   AUTOGRADER_ROOT      instead of /autograder (to try the autograder on any machine)
#   GRADER_VENV          where the environment goes (default /opt/torch-grader: outside
#                        /autograder, which the students' kernels must never read); one that
#                        is there already is used, given pip if it has none
#   GRADER_SKIP_INSTALL  set: install nothing (the kit and torch are already there)
#   GRADER_PYTHON        the Python to grade with (default: the environment's)
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
VENV="${GRADER_VENV:-/opt/torch-grader}"

system_packages() {  # only where Python, its venv module or pip is missing
    echo "setup.sh: installing Python's venv and pip with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv python3-pip \
        >/dev/null
}

if [ -z "${GRADER_SKIP_INSTALL:-}" ]; then
    if [ ! -x "$VENV/bin/python" ]; then
        if ! python3 -m venv "$VENV" >/dev/null 2>&1; then
            rm -rf "$VENV"
            system_packages
            python3 -m venv "$VENV"
        fi
    fi
    if ! "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then  # a venv made without pip
        if ! "$VENV/bin/python" -m ensurepip >/dev/null 2>&1; then
            system_packages
            "$VENV/bin/python" -m ensurepip >/dev/null
        fi
    fi
    PIP=("$VENV/bin/python" -m pip install --quiet --disable-pip-version-check)
    "${PIP[@]}" "torch==__TORCH__" --index-url https://download.pytorch.org/whl/cpu
    "${PIP[@]}" __KIT_REQUIREMENT__
fi

PYTHON="${GRADER_PYTHON:-$VENV/bin/python}"
__PYTHONPATH__
"$PYTHON" -m grader.release.gradescope_run --root "$ROOT" --check-solutions
