"""Runs the judge: one pytest process over the chosen suites, and its results.

How grading is isolated, in one place:

    grade (this process)  ->  judge (pytest, the suites, hidden checks, expected values)
                                ->  worker (the student's code; bubblewrap where it works)

The judge never imports the submission. The worker imports it, runs only the calls a check
asks for, and answers with plain data (.npy arrays, numbers, strings: grader/worker/wire.py);
objects stay there behind handles. Under bubblewrap the worker sees the Python installation and
its copy of the submission, read-only, an empty /tmp and nothing else: no kit, solutions, hidden
checks, cache, other submissions or network, and all it starts dies with it. The judge's results
reach this process through pytest-json-report, written to a pipe this process reads (not a file
the worker could find and rewrite; the judge is not dumpable, so not even through /proc).
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import catalog
from .judge import bounds, client, reaper, sandbox
from .results import TestResult
from .worker.processes import PR_GET_DUMPABLE, PR_SET_DUMPABLE, prctl

GRADER_DIR = Path(__file__).parent
KILL_GRACE_SECONDS = 30  # the judge's own time beyond the run's limit
REPORT_LIMIT = 16 * 2**20  # the judge's report, read from its pipe: far beyond a run's
LAYERS_KEY = "dlfs_sandbox_layers"  # in the judge's report: what confined its worker


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
    sandbox: str = "auto"  # auto, bwrap, uid, landlock or none
    # The reference solutions, for the charge-once rerun (grader/charge_once.py); None: no rerun
    reference: Path | None = None
    # Every check says which student code it ran, passed or not (the charge-once rerun needs it)
    record_called: bool = False
    # Filled in by each run: what confined its worker (the results' sandbox_layers)
    layers: list[str] = field(default_factory=list)


def _test_result(test: dict) -> TestResult:
    # Bounded again here (grader/judge/bounds.py): the results file and the last-results cache
    # stay small whatever reached the judge's report.
    data = bounds.bounded_result(test.get("metadata") or {})
    nodeid = bounds.text(test.get("nodeid"), bounds.NAME)
    weight = data.get("weight")
    return TestResult(nodeid=nodeid, exercise=bounds.text(data.get("exercise"), bounds.NAME),
                      weight=float(weight) if type(weight) in (int, float) and weight else 1.0,
                      status=data["status"], message=data["message"], advice=data["advice"],
                      records=data["records"], hidden=nodeid.startswith("hidden/"),
                      output=data.get("output", ""), key=data.get("key", ""),
                      fields=data.get("fields", {}), advice_keys=data.get("advice_keys", []),
                      called=data.get("called", []),
                      seconds=sum(float((test.get(stage) or {}).get("duration") or 0)
                                  for stage in ("setup", "call", "teardown")))


def _command(paths: list[str], report: str, ini: Path, root: Path) -> list[str]:
    # grader.judge.prestart first: it starts the worker before pytest loads anything else. Of the
    # installed pytest plugins only pytest-json-report (autoloading is off: _run_judge).
    return [sys.executable, "-m", "pytest", "-q", "-p", "grader.judge.prestart",
            "-p", "pytest_jsonreport.plugin",
            "-p", "no:cacheprovider", "--import-mode=importlib", "--rootdir", str(root),
            "-c", str(ini),
            "--json-report", "--json-report-file", str(report),
            "--json-report-omit", "collectors", "log", "streams", "keywords", "warnings",
            "--", *paths]


def _relay(stream, on_progress) -> None:
    for line in stream:
        if on_progress:
            on_progress(line.rstrip("\n"))


@contextmanager
def _terminate_as_exit():
    """Turn SIGTERM into SystemExit while the judge runs, so the cleanup that kills it runs."""
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
        return _run_judge(suites, exercises, options)


def _run_judge(suites: list[str], exercises: list[str], options: RunOptions) -> list[TestResult]:
    root = options.suites_root
    paths = [f"{kind}/{suite}" for kind in ("suites", "hidden")
             if kind == "suites" or options.hidden for suite in suites
             if (root / kind / suite).exists()]
    try:  # resolved here, where the probe has run (it is cached): the judge need not probe
        mode = sandbox.resolve(options.sandbox)
    except sandbox.SandboxUnavailable as error:
        raise KitError(str(error)) from None
    private = Path(tempfile.mkdtemp(prefix="dlfs-judge-"))
    progress_read, progress_write = os.pipe()
    settings = {"target": str(options.target.resolve()), "sandbox": mode,
                "timeout": options.timeout, "total_timeout": options.total_timeout,
                "exercises": exercises,
                "verbose": options.verbose, "progress_fd": progress_write,
                "record_called": options.record_called}
    # 0711: a worker of a uid of its own goes through to its run folder inside (client.py
    # run_folder), and may open nothing else here: every file is 0600.
    os.chmod(private, 0o711)
    _write_private(private / "judge.json", json.dumps(settings).encode())
    _write_private(private / "pytest.ini", b"[pytest]\n")
    report_read, report_write = os.pipe()
    # No other installed pytest plugin, and no PYTEST_ADDOPTS, reaches the judge: they cost its
    # start (each is imported) and could change how checks run (reordering, reseeding, -n).
    # The judge renders feedback too: it speaks the language chosen here (--lang included).
    env = {key: value for key, value in os.environ.items() if key != "PYTEST_ADDOPTS"}
    env.update({"DLFS_JUDGE": str(private / "judge.json"), client.RUN_PARENT_ENV: str(private),
                "PYTHONDONTWRITEBYTECODE": "1",
                "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "DLFS_LANG": catalog.language()})
    known = reaper.children()
    # Orphans come back here: killed without its cleanup (SIGTERM to grade), the judge leaves the
    # worker's processes to be reparented, and unconfined a daemon the code started is one.
    reaper.become_subreaper()
    # Not dumpable while the judge runs: a worker of the same uid (unconfined, not root) could
    # otherwise open /proc/<grade>/fd/N, the read ends of the report and progress pipes, for
    # writing, and put its own bytes before the judge's report; or read this process's memory.
    dumpable = prctl(PR_GET_DUMPABLE, 0)
    prctl(PR_SET_DUMPABLE, 0)
    try:
        with _write_private(private / "judge.log") as log:
            process = subprocess.Popen(
                _command(paths, f"/dev/fd/{report_write}", private / "pytest.ini", root),
                cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, pass_fds=(progress_write, report_write),
                start_new_session=True, preexec_fn=reaper.die_with_parent)
        os.close(progress_write)
        os.close(report_write)
        report: list[bytes | None] = [None]
        collect = threading.Thread(target=_collect, args=(report_read, report), daemon=True)
        collect.start()
        relay = threading.Thread(target=_relay, daemon=True, args=(
            os.fdopen(progress_read, encoding="utf-8", errors="replace"), options.on_progress))
        relay.start()
        stopped = False
        try:
            process.wait(timeout=options.total_timeout + KILL_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            # A judge out of time is the kit's; a stopped one, unconfined, may be the code's
            stopped = mode == "none" and _state(process.pid) in ("T", "t")
            if not stopped:
                raise KitError(catalog.text("kit.overall_timeout",
                                            seconds=options.total_timeout)) from None
        finally:
            reaper.kill_group(process)
            reaper.kill_children(known)  # anything that escaped the judge's own cleanup
        relay.join(timeout=5)
        # Every process that held the pipe is dead now (killed above): it is at its end.
        collect.join(timeout=60)
        if stopped:
            return _judge_killed(exercises, signal.SIGSTOP)
        if process.returncode < 0 and mode == "none" and not report[0]:
            return _judge_killed(exercises, -process.returncode)
        return _results(report[0], private / "judge.log", process.returncode, options)
    finally:
        if dumpable == 1:  # every worker is dead: debuggers and core dumps as before
            prctl(PR_SET_DUMPABLE, 1)
        shutil.rmtree(private, ignore_errors=True)


def _state(pid: int) -> str:
    """A process's state letter in /proc ("T": stopped); "" if it cannot be read."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0].decode()
    except (OSError, IndexError):
        return ""


