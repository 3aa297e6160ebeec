"""The `grade` command through Click's CliRunner, with real grading children underneath."""
import json
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from grader import manifest
from grader.cli import main
from submissions import EXERCISES, ROOT, SOLUTIONS, patched_submission

QUICK = ["step_function", "sigmoid", "softmax"]


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_hint_names_the_section():
    result = invoke("hint", "softmax")
    assert result.exit_code == 0
    assert "3.5.2" in result.output and "Hint for softmax" in result.output


def test_unknown_exercise_is_a_usage_error_that_points_to_list():
    result = invoke("run", "softmaks")
    assert result.exit_code == 2
    assert "grade list" in result.output


def test_missing_target_exits_2_and_still_writes_the_results_file(tmp_path):
    output = tmp_path / "results.json"
    result = invoke("run", "--target", tmp_path / "nowhere", "--format", "json",
                    "--output", output)
    assert result.exit_code == 2
    assert "laid out like exercises/" in result.output
    assert "laid out like exercises/" in json.loads(output.read_text())["kit_error"]


def test_list_shows_every_exercise_and_progress():
    result = invoke("list", "--target", SOLUTIONS)
    assert result.exit_code == 0
    for exercise in manifest.EXERCISES:
        assert exercise.id in result.output
    assert f"/{len(manifest.EXERCISES)} exercises" in result.output


def test_fail_under_sets_the_exit_status():
    assert invoke("run", *QUICK, "--target", SOLUTIONS, "--fail-under", 14).exit_code == 0
    assert invoke("run", *QUICK, "--target", SOLUTIONS, "--fail-under", 14.5).exit_code == 1


def test_text_report_shows_feedback_and_next_step(tmp_path):
    submission = patched_submission(tmp_path, {"ch03/softmax.py": (
        "def softmax(a):\n    e = np.exp(a)\n    return e / np.sum(e)\n")})
    result = invoke("run", *QUICK, "--target", submission)
    assert result.exit_code == 0
    assert "next: softmax (3.5.2)" in result.output
    assert "Traceback" not in result.output
    assert "\x1b[" not in result.output  # no colours in a pipe


@pytest.mark.needs_mnist
def test_default_command_grades_the_stubs():
    result = invoke()
    assert result.exit_code == 0
    assert "total: 0/100 points" in result.output


def test_gradescope_results_follow_the_format(tmp_path):
    output = tmp_path / "results.json"
    assert invoke("run", *QUICK, "--target", EXERCISES, "--format", "gradescope",
                  "--output", output).exit_code == 0
    data = json.loads(output.read_text())
    assert isinstance(data["score"], (int, float)) and data["score"] == 0
    assert isinstance(data["execution_time"], (int, float))
    assert [t["name"].split()[0] for t in data["tests"]] == QUICK
    for test in data["tests"]:
        assert set(test) >= {"name", "score", "max_score", "status", "output", "visibility"}
        assert test["status"] in ("passed", "failed")
        assert test["visibility"] in ("hidden", "after_due_date", "after_published", "visible")
        assert "NotImplementedError" in test["output"]


def test_junit_xml_counts_match_the_json(tmp_path):
    submission = patched_submission(tmp_path, {"ch03/activations.py": (
        "def sigmoid(x):\n    return 1 / (1 + np.exp(x))\n")})
    junit, results = tmp_path / "junit.xml", tmp_path / "results.json"
    invoke("run", *QUICK, "--target", submission, "--format", "junit", "--output", junit)
    invoke("run", *QUICK, "--target", submission, "--format", "json", "--output", results)
    root = ET.parse(junit).getroot()
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    for exercise in json.loads(results.read_text())["exercises"]:
        suite = suites[exercise["id"]]
        failing = [t for t in exercise["tests"] if t["status"] != "passed"]
        assert int(suite.get("failures")) + int(suite.get("errors")) == len(failing)
        assert len(suite.findall("testcase")) == len(exercise["tests"])
    assert int(suites["sigmoid"].get("failures")) > 0


