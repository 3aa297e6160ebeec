"""The worker process: a zygote that forks one session per check.

The zygote imports numpy (and the lazily loaded parts the exercises use) once and waits on its
control socket. For each check the judge asks for a session: the zygote forks a child, hands the
judge one end of a fresh socket pair (SCM_RIGHTS), and the child serves the check's calls
(session.py). When the judge ends the session, the zygote kills the child and every process it
left (they come back to the zygote, a child subreaper), then reports how the child ended. So each
check starts from the same clean state, and nothing outlives it.
"""
from __future__ import annotations

import gc
import os
import signal
import socket
import time

from . import wire
from .processes import PR_SET_CHILD_SUBREAPER, PR_SET_DUMPABLE, PR_SET_PDEATHSIG, kill_tree, prctl
from .session import Session

CONTROL_FD_ENV = "DLFS_WORKER_FD"  # the control socket the judge handed down
SCRATCH_ENV = "DLFS_SCRATCH"  # the folders a session may write, emptied after it (os.pathsep)


def empty_folder(top: str) -> None:
    """Remove everything in top, however deep, whatever modes a session gave it: each folder
    is made ours to write (0700) before its entries go. Relative to open folders, so a depth
    past PATH_MAX or Python's recursion limit is no obstacle; a folder that cannot be removed
    is gone into once."""
    try:
        os.chmod(top, 0o700)
    except OSError:
        pass
    try:
        stack = [(os.open(top, os.O_RDONLY | os.O_DIRECTORY), "")]
    except OSError:
        return
    seen = set()
    while stack:
        fd = stack[-1][0]
        child = None
        try:
            entries = list(os.scandir(fd))
        except OSError:
            entries = []
        for entry in entries:
            try:
                if not entry.is_dir(follow_symlinks=False):
                    os.unlink(entry.name, dir_fd=fd)
                elif entry.inode() not in seen:
                    seen.add(entry.inode())
                    os.chmod(entry.name, 0o700, dir_fd=fd, follow_symlinks=False)
                    child = os.open(entry.name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW,
                                    dir_fd=fd)
                    stack.append((child, entry.name))
                    break
            except (OSError, NotImplementedError):
                continue
        if child is not None:
            continue
        fd, name = stack.pop()
        os.close(fd)
        if stack:
            try:
                os.rmdir(name, dir_fd=stack[-1][0])
            except OSError:
                pass


def _empty_scratch() -> None:
    """A check's files do not carry over to the next check."""
    for folder in filter(None, os.environ.get(SCRATCH_ENV, "").split(os.pathsep)):
        empty_folder(folder)
def _reap_all(child: int | None) -> int | None:
    """Kill the session child (unless it was reaped already: None) and everything it started;
    the child's wait status, None if it was not reaped here. Everything under the zygote: the
    orphans of a session came back here (a subreaper), out of the child's own tree."""
    reaped: dict[int, int] = {}
    if child:  # first by its pid: without /proc (under Landlock) this is what can be found
        kill_tree(child, reaped=reaped)
    kill_tree(os.getpid(), include_root=False, reaped=reaped)
    return reaped.get(child) if child else None


def _describe(status: int | None, killed: bool) -> dict:
    if status is None:
        return {"exit": None}
    if os.WIFSIGNALED(status):
        signal_number = os.WTERMSIG(status)
        return {"exit": -signal_number, "killed": killed and signal_number == signal.SIGKILL}
    return {"exit": os.WEXITSTATUS(status)}


def _exit_status_waiting(child: int, seconds: float) -> int | None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pid, status = os.waitpid(child, os.WNOHANG)
        if pid:
            return status
        time.sleep(0.001)
    return None


def main() -> None:
    import numpy.linalg  # noqa: F401 - numpy loads these lazily: once here, not per check
    import numpy.random  # noqa: F401
    try:  # the provided loader, which exercise modules import: once here, not per check
        import data.mnist  # noqa: F401
    except Exception:  # noqa: BLE001 - a session that needs it reports the error itself
        pass
    prctl(PR_SET_DUMPABLE, 0)  # sessions may not read or trace the zygote
    prctl(PR_SET_CHILD_SUBREAPER, 1)  # orphans of a session come back here to be killed
    control = socket.socket(fileno=int(os.environ.pop(CONTROL_FD_ENV)))
    child = None
    while True:
        try:
            request = wire.decode(wire.receive(control))
        except (EOFError, OSError, wire.WireError):
            os._exit(0)
        if request["op"] == "session":
            ours, theirs = socket.socketpair()
            gc.freeze()  # the session's collections leave the zygote's pages shared
            zygote = os.getpid()
            child = os.fork()
            if child == 0:
                # Killed with the zygote, however it dies: unconfined, nothing else would stop a
                # session whose judge was killed (a fork does not inherit the zygote's own
                # parent-death signal). Checked after, in case the zygote died in between.
                prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
                if os.getppid() != zygote:
                    os._exit(1)
                control.close()
                ours.close()
                os.setsid()
                Session(theirs, request).serve()
                os._exit(0)
            theirs.close()
            socket.send_fds(control, [b"s"], [ours.fileno()])
            ours.close()
        elif request["op"] == "share":
            wire.SHARED[request["name"]] = request["value"]
            wire.send(control, wire.encode(None))
        elif request["op"] == "end" and child is not None:
            status = None if request.get("kill") else _exit_status_waiting(child, 1.0)
            if status is not None:
                _reap_all(None)  # it ended on its own; anything it started still goes
                outcome = _describe(status, killed=False)
            else:
                outcome = _describe(_reap_all(child), killed=True)
            child = None
            _empty_scratch()
            wire.send(control, wire.encode(outcome))


if __name__ == "__main__":
    main()
