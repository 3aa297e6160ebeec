"""The confinement ladder graded for real: bwrap, a uid of the worker's own (we run as root
here, as in a container), Landlock; what each stops, and that a check's files and processes do
not outlive it. The hostile corpus runs in uid mode too (tests/test_hostile.py)."""
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
from click.testing import CliRunner

from grader.cli import main
from grader.judge import landlock, sandbox, uids
from grader.judge.client import Worker
from submissions import ROOT, SOLUTIONS, by_id, grade_json, messages, patched_submission

needs_uid = pytest.mark.skipif(sandbox.uids_problem() is not None,
                               reason=f"needs a uid of the worker's own: {sandbox.uids_problem()}")
needs_bwrap = pytest.mark.skipif(sandbox.bwrap_problem() is not None,
                                 reason=f"needs bubblewrap: {sandbox.bwrap_problem()}")
CONFINED_MODES = [pytest.param("bwrap", marks=needs_bwrap), pytest.param("uid", marks=needs_uid)]


@pytest.fixture
def no_bwrap(monkeypatch, tmp_path):
    """A container without user namespaces, honestly: no bwrap on PATH."""
    monkeypatch.setenv("PATH", str(tmp_path / "bin") + ":/nonexistent")
    sandbox.bwrap_problem.cache_clear()
    yield
    sandbox.bwrap_problem.cache_clear()


# ---- what a worker under its own uid can and cannot do ------------------------------------------

PROBE = '''
def softmax(a):
    # Everything here must fail for softmax to be graded at all: each success is named.
    import os, signal, socket
    got = []
    me = (os.getuid(), os.getgid(), os.geteuid(), os.getegid())
    if 0 in me or os.getuid() == GRADER_UID or os.getgroups():
        got.append(f"ids {me} groups {os.getgroups()}")
    for path in READ:
        try:
            open(path, "rb").close()
            got.append("read " + path)
        except OSError:
            pass
    for folder in LIST:
        try:
            os.listdir(folder)
            got.append("listed " + folder)
        except OSError:
            pass
    here = os.path.dirname(os.path.abspath(__file__))
    run = os.path.dirname(os.path.dirname(here))  # its run folder, in the judge's own folder
    judge = os.path.dirname(run)
    for path in (os.path.join(judge, "judge.json"), os.path.join(judge, "judge.log")):
        try:
            open(path, "rb").close()
            got.append("read " + path)
        except OSError:
            pass
    for folder in WRITE + [here, run, judge]:
        try:
            with open(os.path.join(folder, "written-by-worker"), "w") as stream:
                stream.write("x")
            got.append("wrote in " + folder)
        except OSError:
            pass
    try:
        open(__file__, "a").close()
        got.append("opened its own copy to write")
    except OSError:
        pass
    for pid in PARENTS:
        try:
            os.kill(pid, 0)
            got.append(f"may signal {pid}")
        except PermissionError:
            pass
    if TCP_REFUSED:  # TCP is Landlock's to refuse (ABI 4): the uid alone leaves it open
        try:
            socket.create_connection(("127.0.0.1", PORT), timeout=5).close()
            got.append("connected")
        except OSError:
            pass
    scratch = os.environ["TMPDIR"]
    with open(os.path.join(scratch, "mine"), "w") as stream:  # its scratch folder is writable
        stream.write("ok")
    if got:
        raise RuntimeError("; ".join(got))
    e = np.exp(a - np.max(a, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)
'''


