"""`grade notebook`: the exercises as a Jupyter notebook (nbformat 4, written as plain JSON).

One section per exercise, in book order: its title and section, the docstrings of what the
student writes (read from the stubs with ast, never run), a link to the file to edit, and a
`check("<id>")` cell. The code stays in exercises/, where `grade` and check() grade it.
"""
from __future__ import annotations

import ast
import json
from pathlib import Path

from . import catalog, manifest


def _docstrings(module: Path, names: tuple[str, ...]) -> list[tuple[str, str]]:
    """(name, docstring) of each top-level def or class named, as the file has them."""
    try:
        tree = ast.parse(module.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return []
    found = {node.name: ast.get_docstring(node) or "" for node in tree.body
             if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in names}
    return [(name, found[name]) for name in names if name in found]


def _markdown(text: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": text.splitlines(keepends=True)}


def _code(text: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
            "source": text.splitlines(keepends=True)}


def build(target: Path, relative_to: Path, kit_exercises: Path) -> dict:
    """The notebook for the exercises in target; file links are relative to relative_to (the
    folder the notebook is written in). Its check() cells grade target."""
    where = "" if target.resolve() == kit_exercises.resolve() else f", target={str(target)!r}"
    cells = [_markdown(catalog.text("notebook.intro")), _code("from grader import check")]
    for exercise in manifest.EXERCISES:
        heading = f"## {exercise.id}: {catalog.title(exercise)} ({exercise.section})\n\n"
        if exercise.module is None:
            cells.append(_markdown(heading + catalog.text("notebook.capstone")))
            cells.append(_code(f'check("{exercise.id}"{where})'))
            continue
        path = target / exercise.module
        try:
            link = path.resolve().relative_to(relative_to.resolve()).as_posix()
        except ValueError:
            link = path.resolve().as_posix()
        parts = [heading + catalog.text("notebook.edit", file=exercise.module, link=link)]
        for name, doc in _docstrings(path, exercise.names):
            parts.append(f"### `{name}`\n\n```text\n{doc}\n```")
        cells.append(_markdown("\n\n".join(parts)))
        cells.append(_code(f'check("{exercise.id}"{where})'))
    return {"cells": cells, "metadata": {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"}}, "nbformat": 4, "nbformat_minor": 5}


def write(target: Path, output: Path, kit_exercises: Path) -> int:
    """Write the notebook; how many exercises it holds."""
    notebook = build(target, output.parent, kit_exercises)
    for number, cell in enumerate(notebook["cells"]):
        cell["id"] = f"cell-{number}"  # nbformat 4.5 wants an id on every cell
    output.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n",
                      encoding="utf-8")
    return len(manifest.EXERCISES)
