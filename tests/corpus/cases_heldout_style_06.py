"""Assignment 6 in the shapes held-out submissions take: an nn.Sequential of an OrderedDict with
the cross-entropy written out, `.ge(0.5)` classes and an accuracy of `correct / len(targets)`,
gradients dropped by hand with a sigmoid applied in place; and mistakes alone and two at a
time (a second sigmoid in the loop, BCEWithLogitsLoss on probabilities with an extra epoch, a
tutorial's rate typed into the optimizer, `Forward` capitalised, `zero_grads()`, an in-place
`+=` on a tensor autograd needs, float16 data, rounded classes with an accuracy over six).
Written afresh; each mistake names causes a careless grader would wrongly give.
"""

from tests.corpus.case import Case, Edit
from tests.corpus.cases_06_idioms import (
    ACCURACY,
    CLASSES,
    CROSS_ENTROPY,
    LOSSES,
    NB,
    PROBABILITIES,
    SOLUTION_ACCURACY,
    SOLUTION_CLASSES,
    SOLUTION_LOOP,
    SOLUTION_MODEL,
)

TRAINING = (PROBABILITIES, LOSSES, CROSS_ENTROPY)
OPTIMIZER = "optimizer = torch.optim.SGD(model.parameters(), lr=lr)\n"
PROBABILITIES_LINE = "    probabilities = model(X_train)\n"
BCE_LINE = "    loss = F.binary_cross_entropy(probabilities, y_train)\n"
SOLUTION_DATA = ("X_train = torch.tensor([[1.0, 2.0], [2.0, 3.0], [3.0, 1.0], [4.0, 3.0], "
                 "[5.0, 3.0], [6.0, 2.0]])")


def _classifier(forward: str) -> str:
    return ("class Classifier(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.linear = nn.Linear(2, 1)\n\n" + forward + "\n\nmodel = Classifier()")


