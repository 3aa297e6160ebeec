"""What the grading suites use: the student's modules, marks, feedback and advice.

A suite is a pytest file under grader/suites/ mirroring the module it grades. Each test is marked
with the exercise it belongs to and its weight within that exercise:

    @check("softmax", weight=2)
    def test_overflow():
        softmax = student("ch03.softmax").softmax
        got = softmax(np.array([1010.0, 1000.0, 990.0]))
        if not np.all(np.isfinite(got)):
            fail("feedback.softmax.no_max_subtraction", got=show(got))

Student modules are imported inside tests, never at a suite's top level, so a submission's code
first runs after every suite has been collected.
"""
from __future__ import annotations

import importlib
import os
import warnings
from contextlib import contextmanager
from typing import Any, Iterator

import numpy as np
import pytest

from . import catalog
from .protocol import STUDENT_PACKAGE_ENV

_advice: list[str] = []
_records: dict[str, Any] = {}
# Set by the grading plugin to forward progress lines to the parent process.
progress_sink: Any = None


class Feedback(AssertionError):
    """A failed check, with the catalog message that explains it."""


class SubmissionImportError(Exception):
    """A student module could not be imported; the message says why, in the student's terms."""


def check(exercise: str, weight: float = 1, timeout: float | None = None):
    """Mark a test as one check of `exercise`, worth `weight` within it.

    `timeout` (seconds) replaces the run's per-test limit for a check that is meant to be long,
    such as the capstone's training."""
    return pytest.mark.grade(exercise=exercise, weight=weight, timeout=timeout)


def student(dotted: str) -> Any:
    """Import the graded module `dotted` (e.g. "ch03.softmax") from the submission.

    The package is `student` in a grading workspace; a developer running a suite straight from
    a checkout sets DLFS_STUDENT_PACKAGE to `solutions` or `exercises`."""
    package = os.environ.get(STUDENT_PACKAGE_ENV, "student")
    try:
        return importlib.import_module(f"{package}.{dotted}")
    except SyntaxError as exc:
        where = f" (line {exc.lineno})" if exc.lineno else ""
        raise SubmissionImportError(catalog.text(
            "test.import_failed", module=dotted.replace(".", "/") + ".py", kind="SyntaxError",
            detail=exc.msg, where=where)) from None


def fail(key: str, /, **fields: object) -> None:
    """Fail this check with the catalog message `key`."""
    raise Feedback(catalog.text(key, **fields))


def advise(key: str, /, **fields: object) -> None:
    """Record advice for the student without failing the check."""
    _advice.append(catalog.text(key, **fields))


def take_advice() -> list[str]:
    """The advice recorded since the last call (the grading plugin collects it per test)."""
    taken = list(_advice)
    _advice.clear()
    return taken


def record(**values: Any) -> None:
    """Attach JSON-able values to this check's result (the capstone's accuracy, history...)."""
    _records.update(values)


def take_records() -> dict[str, Any]:
    taken = dict(_records)
    _records.clear()
    return taken


def progress(line: str) -> None:
    """Show a progress line to the student while a long check runs."""
    if progress_sink is not None:
        progress_sink(line)


def show(value: object, precision: int = 5) -> str:
    """A short, readable form of a value for a feedback message."""
    if isinstance(value, np.ndarray):
        return np.array2string(value, precision=precision, threshold=12, edgeitems=3,
                               suppress_small=True, separator=", ")
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.{precision}g}"
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def close(got: object, expected: object, rtol: float = 1e-7, atol: float = 0.0) -> bool:
    """True when got has expected's shape and values within the tolerances (nan never matches)."""
    try:
        got_array = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    expected_array = np.asarray(expected, dtype=float)
    if got_array.shape != expected_array.shape:
        return False
    return bool(np.allclose(got_array, expected_array, rtol=rtol, atol=atol, equal_nan=False))


def relative_error(a: object, b: object) -> float:
    """max|a-b| / max(1e-8, |a|+|b|), the usual measure for a gradient check."""
    a_array, b_array = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a_array - b_array)
                        / np.maximum(1e-8, np.abs(a_array) + np.abs(b_array))))


@contextmanager
def recorded_warnings() -> Iterator[list[warnings.WarningMessage]]:
    """Collect the warnings raised inside the block instead of printing them."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        np_settings = np.seterr(all="warn")
        try:
            yield caught
        finally:
            np.seterr(**np_settings)
