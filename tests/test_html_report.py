"""`grade run --format html`: one self-contained page, opened in a real headless Chromium."""
from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from matplotlib import image

from grader import catalog, manifest
from grader.cli import main

from submissions import patched_submission

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")
                 if shutil.which(n)), None)
WRONG_SOFTMAX = "def softmax(a):\n    return np.exp(a) / np.sum(np.exp(a))\n"
# Every exercise that needs no MNIST (so the page is tested where there is none), in order; the
# capstone is asked for too, with --skip-final, so the page says why its figure is missing.
GRADED = [e.id for e in manifest.EXERCISES if not e.uses_mnist]
# Injected into a copy of the page: marks each image as the browser decoded it.
PROBE = ("<script>window.addEventListener('load', () => { for (const img of "
         "document.images) { img.dataset.width = img.naturalWidth; } "
         "document.body.dataset.loaded = 'yes'; });</script>")


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("html")
    target = patched_submission(folder, {"ch03/softmax.py": WRONG_SOFTMAX})
    page = folder / "report.html"
    result = CliRunner().invoke(main, ["run", *GRADED, manifest.CAPSTONE, "--skip-final",
                                       "--target", str(target),
                                       "--format", "html", "--output", str(page)])
    assert result.exit_code == 0, result.output
    return page


def test_the_page_is_self_contained(report):
    text = report.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["'](?!data:)""", text), "a resource outside the page"
    assert text.count("data:image/png;base64,") == 3  # activations, softmax, gradient
    assert "softmax([1010., 1000.,  990.]) returned [nan, nan, nan]" in text
    assert "hint: Softmax is exp(a) divided by" in text  # the failing exercise's hint
    assert "learning_curves: skipped: it needs mnist_final" in text


MARKUP_SOFTMAX = (
    "def softmax(a):\n"
    "    print('<script>document.title = 1</script>]]></system-out><testcase name=\"forged\"/>')\n"
    "    raise ValueError('<img src=x onerror=\"document.title = 2\">')\n")


def test_markup_from_the_submission_is_shown_as_text(tmp_path):
    # What the student's code prints and raises lands in the page and the JUnit file as text:
    # no script or image of its own in the instructor's browser, no test case of its own.
    import xml.etree.ElementTree as ET
    target = patched_submission(tmp_path, {"ch03/softmax.py": MARKUP_SOFTMAX})
    for form in ("html", "junit"):
        done = CliRunner().invoke(main, ["run", "softmax", "--target", str(target), "--format",
                                         form, "--output", str(tmp_path / form)])
        assert done.exit_code == 0, done.output
    page = (tmp_path / "html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=" in page and "&lt;script&gt;document.title" in page
    assert "<img src=x" not in page and "<script>document.title" not in page
    cases = [c.get("name") for c in ET.parse(tmp_path / "junit").getroot().iter("testcase")]
    assert "forged" not in cases and any(name.startswith("test_softmax") for name in cases)


def _chromium(*args: str) -> subprocess.CompletedProcess:
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
               "--virtual-time-budget=5000", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL)


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH: `apt-get install chromium` "
                    "to check the HTML report in a real browser")
def test_the_page_renders_in_chromium_with_its_table_and_figures(report, tmp_path):
    probed = tmp_path / "probed.html"
    probed.write_text(report.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"),
                      encoding="utf-8")
    dom = _chromium("--dump-dom", probed.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    assert 'data-loaded="yes"' in html, "the page never finished loading"
    rows = re.findall(r'<tr class="exercise" data-id="(\w+)" data-status="(\w+)"', html)
    assert [r[0] for r in rows] == GRADED
    assert dict(rows)["softmax"] == "partial" and dict(rows)["relu"] == "passed"
    widths = [int(w) for w in re.findall(r'data-width="(\d+)"', html)]
    assert len(widths) == 3 and all(w >= 400 for w in widths), widths

    # A screenshot to look at, kept under $TMPDIR (the path is printed with -s).
    shot = Path(tempfile.gettempdir()) / "dlfs-kit-html-report.png"
    taken = _chromium(f"--screenshot={shot}", "--window-size=1200,4000", report.as_uri())
    assert taken.returncode == 0 and shot.is_file(), taken.stderr[-2000:]
    picture = image.imread(str(shot))
    assert picture.shape[:2] == (4000, 1200)
    # Figures are colourful; text and table lines are grey: colour shows they were painted.
    rgb = picture[..., :3]
    colourful = (rgb.max(axis=-1) - rgb.min(axis=-1)) > 0.3
    assert colourful.mean() > 0.002, "no figure painted on the screenshot"
    print(f"screenshot: {shot}")


WRONG_SHAPE_SOFTMAX = "def softmax(a):\n    return np.exp(a - np.max(a))[:, None] * np.ones(2)\n"


def test_a_wrong_shape_softmax_is_a_note_in_the_page(tmp_path):
    target = patched_submission(tmp_path, {"ch03/softmax.py": WRONG_SHAPE_SOFTMAX})
    page = tmp_path / "report.html"
    done = CliRunner().invoke(main, ["run", "softmax", "sigmoid", "--target", str(target),
                                     "--format", "html", "--output", str(page)])
    assert done.exit_code == 0, done.output
    text = page.read_text(encoding="utf-8")
    assert "softmax: skipped: it needs softmax, which returned an array of shape (3, 2)" in text
    assert text.count("data:image/png;base64,") == 1  # the activations are still drawn


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH: `apt-get install chromium` "
                    "to check the HTML report in a real browser")
def test_the_page_of_a_submission_sending_escapes_and_overrides_renders_them_as_text(tmp_path):
    from submissions import read_fixture
    fixture = read_fixture(Path(__file__).parent / "hostile" / "bad_text.py")
    target = patched_submission(tmp_path, {fixture["module"]: fixture["text"]})
    page = tmp_path / "report.html"
    done = CliRunner().invoke(main, ["run", "softmax", "--target", str(target),
                                     "--format", "html", "--output", str(page)])
    assert done.exit_code == 0, done.output
    probed = tmp_path / "probed.html"
    probed.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"),
                      encoding="utf-8")
    dom = _chromium("--dump-dom", probed.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert 'data-loaded="yes"' in dom.stdout, "the page never finished loading"
    assert re.search(r'data-id="softmax" data-status="error"', dom.stdout)
    assert r"\x1b[2J" in dom.stdout and r"\u202e" in dom.stdout and "日本語" in dom.stdout
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]",
                         dom.stdout), "a control or override reached the page raw"


def test_in_japanese_a_failing_check_is_named_by_its_japanese_title_then_its_name(tmp_path):
    target = patched_submission(tmp_path, {"ch03/softmax.py": WRONG_SOFTMAX})
    page = tmp_path / "report.html"
    try:
        done = CliRunner().invoke(main, ["--lang", "ja", "run", "softmax", "--target",
                                         str(target), "--format", "html", "--output", str(page)])
        title = catalog.text("check.test_softmax_large_values_do_not_overflow")
    finally:
        catalog.choose(None)
    assert done.exit_code == 0, done.output
    text = page.read_text(encoding="utf-8")
    # Japanese, not the English title (whatever the environment's language)
    assert re.search("[\u3040-\u30ff]", title) and title != catalog.load("en")[
        "check.test_softmax_large_values_do_not_overflow"]
    assert html.escape(f"{title} (test_softmax_large_values_do_not_overflow)") in text
    # Every check the page names comes after its title: none is left as a bare pytest name
    assert not re.search(r"<p>test_|, test_", text), text
