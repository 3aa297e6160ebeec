"""`grade gradebook`: results files graded one job per submission, merged into one CSV."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader import manifest
from grader.cli import KIT_ROOT, main
from grader.instructor.gradebook import usable

IDS = [e.id for e in manifest.EXERCISES if e.id != manifest.CAPSTONE]
POINTS = {e.id: e.points for e in manifest.EXERCISES}
FULL = sum(POINTS[i] for i in IDS)


def grade_to(target: str, output: Path) -> dict:
    output.parent.mkdir(parents=True, exist_ok=True)
    result = CliRunner().invoke(main, ["run", "--target", target, "--skip-final", "--format",
                                       "json", "--output", str(output)])
    assert result.exit_code == 0, result.output
    return json.loads(output.read_text())


@pytest.fixture(scope="module")
def ci(tmp_path_factory, mnist_dir) -> Path:
    """Results as the course's CI leaves them: ci/alice/results.json, ci/bob.json..."""
    root = tmp_path_factory.mktemp("ci")
    alice = grade_to("solutions", root / "alice" / "results.json")
    grade_to(str(KIT_ROOT / "exercises"), root / "bob.json")
    (root / "carol.json").write_text('{"score": 3, "exercises": [')
    (root / "dave.json").write_text(json.dumps({"score": 3, "tests": []}))  # not ours
    only_softmax = [e for e in alice["exercises"] if e["id"] == "softmax"]
    (root / "eve.json").write_text(json.dumps({**alice, "exercises": only_softmax, "score": 6,
                                               "max_score": 6}))
    (root / "=1+1.json").write_text((root / "bob.json").read_text())
    return root


def merge(ci: Path, *names: str, json_out: Path | None = None):
    out = ci / "out" / "gradebook.csv"
    extra = ["--json", str(json_out)] if json_out else []
    result = CliRunner().invoke(main, ["gradebook", *[str(ci / n) for n in names],
                                       "--csv", str(out), *extra])
    rows = list(csv.reader(open(out, encoding="utf-8-sig"))) if out.exists() else []
    return result, rows


def test_merge_gives_one_row_per_results_file(ci):
    result, rows = merge(ci, "bob.json", "alice/results.json", "carol.json", "dave.json",
                         "eve.json", "=1+1.json")
    assert result.exit_code == 0, result.output
    assert rows[0] == ["submission", *IDS, "total", "max", "status", "notes"]
    table = {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}
    assert [r[0] for r in rows[1:]] == ["'=1+1", "alice", "bob", "carol", "dave", "eve"]
    assert [float(table["alice"][i]) for i in IDS] == [POINTS[i] for i in IDS]
    assert float(table["alice"]["total"]) == float(table["alice"]["max"]) == FULL
    assert table["bob"]["total"] == "0" and table["bob"]["status"] == "ok"
    assert table["'=1+1"]["total"] == "0"


def test_unreadable_results_cost_only_their_row(ci):
    result, rows = merge(ci, "alice/results.json", "carol.json", "dave.json")
    assert result.exit_code == 0, result.output
    table = {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}
    assert table["carol"]["status"] == table["dave"]["status"] == "error"
    assert table["carol"]["notes"].startswith("cannot read carol.json")
    assert table["dave"]["notes"] == "not the results of `grade run --format json`"
    for name in ("carol", "dave"):
        assert [table[name][i] for i in IDS] == ["0"] * len(IDS)
        assert float(table[name]["max"]) == FULL
    assert table["alice"]["status"] == "ok"


def test_an_exercise_a_file_did_not_grade_is_left_blank(ci):
    result, rows = merge(ci, "eve.json", "bob.json")
    assert result.exit_code == 0, result.output
    table = {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}
    assert table["eve"]["softmax"] == "6" and table["eve"]["sigmoid"] == ""
    assert (table["eve"]["total"], table["eve"]["max"]) == ("6", "6")


def test_merge_writes_the_batch_json_too(ci):
    result, _ = merge(ci, "alice/results.json", "carol.json", json_out=ci / "out" / "all.json")
    assert result.exit_code == 0, result.output
    entries = json.loads((ci / "out" / "all.json").read_text())
    assert [e["submission"] for e in entries] == ["alice", "carol"]
    assert entries[0]["results"] == json.loads((ci / "alice" / "results.json").read_text())
    assert "error" not in entries[0] and entries[1]["results"] is None


def test_two_files_for_one_submission_are_refused(ci, tmp_path):
    (tmp_path / "alice.json").write_text((ci / "bob.json").read_text())
    out = tmp_path / "gradebook.csv"
    result = CliRunner().invoke(main, ["gradebook", str(ci / "alice" / "results.json"),
                                       str(tmp_path / "alice.json"), "--csv", str(out)])
    assert result.exit_code == 2
    assert "'alice'" in result.output and "rename one of them" in result.output
    assert not out.exists()


@pytest.mark.parametrize("change", [
    {"score": "87"}, {"max_score": None}, {"exercises": "all"}, {"exercises": [{"id": "x"}]},
    {"exercises": [{"id": "softmax", "score": True}]},
    {"exercises": [{"id": "backprop", "score": 1}]}, {"exercises": [{"id": [], "score": 1}]},
    {"kit_error": "no suites"},
])
def test_results_that_do_not_look_like_grade_run_json_are_not_used(ci, change):
    results = json.loads((ci / "bob.json").read_text())
    assert usable(results) is None
    assert usable({**results, **change}) is not None


