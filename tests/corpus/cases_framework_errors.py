"""PyTorch's and Python's own errors are quoted and traced to the cell that defines what they
name (the model's class, a misspelt method, a failed import), and a blank is the template's
marker line raising, never any NotImplementedError. Written afresh, in the shapes tutorials give
nn.Module subclasses (a linear layer in __init__, the sigmoid in forward)."""

from tests.corpus.case import Case, Edit

NB2 = "02_training_loop.ipynb"
NB4 = "04_multiple_outputs_and_nn_linear.ipynb"
NB6 = "06_logistic_regression.ipynb"

PROBABILITIES = "test_trained_model_gives_the_reference_probabilities_on_new_points"
LOSSES_6 = "test_training_records_a_loss_per_epoch_that_ends_below_the_threshold"
CROSS_ENTROPY = "test_trained_model_has_a_low_binary_cross_entropy"
TRAINING_6 = (PROBABILITIES, LOSSES_6, CROSS_ENTROPY)
LINE = "test_linear_model_is_trained_by_fit_as_asked_and_predicts_at_4"
SEED_777 = "test_linear_model_is_nn_linear_1_1_started_from_seed_777"
SOLUTION_MODEL = "model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())"


def _classifier(forward: str, init: str = "        self.linear = nn.Linear(2, 1)\n") -> str:
    return ("class Classifier(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            f"{init}\n{forward}\n\nmodel = Classifier()")


CASES = [
    Case(
        "forward_misspelt_is_not_a_blank",
        NB6,
        (Edit("model", SOLUTION_MODEL, _classifier(
            "    def foward(self, x):\n        return torch.sigmoid(self.linear(x))")),),
        fails=dict.fromkeys(TRAINING_6, "defines `foward`, not `forward`"),
        never_said=("not implemented yet",),
        why="the issue's example: PyTorch's NotImplementedError for a module without forward; "
            "the message points at the class's cell and the misspelt method, not at a blank",
    ),
    Case(
        "forward_outside_its_class",
        NB6,
        (Edit("model", SOLUTION_MODEL, """class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(2, 1)

def forward(self, x):
    return torch.sigmoid(self.linear(x))

model = Classifier()"""),),
        fails=dict.fromkeys(TRAINING_6, "not indented under class `Classifier`"),
        never_said=("not implemented yet",),
        why="forward written at the cell's top level: the class has none",
    ),
    Case(
        "layer_renamed_between_init_and_forward",
        NB6,
        (Edit("model", SOLUTION_MODEL, _classifier(
            "    def forward(self, x):\n        return torch.sigmoid(self.layer(x))")),),
        fails=dict.fromkeys(TRAINING_6, "`Classifier` is defined in code cell 3"),
        why="AttributeError: 'Classifier' object has no attribute 'layer': traced to the class",
    ),
    Case(
        "forward_without_its_input",
        NB6,
        (Edit("model", SOLUTION_MODEL, _classifier(
            "    def forward(self):\n        return torch.sigmoid(self.linear(X_train))")),),
        fails=dict.fromkeys(TRAINING_6, "`forward` is defined in code cell 3"),
        why="TypeError: forward() takes 1 positional argument but 2 were given",
    ),
    Case(
        "marker_line_kept_after_filling_the_loop",
        NB6,
        (Edit("training", "    losses.append(loss.item())\n",
              "    losses.append(loss.item())\nraise NotImplementedError()\n"),),
        fails=dict.fromkeys(TRAINING_6, "delete its `raise NotImplementedError()` line"),
        why="the loop is written but the template's marker still raises after it: a blank",
    ),
    Case(
        "own_not_implemented_error_is_quoted",
        NB4,
        (Edit("line-training", "optimizer = torch.optim.SGD(model.parameters(), lr=0.01)\n",
              "optimizer = torch.optim.SGD(model.parameters(), lr=0.01)\n"
              "if len(x_train) != 3:\n    raise NotImplementedError('only 3 points for now')\n"
              "raise NotImplementedError('TODO: compare with Adam')\n"),),
        fails={LINE: "stopped with NotImplementedError: TODO: compare with Adam"},
        never_said=("not implemented yet",),
        why="the student's own placeholder, with its own words: quoted, not called a blank",
    ),
    Case(
        "line_model_class_with_misspelt_forward",
        NB4,
        (Edit("line-model", "model = nn.Linear(1, 1)\n", """class Line(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(1, 1)

    def forwrad(self, x):
        return self.fc(x)


model = Line()
"""),),
        fails={LINE: "defines `forwrad`, not `forward`"},
        never_said=("not implemented yet",),
        why="fit fails inside model(X): traced from the training cell to the class",
    ),
    Case(
        "misspelt_import_then_torch_inside_a_function",
        NB2,
        (Edit("setup", "import torch\n", "import troch\n"),),
        fails={
            "test_training_loop_records_a_loss_per_epoch_that_ends_below_the_threshold":
                "typo of `torch`",
            "test_trained_parameters_are_near_the_reference": "typo of `torch`",
            "test_accumulated_grad_shows_gradients_adding_up": "typo of `torch`",
            "test_train_step_is_one_step_of_gradient_descent": "`import troch`",
            "test_train_step_resets_gradients_between_calls": "`import troch`",
            # a hidden test names only the error: its kernel's text is withheld
            "test_train_step_repeated_trains_a_model_on_unseen_data": "raised NameError",
        },
        never_said=("is it a typo, or a name from another notebook",),
        why="issue 19: torch is undefined inside functions the grader calls; followed back "
            "to the failed import, as for cells",
    ),
]
