"""The gradebook: one CSV row per submission, made from `grade run --format json` results.

`grade batch` writes it for the submissions it graded; `grade gradebook` merges results files
graded elsewhere (the course's CI runs one job per submission) into the same CSV."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from .. import manifest
from ..reporters import write_atomically
from ..results import NotResults, ResultsFileError, RunResult

# Results files named like this are named after their folder: ci/alice/results.json is alice.
GENERIC_STEMS = ("results", "result", "grade", "grades", "report", "output", "gradescope")
# Exercise statuses worth a note in a row that was graded.
NOTED_STATUSES = ("error", "timeout")
BOM = "\ufeff"  # so that Excel opens the CSV as UTF-8 (see render_csv)


class GradebookError(click.ClickException):
    """The results files cannot make one gradebook; the message says what to fix."""
    exit_code = 2


@dataclass
class Entry:
    submission: str  # the row's name: a folder, a zip's stem, a results file's stem
    results: RunResult | None  # the `grade run --format json` results, when there are any
    error: str | None = None  # why this submission has no usable results
    notes: list[str] = field(default_factory=list)  # about the row itself (whose it is)
    worker: str | None = None  # the Dask worker that graded it (`grade batch --scheduler`)
    seconds: float | None = None  # how long that worker took

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"submission": self.submission,
                                "results": self.results and self.results.to_dict()}
        if self.error:
            data["error"] = self.error
        if self.notes:
            data["notes"] = list(self.notes)
        if self.worker is not None:
            data["worker"], data["seconds"] = self.worker, self.seconds
        return data


def _cell(value: str) -> str:
    """A spreadsheet would run a cell starting with = + - @ as a formula; names come from
    students."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _number(value: float) -> str:
    return f"{value:g}"


def _status(entry: Entry) -> tuple[str, str]:
    """The row's state (ok or error) and its notes: why it has no results, or each exercise
    whose checks raised or timed out."""
    if entry.error:
        return "error", "; ".join([*entry.notes, " ".join(entry.error.split())])
    return "ok", "; ".join([*entry.notes, *(f"{e.id}: {e.status}"
                                            for e in entry.results.exercises
                                            if e.status in NOTED_STATUSES)])


def render_csv(entries: list[Entry], exercise_ids: list[str] | None = None,
               extra: list[dict[str, Any]] | None = None) -> str:
    """The gradebook: submission, one score column per exercise in manifest order, total, max,
    status, notes, then extra's columns (one dict per entry; None is an empty cell), if any. A
    row without results scores zero in every column. exercise_ids defaults to every exercise
    found in any entry's results.

    It starts with a byte order mark: Excel reads a CSV without one in the locale's code page, so
    a Japanese name would show as mojibake; Python's csv (with utf-8-sig), pandas and
    LibreOffice read it as plain UTF-8."""
    if exercise_ids is None:
        found = {e.id for entry in entries if not entry.error for e in
                 entry.results.exercises}
        exercise_ids = [e.id for e in manifest.EXERCISES if e.id in found]
    points = {e.id: e.points for e in manifest.EXERCISES}
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    stream.write(BOM)
    added = list(extra[0]) if extra else []
    writer.writerow(["submission", *exercise_ids, "total", "max", "status", "notes", *added])
    for number, entry in enumerate(entries):
        if entry.error:
            scores = ["0"] * len(exercise_ids)
            total, maximum = "0", _number(sum(points[i] for i in exercise_ids))
        else:
            by_id = {e.id: e for e in entry.results.exercises}
            scores = [_number(by_id[i].score) if i in by_id else "" for i in exercise_ids]
            total = _number(entry.results.score)
            maximum = _number(entry.results.max_score)
        state, notes = _status(entry)
        cells = [_extra_cell(extra[number][key]) for key in added]
        writer.writerow([_cell(entry.submission), *scores, total, maximum, state, _cell(notes),
                         *cells])
    return stream.getvalue()


def _extra_cell(value: Any) -> str:
    if value is None:
        return ""
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    return _number(value) if number else _cell(str(value))


def render_json(entries: list[Entry], extra: list[dict[str, Any]] | None = None) -> str:
    rows = [{**e.to_dict(), **(extra[n] if extra else {})} for n, e in enumerate(entries)]
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


