"""The results model: plain dataclasses built once from the runner's test results, then read
by every reporter, and read back from a saved results file (`RunResult.load`) by everything else
that reads one. `from_dict(to_dict(r)) == r`; the file's shape is grader/results.schema.json.
Nothing here runs code."""
from __future__ import annotations

import json
import platform
from collections import Counter
from importlib import metadata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import click
import numpy as np

from . import catalog, manifest
from .manifest import Exercise

# Messages that say a value is wrong without naming why (feedback.<id>.wrong_value, say).
GENERIC_ENDINGS = (".wrong_value", ".wrong_accuracy", ".batch_wrong", ".wrong")
# How --verbose's traceback starts, after a check's message (grader/judge/verdicts.py)
TRACEBACK = "Traceback (your code, most recent call last):"
PRINTED_LINES = 10  # lines of a failing check's printed output shown under its message
# Every status token; the JSON results and the text report use exactly these.
STATUSES = ("passed", "partial", "failed", "not_started", "error", "timeout", "blocked",
            "not_graded")  # not_graded: it needs MNIST, which could not be had here
# A check's statuses, and how a run can have been confined (grader/judge/sandbox.py).
TEST_STATUSES = ("passed", "failed", "error", "not_started", "timeout", "skipped", "not_graded")
SANDBOXES = ("bwrap", "uid", "landlock", "none")
# Test-level statuses, in the order that decides a failed exercise's status.
_FAILURE_ORDER = ("timeout", "error", "failed")
SCHEMA = Path(__file__).with_name("results.schema.json")
# An exercise entry's own keys; every other key of it is one of its extra (the capstone's
# accuracy, history...), which to_dict has always written at the entry's top level.
EXERCISE_KEYS = ("id", "title", "section", "status", "score", "max_score", "tests", "blocked_by",
                 "likely_cause", "advice", "charged_once", "recoverable")
_MISSING = object()
_KINDS = {str: "string", float: "number", bool: "boolean", list: "array", dict: "object"}


class NotResults(ValueError):
    """Data that is not results this kit can read: key is its catalog message, fields its
    fields (without the file's path, which only the caller knows)."""

    def __init__(self, key: str, **fields: Any):
        super().__init__(key, fields)
        self.key, self.fields = key, fields


class ResultsFileError(click.ClickException):
    """A saved results file that cannot be read back; the message names it and the fix.
    reason: "results.unreadable" (not JSON, or not there) or the NotResults key."""
    exit_code = 2

    def __init__(self, path: Path, reason: str, **fields: Any):
        super().__init__(catalog.text(reason, path=path, **fields))
        self.path, self.reason, self.fields = path, reason, fields


def _field(data: dict, key: str, kind: type, where: str, default: Any = _MISSING,
           among: tuple = ()) -> Any:
    """data[key], which must be of kind (float: any number but a bool) and, given among, one of
    those; default when it is missing (or null, where the default is None); NotResults when
    there is no default."""
    value = data.get(key, _MISSING)
    if value is _MISSING or (value is None and default is None):
        if default is _MISSING:
            raise NotResults("results.not_results", where=where + key, kind=_KINDS[kind])
        return default
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not (number if kind is float else isinstance(value, kind)) or \
            (among and value not in among):
        raise NotResults("results.not_results", where=where + key,
                         kind=" | ".join(among) if among else _KINDS[kind])
    return float(value) if kind is float else value


def _items(data: dict, key: str, kind: type, where: str) -> list:
    """data[key] as a list whose every item is of kind (an empty list when it is missing)."""
    values = _field(data, key, list, where, [])
    for number, value in enumerate(values):
        if not isinstance(value, kind):
            raise NotResults("results.not_results", where=f"{where}{key}[{number}]",
                             kind=_KINDS[kind])
    return list(values)


def _entry(data: Any, where: str) -> dict:
    if not isinstance(data, dict):
        raise NotResults("results.not_results", where=where.rstrip(".") or "/", kind="object")
    return data


