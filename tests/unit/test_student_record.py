"""A student's record as typed data: grade.json reads into it and is written back byte for
byte; a cluster task's result keeps its plain-data form (a kit failure included, even from a
worker of an earlier kit); a probe's status is one of the grader's words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader.cluster.job import from_wire, to_wire
from grader.executors.protocol import KitFailure
from grader.probing import wire
from grader.probing.probe import ProbeReply, ProbeStatus
from grader.records import RecordFormatError, StudentRecord, read_record, write_record

RESULTS = {"score": 2.0, "tests": [{"name": "02_loop: test_loss", "score": 2.0,
                                    "max_score": 2.0, "status": "passed"}]}
INPUTS = {"digest": "abc", "flags": ["`ann` is a link: not graded"],
          "settings": {"seed": 7}}


def _as_an_earlier_kit_wrote_it(**record: object) -> str:
    return json.dumps(record, indent=2)


def test_a_record_written_by_an_earlier_kit_is_read_and_written_back_byte_for_byte(
        tmp_path: Path) -> None:
    texts = [
        _as_an_earlier_kit_wrote_it(student="ann", results=RESULTS, reason=None,
                                    seconds=3.21, inputs=INPUTS),
        _as_an_earlier_kit_wrote_it(student="ben", results=None, reason="not graded: busy",
                                    seconds=1.5, inputs=INPUTS, retry=True),
        _as_an_earlier_kit_wrote_it(student="cy", results=None, reason="a link", seconds=0.0),
    ]
    for text in texts:
        (tmp_path / "grade.json").write_text(text, encoding="utf-8")
        record = read_record(tmp_path)
        write_record(tmp_path, record)
        assert (tmp_path / "grade.json").read_text(encoding="utf-8") == text
    assert not list(tmp_path.glob("*.tmp"))


def test_a_record_says_whether_it_is_a_grade_and_what_it_was_computed_from() -> None:
    graded = StudentRecord("ann", RESULTS, None, 3.2, inputs=INPUTS)
    assert graded.graded and graded.digest == "abc"
    assert graded.flags == ["`ann` is a link: not graded"]
    timed_out = StudentRecord("ben", None, "grading took longer than the budget", 30.0)
    assert not timed_out.graded and timed_out.digest is None and timed_out.flags == []
    assert StudentRecord.from_json(timed_out.to_json()) == timed_out


def test_a_record_missing_what_tests_leave_out_reads_with_defaults() -> None:
    record = StudentRecord.from_dict({"student": "ann", "results": RESULTS})
    assert (record.reason, record.seconds, record.inputs, record.retry) == (None, 0.0, None,
                                                                            False)


@pytest.mark.parametrize("record", [
    {"results": None, "reason": "x"},  # whose?
    {"student": 3, "results": None, "reason": "x"},
    {"student": "ann", "results": [], "reason": None},
    {"student": "ann", "results": None, "reason": "x", "seconds": "long"},
    {"student": "ann", "results": None, "reason": "x", "seconds": True},
    ["ann"],
])
def test_a_record_not_of_the_kits_form_is_refused_with_the_key_that_is_wrong(
        record: object) -> None:
    with pytest.raises(RecordFormatError) as refused:
        StudentRecord.from_dict(record)
    assert isinstance(refused.value, ValueError)  # read as any unreadable record
    assert refused.value.key in ("student", "results", "seconds", "record")


def test_a_cluster_task_result_is_plain_data_both_ways() -> None:
    record = StudentRecord("ann", RESULTS, None, 3.2, retry=False)
    files = {"results.json": b"{}", "pytest.log": b"ok"}
    sent = to_wire(record, files)
    assert json.loads(json.dumps(sent["record"])) == sent["record"]
    assert from_wire(sent) == (record, files)
    failure = KitFailure("ben", "not graded: an error of the grader on a worker: OSError: x")
    assert from_wire(to_wire(failure, files)) == (failure, {})


def test_a_kit_error_from_a_worker_of_an_earlier_kit_still_stops_the_run() -> None:
    earlier = {"record": {"student": "ben", "results": None, "seconds": 0.0, "kit_error": True,
                          "reason": "not graded: an error of the grader on a worker: "
                                    "WorkerMismatch: the worker's kit differs"}, "files": {}}
    outcome, _ = from_wire(earlier)
    assert isinstance(outcome, KitFailure) and "WorkerMismatch" in outcome.reason


def test_a_probe_status_is_the_agents_word_and_an_unknown_one_is_garbled() -> None:
    reply = ProbeReply.from_payload(json.dumps(wire.encode({"status": "not_callable",
                                                             "type": "int"})))
    assert reply.status is ProbeStatus.NOT_CALLABLE and reply.status == "not_callable"
    assert f"{reply.status}" == "not_callable"  # messages and caches keep the word
    forged = ProbeReply.from_payload(json.dumps(wire.encode({"status": "ok!", "value": 1})))
    assert forged.status is ProbeStatus.GARBLED and forged.value is None
