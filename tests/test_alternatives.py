"""Each correct alternative in tests/alternatives/<exercise>/, written differently from solutions/,
scores full marks, public and hidden checks alike."""
from pathlib import Path

import pytest

from grader.judge import sandbox
from submissions import by_id, grade_json, patched_submission, read_fixture

ALTERNATIVES = sorted((Path(__file__).parent / "alternatives").glob("*/*.py"))
# --hidden refuses to grade unconfined unless told to; these fixtures are the kit's own code.
UNCONFINED = ["--sandbox", "none"] if sandbox.bwrap_problem() else []


# About 40 gradings of well under a second each: some 30 s in all, so slow.
def _cases():
    """Every alternative; those of an exercise that reads MNIST need it."""
    from grader.manifest import BY_ID
    for path in ALTERNATIVES:
        exercise = BY_ID[path.parent.name]
        yield pytest.param(path, marks=[pytest.mark.needs_mnist] if exercise.uses_mnist else [],
                           id=f"{exercise.id}/{path.stem}")


@pytest.mark.slow
@pytest.mark.parametrize("path", list(_cases()))
def test_alternative_scores_full_marks(path, tmp_path):
    fixture = read_fixture(path)
    exercise_id = path.parent.name
    submission = patched_submission(tmp_path, {fixture["module"]: fixture["text"]})
    _, results = grade_json(submission, exercise_id, "--hidden", *UNCONFINED)
    assert results["hidden_tests_included"], results.get("kit_error")
    exercise = by_id(results)[exercise_id]
    failing = [f"{t['name']} ({'hidden' if t['hidden'] else 'public'}, {t['status']}): "
               f"{t['message']}" for t in exercise["tests"] if t["status"] != "passed"]
    assert exercise["score"] == exercise["max_score"] and not failing, (
        f"{path.name} scored {exercise['score']}/{exercise['max_score']}:\n" + "\n".join(failing))
    assert any(t["hidden"] for t in exercise["tests"]), "no hidden check ran"


def test_every_exercise_with_a_module_has_alternatives():
    from grader.manifest import EXERCISES
    covered = {p.parent.name for p in ALTERNATIVES}
    missing = [e.id for e in EXERCISES if e.module and e.id not in covered]
    assert not missing, f"no alternative fixture for {missing}"
