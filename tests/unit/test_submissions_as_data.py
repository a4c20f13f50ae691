"""Submissions are data: no link below the submissions folder is followed, whatever its shape,
and two students whose notebook is one file are both flagged (grader/submissions/unfollowed.py,
students.py, flags.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from grader.batch.flags import class_flags
from grader.submissions.students import find_students
from grader.submissions.submitted import FILE, LINK, SPECIAL, lay_out, student_notebook
from grader.submissions.unfollowed import look, walk

NOTEBOOK = "02_training_loop.ipynb"
SECRET_BYTES = b'{"the": "solution"}'


@pytest.fixture
def course(tmp_path: Path) -> Path:
    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / NOTEBOOK).write_bytes(SECRET_BYTES)
    (tmp_path / "submissions").mkdir()
    return tmp_path


def _student(submissions: Path, name: str, content: bytes = b"{}") -> Path:
    folder = submissions / name
    folder.mkdir(parents=True)
    (folder / NOTEBOOK).write_bytes(content)
    return folder


LINK_SHAPES = {
    # name -> how the student's submission links elsewhere (relative or absolute, file or
    # folder, one level down or three), and the part that is reported as the link
    "notebook to the solution": (lambda s, c: (s / "m" / NOTEBOOK).symlink_to(
        c / "solutions" / NOTEBOOK), NOTEBOOK),
    "relative notebook link": (lambda s, c: (s / "m" / NOTEBOOK).symlink_to(
        Path("..") / ".." / "solutions" / NOTEBOOK), NOTEBOOK),
    "link to a classmate's notebook": (lambda s, c: (s / "m" / NOTEBOOK).symlink_to(
        s / "honest" / NOTEBOOK), NOTEBOOK),
    "link to a notebook of one's own": (lambda s, c: (
        (s / "m" / "mine.ipynb").write_bytes(b"{}"),
        (s / "m" / NOTEBOOK).symlink_to("mine.ipynb")), NOTEBOOK),
    "assignments linked to the solutions": (lambda s, c: (s / "m" / "assignments").symlink_to(
        Path("..") / ".." / "solutions"), "assignments"),
    "assignments linked to a classmate": (lambda s, c: (s / "m" / "assignments").symlink_to(
        s / "honest"), "assignments"),
    "a dangling link": (lambda s, c: (s / "m" / NOTEBOOK).symlink_to("nowhere"), NOTEBOOK),
    "a link to a link": (lambda s, c: (
        (s / "m" / "step").symlink_to(c / "solutions" / NOTEBOOK),
        (s / "m" / NOTEBOOK).symlink_to("step")), NOTEBOOK),
}


@pytest.mark.parametrize("shape", sorted(LINK_SHAPES))
def test_a_link_in_a_students_folder_is_reported_never_followed(course: Path, shape: str
                                                                ) -> None:
    submissions = course / "submissions"
    _student(submissions, "honest", b"honest work")
    (submissions / "m").mkdir()
    make, part = LINK_SHAPES[shape]
    make(submissions, course)
    students = {s.name: s for s in find_students(submissions)}
    found = student_notebook(students["m"], NOTEBOOK)
    assert (found.kind, found.content) == (LINK, b"")
    assert (students["m"].link or found.link) == part
    flags = class_flags(list(students.values()), [NOTEBOOK], course / "solutions")
    assert flags["m"] == [f"`{part}` is a link: not graded. The grader never follows a link "
                          "(it could lead to anyone's files): submit the files themselves"]
    assert flags["honest"] == []


def test_a_student_folder_that_is_a_link_is_a_student_with_nothing_read(course: Path) -> None:
    submissions = course / "submissions"
    _student(submissions, "alice", b"alice's work")
    (submissions / "mallory").symlink_to(submissions / "alice")
    (submissions / "notes.txt").symlink_to(course / "solutions" / NOTEBOOK)  # not a folder
    students = {s.name: s for s in find_students(submissions)}
    assert sorted(students) == ["alice", "mallory"]
    assert students["mallory"].link == "mallory"
    assert student_notebook(students["mallory"], NOTEBOOK).kind == LINK
    assert student_notebook(students["alice"], NOTEBOOK).content == b"alice's work"


def test_a_folder_replaced_by_a_link_after_it_was_found_is_still_not_followed(course: Path
                                                                               ) -> None:
    submissions = course / "submissions"
    folder = _student(submissions / "m", "assignments")
    (students,) = find_students(submissions)
    assert students.notebooks == folder
    os.rename(folder, submissions / "m" / "old")
    folder.symlink_to(course / "solutions")  # swapped for a link between finding and reading
    assert student_notebook(students, NOTEBOOK).kind == LINK


def test_a_fifo_is_looked_at_but_never_opened(course: Path) -> None:
    os.mkfifo(course / "submissions" / NOTEBOOK)
    assert look(course / "submissions", NOTEBOOK, read=100).kind == SPECIAL


def test_the_walk_yields_links_and_never_enters_a_linked_folder(course: Path) -> None:
    root = course / "submission"
    (root / "deep" / "deeper").mkdir(parents=True)
    (root / "deep" / "deeper" / NOTEBOOK).write_bytes(b"mine")
    (root / "deep" / "answers").symlink_to(course / "solutions")
    (root / "copy.ipynb").symlink_to(course / "solutions" / NOTEBOOK)
    walked = dict(walk(root))
    assert sorted(walked) == ["copy.ipynb", "deep/answers", f"deep/deeper/{NOTEBOOK}"]
    assert walked["deep/answers"].kind == walked["copy.ipynb"].kind == LINK
    assert walked[f"deep/deeper/{NOTEBOOK}"].kind == FILE


def test_students_whose_notebooks_are_one_file_are_flagged_both_and_so_is_the_solution(
        course: Path) -> None:
    submissions = course / "submissions"
    _student(submissions, "alice", b"shared")
    (submissions / "bob").mkdir()
    os.link(submissions / "alice" / NOTEBOOK, submissions / "bob" / NOTEBOOK)
    (submissions / "carol" / "assignments").mkdir(parents=True)
    os.link(course / "solutions" / NOTEBOOK, submissions / "carol" / "assignments" / NOTEBOOK)
    _student(submissions, "dave", b"shared")  # the same bytes, another file: not flagged
    flags = class_flags(find_students(submissions), [NOTEBOOK], course / "solutions")
    assert flags["alice"] == [f"`{NOTEBOOK}` is the same file as bob's `{NOTEBOOK}` (a hard "
                              "link): graded, but look at where it came from"]
    assert flags["bob"] == [f"`{NOTEBOOK}` is the same file as alice's `{NOTEBOOK}` (a hard "
                            "link): graded, but look at where it came from"]
    assert flags["carol"] == [f"`{NOTEBOOK}` is the same file as the reference solution "
                              f"`{NOTEBOOK}` (a hard link): graded, but look at where it came "
                              "from"]
    assert flags["dave"] == []


def test_a_link_laid_out_on_a_cluster_worker_is_refused_there_as_a_link(course: Path) -> None:
    submissions = course / "submissions"
    (submissions / "m").mkdir()
    (submissions / "m" / NOTEBOOK).symlink_to(course / "solutions" / NOTEBOOK)
    (student,) = find_students(submissions)
    found = student_notebook(student, NOTEBOOK)
    worker = course / "worker"
    worker.mkdir()
    lay_out(found, worker)
    assert look(worker, NOTEBOOK, read=100).kind == LINK
    assert not (worker / NOTEBOOK).exists()  # a link to nothing: no file of anyone's
