"""Nothing a submission starts outlives a grading run.

Under bubblewrap the worker has its own PID namespace: killing it kills all it started. Without
it, on Linux, grade, the judge and the worker's zygote are child subreapers, so a process that
double-forks or calls setsid comes back to them as a child when its parent dies. Each kills what
is under it by freezing the whole tree, then killing it (processes.kill_tree), repeated until
nothing is left: no deadline a chain or a fork bomb could outrun. grade does it too when the
judge was killed before its own cleanup could run. Elsewhere, the worker's process group is
killed.
"""
from __future__ import annotations

import os
import signal
import subprocess

from ..worker.processes import PR_SET_CHILD_SUBREAPER, PR_SET_PDEATHSIG, kill_tree, prctl
# For reaper's callers: the processes a grading run started, and the one loop that kills them.
from ..worker.processes import children, kill_children  # noqa: F401


def die_with_parent() -> None:
    """In a child between fork and exec: SIGKILL when the parent dies, however it dies."""
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def become_subreaper() -> None:
    prctl(PR_SET_CHILD_SUBREAPER, 1)


def kill_group(process: subprocess.Popen) -> None:
    """Kill a process started with start_new_session, all it started and its group; wait for
    it. Its status is the one kill_tree reaped, when kill_tree was the one to reap it."""
    if process.poll() is None:  # once reaped its pid may be another's: never kill it then
        reaped: dict[int, int] = {}
        kill_tree(process.pid, reaped=reaped)
        if process.pid in reaped:
            process.returncode = os.waitstatus_to_exitcode(reaped[process.pid])
    try:  # a process group's number is not reused while the group has members
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()
