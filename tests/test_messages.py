"""What the reports say around the checks' own messages (issue 19, item 6): `-v` names each
message's check and never repeats one, the capstone's two test accuracies are told apart, and
the last line says what to do next. Built from results, without a grading run."""
from __future__ import annotations

from grader import catalog, manifest
from grader.reporters import render
from grader.results import RunResult, build_exercise
from grader.results import TestResult as CheckResult  # "Test..." would be collected

SIGMOID = manifest.BY_ID["sigmoid"]


def check(status: str, name: str, exercise: str = "sigmoid", **fields) -> CheckResult:
    return CheckResult(f"suites/ch03/test_activations.py::{name}", exercise, 1.0, status,
                       **fields)


def test_verbose_names_each_check_and_shows_a_shared_message_once():
    same = "sigmoid raised TypeError: only length-1 arrays can be converted"
    tests = [check("error", "test_sigmoid_values", message=same),
             check("error", "test_sigmoid_batch", message=same),
             check("failed", "test_sigmoid_large", message="returned nan for 1000",
                   key="feedback.sigmoid.overflow"),
             check("passed", "test_sigmoid_scalar")]
    run = RunResult([build_exercise(SIGMOID, tests)], 1.0, "/x")
    verbose = " ".join(render(run, "text", verbose=True).split())  # unwrapped
    assert verbose.count(same) == 1, verbose
    assert "test_sigmoid_values, test_sigmoid_batch: " + same in verbose
    assert "test_sigmoid_large: returned nan for 1000" in verbose
    quiet = render(run, "text")
    assert "test_sigmoid_large" not in quiet and "returned nan for 1000" in quiet
