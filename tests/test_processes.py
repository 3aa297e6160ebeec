"""The kill primitives of grader/worker/processes.py, on real processes: a deep chain, a fork bomb
racing the scan, a setsid daemon that came back to a subreaper, and every process of a uid."""
import os
import subprocess
import sys
import textwrap
import time
import uuid

import pytest

from grader.worker.processes import PR_SET_DUMPABLE, kill_tree, kill_uid, prctl, uid_processes

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPARE_UID = 64917  # no account of this machine has it: the test's processes are its only ones


def marked(marker: str) -> set[int]:
    """Live processes whose command line carries marker (zombies have none)."""
    found = set()
    for name in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{name}/cmdline", "rb") as cmdline:
                if marker.encode() in cmdline.read():
                    found.add(int(name))
        except OSError:
            pass
    return found


def start(code: str, marker: str, **options) -> subprocess.Popen:
    """A Python process running code, its marker in argv (kept by every fork); it prints one
    line once its processes are started, or has started racing."""
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), marker],
                            stdout=subprocess.PIPE, text=True, **options)


def go_on(process: subprocess.Popen) -> None:
    """Let a started process go on to its next step (it waits for a line on stdin)."""
    process.stdin.write("\n")
    process.stdin.flush()


def wait_for(marker: str, count: int) -> None:
    for _ in range(3000):  # a count reached, not a time: the wait only gives load headroom
        if len(marked(marker)) >= count:
            return
        time.sleep(0.01)
    raise AssertionError(f"only {len(marked(marker))} of {count} processes started")


CHAIN = """
    import os, sys, time
    for depth in range(int(os.environ["DEPTH"])):
        if os.fork():  # the parent waits; the child goes one deeper
            os.wait()
            os._exit(0)
    print("bottom", flush=True)
    time.sleep(600)
"""


def test_a_deep_chain_is_killed_whole():
    marker = f"chain-{uuid.uuid4().hex}"
    process = start(CHAIN, marker, env={**os.environ, "DEPTH": "300"})
    assert process.stdout.readline() == "bottom\n"
    assert len(marked(marker)) == 301
    reaped = {}
    kill_tree(process.pid, reaped=reaped)
    assert not marked(marker)
    assert os.WTERMSIG(reaped[process.pid]) == 9  # reaped by kill_tree, which gives its status


FORK_BOMB = """
    import os, sys, time
    print("racing", flush=True)
    for depth in range(8):  # two children a generation, 511 processes when it has all forked
        if os.fork() and os.fork():
            break
    time.sleep(600)
"""


def test_a_fork_bomb_racing_the_scan_is_killed():
    marker = f"bomb-{uuid.uuid4().hex}"
    process = start(FORK_BOMB, marker)
    assert process.stdout.readline() == "racing\n"
    kill_tree(process.pid)  # while it forks
    assert not marked(marker)
    started = start(FORK_BOMB, marker)  # and once it has all forked
    wait_for(marker, 511)
    kill_tree(started.pid)
    assert not marked(marker)
    process.wait()
    started.wait()


DAEMON = """
    import ctypes, os, sys, time
    from grader.worker.processes import kill_tree
    ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER, as grade and the judge
    middle = os.fork()
    if middle == 0:
        os.setsid()
        if os.fork():
            os._exit(0)  # the daemon's parent leaves: it comes back to us, out of any tree
        os.kill(os.getpid(), 19)  # stopped, too: SIGKILL still ends it
        time.sleep(600)
    os.waitpid(middle, 0)  # by now the daemon is ours: orphans are adopted before the parent ends
    daemon = int(open("/proc/self/task/%d/children" % os.getpid()).read().split()[0])
    print(daemon, flush=True)
    sys.stdin.readline()
    kill_tree(os.getpid(), include_root=False)
    print("done", flush=True)
    time.sleep(600)
"""


def test_an_orphan_that_came_back_to_the_subreaper_is_killed():
    marker = f"daemon-{uuid.uuid4().hex}"
    process = start(DAEMON, marker, stdin=subprocess.PIPE, cwd=ROOT)
    daemon = int(process.stdout.readline())
    assert daemon in marked(marker)
    go_on(process)
    assert process.stdout.readline() == "done\n"
    assert marked(marker) == {process.pid}, "the daemon outlived kill_tree"
    assert not os.path.exists(f"/proc/{daemon}"), "the daemon was not reaped"
    kill_tree(process.pid)
    assert not marked(marker)


