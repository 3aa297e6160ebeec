"""The results model and the reporters on their own, with no grading run: statuses, scoring by
weight, which message a student reads first, and what each report format carries. (The tests
that grade for real check that the judge's checks arrive here; these check what is made of them.)
"""
import json
import xml.etree.ElementTree as ET

import pytest

from grader import manifest, results
from grader.reporters import render
from grader.results import ExerciseResult, RunResult, exercise_status, score_exercise

SOFTMAX = next(e for e in manifest.EXERCISES if e.id == "softmax")
SIGMOID = next(e for e in manifest.EXERCISES if e.id == "sigmoid")


def check(status, weight=1.0, key="", message="", name="test_x", exercise="softmax"):
    return results.TestResult(nodeid=f"suites/ch03/test_{exercise}.py::{name}", exercise=exercise,
                              weight=weight, status=status, message=message or status,
                              key=key)


@pytest.mark.parametrize("statuses, expected", [
    (["passed", "passed"], "passed"),
    (["passed", "skipped"], "passed"),
    (["passed", "failed"], "partial"),
    (["passed", "timeout"], "partial"),
    (["not_started", "not_started"], "not_started"),
    (["not_started", "failed"], "failed"),
    (["failed", "error"], "error"),
    (["error", "timeout", "failed"], "timeout"),
])
def test_an_exercises_status_follows_its_checks(statuses, expected):
    assert exercise_status([check(s) for s in statuses]) == expected


def test_points_are_shared_out_by_weight_and_skipped_checks_do_not_count():
    tests = [check("passed", 3), check("failed", 1), check("skipped", 5)]
    assert score_exercise(SOFTMAX, tests) == round(SOFTMAX.points * 3 / 4, 2)
    assert score_exercise(SOFTMAX, [check("skipped")]) == 0.0
    rescued = check("failed", 1)
    rescued.rescored = True  # passed once its failing prerequisite's reference was put in
    assert score_exercise(SOFTMAX, [check("passed", 1), rescued]) == SOFTMAX.points


def test_a_named_mistake_is_read_before_a_value_that_is_only_wrong():
    tests = [check("failed", key="feedback.softmax.wrong_value", message="only wrong", name="a"),
             check("failed", key="feedback.softmax.overflow", message="named", name="b"),
             check("passed", name="c")]
    result = ExerciseResult(SOFTMAX, "partial", 2.0, tests)
    assert result.feedback() == ["named"]
    assert result.feedback(every_problem=True, named=True) == ["b: named", "a: only wrong"]


def test_the_next_step_is_the_prerequisite_that_blocks():
    blocked = ExerciseResult(SOFTMAX, "blocked", 0.0, [check("failed")], blocked_by="sigmoid")
    run = RunResult([ExerciseResult(SIGMOID, "failed", 0.0, [check("failed")]), blocked],
                    seconds=1.0, target="/x")
    assert "sigmoid" in run.next_step() and SIGMOID.section in run.next_step()
    done = RunResult([ExerciseResult(SIGMOID, "passed", SIGMOID.points, [check("passed")])],
                     seconds=1.0, target="/x")
    assert run.score == 0 and done.score == SIGMOID.points
    assert done.next_step() != run.next_step()


def sample_run() -> RunResult:
    sigmoid = ExerciseResult(SIGMOID, "passed", float(SIGMOID.points),
                             [check("passed", exercise="sigmoid", name="test_a")])
    softmax = ExerciseResult(SOFTMAX, "partial", 2.5, [
        check("passed", name="test_b"),
        check("failed", name="test_c", message="softmax([1010, 1000, 990]) returned nan")])
    return RunResult([sigmoid, softmax], seconds=2.0, target="/submission", sandbox="bwrap")


def test_json_report_is_the_results_model():
    run = sample_run()
    data = json.loads(render(run, "json"))
    assert data["score"] == run.score == SIGMOID.points + 2.5
    assert data["max_score"] == SIGMOID.points + SOFTMAX.points
    assert [e["id"] for e in data["exercises"]] == ["sigmoid", "softmax"]
    assert data["exercises"][1]["tests"][1] == {"name": "test_c", "status": "failed",
                                                "message": "softmax([1010, 1000, 990]) "
                                                           "returned nan", "hidden": False}
    assert data["sandbox"] == "bwrap" and "manifest" in data


def test_junit_counts_every_check_and_failure():
    root = ET.fromstring(render(sample_run(), "junit"))
    cases = list(root.iter("testcase"))
    assert len(cases) == 3
    assert sum(1 for case in cases if case.find("failure") is not None) == 1


def test_gradescope_has_one_test_per_exercise_adding_up_to_the_score():
    data = json.loads(render(sample_run(), "gradescope"))
    assert [t["max_score"] for t in data["tests"]] == [SIGMOID.points, SOFTMAX.points]
    assert sum(t["score"] for t in data["tests"]) == SIGMOID.points + 2.5


def test_text_report_names_the_failing_check_and_the_total():
    text = render(sample_run(), "text")
    assert "softmax([1010, 1000, 990]) returned nan" in text
    assert f"{SIGMOID.points + 2.5:g}" in text
