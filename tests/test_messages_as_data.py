"""A check's result carries its message as data (catalog key and fields), so that every reporter
renders it in its reader's language, whatever language the run was graded in.

One real grading run, in English, of a submission with a known mistake (softmax without the
maximum subtracted), a crash (step_function exits the interpreter: a message with its reason
nested in it) and advice (the book's sigmoid, which overflows on the way); then each reporter
renders that one result in Japanese and in English.
"""
from __future__ import annotations

import html
import json
import re
from collections import Counter

import pytest

from submissions import patched_submission

from grader import catalog
from grader.grading import grade_exercises
from grader.reporters import classroom, gradescope, json_report, junit, text
from grader.reporters import html as html_report
from grader.results import ExerciseResult, RunResult, mistake_keys
from grader.results import TestResult as CheckResult  # not a class of tests
from grader.runner import RunOptions, sandbox_mode

MISTAKE = "feedback.softmax.no_max_subtraction"
PATCHES = {
    "ch03/softmax.py": "def softmax(a):\n    exp_a = np.exp(a)\n"
                       "    return exp_a / np.sum(exp_a, axis=-1, keepdims=True)\n",
    "ch03/activations.py": ("def step_function(x):\n    import os\n    os._exit(3)\n\n\n"
                            "def sigmoid(x):\n    return 1 / (1 + np.exp(-x))\n")}
# A phrase of each message's catalog text, in each language
PHRASES = {
    "ja": {"mistake": "np.exp の前に a の最大値を引いてください",
           "crashed": "このチェックの実行中にテストのプロセスが終了しました",
           "reason": "インタプリタが終了ステータス 3 で終了しました",
           "advice": "途中で np.exp がオーバーフローしました"},
    "en": {"mistake": "subtract the maximum of a before np.exp",
           "crashed": "The test process died while this check ran",
           "reason": "the interpreter exited with status 3",
           "advice": "but np.exp overflowed on the way"}}
OTHER = {"ja": "en", "en": "ja"}


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> RunResult:
    submission = patched_submission(tmp_path_factory.mktemp("messages"), PATCHES)
    with catalog.speaking("en"):  # as `grade --lang en`: the judge renders in English
        options = RunOptions(target=submission, sandbox=sandbox_mode("auto")[0])  # as grade's
        return grade_exercises(("step_function", "sigmoid", "softmax"), options)


def _flat(value: str) -> str:
    """value without its whitespace: the text report wraps its lines."""
    return re.sub(r"\s+", "", html.unescape(value))


def _says(rendered: str, lang: str, *which: str) -> None:
    for name in which:
        assert _flat(PHRASES[lang][name]) in _flat(rendered), (name, rendered)
        assert _flat(PHRASES[OTHER[lang]][name]) not in _flat(rendered), (name, rendered)


def _test(run: RunResult, exercise: str, key: str) -> CheckResult:
    return next(t for e in run.exercises if e.id == exercise for t in e.tests if t.key == key)


def test_the_run_keeps_each_message_as_its_key_and_fields(run):
    mistake = _test(run, "softmax", MISTAKE)
    assert {"input", "got", "expected"} <= set(mistake.fields)
    assert "nan" in mistake.fields["got"] and PHRASES["en"]["mistake"] in mistake.message
    crash = _test(run, "step_function", "test.crashed")
    assert crash.fields["reason"] == {"key": "crash.exit", "fields": {"status": 3}}
    assert crash.fields["exercise"] == "step_function"
    advised = [t for e in run.exercises for t in e.tests if t.advice_keys]
    assert advised and advised[0].advice_keys[0]["key"] == "advice.sigmoid.overflow"
    assert len(advised[0].advice_keys) == len(advised[0].advice)
    # Rendered again in the run's language, each keyed message is the message the judge wrote
    keyed = [t for e in run.exercises for t in e.tests if t.key]
    assert keyed and all(t.text("en") == t.message for t in keyed)
    assert all(t.text("ja") != t.message for t in keyed)


def test_the_json_results_hold_the_key_fields_and_advice_keys(run):
    tests = [t for e in json.loads(json_report.render(run))["exercises"] for t in e["tests"]]
    crash = next(t for t in tests if t.get("key") == "test.crashed")
    assert crash["fields"]["reason"] == {"key": "crash.exit", "fields": {"status": 3}}
    assert PHRASES["en"]["reason"] in crash["message"]  # message: the run's language
    assert any(a["key"] == "advice.sigmoid.overflow" for t in tests
               for a in t.get("advice_keys", []))


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_feedback_lines_speak_the_readers_language(run, lang):
    with catalog.speaking(lang):
        lines = "\n".join(line for e in run.exercises
                          for line in e.feedback(every_problem=True, named=True))
    _says(lines, lang, "mistake", "crashed", "reason", "advice")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_text_report_speaks_the_readers_language(run, lang):
    with catalog.speaking(lang):
        report = text.render(run, verbose=True)
    _says(report, lang, "mistake", "crashed", "reason", "advice")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_html_report_speaks_the_readers_language(run, lang):
    with catalog.speaking(lang):
        page = html_report.render(run)
    _says(page, lang, "mistake", "crashed", "reason", "advice")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_gradescope_speaks_the_readers_language(run, lang):
    with catalog.speaking(lang):
        data = json.loads(gradescope.render(run))
    _says("\n".join(t["output"] for t in data["tests"]), lang,
          "mistake", "crashed", "reason", "advice")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_junit_speaks_the_readers_language(run, lang):
    with catalog.speaking(lang):
        xml = junit.render(run)
    _says(xml, lang, "mistake", "crashed", "reason")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_classroom_speaks_the_workflows_language(run, lang, monkeypatch):
    saved = json.loads(json_report.render(run))  # the workflow's results file, graded in en
    monkeypatch.setenv("DLFS_LANG", lang)  # the workflow's environment
    report = classroom.report(RunResult.from_dict(saved))  # as the workflow reads it
    rows = {row["name"].split()[0]: row["message"] for row in report["tests"]}
    _says(rows["step_function"], lang, "crashed", "reason")
    first = next(t for e in saved["exercises"] if e["id"] == "softmax" for t in e["tests"]
                 if t["status"] != "passed")
    assert rows["softmax"] == catalog.render(first["key"], first["fields"], lang)


