"""`--sandbox landlock`, graded for real by a user who is not root: the worker runs as that same
user, so file modes and uids stop nothing and only Landlock stands between the submission and
the user's own files, the network and the user's other processes (grade and the judge among them) (docs/security.md, the `landlock` column)."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from grader.judge import landlock, sandbox, uids
from submissions import SOLUTIONS

pytestmark = pytest.mark.skipif(
    sandbox.uids_problem() is not None or landlock.abi_version() < 6,
    reason="needs root (to become an ordinary user) and Landlock ABI 6 or newer")

PROBE = '''
def softmax(a):
    # Everything here is allowed by the file modes (the worker is the grading user itself):
    # each success is named, and softmax is graded at all only when every attempt fails.
    import os, socket
    got = []
    for path in READ:
        try:
            open(path, "rb").close()
            got.append("read " + path)
        except OSError:
            pass
    for folder in WRITE:
        try:
            open(os.path.join(folder, "written-by-worker"), "w").close()
            got.append("wrote in " + folder)
        except OSError:
            pass
    try:
        socket.create_connection(("127.0.0.1", PORT), timeout=5).close()
        got.append("connected")
    except OSError:
        pass
    for pid in OTHERS:
        try:
            os.kill(pid, 0)
            got.append(f"may signal {pid}")
        except OSError:
            pass
    if got:
        raise RuntimeError("; ".join(got))
    e = np.exp(a - np.max(a, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)
'''


def _graded_by_a_user(mode: str, probe_targets) -> tuple[subprocess.CompletedProcess, list]:
    """softmax with the probe, graded by an ordinary user (a leased uid) in `mode`. The probe's
    targets are the user's own: `probe_targets(home)` gives (READ, WRITE), each made and owned by
    the user; beside them a TCP listener and another process of the user's. Returns the run and
    what the worker left written."""
    lease = uids.lease()
    home = Path(tempfile.mkdtemp(prefix="dlfs-tests-landlock-"))
    listener = socket.create_server(("127.0.0.1", 0))
    # A process of the same user outside the worker's domain, as grade and the judge are.
    sleeper = subprocess.Popen(["sleep", "300"], preexec_fn=lease.drop)
    try:
        submission = home / "submission"
        shutil.copytree(SOLUTIONS, submission, ignore=shutil.ignore_patterns("__pycache__"))
        read, write = probe_targets(home)
        text = (f"READ = {read!r}\nWRITE = {write!r}\nPORT = {listener.getsockname()[1]}\n"
                f"OTHERS = [{sleeper.pid}]\n" + PROBE)
        with open(submission / "ch03" / "softmax.py", "a", encoding="utf-8") as module:
            module.write("\n\n" + text)
        for path in [home, *home.rglob("*")]:
            os.chown(path, lease.uid, lease.gid)
        env = {"PATH": os.environ["PATH"], "HOME": str(home), "DLFS_LANG": "en",
               "DLFS_CACHE_DIR": str(home / "cache"),
               "DLFS_WORKER_TAG": os.environ.get("DLFS_WORKER_TAG", "")}
        done = subprocess.run(
            [sys.executable, "-m", "grader.cli", "run", "softmax", "--target", str(submission),
             "--sandbox", mode, "--format", "json", "--timeout", "60"],
            env=env, cwd=home, capture_output=True, text=True, preexec_fn=lease.drop,
            timeout=300)
    finally:
        listener.close()
        sleeper.kill()
        sleeper.wait()
        lease.release()
        left = list(home.rglob("written-by-worker"))
        shutil.rmtree(home, ignore_errors=True)
    return done, left


def _users_own(home: Path) -> tuple[list[str], list[str]]:
    (home / "secret.txt").write_text("the user's own")
    (home / "cache" / "mnist").mkdir(parents=True)
    (home / "cache" / "mnist" / "labels.npy").write_text("cached")
    read = [str(home / "secret.txt"), str(home / "cache" / "mnist" / "labels.npy"),
            str(home / "submission" / "ch03" / "softmax.py")]  # the original, not its copy
    return read, [str(home), str(home / "cache")]


def _softmax(done: subprocess.CompletedProcess) -> tuple[dict, dict]:
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads(done.stdout)
    return results, next(e for e in results["exercises"] if e["id"] == "softmax")


def test_landlock_alone_keeps_the_users_own_files_network_and_processes_from_the_worker():
    done, left = _graded_by_a_user("landlock", _users_own)
    results, softmax = _softmax(done)
    assert results["sandbox"] == "landlock", results
    assert {"landlock-fs", "landlock-tcp", "landlock-scope"} <= set(results["sandbox_layers"])
    assert softmax["status"] == "passed", [t["message"] for t in softmax["tests"]]
    assert not left


def test_the_same_probe_unconfined_reaches_all_of_it():
    """The probe can fail: run by the same user with `--sandbox none`, it reads, writes,
    connects and may signal, so softmax errs naming each."""
    done, left = _graded_by_a_user("none", _users_own)
    _, softmax = _softmax(done)
    said = " ".join(t["message"] for t in softmax["tests"])
    for phrase in ("read ", "wrote in ", "connected", "may signal"):
        assert phrase in said, said
    assert left
