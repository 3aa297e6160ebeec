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


def test_landlock_alone_keeps_the_users_own_files_network_and_processes_from_the_worker():
    lease = uids.lease()
    home = Path(tempfile.mkdtemp(prefix="dlfs-tests-landlock-"))
    listener = socket.create_server(("127.0.0.1", 0))
    # A process of the same user outside the worker's domain, as grade and the judge are.
    sleeper = subprocess.Popen(["sleep", "300"], preexec_fn=lease.drop)
    try:
        submission = home / "submission"
        shutil.copytree(SOLUTIONS, submission, ignore=shutil.ignore_patterns("__pycache__"))
        secret = home / "secret.txt"
        secret.write_text("the user's own")
        cache = home / "cache"
        (cache / "mnist").mkdir(parents=True)
        (cache / "mnist" / "labels.npy").write_text("cached")
        read = [str(secret), str(cache / "mnist" / "labels.npy"),
                str(submission / "ch03" / "softmax.py")]  # the original, not the worker's copy
        write = [str(home), str(cache)]
        text = (f"READ = {read!r}\nWRITE = {write!r}\nPORT = {listener.getsockname()[1]}\n"
                f"OTHERS = [{sleeper.pid}]\n" + PROBE)
        with open(submission / "ch03" / "softmax.py", "a", encoding="utf-8") as module:
            module.write("\n\n" + text)
        for path in [home, *home.rglob("*")]:
            os.chown(path, lease.uid, lease.gid)
        env = {"PATH": os.environ["PATH"], "HOME": str(home), "DLFS_LANG": "en",
               "DLFS_CACHE_DIR": str(cache),
               "DLFS_WORKER_TAG": os.environ.get("DLFS_WORKER_TAG", "")}
        done = subprocess.run(
            [sys.executable, "-m", "grader.cli", "run", "softmax", "--target", str(submission),
             "--sandbox", "landlock", "--format", "json", "--timeout", "60"],
            env=env, cwd=home, capture_output=True, text=True, preexec_fn=lease.drop,
            timeout=300)
    finally:
        listener.close()
        sleeper.kill()
        sleeper.wait()
        lease.release()
        left = list(home.rglob("written-by-worker"))
        shutil.rmtree(home, ignore_errors=True)
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads(done.stdout)
    assert results["sandbox"] == "landlock", results
    assert {"landlock-fs", "landlock-tcp", "landlock-scope"} <= set(results["sandbox_layers"])
    softmax = next(e for e in results["exercises"] if e["id"] == "softmax")
    assert softmax["status"] == "passed", [t["message"] for t in softmax["tests"]]
    assert not left


def test_the_same_probe_unconfined_reaches_all_of_it(tmp_path):
    """The probe can fail: run by the same user with `--sandbox none`, it reads, writes,
    connects and may signal, so softmax errs naming each."""
    lease = uids.lease()
    home = Path(tempfile.mkdtemp(prefix="dlfs-tests-landlock-"))
    listener = socket.create_server(("127.0.0.1", 0))
    # A process of the same user outside the worker's domain, as grade and the judge are.
    sleeper = subprocess.Popen(["sleep", "300"], preexec_fn=lease.drop)
    try:
        submission = home / "submission"
        shutil.copytree(SOLUTIONS, submission, ignore=shutil.ignore_patterns("__pycache__"))
        (home / "secret.txt").write_text("the user's own")
        text = (f"READ = {[str(home / 'secret.txt')]!r}\nWRITE = {[str(home)]!r}\n"
                f"PORT = {listener.getsockname()[1]}\nOTHERS = [{sleeper.pid}]\n" + PROBE)
        with open(submission / "ch03" / "softmax.py", "a", encoding="utf-8") as module:
            module.write("\n\n" + text)
        for path in [home, *home.rglob("*")]:
            os.chown(path, lease.uid, lease.gid)
        env = {"PATH": os.environ["PATH"], "HOME": str(home), "DLFS_LANG": "en",
               "DLFS_CACHE_DIR": str(home / "cache"),
               "DLFS_WORKER_TAG": os.environ.get("DLFS_WORKER_TAG", "")}
        done = subprocess.run(
            [sys.executable, "-m", "grader.cli", "run", "softmax", "--target", str(submission),
             "--sandbox", "none", "--format", "json", "--timeout", "60"],
            env=env, cwd=home, capture_output=True, text=True, preexec_fn=lease.drop,
            timeout=300)
    finally:
        listener.close()
        sleeper.kill()
        sleeper.wait()
        lease.release()
        shutil.rmtree(home, ignore_errors=True)
    assert done.returncode == 0, done.stdout + done.stderr
    softmax = next(e for e in json.loads(done.stdout)["exercises"] if e["id"] == "softmax")
    said = " ".join(t["message"] for t in softmax["tests"])
    for phrase in ("read ", "wrote in ", "connected", "may signal"):
        assert phrase in said, said
