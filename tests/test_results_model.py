"""The results model reads back what it writes: real runs match grader/results.schema.json,
`RunResult.from_dict(r.to_dict()) == r`, a saved file that is not one says so, and `grade report`
renders a saved run again."""
from __future__ import annotations

import base64
import copy
import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader import catalog, commands, manifest
from grader.cli import localise, main
from grader.results import (SCHEMA, ExerciseResult, NotResults, ResultsFileError, RunResult,
                            TestResult as Check, build_exercise)

from submissions import EXERCISES, ROOT, SOLUTIONS, grade_json, patched_submission, read_fixture

jsonschema = pytest.importorskip("jsonschema", reason="install the test extra: "
                                 "pip install -e '.[test]'")
VALIDATOR = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
HOSTILE = ROOT / "tests" / "hostile" / "flood_stdout.py"  # floods stdout from softmax


@pytest.fixture(scope="module")
def runs(tmp_path_factory, mnist_dir) -> dict[str, tuple[dict, Path]]:
    """Real runs, each graded once: the reference, the pristine stubs, a hostile submission."""
    fixture = read_fixture(HOSTILE)
    hostile = patched_submission(tmp_path_factory.mktemp("hostile"),
                                 {fixture["module"]: fixture["text"]})
    graded = {}
    for name, target, args in (("reference", SOLUTIONS, ["--skip-final"]),
                               ("stubs", EXERCISES, ["--skip-final"]),
                               ("hostile", hostile, ["softmax", "sigmoid"])):
        _, data, path = grade_json(target, *args, keep_output=True)
        graded[name] = (data, path)
    return graded


RUNS = ["reference", "stubs", "hostile"]


def test_the_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(VALIDATOR.schema)
    assert VALIDATOR.schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("name", RUNS)
def test_real_runs_match_the_schema(runs, name):
    data, _ = runs[name]
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(data)]
    assert not errors, errors


def test_the_runs_are_what_they_should_be(runs):
    reference, stubs, hostile = (runs[n][0] for n in RUNS)
    assert reference["score"] == reference["max_score"] > 0
    assert {e["status"] for e in stubs["exercises"]} <= {"not_started", "blocked"}
    softmax = next(e for e in hostile["exercises"] if e["id"] == "softmax")
    assert softmax["status"] != "passed" and any(t.get("output") for t in softmax["tests"])


@pytest.mark.parametrize("name", RUNS)
def test_real_runs_read_back_as_they_were_written(runs, name):
    data, path = runs[name]
    run = RunResult.load(path)
    assert run.to_dict() == data  # every key, the environment's as the file has them
    assert RunResult.from_dict(run.to_dict()) == run
    assert run.score == data["score"] and [e.id for e in run.exercises] == \
        [e["id"] for e in data["exercises"]]
    checks = [t for e in run.exercises for t in e.tests]
    assert checks and all(t.nodeid.endswith("::" + t.name) for t in checks)
    assert all(t.exercise == e.id for e in run.exercises for t in e.tests)


def test_a_run_graded_here_reads_back_equal_without_a_file(mnist_dir):
    from grader.grading import grade_exercises
    from grader.runner import RunOptions
    run = grade_exercises(("relu", "softmax"), RunOptions(target=EXERCISES,
                                                          sandbox=commands.confinement("auto", False)))
    assert RunResult.from_dict(run.to_dict()) == run
    assert RunResult.from_dict(json.loads(json.dumps(run.to_dict()))) == run


def _check(name: str, status: str, **fields) -> Check:
    return Check(f"suites/ch04/test_x.py::{name}", fields.pop("exercise", "two_layer_net"), 2.0,
                 status, **fields)


def test_every_field_of_a_check_and_an_exercise_reads_back():
    history = {"loss": [2.3, 1.1, 0.4], "train_acc": [0.1, 0.9], "test_acc": [0.1, 0.88]}
    capstone = build_exercise(manifest.BY_ID[manifest.CAPSTONE], [_check(
        "test_trains", "passed", exercise="mnist_final", records={
            "accuracy": 0.93, "threshold": 0.9, "seconds": 12.5, "history": history},
        called=["ch04/train.py:train"], seconds=12.7, output="epoch 1\n")])
    dependent = build_exercise(manifest.BY_ID["two_layer_net"], [
        _check("test_grads", "failed", message="wrong gradient", key="feedback.x.wrong",
               fields={"error": 0.3, "why": {"key": "feedback.y", "fields": {"n": 2}}},
               advice=["reread 4.4"], advice_keys=[{"key": "advice.z", "fields": {}}],
               rescored=True),
        _check("test_shapes", "passed", records={"shape": [2, 3]})])
    dependent.blocked_by, dependent.likely_cause, dependent.recoverable = "softmax", None, 4.0
    dependent.charged_once = {"points": 5.0, "prerequisites": ["softmax"]}
    run = RunResult([dependent, capstone], 80.123456, "/x", hidden=True, charge_once=True,
                    sandbox="uid", sandbox_layers=["uid", "rlimits"], skipped_final=False)
    data = run.to_dict()
    assert RunResult.from_dict(data) == run
    assert RunResult.from_dict(json.loads(json.dumps(data))) == run
    assert not list(VALIDATOR.iter_errors(data))
    written = data["exercises"][1]
    assert written["history"] == history and written["accuracy"] == 0.93  # as before
    check = written["tests"][0]  # the history is written once, at the exercise's level
    assert check["records"] == {} and sorted(check["record_keys"]) == sorted(
        ["accuracy", "threshold", "seconds", "history"])
    assert data["exercises"][0]["tests"][1]["records"] == {"shape": [2, 3]}


