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
import json
import sys
from pathlib import Path
from typing import Any

from .. import catalog, manifest
from .safe_text import dumps, scrub, visible


def _message(exercise: dict[str, Any]) -> str:
    failing = [t for t in exercise.get("tests", []) if t.get("status") not in ("passed",
                                                                             "skipped")]
    if exercise.get("blocked_by"):
        return catalog.text("blocked.by", prerequisite=exercise["blocked_by"])
    if manifest.shows(exercise.get("id"), "accuracy") and "accuracy" in exercise:
        return catalog.text("report.accuracy", accuracy=exercise["accuracy"],
                            threshold=exercise["threshold"])
    return failing[0].get("message") or failing[0]["status"] if failing else ""


def report(results: dict[str, Any]) -> dict[str, Any]:
    """The autograding report for one run's results."""
    results = scrub(results, visible)  # the action prints these in a log that obeys escapes
    if results.get("kit_error"):
        return {"version": 1, "status": "error",
                "max_score": sum(e.points for e in manifest.EXERCISES),
                "tests": [{"name": "grade", "status": "error", "score": 0, "line_no": 0,
                           "message": str(results["kit_error"])}]}
    tests = [{"name": f"{e['id']} ({e['section']})",
              "status": "pass" if e["status"] == "passed" else "fail",
              "score": e["score"], "max_score": e["max_score"], "line_no": 0,
              "message": _message(e)} for e in results["exercises"]]
    return {"version": 1, "status": "pass" if all(t["status"] == "pass" for t in tests)
            else "fail", "max_score": results["max_score"], "tests": tests}


def encode(results: dict[str, Any]) -> str:
    return base64.b64encode(dumps(report(results)).encode()).decode()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m grader.reporters.classroom RESULTS_JSON")
    print(encode(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))))
