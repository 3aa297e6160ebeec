"""`grade submit --name`: a zip that says whose it is, in its file name and in submission.json,
and `grade batch` naming a generically named zip's row from it."""
from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader import manifest
from grader.cli import main
from grader.instructor.batch import _names
from grader.instructor.unzip import MAX_MANIFEST_BYTES, submitted_name
from grader.submit import MANIFEST, safe_file_name
from submissions import EXERCISES, grade_json

IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc")


@pytest.fixture
def no_git_name(tmp_path, monkeypatch):
    """No name from the environment or from git's configuration, whatever this machine has."""
    monkeypatch.delenv("DLFS_STUDENT", raising=False)
    empty = tmp_path / "gitconfig"
    empty.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    return empty


def copy_exercises(tmp_path: Path) -> Path:
    target = tmp_path / "kit" / "exercises"
    shutil.copytree(EXERCISES, target, ignore=IGNORE)
    return target


def submit(cwd: Path, *args) -> tuple:
    """`grade submit ARGS` run in a new folder under cwd; its result and that folder."""
    folder = Path(tempfile.mkdtemp(dir=cwd))
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        return CliRunner().invoke(main, ["submit", *map(str, args)]), folder


def test_submit_name_writes_a_named_zip_with_its_manifest_score_and_warnings(tmp_path,
                                                                            no_git_name):
    target = copy_exercises(tmp_path)
    result, folder = submit(tmp_path, "--target", target, "--name", "田中太郎")
    assert result.exit_code == 0, result.output
    archive = folder / "submission-田中太郎.zip"
    assert archive.is_file(), list(folder.iterdir())
    with zipfile.ZipFile(archive) as bundle:
        record = json.loads(bundle.read(MANIFEST))
        assert "exercises/ch03/softmax.py" in bundle.namelist()
    assert record["name"] == "田中太郎" and record["kit_version"]
    assert "statuses" not in record  # no run saved yet: nothing claimed
    assert "handed in as 田中太郎" in result.output and "no `grade` run saved" in result.output

    code, _ = grade_json(target, "step_function", "sigmoid")  # saves the last results
    assert code == 0
    result, folder = submit(tmp_path, "--target", target, "--name", "田中太郎")
    assert result.exit_code == 0, result.output  # warned, never refused
    with zipfile.ZipFile(folder / "submission-田中太郎.zip") as bundle:
        record = json.loads(bundle.read(MANIFEST))
    assert record["statuses"] == {"step_function": "not_started", "sigmoid": "not_started"}
    assert record["score"] == 0 and record["max_score"] > 0
    assert f"scored 0 of {record['max_score']:g} points" in result.output
    assert "not started yet: step_function, sigmoid" in result.output
    others = [e.id for e in manifest.EXERCISES if e.id not in ("step_function", "sigmoid")]
    assert "not graded in your last run: " + ", ".join(others) in result.output


def test_submit_takes_the_name_from_dlfs_student_then_git(tmp_path, no_git_name, monkeypatch):
    target = copy_exercises(tmp_path)
    no_git_name.write_text("[user]\n\tname = Git Person\n")
    result, folder = submit(tmp_path, "--target", target)
    assert result.exit_code == 0 and (folder / "submission-Git Person.zip").is_file(), \
        result.output
    monkeypatch.setenv("DLFS_STUDENT", "Ann Ito")
    result, folder = submit(tmp_path, "--target", target)
    assert (folder / "submission-Ann Ito.zip").is_file(), result.output


def test_submit_without_a_name_keeps_writing_submission_zip(tmp_path, no_git_name):
    target = copy_exercises(tmp_path)
    result, folder = submit(tmp_path, "--target", target)
    assert result.exit_code == 0, result.output
    assert [p.name for p in folder.iterdir()] == ["submission.zip"]
    assert "--name" in result.output  # how to name it
    with zipfile.ZipFile(folder / "submission.zip") as bundle:
        assert json.loads(bundle.read(MANIFEST))["name"] is None


def test_a_name_with_nothing_usable_in_a_file_name_still_names_the_zip_inside(tmp_path,
                                                                             no_git_name):
    target = copy_exercises(tmp_path)
    result, folder = submit(tmp_path, "--target", target, "--name", "///")
    assert result.exit_code == 0 and "leaves nothing usable" in result.output, result.output
    with zipfile.ZipFile(folder / "submission.zip") as bundle:
        assert json.loads(bundle.read(MANIFEST))["name"] == "///"


@pytest.mark.parametrize("name, safe", [
    ("田中太郎", "田中太郎"),
    ("Ann Ito", "Ann Ito"),
    ('a<b>c:d"e/f\\g|h?i*j', "a_b_c_d_e_f_g_h_i_j"),
    ("tab\there\x7f", "tab_here_"),
    ("trailing. . ", "trailing"),
    ("CON", "_CON"), ("nul.txt", "_nul.txt"), ("COM1", "_COM1"), ("Connor", "Connor"),
    ("...", ""), ("///", ""),
    ("長" * 100, "長" * 40),  # 120 bytes of UTF-8 at most
])
def test_safe_file_name(name, safe):
    assert safe_file_name(name) == safe


