"""Submissions that fight back: each costs only its own exercise (zero where the attack itself
is charged, no full marks where it only returns wrong answers), with a reason an instructor can
read, within its time budget, and leaves the instructor's kit byte-for-byte unchanged."""
import hashlib
from pathlib import Path

import pytest

from submissions import ROOT, by_id, grade_json, messages, patched_submission, read_fixture

HOSTILE = sorted((Path(__file__).parent / "hostile").glob("*.py"))
# Exercises graded beside the hostile one, which must keep their full marks.
BYSTANDERS = ("sigmoid", "sum_squared_error")


def kit_digest() -> str:
    digest = hashlib.sha256()
    for folder in ("grader", "solutions", "data"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path).encode() + path.read_bytes())
    return digest.hexdigest()


@pytest.mark.parametrize("path", HOSTILE, ids=lambda p: p.stem)
def test_hostile_submission_costs_only_itself(path, tmp_path, monkeypatch):
    monkeypatch.setenv("DLFS_MEMORY_LIMIT_GIB", "2")
    fixture = read_fixture(path)
    if "env" in fixture:  # e.g. DLFS_PROTECT_KIT=1 for code that hunts down the real kit
        monkeypatch.setenv(*fixture["env"].split("=", 1))
    zero = [name.strip() for name in fixture["zero"].split(",")]
    submission = patched_submission(tmp_path, {fixture["module"]: fixture["text"]})
    before = kit_digest()

    code, results = grade_json(submission, *zero, *BYSTANDERS, "--timeout", "5")

    assert code == 0
    exercises = by_id(results)
    for exercise_id in zero:
        exercise = exercises[exercise_id]
        if fixture["status"] == "failed":  # wrong answers after the attack: no full marks
            assert exercise["score"] < exercise["max_score"], exercise
            assert exercise["status"] in ("failed", "partial"), exercise
        else:  # the attack itself is charged: nothing for this exercise
            assert exercise["score"] == 0, exercise
            assert exercise["status"] == fixture["status"], exercise
        assert fixture["expect"].lower() in messages(exercise).lower(), messages(exercise)
    for exercise_id in BYSTANDERS:
        assert exercises[exercise_id]["status"] == "passed", exercises[exercise_id]
    assert kit_digest() == before, "the graded code changed the instructor's kit"
