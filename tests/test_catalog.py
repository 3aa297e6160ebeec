"""Both catalogs say the same things, and `grade` speaks the language it is asked for: by
--lang, DLFS_LANG or the locale, in its own output and in the judge's feedback alike."""
from __future__ import annotations

import ast
import contextlib
import json
import os
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader import catalog, manifest
from grader.cli import main
from submissions import SOLUTIONS, patched_submission

CATALOG = Path(catalog.__file__).parent
GRADE = Path(sys.executable).parent / "grade"
# Softmax without the maximum subtracted: partial marks and a feedback message from the judge.
NO_MAX = "def softmax(a):\n    e = np.exp(a)\n    return e / np.sum(e, axis=-1, keepdims=True)\n"
LOCALE = ("LC_ALL", "LC_MESSAGES", "LANG", "DLFS_LANG")


def fields(template: str) -> set[tuple]:
    """Each field with its format spec and conversion (a translation may repeat a field)."""
    return {(name, spec, conversion or "")
            for _, name, spec, conversion in string.Formatter().parse(template)
            if name is not None}


@pytest.mark.parametrize("lang", [lang for lang in catalog.LANGUAGES if lang != "en"])
def test_every_catalog_has_the_files_keys_and_placeholders_of_english(lang):
    english = sorted(p.name for p in (CATALOG / "en").glob("*.json"))
    assert sorted(p.name for p in (CATALOG / lang).glob("*.json")) == english
    for name in english:
        en = json.loads((CATALOG / "en" / name).read_text(encoding="utf-8"))
        other = json.loads((CATALOG / lang / name).read_text(encoding="utf-8"))
        assert sorted(other) == sorted(en), f"{lang}/{name}: keys differ from en/{name}"
        for key, template in en.items():
            assert fields(other[key]) == fields(template), f"{lang}/{name}: {key}"
            assert other[key].strip(), f"{lang}/{name}: {key} is empty"


def test_japanese_is_japanese_and_uses_the_books_terms():
    ja = catalog.load("ja")
    untranslated = [k for k, v in ja.items() if v.isascii() and v != catalog.load("en")[k]]
    assert not untranslated
    text = "\n".join(ja.values())
    for term in ("ステップ関数", "シグモイド関数", "ReLU関数", "恒等関数", "ソフトマックス関数",
                 "2乗和誤差", "交差エントロピー誤差", "one-hot表現", "数値微分", "勾配降下法",
                 "学習率", "ミニバッチ", "エポック", "認識精度"):
        assert term in text, term


# One word per idea in Japanese, across the text report, HTML, notebook and watch: each banned
# word is another's synonym (or the wrong term) and names the one the catalog uses.
BANNED_JA = {"課題": "演習", "得点": "点数", "しきい値": "合格ライン", "閾値": "合格ライン",
             "前進差分": "前方差分", "後退差分": "後方差分", "前進": "前方", "後退": "後方"}
JAPANESE = r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]"


def test_japanese_says_one_word_per_idea_and_the_books_forward_difference():
    ja = catalog.load("ja")
    found = [(key, word) for key, text in ja.items() for word in BANNED_JA if word in text]
    assert not found, [f"{key}: {word} -> {BANNED_JA[word]}" for key, word in found]
    with speaking("ja"):
        assert catalog.text("feedback.difference.forward") + "差分" == "前方差分"


@contextlib.contextmanager
def speaking(lang: str):
    catalog.choose(lang)
    try:
        yield
    finally:
        catalog.choose(None)


def _sample(template: str) -> dict[str, object]:
    """Fields for a template: a number where the spec formats one, else Japanese text, the
    case where a stray space would show ("{input} に対して" with a phrase of the catalog)."""
    return {name: 0.5 if spec else "テスト用の語"
            for name, spec, _ in fields(template)}


def test_every_entry_renders_and_no_ascii_space_sits_between_japanese():
    for lang in catalog.LANGUAGES:
        for key, template in catalog.load(lang).items():
            with speaking(lang):
                text = catalog.text(key, **_sample(template))
            stray = re.search(f"{JAPANESE} +{JAPANESE}", text)
            where = text[max(0, stray.start() - 20):stray.end() + 20] if stray else ""
            assert not stray, f"{lang}: {key}: {where!r}"