def _zip(path: Path, manifest_bytes: bytes | None) -> Path:
    with zipfile.ZipFile(path, "w") as bundle:
        bundle.writestr("exercises/ch03/__init__.py", "")
        if manifest_bytes is not None:
            bundle.writestr(MANIFEST, manifest_bytes)
    return path


def test_a_manifest_is_the_students_data_bounded_and_never_trusted(tmp_path):
    cases = {
        "good": json.dumps({"name": "  佐藤\n花子 "}).encode(), "none": None,
        "bad": b"{\"name\": ", "list": b"[1, 2]", "number": b'{"name": 3}',
        "deep": b"[" * 100000, "big": json.dumps({"name": "x", "pad": "y" * MAX_MANIFEST_BYTES})
        .encode(), "latin1": '{"name": "Ren\xe9"}'.encode("latin-1"), "long":
        json.dumps({"name": "n" * 201}).encode()}
    found = {key: submitted_name(_zip(tmp_path / f"{key}.zip", data))
             for key, data in cases.items()}
    assert found == {**{key: None for key in cases}, "good": "佐藤 花子"}
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 not a zip")
    assert submitted_name(tmp_path / "broken.zip") is None


def test_rows_are_named_by_the_manifest_only_for_generic_zip_names(tmp_path):
    named = json.dumps({"name": "佐藤花子"}).encode()
    paths = [_zip(tmp_path / "submission (3).zip", named), _zip(tmp_path / "alice.zip", named),
             _zip(tmp_path / "submission.zip", b"not json")]
    names, notes = _names(paths)
    assert names == ["佐藤花子", "alice", "submission"] and notes == {}
    own = [_zip(tmp_path / "submission-田中太郎.zip", json.dumps({"name": "田中太郎"}).encode()),
           _zip(tmp_path / "submission-Ann Ito.zip", json.dumps({"name": "Bob"}).encode())]
    assert _names(own) == (["田中太郎", "submission-Ann Ito"], {})  # Bob is not Ann Ito
    (tmp_path / "佐藤花子").mkdir()  # a folder of the name the zip claims
    names, notes = _names([paths[0], tmp_path / "佐藤花子"])
    assert names == ["佐藤花子 (submission (3).zip)", "佐藤花子"]
    assert notes == {name: ["2 submissions say they are 佐藤花子: submission (3).zip, 佐藤花子"]
                     for name in names}


@pytest.fixture
def one_name_twice(tmp_path):
    folder = tmp_path / "submissions"
    folder.mkdir()
    for file_name in ("submission.zip", "submission (2).zip"):
        with zipfile.ZipFile(folder / file_name, "w") as bundle:
            for path in sorted(EXERCISES.rglob("*.py")):
                if "__pycache__" not in path.parts:
                    bundle.write(path, f"exercises/{path.relative_to(EXERCISES).as_posix()}")
            bundle.writestr(MANIFEST, json.dumps({"name": "田中太郎"}, ensure_ascii=False))
    return folder


def test_a_batch_notes_two_generic_zips_that_claim_one_name(one_name_twice, tmp_path):
    grades, full = tmp_path / "grades.csv", tmp_path / "grades.json"
    result = CliRunner().invoke(main, ["batch", str(one_name_twice), "step_function",
                                       "--csv", str(grades), "--json", str(full),
                                       "--sandbox", "none"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(grades.read_text(encoding="utf-8-sig"))))
    assert [r["submission"] for r in rows] == ["田中太郎 (submission (2).zip)",
                                               "田中太郎 (submission.zip)"]
    for row in rows:
        assert row["status"] == "ok"
        assert row["notes"] == ("2 submissions say they are 田中太郎: submission (2).zip, "
                                "submission.zip")
    assert [row["notes"] for row in json.loads(full.read_text())] == [
        [rows[0]["notes"]], [rows[0]["notes"]]]


def test_gradescope_finds_the_exercises_beside_the_manifest(tmp_path):
    from grader.instructor.autograder import arrange
    from grader.submit import pack
    upload = tmp_path / "upload"
    upload.mkdir()
    pack(EXERCISES, upload / "submission-田中太郎.zip", {"name": "田中太郎"})
    found = arrange(upload, tmp_path / "scratch")  # the zip as uploaded
    assert (found / "ch03" / "softmax.py").read_text() == \
        (EXERCISES / "ch03" / "softmax.py").read_text()
    unpacked = tmp_path / "unpacked"  # as Gradescope may unpack it itself
    with zipfile.ZipFile(upload / "submission-田中太郎.zip") as bundle:
        bundle.extractall(unpacked)
    assert (unpacked / MANIFEST).is_file()
    assert arrange(unpacked, tmp_path / "scratch2") == unpacked / "exercises"


def test_submit_warns_of_failing_exercises_in_the_book_order():
    from grader.submit import reminders
    last = {"score": 3.5, "max_score": 10, "exercises": [
        {"id": "softmax", "status": "failed"}, {"id": "sigmoid", "status": "passed"},
        {"id": "step_function", "status": "from_a_newer_kit"}]}
    lines = reminders(last)
    assert lines[0] == "your last `grade` run scored 3.5 of 10 points"
    assert "warning: not passing yet: step_function (from_a_newer_kit), softmax (failed)" in lines
    assert not any("not started" in line for line in lines)
