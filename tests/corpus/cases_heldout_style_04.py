"""Assignment 4 in the shapes held-out submissions take: a fruit gradient written out by hand,
a blog's `LinearRegression(inputSize, outputSize)` module with `super(Class, self)`, a fit()
that counts from 1, prints and records `loss.detach().cpu().item()`; and mistakes alone and two
at a time (`.item()` or `.detach()` before backward() in fit, the seed after the layer, Adam
pasted for SGD, a summed loss at a tenth of the rate, another rate with an extra epoch, NumPy
on a tensor that tracks gradients). Written afresh; each mistake names causes a careless
grader would wrongly give.
"""

from tests.corpus.case import Case, Edit
from tests.corpus.cases_04_idioms import (
    FIT_ANY,
    FIT_LINEAR,
    FRAME,
    FRAME_VALUES,
    FRUIT_LOSS,
    FRUIT_PARAMETERS,
    NB,
    SOLUTION_FIT,
    SOLUTION_FRUIT_LOOP,
)
from tests.corpus.cases_04_tutorial_idioms import LINE

SEED_777 = "test_linear_model_is_nn_linear_1_1_started_from_seed_777"
SOLUTION_FRAME_LINE = ('predictions = pd.DataFrame(fruit_pred.detach().numpy(), '
                       'columns=["apples", "oranges"])')
FRUIT_LOSS_LINE = "    loss = torch.mean((X_fruit @ weight + bias - y_fruit) ** 2)\n"
FIT_LOSS_LINE = "        loss = loss_fn(model(X), y)\n"
LINE_OPTIMIZER = "optimizer = torch.optim.SGD(model.parameters(), lr=0.01)\n"

