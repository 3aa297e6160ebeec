"""`grade submit`: the zip a student hands in, holding exercises/ as graded, and only that.

With a name (--name, else DLFS_STUDENT, else git's user.name) the zip is
`submission-<name>.zip` and carries `submission.json`: the name, the kit version and the
statuses of the last `grade` run, so `grade batch` can tell whose a generically named zip is."""
from __future__ import annotations

import json
import os
import re
import subprocess
import unicodedata
import zipfile
from pathlib import Path

from . import catalog, manifest

MANIFEST = "submission.json"  # at the zip's top, beside exercises/
# Characters Windows or macOS refuse in a file name, and the control characters.
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f-\x9f]')
# Windows refuses these as a name, with any extension (CON.zip is CON).
_RESERVED = re.compile(r"(CON|PRN|AUX|NUL|CONIN\$|CONOUT\$|(COM|LPT)[0-9¹²³])(\..*)?",
                       re.IGNORECASE)
MAX_NAME_BYTES = 120  # far under the 255 bytes a name may take on any common file system


class SubmitError(Exception):
    """Nothing to hand in, or a file that must not be; the message says what to do."""


def student_name(given: str | None, folder: Path) -> str | None:
    """The name to hand in under: given, else DLFS_STUDENT, else git's user.name, else None."""
    for name in (given, os.environ.get("DLFS_STUDENT")):
        if name and name.strip():
            return name.strip()
    try:
        found = subprocess.run(["git", "config", "user.name"], cwd=folder, capture_output=True,
                               text=True, timeout=10, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    name = found.stdout.strip()
    return name if found.returncode == 0 and name else None


def safe_file_name(name: str) -> str:
    """name as a file name that Windows and macOS both take: the characters they refuse made
    `_`, no trailing dot or space, no reserved name, at most MAX_NAME_BYTES of UTF-8; letters of
    any script (田中太郎) kept. "" when nothing usable is left."""
    text = _UNSAFE.sub("_", unicodedata.normalize("NFC", name)).strip().rstrip(". ")
    while len(text.encode("utf-8")) > MAX_NAME_BYTES:
        text = text[:-1].rstrip(". ")
    if _RESERVED.fullmatch(text):
        text = "_" + text
    return "" if not text.strip("_") else text


def archive_for(name: str | None) -> Path:
    """The zip's default file name: submission-<name>.zip, or submission.zip without a name."""
    safe = safe_file_name(name) if name else ""
    return Path(f"submission-{safe}.zip" if safe else "submission.zip")


def record(name: str | None, last: dict) -> dict:
    """What submission.json says: the name, the kit, and the last run's statuses if any."""
    from .results import kit_version
    data = {"name": name, "kit_version": kit_version(), "manifest": manifest.fingerprint()}
    if last.get("exercises"):
        data.update(score=last.get("score"), max_score=last.get("max_score"),
                    statuses={e.get("id"): e.get("status") for e in last["exercises"]})
    return data


def _status(status: str) -> str:
    return catalog.text("status." + status) if catalog.has("status." + status) else status


def reminders(last: dict) -> list[str]:
    """The score of the last run (or that none was saved), then the exercises not yet done."""
    if not isinstance(last.get("exercises"), list):
        return [catalog.text("submit.no_run")]
    lines = [catalog.text("submit.score", score=f"{last.get('score') or 0:g}",
                          max_score=f"{last.get('max_score') or 0:g}")]
    statuses = {e.get("id"): str(e.get("status")) for e in last["exercises"]}
    ids = [e.id for e in manifest.EXERCISES]
    not_run = [i for i in ids if i not in statuses]
    not_started = [i for i in ids if statuses.get(i) == "not_started"]
    failing = [f"{i} ({_status(statuses[i])})" for i in ids
               if statuses.get(i) not in (None, "passed", "not_started")]
    for key, items in (("submit.not_started", not_started), ("submit.failing", failing),
                       ("submit.not_run", not_run)):
        if items:
            lines.append(catalog.text(key, items=", ".join(items)))
    return lines


def pack(exercises: Path, archive: Path, about: dict | None = None) -> list[str]:
    """Write archive with every .py file under exercises/ (no caches, hidden files or links),
    and `about` (see record()) as submission.json when given; the paths it holds, each under
    exercises/."""
    if not all((exercises / module).is_file() for module in manifest.modules()):
        missing = [m for m in manifest.modules() if not (exercises / m).is_file()]
        raise SubmitError(catalog.text("submit.missing", folder=exercises, module=missing[0]))
    files = []
    for path in sorted(exercises.rglob("*.py")):
        relative = path.relative_to(exercises)
        if "__pycache__" in relative.parts or any(p.startswith(".") for p in relative.parts):
            continue
        if path.is_symlink():
            raise SubmitError(catalog.text("submit.symlink", path=relative))
        files.append(relative)
    archive.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for relative in files:
            bundle.write(exercises / relative, f"exercises/{relative.as_posix()}")
        if about is not None:
            bundle.writestr(MANIFEST, json.dumps(about, ensure_ascii=False, indent=2) + "\n")
    return [f"exercises/{r.as_posix()}" for r in files]


def hand_in(folder: Path, output: Path | None, name: str | None, last: dict) -> list[str]:
    """Pack folder for `name` (see student_name) into output, or the name's default zip; what
    to tell the student: where it went, the last run's score, what is not done yet."""
    name = student_name(name, folder)
    archive = Path(output) if output is not None else archive_for(name)
    files = pack(folder.resolve(), archive, record(name, last))
    lines = [catalog.text("submit.done", output=archive, count=len(files), folder=folder)]
    if name is None:
        lines.append(catalog.text("submit.no_name"))
    elif output is None and archive.name == "submission.zip":
        lines.append(catalog.text("submit.unsafe_name", name=name, output=archive))
    else:
        lines.append(catalog.text("submit.named", name=name, manifest=MANIFEST))
    return lines + reminders(last)