@dataclass
class TestResult:
    nodeid: str
    exercise: str
    weight: float
    status: str  # passed, failed, error, not_started, timeout, skipped
    message: str = ""
    advice: list[str] = field(default_factory=list)
    records: dict[str, Any] = field(default_factory=dict)
    hidden: bool = False
    output: str = ""  # what the student's code printed during the check (its end)
    key: str = ""  # the catalog key of its message ("" for a message the kit cannot key)
    called: list[str] = field(default_factory=list)  # "module.py:qualname" it ran (if failing,
    # or in a charge-once rerun)
    seconds: float = 0.0  # how long the judge spent on it (JUnit's time)
    rescored: bool = False  # failed, but passed with its failing prerequisites' reference
    # The message's fields: plain JSON, or {"key", "fields"} for a message within it
    fields: dict[str, Any] = field(default_factory=dict)
    advice_keys: list[dict] = field(default_factory=list)  # each advice's {"key", "fields"}

    def text(self, lang: str | None = None) -> str:
        """Its message in lang (None: the chosen language), rendered from its key and fields;
        `message` (the run's language) when it has no key or the catalog cannot render it."""
        tail = self.message.find("\n" + TRACEBACK)  # --verbose: the traceback follows as it is
        said = self.message[:tail] if tail >= 0 else self.message
        rendered = catalog.render_or(self.key, self.fields, said, lang)
        return rendered + (self.message[tail:] if tail >= 0 else "")

    def advice_texts(self, lang: str | None = None) -> list[str]:
        """Its advice in lang, each rendered from its key and fields (else as it was given)."""
        if len(self.advice_keys) != len(self.advice):
            return list(self.advice)
        return [catalog.render_or(m.get("key"), m.get("fields"), said, lang)
                for m, said in zip(self.advice_keys, self.advice)]

    def calls_into(self, exercise: Exercise) -> bool:
        """Whether this check ran any of exercise's code ("module.py:Class." prefixes every
        method of a class the exercise names)."""
        names = [f"{exercise.module}:{name}" for name in exercise.names] if exercise.module \
            else []
        return any(c == n or c.startswith(n + ".") for c in self.called for n in names)

    @property
    def counts_as_passed(self) -> bool:
        return self.status == "passed" or self.rescored

    @property
    def specificity(self) -> int:
        """How much its message tells, higher more: 2 a named mistake, 1 anything the
        student's code raised (or a message the kit cannot key), 0 a value that is only
        wrong."""
        if self.key.startswith("feedback.") and not self.key.endswith(GENERIC_ENDINGS):
            return 2
        return 0 if self.key and self.status == "failed" else 1

    @property
    def name(self) -> str:
        return self.nodeid.split("::")[-1]

    def to_dict(self, shown: dict[str, Any] | None = None) -> dict[str, Any]:
        """shown: its exercise's extra; a record with the same value there is named in
        record_keys instead of written twice (the capstone's history is thousands of numbers)."""
        shown = shown or {}
        kept = [k for k, v in self.records.items() if k in shown and shown[k] == v]
        data = {"name": self.name, "status": self.status, "message": self.message,
                "hidden": self.hidden, "nodeid": self.nodeid, "exercise": self.exercise,
                "weight": self.weight, "key": self.key, "fields": self.fields,
                "advice": list(self.advice), "advice_keys": list(self.advice_keys),
                "records": {k: v for k, v in self.records.items() if k not in kept},
                "record_keys": kept, "called": list(self.called), "seconds": self.seconds}
        if self.output:
            data["output"] = self.output
        if self.rescored:
            data["rescored"] = True
        return data

    @classmethod
    def from_dict(cls, data: Any, exercise: str = "", shown: dict[str, Any] | None = None,
                  where: str = "") -> TestResult:
        """The check to_dict wrote; a file of an older kit, without nodeid, weight and the
        rest, gives their defaults (its name as nodeid, its exercise's id)."""
        data = _entry(data, where)
        name = _field(data, "name", str, where)
        records = dict(_field(data, "records", dict, where, {}))
        for key in _items(data, "record_keys", str, where):
            if key not in (shown or {}):
                raise NotResults("results.not_results", where=f"{where}record_keys", kind="array")
            records[key] = shown[key]
        return cls(nodeid=_field(data, "nodeid", str, where, name),
                   exercise=_field(data, "exercise", str, where, exercise),
                   weight=_field(data, "weight", float, where, 1.0),
                   status=_field(data, "status", str, where, among=TEST_STATUSES),
                   message=_field(data, "message", str, where, ""),
                   advice=_items(data, "advice", str, where), records=records,
                   hidden=_field(data, "hidden", bool, where, False),
                   output=_field(data, "output", str, where, ""),
                   key=_field(data, "key", str, where, ""),
                   called=_items(data, "called", str, where),
                   seconds=_field(data, "seconds", float, where, 0.0),
                   rescored=_field(data, "rescored", bool, where, False),
                   fields=dict(_field(data, "fields", dict, where, {})),
                   advice_keys=_items(data, "advice_keys", dict, where))


