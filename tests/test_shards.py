"""Job arrays: `grader grade --shard I/N` grades a deterministic slice of the class, and
`grader gradebook OUT...` merges the slices into the gradebook and per-student files one
machine would have written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from grader.batch.merge import merge_outputs
from grader.batch.shards import Shard, in_shard, parse_shard
from grader.errors import UserError
from grader.submissions.students import Student
from tests.class_outputs import assert_same_grades
from tests.test_batch import NOTEBOOK, make_class


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    done = subprocess.run([sys.executable, "-m", "grader.cli", *args], env=environ,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return done


def test_three_shards_merged_give_the_one_machine_gradebook(tmp_path: Path) -> None:
    submissions = make_class(tmp_path, 10)
    grade = ["grade", str(submissions), "--assignment", Path(NOTEBOOK).stem, "-j", "2"]
    _run(*grade, "--out", str(tmp_path / "whole"))
    shards = [tmp_path / f"shard-{index}" for index in (1, 2, 3)]
    for index, out in enumerate(shards, start=1):
        done = _run(*grade, "--out", str(out), "--shard", f"{index}/3")
        assert f"(shard {index}/3)" in done.stdout
    sizes = [len(list(out.glob("students/*/grade.json"))) for out in shards]
    assert sum(sizes) == 11 and max(sizes) < 11  # every student once, in slices

    merged = _run("gradebook", *map(str, shards), "--out", str(tmp_path / "merged"))
    assert "merged 11 students of 3 outputs" in merged.stdout
    assert_same_grades(tmp_path / "whole", tmp_path / "merged")
    assert (tmp_path / "merged" / "report.html").exists()  # and the class report

    _run("gradebook", *map(str, shards), "--out", str(tmp_path / "merged"))  # again: the same
    assert_same_grades(tmp_path / "whole", tmp_path / "merged")


def test_a_student_is_in_exactly_one_shard_whatever_the_others() -> None:
    names = [f"student{i}" for i in range(200)]
    for count in (1, 2, 3, 7):
        slices = [[n for n in names if in_shard(Student(n, Path(n)), Shard(i, count))]
                  for i in range(1, count + 1)]
        assert sorted(n for s in slices for n in s) == sorted(names)
        assert min(map(len, slices)) > 200 / count / 2  # none left nearly empty
    first = [n for n in names if in_shard(Student(n, Path(n)), Shard(1, 3))]
    late = [n for n in [*names, "late_student"] if in_shard(Student(n, Path(n)), Shard(1, 3))]
    assert [n for n in late if n != "late_student"] == first  # adding one moves nobody


@pytest.mark.parametrize("text", ["0/3", "4/3", "3", "a/b", "1/0"])
def test_a_shard_outside_1_to_n_is_refused(text: str) -> None:
    with pytest.raises(UserError, match="I/N"):
        parse_shard(text)


def test_merging_refuses_a_student_graded_twice_from_different_inputs(tmp_path: Path) -> None:
    for out, digest in (("a", "1" * 32), ("b", "2" * 32)):
        folder = tmp_path / out / "students" / "alice"
        folder.mkdir(parents=True)
        (folder / "grade.json").write_text(
            '{"student": "alice", "results": null, "reason": "x", "seconds": 0, '
            f'"inputs": {{"digest": "{digest}"}}}}', encoding="utf-8")
    with pytest.raises(UserError, match=r"alice was graded in .* from different inputs"):
        merge_outputs([tmp_path / "a", tmp_path / "b"], tmp_path / "merged")
    assert not (tmp_path / "merged").exists()
