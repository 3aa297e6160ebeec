"""The message catalog: every sentence a student reads, keyed by id.

One catalog per language under catalog/<lang>/, split by chapter into small JSON files that are
merged at load (a key may live in one file only). Keys are dotted: `status.passed`,
`hint.softmax`, `feedback.softmax.no_max_subtraction`. Texts are `str.format` templates with
named fields. Every language has exactly the keys and fields of English (tests/test_catalog.py).

The language: `grade --lang` (choose()), else DLFS_LANG, else the locale (LC_ALL, LC_MESSAGES,
LANG, the first one set: ja_JP.UTF-8 -> ja), else English. The judge runs in a subprocess and
renders messages too: the runner passes it the chosen language as DLFS_LANG.

A check's result keeps its message as data, a `Message` (key and fields; a field may itself be a
message), so that a reporter renders it in its reader's language, not the judge's: `render(lang)`
renders in a given language without changing the chosen one.
"""
from __future__ import annotations

import json
import re
import string
import unicodedata
import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).parent
DEFAULT_LANG = "en"
LANGUAGES = tuple(sorted(p.name for p in HERE.iterdir() if (p / "core.json").is_file()))

_chosen: str | None = None  # set by `grade --lang`; wins over the environment
_noticed: set[str] = set()  # unknown DLFS_LANG values already reported, one line each


class CatalogError(Exception):
    """The catalog itself is broken: a duplicate or missing key, or a bad template."""


@lru_cache(maxsize=None)
def load(lang: str = DEFAULT_LANG) -> dict[str, str]:
    merged: dict[str, str] = {}
    folder = HERE / lang
    for path in sorted(folder.glob("*.json")):
        for key, value in json.loads(path.read_text(encoding="utf-8")).items():
            if key in merged:
                raise CatalogError(f"catalog key {key!r} is defined twice ({lang}); keep one")
            merged[key] = value
    return merged


def choose(lang: str | None) -> None:
    """Use lang from now on (None: back to DLFS_LANG and the locale)."""
    global _chosen
    _chosen = lang


def _from_locale() -> str:
    # POSIX: the first of these that is set and not empty decides the messages' language.
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return value.split(".")[0].split("@")[0].split("_")[0].lower()
    return DEFAULT_LANG


def language() -> str:
    """The language messages are shown in: one of LANGUAGES."""
    if _chosen is not None:
        return _chosen if _chosen in LANGUAGES else DEFAULT_LANG
    wanted = os.environ.get("DLFS_LANG", "").strip()
    if wanted:
        lang = wanted.split(".")[0].split("_")[0].lower()
        if lang in LANGUAGES:
            return lang
        if wanted not in _noticed:
            _noticed.add(wanted)
            print(load(DEFAULT_LANG)["kit.unknown_language"].format(
                lang=wanted, languages=", ".join(LANGUAGES)), file=sys.stderr)
        return DEFAULT_LANG
    lang = _from_locale()  # a locale in another language is no mistake: English, silently
    return lang if lang in LANGUAGES else DEFAULT_LANG


@contextmanager
def speaking(lang: str | None):
    """Within it, messages are shown in lang (a reporter asked for another language)."""
    global _chosen
    saved, _chosen = _chosen, lang
    try:
        yield
    finally:
        _chosen = saved


def has(key: str) -> bool:
    return key in load(DEFAULT_LANG)


@dataclass(frozen=True)
class Message:
    """A catalog message as data: its key and its fields, rendered when someone reads it. A
    field is plain JSON (str, int, float, bool, None) or a Message, rendered in the same
    language as the message around it."""
    key: str
    fields: dict = field(default_factory=dict)

    def render(self, lang: str | None = None) -> str:
        """The text in lang (None: the chosen language), the chosen language left as it is."""
        return render(self.key, self.fields, lang)

    def to_dict(self) -> dict:
        """{"key": ..., "fields": {...}}: a nested message as the same kind of dict."""
        return {"key": self.key, "fields": {
            k: v.to_dict() if isinstance(v, Message) else v for k, v in self.fields.items()}}

    @classmethod
    def from_dict(cls, data) -> "Message | None":
        """The message to_dict wrote (read back from a results file), or None if it is none."""
        if not nested(data):
            return None
        return cls(data["key"], {k: cls.from_dict(v) if nested(v) else v
                                 for k, v in data["fields"].items()})


