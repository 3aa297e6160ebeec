"""`grade batch --report DIR` and `grade gradebook --report DIR`: the class report, made from a
batch of real submissions graded once, opened in headless Chromium in both languages."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner
from matplotlib import image

from grader import catalog, manifest
from grader.cli import main
from grader.instructor import class_report
from grader.instructor.gradebook import Entry
from grader.reporters import html as html_report
from grader.results import ExerciseResult, RunResult, build_exercise
from grader.results import TestResult as Check  # not a test class

from submissions import EXERCISES, SOLUTIONS, patched_submission, read_fixture
from test_html_report import CHROMIUM, PROBE, _chromium

TESTS = Path(__file__).parent
GRADED = ["sigmoid", "softmax", "cross_entropy_error"]  # enough for the mistakes, graded fast
NO_MAX = "feedback.softmax.no_max_subtraction"
NO_DELTA = "feedback.cross_entropy_error.no_delta"
MARKUP_NAME = '<img src=x onerror="document.title=1">'  # a folder name is the student's text
# The submissions: each a known mistake (tests/mistakes/) or none, or a crash (tests/hostile/)
STUDENTS = {"alice": ["softmax/no_max_subtraction.py"],
            "bob": ["softmax/no_max_subtraction.py", "cross_entropy_error/no_delta.py"],
            MARKUP_NAME: ["cross_entropy_error/no_delta.py"]}
THRESHOLD = 0.9
CRASHING = "segfault.py"  # softmax dies on SIGSEGV: an error, not a named mistake


def _mistake(folder: Path, name: str, fixtures: list[str | Path]) -> None:
    """The reference with each fixture's code added to its module (a name under tests/mistakes/,
    or a path), as the submission folder name."""
    patches: dict[str, str] = {}
    for fixture in fixtures:
        read = read_fixture(fixture if isinstance(fixture, Path) else TESTS / "mistakes" / fixture)
        patches[read["module"]] = patches.get(read["module"], "") + "\n\n" + read["text"]
    built = patched_submission(folder / f"build-{len(list(folder.iterdir()))}", patches)
    shutil.move(built, folder / "submissions" / name)


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> Path:
    """The batch, graded once: its report (English), its JSON and each results file."""
    folder = tmp_path_factory.mktemp("class")
    submissions = folder / "submissions"
    submissions.mkdir()
    shutil.copytree(SOLUTIONS, submissions / "reference")
    shutil.copytree(EXERCISES, submissions / "stubs")
    for name, fixtures in STUDENTS.items():
        _mistake(folder, name, fixtures)
    _mistake(folder, "mallory", [TESTS / "hostile" / CRASHING])
    (submissions / "broken.zip").write_bytes(b"not a zip at all")
    done = CliRunner().invoke(main, ["batch", str(submissions), *GRADED, "--skip-final",
                                     "--jobs", "2", "--json", str(folder / "all.json"),
                                     "--report", str(folder / "en"), "--lang", "en"])
    assert done.exit_code == 0, done.output
    assert f"report: {folder / 'en' / 'index.html'}" in done.output
    # Each graded submission's results as a file of its own, as CI jobs would leave them
    for row in json.loads((folder / "all.json").read_text(encoding="utf-8")):
        if row["results"] is not None:
            (folder / "results" / f"{row['submission']}").mkdir(parents=True)
            path = folder / "results" / row["submission"] / "results.json"
            path.write_text(json.dumps(row["results"]), encoding="utf-8")
    return folder


def _rows(page: str) -> dict[str, tuple[int, list[str]]]:
    """The mistakes table: key -> (count, the submissions linked)."""
    found = {}
    for key, count, row in re.findall(r'<tr class="mistake" data-key="([^"]+)" '
                                      r'data-count="(\d+)">(.*?)</tr>', page):
        names = re.findall(r'<a href="[^"]+">([^<]*)</a>', row.split("<td>")[-1])
        found[key] = (int(count), names)
    return found


def test_the_mistakes_table_counts_each_key_once_per_submission(graded):
    page = (graded / "en" / "index.html").read_text(encoding="utf-8")
    escaped = "&lt;img src=x onerror=&quot;document.title=1&quot;&gt;"
    # in the batch's order: by name ("<" before letters)
    assert _rows(page) == {NO_MAX: (2, ["alice", "bob"]), NO_DELTA: (2, [escaped, "bob"])}
    # The message as a student reads it, and the book section it names
    assert "subtract the maximum of a before np.exp" in page
    assert "<td>softmax</td><td>3.5.2</td>" in page
    assert "<img src=x" not in page  # the name is shown, never obeyed


def test_the_page_has_the_rates_the_ungraded_and_a_page_per_submission(graded):
    page = (graded / "en" / "index.html").read_text(encoding="utf-8")
    assert "6 of 7 submissions graded" in page
    softmax = re.search(r"<tr><td>softmax</td><td>3.5.2</td>(.*?)</tr>", page).group(1)
    cells = re.findall(r'<td class="number">([^<]*)</td>', softmax)
    heads = re.findall(r"<th>([^<]*)</th>", page.split('id="rates"')[1].split("</thead>")[0])
    rates = dict(zip(heads[2:], cells))
    # reference and the markup name: passed; alice, bob: partial; stubs: not started;
    # mallory (a crash): error
    assert rates["passed"] == "33% (2)" and rates["partial"] == "33% (2)"
    assert rates["not started"] == "17% (1)" and rates["error"] == "17% (1)"
    ungraded = page.split('id="ungraded"')[1]
    assert "<td>broken</td>" in ungraded and "the zip cannot be extracted" in ungraded
    links = re.findall(r'<a href="(submissions/[^"]+)">', page)
    assert len(set(links)) == 6  # every graded submission, never the broken zip
    for link in set(links):
        own = (graded / "en" / unquote(link)).read_text(encoding="utf-8")
        assert 'id="scores"' in own and 'href="../index.html"' in own
    # bob's page is his own `grade run --format html` report, with a link back
    bob = next(r for r in json.loads((graded / "all.json").read_text()) if r["submission"] == "bob")
    own = next((graded / "en" / "submissions").glob("*-bob.html")).read_text(encoding="utf-8")
    back = re.search(r'<p><a href="../index.html">[^<]*</a></p>', own).group()
    assert own.replace(back, "") == html_report.render(RunResult.from_dict(bob["results"]))
    assert page.count("data:image/png;base64,") == 1  # the histogram; no capstone was trained
    assert not re.search(r"""(src|href)=["'](?!data:|submissions/)""", page)


