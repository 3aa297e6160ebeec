"""`grade batch`: a folder of submissions graded one `grade run` process each, where a broken or
hostile submission costs only its own row."""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
import tempfile
import time
import zipfile
from pathlib import Path

import pytest

from submissions import worker_processes
from click.testing import CliRunner

from grader import manifest
from grader.instructor.batch import (MAX_UNZIPPED_BYTES, Batch, SubmissionError, extract_zip,
                          find_exercises)
from grader.cli import KIT_ROOT, main
from grader.judge.sandbox import bwrap_problem, uids_problem

IDS = [e.id for e in manifest.EXERCISES if e.id != manifest.CAPSTONE]
POINTS = {e.id: e.points for e in manifest.EXERCISES}
FULL = sum(POINTS[i] for i in IDS)
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc")


def zip_folder(folder: Path, archive: Path, prefix: str) -> None:
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(folder.rglob("*.py")):
            if "__pycache__" not in path.parts:
                bundle.write(path, f"{prefix}/{path.relative_to(folder).as_posix()}")


def common_submissions(folder: Path, broken: str, softmax_tail: str) -> Path:
    """The reference (as exercises/ inside a folder, and zipped), the stubs, the reference with
    softmax.py broken by softmax_tail (in the folder broken), and a folder of no exercises."""
    shutil.copytree(KIT_ROOT / "solutions", folder / "passing" / "exercises", ignore=IGNORE)
    shutil.copytree(KIT_ROOT / "exercises", folder / "pristine", ignore=IGNORE)
    zip_folder(KIT_ROOT / "solutions", folder / "zipped.zip", "exercises")
    shutil.copytree(KIT_ROOT / "solutions", folder / broken, ignore=IGNORE)
    with open(folder / broken / "ch03" / "softmax.py", "a") as module:
        module.write(softmax_tail)
    (folder / "nothing").mkdir()
    (folder / "nothing" / "notes.txt").write_text("I could not find the exercises folder")
    return folder


def make_submissions(root: Path) -> Path:
    folder = common_submissions(root / "submissions", "syntax",
                                "\n\ndef softmax(a:\n    return a\n")
    with zipfile.ZipFile(folder / "escape.zip", "w") as bundle:
        bundle.writestr("exercises/ch03/__init__.py", "")
        bundle.writestr("../escape.py", "print('outside')")
    with zipfile.ZipFile(folder / "bomb.zip", "w", zipfile.ZIP_DEFLATED) as bundle:
        with bundle.open("exercises/ch03/zeros.txt", "w") as member:
            for _ in range(MAX_UNZIPPED_BYTES // 2**20 + 1):
                member.write(bytes(2**20))
    (folder / "readme.txt").write_text("not a submission: neither a folder nor a zip")
    return folder


@pytest.fixture(scope="module")
def graded(tmp_path_factory, mnist_dir):
    root = tmp_path_factory.mktemp("batch")
    folder = make_submissions(root)
    result = CliRunner().invoke(main, ["batch", str(folder), "--jobs", "3", "--skip-final",
                                       "--csv", str(root / "grades.csv"),
                                       "--json", str(root / "results.json")])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO((root / "grades.csv").read_text("utf-8-sig"))))
    return {"root": root, "result": result, "rows": {r["submission"]: r for r in rows},
            "order": [r["submission"] for r in rows],
            "header": (root / "grades.csv").read_text("utf-8-sig").splitlines()[0].split(","),
            "json": json.loads((root / "results.json").read_text())}


def test_one_row_per_submission_in_name_order(graded):
    assert graded["order"] == ["bomb", "escape", "nothing", "passing", "pristine", "syntax",
                               "zipped"]
    assert graded["header"] == ["submission", *IDS, "total", "max", "status", "notes"]
    assert "graded 4 of 7 submissions" in graded["result"].stdout
    assert "[7/7]" in graded["result"].stderr


@pytest.mark.parametrize("name", ["passing", "zipped"])
def test_reference_submissions_get_full_marks(graded, name):
    row = graded["rows"][name]
    assert [float(row[i]) for i in IDS] == [POINTS[i] for i in IDS]
    assert float(row["total"]) == float(row["max"]) == FULL
    assert row["status"] == "ok"


