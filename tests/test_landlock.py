"""grader/judge/landlock.py on the real kernel: a child restricted between fork and exec reads
only what it was given, writes only its scratch folder, reaches no TCP port, and cannot signal
or reach the abstract sockets of the processes outside it. Each child reports what each attempt
did (the errno's name, or "ok") as one JSON line; every denial is paired with the same attempt
allowed, so a test fails when the restriction is missing as well as when it is too wide."""
import json
import os
import signal
import socket
import subprocess

import pytest

from grader.judge import landlock, sandbox

pytestmark = pytest.mark.skipif(landlock.abi_version() == 0,
                                reason="the kernel has no Landlock (ABI 0)")
needs_abi = {n: pytest.mark.skipif(landlock.abi_version() < n, reason=f"needs Landlock ABI {n}, "
                                   f"the kernel has {landlock.abi_version()}") for n in (4, 6)}

PYTHON_READ = sandbox._python_dirs() + landlock.python_read_paths()
# Prepended to each child's code: attempt() runs one action and says what became of it.
PRELUDE = """
import errno, json, os, signal, socket, sys
def attempt(action):
    try:
        action()
        return "ok"
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))
def read(path):
    with open(path, "rb") as f:
        f.read(1)
def write(path):
    with open(path, "w") as f:
        f.write("x")
"""


