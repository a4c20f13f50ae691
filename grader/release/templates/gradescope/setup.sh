#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu, Python 3):
# a virtual environment with the CPU build of torch and the grading kit, then the reference
# solutions graded once, which checks them and caches their answers for every submission.
#
#   AUTOGRADER_ROOT      instead of /autograder (to try the autograder on any machine)
#   GRADER_VENV          where the environment goes (default /opt/torch-grader: outside
#                        /autograder, which the students' kernels must never read)
#   GRADER_SKIP_INSTALL  set: install nothing (the kit and torch are already there)
#   GRADER_PYTHON        the Python to grade with (default: the environment's)
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
VENV="${GRADER_VENV:-/opt/torch-grader}"

if [ -z "${GRADER_SKIP_INSTALL:-}" ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv python3-pip \
        >/dev/null
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --upgrade pip
    "$VENV/bin/pip" install --quiet "torch==__TORCH__" --index-url https://download.pytorch.org/whl/cpu
    "$VENV/bin/pip" install --quiet __KIT_REQUIREMENT__
fi

PYTHON="${GRADER_PYTHON:-$VENV/bin/python}"
export PYTHONPATH="$SOURCE/__KIT_FOLDER__${PYTHONPATH:+:$PYTHONPATH}"
"$PYTHON" -m grader.release.gradescope_run --root "$ROOT" --check-solutions
