"""Nothing a submission starts outlives a grading run.

Under bubblewrap the worker has its own PID namespace: killing it kills all it started. Without
it, on Linux, grade, the judge and the worker's zygote are child subreapers, so a process that
double-forks or calls setsid comes back to them as a child when its parent dies, and is killed
with SIGKILL (which it cannot ignore): by grade too when the judge was killed before its own
cleanup could run. Elsewhere, the worker's process group is killed.
"""
from __future__ import annotations

import os
import signal
import subprocess
import time

from ..worker.processes import PR_SET_CHILD_SUBREAPER, PR_SET_PDEATHSIG, children, prctl

def die_with_parent() -> None:
    """In a child between fork and exec: SIGKILL when the parent dies, however it dies."""
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def become_subreaper() -> None:
    prctl(PR_SET_CHILD_SUBREAPER, 1)


def kill_children(keep: set[int] = frozenset(), seconds: float = 5.0) -> None:
    """SIGKILL every child not in keep, and every orphan that comes back meanwhile; reap them."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = children() - set(keep)
        if not left:
            return
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for pid in left:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass


def kill_group(process: subprocess.Popen) -> None:
    """Kill a process started with start_new_session, and its group; wait for it."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()
