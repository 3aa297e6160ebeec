"""`grade release --gradescope ZIP`: the autograder zip for Gradescope's "Zip file upload".

At the zip's root: setup.sh and run_autograder (grader/instructor/templates/), gradescope.json
(the instructor's settings) and the kit as the judge needs it: exercises/ (the stubs), grader/
with its public suites and hidden checks, the MNIST loader, pyproject.toml and README.md. Never
solutions/, tests/, bench/ or .ci/; the zip is checked for reference text as the release is."""
from __future__ import annotations

import json
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path

from .. import catalog
from ..reporters.gradescope import VISIBILITIES
from .autograder import CONFIG, DEFAULTS
from .release import JUNK, ReleaseError, SHIPPED_GLOBS, _needs_solutions, check_no_reference

TEMPLATES = Path(__file__).parent / "templates"
SCRIPTS = ("setup.sh", "run_autograder")


def judge_files(kit_root: Path) -> list[Path]:
    """The master's files the autograder needs, relative to kit_root: the release's files plus
    grader/hidden and grader/instructor, and the README pyproject.toml names."""
    files = [p for folder in ("exercises", "grader") for p in (kit_root / folder).rglob("*")]
    files += [p for pattern in (*SHIPPED_GLOBS, "README.md") for p in kit_root.glob(pattern)]
    relative = {p.relative_to(kit_root) for p in files if p.is_file()}
    return sorted(r for r in relative
                  if not any(part in JUNK or part.endswith(".egg-info") for part in r.parts)
                  and r.suffix not in (".pyc", ".pyo")
                  and not (r.suffix == ".py" and r.parts[0] != "exercises"
                           and _needs_solutions(kit_root / r)))


def build_gradescope_zip(kit_root: Path, archive: Path, hidden_visibility: str,
                         skip_final: bool = False) -> list[str]:
    """Write the autograder zip; the names it holds."""
    if hidden_visibility not in VISIBILITIES:
        raise ReleaseError(f"--hidden-visibility {hidden_visibility!r}: use one of "
                           + ", ".join(VISIBILITIES))
    kit_root = Path(kit_root).resolve()
    staging = Path(tempfile.mkdtemp(prefix="dlfs-gradescope-"))
    try:
        for relative in judge_files(kit_root):
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(kit_root / relative, staging / relative)
        check_no_reference(kit_root, staging)
        # The students read the release's language (grade --lang, DLFS_LANG or the locale)
        config = {**DEFAULTS, "hidden_visibility": hidden_visibility, "skip_final": skip_final,
                  "lang": catalog.language()}
        (staging / CONFIG).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
        for script in SCRIPTS:
            shutil.copyfile(TEMPLATES / script, staging / script)
        names = sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*")
                       if p.is_file())
        archive = Path(archive)
        archive.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            for name in names:
                info = zipfile.ZipInfo.from_file(staging / name, name)
                executable = name in SCRIPTS
                info.external_attr = ((stat.S_IFREG | (0o755 if executable else 0o644)) << 16)
                info.compress_type = zipfile.ZIP_DEFLATED
                bundle.writestr(info, (staging / name).read_bytes())
        return names
    finally:
        shutil.rmtree(staging, ignore_errors=True)
