"""Every report is written and parses whatever the submission's text holds (tests/hostile/
bad_text.py: a lone surrogate, controls, CSI and OSC sequences, C1 controls, bidi overrides),
graded for real, from a folder whose own name holds such characters and a byte that is not UTF-8;
a reader sees them as escapes (`\\x1b`), never obeyed."""
from __future__ import annotations

import base64
import json
import os
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import main
from grader.reporters import classroom, safe_text

from submissions import patched_submission, read_fixture

FIXTURE = read_fixture(Path(__file__).parent / "hostile" / "bad_text.py")
# The folder graded: a clear-screen, a right-to-left override and the byte 0xff in its name.
FOLDER = "dir\x1b[2J\u202e" + os.fsdecode(b"\xff")
# What no report may hold raw: the characters the fixture sends, and any surrogate.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
KIT_STYLING = re.compile("\x1b\\[[0-9;]*m")  # click.style's own colours, on a terminal only


def no_raw(text: str, where: str) -> None:
    found = sorted({f"U+{ord(c):04X}" for c in RAW.findall(text)})
    assert not found, f"{where} holds raw {found}"


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bad-text") / FOLDER
    target = patched_submission(folder, {FIXTURE["module"]: FIXTURE["text"]})
    written = {}
    for form in ("json", "junit", "gradescope", "html", "text"):
        path = folder.parent / f"report.{form}"
        done = CliRunner().invoke(main, ["run", "softmax", "sigmoid", "--target", str(target),
                                         "--format", form, "--output", str(path)])
        assert done.exit_code == 0, done.output
        written[form] = path
    terminal = CliRunner().invoke(main, ["run", "softmax", "sigmoid", "--target", str(target)],
                                  color=True)
    assert terminal.exit_code == 0, terminal.output
    written["terminal"] = terminal.output
    return written


def test_json_is_valid_utf8_and_keeps_the_text(reports):
    raw = reports["json"].read_bytes()
    results = json.loads(raw.decode("utf-8"))  # strict: a surrogate would not decode
    no_raw(raw.decode("utf-8"), "the JSON file")
    softmax = next(e for e in results["exercises"] if e["id"] == "softmax")
    assert softmax["status"] == "error" and softmax["score"] == 0
    message, output = softmax["tests"][0]["message"], softmax["tests"][0]["output"]
    # The data is kept: escapes are JSON's, which json.loads turns back; only the surrogate,
    # which no UTF-8 can hold, became U+FFFD.
    assert "\x1b]0;title\x07" in message and "\ufffd" in message and "\u202e" in message
    assert "\x1b[2J" in output and "\x9b" in output
    assert "日本語\tタブ" in output and "日本語\tタブ" in message
    assert "\ufffd" in results["target"] and "\x1b[2J" in results["target"]


def test_junit_holds_only_what_xml_allows(reports):
    root = ET.parse(reports["junit"]).getroot()  # raises on a control character
    no_raw(reports["junit"].read_text(encoding="utf-8"), "the JUnit file")
    failing = [e for e in root.iter("error")]
    assert failing and all(r"\x1b]52;c;aGk=\x07" in (e.text or "") for e in failing)
    assert "日本語" in failing[0].text


def test_gradescope_results_parse_and_show_escapes(reports):
    data = json.loads(reports["gradescope"].read_bytes().decode("utf-8"))
    text = json.dumps(data, ensure_ascii=False)
    no_raw(text, "Gradescope's results")  # after json.loads too: the browser gets no override
    softmax = next(t for t in data["tests"] if t["name"].startswith("softmax"))
    assert r"\x1b[2J" in softmax["output"] and r"\u202e" in softmax["output"]
    assert "日本語" in softmax["output"]


def test_classroom_report_parses_and_shows_escapes(reports):
    from grader.results import RunResult
    decoded = json.loads(base64.b64decode(classroom.encode(RunResult.load(reports["json"]))))
    no_raw(json.dumps(decoded, ensure_ascii=False), "the Classroom report")
    softmax = next(t for t in decoded["tests"] if t["name"].startswith("softmax"))
    assert softmax["status"] == "fail" and r"\x1b[2J" in softmax["message"]


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.data, self.tags = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.data.append(data)


def test_html_is_escaped_and_shows_escapes(reports):
    page = reports["html"].read_bytes().decode("utf-8")
    parser = _Text()
    parser.feed(page)
    parser.close()
    text = "".join(parser.data)
    no_raw(text, "the HTML page's text")
    assert r"\x1b[2J" in text and r"\u202e" in text and "日本語" in text
    assert "script" not in parser.tags


def test_text_report_and_terminal_show_escapes_never_raw(reports):
    written = reports["text"].read_text(encoding="utf-8")
    no_raw(written, "the text report")
    shown = reports["terminal"]
    assert KIT_STYLING.search(shown), "the kit's own colours are gone from the terminal"
    no_raw(KIT_STYLING.sub("", shown), "the terminal")
    for text in (written, KIT_STYLING.sub("", shown)):
        assert r"\x1b[2J\x1b[H" in text and r"\x1b]0;title\x07" in text and r"\u202e" in text
        assert r"\x9b" in text and "日本語" in text and r"\ud800" in text
        assert re.search(r"^total: 4/10 points", text, re.M), text


@pytest.mark.parametrize("clean", [safe_text.visible, safe_text.valid_unicode])
def test_cleaning_twice_changes_nothing(clean):
    text = "a\x1b[2J\u202e\ud800\x85\x00 日本語\t\\x1b\n"  # an escape already spelled out too
    assert clean(clean(text)) == clean(text)


def test_notebook_check_shows_escapes(reports):
    # check() in a notebook reads the same JSON results and shows them as text and a table.
    from grader.notebook import CheckResult
    shown = CheckResult(json.loads(reports["json"].read_text(encoding="utf-8")))
    for text in (str(shown), shown._repr_html_()):
        no_raw(text, "check()'s result")
        assert r"\x1b]0;title\x07" in text and "日本語" in text