CASES = [
    Case(
        "ordered_dict_sequential_and_cross_entropy_written_out_valid",
        NB,
        (Edit("imports", "from torch import nn", "from collections import OrderedDict\n\n"
                                                 "from torch import nn"),
         Edit("model", SOLUTION_MODEL,
              'model = nn.Sequential(OrderedDict([("linear", nn.Linear(2, 1)),\n'
              '                                   ("sigmoid", nn.Sigmoid())]))'),
         Edit("training", BCE_LINE,
              "    loss = -(y_train * torch.log(probabilities)\n"
              "             + (1 - y_train) * torch.log(1 - probabilities)).mean()\n")),
        why="valid: named layers in an OrderedDict; the binary cross-entropy written out",
    ),
    Case(
        "classes_with_ge_and_accuracy_as_correct_over_len_valid",
        NB,
        (Edit("classes-and-accuracy", SOLUTION_CLASSES,
              "    return probabilities.ge(0.5).float()\n"),
         Edit("classes-and-accuracy", SOLUTION_ACCURACY,
              "    correct = predictions.eq(targets).sum().item()\n"
              "    return correct / len(targets)\n")),
        why="valid: .ge(0.5) is >= 0.5; the number correct over len(targets) of same-shape "
            "tensors is the fraction",
    ),
    Case(
        "gradients_dropped_by_hand_and_sigmoid_in_place_valid",
        NB,
        (Edit("model", SOLUTION_MODEL, _classifier(
            "    def forward(self, x):\n"
            "        return self.linear(x).sigmoid_()  # in place on a fresh output: allowed")),
         Edit("training", SOLUTION_LOOP, """for epoch in range(epochs):
    for p in model.parameters():
        p.grad = None
    probabilities = model(X_train)
    loss = F.binary_cross_entropy(probabilities, y_train)
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
""")),
        why="valid: sigmoid_ on the linear layer's fresh output (autograd keeps the result it "
            "needs); gradients set to None by hand before backward()",
    ),
    Case(
        "sigmoid_applied_again_in_the_loop",
        NB,
        (Edit("training", PROBABILITIES_LINE,
              "    probabilities = torch.sigmoid(model(X_train))\n"),),
        fails={PROBABILITIES: "the sigmoid is applied twice",
               LOSSES: "the sigmoid is applied twice",
               CROSS_ENTROPY: "the sigmoid is applied twice"},
        scores={CROSS_ENTROPY: 1.24},
        never_said=("the learning rate is", "mean squared error of the probabilities",
                    "never reset"),
        why="the model already ends with a sigmoid: the loop squashes its output again (the "
            "model's own cross-entropy, 0.057, earns 62 % of that test's band)",
    ),
    Case(
        "bce_with_logits_on_probabilities_and_one_epoch_too_many",
        NB,
        (Edit("training", OPTIMIZER, OPTIMIZER + "criterion = nn.BCEWithLogitsLoss()\n"),
         Edit("training", BCE_LINE, "    loss = criterion(probabilities, y_train)\n"),
         Edit("training", "for epoch in range(epochs):", "for epoch in range(epochs + 1):")),
        fails={PROBABILITIES: "the sigmoid is applied twice", LOSSES: "one epoch too many",
               CROSS_ENTROPY: "the sigmoid is applied twice"},
        scores={CROSS_ENTROPY: 1.24},
        never_said=("the learning rate is", "mean squared error of the probabilities"),
        why="two mistakes: BCEWithLogitsLoss adds a sigmoid (named where the model's "
            "probabilities miss), the extra epoch is named by the count",
    ),
    Case(
        "tutorial_rate_typed_into_the_optimizer",
        NB,
        (Edit("training", OPTIMIZER,
              "optimizer = torch.optim.SGD(model.parameters(), lr=0.01)  # as in the tutorial\n"),),
        fails={PROBABILITIES: "the learning rate is 0.01", LOSSES: "the learning rate is 0.01",
               CROSS_ENTROPY: "the learning rate is 0.01"},
        never_said=("epochs", "sigmoid is applied twice", "never reset"),
        why="lr = 1.0 is still in the notebook, but the optimizer holds 0.01: far too small "
            "for 1000 epochs; the re-run at the optimizer's own rate reproduces the model",
    ),
    Case(
        "forward_capitalised",
        NB,
        (Edit("model", SOLUTION_MODEL, _classifier(
            "    def Forward(self, x):\n        return torch.sigmoid(self.linear(x))")),),
        fails=dict.fromkeys(TRAINING, "defines `Forward`, not `forward`"),
        never_said=("not implemented yet",),
        why="PyTorch's NotImplementedError for a module without forward: the class's cell "
            "and the method spelt otherwise, not a blank",
    ),
    Case(
        "zero_grads_typo_that_pytorch_reports",
        NB,
        (Edit("training", "    optimizer.zero_grad()\n", "    optimizer.zero_grads()\n"),),
        fails=dict.fromkeys(TRAINING, "'SGD' object has no attribute 'zero_grads'"),
        never_said=("not implemented yet",),
        why="a typo'd method: PyTorch's AttributeError, quoted",
    ),
    Case(
        "in_place_add_on_a_tensor_autograd_needs",
        NB,
        (Edit("model", SOLUTION_MODEL, _classifier(
            "    def forward(self, x):\n"
            "        e = torch.exp(-self.linear(x))\n"
            "        e += 1  # 1 + exp(-z), in place\n"
            "        return 1 / e")),),
        fails=dict.fromkeys(TRAINING, "out of place"),
        never_said=("not implemented yet",),
        why="exp's output is kept for its gradient; += changes it, and backward() refuses",
    ),
    Case(
        "float16_training_data",
        NB,
        (Edit("training-data", SOLUTION_DATA, SOLUTION_DATA[:-1] + ", dtype=torch.float16)"),),
        fails=dict.fromkeys(TRAINING, "different dtypes"),
        never_said=("not implemented yet", "learning rate"),
        why="any float dtype passes the data test, but float16 data meet float32 parameters "
            "in the model",
    ),
    Case(
        "rounded_classes_and_an_accuracy_over_six",
        NB,
        (Edit("classes-and-accuracy", SOLUTION_CLASSES,
              "    return torch.round(probabilities)\n"),
         Edit("classes-and-accuracy", SOLUTION_ACCURACY,
              "    return (predictions == targets).float().sum().item() / 6\n")),
        fails={CLASSES: "rounds 0.5 down", ACCURACY: "scales with the number of rows"},
        never_said=("percentage", "inverted"),
        why="two mistakes in two functions, each charged once by its own test",
    ),
]
