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
from . import bounds, mnist, prestart, reaper, sandbox, suite, wiring
from .client import Worker
from .session import StudentCrash, StudentError, StudentTimeout
from .verdicts import NUMPY_REMOVED, crash_message, student_error, traceback_text, where

__all__ = ["pytest_configure", "pytest_collection_modifyitems", "pytest_runtest_setup",
           "pytest_runtest_makereport", "pytest_json_runtest_metadata",
           "pytest_json_modifyreport", "pytest_unconfigure"]

CONFIG_ENV = "DLFS_JUDGE"
OUTPUT_SHOWN = 2000  # characters of a check's printed output kept in its result
PROGRESS_LINES = 100  # a check's progress lines shown (the capstone sends one per epoch)
JUDGE = pytest.StashKey[wiring.Judge]()  # the run's wiring, in pytest's config


def _settings() -> dict:
    path = os.environ.get(CONFIG_ENV)
    if path:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    kit = Path(__file__).resolve().parent.parent.parent
    return {"target": os.environ.get("DLFS_TARGET", str(kit / "exercises")), "sandbox": "auto",
            "timeout": 60.0, "exercises": None, "verbose": False}


def _progress(judge: wiring.Judge, event: dict) -> None:
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
    judge.check.progress_lines += 1
    if judge.check.progress_lines <= PROGRESS_LINES:  # a flood of them shows no more
        judge.progress(line[:500])


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "grade(exercise, weight=1, timeout=None): one check of an exercise")
    if JUDGE in config.stash:  # the suites' and the hidden checks' conftest both load this
        return
    settings = _settings()
    budget_end = time.monotonic() + float(settings["total_timeout"]) \
        if settings.get("total_timeout") else float("inf")
    reaper.become_subreaper()
    mode = settings.get("sandbox", "auto")
    if mode not in (*sandbox.CONFINED, "none"):  # grade resolved it (runner.py): no new probe
        mode = sandbox.resolve(mode)
    mnist.VERIFY = mode != "bwrap"
    worker = prestart.take(settings["target"], mode)  # started with the judge (prestart.py)
    if worker is None:
        worker = Worker(Path(settings["target"]), mode)
        worker.start()  # it boots while pytest collects the suites
    sink = None
    progress_fd = settings.get("progress_fd")
    if progress_fd is not None:
        stream = os.fdopen(int(progress_fd), "w", buffering=1, encoding="utf-8")
        sink = lambda line: stream.write(line.replace("\n", " ") + "\n")  # noqa: E731
    judge = wiring.Judge(worker, settings, sink)
    judge.budget_end = budget_end
    worker.on_progress = lambda event: _progress(judge, event)
    config.stash[JUDGE] = judge
    wiring.install(judge)


def _mark(item) -> dict:
    marker = item.get_closest_marker("grade")
    if marker is None:
        return {}
    return {"exercise": marker.kwargs.get("exercise", marker.args[0] if marker.args else None),
            "weight": float(marker.kwargs.get("weight", 1)),
            "timeout": marker.kwargs.get("timeout")}


def pytest_collection_modifyitems(config, items):
    keep = config.stash[JUDGE].settings.get("exercises")
    if keep is None:
        return
    selected = [item for item in items if _mark(item).get("exercise") in keep]
    deselected = [item for item in items if item not in selected]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


class BudgetSpent(Exception):
    """The run's overall budget (grade run --total-timeout) ran out before the check began."""


def pytest_runtest_setup(item):
    judge = item.config.stash[JUDGE]
    check = judge.begin(float(_mark(item).get("timeout") or judge.settings.get("timeout", 60.0)))
    if check.deadline <= check.started:  # charged, not started: the results still get written
        raise BudgetSpent()


def _verdict(judge: wiring.Judge, item, excinfo) -> tuple[str, catalog.Message | str]:
    """The status and the student-facing message for a check that raised: a catalog message,
    or the text of an assert of a suite's own, which has no key."""
    exercise = _mark(item).get("exercise") or item.name
    error = excinfo.value
    if isinstance(error, MnistError):  # the judge's own MNIST load: the kit's fault, not theirs
        return "kit_error", catalog.message("kit.mnist_unavailable", exercises=exercise,
                                            reason=str(error))
    if isinstance(error, StudentError):
        return student_error(error, exercise)
    budget, check = judge.settings.get("total_timeout"), judge.check
    if isinstance(error, BudgetSpent):
        return "timeout", catalog.message("test.budget_spent", seconds=budget)
    if isinstance(error, StudentTimeout) and not error.earlier \
            and check.deadline < check.started + check.limit:
        return "timeout", catalog.message("test.budget_cut", seconds=budget, name=error.what,
                                          where=where(error.frames))
    if isinstance(error, StudentTimeout):
        key = "test.timeout_earlier" if error.earlier else "test.timeout"
        return "timeout", catalog.message(key, seconds=error.seconds or check.limit,
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


def _looped_in(error, worker=None) -> list:
    """The student's functions a check that ran out of time was running. Its session died with
    them, so the frames caught at the deadline (and, for code stopped earlier in the run, that
    code) say which exercise looped: grading blocks the dependents that called it."""
    if not isinstance(error, StudentTimeout):
        return []
    entries = [f for f in error.frames or [] if isinstance(f, list) and len(f) >= 3]
    if error.earlier and worker is not None:
        entries += [[e[0], None, e[-1]] for e in worker.stopped if len(e) >= 2]
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
        try:
            item.config.stash[JUDGE].end_session(kill=True)
        except Exception:  # noqa: BLE001 - the next check opens a fresh session anyway
            pass


def _record_stage(item, call, report) -> None:
    """The check's status, message (its text, key and fields), advice, records and output,
    from one stage's report."""
    grade, judge = item._grade, item.config.stash[JUDGE]
    if call.excinfo is not None and grade["status"] == "passed" and not report.skipped:
        grade["status"], said = _verdict(judge, item, call.excinfo)
        if isinstance(said, catalog.Message):  # rendered here too, for readers of `message`
            grade.update(message=said.render(), **bounds.message(said))
        else:
            grade.update(message=said, key=getattr(call.excinfo.value, "key", ""), fields={})
        if judge.settings.get("verbose") and grade["status"] in ("failed", "error"):
            grade["message"] += "\n" + traceback_text(call.excinfo.value)
    elif report.skipped and grade["status"] == "passed":
        grade["status"] = "skipped"  # only the judge skips: the student's code cannot
    if call.when == "call":
        check = judge.check
        advice, grade["records"] = list(check.advice), dict(check.records)
        if check.session is not None:
            wanted = grade["status"] != "passed" or judge.settings.get("record_called")
            grade["called"] = _called(check.session) if wanted else []
            advice += _deprecation_advice(check.session)
            judge.end_session()
        grade["advice"] = [a.render() for a in advice]
        grade["advice_keys"] = bounds.messages(advice)
        if grade["status"] == "timeout" and call.excinfo is not None:
            grade["called"] = grade.get("called", []) + _looped_in(call.excinfo.value,
                                                                   judge.worker)
        printed = judge.worker.take_output() if judge.worker else ""
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
    judge = wiring.installed()  # this hook has no config: the one wiring the plugin installed
    json_report["dlfs_sandbox_layers"] = list(judge.worker.layers) if judge else []


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    judge = config.stash.get(JUDGE, None)
    if judge is not None and judge.worker is not None:
        judge.worker.close()
        judge.worker = None
        del config.stash[JUDGE]
        wiring.install(None)