@needs_uid
def test_a_worker_of_its_own_uid_reads_no_secret_writes_nothing_and_signals_no_parent(tmp_path):
    from data.cache import kit_cache_root
    other = Worker(patched_submission(tmp_path / "other", {}), "uid")  # another submission
    listener = socket.create_server(("127.0.0.1", 0))
    try:
        other.start()
        cache = kit_cache_root()
        cache.mkdir(parents=True, exist_ok=True)
        (cache / "secret.txt").write_text("cache")
        read = [str(SOLUTIONS / "ch03" / "softmax.py"),
                str(ROOT / "grader" / "hidden" / "ch03" / "test_softmax.py"),
                str(cache / "secret.txt"), str(other.run_dir / "student" / "ch03" / "softmax.py"),
                str(other.output_path), "/etc/shadow"]
        listing = [str(SOLUTIONS), str(ROOT / "grader" / "hidden"), str(cache),
                   str(other.run_dir), str(other.run_dir / "tmp")]
        write = [str(ROOT / "grader"), str(ROOT / "exercises"), str(other.run_dir / "tmp"),
                 str(tmp_path)]
        parents = [os.getpid(), os.getppid()]  # grade (this test process) and what started it
        text = (f"GRADER_UID = {os.getuid()}\nREAD = {read!r}\nLIST = {listing!r}\n"
                f"WRITE = {write!r}\nPARENTS = {parents!r}\n"
                f"PORT = {listener.getsockname()[1]}\n"
                f"TCP_REFUSED = {landlock.abi_version() >= 4}\n" + PROBE)
        submission = patched_submission(tmp_path, {"ch03/softmax.py": text})
        code, results = grade_json(submission, "softmax", "--sandbox", "uid")
    finally:
        listener.close()
        other.close()
    assert code == 0, results
    assert results["sandbox"] == "uid" and results["sandbox_layers"][:3] == [
        "uid", "rlimits", "rlimit-nproc"], results
    softmax = by_id(results)["softmax"]
    assert softmax["status"] == "passed", messages(softmax)
    assert not list(ROOT.rglob("written-by-worker")) and not list(
        tmp_path.rglob("written-by-worker"))


@needs_uid
def test_without_landlock_the_uid_alone_still_keeps_the_secrets(tmp_path, monkeypatch):
    """The uid is a layer of its own: with Landlock off (as on a kernel without it), a process
    started as the worker is (confine.preparation) still cannot read the kit's secrets or
    another run's submission, or write the kit: modes, not rules."""
    from grader.judge import confine, landlock
    from grader.judge.client import _limit_resources
    monkeypatch.setattr(landlock, "_abi", 0)
    other = Worker(patched_submission(tmp_path / "other", {}), "uid")
    lease = uids.lease()
    try:
        run_dir = Path(other.run_dir)  # laid out as a run folder, handed over to the new uid
        ours = tmp_path / "ours"
        (ours / "tmp").mkdir(parents=True)
        (ours / "lib").mkdir()
        (ours / "student").mkdir()
        confine.hand_over(ours, lease)
        told, tell = os.pipe()
        prepare = confine.preparation("uid", lease, ours, str(ours / "tmp"), tell,
                                      _limit_resources)
        tmp_path.chmod(0o755)
        secrets = [SOLUTIONS / "ch03" / "softmax.py",
                   ROOT / "grader" / "hidden" / "ch03" / "test_softmax.py",
                   run_dir / "student" / "ch03" / "softmax.py", run_dir / "output.txt"]
        probe = ("import os, sys\nfor p in sys.argv[1:]:\n"
                 "    try:\n        open(p, 'rb').close(); print('read', p)\n"
                 "    except OSError: pass\n"
                 f"for d in {[str(ROOT / 'grader'), str(run_dir / 'tmp')]!r}:\n"
                 "    try:\n        open(os.path.join(d, 'w-by-worker'), 'w').close();"
                 " print('wrote', d)\n    except OSError: pass\n"
                 "print('uid', os.getuid())\n")
        done = subprocess.run([sys.executable, "-I", "-c", probe, *map(str, secrets)],
                              capture_output=True, text=True, cwd=ours / "tmp",
                              preexec_fn=prepare, pass_fds=(tell,), timeout=60)
        os.close(tell)
        with os.fdopen(told, "rb") as said:
            layers = confine.layers_told(said.read(), "uid")
    finally:
        lease.release()
        other.close()
    assert done.stdout.split() == ["uid", str(lease.uid)], done.stdout + done.stderr
    assert layers == ["uid", "rlimits", "rlimit-nproc"]


