"""One grading run: which suites to run, in which phase, and the results model they make.

Phase one runs every chosen unit exercise (the manifest's `phase`) in one judge. An exercise fails
"blocked" when a failing check called a prerequisite that does not pass (wrong, raising, looping or
still a stub): what it builds on and was not asked for is graded too when one fails, so that
grading an exercise alone gives the status and score a full run gives. A trained exercise (the
capstone) trains on MNIST for a while, so it runs in a second phase: whenever the network and
training loop it drives exist (it is not started only while everything it builds on is), scored
from the accuracy it reaches and nothing else, never rescored with reference code. When it falls
short while a prerequisite fails, that prerequisite is named as the likely cause. Asked for alone,
it runs first and its prerequisites only when it does not pass: what they would tell is needed only
then.

MNIST is loaded here, in `grade`, before a judge that needs it starts: a download then shows its
progress on the user's terminal, and MNIST that cannot be had (no network, a mirror that never
answers) costs no exercise: those that need it are "not_graded", saying how to provide it, the
others are graded, and the run ends as a kit error (exit status 2: incomplete). The judge
reads the cache this fills; if its own load still fails, it reports a kit error too
(grader/judge/plugin.py)."""
from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from data.errors import MnistError
from data.mnist import load_mnist

from . import catalog, charge_once, manifest
from .manifest import TRAINED, Exercise
from .results import (ExerciseResult, RunResult, TestResult, blocked, build_exercise,
                      prerequisites)
from .runner import KitError, RunOptions, run_suites


def _with_prerequisites(exercises: list[Exercise]) -> list[Exercise]:
    wanted = {e.id for e in exercises} | {p.id for e in exercises for p in prerequisites(e)}
    return [e for e in manifest.EXERCISES if e.id in wanted]


def _run(exercises: list[Exercise], options: RunOptions) -> dict[str, ExerciseResult]:
    if not exercises:
        return {}
    suites = list(dict.fromkeys(e.suite for e in exercises))
    tests = run_suites(suites, [e.id for e in exercises], options)
    by_exercise: dict[str, list[TestResult]] = {e.id: [] for e in exercises}
    for test in tests:
        by_exercise.setdefault(test.exercise, []).append(test)
    for exercise in exercises:
        if not any(not t.hidden for t in by_exercise[exercise.id]):
            raise KitError(f"no checks for {exercise.id} in grader/suites/{exercise.suite}")
    return {e.id: build_exercise(e, by_exercise[e.id]) for e in exercises}


def ready_mnist(exercises: list[Exercise]) -> None:
    """Load MNIST (downloading it if need be) when one of exercises uses it; KitError if it
    cannot be had, with the loader's whole message."""
    needing = [e.id for e in exercises if e.uses_mnist]
    if not needing:
        return
    try:
        load_mnist(normalize=False)
    except MnistError as error:
        raise KitError(catalog.text("kit.mnist_unavailable", exercises=", ".join(needing),
                                    reason=error)) from None


def _failing_prerequisite(exercise: Exercise, results: dict[str, ExerciseResult]) -> str | None:
    for prerequisite in prerequisites(exercise):
        result = results.get(prerequisite.id)
        if result and result.status != "passed":
            return prerequisite.id
    return None


def blocking_prerequisite(result: ExerciseResult, results: dict[str, ExerciseResult]
                          ) -> str | None:
    """The failing prerequisite a failing check of this exercise actually called, if any:
    whether it gave a wrong value, raised, looped or is still a stub. An exercise none of whose
    checks got past a NotImplementedError is blocked only where its own code ran into that
    prerequisite; a check that stopped in a prerequisite's stub before reaching the exercise's
    code says nothing of it (a fresh copy is "not started", not blocked)."""
    if result.status == "passed":
        return None
    failing = [t for t in result.tests if t.status not in ("passed", "skipped")]
    if result.status == "not_started":
        failing = [t for t in failing if t.calls_into(result.exercise)]
    for prerequisite in prerequisites(result.exercise):
        outcome = results.get(prerequisite.id)
        if outcome and outcome.status != "passed" \
                and any(t.calls_into(prerequisite) for t in failing):
            return prerequisite.id
    return None


def likely_cause(result: ExerciseResult, results: dict[str, ExerciseResult]) -> str | None:
    """The first failing prerequisite of an exercise that did not pass, if any."""
    if result.status == "passed":
        return None
    return _failing_prerequisite(result.exercise, results)


