"""What `grade` promises of itself (README): `grade` alone takes `grade run`'s options and ids,
and every command's failures end with the exit status they are documented with."""
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from grader import manifest
from grader.cli import main
from submissions import EXERCISES, ROOT, SOLUTIONS, patched_submission

GRADE = [sys.executable, "-m", "grader.cli"]


def grade(*args, cwd=ROOT) -> subprocess.CompletedProcess:
    """A real `grade` process, run from the kit's folder (as a student runs it) or from cwd."""
    return subprocess.run([*GRADE, *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          timeout=300, stdin=subprocess.DEVNULL)


def test_grade_with_an_exercise_id_runs_it(tmp_path):
    done = grade("relu", "--target", SOLUTIONS, "--sandbox", "none")
    assert done.returncode == 0, done.stderr
    assert "relu" in done.stdout and "3/3 points" in done.stdout
    assert "softmax" not in done.stdout  # only the one named


def test_grade_lang_ja_with_an_exercise_id_runs_it_in_japanese():
    done = grade("--lang", "ja", "relu", "--target", SOLUTIONS, "--sandbox", "none")
    assert done.returncode == 0, done.stderr
    assert "relu" in done.stdout and "合格" in done.stdout and "3/3 点" in done.stdout
    assert "softmax" not in done.stdout


def test_grade_skip_final_grades_all_but_the_capstone(tmp_path):
    output = tmp_path / "results.json"
    done = grade("--skip-final", "--target", EXERCISES, "--format", "json", "--output", output)
    assert done.returncode == 0, done.stderr
    results = json.loads(output.read_text())
    assert results["skipped_final"] is True
    graded = {e["id"] for e in results["exercises"]}
    assert "mnist_final" not in graded and {"relu", "softmax", "minibatch_sgd"} <= graded


def test_grade_v_shows_what_grade_run_v_shows(tmp_path):
    # relu(x) = x fails two checks; without -v only the first one's message is shown
    submission = patched_submission(tmp_path, {"ch03/activations.py": (
        "def relu(x):\n    return x\n")})
    quiet = grade("relu", "--target", submission, "--sandbox", "none")
    loud = grade("-v", "relu", "--target", submission, "--sandbox", "none")
    run_loud = grade("run", "-v", "relu", "--target", submission, "--sandbox", "none")
    assert loud.returncode == run_loud.returncode == quiet.returncode == 0, loud.stderr
    assert "relu(-3) returned" in loud.stdout and "relu(-3) returned" not in quiet.stdout
    untimed = [[line for line in done.stdout.splitlines() if not line.startswith("total:")]
               for done in (loud, run_loud)]
    assert untimed[0] == untimed[1]


@pytest.mark.parametrize("args, shows", [
    (["hint", "softmax"], "Hint for softmax"),
    (["list", "--target", SOLUTIONS], f"/{len(manifest.EXERCISES)} exercises"),
    (["--lang", "en", "hint", "relu"], "Hint for relu"),
])
def test_a_command_name_still_wins(args, shows):
    done = grade(*args)
    assert done.returncode == 0, done.stderr
    assert shows in done.stdout


def test_a_mistyped_command_is_refused_and_a_mistyped_exercise_is_guessed():
    command = CliRunner().invoke(main, ["lsit"])
    assert command.exit_code == 2 and "No such command 'lsit'" in command.output
    exercise = CliRunner().invoke(main, ["sofmax"])
    assert exercise.exit_code == 2 and "did you mean 'softmax'?" in exercise.output


@pytest.mark.parametrize("command", [
    ["run"], ["list"], ["plot", "relu"], ["watch"], ["reset", "relu"], ["notebook"], ["submit"]])
def test_a_target_that_is_not_a_folder_is_a_kit_error_everywhere(tmp_path, command):
    result = CliRunner().invoke(main, [*command, "--target", str(tmp_path / "nowhere")])
    assert result.exit_code == 2, result.output
    assert "laid out like exercises/" in result.output


def test_what_a_student_fixes_exits_1(tmp_path):
    submission = patched_submission(tmp_path, {})
    (submission / "ch03" / "softmax.py").unlink()
    (submission / "ch03" / "softmax.py").symlink_to(SOLUTIONS / "ch03" / "softmax.py")
    linked = CliRunner().invoke(main, ["submit", "--target", str(submission),
                                       "--output", str(tmp_path / "s.zip")])
    assert linked.exit_code == 1 and "symbolic link" in linked.output
    capstone = CliRunner().invoke(main, ["reset", "mnist_final", "--target", str(submission)])
    assert capstone.exit_code == 1 and "reset one of those instead" in capstone.output


def test_check_takes_a_relative_target_from_the_current_directory_as_grade_does(
        tmp_path, monkeypatch):
    from grader.notebook import check
    patched_submission(tmp_path, {}).rename(tmp_path / "mine")
    monkeypatch.chdir(tmp_path)  # not the kit's folder, where check()'s grade runs
    result = check("relu", target="mine")
    assert result.problem == "" and result.score == 3, result.problem
    done = grade("run", "relu", "--target", "mine", "--sandbox", "none", cwd=tmp_path)
    assert done.returncode == 0 and "3/3 points" in done.stdout, done.stderr
