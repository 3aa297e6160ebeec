"""The report a student reads: a table in book order, what to fix first, and what to do next."""
from __future__ import annotations

import re
import textwrap

import click

from .. import catalog
from ..results import ExerciseResult, RunResult
from .safe_text import scrubbed

COLOURS = {"passed": "green", "partial": "yellow", "failed": "red", "not_started": "bright_black",
           "error": "red", "timeout": "magenta", "blocked": "cyan"}


def table_row(exercise: str, section: str, points: str, status: str, points_width: int) -> str:
    """One row of the exercise tables, aligned in terminal columns (a kanji takes two)."""
    return (catalog.pad(exercise, 21) + catalog.pad(section, 9)
            + catalog.pad(points, points_width, right=True) + "  " + status)


def _status(result: ExerciseResult) -> str:
    label = catalog.text(f"status.{result.status}")
    return click.style(catalog.pad(label, 11), fg=COLOURS.get(result.status))


def _wrap(paragraph: str, width: int = 94) -> list[str]:
    """Lines of at most width terminal columns. Japanese has no spaces between words: a line
    may break after any wide character, but never inside a run of ASCII (code, numbers)."""
    if paragraph.isascii():
        return textwrap.wrap(paragraph, width) or [""]
    lines, line = [], ""
    for token in re.findall(r"[\x21-\x7e]+|\s|.", paragraph):
        if not line or catalog.columns(line + token) <= width:
            line += token
        elif token in "、。）」":  # no line starts with closing punctuation (kinsoku)
            if line[-1].isascii():  # after code: it hangs one character over instead
                line += token
            else:  # the character before goes along with it
                lines.append(line[:-1].rstrip())
                line = line[-1] + token
        else:
            lines.append(line.rstrip())
            line = token.lstrip()
    return lines + [line.rstrip()] if line.strip() else lines or [""]


def _indent(message: str) -> str:
    lines = []
    for paragraph in message.splitlines() or [""]:
        lines.extend(_wrap(paragraph))
    return "\n".join("    " + line for line in lines)


# Train accuracy above test accuracy by more than this at the last epoch is worth a remark: the
# book's training ends with the two within a point of each other (4.5.3).
FAR_APART = 0.05


def shows_accuracy(result: ExerciseResult) -> bool:
    """Whether the report shows result's accuracy beside its score: the manifest says it does,
    and its check got as far as recording one."""
    return "accuracy" in result.exercise.shows and "accuracy" in result.extra


def capstone_lines(result: ExerciseResult) -> list[str]:
    """The capstone's two test accuracies, each with its images: the held-out half it is scored
    on, and the first half that train was given and measured at each epoch (text and HTML);
    what the manifest's `shows` asks for."""
    if not shows_accuracy(result):
        return []
    lines = [catalog.text(
        "capstone.summary", accuracy=result.extra["accuracy"],
        threshold=result.extra.get("threshold", 0), seconds=result.extra.get("seconds", 0))]
    history = result.extra.get("history") or {}
    if "train_test_gap" in result.exercise.shows and history.get("train_acc") \
            and history.get("test_acc"):
        train, test = history["train_acc"][-1], history["test_acc"][-1]
        # far apart only when the training data is learned much better (overfitting, 4.5.3)
        far = train - test > FAR_APART
        lines.append(catalog.text("capstone.train_test_far" if far else "capstone.train_test",
                                  train=train, test=test))
    return lines


def _details(result: ExerciseResult, verbose: bool) -> list[str]:
    lines = result.feedback(every_problem=verbose, named=verbose) + capstone_lines(result)
    return [_indent(line) for line in lines]


def render(result: RunResult, verbose: bool = False) -> str:
    result = scrubbed(result)  # the submission's escapes shown, not obeyed; styling added after
    lines = [catalog.text("report.target", target=result.target,
                          how=catalog.text(f"report.sandbox.{result.sandbox}")),
             click.style(table_row(catalog.text("table.exercise"), catalog.text("table.section"),
                                   catalog.text("table.points"), catalog.text("table.status"),
                                   13), bold=True)]
    for exercise in result.exercises:
        points = f"{exercise.score:g}/{exercise.max_score:g}"
        lines.append(table_row(exercise.id, exercise.exercise.section, points,
                               _status(exercise), 13).rstrip())
        if exercise.status != "passed" or exercise.advice() or shows_accuracy(exercise):
            lines.extend(_details(exercise, verbose))
    public = [t for e in result.exercises for t in e.tests if not t.hidden]
    hidden = [t for e in result.exercises for t in e.tests if t.hidden]
    lines.append("")
    lines.append(catalog.text("report.checks", passed=sum(t.status == "passed" for t in public),
                              total=len(public)))
    if result.hidden:
        lines.append(catalog.text("report.hidden_checks",
                                  passed=sum(t.status == "passed" for t in hidden),
                                  total=len(hidden)))
    lines.append(click.style(catalog.text("report.total", score=result.score,
                                          max_score=result.max_score,
                                          seconds=result.seconds), bold=True))
    lines.append(result.next_step())
    return "\n".join(lines) + "\n"
