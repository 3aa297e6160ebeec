"""A student's zip, extracted for grading: one function for `grade batch` and the Gradescope
upload (autograder.py), with the limits of what a submission ever holds.

A submission is a few dozen small .py files in two or three folders. A zip may claim anything:
sizes that lie, paths that leave the folder, links, or hundreds of thousands of empty folders
nested hundreds deep (a few MB of zip that make millions of inodes and take minutes). So every
file and folder it would make, the folders its paths only imply included, counts against one
budget, depth is capped, inflated bytes are counted as they are written, and the extraction has
a time limit of its own. A refused zip is a SubmissionError whose message names the problem and
the fix: a batch row's note, or the student's results.json on Gradescope."""
from __future__ import annotations

import json
import os
import stat
import time
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from .. import catalog
from ..submit import MANIFEST  # what `grade submit` puts at the zip's top

MAX_UNZIPPED_BYTES = 50 * 2**20
MAX_MEMBERS = 2000  # files and folders, listed or implied by a path
MAX_DEPTH = 32  # folders deep; exercises/ch04/ is two
EXTRACT_SECONDS = 60.0


class SubmissionError(Exception):
    """This submission cannot be graded; the message becomes its row's note."""


def _plan(members: list[zipfile.ZipInfo]) -> list[tuple[zipfile.ZipInfo, tuple[str, ...]]]:
    """Each member with its path's parts, after refusing the whole zip for what a submission
    never holds; nothing is written before every member has been looked at."""
    if len(members) > MAX_MEMBERS:  # before building anything per member
        raise SubmissionError(catalog.text("zip.too_many", count=len(members),
                                           limit=MAX_MEMBERS))
    planned, folders, files = [], set(), 0
    for member in members:
        name = member.filename
        parts = tuple(p for p in PurePosixPath(name).parts if p not in ("", "."))
        if name.startswith(("/", "\\")) or "\\" in name or ".." in parts or ":" in name:
            raise SubmissionError(catalog.text("zip.outside", name=repr(name)))
        if stat.S_ISLNK(member.external_attr >> 16):
            raise SubmissionError(catalog.text("zip.link", name=repr(name)))
        is_folder = member.is_dir()
        depth = len(parts) - (not is_folder)  # the folders only, not the file in the last
        if depth > MAX_DEPTH:
            raise SubmissionError(catalog.text("zip.too_deep", depth=depth, limit=MAX_DEPTH))
        folders.update(parts[:i] for i in range(1, len(parts) + is_folder))
        files += not is_folder and bool(parts)
        if len(folders) + files > MAX_MEMBERS:
            raise SubmissionError(catalog.text("zip.too_many", count=f"{len(folders) + files}+",
                                               limit=MAX_MEMBERS))
        if parts:
            planned.append((member, parts))
    return planned


def check_tree(root: Path) -> None:
    """Refuse an uploaded folder that no submission is, under the zip's own limits: more files
    and folders than MAX_MEMBERS or folders deeper than MAX_DEPTH (Gradescope may unpack an
    upload itself). It stops at the first entry past the budget, so even a folder of millions
    of entries costs only that many looked at."""
    count, folders = 0, [(Path(root), 0)]
    while folders:
        folder, depth = folders.pop()
        if depth > MAX_DEPTH:
            raise SubmissionError(catalog.text("upload.too_deep", depth=depth, limit=MAX_DEPTH))
        with os.scandir(folder) as entries:
            for entry in entries:
                count += 1
                if count > MAX_MEMBERS:
                    raise SubmissionError(catalog.text("upload.too_many", limit=MAX_MEMBERS))
                if entry.is_dir(follow_symlinks=False):
                    folders.append((Path(entry.path), depth + 1))


def extract_zip(archive: Path, destination: Path, seconds: float = EXTRACT_SECONDS) -> None:
    """Extract archive into destination, or raise SubmissionError saying why it will not be."""
    deadline = time.monotonic() + seconds

    def in_time() -> None:
        if time.monotonic() > deadline:
            raise SubmissionError(catalog.text("zip.too_slow", seconds=seconds))

    destination.mkdir(parents=True, exist_ok=True)
    try:
        with zipfile.ZipFile(archive) as bundle:
            planned = _plan(bundle.infolist())
            written = 0
            for member, parts in planned:
                in_time()
                target = destination.joinpath(*parts)
                if member.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with bundle.open(member) as source, open(target, "wb") as sink:
                    while chunk := source.read(1 << 16):  # sizes in the zip may lie: count
                        written += len(chunk)
                        if written > MAX_UNZIPPED_BYTES:
                            raise SubmissionError(catalog.text(
                                "zip.too_big", megabytes=MAX_UNZIPPED_BYTES >> 20))
                        sink.write(chunk)
                        in_time()
    except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, EOFError,
            OSError, ValueError) as error:
        raise SubmissionError(catalog.text("zip.unreadable", error=error)) from None


MAX_MANIFEST_BYTES = 64 * 1024
MAX_NAME_CHARS = 200


def submitted_name(archive: Path) -> str | None:
    """The student's name from the zip's submission.json, or None. That file is the student's
    data: read at most MAX_MANIFEST_BYTES of it, and anything but a JSON object with a short
    string "name" (a bad zip, bad JSON, too big, another type) is no manifest."""
    try:
        with zipfile.ZipFile(archive) as bundle:
            with bundle.open(MANIFEST) as stream:
                raw = stream.read(MAX_MANIFEST_BYTES + 1)  # its size in the zip may lie
        if len(raw) > MAX_MANIFEST_BYTES:
            return None
        name = json.loads(raw.decode("utf-8")).get("name")
    except Exception:  # whatever the file holds, it only costs its name
        return None
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME_CHARS:
        return None
    return " ".join(name.split())
