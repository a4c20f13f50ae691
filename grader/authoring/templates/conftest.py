"""The course's graded tests (one module per notebook: test_NN_name.py; hidden tests in
test_NN_name_hidden.py). The grading kit's pytest plugin gives every test the `submission`
and `reference` fixtures; put fixtures of your own here."""
