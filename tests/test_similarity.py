"""`grade batch --similarity`: copydetect over the submissions' exercise files, the kit's stubs as
boilerplate, on submissions made here from the kit's own solutions/, exercises/ and
tests/alternatives/."""
from __future__ import annotations

import ast
import csv
import json
import shutil
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("copydetect", reason="--similarity needs copydetect: "
                                         "pip install -e '.[test]' installs it")

from grader.cli import KIT_ROOT, main  # noqa: E402
from grader.instructor import similarity  # noqa: E402
from submissions import read_fixture  # noqa: E402

IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc")
ALTERNATIVES = Path(__file__).parent / "alternatives"


class _Rename(ast.NodeTransformer):
    """Every argument and local variable of each function gets a new name."""

    def __init__(self):
        self.names: dict[str, str] = {}

    def visit_FunctionDef(self, node):
        for argument in node.args.args + node.args.kwonlyargs:
            if argument.arg != "self":
                argument.arg = self.names.setdefault(argument.arg, f"q{len(self.names)}")
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                self.names.setdefault(sub.id, f"q{len(self.names)}")
        self.generic_visit(node)
        return node

    def visit_Name(self, node):
        node.id = self.names.get(node.id, node.id)
        return node


def disguised(source: str) -> str:
    """The module with its variables renamed and its functions and classes in reverse order."""
    tree = _Rename().visit(ast.parse(source))
    defined = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    tree.body = [n for n in tree.body if n not in defined] + defined[::-1]
    return ast.unparse(tree)


def copy_of(base: Path, target: Path) -> Path:
    shutil.copytree(base, target, ignore=IGNORE)
    return target


def disguised_copy(base: Path, target: Path) -> Path:
    copy_of(base, target)
    for module in target.rglob("*.py"):
        module.write_text(disguised(module.read_text(encoding="utf-8")), encoding="utf-8")
    return target


def alternatives_submission(target: Path, pick: int) -> Path:
    """The stubs, with one of each exercise's correct alternatives appended to its module."""
    copy_of(KIT_ROOT / "exercises", target)
    for exercise in sorted(p for p in ALTERNATIVES.iterdir() if p.is_dir()):
        found = sorted(exercise.glob("*.py"))
        fixture = read_fixture(found[pick % len(found)])
        with open(target / fixture["module"], "a", encoding="utf-8") as module:
            module.write("\n\n" + fixture["text"])
    return target


def check(tmp_path: Path, submissions: list[Path], references=(), threshold=None):
    config = similarity.settings(KIT_ROOT, tmp_path, tuple(references),
                                 threshold or similarity.DEFAULT_THRESHOLD,
                                 (tmp_path / "grades.csv",))
    return similarity.check({p.name: p for p in submissions}, config), config.report


def test_a_renamed_and_reordered_copy_is_flagged(tmp_path):
    alice = copy_of(KIT_ROOT / "solutions", tmp_path / "alice")
    carol = disguised_copy(alice, tmp_path / "carol")
    bob = alternatives_submission(tmp_path / "bob", 0)
    softmax = (carol / "ch03" / "softmax.py").read_text()
    assert "exp_a" not in softmax and "exp_a" in (alice / "ch03" / "softmax.py").read_text()
    matches, report = check(tmp_path, [alice, bob, carol])
    assert matches["carol"].similar_to == "alice", matches
    assert matches["carol"].similarity >= 0.7  # docs/instructors.md says so
    assert matches["alice"].similar_to == "carol"
    html = report.read_text(encoding="utf-8")
    assert "carol/ch03/softmax.py" in html and "dlfs-similarity-" not in html


@pytest.mark.parametrize("pick", [0, 1, 2])
def test_independent_correct_implementations_are_not_flagged(tmp_path, pick):
    alice = copy_of(KIT_ROOT / "solutions", tmp_path / "alice")
    bob = alternatives_submission(tmp_path / "bob", pick)
    matches, _ = check(tmp_path, [alice, bob])
    assert matches == {}
    # They do share some code (numpy calls look alike): the threshold is what keeps them apart.
    low, _ = check(tmp_path, [alice, bob], threshold=0.01)
    assert low["bob"].similarity < similarity.DEFAULT_THRESHOLD / 2


