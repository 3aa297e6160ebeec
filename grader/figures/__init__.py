"""`grade plot`: figures drawn from the student's own functions.

The student's code runs in the worker, confined as in grading (calls.py); only arrays come back,
and this process draws them (draw.py). The correct shapes are stored points (shapes.json), not a
reference implementation. Which exercises each figure draws is the manifest's (`figures`); the
figures of a trained exercise come from the last `grade run`'s results, so nothing is trained
again.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from .. import catalog, manifest
from ..results import RunResult
from ..judge.suite import student, worker_function
from . import draw
from .calls import Skip, StudentCode

SHAPES = Path(__file__).with_name("shapes.json")
# Times 100, exp(900) overflows: softmax stays finite only with its maximum subtracted (3.5.2).
SOFTMAX_ROW, SOFTMAX_SCALE = np.array([7.0, 8.0, 9.0]), 100.0
START = np.array([-3.0, 4.0])
# Too small, about right, too big: the last overshoots the minimum and swings out (4.4.1).
LEARNING_RATES = (0.01, 0.1, 1.01)
DESCENT_STEPS = 20
MISCLASSIFIED_SHOWN = 24


@dataclass(frozen=True)
class Figure:
    name: str  # the PNG's name, without .png
    needs: tuple[str, ...]  # the exercises it draws; `grade plot ID` makes those naming ID
    make: Callable  # (context, path) -> path, or raises Skip


class Context:
    def __init__(self, code: StudentCode, last: RunResult | None, timeout: float):
        self.code, self.last, self.timeout = code, last, timeout


def drawn_from(figure: str) -> tuple[manifest.Exercise, ...]:
    """The exercises whose manifest entry lists figure, in book order."""
    return tuple(e for e in manifest.EXERCISES if figure in e.figures)


def _function(exercise: manifest.Exercise):
    """The student's function the exercise grades (its first name), in the worker."""
    return getattr(student(exercise.dotted), exercise.names[0])


def _describe(value) -> str:
    """What a student's function returned, in a few words: its shape, not its contents."""
    try:
        shape = np.shape(np.asarray(value, dtype=float))
    except (TypeError, ValueError):
        return catalog.text("plot.value.other", kind=type(value).__name__)
    if shape == ():
        return catalog.text("plot.value.number", value=f"{float(value):.4g}")
    return catalog.text("plot.value.array", shape=shape)


def _array(value, shape: tuple[int, ...], exercise: str) -> np.ndarray:
    """value as a float array of shape (any layout of as many numbers will do), or Skip saying
    what the student's function returned instead, so the other figures are still drawn."""
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        array = None
    if array is None or array.size != int(np.prod(shape)):
        reason = catalog.text("plot.reason.returned", got=_describe(value),
                              expected=catalog.text("plot.value.array", shape=shape))
        raise Skip(catalog.text("plot.skipped", exercise=exercise, reason=reason))
    return array.reshape(shape)


def _activations(context: Context, path: Path) -> tuple[Path, list[str]]:
    shapes = json.loads(SHAPES.read_text(encoding="utf-8"))
    x = np.linspace(-5, 5, 201)
    curves, skipped = {}, {}
    for exercise in drawn_from("activations"):
        name = exercise.id
        try:
            with context.code.figure(name, context.timeout):
                curves[name] = _array(_function(exercise)(x.copy()), x.shape, name)
        except Skip as skip:
            skipped[name] = str(skip)
    if not curves:  # one line: the first exercise it needs, the others named after it
        first, *others = skipped
        raise Skip(skipped[first] + (" " + catalog.text("plot.also_needs", names=", ".join(
            others)) if others else ""))
    return draw.activations(shapes, curves, x, path), list(skipped.values())


def _softmax(context: Context, path: Path):
    (exercise,) = drawn_from("softmax")
    with context.code.figure(exercise.id, context.timeout):
        before = _array(_function(exercise)(SOFTMAX_ROW.copy()), SOFTMAX_ROW.shape, exercise.id)
        after = _array(_function(exercise)(SOFTMAX_ROW * SOFTMAX_SCALE), SOFTMAX_ROW.shape,
                       exercise.id)
    return draw.softmax(SOFTMAX_ROW, before, after, SOFTMAX_SCALE, path), []


