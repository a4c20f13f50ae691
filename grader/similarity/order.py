"""One order for statements whose order does not matter, so that swapping them hides nothing.

Two statements of a block *conflict* when one writes a name the other reads or writes (a
method called as a statement, `losses.append(x)` or `W.grad.zero_()`, writes its object);
when one is a bare call kept for its effect (`loss.backward()`, `opt.step()`) and the other
looks at any attribute or calls anything (`backward()` changes `W.grad` without naming `W`);
or when either may leave the block (`return`, `raise`, `break`, `continue`). Two bare calls
that read the same once names are set aside (`W.grad.zero_()` and `b.grad.zero_()`) conflict
only by name: they are the same operation on two objects.

Statements that do not conflict can be swapped without changing what the block does, so the
block is put in one canonical order: the conflicts' order is kept, and among statements free
to go next, the one whose normalised text sorts first goes first (Kahn's algorithm with a
priority). Two blocks that differ only by swapping free statements get the same order.
This order is for comparing code, not for running it: a conflict missed costs a little
precision, never a grade.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

BLOCK_LIMIT = 300  # statements; a longer block keeps its own order (the pairs cost n²)
# Methods that change only the container they are called on.
CONTAINER_METHODS = frozenset({
    "append", "extend", "insert", "add", "update", "setdefault", "discard", "remove", "pop",
    "clear", "appendleft", "popleft"})


@dataclass(frozen=True)
class Effects:
    reads: frozenset[str]
    writes: frozenset[str]
    effectful: bool  # holds a bare call kept for its effect
    looks: bool  # reads an attribute, an item, or calls something
    exits: bool  # may leave the block: return, raise, break, continue


def canonical_order(keys: Sequence[str], statements: Sequence[ast.stmt]) -> list[int]:
    """The indices of `statements` in canonical order; `keys` are their normalised texts."""
    count = len(statements)
    if count < 2 or count > BLOCK_LIMIT:
        return list(range(count))
    effects = [statement_effects(s) for s in statements]
    waiting = [0] * count  # conflicting earlier statements not placed yet
    after: list[list[int]] = [[] for _ in range(count)]
    for later in range(count):
        for earlier in range(later):
            if _conflict(effects[earlier], effects[later], keys[earlier] == keys[later]):
                after[earlier].append(later)
                waiting[later] += 1
    free = [i for i in range(count) if waiting[i] == 0]
    order: list[int] = []
    while free:
        chosen = min(free, key=lambda i: (keys[i], i))
        free.remove(chosen)
        order.append(chosen)
        for later in after[chosen]:
            waiting[later] -= 1
            if waiting[later] == 0:
                free.append(later)
    return order


def statement_effects(statement: ast.stmt) -> Effects:
    reads: set[str] = set()
    writes: set[str] = set()
    effectful = looks = exits = False
    for node in _outside_definitions(statement):
        if isinstance(node, (ast.Return, ast.Raise, ast.Break, ast.Continue)):
            exits = True
        elif isinstance(node, ast.Name):
            (writes if isinstance(node.ctx, (ast.Store, ast.Del)) else reads).add(node.id)
        elif isinstance(node, (ast.Attribute, ast.Subscript)):
            looks = True
            if isinstance(node.ctx, (ast.Store, ast.Del)) and (base := _base(node)):
                writes.add(base)
                reads.add(base)
        elif isinstance(node, ast.Call):
            looks = True
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            # A call made for its effect changes what it is called on (`W.grad.zero_()`);
            # one whose value is used is read (`loss.item()`).
            call = node.value
            if isinstance(call.func, ast.Attribute) and (base := _base(call.func.value)):
                writes.add(base)
            effectful = effectful or not _container_call(call)
        elif isinstance(node, ast.AugAssign) and (base := _base(node.target)):
            reads.add(base)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            writes.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            writes.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return Effects(frozenset(reads), frozenset(writes), effectful, looks, exits)


def _conflict(a: Effects, b: Effects, same_text: bool) -> bool:
    if a.exits or b.exits or a.writes & (b.reads | b.writes) or b.writes & a.reads:
        return True
    return not same_text and ((a.effectful and b.looks) or (b.effectful and a.looks))


def _outside_definitions(statement: ast.stmt) -> Iterator[ast.AST]:
    """The statement's nodes, except the bodies of the functions and classes it defines:
    defining a function runs its decorators and defaults, not its body."""
    stack: list[ast.AST] = [statement]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            stack += [*node.decorator_list, *node.args.defaults,
                      *(d for d in node.args.kw_defaults if d is not None)]
        elif isinstance(node, ast.ClassDef):
            stack += [*node.decorator_list, *node.bases, *node.keywords]
        else:
            stack += ast.iter_child_nodes(node)


def _base(node: ast.AST) -> str | None:
    """`W` of `W.grad[0].data`."""
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _container_call(call: ast.Call) -> bool:
    return isinstance(call.func, ast.Attribute) and call.func.attr in CONTAINER_METHODS
