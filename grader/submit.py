"""`grade submit`: the zip a student hands in, holding exercises/ as graded, and only that."""
from __future__ import annotations

import zipfile
from pathlib import Path

from . import catalog, manifest


class SubmitError(Exception):
    """Nothing to hand in, or a file that must not be; the message says what to do."""


def pack(exercises: Path, archive: Path) -> list[str]:
    """Write archive with every .py file under exercises/ (no caches, hidden files or links);
    the paths it holds, each under exercises/."""
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
    return [f"exercises/{r.as_posix()}" for r in files]