def _gradient(context: Context, path: Path):
    f = worker_function("function_2")  # x0**2 + x1**2, computed in the worker
    axis = np.linspace(-4, 4, 9)
    grid = np.array([[a, b] for a in axis for b in axis])
    arrow, walk = drawn_from("gradient")  # the gradient's arrows, then the descent's paths
    with context.code.figure(arrow.id, context.timeout):
        gradient = _function(arrow)
        arrows = np.array([_array(gradient(f, point.copy()), (2,), arrow.id)
                           for point in grid])
    paths, skipped = {}, []
    try:  # without a working descent, the arrows alone
        with context.code.figure(walk.id, context.timeout):
            descent = _function(walk)
            for lr in LEARNING_RATES:
                points = [START]
                for _ in range(DESCENT_STEPS):  # one step at a time, to see the path
                    step = descent(f, points[-1].copy(), lr=lr, step_num=1)
                    points.append(np.clip(_array(step, (2,), walk.id), -1e3, 1e3))
                paths[lr] = np.array(points)
    except Skip as skip:
        paths, skipped = {}, [str(skip)]
    return draw.gradient(grid, arrows, paths, path), skipped


def _trained_results(context: Context, figure: str) -> dict:
    """What the last run's trained exercise, the one figure is drawn from, recorded (its
    history, the digits it got wrong)."""
    ids = {e.id for e in drawn_from(figure)}
    found = next((e for e in context.last.exercises if e.id in ids), None) \
        if context.last else None
    if not found or not found.extra.get("history"):
        raise Skip(catalog.text("plot.no_history"))
    return found.extra


def _learning_curves(context: Context, path: Path):
    history = _trained_results(context, "learning_curves")["history"]
    return draw.learning_curves(history, path), []


def _misclassified(context: Context, path: Path):
    wrong = _trained_results(context, "misclassified").get("misclassified")
    if not wrong:
        raise Skip(catalog.text("plot.no_misclassified"))
    from data.errors import MnistError
    from data.mnist import load_mnist
    try:
        (_, _), (x_test, t_test) = load_mnist(normalize=True, flatten=True)
    except MnistError as error:
        raise Skip(catalog.text("plot.no_mnist", reason=str(error).splitlines()[0])) from None
    wrong = [(int(i), int(p)) for i, p in wrong[:MISCLASSIFIED_SHOWN] if 0 <= int(i) < len(t_test)]
    images = np.array([x_test[i] for i, _ in wrong])
    return draw.misclassified(images, [int(t_test[i]) for i, _ in wrong],
                              [p for _, p in wrong], path), []


DRAWINGS = {"activations": _activations, "softmax": _softmax, "gradient": _gradient,
            "learning_curves": _learning_curves, "misclassified": _misclassified}
FIGURES = tuple(Figure(name, tuple(e.id for e in drawn_from(name)), make)
                for name, make in DRAWINGS.items())


def make_figures(target: Path, out_dir: Path, mode: str, last: RunResult | None, ids=(),
                 timeout: float = 30.0) -> tuple[dict[str, Path], list[str]]:
    """Draw the figures for `ids` (all when none) into out_dir: ({name: path} of those drawn,
    the lines of those skipped, each naming what it needs).

    last: the last `grade run` results of this target (for the capstone), None if none."""
    chosen = [f for f in FIGURES if not ids or set(f.needs) & set(ids)]
    drawn: dict[str, Path] = {}
    skipped: list[str] = []
    with StudentCode(target, mode) as code:
        context = Context(code, last, timeout)
        for figure in chosen:
            try:
                path, partly = figure.make(context, Path(out_dir) / f"{figure.name}.png")
            except Skip as skip:
                skipped.append(f"{figure.name}: {skip}")
                continue
            except Exception as error:  # values no check foresaw: the other figures still come
                skipped.append(f"{figure.name}: " + catalog.text(
                    "plot.not_drawn", error=f"{type(error).__name__}: {error}"[:200],
                    exercises=" ".join(figure.needs)))
                continue
            skipped.extend(f"{figure.name}: {line}" for line in partly)
            drawn[figure.name] = path
    return drawn, skipped
