"""Partly filled notebooks: the solution with one blank (or two) put back as the template has it.
Only the tests that need what the blank makes fail, once each, and each names the blank still
to fill, in the cell the student sees, never an error that followed from it."""

from pathlib import Path

import nbformat

from tests.corpus.case import Case, Edit

ROOT = Path(__file__).resolve().parents[2]
NB1 = "01_tensors_and_loss.ipynb"
NB2 = "02_training_loop.ipynb"
NB3 = "03_optimizer_and_seeds.ipynb"
NB4 = "04_multiple_outputs_and_nn_linear.ipynb"
NB5 = "05_design_matrix_and_broadcasting.ipynb"
NB6 = "06_logistic_regression.ipynb"
BLANK = "not implemented yet: fill the blank in"
CAUSES_THAT_FOLLOW = ("NameError", "TypeError", "is not defined", ".grad is None")


def _template_cell(notebook: str, cell: str) -> Edit:
    """The solution's cell `cell` replaced whole by the template's: its blanks left as given."""
    sources = [{c.get("id"): c.source for c in nbformat.read(ROOT / folder / notebook, 4).cells}
               for folder in ("solutions", "assignments")]
    return Edit(cell, sources[0][cell], sources[1][cell])


def _blank_body(cell: str, solution_body: str) -> Edit:
    """One function of a cell left blank: its solution lines as the template's marker."""
    return Edit(cell, f"    ### BEGIN SOLUTION\n{solution_body}    ### END SOLUTION",
                "    # YOUR CODE HERE\n    raise NotImplementedError()")


def _case(name: str, notebook: str, edits: tuple[Edit, ...], fails: dict[str, str],
          why: str) -> Case:
    return Case(name, notebook, edits, fails, why, never_said=CAUSES_THAT_FOLLOW)


INITIAL_LOSS_1 = "test_initial_loss_and_its_gradients_are_those_of_your_functions"
ONE_STEP_1 = "test_one_step_lowers_the_loss_as_your_functions_do"

