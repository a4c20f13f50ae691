"""Which names a cell defines or changes, read from its source (never by running it)."""

from __future__ import annotations

import ast
import re

_MAGIC = re.compile(r"^\s*[%!?]")
_SIMPLE_ASSIGN = re.compile(r"^\s*([A-Za-z_]\w*)\s*(?:[-+*/@]?=)(?!=)", re.MULTILINE)


def names_bound(source: str) -> set[str]:
    """Names a cell assigns, augments, mutates through an attribute or item, defines or imports.

    Function and class bodies are not entered: their names are local.
    """
    code = "\n".join("" if _MAGIC.match(line) else line for line in source.splitlines())
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set(_SIMPLE_ASSIGN.findall(code))
    found: set[str] = set()
    _collect(tree.body, found)
    return found


def _collect(statements: list[ast.stmt], found: set[str]) -> None:
    for node in statements:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(node.name)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.update((a.asname or a.name).split(".")[0] for a in node.names)
            continue
        for child in ast.walk(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                found.add(child.name)
            elif isinstance(child, (ast.Name, ast.Attribute, ast.Subscript)) and isinstance(
                getattr(child, "ctx", None), (ast.Store, ast.Del)
            ):
                root = _root_name(child)
                if root:
                    found.add(root)


def _root_name(node: ast.expr) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None
