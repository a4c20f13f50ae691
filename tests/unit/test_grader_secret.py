"""The grader's inputs and each probe's nonce come from the course's secret and the run's seed
(grader/grading/secret.py, grading/inputs.py, probing/run_key.py): the same for a regrade,
different for a student kit or another seed, and nothing outside a grading run can draw them."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
import torch

from grader.errors import GraderError
from grader.grading.inputs import grader_int, grader_tensor
from grader.grading.secret import SECRET_ENV, SECRET_FILE, course_secret, secret_digest
from grader.probing import run_key
from grader.probing.probe import ProbeRequest
from grader.reference.cache import SHIPPED_KEYS, ReferenceCache


@pytest.fixture(autouse=True)
def _no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run_key, "_KEY", [])
    monkeypatch.delenv(SECRET_ENV, raising=False)


def _draws(secret: bytes, seed: int = 4242) -> tuple[torch.Tensor, int, str]:
    run_key.use_secret(secret, seed)
    return (grader_tensor(5, 1, seed=11), grader_int(0, 10**9, seed=12),
            ProbeRequest.value("W").to_json())


def test_the_same_secret_and_seed_give_the_same_inputs_and_requests() -> None:
    first, again = _draws(b"course"), _draws(b"course")
    assert torch.equal(first[0], again[0]) and first[1:] == again[1:]


@pytest.mark.parametrize("other", [(b"student kit", 4242), (b"course", 7)],
                         ids=["another secret", "another seed"])
def test_another_secret_or_seed_gives_other_inputs_and_other_request_texts(
        other: tuple[bytes, int]) -> None:
    course, kit = _draws(b"course"), _draws(*other)
    assert not torch.equal(course[0], kit[0]) and course[1] != kit[1]
    assert course[2] != kit[2] and "nonce" in course[2]  # a probe of no input: its nonce


def test_no_input_of_the_grader_exists_outside_a_grading_run() -> None:
    with pytest.raises(GraderError, match="outside a grading run"):
        grader_tensor(3, seed=1)


def test_a_courses_secret_is_made_once_whoever_asks_first(tmp_path: Path) -> None:
    found: list[bytes] = []
    threads = [threading.Thread(target=lambda: found.append(course_secret(tmp_path)))
               for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(found)) == 1 and len(found[0]) == 64
    assert (tmp_path / SECRET_FILE).stat().st_mode & 0o077 == 0  # the TA's alone
    assert [p.name for p in tmp_path.iterdir()] == [SECRET_FILE]


def test_the_environment_gives_the_secret_before_the_file(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    (tmp_path / SECRET_FILE).write_text("from the file\n")
    assert course_secret(tmp_path) == b"from the file"
    monkeypatch.setenv(SECRET_ENV, "from CI")
    assert course_secret(tmp_path) == b"from CI"


def test_a_course_that_cannot_hold_a_secret_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(GraderError, match=f"set \\${SECRET_ENV}"):
        course_secret(tmp_path / "not" / "there")


def test_reference_answers_of_one_secret_are_never_those_of_another(tmp_path: Path) -> None:
    notebook = tmp_path / "01.ipynb"
    notebook.write_text("{}")
    keys = {secret: ReferenceCache.notebook_key(notebook, 4242, "2", secret_digest(secret))
            for secret in (b"course", b"kit")}
    assert keys[b"course"] != keys[b"kit"]
    answers = tmp_path / "answers"
    answers.mkdir()
    (answers / SHIPPED_KEYS).write_text(json.dumps(
        {"seed": 4242, "secret": secret_digest(b"kit"), "notebooks": {"01.ipynb": "k"}}))
    shipped = ReferenceCache(answers)
    assert shipped.shipped_key("01.ipynb", 4242, secret_digest(b"kit")) == "k"
    with pytest.raises(GraderError, match="another secret"):
        shipped.shipped_key("01.ipynb", 4242, secret_digest(b"course"))
