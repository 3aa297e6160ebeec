"""The pytest plugin inside every grading child; the suites' conftest loads it.

Run straight by pytest (a developer trying a suite) it only registers the `grade` marker and turns
failures into catalog messages. Run by the grader (DLFS_GRADER_SESSION set) it also reads the
session's secrets from a pipe before any student code runs: where pytest-json-report must write,
a nonce the parent checks in the report, the events file where it streams each test's start and
result (so the parent can resume after a crash), and which exercises to keep.
"""
from __future__ import annotations

import errno
import json
import os
import sys
import time
from pathlib import Path

import pytest

from . import catalog, guard, suite
from .protocol import SECRET_FD_ENV, SESSION_ENV, VERBOSE_ENV, signed_line

__all__ = [
    "pytest_configure", "pytest_collection_modifyitems", "pytest_collection_finish",
    "pytest_runtest_logstart", "pytest_runtest_makereport", "pytest_json_runtest_metadata",
    "pytest_runtest_protocol", "pytest_json_modifyreport", "pytest_sessionfinish",
    "pytest_unconfigure",
]

class _Session:
    secret: dict | None = None
    events = None
    key = b""
    exit_status = 0


def _emit(event: str, **fields) -> None:
    """One signed line in the events file the parent follows."""
    if _Session.events is not None:
        payload = json.dumps({"event": event, "t": time.time(), **fields}).encode()
        _Session.events.write(signed_line(_Session.key, payload))
        _Session.events.flush()


def _read_secret() -> bytes:
    """All of the pipe the parent handed down (pytest's capture owns stdin), then close it."""
    descriptor = int(os.environ.pop(SECRET_FD_ENV))
    chunks = []
    while chunk := os.read(descriptor, 65536):
        chunks.append(chunk)
    os.close(descriptor)
    return b"".join(chunks)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "grade(exercise, weight=1, timeout=None): one check of an exercise")
    if not os.environ.get(SESSION_ENV) or _Session.secret is not None:
        return
    _Session.secret = json.loads(_read_secret())
    config.option.json_report_file = _Session.secret["report"]
    _Session.key = bytes.fromhex(_Session.secret.pop("key"))
    _Session.events = open(_Session.secret["events"], "ab")
    suite.progress_sink = lambda line: _emit("progress", line=line)
    guard.install(Path(_Session.secret["submission"]))
    guard.freeze_modules()


def _mark(item):
    marker = item.get_closest_marker("grade")
    if marker is None:
        return None
    return {"exercise": marker.kwargs.get("exercise", marker.args[0] if marker.args else None),
            "weight": float(marker.kwargs.get("weight", 1)),
            "timeout": marker.kwargs.get("timeout")}


def pytest_collection_modifyitems(config, items):
    keep = (_Session.secret or {}).get("exercises")
    if keep is None:
        return
    selected = [item for item in items if (_mark(item) or {}).get("exercise") in keep]
    deselected = [item for item in items if item not in selected]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


def pytest_collection_finish(session):
    _emit("collected", tests=[{"nodeid": item.nodeid, **(_mark(item) or {})}
                              for item in session.items])


def pytest_runtest_logstart(nodeid, location):
    _emit("start", nodeid=nodeid)


def _student_frame(excinfo):
    """' (ch03/softmax.py, line 12)' for the deepest traceback frame in the submission."""
    where = ""
    submission = guard.submission_root()
    for entry in excinfo.traceback:
        path = str(entry.path)
        if submission and path.startswith(str(submission)):
            where = f" ({Path(path).relative_to(submission).as_posix()}, line {entry.lineno + 1})"
    return where


def _verdict(item, excinfo) -> tuple[str, str]:
    """The status and the student-facing message for a test that raised."""
    exercise = (_mark(item) or {}).get("exercise") or item.name
    error = excinfo.value
    if isinstance(error, NotImplementedError):
        name = excinfo.traceback[-1].name if excinfo.traceback else exercise
        return "not_started", catalog.text("test.not_started", name=name, exercise=exercise)
    if isinstance(error, suite.Feedback):
        return "failed", str(error)
    if isinstance(error, (suite.SubmissionImportError, guard.ForbiddenImport)):
        return "error", str(error)
    if isinstance(error, OSError) and error.errno == errno.EFBIG:
        return "error", catalog.text("test.output_flood", limit=guard.OUTPUT_LIMIT_MB)
    if isinstance(error, MemoryError):
        return "error", catalog.text("test.memory", limit=guard.memory_limit_gib())
    if isinstance(error, AssertionError):
        return "failed", str(error).split("\nassert")[0].strip() or "check failed"
    if isinstance(error, SystemExit):
        return "error", catalog.text("test.crashed", reason=f"sys.exit({error.code!r})",
                                     exercise=exercise)
    detail = str(error).strip().splitlines()[0][:300] if str(error).strip() else "(no message)"
    return "error", catalog.text("test.raised", name=exercise, kind=type(error).__name__,
                                 detail=detail, where=_student_frame(excinfo), exercise=exercise)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if call.when == "setup":
        item._grade = {"status": "passed", "message": "", "advice": [], "records": {}}
    grade = item._grade
    if call.excinfo is not None and grade["status"] == "passed" and not report.skipped:
        grade["status"], grade["message"] = _verdict(item, call.excinfo)
        if os.environ.get(VERBOSE_ENV) and grade["status"] != "not_started":
            grade["message"] += "\n" + report.longreprtext
    elif report.skipped and grade["status"] == "passed":
        grade["status"] = "skipped"
    if call.when == "call":
        grade["advice"] = suite.take_advice()
        grade["records"] = suite.take_records()
        patched = guard.undo_patches()
        if patched:
            grade["status"], grade["message"] = "error", catalog.text(
                "test.monkeypatched", names=", ".join(patched[:3]))


@pytest.hookimpl(optionalhook=True)
def pytest_json_runtest_metadata(item, call):
    if call.when != "teardown":
        return {}
    return {**(_mark(item) or {}), **item._grade}


def _kit_changes() -> list[str]:
    """The watched kit files (if the parent asked) whose size or time is not what it was."""
    changed = []
    for path, stat in (_Session.secret or {}).get("watch", {}).items():
        try:
            status = os.stat(path)
            now = [status.st_size, status.st_mtime_ns]
        except OSError:
            now = None
        if now != stat:
            changed.append(Path(path).relative_to(_Session.secret["kit"]).as_posix())
    return changed


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    yield
    if not hasattr(item, "_grade"):
        return
    changed = _kit_changes()
    if changed:
        item._grade.update(status="error", message=catalog.text(
            "test.tampered", files=", ".join(changed[:3])))
    _emit("done", nodeid=item.nodeid, kit_checked=True, **(_mark(item) or {}), **item._grade)
    if changed:  # the parent undoes the change; the checks left run in a fresh child
        os._exit(3)


@pytest.hookimpl(optionalhook=True)
def pytest_json_modifyreport(json_report):
    if _Session.secret is not None:
        json_report["grader_nonce"] = _Session.secret["nonce"]


def pytest_sessionfinish(session, exitstatus):
    _Session.exit_status = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    # Leave before the interpreter's own shutdown, so code a submission registered with atexit
    # never runs after the results are written.
    if _Session.secret is not None:
        _emit("finished", status=_Session.exit_status)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_Session.exit_status)
