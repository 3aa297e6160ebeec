"""Progress on standard error, the kit's one way of showing it: the MNIST download, a grading run
and `grade batch` all go through Progress.

On a terminal a tqdm bar (or, when the number of steps is not known, one tqdm status line drawn
over itself); anywhere else (a CI log, a file, a pipe) no bar, but one plain line per step, so a
log reads like a list of what happened. It lives beside the MNIST loader because the loader must
import nothing of the grader: the worker is given a copy of data/ alone.
"""
from __future__ import annotations

import os
import sys
import time

from tqdm import tqdm


def on_terminal(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def _columns(stream) -> int:
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):
        return 0


class Progress:
    """One task's progress on stream (default: standard error as it is when created).

    total: steps (or bytes) in all, None when not known; byte_sizes: count bytes (KiB, MiB);
    leave: keep the finished bar on the terminal (else it is erased, as is a status line);
    timed: each step's line starts with the seconds since the task started."""

    def __init__(self, label: str = "", total: int | None = None, *, byte_sizes: bool = False,
                 leave: bool = True, timed: bool = False, stream=None):
        self.started = time.monotonic() if timed else None
        self.stream = sys.stderr if stream is None else stream
        self.done, self.total, self.bar, self.live = 0, total, None, False
        # A known total (or bytes): a bar. Else only the last step's line, drawn in place.
        self.status_line = total is None and not byte_sizes
        if not on_terminal(self.stream):
            return
        if self.status_line:
            shape = {"bar_format": "{desc}"}
        elif byte_sizes:  # bytes, their rate and the time left
            shape = {"unit": "B", "unit_scale": True, "unit_divisor": 1024}
        else:  # steps: a rate of submissions a second says nothing
            shape = {"bar_format": "{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}"
                                   "{postfix}]"}
        # A terminal that tells no width (a pty nobody sized) would get no bar at all.
        width = {"dynamic_ncols": True} if _columns(self.stream) else {"ncols": 80}
        try:
            self.bar = tqdm(desc=label, total=total, file=self.stream, leave=leave,
                            mininterval=0.2, **shape, **width)
        except (OSError, ValueError, AttributeError):
            return  # no usable terminal after all: the task goes on without progress
        self.live = True  # drawn on a terminal (else logged a line at a time)

    def step(self, line: str, count: int = 1) -> None:
        """count more steps done, line saying what: beside the bar, or as a status line, on a
        terminal; a line of its own in a log."""
        self.done += count
        if self.started is not None:
            line = f"  [{time.monotonic() - self.started:6.1f} s] {line}"
        if not self.live:
            self._write(line)
        elif self.bar is None:
            return  # closed: a late step draws nothing
        elif self.status_line:
            self.bar.set_description_str(line)
        else:
            self.bar.set_postfix_str(line, refresh=False)
            self.bar.update(count)

    def reached(self, done: int, total: int | None = None) -> None:
        """done steps (or bytes) in all, of total if it became known; drawn on a terminal only,
        where a log has the one line the task said when it started."""
        if total is not None and self.total is None:
            self.total = total
            if self.bar is not None:
                self.bar.total = total
        if self.bar is not None:
            self.bar.update(done - self.done)
        self.done = done

    def log(self, line: str) -> None:
        """A line for the log only: a terminal shows the bar instead."""
        if not self.live:
            self._write(line)

    def close(self, then: str | None = None) -> None:
        """Finish the bar; then: a line a terminal shows after it (a log has had its lines)."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None
            if then is not None:
                self._write(then)

    def _write(self, line: str) -> None:
        try:
            self.stream.write(line + "\n")
            self.stream.flush()
        except (OSError, ValueError, AttributeError):
            pass  # no usable standard error: the task goes on without progress

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exception) -> None:
        self.close()
