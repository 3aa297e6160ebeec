"""Keeps the instructor's kit byte-for-byte as it was while graded code runs.

Graded code runs as the same user as the grader, so nothing stops it from writing to the kit's
files. The runner takes a snapshot before the first child starts, looks after every check for a
change (a cheap stat), and after every child compares the bytes; a change is undone at once and
charged to the check that made it."""
from __future__ import annotations

import os
from pathlib import Path

# The folders (and files) under the kit root whose contents grading depends on.
GUARDED = ("grader", "solutions", "data", "pyproject.toml")
SKIPPED_PARTS = {"__pycache__", ".venv", ".git"}
MAX_FILE_BYTES = 8 * 2**20  # larger files (none in the kit) are watched by stat only


def _files(root: Path) -> list[Path]:
    found = []
    for name in GUARDED:
        path = root / name
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found.extend(p for p in path.rglob("*") if p.is_file()
                         and not SKIPPED_PARTS.intersection(p.relative_to(root).parts))
    return sorted(found)


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns


class Snapshot:
    def __init__(self, root: Path, active: bool = True):
        self.root, self.active = root, active
        self.contents: dict[Path, bytes | None] = {}
        self.stats: dict[Path, tuple[int, int] | None] = {}
        for path in _files(root) if active else []:
            self.stats[path] = _stat(path)
            size = self.stats[path][0] if self.stats[path] else 0
            self.contents[path] = path.read_bytes() if size <= MAX_FILE_BYTES else None

    def watch_list(self) -> dict[str, list[int] | None]:
        """Each watched file's size and time, for the child's own look after every check."""
        return {str(path): list(stat) if stat else None for path, stat in self.stats.items()}

    def touched(self) -> bool:
        if not self.active:
            return False
        return self._touched()

    def _touched(self) -> bool:
        """A quick look: did any watched file change its size or time, or appear or vanish?"""
        return (any(_stat(path) != stat for path, stat in self.stats.items())
                or len(_files(self.root)) != len(self.stats))

    def restore(self) -> list[str]:
        """Undo every change to a watched file; the relative paths that had changed, and any new
        file (left in place, since the kit never reads a file it does not know)."""
        changed = [path for path in _files(self.root) if path not in self.contents]
        for path, content in self.contents.items():
            if content is None:
                continue
            try:
                same = path.read_bytes() == content
            except OSError:
                same = False
            if not same:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content)
                changed.append(path)
            if self.stats[path] is not None:
                os.utime(path, ns=(self.stats[path][1], self.stats[path][1]))
        return [p.relative_to(self.root).as_posix() for p in changed]