def nested(value) -> bool:
    """Whether value is a message as to_dict writes it."""
    return (isinstance(value, dict) and set(value) == {"key", "fields"}
            and type(value["key"]) is str and isinstance(value["fields"], dict))


def message(key: str, /, **fields: object) -> Message:
    return Message(key, fields)


def render(key: str, fields: dict, lang: str | None = None) -> str:
    """The catalog text for key in lang (None: the chosen language), filled with fields; a field
    that is a message (a Message or its dict) is rendered in that language too."""
    lang = lang if lang in LANGUAGES else language()
    template = load(lang).get(key) or load(DEFAULT_LANG).get(key)
    if template is None:
        raise CatalogError(f"no catalog text for {key!r}: add it to grader/catalog/en/")
    values = {name: value.render(lang) if isinstance(value, Message) else
              render(value["key"], value["fields"], lang) if nested(value) else value
              for name, value in fields.items()}
    try:
        return _fill(template, values)
    except (KeyError, IndexError) as exc:
        raise CatalogError(f"catalog text {key!r} needs the field {exc}") from None


def render_or(key: str, fields, fallback: str, lang: str | None = None) -> str:
    """render(key, fields, lang), or fallback when that cannot be: no key, a key this kit's
    catalog lacks (a results file of another version), fields its template cannot take."""
    if type(key) is not str or not has(key) or not isinstance(fields, dict):
        return fallback
    try:
        return render(key, fields, lang)
    except (CatalogError, ValueError, TypeError, AttributeError, RecursionError):
        return fallback


def text(key: str, /, **fields: object) -> str:
    """The catalog text for key, filled with fields."""
    return render(key, fields)


# Kana, kanji and full-width forms: Japanese text, which puts no space between its words
_JAPANESE = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


def _fill(template: str, fields: dict) -> str:
    """template.format(**fields), except that a space of the template between a field and the
    text beside it goes when both sides are Japanese there: "{input} に対して" keeps its space
    after code ("x = [1, 2] に対して"); "{name} に {input} を与えると" loses it after a phrase of
    the catalog's own ("…2次元のバッチを与えると"). Only the template's spaces: fields stay as
    they are."""
    formatter, parts = string.Formatter(), []
    for literal, name, spec, conversion in formatter.parse(template):
        parts.append((False, literal))
        if name is not None:
            value = formatter.convert_field(formatter.get_field(name, (), fields)[0], conversion)
            parts.append((True, formatter.format_field(value, spec or "")))
    text = ""
    for index, (is_field, part) in enumerate(parts):
        if not is_field:
            after = parts[index + 1][1] if index + 1 < len(parts) else ""
            if part.startswith(" ") and _meets(text[-1:], part[1:2]):
                part = part[1:]
            if part.endswith(" ") and index + 1 < len(parts) and _meets(part[-2:-1], after[:1]):
                part = part[:-1]
        text += part
    return text


def _meets(before: str, after: str) -> bool:
    return bool(before and after and _JAPANESE.match(before) and _JAPANESE.match(after))


def title(exercise) -> str:
    """An exercise's one-line title in the chosen language (the manifest's, in English)."""
    key = f"title.{exercise.id}"
    return text(key) if has(key) else exercise.title


def columns(value: str) -> int:
    """The terminal columns value takes: a Japanese character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in value)


def pad(value: str, width: int, right: bool = False) -> str:
    """value padded to width terminal columns: a Japanese character takes two."""
    fill = " " * max(0, width - columns(value))
    return fill + value if right else value + fill
