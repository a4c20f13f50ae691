"""What an error of PyTorch or Python usually means in this course, as a sentence to add to
its quoted message: a dtype mismatch, a .grad that is None, an in-place update autograd
refuses (of a parameter, or of a tensor it keeps for the gradient), a graph backpropagated
twice, an import that is a typo."""

from __future__ import annotations

import difflib
import re

NO_MODULE = re.compile(r"No module named '([\w.]+)'")
KNOWN_MODULES = ("torch", "numpy", "pandas", "math", "random", "matplotlib")

_HINTS = {
    "SystemExit": " sys.exit() ends a script, not a notebook: remove it.",
    "MemoryError": " It used more memory than the grader allows: use smaller tensors.",
}
_MESSAGE_HINTS = (
    (re.compile(r"same dtype|expected scalar type|found dtype", re.IGNORECASE),
     " Two tensors of different dtypes met: make the data and the parameters the same float "
     "type (float32: write 1.0 rather than 1, or call .float())."),
    (re.compile(r"does not require grad"),
     " The loss was computed without any tensor that tracks gradients. Usual causes: a "
     "function that returns numbers typed in, or its result passed through .item(), "
     ".detach() or NumPy; a parameter created without requires_grad=True; or a parameter "
     "replaced by a new tensor (W = W - lr * W.grad) instead of updated in place "
     "(W -= lr * W.grad, inside torch.no_grad())."),
    (re.compile(r"'NoneType' object has no attribute 'zero_'"),
     " A parameter's .grad is None. Usual causes: the parameter was replaced by a new "
     "tensor, which has no gradient (W = W - lr * W.grad), instead of updated in place "
     "(W -= lr * W.grad, inside torch.no_grad()); a reset at the start of a step, before any "
     "backward() has filled .grad (check `if p.grad is not None`, set p.grad = None, or "
     "reset after the update); or a loss that does not use that parameter (is it left out "
     "of the prediction?)."),
    (re.compile(r"'NoneType' object has no attribute '(clone|data|item)'|"
                r"for [*-]: 'float' and 'NoneType'"),
     " A parameter's .grad is None: backward() never reached it. Either the loss does not use "
     "that parameter (is it left out of the prediction?), or backward() did not run before."),
    (re.compile(r"'(float|int)' object is not subscriptable"),
     " A number was indexed like a list ([-1], [0]): a value that should be a list, such as "
     "the list of losses a training function returns, is a single number. Check what it "
     "returns: the whole list, not only the last loss."),
    (re.compile(r"needed for gradient computation has been modified by an inplace operation"),
     " An in-place operation (+=, *=, add_(), ...) changed a tensor that autograd keeps to "
     "compute the gradient (the message names the operation that made it). Write that step "
     "out of place, e = e + 1 rather than e += 1. (Updates of the parameters are the "
     "exception: those go in place, inside torch.no_grad().)"),
    (re.compile(r"backward through the graph a second time"),
     " Each backward() needs a graph of its own: in a training loop, compute the prediction "
     "and the loss again every epoch, inside the loop. A prediction made once, before the "
     "loop, or a second backward() on the same loss reuses a graph already freed "
     "(retain_graph=True only hides it: that graph is of the parameters before the update)."),
    (re.compile(r"leaf Variable that requires grad is being used in an in-place"),
     " Update parameters inside `with torch.no_grad():` (or through p.data), so that autograd "
     "does not record the update."),
)


def error_hint(error_name: str, message: str) -> str:
    """What an error usually means in this course, as a sentence to add (or '')."""
    if error_name in ("ModuleNotFoundError", "ImportError"):
        return _import_hint(message)
    if error_name in _HINTS:
        return _HINTS[error_name]
    return next((hint for pattern, hint in _MESSAGE_HINTS if pattern.search(message)), "")


def _import_hint(message: str) -> str:
    module = NO_MODULE.search(message)
    name = module.group(1).split(".")[0] if module else ""
    close = difflib.get_close_matches(name, KNOWN_MODULES, n=1, cutoff=0.6) if name else []
    if close and close[0] != name:
        return f" Is it a typo of `{close[0]}`?"
    return " The grader has torch, numpy and pandas; remove other imports."
