"""Reporters turn a RunResult into text for a person or a file for a machine. They never rerun
anything; each is one module with a `render(result) -> str`."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..results import RunResult
from . import gradescope, html, json_report, junit, text

FORMATS = {"text": text.render, "json": json_report.render,
           "gradescope": gradescope.render, "junit": junit.render, "html": html.render}


def render(result: RunResult, fmt: str, verbose: bool = False, figures=None,
           skipped=None) -> str:
    """figures and skipped: the HTML report's figures, drawn beforehand (grader/figures)."""
    if fmt == "text":
        return text.render(result, verbose=verbose)
    if fmt == "html":
        return html.render(result, figures, skipped)
    return FORMATS[fmt](result)


def write_atomically(path: Path, content: str) -> None:
    """Write the whole file or nothing: a temporary file beside it, then a rename. A path that
    is no regular file (/dev/null, /dev/stdout, a pipe) is written into as it is: a rename would
    put a file in its place, and as root that replaces /dev/null for the whole machine."""
    path = Path(path)
    if path.exists() and not path.is_file():
        with open(path, "w", encoding="utf-8", errors="replace") as stream:
            stream.write(content)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(handle, 0o666 & ~umask)  # as open() would make it, not mkstemp's 0600
        # The reporters already made the text encodable (safe_text); this is the last guard,
        # so that a string that slipped past them still costs a "?", never the whole file.
        with os.fdopen(handle, "w", encoding="utf-8", errors="replace") as stream:
            stream.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
