"""`grade batch --scheduler ADDRESS`: each submission graded as a task on an existing Dask cluster.

A task is the local batch's own per-submission function (Batch.grade_submission on a zip) run on a Dask
worker: the submission travels as bytes (its zip, or its folder zipped here, checked against the
batch's limits first), the worker extracts it with unzip.py and grades it with its own
`grade run`, and only the results JSON comes back. A worker whose kit is not the instructor's
(kit version or manifest fingerprint) refuses, naming both. Submissions that will train the
capstone are submitted first (a priority per task): the longest tasks start early. A worker that
dies mid-task has its task run again elsewhere (Dask's retries, bounded); a scheduler that goes
away leaves the rows graded so far and the rest noted as not graded (SchedulerLost, status 3)."""
from __future__ import annotations

import io
import os
import shutil
import tempfile
import time
import uuid
import zipfile
from collections import deque
from pathlib import Path

import click

from .. import manifest
from ..results import RunResult, kit_version
from .batch import Batch, _refuse_links, find_exercises
from .gradebook import Entry
from .unzip import MAX_MEMBERS, MAX_UNZIPPED_BYTES, SubmissionError

KIT_ROOT = Path(__file__).resolve().parent.parent.parent
# A task that raised (the worker's disk full, say) runs again at most this many more times; one
# whose worker died runs again elsewhere until the scheduler's allowed-failures (3) are spent.
RETRIES = 2
# What a trained exercise's scenario drives ("package.module:name"): the modules it trains from.
# While any of them is still a stub, grading it trains nothing.
TRAINS_FROM = tuple(dict.fromkeys(drive.split(":")[0].replace(".", "/") + ".py"
                                  for exercise in manifest.trained() for drive in exercise.drives))
NEEDS = "--scheduler needs Dask's distributed: pip install -e '.[cluster]'"


class SchedulerLost(click.ClickException):
    """The scheduler went away mid-batch; the files hold the rows graded before."""
    exit_code = 3


def kit() -> dict[str, str]:
    """What makes two kits grade alike: the kit's version and the manifest's fingerprint."""
    return {"kit_version": kit_version(), "fingerprint": manifest.fingerprint()}


def pack(submission: Path) -> bytes:
    """The submission as the bytes of a zip: a zip as it is, a folder's exercises zipped under
    exercises/. Refused here, as a local batch would, when it is more than a batch takes."""
    if not submission.is_dir():
        if submission.stat().st_size > MAX_UNZIPPED_BYTES:
            raise SubmissionError(f"the zip is more than {MAX_UNZIPPED_BYTES >> 20} MB")
        return submission.read_bytes()
    _refuse_links(submission)
    exercises = find_exercises(submission)
    files = [p for p in sorted(exercises.rglob("*"))
             if p.is_file() and "__pycache__" not in p.relative_to(exercises).parts]
    if len(files) > MAX_MEMBERS:
        raise SubmissionError(f"it holds {len(files)} files, more than {MAX_MEMBERS}")
    if sum(p.stat().st_size for p in files) > MAX_UNZIPPED_BYTES:
        raise SubmissionError(f"it holds more than {MAX_UNZIPPED_BYTES >> 20} MB")
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in files:
            bundle.write(path, "exercises/" + path.relative_to(exercises).as_posix())
    return stream.getvalue()


