"""`grade watch`: re-grade the exercises of a file the moment it is saved, and move on to the next
unfinished exercise when the current one passes, as rustlings does.

Changes come from watchfiles (inotify on Linux, the platform's own notifications elsewhere), not
from polling by hand. Each save grades only the exercises whose module changed, with the same
judge and worker as `grade run`. Ctrl-C stops watching and exits with status 0.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import click
import watchfiles

from . import catalog, manifest
from .grading import grade_exercises
from .reporters import text
from .runner import RunOptions


def _chosen(ids) -> list[manifest.Exercise]:
    """The exercises watched: those named, or all that quick runs grade (the capstone trains
    for a minute, so it is watched only when named)."""
    if ids:
        return manifest.select(ids)
    return manifest.quick()


def _files(exercise: manifest.Exercise) -> list[str]:
    """The files whose change re-grades exercise (the manifest's followed_files)."""
    return list(exercise.followed_files)


class Watcher:
    def __init__(self, target: Path, options: RunOptions, ids=(),
                 say: Callable[[str], None] = click.echo):
        self.target, self.options, self.say = target, options, say
        self.exercises = _chosen(ids)
        self.status: dict[str, str] = {}

    def grade_and_show(self, exercises: list[manifest.Exercise]) -> None:
        ids = tuple(e.id for e in exercises)
        result = grade_exercises(ids, self.options,
                                 skip_final=all(manifest.BY_ID[i].in_quick_runs for i in ids))
        self.status.update({e.id: e.status for e in result.exercises})
        self.say(text.render(result).rstrip("\n"))

    def current(self) -> manifest.Exercise | None:
        """The first watched exercise, in book order, that does not pass yet."""
        return next((e for e in self.exercises if self.status.get(e.id) != "passed"), None)

    def announce(self) -> None:
        exercise = self.current()
        if exercise is None:
            self.say(catalog.text("watch.all_done", count=len(self.exercises)))
            # the long ones are watched only when named: once all the others pass, they are next
            if {e.id for e in self.exercises} == {e.id for e in _chosen(())}:
                for later in manifest.EXERCISES:
                    if not later.in_quick_runs:
                        self.say(catalog.text("next.capstone", exercise=later.id,
                                              section=later.section))
            return
        files = ", ".join(str(self.target / f) for f in _files(exercise))
        self.say(catalog.text("watch.now", exercise=exercise.id, section=exercise.section,
                              files=files))

    def changed(self, paths: set[str]) -> None:
        """Re-grade the watched exercises whose modules are among paths (absolute)."""
        relative = set()
        for path in paths:
            try:
                relative.add(Path(path).resolve().relative_to(self.target).as_posix())
            except ValueError:
                continue
        hit = [e for e in self.exercises if relative & set(_files(e))]
        if not hit:
            return
        before = self.current()
        self.say(catalog.text("watch.saved", files=", ".join(sorted(relative))))
        self.grade_and_show(hit)
        after = self.current()
        if before is not None and after is not before and self.status.get(before.id) == "passed":
            self.say(catalog.text("watch.passed", exercise=before.id))
        self.announce()

    def run(self, stop_event=None) -> None:
        self.grade_and_show(self.exercises)
        self.announce()
        ready = False
        # yield_on_timeout: the first (empty) answer comes once the watcher is in place, so
        # "watching" is said only when a save can no longer be missed.
        for changes in watchfiles.watch(self.target, watch_filter=watchfiles.PythonFilter(),
                                        debounce=400, rust_timeout=300, yield_on_timeout=True,
                                        stop_event=stop_event):
            if not ready:
                ready = True
                self.say(catalog.text("watch.watching", folder=self.target))
            if changes:
                self.changed({path for _, path in changes})


def watch(target: Path, options: RunOptions, ids=()) -> None:
    """Watch until Ctrl-C; then say so and return."""
    try:
        Watcher(target, options, ids).run()
    except KeyboardInterrupt:
        click.echo("\n" + catalog.text("watch.stopped"))
