"""Who wrote alike: the similarity of the code students wrote, for the TA's class report.

Each student's own code (what they wrote in the template's blanks and the cells they added,
own_code.py) is saved beside their record at grading time (saved.py), read as a sequence of
normalised tokens (tokens.py, order.py, program.py), fingerprinted (fingerprints.py) and
compared with every other student's and the reference solution's through an inverted index
(compare.py, class_comparison.py); pairs that stand out are flagged (threshold.py) and their
shared fragments found for showing (matches.py). Nothing here runs a kernel or changes a grade.
"""

from grader.similarity.class_comparison import (
    LISTED,
    REFERENCE,
    ClassSimilarity,
    Pair,
    Program,
    compare_class,
)
from grader.similarity.matches import Fragment, shared_fragments
from grader.similarity.own_code import OwnCell, OwnCode

__all__ = ["LISTED", "REFERENCE", "ClassSimilarity", "Fragment", "OwnCell", "OwnCode", "Pair",
           "Program", "compare_class", "shared_fragments"]
