"""Gradescope's autograder results format (results.json).

One Gradescope test per exercise for its public checks, shown to the student at once; when the
instructor's hidden checks ran, a second test per exercise holds them, with the points they carry,
shown only as the instructor chooses (Gradescope's `visibility`: after_published by default)."""
from __future__ import annotations

from dataclasses import replace

from .. import catalog, manifest
from ..grading import blocking_prerequisite, likely_cause
from ..results import ExerciseResult, RunResult, exercise_status
from .safe_text import dumps, scrubbed
from .text import shows_accuracy

# Gradescope's visibility values, most hidden first.
VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
HIDDEN_VISIBILITY = "after_published"


def _output(result: ExerciseResult) -> str:
    lines = [catalog.text(f"status.{result.status}"),
             *result.feedback(every_problem=True, named=True)]
    if shows_accuracy(result):  # the capstone: what it reached against what it needed
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
    lines += [f"{t.name}: {t.text() or t.status}" for t in tests
              if t.status not in ("passed", "skipped")]
    return "\n".join(lines)


def _public_view(result: RunResult) -> dict[str, ExerciseResult]:
    """Each exercise as its public checks alone have it: its status, the prerequisite blocking
    it, the likely cause and the points hanging on the prerequisite, all worked out as if no
    hidden check had run, so that a row the student sees at once (and resubmits against) cannot
    tell what the hidden checks found. The points hanging are a share of the row's own points."""
    view = {}
    for whole in result.exercises:
        tests = [t for t in whole.tests if not t.hidden]
        view[whole.id] = replace(whole, tests=tests,
                                 status=exercise_status(tests) if tests else whole.status,
                                 blocked_by=None, likely_cause=None, recoverable=0.0)
    for whole in result.exercises:
        public = view[whole.id]
        prerequisite = blocking_prerequisite(public, view)
        if prerequisite:
            public.status, public.blocked_by = "blocked", prerequisite
            public.recoverable = _hanging(whole, public)
        elif whole.likely_cause:
            public.likely_cause = likely_cause(public, view)
    return view


def _hanging(whole: ExerciseResult, public: ExerciseResult) -> float:
    """The points of public's failing checks that called its blocking prerequisite, out of the
    whole exercise's weights (as its score is): never more than the public row's points."""
    if whole.charged_once is not None:  # what still failed in the rerun is the student's own
        return 0.0
    prerequisite = manifest.BY_ID[public.blocked_by]
    total = sum(t.weight for t in whole.tests if t.status != "skipped")
    hanging = sum(t.weight for t in public.tests if t.status != "skipped"
                  and not t.counts_as_passed and t.calls_into(prerequisite))
    return round(whole.max_score * hanging / total, 2) if total else 0.0


def _tests(result: ExerciseResult, public: ExerciseResult, hidden_visibility: str
           ) -> list[dict]:
    name = f"{result.id} ({result.exercise.section})"
    hidden = [t for t in result.tests if t.hidden and t.status != "skipped"]
    if not hidden:
        return [{"name": name, "score": result.score, "max_score": result.max_score,
                 "status": "passed" if public.status == "passed" else "failed",
                 "output": _output(public), "visibility": "visible"}]
    scored, possible = _points(result, hidden=False)
    # The hidden row gets what is left, so the two rows add up to the exercise's score exactly.
    return [{"name": name, "score": scored, "max_score": possible,
             "status": "passed" if public.status == "passed" else "failed",
             "output": _output(public), "visibility": "visible"},
            {"name": catalog.text("gradescope.hidden_name", name=name),
             "score": round(result.score - scored, 2),
             "max_score": round(result.max_score - possible, 2),
             "status": "passed" if all(t.status == "passed" for t in hidden) else "failed",
             "output": _hidden_output(result), "visibility": hidden_visibility}]


def _next_step(result: RunResult, view: dict[str, ExerciseResult]) -> str:
    """What to do next, judged by the public checks alone when hidden ones ran."""
    if not result.hidden:
        return result.next_step()
    for exercise in result.exercises:
        public = view[exercise.id]
        if public.status != "passed":
            first = manifest.BY_ID[public.blocked_by or exercise.id]
            return catalog.text("next.step", exercise=first.id, section=first.section)
    return catalog.text("gradescope.public_done")


def render(result: RunResult, hidden_visibility: str = HIDDEN_VISIBILITY) -> str:
    if hidden_visibility not in VISIBILITIES:
        raise ValueError(f"hidden_visibility must be one of {', '.join(VISIBILITIES)}")
    result = scrubbed(result)  # Gradescope shows these strings to the student as they are
    # Without hidden checks the public view is the run itself: graded as `grade run` shows it.
    view = _public_view(result) if result.hidden else {e.id: e for e in result.exercises}
    tests = [row for e in result.exercises for row in _tests(e, view[e.id], hidden_visibility)]
    data = {"score": result.score, "execution_time": round(result.seconds, 3),
            "output": result.kit_error or _next_step(result, view), "visibility": "visible",
            "stdout_visibility": "hidden", "tests": tests}
    return dumps(data, indent=2) + "\n"
