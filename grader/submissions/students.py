"""Find the students in a submissions folder, and where each one's notebooks are.

Nothing below the submissions folder is followed if it is a link: a student folder that is a
link (to a classmate's folder, to the solutions, to nothing, to itself), or whose `assignments`
is one, is a student whose submission is not graded, and the record says which part is a link.
"""

from __future__ import annotations

import hashlib
import os
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

INNER = "assignments"  # a cloned repository's notebooks folder
NAME_BYTES = 200  # of a name as shown, at most: it names the student's folder of the output


@dataclass(frozen=True)
class Student:
    name: str
    notebooks: Path  # the folder holding the student's .ipynb files
    root: Path | None = None  # the submissions folder: every level below it is the student's
    link: str = ""  # the part of the student's folder that is a link: nothing is graded

    @property
    def folder(self) -> Path:
        """The student's own folder (the notebooks', or the one above its `assignments`)."""
        if self.root is None:
            return self.notebooks
        return self.root / self.notebooks.relative_to(self.root).parts[0]


def find_students(submissions: Path) -> list[Student]:
    """One student per sub-folder: the notebooks directly, or a cloned repo with assignments/.
    A sub-folder that is a link is a student too, never graded: a link to a folder, and a
    link that leads nowhere (dangling, or a loop), which may have been meant as one; a link
    to a file is a file, no student."""
    students = []
    with os.scandir(submissions) as entries:
        folders = sorted((e.name, e.is_symlink()) for e in entries
                         if not e.name.startswith(".") and _is_student(e))
    for name, is_link in folders:
        folder = submissions / name
        shown = student_name(folder)
        if is_link:
            students.append(Student(shown, folder, submissions, link=shown))
            continue
        inner = folder / INNER
        try:
            kind = os.lstat(inner)
        except (FileNotFoundError, NotADirectoryError):
            students.append(Student(shown, folder, submissions))
            continue
        if stat.S_ISLNK(kind.st_mode):
            students.append(Student(shown, folder, submissions, link=INNER))
        elif stat.S_ISDIR(kind.st_mode):
            students.append(Student(shown, inner, submissions))
        else:
            students.append(Student(shown, folder, submissions))
    return students


def _is_student(entry: os.DirEntry[str]) -> bool:
    if entry.is_dir(follow_symlinks=False):
        return True
    if not entry.is_symlink():
        return False
    try:  # where the link leads is looked at only to tell a linked file from the rest
        return not stat.S_ISREG(os.stat(entry.path).st_mode)
    except OSError:  # dangling, a loop, or not ours to look at: never a file
        return True


def student_name(folder: Path) -> str:
    """The folder's name as text that any file can hold and a person can tell apart from
    every other folder's: bytes that are not UTF-8 (a name from an archive) are written
    `\\xNN`, characters that show as nothing or move the text (control characters, escape
    sequences, zero-width and bidi characters, line breaks, white space other than a space,
    a space at either end) as `\\xNN` or `\\uNNNN`, and a backslash as two, so that no two
    folders get one name (`alice` and `alice\\u200b` are two students, and so are a folder
    named `caf\\xe9` and one whose name is that byte). A name longer than a folder of the
    output may be is cut, a digest of the whole kept at its end."""
    raw = os.fsencode(folder.name)
    text = raw.replace(b"\\", b"\\\\").decode("utf-8", errors="backslashreplace")
    last = len(text) - 1
    shown = "".join(_visible(char, index in (0, last)) for index, char in enumerate(text))
    if len(shown.encode()) <= NAME_BYTES:
        return shown
    digest = hashlib.sha256(raw).hexdigest()[:12]
    cut = shown.encode()[:NAME_BYTES - len(digest) - 3].decode("utf-8", errors="ignore")
    return f"{cut}…{digest}"


def _visible(char: str, at_an_end: bool) -> str:
    kind = unicodedata.category(char)
    if (char == " " and not at_an_end) or kind[0] not in "CZ":
        return char
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 \
        else f"\\U{code:08x}"
