"""`grade gradebook --lms canvas|moodle --roster`: the totals as the CSV each LMS imports, each
submission matched to a roster row, and every one that did not match listed."""
from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader import manifest
from grader.cli import main
from grader.instructor.gradebook import Entry
from grader.instructor.lms import CANVAS_COLUMNS, export, match, read_roster
from grader.results import ExerciseResult, RunResult
from submissions import EXERCISES, SOLUTIONS, grade_json

QUICK = ["step_function", "sigmoid"]  # two exercises: real results, graded fast

# Hand-made exports in each LMS's layout. Canvas: the five identity columns, its assignments
# named "Name (id)", a "Points Possible" row under the header (indented, as Canvas writes it).
CANVAS_EXPORT = """\
Student,ID,SIS User ID,SIS Login ID,Section,Chapter 3-4 (777),Quiz 1 (778)
    Points Possible,,,,,87,10
"Smith, Alice",101,S001,alice,Lab A,,8
田中 太郎,102,S002,tanaka,Lab A,,9
"Nobody, Ned",103,S003,ned,Lab B,,7
"""
# Moodle's "Export grades > Plain text file": user fields, then grade items and a timestamp.
MOODLE_EXPORT = """\
First name,Last name,ID number,Institution,Department,Email address,Assignment: DLFS (Real),\
Last downloaded from this course
Alice,Smith,S001,Uni,CS,alice@example.edu,-,1700000000
太郎,田中,S002,Uni,CS,tanaka@example.edu,-,1700000000
Ned,Nobody,S003,Uni,CS,ned@example.edu,-,1700000000
"""


def read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode()), "no byte order mark: Excel would show mojibake"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict:
    """Real results files: the reference as alice, the stubs as 田中太郎 and as ghost."""
    root = tmp_path_factory.mktemp("lms")
    code, reference, ref_file = grade_json(SOLUTIONS, *QUICK, keep_output=True)
    assert code == 0
    code, stubs, stub_file = grade_json(EXERCISES, *QUICK, keep_output=True)
    assert code == 0
    shutil.copy(ref_file, root / "alice.json")
    shutil.copy(stub_file, root / "田中太郎.json")
    shutil.copy(stub_file, root / "ghost.json")
    return {"root": root, "reference": reference, "stubs": stubs,
            "files": sorted(str(p) for p in root.glob("*.json"))}


def gradebook(results, tmp_path, *args):
    return CliRunner().invoke(main, ["gradebook", *results["files"], *map(str, args)])


def test_canvas_csv_has_the_documented_columns_and_the_scores(results, tmp_path):
    roster = tmp_path / "canvas.csv"
    roster.write_text(CANVAS_EXPORT, encoding="utf-8-sig")  # as Canvas exports it: with a BOM
    output = tmp_path / "to-canvas.csv"
    result = gradebook(results, tmp_path, "--lms", "canvas", "--roster", roster,
                       "--assignment", "Chapter 3-4", "--output", output)
    assert result.exit_code == 0, result.output
    rows = read_csv(output)
    # the existing assignment, with its id, so that Canvas updates it instead of adding one
    assert rows[0] == [*CANVAS_COLUMNS, "Chapter 3-4 (777)"]
    assert rows[1][0] == "Points Possible" and float(rows[1][5]) == results["reference"][
        "max_score"] > 0
    by_login = {r[3]: r for r in rows[2:]}
    assert set(by_login) == {"alice", "tanaka"}  # ned handed nothing in: no grade written
    assert by_login["alice"][:5] == ["Smith, Alice", "101", "S001", "alice", "Lab A"]
    assert float(by_login["alice"][5]) == results["reference"]["score"] > 0
    assert float(by_login["tanaka"][5]) == results["stubs"]["score"] == 0
    assert by_login["tanaka"][0] == "田中 太郎"  # the round trip: written, read back, equal


def test_unmatched_are_listed_both_ways_on_stderr_and_in_the_notes(results, tmp_path):
    roster = tmp_path / "canvas.csv"
    roster.write_text(CANVAS_EXPORT, encoding="utf-8")
    output = tmp_path / "grades.csv"
    result = gradebook(results, tmp_path, "--lms", "canvas", "--roster", roster,
                       "--output", output)
    assert result.exit_code == 0, result.output
    assert "no roster row: ghost" in result.stderr
    assert "no submission: Nobody, Ned <ned>" in result.stderr
    notes = read_csv(tmp_path / "grades-notes.csv")
    assert notes[0] == ["problem", "submission", "student", "detail"]
    assert ["no roster row", "ghost"] in [n[:2] for n in notes]
    assert ["no submission", "", "Nobody, Ned <ned>"] in [n[:3] for n in notes]
    assert len(notes) == 3, notes
    assert read_csv(output)[0][-1] == "dlfs-kit"  # no such assignment in Canvas: a new column


