"""No module of the grader names an exercise or a chapter folder in its code: what makes the
capstone different is a field of its manifest entry (grader/manifest.py), which the generic
modules read. Only the manifest, the suites (each mirrors the module it grades) and the
capstone's own worker scenarios may name it. Comments and docstrings may give examples."""
from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

from grader import manifest
from grader.worker import scenarios

GRADER = Path(manifest.__file__).resolve().parent
NAMES = re.compile(r"mnist_final|CAPSTONE|TwoLayerNet|(?<![A-Za-z0-9])ch\d\d(?![A-Za-z0-9])")
ALLOWED = ("manifest.py", "suites/", "hidden/", "worker/network.py")


def _docstrings(tree: ast.AST) -> set[tuple[int, int]]:
    """Where each docstring of tree starts, as (line, column)."""
    starts = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) \
                and node.body and isinstance(node.body[0], ast.Expr) \
                and isinstance(node.body[0].value, ast.Constant) \
                and isinstance(node.body[0].value.value, str):
            starts.add((node.body[0].lineno, node.body[0].col_offset))
    return starts


def names_in_code(source: str) -> list[tuple[int, str]]:
    """(line, the name) for each exercise or chapter name in source's identifiers and strings,
    comments and docstrings left out."""
    skip = _docstrings(ast.parse(source))
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in (tokenize.NAME, tokenize.STRING) or token.start in skip:
            continue
        found.extend((token.start[0], match) for match in NAMES.findall(token.string))
    return found


def _allowed(path: Path) -> bool:
    relative = path.relative_to(GRADER).as_posix()
    return any(relative == a or (a.endswith("/") and relative.startswith(a)) for a in ALLOWED)


def test_no_generic_module_names_an_exercise_or_a_chapter():
    found = [f"grader/{path.relative_to(GRADER).as_posix()}:{line}: {name}"
             for path in sorted(GRADER.rglob("*.py")) if not _allowed(path)
             for line, name in names_in_code(path.read_text(encoding="utf-8"))]
    assert not found, "read the manifest's fields instead:\n" + "\n".join(found)


def test_the_scan_finds_names_in_code_and_leaves_comments_and_docstrings():
    # the manifest names them all, so the pattern is the right one
    in_manifest = {name for _, name in names_in_code(
        (GRADER / "manifest.py").read_text(encoding="utf-8"))}
    assert {"mnist_final", "CAPSTONE", "TwoLayerNet", "ch03", "ch04"} <= in_manifest
    source = ('"""Grades ch03/softmax.py."""\n'
              '# the capstone: mnist_final\n'
              'def f():\n'
              '    """TwoLayerNet\'s gradient."""\n'
              '    return CAPSTONE, f"{x}/ch04/train.py", "sch033", "ch03x"\n')
    assert names_in_code(source) == [(5, "CAPSTONE"), (5, "ch04")]


def test_the_worker_loads_the_scenario_modules_the_manifest_names():
    named = {e.scenarios for e in manifest.EXERCISES if e.scenarios}
    assert named and set(scenarios.SCENARIO_MODULES) == named
    for name in named:
        assert (GRADER / "worker" / f"{name}.py").is_file(), name
    # the capstone's training step is found by name where the session looks for it
    assert scenarios.capstone.__module__ == scenarios.__package__ + ".network"


def test_every_field_of_the_manifest_names_something_that_exists():
    from grader.figures import DRAWINGS
    modules = set(manifest.modules())
    for exercise in manifest.EXERCISES:
        assert exercise.phase in (manifest.UNIT, manifest.TRAINED), exercise.id
        assert exercise.followed_files and set(exercise.followed_files) <= modules, exercise.id
        assert set(exercise.figures) <= set(DRAWINGS), exercise.id
        assert set(exercise.shows) <= {"accuracy", "train_test_gap"}, exercise.id
    assert {f for e in manifest.EXERCISES for f in e.figures} == set(DRAWINGS)
    solutions = GRADER.parent / "solutions"
    for exercise in manifest.EXERCISES:
        if not exercise.drives:
            continue
        (cls_module, cls_name), (fn_module, fn_name) = (t.split(":") for t in exercise.drives)
        tree = ast.parse((solutions / f"{cls_module.replace('.', '/')}.py").read_text())
        (cls,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls_name]
        methods = {n.name for n in cls.body if isinstance(n, ast.FunctionDef)}
        assert set(exercise.methods) <= methods, exercise.id
        tree = ast.parse((solutions / f"{fn_module.replace('.', '/')}.py").read_text())
        assert fn_name in {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
