"""What the grading suites use: the student's code (in the worker), marks, feedback and advice.

A suite is a pytest file under grader/suites/ mirroring the module it grades. It runs in the
judge, never beside the student's code: `student("ch03.softmax").softmax(x)` sends x to the
worker, runs the student's softmax there and brings the answer back as plain data. Objects stay
in the worker (`net = student("ch04.simple_net").SimpleNet(W)`; `net.predict(x)`, `net.W` and
`net.W = ...` go there). A function of the check's own, passed as an argument
(`numerical_gradient(lambda v: np.sum(v ** 2), x)`), runs here when the student's code calls it.

    @check("softmax", weight=2)
    def test_overflow():
        got = student("ch03.softmax").softmax(np.array([1010.0, 1000.0, 990.0]))
        if not np.all(np.isfinite(got)):
            fail("feedback.softmax.no_max_subtraction", got=show(got))
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable

import numpy as np
import pytest

from .. import catalog
from ..worker import wire
from . import wiring
from .session import Remote  # noqa: F401 - suites use it for objects in the worker
from .session import StudentError


class Feedback(AssertionError):
    """A failed check, with the catalog message that explains it (its text, key and fields)."""

    def __init__(self, message: str | catalog.Message, key: str = ""):
        self.message = message if isinstance(message, catalog.Message) else None
        super().__init__(message.render() if self.message else message)
        self.key = self.message.key if self.message else key


def check(exercise: str, weight: float = 1, timeout: float | None = None):
    """Mark a test as one check of `exercise`, worth `weight` within it.

    `timeout` (seconds) replaces the run's per-check limit for a check meant to be long, such as
    the capstone's training."""
    return pytest.mark.grade(exercise=exercise, weight=weight, timeout=timeout)


def _worker():
    return wiring.current().worker


def _session():
    """The running check's session with the worker (the run's wiring: grader/judge/wiring.py)."""
    return wiring.current().session()


def _not_plain(value) -> str | None:
    """The type name of the first part of value that is not plain data, or None."""
    if isinstance(value, wire.Unsupported):
        return value.type_name
    if isinstance(value, wire.Handle):  # a Remote too: an object the worker kept
        return value.wire_type
    if isinstance(value, (list, tuple)):
        return next((t for t in map(_not_plain, value) if t), None)
    if isinstance(value, dict):
        return next((t for t in map(_not_plain, [*value.keys(), *value.values()]) if t), None)
    return None


def plain(value, what: str):
    """value, when it is plain data; otherwise the check fails naming what came back."""
    found = _not_plain(value)
    if found:
        fail("test.not_plain_data", name=what, got_type=found)
    return value


class StudentFunction:
    """A function or class of the submission: calling it calls it in the worker."""

    def __init__(self, module: str, name: str):
        self.target, self.name = f"{module}:{name}", name

    def _request(self, args, kwargs, **extra):
        return _session().request({"op": "call", "target": self.target, "args": list(args),
                                   "kwargs": kwargs, **extra}, self.name, stop_key=self.target)

    def __call__(self, *args, **kwargs):
        result = self._request(args, kwargs)
        # A class gives back its instance, kept in the worker; a function, plain data.
        return result if self.name[:1].isupper() else plain(result, self.name)

    def args_after(self, *args, **kwargs) -> tuple[Any, list]:
        """(the result, the arguments as the call left them): did it change its input?"""
        answer = self._request(args, kwargs, return_args=True)
        return plain(answer["result"], self.name), answer["args"]

    def defaults(self) -> list:
        """The default values of its parameters (a class: of its __init__), as a list."""
        target: Any = self.target
        if self.name[:1].isupper():
            target = _session().request({"op": "getattr", "target": target, "name": "__init__"},
                                        f"{self.name}.__init__")
        found = _session().request({"op": "getattr", "target": target, "name": "__defaults__"},
                                   f"the default arguments of {self.name}")
        return list(plain(found, self.name) or ())

    def warnings(self, *args, **kwargs) -> tuple[Any, list[str]]:
        """(the result, the messages of the warnings the call raised, numpy's included)."""
        answer = self._request(args, kwargs, warnings=True)
        return plain(answer["result"], self.name), [str(w) for w in answer["warnings"]]


