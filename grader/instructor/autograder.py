"""Gradescope's `run_autograder`: grade /autograder/submission into /autograder/results.

Runs inside Gradescope's container, one submission per container, from the zip that `grade
release --gradescope` writes. A student may upload the exercises/ folder, its chapter folders,
the loose .py files, or a zip of any of these (`grade submit` writes one); each is laid out as
exercises/ in a scratch folder before grading. Whatever happens, results.json is written: what
the student did wrong is said to the student, what the kit could not do is said as the kit's.

    python -m grader.instructor.autograder [ROOT]   (ROOT: $DLFS_AUTOGRADER_ROOT or /autograder)
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from .. import catalog, manifest
from ..grading import grade_exercises
from ..reporters import gradescope, write_atomically
from ..reporters.safe_text import dumps, visible
from ..results import RunResult
from ..runner import KitError, RunOptions, sandbox_mode
from .batch import SubmissionError, extract_zip, find_exercises
from .unzip import check_tree

CONFIG = "gradescope.json"  # written into the zip by `grade release --gradescope`
DEFAULTS = {"hidden": True, "hidden_visibility": gradescope.HIDDEN_VISIBILITY,
            "skip_final": False, "timeout": 60.0}


def _loose_files(upload: Path, into: Path) -> Path:
    """Lay the exercise modules found anywhere in upload (by file name: softmax.py...) out as
    into/exercises/ch03/softmax.py...; the exercises folder, or SubmissionError if none."""
    by_name = {Path(m).name: m for m in manifest.modules()}
    found = {}
    for path in sorted(upload.rglob("*.py")):
        if path.name in by_name and not path.is_symlink() and "__MACOSX" not in path.parts:
            found.setdefault(by_name[path.name], path)
    if not found:
        raise SubmissionError(catalog.text("autograder.nothing_found",
                                           names=", ".join(sorted(by_name))))
    exercises = into / "exercises"
    for module, path in found.items():
        (exercises / module).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, exercises / module)
    for package in {exercises, *((exercises / m).parent for m in manifest.modules())}:
        package.mkdir(parents=True, exist_ok=True)
        (package / "__init__.py").touch()  # the modules import each other relatively
    return exercises


def arrange(upload: Path, scratch: Path) -> Path:
    """The folder laid out like exercises/ to grade, made from what the student uploaded."""
    if not upload.is_dir() or not any(upload.iterdir()):
        raise SubmissionError(catalog.text("autograder.empty"))
    check_tree(upload)  # before anything walks it: an upload Gradescope unpacked itself
    visible = [p for p in upload.iterdir() if not p.name.startswith(".")]
    zips = [p for p in visible if p.suffix.lower() == ".zip"]
    if len(visible) == 1 and zips:  # a zip of the folder, or of the files
        upload = scratch / "unzipped"
        extract_zip(zips[0], upload)
    try:
        exercises = find_exercises(upload)
    except SubmissionError:
        return _loose_files(upload, scratch / "loose")
    if not any((exercises / m).is_file() for m in manifest.modules()):
        return _loose_files(upload, scratch / "loose")
    return exercises


def _config(source: Path) -> dict:
    try:
        return {**DEFAULTS, **json.loads((source / CONFIG).read_text(encoding="utf-8"))}
    except FileNotFoundError:
        return dict(DEFAULTS)


def _not_graded(message: str) -> str:
    # The message may quote a zip member's name, which the student chose.
    return dumps({"score": 0.0, "execution_time": 0, "output": visible(message),
                  "visibility": "visible", "stdout_visibility": "hidden", "tests": []},
                 indent=2) + "\n"


def run(root: Path) -> None:
    """Grade root/submission with root/source's kit into root/results/results.json."""
    config = _config(root / "source")
    # gradescope.json's "lang" (the release's language), as DLFS_LANG: the judge's messages and
    # results.json, which renders each check's message from its key and fields, speak it
    if config.get("lang"):
        os.environ["DLFS_LANG"] = str(config["lang"])
    results = root / "results" / "results.json"
    scratch = Path(tempfile.mkdtemp(prefix="dlfs-autograder-"))
    try:
        try:
            target = arrange(root / "submission", scratch)
        except SubmissionError as error:
            write_atomically(results, _not_graded(str(error)))
            print(f"not graded: {visible(str(error))}")
            return
        mode, reason = sandbox_mode("auto")  # the ladder: bwrap, else (root) uid, landlock
        print(f"grading {target}: " + (
            "confined by bubblewrap" if mode == "bwrap" else
            f"unconfined ({reason}); the container is the boundary" if mode == "none" else
            f"confined by {mode} (not bubblewrap: {reason})"))
        options = RunOptions(target=target, hidden=bool(config["hidden"]),
                             timeout=float(config["timeout"]), sandbox=mode,
                             on_progress=lambda line: print(line, flush=True))
        try:
            result = grade_exercises((), options, skip_final=bool(config["skip_final"]))
            if result.kit_error:  # e.g. no MNIST: a partial total must not post as the grade
                raise KitError(result.kit_error)
        except KitError as error:
            print(f"kit error: {error}")
            result = RunResult([], 0.0, str(target), hidden=options.hidden, sandbox=mode,
                               kit_error=catalog.text("autograder.kit_error", reason=error))
        write_atomically(results, gradescope.render(result, config["hidden_visibility"]))
        print(f"score {result.score}/{result.max_score} written to {results}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    run(Path(sys.argv[1] if len(sys.argv) > 1
             else os.environ.get("DLFS_AUTOGRADER_ROOT", "/autograder")))
