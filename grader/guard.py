"""Limits on what graded code may do: the child's resource limits and the import guard.

The parent applies `limit_resources` to the child before it starts; the child's plugin installs
the import guard before the first student module is imported. Neither is a sandbox against a
determined attacker in the same process; together with a fresh workspace per child and results
checked by the parent, they make the ordinary ways of cheating or crashing fail loudly.
"""
from __future__ import annotations

import builtins
import importlib.abc
import os
import resource
import sys
from pathlib import Path

from . import catalog

# Packages a submission may not import: the reference solutions, the grader itself and the
# kit's own tests. numpy, the standard library and the kit's `data` package stay allowed.
FORBIDDEN = ("solutions", "grader", "tests", "pytest", "_pytest", "pytest_jsonreport")

MEMORY_LIMIT_ENV = "DLFS_MEMORY_LIMIT_GIB"
DEFAULT_MEMORY_GIB = 6
OUTPUT_LIMIT_MB = 64

_submission: Path | None = None


class ForbiddenImport(ImportError):
    """A submission imported a package the exercises may not use."""


def memory_limit_gib() -> float:
    return float(os.environ.get(MEMORY_LIMIT_ENV, DEFAULT_MEMORY_GIB))


def limit_resources() -> None:
    """Runs in the child between fork and exec: memory, file size and core dumps."""
    memory = int(memory_limit_gib() * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    output = OUTPUT_LIMIT_MB * 2**20
    resource.setrlimit(resource.RLIMIT_FSIZE, (output, output))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def submission_root() -> Path | None:
    return _submission


def _importer_in_submission() -> Path | None:
    """The submission file whose code is importing right now, if any."""
    frame = sys._getframe(2)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not filename.startswith("<frozen importlib"):
            path = Path(filename)
            if _submission is not None and path.is_relative_to(_submission):
                return path
            if "importlib" not in filename:
                return None
        frame = frame.f_back
    return None


class _Guard(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] not in FORBIDDEN:
            return None
        importer = _importer_in_submission()
        if importer is not None:
            _refuse(importer.relative_to(_submission).as_posix(), fullname)
        return None


def _refuse(importer: str, name: str) -> None:
    raise ForbiddenImport(catalog.text("test.forbidden_import", module=importer, name=name))


def _guarded_import(original):
    def __import__(name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0 and name.split(".")[0] in FORBIDDEN and globals:
            filename = globals.get("__file__") or ""
            if _submission is not None and Path(filename).is_relative_to(_submission):
                _refuse(Path(filename).relative_to(_submission).as_posix(), name)
        return original(name, globals, locals, fromlist, level)
    return __import__


def install(submission: Path) -> None:
    """Refuse forbidden imports made from files under `submission` for the rest of the run.

    The import statement is checked through builtins.__import__ (it sees modules already
    loaded); a meta path finder catches importlib calls for modules not loaded yet."""
    global _submission
    _submission = submission.resolve()
    builtins.__import__ = _guarded_import(builtins.__import__)
    sys.meta_path.insert(0, _Guard())


# Modules whose attributes the checks rely on; graded code may not replace them.
FROZEN = ("numpy", "numpy.linalg", "numpy.random", "pytest", "grader.suite", "grader.catalog",
          "math", "builtins")
_frozen: dict[str, dict[str, object]] = {}


def freeze_modules() -> None:
    """Remember the attributes of the modules the checks use (see undo_patches)."""
    for name in FROZEN:
        module = sys.modules.get(name)
        if module is not None:
            _frozen[name] = dict(vars(module))


def undo_patches() -> list[str]:
    """Put back any attribute graded code replaced or deleted; the names it touched.

    New attributes are left alone: numpy adds its submodules as they are first imported."""
    touched = []
    for name, saved in _frozen.items():
        namespace = vars(sys.modules[name])
        for key, value in saved.items():
            if namespace.get(key, _frozen) is not value:
                touched.append(f"{name}.{key}")
                namespace[key] = value
    return touched