def test_mistakes_are_counted_by_key(run):
    counted = mistake_keys(run)
    failing = [t for e in run.exercises for t in e.tests if t.status not in ("passed", "skipped")]
    assert sum(counted.values()) == len(failing)
    assert counted[MISTAKE] >= 1 and counted["test.crashed"] >= 1
    assert "passed" not in counted


def test_a_message_the_kit_cannot_render_falls_back_to_its_text():
    def result(**changes) -> RunResult:
        test = CheckResult("suites/x.py::test_a", "softmax", 1.0, "failed",
                          message="as the judge wrote it", **changes)
        from grader import manifest
        exercise = ExerciseResult(manifest.BY_ID["softmax"], "failed", 0.0, [test])
        return RunResult([exercise], 1.0, "/x")

    for changes in ({}, {"key": "feedback.gone_from_this_kit"},  # none; another version's
                    {"key": MISTAKE, "fields": {"input": "x"}},  # a field missing
                    {"key": "test.crashed", "fields": {"reason": {"key": 3, "fields": 4}}}):
        with catalog.speaking("ja"):
            assert result(**changes).exercises[0].feedback() == ["as the judge wrote it"]


def test_a_message_renders_in_a_language_without_changing_the_chosen_one():
    crash = catalog.message("test.crashed", exercise="relu",
                            reason=catalog.message("crash.signal", signal="SIGSEGV"))
    with catalog.speaking("en"):
        assert PHRASES["ja"]["crashed"] in crash.render("ja")
        assert catalog.language() == "en"
        assert "SIGSEGV" in crash.render() and PHRASES["en"]["crashed"] in crash.render()
    again = catalog.Message.from_dict(json.loads(json.dumps(crash.to_dict())))
    assert again == crash and again.render("ja") == crash.render("ja")


def test_counting_takes_every_failing_check_once_even_without_a_key():
    from grader import manifest
    tests = [CheckResult("a", "softmax", 1, "failed", key=MISTAKE),
             CheckResult("b", "softmax", 1, "failed", key=MISTAKE),
             CheckResult("c", "softmax", 1, "error"),  # an assert of a suite's own: no key
             CheckResult("d", "softmax", 1, "passed", key="")]
    run = RunResult([ExerciseResult(manifest.BY_ID["softmax"], "partial", 1, tests)], 1, "/x")
    assert mistake_keys(run) == Counter({MISTAKE: 2, "error": 1})


@pytest.mark.slow  # a whole autograder run, the hidden checks included
@pytest.mark.needs_mnist
def test_gradescope_results_speak_the_releases_language(tmp_path):
    from click.testing import CliRunner
    from test_gradescope import fake_root, run_autograder, zipped_solutions

    from grader.cli import main
    archive = tmp_path / "autograder.zip"
    with catalog.speaking(None):  # --lang chooses for this process: chosen again after
        done = CliRunner().invoke(main, ["--lang", "ja", "release", str(tmp_path / "student"),
                                         "--no-verify-venv", "--gradescope", str(archive)])
    assert done.exit_code == 0, done.output
    broken = patched_submission(tmp_path / "broken", {"ch03/softmax.py": PATCHES[
        "ch03/softmax.py"]})
    root = fake_root(tmp_path, archive, {"submission.zip": zipped_solutions(tmp_path, broken)})
    assert json.loads((root / "source" / "gradescope.json").read_text())["lang"] == "ja"
    data = run_autograder(root)
    softmax = next(t for t in data["tests"] if t["name"].startswith("softmax "))
    _says(softmax["output"], "ja", "mistake")


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("fmt", ["text", "html", "junit", "gradescope", "classroom"])
def test_a_saved_results_file_renders_again_in_either_language(run, tmp_path, fmt, lang):
    """`grade report FILE --lang L`: the file graded in English, read back through the model,
    in a real `grade` process, every reporter speaking L."""
    import base64
    import subprocess
    import sys
    saved = tmp_path / "results.json"
    saved.write_text(json.dumps(run.to_dict()), encoding="utf-8")
    shown = subprocess.run([sys.executable, "-m", "grader.cli", "report", str(saved), "--format",
                            fmt, "--lang", lang, "-v"], capture_output=True, text=True,
                           timeout=300, cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    output = shown.stdout
    if fmt == "classroom":  # the workflow's report is base64 JSON
        output = json.dumps(json.loads(base64.b64decode(output)), ensure_ascii=False)
    elif fmt == "gradescope":
        output = json.dumps(json.loads(output), ensure_ascii=False)
    _says(output, lang, "mistake")
