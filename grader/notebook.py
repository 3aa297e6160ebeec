"""`check()` for Jupyter, IPython and Colab: a real `grade run` in a subprocess, its results shown
as a table in a notebook (`_repr_html_`) and as text in a console.

The grading runs in a child process, which starts its own judge and worker, so edits saved under
exercises/ are picked up without restarting the kernel, and nothing the student's code does
(crash, exit, loop) reaches the kernel: a run that outlives its limit is killed with its group.
"""
from __future__ import annotations

import html
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from . import catalog, manifest
from .reporters.safe_text import visible
from .reporters.text import table_row

KIT_ROOT = Path(__file__).resolve().parent.parent
# Beyond every check's own limit: the judge's whole-run limit (runner.RunOptions) and start-up.
RUN_LIMIT_SECONDS = 1800 + 120
COLOURS = {"passed": "#1a7f37", "partial": "#9a6700", "failed": "#cf222e", "error": "#cf222e",
           "not_started": "#6e7781", "timeout": "#8250df", "blocked": "#0969da"}


class CheckResult:
    """What `check()` returns: the run's results (JSON, as `grade run --format json` writes
    them), or why the kit could not grade. Shown as a table in a notebook, text elsewhere."""

    def __init__(self, results: dict | None, problem: str = ""):
        self.results, self.problem = results, problem

    @property
    def score(self) -> float:
        return float((self.results or {}).get("score", 0.0))

    @property
    def statuses(self) -> dict[str, str]:
        return {e["id"]: e["status"] for e in (self.results or {}).get("exercises", [])}

    def _lines(self, exercise: dict) -> list[str]:
        # Each distinct message once (a stub's four checks all say "still raises ...").
        lines = list(dict.fromkeys(t["message"] for t in exercise.get("tests", [])
                                   if t.get("status") not in ("passed", "skipped")
                                   and t.get("message")))
        if exercise.get("blocked_by"):
            lines.insert(0, catalog.text("blocked.by", prerequisite=exercise["blocked_by"]))
        lines += [catalog.text("advice.prefix", advice=a) for a in exercise.get("advice", [])]
        if exercise["status"] != "passed" and catalog.has(f"hint.{exercise['id']}"):
            lines.append(catalog.text("html.hint", hint=catalog.text(f"hint.{exercise['id']}"),
                                      section=exercise["section"]))
        return [visible(line) for line in lines]  # the student's escapes shown, not obeyed

    def _total(self) -> str:
        return catalog.text("report.total", score=self.score,
                            max_score=self.results.get("max_score", 0),
                            seconds=self.results.get("seconds", 0))

    def __str__(self) -> str:
        if self.results is None:
            return visible(self.problem)
        out = [table_row(*(catalog.text(f"table.{k}") for k in ("exercise", "section", "points",
                                                                  "status")), 13)]
        for exercise in self.results["exercises"]:
            points = f"{exercise['score']:g}/{exercise['max_score']:g}"
            out.append(table_row(exercise["id"], exercise["section"], points,
                                 catalog.text("status." + exercise["status"]), 13))
            out += ["    " + line for line in self._lines(exercise)]
        return "\n".join([*out, self._total()])

    __repr__ = __str__

    def _repr_html_(self) -> str:
        if self.results is None:
            return f"<pre>{html.escape(visible(self.problem))}</pre>"
        rows = []
        for exercise in self.results["exercises"]:
            colour = COLOURS.get(exercise["status"], "inherit")
            details = "".join(f'<div style="white-space: pre-wrap">{html.escape(line)}</div>'
                              for line in self._lines(exercise))
            rows.append(
                f'<tr data-id="{html.escape(exercise["id"])}"><td>{html.escape(exercise["id"])}'
                f"</td><td>{html.escape(exercise['section'])}</td>"
                f"<td>{exercise['score']:g}/{exercise['max_score']:g}</td>"
                f'<td style="color: {colour}; font-weight: 600">'
                f"{html.escape(catalog.text('status.' + exercise['status']))}</td>"
                f'<td style="text-align: left">{details}</td></tr>')
        head = "".join(f"<th>{html.escape(catalog.text(k))}</th>" for k in (
            "html.exercise", "html.section", "html.points", "html.status", "html.feedback"))
        return (f'<table class="dlfs-check"><thead><tr>{head}</tr></thead>'
                f"<tbody>{''.join(rows)}</tbody></table>"
                f"<p><b>{html.escape(self._total())}</b></p>")


def _grade(arguments: list[str], limit: float) -> tuple[int | None, str]:
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
        arguments = [*ids, "--target", target, "--format", "json", "--output", str(output),
                     "--timeout", str(timeout), *(["--skip-final"] if skip_final else [])]
        try:
            status, errors = _grade(arguments, RUN_LIMIT_SECONDS)
        except subprocess.TimeoutExpired:
            return CheckResult(None, catalog.text("check.too_long", seconds=RUN_LIMIT_SECONDS))
        try:
            results = json.loads(output.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return CheckResult(None, catalog.text("check.no_results", status=status,
                                                  errors=errors.strip()[-2000:]))
    if results.get("kit_error"):
        return CheckResult(None, results["kit_error"])
    return CheckResult(results)
