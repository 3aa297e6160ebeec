"""The judge's pytest plugin; the suites' conftest loads it.

The judge is a pytest process that never imports the submission. Each check gets a session with
the worker (grader/judge/client.py), opened at its first call into the student's code and ended
after the check, with a deadline of the check's time limit. What the student's code did (raised,
looped, crashed, printed) comes back as data and becomes the check's status and message here;
pytest-json-report carries them to `grade` as each test's metadata.

`grade run` hands the judge its settings in a JSON file named by DLFS_JUDGE. Run straight by
pytest (a developer trying a suite), it grades $DLFS_TARGET (default: the kit's exercises/).
"""
from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import numpy as np
import pytest

from data.errors import MnistError

from .. import catalog
from ..worker import wire
from . import bounds, mnist, prestart, reaper, sandbox, suite
from .client import Worker
from .session import StudentCrash, StudentError, StudentTimeout
from .verdicts import NUMPY_REMOVED, crash_message, student_error, traceback_text, where

__all__ = ["pytest_configure", "pytest_collection_modifyitems", "pytest_runtest_setup",
           "pytest_runtest_makereport", "pytest_json_runtest_metadata",
           "pytest_json_modifyreport", "pytest_unconfigure"]

CONFIG_ENV = "DLFS_JUDGE"
OUTPUT_SHOWN = 2000  # characters of a check's printed output kept in its result
TRACE_LIMIT = 120  # seconds: checks allowed longer (the capstone's training) are not traced
PROGRESS_LINES = 100  # a check's progress lines shown (the capstone sends one per epoch)


class _Judge:
    settings: dict = {}
    worker: Worker | None = None
    session = None
    progress = None
    budget_end = float("inf")  # time.monotonic() when the run's budget is spent


def _settings() -> dict:
    path = os.environ.get(CONFIG_ENV)
    if path:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    kit = Path(__file__).resolve().parent.parent.parent
    return {"target": os.environ.get("DLFS_TARGET", str(kit / "exercises")), "sandbox": "auto",
            "timeout": 60.0, "exercises": None, "verbose": False}


def _progress(event: dict) -> None:
    """A progress line the worker asked for: a catalog key under progress. and its numbers.
    Anything else (a key the catalog lacks, a field that is not a number) is no answer the
    worker gives: the session raises it as an unreadable answer, charged to the check."""
    key, fields = event.get("key"), event.get("fields") or {}
    if type(key) is not str or not key.startswith("progress.") or not catalog.has(key) \
            or type(fields) is not dict or len(fields) > 20 or not all(
                type(k) is str and k.isidentifier() and k != "key" and (
                    v is None or type(v) in (int, float))
                for k, v in fields.items()):
        raise wire.WireError(f"a progress line the kit does not have: {str(key)[:80]!r}")
    try:
        line = catalog.text(key, **{k: "n/a" if v is None else v for k, v in fields.items()})
    except Exception:  # noqa: BLE001 - numbers the template cannot format: nothing to show
        return
    _Check.progress_lines += 1
    if _Check.progress_lines <= PROGRESS_LINES:  # a flood of them shows no more
        suite.progress(line[:500])


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "grade(exercise, weight=1, timeout=None): one check of an exercise")
    if _Judge.worker is not None:
        return
    _Judge.settings = settings = _settings()
    if settings.get("total_timeout"):
        _Judge.budget_end = time.monotonic() + float(settings["total_timeout"])
    reaper.become_subreaper()
    mode = settings.get("sandbox", "auto")
    if mode not in (*sandbox.CONFINED, "none"):  # grade resolved it (runner.py): no new probe
        mode = sandbox.resolve(mode)
    mnist.VERIFY = mode != "bwrap"
    worker = prestart.take(settings["target"], mode)  # started with the judge (prestart.py)
    if worker is None:
        worker = Worker(Path(settings["target"]), mode)
        worker.start()  # it boots while pytest collects the suites
    worker.on_progress = _progress
    _Judge.worker = worker
    progress_fd = settings.get("progress_fd")
    if progress_fd is not None:
        stream = os.fdopen(int(progress_fd), "w", buffering=1, encoding="utf-8")
        suite.progress_sink = lambda line: stream.write(line.replace("\n", " ") + "\n")
    suite.session_source = _session
    suite.worker_source = lambda: _Judge.worker


