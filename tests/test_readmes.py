"""README.ja.md is the students' README in Japanese: the same content, so the same commands,
options, environment variables and files, as README.md's part for students."""
from __future__ import annotations

import re
from pathlib import Path

KIT_ROOT = Path(__file__).resolve().parents[1]
CODE = re.compile(r"`([^`\n]+)`")
NAMED = re.compile(r"grade(?: [a-z-]+)?|--[a-z-]+|DLFS_[A-Z_]+|[\w./-]+\.(?:py|zip|md|html|ipynb|png)")


def named(text: str) -> set[str]:
    """The commands, options, variables and files a README names in its code spans."""
    return {word for span in CODE.findall(text) for word in NAMED.findall(span)}


def students_part(text: str) -> str:
    return text.split("<!-- student -->", 1)[1].split("<!-- /student -->", 1)[0]


def test_the_japanese_readme_names_what_the_english_one_names():
    english = named(students_part((KIT_ROOT / "README.md").read_text(encoding="utf-8")))
    japanese = named((KIT_ROOT / "README.ja.md").read_text(encoding="utf-8"))
    assert {"grade run", "grade submit", "--lang", "DLFS_LANG"} <= english
    assert sorted(english - japanese) == [], "README.ja.md lacks these: translate their lines"
    assert sorted(japanese - english) == [], "README.md's students' part lacks these"


def test_a_missing_command_is_seen():
    assert named("`grade watch softmax` と `--out plots/`") == {"grade watch", "--out"}
    assert named("run `grade reset sigmoid`, see `exercises/ch03/activations.py.backup`") == {
        "grade reset", "exercises/ch03/activations.py"}
