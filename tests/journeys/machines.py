"""The machines the journeys run on, and the people who use them.

A *machine* is a Python environment with the kit installed from its wheel, as a TA or a student
would have it, and the account that uses it:

- `root`: root (containers, CI), the environment outside /tmp;
- `user`: a user with no privilege (created here with useradd when the tests run as root; the
  test run's own user otherwise), the same environment, which that user can read;
- `tmp`: root, with the whole Python installation under /tmp (a venv made there, a CI tool
  cache).

Every environment is made by `python3 -m venv --without-pip`, as on a Debian whose Python has
no pip of its own: the kit never needs pip to run. The kit comes from a wheel built from this
checkout (`pip wheel`), installed by an outside pip (`pip --python`). Its dependencies (torch,
Jupyter, ...) are not downloaded again: they are this test run's own, hard-linked (or copied)
into the environment, so that they really lie where it lies; what the journeys test is the
kit's packaging and behaviour on those machines, not pip. Their bytecode (`__pycache__`)
comes with them, as pip compiles it when it installs a package: without it, every process of a
user (who cannot write into the environment) would compile torch's and Jupyter's modules
again. The base interpreter is Debian's /usr/bin/python3 where it is the test run's Python
version (the run's own may lie under /root, which no other user can read).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tests.corpus.harness import ROOT

USER = "grader-journey"  # the account made for the `user` machine
LEFT_OUT = ("pip", "__editable__", "torch_grader")  # no pip; the kit: its wheel
TRACEBACK = "Traceback (most recent call last)"


@dataclass(frozen=True, repr=False)
class Seen:
    """What a person saw after a command: its exit status, stdout and stderr."""

    command: str
    code: int
    out: str
    err: str
    seconds: float = 0.0

    @property
    def text(self) -> str:
        return self.out + self.err

    def __repr__(self) -> str:  # for assertion messages
        return (f"$ {self.command}\n(exit {self.code} after {self.seconds:.1f} s)\n{self.out}\n"
                f"--- stderr ---\n{self.err}")


@dataclass(frozen=True)
class Machine:
    name: str
    venv: Path
    home: Path  # the person's own folder: they work there
    account: pwd.struct_passwd | None = None  # None: this process's own account
    extra_env: Mapping[str, str] = field(default_factory=dict)

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    def env(self, **more: str) -> dict[str, str]:
        """A clean login-like environment: the venv's bin first on PATH, the person's HOME, a
        private daemon folder; nothing of the test run's (PYTEST_*, PYTHONPATH)."""
        path = f"{self.venv / 'bin'}:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"
        env = {"PATH": path, "HOME": str(self.home), "LANG": "C.UTF-8", "TERM": "dumb",
               "VIRTUAL_ENV": str(self.venv), "GRADER_DAEMON_DIR": str(self.home / ".run"),
               "GRADER_DAEMON_IDLE": "120", "USER": self.user_name, **self.extra_env}
        env.update(more)
        return env

    @property
    def uid(self) -> int:
        return self.account.pw_uid if self.account else os.getuid()

    @staticmethod
    def wait_until(condition: Callable[[], object], seconds: float = 30.0) -> bool:
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)
        return True

    @property
    def user_name(self) -> str:
        return self.account.pw_name if self.account else pwd.getpwuid(os.getuid()).pw_name

    def run(self, command: str, cwd: Path | None = None, timeout: float = 600,
            env: Mapping[str, str] | None = None) -> Seen:
        """Run a shell command line as this machine's person, in `cwd` (default: home)."""
        started = time.monotonic()
        done = subprocess.run(self.argv(command), cwd=cwd or self.home, env=dict(env or self.env()),
                              capture_output=True, text=True, timeout=timeout)
        seen = Seen(command, done.returncode, done.stdout, done.stderr,
                    time.monotonic() - started)
        print(f"[{self.name} {seen.seconds:5.1f} s] $ {command}")  # in pytest's report, -rA
        return seen

    def argv(self, command: str) -> list[str]:
        """What runs the shell command line `command` as this person."""
        if self.account is None:
            return ["bash", "-c", command]
        return ["setpriv", f"--reuid={self.account.pw_uid}", f"--regid={self.account.pw_gid}",
                "--clear-groups", "--", "bash", "-c", command]

    def folder(self, name: str) -> Path:
        """A new folder of the person's own, in their home."""
        path = self.home / name
        self.run(f"mkdir -p {path}")
        return path

    def give(self, path: Path) -> None:
        """Make `path` (copied in by the test) the person's own, as if they had made it: its
        folders and its files, except a file hard-linked from elsewhere (an environment's
        packages are this test run's own: their owner must not change), which stays readable."""
        if self.account is None:
            return
        owner = (self.account.pw_uid, self.account.pw_gid)
        for item in [path, *path.rglob("*")] if path.is_dir() else [path]:
            info = item.lstat()
            if stat.S_ISDIR(info.st_mode) or (stat.S_ISREG(info.st_mode) and info.st_nlink == 1):
                os.lchown(item, *owner)

    def stop_daemons(self) -> None:
        self.run("grader daemon stop", timeout=60)


