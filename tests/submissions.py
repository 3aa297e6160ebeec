"""Builds graded submissions for the kit's own tests: the reference solutions with one module
patched by a fixture file (a known mistake, or hostile code), and grades them for real."""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from click.testing import CliRunner

from grader.cli import main

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"


def read_fixture(path: Path) -> dict[str, str]:
    """The `key: value` lines of a fixture's docstring, and its whole text under "text"."""
    text = path.read_text(encoding="utf-8")
    header = text.split('"""')[1]
    fields = dict(line.split(":", 1) for line in header.strip().splitlines() if ":" in line)
    return {**{k.strip(): v.strip() for k, v in fields.items()}, "text": text}


def patched_submission(folder: Path, patches: dict[str, str], base: Path = SOLUTIONS) -> Path:
    """A copy of `base` with each patch's text appended to its module (later defs win)."""
    target = folder / "submission"
    shutil.copytree(base, target, ignore=shutil.ignore_patterns("__pycache__"))
    for module, text in patches.items():
        with open(target / module, "a", encoding="utf-8") as stream:
            stream.write("\n\n" + text)
    return target


_SCRATCH: list[tempfile.TemporaryDirectory] = []


def _scratch() -> Path:
    if not _SCRATCH:
        _SCRATCH.append(tempfile.TemporaryDirectory(prefix="dlfs-tests-"))
    return Path(_SCRATCH[0].name)


def grade_json(target: Path, *args: str, keep_output: bool = False):
    """`grade run ... --format json` through the CLI; its exit code and results (and the
    results file, with keep_output)."""
    # Beside a submission made in a test's tmp_path; never into the kit (solutions/, exercises/)
    # and never a name another run in parallel picks too.
    folder = _scratch() if target.parent == ROOT else target.parent
    handle, name = tempfile.mkstemp(prefix="results-", suffix=".json", dir=folder)
    os.close(handle)
    output = Path(name)
    output.unlink()  # grade writes it; its absence shows a run that wrote nothing
    result = CliRunner().invoke(main, ["run", "--target", str(target), "--format", "json",
                                       "--output", str(output), *args])
    assert output.exists(), result.output
    if keep_output:
        return result.exit_code, json.loads(output.read_text()), output
    return result.exit_code, json.loads(output.read_text())


def by_id(results: dict) -> dict[str, dict]:
    return {e["id"]: e for e in results["exercises"]}


def messages(exercise: dict) -> str:
    return "\n".join(t["message"] for t in exercise["tests"])


def worker_processes() -> list[int]:
    """Processes running this test session's workers: their command line names dlfs_worker and
    their environment carries the session's DLFS_WORKER_TAG (set in conftest.py), so workers of
    another test run on the same machine are not counted. A fork of a worker keeps both."""
    tag = f"DLFS_WORKER_TAG={os.environ.get('DLFS_WORKER_TAG', '')}".encode()
    found = []
    for name in filter(str.isdigit, os.listdir("/proc")):
        try:
            if b"dlfs_worker" in Path(f"/proc/{name}/cmdline").read_bytes() and \
                    tag in Path(f"/proc/{name}/environ").read_bytes().split(b"\0"):
                found.append(int(name))
        except OSError:
            pass
    return found