@needs_uid
def test_two_workers_at_once_never_share_a_uid_and_none_is_left_running(tmp_path):
    submission = patched_submission(tmp_path, {})
    workers = [Worker(submission, "uid") for _ in range(3)]
    try:
        held = {w.lease.uid for w in workers}
        assert len(held) == 3 and not held & {0, os.getuid()}
        for worker in workers:
            worker.start()
        assert all(uids.tasks_of(uid) for uid in held)
    finally:
        for worker in workers:
            worker.close()
    assert not any(uids.tasks_of(uid) for uid in held)


# ---- a check's files, and tmpfs sizes ----------------------------------------------------------

CARRY = '''
def sigmoid(x):
    # Leaves a file (in a folder it then makes unwritable) in its scratch folder for the next
    # check to find: each check is a process of its own, named in the file.
    import os
    scratch = os.environ["TMPDIR"]
    for folder in [scratch] + (["/dev/shm"] if MODE == "bwrap" else []):  # bwrap's own shm
        for name in os.listdir(folder):
            if name.startswith("left-by-") and name != f"left-by-{os.getpid()}":
                raise RuntimeError(f"a file of an earlier check is still here: {name}")
        kept = os.path.join(folder, f"left-by-{os.getpid()}")
        os.makedirs(os.path.join(kept, "inner"), exist_ok=True)
        open(os.path.join(kept, "inner", "f"), "w").close()
        os.chmod(os.path.join(kept, "inner"), 0o500)
        os.chmod(kept, 0o500)
    return 1 / (1 + np.exp(-x))
'''


@pytest.mark.parametrize("mode", [*CONFINED_MODES, pytest.param("landlock", marks=pytest.mark.skipif(
    sandbox.landlock_problem() is not None, reason="the kernel has no Landlock")), "none"])
def test_files_a_check_writes_are_gone_before_the_next_check(mode, tmp_path):
    submission = patched_submission(tmp_path, {"ch03/activations.py":
                                               f"MODE = {mode!r}\n" + CARRY})
    code, results = grade_json(submission, "sigmoid", "--sandbox", mode)
    assert code == 0, results
    sigmoid = by_id(results)["sigmoid"]
    assert len(sigmoid["tests"]) > 1 and sigmoid["status"] == "passed", messages(sigmoid)


FILL = '''
def softmax(a):
    # 3 GB into /tmp (and /dev/shm) under a 2 GiB memory limit: tmpfs pages are not counted by
    # RLIMIT_AS, so only the tmpfs size can stop it.
    # Files of 32 MB each, under the worker's 64 MB limit on a file's size.
    import os
    chunk = b"x" * (32 << 20)
    for folder in ("/tmp", "/dev/shm"):
        for number in range(96):
            with open(os.path.join(folder, f"fill-{number}"), "wb") as stream:
                stream.write(chunk)
    return np.zeros_like(np.asarray(a, dtype=float))
'''


@needs_bwrap
def test_the_sandboxs_tmp_is_a_sized_tmpfs_that_a_big_write_cannot_pass(tmp_path, monkeypatch):
    monkeypatch.setenv("DLFS_MEMORY_LIMIT_GIB", "2")
    submission = patched_submission(tmp_path, {"ch03/softmax.py": FILL})
    code, results = grade_json(submission, "softmax", "sigmoid", "--sandbox", "bwrap",
                               "--timeout", "60")
    assert code == 0, results
    softmax = by_id(results)["softmax"]
    assert softmax["status"] == "error" and "No space left on device" in messages(softmax), \
        messages(softmax)
    assert by_id(results)["sigmoid"]["status"] == "passed"


def test_bwraps_tmp_and_dev_shm_have_the_documented_size():
    command = sandbox.bwrap_command(["python"])
    size = str(sandbox.DEFAULT_TMPFS_MIB * 2**20)
    for folder in ("/tmp", "/dev/shm"):
        at = command.index(folder, command.index("--tmpfs"))
        assert command[at - 3:at] == ["--size", size, "--tmpfs"], command
    assert command.index("/dev/shm") > command.index("--dev")  # on the fresh /dev, not under


@needs_bwrap
def test_bwrap_started_by_root_runs_under_a_uid_of_its_own_so_the_process_limit_holds(tmp_path):
    if os.geteuid() != 0 or sandbox.uids_problem():
        pytest.skip("the kernel lets uid 0 past RLIMIT_NPROC; this is about grade run as root")
    code, results = grade_json(SOLUTIONS, "sigmoid", "--sandbox", "bwrap")
    assert code == 0 and results["sandbox_layers"][:4] == ["bwrap", "uid", "rlimits",
                                                           "rlimit-nproc"], results


