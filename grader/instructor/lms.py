"""Grades into an LMS: the gradebook's totals as the CSV that Canvas or Moodle imports.

A roster says who each submission is: a Canvas gradebook export, a Moodle grades export, or a
plain CSV (the columns read are in ROSTER_COLUMNS, and in docs/instructors.md). A submission is
matched to a roster row by its name (the gradebook's `submission`) against the row's
`submission` cell when the roster has that column, else against every name, e-mail address and
id the row holds, case, spaces, `_` and `-` ignored. Nothing is dropped silently: a submission
with no row, a row with no submission, a name two rows share and a row two submissions claim are
each listed on standard error and in the notes CSV written beside the grades, and get no grade.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import click

from ..reporters import write_atomically
from .gradebook import BOM, Entry, _cell, _number

LMSES = ("canvas", "moodle")
DEFAULT_ASSIGNMENT = "dlfs-kit"
# Canvas's gradebook import: these five identify the student, then one column per assignment,
# named as in Canvas ("Name (id)" updates that assignment; a new name makes a new one).
CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_POINTS_ROW = "Points Possible"  # Canvas's exports carry it under the header
# Moodle's CSV import maps one column to the user ("Email address" to useremail, or "ID number"
# to useridnumber) and another to the grade item, in its "Map from"/"Map to" step.
MOODLE_IDS = (("email", "Email address"), ("id_number", "ID number"))

# The roster columns read, by field, under the header spellings accepted for each (compared in
# lower case with spaces and hyphens read as `_`). A Canvas export's `ID` is `canvas_id`; in any
# other roster a lone `id` is the student's `id_number`.
ROSTER_COLUMNS = {
    "submission": ("submission", "submission_name"),
    "name": ("name", "student", "student_name", "full_name"),
    "first_name": ("first_name", "given_name"),
    "last_name": ("last_name", "surname", "family_name"),
    "email": ("email", "email_address", "e_mail"),
    "id_number": ("id_number", "student_id", "student_number"),
    "canvas_id": ("canvas_id", "canvas_user_id"),
    "sis_user_id": ("sis_user_id",),
    "sis_login_id": ("sis_login_id", "login_id"),
    "section": ("section",),
}
# The file names Canvas gives a downloaded submission: sortablename[_late]_userid_submissionid_...
CANVAS_DOWNLOAD = re.compile(r"^[^_]+(?:_late)?_(\d+)_\d+(?:_|$)")
# and Moodle's "Download all submissions": Full Name_participantid_assignsubmission_file_...
MOODLE_DOWNLOAD = re.compile(r"^(.+?)_\d+_assignsubmission_[a-z]+(?:_|$)")


class RosterError(click.ClickException):
    """The roster cannot say who is who for this LMS; the message names the column and the fix.
    The instructor's input, not the kit's fault: exit status 1."""
    exit_code = 1


@dataclass
class Person:
    line: int  # the roster's line, for the notes
    fields: dict[str, str]
    keys: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        f = self.fields
        name = f.get("name") or " ".join(filter(None, (f.get("first_name"), f.get("last_name"))))
        ids = [f[k] for k in ("email", "id_number", "sis_login_id", "sis_user_id", "canvas_id")
               if f.get(k)]
        return " ".join(filter(None, [name, f"<{ids[0]}>" if ids else ""])) or f"line {self.line}"


@dataclass
class Roster:
    layout: str  # canvas, moodle or plain
    header: list[str]
    people: list[Person]


@dataclass
class Note:
    problem: str
    submission: str = ""
    student: str = ""
    detail: str = ""


def _key(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", unicodedata.normalize("NFKC", text).casefold())


def _header_field(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def _layout(header: set[str]) -> str:
    if {"student", "id", "section"} <= header:
        return "canvas"
    if "first_name" in header and header & {"email_address", "id_number"}:
        return "moodle"
    return "plain"


def read_roster(path: Path) -> Roster:
    """The people of a roster file, each with the keys a submission name may match."""
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterError(f"{path} is not UTF-8 text: save it as \"CSV UTF-8\" (Excel) or "
                          "export it again from the LMS") from None
    except OSError as error:
        raise RosterError(f"cannot read the roster {path}: {error.strerror}") from None
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    if not rows:
        raise RosterError(f"{path} is empty: pass the gradebook exported from the LMS, or a CSV "
                          "with a header row")
    header = rows[0]
    names = [_header_field(h) for h in header]
    layout = _layout(set(names))
    columns: dict[str, int] = {}
    for index, name in enumerate(names):
        if name == "id":
            columns.setdefault("canvas_id" if layout == "canvas" else "id_number", index)
        for key, spellings in ROSTER_COLUMNS.items():
            if name in spellings:
                columns.setdefault(key, index)
    people = []
    for line, row in enumerate(rows[1:], start=2):
        values = {k: row[i].strip() for k, i in columns.items() if i < len(row) and row[i].strip()}
        if values.get("name", "").startswith(CANVAS_POINTS_ROW) or not values:
            continue  # Canvas's points row, its other read-only rows, blank lines
        people.append(Person(line, values, _keys(values)))
    return Roster(layout, header, people)


def _keys(values: dict[str, str]) -> set[str]:
    if "submission" in values:
        return {_key(values["submission"])}
    keys = {values[k] for k in ("name", "email", "id_number", "sis_user_id", "sis_login_id")
            if k in values}
    first, last = values.get("first_name", ""), values.get("last_name", "")
    if first or last:
        keys |= {f"{first} {last}", f"{last} {first}"}
    if "," in values.get("name", ""):  # Canvas: "Tanaka, Taro"
        last, _, first = values["name"].partition(",")
        keys |= {f"{first} {last}", f"{last} {first}"}
    if "@" in values.get("email", ""):
        keys.add(values["email"].split("@")[0])
    found = {_key(k) for k in keys if k.strip()}
    if "canvas_id" in values:
        found.add("canvas:" + values["canvas_id"])
    return found


def _submission_keys(name: str) -> set[str]:
    keys = {_key(name)}
    download = CANVAS_DOWNLOAD.match(name)
    if download:
        keys.add("canvas:" + download.group(1))
    download = MOODLE_DOWNLOAD.match(name)
    if download:
        keys.add(_key(download.group(1)))
    return keys


def _require(roster: Roster, lms: str, path: Path) -> None:
    have = {k for p in roster.people for k in p.fields}
    if lms == "canvas" and not have & {"canvas_id", "sis_user_id", "sis_login_id"}:
        raise RosterError(
            f"the roster {path} has no column ID, SIS User ID or SIS Login ID, which Canvas "
            "matches students on: pass the gradebook exported from Canvas (Grades > Export), or "
            "add a column canvas_id, sis_user_id or sis_login_id")
    if lms == "moodle" and not have & {"email", "id_number"}:
        raise RosterError(
            f"the roster {path} has no column Email address or ID number, which Moodle's import "
            "identifies users by: export the grades from Moodle (Export > Plain text file) with "
            "those user fields, or add a column email or id_number")
    if not roster.people:
        raise RosterError(f"the roster {path} has a header but no students: export it again "
                          "with the students enrolled")


def check_roster(path: Path, lms: str) -> Roster:
    """The roster, if it can say who is who for lms; else RosterError."""
    roster = read_roster(path)
    _require(roster, lms, path)
    return roster


def match(entries: list[Entry], roster: Roster) -> tuple[dict[int, Entry], list[Note]]:
    """Each roster row's submission (by the row's index), and the notes on what did not match."""
    notes: list[Note] = []
    claims: dict[int, list[Entry]] = {}
    for entry in entries:
        keys = _submission_keys(entry.submission)
        found = [i for i, person in enumerate(roster.people) if person.keys & keys]
        if not found:
            notes.append(Note("no roster row", entry.submission,
                              detail="no roster row names this submission; no grade written"))
        elif len(found) > 1:
            notes.append(Note("several roster rows", entry.submission,
                              "; ".join(roster.people[i].label for i in found),
                              "the name matches more than one student; no grade written: add a "
                              "submission column to the roster"))
        else:
            claims.setdefault(found[0], []).append(entry)
    matched: dict[int, Entry] = {}
    for index, person in enumerate(roster.people):
        claimed = claims.get(index, [])
        if not claimed:
            notes.append(Note("no submission", student=person.label,
                              detail=f"roster line {person.line}: no submission matched"))
        elif len(claimed) > 1:
            notes.append(Note("several submissions", ", ".join(e.submission for e in claimed),
                              person.label, "more than one submission matches this student; "
                              "no grade written: keep one, or add a submission column"))
        else:
            matched[index] = claimed[0]
            if claimed[0].error:
                notes.append(Note("not graded", claimed[0].submission, person.label,
                                  " ".join(claimed[0].error.split()) + "; grade left blank"))
    return matched, notes


def _grade(entry: Entry | None) -> str:
    return "" if entry is None or entry.error else _number(entry.results.score)


def _canvas(roster: Roster, matched: dict[int, Entry], assignment: str, possible: str) -> list:
    if roster.layout == "canvas":  # the assignment as Canvas named it, with its id: updated
        same = re.compile(re.escape(assignment) + r"( \(\d+\))?")
        assignment = next((h for h in roster.header if same.fullmatch(h.strip())), assignment)
    rows = [[*CANVAS_COLUMNS, assignment], [CANVAS_POINTS_ROW, "", "", "", "", possible]]
    for index, entry in matched.items():
        f = roster.people[index].fields
        rows.append([_cell(f.get("name", "")), f.get("canvas_id", ""), f.get("sis_user_id", ""),
                     f.get("sis_login_id", ""), f.get("section", ""), _grade(entry)])
    return rows


def _moodle(roster: Roster, matched: dict[int, Entry], assignment: str) -> list:
    have = {k for p in roster.people for k in p.fields}
    ids = [(key, title) for key, title in MOODLE_IDS if key in have]
    rows = [[title for _, title in ids] + [assignment]]
    for index, entry in matched.items():
        f = roster.people[index].fields
        rows.append([f.get(key, "") for key, _ in ids] + [_grade(entry)])
    return rows


def _csv(rows: list[list[str]]) -> str:
    stream = io.StringIO()
    stream.write(BOM)  # Excel opens it as UTF-8 (a name such as 田中太郎 intact)
    csv.writer(stream, lineterminator="\r\n").writerows(rows)
    return stream.getvalue()


def notes_path(output: Path) -> Path:
    return Path(output).with_name(Path(output).stem + "-notes.csv")


def export(entries: list[Entry], lms: str, roster_path: Path, output: Path | None = None,
           assignment: str = DEFAULT_ASSIGNMENT,
           say: Callable[[str], None] = lambda line: None) -> tuple[Path, int, list[Note]]:
    """Write the grades CSV for lms (and its notes beside it); the path, grades, notes."""
    roster = check_roster(roster_path, lms)
    output = Path(output or f"grades-{lms}.csv")
    matched, notes = match(entries, roster)
    maxima = {_number(e.results.max_score) for e in matched.values() if not e.error}
    possible = max(maxima, key=float) if maxima else ""
    rows = (_canvas(roster, matched, assignment, possible) if lms == "canvas"
            else _moodle(roster, matched, assignment))
    write_atomically(output, _csv(rows))
    write_atomically(notes_path(output), _csv(
        [["problem", "submission", "student", "detail"]]
        + [[n.problem, _cell(n.submission), _cell(n.student), _cell(n.detail)] for n in notes]))
    for note in notes:
        say(f"{note.problem}: " + ", ".join(filter(None, (note.submission, note.student)))
            + f" ({note.detail})")
    return output, sum(1 for e in matched.values() if not e.error), notes
