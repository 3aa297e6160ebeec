"""The student's functions, called for a figure exactly as grading calls them: in the worker,
confined the same way, one session per figure, only plain data coming back.

    with StudentCode(target, mode) as code:
        with code.figure(timeout=30):
            y = student("ch03.activations").sigmoid(x)  # runs in the worker

A figure whose code raised, looped or crashed is skipped: `Skip` carries the one line to print.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from .. import catalog
from ..judge import reaper, suite, wiring
from ..judge.client import Worker
from ..judge.session import StudentCrash, StudentError, StudentTimeout


class Skip(Exception):
    """A figure that cannot be drawn; its message is the line the student reads."""


def why(error: Exception) -> str:
    """A short reason, in the student's terms, that a call for a figure failed."""
    if isinstance(error, StudentError):
        if error.type_name == "NotImplementedError":
            return catalog.text("plot.reason.not_started")
        return catalog.text("plot.reason.raised", kind=error.type_name,
                            detail=str(error.info.get("message", "")).splitlines()[0][:120]
                            if error.info.get("message") else "")
    if isinstance(error, StudentTimeout):
        return catalog.text("plot.reason.timeout", seconds=error.seconds)
    if isinstance(error, StudentCrash):
        return catalog.text("plot.reason.crashed")
    return f"{type(error).__name__}: {error}"


class StudentCode:
    """A worker for the submission in `target`; sessions opened one figure at a time."""

    def __init__(self, target: Path, mode: str):
        self.worker = Worker(Path(target), mode)
        # The judge's wiring, with a figure in place of a check; no check's record of calls
        self.judge = wiring.Judge(self.worker, trace=False)
        self._saved: wiring.Judge | None = None

    def __enter__(self) -> "StudentCode":
        # As the judge does: what the student's code double-forks comes back here to be killed.
        reaper.become_subreaper()
        self._saved = wiring.installed()
        wiring.install(self.judge)
        return self

    def __exit__(self, *exc) -> None:
        wiring.install(self._saved)
        self.worker.close()

    @contextmanager
    def figure(self, exercise: str, timeout: float = 30.0):
        """Calls into the student's code for one figure of `exercise`; a failure becomes Skip."""
        self.judge.begin(timeout)
        try:
            yield
        except (StudentError, StudentTimeout, StudentCrash) as error:
            raise Skip(catalog.text("plot.skipped", exercise=exercise, reason=why(error))) \
                from None
        except suite.Feedback as feedback:  # not plain data, say
            raise Skip(catalog.text("plot.skipped", exercise=exercise, reason=str(feedback))) \
                from None
        finally:
            session = self.judge.check.session
            if session is not None and session.alive:
                self.judge.end_session(kill=True)
            self.judge.check.session = None