def build_wheel(work: Path) -> Path:
    """The kit's wheel, built from a copy of this checkout as the README says (`pip wheel`)."""
    source = work / "source"
    shutil.copytree(ROOT / "grader", source / "grader",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    "--no-build-isolation", "-w", str(work / "dist"), str(source)],
                   check=True, capture_output=True, text=True, timeout=600)
    [wheel] = (work / "dist").glob("torch_grader-*.whl")
    return wheel


def make_environment(venv: Path, wheel: Path | None) -> Path:
    """A venv at `venv` without pip, holding this run's dependencies and (unless None) the
    kit's wheel; readable by anyone."""
    subprocess.run([str(base_python()), "-m", "venv", "--without-pip", str(venv)], check=True,
                   capture_output=True, timeout=120)
    here = Path(sysconfig.get_paths()["purelib"])
    there = Path(subprocess.run([str(venv / "bin" / "python"), "-c",
                                 "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                check=True, capture_output=True, text=True).stdout.strip())
    for entry in sorted(here.iterdir()):
        if not entry.name.startswith(LEFT_OUT):
            _link_tree(entry, there / entry.name)
    for data in ("share/jupyter", "etc/jupyter"):  # kernel specs, JupyterLab's assets, config
        if (Path(sys.prefix) / data).is_dir():
            _link_tree(Path(sys.prefix) / data, venv / data)
    _copy_scripts(Path(sysconfig.get_paths()["scripts"]), venv / "bin")
    if wheel is not None:
        subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"),
                        "install", "-q", "--no-deps", "--no-index", str(wheel)],
                       check=True, capture_output=True, text=True, timeout=300)
    return venv


def base_python() -> Path:
    """A Python of this run's version that every user can run: Debian's, else this run's base
    interpreter if it lies where anyone can read it."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    for candidate in (Path("/usr/bin/python3"), Path(sys._base_executable)):
        if not candidate.exists() or not _readable_by_anyone(candidate.resolve()):
            continue
        found = subprocess.run([str(candidate), "-c", "import sys; print('%d.%d' % "
                                "sys.version_info[:2])"], capture_output=True, text=True)
        if found.stdout.strip() == version:
            return candidate
    raise RuntimeError(
        f"the journeys need a Python {version} that every user can run (a non-root user's "
        f"journey runs it): /usr/bin/python3 is missing or another version, and this run's "
        f"({sys._base_executable}) lies where other users cannot read it. Install Debian's "
        "python3 (.ci/run does) or run the tests with a Python installed for everyone")


def person_account() -> pwd.struct_passwd | None:
    """The account of the `user` machine: made here as root; None when this run is not root
    (then the run's own account is the person, already without privilege)."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--user-group", "--no-create-home",
                        "--shell", "/bin/bash", USER], check=True, capture_output=True)
        return pwd.getpwnam(USER)


@contextlib.contextmanager
def scratch(under: str, prefix: str) -> Iterator[Path]:
    """A folder under `under` that anyone can enter, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=under))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _link_tree(source: Path, target: Path) -> None:
    """Hard links where the file system allows (instant), copies elsewhere; never symlinks
    (the files must really lie in the target). Bytecode too: a hard link (or copy2) keeps the
    source's mtime and size, which is what a .pyc is checked against."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_file():
        _link_or_copy(str(source), str(target))
        return
    shutil.copytree(source, target, copy_function=_link_or_copy, symlinks=True,
                    dirs_exist_ok=True)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _copy_scripts(source: Path, target: Path) -> None:
    """Console scripts of the dependencies (`jupyter`, ...), pointed at the new Python."""
    ours = f"#!{Path(sys.executable).parent}/"
    for script in sorted(source.iterdir()):
        if script.name.startswith(("python", "activate", "Activate", "pip", "grader")) \
                or not script.is_file() or (target / script.name).exists():
            continue
        with contextlib.suppress(UnicodeDecodeError, OSError):
            first, _, rest = script.read_text(encoding="utf-8").partition("\n")
            if first.startswith(ours):
                (target / script.name).write_text(f"#!{target}/python\n{rest}",
                                                  encoding="utf-8")
                (target / script.name).chmod(0o755)


def _readable_by_anyone(path: Path) -> bool:
    for folder in [path, *path.parents]:
        mode = folder.stat().st_mode
        if folder == path and not mode & 0o004:
            return False
        if folder != path and not mode & 0o001:
            return False
    return True