def test_a_file_graded_elsewhere_keeps_its_environment(runs, tmp_path):
    data = {**runs["reference"][0], "python": "3.10.1", "numpy": "1.23.2", "kit_version": "0.0.9",
            "manifest": "0123456789abcdef"}
    (tmp_path / "elsewhere.json").write_text(json.dumps(data))
    run = RunResult.load(tmp_path / "elsewhere.json")
    assert (run.python, run.numpy, run.kit_version, run.manifest) == (
        "3.10.1", "1.23.2", "0.0.9", "0123456789abcdef")
    assert run.to_dict() == data


def test_a_file_of_an_older_kit_reads_with_defaults(runs):
    data = copy.deepcopy(runs["stubs"][0])
    for key in ("python", "numpy", "kit_version", "manifest", "charge_once"):
        del data[key]
    for exercise in data["exercises"]:
        for test in exercise["tests"]:
            for key in ("nodeid", "exercise", "weight", "key", "fields", "advice", "advice_keys",
                        "records", "record_keys", "called", "seconds"):
                del test[key]
    run = RunResult.from_dict(data)
    first = run.exercises[0]
    assert first.tests[0].nodeid == first.tests[0].name and first.tests[0].exercise == first.id
    assert run.charge_once is None and run.manifest is None  # not recorded, not made up
    assert "charge_once" not in run.to_dict() and "manifest" not in run.to_dict()


@pytest.mark.parametrize("change", [
    lambda d: d.update(score="87"), lambda d: d.pop("manifest"),
    lambda d: d["exercises"][0].update(status="won"),
    lambda d: d["exercises"][0]["tests"][0].pop("nodeid"),
    lambda d: d["exercises"][0]["tests"][0].update(weight=True),
    lambda d: d["exercises"][0]["tests"][0].update(advice_keys=[{"key": 3, "fields": {}}]),
    lambda d: d.update(sandbox="chroot"),
], ids=["score-text", "no-manifest", "status", "no-nodeid", "weight-bool", "advice-key",
        "sandbox"])
def test_the_schema_refuses_a_wrong_type_or_a_missing_key(runs, change):
    data = copy.deepcopy(runs["stubs"][0])
    assert not list(VALIDATOR.iter_errors(data))
    change(data)
    assert list(VALIDATOR.iter_errors(data))


@pytest.mark.parametrize("text, reason, said", [
    ("{\"score\": 3, \"exer", "results.unreadable", "cannot read"),
    (json.dumps({"score": 3, "tests": []}), "results.not_results", "max_score"),
    (json.dumps([1, 2]), "results.not_results", "is not a results file"),
])
def test_a_file_that_is_not_results_says_so_naming_it_and_the_fix(tmp_path, text, reason, said):
    path = tmp_path / "mine.json"
    path.write_text(text)
    with pytest.raises(ResultsFileError) as raised:
        RunResult.load(path)
    assert raised.value.reason == reason and raised.value.exit_code == 2
    assert str(path) in raised.value.message and said in raised.value.message
    assert "grade run --format json --output FILE" in raised.value.message


def test_a_file_of_another_kit_names_the_exercise_this_kit_lacks(runs, tmp_path):
    data = copy.deepcopy(runs["stubs"][0])
    data["exercises"][2]["id"] = "backprop"  # a later chapter's kit
    path = tmp_path / "other.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ResultsFileError) as raised:
        RunResult.load(path)
    assert raised.value.reason == "results.other_kit"
    message = raised.value.message
    assert str(path) in message and "'backprop'" in message and "grade the submission again" \
        in message.lower()
    with pytest.raises(NotResults):  # from_dict alone: no KeyError either
        ExerciseResult.from_dict(data["exercises"][2])
    result = CliRunner().invoke(main, ["report", str(path)])
    assert result.exit_code == 2 and "'backprop'" in result.output
    assert "Traceback" not in result.output


