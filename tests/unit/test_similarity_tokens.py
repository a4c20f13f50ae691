"""Normalised code: what a copier changes cheaply (names, comments, strings, spacing, prints,
the order of independent statements, the order of `+` and `*` operands) changes no token; what
changes the method (the order of dependent statements, the calls made) does."""

from __future__ import annotations

import textwrap

from grader.similarity.program import cell_blocks


def tokens(source: str, own: set[int] | None = None) -> list[str]:
    source = textwrap.dedent(source).strip("\n")
    lines = own if own is not None else set(range(1, source.count("\n") + 2))
    return [t.text for block in cell_blocks(source, lines) for t in block]


LOOP = """
    for epoch in range(epochs):
        loss = mse(predict(X_train, W, b), y_train)  # forward
        loss.backward()
        with torch.no_grad():
            W -= lr * W.grad
            b -= lr * b.grad
        W.grad.zero_()
        b.grad.zero_()
        losses.append(loss.item())
"""


def test_renaming_commenting_and_spacing_change_no_token() -> None:
    disguised = """
        for it in range( n_epochs ):
            # the forward pass, then the loss
            cost = mse(predict(inputs, W, b),targets)
            cost.backward()   # gradients
            with torch.no_grad():
                W -= lr*W.grad
                b -= lr*b.grad
            W.grad.zero_()
            b.grad.zero_()
            history.append(cost.item())
    """
    assert tokens(disguised) == tokens(LOOP)


def test_prints_displays_docstrings_and_strings_change_no_token() -> None:
    padded = """
        for epoch in range(epochs):
            "one epoch"
            loss = mse(predict(X_train, W, b), y_train)
            print(f"epoch {epoch}: {loss.item():.3f}")
            loss.backward()
            with torch.no_grad():
                W -= lr * W.grad
                b -= lr * b.grad
            W.grad.zero_()
            b.grad.zero_()
            losses.append(loss.item())
            display(W)
            assert W.grad is not None
        W
    """
    assert tokens(padded) == tokens(LOOP)


def test_swapping_independent_statements_changes_no_token() -> None:
    swapped = """
        for epoch in range(epochs):
            loss = mse(predict(X_train, W, b), y_train)
            loss.backward()
            with torch.no_grad():
                b -= lr * b.grad
                W -= W.grad * lr
            b.grad.zero_()
            W.grad.zero_()
            losses.append(loss.item())
    """
    assert tokens(swapped) == tokens(LOOP)
    settings = "lr = 0.01\nepochs = 100\nlosses = []\n"
    assert tokens(settings) == tokens("losses = []\nepochs = 100\nlr = 0.01\n")
    functions = "def f(x):\n    return x + 1\n\n\ndef g(x):\n    return 2 * x\n"
    assert tokens(functions) == tokens("def g(x):\n    return x * 2\n\n\ndef f(x):\n"
                                       "    return 1 + x\n")


def test_the_order_of_dependent_statements_is_kept() -> None:
    """Resetting the gradients before backward() or after the update is a different method."""
    reset_after = "loss.backward()\nW.grad.zero_()\n"
    reset_before = "W.grad.zero_()\nloss.backward()\n"
    assert tokens(reset_after) != tokens(reset_before)
    assert tokens("x = 1\ny = x + 1\n") != tokens("y = x + 1\nx = 1\n")
    assert tokens("return a\nb = 2\n") != tokens("b = 2\nreturn a\n")


def test_different_calls_and_attributes_give_different_tokens() -> None:
    assert tokens("W.data.sub_(lr * W.grad)") != tokens("W.data.add_(lr * W.grad)")
    assert tokens("y = torch.mean(x)") != tokens("y = torch.sum(x)")
    assert tokens("y = len(x)") != tokens("y = abs(x)")  # builtins called by name


def test_literal_data_is_one_token_whatever_its_size() -> None:
    assert tokens("X = torch.tensor([[1.0], [2.0], [3.0]])") == \
        tokens("X = torch.tensor([[4.0], [5.0], [6.0], [7.0], [-8.0]])")


def test_only_the_students_statements_are_read_inside_given_code() -> None:
    cell = """
        def train_step(X, y, W, b, lr):
            \"\"\"Given by the template.\"\"\"
            loss = mse(predict(X, W, b), y)
            loss.backward()
            return loss.item()
    """
    own = tokens(cell, {3, 4, 5})
    assert own == tokens("loss = mse(predict(X, W, b), y)\nloss.backward()\n"
                         "return loss.item()\n")
    assert "def" not in own


def test_a_cell_that_does_not_parse_is_still_read_in_pieces() -> None:
    broken = """
        x = torch.zeros(3)
        y = (x +
        z = x.sum()
    """
    read = " ".join(tokens(broken))
    for statement in ("x = torch.zeros(3)", "z = x.sum()"):
        assert " ".join(tokens(statement)) in read, statement
    assert "( V +" in read  # the line that does not parse, read by spelling


def test_ipython_magics_and_shell_lines_are_ignored() -> None:
    assert tokens("%matplotlib inline\n!pip list\ntorch.zeros?\ny = x + 1\n") == \
        tokens("y = x + 1\n")
    assert tokens("y = x + 1  # right?\n") == tokens("y = x + 1\n")  # a question is no magic


def test_hostile_code_is_read_without_crashing() -> None:
    deep = "x = " + "(" * 500 + "1" + ")" * 500
    assert isinstance(tokens(deep), list)
    assert isinstance(tokens("x = 1 + " * 3000 + "1"), list)
    assert isinstance(tokens("\x00\x01 = 2"), list)
