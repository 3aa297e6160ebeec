"""Text a submission chose, made safe for wherever a report puts it.

A student's code picks its messages, its printed output and (in `grade batch`) its folder's name,
so any of them may hold a lone surrogate (no UTF-8 file can store it), NUL and other control
characters (no XML file may hold them), escape sequences (a terminal would move its cursor, clear
the screen or change its title: a forged "total: 10/10") and bidirectional overrides (the text
shown is not the text stored). Every reporter passes the run through `scrubbed` first, with
`visible` for what a person reads and `valid_unicode` for the kit's own JSON, so no reporter
needs its own guard. The kit's own text (the catalog, its click styling) is added after, intact.
"""
from __future__ import annotations

import json
import re
from dataclasses import fields, is_dataclass, replace
from typing import Any, Callable

from ..manifest import Exercise

# What a reader must see as an escape, never as itself: C0 controls but tab and newline, DEL and
# the C1 controls (U+009B is a CSI of its own on some terminals), the bidirectional marks,
# embeddings, overrides and isolates, surrogates, and the two noncharacters XML 1.0 forbids.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                     "\u2066-\u2069\ud800-\udfff\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Valid in JSON as they are, but shown raw by a `cat` of the file: spelled out, losslessly.
_JSON_ESCAPED = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """text with every control, escape sequence start, bidi control and surrogate shown as
    `\\x1b` or `\\u202e`: safe on a terminal, in XML 1.0, in HTML and in a browser's text.
    Tabs, newlines and all printable text (Japanese included) stay as they are; backslashes are
    left alone, so applying it twice changes nothing."""
    return _UNSAFE.sub(_escape, text)


def valid_unicode(text: str) -> str:
    """text that UTF-8 can encode: each lone surrogate becomes U+FFFD, the rest is kept."""
    return _SURROGATE.sub("\ufffd", text)


def scrub(value: Any, clean: Callable[[str], str]) -> Any:
    """value with clean applied to every string in it (dict keys too), through lists, tuples,
    dicts and the results' dataclasses; a manifest Exercise is the kit's own and kept."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, (list, tuple)):
        return type(value)(scrub(item, clean) for item in value)
    if isinstance(value, dict):
        return {scrub(k, clean): scrub(v, clean) for k, v in value.items()}
    if is_dataclass(value) and not isinstance(value, (type, Exercise)):
        return replace(value, **{f.name: scrub(getattr(value, f.name), clean)
                                 for f in fields(value) if f.init})
    return value


def scrubbed(result, clean: Callable[[str], str] = visible):
    """A copy of a RunResult (or any results data) whose every string has been cleaned."""
    return scrub(result, clean)


def dumps(data: Any, **options) -> str:
    """JSON that is valid UTF-8 whatever data holds, with the characters that would act on a
    terminal spelled out as \\u escapes (json.loads gives them back unchanged)."""
    text = json.dumps(scrub(data, valid_unicode), ensure_ascii=False, **options)
    return _JSON_ESCAPED.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
