"""`grade batch --report DIR` and `grade gradebook --report DIR`: the class at a glance.

DIR/index.html shows the score distribution, each exercise's rates, the most frequent named
mistakes (by catalog key, with the book section), the capstone's accuracies and the submissions
that could not be graded; DIR/submissions/ holds each graded submission's own page, the one
`grade run --format html` writes. Every page is self-contained (figures as base64 PNG, no
script, no network) and in the chosen language (`--lang`). Nothing is graded again: the pages
are made from the entries' results alone."""
from __future__ import annotations

import html
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from .. import catalog, manifest
from ..reporters import html as html_report
from ..reporters import write_atomically
from ..reporters.safe_text import scrubbed, visible
from ..results import GENERIC_ENDINGS, STATUSES, RunResult, TestResult
from ..submit import safe_file_name
from . import class_figures
from .gradebook import Entry, _status

ALWAYS_SHOWN = ("passed", "partial", "failed", "not_started", "blocked")  # the rest where seen
STYLE = html_report.STYLE + """
td.number { text-align: right; white-space: nowrap; }
.note { color: #57606a; font-size: 0.9rem; }
#mistakes td, #submissions td, #ungraded td { overflow-wrap: anywhere; }
"""


@dataclass
class Mistake:
    key: str
    exercise: manifest.Exercise
    message: str  # as the first submission that made it read it
    students: list[int] = field(default_factory=list)  # indices into the entries


def _e(text: object) -> str:
    return html.escape(visible(str(text)))


def named(test: TestResult) -> bool:
    """Whether a failing check named a mistake (not only "wrong value")."""
    return (not test.counts_as_passed and test.status != "skipped"
            and test.key.startswith("feedback.") and not test.key.endswith(GENERIC_ENDINGS))


def said(test: TestResult) -> str:
    """The check's message in the report's language from its key and fields where this kit can
    render them, else the message saved with it."""
    return catalog.render_or(test.key, test.fields, test.message)


def mistakes(results: list[RunResult | None]) -> list[Mistake]:
    """The named mistakes, most frequent first; each submission counted once per key."""
    found: dict[str, Mistake] = {}
    for index, result in enumerate(results):
        if result is None:
            continue
        for exercise in result.exercises:
            for test in exercise.tests:
                if not named(test):
                    continue
                mistake = found.setdefault(test.key, Mistake(
                    test.key, manifest.BY_ID.get(test.exercise, exercise.exercise), said(test)))
                if index not in mistake.students:
                    mistake.students.append(index)
    return sorted(found.values(), key=lambda m: (-len(m.students), m.key))


def _table(head: list[str], rows: list[list[str]], numbers: tuple[int, ...] = (),
           marks: list[str] | None = None) -> str:
    """rows are HTML already; the columns numbered in numbers are right-aligned; marks: each
    row's attributes (HTML), for a reader that looks the rows up."""
    marks = marks or [""] * len(rows)
    cells = "".join(
        f"<tr{mark}>" + "".join(f'<td class="number">{c}</td>' if i in numbers else f"<td>{c}</td>"
                         for i, c in enumerate(row)) + "</tr>" for row, mark in zip(rows, marks))
    return ("<table><thead><tr>" + "".join(f"<th>{_e(h)}</th>" for h in head)
            + f"</tr></thead><tbody>{cells}</tbody></table>")


def _figure(png: str, caption: str, name: str) -> str:
    return (f'<figure data-figure="{name}"><img alt="{_e(caption)}" '
            f'src="data:image/png;base64,{png}"><figcaption>{_e(caption)}</figcaption></figure>')


def _link(entries: list[Entry], pages: dict[int, str], index: int) -> str:
    name = _e(entries[index].submission)
    return f'<a href="{_e(quote(pages[index]))}">{name}</a>' if index in pages else name


def _distribution(graded: list[RunResult]) -> str:
    percents = [100 * r.score / r.max_score if r.max_score else 0.0 for r in graded]
    if not percents:
        return ""
    return _figure(class_figures.histogram(percents), catalog.text("class.figure.histogram"),
                   "histogram")


def _rates(graded: list[RunResult]) -> str:
    outcomes: dict[str, Counter] = {}
    for result in graded:
        for exercise in result.exercises:
            outcomes.setdefault(exercise.id, Counter())[exercise.status] += 1
    seen = {status for counts in outcomes.values() for status in counts}
    shown = [s for s in STATUSES if s in ALWAYS_SHOWN or s in seen]
    rows = []
    for exercise in manifest.EXERCISES:
        counts = outcomes.get(exercise.id)
        if counts is None:
            continue
        total = sum(counts.values())
        rows.append([_e(exercise.id), _e(exercise.section)]
                    + [f"{100 * counts[s] / total:.0f}% ({counts[s]})" for s in shown])
    head = [catalog.text("class.exercise"), catalog.text("class.section"),
            *(catalog.text(f"status.{s}") for s in shown)]
    return (f'<p class="note">{_e(catalog.text("class.rates.note"))}</p><div id="rates">'
            + _table(head, rows, tuple(range(2, 2 + len(shown)))) + "</div>")