# ---- the ladder ---------------------------------------------------------------------------------

@needs_uid
def test_as_root_without_bwrap_auto_takes_the_uid_mode_and_says_so_in_one_line(no_bwrap,
                                                                               tmp_path):
    output = tmp_path / "results.json"
    result = CliRunner().invoke(main, ["run", "sigmoid", "--target", str(SOLUTIONS), "--hidden",
                                       "--format", "json", "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert result.output.count("Grading is confined by a uid of its own, not by bubblewrap") \
        == 1 and "bwrap is not installed" in result.output
    results = json.loads(output.read_text())
    assert results["sandbox"] == "uid" and results["score"] == results["max_score"]
    assert results["sandbox_layers"][0] == "uid"


@needs_uid
def test_a_kit_error_results_file_records_the_sandbox_it_resolved(tmp_path, monkeypatch):
    monkeypatch.setenv("DLFS_MNIST_DIR", str(tmp_path / "nothing"))
    monkeypatch.setenv("DLFS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("DLFS_MNIST_MIRRORS", "http://127.0.0.1:9/mnist/")
    output = tmp_path / "results.json"
    result = CliRunner().invoke(main, ["run", "mnist_inference", "--target", str(SOLUTIONS),
                                       "--sandbox", "uid", "--format", "json",
                                       "--output", str(output)])
    assert result.exit_code == 2, result.output
    data = json.loads(output.read_text())
    assert data["kit_error"] and data["sandbox"] == "uid"


@needs_uid
def test_the_uid_mode_asked_for_without_root_refuses_saying_how(tmp_path):
    """grade itself run by an ordinary user (a leased uid): `--sandbox uid` is exit 2 with the
    fix; `auto` still grades, and so does `--sandbox landlock` where the kernel has it."""
    lease = uids.lease()
    home = Path(tempfile.mkdtemp(prefix="dlfs-tests-user-"))  # /tmp/pytest-of-root is 0700
    try:
        shutil.copytree(SOLUTIONS, home / "submission")  # the kit's own is root's alone now
        for path in [home, *home.rglob("*")]:
            os.chown(path, lease.uid, lease.gid)
        env = {"PATH": os.environ["PATH"], "HOME": str(home), "DLFS_LANG": "en",
               "DLFS_CACHE_DIR": str(home / "cache"), "DLFS_WORKER_TAG":
                   os.environ.get("DLFS_WORKER_TAG", "")}
        grade = [sys.executable, "-m", "grader.cli", "run", "sigmoid", "--target",
                 str(home / "submission")]
        refused = subprocess.run([*grade, "--sandbox", "uid"], env=env, cwd=home,
                                 capture_output=True, text=True, preexec_fn=lease.drop,
                                 timeout=300)
        graded = subprocess.run(grade, env=env, cwd=home, capture_output=True, text=True,
                                preexec_fn=lease.drop, timeout=300)
        landlocked = subprocess.run([*grade, "--sandbox", "landlock", "--format", "json"],
                                    env=env, cwd=home, capture_output=True, text=True,
                                    preexec_fn=lease.drop, timeout=300)
    finally:
        lease.release()
        shutil.rmtree(home, ignore_errors=True)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "needs grade to run as root" in refused.stderr and "--sandbox auto" in refused.stderr
    assert graded.returncode == 0, graded.stdout + graded.stderr
    assert "4/4" in graded.stdout
    if sandbox.landlock_problem() is None:  # Landlock alone, for a user who is not root
        assert landlocked.returncode == 0, landlocked.stdout + landlocked.stderr
        results = json.loads(landlocked.stdout)
        assert results["sandbox"] == "landlock" and results["score"] == 4
        assert "uid" not in results["sandbox_layers"] and "landlock-fs" in \
            results["sandbox_layers"]


# ---- a container without user namespaces, through Gradescope's run_autograder -------------------

@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("gradescope")
    result = CliRunner().invoke(main, ["release", str(where / "student"), "--no-verify-venv",
                                       "--gradescope", str(where / "autograder.zip")])
    assert result.exit_code == 0, result.output
    return where / "autograder.zip"


def _path_without_bwrap(folder: Path) -> str:
    """A PATH with every program of /usr/bin and /usr/sbin but bwrap, as in a container that
    never installed it."""
    folder.mkdir()
    for source in (Path("/usr/bin"), Path("/usr/sbin")):
        for program in source.iterdir():
            if program.name != "bwrap" and not (folder / program.name).exists():
                (folder / program.name).symlink_to(program)
    return str(folder)


@needs_uid
@pytest.mark.needs_mnist
@pytest.mark.slow  # every exercise and hidden check graded, as Gradescope does (about 100 s)
def test_a_process_chain_scores_nothing_through_run_autograder_as_root_without_bwrap(
        autograder_zip, tmp_path):
    """The issue's done-means: root, no usable bubblewrap, the Gradescope script; the stubs
    with a softmax that starts a 2,500-deep chain of processes whose bottom rewrites any
    report.json it finds with full marks: 0 points, and no process left."""
    from submissions import EXERCISES, read_fixture
    from test_gradescope import fake_root, zipped_solutions
    chain = read_fixture(Path(__file__).parent / "hostile" / "process_chain.py")["text"]
    stubs = patched_submission(tmp_path, {"ch03/softmax.py": chain}, base=EXERCISES)
    # /autograder is a folder every user may enter, unlike pytest's 0700 tmp_path: the worker's
    # uid must reach the venv in it (or uid mode is refused, and Landlock taken instead).
    where = Path(tempfile.mkdtemp(prefix="dlfs-tests-gs-"))
    where.chmod(0o755)
    try:
        root = fake_root(where, autograder_zip,
                         {"submission.zip": zipped_solutions(tmp_path, stubs)})
        _run_autograder_without_bwrap(root, tmp_path)
    finally:
        shutil.rmtree(where, ignore_errors=True)


def _run_autograder_without_bwrap(root: Path, tmp_path: Path) -> None:
    from submissions import worker_processes
    from test_gradescope import check_format
    running = set(worker_processes())
    env = {**os.environ, "DLFS_AUTOGRADER_ROOT": str(root),
           "PATH": _path_without_bwrap(tmp_path / "bin")}
    env.pop("PYTHONPATH", None)
    env.pop(sandbox.CHECKED_ENV, None)
    done = subprocess.run([str(root / "source" / "run_autograder")], cwd=root, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "confined by uid" in done.stdout, done.stdout
    data = json.loads((root / "results" / "results.json").read_text())
    check_format(data)
    assert data["score"] == 0 and data["tests"], data
    assert not set(worker_processes()) - running, "a process of the chain outlived grading"


SYSV = '''
MADE = []  # a fresh session per check imports this module anew


def softmax(a):
    # A System V shared memory segment, readable by every uid, made once by each check: one an
    # earlier check made must be gone (it would carry state, and hold memory past any limit).
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    if not MADE and libc.shmget(KEY, 1 << 20, 0o1000 | 0o2000 | 0o666) < 0:  # CREAT | EXCL
        raise RuntimeError(f"an earlier check's segment is still here (errno {ctypes.get_errno()})")
    MADE.append(KEY)
    e = np.exp(a - np.max(a, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)
'''


def _segments(key: int) -> list[str]:
    with open("/proc/sysvipc/shm") as table:
        return [line for line in table if line.split()[0] == str(key)]


@needs_uid
def test_system_v_ipc_a_check_makes_is_removed_after_it_and_after_the_run(tmp_path):
    import random
    key = random.randrange(1 << 20, 1 << 30)
    submission = patched_submission(tmp_path, {"ch03/softmax.py": f"KEY = {key}\n" + SYSV})
    code, results = grade_json(submission, "softmax", "--sandbox", "uid")
    assert code == 0, results
    softmax = by_id(results)["softmax"]
    assert len(softmax["tests"]) > 1 and softmax["status"] == "passed", messages(softmax)
    assert not _segments(key), "a segment the submission made outlived grade"