def test_a_generic_or_rescored_check_names_no_mistake_and_a_submission_counts_once():
    def check(name: str, key: str, **fields) -> Check:
        return Check(f"suites/ch03/test_softmax.py::{name}", "softmax", 1.0, "failed", key=key,
                     **fields)
    softmax = manifest.BY_ID["softmax"]
    tests = [check("test_big", NO_MAX), check("test_batch", NO_MAX),
             check("test_value", "feedback.softmax.wrong_value"),
             check("test_rows", "feedback.softmax.no_keepdims", rescored=True),
             check("test_raises", "")]
    result = RunResult([build_exercise(softmax, tests)], 1.0, "alice")
    found = class_report.mistakes([result, None, result])
    assert [(m.key, m.students, m.exercise.section) for m in found] == [(NO_MAX, [0, 2], "3.5.2")]


def _trained(accuracy: float, seconds: float) -> ExerciseResult:
    """The capstone as the grader builds it from its check's records (training here takes from
    20 s to past the budget, as the machine's load goes: too slow, and its verdict load's)."""
    check = Check(f"suites/ch04/test_{manifest.CAPSTONE}.py::test_trains", manifest.CAPSTONE,
                       1.0, "passed" if accuracy >= THRESHOLD else "failed",
                       records={"accuracy": accuracy, "threshold": THRESHOLD,
                                "seconds": seconds})
    return build_exercise(manifest.BY_ID[manifest.CAPSTONE], [check])