def test_an_untouched_submission_scores_zero(graded):
    row = graded["rows"]["pristine"]
    assert [row[i] for i in IDS] == ["0"] * len(IDS)
    assert (row["total"], row["status"], float(row["max"])) == ("0", "ok", FULL)


def test_a_syntax_error_costs_only_its_module(graded):
    row = graded["rows"]["syntax"]
    assert row["softmax"] == "0" and row["status"] == "ok" and "softmax: error" in row["notes"]
    assert float(row["step_function"]) == POINTS["step_function"]
    assert float(row["numerical_gradient"]) == POINTS["numerical_gradient"]
    assert 0 < float(row["total"]) < FULL


@pytest.mark.parametrize("name, reason", [
    ("nothing", "no exercises/ folder and no ch03/ or ch04/ folder"),
    ("escape", "'../escape.py' would be written outside its folder"),
    ("bomb", f"more than {MAX_UNZIPPED_BYTES >> 20} MB"),
])
def test_an_ungradable_submission_gets_zeros_and_a_reason(graded, name, reason):
    row = graded["rows"][name]
    assert row["status"] == "error" and reason in row["notes"]
    assert [row[i] for i in IDS] == ["0"] * len(IDS)
    assert row["total"] == "0" and float(row["max"]) == FULL
    entry = next(e for e in graded["json"] if e["submission"] == name)
    assert entry["results"] is None and reason in entry["error"]


def test_json_holds_each_submissions_full_results(graded):
    entries = {e["submission"]: e for e in graded["json"]}
    assert [e["submission"] for e in graded["json"]] == graded["order"]
    passing = entries["passing"]["results"]
    assert "error" not in entries["passing"]
    assert passing["score"] == passing["max_score"] == FULL
    assert [e["id"] for e in passing["exercises"]] == IDS
    assert all(t["status"] == "passed" for e in passing["exercises"] for t in e["tests"])
    syntax = {e["id"]: e for e in entries["syntax"]["results"]["exercises"]}
    assert syntax["softmax"]["status"] == "error"
    assert "SyntaxError" in " ".join(t["message"] for t in syntax["softmax"]["tests"])


def test_gradebook_of_the_batch_results_is_the_batch_csv(graded, tmp_path):
    """`grade gradebook` and `grade batch` share the CSV: merging the batch's results files
    gives the batch's rows."""
    files = []
    for entry in graded["json"]:
        if entry["results"] is not None:
            files.append(tmp_path / f"{entry['submission']}.json")
            files[-1].write_text(json.dumps(entry["results"]))
    result = CliRunner().invoke(main, ["gradebook", *map(str, files), "--csv",
                                       str(tmp_path / "merged.csv")])
    assert result.exit_code == 0, result.output
    merged = (tmp_path / "merged.csv").read_text().splitlines()
    batch = (graded["root"] / "grades.csv").read_text().splitlines()
    assert merged[0] == batch[0]
    assert merged[1:] == [line for line in batch[1:]
                          if line.split(",")[0] in ("passing", "pristine", "syntax", "zipped")]


def test_a_hanging_submission_is_stopped_with_its_processes(tmp_path):
    folder = tmp_path / "submissions"
    hang = folder / "hang"
    shutil.copytree(KIT_ROOT / "solutions", hang, ignore=IGNORE)
    with open(hang / "ch03" / "activations.py", "a") as module:
        module.write("\nwhile True:\n    pass\n")
    running = set(worker_processes())
    result = CliRunner().invoke(main, ["batch", str(folder), "step_function", "--timeout", "3",
                                       "--csv", str(tmp_path / "grades.csv")])
    assert result.exit_code == 0, result.output
    row = next(csv.DictReader(open(tmp_path / "grades.csv", encoding="utf-8-sig")))
    assert row["submission"] == "hang" and row["step_function"] == "0"
    assert (row["status"], row["notes"]) == ("error", "timed out: grading took more than 3 s")
    assert not set(worker_processes()) - running, "the hanging worker is still running"
    # The killed `grade run` had no cleanup of its own: its judge's folder went with the batch's.
    left = [judge for judge in Path(tempfile.gettempdir()).glob("dlfs-*/judge.json")] + [
        judge for judge in Path(tempfile.gettempdir()).glob("dlfs-*/*/judge.json")]
    assert not [j for j in left if str(hang) in j.read_text(errors="replace")], left