def test_japanese_punctuation_is_japanese():
    # A sentence ends in 。 where the English one ends in "."; Japanese is never followed by an
    # ASCII period or comma, and is quoted in 「」 (『』 for the book), never in ASCII quotes
    # (code in quotes, check("softmax"), stays code).
    en, ja = catalog.load("en"), catalog.load("ja")
    wide = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
    for key, text in ja.items():
        if en[key].rstrip().endswith("."):
            assert text.rstrip().endswith(("。", ")", "）", "」")), key
        assert not re.search(r"[\u3040-\u30ff\u3400-\u9fff][.,](\s|$)", text), key
        quoted = [q for q in re.findall(r'(?<!\()"[^"]*"', text) if wide.search(q)]
        assert not quoted, (key, quoted)  # an argument, check("その演習の id"), is code
    assert "『ゼロから作る Deep Learning』" in (Path(__file__).parent.parent
                                              / "README.ja.md").read_text(encoding="utf-8")


def test_a_phrase_of_the_catalog_meets_japanese_without_a_space_and_code_keeps_it():
    fields = dict(name="sigmoid", kind="TypeError", detail="d", where="", exercise="sigmoid")
    with speaking("ja"):
        batch = catalog.text("input.batch_2d", shape=(2, 3))
        phrase = catalog.text("test.raised_on", input=batch, **fields)
        code = catalog.text("test.raised_on", input="x = [1, 2]", **fields)
    assert batch.endswith("バッチ") and "sigmoid に形状 (2, 3) の2次元のバッチを与えると" in phrase
    assert "に x = [1, 2] を与えると" in code, code


def test_english_titles_are_the_manifests():
    for exercise in manifest.EXERCISES:
        assert catalog.load("en")[f"title.{exercise.id}"] == exercise.title


def _env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in LOCALE}
    return {**env, **values}


def has(output: str, *phrases: str) -> bool:
    """Every phrase is in output, wherever the report wrapped its lines."""
    flat = "".join(output.split())
    return all("".join(phrase.split()) in flat for phrase in phrases)


def _grade(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(GRADE), *args], capture_output=True, text=True, timeout=300,
                          env=_env(**env))


def test_dlfs_lang_ja_grades_in_japanese_feedback_from_the_judge_included(tmp_path):
    submission = patched_submission(tmp_path, {"ch03/softmax.py": NO_MAX})
    done = _grade("run", "softmax", "relu", "--target", str(submission), DLFS_LANG="ja")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "演習" in out and "状態" in out  # the table header
    assert "合格" in out and "一部合格" in out  # relu passes, softmax half does
    # The judge's own message, rendered in its subprocess: it got the language.
    assert has(out, "np.exp の前に a の最大値を引いてください", "(3.5.2)")
    assert "合計:" in out and "total:" not in out
    assert "returned" not in out and "passed" not in out


def test_lang_en_overrides_dlfs_lang(tmp_path):
    submission = patched_submission(tmp_path, {"ch03/softmax.py": NO_MAX})
    done = _grade("--lang", "en", "run", "softmax", "--target", str(submission),
                  DLFS_LANG="ja")
    assert done.returncode == 0, done.stderr
    assert has(done.stdout, "subtract the maximum of a before np.exp", "partial")
    assert "最大値" not in done.stdout


def test_lang_ja_reaches_the_judge_through_an_english_environment(tmp_path):
    submission = patched_submission(tmp_path, {"ch03/softmax.py": NO_MAX})
    done = _grade("--lang", "ja", "run", "softmax", "--target", str(submission),
                  DLFS_LANG="en", LANG="en_US.UTF-8")
    assert done.returncode == 0, done.stderr
    assert has(done.stdout, "np.exp の前に a の最大値を引いてください", "一部合格")


def test_lang_ja_overrides_an_english_environment(monkeypatch):
    monkeypatch.setenv("DLFS_LANG", "en")
    result = CliRunner().invoke(main, ["--lang", "ja", "hint", "softmax"])
    assert result.exit_code == 0
    assert "softmax のヒント (3.5.2、ソフトマックス関数)" in result.output
    assert "本の 3.5.2 節を読み直してください" in result.output
    again = CliRunner().invoke(main, ["hint", "softmax"])  # no --lang: the environment again
    assert "Hint for softmax" in again.output


@pytest.mark.parametrize("env, expected", [
    ({"LANG": "ja_JP.UTF-8"}, "ja"),
    ({"LC_MESSAGES": "ja_JP.eucJP", "LANG": "en_US.UTF-8"}, "ja"),
    ({"LC_ALL": "C", "LANG": "ja_JP.UTF-8"}, "en"),  # LC_ALL wins, as in POSIX
    ({"LANG": "fr_FR.UTF-8"}, "en"),  # a language the kit does not speak: English, silently
    ({"DLFS_LANG": "en", "LANG": "ja_JP.UTF-8"}, "en"),  # DLFS_LANG before the locale
    ({}, "en"),
])
def test_language_falls_back_from_dlfs_lang_to_the_locale(monkeypatch, capsys, env, expected):
    for name in LOCALE:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert catalog.language() == expected
    assert capsys.readouterr().err == ""


