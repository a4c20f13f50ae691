"""The kit's child processes: forked or started from a program, each the leader of a session of
its own, killed with every process of that session, dying with its parent, waited for through
a pidfd.

Every grading process (a batch's, the check daemon's), every kernel the fork server forks and
the fork server's successor is made here, so that the rules below are written once:

- A child never returns into its parent's frames (`fork_child`): it runs its body and exits
  the way the interpreter would (exit handlers, flushed streams), whatever the body raised.
  Unwinding into a copy of the parent's loop would serve the parent's clients twice.
- A group is signalled only while its leader is unreaped (`signal_group`): until the parent
  reaps it, its pid cannot be another process's; a pidfd says so without reaping it.
- A child of a batch dies with the batch, even by kill -9 (`die_with_parent`, Linux's
  parent-death signal): no grading process outlives the run that started it.

What the caller sees of a child, whoever forked it, is the `ChildProcess` protocol. Linux gives
all of it (pidfds, fork); elsewhere a process is polled and killed by its pid. Nothing of the
kit above this module is imported: the parent-death signal uses the sandbox's prctl wrapper.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import select
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from typing import IO, NoReturn, Protocol

if sys.platform == "linux":
    from grader.sandbox import syscalls as _linux

CHILD_FAILED = 1  # the exit code of a child whose body raised
POLL_EVERY = 0.2  # seconds between two looks at a child that has no exit fd (not Linux)


class ChildProcess(Protocol):
    """What the kit needs of a child it waits for and may have to stop: one of its own
    (`LocalProcess`), or one that another process forked for it (grader/daemon/remote.py)."""

    @property
    def pid(self) -> int | None:
        """Its pid; None when it is not this process's to signal (another one forked it)."""

    @property
    def exit_fd(self) -> int | None:
        """A descriptor readable once it has ended, to sleep on; None where there is none
        (not Linux), or once `close()` released it."""

    @property
    def lost(self) -> bool:
        """It ended and its exit status cannot be known (whoever forked it went away): an
        error of the kit, never the student's."""

    def poll(self) -> int | None:
        """Its exit code once it ended (reaped then), else None at once."""

    def wait(self) -> int:
        """Its exit code, once it ended."""

    def kill_group(self) -> None:
        """Kill it and every process of its session (its kernels) at once."""

    def close(self) -> None:
        """Release what this side holds of it (its exit fd); it may have ended or not."""


class LocalProcess:
    """A child of this process: forked (`fork_child`) or started from a program
    (`start_program`), the leader of a session of its own."""

    lost = False  # this process reaps it: its exit status is always known

    def __init__(self, pid: int, popen: subprocess.Popen[bytes] | None = None) -> None:
        self.pid = pid
        self._popen = popen
        self.returncode: int | None = None
        # Opened before anything can reap it: the pidfd names this child and no other.
        self.exit_fd: int | None = os.pidfd_open(pid) if hasattr(os, "pidfd_open") else None

    def poll(self) -> int | None:
        if self.returncode is None:
            if self._popen is not None:
                self.returncode = self._popen.poll()
            else:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
                if pid:
                    self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self) -> int:
        if self.returncode is None:
            if self._popen is not None:
                self.returncode = self._popen.wait()
            else:
                _, status = os.waitpid(self.pid, 0)
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def kill_group(self) -> None:
        if self.returncode is not None:  # reaped: its pid may be another process's now
            return
        if os.name != "posix" and self._popen is not None:  # no sessions: the process alone
            self._popen.kill()
        else:
            signal_group(self.pid, self.exit_fd)

    def close(self) -> None:
        if self.exit_fd is not None:
            os.close(self.exit_fd)
            self.exit_fd = None


def can_fork() -> bool:
    """Linux with fork and pidfds (not macOS, not Windows): what forking children needs."""
    return sys.platform == "linux" and hasattr(os, "fork") and hasattr(os, "pidfd_open")


def fork_child(body: Callable[[], int], failed: int = CHILD_FAILED) -> int:
    """Fork: the child runs `body` and exits with the code it returns (`failed`, its traceback
    on stderr, if it raised); it never returns here. The parent gets the child's pid.
    Only a process with one thread may call it (fork copies the calling thread alone)."""
    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # else the child's copy of what is buffered is written twice
    pid = os.fork()
    if pid == 0:
        code = failed
        try:
            code = body()
        except SystemExit as exc:  # as the interpreter reads it
            code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
        except BaseException:
            traceback.print_exc()
        finally:
            exit_child(code)
    return pid


def exit_child(code: int) -> NoReturn:
    """End a forked child the way the interpreter would (its own exit handlers: its kernels,
    its temporary files; flushed streams), never by unwinding into the parent's frames."""
    with contextlib.suppress(BaseException):
        atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BaseException):
            stream.flush()
    os._exit(code)


def start_program(argv: list[str], cwd: str, env: dict[str, str], output: IO[str]
                  ) -> LocalProcess:
    """`argv` in a session of its own that dies with this process, stdin empty, stdout and
    stderr into `output` (on Windows: no session, no parent-death signal)."""
    posix = os.name == "posix"
    popen = subprocess.Popen(argv, cwd=cwd, stdout=output, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, env=env, start_new_session=posix,
                             preexec_fn=die_with_parent if posix else None)
    return LocalProcess(popen.pid, popen)


def die_with_parent() -> None:
    """Linux: this process is killed (SIGKILL) when its parent thread dies, even by kill -9.
    Elsewhere, nothing to do. Called in a child between fork and exec: no import here."""
    if sys.platform == "linux":
        with contextlib.suppress(OSError):
            _linux.prctl(_linux.PR_SET_PDEATHSIG, signal.SIGKILL)


def signal_group(pid: int, pidfd: int | None, signum: int = signal.SIGKILL) -> None:
    """Signal the session that child `pid` leads: the child and every process it started.
    With its pidfd, nothing once the child has been reaped (its pid may be another's then);
    the caller must not reap it meanwhile. A child forked a moment ago may not lead its
    group yet: then it alone is signalled, before it can start anything."""
    if pidfd is not None:
        try:
            signal.pidfd_send_signal(pidfd, 0)
        except OSError:  # reaped: nothing of it is left to signal by its pid
            return
    try:
        os.killpg(pid, signum)
    except OSError:
        with contextlib.suppress(OSError):
            if pidfd is not None:
                signal.pidfd_send_signal(pidfd, signum)
            else:
                os.kill(pid, signum)


def wait_for_any(processes: Sequence[ChildProcess], timeout: float) -> None:
    """Sleep until one of `processes` ends, `timeout` seconds at most; those without an exit
    fd are looked at again every POLL_EVERY seconds."""
    fds = [fd for process in processes if (fd := process.exit_fd) is not None]
    if len(fds) < len(processes):
        timeout = min(timeout, POLL_EVERY)
    if fds:
        select.select(fds, [], [], timeout)
    else:
        time.sleep(timeout)


def wait_until_gone(pid: int, limit: float) -> bool:
    """Whether the process `pid` (not necessarily a child) is gone within `limit` seconds.
    Without pidfds (not Linux) it cannot be told: True at once."""
    if not hasattr(os, "pidfd_open"):
        return True
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([handle], [], [], limit)[0])
    finally:
        os.close(handle)
