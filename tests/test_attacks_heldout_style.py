"""Attacks beyond the corpus of tests/attacks/, aimed at the grader's own process rather than
at the sandbox: messages a kernel forges on its channels, output sent as one enormous message,
the probe's mimetype published by a student cell, notebooks that are pipes or nested JSON, and
error messages whose lines imitate the grade. Each must cost the attacker their own grade at
most: the grader neither raises (a crash of the kit, or a run per test), nor hangs, nor holds
the attacker's gigabytes, nor shows text that reads like its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from grader.execution.result import CellStatus
from grader.execution.runner import run_notebook
from grader.execution.settings import ExecutionSettings
from grader.probing.probe import ProbeRequest, send
from grader.submissions.submitted import SPECIAL, lay_out, submitted_notebook
from tests.attacks.outside import grading_env, unsafe_text
from tests.attacks.payload import FAKE_SCORE
from tests.corpus.harness import ASSIGNMENTS, ROOT, grade
from tests.helpers import write_notebook
from tests.test_attacks_in_kernel import require_every_layer

RAW = """\
kernel = get_ipython().kernel
def raw(msg_type, content):
    kernel.session.send(kernel.iopub_socket, msg_type, content=content,
                        parent=kernel.get_parent())
"""
# Messages a kernel can forge with its own session key (content as raw JSON bytes, or a dict
# nbclient cannot turn into an output).
FORGED = {
    "nested deeper than the JSON parser goes":
        "raw('display_data', b'{\"data\": {\"text/plain\": ' + b'[' * 200000 + b']' * 200000"
        " + b'}, \"metadata\": {}}')",
    "content that is a list": "raw('display_data', b'[1, 2]')",
    "data that is a string": "raw('display_data', {'data': 'abc', 'metadata': 5})",
    "a stream whose text is a dict": "raw('stream', {'name': 'stdout', 'text': {'a': 1}})",
    "an error whose fields are numbers": "raw('error', {'ename': 5, 'evalue': 6, 'traceback': 7})",
    "a display id that is a list":
        "raw('display_data', {'data': {}, 'metadata': {}, 'transient': "
        "{'display_id': ['a']}})",
}
PROBE_MIMETYPE = "application/x-grader-probe"
NOTEBOOK = "02_training_loop.ipynb"
OTHER = "01_tensors_and_loss.ipynb"


@pytest.mark.slow
@pytest.mark.parametrize("forged", sorted(FORGED))
def test_a_kernel_that_forges_a_malformed_message_is_stopped_and_the_grader_goes_on(
        forged: str, tmp_path: Path) -> None:
    """Attacked: nbclient's handling of iopub messages, which raised out of run_notebook (each
    test then re-ran the notebook, and its kernel was never closed). Must hold: the cell is
    recorded as stopping the kernel, later cells as not run, probes answer `not_run`."""
    require_every_layer()
    path = write_notebook(tmp_path / "lab.ipynb", RAW + FORGED[forged], "y = 1")
    with run_notebook(path, ExecutionSettings(cell_timeout=30)) as live:
        cells = live.result.cells
        reply, _ = send(live, ProbeRequest.value("y"), 20)
    assert cells[0].status is CellStatus.KERNEL_DIED, cells
    assert "could not read" in (cells[0].note or ""), cells[0]
    assert cells[1].status is CellStatus.NOT_RUN
    assert reply.status == "not_run" and "could not read" in reply.note


@pytest.mark.slow
def test_the_probe_mimetype_published_by_a_cell_is_capped_like_any_output(tmp_path: Path
                                                                          ) -> None:
    """Attacked: the output cap, which let the probe's own mimetype through uncapped in any
    cell (gigabytes kept in the grader's memory). Must hold: outside a probe it counts as
    ordinary output, and the cell's output is cut; probes still work."""
    require_every_layer()
    flood = ("from IPython.display import publish_display_data\n"
             f"for _ in range(12):\n    publish_display_data({{{PROBE_MIMETYPE!r}: 'x' * 2**20}})")
    path = write_notebook(tmp_path / "lab.ipynb", flood, "y = 1")
    with run_notebook(path, ExecutionSettings(cell_timeout=30)) as live:
        cells = live.result.cells
        reply, _ = send(live, ProbeRequest.value("y"), 20)
    assert "output was cut" in (cells[0].note or ""), cells[0]
    assert reply.status == "ok" and reply.value == 1


MEASURE = """\
import resource, sys
from pathlib import Path
from grader.execution.runner import run_notebook
from grader.execution.settings import ExecutionSettings
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with run_notebook(Path(sys.argv[1]), ExecutionSettings(cell_timeout=60)) as live:
    statuses = [c.status.value for c in live.result.cells]
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(statuses, (after - before) // 1024)
"""


ENORMOUS = {
    "output": "from IPython.display import publish_display_data\n"
              "publish_display_data({'text/plain': 'x' * (400 * 2**20)})",
    "reply": "get_ipython().set_next_input('x' * (400 * 2**20))",  # in the execute_reply
}


@pytest.mark.slow
@pytest.mark.parametrize("way", sorted(ENORMOUS))
def test_one_enormous_message_is_dropped_before_the_grader_reads_it(way: str, tmp_path: Path
                                                                    ) -> None:
    """Attacked: the grader's memory, through one 400 MB message, as output or in a cell's
    reply (the per-cell cap applies only after a message is read: the grader held three times
    its size). Must hold: the message is dropped unread, the grader's memory grows by far less
    than it, the kernel is stopped (ZeroMQ cuts the connection for good) and nothing hangs."""
    require_every_layer()
    path = write_notebook(tmp_path / "lab.ipynb", ENORMOUS[way], "y = 1")
    done = subprocess.run([sys.executable, "-c", MEASURE, str(path)], cwd=ROOT, timeout=300,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    statuses, grown_mb = done.stdout.strip().rsplit(" ", 1)
    assert int(grown_mb) < 200, done.stdout
    assert statuses.endswith("'not run']"), done.stdout  # the kernel was stopped
    assert "timed out" not in statuses, done.stdout  # at the cut, not at the cell's limit


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _nested(path: Path) -> None:
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")


BROKEN = {"a FIFO": (_fifo, "not a regular file"), "nested JSON": (_nested, "nested")}


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_a_notebook_that_is_a_fifo_or_deeply_nested_json_fails_its_tests_with_the_reason(
        kind: str, tmp_path: Path, reference_cache: Path) -> None:
    """Attacked: reading the submission (a FIFO blocked the grader forever; JSON nested too
    deeply raised RecursionError out of the loader). Must hold: the notebook's tests fail with
    the reason, the run ends normally."""
    make, phrase = BROKEN[kind]
    folder = tmp_path / "submission"
    folder.mkdir()
    make(folder / OTHER)
    graded = grade(folder, reference_cache, notebooks=(OTHER,))
    assert graded.verdicts and graded.exit_code == 1, graded.stdout
    assert all(v.status == "failed" and phrase in v.output for v in graded.verdicts.values())


def test_a_batch_never_reads_a_fifo_and_a_cluster_worker_lays_it_out_again(tmp_path: Path
                                                                            ) -> None:
    """Attacked: `grader grade`'s digest of a submission, which read a FIFO (blocking the
    whole batch) and any file whole. Must hold: a FIFO is recorded as such, without reading."""
    folder, elsewhere = tmp_path / "student", tmp_path / "worker"
    folder.mkdir()
    elsewhere.mkdir()
    os.mkfifo(folder / OTHER)
    found = submitted_notebook(folder, OTHER)
    assert found.kind == SPECIAL and found.content == b""
    lay_out(found, elsewhere)
    assert submitted_notebook(elsewhere, OTHER) == found


FORGING_LINES = """\
def train_step(X, y, W, b, lr):
    raise RuntimeError("nothing wrong here\\n%(fake)s\\n## Grade: 10 / 10\\n"
                       "   %(fake)s\\n> [!NOTE]\\n> all tests passed\\n"
                       "<details open><summary>%(fake)s</summary></details>")
"""


@pytest.mark.slow
def test_an_error_message_whose_lines_imitate_the_grade_is_never_shown_as_lines_of_its_own(
        tmp_path: Path, reference_cache: Path) -> None:
    """Attacked: a reader of the grader's terminal, pytest.log, results.json and summary.md,
    through an exception message with newlines, each line a fake score, heading or HTML. Must
    hold: no line of what is shown starts with the fake score, no raw HTML in Markdown."""
    require_every_layer()
    notebook = nbformat.read(ASSIGNMENTS / NOTEBOOK, as_version=4)
    notebook.cells.append(new_code_cell(FORGING_LINES % {"fake": FAKE_SCORE}))
    folder = tmp_path / "forger"
    folder.mkdir()
    nbformat.write(notebook, folder / NOTEBOOK)
    report = tmp_path / "report"
    graded = grade(folder, reference_cache, notebooks=(NOTEBOOK,), report=report,
                   env=grading_env(tmp_path / "step-summary.md"))
    assert graded.score[0] < graded.score[1]
    assert unsafe_text(graded.stdout) == []
    results = json.loads((report / "results.json").read_text())
    assert unsafe_text("\n".join(t["output"] for t in results["tests"])) == []
    assert unsafe_text((report / "summary.md").read_text(), markdown=True) == []



@pytest.mark.slow
def test_a_student_folder_whose_name_is_not_utf8_is_graded_and_the_batch_finishes(
        tmp_path: Path) -> None:
    """Attacked: `grader grade`, whose gradebook (a UTF-8 CSV) could not hold a folder name
    with bytes that are not UTF-8 (from an archive): the batch stopped with a traceback after
    grading. Must hold: every student is graded and recorded, the name shown as `\\xNN`."""
    require_every_layer()
    submissions = tmp_path / "submissions"
    for raw in (b"bad\xffname", b"normal"):
        folder = Path(os.fsdecode(os.fsencode(submissions) + b"/" + raw))
        folder.mkdir(parents=True)
        (folder / NOTEBOOK).write_bytes((ASSIGNMENTS / NOTEBOOK).read_bytes())
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "grader.cli", "grade", str(submissions), "--out", str(out),
         "-j", "2", "--assignment", Path(NOTEBOOK).stem],
        env=grading_env(tmp_path / "step-summary.md"), capture_output=True, text=True,
        timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    book = (out / "gradebook.csv").read_text(encoding="utf-8")
    assert "bad\\xffname," in book and "normal," in book
    assert (out / "report.html").exists()


FAKE_AGENT = """\
import json, sys, types
from IPython.display import publish_display_data
fake = types.ModuleType("grader.probing.agent")
def answer(request_text):
    reply = %s
    publish_display_data({"application/x-grader-probe": json.dumps(reply)})
fake.answer = answer
sys.modules["grader.probing.agent"] = fake
y = 1
"""
FAKE_REPLIES = {
    "an error that is text": '{"status": "raised", "error": "boom"}',
    "names that are a number": '{"status": "missing", "names": 5}',
    "a status that is a list": '{"status": ["ok"], "value": 1}',
    "args that are a dict": '{"status": "ok", "value": 1, "args": {"__dict__": []}}',
}


@pytest.mark.slow
@pytest.mark.parametrize("fake", sorted(FAKE_REPLIES))
def test_a_probe_agent_replaced_by_the_notebook_gets_its_odd_replies_read_as_garbled(
        fake: str, tmp_path: Path) -> None:
    """Attacked: the probe channel, through a notebook that replaces the agent module in
    sys.modules and answers probes itself with replies of the wrong shape (which raised
    AttributeError or IndexError in the grader's checks). Must hold: such a reply is `garbled`,
    an answer the student gets no points for, and says so."""
    require_every_layer()
    path = write_notebook(tmp_path / "lab.ipynb", FAKE_AGENT % FAKE_REPLIES[fake])
    with run_notebook(path, ExecutionSettings(cell_timeout=30)) as live:
        reply, _ = send(live, ProbeRequest.value("y"), 20)
    assert reply.status == "garbled", reply


UNCOUNTED = {
    "metadata": "from IPython.display import publish_display_data\n"
                "for _ in range(12):\n"
                "    publish_display_data({'text/plain': 'x'}, metadata={'m': 'x' * 2**20})",
    "display updates": "from IPython.display import display, update_display\n"
                       "for n in range(12):\n"
                       "    display('x', display_id=f'd{n}')\n"
                       "    update_display('x' * 2**20, display_id=f'd{n}')",
    "widget state": RAW + "for n in range(12):\n"
                          "    raw('comm_open', {'comm_id': f'c{n}', 'target_name': 'x', "
                          "'data': {'state': {'v': 'x' * 2**20}}})",
}


@pytest.mark.slow
@pytest.mark.parametrize("way", sorted(UNCOUNTED))
def test_output_the_cap_did_not_count_is_not_kept(way: str, tmp_path: Path) -> None:
    """Attacked: the grader's memory, through output the per-cell cap did not count: a
    message's metadata, display updates (which replace earlier outputs) and widget state kept
    by nbclient. Must hold: the grader keeps at most about the cap of such output."""
    require_every_layer()
    path = write_notebook(tmp_path / "lab.ipynb", UNCOUNTED[way], "y = 1")
    with run_notebook(path, ExecutionSettings(cell_timeout=30)) as live:
        client = live._client
        assert client is not None
        kept = len(str(client.nb.cells[0].get("outputs", []))) + len(str(client.widget_state))
        reply, _ = send(live, ProbeRequest.value("y"), 20)
    assert kept < 2 * 2**20, f"{kept / 2**20:.0f} MB of output kept"
    assert reply.status == "ok" and reply.value == 1


def test_a_notebook_of_too_many_cells_is_refused_before_it_is_validated(tmp_path: Path
                                                                         ) -> None:
    """Attacked: the grader's time outside every budget: validating a notebook of 100,000
    cells took seconds, and each diagnosis reads every cell. Must hold: it is refused at once."""
    from nbformat.v4 import new_notebook

    from grader.execution.loading import UnreadableNotebook, load_notebook

    cells = [new_code_cell("x = 1", id=f"c{n}") for n in range(20_000)]
    path = tmp_path / "many.ipynb"
    nbformat.write(new_notebook(cells=cells), path)
    with pytest.raises(UnreadableNotebook, match="20000 cells, more than the grader runs"):
        load_notebook(path)


LINGER = """\
import atexit, signal, threading, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
signal.signal(signal.SIGHUP, signal.SIG_IGN)
atexit.register(time.sleep, 1000)
threading.Thread(target=time.sleep, args=(1000,), daemon=True).start()
threading.Thread(target=time.sleep, args=(1000,)).start()
y = 1
"""


@pytest.mark.slow
def test_a_kernel_that_ignores_termination_and_sleeps_at_exit_is_gone_when_closed(
        tmp_path: Path) -> None:
    """Attacked: the end of a run, through a kernel that ignores SIGTERM and SIGHUP, has an
    atexit handler and threads (daemon or not) that sleep for 1000 s. Must hold: closing it
    takes seconds, and no process of it is left."""
    import time

    require_every_layer()
    path = write_notebook(tmp_path / "lab.ipynb", LINGER)
    live = run_notebook(path, ExecutionSettings(cell_timeout=30))
    reply, _ = send(live, ProbeRequest.value("y"), 20)
    pid = live.kernel_pid
    assert pid is not None, "the grader does not know the kernel's process"
    started = time.monotonic()
    live.close()
    assert reply.status == "ok"
    assert time.monotonic() - started < 15
    deadline = time.monotonic() + 10
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not Path(f"/proc/{pid}").exists(), "the kernel outlived close()"


@pytest.mark.slow
def test_a_pull_request_whose_notebook_is_a_submodule_is_graded_not_a_failure_of_ci(
        tmp_path: Path, reference_cache: Path) -> None:
    """Attacked: `grader autograde-pr`, which read each changed notebook with `git cat-file
    blob`: a notebook committed as a submodule (a gitlink) made it fail as if grading itself
    had failed. Must hold: exit 0, the notebook's tests fail saying it is a folder."""
    import shutil

    from tests.test_ci_workflow import commit_all, git, start_pull_request

    repo = tmp_path / "course"
    shutil.copytree(ROOT / "grader", repo / "grader", ignore=shutil.ignore_patterns(
        "__pycache__", "test_0[13-9]*"))
    for folder in ("solutions", "assignments"):
        (repo / folder).mkdir()
        (repo / folder / NOTEBOOK).write_bytes((ROOT / folder / NOTEBOOK).read_bytes())
    (repo / "pyproject.toml").write_bytes((ROOT / "pyproject.toml").read_bytes())
    git(repo, "init", "-q")
    commit_all(repo, "the course")
    start_pull_request(repo, "mallory")
    git(repo, "rm", "-q", "--cached", f"assignments/{NOTEBOOK}")
    git(repo, "update-index", "--add", "--cacheinfo",
        f"160000,{git(repo, 'rev-parse', 'main').strip()},assignments/{NOTEBOOK}")
    git(repo, "commit", "-q", "-m", "a submodule where the notebook was")
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "grader.cli", "autograde-pr", "--base", "main", "--head",
         "mallory", "--out", str(out), "--cache-dir", str(reference_cache)],
        cwd=repo, env=grading_env(tmp_path / "step-summary.md"), capture_output=True,
        text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    facts = json.loads((out / "autograde.json").read_text())
    assert facts["score"] == 0
    results = json.loads((out / "report" / "results.json").read_text())
    assert all("is a folder" in test["output"] for test in results["tests"]), results


@pytest.mark.slow
def test_a_kernel_that_closes_its_own_output_channel_is_stopped_without_hanging(
        tmp_path: Path) -> None:
    """Attacked: the grader's wait for output, through a kernel that closes its iopub socket
    (no status, no output, no probe reply would ever come). Must hold: the run ends within a
    few cell time limits, the probe gets no points, nothing raises."""
    import time

    require_every_layer()
    path = write_notebook(tmp_path / "lab.ipynb", "get_ipython().kernel.iopub_socket.close()",
                          "y = 1")
    started = time.monotonic()
    with run_notebook(path, ExecutionSettings(cell_timeout=5)) as live:
        reply, _ = send(live, ProbeRequest.value("y"), 5)
    assert reply.status in ("not_run", "garbled", "timeout"), reply
    assert time.monotonic() - started < 60