def test_locale_fallback_reaches_the_cli():
    done = _grade("hint", "relu", LANG="ja_JP.UTF-8")
    assert done.returncode == 0, done.stderr
    assert "relu のヒント" in done.stdout and "ReLU関数" in done.stdout


def test_unknown_language_falls_back_to_english_with_one_line_of_notice():
    done = _grade("run", "relu", "--target", str(SOLUTIONS), DLFS_LANG="klingon")
    assert done.returncode == 0, done.stderr
    assert "passed" in done.stdout
    notices = [line for line in done.stderr.splitlines() if "DLFS_LANG=klingon" in line]
    assert len(notices) == 1, done.stderr  # the judge got "en", so it did not repeat it
    assert "showing English" in notices[0] and "ja" in notices[0]


def test_unknown_lang_option_is_a_usage_error_naming_the_choices():
    result = CliRunner().invoke(main, ["--lang", "fr", "list"])
    assert result.exit_code == 2
    assert "'fr' is not one of" in result.output and "'ja'" in result.output


def test_help_is_japanese_when_asked():
    top = CliRunner().invoke(main, ["--lang", "ja", "--help"])
    assert "演習 (3章と4章) を採点します" in top.output
    assert "すべての演習を本の順に" in top.output  # `list` in the command list
    run = CliRunner().invoke(main, ["--lang", "ja", "run", "--help"])
    assert "各チェックを止めるまでの秒数" in run.output
    english = CliRunner().invoke(main, ["--lang", "en", "run", "--help"])
    assert "Seconds each check may run" in english.output


def test_every_student_option_has_help_in_every_language():
    for lang in catalog.LANGUAGES:
        catalog.choose(lang)
        try:
            from grader.cli import localise
            localise(main)
            for name in ("run", "list", "hint", "submit"):
                command = main.commands[name]
                assert command.help and command.short_help, (lang, name)
                for param in command.params:
                    if param.param_type_name == "option" and not param.hidden:
                        assert param.help, (lang, name, param.name)
        finally:
            catalog.choose(None)
            localise(main)


def test_japanese_feedback_wraps_by_terminal_columns():
    from grader.reporters.text import _indent
    catalog.choose("ja")
    try:
        message = catalog.text("feedback.softmax.no_max_subtraction", input="[1010, 1000, 990]",
                               got="[nan nan nan]", expected="[1.0 4.5e-05 2.1e-09]")
    finally:
        catalog.choose(None)
    lines = _indent(message).splitlines()
    assert len(lines) > 1
    assert all(catalog.columns(line) <= 4 + 96 for line in lines)
    assert "".join(line.strip() for line in lines).replace(" ", "") == message.replace(" ", "")
    assert any("[1010," in line for line in lines)  # code is not split inside a token


def test_no_wrapped_japanese_line_is_too_wide_or_starts_with_punctuation():
    from grader.reporters.text import _wrap
    for key, template in catalog.load("ja").items():
        for paragraph in template.splitlines():
            for line in _wrap(paragraph):
                # Closing punctuation may hang one character (two columns) over.
                assert catalog.columns(line) <= 96 or " " not in line.strip(), (key, line)
                assert not line.startswith(("、", "。")), (key, line)


def _check_names() -> set[str]:
    """Every check's function name in the public and hidden suites, read from the source (the
    judge's suites are never imported here)."""
    grader = CATALOG.parent
    return {node.name for folder in ("suites", "hidden")
            for path in (grader / folder).rglob("test_*.py")
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.name.startswith("test_")}


def test_every_check_has_a_title_in_every_language():
    names = _check_names()
    assert len(names) > 50  # the suites were found
    for lang in catalog.LANGUAGES:
        titles = catalog.load(lang)
        assert not [n for n in sorted(names) if not titles.get(f"check.{n}")], lang
    # No title is left for a check that is gone, and none is its raw name
    stale = [k for k in catalog.load("en") if k.startswith("check.test_")
             and k[6:] not in names]
    assert not stale
    assert not [n for n in names if catalog.load("ja")[f"check.{n}"] == n]
    # The page puts the check's name after its title in brackets: a title holds none
    assert not [(lang, n) for lang in catalog.LANGUAGES for n in names
                if re.search(r"[()（）]", catalog.load(lang)[f"check.{n}"])]