KEPT_AND_ORPHANED = """
    import ctypes, os, sys, time
    from grader.worker.processes import children, kill_children
    ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER, as grade and the judge
    kept = os.fork()
    if kept == 0:
        time.sleep(600)
    middle = os.fork()
    if middle == 0:  # a daemon whose parent leaves, with a chain of its own under it
        os.setsid()
        if os.fork():
            os._exit(0)
        for depth in range(20):
            if os.fork():
                time.sleep(600)
        time.sleep(600)
    os.waitpid(middle, 0)
    print(kept, flush=True)
    sys.stdin.readline()
    kill_children(keep={kept})
    print(" ".join(map(str, sorted(children()))), flush=True)
    time.sleep(600)
"""


def test_kill_children_kills_every_child_and_orphan_but_those_kept():
    marker = f"children-{uuid.uuid4().hex}"
    process = start(KEPT_AND_ORPHANED, marker, stdin=subprocess.PIPE, cwd=ROOT)
    kept = int(process.stdout.readline())
    wait_for(marker, 1 + 1 + 21)  # itself, the kept child, the daemon and its chain
    go_on(process)
    assert process.stdout.readline() == f"{kept}\n"  # the kept one is its only child left
    assert marked(marker) == {process.pid, kept}, "a child or an orphan outlived kill_children"
    kill_tree(process.pid)
    assert not marked(marker)


UID_PROCESSES = """
    import os, sys, time
    sys.stdout = os.fdopen(1, "w")
    if os.fork() == 0:  # a double-forked daemon in a session of its own
        os.setsid()
        if os.fork() == 0:
            time.sleep(600)
        os._exit(0)
    if os.fork() == 0:  # one that is stopped: SIGKILL still ends it
        os.kill(os.getpid(), 19)
        time.sleep(600)
    for depth in range(50):  # and a chain
        if os.fork():
            time.sleep(600)
    print("started", flush=True)
    time.sleep(600)
"""


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can start another uid's processes")
def test_kill_uid_leaves_no_process_of_that_uid():
    assert not uid_processes(SPARE_UID)
    read, write = os.pipe()
    child = os.fork()  # not an exec: that uid may not reach this Python (/root is 0700)
    if child == 0:
        try:
            os.close(read)
            os.setsid()
            os.setgroups([])
            os.setresgid(SPARE_UID, SPARE_UID, SPARE_UID)
            os.setresuid(SPARE_UID, SPARE_UID, SPARE_UID)
            os.dup2(write, 1)
            exec(textwrap.dedent(UID_PROCESSES), {})
        finally:
            os._exit(1)
    os.close(write)
    with os.fdopen(read) as started:
        assert started.readline() == "started\n"
    for _ in range(3000):  # a count reached, not a time: the wait only gives load headroom
        if len(uid_processes(SPARE_UID)) >= 53:
            break
        time.sleep(0.01)
    assert len(uid_processes(SPARE_UID)) >= 53
    kill_uid(SPARE_UID)
    assert not uid_processes(SPARE_UID)
    assert os.waitpid(child, 0)[1] == 9  # SIGKILL
    assert os.getuid() == 0  # the killing was done by a child: this process kept its uid


def test_kill_uid_refuses_its_callers_own_uid():
    with pytest.raises(ValueError):
        kill_uid(os.getuid())


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can start another uid's processes")
@pytest.mark.parametrize("dumpable", [1, 0])
def test_a_process_not_dumpable_keeps_its_pipes_from_another_of_its_uid(dumpable):
    """What grade and the judge rely on (PR_SET_DUMPABLE 0, runner.py, prestart.py): a process of
    the same uid cannot reopen their pipes through /proc/<pid>/fd (for writing, to forge the
    report). As two processes of a spare uid, not root, whom nothing stops."""
    read, write = os.pipe()
    child = os.fork()
    if child == 0:
        try:
            os.setgroups([])
            os.setresgid(SPARE_UID, SPARE_UID, SPARE_UID)
            os.setresuid(SPARE_UID, SPARE_UID, SPARE_UID)
            kept, _ = os.pipe()
            prctl(PR_SET_DUMPABLE, dumpable)  # after setuid, which resets it
            prober = os.fork()
            if prober == 0:
                try:
                    os.open(f"/proc/{os.getppid()}/fd/{kept}", os.O_WRONLY)
                    os.write(write, b"opened")
                except PermissionError:
                    os.write(write, b"refused")
                finally:
                    os._exit(0)
            os.waitpid(prober, 0)
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as said:
        result = said.read()
    os.waitpid(child, 0)
    assert result == (b"opened" if dumpable else b"refused")
