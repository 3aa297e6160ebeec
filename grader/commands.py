"""What each `grade` command does, apart from parsing its options (cli.py does that)."""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import click

from data.cache import kit_cache_root
from data.mnist import on_this_machine
from data.progress import Progress

from . import catalog, manifest
from .grading import grade_exercises
from .reporters import render, write_atomically
from .reporters.safe_text import visible
from .reporters.text import table_row
from .results import ResultsFileError, RunResult
from .judge.sandbox import SandboxUnavailable
from .runner import KitError, RunOptions, sandbox_mode
from .targets import target_path

__all__ = ["KitError", "run", "list_exercises", "hint", "target_path"]


def reference_folder(kit_root: Path) -> Path:
    """The reference solutions the charge-once rerun draws on: the instructor's copy only."""
    folder = kit_root / "solutions"
    if not any((folder / module).is_file() for module in manifest.modules()):
        raise KitError(catalog.text("kit.no_reference", folder=folder))
    return folder


def _state_file(target: Path) -> Path:
    # the path's own bytes: a folder name that is not UTF-8 (a student's zip) is still a key
    key = hashlib.sha256(os.fsencode(target)).hexdigest()[:16]
    return kit_cache_root() / "last-results" / f"{key}.json"


def confinement(requested: str, hidden: bool, batch: bool = False) -> str:
    """The sandbox mode to grade with; one line on standard error when it is unconfined.

    Hidden checks and a class's submissions are graded confined, or not at all unless the
    instructor says `--sandbox none`."""
    try:
        mode, reason = sandbox_mode(requested)
    except SandboxUnavailable as error:
        raise KitError(str(error)) from None
    if mode == "none" and requested != "none" and (hidden or batch):
        what = "grade batch" if batch else "--hidden"
        raise KitError(catalog.text("kit.confined_only", what=what, reason=reason))
    if mode == "none" and requested != "none":
        click.echo(catalog.text("kit.sandbox_off", reason=reason), err=True)
    elif mode != "bwrap" and requested != mode:
        click.echo(catalog.text("kit.sandbox_fallback", reason=reason,
                                how=catalog.text(f"report.sandbox.{mode}")), err=True)
    return mode


def run(ids, target: str, kit_root: Path, fmt="text", output=None, skip_final=False,
        timeout=60.0, hidden=False, verbose=0, sandbox="auto", charge_once=False,
        total_timeout=1800.0) -> float:
    """Grade, report, remember the result for `grade list`; the score.

    verbose: 1 shows every failing check's message, 2 adds the student's traceback.
    charge_once: rescore dependents with failing prerequisites' reference in place.
    total_timeout: seconds for the whole run; once spent, the checks left are timeouts."""
    mode = "none"  # until it is resolved: what the kit-error results file says
    # The capstone's progress lines: on a terminal one line drawn over itself, erased once done
    progress = Progress(leave=False, timed=True)
    try:
        target_folder = target_path(target, kit_root)
        mode = confinement(sandbox, hidden)
        options = RunOptions(target=target_folder, hidden=hidden, timeout=timeout,
                             total_timeout=total_timeout,
                             verbose=verbose >= 2, on_progress=progress.step,
                             sandbox=mode,
                             reference=reference_folder(kit_root) if charge_once else None)
        result = grade_exercises(tuple(ids), options, skip_final=skip_final)
    except KitError as error:
        if output is not None:
            failed = RunResult([], 0.0, str(target), hidden=hidden, kit_error=str(error),
                               sandbox=mode)
            write_atomically(output, render(failed, "json" if fmt == "text" else fmt))
        raise
    finally:
        progress.close()
    with tempfile.TemporaryDirectory(prefix="dlfs-figures-") as scratch:
        figures, skipped = (_report_figures(result, ids, options, Path(scratch))
                            if fmt == "html" else ({}, []))
        report = render(result, fmt, verbose=verbose >= 1, figures=figures, skipped=skipped)
    if output is None:
        click.echo(report, nl=False)
    else:  # the report goes to the file instead; one line says where
        write_atomically(output, click.unstyle(report))
        click.echo(catalog.text("report.written", path=output, score=result.score,
                                max_score=result.max_score))
    write_atomically(_state_file(target_folder), render(result, "json"))
    if result.kit_error:  # graded what it could (no MNIST here): the grade is still incomplete
        raise KitError(result.kit_error)
    return result.score


def _report_figures(result: RunResult, ids, options: RunOptions, scratch: Path):
    """The HTML report's figures, drawn after grading from the same code (and, for the
    capstone, this run's history or else the last run's)."""
    from .figures import make_figures
    trained = [e for e in result.exercises if not e.exercise.in_quick_runs]
    last = result if any(e.extra.get("history") for e in trained) \
        else last_results(options.target)
    return make_figures(options.target, scratch, options.sandbox, last, ids=tuple(ids),
                        timeout=min(options.timeout, 30.0))