def test_grade_report_renders_a_saved_run_in_every_format(runs, tmp_path):
    data, path = runs["reference"]

    def report(*args: str) -> str:
        result = CliRunner().invoke(main, ["report", str(path), *args])
        assert result.exit_code == 0, result.output
        return result.output

    assert json.loads(report("--format", "json")) == data
    text = report()
    for exercise in data["exercises"]:
        assert any(line.split()[:1] == [exercise["id"]] for line in text.splitlines())
    page = report("--format", "html")
    assert page.startswith("<!DOCTYPE html>") and 'id="scores"' in page
    assert page.count('<tr class="exercise"') == len(data["exercises"])
    suites = ElementTree.fromstring(report("--format", "junit"))
    assert len(list(suites.iter("testcase"))) == sum(len(e["tests"]) for e in data["exercises"])
    assert json.loads(report("--format", "gradescope"))["score"] == data["score"]
    decoded = json.loads(base64.b64decode(report("--format", "classroom")))
    assert decoded["status"] == "pass" and len(decoded["tests"]) == len(data["exercises"])
    written = tmp_path / "again.html"
    said = report("--format", "html", "--output", str(written))
    assert str(written) in said and written.read_text().startswith("<!DOCTYPE html>")


def test_grade_report_takes_lang(runs):
    _, path = runs["stubs"]
    try:
        shown = CliRunner().invoke(main, ["report", str(path), "--lang", "ja"])
        assert shown.exit_code == 0, shown.output
        assert shown.output.splitlines()[1].split()[0] == catalog.text("table.exercise")
        assert catalog.text("table.exercise") != "exercise"
    finally:
        catalog.choose(None)
        localise(main)  # --lang ja put the commands' help in Japanese too
    refused = CliRunner().invoke(main, ["report", str(path), "--lang", "fr"])
    assert refused.exit_code == 2 and "--lang" in refused.output


def test_the_notebook_table_is_the_html_reports(runs):
    from grader.notebook import CheckResult
    from grader.reporters.html import render, table
    run = RunResult.load(runs["stubs"][1])
    shown = CheckResult(run)._repr_html_()
    assert shown.startswith(table(run)) and table(run, "scores") in render(run)
    assert CheckResult(run.to_dict()).statuses == CheckResult(run).statuses  # JSON still taken


def test_last_results_that_cannot_be_read_are_none_and_said(tmp_path, capsys):
    state = commands._state_file(tmp_path)
    state.parent.mkdir(parents=True, exist_ok=True)
    assert commands.last_results(tmp_path) is None and capsys.readouterr().err == ""
    state.write_text(json.dumps({"score": 1, "max_score": 1, "exercises": [
        {"id": "backprop", "status": "passed", "score": 1, "tests": []}]}))
    assert commands.last_results(tmp_path) is None
    assert "'backprop'" in capsys.readouterr().err
    capstone = ExerciseResult(manifest.BY_ID[manifest.CAPSTONE], "passed", 13.0, [],
                              extra={"accuracy": 0.95})
    state.write_text(json.dumps(RunResult([capstone], 1.0, str(tmp_path)).to_dict()))
    assert commands.last_results(tmp_path).exercises[0].extra == {"accuracy": 0.95}


def test_grade_list_shows_the_capstone_from_the_last_run(tmp_path, mnist_dir):
    target = patched_submission(tmp_path, {}, base=EXERCISES).resolve()
    capstone = ExerciseResult(manifest.BY_ID[manifest.CAPSTONE], "partial", 6.5, [])
    state = commands._state_file(target)
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text(json.dumps(RunResult([capstone], 1.0, str(target)).to_dict()))
    result = CliRunner().invoke(main, ["list", "--target", str(target)])
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if line.startswith("mnist_final"))
    assert row.split()[-1] == catalog.text("status.partial")
    assert "6.5/" in result.output.splitlines()[-1]  # the progress line counts its points


@pytest.mark.slow  # trains the capstone
def test_the_capstones_real_run_matches_the_schema_and_reads_back(tmp_path, mnist_dir):
    _, data, path = grade_json(patched_submission(tmp_path, {}), "mnist_final", keep_output=True)
    final = data["exercises"][-1]
    assert final["id"] == manifest.CAPSTONE and final["history"]["loss"]
    assert not [e.message for e in VALIDATOR.iter_errors(data)]
    run = RunResult.load(path)
    assert run.to_dict() == data and RunResult.from_dict(run.to_dict()) == run
    assert run.exercises[-1].tests[0].records["history"] == final["history"]
    assert "history" not in json.dumps([t["records"] for t in final["tests"]])  # written once
