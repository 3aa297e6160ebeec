"""Each known mistake in tests/mistakes/<exercise>/ loses points and is named in the feedback.

A fixture's docstring: `module:` the file its text is appended to, `expect:` a phrase of the
messages, and `hidden: yes` to grade with the hidden checks (confined where bubblewrap runs).
Optional: `absent:` a phrase no message may hold (a message untrue of this mistake), `first:` a
phrase of the one message the text report shows first (the mistake ranked above the others).
"""
from pathlib import Path

import pytest
from click.testing import CliRunner

from submissions import by_id, grade_json, messages, patched_submission, read_fixture

from grader import manifest
from grader.cli import main
from grader.judge.sandbox import bwrap_problem

MISTAKES = sorted((Path(__file__).parent / "mistakes").glob("*/*.py"))


def _cases():
    """Every mistake. Each is a grading run of its own (a second or two), so by default only the
    first of each exercise runs; the others, and the capstone's, which train on MNIST until they
    are caught, are marked slow (the full test command still runs them)."""
    seen = set()
    for path in MISTAKES:
        exercise = path.parent.name
        slow = exercise == "mnist_final" or exercise in seen
        seen.add(exercise)
        marks = [pytest.mark.slow] if slow else []
        if manifest.BY_ID[exercise].uses_mnist:
            marks.append(pytest.mark.needs_mnist)
        yield pytest.param(path, marks=marks,
                           id=f"{exercise}/{path.stem}")


@pytest.mark.parametrize("path", list(_cases()))
def test_mistake_is_caught_with_its_message(path, tmp_path):
    fixture = read_fixture(path)
    exercise_id = path.parent.name
    submission = patched_submission(tmp_path, {fixture["module"]: fixture["text"]})
    hidden = ["--hidden", *(["--sandbox", "none"] if bwrap_problem() else [])]
    _, results = grade_json(submission, exercise_id, *(hidden if fixture.get("hidden") == "yes"
                                                        else []))
    exercise = by_id(results)[exercise_id]
    assert exercise["score"] < exercise["max_score"], f"{path.name} scored full marks"
    assert fixture["expect"].lower() in messages(exercise).lower(), messages(exercise)
    if fixture.get("absent"):
        assert fixture["absent"].lower() not in messages(exercise).lower(), messages(exercise)
    if fixture.get("first"):
        report = CliRunner().invoke(main, ["run", "--target", str(submission), exercise_id])
        shown = " ".join(report.output.split())  # the report wraps its lines
        assert fixture["first"] in shown.split(exercise_id + " ", 1)[-1], report.output


def test_every_exercise_with_a_module_has_mistakes():
    from grader.manifest import EXERCISES
    covered = {p.parent.name for p in MISTAKES}
    missing = [e.id for e in EXERCISES if e.module and e.id not in covered]
    assert not missing, f"no known-mistake fixture for {missing}"
