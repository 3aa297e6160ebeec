"""The message catalog: every sentence a student reads, keyed by id.

One catalog per language under catalog/<lang>/, split by chapter into small JSON files that are
merged at load (a key may live in one file only). Keys are dotted: `status.passed`,
`hint.softmax`, `feedback.softmax.no_max_subtraction`. Texts are `str.format` templates with
named fields. DLFS_LANG picks the language; a key missing there falls back to English.
"""
from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).parent
DEFAULT_LANG = "en"


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


def language() -> str:
    lang = os.environ.get("DLFS_LANG", DEFAULT_LANG)
    return lang if (HERE / lang).is_dir() else DEFAULT_LANG


def has(key: str) -> bool:
    return key in load(DEFAULT_LANG)


def text(key: str, /, **fields: object) -> str:
    """The catalog text for key, filled with fields."""
    template = load(language()).get(key) or load(DEFAULT_LANG).get(key)
    if template is None:
        raise CatalogError(f"no catalog text for {key!r}: add it to grader/catalog/en/")
    try:
        return template.format(**fields)
    except (KeyError, IndexError) as exc:
        raise CatalogError(f"catalog text {key!r} needs the field {exc}") from None