def trains(submission: Path) -> bool:
    """Whether grading this submission trains the capstone: both modules it trains from are
    there and neither is a stub still. A MB at most of each is read: the files are the
    student's."""
    found: dict[str, bytes] = {}
    try:
        if submission.is_dir():
            exercises = find_exercises(submission)
            for module in TRAINS_FROM:
                if (exercises / module).is_file() and not (exercises / module).is_symlink():
                    with open(exercises / module, "rb") as stream:
                        found[module] = stream.read(2**20)
        else:
            with zipfile.ZipFile(submission) as bundle:
                for info in bundle.infolist():
                    for module in TRAINS_FROM:
                        if info.filename == module or (info.filename.endswith("/" + module)
                                                       and "__MACOSX" not in info.filename):
                            with bundle.open(info) as member:
                                found[module] = member.read(2**20)
    except (SubmissionError, zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        return False  # it is refused when packed, or graded as what it is
    return len(found) == len(TRAINS_FROM) and not any(
        b"NotImplementedError" in text for text in found.values())


def grade_task(data: bytes, name: str, settings: dict, expected: dict[str, str]) -> dict:
    """On a Dask worker: grade one submission's zip with this worker's kit, as a local batch
    does; plain data back."""
    from distributed import get_worker
    worker = get_worker().address
    here = kit()
    if here != expected:
        return {"submission": name, "results": None, "worker": worker, "error":
                f"not graded: the Dask worker's kit (version {here['kit_version']}, manifest "
                f"{here['fingerprint']}) is not the instructor's (version "
                f"{expected['kit_version']}, manifest {expected['fingerprint']}): install the "
                "same kit on every worker"}
    started = time.perf_counter()
    scratch = Path(tempfile.mkdtemp(prefix="dlfs-task-"))
    try:
        (scratch / "submission.zip").write_bytes(data)
        batch = Batch(KIT_ROOT, scratch, **settings)
        entry = batch.grade_submission(scratch / "submission.zip", name)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {"submission": name, "error": entry.error,
            "results": entry.results.to_dict() if entry.results is not None else None,
            "worker": worker, "seconds": time.perf_counter() - started}


def _connect(scheduler: str):
    try:
        from distributed import Client
    except ImportError:
        raise click.ClickException(NEEDS) from None
    try:
        if os.path.isfile(scheduler):  # a scheduler file, as dask-jobqueue and `dask scheduler
            return Client(scheduler_file=scheduler, timeout="30s")  # --scheduler-file` write
        return Client(scheduler, timeout="30s")
    except Exception as error:  # a bad file fails an assert inside distributed, say
        why = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        raise click.ClickException(f"cannot reach the Dask scheduler at {scheduler}: {why}: "
                                   "give its tcp://host:port or its scheduler file") from None


def grade_on_cluster(scheduler: str, submissions: list[Path], names: list[str],
                     settings: dict, record) -> list[str]:
    """Grade each submission as a task on the cluster at scheduler, calling record(entry) for
    each row as it comes; the names of the rows not graded because the scheduler was lost."""
    from concurrent.futures import CancelledError
    from distributed import as_completed
    client, expected = _connect(scheduler), kit()
    final = any(e.phase == manifest.TRAINED and not (settings["skip_final"] and not
                                                     e.in_quick_runs)
                for e in manifest.select(settings["ids"]))
    # Longest first; each is packed only when it is submitted, so the class is never all in
    # memory at once.
    todo = deque(sorted(((int(final and trains(s)), i, s, n) for i, (s, n) in
                         enumerate(zip(submissions, names))), key=lambda task: -task[0]))
    batch_id, running, lost = uuid.uuid4().hex[:8], {}, []
    finished = as_completed()

    def submit_more() -> None:
        window = max(4, 2 * sum(client.nthreads().values()))  # workers may come and go
        while todo and len(running) < window:
            priority, index, submission, name = todo.popleft()
            try:
                data = pack(submission)
            except SubmissionError as error:
                record(Entry(name, None, str(error)))
                continue
            except OSError as error:
                record(Entry(name, None, f"cannot grade it: {type(error).__name__}: {error}"))
                continue
            future = client.submit(grade_task, data, name, settings, expected, priority=priority,
                                   retries=RETRIES, pure=False,
                                   key=f"dlfs-grade-{index}-{batch_id}")
            running[future.key] = name
            finished.add(future)

    try:
        submit_more()
        for future in finished:
            name = running.pop(future.key)
            try:
                row = future.result()
            except CancelledError:  # the client lost its scheduler
                lost.append(name)
                break
            except Exception as error:  # KilledWorker once allowed-failures are spent, or others
                row = {"submission": name, "results": None, "worker": None,
                       "error": f"not graded on the cluster: {type(error).__name__}: {error}"}
            # Plain data crossed: read back through the results model, as a results file is.
            results = RunResult.from_dict(row["results"]) if row["results"] is not None else None
            entry = Entry(name, results, row["error"])
            entry.worker, entry.seconds = row.get("worker"), row.get("seconds")
            record(entry)
            submit_more()
    except (OSError, CancelledError, TimeoutError) as error:  # the scheduler went away
        click.echo(f"the Dask scheduler was lost: {error}", err=True)
    finally:
        lost += [*running.values(), *(task[3] for task in todo)]
        lost = list(dict.fromkeys(lost))
        for name in lost:
            record(Entry(name, None, f"not graded: the Dask scheduler at {scheduler} was lost "
                                     "before this submission was graded"))
        try:
            client.close(timeout=5)
        except Exception:  # noqa: BLE001 (a client whose scheduler is gone may not close)
            pass
    return lost
