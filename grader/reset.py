"""`grade reset ID`: put an exercise's stub back, keeping the student's file beside it.

The pristine stubs ship inside the grader package of a students' copy (grader/stubs/, written by
`grade release`, a copy of the master's exercises/). In the instructors' copy exercises/ itself
holds the stubs `grade release` would ship, so another folder (`--target PATH`) is reset from it,
and exercises/ itself from the same files as last committed (git HEAD), the stubs a release
built from that commit ships. Only the exercise's own functions are replaced, so the other
exercises of the same file keep the student's work; a file that does not parse is restored whole.
"""
from __future__ import annotations

import ast
import shutil
import subprocess
from pathlib import Path

from . import catalog, manifest
from .runner import KitError
from .targets import target_path

STUBS = Path(__file__).resolve().parent / "stubs"


class ResetError(Exception):
    """Nothing to reset (the student's to fix), or, from pristine_folder, no folder of stubs to
    reset from; the message says what to do."""


def pristine_folder(target: Path, kit_root: Path) -> Path:
    """The folder of the stubs `grade release` ships, for a target other than that folder:
    grader/stubs/ in a students' copy, exercises/ in the instructors'."""
    if STUBS.is_dir():
        return STUBS
    exercises = target_path("exercises", kit_root, must_exist=False)
    if exercises.is_dir() and exercises != target.resolve():
        return exercises
    raise ResetError(catalog.text("reset.no_stubs", folder=target))


def pristine_stub(module: str, target: Path, kit_root: Path) -> tuple[str, str]:
    """The released stub of module (its text), and where it was read: from pristine_folder, or
    for the instructors' exercises/ itself, from its last commit. KitError when this copy of
    the kit has none to give (a kit's fault: exit status 2, where a ResetError is 1)."""
    try:
        stub_file = pristine_folder(target, kit_root) / module
    except ResetError:
        committed = _committed(kit_root, f"exercises/{module}")
        if committed is None:
            raise KitError(catalog.text("reset.no_stubs", folder=target)) from None
        return committed, f"{target / module} (git HEAD)"
    return stub_file.read_text(encoding="utf-8"), str(stub_file)


def _committed(kit_root: Path, relative: str) -> str | None:
    """relative (a path under kit_root) as last committed, or None: no git, no repository, or
    not in its last commit."""
    try:  # "./": the path is taken from kit_root, wherever the repository's top is
        shown = subprocess.run(["git", "-C", str(kit_root), "show", f"HEAD:./{relative}"],
                               stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if shown.returncode != 0:
        return None
    try:
        return shown.stdout.decode("utf-8")
    except UnicodeDecodeError:
        return None


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
    stub, stub_file = pristine_stub(exercise.module, target, kit_root)
    path = target / exercise.module
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(stub, encoding="utf-8")
        return path, None, True
    mine = path.read_text(encoding="utf-8")
    stub_spans, my_spans = _spans(stub, exercise.names), _spans(mine, exercise.names)
    if stub_spans is None:
        raise KitError(f"the pristine stub {stub_file} has no {', '.join(exercise.names)}: "
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
