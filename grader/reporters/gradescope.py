"""Gradescope's autograder results format (results.json): one Gradescope test per exercise."""
from __future__ import annotations

import json

from .. import catalog
from ..results import ExerciseResult, RunResult


def _output(result: ExerciseResult) -> str:
    return "\n".join([catalog.text(f"status.{result.status}"),
                      *result.feedback(every_problem=True, named=True)])


def render(result: RunResult) -> str:
    tests = [{"name": f"{e.id} ({e.exercise.section})", "score": e.score,
              "max_score": e.max_score, "status": "passed" if e.status == "passed" else "failed",
              "output": _output(e), "visibility": "visible"} for e in result.exercises]
    data = {"score": result.score, "execution_time": round(result.seconds, 3),
            "output": result.kit_error or result.next_step(), "visibility": "visible",
            "stdout_visibility": "hidden", "tests": tests}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