def test_verbose_adds_the_traceback(tmp_path):
    submission = patched_submission(tmp_path, {"ch03/activations.py": (
        "def relu(x):\n    return x.no_such_attribute\n")})
    quiet = invoke("run", "relu", "--target", submission)
    loud = invoke("run", "relu", "--target", submission, "--verbose")
    assert "raised AttributeError" in quiet.output and "raised AttributeError" in loud.output
    assert "in relu" not in quiet.output
    assert "in relu" in loud.output and "Traceback (your code" in loud.output


@pytest.mark.needs_mnist
def test_mnist_exercises_grade_from_an_empty_cache(tmp_path, monkeypatch):
    # The children's output is capped, so the grader must fill the MNIST cache itself first.
    monkeypatch.setenv("DLFS_CACHE_DIR", str(tmp_path / "cache"))
    output = tmp_path / "results.json"
    invoke("run", "mnist_inference", "--target", SOLUTIONS, "--format", "json",
           "--output", output)
    (exercise,) = json.loads(output.read_text())["exercises"]
    assert exercise["status"] == "passed", exercise["tests"]


def test_a_module_linked_to_the_reference_is_not_graded(tmp_path):
    submission = patched_submission(tmp_path, {}, base=EXERCISES)
    (submission / "ch03" / "softmax.py").unlink()
    (submission / "ch03" / "softmax.py").symlink_to(SOLUTIONS / "ch03" / "softmax.py")
    output = tmp_path / "results.json"
    invoke("run", "softmax", "--target", submission, "--format", "json", "--output", output)
    (exercise,) = json.loads(output.read_text())["exercises"]
    assert exercise["score"] == 0, exercise


# A check that loops after starting a daemon (double fork, its own session, deaf to SIGTERM).
LOOP_AFTER_A_DAEMON = """
def softmax(a):
    import os, signal, time
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            while True:
                time.sleep(0.1)
        os._exit(0)
    while True:
        pass
"""


# Unconfined, nothing but the kit's own cleanup stops them: no PID namespace dies with grade.
@pytest.mark.parametrize("sandbox, stop", [("auto", "SIGTERM"), ("none", "SIGTERM"),
                                           pytest.param("none", "SIGINT", marks=pytest.mark.slow)])
