"""The judge's scoring, statuses, results and reporters, on results made here: no child process.

What grading runs decide from the judge's test results (statuses, partial credit, blocking,
the message shown first, the four report formats) is plain data in, plain data out, so these
tests build the results themselves. The real grading runs that produce such results are in
test_statuses.py, test_cli.py and test_mistakes.py.
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import click
import pytest

from grader import catalog, manifest
from grader.grading import blocking_prerequisite, likely_cause
from grader.reporters import render
from grader.results import (STATUSES, RunResult, blocked, build_exercise, exercise_status,
                            score_exercise)
from grader.results import TestResult as CheckResult  # "Test..." would be collected
from grader.runner import KitError, _results, _test_result

SOFTMAX = manifest.BY_ID["softmax"]  # 6 points


def check(status: str, weight: float = 1.0, exercise: str = "softmax", **fields) -> CheckResult:
    name = fields.pop("name", f"test_{status}_{weight:g}")
    return CheckResult(f"suites/ch03/test_softmax.py::{name}", exercise, weight, status,
                       **fields)


# ---- statuses --------------------------------------------------------------------------------

@pytest.mark.parametrize("statuses, expected", [
    (["passed", "passed"], "passed"),
    (["passed", "skipped"], "passed"),  # only the judge skips; a skip is not counted
    (["passed", "failed"], "partial"),
    (["passed", "timeout"], "partial"),
    (["not_started", "not_started"], "not_started"),
    (["not_started", "failed"], "failed"),
    (["failed", "error", "timeout"], "timeout"),  # the order that names a failed exercise
    (["failed", "error"], "error"),
    (["failed", "not_started"], "failed"),
])
def test_an_exercise_status_follows_its_checks(statuses, expected):
    assert exercise_status([check(s, name=f"t{i}") for i, s in enumerate(statuses)]) == expected
    assert expected in STATUSES


# ---- scores ----------------------------------------------------------------------------------

def test_partial_credit_is_the_passed_share_of_the_weights():
    tests = [check("passed", 2), check("failed", 1), check("passed", 3)]
    assert score_exercise(SOFTMAX, tests) == round(6 * 5 / 6, 2)
    assert score_exercise(SOFTMAX, [check("failed", 2), check("passed", 1)]) == 2.0


def test_skipped_checks_count_neither_way_and_no_checks_score_zero():
    assert score_exercise(SOFTMAX, [check("passed", 1), check("skipped", 5)]) == 6.0
    assert score_exercise(SOFTMAX, [check("skipped", 1)]) == 0.0
    assert score_exercise(SOFTMAX, []) == 0.0


def test_a_check_passed_with_the_reference_prerequisite_counts_but_keeps_its_status():
    rescored = check("failed", 2, rescored=True)
    assert rescored.counts_as_passed
    assert score_exercise(SOFTMAX, [rescored, check("failed", 1)]) == 4.0
    assert exercise_status([rescored, check("passed")]) == "partial"
    assert rescored.to_dict()["rescored"] is True


def test_scores_are_rounded_to_hundredths():
    assert score_exercise(SOFTMAX, [check("passed", 1), check("failed", 2)]) == 2.0
    assert score_exercise(manifest.BY_ID["sigmoid"], [check("passed", 1, "sigmoid"),
                                                      check("failed", 2, "sigmoid")]) == 1.33


def test_a_run_adds_up_its_exercises():
    run = RunResult([build_exercise(SOFTMAX, [check("passed", 1), check("failed", 1)]),
                     build_exercise(manifest.BY_ID["relu"], [check("passed", 1, "relu")])],
                    1.5, "/x")
    assert run.score == 3 + 3 and run.max_score == 6 + 3
    data = run.to_dict()
    assert data["score"] == 6 and data["max_score"] == 9
    assert [e["status"] for e in data["exercises"]] == ["partial", "passed"]


# ---- blocked, likely cause -------------------------------------------------------------------

def test_blocked_keeps_the_checks_that_ran_and_their_score():
    net = manifest.BY_ID["three_layer_net"]
    tests = [check("passed", 1, "three_layer_net"), check("failed", 1, "three_layer_net")]
    result = blocked(net, "sigmoid", tests)
    assert result.status == "blocked" and result.blocked_by == "sigmoid"
    assert result.score == 3.0 and result.tests == tests
    assert blocked(net, "sigmoid").score == 0.0
    assert "Blocked by sigmoid" in result.feedback()[0]
    assert result.to_dict()["blocked_by"] == "sigmoid"


def test_only_a_failing_prerequisite_the_failing_checks_called_blocks():
    net = manifest.BY_ID["three_layer_net"]
    results = {"sigmoid": build_exercise(manifest.BY_ID["sigmoid"],
                                         [check("failed", 1, "sigmoid")]),
               "identity_function": build_exercise(manifest.BY_ID["identity_function"],
                                                   [check("failed", 1, "identity_function")])}
    calls_sigmoid = build_exercise(net, [check(
        "failed", 1, "three_layer_net", called=["ch03/activations.py:sigmoid",
                                                "ch03/three_layer_net.py:forward"])])
    assert blocking_prerequisite(calls_sigmoid, results) == "sigmoid"
    own_fault = build_exercise(net, [check("failed", 1, "three_layer_net",
                                           called=["ch03/three_layer_net.py:forward"])])
    assert blocking_prerequisite(own_fault, results) is None
    passing = build_exercise(net, [check("passed", 1, "three_layer_net",
                                         called=["ch03/activations.py:sigmoid"])])
    assert blocking_prerequisite(passing, results) is None
    assert likely_cause(own_fault, results) == "sigmoid"  # the first failing prerequisite


def test_a_stub_prerequisite_blocks_only_where_the_exercises_own_code_reached_it():
    inference = manifest.BY_ID["mnist_inference"]
    results = {"sigmoid": build_exercise(manifest.BY_ID["sigmoid"],
                                         [check("not_started", 1, "sigmoid")])}
    reached = build_exercise(inference, [check(
        "not_started", 1, "mnist_inference", called=["ch03/mnist_inference.py:predict",
                                                     "ch03/activations.py:sigmoid"])])
    assert reached.status == "not_started"
    assert blocking_prerequisite(reached, results) == "sigmoid"
    # A check that stopped in the prerequisite's stub before the exercise's own code ran (a
    # fresh copy: minibatch_sgd's checks build a TwoLayerNet first) says nothing of that code.
    sgd = manifest.BY_ID["minibatch_sgd"]
    results["two_layer_net"] = build_exercise(manifest.BY_ID["two_layer_net"],
                                              [check("not_started", 1, "two_layer_net")])
    fresh = build_exercise(sgd, [check("not_started", 1, "minibatch_sgd", called=[
        "ch04/two_layer_net.py:TwoLayerNet.__init__"])])
    assert blocking_prerequisite(fresh, results) is None
    # Once some of its own checks get further, the same check blocks as any failing one.
    started = build_exercise(sgd, [check("passed", 1, "minibatch_sgd", name="own"), check(
        "not_started", 1, "minibatch_sgd", called=["ch04/two_layer_net.py:TwoLayerNet.__init__"])])
    assert blocking_prerequisite(started, results) == "two_layer_net"


def test_a_check_that_ran_out_of_time_names_the_code_it_was_in():
    # Its session died with the loop, so the frames caught at the deadline are what it ran.
    from grader.judge.plugin import _looped_in
    from grader.judge.session import StudentTimeout
    frames = [["ch03/three_layer_net.py", 30, "forward", "y = identity_function(a3)"],
              ["ch03/activations.py", 60, "identity_function", "while True:"]]
    called = _looped_in(StudentTimeout("forward", 5.0, frames))
    assert called == ["ch03/three_layer_net.py:forward", "ch03/activations.py:identity_function"]
    assert check("timeout", called=called).calls_into(manifest.BY_ID["identity_function"])
    assert _looped_in(ValueError("not a timeout")) == []


def test_a_method_call_counts_as_a_call_into_its_class():
    test = check("failed", called=["ch04/two_layer_net.py:TwoLayerNet.gradient"])
    assert test.calls_into(manifest.BY_ID["two_layer_net"])
    assert not test.calls_into(manifest.BY_ID["minibatch_sgd"])


# ---- feedback --------------------------------------------------------------------------------

def test_the_most_telling_message_comes_first():
    generic = check("failed", name="a", message="wrong value", key="feedback.softmax.wrong_value")
    raised = check("error", name="b", message="softmax raised ValueError")  # no catalog key
    named = check("failed", name="c", message="you changed the array",
                  key="feedback.softmax.mutates_input")
    result = build_exercise(SOFTMAX, [generic, raised, named, check("passed", name="d")])
    assert result.feedback() == ["you changed the array"]
    assert result.feedback(every_problem=True, named=True) == [
        "c: you changed the array", "b: softmax raised ValueError", "a: wrong value"]


def test_printed_output_shows_its_last_lines_and_advice_shows_once():
    printed = "\n".join(f"line {i}" for i in range(25))
    tests = [check("failed", name="a", message="wrong", output=printed, advice=["use axis=-1"]),
             check("passed", name="b", advice=["use axis=-1"])]
    lines = build_exercise(SOFTMAX, tests).feedback()
    assert lines[0] == "wrong"
    assert "line 24" in lines[1] and "line 14" not in lines[1] and "| line 15" in lines[1]
    assert lines[2:] == ["advice: use axis=-1"]


def test_the_next_step_is_the_first_exercise_not_passed_or_what_blocks_it():
    passed = build_exercise(manifest.BY_ID["sigmoid"], [check("passed", 1, "sigmoid")])
    net = blocked(manifest.BY_ID["three_layer_net"], "sigmoid")
    failing_sigmoid = build_exercise(manifest.BY_ID["sigmoid"], [check("failed", 1, "sigmoid")])
    assert "next: sigmoid (3.2.4)" in RunResult([failing_sigmoid, net], 1, "/x").next_step()
    assert "next: sigmoid (3.2.4)" in RunResult([passed, net], 1, "/x").next_step()
    assert "hidden checks have not run" in RunResult([passed], 1, "/x").next_step()
    assert "All exercises pass" in RunResult([passed], 1, "/x", hidden=True).next_step()


def test_the_capstone_keeps_its_records_and_others_do_not():
    capstone = manifest.BY_ID[manifest.CAPSTONE]
    records = {"accuracy": 0.95, "threshold": 0.93}
    final = build_exercise(capstone, [check("passed", 1, capstone.id, records=records)])
    assert final.to_dict()["accuracy"] == 0.95
    other = build_exercise(SOFTMAX, [check("passed", records={"accuracy": 1.0})])
    assert "accuracy" not in other.to_dict()


# ---- the judge's report, as grade reads it -------------------------------------------------

def report_test(nodeid: str, **metadata) -> dict:
    return {"nodeid": nodeid, "outcome": "passed", "metadata": metadata,
            "setup": {"duration": 0.25}, "call": {"duration": 1.0},
            "teardown": {"duration": 0.125}}


def test_a_judge_report_entry_becomes_a_test_result():
    test = _test_result(report_test(
        "hidden/ch03/test_softmax.py::test_big", exercise="softmax", weight=2, status="failed",
        message="overflow", advice=["subtract the max"], key="feedback.softmax.overflow",
        called=["ch03/softmax.py:softmax"], output="hi\n"))
    assert (test.exercise, test.weight, test.status, test.message) == \
        ("softmax", 2.0, "failed", "overflow")
    assert test.hidden and test.name == "test_big" and test.seconds == 1.375
    assert test.advice == ["subtract the max"] and test.called == ["ch03/softmax.py:softmax"]
    bare = _test_result({"nodeid": "suites/ch03/test_softmax.py::test_x"})
    assert (bare.status, bare.weight, bare.hidden) == ("error", 1.0, False)


def test_the_judges_report_file_is_read_or_its_failure_is_a_kit_error(tmp_path):
    report, log = tmp_path / "report.json", tmp_path / "judge.log"
    log.write_text("ImportError: cannot import name 'x'\n")
    with pytest.raises(KitError, match="(?s)could not run the suites.*cannot import name"):
        _results(report, log, 4)  # no report at all
    for exitcode in (2, 3, 4):  # interrupted, internal error, usage error
        report.write_text(json.dumps({"exitcode": exitcode, "tests": []}))
        with pytest.raises(KitError, match=f"exit status {exitcode + 10}"):
            _results(report, log, exitcode + 10)
    report.write_text(json.dumps({"exitcode": 1, "tests": [
        report_test("suites/a.py::t", exercise="softmax", status="kit_error",
                    message="MNIST could not be loaded")]}))
    with pytest.raises(KitError, match="MNIST could not be loaded"):
        _results(report, log, 1)
    report.write_text(json.dumps({"exitcode": 1, "tests": [
        report_test("suites/a.py::t", exercise="softmax", status="failed")]}))
    (test,) = _results(report, log, 1)
    assert test.status == "failed"


# ---- reporters -------------------------------------------------------------------------------

def sample_run() -> RunResult:
    softmax = build_exercise(SOFTMAX, [
        check("passed", 2, name="test_rows", seconds=0.5),
        check("failed", 1, name="test_big", message="overflow\nmore", seconds=0.25),
        check("timeout", 1, name="test_loop", message="took too long", hidden=True)])
    net = blocked(manifest.BY_ID["three_layer_net"], "sigmoid")
    relu = build_exercise(manifest.BY_ID["relu"], [check("not_started", 1, "relu",
                                                         message="relu is not written yet")])
    return RunResult([softmax, net, relu], 2.5, "/submission", hidden=True, sandbox="bwrap")


def test_json_report_is_the_results_model():
    data = json.loads(render(sample_run(), "json"))
    assert data["score"] == 3.0 and data["max_score"] == 15
    assert data["sandbox"] == "bwrap" and data["hidden_tests_included"] is True
    softmax, net, relu = data["exercises"]
    assert (softmax["status"], net["status"], relu["status"]) == \
        ("partial", "blocked", "not_started")
    assert [t["hidden"] for t in softmax["tests"]] == [False, False, True]
    assert net["blocked_by"] == "sigmoid" and net["tests"] == []


def test_text_report_has_a_row_per_exercise_and_the_first_problem():
    text = click.unstyle(render(sample_run(), "text"))  # styled; click strips it off a tty
    rows = {line.split()[0]: line for line in text.splitlines() if line[:1].isalpha()}
    assert "3/6" in rows["softmax"] and "0/6" in rows["three_layer_net"]
    assert "relu is not written yet" in text and "Blocked by sigmoid" in text
    assert "total: 3/15 points (2.5 s)" in text and "next: softmax (3.5.2)" in text
    verbose = render(sample_run(), "text", verbose=True)
    assert "overflow" in verbose and "took too long" in verbose


def test_the_capstone_report_calls_train_and_test_far_apart_only_when_they_are():
    capstone = manifest.BY_ID[manifest.CAPSTONE]

    def report(train: float, test: float) -> str:
        records = {"accuracy": test, "threshold": 0.93, "seconds": 10.0,
                   "history": {"loss": [0.3], "train_acc": [0.5, train], "test_acc": [0.5, test]}}
        final = build_exercise(capstone, [check("passed", 1, capstone.id, records=records)])
        return click.unstyle(render(RunResult([final], 10.0, "/x"), "text"))
    close_together = report(0.9476, 0.9455)  # the reference's last epoch
    assert "train accuracy 0.9476, test accuracy 0.9455" in close_together
    assert "far apart" not in close_together and "overfitting" not in close_together
    assert "far apart" in report(0.9990, 0.9350)


def test_junit_counts_failures_errors_and_a_blocked_exercise():
    root = ET.fromstring(render(sample_run(), "junit").split("\n", 1)[1])
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    softmax = suites["softmax"]
    assert (softmax.get("tests"), softmax.get("failures"), softmax.get("errors")) == \
        ("3", "1", "1")
    assert softmax.get("time") == "0.750"
    failure = softmax.find("testcase[@name='test_big']/failure")
    assert failure.get("message") == "overflow" and failure.text == "overflow\nmore"
    net = suites["three_layer_net"]
    assert net.get("failures") == "1" and \
        net.find("testcase/failure").get("message") == catalog.text("blocked.by",
                                                                    prerequisite="sigmoid")
    assert root.get("tests") == "5" and root.get("failures") == "3" and root.get("errors") == "1"


def test_gradescope_rows_add_up_to_the_score():
    data = json.loads(render(sample_run(), "gradescope"))
    assert data["score"] == 3.0 and data["execution_time"] == 2.5
    assert abs(sum(t["score"] for t in data["tests"]) - data["score"]) < 0.011
    assert all(t["status"] in ("passed", "failed") for t in data["tests"])
    assert all(0 <= t["score"] <= t["max_score"] for t in data["tests"])
