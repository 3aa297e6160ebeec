"""One page to read and share: the score table, each failing check's message, the hints, and the
figures, in a single self-contained HTML file (figures as base64 PNG, no network, no script).

Like every reporter it reruns nothing: the figures were drawn before (grader/figures) and are
handed in as files."""
from __future__ import annotations

import base64
import html
from pathlib import Path

from .. import catalog
from ..results import ExerciseResult, RunResult
from .safe_text import scrubbed, visible
from .text import capstone_lines

COLOURS = {"passed": "#1a7f37", "partial": "#9a6700", "failed": "#cf222e", "error": "#cf222e",
           "not_started": "#6e7781", "timeout": "#8250df", "blocked": "#0969da"}
STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       color: #1f2328; line-height: 1.45; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.3rem 0.6rem; border-bottom: 1px solid #d0d7de;
         vertical-align: top; }
td.points { text-align: right; white-space: nowrap; }
.status { font-weight: 600; white-space: nowrap; }
.details { font-size: 0.92rem; }
.details p { margin: 0.2rem 0; white-space: pre-wrap; }
.hint { color: #57606a; }
.title { color: #57606a; font-size: 0.85rem; }
figure { margin: 1.5rem 0; }
figure img { max-width: 100%; border: 1px solid #d0d7de; }
figcaption { color: #57606a; font-size: 0.9rem; }
.total { font-size: 1.2rem; font-weight: 600; margin-top: 1rem; }
"""


PRE = ' style="white-space: pre-wrap"'  # a message's own line breaks and indents kept


def _e(text: object) -> str:
    return html.escape(str(text))


def _details(result: ExerciseResult) -> str:
    # Each check by its title in the report's language, its pytest name after it
    feedback = result.feedback(every_problem=True, named=True, titled=True)
    lines = [f"<p{PRE}>{_e(line)}</p>" for line in feedback]
    lines += [f"<p{PRE}>{_e(line)}</p>" for line in capstone_lines(result)]
    if result.status != "passed" and catalog.has(f"hint.{result.id}"):
        hint = catalog.text("html.hint", hint=catalog.text(f"hint.{result.id}"),
                            section=result.exercise.section)
        lines.append(f'<p class="hint"{PRE}>{_e(hint)}</p>')
    return "".join(lines)


def _row(result: ExerciseResult) -> str:
    status = catalog.text(f"status.{result.status}")
    colour = COLOURS.get(result.status, "#1f2328")
    details = _details(result)
    # Inline styles for what must show where the page's <style> is not (a notebook's output)
    return (f'<tr class="exercise" data-id="{_e(result.id)}" data-status="{_e(result.status)}">'
            f'<td title="{_e(catalog.title(result.exercise))}">{_e(result.id)}'
            f'<div class="title">{_e(catalog.title(result.exercise))}</div></td>'
            f"<td>{_e(result.exercise.section)}</td>"
            f'<td class="points">{result.score:g}/{result.max_score:g}</td>'
            f'<td class="status" style="color: {colour}; font-weight: 600">{_e(status)}</td>'
            f'<td class="details" style="text-align: left">{details}</td></tr>')


def table(result: RunResult, table_id: str = "") -> str:
    """The score table, a row per exercise with its feedback and hint: the HTML report's, and
    check()'s in a notebook (grader/notebook.py)."""
    result = scrubbed(result)  # no bidi override or control reaches the page, escaped or not
    head = [catalog.text("html.exercise"), catalog.text("html.section"),
            catalog.text("html.points"), catalog.text("html.status"), catalog.text("html.feedback")]
    where = f' id="{_e(table_id)}"' if table_id else ""
    return (f'<table{where} class="dlfs-scores"><thead><tr>'
            + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr></thead><tbody>"
            + "".join(_row(e) for e in result.exercises) + "</tbody></table>")


def _figure(name: str, path: Path) -> str:
    data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
    caption = catalog.text(f"html.figure.{name}")
    return (f'<figure data-figure="{_e(name)}"><img alt="{_e(caption)}" '
            f'src="data:image/png;base64,{data}"><figcaption>{_e(caption)}</figcaption></figure>')


def render(result: RunResult, figures: dict[str, Path] | None = None,
           skipped: list[str] | None = None) -> str:
    """The page. figures: {name: PNG path} drawn for this run; skipped: the lines of those
    that could not be drawn."""
    result = scrubbed(result)  # no bidi override or control reaches the page, escaped or not
    skipped = [visible(line) for line in skipped or []]
    public = [t for e in result.exercises for t in e.tests if not t.hidden]
    summary = [catalog.text("report.target", target=result.target,
                            how=catalog.text(f"report.sandbox.{result.sandbox}")),
               catalog.text("report.checks", passed=sum(t.status == "passed" for t in public),
                            total=len(public))]
    if result.kit_error:
        summary.append(result.kit_error)
    pictures = "".join(_figure(name, path) for name, path in (figures or {}).items())
    notes = "".join(f"<li>{_e(line)}</li>" for line in skipped or [])
    total = catalog.text("report.total", score=result.score, max_score=result.max_score,
                         seconds=result.seconds)
    title = catalog.text("html.title")
    return (f'<!DOCTYPE html>\n<html lang="{_e(catalog.language())}"><head><meta charset="utf-8">'
            f"<title>{_e(title)}</title><style>{STYLE}</style></head><body>"
            f"<h1>{_e(title)}</h1>" + "".join(f"<p>{_e(s)}</p>" for s in summary)
            + table(result, "scores")
            + f'<p class="total" id="total">{_e(total)}</p><p>{_e(result.next_step())}</p>'
            + (f"<h2>{_e(catalog.text('html.figures'))}</h2>{pictures}" if pictures else "")
            + (f'<ul class="skipped">{notes}</ul>' if notes else "")
            + "</body></html>\n")