def test_moodle_csv_has_an_identifier_and_the_grade_column(results, tmp_path):
    roster = tmp_path / "moodle.csv"
    roster.write_text(MOODLE_EXPORT, encoding="utf-8")
    output = tmp_path / "to-moodle.csv"
    result = gradebook(results, tmp_path, "--lms", "moodle", "--roster", roster,
                       "--assignment", "DLFS", "--output", output)
    assert result.exit_code == 0, result.output
    rows = read_csv(output)
    assert rows[0] == ["Email address", "ID number", "DLFS"]
    grades = {r[0]: (r[1], float(r[2])) for r in rows[1:]}
    assert grades == {"alice@example.edu": ("S001", results["reference"]["score"]),
                      "tanaka@example.edu": ("S002", 0.0)}  # 太郎 田中 is 田中太郎
    assert "no submission: Ned Nobody <ned@example.edu>" in result.stderr
    assert "no roster row: ghost" in result.stderr


def test_a_plain_roster_maps_submission_names_and_keeps_japanese_names(results, tmp_path):
    roster = tmp_path / "plain.csv"
    roster.write_text("submission,name,email\nghost,幽霊 花子,hanako@example.edu\n"
                      "田中太郎,田中太郎,taro@example.edu\n", encoding="utf-8")
    output = tmp_path / "out.csv"
    result = gradebook(results, tmp_path, "--lms", "moodle", "--roster", roster,
                       "--output", output)
    assert result.exit_code == 0, result.output
    assert read_csv(output)[1:] == [["hanako@example.edu", "0"], ["taro@example.edu", "0"]]
    assert "no roster row: alice" in result.stderr  # alice is not on this roster
    assert read_csv(output.with_name("out-notes.csv"))[1][:2] == ["no roster row", "alice"]


@pytest.mark.parametrize("lms, text, column, fix", [
    ("canvas", "name,email\nAlice,alice@example.edu\n", "SIS Login ID", "Grades > Export"),
    ("moodle", "Student,ID,SIS Login ID,Section\nAlice,101,alice,A\n", "Email address",
     "add a column email or id_number"),
])
def test_a_roster_without_the_needed_column_names_it_and_the_fix(results, tmp_path, lms, text,
                                                                 column, fix):
    roster = tmp_path / "roster.csv"
    roster.write_text(text, encoding="utf-8")
    result = gradebook(results, tmp_path, "--lms", lms, "--roster", roster,
                       "--output", tmp_path / "x.csv")
    assert result.exit_code == 1, result.output  # the instructor's input, not the kit's fault
    assert column in result.output and fix in result.output and str(roster) in result.output
    assert not (tmp_path / "x.csv").exists()


