"""`grade batch --similarity`: which submissions share code with another one or with a public
source, found by copydetect (a maintained winnowing detector, MOSS-style); the kit writes no
detector of its own.

copydetect fingerprints each file's code with names, strings and comments abstracted away, so
renamed variables and reordered functions still match; the kit's stubs are its boilerplate, so
the given code (signatures, docstrings) never counts. A submission's score against another
source is the share of its own code (the stubs left out) found in that source's files, from 0 to
1; the closest source at or above the threshold is its `similar_to`. A score flags a pair for a
person to read side by side in copydetect's report; it decides nothing."""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import click
import numpy as np

from ..reporters import write_atomically
from ..reset import ResetError, pristine_folder
from .unzip import extract_zip

INSTALL = "pip install -e '.[instructor]'"
# Two independent correct submissions of the kit share under a quarter of their code (numpy calls
# look alike once names are abstracted); a renamed, reordered copy about 0.8 of it.
DEFAULT_THRESHOLD = 0.5
# copydetect's noise threshold, in characters of abstracted code: no match shorter counts. Equal
# to its guarantee threshold, so every k-gram is a fingerprint and a score never depends on hash
# order (the files are small enough).
K = 25
MAX_FILE_BYTES = 256 * 2**10  # an exercise file is a few kB; larger ones are left out
REFERENCE = "reference:"  # how a reference folder is named in similar_to
# Characters a copied file's path may hold in the report, which copydetect does not escape
UNSAFE = re.compile(r"[^\w.-]")


class SimilarityUnavailable(click.ClickException):
    """copydetect is not installed: nothing was graded; the message names the install."""
    exit_code = 1  # the command cannot run as asked (not 2: the kit could grade)


@dataclass(frozen=True)
class Settings:
    references: tuple[Path, ...]  # public sources to compare against (the book's code, ...)
    threshold: float
    report: Path  # where copydetect's HTML report goes
    boilerplate: Path  # the kit's stubs, as released


@dataclass(frozen=True)
class Match:
    similar_to: str  # a submission's name, or REFERENCE + the folder given
    similarity: float  # the share of the submission's own code found there, 0 to 1

    def columns(self) -> dict[str, str | float | None]:
        return {"similar_to": self.similar_to, "similarity": round(self.similarity, 2)}


NO_MATCH = {"similar_to": None, "similarity": None}


def columns(names: list[str], matches: dict[str, Match]) -> list[dict[str, str | float | None]]:
    """The gradebook's similar_to and similarity for each name: empty below the threshold."""
    return [matches[n].columns() if n in matches else dict(NO_MATCH) for n in names]


def settings(kit_root: Path, folder: Path, references: tuple[Path, ...], threshold: float,
             outputs: tuple[Path | None, ...], report_dir: Path | None = None) -> Settings:
    """The check's settings for the submissions in folder, refused before anything is graded
    when copydetect or the stubs are missing; the report goes next to the first of outputs
    given (the CSV, the JSON, the LMS's CSV), or is grades-similarity.html here; with a class
    report (report_dir), it is similarity.html in the report's folder, linked from its page."""
    try:
        import copydetect  # noqa: F401
    except ImportError:
        raise SimilarityUnavailable(
            "--similarity needs copydetect, which is not installed: run "
            f"`{INSTALL}` in the kit's folder, then grade the batch again") from None
    try:  # `grade reset`'s stubs: exercises/ here, grader/stubs/ in a students' copy
        stubs = pristine_folder(Path(folder), Path(kit_root))
    except ResetError as error:
        raise SimilarityUnavailable(str(error)) from None
    beside = next((Path(p) for p in outputs if p is not None), Path("grades.csv"))
    report = Path(report_dir) / "similarity.html" if report_dir is not None else \
        beside.with_name(beside.stem + "-similarity.html")
    return Settings(tuple(Path(r) for r in references), threshold, report, stubs)


def _shown(name: str) -> bool:
    return not UNSAFE.search(name) and not name.startswith(".")  # nor hidden, nor macOS's ._x


def _copy_code(exercises: Path, target: Path) -> None:
    """The submission's .py files, copied as plain files: links, empty files (__init__.py),
    files too large to be an exercise and paths the report could not show as they are are left
    out."""
    for directory, folders, files in os.walk(exercises):
        folders[:] = sorted(f for f in folders if _shown(f) and f != "__pycache__"
                            and not os.path.islink(os.path.join(directory, f)))
        for name in files:
            source = Path(directory, name)
            if (name.endswith(".py") and _shown(name) and not source.is_symlink()
                    and source.is_file() and 0 < source.stat().st_size <= MAX_FILE_BYTES):
                copy = target / source.relative_to(exercises)
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, copy)


