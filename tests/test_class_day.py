"""A class graded in one `grade batch --report DIR --similarity` run, as an instructor would:
the reference, the stubs, half-done work, a copy with renamed variables and reordered functions,
an independent correct one, one copied from a public folder, known mistakes, a crash, a broken
zip and a hand-in named 田中太郎. The class report holds every section, links copydetect's report
and the students' pages, names the copies and not the independent work, and renders in Chromium
in English and in Japanese."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("copydetect", reason="`pip install -e '.[instructor]'` for --similarity")

from click.testing import CliRunner  # noqa: E402

from grader import catalog  # noqa: E402
from grader.cli import main  # noqa: E402
from grader.instructor import class_report  # noqa: E402
from grader.instructor.gradebook import Entry  # noqa: E402
from grader.results import RunResult  # noqa: E402
from submissions import EXERCISES, SOLUTIONS  # noqa: E402
from test_class_report import CHROMIUM, GRADED, TESTS, _browse, _mistake  # noqa: E402
from test_similarity import alternatives_submission, copy_of, disguised_copy  # noqa: E402

SIGMOID = "\n\ndef sigmoid(x):\n    return np.reciprocal(1.0 + np.exp(-np.asarray(x, float)))\n"
RELU = "\n\ndef relu(x):\n    out = np.array(x, dtype=float)\n    out[out < 0] = 0\n    return out\n"
SECTIONS = ("summary", "rates", "mistakes", "capstone", "submissions", "ungraded",
            "similarity-report", "roster")


def _half_done(target: Path, tail: str) -> Path:
    """The stubs with one function of its own written at the end of activations.py."""
    copy_of(EXERCISES, target)
    with open(target / "ch03" / "activations.py", "a", encoding="utf-8") as module:
        module.write(tail)
    return target


@pytest.fixture(scope="module")
def day(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("day")
    folder = root / "submissions"
    folder.mkdir()
    public = alternatives_submission(root / "public", 0)  # the book's repository, say
    copy_of(SOLUTIONS, folder / "anna")
    disguised_copy(SOLUTIONS, folder / "ben")  # anna's, renamed and reordered
    alternatives_submission(folder / "carol", 1)  # her own correct code
    copy_of(public, folder / "dave")
    _half_done(folder / "erin", SIGMOID)
    copy_of(EXERCISES, folder / "stubs")
    _mistake(root, "alice", ["softmax/no_max_subtraction.py"])
    _mistake(root, "mallory", [TESTS / "hostile" / "segfault.py"])
    (folder / "broken.zip").write_bytes(b"PK not really a zip")
    named = _half_done(root / "tanaka", RELU)
    handed = subprocess.run([sys.executable, "-m", "grader.cli", "submit", "--name", "田中太郎",
                             "--target", str(named)], cwd=root, capture_output=True, text=True,
                            timeout=300)
    assert handed.returncode == 0, handed.stderr
    shutil.move(root / "submission-田中太郎.zip", folder / "submission.zip")  # as an LMS names it
    roster = root / "roster.csv"  # ben is not on it; ghost handed nothing in
    roster.write_text("submission,name,email\n" + "".join(
        f"{n},{n},{n}@example.edu\n" for n in ("anna", "carol", "dave", "erin", "alice",
                                               "mallory", "stubs", "broken", "田中太郎", "ghost")),
        encoding="utf-8")
    done = CliRunner().invoke(main, ["batch", str(folder), *GRADED, "--skip-final", "--jobs", "2",
                                     "--lms", "moodle", "--roster", str(roster), "--output",
                                     str(root / "moodle.csv"),
                                     "--json", str(root / "class.json"), "--report",
                                     str(root / "en"), "--lang", "en", "--similarity",
                                     "--similarity-reference", str(public)])
    assert done.exit_code == 0, done.output
    return root


def _rows(day: Path) -> dict[str, dict]:
    return {row["submission"]: row
            for row in json.loads((day / "class.json").read_text(encoding="utf-8"))}


def test_the_copies_are_named_and_the_independent_work_is_not(day):
    rows = _rows(day)
    # anna's code is the reference's, and so is alice's (with one mistake added)
    assert rows["ben"]["similar_to"] in ("anna", "alice") and rows["ben"]["similarity"] >= 0.5
    assert rows["anna"]["similar_to"] in ("ben", "alice")
    assert rows["dave"]["similar_to"].startswith("reference:")
    for independent in ("carol", "erin", "stubs", "田中太郎"):
        assert rows[independent]["similar_to"] is None, rows[independent]
    assert rows["broken"]["results"] is None and rows["broken"]["error"]


def test_the_report_has_every_section_and_links_what_it_names(day):
    page = (day / "en" / "index.html").read_text(encoding="utf-8")
    for section in SECTIONS:
        assert f'id="{section}"' in page, section
    assert 'href="similarity.html"' in page and (day / "en" / "similarity.html").is_file()
    assert "田中太郎" in page and "feedback.softmax.no_max_subtraction" in page
    roster = page.split('id="roster"', 1)[1]
    assert "ghost" in roster and "ben" in roster and "anna" not in roster
    moodle = (day / "moodle.csv").read_text(encoding="utf-8-sig")
    assert "田中太郎@example.edu,0\n" in moodle and "ghost" not in moodle  # no grade to give
    linked = [p.name for p in (day / "en" / "submissions").iterdir()]
    assert any("田中太郎" in name for name in linked) and any("anna" in name for name in linked)


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH: `apt-get install chromium` "
                    "to check the class report in a real browser")
def test_the_class_report_renders_in_chromium_in_both_languages(day, tmp_path):
    rows = json.loads((day / "class.json").read_text(encoding="utf-8"))
    entries = [Entry(r["submission"], r["results"] and RunResult.from_dict(r["results"]),
                     r.get("error"), r.get("notes", [])) for r in rows]
    similar = [{"similar_to": r["similar_to"], "similarity": r["similarity"]} for r in rows]
    with catalog.speaking("ja"):  # the same batch's rows, rendered again for a Japanese reader
        class_report.write(entries, day / "ja", similar, day / "en" / "similarity.html")
    english = _browse(day / "en" / "index.html", tmp_path, "en")
    japanese = _browse(day / "ja" / "index.html", tmp_path, "ja")
    assert catalog.load("en")["class.similarity.link"] in english
    assert catalog.load("ja")["class.similarity.link"] in japanese
    assert catalog.load("ja")["class.mistakes"] in japanese and "田中太郎" in japanese
    # graded in English, alice's mistake reads in Japanese from its key and fields
    assert "a の最大値を引いてください" in japanese and "subtract the maximum" in english
