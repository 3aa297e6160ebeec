"""`grade batch`: grade a folder of submissions, each in its own `grade run` process.

A submission is a student's exercises/ folder: a sub-folder of SUBMISSIONS_DIR (holding
exercises/, or laid out like it) or a .zip of one. Each is graded by a separate `grade run` of this
kit under a wall-clock cap, so a submission that crashes, hangs or breaks its grader costs only its
own row: zeros and a note saying why."""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from data.progress import Progress

from .. import manifest
from . import similarity
from .gradebook import Entry, kit_problem, not_usable, render_csv, render_json
from ..results import ResultsFileError, RunResult
from ..judge import reaper
from ..judge.sandbox import checked_env
from ..worker.processes import kill_tree
from ..reporters import write_atomically
from ..reporters.safe_text import visible
# One extraction for `grade batch` and the Gradescope upload (autograder.py imports it here).
from .unzip import MAX_UNZIPPED_BYTES, SubmissionError, extract_zip  # noqa: F401
from .unzip import submitted_name
from ..submit import safe_file_name

CHAPTERS = manifest.CHAPTERS  # the folders a submission laid out like exercises/ has


def find_submissions(folder: Path) -> list[Path]:
    """Every sub-folder and .zip of folder, by name; hidden entries are left out."""
    return sorted((p for p in folder.iterdir() if not p.name.startswith(".")
                   and (p.is_dir() or p.suffix.lower() == ".zip")), key=lambda p: p.name)


# A zip's name that says nothing of whose it is: submission.zip, submission (3).zip, ...
GENERIC_ZIP = re.compile(r"submission(\s*\(\d+\)|[-_ ]?\d+)?", re.IGNORECASE)
NAMED_ZIP = "submission-"  # + the name made safe: what `grade submit --name` writes


def _claim(path: Path) -> str | None:
    """The name a zip's submission.json gives, when its file name is generic or is the one
    `grade submit --name` made of that name."""
    stem = path.stem.strip()
    generic = GENERIC_ZIP.fullmatch(stem)
    if path.suffix.lower() != ".zip" or not (generic or stem.lower().startswith(NAMED_ZIP)):
        return None
    name = submitted_name(path)
    if name and (generic or safe_file_name(name) == stem[len(NAMED_ZIP):]):
        return name
    return None


def _names(submissions: list[Path]) -> tuple[list[str], dict[str, list[str]]]:
    """Each submission's row name, and the notes of rows whose name was in doubt. A zip named
    generically (or submission-<name>.zip) is named by its submission.json when it has one;
    when that name is another row's too, each such zip's row is "name (file)" with a note."""
    stems = [p.stem if p.suffix.lower() == ".zip" else p.name for p in submissions]
    names = [s if stems.count(s) == 1 else p.name for s, p in zip(stems, submissions)]
    claimed = {i: _claim(p) for i, p in enumerate(submissions)}
    claimed = {i: name for i, name in claimed.items() if name}
    named = [claimed.get(i, n) for i, n in enumerate(names)]
    notes: dict[int, list[str]] = {}
    for name in set(claimed.values()):
        holders = [i for i, n in enumerate(named) if n == name]
        if len(holders) > 1:
            files = ", ".join(submissions[i].name for i in holders)
            for i in holders:
                notes[i] = [f"{len(holders)} submissions say they are {name}: {files}"]
                if i in claimed:
                    named[i] = f"{name} ({submissions[i].name})"
    named = [n if named.count(n) == 1 else p.name for n, p in zip(named, submissions)]
    return named, {named[i]: lines for i, lines in notes.items()}


def find_exercises(root: Path) -> Path:
    """The folder laid out like exercises/ in a submission: root/exercises, root itself, or the
    same one folder down (a zip of a folder)."""
    visible = [p for p in root.iterdir() if not p.name.startswith((".", "__MACOSX"))]
    candidates = [root] + ([visible[0]] if len(visible) == 1 and visible[0].is_dir() else [])
    for folder in candidates:
        if (folder / "exercises").is_dir():
            return folder / "exercises"
        if any((folder / chapter).is_dir() for chapter in CHAPTERS):
            return folder
    folders = " or ".join(f"{chapter}/" for chapter in CHAPTERS)
    raise SubmissionError(f"it has no exercises/ folder and no {folders} folder: submit "
                          "your exercises/ folder, or a zip of it")