def check_title(name: str) -> str:
    """A check's title in the chosen language, then its pytest name (which a teacher greps
    for); the name alone for a check the catalog has no title for."""
    # Only check.test_*: look.json's check.too_long and check.no_results are the notebook's.
    key = f"check.{name.split('[')[0]}"  # a parametrized check shares its function's title
    if not name.startswith("test_") or not catalog.has(key):
        return name
    return f"{catalog.text(key)} ({name})"


@dataclass
class ExerciseResult:
    exercise: Exercise
    status: str
    score: float
    tests: list[TestResult]
    blocked_by: str | None = None
    likely_cause: str | None = None  # a failing prerequisite that may explain a failure
    extra: dict[str, Any] = field(default_factory=dict)  # the capstone's accuracy, history...
    # Points given back by the charge-once rerun, and the prerequisites put in place for it.
    charged_once: dict[str, Any] | None = None
    recoverable: float = 0.0  # at most this many points come back once blocked_by passes

    @property
    def id(self) -> str:
        return self.exercise.id

    @property
    def max_score(self) -> float:
        return float(self.exercise.points)

    def advice(self, lang: str | None = None) -> list[str]:
        """Its checks' advice in lang (None: the chosen language), each once."""
        return list(dict.fromkeys(a for t in self.tests for a in t.advice_texts(lang)))

    def feedback(self, every_problem: bool = False, named: bool = False,
                 titled: bool = False) -> list[str]:
        """What a student reads under this exercise: the blocking prerequisite, the first failing
        check's message (or every one, each after its check's name when named, or after its
        title with the name in brackets when titled too), and advice."""
        lines = []
        if self.blocked_by:
            lines.append(catalog.text("blocked.by", prerequisite=self.blocked_by))
        if self.recoverable:
            lines.append(catalog.text("blocked.recoverable", points=self.recoverable,
                                      prerequisite=self.blocked_by))
        if self.charged_once and self.charged_once["points"]:
            lines.append(catalog.text("charged_once", points=self.charged_once["points"],
                                      prerequisites=", ".join(
                                          self.charged_once["prerequisites"])))
        if self.likely_cause:
            lines.append(catalog.text("likely.cause", prerequisite=self.likely_cause))
        problems = sorted((t for t in self.tests if t.status not in ("passed", "skipped")),
                          key=lambda t: -t.specificity)
        # The same message from several checks is shown once, after all their names
        names: dict[str, list[str]] = {}
        for test in problems:
            names.setdefault(test.text() or test.status, []).append(
                check_title(test.name) if titled else test.name)
        said: set[str] = set()
        for test in problems if every_problem else problems[:1]:
            message = test.text() or test.status
            if message in said:
                continue
            said.add(message)
            lines.append(f"{', '.join(names[message])}: {message}" if named else message)
            if test.output.strip():  # what the student's code printed during that check
                shown = test.output.strip().splitlines()[-PRINTED_LINES:]
                lines.append(catalog.text("feedback.printed", lines=len(shown)) + "\n"
                             + "\n".join("| " + line for line in shown))
        lines += [catalog.text("advice.prefix", advice=a) for a in self.advice()]
        return lines

    def to_dict(self) -> dict[str, Any]:
        data = {"id": self.id, "title": self.exercise.title, "section": self.exercise.section,
                "status": self.status, "score": self.score, "max_score": self.max_score,
                "tests": [t.to_dict(self.extra) for t in self.tests]}
        if self.blocked_by:
            data["blocked_by"] = self.blocked_by
        if self.likely_cause:
            data["likely_cause"] = self.likely_cause
        if self.advice():
            data["advice"] = self.advice()
        if self.charged_once is not None:
            data["charged_once"] = self.charged_once
        if self.recoverable:
            data["recoverable"] = self.recoverable
        data.update(self.extra)
        return data

    @classmethod
    def from_dict(cls, data: Any, where: str = "") -> ExerciseResult:
        """The exercise to_dict wrote. Its id must be one of this kit's (NotResults
        "results.other_kit" otherwise); a title, section or points that differ from this kit's
        are kept as the file has them."""
        data = _entry(data, where)
        exercise_id = _field(data, "id", str, where)
        if exercise_id not in manifest.BY_ID:
            raise NotResults("results.other_kit", exercise=exercise_id)
        exercise = manifest.BY_ID[exercise_id]
        recorded = {"title": _field(data, "title", str, where, exercise.title),
                    "section": _field(data, "section", str, where, exercise.section),
                    "points": _field(data, "max_score", float, where, float(exercise.points))}
        if any(getattr(exercise, k) != v for k, v in recorded.items()):
            exercise = replace(exercise, **recorded)
        status = _field(data, "status", str, where, among=STATUSES)
        extra = {k: v for k, v in data.items() if k not in EXERCISE_KEYS}
        tests = [TestResult.from_dict(t, exercise_id, extra, f"{where}tests[{n}].")
                 for n, t in enumerate(_field(data, "tests", list, where, []))]
        advice = _items(data, "advice", str, where)
        if advice and tests and not any(t.advice for t in tests):  # an older kit's file
            tests[0].advice = advice
        return cls(exercise, status, _field(data, "score", float, where), tests,
                   blocked_by=_field(data, "blocked_by", str, where, None),
                   likely_cause=_field(data, "likely_cause", str, where, None), extra=extra,
                   charged_once=_field(data, "charged_once", dict, where, None),
                   recoverable=_field(data, "recoverable", float, where, 0.0))