def test_batch_needs_somewhere_to_write(tmp_path):
    result = CliRunner().invoke(main, ["batch", str(tmp_path)])
    assert result.exit_code == 2 and "--csv FILE" in result.output


def test_zip_members_that_leave_the_folder_or_are_links_are_refused(tmp_path):
    link = zipfile.ZipInfo("exercises/ch03/softmax.py")
    link.external_attr = 0o120777 << 16
    out = tmp_path / "out"
    for member, reason in ((link, "is a link"), ("../evil.py", "outside its folder"),
                           (str(tmp_path / "absolute.py"), "outside its folder")):
        archive = tmp_path / "bad.zip"
        with zipfile.ZipFile(archive, "w") as bundle:
            bundle.writestr(member, str(KIT_ROOT / "solutions" / "ch03" / "softmax.py"))
        with pytest.raises(SubmissionError, match=reason):
            extract_zip(archive, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.zip", "out"]
    assert not list(out.iterdir())


def _zip(archive: Path, members: list[str]) -> Path:
    with zipfile.ZipFile(archive, "w") as bundle:
        for name in members:
            bundle.writestr(name, "" if name.endswith("/") else "x = 1\n")
    return archive


@pytest.mark.parametrize("members, reason", [
    ([f"exercises/empty{i}/" for i in range(2001)], "holds 2001 files and folders"),
    # 1,001 members, but the folders their paths imply make 2,002 inodes
    ([f"exercises/f{i}/a.py" for i in range(1001)], "files and folders (the folders its paths"),
    (["exercises/" + "d/" * 40], "nests folders 41 levels deep, more than the 32"),
    (["d/" * 33 + "a.py"], "nests folders 33 levels deep"),
])
def test_folders_count_and_depth_is_capped(tmp_path, members, reason):
    out = tmp_path / "out"
    with pytest.raises(SubmissionError, match=re.escape(reason)) as refused:
        extract_zip(_zip(tmp_path / "folders.zip", members), out)
    assert "grade submit" in str(refused.value)  # the fix, beside the problem
    assert not list(out.iterdir()), "something was written before the zip was refused"


def test_a_zip_at_the_depth_limit_extracts(tmp_path):
    extract_zip(_zip(tmp_path / "deep.zip", ["d/" * 32 + "a.py"]), tmp_path / "out")
    assert (tmp_path / "out" / Path(*["d"] * 32) / "a.py").read_text() == "x = 1\n"


def test_extraction_has_a_time_limit_of_its_own(tmp_path):
    archive = tmp_path / "slow.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("exercises/ch03/data.txt", bytes(4 * 2**20))
    with pytest.raises(SubmissionError, match="extracting the zip took more than 1e-09 s"):
        extract_zip(archive, tmp_path / "out", seconds=1e-9)
    extract_zip(archive, tmp_path / "again")  # the default limit: no trouble
    assert (tmp_path / "again" / "exercises" / "ch03" / "data.txt").stat().st_size == 4 * 2**20


def test_a_refused_zip_is_a_row_with_a_note(tmp_path):
    _zip(tmp_path / "nested.zip", ["exercises/ch03/" + "x/" * 100])
    entry = Batch(KIT_ROOT, tmp_path, skip_final=True, hidden=False, timeout=60, ids=()) \
        .grade_submission(tmp_path / "nested.zip", "nested")
    assert entry.results is None and "levels deep" in entry.error and "grade submit" in entry.error


def test_a_zip_of_a_folder_is_found_one_level_down(tmp_path):
    (tmp_path / "alice-week3" / "ch03").mkdir(parents=True)
    assert find_exercises(tmp_path) == tmp_path / "alice-week3"
    (tmp_path / "alice-week3" / "exercises").mkdir()
    assert find_exercises(tmp_path) == tmp_path / "alice-week3" / "exercises"


def test_a_submission_with_a_symbolic_link_is_refused(tmp_path):
    submission = tmp_path / "linked" / "exercises" / "ch03"
    submission.mkdir(parents=True)
    (submission / "softmax.py").symlink_to(KIT_ROOT / "solutions" / "ch03" / "softmax.py")
    entry = Batch(KIT_ROOT, tmp_path, skip_final=True, hidden=False, timeout=60, ids=()) \
        .grade_submission(tmp_path / "linked", "linked")
    assert entry.results is None and "symbolic link" in entry.error


def test_an_empty_zip_costs_only_its_row(tmp_path):
    with zipfile.ZipFile(tmp_path / "empty.zip", "w"):
        pass
    entry = Batch(KIT_ROOT, tmp_path, skip_final=True, hidden=False, timeout=60, ids=()) \
        .grade_submission(tmp_path / "empty.zip", "empty")
    assert entry.results is None and "no exercises/ folder" in entry.error


@pytest.mark.slow  # waits out the daemon it starts
@pytest.mark.parametrize("mode", [
    pytest.param("bwrap", marks=pytest.mark.skipif(bwrap_problem() is not None,
                                                   reason=f"needs bubblewrap: {bwrap_problem()}")),
    pytest.param("uid", marks=pytest.mark.skipif(uids_problem() is not None,
                                                 reason=f"needs root: {uids_problem()}"))])
def test_a_daemon_in_one_submission_touches_neither_the_others_nor_the_gradebook(tmp_path, mode):
    folder = tmp_path / "submissions"
    shutil.copytree(KIT_ROOT / "solutions", folder / "victim", ignore=IGNORE)
    shutil.copytree(KIT_ROOT / "solutions", folder / "attacker", ignore=IGNORE)
    daemon = (KIT_ROOT / "tests" / "hostile" / "daemon_rewrites_results.py").read_text()
    daemon = daemon.replace('rglob("results*.json")', 'rglob("*")')  # every file it can find
    with open(folder / "attacker" / "ch03" / "softmax.py", "a") as module:
        module.write("\n\nimport numpy as np\n" + daemon)
    victim = {p: p.read_bytes() for p in (folder / "victim").rglob("*.py")}
    grades = tmp_path / "grades.csv"
    result = CliRunner().invoke(main, ["batch", str(folder), "softmax", "sigmoid", "--jobs", "2",
                                       "--sandbox", mode, "--csv", str(grades)])
    assert result.exit_code == 0, result.output
    written = grades.read_bytes()
    time.sleep(3)  # the daemon would strike 1.5 s after it started
    assert grades.read_bytes() == written
    assert {p: p.read_bytes() for p in (folder / "victim").rglob("*.py")} == victim
    rows = {row["submission"]: row for row in csv.DictReader(open(grades, encoding="utf-8-sig"))}
    assert rows["victim"]["softmax"] == "6" and float(rows["attacker"]["softmax"]) < 6, rows


def test_a_submission_name_holding_escapes_is_shown_never_obeyed(tmp_path):
    # A folder name is the student's text: a clear-screen and a cursor move in it must reach the
    # instructor's terminal as visible escapes, in the progress line and the last line alike.
    folder = tmp_path / "submissions"
    (folder / "evil\x1b[2J\x1b[H\u202e").mkdir(parents=True)
    result = CliRunner().invoke(main, ["batch", str(folder), "--skip-final", "--sandbox", "none",
                                       "--csv", str(tmp_path / "grades.csv")])
    assert result.exit_code == 0, result.output
    shown = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "\x1b" not in shown and "\u202e" not in shown, shown
    assert "evil\\x1b[2J\\x1b[H\\u202e" in shown, shown


def test_a_grading_process_killed_by_a_signal_without_a_name_is_a_note(tmp_path):
    # Unconfined, the code graded can signal its `grade run` with a real-time signal: the row
    # says which, and the batch goes on (signal.Signals has no member for it).
    from grader.instructor.batch import _entry
    entry = _entry("rt", tmp_path / "absent.json", -40, tmp_path / "absent.log")
    assert entry.results is None and entry.error == "grade was killed by signal 40"
    assert _entry("k", tmp_path / "absent.json", -9, tmp_path / "absent.log").error == \
        "grade was killed by SIGKILL"
