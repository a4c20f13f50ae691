"""How much does the similarity report cost for a big class? `python -m bench.similarity`

Builds a synthetic class (default 1,000 students) of one assignment from the similarity corpus
(tests/similarity_corpus/): each student fills each blank with the code one of the corpus's
honest students wrote there, picked at random, and adds 0 to 3 statements of their own (from a
pool, at the start or the end of a blank), so that nearly every student differs; then plants
copies: students who copy another one's notebook, or the reference solution's code, adding a
statement or two. Then measures, on this one process (one core):

1. what grading pays per student: reading their own code out of the notebook (own_code.py),
   as the batch does before each student;
2. what the report pays for the class: normalising and fingerprinting every student's code,
   then scoring the pairs through the inverted index (grader/similarity/class_comparison.py);

and says whether the planted copies were flagged, and how many other pairs were. Writes the
figures to bench/out/similarity-latest.json too.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from pathlib import Path

from grader.similarity import REFERENCE, compare_class
from grader.similarity.class_comparison import make_program
from grader.similarity.own_code import OwnCode, own_code, template_cells
from tests.similarity_class import (
    SOLUTIONS,
    filled_template,
    honest,
    notebook_json,
    sections,
)

OUT = Path(__file__).resolve().parent / "out"
TARGET_SECONDS = 60.0  # a class of 1,000 students, one assignment, one core
# Statements a student may add to a blank: each its own shape once names and numbers are set
# aside. {v}, {w}: names; {n}: a number; {i}: the blank's indentation.
POOL = (
    "{v} = {w}.detach().clone()", "{v} = len({w})", "{v} = {w}.shape[0]",
    "{v} = torch.zeros_like({w})", "{v} = {w} * {n}", "{v} = [{w} for _ in range({n})]",
    "{v} = max({w}, {n})", "{v} = {w}.sum().item()", "{v} = float({w}.mean())",
    "{v} = {{'value': {w}}}", "{v} = abs({w} - {n})", "{v} = {w}.numpy().tolist()",
    "{v} = torch.norm({w})", "{v} = ({w} > {n}).float()",
    "if {w} is None:\n{i}    {v} = {n}", "for {v} in range({n}):\n{i}    {w} = {w} + {v}",
)
NAMES = ("tmp", "count", "value", "scratch", "size", "total", "check", "probe", "aux", "z")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.similarity", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--assignment", default="02_training_loop",
                        help="an assignment of the corpus (02_training_loop, "
                             "01_tensors_and_loss)")
    parser.add_argument("--copies", type=int, default=20,
                        help="students who copy a classmate (and as many fifths who copy the "
                             "reference solution)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    result = measure(args.students, args.assignment, args.copies, args.seed)
    print(report(result))
    OUT.mkdir(exist_ok=True)
    (OUT / "similarity-latest.json").write_text(json.dumps(result, indent=2), encoding="utf-8")


def measure(students: int, assignment: str, copies: int, seed: int) -> dict[str, object]:
    generator = random.Random(seed)
    notebooks, planted = synthetic_class(students, assignment, copies, generator)
    solution = json.loads((SOLUTIONS / f"{assignment}.ipynb").read_text(encoding="utf-8"))

    # 1. At grading time, per student: the template (cached by the batch), then own code.
    template = template_cells(solution)
    codes: dict[str, OwnCode] = {}
    reading = []
    for name, notebook in notebooks.items():
        started = time.process_time()
        codes[name] = own_code(notebook, template)
        reading.append(time.process_time() - started)
    codes[REFERENCE] = own_code(solution, template)

    # 2. At report time, the class: programs (normalise, fingerprint), then the pairs.
    started = time.process_time()
    prints = [len(make_program(name, code).prints) for name, code in codes.items()]
    fingerprinting = time.process_time() - started
    started, wall = time.process_time(), time.perf_counter()
    similarity = compare_class(assignment, codes)  # fingerprints again, then the index
    total = time.process_time() - started
    wall = time.perf_counter() - wall

    flagged = {frozenset((p.a, p.b)) for p in similarity.flagged}
    found = sum(1 for pair in planted if pair in flagged)
    return {
        "students": students, "assignment": assignment, "seed": seed,
        "read_own_code_ms_per_student_median": 1000 * statistics.median(reading),
        "read_own_code_seconds_class": sum(reading),
        "fingerprint_seconds": fingerprinting,
        "compare_seconds_cpu": total, "compare_seconds_wall": wall,
        "pairs_seconds": max(total - fingerprinting, 0.0),
        "fingerprints_per_student_median": statistics.median(prints),
        "pairs_in_class": len(similarity.scores),
        "pairs_scored": sum(1 for s in similarity.scores if s > 0),
        "common_limit": similarity.weights.common,
        "threshold": similarity.threshold.value, "fence": similarity.threshold.fence,
        "planted": len(planted), "planted_flagged": found,
        "other_flagged": len(flagged) - found,
        "target_seconds": TARGET_SECONDS, "met": total < TARGET_SECONDS,
    }


def synthetic_class(students: int, assignment: str, copies: int, generator: random.Random
                    ) -> tuple[dict[str, dict[str, object]], list[frozenset[str]]]:
    donors = [sections(path) for path in honest(assignment).values()]
    blanks = sorted({cell for parts in donors for kind, cell, _ in parts if kind == "blank"})
    parts_of: dict[str, list[tuple[str, str, str]]] = {}
    honest_count = students - copies - copies // 5
    for number in range(honest_count):
        parts: list[tuple[str, str, str]] = []
        for cell in blanks:
            donor = generator.choice(donors)
            parts += [p for p in donor if p[0] == "add after" and p not in parts]
            code = next(c for kind, c_id, c in donor if kind == "blank" and c_id == cell)
            parts.append(("blank", cell, _with_extras(code, generator)))
        parts_of[f"student-{number:04d}"] = parts
    planted = []
    names = list(parts_of)
    for number in range(copies):
        original = generator.choice(names)
        parts_of[f"copier-{number:03d}"] = [
            (kind, cell, _with_extras(code, generator, most=1) if kind == "blank" else code)
            for kind, cell, code in parts_of[original]]
        planted.append(frozenset((f"copier-{number:03d}", original)))
    reference = _reference_parts(assignment)
    for number in range(copies // 5):
        parts_of[f"leak-{number:03d}"] = [(kind, cell, _with_extras(code, generator, most=1))
                                          for kind, cell, code in reference]
        planted.append(frozenset((f"leak-{number:03d}", REFERENCE)))
    return ({name: notebook_json(filled_template(parts, assignment))
             for name, parts in parts_of.items()}, planted)


def _reference_parts(assignment: str) -> list[tuple[str, str, str]]:
    """The reference solution's code in each blank, as corpus sections."""
    from grader.course.markers import BEGIN, END

    solution = json.loads((SOLUTIONS / f"{assignment}.ipynb").read_text(encoding="utf-8"))
    parts = []
    for cell in solution["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        lines, inside, region = source.split("\n"), False, []
        for line in lines:
            if line.strip() == BEGIN:
                inside, region = True, []
            elif line.strip() == END:
                inside = False
                parts.append(("blank", cell["id"], "\n".join(region)))
            elif inside:
                region.append(line)
    return parts


def _with_extras(code: str, generator: random.Random, most: int = 3) -> str:
    lines = code.split("\n")
    indent = lines[0][:len(lines[0]) - len(lines[0].lstrip())]
    for _ in range(generator.randint(0, most)):
        statement = generator.choice(POOL).format(
            v=generator.choice(NAMES), w=generator.choice(NAMES), n=generator.randint(1, 9),
            i=indent)
        extra = [indent + line if not line.startswith(indent) or not indent else line
                 for line in statement.split("\n")]
        lines = extra + lines if generator.random() < 0.5 else lines + extra
    return "\n".join(lines)


def report(result: dict[str, object]) -> str:
    r = result
    return "\n".join([
        f"Similarity of a synthetic class of {r['students']} students ({r['assignment']}), "
        "one core",
        "  at grading time, per student: own code read from the notebook "
        f"{r['read_own_code_ms_per_student_median']:.2f} ms (median); "
        f"{r['read_own_code_seconds_class']:.1f} s for the class",
        "  at report time, the class:",
        f"    normalise and fingerprint every program   {r['fingerprint_seconds']:6.2f} s",
        f"    score the pairs through the index          {r['pairs_seconds']:6.2f} s",
        f"    the assignment's comparison, in all        {r['compare_seconds_cpu']:6.2f} s CPU "
        f"({r['compare_seconds_wall']:.2f} s wall)",
        f"  fingerprints per program (median): {r['fingerprints_per_student_median']:g}; "
        f"pairs scored: {r['pairs_scored']} of {r['pairs_in_class']} (the others share no "
        f"passage of at most {r['common_limit']} programs)",
        f"  threshold {r['threshold']:.2f} (fence {r['fence']:.2f}); planted copies flagged: "
        f"{r['planted_flagged']} of {r['planted']}; other pairs flagged: {r['other_flagged']}",
        f"Target: one assignment of {r['students']} students in under "
        f"{r['target_seconds']:g} s on one core: "
        f"{'met' if r['met'] else 'NOT MET'} ({r['compare_seconds_cpu']:.1f} s)",
    ])


if __name__ == "__main__":
    main()
