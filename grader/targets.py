"""The folder a command works on (`--target`), resolved in one place for every `grade` command,
the notebook's check() and the reset's stubs.

`exercises` and `solutions` name the kit's own folders, wherever the command is run from; any
other name is a folder laid out like exercises/, taken from the current directory."""
from __future__ import annotations

from pathlib import Path

from . import catalog
from .runner import KitError

KIT_ROOT = Path(__file__).resolve().parent.parent
KIT_FOLDERS = ("exercises", "solutions")


def target_path(target: str | Path, kit_root: Path = KIT_ROOT, must_exist: bool = True) -> Path:
    """The absolute folder target names; KitError when must_exist and it is not a folder."""
    path = kit_root / target if str(target) in KIT_FOLDERS else Path(target)
    path = path.expanduser().resolve()
    if must_exist and not path.is_dir():
        raise KitError(catalog.text("kit.no_target", path=path))
    return path