def list_exercises(target: Path) -> None:
    """Every exercise in book order with its current status, then a progress line.

    It never downloads: the capstone, and the exercises that need MNIST while MNIST is not on
    this machine, are not graded; they show their status from the last `grade run`, if any."""
    offline = not on_this_machine()
    later = [e for e in manifest.EXERCISES if not e.in_quick_runs or (e.uses_mnist and offline)]
    now = tuple(e.id for e in manifest.EXERCISES if e not in later)
    options = RunOptions(target=target, sandbox=confinement("auto", False))
    result = grade_exercises(now, options, skip_final=True)
    statuses = {e.id: (e.status, e.score) for e in result.exercises}
    saved = last_results(target)
    last = {e.id: (e.status, e.score) for e in saved.exercises} if saved else {}
    for exercise in later:
        unknown = "not_run" if exercise.in_quick_runs else "not_started"
        statuses[exercise.id] = last.get(exercise.id, (unknown, 0.0))
    click.echo(table_row(catalog.text("table.exercise"), catalog.text("table.section"),
                         catalog.text("table.points"), catalog.text("table.status"), 8))
    for exercise in manifest.EXERCISES:
        status, score = statuses[exercise.id]
        click.echo(table_row(exercise.id, exercise.section, str(exercise.points),
                             catalog.text("status." + status), 8))
    done = sum(status == "passed" for status, _ in statuses.values())
    total_points = sum(score for _, score in statuses.values())
    click.echo(catalog.text("report.progress", done=done, total=len(manifest.EXERCISES),
                            score=round(total_points, 2),
                            max_score=sum(e.points for e in manifest.EXERCISES)))


def hint(exercise_id: str) -> str:
    exercise = manifest.BY_ID[exercise_id]
    return "\n".join([
        catalog.text("hint.header", exercise=exercise.id, section=exercise.section,
                     title=catalog.title(exercise)),
        catalog.text(f"hint.{exercise.id}"),
        catalog.text("hint.reread", section=exercise.section)])


def last_results(target: Path) -> RunResult | None:
    """The last `grade run` results of target, or None when there are none; one line on
    standard error when they cannot be read (an older kit's, say), which a new run replaces."""
    path = _state_file(target)
    if not path.is_file():
        return None
    try:
        return RunResult.load(path)
    except ResultsFileError as error:
        click.echo(visible(error.message), err=True)
        return None


def report(path: Path, fmt: str = "text", output: Path | None = None,
           verbose: bool = False) -> RunResult:
    """Render a saved results file again, in any format and the chosen language; nothing is
    graded again (so an HTML report has no figures: they are drawn from code, when grading)."""
    result = RunResult.load(path)
    if fmt == "classroom":
        from .reporters.classroom import encode
        text = encode(result) + "\n"
    else:
        text = render(result, fmt, verbose=verbose)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomically(output, click.unstyle(text))
        click.echo(catalog.text("report.written", path=output, score=result.score,
                                max_score=result.max_score))
    return result


def plot(ids, target: str, kit_root: Path, out_dir: Path, timeout=30.0, sandbox="auto") -> dict:
    """Draw the figures of `ids` (all when none) from the target's code into out_dir."""
    from .figures import FIGURES, make_figures
    wanted = [f for f in FIGURES if not ids or set(f.needs) & set(ids)]
    if not wanted:
        known = sorted({n for f in FIGURES for n in f.needs})
        raise KitError(catalog.text("plot.none", ids=", ".join(ids), known=", ".join(known)))
    folder = target_path(target, kit_root)
    drawn, skipped = make_figures(folder, out_dir, confinement(sandbox, False),
                                  last_results(folder), ids=tuple(ids), timeout=timeout)
    for line in [*map(str, drawn.values()), *skipped]:
        click.echo(visible(line))  # a skip line may quote the student's exception
    return drawn


def watch(ids, target: str, kit_root: Path, timeout=60.0, sandbox="auto") -> None:
    """Re-grade on every save until Ctrl-C (grader/watch.py)."""
    from .watch import watch as watch_files
    folder = target_path(target, kit_root)
    with Progress(leave=False, timed=True) as progress:
        options = RunOptions(target=folder, timeout=timeout, on_progress=progress.step,
                             sandbox=confinement(sandbox, False))
        watch_files(folder, options, ids=tuple(ids))


def reset(exercise_id: str, target: str, kit_root: Path) -> str:
    """Put an exercise's stub back (grader/reset.py); the line that says what was done."""
    from .reset import reset as reset_stub
    path, backup, whole = reset_stub(exercise_id, target_path(target, kit_root), kit_root)
    if backup is None:
        return catalog.text("reset.created", exercise=exercise_id, path=path)
    return catalog.text("reset.whole" if whole else "reset.done", exercise=exercise_id,
                        path=path, backup=backup)


def notebook(target: str, kit_root: Path, output: Path) -> str:
    """Write the exercises as a notebook (grader/notebook_file.py); the line that says where."""
    from .notebook_file import write
    folder = target_path(target, kit_root)
    count = write(folder, output, target_path("exercises", kit_root))
    return catalog.text("notebook.written", path=output, count=count)
