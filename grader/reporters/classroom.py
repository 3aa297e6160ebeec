"""GitHub Classroom's autograding report, made from a `grade run --format json` results file.

The workflow that `grade release --github-classroom` adds grades once, keeps the JSON results as
an artifact, and hands this report to the classroom-resources/autograding-grading-reporter
action. That action reads, for each runner id in its `runners` input, the environment variable
<ID>_RESULTS: base64 of {"version": 1, "status": "pass"|"fail"|"error", "max_score": N,
"tests": [{"name", "status", "score", "message", ...}]}, and gives the student the sum of the
tests' scores out of max_score: here one test per exercise, worth its points.

    python -m grader.reporters.classroom RESULTS_JSON   prints the base64 report
"""
from __future__ import annotations

import base64
import sys
from typing import Any

from .. import catalog, manifest
from ..results import ExerciseResult, ResultsFileError, RunResult
from .safe_text import dumps, scrubbed


def _message(exercise: ExerciseResult) -> str:
    failing = [t for t in exercise.tests if t.status not in ("passed", "skipped")]
    if exercise.blocked_by:
        return catalog.text("blocked.by", prerequisite=exercise.blocked_by)
    if "accuracy" in exercise.exercise.shows and "accuracy" in exercise.extra:
        return catalog.text("report.accuracy", accuracy=exercise.extra["accuracy"],
                            threshold=exercise.extra.get("threshold", 0))
    # in the workflow's language (DLFS_LANG), from its key and fields
    return failing[0].text() or failing[0].status if failing else ""


def report(result: RunResult) -> dict[str, Any]:
    """The autograding report for one run's results."""
    result = scrubbed(result)  # the action prints these in a log that obeys escapes
    if result.kit_error:
        return {"version": 1, "status": "error",
                "max_score": sum(e.points for e in manifest.EXERCISES),
                "tests": [{"name": "grade", "status": "error", "score": 0, "line_no": 0,
                           "message": result.kit_error}]}
    tests = [{"name": f"{e.id} ({e.exercise.section})",
              "status": "pass" if e.status == "passed" else "fail",
              "score": e.score, "max_score": e.max_score, "line_no": 0,
              "message": _message(e)} for e in result.exercises]
    return {"version": 1, "status": "pass" if all(t["status"] == "pass" for t in tests)
            else "fail", "max_score": result.max_score, "tests": tests}


def encode(result: RunResult) -> str:
    return base64.b64encode(dumps(report(result)).encode()).decode()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m grader.reporters.classroom RESULTS_JSON")
    try:
        print(encode(RunResult.load(sys.argv[1])))
    except ResultsFileError as error:
        sys.exit(error.message)