def _mistakes(entries: list[Entry], pages: dict[int, str], found: list[Mistake]) -> str:
    if not found:
        return f'<p id="mistakes">{_e(catalog.text("class.mistakes.none"))}</p>'
    rows = [[f"<code>{_e(m.key)}</code>", f'<span style="white-space: pre-wrap">'
             f"{_e(m.message)}</span>", _e(m.exercise.id), _e(m.exercise.section),
             str(len(m.students)), ", ".join(_link(entries, pages, i) for i in m.students)]
            for m in found]
    marks = [f' class="mistake" data-key="{_e(m.key)}" data-count="{len(m.students)}"'
             for m in found]
    head = [catalog.text("class.key"), catalog.text("class.message"),
            catalog.text("class.exercise"), catalog.text("class.section"), catalog.text("class.count"),
            catalog.text("class.students")]
    return (f'<p class="note">{_e(catalog.text("class.mistakes.note"))}</p>'
            f'<div id="mistakes">{_table(head, rows, (4,), marks)}</div>')


def _number(extra: dict, key: str) -> float | None:
    """extra[key] if it is a number (a results file graded elsewhere may hold anything)."""
    value = extra.get(key)
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value == value
    return float(value) if ok else None


def _capstone(entries: list[Entry], pages: dict[int, str], results: list) -> str:
    # the exercise whose report shows an accuracy against a threshold (the trained capstone)
    exercise = next(e for e in manifest.EXERCISES if "accuracy" in e.shows)
    heading = catalog.text("class.capstone", title=catalog.title(exercise),
                           section=exercise.section)
    trained = [(i, e) for i, r in enumerate(results) if r is not None
               for e in r.exercises
               if e.id == exercise.id and _number(e.extra, "accuracy") is not None]
    if not trained:
        return (f"<h2>{_e(heading)}</h2>"
                f'<p id="capstone">{_e(catalog.text("class.capstone.none"))}</p>')
    threshold = _number(trained[0][1].extra, "threshold") or 0.0
    accuracies = [_number(e.extra, "accuracy") for _, e in trained]
    rows = [[str(n), _link(entries, pages, i), f"{_number(e.extra, 'accuracy'):.4f}",
             f"{_number(e.extra, 'threshold') or 0:.4f}",
             f"{_number(e.extra, 'seconds') or 0:.1f}", _e(catalog.text(f"status.{e.status}"))]
            for n, (i, e) in enumerate(trained, 1)]
    head = ["#", catalog.text("class.submission"), catalog.text("class.accuracy"),
            catalog.text("class.threshold"), catalog.text("class.seconds"),
            catalog.text("class.state")]
    caption = catalog.text("class.figure.capstone", threshold=threshold)
    return (f"<h2>{_e(heading)}</h2>"
            + _figure(class_figures.capstone(accuracies, threshold), caption, "capstone")
            + f'<div id="capstone">{_table(head, rows, (0, 2, 3, 4))}</div>')


def _submissions(entries: list[Entry], pages: dict[int, str],
                 similar: list[dict] | None = None) -> str:
    """The class table; with similar (the batch's similar_to and similarity, a row each), two
    columns more."""
    rows = []
    for index, entry in enumerate(entries):
        state, notes = _status(entry)
        total = "" if entry.results is None or entry.error else \
            f"{entry.results.score:g}/{entry.results.max_score:g}"
        rows.append([_link(entries, pages, index), total,
                     _e(catalog.text(f"class.state.{state}")), _e(notes)])
        if similar is not None:
            match = similar[index]
            share = match.get("similarity")
            rows[-1] += [_e(visible(str(match.get("similar_to") or ""))),
                         "" if share is None else f"{share:.2f}"]
    head = [catalog.text("class.submission"), catalog.text("class.total"),
            catalog.text("class.state"), catalog.text("class.notes")]
    if similar is not None:
        head += [catalog.text("class.similar_to"), catalog.text("class.similarity")]
    return f'<div id="submissions">{_table(head, rows, (1, 5))}</div>'


