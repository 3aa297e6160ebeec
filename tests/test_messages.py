"""What the reports say around the checks' own messages (issue 19, item 6): `-v` names each
message's check and never repeats one, the capstone's two test accuracies are told apart, and
the last line says what to do next. Built from results, without a grading run."""
from __future__ import annotations

import json
import re
from pathlib import Path

from grader import catalog, manifest
from grader.reporters import render
from grader.results import RunResult, build_exercise
from grader.results import TestResult as CheckResult  # "Test..." would be collected

SIGMOID = manifest.BY_ID["sigmoid"]
ROOT = Path(__file__).resolve().parent.parent
JAPANESE = r"[\u3040-\u30ff\u3400-\u9fff]"


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


def passed(exercise: manifest.Exercise, **records) -> object:
    return build_exercise(exercise, [check("passed", "test_it", exercise.id, records=records)])


def test_the_capstone_report_says_which_images_each_test_accuracy_is_on():
    capstone = manifest.BY_ID[manifest.CAPSTONE]
    final = passed(capstone, accuracy=0.9638, threshold=0.93, seconds=40.0,
                   history={"loss": [0.3], "train_acc": [0.1, 0.95], "test_acc": [0.1, 0.94]})
    run = RunResult([final], 40.0, "/x")
    for shown in (" ".join(render(run, "text").split()), render(run, "html")):
        assert "0.9638 on the 5000 held-out test images" in shown, shown
        assert "test accuracy 0.9400 on the first 5000 test images" in shown, shown


def test_the_last_line_says_to_run_the_capstone_then_to_hand_in():
    others = [passed(e) for e in manifest.EXERCISES if e.id != manifest.CAPSTONE]
    skipped = RunResult(others, 1.0, "/x", skipped_final=True)
    assert skipped.next_step().startswith("next: mnist_final (4.5.3) - ")
    assert "`grade run mnist_final`" in skipped.next_step()
    # A run of some exercises only says nothing about the others
    assert "mnist_final" not in RunResult(others[:2], 1.0, "/x", skipped_final=True).next_step()
    full = RunResult(others + [passed(manifest.BY_ID[manifest.CAPSTONE])], 1.0, "/x")
    assert render(full, "text").rstrip().splitlines()[-1] == catalog.text("next.hand_in")
    assert "`grade submit`" in catalog.text("next.hand_in")


def test_watch_says_next_in_the_reports_format_and_names_the_capstone_once_all_pass(tmp_path):
    from grader.runner import RunOptions
    from grader.watch import Watcher
    said: list[str] = []
    watcher = Watcher(tmp_path, RunOptions(target=tmp_path), say=said.append)
    watcher.announce()
    assert said[-1].startswith("next: step_function (3.2.2) - edit "), said
    watcher.status = {e.id: "passed" for e in watcher.exercises}
    watcher.announce()
    assert said[-1].startswith("next: mnist_final (4.5.3) - "), said
    named = Watcher(tmp_path, RunOptions(target=tmp_path), ids=("sigmoid",), say=said.append)
    named.status = {"sigmoid": "passed"}
    said.clear()
    named.announce()
    assert len(said) == 1 and "mnist_final" not in said[0], said


def test_a_shared_message_with_printed_output_is_still_shown_once_with_its_output():
    tests = [check("failed", "test_a", message="wrong", output="debug line"),
             check("failed", "test_b", message="wrong", output="debug line")]
    lines = build_exercise(SIGMOID, tests).feedback(every_problem=True, named=True)
    assert lines[0] == "test_a, test_b: wrong" and "| debug line" in lines[1]
    assert len(lines) == 2, lines


def test_in_japanese_the_notebook_and_the_html_report_title_and_head_in_japanese(tmp_path):
    from grader import notebook
    from grader.notebook_file import build
    catalog.choose("ja")
    try:
        run = RunResult([build_exercise(SIGMOID, [check("passed", "test_it")])], 1.0, "/x")
        page = render(run, "html")
        assert f'<div class="title">{catalog.title(SIGMOID)}</div>' in page
        assert catalog.title(SIGMOID) != SIGMOID.title  # translated
        shown = str(notebook.CheckResult(run.to_dict(), ""))
        assert shown.splitlines()[0].split() == [catalog.text(f"table.{k}") for k in (
            "exercise", "section", "points", "status")]
        book = json.dumps(build(ROOT / "exercises", tmp_path, ROOT / "exercises"),
                          ensure_ascii=False)
        assert f"## sigmoid: {catalog.title(SIGMOID)} (3.2.4)" in book
    finally:
        catalog.choose(None)


def test_gradescope_and_classroom_speak_the_language_they_are_set_to(tmp_path):
    # Gradescope: "lang" in the autograder's gradescope.json; an empty upload needs no grading
    from click.testing import CliRunner
    from grader.cli import main
    from test_gradescope import fake_root, run_autograder
    CliRunner().invoke(main, ["release", str(tmp_path / "student"), "--no-verify-venv",
                              "--gradescope", str(tmp_path / "autograder.zip")])
    root = fake_root(tmp_path / "gs", tmp_path / "autograder.zip", None)
    config = root / "source" / "gradescope.json"
    config.write_text(json.dumps({**json.loads(config.read_text()), "lang": "ja"}))
    output = run_autograder(root)["output"]
    assert "grade submit" in output and re.search(JAPANESE, output), output
    # Classroom: the workflow hands the repository variable DLFS_LANG to every step
    workflow = (ROOT / "grader" / "instructor" / "templates" / "classroom.yml").read_text()
    assert "DLFS_LANG: ${{ vars.DLFS_LANG }}" in workflow