def test_untouched_stubs_are_not_flagged(tmp_path):
    dan = copy_of(KIT_ROOT / "exercises", tmp_path / "dan")
    erin = copy_of(KIT_ROOT / "exercises", tmp_path / "erin")
    alice = copy_of(KIT_ROOT / "solutions", tmp_path / "alice")  # the stubs' text is in it too
    matches, _ = check(tmp_path, [alice, dan, erin], threshold=0.01)
    assert "dan" not in matches and "erin" not in matches, matches


def test_a_copy_of_a_reference_folder_is_flagged_against_it(tmp_path):
    # A public repository laid out its own way: every solution in one module
    book = tmp_path / "book"
    (book / "common").mkdir(parents=True)
    (book / "common" / "functions.py").write_text("\n\n".join(
        p.read_text() for p in sorted((KIT_ROOT / "solutions").rglob("*.py"))))
    frank = disguised_copy(KIT_ROOT / "solutions", tmp_path / "frank")
    bob = alternatives_submission(tmp_path / "bob", 1)
    dan = copy_of(KIT_ROOT / "exercises", tmp_path / "dan")
    matches, report = check(tmp_path, [bob, dan, frank], references=[book])
    assert matches["frank"].similar_to == f"reference:{book}", matches
    assert "bob" not in matches and "dan" not in matches
    assert "common/functions.py" in report.read_text(encoding="utf-8")


def test_names_the_report_would_run_are_left_out_of_it(tmp_path):
    # copydetect writes file names into its HTML unescaped: neither a name nor a path reaches it
    alice = copy_of(KIT_ROOT / "solutions", tmp_path / "alice<b>")
    shutil.copy(alice / "ch03" / "softmax.py", alice / "ch03" / "<img src=x onerror=alert(1)>.py")
    carol = copy_of(KIT_ROOT / "solutions", tmp_path / "carol")
    matches, report = check(tmp_path, [alice, carol])
    assert matches["carol"].similar_to == "alice<b>"
    html = report.read_text(encoding="utf-8")
    assert "onerror" not in html and "alice<b>" not in html and "alice_b_/ch03" in html


def _rows(path: Path) -> dict[str, dict[str, str]]:
    with open(path, encoding="utf-8-sig") as stream:
        return {row["submission"]: row for row in csv.DictReader(stream)}


def test_grade_batch_similarity_adds_columns_and_writes_the_report(tmp_path):
    folder = tmp_path / "submissions"
    alice = copy_of(KIT_ROOT / "solutions", tmp_path / "alice" / "exercises")
    folder.mkdir()
    with zipfile.ZipFile(folder / "alice.zip", "w") as bundle:
        for path in sorted(alice.rglob("*.py")):
            bundle.write(path, f"exercises/{path.relative_to(alice).as_posix()}")
    disguised_copy(alice, folder / "carol")
    copy_of(KIT_ROOT / "exercises", folder / "dan")
    (folder / "broken.zip").write_bytes(b"not a zip")  # its row says why; the check goes on
    grades, results = tmp_path / "out" / "grades.csv", tmp_path / "out" / "results.json"
    result = CliRunner().invoke(main, ["batch", str(folder), "softmax", "--skip-final",
                                       "--similarity", "--csv", str(grades),
                                       "--json", str(results)])
    assert result.exit_code == 0, result.output
    header = grades.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header[-4:] == ["status", "notes", "similar_to", "similarity"]
    rows = _rows(grades)
    assert rows["carol"]["similar_to"] == "alice" and float(rows["carol"]["similarity"]) >= 0.5
    assert rows["alice"]["similar_to"] == "carol"
    assert rows["dan"]["similar_to"] == "" and rows["dan"]["similarity"] == ""
    assert rows["broken"]["status"] == "error" and rows["broken"]["similar_to"] == ""
    assert rows["alice"]["softmax"] == rows["carol"]["softmax"] != "0"
    saved = {e["submission"]: e for e in json.loads(results.read_text())}
    assert saved["carol"]["similar_to"] == "alice" and saved["dan"]["similarity"] is None
    report = tmp_path / "out" / "grades-similarity.html"
    assert f"similarity report: {report}" in result.output and report.is_file()