def _mark(item) -> dict:
    marker = item.get_closest_marker("grade")
    if marker is None:
        return {}
    return {"exercise": marker.kwargs.get("exercise", marker.args[0] if marker.args else None),
            "weight": float(marker.kwargs.get("weight", 1)),
            "timeout": marker.kwargs.get("timeout")}


def pytest_collection_modifyitems(config, items):
    keep = _Judge.settings.get("exercises")
    if keep is None:
        return
    selected = [item for item in items if _mark(item).get("exercise") in keep]
    deselected = [item for item in items if item not in selected]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


class _Check:
    """The running check's limit and its session, opened at its first call to the student."""
    limit = 60.0
    started = 0.0
    deadline = float("inf")  # its limit's end, or the run's budget's when that comes first
    progress_lines = 0


class BudgetSpent(Exception):
    """The run's overall budget (grade run --total-timeout) ran out before the check began."""


def _session():
    if _Judge.session is None or not _Judge.session.alive:
        # Which student functions a check calls, except in long checks, which tracing slows.
        _Judge.session = _Judge.worker.open_session(trace=_Check.limit <= TRACE_LIMIT)
        _Judge.session.deadline = _Check.deadline
        _Judge.session.limit = _Check.limit
    return _Judge.session


def pytest_runtest_setup(item):
    _Check.limit = float(_mark(item).get("timeout") or _Judge.settings.get("timeout", 60.0))
    _Check.started = time.monotonic()
    _Check.progress_lines = 0
    _Check.deadline = min(_Check.started + _Check.limit, _Judge.budget_end)
    _Judge.session = None
    if _Check.deadline <= _Check.started:  # charged, not started: the results still get written
        raise BudgetSpent()


def _verdict(item, excinfo) -> tuple[str, catalog.Message | str]:
    """The status and the student-facing message for a check that raised: a catalog message,
    or the text of an assert of a suite's own, which has no key."""
    exercise = _mark(item).get("exercise") or item.name
    error = excinfo.value
    if isinstance(error, MnistError):  # the judge's own MNIST load: the kit's fault, not theirs
        return "kit_error", catalog.message("kit.mnist_unavailable", exercises=exercise,
                                            reason=str(error))
    if isinstance(error, StudentError):
        return student_error(error, exercise)
    budget = _Judge.settings.get("total_timeout")
    if isinstance(error, BudgetSpent):
        return "timeout", catalog.message("test.budget_spent", seconds=budget)
    if isinstance(error, StudentTimeout) and not error.earlier \
            and _Check.deadline < _Check.started + _Check.limit:
        return "timeout", catalog.message("test.budget_cut", seconds=budget, name=error.what,
                                          where=where(error.frames))
    if isinstance(error, StudentTimeout):
        key = "test.timeout_earlier" if error.earlier else "test.timeout"
        return "timeout", catalog.message(key, seconds=error.seconds or _Check.limit,
                                          name=error.what, where=where(error.frames))
    if isinstance(error, StudentCrash):
        return "error", crash_message(error.exit, exercise)
    if isinstance(error, suite.Feedback):
        return "failed", error.message or str(error)
    if isinstance(error, AssertionError):
        return "failed", error.message or str(error).split("\nassert")[0].strip() or "check failed"
    # The check itself could not use what came back (e.g. None where an array belongs).
    detail = str(error).strip().splitlines()[0][:300] if str(error).strip() else "(no message)"
    return "error", catalog.message("test.unusable", kind=type(error).__name__, detail=detail,
                                    exercise=exercise)


def _deprecation_advice(session) -> list[catalog.Message]:
    """Advice for each deprecation warning the student's lines raised: it works on this numpy
    and fails on a newer one (numpy 1.23 warns about `np.int`; 1.24 removed it)."""
    advice = []
    for warning in _ask(session, "deprecations", "the deprecation warnings")[:5]:
        warning = bounds.text(warning, 300)
        match = re.search(r"`np\.(\w+)` is a deprecated alias", str(warning))
        if match and match.group(1) in NUMPY_REMOVED:
            version, instead = NUMPY_REMOVED[match.group(1)]
            advice.append(catalog.message(
                "advice.numpy_alias_deprecated", attribute=match.group(1), version=version,
                instead=instead, running=np.__version__, warning=warning))
        else:
            advice.append(catalog.message("advice.numpy_deprecated", warning=warning,
                                          running=np.__version__))
    return advice