NOT_RESULTS = "not the results of `grade run --format json`"


def not_usable(problem: NotResults | ResultsFileError) -> str:
    """A row's note for results the model cannot read."""
    key = problem.key if isinstance(problem, NotResults) else problem.reason
    if key == "results.unreadable":
        return f"cannot read {problem.path.name}: {problem.fields['error']}"
    if key == "results.other_kit":
        return f"unknown exercise {problem.fields['exercise']!r}: graded by another kit?"
    return NOT_RESULTS


def kit_problem(results: RunResult) -> str | None:
    """A row's note for results of a run the kit could not grade, or None."""
    if results.kit_error:
        return "the kit could not grade it: " + results.kit_error.splitlines()[0]
    return None


def usable(results: Any) -> str | None:
    """Why these are not `grade run --format json` results (as JSON) a row can be made of, or
    None."""
    try:
        return kit_problem(RunResult.from_dict(results))
    except NotResults as problem:
        return not_usable(problem)


def submission_name(path: Path) -> str:
    return path.parent.resolve().name if path.stem.lower() in GENERIC_STEMS else path.stem


def load_entry(path: Path) -> Entry:
    """One results file as a row; a file that cannot be read costs only its own row."""
    name = submission_name(path)
    try:
        results = RunResult.load(path)
    except ResultsFileError as error:
        return Entry(name, None, not_usable(error))
    return Entry(name, results, kit_problem(results))


# The settings a total depends on, as each results file records them, and the option that sets
# each: totals graded with different ones (out of 87 and out of 100) are not one gradebook.
SETTINGS = (("charge_once", "--charge-once"), ("hidden_tests_included", "--hidden"),
            ("skipped_final", "--skip-final"))


def _refuse_mixed(paths: list[Path], entries: list[Entry]) -> None:
    """Results graded against different exercise manifests (another kit version), or with
    different settings, are refused."""
    graded = [(path, entry.results.to_dict()) for path, entry in zip(paths, entries)
              if entry.results is not None and not entry.error]
    kinds: dict[str, Path] = {}
    for path, results in graded:
        kinds.setdefault(str(results.get("manifest", "none (an older kit)")), path)
    if len(kinds) > 1:
        (first, a), (second, b) = list(kinds.items())[:2]
        raise GradebookError(f"{a} was graded against exercise manifest {first} and {b} against "
                             f"{second} (different kit versions): grade them again with one kit, "
                             "or pass --allow-mixed to merge them anyway")
    for key, option in SETTINGS:
        values: dict[str, Path] = {}
        for path, results in graded:
            values.setdefault(json.dumps(results.get(key)), path)
        if len(values) > 1:
            (first, a), (second, b) = list(values.items())[:2]
            raise GradebookError(
                f"{a} was graded with {key} {_said(first)} and {b} with {key} {_said(second)}, "
                f"so their totals are not comparable: grade them again with the same {option} "
                "setting, or pass --allow-mixed to merge them anyway")


def _said(value: str) -> str:
    return "not recorded (an older kit)" if value == "null" else value


def merge(paths: list[Path], csv_path: Path | None, json_path: Path | None = None,
          allow_mixed: bool = False, report: Path | None = None, roster=None) -> list[Entry]:
    """Merge results files into a gradebook CSV (and a JSON like `grade batch` writes, and the
    class report in the folder report, with what did not match the LMS's roster, given one)."""
    entries = [load_entry(Path(p)) for p in paths]
    if not allow_mixed:
        _refuse_mixed([Path(p) for p in paths], entries)
    seen: dict[str, Path] = {}
    for path, entry in zip(paths, entries):
        if entry.submission in seen:
            raise GradebookError(f"{seen[entry.submission]} and {path} would both be the row "
                                 f"{entry.submission!r}: rename one of them, or put each in a "
                                 "folder named after its submission")
        seen[entry.submission] = path
    entries.sort(key=lambda e: e.submission)
    if csv_path is not None:
        write_atomically(csv_path, render_csv(entries))
    if json_path is not None:
        write_atomically(json_path, render_json(entries))
    if report is not None:
        from . import class_report  # it imports this module
        class_report.write(entries, report, roster=roster)
    return entries
