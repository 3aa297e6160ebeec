"""Starts the judge's worker as soon as the judge's pytest starts, before pytest loads its other
plugins, imports the suites' conftest (numpy) and collects: the worker's own start (bubblewrap,
Python, numpy: a quarter of a second) then runs beside the judge's instead of after it.

`grade` loads this module first (`-p grader.judge.prestart`, grader/runner.py); the plugin adopts
the worker in pytest_configure. Run straight by pytest, or when anything here fails, the plugin
starts the worker itself, as before.
"""
from __future__ import annotations

import json
import os
import signal
from pathlib import Path

from ..worker.processes import PR_SET_DUMPABLE, prctl
from . import reaper
from .client import Worker

worker: Worker | None = None
started_for: tuple[str, str] | None = None  # (target, mode) it was started for


def take(target: str, mode: str) -> Worker | None:
    """The worker started with the judge for this target and mode, once; None if there is none."""
    global worker
    found, worker = (worker if started_for == (target, mode) else None), None
    return found


def _not_from_grade(signum, frame) -> None:
    pass


def _start() -> None:
    global worker, started_for
    path = os.environ.get("DLFS_JUDGE")
    if not path:
        return
    # Run by grade, first thing: a worker of the same uid (unconfined) may not ptrace the judge
    # or open its /proc files, among them /proc/<judge>/fd/N, the pipe its report goes to
    # (runner.py), and its memory. Before the worker starts; execve would reset it.
    prctl(PR_SET_DUMPABLE, 0)
    # grade never sends its judge SIGINT or SIGTERM: it kills it with SIGKILL, and the judge's
    # session of its own keeps a terminal's Ctrl-C for grade. Either can only come from someone
    # else, unconfined the graded code (the same uid), which would end the judge as a kit error:
    # doing nothing on them is the judge's own disposition, not a guard. Python's handlers are
    # given no siginfo to tell a sender by; none is needed. A handler, unlike SIG_IGN, is not
    # inherited through exec: the worker starts with the default.
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, _not_from_grade)
    try:
        settings = json.loads(Path(path).read_text(encoding="utf-8"))
        mode = settings.get("sandbox")
        if mode not in ("bwrap", "uid", "landlock", "none"):  # not resolved: the plugin does
            return
        reaper.become_subreaper()  # before the worker starts: its orphans come back here
        started = Worker(Path(settings["target"]), mode)
        started.start()
    except Exception:  # noqa: BLE001 - the plugin starts one itself and reports what fails
        return
    worker, started_for = started, (settings["target"], mode)


_start()
