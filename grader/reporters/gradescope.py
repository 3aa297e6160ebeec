"""Gradescope's autograder results format (results.json).

One Gradescope test per exercise for its public checks, shown to the student at once; when the
instructor's hidden checks ran, a second test per exercise holds them, with the points they carry,
shown only as the instructor chooses (Gradescope's `visibility`: after_published by default)."""
from __future__ import annotations

from dataclasses import replace

from .. import catalog, manifest
from ..results import ExerciseResult, RunResult, exercise_status
from .safe_text import dumps, scrubbed

# Gradescope's visibility values, most hidden first.
VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
HIDDEN_VISIBILITY = "after_published"


def _output(result: ExerciseResult) -> str:
    lines = [catalog.text(f"status.{result.status}"),
             *result.feedback(every_problem=True, named=True)]
    if "accuracy" in result.extra:  # the capstone: what it reached against what it needed
        lines.append(catalog.text("capstone.summary", accuracy=result.extra["accuracy"],
                                  threshold=result.extra.get("threshold", 0),
                                  seconds=result.extra.get("seconds", 0)))
    return "\n".join(lines)


def _points(result: ExerciseResult, hidden: bool) -> tuple[float, float]:
    """The points (scored, possible) that the public or the hidden checks carry: the exercise's
    points are shared out by the checks' weights, as the exercise's score is."""
    counted = [t for t in result.tests if t.status != "skipped"]
    total = sum(t.weight for t in counted)
    mine = [t for t in counted if t.hidden == hidden]
    possible = result.max_score * sum(t.weight for t in mine) / total
    scored = result.max_score * sum(t.weight for t in mine if t.counts_as_passed) / total
    return round(scored, 2), round(possible, 2)


def _hidden_output(result: ExerciseResult) -> str:
    tests = [t for t in result.tests if t.hidden]
    lines = [catalog.text("gradescope.hidden_checks",
                          passed=sum(t.status == "passed" for t in tests), total=len(tests))]
    lines += [f"{t.name}: {t.message or t.status}" for t in tests
              if t.status not in ("passed", "skipped")]
    return "\n".join(lines)


def _tests(result: ExerciseResult, hidden_visibility: str) -> list[dict]:
    name = f"{result.id} ({result.exercise.section})"
    hidden = [t for t in result.tests if t.hidden and t.status != "skipped"]
    if not hidden:
        return [{"name": name, "score": result.score, "max_score": result.max_score,
                 "status": "passed" if result.status == "passed" else "failed",
                 "output": _output(result), "visibility": "visible"}]
    public = replace(result, tests=[t for t in result.tests if not t.hidden])
    scored, possible = _points(result, hidden=False)
    public_passed = all(t.status in ("passed", "skipped") for t in public.tests)
    # The hidden row gets what is left, so the two rows add up to the exercise's score exactly.
    return [{"name": name, "score": scored, "max_score": possible,
             "status": "passed" if public_passed and not result.blocked_by else "failed",
             "output": _output(replace(public, status=_public_status(public, result))),
             "visibility": "visible"},
            {"name": catalog.text("gradescope.hidden_name", name=name),
             "score": round(result.score - scored, 2),
             "max_score": round(result.max_score - possible, 2),
             "status": "passed" if all(t.status == "passed" for t in hidden) else "failed",
             "output": _hidden_output(result), "visibility": hidden_visibility}]


def _public_status(public: ExerciseResult, whole: ExerciseResult) -> str:
    """The status the public checks alone earn: the student must not read the hidden ones'."""
    return "blocked" if whole.blocked_by else exercise_status(public.tests) if public.tests \
        else whole.status


def _next_step(result: RunResult) -> str:
    """What to do next, judged by the public checks alone when hidden ones ran."""
    if not result.hidden:
        return result.next_step()
    for exercise in result.exercises:
        public = [t for t in exercise.tests if not t.hidden]
        if exercise.blocked_by or (public and _public_status(
                replace(exercise, tests=public), exercise) != "passed"):
            first = manifest.BY_ID[exercise.blocked_by or exercise.id]
            return catalog.text("next.step", exercise=first.id, section=first.section)
    return catalog.text("gradescope.public_done")


def render(result: RunResult, hidden_visibility: str = HIDDEN_VISIBILITY) -> str:
    if hidden_visibility not in VISIBILITIES:
        raise ValueError(f"hidden_visibility must be one of {', '.join(VISIBILITIES)}")
    result = scrubbed(result)  # Gradescope shows these strings to the student as they are
    tests = [row for e in result.exercises for row in _tests(e, hidden_visibility)]
    data = {"score": result.score, "execution_time": round(result.seconds, 3),
            "output": result.kit_error or _next_step(result), "visibility": "visible",
            "stdout_visibility": "hidden", "tests": tests}
    return dumps(data, indent=2) + "\n"
