"""A uid and gid of the worker's own, for a `grade` that runs as root (`--sandbox uid`, and
bubblewrap started by root).

Each running Worker leases one from a high range no account uses: it holds an flock on the
uid's lock file, in a folder only root can enter, for as long as it lives, and skips a uid that
any process runs as. So two `grade` runs at once (`grade batch --jobs 2`, parallel tests) never
share one, and the worker's processes are exactly the processes of its uid: they cannot signal
the judge or grade (another uid, no capabilities), and killing the uid kills them all.
"""
from __future__ import annotations

import ctypes  # noqa: F401 - loaded here: prctl in a child that dropped root needs it
import errno
import fcntl
import os
import random
import resource
import stat
import tempfile
from dataclasses import dataclass

from ..worker.processes import prctl

PR_SET_NO_NEW_PRIVS = 38

# bubblewrap writes its uid map with "%d": a uid past 2**31 - 1 is refused there, so the range
# stays below it, far above the ids that accounts (and container user namespaces) use.
FIRST_UID = 2_100_000_000
COUNT = 40_000_000
LOCK_DIR = "dlfs-kit-uids"


class NoUid(Exception):
    """No uid could be leased (not root, or a lock folder someone else made); says why."""


@dataclass
class Lease:
    uid: int
    fd: int  # the locked file: the lease lasts while it is open
    path: str

    @property
    def gid(self) -> int:
        return self.uid  # a group of its own too: nothing of another run is readable by group

    def release(self) -> None:
        if self.fd >= 0:
            try:  # unlinked before unlocking: a waiter rechecks the inode (lease())
                os.unlink(self.path)
            except OSError:
                pass
            os.close(self.fd)
            self.fd = -1

    def drop(self) -> None:
        """In the worker between fork and exec: become the leased uid and gid for good, with no
        supplementary groups, no capabilities and no way to gain privileges again."""
        prctl(PR_SET_NO_NEW_PRIVS, 1)  # first: afterwards the uid may not read the stdlib
        os.setgroups([])
        os.setresgid(self.gid, self.gid, self.gid)
        os.setresuid(self.uid, self.uid, self.uid)


def _lock_folder() -> str:
    """The lock files' folder, root's own and 0700 (a folder someone else made is refused: they
    could hold every lock, or swap the files)."""
    base = "/run" if os.access("/run", os.W_OK) else tempfile.gettempdir()
    folder = os.path.join(base, LOCK_DIR)
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != 0 or info.st_mode & 0o077:
        raise NoUid(f"{folder} is not a folder that only root can enter")
    return folder


def ids_in_use() -> set[int]:
    """Every uid and gid (real, effective, saved, filesystem) some process runs as."""
    used = set()
    for name in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{name}/status", "rb") as status:
                for line in status:
                    if line.startswith((b"Uid:", b"Gid:")):
                        used.update(int(field) for field in line.split()[1:])
        except (OSError, ValueError):
            continue
    return used


def lease(attempts: int = 64) -> Lease:
    """A uid no other Worker holds and no process runs as; raises NoUid."""
    if os.geteuid() != 0:
        raise NoUid("only root can run the worker under a uid of its own")
    folder = _lock_folder()
    used = ids_in_use()
    for _ in range(attempts):
        uid = FIRST_UID + random.randrange(COUNT)
        if uid in used:
            continue
        path = os.path.join(folder, str(uid))
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            os.close(fd)
            if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                continue
            raise
        try:  # the holder before us unlinks the file before it unlocks: ours must be the one
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same and uid not in ids_in_use():
            return Lease(uid, fd, path)
        os.close(fd)
    raise NoUid(f"no free uid in {FIRST_UID}..{FIRST_UID + COUNT} after {attempts} tries")


def tasks_of(uid: int) -> int:
    """How many processes and threads run as `uid` (what RLIMIT_NPROC counts against it)."""
    count = 0
    for name in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{name}/status", "rb") as status:
                fields = dict(line.split(b":", 1) for line in status if b":" in line)
            if int(fields[b"Uid"].split()[0]) == uid:
                count += int(fields[b"Threads"])
        except (OSError, ValueError, KeyError):
            continue
    return count


def process_limit(limit: int, own_uid: bool) -> int:
    """RLIMIT_NPROC for a worker allowed `limit` processes and threads. The kernel counts every
    task of the real uid: under a uid of its own that is the worker's alone; under the grading
    user's (bwrap or Landlock, not root) the user's other processes count too, so the limit is
    what runs now plus `limit` (a flood then takes at most `limit` more tasks from the user)."""
    if own_uid:
        return limit
    hard = resource.getrlimit(resource.RLIMIT_NPROC)[1]
    wanted = tasks_of(os.getuid()) + limit
    return wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)


def problem() -> tuple[str, dict] | None:
    """The catalog key and fields of what keeps the worker from running under a uid of its own
    here, or None: grade must be root on Linux, and the leased uid must be able to start this
    Python and import numpy (a Python installed under /root, mode 0700, cannot be)."""
    import subprocess
    import sys
    from .sandbox import PYTHON
    if not sys.platform.startswith("linux"):
        return "sandbox.uid_not_linux", {"platform": sys.platform}
    if os.geteuid() != 0:
        return "sandbox.uid_not_root", {"uid": os.geteuid()}
    try:
        held = lease()
    except (NoUid, OSError) as error:
        return "sandbox.no_uid", {"detail": error}
    try:
        done = subprocess.run([PYTHON, "-I", "-c", "import numpy"], capture_output=True,
                              timeout=30, cwd="/", env={"PATH": os.defpath},
                              preexec_fn=held.drop)
    except (OSError, subprocess.SubprocessError) as error:
        return "sandbox.uid_cannot_run", {"detail": error}
    finally:
        held.release()
    if done.returncode != 0:
        detail = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["-"]
        return "sandbox.uid_cannot_run", {"detail": detail[0]}
    return None
