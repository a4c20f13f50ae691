"""A student's own code (own_code.py) as blocks of tokens (tokens.py): each run of statements
they wrote in one place (a blank, a cell of their own), cell after cell.

Each cell is parsed whole, so that a line the student wrote is read in its context (the body of
a function the template gave); the statements they wrote are kept: a statement whose first
line is theirs is theirs whole, and inside a given `def`, `for` or `with` only their own
statements count. A cell that does not parse (a syntax error, half-written code) is read in
pieces: as far as each run of the student's lines parses, the line the parser stops at as
plain tokens (identifiers as `V`, numbers as `N`, strings as `S`, the rest as written), and on.
IPython's `%magic`, `!shell` and `name?` lines are left out.
"""

from __future__ import annotations

import ast
import bisect
import keyword
import re
import textwrap
from dataclasses import dataclass

from grader.similarity.own_code import OwnCode
from grader.similarity.tokens import BUILTINS, NAME, NUMBER, STRING, Token, block_tokens

TOKEN_LIMIT = 20_000  # tokens of one student's code for one assignment
_MAGIC = re.compile(r"^\s*(?:[%!]|[\w.]+\?{1,2}\s*$)")  # %magic, !shell, help?
_PLAIN = re.compile(r"""(?P<name>[^\W\d]\w*)|(?P<number>\d[\w.]*)|(?P<comment>\#.*)
                        |(?P<string>[rRbBuUfF]{0,2}(?:'[^'\n]*'?|"[^"\n]*"?))|(?P<op>\S)""",
                    re.VERBOSE)


@dataclass(frozen=True)
class Located:
    """A token of a program, and where it comes from."""

    text: str
    cell: int  # index in OwnCode.cells
    line: int  # line in that cell's source, 1-based


def program_blocks(code: OwnCode) -> list[list[Located]]:
    """The tokens of each block of the student's code: each run of statements they wrote in
    one place (a blank, a cell of their own)."""
    blocks: list[list[Located]] = []
    budget = TOKEN_LIMIT
    for index, cell in enumerate(code.cells):
        for block in cell_blocks(cell.source, set(cell.own_lines())):
            if block and budget > 0:
                blocks.append([Located(t.text, index, t.line) for t in block[:budget]])
                budget -= len(block)
    return blocks


def cell_blocks(source: str, own: set[int]) -> list[list[Token]]:
    lines = ["" if _MAGIC.search(line) else line for line in source.split("\n")]
    try:
        module = ast.parse("\n".join(lines))
        return [block_tokens(block) for block in own_blocks(module.body, own)]
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return _in_pieces(lines, own)


def own_blocks(body: list[ast.stmt], own: set[int]) -> list[list[ast.stmt]]:
    """The student's statements of `body`, as blocks of statements of one body, in order."""
    lines = sorted(own)
    blocks: list[list[ast.stmt]] = []
    current: list[ast.stmt] = []
    for statement in body:
        first = min([statement.lineno, *(d.lineno for d in
                                         getattr(statement, "decorator_list", []))])
        last = statement.end_lineno or statement.lineno
        if not _any_between(lines, first, last):
            continue
        inner = _blocks_of(statement)
        header_end = min((block[0].lineno for block in inner if block), default=last + 1)
        if inner and not _any_between(lines, first, header_end - 1):
            if current:
                blocks.append(current)
                current = []
            for block in inner:
                blocks += own_blocks(block, own)
        else:
            current.append(statement)
    return [*blocks, current] if current else blocks


def _any_between(lines: list[int], first: int, last: int) -> bool:
    """Whether sorted `lines` hold a line from first to last, inclusive."""
    index = bisect.bisect_left(lines, first)
    return index < len(lines) and lines[index] <= last


def _blocks_of(statement: ast.stmt) -> list[list[ast.stmt]]:
    blocks = [getattr(statement, field, None) for field in ("body", "orelse", "finalbody")]
    blocks += [handler.body for handler in getattr(statement, "handlers", [])]
    blocks += [case.body for case in getattr(statement, "cases", [])]
    return [block for block in blocks if isinstance(block, list) and block
            and isinstance(block[0], ast.stmt)]


def _in_pieces(lines: list[str], own: set[int]) -> list[list[Token]]:
    """Each run of the student's lines (blank lines bridged) as far as it parses; a line the
    parser stops at is read by spelling, and reading goes on after it."""
    blocks: list[list[Token]] = []
    blank = {n for n, line in enumerate(lines, start=1) if not line.strip()}
    for run in _runs(sorted(own | blank)):
        if own.intersection(run):
            blocks += _parsed_run([n for n in run if n <= len(lines)], lines)
    return blocks


def _parsed_run(numbers: list[int], lines: list[str]) -> list[list[Token]]:
    blocks: list[list[Token]] = []
    start = 0
    while start < len(numbers):
        rest = numbers[start:]
        parsed, stop = _parse(rest, lines)
        if parsed is not None:
            blocks.append(parsed)
            break
        # Read what parses before the line the parser stopped at, that line by spelling.
        before = rest[:stop]
        if before:
            prefix, _ = _parse(before, lines)
            blocks.append(prefix if prefix is not None else [
                t for n in before for t in plain_tokens(lines[n - 1], n)])
        blocks.append(plain_tokens(lines[rest[stop] - 1], rest[stop]))
        start += stop + 1
    return [block for block in blocks if block]


def _parse(numbers: list[int], lines: list[str]) -> tuple[list[Token] | None, int]:
    """The tokens of these lines if they parse (dedented); else None and the index of the
    line the parser stopped at."""
    text = textwrap.dedent("\n".join(lines[n - 1] for n in numbers))
    try:
        read = block_tokens(ast.parse(text).body)
    except SyntaxError as error:
        return None, min(max((error.lineno or 1) - 1, 0), len(numbers) - 1)
    except (ValueError, RecursionError, MemoryError):
        return None, 0
    offset = numbers[0] - 1
    return [Token(t.text, t.line + offset) for t in read], 0


def plain_tokens(line: str, number: int) -> list[Token]:
    """Tokens of a line that does not parse: by spelling only."""
    tokens: list[Token] = []
    for match in _PLAIN.finditer(line):
        kind, text = match.lastgroup, match.group()
        if kind == "comment":
            continue
        if kind == "name":
            called = line[match.end():].lstrip().startswith("(")
            text = text if keyword.iskeyword(text) else \
                f"{text}(" if called and text in BUILTINS else NAME
        elif kind == "number":
            text = NUMBER
        elif kind == "string":
            text = STRING
        tokens.append(Token(text, number))
    return tokens


def _runs(lines: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for line in lines:
        if runs and runs[-1][-1] == line - 1:
            runs[-1].append(line)
        else:
            runs.append([line])
    return runs