def _called(session) -> list:
    """["ch03/activations.py:sigmoid", ...]: the student's functions the check ran."""
    called = _ask(session, "called", "the functions called")
    return [bounds.text(f"{c[0][:bounds.NAME]}:{c[1][:bounds.NAME]}", bounds.NAME)
            for c in called if isinstance(c, (list, tuple)) and len(c) == 2
            and type(c[0]) is str and type(c[1]) is str][:bounds.ENTRIES]


def _looped_in(error) -> list:
    """The student's functions a check that ran out of time was running. Its session died with
    them, so the frames caught at the deadline (and, for code stopped earlier in the run, that
    code) say which exercise looped: grading blocks the dependents that called it."""
    if not isinstance(error, StudentTimeout):
        return []
    entries = [f for f in error.frames or [] if isinstance(f, list) and len(f) >= 3]
    if error.earlier and _Judge.worker is not None:
        entries += [[e[0], None, e[-1]] for e in _Judge.worker.stopped if len(e) >= 2]
    return [f"{str(f[0])[:200]}:{str(f[2])[:200]}" for f in entries][:100]


def _ask(session, op: str, what: str) -> list:
    """What the session recorded during the check (a list), or nothing if it cannot answer."""
    if not session.alive:
        return []
    try:
        answer = session.request({"op": op}, what)
    except Exception:  # noqa: BLE001 - whatever the session answered, the check has its verdict
        return []
    return answer if isinstance(answer, list) else []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if call.when == "setup":
        item._grade = {"status": "passed", "message": "", "key": "", "fields": {},
                       "advice": [], "advice_keys": [], "records": {}}
    try:
        _record_stage(item, call, report)
    except Exception:  # noqa: BLE001 - never an INTERNALERROR: the check is charged instead
        item._grade = {"status": "error", "message": catalog.text("test.judge_confused"),
                       "key": "test.judge_confused", "fields": {}, "advice": [],
                       "advice_keys": [], "records": {}}
        if _Judge.session is not None:
            try:
                _Judge.session.finish(kill=True)
            except Exception:  # noqa: BLE001 - the next check opens a fresh session anyway
                pass
            _Judge.session = None


def _record_stage(item, call, report) -> None:
    """The check's status, message (its text, key and fields), advice, records and output,
    from one stage's report."""
    grade = item._grade
    if call.excinfo is not None and grade["status"] == "passed" and not report.skipped:
        grade["status"], said = _verdict(item, call.excinfo)
        if isinstance(said, catalog.Message):  # rendered here too, for readers of `message`
            grade.update(message=said.render(), **bounds.message(said))
        else:
            grade.update(message=said, key=getattr(call.excinfo.value, "key", ""), fields={})
        if _Judge.settings.get("verbose") and grade["status"] in ("failed", "error"):
            grade["message"] += "\n" + traceback_text(call.excinfo.value)
    elif report.skipped and grade["status"] == "passed":
        grade["status"] = "skipped"  # only the judge skips: the student's code cannot
    if call.when == "call":
        advice = suite.take_advice()
        grade["records"] = suite.take_records()
        if _Judge.session is not None:
            wanted = grade["status"] != "passed" or _Judge.settings.get("record_called")
            grade["called"] = _called(_Judge.session) if wanted else []
            advice += _deprecation_advice(_Judge.session)
            _Judge.session.finish()
            _Judge.session = None
        grade["advice"] = [a.render() for a in advice]
        grade["advice_keys"] = bounds.messages(advice)
        if grade["status"] == "timeout" and call.excinfo is not None:
            grade["called"] = grade.get("called", []) + _looped_in(call.excinfo.value)
        printed = _Judge.worker.take_output() if _Judge.worker else ""
        if printed.strip():
            grade["output"] = printed[-OUTPUT_SHOWN:]


@pytest.hookimpl(optionalhook=True)
def pytest_json_runtest_metadata(item, call):
    if call.when != "teardown":
        return {}
    return {**_mark(item), **bounds.bounded_result(getattr(item, "_grade", {}))}


@pytest.hookimpl(optionalhook=True)
def pytest_json_modifyreport(json_report):
    """What confined the worker, for the results' sandbox_layers (runner.py reads it)."""
    json_report["dlfs_sandbox_layers"] = list(_Judge.worker.layers) if _Judge.worker else []


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    if _Judge.worker is not None:
        _Judge.worker.close()
        _Judge.worker = None