def _gather(submissions: dict[str, Path], scratch: Path) -> dict[str, Path]:
    """Each submission's exercise files in a folder of scratch, by name; one that cannot be
    located (its row already says why) is left out."""
    from .batch import find_exercises  # batch calls this module, after importing it
    folders: dict[str, Path] = {}
    for number, (name, path) in enumerate(submissions.items()):
        work = scratch / "extracted" / str(number)
        try:
            if path.is_dir():
                exercises = find_exercises(path)
            else:
                extract_zip(path, work)
                exercises = find_exercises(work)
            # Named after the submission, as far as its name is safe to show; unique
            safe = UNSAFE.sub("_", name)
            safe = safe if safe.strip(".") else "_"  # never "." or "..", nor ""
            folder, again = scratch / "submissions" / safe, 1
            while folder.exists():
                folder, again = folder.with_name(f"{safe}-{again}"), again + 1
            _copy_code(exercises, folder)
        except Exception:  # a refused zip, or whatever else: it costs only its own comparison
            continue
        finally:
            shutil.rmtree(work, ignore_errors=True)
        if folder.is_dir():
            folders[name] = folder
    return folders


def _copied(fingerprint, hashes: set) -> int:
    """How many characters of the fingerprinted file's own code are in k-grams of hashes."""
    from copydetect.utils import get_copied_slices  # optional: imported only where it is used
    found = [i for h in fingerprint.hashes & hashes for i in fingerprint.hash_idx[h]]
    starts, ends = get_copied_slices(np.array(found, dtype=int), fingerprint.k)
    return int(np.sum(ends - starts))


def closest(owners: dict[str, str], fingerprints: dict, tested: list[str],
            threshold: float) -> dict[str, Match]:
    """Each tested source's closest other source at or above threshold.

    owners maps each file to its source's name, fingerprints each file to copydetect's
    CodeFingerprint; a file copied from several files of one source counts once."""
    files: dict[str, list] = {}
    for path, owner in owners.items():
        if path in fingerprints:
            files.setdefault(owner, []).append(fingerprints[path])
    hashes = {owner: set().union(*(f.hashes for f in found)) for owner, found in files.items()}
    matches: dict[str, Match] = {}
    for name in tested:
        own = files.get(name, [])
        coverage = sum(f.token_coverage for f in own)
        if not coverage:  # nothing but the stubs
            continue
        scores = [(sum(_copied(f, hashes[other]) for f in own) / coverage, other)
                  for other in sorted(hashes) if other != name]
        best = max(scores, default=(0.0, ""), key=lambda s: s[0])
        if best[0] >= threshold and best[0] > 0:
            matches[name] = Match(best[1], float(best[0]))
    return matches


def check(submissions: dict[str, Path], config: Settings) -> dict[str, Match]:
    """Run copydetect over the submissions (by name: a folder or a zip each) and config's
    references, write its HTML report to config.report, and return each submission's closest
    other source at or above the threshold."""
    from copydetect import CopyDetector
    scratch = Path(tempfile.mkdtemp(prefix="dlfs-similarity-"))
    try:
        folders = _gather(submissions, scratch)
        if not folders:  # say so, rather than leave no report
            write_atomically(config.report, "<p>No submission held exercise code.</p>\n")
            return {}
        references = {REFERENCE + str(r): str(Path(r).resolve()) for r in config.references}
        tested = [str(f) for f in folders.values()]
        config.report.parent.mkdir(parents=True, exist_ok=True)  # copydetect checks it is there
        detector = CopyDetector(test_dirs=tested, ref_dirs=tested + list(references.values()),
                                boilerplate_dirs=[str(config.boilerplate)], extensions=["py"],
                                noise_t=K, guarantee_t=K, display_t=config.threshold,
                                autoopen=False, silent=True, out_file=str(config.report))
        roots = [(str(f), n) for n, f in folders.items()] + [(p, n) for n, p in references.items()]
        owners = {path: next(n for root, n in roots if Path(path).is_relative_to(root))
                  for path in set(detector.test_files) | set(detector.ref_files)}
        detector.test_files.sort()  # the report's matrix and lists by name, not in set order
        detector.ref_files.sort()
        detector.run()
        _hide_own_files(detector, owners)
        report = detector.generate_html_report(output_mode="return")
        # Its files by the submission's name, not by a scratch folder gone once it is read
        write_atomically(config.report, report.replace(str(scratch / "submissions") + os.sep, ""))
        return closest(owners, detector.file_data, list(folders), config.threshold)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _hide_own_files(detector, owners: dict[str, str]) -> None:
    """A submission's files compared with each other are no finding: out of the report."""
    for i, test in enumerate(detector.test_files):
        for j, ref in enumerate(detector.ref_files):
            if owners[test] == owners[ref]:
                detector.similarity_matrix[i, j] = -1
