"""Nothing outlives a run: a 2,500-deep chain of processes started by a submission is gone when
`grade` returns (in every mode), and a judge killed mid-run leaves no scratch
folder behind. The processes and folders are real; each is found by what names it."""
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from submissions import EXERCISES, ROOT, by_id, grade_json, patched_submission, read_fixture, \
    worker_processes

from grader.judge.sandbox import bwrap_problem, landlock_problem, uids_problem

HOSTILE = Path(__file__).parent / "hostile"
MODES = [pytest.param("none", id="unconfined"),
         pytest.param("bwrap", id="bwrap", marks=pytest.mark.skipif(
             bool(bwrap_problem()), reason="bubblewrap cannot run here")),
         pytest.param("uid", id="uid", marks=pytest.mark.skipif(
             bool(uids_problem()), reason="needs a uid of the worker's own (root)")),
         # Landlock hides /proc from the zygote: the judge's kill of the whole tree must do it.
         pytest.param("landlock", id="landlock", marks=pytest.mark.skipif(
             bool(landlock_problem()), reason="the kernel has no Landlock"))]


def command_lines() -> dict[int, list[str]]:
    found = {}
    for name in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{name}/cmdline", "rb") as cmdline:
                found[int(name)] = cmdline.read().decode(errors="replace").split("\0")
        except OSError:
            pass
    return found


def chain_processes() -> list[int]:
    """This test session's chain (tests/hostile/process_chain.py), by the marker in its argv."""
    marker = "dlfs-process-chain-" + os.environ.get("DLFS_WORKER_TAG", "")
    return [pid for pid, argv in command_lines().items() if marker in argv]


@pytest.mark.parametrize("mode", MODES)
def test_a_chain_of_processes_gains_nothing_and_none_outlives_grade(mode, tmp_path):
    fixture = read_fixture(HOSTILE / "process_chain.py")
    submission = patched_submission(tmp_path, {fixture["module"]: fixture["text"]},
                                    base=EXERCISES)
    running = set(worker_processes())
    assert not chain_processes()
    code, results = grade_json(submission, "softmax", "--timeout", "30", "--sandbox", mode)
    assert code == 0, results
    assert results["sandbox"] == mode
    assert by_id(results)["softmax"]["score"] == 0, results
    assert results["score"] == 0, results
    assert not chain_processes(), "a process of the chain outlived grade"
    assert not set(worker_processes()) - running, "a worker outlived grade"


SLEEPING_SOFTMAX = '''
def softmax(a):
    import time
    time.sleep(600)
'''


def _judge_of(grade: int) -> tuple[int, list[str]] | None:
    for pid, argv in command_lines().items():
        if "grader.judge.prestart" in argv and _parent(pid) == grade:
            return pid, argv
    return None