def test_results_record_the_kit_version_and_the_manifest(ci):
    from importlib.metadata import version
    results = json.loads((ci / "alice" / "results.json").read_text())
    assert results["kit_version"] == version("dlfs-kit")
    assert results["manifest"] == manifest.fingerprint() and len(results["manifest"]) == 16


def test_results_of_another_manifest_are_refused_unless_allowed(ci, tmp_path):
    alice = ci / "alice" / "results.json"
    older = tmp_path / "frank.json"
    older.write_text(json.dumps({**json.loads(alice.read_text()), "manifest": "0123456789abcdef"}))
    refused = CliRunner().invoke(main, ["gradebook", str(alice), str(older),
                                        "--csv", str(tmp_path / "mixed.csv")])
    assert refused.exit_code == 2 and "--allow-mixed" in refused.output
    assert "0123456789abcdef" in refused.output and not (tmp_path / "mixed.csv").exists()
    allowed = CliRunner().invoke(main, ["gradebook", str(alice), str(older), "--allow-mixed",
                                        "--csv", str(tmp_path / "mixed.csv")])
    assert allowed.exit_code == 0, allowed.output
    assert len(list(csv.DictReader(open(tmp_path / "mixed.csv", encoding="utf-8-sig")))) == 2


def test_results_record_the_settings_their_total_depends_on(ci):
    results = json.loads((ci / "alice" / "results.json").read_text())
    assert (results["charge_once"], results["hidden_tests_included"],
            results["skipped_final"]) == (False, False, True)


@pytest.mark.parametrize("key, value, option", [
    ("charge_once", True, "--charge-once"), ("hidden_tests_included", True, "--hidden"),
    ("skipped_final", False, "--skip-final"), ("charge_once", None, "--charge-once")])
def test_results_of_other_settings_are_refused_unless_allowed(ci, tmp_path, key, value, option):
    """Rows out of 87 and out of 100, or with and without charge-once, are no one gradebook."""
    alice = ci / "alice" / "results.json"
    other = json.loads(alice.read_text())
    if value is None:  # a results file of a kit that did not record it yet
        del other[key]
    else:
        other[key] = value
    frank = tmp_path / "frank.json"
    frank.write_text(json.dumps(other))
    out = tmp_path / "mixed.csv"
    refused = CliRunner().invoke(main, ["gradebook", str(alice), str(frank), "--csv", str(out)])
    assert refused.exit_code == 2 and not out.exists()
    said = "not recorded" if value is None else json.dumps(value)
    for part in (str(alice), str(frank), key, said, option, "--allow-mixed"):
        assert part in " ".join(refused.output.split()), (part, refused.output)
    allowed = CliRunner().invoke(main, ["gradebook", str(alice), str(frank), "--allow-mixed",
                                        "--csv", str(out)])
    assert allowed.exit_code == 0, allowed.output
    assert len(list(csv.DictReader(open(out, encoding="utf-8-sig")))) == 2


def test_written_files_follow_the_umask(tmp_path):
    import os
    from grader.reporters import write_atomically
    previous = os.umask(0o022)
    try:
        write_atomically(tmp_path / "grades.csv", "submission\n")
    finally:
        os.umask(previous)
    assert (tmp_path / "grades.csv").stat().st_mode & 0o777 == 0o644


def test_the_csv_opens_in_excel_as_utf8_and_keeps_notes_apart(ci, tmp_path):
    """Excel reads a CSV without a byte order mark in the locale's code page (田中太郎 becomes
    mojibake in a Japanese one): the gradebook starts with one, and stays valid CSV."""
    named = tmp_path / "田中太郎.json"
    named.write_text((ci / "bob.json").read_text(), encoding="utf-8")
    out = tmp_path / "grades.csv"
    result = CliRunner().invoke(main, ["gradebook", str(named), str(ci / "carol.json"),
                                       "--csv", str(out)])
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "田中太郎".encode() in raw
    rows = {r["submission"]: r for r in csv.DictReader(open(out, encoding="utf-8-sig"))}
    assert (rows["田中太郎"]["status"], rows["田中太郎"]["notes"]) == ("ok", "")
    assert rows["carol"]["status"] == "error" and rows["carol"]["notes"].startswith("cannot read")


def test_results_of_another_kit_version_with_the_same_exercises_merge(ci, tmp_path):
    """Many machines, one gradebook: results from other installs of the kit merge as long as
    they graded the same exercise manifest."""
    alice = json.loads((ci / "alice" / "results.json").read_text())
    (tmp_path / "gina.json").write_text(json.dumps({**alice, "kit_version": "0.0.1"}))
    result = CliRunner().invoke(main, ["gradebook", str(ci / "alice" / "results.json"),
                                       str(tmp_path / "gina.json"), "--csv",
                                       str(tmp_path / "grades.csv")])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(open(tmp_path / "grades.csv", encoding="utf-8-sig")))
    assert [r["total"] for r in rows] == [f"{FULL:g}", f"{FULL:g}"]