def test_a_roster_that_is_not_utf8_says_how_to_save_it(results, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_bytes("submission,email\n田中,t@example.edu\n".encode("shift_jis"))
    result = gradebook(results, tmp_path, "--lms", "moodle", "--roster", roster)
    assert result.exit_code == 1 and "CSV UTF-8" in result.output


def test_lms_and_roster_go_together(results, tmp_path):
    result = gradebook(results, tmp_path, "--lms", "canvas")
    assert result.exit_code == 2 and "--roster" in result.output
    result = gradebook(results, tmp_path)
    assert result.exit_code == 2 and "--csv" in result.output


def _entry(name: str, score: float = 5.0) -> Entry:
    """A row with results of score out of 10: one exercise worth 10 points."""
    exercise = next(e for e in manifest.EXERCISES if e.points == 10)
    return Entry(name, RunResult([ExerciseResult(exercise, "partial", score, [])], 1.0, name))


def test_a_name_two_rows_share_and_a_row_two_submissions_claim_get_no_grade(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("name,email\nKim Lee,kim1@example.edu\nKim Lee,kim2@example.edu\n"
                      "Ann Ito,ann@example.edu\n", encoding="utf-8")
    people = read_roster(roster)
    matched, notes = match([_entry("kim_lee"), _entry("ann"), _entry("Ann-Ito")], people)
    assert matched == {}
    assert {(n.problem, n.submission) for n in notes} == {
        ("several roster rows", "kim_lee"), ("several submissions", "ann, Ann-Ito"),
        ("no submission", ""), }
    assert [n.student for n in notes if n.problem == "no submission"] == [
        "Kim Lee <kim1@example.edu>", "Kim Lee <kim2@example.edu>"]


def test_a_submission_that_could_not_be_graded_gets_a_blank_grade_and_a_note(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("submission,email\nbob,bob@example.edu\n", encoding="utf-8")
    output, grades, notes = export([Entry("bob", None, "timed out")], "moodle", roster,
                                   tmp_path / "m.csv")
    assert grades == 0 and read_csv(output)[1] == ["bob@example.edu", ""]
    assert [(n.problem, n.detail) for n in notes] == [("not graded",
                                                        "timed out; grade left blank")]


def test_moodle_download_names_match_by_the_full_name_in_them(tmp_path):
    roster = tmp_path / "moodle.csv"
    roster.write_text(MOODLE_EXPORT, encoding="utf-8")
    output, grades, notes = export(
        [_entry("Alice Smith_4242_assignsubmission_file_submission-Alice", 6.0)], "moodle",
        roster, tmp_path / "m.csv")
    assert read_csv(output)[1] == ["alice@example.edu", "S001", "6"] and grades == 1


def test_canvas_download_names_match_by_canvas_user_id(tmp_path):
    roster = tmp_path / "canvas.csv"
    roster.write_text(CANVAS_EXPORT, encoding="utf-8")
    output, grades, notes = export([_entry("smithalice_101_5551_submission", 7.0),
                                    _entry("nobodyned_late_103_5552_submission", 3.0)],
                                   "canvas", roster, tmp_path / "c.csv")
    rows = read_csv(output)
    assert {r[1]: r[5] for r in rows[2:]} == {"101": "7", "103": "3"}
    assert [n.student for n in notes] == ["田中 太郎 <tanaka>"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_a_plain_roster_may_be_separated_by_commas_semicolons_or_tabs(tmp_path, delimiter):
    roster = tmp_path / "roster.csv"
    with open(roster, "w", encoding="utf-8", newline="") as stream:
        csv.writer(stream, delimiter=delimiter).writerows(
            [["Student ID", "E-mail", "Name"], ["S9", "kim@example.edu", "Kim, Lee"]])
    output, grades, notes = export([_entry("Lee Kim", 4.0)], "moodle", roster, tmp_path / "m.csv")
    assert read_csv(output) == [["Email address", "ID number", "dlfs-kit"],
                                ["kim@example.edu", "S9", "4"]] and notes == []


def test_a_batch_writes_the_lms_csv_naming_a_generic_zip_from_its_manifest(tmp_path):
    """The whole way: `grade submit --name` zips, `grade batch --lms` grades and imports."""
    folder = tmp_path / "submissions"
    shutil.copytree(SOLUTIONS, folder / "alice" / "exercises",
                    ignore=shutil.ignore_patterns("__pycache__"))
    with zipfile.ZipFile(folder / "submission (4).zip", "w") as bundle:
        for path in sorted(EXERCISES.rglob("*.py")):
            if "__pycache__" not in path.parts:
                bundle.write(path, f"exercises/{path.relative_to(EXERCISES).as_posix()}")
        bundle.writestr("submission.json", json.dumps({"name": "田中太郎"}))
    roster = tmp_path / "canvas.csv"
    roster.write_text(CANVAS_EXPORT, encoding="utf-8")
    output = tmp_path / "canvas-import.csv"
    result = CliRunner().invoke(main, ["batch", str(folder), "step_function", "--sandbox",
                                       "none", "--lms", "canvas", "--roster", str(roster),
                                       "--output", str(output)])
    assert result.exit_code == 0, result.output
    rows = read_csv(output)
    points = manifest.BY_ID["step_function"].points
    assert rows[1][5] == f"{points:g}"
    assert {r[0]: r[5] for r in rows[2:]} == {"Smith, Alice": f"{points:g}", "田中 太郎": "0"}
    assert "no submission: Nobody, Ned <ned>" in result.stderr


def test_a_batch_refuses_a_bad_roster_before_grading_anything(tmp_path):
    folder = tmp_path / "submissions"
    shutil.copytree(SOLUTIONS, folder / "alice", ignore=shutil.ignore_patterns("__pycache__"))
    roster = tmp_path / "roster.csv"
    roster.write_text("name\nAlice\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["batch", str(folder), "--csv", str(tmp_path / "g.csv"),
                                       "--lms", "moodle", "--roster", str(roster)])
    assert result.exit_code == 1 and "Email address" in result.output
    assert not (tmp_path / "g.csv").exists() and "graded" not in result.output