def _judge_killed(exercises: list[str], number: int) -> list[TestResult]:
    """The judge died of a signal grade did not send, before its report, or was found stopped
    when its time ran out. Unconfined the code graded is the same user's and can send it one (a
    limit: confined it cannot reach the judge), and which of the run's checks did is not known:
    each exercise is charged, so that a submission's signal is never a kit error (exit 2)."""
    name = signal.Signals(number).name if number in signal.valid_signals() else str(number)
    message = catalog.message("kit.judge_killed_unconfined", signal=name)
    return [TestResult(nodeid=f"judge::{exercise}", exercise=exercise, weight=1.0,
                       status="error", message=message.render(), key=message.key,
                       fields=message.fields) for exercise in exercises]


def _write_private(path: Path, data: bytes | None = None):
    """A file only this user may read (0600); with data, written and closed, else left open."""
    stream = os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")
    if data is None:
        return stream
    with stream:
        stream.write(data)


def _collect(fd: int, into: list) -> None:
    """The judge's report, read from its pipe while the judge writes it (a pipe holds 64 KB):
    at most REPORT_LIMIT bytes are kept, the rest drained so the judge never blocks; None if it
    was longer, which the judge's own caps (grader/judge/bounds.py) never let it be."""
    kept, size = [], 0
    with os.fdopen(fd, "rb") as stream:
        while chunk := stream.read(1 << 16):
            size += len(chunk)
            if size <= REPORT_LIMIT:
                kept.append(chunk)
    into[0] = b"".join(kept) if size <= REPORT_LIMIT else None


def _results(report: Path | bytes | None, log: Path, returncode: int,
             options: RunOptions | None = None) -> list[TestResult]:
    """The results in the judge's report: its bytes (from the pipe), or a file holding them."""
    try:
        raw = report.read_bytes() if isinstance(report, Path) else report
        data = json.loads(raw.decode("utf-8")) if raw is not None else None
    except (OSError, ValueError):
        data = None
    if options is not None and isinstance(data, dict):  # the judge's own, not the worker's
        layers = data.get(LAYERS_KEY)
        options.layers = [str(x)[:40] for x in layers[:20]] if isinstance(layers, list) else []
    if data is None or data.get("exitcode") in (2, 3, 4):
        tail = log.read_bytes()[-3000:].decode(errors="replace") if log.exists() else ""
        raise KitError(f"the judge could not run the suites (exit status {returncode}):\n{tail}")
    tests = [_test_result(test) for test in data.get("tests", [])]
    for test in tests:
        if test.status == "kit_error":  # e.g. the judge could not load MNIST: nobody's fault
            raise KitError(test.message)
    return tests


def sandbox_mode(requested: str) -> tuple[str, str | None]:
    """The mode a run will use and, when it is not bubblewrap, why (grader/judge/sandbox.py)."""
    return sandbox.choose(requested)