def test_without_copydetect_similarity_stops_before_grading(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "copydetect", None)  # as if not installed: import fails
    copy_of(KIT_ROOT / "exercises", tmp_path / "submissions" / "dan")
    result = CliRunner().invoke(main, ["batch", str(tmp_path / "submissions"), "--similarity",
                                       "--csv", str(tmp_path / "grades.csv")])
    assert result.exit_code == 1, result.output
    assert "pip install -e '.[instructor]'" in result.output
    assert not (tmp_path / "grades.csv").exists()


def test_similarity_options_need_similarity(tmp_path):
    (tmp_path / "submissions").mkdir()
    result = CliRunner().invoke(main, ["batch", str(tmp_path / "submissions"),
                                       "--similarity-threshold", "0.4",
                                       "--csv", str(tmp_path / "grades.csv")])
    assert result.exit_code == 2 and "--similarity" in result.output
    help_text = " ".join(CliRunner().invoke(main, ["batch", "--help"]).output.split())
    assert f"(default {similarity.DEFAULT_THRESHOLD:g})" in help_text


def test_only_plain_exercise_files_are_compared(tmp_path):
    source = copy_of(KIT_ROOT / "solutions", tmp_path / "alice")
    (source / "ch03" / "linked.py").symlink_to(source / "ch03" / "softmax.py")
    (source / "ch03" / "huge.py").write_text("x = 1\n" * similarity.MAX_FILE_BYTES)
    (source / "._softmax.py").write_text("x = 1\n")
    (source / "notes.txt").write_text("not code")
    similarity._copy_code(source, tmp_path / "copy")
    copied = sorted(p.relative_to(tmp_path / "copy").as_posix()
                    for p in (tmp_path / "copy").rglob("*") if p.is_file())
    expected = sorted(p.relative_to(KIT_ROOT / "solutions").as_posix()
                      for p in (KIT_ROOT / "solutions").rglob("*.py") if p.stat().st_size)
    assert "ch03/softmax.py" in expected and "ch03/__init__.py" not in expected
    assert copied == expected


def test_the_report_goes_next_to_the_first_file_written(tmp_path):
    def report(*outputs):
        return similarity.settings(KIT_ROOT, tmp_path, (), 0.5, outputs).report
    assert report(tmp_path / "g.csv", tmp_path / "r.json", None) == tmp_path / "g-similarity.html"
    assert report(None, tmp_path / "r.json", None) == tmp_path / "r-similarity.html"
    assert report(None, None, tmp_path / "canvas.csv") == tmp_path / "canvas-similarity.html"
    assert report(None, None, None) == Path("grades-similarity.html")


def test_a_name_of_dots_stays_inside_the_scratch_folder(tmp_path):
    alice = copy_of(KIT_ROOT / "solutions", tmp_path / "alice")
    carol = copy_of(KIT_ROOT / "solutions", tmp_path / "carol")
    config = similarity.settings(KIT_ROOT, tmp_path, (), 0.5, (tmp_path / "grades.csv",))
    matches = similarity.check({"..": alice, "carol": carol}, config)
    assert matches["carol"].similar_to == ".." and matches[".."].similar_to == "carol"
    assert "_/ch03/softmax.py" in config.report.read_text(encoding="utf-8")


def test_a_submission_is_never_its_own_match(tmp_path):
    alice = copy_of(KIT_ROOT / "solutions", tmp_path / "alice")
    shutil.copy(alice / "ch03" / "activations.py", alice / "ch04" / "helpers.py")
    dan = copy_of(KIT_ROOT / "exercises", tmp_path / "dan")
    matches, report = check(tmp_path, [alice, dan], threshold=0.01)
    assert matches == {}
    assert "Test file: <i>alice/" not in report.read_text(encoding="utf-8")