def _similarity(report: Path | None, folder: Path) -> str:
    """A line linking copydetect's report, when the batch made one."""
    if report is None:
        return ""
    target = os.path.relpath(Path(report).resolve(), Path(folder).resolve())
    link = (f'<a id="similarity-report" href="{_e(quote(Path(target).as_posix()))}">'
            f'{_e(catalog.text("class.similarity.link"))}</a>')
    before, after = catalog.text("class.similarity.report", link="\0").split("\0", 1)
    return f"<p>{_e(before)}{link}{_e(after)}</p>"


def _ungraded(entries: list[Entry]) -> str:
    rows = [[_e(e.submission), _e(_status(e)[1])] for e in entries if e.error]
    if not rows:
        return f'<p id="ungraded">{_e(catalog.text("class.ungraded.none"))}</p>'
    head = [catalog.text("class.submission"), catalog.text("class.notes")]
    return f'<div id="ungraded">{_table(head, rows)}</div>'


def _roster(entries: list[Entry], roster) -> str:
    """What did not match between the LMS's roster and the submissions (grader/instructor/lms.py),
    the same notes the LMS export lists on standard error and beside its file."""
    if roster is None:
        return ""
    from .lms import match
    _, notes = match(entries, roster)
    heading = f"<h2>{_e(catalog.text('class.roster'))}</h2>"
    if not notes:
        return heading + f'<p id="roster">{_e(catalog.text("class.roster.none"))}</p>'
    rows = [[_e(n.problem), _e(n.submission), _e(n.student), _e(n.detail)] for n in notes]
    head = [catalog.text("class.roster.problem"), catalog.text("class.submission"),
            catalog.text("class.roster.student"), catalog.text("class.notes")]
    return (heading + f"<p>{_e(catalog.text('class.roster.note'))}</p>"
            f'<div id="roster">{_table(head, rows)}</div>')


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="{_e(catalog.language())}"><head><meta charset="utf-8">'
            f"<title>{_e(title)}</title><style>{STYLE}</style></head><body>"
            f"<h1>{_e(title)}</h1>{body}</body></html>\n")


def _submission_page(result: RunResult) -> str:
    """The student's own HTML report, with a way back to the class."""
    back = f'<p><a href="../index.html">{_e(catalog.text("class.back"))}</a></p>'
    return html_report.render(result).replace("<body>", "<body>" + back, 1)


def render(entries: list[Entry], pages: dict[int, str], similar: list[dict] | None = None,
           similarity: str = "", roster=None) -> str:
    """The class page; pages: each graded entry's index -> its page's path from the index;
    similar and similarity: the batch's similarity columns and the line linking its report;
    roster: the LMS's roster (lms.Roster), whose mismatches get a section."""
    entries = scrubbed(entries)  # names, notes and messages are the students' text
    results = [e.results if e.results is not None and not e.error else None for e in entries]
    graded = [r for r in results if r is not None]
    max_score = max((r.max_score for r in graded), default=0.0)
    mean = sum(r.score for r in graded) / len(graded) if graded else 0.0
    summary = catalog.text("class.summary", graded=len(graded), total=len(entries), mean=mean,
                           max_score=max_score)
    sections = [
        f'<p id="summary">{_e(summary)}</p>',
        f"<h2>{_e(catalog.text('class.distribution'))}</h2>{_distribution(graded)}",
        f"<h2>{_e(catalog.text('class.rates'))}</h2>{_rates(graded)}",
        f"<h2>{_e(catalog.text('class.mistakes'))}</h2>"
        + _mistakes(entries, pages, mistakes(results)),
        _capstone(entries, pages, results),
        f"<h2>{_e(catalog.text('class.submissions'))}</h2>{similarity}"
        + _submissions(entries, pages, similar),
        f"<h2>{_e(catalog.text('class.ungraded'))}</h2>{_ungraded(entries)}",
        _roster(entries, roster),
    ]
    return _page(catalog.text("class.title"), "".join(sections))


def page_name(index: int, submission: str) -> str:
    """A page's path from the index: numbered, so that two names made alike stay apart."""
    return f"submissions/{index + 1:03d}-{safe_file_name(visible(submission)) or 'submission'}.html"


def write(entries: list[Entry], folder: Path, similar: list[dict] | None = None,
          similarity_report: Path | None = None, roster=None) -> Path:
    """Write the class report into folder (made if need be); the index page's path. similar:
    each entry's similar_to and similarity, and similarity_report copydetect's page, when the
    batch compared the submissions' code; roster, the LMS's, when grades go there too."""
    folder = Path(folder)
    pages = {}
    for index, entry in enumerate(entries):
        if entry.results is not None and not entry.error:
            pages[index] = page_name(index, entry.submission)
            write_atomically(folder / pages[index], _submission_page(entry.results))
    index_page = folder / "index.html"
    write_atomically(index_page, render(entries, pages, similar,
                                        _similarity(similarity_report, folder), roster))
    return index_page
