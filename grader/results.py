"""The results model: plain dataclasses built once from the runner's test results, then read
by every reporter. Nothing here runs code."""
from __future__ import annotations

import platform
from importlib import metadata
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import catalog, manifest
from .manifest import Exercise

# Messages that say a value is wrong without naming why (feedback.<id>.wrong_value, say).
GENERIC_ENDINGS = (".wrong_value", ".wrong_accuracy", ".batch_wrong", ".wrong")
PRINTED_LINES = 10  # lines of a failing check's printed output shown under its message
# Every status token; the JSON results and the text report use exactly these.
STATUSES = ("passed", "partial", "failed", "not_started", "error", "timeout", "blocked",
            "not_graded")  # not_graded: it needs MNIST, which could not be had here
# Test-level statuses, in the order that decides a failed exercise's status.
_FAILURE_ORDER = ("timeout", "error", "failed")


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
    key: str = ""  # the catalog key of its message, when a check named a mistake
    called: list[str] = field(default_factory=list)  # "module.py:qualname" it ran (if failing,
    # or in a charge-once rerun)
    seconds: float = 0.0  # how long the judge spent on it (JUnit's time)
    rescored: bool = False  # failed, but passed with its failing prerequisites' reference

    def calls_into(self, exercise: Exercise) -> bool:
        """Whether this check ran any of exercise's code ("ch04/two_layer_net.py:TwoLayerNet."
        prefixes every method of the class)."""
        names = [f"{exercise.module}:{name}" for name in exercise.names] if exercise.module \
            else []
        return any(c == n or c.startswith(n + ".") for c in self.called for n in names)

    @property
    def counts_as_passed(self) -> bool:
        return self.status == "passed" or self.rescored

    @property
    def telling(self) -> int:
        """How specific its message is, most first: a named mistake, then anything the
        student's code raised, then a value that is only wrong."""
        if self.key.startswith("feedback.") and not self.key.endswith(GENERIC_ENDINGS):
            return 0
        return 2 if self.key else 1

    @property
    def name(self) -> str:
        return self.nodeid.split("::")[-1]

    def to_dict(self) -> dict[str, Any]:
        data = {"name": self.name, "status": self.status, "message": self.message,
                "hidden": self.hidden}
        if self.output:
            data["output"] = self.output
        if self.rescored:
            data["rescored"] = True
        return data


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

    def advice(self) -> list[str]:
        return list(dict.fromkeys(a for t in self.tests for a in t.advice))  # each once

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
                          key=lambda t: t.telling)
        # The same message from several checks is shown once, after all their names
        names: dict[str, list[str]] = {}
        for test in problems:
            names.setdefault(test.message or test.status, []).append(
                check_title(test.name) if titled else test.name)
        said: set[str] = set()
        for test in problems if every_problem else problems[:1]:
            message = test.message or test.status
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
                "tests": [t.to_dict() for t in self.tests]}
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
    charge_once: bool = False
    skipped_final: bool = False

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
                "python": platform.python_version(), "numpy": np.__version__,
                "kit_version": kit_version(), "manifest": manifest.fingerprint(),
                "exercises": [e.to_dict() for e in self.exercises]}
        if self.kit_error:
            data["kit_error"] = self.kit_error
        return data


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


