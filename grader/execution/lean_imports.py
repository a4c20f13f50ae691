"""Keep the grader process from importing what grading never uses.

nbformat validates notebooks with jsonschema, and importing jsonschema imports every optional
string-format checker that happens to be installed. nbformat's schema has no "format" keyword,
so none of them ever runs. One, rfc3987-syntax (installed with jsonschema[format-nongpl], as
JupyterLab does), builds a grammar when imported: 1.45 s of CPU, seven times what nbformat and
nbclient cost together (0.21 s). Marking it unimportable before jsonschema is first imported
skips it; validation is unchanged: the same validator, the same schema, the same errors.
"""

from __future__ import annotations

import sys

UNUSED_FORMAT_CHECKERS = ("rfc3987_syntax",)


def skip_unused_format_checkers() -> None:
    if "jsonschema" in sys.modules:
        return  # too late to gain anything, and nothing to change
    for name in UNUSED_FORMAT_CHECKERS:
        if name not in sys.modules:  # None: `import name` now raises ImportError
            sys.modules[name] = None  # type: ignore[assignment]