class StudentModule:
    def __init__(self, dotted: str):
        self.dotted = dotted

    def __getattr__(self, name: str) -> StudentFunction:
        if name.startswith("__"):
            raise AttributeError(name)
        return StudentFunction(self.dotted, name)


def student(dotted: str) -> StudentModule:
    """The graded module `dotted` (e.g. "ch03.softmax") of the submission, in the worker."""
    return StudentModule(dotted)


def shared(name: str, array):
    """A large array sent to the worker once per run; slice the result with [start:stop] and
    pass it to the student's code like the array itself (in a fixture, before the check's first
    call)."""
    return _worker().share(name, array)


def worker_function(name: str) -> wire.WorkerFunction:
    """A pure function of grader/worker/scenarios.py, to pass to the student's code instead of a
    check's own (which is called back here, a round trip per call)."""
    return wire.WorkerFunction(name)


def seed(value: int) -> None:
    """Seed numpy's global generator in the worker (np.random.seed there)."""
    _session().request({"op": "seed", "seed": int(value)}, "np.random.seed")


def rng_state():
    """np.random.get_state() of the worker."""
    return _session().request({"op": "rng_state"}, "np.random.get_state")


def scenario(name: str, *args, what: str | None = None, **kwargs):
    """Run the worker-side step grader/worker/scenarios.py:name; its plain-data answer."""
    return _session().request({"op": "scenario", "name": name, "args": list(args),
                               "kwargs": kwargs}, what or name, stop_key=what)


def set_item(obj: Remote, attribute: str, key, value) -> None:
    """obj.<attribute>[key] = value, in the worker (net.params["W1"] = ...)."""
    _session().request({"op": "setitem", "target": obj, "path": [attribute], "key": key,
                        "value": value}, f"{attribute}[{key!r}]")


@contextmanager
def raised_on(input_text: str | None, plain: Callable[[], object] | None = None):
    """Around a call with a notable input (labels where one-hot is usual, a matrix, a float):
    should the student's code raise there, its message names that input too ("<name> raised
    <Type> when given <input_text>: <message> (<file>, line N: `code`)"). A stub's
    NotImplementedError and a SystemExit pass untouched; None names nothing. `plain` makes the
    same call with an ordinary input: when that raises too, the notable input is not the
    problem, and naming it would send the student after the wrong thing."""
    try:
        yield
    except StudentError as error:
        if input_text and error.type_name not in ("NotImplementedError", "SystemExit") and (
                plain is None or _returns(plain)):
            error.info.setdefault("input", input_text)
        raise


def _returns(call: Callable[[], object]) -> bool:
    try:
        call()
    except StudentError:
        return False
    return True


def fail(key: str, /, **fields: object) -> None:
    """Fail this check with the catalog message `key`."""
    raise Feedback(catalog.message(key, **fields))


def advise(key: str, /, **fields: object) -> None:
    """Record advice for the student without failing the check."""
    catalog.text(key, **fields)  # a key or field the catalog lacks fails here, in its suite
    wiring.current().check.advice.append(catalog.message(key, **fields))


def record(**values: Any) -> None:
    """Attach JSON-able values to this check's result (the capstone's accuracy, history...)."""
    wiring.current().check.records.update(values)


def progress(line: str) -> None:
    """Show a progress line to the student while a long check runs."""
    judge = wiring.installed()
    if judge is not None:
        judge.progress(line)


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


def check_defaults(function: StudentFunction, expected: list, section: str) -> None:
    """The function keeps the defaults the stub's signature gives (the book's values)."""
    got = function.defaults()
    if len(got) != len(expected) or any(not close(g, e) if isinstance(e, float) else g != e
                                        for g, e in zip(got, expected)):
        fail("feedback.defaults_changed", name=function.name, got=show(got),
             expected=show(expected), section=section)