def _charge_once(results: dict[str, ExerciseResult], options: RunOptions,
                 chosen: list[Exercise]) -> None:
    """Rescore the chosen dependents with their failing prerequisites' reference in place."""
    scratch = Path(tempfile.mkdtemp(prefix="dlfs-charge-once-"))
    try:
        charge_once.rescore(results, options.target, options.reference, scratch,
                            lambda exercises, folder: _run(exercises, replace(
                                options, target=folder, record_called=True)),
                            chosen=[e.id for e in chosen])
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _run_with_statuses(exercises: list[Exercise], options: RunOptions
                       ) -> dict[str, ExerciseResult]:
    """Grade exercises in one judge; those failing through a failing prerequisite are blocked.
    What a failing one builds on and was not among them is graded after, in a judge of its own:
    blocked or not, alone or in a full run, the same."""
    ready_mnist(exercises)
    results = _run(exercises, options)
    missing = [e for e in manifest.EXERCISES if e.id not in results and e.phase != TRAINED
               and any(e in prerequisites(r.exercise) for r in results.values()
                       if r.status != "passed")]
    if missing:
        ready_mnist(missing)
        results.update(_run(missing, options))
    for exercise in exercises:
        prerequisite = blocking_prerequisite(results[exercise.id], results)
        if prerequisite:
            results[exercise.id] = blocked(exercise, prerequisite, results[exercise.id].tests)
    return results


def _none_started(trained: Exercise, results: dict[str, ExerciseResult]) -> bool:
    return all(results[p].status == "not_started" for p in trained.prerequisites)


def _not_started(trained: Exercise) -> ExerciseResult:
    """A trained exercise while nothing it builds on is written: not started, nothing run."""
    return ExerciseResult(trained, "not_started", 0.0, [])


def _run_trained(trained: Exercise, results: dict[str, ExerciseResult],
                 options: RunOptions) -> None:
    ready_mnist([trained])
    results.update(_run([trained], options))
    results[trained.id].likely_cause = likely_cause(results[trained.id], results)


def _trained_alone(trained: Exercise, options: RunOptions) -> dict[str, ExerciseResult]:
    """`grade run ID` of a trained exercise: it first, its prerequisites only when it does
    not pass (for its status and likely cause). The same results as grading them first, one
    judge run fewer when it passes, a second or so of the student's training loop."""
    before = [e for e in _with_prerequisites([trained]) if e is not trained]
    try:
        ready_mnist([trained])
    except KitError:  # no MNIST here: still not started, without it, while nothing else is
        results = _run_with_statuses(before, options)
        if not _none_started(trained, results):
            raise
        return {**results, trained.id: _not_started(trained)}
    results = _run([trained], options)
    if results[trained.id].status == "passed":
        return results
    results.update(_run_with_statuses(before, options))
    if _none_started(trained, results):  # it failed because nothing it builds on is written yet
        results[trained.id] = _not_started(trained)
    else:
        results[trained.id].likely_cause = likely_cause(results[trained.id], results)
    return results


def _without_mnist(chosen: list[Exercise]) -> tuple[list[Exercise], str | None]:
    """The chosen exercises that can be graded here, and why the others cannot (None: all can).
    Without MNIST (offline, no DLFS_MNIST_DIR) those that need it are left out, not the run."""
    try:
        ready_mnist(chosen)  # what chosen builds on never needs MNIST
    except KitError as error:
        return [e for e in chosen if not e.uses_mnist], str(error)
    return chosen, None


def _not_graded(exercise: Exercise) -> ExerciseResult:
    """An exercise that needs MNIST where it cannot be had: not graded, saying how to get it."""
    message = catalog.text("kit.mnist_not_graded", exercise=exercise.id)
    check = TestResult(nodeid=f"mnist::{exercise.id}", exercise=exercise.id, weight=1.0,
                       status="not_graded", message=message, key="kit.mnist_not_graded")
    return ExerciseResult(exercise, "not_graded", 0.0, [check])


def grade_exercises(ids: tuple[str, ...], options: RunOptions,
                    skip_final: bool = False) -> RunResult:
    """Grade the named exercises (all when none are named) of options.target."""
    started = time.monotonic()
    every = [e for e in manifest.select(ids) if not (skip_final and not e.in_quick_runs)]
    alone = len(every) == 1 and every[0].phase == TRAINED
    # a trained exercise alone decides for itself what a missing MNIST means (_trained_alone)
    chosen, offline = (every, None) if alone else _without_mnist(every)
    later = [e for e in chosen if e.phase == TRAINED]
    if not chosen:
        results = {}
    elif alone:
        results = _trained_alone(every[0], options)
    else:
        # Whether a trained one runs depends on its prerequisites, so they are graded with it.
        results = _run_with_statuses([e for e in (_with_prerequisites(chosen)
                                                  if later else chosen)
                                      if e.phase != TRAINED], options)
        for trained in later:
            if _none_started(trained, results):
                results[trained.id] = _not_started(trained)
            else:
                _run_trained(trained, results, options)
    if options.reference is not None:
        _charge_once(results, options, chosen)
    for result in results.values():
        result.recoverable = charge_once.recoverable(result)
    results.update({e.id: _not_graded(e) for e in every if e not in chosen})
    return RunResult([results[e.id] for e in every], time.monotonic() - started,
                     str(options.target), hidden=options.hidden, sandbox=options.sandbox,
                     sandbox_layers=options.layers, charge_once=options.reference is not None,
                     skipped_final=skip_final, kit_error=offline)

