"""`check()` for Jupyter, IPython and Colab: a real `grade run` in a subprocess, its results shown
as a table in a notebook (`_repr_html_`) and as text in a console.

The grading runs in a child process, which starts its own judge and worker, so edits saved under
exercises/ are picked up without restarting the kernel, and nothing the student's code does
(crash, exit, loop) reaches the kernel: a run that outlives its limit is killed with its group.
"""
from __future__ import annotations

import html
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from . import catalog, manifest
from .reporters.html import table
from .reporters.safe_text import visible
from .reporters.text import table_row
from .results import ExerciseResult, ResultsFileError, RunResult
from .targets import KIT_ROOT, target_path

# Beyond every check's own limit: the judge's whole-run limit (runner.RunOptions) and start-up.
RUN_LIMIT_SECONDS = 1800 + 120


class CheckResult:
    """What `check()` returns: the run's results, or why the kit could not grade. Shown as a
    table in a notebook (the HTML report's), text elsewhere."""

    def __init__(self, results: RunResult | dict[str, Any] | None, problem: str = ""):
        # results: the run, or its JSON as `grade run --format json` writes it
        self.run = RunResult.from_dict(results) if isinstance(results, dict) else results
        self.problem = problem

    @property
    def results(self) -> dict[str, Any] | None:
        """The run's results as `grade run --format json` writes them."""
        return None if self.run is None else self.run.to_dict()

    @property
    def score(self) -> float:
        return self.run.score if self.run else 0.0

    @property
    def statuses(self) -> dict[str, str]:
        return {e.id: e.status for e in self.run.exercises} if self.run else {}

    def _lines(self, exercise: ExerciseResult) -> list[str]:
        lines = exercise.feedback(every_problem=True)
        if exercise.status != "passed" and catalog.has(f"hint.{exercise.id}"):
            lines.append(catalog.text("html.hint", hint=catalog.text(f"hint.{exercise.id}"),
                                      section=exercise.exercise.section))
        return [visible(line) for line in lines]  # the student's escapes shown, not obeyed

    def _total(self) -> str:
        return catalog.text("report.total", score=self.run.score,
                            max_score=self.run.max_score, seconds=self.run.seconds)

    def __str__(self) -> str:
        if self.run is None:
            return visible(self.problem)
        out = [table_row(*(catalog.text(f"table.{k}") for k in ("exercise", "section", "points",
                                                                  "status")), 13)]
        for exercise in self.run.exercises:
            points = f"{exercise.score:g}/{exercise.max_score:g}"
            out.append(table_row(exercise.id, exercise.exercise.section, points,
                                 catalog.text("status." + exercise.status), 13))
            out += ["    " + line for line in self._lines(exercise)]
        return "\n".join([*out, self._total()])

    __repr__ = __str__

    def _repr_html_(self) -> str:
        if self.run is None:
            return f"<pre>{html.escape(visible(self.problem))}</pre>"
        return table(self.run) + f"<p><b>{html.escape(self._total())}</b></p>"


def _run_grade(arguments: list[str], limit: float) -> tuple[int | None, str]:
    """Run `grade run ARGUMENTS` in a child process group; (its exit status, its stderr)."""
    command = [sys.executable, "-m", "grader.cli", "run", *arguments]
    process = subprocess.Popen(command, cwd=KIT_ROOT, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        _, errors = process.communicate(timeout=limit)
        return process.returncode, errors
    except BaseException:  # the limit, or the kernel interrupted (KeyboardInterrupt)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise


def check(*ids: str, target: str = "exercises", timeout: float = 60.0,
          skip_final: bool = False) -> CheckResult:
    """Grade the exercises named (all when none), as saved on disk, and show the feedback.

    check("softmax"); check("sigmoid", "relu"); check() grades everything (the MNIST capstone
    trains for a minute or so: skip_final=True leaves it out)."""
    unknown = [i for i in ids if i not in manifest.BY_ID]
    if unknown:
        raise ValueError(f"unknown exercise {unknown[0]!r}: the ids are "
                         + ", ".join(manifest.BY_ID))
    with tempfile.TemporaryDirectory(prefix="dlfs-check-") as scratch:
        output = Path(scratch) / "results.json"
        # From the kernel's current directory, as `grade --target` takes it: grade runs elsewhere
        arguments = [*ids, "--target", str(target_path(target, must_exist=False)),
                     "--format", "json", "--output", str(output),
                     "--timeout", str(timeout), *(["--skip-final"] if skip_final else [])]
        try:
            status, errors = _run_grade(arguments, RUN_LIMIT_SECONDS)
        except subprocess.TimeoutExpired:
            return CheckResult(None, catalog.text("check.too_long", seconds=RUN_LIMIT_SECONDS))
        try:
            results = RunResult.load(output)
        except ResultsFileError as error:
            if output.exists():  # written, but not readable: say why
                return CheckResult(None, error.message)
            return CheckResult(None, catalog.text("check.no_results", status=status,
                                                  errors=errors.strip()[-2000:]))
    if results.kit_error:
        return CheckResult(None, results.kit_error)
    return CheckResult(results)
