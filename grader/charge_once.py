"""Each mistake charged once: a dependent exercise rescored with its failing prerequisites'
reference in place.

When `simple_net` fails only because the student's `numerical_gradient` does, the instructor's
grade charges `numerical_gradient` alone. Its failing checks that called a failing prerequisite
run again on a copy of the submission in which each failing prerequisite's names are rebound to
the reference's definitions, and those checks are scored from that rerun. Only the rerun's
statuses are read: never its messages or output, so no reference code or value reaches a report.
The rerun is graded exactly like the first run (same confinement, hidden checks, time limits).

Only the failing prerequisites' own definitions are placed, appended to the student's module, so
an exercise that shares a file with its prerequisite (`gradient_descent` beside
`numerical_gradient`) is still the student's own code. A rerun only ever scores code of the
student's: an exercise with no functions of its own left in the rerun earns nothing from it. The
capstone has none (it grades the student's network and training loop together), so it is never
rerun: its score is what the student's own net, trained by the student's own loop, reaches. The
students' copy has no reference: there the report says how many points hang on the prerequisite
instead (`recoverable`).
"""
from __future__ import annotations

import ast
import shutil
from pathlib import Path
from typing import Callable

from . import manifest
from .manifest import TRAINED, Exercise
from .results import ExerciseResult, score_exercise
from .results import prerequisites as builds_on

WRAPPER = "_dlfs_charge_once"


def reference_source(reference: Path, exercise: Exercise) -> str:
    """The lines appended to the student's module: the reference's definitions of the
    exercise's names, with the imports they need, run in a namespace of their own (so nothing
    else of the student's module is rebound) under the module's file name and package (so
    relative imports reach the student's other modules and traces name the student's file)."""
    text = (reference / exercise.module).read_text(encoding="utf-8")
    tree = ast.parse(text)
    imports = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    defs = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))
            and n.name in exercise.names]
    missing = set(exercise.names) - {n.name for n in defs}
    if missing:
        raise ValueError(f"the reference {exercise.module} defines no {', '.join(missing)}")
    source = "\n\n".join(ast.get_source_segment(text, n) for n in imports + defs) + "\n"
    return (f"\n\n# charge-once: the reference's {', '.join(exercise.names)} in place of the "
            f"student's\n"
            f"def {WRAPPER}(source={source!r}, names={exercise.names!r}):\n"
            f"    namespace = {{'__name__': __name__, '__package__': __package__, "
            f"'__file__': __file__}}\n"
            f"    exec(compile(source, __file__, 'exec'), namespace)\n"
            f"    return {{name: namespace[name] for name in names}}\n\n\n"
            f"globals().update({WRAPPER}())\ndel {WRAPPER}\n")


def hybrid(target: Path, reference: Path, prerequisites: list[Exercise], into: Path) -> Path:
    """A copy of the submission `target` with each prerequisite's reference in place."""
    shutil.copytree(target, into, symlinks=False,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for exercise in prerequisites:
        module = into / exercise.module
        if module.is_file():  # a missing module stays missing: its import error is the student's
            with open(module, "a", encoding="utf-8") as stream:
                stream.write(reference_source(reference, exercise))
    return into


def failing_prerequisites(result: ExerciseResult, results: dict[str, ExerciseResult]
                          ) -> tuple[str, ...]:
    """The prerequisites (direct or not) of a dependent that did not pass, in book order."""
    return tuple(p.id for p in builds_on(result.exercise)
                 if p.id in results and results[p.id].status != "passed"
                 and p.phase != TRAINED)


def own_code_remains(exercise: Exercise, placed: tuple[str, ...]) -> bool:
    """Whether the rerun still runs functions of the student's own for this exercise: the names
    it grades, none of them among the placed references. Never for the capstone, which has no
    names of its own: a rerun would train the reference's net with the reference's loop."""
    replaced = {name for p in placed for name in manifest.BY_ID[p].names}
    return bool(exercise.module and set(exercise.names) - replaced)


def _rerun_tests(result: ExerciseResult, prerequisites: tuple[str, ...]) -> set[str]:
    """The checks of a dependent the rerun may rescore: failing ones that called a failing
    prerequisite (that raised, looped, is a stub or gave a wrong value)."""
    return {t.nodeid for t in result.tests if t.status not in ("passed", "skipped")
            and any(t.calls_into(manifest.BY_ID[p]) for p in prerequisites)}


def candidates(results: dict[str, ExerciseResult], chosen: list[str] | None = None
               ) -> dict[tuple[str, ...], list[str]]:
    """Dependents worth a rerun (of those chosen, when given), grouped by the prerequisites to
    put in place."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for result in results.values():
        if chosen is not None and result.id not in chosen:
            continue
        if result.status in ("passed", "not_started") or not result.blocked_by:
            continue
        prerequisites = failing_prerequisites(result, results)
        if prerequisites and own_code_remains(result.exercise, prerequisites) \
                and _rerun_tests(result, prerequisites):
            groups.setdefault(prerequisites, []).append(result.id)
    return groups


def rescore(results: dict[str, ExerciseResult], target: Path, reference: Path, scratch: Path,
            run: Callable[[list[Exercise], Path], dict[str, ExerciseResult]],
            chosen: list[str] | None = None) -> None:
    """Rerun the dependents (of those chosen) that failed with a failing prerequisite, and score
    each of their failing checks as the rerun found it. `run(exercises, folder)` grades like the
    first run."""
    for number, (prerequisites, dependents) in enumerate(candidates(results, chosen).items()):
        folder = hybrid(target, reference, [manifest.BY_ID[p] for p in prerequisites],
                        scratch / f"rerun-{number}")
        rerun = run([manifest.BY_ID[d] for d in dependents], folder)
        for dependent in dependents:
            _apply(results[dependent], rerun.get(dependent), prerequisites)


def _apply(result: ExerciseResult, rerun: ExerciseResult | None,
           prerequisites: tuple[str, ...]) -> None:
    if rerun is None:
        return
    # A check that passed in the rerun without running any of this exercise's own code graded
    # only the reference: it earns nothing back.
    passed_then = {t.nodeid for t in rerun.tests
                   if t.status == "passed" and t.calls_into(result.exercise)}
    eligible = _rerun_tests(result, prerequisites)
    before = result.score
    for test in result.tests:
        test.rescored = test.nodeid in eligible and test.nodeid in passed_then
    result.score = score_exercise(result.exercise, result.tests)
    result.charged_once = {"points": round(result.score - before, 2),
                           "prerequisites": list(prerequisites)}


def recoverable(result: ExerciseResult) -> float:
    """The points of a blocked exercise's checks that failed while calling its failing
    prerequisite: at most what comes back once the prerequisite is fixed. Nothing after a
    charge-once rerun: what still failed there is the student's own."""
    if not result.blocked_by or result.charged_once is not None:
        return 0.0
    prerequisite = manifest.BY_ID[result.blocked_by]
    counted = [t for t in result.tests if t.status != "skipped"]
    total = sum(t.weight for t in counted)
    hanging = sum(t.weight for t in counted
                  if not t.counts_as_passed and t.calls_into(prerequisite))
    return round(result.exercise.points * hanging / total, 2) if total else 0.0