def test_the_capstone_is_each_submissions_accuracy_against_the_threshold(graded, tmp_path):
    entries = []
    for name, accuracy, seconds in (("reference", 0.9512, 21.5), ("alice", 0.8123, 48.3)):
        result = RunResult.load(graded / "results" / name / "results.json")
        result.exercises.append(_trained(accuracy, seconds))
        entries.append(Entry(name, result))
    page = class_report.write(entries, tmp_path / "report").read_text(encoding="utf-8")
    table = page.split('id="capstone"')[1].split("</table>")[0]
    rows = re.findall(r"<tr><td[^>]*>(\d)</td><td><a [^>]+>(\w+)</a></td>"
                      r'<td class="number">([\d.]+)</td><td class="number">([\d.]+)</td>'
                      r'<td class="number">([\d.]+)</td><td>(\w+)</td></tr>', table)
    assert rows == [("1", "reference", "0.9512", f"{THRESHOLD:.4f}", "21.5", "passed"),
                    ("2", "alice", "0.8123", f"{THRESHOLD:.4f}", "48.3", "failed")]
    assert 'data-figure="capstone"' in page and page.count("data:image/png;base64,") == 2


def test_gradebook_writes_the_report_in_japanese_from_results_files(graded):
    files = sorted((graded / "results").glob("*/results.json"))
    done = CliRunner().invoke(main, ["gradebook", *map(str, files), "--report",
                                     str(graded / "ja"), "--lang", "ja"])
    assert done.exit_code == 0, done.output
    page = (graded / "ja" / "index.html").read_text(encoding="utf-8")
    ja = catalog.load("ja")
    assert '<html lang="ja">' in page and ja["class.title"] in page
    assert ja["class.ungraded.none"] in page  # only graded results were given
    assert f"<th>{ja['status.not_started']}</th>" in page
    assert {k: v[0] for k, v in _rows(page).items()} == {NO_MAX: 2, NO_DELTA: 2}
    own = (graded / "ja" / "submissions").glob("*-alice.html")
    assert ja["class.back"] in next(own).read_text(encoding="utf-8")


def _browse(page: Path, tmp: Path, lang: str) -> str:
    """The page as Chromium built it, after checking that nothing failed to load or logged to
    the console; a screenshot of it is kept under tmp (its path printed)."""
    probed = page.with_name(f"probed-{lang}.html")
    probed.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"),
                      encoding="utf-8")
    dom = _chromium("--enable-logging=stderr", "--v=0", "--dump-dom", probed.as_uri())
    probed.unlink()
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert 'data-loaded="yes"' in dom.stdout, "the page never finished loading"
    widths = [int(w) for w in re.findall(r'data-width="(\d+)"', dom.stdout)]
    assert widths and all(w >= 400 for w in widths), f"a broken image: {widths}"
    console = [line for line in dom.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [], console
    shot = tmp / f"class-report-{lang}.png"
    taken = _chromium(f"--screenshot={shot}", "--window-size=1200,3000", page.as_uri())
    assert taken.returncode == 0 and shot.is_file(), taken.stderr[-2000:]
    picture = image.imread(str(shot))
    rgb = picture[..., :3]
    assert ((rgb.max(axis=-1) - rgb.min(axis=-1)) > 0.3).mean() > 0.002, "no figure painted"
    print(f"screenshot: {shot}")
    return dom.stdout


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH: `apt-get install chromium` "
                    "to check the class report in a real browser")
def test_the_report_renders_in_chromium_in_english_and_japanese(graded, tmp_path):
    if not (graded / "ja").exists():
        files = sorted((graded / "results").glob("*/results.json"))
        done = CliRunner().invoke(main, ["gradebook", *map(str, files), "--report",
                                         str(graded / "ja"), "--lang", "ja"])
        assert done.exit_code == 0, done.output
    english = _browse(graded / "en" / "index.html", tmp_path, "en")
    assert 'data-key="feedback.softmax.no_max_subtraction"' in english
    assert "document.title=1" in english and "<img src=x" not in english
    japanese = _browse(graded / "ja" / "index.html", tmp_path, "ja")
    assert catalog.load("ja")["class.mistakes"] in japanese
    # A submission's own page, as its student would see it
    own = next((graded / "en" / "submissions").glob("*-bob.html"))
    assert 'data-id="softmax" data-status="partial"' in _chromium("--dump-dom",
                                                                   own.as_uri()).stdout


def test_without_a_place_for_the_grades_the_usage_error_names_report_too(tmp_path):
    results = tmp_path / "alice.json"
    results.write_text("{}", encoding="utf-8")
    for command in (["gradebook", str(results)], ["batch", str(tmp_path)]):
        done = CliRunner().invoke(main, command)
        assert done.exit_code == 2 and "--report DIR" in done.output, done.output
        assert not (tmp_path / "index.html").exists()
