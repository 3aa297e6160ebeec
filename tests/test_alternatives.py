"""Each correct alternative in tests/alternatives/<exercise>/, written differently from solutions/,
scores full marks, public and hidden checks alike."""
from pathlib import Path

import pytest

from conftest import MNIST_DIR
from grader import manifest
from grader.judge import sandbox
from submissions import by_id, grade_json, patched_submission, read_fixture

ALTERNATIVES = sorted((Path(__file__).parent / "alternatives").glob("*/*.py"))
# --hidden refuses to grade unconfined unless told to; these fixtures are the kit's own code.
UNCONFINED = ["--sandbox", "none"] if sandbox.bwrap_problem() else []
# One alternative per exercise is in the fast set, all of them in one grading run: the first of
# its folder, except where what it returns would reach another exercise of the same run (a
# float32 sigmoid or softmax feeds two_layer_net; extra keys in params reach minibatch_sgd's
# update). The others are a grading run each (about 40 of well under a second), so slow.
FAST = {path.parent.name: path for path in reversed(ALTERNATIVES)}
FAST.update({name: Path(__file__).parent / "alternatives" / name / f"{stem}.py"
              for name, stem in (("sigmoid", "tanh"), ("softmax", "log_sum_exp"),
                                 ("two_layer_net", "items_and_mean"))})


def _failures(exercise: dict) -> list[str]:
    return [f"{t['name']} ({'hidden' if t['hidden'] else 'public'}, {t['status']}): "
            f"{t['message']}" for t in exercise["tests"] if t["status"] != "passed"]


def _assert_full_marks(exercise: dict, path: Path):
    failing = _failures(exercise)
    assert exercise["score"] == exercise["max_score"] and not failing, (
        f"{path.parent.name}/{path.name} scored {exercise['score']}/{exercise['max_score']}:\n" +
        "\n".join(failing))
    assert any(t["hidden"] for t in exercise["tests"]), f"no hidden check ran for {path}"


def _cases():
    """Every alternative but the one of each exercise in FAST; those of an exercise that reads
    MNIST need it."""
    for path in ALTERNATIVES:
        if FAST[path.parent.name] == path:
            continue
        exercise = manifest.BY_ID[path.parent.name]
        yield pytest.param(path, marks=[pytest.mark.needs_mnist] if exercise.uses_mnist else [],
                           id=f"{exercise.id}/{path.stem}")


def test_one_alternative_of_every_exercise_scores_full_marks(tmp_path):
    """One alternative of each exercise (FAST), all in one submission graded once (an exercise
    that reads MNIST only where there is MNIST). Each fixture defines only its own names, so
    several appended to one module leave the others' definitions standing."""
    chosen = {exercise_id: path for exercise_id, path in FAST.items()
              if MNIST_DIR is not None or not manifest.BY_ID[exercise_id].uses_mnist}
    patches: dict[str, str] = {}
    for path in chosen.values():
        fixture = read_fixture(path)
        patches[fixture["module"]] = patches.get(fixture["module"], "") + "\n\n" + fixture["text"]
    submission = patched_submission(tmp_path, patches)
    _, results = grade_json(submission, *chosen, "--hidden", *UNCONFINED)
    assert results["hidden_tests_included"], results.get("kit_error")
    graded = by_id(results)
    assert set(graded) == set(chosen), sorted(graded)
    for exercise_id, path in chosen.items():
        _assert_full_marks(graded[exercise_id], path)


@pytest.mark.slow
@pytest.mark.parametrize("path", list(_cases()))
def test_alternative_scores_full_marks(path, tmp_path):
    fixture = read_fixture(path)
    exercise_id = path.parent.name
    submission = patched_submission(tmp_path, {fixture["module"]: fixture["text"]})
    _, results = grade_json(submission, exercise_id, "--hidden", *UNCONFINED)
    assert results["hidden_tests_included"], results.get("kit_error")
    _assert_full_marks(by_id(results)[exercise_id], path)


def test_every_exercise_with_a_module_has_alternatives():
    covered = {p.parent.name for p in ALTERNATIVES}
    missing = [e.id for e in manifest.EXERCISES if e.module and e.id not in covered]
    assert not missing, f"no alternative fixture for {missing}"