def run_restricted(code: str, *args: str, read_only=(), read_write=(), **options) -> dict:
    """`code` in a new `python -I`, restricted in preexec_fn as the worker's start will be; its
    last stdout line, as JSON."""
    def restrict():
        landlock.restrict(PYTHON_READ + list(read_only), list(read_write), **options)
    proc = subprocess.run([sandbox.PYTHON, "-I", "-c", PRELUDE + code, *args],
                          preexec_fn=restrict, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def test_the_running_kernel_says_its_abi():
    assert landlock.abi_version() >= 1


def test_each_abi_level_handles_only_the_rights_it_knows():
    assert landlock._fs_handled(1) == (1 << 13) - 1
    assert landlock._fs_handled(2) == landlock._fs_handled(1) | landlock.FS_REFER
    assert landlock._fs_handled(4) == landlock._fs_handled(2) | landlock.FS_TRUNCATE
    assert landlock._fs_handled(7) == landlock._fs_handled(4) | landlock.FS_IOCTL_DEV


def test_no_landlock_raises_unavailable_with_the_reason(monkeypatch):
    monkeypatch.setattr(landlock, "_abi", 0)  # ABI 0 cannot be had for real on this kernel
    with pytest.raises(landlock.Unavailable, match="ABI 0"):
        landlock.restrict([], [])


def test_reads_only_what_was_given_and_writes_only_the_scratch_folder(tmp_path):
    given, scratch, sibling = tmp_path / "given", tmp_path / "scratch", tmp_path / "sibling"
    for folder in (given, scratch, sibling):
        folder.mkdir()
        (folder / "f.txt").write_text("secret")
    (scratch / "old").mkdir()
    outcome = run_restricted("""
given, scratch, sibling = sys.argv[1:4]
print(json.dumps({
    "passwd": attempt(lambda: read("/etc/passwd")),
    "sibling": attempt(lambda: read(sibling + "/f.txt")),
    "list sibling": attempt(lambda: os.listdir(sibling)),
    "given": attempt(lambda: read(given + "/f.txt")),
    "list given": attempt(lambda: os.listdir(given)),
    "write given": attempt(lambda: write(given + "/f.txt")),
    "create in given": attempt(lambda: write(given + "/new.txt")),
    "remove in given": attempt(lambda: os.unlink(given + "/f.txt")),
    "write scratch": attempt(lambda: write(scratch + "/f.txt")),
    "create in scratch": attempt(lambda: write(scratch + "/new.txt")),
    "rename in scratch": attempt(lambda: os.rename(scratch + "/new.txt", scratch + "/renamed")),
    "move in scratch": attempt(lambda: os.rename(scratch + "/renamed", scratch + "/old/moved")),
    "mkdir in scratch": attempt(lambda: os.mkdir(scratch + "/d")),
    "rmdir in scratch": attempt(lambda: os.rmdir(scratch + "/d")),
    "remove in scratch": attempt(lambda: os.unlink(scratch + "/f.txt")),
    "create in /tmp": attempt(lambda: write("/tmp/dlfs-landlock-test-%d" % os.getpid())),
}))
""", str(given), str(scratch), str(sibling), read_only=[str(given)], read_write=[str(scratch)])
    refer = landlock.abi_version() >= 2  # below, moving into another folder is always refused
    assert outcome == {
        "passwd": "EACCES", "sibling": "EACCES", "list sibling": "EACCES",
        "given": "ok", "list given": "ok",
        "write given": "EACCES", "create in given": "EACCES", "remove in given": "EACCES",
        "write scratch": "ok", "create in scratch": "ok",
        "rename in scratch": "ok", "move in scratch": "ok" if refer else "EXDEV",
        "mkdir in scratch": "ok", "rmdir in scratch": "ok", "remove in scratch": "ok",
        "create in /tmp": "EACCES"}
    assert (given / "f.txt").read_text() == "secret" and not (given / "new.txt").exists()
    assert sorted(p.name for p in scratch.iterdir()) == (["old"] if refer else ["old", "renamed"])
    assert (scratch / "old" / "moved").exists() == refer


def test_a_single_file_can_be_given_without_its_folder(tmp_path):
    (tmp_path / "given.txt").write_text("a")
    (tmp_path / "beside.txt").write_text("b")
    outcome = run_restricted("""
folder = sys.argv[1]
print(json.dumps([attempt(lambda: read(folder + "/given.txt")),
                  attempt(lambda: read(folder + "/beside.txt"))]))
""", str(tmp_path), read_only=[str(tmp_path / "given.txt"), str(tmp_path / "missing")])
    assert outcome == ["ok", "EACCES"]


def test_numpy_runs_with_python_read_paths_and_the_installation():
    outcome = run_restricted("""
import numpy as np
rng = np.random.default_rng()
print(json.dumps({"dot": float(np.ones(3) @ np.ones(3)),
                  "inv": float(np.linalg.inv(np.eye(50)).sum()),
                  "random": bool(0 <= rng.random() < 1), "cpus": os.cpu_count()}))
""")
    assert outcome == {"dot": 3.0, "inv": 50.0, "random": True, "cpus": os.cpu_count()}


@pytest.fixture
def tcp_listener():
    server = socket.create_server(("127.0.0.1", 0))
    yield server.getsockname()[1]
    server.close()


CONNECT = """
port = int(sys.argv[1])
def connect():
    with socket.create_connection(("127.0.0.1", port), timeout=30):
        pass
def bind():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
print(json.dumps({"connect": attempt(connect), "bind": attempt(bind)}))
"""


@needs_abi[4]
def test_deny_tcp_refuses_every_connect_and_bind(tcp_listener):
    assert run_restricted(CONNECT, str(tcp_listener)) == {"connect": "EACCES", "bind": "EACCES"}


def test_without_deny_tcp_the_same_connect_and_bind_work(tcp_listener):
    assert run_restricted(CONNECT, str(tcp_listener), deny_tcp=False) == {
        "connect": "ok", "bind": "ok"}


SIGNALS = """
parent = int(sys.argv[1])
child = os.fork()
if child == 0:
    signal.pause()  # a process of the child's own domain, to be killed from it
    os._exit(0)
outcome = {"parent, 0": attempt(lambda: os.kill(parent, 0)),
           "parent, SIGUSR1": attempt(lambda: os.kill(parent, signal.SIGUSR1)),
           "own child": attempt(lambda: os.kill(child, signal.SIGKILL))}
os.waitpid(child, 0)
def reach(name):
    with socket.socket(socket.AF_UNIX) as s:
        s.connect("\\0" + name)
outcome["parent's abstract socket"] = attempt(lambda: reach(sys.argv[2]))
own = socket.socket(socket.AF_UNIX)
own.bind("\\0" + sys.argv[2] + "-own")
own.listen()
outcome["own abstract socket"] = attempt(lambda: reach(sys.argv[2] + "-own"))
print(json.dumps(outcome))
"""


@pytest.fixture
def parent_outside():
    """This process as the restricted child's parent: it counts SIGUSR1 and listens on an
    abstract unix socket."""
    received = []
    previous = signal.signal(signal.SIGUSR1, lambda *_: received.append(1))
    name = f"dlfs-landlock-test-{os.getpid()}"
    listener = socket.socket(socket.AF_UNIX)
    listener.bind("\0" + name)
    listener.listen()
    yield name, received
    listener.close()
    signal.signal(signal.SIGUSR1, previous)


@needs_abi[6]
def test_scope_keeps_signals_and_abstract_sockets_inside(parent_outside):
    name, received = parent_outside
    assert run_restricted(SIGNALS, str(os.getpid()), name) == {
        "parent, 0": "EPERM", "parent, SIGUSR1": "EPERM", "own child": "ok",
        "parent's abstract socket": "EPERM", "own abstract socket": "ok"}
    assert received == []


def test_without_scope_the_parent_is_reached(parent_outside):
    name, received = parent_outside
    assert run_restricted(SIGNALS, str(os.getpid()), name, scope=False) == {
        "parent, 0": "ok", "parent, SIGUSR1": "ok", "own child": "ok",
        "parent's abstract socket": "ok", "own abstract socket": "ok"}
    assert received == [1]


def test_a_process_restricting_itself_is_told_the_layers_applied():
    code = """
import ctypes
from grader.judge import landlock
layers = landlock.restrict(landlock.python_read_paths(), [], deny_tcp=sys.argv[1] == "1",
                           scope=sys.argv[2] == "1")
no_new_privs = ctypes.CDLL(None).prctl(39, 0, 0, 0, 0)  # PR_GET_NO_NEW_PRIVS
print(json.dumps({"layers": layers, "no_new_privs": no_new_privs,
                  "passwd": attempt(lambda: read("/etc/passwd"))}))
"""
    abi = landlock.abi_version()
    results = {}
    for tcp, scope in (("1", "1"), ("0", "0")):
        proc = subprocess.run([sandbox.PYTHON, "-I", "-c", PRELUDE + code, tcp, scope],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        results[tcp + scope] = json.loads(proc.stdout.splitlines()[-1])
    assert results["11"]["layers"] == ["landlock-fs"] + ["landlock-tcp"] * (abi >= 4) + [
        "landlock-scope"] * (abi >= 6)
    assert results["00"]["layers"] == ["landlock-fs"]
    assert results["11"]["passwd"] == results["00"]["passwd"] == "EACCES"
    assert results["11"]["no_new_privs"] == results["00"]["no_new_privs"] == 1


def test_another_process_memory_cannot_be_opened_even_with_proc_readable():
    # Landlock refuses ptrace-level access to processes outside the domain at every ABI; the
    # same open without the restriction succeeds (this process is the child's parent, same uid).
    code = """
def open_mem():
    os.close(os.open("/proc/%s/mem" % sys.argv[1], os.O_RDONLY))
print(json.dumps(attempt(open_mem)))
"""
    assert run_restricted(code, str(os.getpid()), read_only=["/proc"]) == "EACCES"
    unrestricted = subprocess.run([sandbox.PYTHON, "-I", "-c", PRELUDE + code, str(os.getpid())],
                                  capture_output=True, text=True, timeout=120)
    assert json.loads(unrestricted.stdout) == "ok", unrestricted.stderr
