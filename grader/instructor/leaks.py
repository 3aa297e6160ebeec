"""The release's first check: no reference solution's text in any file it ships.

Every function and method body in solutions/ is compared, as code tokens (so layout and comments
do not matter), against every shipped file. Provided code is the exception: a body the mirrored
stub has too, under the same name, that is not one of the exercise's own functions. Bodies under
MIN_BODY_WORDS tokens (`return x`) are not searched for."""
from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

from .. import manifest

MIN_BODY_WORDS = 4
WORD = re.compile(r"\w+|[^\w\s]")


def _code_words(source: str) -> list[tuple[tuple[int, int], str]]:
    """(position, word) of every word of the code, comments left out."""
    words = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                              tokenize.DEDENT, tokenize.ENDMARKER):
            words += [(token.start, w) for w in WORD.findall(token.string)]
    return words


def searchable(path: Path, text: str) -> list[str]:
    """The ways a body could sit in a file: among its code with the comments left out (a
    copy with its comments), and among all its words but `#` (a copy commented out)."""
    views = [" ".join(w for w in WORD.findall(text) if w != "#")]
    if path.suffix == ".py":
        try:
            views.append(" ".join(w for _, w in _code_words(text)))
        except (tokenize.TokenError, SyntaxError):
            pass
    return [f" {view} " for view in views]


def function_bodies(source: str) -> list[tuple[str, str]]:
    """(qualified name, body) for every function and method; a body is its code without the
    docstring and comments, as words joined by single spaces, so layout does not matter."""
    tree = ast.parse(source)
    words = _code_words(source)
    found = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            name = prefix + getattr(child, "name", "")
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                body = child.body[1:] if ast.get_docstring(child) is not None else child.body
                if body:
                    start = (body[0].lineno, body[0].col_offset)
                    end = (body[-1].end_lineno, body[-1].end_col_offset)
                    found.append((name, " " + " ".join(
                        w for position, w in words if start <= position < end) + " "))
            visit(child, name + "." if isinstance(child, (ast.ClassDef, ast.FunctionDef,
                                                           ast.AsyncFunctionDef)) else prefix)
    visit(tree, "")
    return found


def _exercise_names(module: str) -> set[str]:
    return {n for e in manifest.EXERCISES if e.module == module for n in e.names}


def reference_leaks(kit_root: Path, release: Path) -> list[str]:
    """Where a reference body appears in the release ("solutions/<module>: the body of <name>
    is in <file>"), except provided code: a body that the mirrored stub has, identical, under the
    same name, and that is not itself an exercise."""
    texts = {}
    for path in sorted(p for p in release.rglob("*") if p.is_file()):
        try:
            texts[path.relative_to(release)] = searchable(path, path.read_bytes().decode())
        except UnicodeDecodeError:
            continue  # binary data (.npz) holds no source text
    leaks = []
    for solution in sorted((kit_root / "solutions").rglob("*.py")):
        module = solution.relative_to(kit_root / "solutions").as_posix()
        stub = kit_root / "exercises" / module
        provided = set(function_bodies(stub.read_text(encoding="utf-8"))) if stub.is_file() \
            else set()
        for name, body in function_bodies(solution.read_text(encoding="utf-8")):
            exercise = name in _exercise_names(module)  # a method may be provided code
            if len(body.split()) < MIN_BODY_WORDS or ((name, body) in provided and not exercise):
                continue
            leaks += [f"solutions/{module}: the body of {name} is in {where.as_posix()}"
                      for where, views in texts.items() if any(body in v for v in views)]
    return leaks