CASES = [
    Case(
        "fruit_gradient_written_out_by_hand_valid",
        NB,
        (Edit("fruit-training", SOLUTION_FRUIT_LOOP, """n_values = y_fruit.numel()
for epoch in range(epochs):
    residual = X_fruit @ weight + bias - y_fruit
    loss = (residual ** 2).mean()
    with torch.no_grad():
        d_pred = 2 * residual / n_values  # dL/dprediction, written out
        weight -= lr * (X_fruit.T @ d_pred)
        bias -= lr * d_pred.sum(dim=0)
    fruit_losses.append(loss.item())
"""),),
        why="valid: the MSE's gradient written out instead of backward(); the same steps",
    ),
    Case(
        "blog_linear_regression_module_and_float_prediction_valid",
        NB,
        (Edit("line-model", "torch.manual_seed(777)\nmodel = nn.Linear(1, 1)\n", """\
class LinearRegression(torch.nn.Module):
    def __init__(self, inputSize, outputSize):
        super(LinearRegression, self).__init__()
        self.linear = torch.nn.Linear(inputSize, outputSize)

    def forward(self, x):
        out = self.linear(x)
        return out


torch.manual_seed(777)
model = LinearRegression(1, 1)
"""),
         Edit("line-training", LINE_OPTIMIZER,
              "optimizer = torch.optim.SGD(params=model.parameters(), lr=0.01)\n"),
         Edit("line-prediction", "prediction_at_4 = model(torch.tensor([[4.0]])).item()\n",
              "with torch.no_grad():\n"
              "    prediction_at_4 = float(model(torch.tensor([[4.0]])))\n")),
        why="valid: the module shape blog posts use, Python 2's super(), float() of the output",
    ),
    Case(
        "fit_counting_from_one_with_a_progress_print_valid",
        NB,
        (Edit("fit", SOLUTION_FIT, """    history = []
    for epoch in range(1, epochs + 1):
        optimizer.zero_grad(set_to_none=True)
        prediction = model(X)
        loss = loss_fn(prediction, y)
        loss.backward()
        optimizer.step()
        history.append(loss.detach().cpu().item())
        if epoch % 500 == 0:
            print(f"epoch {epoch}: loss {history[-1]:.4f}")
    return history
"""),
         Edit("predictions", "fruit_pred = X_fruit @ weight + bias\n" + SOLUTION_FRAME_LINE,
              "with torch.no_grad():\n    fruit_pred = X_fruit.matmul(weight).add(bias)\n"
              'predictions = pd.DataFrame(fruit_pred.numpy(), columns=["apples", "oranges"])')),
        why="valid: epochs counted from 1, zero_grad(set_to_none=True) first, the loss moved "
            "to the CPU before .item(); predictions made under torch.no_grad()",
    ),
    Case(
        "fit_takes_item_before_backward",
        NB,
        (Edit("fit", FIT_LOSS_LINE, "        loss = loss_fn(model(X), y).item()\n"),
         Edit("fit", "        losses.append(loss.item())\n", "        losses.append(loss)\n")),
        fails={FIT_LINEAR: "'float' object has no attribute 'backward'",
               FIT_ANY: "'float' object has no attribute 'backward'",
               LINE: "'float' object has no attribute 'backward'"},
        never_said=("not implemented", "never reset", "is not defined"),
        why="fit raises on every call: each test that trains with it can only quote the error",
    ),
    Case(
        "fit_detaches_the_prediction",
        NB,
        (Edit("fit", FIT_LOSS_LINE, "        loss = loss_fn(model(X).detach(), y)\n"),),
        fails={FIT_LINEAR: "does not require grad", FIT_ANY: "does not require grad",
               LINE: "does not require grad"},
        never_said=("not implemented", "never reset"),
        why="a detached graph in fit: backward() has nothing to differentiate",
    ),
    Case(
        "line_seed_set_after_the_layer",
        NB,
        (Edit("line-model", "torch.manual_seed(777)\nmodel = nn.Linear(1, 1)\n",
              "model = nn.Linear(1, 1)\ntorch.manual_seed(777)\n"),),
        fails={SEED_777: "right before creating nn.Linear(1, 1)"},
        never_said=("fit", "learning rate"),
        why="the seed after the layer: another start, charged once (the training from that "
            "start is what the student's fit gives, and passes)",
    ),
    Case(
        "adam_pasted_for_the_line_model",
        NB,
        (Edit("line-training", LINE_OPTIMIZER,
              "optimizer = torch.optim.Adam(model.parameters(), lr=0.01)\n"),),
        fails={LINE: "SGD(model.parameters(), lr=0.01)"},
        never_said=("never reset", "not implemented"),
        why="another optimizer than the one asked: only the line's training test sees it",
    ),
    Case(
        "fruit_summed_loss_at_a_tenth_of_the_rate",
        NB,
        (Edit("fruit-training", "lr = 1e-5\n", "lr = 1e-6\n"),
         Edit("fruit-training", FRUIT_LOSS_LINE,
              "    loss = ((X_fruit @ weight + bias - y_fruit) ** 2).sum()\n")),
        fails={FRUIT_LOSS: "sum of the squared errors"},
        never_said=("the learning rate is", "never reset"),
        why="ten values summed at a tenth of the rate: the parameters are the lesson's, only "
            "the recorded losses (ten times the mean) are wrong",
    ),
    Case(
        "fruit_rate_halved_and_one_epoch_too_many",
        NB,
        (Edit("fruit-training", "lr = 1e-5\n", "lr = 5e-6  # a smaller rate, to be safe\n"),
         Edit("fruit-training", "for epoch in range(epochs):", "for epoch in range(epochs + 1):")),
        fails={FRUIT_LOSS: "one epoch too many", FRUIT_PARAMETERS: "the learning rate is 5e-06"},
        never_said=("never reset", "sum of the squared", "runs twice"),
        why="two mistakes: the count names the extra epoch; the rate explains the parameters",
    ),
    Case(
        "numpy_of_a_tensor_that_tracks_gradients",
        NB,
        (Edit("predictions", SOLUTION_FRAME_LINE,
              'predictions = pd.DataFrame(fruit_pred.numpy(), columns=["apples", "oranges"])'),),
        fails={FRAME: "detach().numpy()", FRAME_VALUES: "detach().numpy()"},
        never_said=("targets", "starting weight", "not implemented"),
        why=".numpy() on a prediction that requires grad raises: the DataFrame is never made",
    ),
]
