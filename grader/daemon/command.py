"""`grader daemon stop`: stop this user's check daemons now instead of after their idle time."""

from __future__ import annotations

import argparse

from grader.daemon.client import DEFAULT_IDLE, DISABLE_ENV, IDLE_ENV, stop_all


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "daemon", help="stop the background process that makes `grader check` fast",
        description=f"The first `grader check` starts a background process that keeps torch "
                    f"and the grader imported; it exits by itself {DEFAULT_IDLE / 60:.0f} "
                    f"minutes after the last check ({IDLE_ENV}=SECONDS to change). "
                    f"{DISABLE_ENV}=1 turns it off. `stop` stops every check daemon of yours, "
                    f"those started from a notebook's `grader.check()` too.")
    parser.add_argument("action", choices=["stop"])
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    stopped = stop_all()
    print(f"stopped {stopped} check daemon{'s' * (stopped != 1)}" if stopped
          else "no check daemon was running")
    return 0
