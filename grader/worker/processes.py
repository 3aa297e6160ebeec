"""Which process is whose child, read from /proc (Linux; elsewhere nothing is found), and the
one way the kit kills what a submission started: a whole tree, or every process of a uid.

The zygote, the judge and grade use it to kill every process a session left behind (kill_tree,
kill_children, kill_uid), `grade batch` to kill a whole grading tree. It imports nothing of the
kit: the worker carries a copy."""
from __future__ import annotations

import os
import signal
import time

PR_SET_PDEATHSIG, PR_GET_DUMPABLE, PR_SET_DUMPABLE, PR_SET_CHILD_SUBREAPER = 1, 3, 4, 36


def prctl(option: int, value: int) -> int:
    """Linux's prctl (PR_*), where there is one: its result (PR_GET_*), -1 on failure or
    elsewhere."""
    try:
        import ctypes
        return ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)
    except (OSError, AttributeError):
        return -1


def parents() -> dict[int, int]:
    """Every visible process's parent: {pid: ppid}."""
    return {pid: row[0] for pid, row in _table().items()}


def children(of: int | None = None) -> set[int]:
    """The processes whose parent is `of` (default: this process)."""
    of = os.getpid() if of is None else of
    return {pid for pid, parent in parents().items() if parent == of}


def _table() -> dict[int, tuple[int, str, int]]:
    """Every visible process: {pid: (ppid, state, start time)}, read in one pass of /proc."""
    found = {}
    try:
        names = os.listdir("/proc")
    except OSError:
        return found
    for name in filter(str.isdigit, names):
        try:
            with open(f"/proc/{name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            found[int(name)] = (int(fields[1]), fields[0].decode(), int(fields[19]))
        except (OSError, IndexError, ValueError):
            continue
    return found


def _under(table: dict[int, tuple[int, str, int]], *roots: int) -> set[int]:
    by_parent: dict[int, list[int]] = {}
    for pid, (parent, _, _) in table.items():
        by_parent.setdefault(parent, []).append(pid)
    found, stack = set(), list(roots)
    while stack:
        for child in by_parent.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def _signal(pid: int, signum: int) -> bool:
    """Send signum; False if pid is out of our reach (another uid's setuid program)."""
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass
    except PermissionError:
        return False
    return True


def _reap(pid: int, flags: int, reaped: dict[int, int] | None) -> None:
    try:
        done, status = os.waitpid(pid, flags)
    except ChildProcessError:
        return
    if done and reaped is not None:
        reaped[done] = status


def kill_tree(root: int, include_root: bool = True,
              reaped: dict[int, int] | None = None) -> None:
    """SIGKILL every process under root (and root itself, unless include_root is False), however
    deep and however fast it forks, and reap those that are (or come back as) our children; their
    wait statuses go into `reaped` when given.

    Freeze, then kill: a SIGSTOPped process cannot fork (the kernel cancels a fork in progress
    once a signal is pending), so stopping every process found and scanning again until a scan
    finds none not stopped yet converges, even against a fork bomb: each scan only finds children
    forked before their parent was stopped. Only then does SIGKILL go to all of them at once,
    so no parent dies first and lets its children be reparented out of sight while they run.
    The whole is repeated until a scan finds nothing alive under root: a round that finds
    something kills it, so no deadline is needed. SIGSTOP stops a whole thread group; /proc
    lists thread groups, and a thread's child has the group's pid as its parent."""
    try:
        os.listdir("/proc")
    except OSError:  # elsewhere, or /proc out of reach (a worker under Landlock)
        _kill_blind(root, include_root, reaped)
        return
    me, beyond = os.getpid(), set()
    killed: dict[int, int] = {}  # pid: start time, of every process killed so far
    while True:
        frozen: dict[int, int] = {}  # pid: start time, so a reused pid is told apart
        table, grown = {}, True
        while grown:
            table = _table()
            # From the frozen ones too: a scan that could not read a process's own stat still
            # finds its children through it, never losing them when it dies.
            members = _under(table, root, *frozen) | (
                {root} if include_root and root in table else set())
            # Killed processes leave root's tree as their parents die: they come back to us if
            # we are their subreaper (ours to reap), and until they are zombies they are still
            # dying, which we wait for, so that on return they are gone.
            members |= {pid for pid, started in killed.items() if pid in table
                        and table[pid][2] == started
                        and (table[pid][0] == me or table[pid][1] not in "ZX")}
            grown = False
            for pid in members - beyond:
                parent, state, started = table[pid]
                if state in "ZX":
                    if parent == me:
                        _reap(pid, os.WNOHANG, reaped)
                elif frozen.get(pid) != started:
                    if _signal(pid, signal.SIGSTOP):
                        frozen[pid] = started
                        grown = True
                    else:
                        beyond.add(pid)
        if not frozen:
            return
        for pid in frozen:
            _signal(pid, signal.SIGKILL)
        for pid in frozen:
            if table.get(pid, (0,))[0] == me:
                _reap(pid, 0, reaped)  # SIGKILL cannot be ignored: this wait ends
        if frozen.items() <= killed.items():
            time.sleep(0.001)  # only processes still dying: let them become zombies
        killed.update(frozen)


def kill_children(keep: set[int] = frozenset()) -> None:
    """Kill every child of this process not in keep with all it started, and every orphan that
    comes back meanwhile (to a subreaper); reap them. Until none is left: each round kills whole
    trees (kill_tree), frozen first."""
    out_of_reach: set[int] = set()  # a setuid program's: nothing of ours can signal it
    while left := children() - set(keep) - out_of_reach:
        for pid in left:
            kill_tree(pid)
        out_of_reach |= left & children()


def _kill_blind(root: int, include_root: bool, reaped: dict[int, int] | None) -> None:
    """kill_tree where no process list can be read: root's process group (a session child's
    group is all it started that did not leave it; root is in it, include_root or not), and
    when root is this process, the zombies that came back to it."""
    me = os.getpid()
    if root != me:
        for kill in (os.killpg, os.kill) if include_root else (os.killpg,):
            try:
                kill(root, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if include_root:
            _reap(root, 0, reaped)
        return
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if not pid:
            return
        if reaped is not None:
            reaped[pid] = status


def uid_processes(uid: int) -> set[int]:
    """The live processes (not zombies) whose real uid is uid."""
    found = set()
    try:
        names = os.listdir("/proc")
    except OSError:
        return found
    for name in filter(str.isdigit, names):
        try:
            with open(f"/proc/{name}/status", "rb") as status:
                lines = dict(line.split(b":", 1) for line in status.read().splitlines()
                             if b":" in line)
            if int(lines[b"Uid"].split()[0]) == uid and lines[b"State"].split()[0] not in b"ZX":
                found.add(int(name))
        except (OSError, KeyError, IndexError, ValueError):
            continue
    return found


def kill_uid(uid: int, gid: int | None = None) -> None:
    """SIGKILL every process whose real uid is uid (run as root; uid is not ours).

    A process cannot leave its uid without privilege, so this is what a submission run under a
    uid of its own cannot outrun: a child of ours becomes that uid and sends kill(-1, SIGKILL),
    which reaches every process it may signal (all of that uid) but itself, until /proc shows
    none alive. kill(-1) walks the process list under the lock fork takes to add a child, so a
    fork bomb cannot add one behind it; the loop is for processes still dying. Zombies are left
    to their parents: they run nothing."""
    if uid == 0 or uid == os.getuid():
        raise ValueError(f"kill_uid({uid}) would kill its caller's own processes")
    child = os.fork()
    if child == 0:
        code = 1
        try:
            os.setgroups([])
            os.setresgid(*(3 * [uid if gid is None else gid]))
            os.setresuid(uid, uid, uid)
            me = os.getpid()
            while uid_processes(uid) - {me}:
                try:
                    os.kill(-1, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                time.sleep(0.001)
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(child, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise OSError(f"could not kill the processes of uid {uid} (status {status})")


# System V IPC objects outlive the processes that made them: a shared memory segment keeps its
# memory, whatever the memory limit of its maker, until it is removed.
_IPC = {"shm": ("shmid", "shmctl"), "msg": ("msqid", "msgctl"), "sem": ("semid", "semctl")}
IPC_RMID = 0


def remove_ipc(uid: int) -> int:
    """Remove every System V shared memory segment, message queue and semaphore set that `uid`
    owns or made (as root, for a uid of the worker's own); how many were removed."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    removed = 0
    for kind, (id_column, call) in _IPC.items():
        try:
            with open(f"/proc/sysvipc/{kind}") as table:
                header, *rows = [line.split() for line in table]
        except (OSError, ValueError):
            continue
        for row in rows:
            entry = dict(zip(header, row))
            try:
                if uid not in (int(entry["uid"]), int(entry["cuid"])):
                    continue
                ident = int(entry[id_column])
            except (KeyError, ValueError):
                continue
            args = (ident, 0, IPC_RMID) if kind == "sem" else (ident, IPC_RMID, None)
            if getattr(libc, call)(*args) == 0:
                removed += 1
    return removed
