"""An attack corpus: notebooks that try, from inside their kernel, everything the sandbox must
stop (issue 10's list), and the checks, made from outside, that nothing happened."""