@dataclass
class RunResult:
    exercises: list[ExerciseResult]
    seconds: float
    target: str
    hidden: bool = False  # whether the instructor's hidden checks ran
    kit_error: str | None = None  # why the kit itself could not grade, if it could not
    sandbox: str = "none"  # how the graded code was confined: bwrap, uid, landlock or none
    # What of it applied, e.g. ["uid", "rlimits", "landlock-fs"] (grader/judge/client.py)
    sandbox_layers: list[str] = field(default_factory=list)
    # The settings a total depends on, so `grade gradebook` can refuse to merge unlike totals:
    # whether charge-once could rescore (a reference was given), and whether --skip-final left
    # the capstone out.
    charge_once: bool | None = False  # None (each of these three): not recorded, an older kit
    skipped_final: bool | None = False
    # What graded it: this process's when it grades, as read when read from a file graded
    # elsewhere (None: that file's kit did not record it).
    python: str | None = field(default_factory=platform.python_version)
    numpy: str | None = np.__version__
    kit_version: str | None = field(default_factory=lambda: kit_version())
    manifest: str | None = field(default_factory=lambda: manifest.fingerprint())

    def __post_init__(self):
        self.seconds = round(self.seconds, 3)  # as the file keeps it, so that it reads back equal

    @property
    def score(self) -> float:
        return round(sum(e.score for e in self.exercises), 2)

    @property
    def max_score(self) -> float:
        return float(sum(e.max_score for e in self.exercises))

    def next_step(self) -> str:
        for result in self.exercises:
            if result.status != "passed":
                target = result.blocked_by or result.id
                exercise = next((e.exercise for e in self.exercises if e.id == target),
                                result.exercise)
                return catalog.text("next.step", exercise=exercise.id, section=exercise.section)
        graded = {e.id for e in self.exercises}
        quick = {e.id for e in manifest.quick()}
        later = [e for e in manifest.EXERCISES if e.id not in quick]
        if self.skipped_final and later and quick <= graded:  # only the long one is left to run
            return catalog.text("next.capstone", exercise=later[0].id, section=later[0].section)
        if not self.hidden and {e.id for e in manifest.EXERCISES} <= graded:  # what to hand in
            return catalog.text("next.hand_in")
        return catalog.text("next.done" if self.hidden else "next.hidden_pending")

    def to_dict(self) -> dict[str, Any]:
        data = {"score": self.score, "max_score": self.max_score,
                "seconds": round(self.seconds, 3), "target": self.target,
                "hidden_tests_included": self.hidden, "charge_once": self.charge_once,
                "skipped_final": self.skipped_final, "sandbox": self.sandbox,
                "sandbox_layers": list(self.sandbox_layers),
                "python": self.python, "numpy": self.numpy, "kit_version": self.kit_version,
                "manifest": self.manifest, "exercises": [e.to_dict() for e in self.exercises]}
        if self.kit_error:
            data["kit_error"] = self.kit_error
        # A file of an older kit that did not record these reads back without them
        return {k: v for k, v in data.items() if v is not None}

    @classmethod
    def from_dict(cls, data: Any) -> RunResult:
        """The run to_dict wrote (NotResults when data is not one, saying where). score and
        max_score are checked, then computed again from the exercises, as they were written."""
        data = _entry(data, "")
        for key in ("score", "max_score"):
            _field(data, key, float, "")
        exercises = [ExerciseResult.from_dict(e, f"exercises[{n}].")
                     for n, e in enumerate(_field(data, "exercises", list, ""))]
        return cls(exercises, _field(data, "seconds", float, "", 0.0),
                   _field(data, "target", str, "", ""),
                   hidden=_field(data, "hidden_tests_included", bool, "", None),
                   kit_error=_field(data, "kit_error", str, "", None),
                   sandbox=_field(data, "sandbox", str, "", "none", SANDBOXES),
                   sandbox_layers=_items(data, "sandbox_layers", str, ""),
                   charge_once=_field(data, "charge_once", bool, "", None),
                   skipped_final=_field(data, "skipped_final", bool, "", None),
                   **{key: _field(data, key, str, "", None)
                      for key in ("python", "numpy", "kit_version", "manifest")})

    @classmethod
    def load(cls, path: Path | str) -> RunResult:
        """A saved results file (`grade run --format json`, the last-results cache);
        ResultsFileError naming the file and the fix when it is not one this kit can read."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError, RecursionError) as error:
            raise ResultsFileError(path, "results.unreadable", error=error) from None
        try:
            return cls.from_dict(data)
        except NotResults as problem:
            raise ResultsFileError(path, problem.key, **problem.fields) from None


def mistake_keys(run: RunResult) -> Counter:
    """How many checks ended with each catalog key, of those that did not pass: what a class
    tool counts (feedback.softmax.no_max_subtraction: 12). A message without a key counts under
    its status ("failed", "error"...), so every failing check is counted once."""
    return Counter(test.key or test.status for exercise in run.exercises
                   for test in exercise.tests if test.status not in ("passed", "skipped"))


def kit_version() -> str:
    try:
        return metadata.version("dlfs-kit")
    except metadata.PackageNotFoundError:  # graded from a checkout that was never installed
        return "unknown"


def exercise_status(tests: list[TestResult]) -> str:
    counted = [t for t in tests if t.status != "skipped"]
    if counted and all(t.status == "passed" for t in counted):
        return "passed"
    if any(t.status == "passed" for t in counted):
        return "partial"
    failing = [t for t in counted if t.status != "passed"]
    if failing and all(t.status == "not_started" for t in failing):
        return "not_started"
    for status in _FAILURE_ORDER:
        if any(t.status == status for t in failing):
            return status
    return "failed"


def score_exercise(exercise: Exercise, tests: list[TestResult]) -> float:
    counted = [t for t in tests if t.status != "skipped"]
    total = sum(t.weight for t in counted)
    if not total:
        return 0.0
    earned = sum(t.weight for t in counted if t.counts_as_passed)
    return round(exercise.points * earned / total, 2)


def build_exercise(exercise: Exercise, tests: list[TestResult]) -> ExerciseResult:
    records: dict[str, Any] = {}
    for test in tests:
        records.update(test.records)
    extra = records if exercise.shows else {}
    return ExerciseResult(exercise, exercise_status(tests), score_exercise(exercise, tests),
                          tests, extra=extra)


def prerequisites(exercise: Exercise) -> list[Exercise]:
    """What exercise builds on, directly or not, in book order (itself not included): the one
    closure that blocking, the likely cause and the charge-once rerun all read."""
    wanted: set[str] = set()
    stack = list(exercise.prerequisites)
    while stack:
        current = stack.pop()
        if current not in wanted:
            wanted.add(current)
            stack.extend(manifest.BY_ID[current].prerequisites)
    return [e for e in manifest.EXERCISES if e.id in wanted]


def blocked(exercise: Exercise, prerequisite: str, tests: list[TestResult] | None = None
            ) -> ExerciseResult:
    """An exercise that was not run, or did not pass, because `prerequisite` fails."""
    tests = tests or []
    score = score_exercise(exercise, tests) if tests else 0.0
    return ExerciseResult(exercise, "blocked", score, tests, blocked_by=prerequisite)