def _refuse_links(folder: Path) -> None:
    for directory, subfolders, files in os.walk(folder):
        for name in subfolders + files:
            if os.path.islink(os.path.join(directory, name)):
                raise SubmissionError(f"{Path(directory, name).relative_to(folder)} is a "
                                      "symbolic link: submit the files themselves")


class Batch:
    """Grades submissions with `jobs` workers; kill() stops every `grade run` still going."""

    def __init__(self, kit_root: Path, scratch: Path, skip_final: bool, hidden: bool,
                 timeout: float, ids: tuple[str, ...], sandbox: str = "bwrap",
                 charge_once: bool = False):
        self.kit_root, self.scratch, self.sandbox = kit_root, scratch, sandbox
        # Each `grade run` is told bubblewrap works (probed here once), so it does not probe.
        self.env = {**os.environ, **(checked_env() if sandbox == "bwrap" else {})}
        self.charge_once = charge_once
        self.skip_final, self.hidden, self.timeout, self.ids = skip_final, hidden, timeout, ids
        self.running: dict[int, subprocess.Popen] = {}
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    def grade_submission(self, submission: Path, name: str) -> Entry:
        work = Path(tempfile.mkdtemp(prefix="submission-", dir=self.scratch))
        try:
            if submission.is_dir():
                _refuse_links(submission)
                exercises = find_exercises(submission)
            else:
                extract_zip(submission, work / "extracted")
                exercises = find_exercises(work / "extracted")
            return self._run(exercises, work, name)
        except SubmissionError as error:
            return Entry(name, None, str(error))
        except Exception as error:  # whatever this one holds, the batch goes on
            return Entry(name, None, f"cannot grade it: {type(error).__name__}: {error}")
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def _run(self, exercises: Path, work: Path, name: str) -> Entry:
        output, log = work / "results.json", work / "stderr.txt"
        command = [sys.executable, "-m", "grader.cli", "run", *self.ids, "--target",
                   str(exercises), "--format", "json", "--output", str(output),
                   "--sandbox", self.sandbox]
        command += ["--skip-final"] * self.skip_final + ["--hidden"] * self.hidden
        command += ["--charge-once"] * self.charge_once
        # The run's own scratch folders (the judge's, the worker's) go in one of ours, removed
        # however the run ends: one killed at the time limit has no cleanup of its own. 0711, so
        # that a worker under a uid of its own can pass through to its run folder.
        scratch = Path(tempfile.mkdtemp(prefix="dlfs-run-"))
        scratch.chmod(0o711)
        try:
            return self._wait(command, {**self.env, "TMPDIR": str(scratch)}, output, log, name)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def _wait(self, command: list[str], env: dict, output: Path, log: Path, name: str) -> Entry:
        with self.lock, open(log, "wb") as stderr:  # under the lock: kill() sees every process
            if self.stopping.is_set():
                return Entry(name, None, "not graded: the batch was stopped")
            process = subprocess.Popen(command, cwd=self.kit_root, stdin=subprocess.DEVNULL,
                                       stdout=subprocess.DEVNULL, stderr=stderr,
                                       start_new_session=True, env=env)
            self.running[process.pid] = process
        try:
            process.wait(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            # Its pytest children run in sessions of their own, so its process group is not
            # enough: the whole tree, frozen, then killed (grader/worker/processes.py).
            reaper.kill_group(process)
            return Entry(name, None, f"timed out: grading took more than {self.timeout:g} s")
        finally:
            with self.lock:
                self.running.pop(process.pid, None)
        return _entry(name, output, process.returncode, log)

    def kill(self) -> None:
        self.stopping.set()
        with self.lock:
            for process in list(self.running.values()):
                # Its own thread waits for the `grade run` itself: leave its status for that wait
                kill_tree(process.pid, include_root=False)
                process.kill()


def _entry(name: str, output: Path, returncode: int, log: Path) -> Entry:
    try:
        results = RunResult.load(output)
        problem = kit_problem(results)
    except ResultsFileError as error:  # none, or not readable: the exit status says more
        results = None
        problem = None if error.reason == "results.unreadable" else not_usable(error)
    if results is not None and not problem and returncode in (0, 1):
        return Entry(name, results)
    if problem is None:
        if returncode < 0:
            try:
                killer = signal.Signals(-returncode).name
            except ValueError:  # a real-time signal has no name there
                killer = f"signal {-returncode}"
            problem = f"grade was killed by {killer}"
        else:
            tail = log.read_text(errors="replace").strip().splitlines()[-1:] or [""]
            problem = f"grade exited with status {returncode} and wrote no results: {tail[0]}"
    return Entry(name, results, problem)


def _show(progress: Progress, entry: Entry) -> None:
    """One more submission graded: beside the bar on a terminal, "[k/n] name: score note" in a
    log."""
    score = "" if entry.error else \
        f" {entry.results.score:g}/{entry.results.max_score:g}"
    note = "error: " + entry.error if entry.error else "ok"
    # A submission's name and its note are the student's text: shown, never obeyed.
    line = visible(f"{entry.submission}:{score} {note}")
    progress.step(line if progress.live else f"[{progress.done + 1}/{progress.total}] {line}")


def run_batch(kit_root: Path, folder: Path, csv_path: Path | None, json_path: Path | None,
              jobs: int = 1, skip_final: bool = False, hidden: bool = False,
              timeout: float = 1800.0, ids: tuple[str, ...] = (),
              sandbox: str = "bwrap", charge_once: bool = False,
              similar: similarity.Settings | None = None,
              report: Path | None = None,
              scheduler: str | None = None, roster=None) -> list[Entry]:
    """Grade every submission in folder with `jobs` workers; write the gradebook CSV and JSON
    (and the class report in the folder report, given one, with what did not match the LMS's
    roster, given one).

    `sandbox` is the mode each `grade run` uses, already checked by the caller; with `similar`,
    the rows also name each one's closest source (grader/instructor/similarity.py). With
    `scheduler` (a Dask scheduler's address or file), each is a task on that cluster instead
    (cluster.py); `jobs` is then the cluster's own affair."""
    submissions = find_submissions(Path(folder).resolve())  # `grade run` runs in kit_root
    names, notes = _names(submissions)
    chosen = [e.id for e in manifest.select(ids) if not (skip_final and not e.in_quick_runs)]
    scratch = Path(tempfile.mkdtemp(prefix="dlfs-batch-"))
    batch = Batch(Path(kit_root), scratch, skip_final, hidden, timeout, tuple(ids), sandbox,
                  charge_once)
    reaper.become_subreaper()  # a process a submission left behind comes back here to die
    known = reaper.children()
    entries: dict[str, Entry] = {}
    progress = Progress("grading", len(submissions))
    lost: list[str] = []
    try:
        if scheduler is not None:
            from .cluster import grade_on_cluster

            def record(entry: Entry) -> None:
                entry.notes = notes.get(entry.submission, [])
                entries[entry.submission] = entry
                _show(progress, entry)
            settings = dict(skip_final=skip_final, hidden=hidden, timeout=timeout,
                            ids=tuple(ids), sandbox=sandbox, charge_once=charge_once)
            lost = grade_on_cluster(scheduler, submissions, names, settings, record)
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(batch.grade_submission, s, n)
                       for s, n in zip(submissions, names) if scheduler is None]
            try:
                for future in as_completed(futures):
                    entry = future.result()
                    entry.notes = notes.get(entry.submission, [])
                    entries[entry.submission] = entry
                    _show(progress, entry)
            except BaseException:  # Ctrl-C: no `grade run` may outlive the batch
                for future in futures:
                    future.cancel()
                batch.kill()
                raise
    finally:
        progress.close()
        reaper.kill_children(known)
        shutil.rmtree(scratch, ignore_errors=True)
    ordered = [entries[n] for n in names]
    extra = None if similar is None else similarity.columns(
        names, similarity.check(dict(zip(names, submissions)), similar))
    if csv_path is not None:
        write_atomically(csv_path, render_csv(ordered, chosen, extra))
    if json_path is not None:
        write_atomically(json_path, render_json(ordered, extra))
    if report is not None:
        from . import class_report  # matplotlib: only when a report is asked for
        class_report.write(ordered, report, extra, similar.report if similar else None, roster)
    if lost:
        from .cluster import SchedulerLost
        raise SchedulerLost(f"the Dask scheduler at {scheduler} was lost: {len(lost)} of "
                            f"{len(ordered)} submissions were not graded (their rows say so); "
                            "grade those again")
    return ordered
