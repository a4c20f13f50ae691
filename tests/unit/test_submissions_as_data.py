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
    other_links = ["step"] if shape == "a link to a link" else []  # every link is named
    assert flags["m"] == [f"`{name}` is a link: not graded. The grader never follows a link "
                          "(it could lead to anyone's files): submit the files themselves"
                          for name in (part, *other_links)]
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


LINK_MESSAGE = ("`{}` is a link: not graded. The grader never follows a link (it could lead to "
                "anyone's files): submit the files themselves")


def test_a_student_folder_that_links_nowhere_or_to_itself_is_a_student_not_a_crash(
        course: Path) -> None:
    """Attacked: the batch, whose look for student folders followed every link (a loop
    raised ELOOP out of it: no student graded) and left out a dangling one silently."""
    submissions = course / "submissions"
    _student(submissions, "alice", b"alice's work")
    (submissions / "loop").symlink_to("loop")
    (submissions / "ring-a").symlink_to("ring-b")
    (submissions / "ring-b").symlink_to("ring-a")
    (submissions / "dangling").symlink_to(course / "gone")
    students = {s.name: s for s in find_students(submissions)}
    assert sorted(students) == ["alice", "dangling", "loop", "ring-a", "ring-b"]
    flags = class_flags(list(students.values()), [NOTEBOOK], course / "solutions")
    for name in ("dangling", "loop", "ring-a", "ring-b"):
        assert students[name].link == name
        assert student_notebook(students[name], NOTEBOOK).kind == LINK
        assert flags[name] == [LINK_MESSAGE.format(name)]
    assert flags["alice"] == []


def test_a_link_deep_in_a_cloned_repository_is_named_and_its_git_store_is_not_walked(
        course: Path) -> None:
    submissions = course / "submissions"
    repo = submissions / "m" / "assignments"
    (repo / "lab" / "data").mkdir(parents=True)
    (repo / NOTEBOOK).write_bytes(b"mine")
    (repo / "lab" / "data" / "answers").symlink_to(course / "solutions")
    (repo / "lab" / "old.ipynb").symlink_to(Path("..") / ".." / ".." / "other" / NOTEBOOK)
    (submissions / "m" / ".git").mkdir()
    (submissions / "m" / ".git" / "HEAD").symlink_to("refs/heads/main")
    (student,) = find_students(submissions)
    assert student_notebook(student, NOTEBOOK).content == b"mine"
    flags = class_flags([student], [NOTEBOOK], course / "solutions")
    assert flags["m"] == [LINK_MESSAGE.format("assignments/lab/data/answers"),
                          LINK_MESSAGE.format("assignments/lab/old.ipynb")]


def test_a_notebook_handed_in_as_a_copy_is_flagged_as_a_link_or_a_hard_link_as_it_is_graded(
        course: Path) -> None:
    """Attacked: the flags, which looked at the assignment's exact name only, while the
    grading takes `02_x (1).ipynb` for 02_x.ipynb."""
    submissions = course / "submissions"
    copy = NOTEBOOK.replace(".ipynb", " (1).ipynb")
    (submissions / "h").mkdir()
    os.link(course / "solutions" / NOTEBOOK, submissions / "h" / copy)
    (submissions / "s").mkdir()
    (submissions / "s" / copy).symlink_to(course / "solutions" / NOTEBOOK)
    flags = class_flags(find_students(submissions), [NOTEBOOK], course / "solutions")
    assert flags["h"] == [f"`{copy}` is the same file as the reference solution `{NOTEBOOK}` "
                          "(a hard link): graded, but look at where it came from"]
    assert flags["s"] == [LINK_MESSAGE.format(copy)]


def test_a_submission_walk_is_bounded_in_depth_and_size(course: Path) -> None:
    from grader.submissions.unfollowed import CUT, WALK_DEPTH

    deep = course / "deep"
    (deep / "/".join(["d"] * (WALK_DEPTH + 5)) / "x").mkdir(parents=True)
    walked = list(walk(deep))
    assert walked[-1][1].kind == CUT and walked[-1][0].count("/") == WALK_DEPTH
    wide = course / "wide"
    wide.mkdir()
    for number in range(30):
        (wide / f"f{number:02}").write_bytes(b"")
    import grader.submissions.unfollowed as unfollowed

    limit, unfollowed.WALK_ENTRIES = unfollowed.WALK_ENTRIES, 10
    try:
        walked = list(walk(wide))
    finally:
        unfollowed.WALK_ENTRIES = limit
    assert [kind for _, found in walked for kind in [found.kind]] == [FILE] * 10 + [CUT]


RAW_NAMES = [b"alice", b"Alice", b"alice\xe2\x80\x8b", b"alice ", b"\xef\xbd\x81lice",
             b"caf\xe9", b"caf\\xe9", b"line\nbreak", b"line break", b"\x1b[31mred",
             b"\xe2\x80\xaered", b"\t=1", b" =1", b"\xff" * 250]


def test_every_student_folder_gets_a_name_of_its_own_that_shows_what_it_holds(
        tmp_path: Path) -> None:
    """Attacked: the records and the gradebook, where two folders could get one name (a
    byte that is not UTF-8 shown as `\\xe9`, and a folder named with those four characters,
    shared a record folder; zero-width, bidi and escape characters were removed)."""
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    for raw in RAW_NAMES:
        os.mkdir(os.fsencode(submissions) + b"/" + raw)
    students = find_students(submissions)
    names = [s.name for s in students]
    assert len(set(names)) == len(RAW_NAMES) == len(names)
    assert all(name.isprintable() and name == name.strip() and len(name.encode()) <= 200
               for name in names), names
    assert {"alice\\u200b", "caf\\xe9", "caf\\\\xe9", "line\\x0abreak", "\\x1b[31mred",
            "\\u202ered", "\\x09=1", "\\x20=1", "alice\\x20"} <= set(names)


def test_folders_whose_names_read_alike_are_flagged_both(tmp_path: Path) -> None:
    submissions = tmp_path / "submissions"
    for raw in (b"alice", b"ALICE", b"alice\xe2\x80\x8b", b"\xef\xbd\x81lice", b"bob"):
        (submissions / os.fsdecode(raw)).mkdir(parents=True)
    flags = class_flags(find_students(submissions), [NOTEBOOK], tmp_path)
    assert flags["bob"] == []
    assert flags["alice"] == ["its folder's name looks like `ALICE`, `alice\\u200b`, `ａlice`, "
                              "another student's: check which submission is whose"]
    assert len(flags["alice\\u200b"]) == 1
