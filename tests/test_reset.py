"""`grade reset ID`: the stub back, the student's file kept beside it, the rest of the file kept."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from grader.cli import main

from submissions import EXERCISES, ROOT, by_id, grade_json, patched_submission


def reset(target, exercise_id):
    return CliRunner().invoke(main, ["reset", exercise_id, "--target", str(target)])


def test_reset_puts_one_exercise_back_and_keeps_the_rest(tmp_path):
    target = patched_submission(tmp_path, {})
    activations = target / "ch03" / "activations.py"
    mine = activations.read_text()
    result = reset(target, "sigmoid")
    assert result.exit_code == 0, result.output
    backup = activations.with_name("activations.py.backup")
    assert str(backup) in result.output and backup.read_text() == mine
    _, results = grade_json(target, "sigmoid", "step_function", "relu")
    statuses = {k: v["status"] for k, v in by_id(results).items()}
    assert statuses == {"step_function": "passed", "sigmoid": "not_started", "relu": "passed"}

    again = reset(target, "sigmoid")
    assert again.exit_code == 1 and "already the stub" in again.output
    assert not activations.with_name("activations.py.backup-2").exists()


def test_a_file_that_does_not_parse_is_restored_whole(tmp_path):
    target = patched_submission(tmp_path, {"ch03/softmax.py": "def softmax(a:\n"})
    result = reset(target, "softmax")
    assert result.exit_code == 0 and "did not parse" in result.output
    assert (target / "ch03" / "softmax.py").read_text() == (EXERCISES / "ch03" /
                                                            "softmax.py").read_text()


def test_the_capstone_and_a_stub_already_in_place_are_the_students_to_fix(tmp_path):
    result = reset(patched_submission(tmp_path, {}), "mnist_final")
    assert result.exit_code == 1 and "reset one of those instead" in result.output
    result = reset(patched_submission(tmp_path / "stubs", {}, base=EXERCISES), "softmax")
    assert result.exit_code == 1 and "already the stub" in result.output


def _instructors_copy(folder: Path, committed: bool) -> Path:
    """A copy of this instructors' copy of the kit (the grader, the loader, the stubs), in a git
    repository of its own with exercises/ committed when committed."""
    kit = folder / "kit"
    junk = shutil.ignore_patterns("__pycache__", "*.pyc")
    for part in ("grader", "exercises", "data"):
        shutil.copytree(ROOT / part, kit / part, ignore=junk)
    if committed:
        git = ["git", "-C", str(kit), "-c", "user.name=kit", "-c", "user.email=kit@localhost"]
        for command in (["init", "-q"], ["add", "exercises"], ["commit", "-q", "-m", "stubs"]):
            subprocess.run(git + command, check=True, capture_output=True, timeout=60)
    return kit


def _grade_reset(kit: Path, exercise_id: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader.cli", "reset", exercise_id], cwd=kit,
                          capture_output=True, text=True, timeout=120)


def test_the_instructors_copy_resets_exercises_from_its_last_commit(tmp_path):
    kit = _instructors_copy(tmp_path, committed=True)
    activations = kit / "exercises" / "ch03" / "activations.py"
    stub = activations.read_text()
    mine = (ROOT / "solutions" / "ch03" / "activations.py").read_text()
    activations.write_text(mine)
    done = _grade_reset(kit, "sigmoid")
    assert done.returncode == 0, done.stderr
    assert activations.with_name("activations.py.backup").read_text() == mine
    now = activations.read_text()
    assert now != mine and now != stub  # sigmoid is the stub again, relu is still mine
    assert 'raise NotImplementedError("sigmoid' in now and "def relu" in now
    assert 'raise NotImplementedError("relu' not in now and 'NotImplementedError("relu' in stub
    again = _grade_reset(kit, "sigmoid")
    assert again.returncode == 1 and "already the stub" in again.stderr


def test_an_instructors_copy_without_git_has_no_stubs_for_its_own_exercises(tmp_path):
    kit = _instructors_copy(tmp_path, committed=False)
    done = _grade_reset(kit, "softmax")
    assert done.returncode == 2 and "no pristine stubs" in done.stderr, done.stderr


def test_a_students_copy_resets_from_the_stubs_it_ships(tmp_path):
    out = tmp_path / "student-kit"
    built = CliRunner().invoke(main, ["release", str(out), "--no-verify-venv"])
    assert built.exit_code == 0, built.output
    assert (out / "grader" / "stubs" / "ch03" / "softmax.py").read_text() == (
        out / "exercises" / "ch03" / "softmax.py").read_text()
    softmax = out / "exercises" / "ch03" / "softmax.py"
    softmax.write_text(softmax.read_text().replace(
        'raise NotImplementedError("softmax', 'return a  # mine\n    raise NotImplementedError("'))
    done = subprocess.run([sys.executable, "-m", "grader.cli", "reset", "softmax"], cwd=out,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert softmax.read_text() == (out / "grader" / "stubs" / "ch03" / "softmax.py").read_text()
    assert "# mine" in softmax.with_name("softmax.py.backup").read_text()
