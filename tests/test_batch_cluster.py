"""`grade batch --scheduler`: the same gradebook from a real Dask cluster of worker processes, a
row for every submission however the cluster fails, and workers of another kit refused."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

distributed = pytest.importorskip(
    "distributed", reason="needs Dask's distributed: pip install -e '.[test]' (or '.[cluster]')")
import psutil  # noqa: E402 (distributed's own dependency)
from click.testing import CliRunner  # noqa: E402
from distributed import Client, LocalCluster  # noqa: E402

from grader import manifest  # noqa: E402
from grader.cli import KIT_ROOT, main  # noqa: E402
from test_batch import IGNORE, common_submissions, zip_folder  # noqa: E402

# A check that imports the slow submission's activations waits this long: time to kill its worker.
SLOW = "\nimport time\ntime.sleep(8)\n"
WHERE = ("worker", "seconds", "target")  # what says where or how long: left out of comparisons


def cluster(**options) -> LocalCluster:
    return LocalCluster(n_workers=options.pop("n_workers", 2), threads_per_worker=1,
                        processes=True, dashboard_address=":0", **options)


def without_where(value):
    if isinstance(value, dict):
        return {k: without_where(v) for k, v in value.items() if k not in WHERE}
    if isinstance(value, list):
        return [without_where(v) for v in value]
    return value


def slow_folder(root: Path) -> Path:
    folder = root / "submissions"
    shutil.copytree(KIT_ROOT / "solutions", folder / "quick", ignore=IGNORE)
    shutil.copytree(KIT_ROOT / "solutions", folder / "slow", ignore=IGNORE)
    with open(folder / "slow" / "ch03" / "activations.py", "a") as module:
        module.write(SLOW)
    return folder


def start_batch(folder: Path, root: Path, address: str, *ids: str) -> subprocess.Popen:
    """`grade batch --scheduler` in a process of its own, so that the test can meanwhile
    break the cluster under it."""
    return subprocess.Popen(
        [sys.executable, "-m", "grader.cli", "batch", str(folder), *ids, "--scheduler", address,
         "--csv", str(root / "grades.csv"), "--json", str(root / "results.json")],
        cwd=KIT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_grading(client: Client, index: int, deadline: float = 300) -> tuple[str, int]:
    """The address and pid of the worker grading the index-th submission, once its `grade run`
    has started there."""
    give_up = time.monotonic() + deadline
    while time.monotonic() < give_up:
        for address, keys in client.processing().items():
            if any(str(k).startswith(f"dlfs-grade-{index}-") for k in keys):
                pid = client.run(os.getpid, workers=[address])[address]
                if any("grader.cli" in " ".join(p.cmdline())
                       for p in psutil.Process(pid).children(recursive=True)):
                    return address, pid
        time.sleep(0.2)
    raise AssertionError("the submission's grading never started on a worker")


@pytest.fixture(scope="module")
def same_folder(tmp_path_factory, mnist_dir):
    """The reference, the stubs, a zip, one that crashes on import and one with nothing to
    grade, batched locally and on a two-worker cluster."""
    root = tmp_path_factory.mktemp("cluster")
    folder = common_submissions(root / "submissions", "crashing",
                                "\n\nraise RuntimeError('broken on import')\n")
    runs = {}
    with cluster() as dask:
        workers = set(dask.scheduler_info["workers"])
        for how, extra in (("local", ["--jobs", "2"]), ("dask", ["--scheduler",
                                                                dask.scheduler_address])):
            result = CliRunner().invoke(main, ["batch", str(folder), "--skip-final", *extra,
                                               "--csv", str(root / f"{how}.csv"),
                                               "--json", str(root / f"{how}.json")])
            assert result.exit_code == 0, result.output
            runs[how] = {"csv": (root / f"{how}.csv").read_bytes(),
                         "json": json.loads((root / f"{how}.json").read_text()),
                         "result": result}
    return {**runs, "workers": workers}


def test_a_cluster_batch_writes_the_local_batchs_csv(same_folder):
    assert same_folder["dask"]["csv"] == same_folder["local"]["csv"]
    rows = same_folder["dask"]["csv"].decode("utf-8-sig").splitlines()
    assert [r.split(",")[0] for r in rows[1:]] == ["crashing", "nothing", "passing", "pristine",
                                                   "zipped"]
    assert "graded 4 of 5 submissions" in same_folder["dask"]["result"].stdout
    assert "[5/5]" in same_folder["dask"]["result"].stderr


def test_a_cluster_batch_writes_the_local_json_and_which_worker_graded_each_row(same_folder):
    local, dask = same_folder["local"]["json"], same_folder["dask"]["json"]
    assert without_where(dask) == without_where(local)
    graded = [e for e in dask if e["results"] is not None]
    assert len(graded) == 4 and {e["worker"] for e in graded} <= same_folder["workers"]
    assert all(e["seconds"] > 0 for e in graded)
    assert not any("worker" in e for e in local)


def test_a_worker_killed_mid_task_costs_no_row(tmp_path):
    folder = slow_folder(tmp_path)
    with cluster() as dask, Client(dask) as client:
        batch = start_batch(folder, tmp_path, dask.scheduler_address, "step_function")
        killed, pid = wait_for_grading(client, 1)  # slow: second in name order
        orphans = psutil.Process(pid).children(recursive=True)
        os.kill(pid, signal.SIGKILL)
        for process in orphans:  # its `grade run`, in a session of its own, outlives it
            try:
                process.kill()
            except psutil.NoSuchProcess:
                pass
        out, err = batch.communicate(timeout=600)
    assert batch.returncode == 0, out + err
    rows = (tmp_path / "grades.csv").read_text("utf-8-sig").splitlines()
    points = manifest.BY_ID["step_function"].points
    assert rows[1:] == [f"{name},{points},{points},{points},ok," for name in ("quick", "slow")]
    slow = [e for e in json.loads((tmp_path / "results.json").read_text())
            if e["submission"] == "slow"]
    assert len(slow) == 1 and slow[0]["worker"] != killed  # graded again elsewhere


def test_a_worker_of_another_kit_refuses_naming_both(tmp_path):
    # A real difference: the worker's manifest lacks the capstone, so its fingerprint differs.
    preload = tmp_path / "other_kit.py"
    preload.write_text("from grader import manifest\n"
                       "manifest.EXERCISES = manifest.EXERCISES[:-1]\n")
    folder = tmp_path / "submissions"
    shutil.copytree(KIT_ROOT / "solutions", folder / "passing", ignore=IGNORE)
    # and the cluster is found through the scheduler file it wrote, as dask-jobqueue's are
    address = tmp_path / "scheduler.json"
    with cluster(n_workers=1, preload=[str(preload)],
                 scheduler_kwargs={"scheduler_file": str(address)}) as dask:
        assert address.is_file()
        result = CliRunner().invoke(main, ["batch", str(folder), "step_function", "--scheduler",
                                           str(address), "--csv",
                                           str(tmp_path / "grades.csv")])
    assert result.exit_code == 0, result.output
    row = (tmp_path / "grades.csv").read_text("utf-8-sig").splitlines()[1].split(",", 5)
    points = manifest.BY_ID["step_function"].points
    assert row[:5] == ["passing", "0", "0", str(points), "error"], row
    note = row[5]
    ours = manifest.fingerprint()
    theirs = note.split("manifest ")[1].split(")")[0]
    assert theirs != ours and f"manifest {ours})" in note, note
    assert "is not the instructor's" in note and "same kit on every worker" in note


def test_a_lost_scheduler_keeps_the_rows_graded_and_notes_the_rest(tmp_path):
    folder = slow_folder(tmp_path)
    dask = cluster(n_workers=1)
    with Client(dask) as client:
        batch = start_batch(folder, tmp_path, dask.scheduler_address, "step_function")
        shown = [batch.stderr.readline()]  # one worker: quick first, then slow
        while shown[-1] and "[1/2] quick" not in shown[-1]:
            shown.append(batch.stderr.readline())
        wait_for_grading(client, 1)
    dask.close()  # while slow's `grade run` sleeps
    out, err = batch.communicate(timeout=600)
    err = "".join(shown) + err
    assert batch.returncode == 3, out + err
    assert "the Dask scheduler at" in err and "1 of 2 submissions were not graded" in err
    rows = (tmp_path / "grades.csv").read_text("utf-8-sig").splitlines()
    points = manifest.BY_ID["step_function"].points
    assert rows[1] == f"quick,{points},{points},{points},ok,"
    assert rows[2].startswith(f"slow,0,0,{points},error,not graded: the Dask scheduler at "), rows


def test_without_distributed_scheduler_names_the_extra(tmp_path):
    # The kit as installed without its cluster extra: distributed cannot be imported.
    code = ("import sys; sys.modules['distributed'] = None\n"
            "from grader.cli import main; main()")
    done = subprocess.run([sys.executable, "-c", code, "batch", str(tmp_path), "--scheduler",
                           "tcp://127.0.0.1:1", "--csv", str(tmp_path / "g.csv")],
                          cwd=KIT_ROOT, capture_output=True, text=True)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "pip install -e '.[cluster]'" in done.stderr
    assert not (tmp_path / "g.csv").exists()


def test_what_trains_the_capstone_is_told_from_the_files(tmp_path):
    from grader.instructor.cluster import pack, trains
    zip_folder(KIT_ROOT / "solutions", tmp_path / "zipped.zip", "exercises")
    (tmp_path / "packed.zip").write_bytes(pack(KIT_ROOT / "exercises"))
    half = tmp_path / "half"
    shutil.copytree(KIT_ROOT / "solutions", half, ignore=IGNORE)
    shutil.copy(KIT_ROOT / "exercises" / "ch04" / "train.py", half / "ch04" / "train.py")
    assert trains(KIT_ROOT / "solutions") and trains(tmp_path / "zipped.zip")
    assert not trains(KIT_ROOT / "exercises") and not trains(tmp_path / "packed.zip")
    assert not trains(half)  # its train() is still the stub
    (tmp_path / "broken.zip").write_bytes(b"not a zip")
    assert not trains(tmp_path / "broken.zip") and not trains(tmp_path / "absent.zip")


@pytest.mark.slow  # trains the capstone once
@pytest.mark.needs_mnist
def test_a_submission_that_trains_the_capstone_is_graded_first(tmp_path, mnist_dir):
    folder = tmp_path / "submissions"
    shutil.copytree(KIT_ROOT / "exercises", folder / "a-stubs", ignore=IGNORE)
    shutil.copytree(KIT_ROOT / "solutions", folder / "b-trains", ignore=IGNORE)
    with cluster(n_workers=1) as dask:  # one at a time: the order is the priority's
        result = CliRunner().invoke(main, ["batch", str(folder), "mnist_final", "--scheduler",
                                           dask.scheduler_address, "--json",
                                           str(tmp_path / "results.json")])
    assert result.exit_code == 0, result.output
    graded = {e["submission"]: e["results"]["exercises"][0]["status"]
              for e in json.loads((tmp_path / "results.json").read_text())}
    # b trained (how well, under this machine's load, is not this test's business); a could not
    assert graded["a-stubs"] == "not_started" and graded["b-trains"] not in (
        "not_started", "blocked"), graded
    shown = [line for line in result.stderr.splitlines() if line.startswith("[")]
    assert [line.split(":")[0] for line in shown] == ["[1/2] b-trains", "[2/2] a-stubs"], shown


@pytest.mark.parametrize("address", ["not-an-address", "scheduler.json"])
def test_a_scheduler_that_cannot_be_reached_is_a_message(tmp_path, address):
    (tmp_path / "scheduler.json").write_text("not the file a scheduler writes")
    (tmp_path / "submissions").mkdir()
    where = str(tmp_path / address) if address.endswith(".json") else address
    result = CliRunner().invoke(main, ["batch", str(tmp_path / "submissions"), "--scheduler",
                                       where, "--csv", str(tmp_path / "grades.csv")])
    assert result.exit_code == 1, result.output
    assert f"cannot reach the Dask scheduler at {where}" in result.output
    assert "tcp://host:port or its scheduler file" in result.output