def test_a_terminated_grade_leaves_no_child_running(tmp_path, sandbox, stop):
    import signal
    import subprocess
    import sys
    import time
    from submissions import worker_processes
    submission = patched_submission(tmp_path, {"ch03/softmax.py": LOOP_AFTER_A_DAEMON})
    running = set(worker_processes())
    grade = subprocess.Popen([sys.executable, "-m", "grader.cli", "run", "softmax",
                              "--target", str(submission), "--timeout", "60",
                              "--sandbox", sandbox],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not set(worker_processes()) - running:
        assert time.monotonic() < deadline and grade.poll() is None, "the worker never started"
        time.sleep(0.05)
    time.sleep(1.0)  # the check is looping now, its daemon started
    grade.send_signal(getattr(signal, stop))  # SIGINT: Ctrl-C
    code = grade.wait(timeout=10)
    assert code == (128 + signal.SIGTERM if stop == "SIGTERM" else 1), code
    for _ in range(50):
        if not set(worker_processes()) - running:
            return
        time.sleep(0.1)
    assert not set(worker_processes()) - running, "a worker outlived the terminated grade"


def test_what_a_failing_check_printed_is_shown_under_its_message(tmp_path):
    submission = patched_submission(tmp_path, {"ch03/activations.py": (
        "def relu(x):\n    print('debug: relu got', x)\n    return x\n")})
    result = invoke("run", "relu", "--target", submission)
    assert "your code printed" in result.output and "| debug: relu got" in result.output


def test_results_say_how_and_with_what_they_were_graded(tmp_path):
    import platform
    import numpy
    output = tmp_path / "results.json"
    invoke("run", "relu", "--target", SOLUTIONS, "--format", "json", "--output", output,
           "--sandbox", "none")
    results = json.loads(output.read_text())
    assert results["sandbox"] == "none"
    assert results["python"] == platform.python_version()
    assert results["numpy"] == numpy.__version__


def test_version_and_a_guess_for_a_mistyped_exercise():
    from importlib.metadata import version
    assert version("dlfs-kit") in invoke("--version").output
    result = CliRunner().invoke(main, ["run", "sofmax"])
    assert result.exit_code == 2 and "did you mean 'softmax'?" in result.output


def test_the_report_names_the_folder_and_goes_only_to_output_when_given(tmp_path):
    shown = invoke("run", "relu", "--target", SOLUTIONS, "--sandbox", "none")
    assert f"grading {SOLUTIONS} (not confined)" in shown.output
    output = tmp_path / "results.json"
    quiet = invoke("run", "relu", "--target", SOLUTIONS, "--format", "json", "--output", output)
    assert quiet.output.strip() == f"3/3 points; the report is in {output}"
    assert json.loads(output.read_text())["score"] == 3


@pytest.mark.needs_mnist
def test_the_most_telling_message_comes_first_and_v_shows_every_one(tmp_path):
    # argmax without an axis fails three checks; only one of them can name the mistake.
    fixture = (ROOT / "tests/mistakes/mnist_inference/argmax_without_axis.py").read_text()
    submission = patched_submission(tmp_path, {"ch03/mnist_inference.py": fixture})
    first = invoke("run", "mnist_inference", "--target", submission).output
    assert "np.argmax(y_batch, axis=1)" in first.split("mnist_inference")[1].split("\n\n")[0]
    every = invoke("run", "mnist_inference", "--target", submission, "-v").output
    assert every.count("batch_accuracy(network") > first.count("batch_accuracy(network")
    assert "Traceback" not in every


def test_the_capstone_report_shows_train_against_test_accuracy():
    from grader.reporters.text import render
    from grader.results import ExerciseResult, RunResult
    capstone = ExerciseResult(manifest.BY_ID["mnist_final"], "failed", 0.0, [], extra={
        "accuracy": 0.41, "threshold": 0.93, "seconds": 12.0,
        "history": {"loss": [2.3], "train_acc": [0.1, 0.99], "test_acc": [0.1, 0.41]}})
    text = render(RunResult([capstone], 12.5, "exercises", sandbox="bwrap"))
    assert "train accuracy 0.9900, test accuracy 0.4100" in text


def test_submit_packs_exercises_as_grade_batch_reads_them(tmp_path):
    import zipfile
    from grader.instructor.batch import extract_zip, find_exercises
    archive = tmp_path / "alice.zip"
    result = invoke("submit", "--target", SOLUTIONS, "--output", archive)
    assert result.exit_code == 0 and "hand in this file" in result.output
    names = zipfile.ZipFile(archive).namelist()
    assert "exercises/ch03/softmax.py" in names and not any("__pycache__" in n for n in names)
    extract_zip(archive, tmp_path / "out")
    folder = find_exercises(tmp_path / "out")
    for module in manifest.modules():
        assert (folder / module).read_text() == (SOLUTIONS / module).read_text()
    (tmp_path / "nothing").mkdir()  # the student's to fix: exit 1; no folder at all: exit 2
    empty = invoke("submit", "--target", tmp_path / "nothing", "--output", tmp_path / "x.zip")
    assert empty.exit_code == 1 and "has no ch03/" in empty.output
    missing = invoke("submit", "--target", tmp_path / "nowhere", "--output", tmp_path / "x.zip")
    assert missing.exit_code == 2 and "laid out like exercises/" in missing.output


def test_junit_xml_has_times_and_totals(tmp_path):
    junit = tmp_path / "junit.xml"
    assert invoke("run", *QUICK, "--target", SOLUTIONS, "--format", "junit",
                  "--output", junit).exit_code == 0
    root = ET.parse(junit).getroot()
    suites = root.findall("testsuite")
    cases = root.findall("testsuite/testcase")
    assert int(root.get("tests")) == len(cases) > 0
    assert root.get("failures") == root.get("errors") == "0"
    assert float(root.get("time")) > 0
    for suite in suites:  # a suite's time is its cases' (each rounded to the millisecond)
        case_times = [float(c.get("time")) for c in suite.findall("testcase")]
        assert abs(float(suite.get("time")) - sum(case_times)) < 0.001 * (len(case_times) + 1)
    assert all(float(c.get("time")) >= 0 for c in cases) and \
        sum(float(c.get("time")) for c in cases) > 0
