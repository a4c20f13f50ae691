"""Code as a sequence of tokens that hides nothing a copier changes cheaply.

The tokens are the syntax tree's, written out node by node (as Dolos does with tree-sitter),
so spacing, parentheses, comments and line breaks are gone. Then:

- every identifier the code chose is `V` (renaming hides nothing); attribute, method and
  keyword-argument names stay (`.backward`, `.zero_`, `requires_grad=`: they carry the
  method), and so do builtins called by name (`range(`, `len(`), keywords and operators;
- numbers are `N`, strings and f-strings `S`, and a list, tuple, set or dict of nothing but
  constants is `D`, data whatever its size (`[[1.0], [2.0], [3.0]]`: the assignment's data,
  typed from its text, is nobody's code);
- statements that compute nothing are left out: `print(...)` and `display(...)` calls, bare
  names and strings (a notebook's displays, docstrings), `pass`, `assert`;
- operands of `+`, `*`, `&`, `|`, `^`, `and`, `or` are sorted (`lr * W.grad` is
  `W.grad * lr`), keyword arguments too;
- the statements of every block are put in one canonical order (order.py).

Each token carries the line it comes from, so that a match can be shown in the source.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Sequence
from dataclasses import dataclass

from grader.similarity.order import canonical_order

BUILTINS = frozenset(name for name in dir(builtins) if not name.startswith("_"))
DISPLAYS = frozenset({"print", "display", "pprint"})
COMMUTATIVE = (ast.Add, ast.Mult, ast.BitOr, ast.BitAnd, ast.BitXor)
NAME, NUMBER, STRING, DATA = "V", "N", "S", "D"


@dataclass(frozen=True)
class Token:
    text: str
    line: int  # in the source the tokens were made from, 1-based


def block_tokens(statements: Sequence[ast.stmt]) -> list[Token]:
    """The tokens of a block of statements (padding left out, canonical order)."""
    return _Writer().block(statements)


def is_padding(statement: ast.stmt) -> bool:
    """Computes nothing: a display, a bare value, a docstring, `pass`, `assert`."""
    if isinstance(statement, (ast.Pass, ast.Assert)):
        return True
    if not isinstance(statement, ast.Expr):
        return False
    value = statement.value
    if isinstance(value, ast.Call):
        func = value.func
        name = func.id if isinstance(func, ast.Name) else \
            func.attr if isinstance(func, ast.Attribute) else None
        return name in DISPLAYS
    return not isinstance(value, (ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr))


class _Writer:
    def block(self, statements: Sequence[ast.stmt]) -> list[Token]:
        kept = [s for s in statements if not is_padding(s)]
        parts = [self.node(s, s.lineno) for s in kept]
        keys = [" ".join(t.text for t in part) for part in parts]
        return [token for index in canonical_order(keys, kept) for token in parts[index]]

    def node(self, node: ast.AST, line: int) -> list[Token]:
        line = getattr(node, "lineno", line)
        write = getattr(self, f"_{type(node).__name__}", None)
        if write is not None:
            return write(node, line)
        return [Token(type(node).__name__, line), *self.children(node, line)]

    def children(self, node: ast.AST, line: int) -> list[Token]:
        tokens: list[Token] = []
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, (ast.expr_context, ast.operator, ast.boolop, ast.unaryop,
                                      ast.cmpop)):
                tokens += self.node(child, line)
        return tokens

    def many(self, nodes: Sequence[ast.AST | None], line: int) -> list[Token]:
        return [t for node in nodes if node is not None for t in self.node(node, line)]

    def body(self, head: str, parts: list[Token], line: int, *blocks: Sequence[ast.stmt]
             ) -> list[Token]:
        tokens = [Token(head, line), *parts]
        for index, block in enumerate(blocks):
            if block:
                tokens += ([Token("else", line)] if index else []) + self.block(block)
        return [*tokens, Token("end", line)]

    # Names and values.
    def _Name(self, node: ast.Name, line: int) -> list[Token]:
        return [Token(NAME, line)]

    def _Constant(self, node: ast.Constant, line: int) -> list[Token]:
        value = node.value
        if isinstance(value, (str, bytes)):
            return [Token(STRING, line)]
        if isinstance(value, (bool, type(None), type(...))):
            return [Token(repr(value), line)]
        return [Token(NUMBER, line)]

    def _JoinedStr(self, node: ast.JoinedStr, line: int) -> list[Token]:
        return [Token(STRING, line)]

    def _List(self, node: ast.List | ast.Tuple | ast.Set, line: int) -> list[Token]:
        if _is_data(node):
            return [Token(DATA, line)]
        return [Token(type(node).__name__, line), *self.many(node.elts, line)]

    _Tuple = _Set = _List

    def _Dict(self, node: ast.Dict, line: int) -> list[Token]:
        if _is_data(node):
            return [Token(DATA, line)]
        return [Token("Dict", line), *self.children(node, line)]

    def _Attribute(self, node: ast.Attribute, line: int) -> list[Token]:
        return [Token(f".{node.attr}", line), *self.node(node.value, line)]

    def _Call(self, node: ast.Call, line: int) -> list[Token]:
        func = node.func
        called = [Token(f"{func.id}(", line)] if isinstance(func, ast.Name) and \
            func.id in BUILTINS else [Token("call", line), *self.node(func, line)]
        keywords = sorted(node.keywords, key=lambda k: k.arg or "")
        return [*called, *self.many(node.args, line), *self.many(keywords, line),
                Token(")", line)]

    def _keyword(self, node: ast.keyword, line: int) -> list[Token]:
        return [Token(f"{node.arg or '**'}=", line), *self.node(node.value, line)]

    # Operators.
    def _BinOp(self, node: ast.BinOp, line: int) -> list[Token]:
        op = type(node.op).__name__
        if not isinstance(node.op, COMMUTATIVE):
            return [Token(op, line), *self.node(node.left, line), *self.node(node.right, line)]
        operands = self.sorted_operands(_flatten(node, type(node.op)), line)
        return [Token(f"{op}{len(operands)}", line), *(t for part in operands for t in part)]

    def _BoolOp(self, node: ast.BoolOp, line: int) -> list[Token]:
        operands = self.sorted_operands(node.values, line)
        op = type(node.op).__name__
        return [Token(f"{op}{len(operands)}", line), *(t for part in operands for t in part)]

    def sorted_operands(self, operands: Sequence[ast.expr], line: int) -> list[list[Token]]:
        parts = [self.node(operand, line) for operand in operands]
        return sorted(parts, key=lambda part: [t.text for t in part])

    def _UnaryOp(self, node: ast.UnaryOp, line: int) -> list[Token]:
        return [Token(type(node.op).__name__, line), *self.node(node.operand, line)]

    def _Compare(self, node: ast.Compare, line: int) -> list[Token]:
        ops = [Token(type(op).__name__, line) for op in node.ops]
        return [*ops, *self.node(node.left, line), *self.many(node.comparators, line)]

    # Statements.
    def _Assign(self, node: ast.Assign, line: int) -> list[Token]:
        return [Token("=", line), *self.many(node.targets, line), *self.node(node.value, line)]

    def _AnnAssign(self, node: ast.AnnAssign, line: int) -> list[Token]:
        return [Token("=", line), *self.node(node.target, line), *self.many([node.value], line)]

    def _AugAssign(self, node: ast.AugAssign, line: int) -> list[Token]:
        return [Token(f"{type(node.op).__name__}=", line), *self.node(node.target, line),
                *self.node(node.value, line)]

    def _Expr(self, node: ast.Expr, line: int) -> list[Token]:
        return self.node(node.value, line)

    def _Return(self, node: ast.Return, line: int) -> list[Token]:
        return [Token("return", line), *self.many([node.value], line)]

    def _For(self, node: ast.For, line: int) -> list[Token]:
        head = [*self.node(node.target, line), *self.node(node.iter, line)]
        return self.body("for", head, line, node.body, node.orelse)

    _AsyncFor = _For

    def _While(self, node: ast.While, line: int) -> list[Token]:
        return self.body("while", self.node(node.test, line), line, node.body, node.orelse)

    def _If(self, node: ast.If, line: int) -> list[Token]:
        return self.body("if", self.node(node.test, line), line, node.body, node.orelse)

    def _With(self, node: ast.With, line: int) -> list[Token]:
        return self.body("with", self.many(node.items, line), line, node.body)

    _AsyncWith = _With

    def _Try(self, node: ast.Try, line: int) -> list[Token]:
        tokens = [Token("try", line), *self.block(node.body)]
        for handler in node.handlers:
            tokens += self.body("except", self.many([handler.type], handler.lineno),
                                handler.lineno, handler.body)
        for head, block in (("else", node.orelse), ("finally", node.finalbody)):
            if block:
                tokens += [Token(head, line), *self.block(block)]
        return [*tokens, Token("end", line)]

    _TryStar = _Try

    def _FunctionDef(self, node: ast.FunctionDef, line: int) -> list[Token]:
        args = node.args
        head = [Token(f"args{len(args.posonlyargs) + len(args.args)}", line),
                *self.many([*args.defaults, *args.kw_defaults], line),
                *self.many(node.decorator_list, line)]
        return self.body("def", head, line, node.body)

    _AsyncFunctionDef = _FunctionDef

    def _Import(self, node: ast.Import, line: int) -> list[Token]:
        return [Token(f"import {alias.name}", line) for alias in node.names]

    def _ImportFrom(self, node: ast.ImportFrom, line: int) -> list[Token]:
        return [Token(f"from {node.module} import {alias.name}", line) for alias in node.names]


def _flatten(node: ast.expr, op: type) -> list[ast.expr]:
    """`a + b + c` as its three operands, however it is bracketed."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, op):
        return [*_flatten(node.left, op), *_flatten(node.right, op)]
    return [node]


def _is_data(node: ast.AST) -> bool:
    """A constant, or a container of nothing but constants (`[[1.0], [-2.0]]`)."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return _is_data(node.operand)
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return all(_is_data(element) for element in node.elts)
    if isinstance(node, ast.Dict):
        return all(k is not None and _is_data(k) and _is_data(v)
                   for k, v in zip(node.keys, node.values, strict=True))
    return False