CASES = [
    _case("blank_training_data_charges_the_data_and_the_given_cells_only", NB1,
          (_template_cell(NB1, "training-data"),),
          {"test_training_data_are_float32_columns_in_the_given_order": f"{BLANK} code cell 2",
           INITIAL_LOSS_1: f"{BLANK} code cell 2", ONE_STEP_1: f"{BLANK} code cell 2"},
          "X_train left blank: the step's test named sgd_step's TypeError (.grad is None) that "
          "followed from it"),
    _case("blank_as_column_alone", NB1, (_template_cell(NB1, "as-column"),),
          {"test_as_column_turns_any_list_into_a_float32_column": f"{BLANK} `as_column`"},
          "nothing else uses as_column"),
    _case("blank_mse_is_named_as_mse_not_as_its_cells_first_function", NB1,
          (_blank_body("predict-mse", "    return ((y_pred - y) ** 2).mean()\n"),),
          {"test_mse_is_the_mean_of_squared_errors": f"{BLANK} `mse`",
           INITIAL_LOSS_1: f"{BLANK} `mse`", ONE_STEP_1: f"{BLANK} `mse`"},
          "predict filled, mse left blank: predict keeps its point"),
    _case("blank_sgd_step_charges_its_test_and_the_step", NB1,
          (_template_cell(NB1, "sgd-step"),),
          {"test_sgd_step_moves_each_parameter_against_its_gradient": f"{BLANK} `sgd_step`",
           ONE_STEP_1: f"{BLANK} `sgd_step`"},
          "the initial loss and its gradients keep their point"),
    _case("blank_accumulated_grad_alone", NB2, (_template_cell(NB2, "accumulated-grad"),),
          {"test_accumulated_grad_shows_gradients_adding_up": f"{BLANK} `accumulated_grad`"},
          "the training loop and train_step keep their points"),
    _case("blank_training_loop_leaves_train_step_its_points", NB2,
          (_template_cell(NB2, "training-loop"),),
          dict.fromkeys(("test_trained_parameters_are_near_the_reference",
                         "test_training_loop_records_a_loss_per_epoch_that_ends_below_the_threshold"),
                        f"{BLANK} code cell 2"),
          "the loop left blank; the functions after it are graded on their own"),
    _case("blank_train_step_leaves_train_from_seed_its_points", NB3,
          (_template_cell(NB3, "train-step"),),
          dict.fromkeys(("test_train_step_is_one_step_of_the_optimizer_it_is_given",
                         "test_train_step_resets_gradients_between_calls"),
                        f"{BLANK} `train_step`"),
          "train_from_seed calls train_step, yet its three tests keep their points"),
    _case("blank_seeded_draws_alone", NB3, (_template_cell(NB3, "seeded-draws"),),
          {"test_seeded_draws_follow_the_seed_and_repeat_the_lecture":
               f"{BLANK} `seeded_draws`"},
          "one function left blank, one test"),
    _case("blank_training_data_and_train_from_seed", NB3,
          (_template_cell(NB3, "training-data"), _template_cell(NB3, "train-from-seed")),
          {"test_training_data_are_the_y_equals_2x_columns": f"{BLANK} code cell 2",
           "test_sgd_loop_records_a_loss_per_epoch_that_ends_below_1e_5": f"{BLANK} code cell 2",
           "test_trained_W_and_b_are_near_the_reference": f"{BLANK} code cell 2",
           "test_train_from_seed_differs_between_seeds": f"{BLANK} `train_from_seed`",
           "test_train_from_seed_is_identical_for_the_same_seed": f"{BLANK} `train_from_seed`",
           "test_train_from_seed_matches_the_reference": f"{BLANK} `train_from_seed`"},
          "two blanks: each test names the one it needs; train_step keeps its points"),
    _case("blank_predictions_alone", NB4, (_template_cell(NB4, "predictions"),),
          dict.fromkeys(("test_predictions_are_the_trained_models_outputs",
                         "test_predictions_is_a_dataframe_with_a_column_per_fruit"),
                        f"{BLANK} code cell 5"),
          "the fruit's training and the line's keep their points"),
    _case("blank_fit_charges_fit_and_the_line_trained_by_it", NB4,
          (_template_cell(NB4, "fit"),),
          {"test_fit_trains_a_graders_linear_model_like_the_reference": f"{BLANK} `fit`",
           "test_fit_trains_any_model_with_the_loss_and_optimizer_it_is_given":
               f"{BLANK} `fit`",
           "test_linear_model_is_trained_by_fit_as_asked_and_predicts_at_4":
               f"{BLANK} code cell 7"},
          "the line's model from seed 777 keeps its point"),
    _case("blank_fruit_training_is_named_by_the_trained_parameters_test", NB4,
          (_template_cell(NB4, "fruit-training"),),
          dict.fromkeys(("test_fruit_training_records_a_loss_per_epoch_that_ends_below_1",
                         "test_trained_weight_and_bias_are_those_of_the_lessons_training"),
                        f"{BLANK} code cell 4"),
          "the parameters never moved because the training is a blank, not a wrong update"),
    _case("blank_fruit_parameters_are_named_by_the_training_that_updates_them", NB4,
          (_template_cell(NB4, "fruit-params"),),
          dict.fromkeys(("test_fruit_training_records_a_loss_per_epoch_that_ends_below_1",
                         "test_predictions_are_the_trained_models_outputs",
                         "test_predictions_is_a_dataframe_with_a_column_per_fruit",
                         "test_trained_weight_and_bias_are_those_of_the_lessons_training",
                         "test_weight_and_bias_have_one_column_per_fruit_and_a_seeded_start"),
                        f"{BLANK} code cell 3"),
          "the training cell only updates weight and bias: its NameError follows the blank"),
    _case("blank_line_prediction_alone", NB4, (_template_cell(NB4, "line-prediction"),),
          {"test_linear_model_is_trained_by_fit_as_asked_and_predicts_at_4":
               f"{BLANK} code cell 11"},
          "the last blank: one test"),
    _case("blank_mse_loss_charges_the_loss_and_what_it_trains", NB5,
          (_template_cell(NB5, "mse-loss"),),
          {"test_mse_loss_pairs_each_prediction_with_its_own_target": f"{BLANK} `mse_loss`",
           "test_initial_loss_is_your_loss_at_the_starting_weight": f"{BLANK} code cell 6",
           "test_learned_weight_is_that_of_the_lessons_training": f"{BLANK} code cell 6",
           "test_training_records_a_loss_per_epoch_that_ends_below_the_threshold":
               f"{BLANK} code cell 6"},
          "design_matrix and the data keep their points"),
    _case("blank_training_alone", NB5, (_template_cell(NB5, "training"),),
          dict.fromkeys(("test_learned_weight_is_that_of_the_lessons_training",
                         "test_training_records_a_loss_per_epoch_that_ends_below_the_threshold"),
                        f"{BLANK} code cell 7"),
          "the initial loss keeps its point"),
    _case("blank_accuracy_leaves_predict_classes_its_points", NB6,
          (_blank_body("classes-and-accuracy",
                       "    return (predictions == targets).float().mean().item()\n"),),
          {"test_accuracy_is_the_fraction_of_matching_predictions": f"{BLANK} `accuracy`"},
          "predict_classes filled in the same cell keeps its points"),
    _case("blank_model_charges_the_training_not_the_data", NB6,
          (_template_cell(NB6, "model"),),
          dict.fromkeys(("test_trained_model_gives_the_reference_probabilities_on_new_points",
                         "test_trained_model_has_a_low_binary_cross_entropy",
                         "test_training_records_a_loss_per_epoch_that_ends_below_the_threshold"),
                        f"{BLANK} code cell 3"),
          "the data and the functions after the training keep their points"),
]
