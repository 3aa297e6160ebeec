"""`grade reset ID`: put an exercise's stub back, keeping the student's file beside it.

The pristine stubs ship inside the grader package of a students' copy (grader/stubs/, written by
`grade release`). In the instructor's copy exercises/ itself holds the stubs, so another folder
(`--target PATH`) is reset from it. Only the exercise's own functions are replaced, so the other
exercises of the same file keep the student's work; a file that does not parse is restored whole.
"""
from __future__ import annotations

import ast
import shutil
from pathlib import Path

from . import catalog, manifest

STUBS = Path(__file__).resolve().parent / "stubs"


class ResetError(Exception):
    """Nothing to reset from, or nothing to reset; the message says what to do."""


def pristine_folder(target: Path, kit_root: Path) -> Path:
    if STUBS.is_dir():
        return STUBS
    exercises = (kit_root / "exercises").resolve()
    if exercises.is_dir() and exercises != target.resolve():
        return exercises
    raise ResetError(catalog.text("reset.no_stubs", folder=target))


def _spans(source: str, names: tuple[str, ...]) -> dict[str, tuple[int, int]] | None:
    """{name: (first line, last line)} (1-based, decorators included) of the top-level defs and
    classes named; None when the source does not parse or one is missing."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    found = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) \
                and node.name in names:
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            found[node.name] = (first, node.end_lineno)
    return found if set(found) == set(names) else None


def backup_path(path: Path) -> Path:
    candidate = path.with_name(path.name + ".backup")
    number = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.backup-{number}")
        number += 1
    return candidate


def reset(exercise_id: str, target: Path, kit_root: Path) -> tuple[Path, Path, bool]:
    """Put exercise_id's stub back in target; (the file, its backup, whether it was whole)."""
    exercise = manifest.BY_ID[exercise_id]
    if exercise.module is None:
        raise ResetError(catalog.text("reset.capstone", exercise=exercise_id,
                                      builds_on=", ".join(exercise.prerequisites)))
    stub_file = pristine_folder(target, kit_root) / exercise.module
    path = target / exercise.module
    stub = stub_file.read_text(encoding="utf-8")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(stub, encoding="utf-8")
        return path, None, True
    mine = path.read_text(encoding="utf-8")
    stub_spans, my_spans = _spans(stub, exercise.names), _spans(mine, exercise.names)
    if stub_spans is None:
        raise ResetError(f"the pristine stub {stub_file} has no {', '.join(exercise.names)}: "
                         "the kit is damaged; reinstall it")
    stub_lines, my_lines = stub.splitlines(keepends=True), mine.splitlines(keepends=True)
    if my_spans is None:
        result, whole = stub, True
    else:
        for name in sorted(my_spans, key=lambda n: my_spans[n][0], reverse=True):
            first, last = my_spans[name]
            stub_first, stub_last = stub_spans[name]
            my_lines[first - 1:last] = stub_lines[stub_first - 1:stub_last]
        result, whole = "".join(my_lines), False
    if result == mine:
        raise ResetError(catalog.text("reset.already", exercise=exercise_id, path=path))
    backup = backup_path(path)
    shutil.copyfile(path, backup)
    path.write_text(result, encoding="utf-8")
    return path, backup, whole
