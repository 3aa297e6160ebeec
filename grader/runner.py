"""Runs suites in a pytest child process and returns one TestResult per check.

Each child gets a fresh workspace (the suites and a copy of the submission as the package
`student`), resource limits, and its secrets through a pipe. The child streams each test's start and
result to an events file; the parent watches it to enforce the per-test and overall timeouts.
When a child dies (a crash, sys.exit, os._exit, a timeout), the running test is charged and a
fresh child takes the tests that had not run yet.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import catalog, guard
from .integrity import Snapshot
from .protocol import (SECRET_FD_ENV, SESSION_ENV, STUDENT_PACKAGE_ENV, VERBOSE_ENV,
                       verified_payload)
from .results import TestResult

GRADER_DIR = Path(__file__).parent
POLL_SECONDS = 0.02
PROTECT_ENV = "DLFS_PROTECT_KIT"  # "0" turns the kit's integrity watch off
MAX_CHILDREN = 50  # a safety net: every restart charges a test, so this is never reached


class KitError(Exception):
    """The kit itself could not grade (a broken suite, a missing file): exit status 2."""


@dataclass
class RunOptions:
    target: Path  # a folder laid out like exercises/
    hidden: bool = False  # also run the instructor's hidden checks
    timeout: float = 60.0  # seconds per check, unless the check sets its own
    total_timeout: float = 1800.0  # seconds for the whole run
    verbose: bool = False  # keep tracebacks in the messages
    on_progress: Callable[[str], None] | None = None
    suites_root: Path = GRADER_DIR  # holds suites/ and hidden/; the kit's tests use fixtures


@dataclass
class _Child:
    """What the parent learns from one child."""
    collected: list[dict] = field(default_factory=list)
    done: dict[str, TestResult] = field(default_factory=dict)
    running: str | None = None
    unchecked: list[str] = field(default_factory=list)  # done since the kit was last looked at
    started: float = 0.0
    finished: bool = False


def _copy_py_tree(source: Path, destination: Path) -> None:
    for path in sorted(source.rglob("*.py")):
        relative = path.relative_to(source)
        if "__pycache__" in relative.parts or relative.parts[0].startswith("."):
            continue
        if any(p.is_symlink() for p in [path, *path.parents][:len(relative.parts)]):
            continue  # a link could pull in files from outside the submission
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    for folder in [destination, *[p for p in destination.rglob("*") if p.is_dir()]]:
        (folder / "__init__.py").touch()


def _make_workspace(suites: list[str], options: RunOptions) -> Path:
    workspace = Path(tempfile.mkdtemp(prefix="dlfs-ws-"))
    (workspace / "pytest.ini").write_text("[pytest]\n")
    (workspace / "tmp").mkdir()
    sources = [("suites", options.suites_root / "suites")]
    if options.hidden:
        sources.append(("hidden", options.suites_root / "hidden"))
    for name, folder in sources:
        (workspace / name).mkdir()
        shutil.copyfile(folder / "conftest.py", workspace / name / "conftest.py")
        for suite in suites:
            if (folder / suite).exists():
                (workspace / name / suite).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(folder / suite, workspace / name / suite)
    _copy_py_tree(options.target, workspace / "student")
    # The child imports the grader and the data loader from copies, so graded code that finds
    # and rewrites their files changes only this workspace, never the instructor's kit.
    skip = shutil.ignore_patterns("__pycache__", "suites", "hidden")
    shutil.copytree(GRADER_DIR, workspace / "lib" / "grader", ignore=skip)
    shutil.copytree(GRADER_DIR.parent / "data", workspace / "lib" / "data", ignore=skip)
    return workspace


def _test_result(data: dict) -> TestResult:
    return TestResult(nodeid=data["nodeid"], exercise=data.get("exercise") or "",
                      weight=float(data.get("weight") or 1), status=data.get("status", "error"),
                      message=data.get("message", ""), advice=list(data.get("advice") or []),
                      records=dict(data.get("records") or {}),
                      hidden=data["nodeid"].startswith("hidden/"))


def _charge(test: dict, status: str, message: str) -> TestResult:
    return _test_result({**test, "status": status, "message": message})


def _death_message(returncode: int, exercise: str) -> str:
    """What to tell the student when the child died on its own while one of their checks ran."""
    if returncode == -signal.SIGXFSZ:
        return catalog.text("test.output_flood", limit=guard.OUTPUT_LIMIT_MB)
    if returncode == -signal.SIGKILL:
        return catalog.text("test.memory", limit=guard.memory_limit_gib())
    if returncode < 0:
        reason = f"signal {signal.Signals(-returncode).name}"
    else:
        reason = f"the interpreter exited with status {returncode}: sys.exit or os._exit"
    return catalog.text("test.crashed", reason=reason, exercise=exercise)


class _Session:
    """One grading run: children started one after another until every check has a result."""

    def __init__(self, suites: list[str], exercises: list[str], options: RunOptions):
        self.suites, self.exercises, self.options = suites, exercises, options
        self.private = Path(tempfile.mkdtemp(prefix="dlfs-run-"))
        self.deadline = time.monotonic() + options.total_timeout
        self.plan: list[dict] = []  # every collected check, from the first child
        self.planned: dict[str, dict] = {}  # the same, by node id
        self.results: dict[str, TestResult] = {}
        self.snapshot = Snapshot(GRADER_DIR.parent,
                                 active=os.environ.get(PROTECT_ENV, "0") != "0")
        self.key = secrets.token_bytes(32)  # signs the events, so graded code cannot forge one

    def run(self) -> list[TestResult]:
        try:
            for number in range(MAX_CHILDREN):
                remaining = [t for t in self.plan if t["nodeid"] not in self.results]
                if number and not remaining:
                    break
                self._child(number, [t["nodeid"] for t in remaining] if number else None)
                if time.monotonic() > self.deadline:
                    self._charge_rest("timeout", "overall")
                    break
            return [self.results[t["nodeid"]] for t in self.plan if t["nodeid"] in self.results]
        finally:
            shutil.rmtree(self.private, ignore_errors=True)

    def _charge_rest(self, status: str, why: str) -> None:
        message = catalog.text("test.not_run", why=why, seconds=self.options.total_timeout)
        for test in self.plan:
            self.results.setdefault(test["nodeid"], _charge(test, status, message))

    def _environment(self, workspace: Path, secret_fd: int) -> dict[str, str]:
        env = {**os.environ, SESSION_ENV: "1", SECRET_FD_ENV: str(secret_fd),
               STUDENT_PACKAGE_ENV: "student", "PYTHONHASHSEED": "0",
               "PYTHONDONTWRITEBYTECODE": "1", "TMPDIR": str(workspace / "tmp"),
               "PYTHONPATH": str(workspace / "lib")}
        if self.options.verbose:
            env[VERBOSE_ENV] = "1"
        # The checks use small matrices: BLAS threads only fight over the cores (ten times
        # slower training seen on a busy machine, and under `grade batch --jobs N`).
        for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env.setdefault(variable, "1")
        return env

    def _command(self, workspace: Path, nodeids: list[str] | None) -> list[str]:
        paths = nodeids or [f"{kind}/{suite}" for kind in ("suites", "hidden")
                            for suite in self.suites if (workspace / kind / suite).exists()]
        omit = ["collectors", "log", "streams", "keywords", "warnings"]
        if not self.options.verbose:
            omit.append("traceback")
        # importlib mode: suites need no __init__.py, so nothing is imported from the workspace
        # once collection is over (graded code may delete or rewrite the workspace's files).
        return [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                "--import-mode=importlib",
                "--rootdir", str(workspace), "-c", str(workspace / "pytest.ini"),
                "--json-report", "--json-report-omit", *omit, "--", *paths]

    def _child(self, number: int, nodeids: list[str] | None) -> None:
        workspace = _make_workspace(self.suites, self.options)
        report = self.private / f"report-{secrets.token_hex(8)}.json"
        events = self.private / f"events-{number}.jsonl"
        events.touch()
        secret = {"report": str(report), "events": str(events), "nonce": secrets.token_hex(16),
                  "key": self.key.hex(), "kit": str(GRADER_DIR.parent),
                  "watch": self.snapshot.watch_list(),
                  "submission": str(workspace / "student"), "exercises": self.exercises}
        output = open(self.private / f"output-{number}.txt", "wb")
        secret_read, secret_write = os.pipe()
        process = None
        try:
            process = subprocess.Popen(
                self._command(workspace, nodeids), cwd=workspace,
                env=self._environment(workspace, secret_read),
                stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                pass_fds=(secret_read,), preexec_fn=guard.limit_resources,
                start_new_session=True)
            os.close(secret_read)
            with os.fdopen(secret_write, "w") as pipe:
                pipe.write(json.dumps(secret))
            child = _Child()
            killed = self._watch(process, events, child)
        finally:
            if process is not None and process.poll() is None:  # interrupted: leave no child
                self._kill(process)
            output.close()
            shutil.rmtree(workspace, ignore_errors=True)
        self.results.update(child.done)
        if child.finished and not killed:
            self._read_report(report, secret["nonce"])
        elif child.running and not killed:
            test = self.planned[child.running]
            message = _death_message(process.returncode, test.get("exercise") or "")
            self.results[child.running] = _charge(test, "error", message)
        elif number == 0 and not child.collected:
            tail = (self.private / f"output-{number}.txt").read_bytes()[-3000:]
            raise KitError("the grading process stopped before collecting any check "
                           f"(exit status {process.returncode}):\n"
                           + tail.decode(errors="replace"))

    def _limit(self, nodeid: str) -> float:
        return float(self.planned.get(nodeid, {}).get("timeout") or self.options.timeout)

    def _watch(self, process: subprocess.Popen, events: Path, child: _Child) -> bool:
        """Follow the child's events until it exits; True when the parent had to kill it."""
        offset = 0
        with open(events, "rb") as stream:
            while True:
                exited = process.poll() is not None
                chunk = stream.read()
                buffered = chunk[: chunk.rfind(b"\n") + 1]
                stream.seek(offset + len(buffered))
                offset += len(buffered)
                for line in buffered.splitlines():
                    self._event(line, child)
                # The kit is looked at after checks finish, not on every poll.
                if exited or child.unchecked:
                    if self.snapshot.touched():
                        self._kill(process)
                        self._tampered(child)
                        return True
                    child.unchecked.clear()
                if exited:
                    return False
                now = time.monotonic()
                overdue = child.running and now - child.started > self._limit(child.running)
                if overdue or now > self.deadline:
                    self._kill(process)
                    if child.running:
                        seconds = self._limit(child.running)
                        self.results[child.running] = _charge(
                            self.planned[child.running], "timeout",
                            catalog.text("test.timeout", seconds=seconds))
                    if self.snapshot.touched():  # the timeout already charges that check
                        self.snapshot.restore()
                    return True
                time.sleep(POLL_SECONDS)

    @staticmethod
    def _kill(process: subprocess.Popen) -> None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:  # the whole group has already gone
            pass
        process.wait()

    def _tampered(self, child: _Child) -> None:
        """Undo a change graded code made to the kit, and charge the checks that ran since the
        kit was last seen unchanged (or the running one, when none has finished since).

        Normally the child looks after every check itself, charges the one that changed the kit
        and exits; this is the backstop for a child whose own look was subverted."""
        message = catalog.text("test.tampered",
                               files=", ".join(self.snapshot.restore()[:3]) or "the kit")
        for nodeid in child.unchecked or [child.running]:
            child.done.pop(nodeid, None)  # its own result must not replace the charge
            if nodeid in self.planned:
                self.results[nodeid] = _charge(self.planned[nodeid], "error", message)

    def _event(self, line: bytes, child: _Child) -> None:
        payload = verified_payload(self.key, line)
        if payload is None:
            return  # not written by the plugin: ignore it
        event = json.loads(payload)
        kind = event["event"]
        if kind == "collected":
            child.collected = event["tests"]
            if not self.plan:
                self.plan = child.collected
                self.planned = {t["nodeid"]: t for t in self.plan}
        elif kind == "start":
            child.running, child.started = event["nodeid"], time.monotonic()
        elif kind == "done":
            child.done[event["nodeid"]] = _test_result(event)
            child.running = None
            if not event.get("kit_checked"):
                child.unchecked.append(event["nodeid"])
        elif kind == "progress" and self.options.on_progress:
            self.options.on_progress(event["line"])
        elif kind == "finished":
            child.finished = True

    def _read_report(self, path: Path, nonce: str) -> None:
        """Take the results from pytest-json-report, trusting only a report with our nonce."""
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            report = {}
        if report.get("grader_nonce") != nonce:
            return  # a missing or forged report: the streamed results stand
        if report.get("exitcode") in (2, 3, 4):
            raise KitError(f"pytest could not run the suites (exit status {report['exitcode']})")
        for test in report.get("tests", []):
            metadata = test.get("metadata") or {}
            if "status" in metadata:
                self.results[test["nodeid"]] = _test_result({"nodeid": test["nodeid"],
                                                             **metadata})


@contextmanager
def _terminate_as_exit():
    """Turn SIGTERM into SystemExit while children run, so the cleanup that kills them runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def leave(signum, frame):
        raise SystemExit(128 + signum)
    previous = signal.signal(signal.SIGTERM, leave)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_suites(suites: list[str], exercises: list[str], options: RunOptions) -> list[TestResult]:
    """Run the checks of `exercises` found in `suites` (paths under grader/suites/)."""
    if not options.target.is_dir():
        raise KitError(f"{options.target} is not a folder")
    with _terminate_as_exit():
        return _Session(suites, exercises, options).run()