def _parent(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return int(stat.read().rsplit(b")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


@pytest.mark.parametrize("mode", MODES)
def test_a_judge_killed_mid_run_leaves_no_scratch_folder(mode, tmp_path):
    submission = patched_submission(tmp_path, {"ch03/softmax.py": SLEEPING_SOFTMAX},
                                    base=EXERCISES)
    running = set(worker_processes())
    grade = subprocess.Popen(
        [sys.executable, "-m", "grader.cli", "run", "--target", str(submission), "softmax",
         "--timeout", "300", "--sandbox", mode, "--format", "json",
         "--output", str(tmp_path / "results.json")],
        cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    judge = private = run_dir = None
    for _ in range(6000):  # until the worker runs the check, however loaded the machine is
        found = _judge_of(grade.pid)
        if found:
            judge, argv = found
            private = Path(argv[argv.index("-c") + 1]).parent  # its pytest.ini's folder
            folders = {match for pid in set(worker_processes()) - running
                       for match in re.findall(r"/[^'\"\0 ]*dlfs-worker-[^/'\"\0 ]+",
                                               "\0".join(command_lines().get(pid, [])))}
            if folders:
                (run_dir,) = folders
                break
        assert grade.poll() is None, grade.stderr.read().decode()
        time.sleep(0.05)
    assert run_dir is not None, "the worker never started"
    assert private.name.startswith("dlfs-judge-") and private.is_dir()
    assert Path(run_dir).parent == private, "the worker's run folder is not in grade's own"
    os.kill(judge, signal.SIGKILL)
    grade.wait(timeout=300)
    assert not private.exists(), f"{private} outlived the killed judge"
    assert not Path(run_dir).exists(), f"{run_dir} outlived the killed judge"
    assert not set(worker_processes()) - running, "a worker outlived the killed judge"
    assert grade.returncode in (0, 1, 2)  # a killed judge is the kit's own trouble: any verdict


SIGNALS = '''
def softmax(a):
    # Unconfined, the same user's: a signal to an ancestor found by its command line (grade
    # itself, or the judge).
    import os, signal, time
    pid = os.getppid()
    while pid > 1:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            if MARKER in cmdline.read():
                os.kill(pid, signal.SIGNUMBER)
                break
        with open(f"/proc/{pid}/stat") as stat:
            pid = int(stat.read().rsplit(")", 1)[1].split()[1])
    AFTERWARDS
'''
SIGNALS_GRADE = SIGNALS.replace("MARKER", 'b"grader.cli"').replace(
    "AFTERWARDS", "return np.zeros_like(np.asarray(a, dtype=float))")
SIGNALS_JUDGE = SIGNALS.replace("MARKER", 'b"grader.judge.prestart"').replace(
    "AFTERWARDS", "time.sleep(120)")


@pytest.mark.parametrize("name, status", [("SIGINT", 1), ("SIGTERM", 128 + signal.SIGTERM)])
def test_unconfined_a_signal_to_grade_ends_it_as_interrupted_never_as_a_kit_error(
        name, status, tmp_path):
    """What a worker of the same user can still do to grade (a limit the README states): end
    it as the user's own Ctrl-C or `kill` would, with nothing written; never exit status 2, and
    nothing is left running."""
    text = SIGNALS_GRADE.replace("SIGNUMBER", name)
    submission = patched_submission(tmp_path, {"ch03/softmax.py": text}, base=EXERCISES)
    running = set(worker_processes())
    done = subprocess.run(
        [sys.executable, "-m", "grader.cli", "run", "--target", str(submission), "softmax",
         "--timeout", "60", "--sandbox", "none", "--format", "json",
         "--output", str(tmp_path / "results.json")],
        cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600)
    assert done.returncode == status, done.stdout + done.stderr
    assert not (tmp_path / "results.json").exists()
    assert not set(worker_processes()) - running, "a worker outlived the interrupted grade"




@pytest.mark.parametrize("name", ["SIGKILL", "SIGSTOP"])
def test_unconfined_a_judge_killed_or_stopped_by_the_code_charges_the_run_not_the_kit(
        name, tmp_path):
    """Unconfined, the graded code can kill or stop the judge (a limit the README states):
    grade then charges every exercise of the run, with a message naming the signal, instead of
    ending as a kit error (exit 2); nothing is left running."""
    text = SIGNALS_JUDGE.replace("SIGNUMBER", name)
    submission = patched_submission(tmp_path, {"ch03/softmax.py": text})
    running = set(worker_processes())
    code, results = grade_json(submission, "softmax", "sigmoid", "--timeout", "200",
                               "--total-timeout", "5", "--sandbox", "none")
    assert code == 0, results  # graded (nothing passed), not a kit error
    for exercise in ("softmax", "sigmoid"):
        assert by_id(results)[exercise]["score"] == 0, results
        assert by_id(results)[exercise]["status"] == "error", results
        assert name in by_id(results)[exercise]["tests"][0]["message"], results
    assert not set(worker_processes()) - running, "a worker outlived grade"
    assert not chain_processes()
