"""Which names a cell defines or changes, read from its source (never by running it).

A cell *defines* a name when it gives it a value of its own: `x = ...`, `def x`, `import x`,
`for x in ...`, `with ... as x`. It only *changes* a name when it updates an existing value:
`x -= ...`, `x.data = ...`, `x[0] = ...`, `del x`. A cell that only changes `weight` (a
training loop) cannot be why `weight` is missing: the cell that defines it is.
"""

from __future__ import annotations

import ast
import functools
import re

_MAGIC = re.compile(r"^\s*[%!?]")
_SIMPLE_ASSIGN = re.compile(r"^\s*([A-Za-z_]\w*)\s*=(?!=)", re.MULTILINE)
_SIMPLE_CHANGE = re.compile(r"^\s*([A-Za-z_]\w*)\s*(?:[-+*/@]=|[.\[])", re.MULTILINE)


def names_bound(source: str) -> frozenset[str]:
    """Names a cell defines or changes (function and class bodies are not entered)."""
    defined, changed = _scan(source)
    return defined | changed


def names_defined(source: str) -> frozenset[str]:
    """Names a cell gives a value of its own (assigns, defines, imports, loops over)."""
    return _scan(source)[0]


@functools.lru_cache(maxsize=1024)  # a cell is read once per name the tests ask about
def _scan(source: str) -> tuple[frozenset[str], frozenset[str]]:
    code = "\n".join("" if _MAGIC.match(line) else line for line in source.splitlines())
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return frozenset(_SIMPLE_ASSIGN.findall(code)), frozenset(_SIMPLE_CHANGE.findall(code))
    defined: set[str] = set()
    changed: set[str] = set()
    _collect(tree.body, defined, changed)
    return frozenset(defined), frozenset(changed - defined)


def _collect(statements: list[ast.stmt], defined: set[str], changed: set[str]) -> None:
    for node in statements:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            defined.update((a.asname or a.name).split(".")[0] for a in node.names)
            continue
        for child in ast.walk(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                defined.add(child.name)
            elif isinstance(child, ast.AugAssign):
                root = _root_name(child.target)
                if root:
                    changed.add(root)
            elif isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
                if not _augmented(node, child):
                    defined.add(child.id)
            elif isinstance(child, (ast.Attribute, ast.Subscript, ast.Name)) and isinstance(
                getattr(child, "ctx", None), (ast.Store, ast.Del)
            ):
                root = _root_name(child)
                if root:
                    changed.add(root)


def _augmented(statement: ast.stmt, name: ast.Name) -> bool:
    """Whether `name` is the target of an augmented assignment (x -= ...) in `statement`."""
    return any(isinstance(n, ast.AugAssign) and n.target is name for n in ast.walk(statement))


def _root_name(node: ast.expr) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None
