"""The judge's wiring for one run, in one object: the worker, the run's settings and budget, and
the running check's limit, deadline, session with the worker, advice, records and progress.

The judge's plugin makes one per pytest run and installs it; the figures (grader/figures/calls.py)
install one of their own around their calls. What the suites use (grader/judge/suite.py:
`student`, `advise`, `record`, `progress`...) looks it up with current(), so a suite never sees
it and never changes.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable

TRACE_LIMIT = 120  # seconds: checks allowed longer (the capstone's training) are not traced


@dataclass
class Check:
    """The running check: its limit, its session (opened at its first call to the student's
    code) and what it gathered for its result."""
    limit: float = 60.0
    started: float = 0.0
    deadline: float = float("inf")  # its limit's end, or the run's budget's when that is first
    session: Any = None
    advice: list = field(default_factory=list)  # catalog.Message each
    records: dict[str, Any] = field(default_factory=dict)
    progress_lines: int = 0


class Judge:
    """One run's worker and settings, and its running check."""

    def __init__(self, worker, settings: dict | None = None,
                 progress_sink: Callable[[str], None] | None = None, trace: bool = True):
        self.worker = worker
        self.settings = settings or {}
        self.progress_sink = progress_sink
        self.trace = trace  # whether sessions record the student functions a check calls
        self.budget_end = float("inf")  # time.monotonic() when the run's budget is spent
        self.check = Check()

    def begin(self, limit: float) -> Check:
        """A new check, with `limit` seconds (fewer when the run's budget ends first)."""
        started = time.monotonic()
        self.check = Check(limit=limit, started=started,
                           deadline=min(started + limit, self.budget_end))
        return self.check

    def session(self):
        """The running check's session with the worker, opened (again, if it died) here."""
        check = self.check
        if check.session is None or not check.session.alive:
            # Which student functions a check calls, except in long checks, which tracing slows.
            check.session = self.worker.open_session(
                trace=self.trace and check.limit <= TRACE_LIMIT)
            check.session.deadline = check.deadline
            check.session.limit = check.limit
        return check.session

    def end_session(self, kill: bool = False) -> None:
        session, self.check.session = self.check.session, None
        if session is not None:
            session.finish(kill=kill)

    def progress(self, line: str) -> None:
        if self.progress_sink is not None:
            self.progress_sink(line)


_current: Judge | None = None


def current() -> Judge:
    if _current is None:
        raise RuntimeError("no worker: run the suites with `grade run`, or through pytest with "
                           "the grader's conftest.py")
    return _current


def installed() -> Judge | None:
    return _current


def install(judge: Judge | None) -> None:
    """Make judge the one the suites' calls go to (None: no run)."""
    global _current
    _current = judge


@contextmanager
def using(judge: Judge):
    """judge installed for the calls within, the one before it back after."""
    saved = _current
    install(judge)
    try:
        yield judge
    finally:
        install(saved)
