"""The `grade` command: a thin Click layer, each command parsing options and calling one function."""
from __future__ import annotations

import difflib
import sys
from pathlib import Path

import click

from . import catalog, commands, manifest
from .judge.sandbox import MODES
from .reporters import FORMATS
from .reporters.safe_text import visible
from .reset import ResetError
from .submit import SubmitError
from .targets import KIT_ROOT

# The students' copy ships neither the instructor's verbs nor the hidden checks: it shows neither.
INSTRUCTOR_COPY = (Path(__file__).parent / "instructor").is_dir()
HAS_HIDDEN = (Path(__file__).parent / "hidden").is_dir()


class KitFailure(click.ClickException):
    """The kit itself could not grade; the message says why and what to do."""
    exit_code = 2


# The student's to fix, so exit status 1 (2 is the kit's own fault, docs/instructors.md): an
# exercise that is already the stub or has none to reset, a file missing from what is handed in.
STUDENTS_TO_FIX = (ResetError, SubmitError)


class Grade(click.Group):
    """`grade`: one error path for every command, and `grade run`'s arguments without `run`."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except commands.KitError as error:
            raise KitFailure(str(error)) from None
        except STUDENTS_TO_FIX as error:
            raise click.ClickException(str(error)) from None

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """`grade -v`, `grade softmax`, `grade --lang ja --skip-final` are `grade run ...`: after
        the group's own --lang, what is neither a command's name nor the group's --help or
        --version goes to `grade run`. A mistyped command name stays the group's to refuse."""
        first = 0
        while first < len(args) and (args[first] == "--lang" or args[first].startswith("--lang=")):
            first += 2 if args[first] == "--lang" else 1
        word = args[first] if first < len(args) else None
        if word is not None and word not in (*self.commands, "--version", *ctx.help_option_names):
            mistyped = not word.startswith("-") and word not in manifest.BY_ID and \
                difflib.get_close_matches(word, list(self.commands), n=1)
            if not mistyped:
                args = [*args[:first], "run", *args[first:]]
        return super().parse_args(ctx, args)


SANDBOX_OPTION = click.option(
    "--sandbox", type=click.Choice(list(MODES)), default="auto", show_default=True)


def localise(group: click.Group) -> None:
    """Take every command's and option's help text from the catalog, in the chosen language.

    Click keeps help texts as plain strings on the objects and formats them only when --help is
    asked for, so setting them here (at import, and again once --lang is read) is enough. A
    command or option without a catalog key keeps the help it was given."""
    for name, command in [("main", group), *group.commands.items()]:
        if catalog.has(f"cli.{name}"):
            command.help = catalog.text(f"cli.{name}")
            command.short_help = command.help.split("\n")[0]
        for param in command.params:
            for key in (f"cli.{name}.{param.name}", f"cli.option.{param.name}"):
                if isinstance(param, click.Option) and catalog.has(key):
                    param.help = catalog.text(key)
                    break


def _choose_language(ctx, param, value):
    catalog.choose(value)  # None: DLFS_LANG and the locale decide
    localise(main)
    return value


@click.group(cls=Grade, invoke_without_command=True)
@click.version_option(package_name="dlfs-kit", message="%(prog)s (dlfs-kit) %(version)s")
# Eager, so that `grade --lang ja --help` already speaks Japanese.
@click.option("--lang", type=click.Choice(catalog.LANGUAGES), is_eager=True, expose_value=False,
              callback=_choose_language)
@click.pass_context
def main(ctx: click.Context) -> None:
    """Grade your Deep Learning from Scratch exercises (chapters 3 and 4).

    With no command, `grade` runs `grade run`."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(run)


def _exercise_ids(ctx, param, values):
    unknown = [v for v in values if v not in manifest.BY_ID]
    if unknown:
        close = difflib.get_close_matches(unknown[0], list(manifest.BY_ID), n=1)
        guess = catalog.text("kit.did_you_mean", name=close[0]) if close else ""
        raise click.BadParameter(
            catalog.text("kit.unknown_exercise", name=unknown[0], guess=guess), ctx, param)
    return values


@main.command()
@click.argument("ids", nargs=-1, callback=_exercise_ids)
# Help texts of `grade run`, `list`, `hint` and `submit` are in the catalog (localise()).
@click.option("--target", default="exercises", show_default=True)
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="text",
              show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--skip-final", is_flag=True)
@click.option("--fail-under", type=float)
@click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True)
@click.option("--total-timeout", type=click.FloatRange(min=1), default=1800.0, show_default=True,
              metavar="SECONDS")
@click.option("--hidden", is_flag=True, hidden=not HAS_HIDDEN)
@click.option("-v", "verbosity", count=True)
@click.option("--verbose", is_flag=True)
@click.option("--charge-once", is_flag=True, hidden=not INSTRUCTOR_COPY)
@SANDBOX_OPTION
def run(ids, target, fmt, output, skip_final, fail_under, timeout, total_timeout, hidden,
        verbosity, verbose, charge_once, sandbox):
    """Grade all exercises, or the ones named (e.g. `grade run softmax`)."""
    if hidden and not HAS_HIDDEN:
        raise commands.KitError(catalog.text("kit.no_hidden"))
    score = commands.run(ids, target, KIT_ROOT, fmt=fmt,
                         output=output, skip_final=skip_final, timeout=timeout,
                         total_timeout=total_timeout,
                         hidden=hidden, verbose=max(verbosity, 2 * verbose),
                         sandbox=sandbox, charge_once=charge_once)
    if fail_under is not None and score < fail_under:
        sys.exit(1)


@main.command(name="list")
@click.option("--target", default="exercises", show_default=True)
def list_(target):
    """List every exercise in book order with its section, points and status."""
    commands.list_exercises(commands.target_path(target, KIT_ROOT))


@main.command()
@click.argument("exercise_id", metavar="ID", callback=lambda c, p, v: _exercise_ids(c, p, [v])[0])
def hint(exercise_id):
    """Show the hint for one exercise, then the book section to reread."""
    click.echo(commands.hint(exercise_id))


@main.command()
@click.argument("ids", nargs=-1, callback=_exercise_ids)
@click.option("--target", default="exercises", show_default=True,
              help="Whose code to draw: exercises, solutions, or a folder laid out like "
                   "exercises/.")
@click.option("--out", "out_dir", default="plots", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Folder for the PNGs.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="Seconds your code may run for one figure.")
@SANDBOX_OPTION
def plot(ids, target, out_dir, timeout, sandbox):
    """Draw figures from your own functions (all, or those of the IDs named) as PNGs."""
    commands.plot(ids, target, KIT_ROOT, out_dir, timeout=timeout, sandbox=sandbox)


@main.command()
@click.argument("ids", nargs=-1, callback=_exercise_ids)
@click.option("--target", default="exercises", show_default=True,
              help="The folder to watch: exercises, or a folder laid out like exercises/.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="Seconds each check may run before it is stopped.")
@SANDBOX_OPTION
def watch(ids, target, timeout, sandbox):
    """Re-grade each exercise the moment its file is saved; Ctrl-C stops."""
    commands.watch(ids, target, KIT_ROOT, timeout=timeout, sandbox=sandbox)


@main.command()
@click.argument("exercise_id", metavar="ID", callback=lambda c, p, v: _exercise_ids(c, p, [v])[0])
@click.option("--target", default="exercises", show_default=True,
              help="The folder to reset in: exercises, or a folder laid out like exercises/.")
def reset(exercise_id, target):
    """Put an exercise's stub back; your version is kept beside it as a .backup file."""
    click.echo(commands.reset(exercise_id, target, KIT_ROOT))


@main.command()
@click.option("--target", default="exercises", show_default=True,
              help="The exercises the notebook grades: exercises, or a folder laid out like "
                   "exercises/.")
@click.option("--output", default="exercises.ipynb", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="The notebook to write.")
def notebook(target, output):
    """Write the exercises as a Jupyter notebook: each one's docstring and a check() cell."""
    click.echo(commands.notebook(target, KIT_ROOT, output))


@main.command()
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--no-verify-venv", is_flag=True,
              help="Skip installing the release in a fresh virtual environment (pip needs a "
                   "package index); its stubs are still graded with this Python.")
# Where classes are graded: each target is one option (README, "Where classes are graded").
@click.option("--gradescope", "gradescope_zip", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write Gradescope's autograder zip (setup.sh, run_autograder, the "
                   "kit with its hidden checks) to this file.")
@click.option("--hidden-visibility", default="after_published", show_default=True,
              type=click.Choice(["hidden", "after_due_date", "after_published", "visible"]),
              help="When Gradescope shows students the hidden checks' results.")
@click.option("--github-classroom", is_flag=True,
              help="Add a GitHub Classroom autograding workflow to the release "
                   "(.github/workflows/classroom.yml).")
def release(out_dir, no_verify_venv, gradescope_zip, hidden_visibility, github_classroom):
    """Build the students' copy of the kit in OUT_DIR: no solutions, no hidden checks."""
    from .instructor.release import build_release
    files = build_release(KIT_ROOT, out_dir, verify_venv=not no_verify_venv,
                          say=lambda line: click.echo(line, err=True),
                          github_classroom=github_classroom)
    click.echo(f"release: {len(files)} files in {out_dir}, checked")
    if gradescope_zip is not None:
        from .instructor.gradescope_zip import build_gradescope_zip
        names = build_gradescope_zip(KIT_ROOT, gradescope_zip, hidden_visibility)
        click.echo(f"gradescope: {len(names)} files in {gradescope_zip}; upload it as the "
                   "autograder's zip file")


def lms_options(command):
    """--lms, --roster, --assignment, --output: the grades also as the CSV an LMS imports."""
    for option in reversed([
        click.option("--lms", type=click.Choice(["canvas", "moodle"]),
                     help="Also write the totals as the CSV this LMS imports (needs --roster)."),
        click.option("--roster", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     help="Who each submission is: the LMS's gradebook export, or a CSV with a "
                          "submission column (docs/instructors.md lists the columns read)."),
        click.option("--assignment", default="dlfs-kit", show_default=True,
                     help="The LMS's name of the assignment column."),
        click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
                     help="The LMS's CSV (default: grades-canvas.csv or grades-moodle.csv); its "
                          "notes go beside it, in NAME-notes.csv."),
    ]):
        command = option(command)
    return command


def report_options(command):
    """--report DIR and --lang: the class report (grader/instructor/class_report.py)."""
    command = click.option(
        "--lang", type=click.Choice(catalog.LANGUAGES), expose_value=False,
        callback=lambda c, p, v: v and _choose_language(c, p, v),  # unset: `grade --lang`'s
        help="The language of the class report (default: `grade --lang`, DLFS_LANG, then the "
             "locale).")(command)
    return click.option(
        "--report", "report_dir", type=click.Path(file_okay=False, path_type=Path),
        help="Also write the class report in this folder: index.html (scores, each exercise's "
             "rates, the most frequent mistakes, the capstone) and a page per submission."
    )(command)


def _reported(report_dir) -> None:
    if report_dir is not None:
        click.echo(f"report: {report_dir / 'index.html'}")


def _check_lms(lms, roster):
    """Refuse a missing or unusable roster before grading or merging anything; the roster read
    (lms.Roster), or None without --lms."""
    if (lms is None) != (roster is None):
        raise click.UsageError("--lms and --roster go together: the LMS, and who is who in it")
    if lms is None:
        return None
    from .instructor.lms import check_roster
    return check_roster(roster, lms)


def _to_lms(entries, lms, roster, assignment, output) -> None:
    if lms is None:
        return
    from .instructor.lms import export, notes_path
    path, grades, notes = export(entries, lms, roster, output, assignment,
                                 say=lambda line: click.echo(visible(line), err=True))
    click.echo(f"{lms}: {grades} grades in {path}; {len(notes)} notes in {notes_path(path)}")


@main.command()
@click.argument("submissions", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("ids", nargs=-1, callback=_exercise_ids)
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True,
              help="Submissions graded at the same time.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the gradebook CSV here: a row per submission.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write every submission's full results here.")
@click.option("--skip-final", is_flag=True, help="Grade everything but the MNIST capstone.")
@click.option("--hidden", is_flag=True, help="Also run the instructor's hidden checks.")
@click.option("--timeout", type=click.FloatRange(min=1), default=1800.0, show_default=True,
              help="Seconds one submission may take in all; then it scores zero.")
@click.option("--charge-once/--no-charge-once", default=False,
              help="Charge each mistake once: rescore checks that failed through a failing "
                   "prerequisite with that prerequisite's reference in place (the instructor's "
                   "copy only). Off by default, as in every other path.")
@SANDBOX_OPTION
@click.option("--scheduler", metavar="ADDRESS",
              help="Grade each submission as a task on this running Dask cluster: its "
                   "scheduler's tcp://host:port or scheduler file (needs the kit's cluster "
                   "extra; docs/instructors.md).")
@lms_options
@click.option("--similarity", is_flag=True,
              help="Also compare the submissions' code with copydetect (the instructor extra): "
                   "the CSV and JSON name each one's closest match, and its HTML report goes "
                   "next to the CSV.")
@click.option("--similarity-reference", "similarity_references", multiple=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A folder of public code to compare with too (the book's repository, a study "
                   "group's); repeat for more.")
@click.option("--similarity-threshold", type=click.FloatRange(0, 1, min_open=True),
              help="The share of a submission's own code found elsewhere that names a match "
                   "(default 0.5).")
@report_options
def batch(submissions, ids, jobs, csv_path, json_path, skip_final, hidden, timeout, charge_once,
          sandbox, scheduler, lms, roster, assignment, output, similarity,
          similarity_references, similarity_threshold, report_dir):
    """Grade every sub-folder and .zip of SUBMISSIONS (all exercises, or the IDS named)."""
    from .instructor import similarity as similar
    from .instructor.batch import run_batch
    if csv_path is None and json_path is None and lms is None and report_dir is None:
        raise click.UsageError("give --csv FILE, --json FILE, --lms canvas|moodle, --report DIR "
                               "or several: where the grades go")
    people = _check_lms(lms, roster)
    if not similarity and (similarity_references or similarity_threshold is not None):
        raise click.UsageError("--similarity-reference and --similarity-threshold go with "
                               "--similarity: add it")
    check = similar.settings(KIT_ROOT, submissions, similarity_references,
                             similarity_threshold or similar.DEFAULT_THRESHOLD,
                             (csv_path, json_path, output), report_dir) if similarity else None
    if scheduler is not None:
        from .instructor.cluster import NEEDS
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise KitFailure(NEEDS) from None
    mode = commands.confinement(sandbox, hidden, batch=True)
    if charge_once:
        commands.reference_folder(KIT_ROOT)
    entries = run_batch(KIT_ROOT, submissions, csv_path, json_path, jobs=jobs,
                        skip_final=skip_final, hidden=hidden, timeout=timeout, ids=ids,
                        sandbox=mode, charge_once=charge_once, similar=check,
                        report=report_dir, scheduler=scheduler, roster=people)
    if check is not None:
        click.echo(f"similarity report: {check.report}")
    failed = [e.submission for e in entries if e.error]
    click.echo(visible(f"graded {len(entries) - len(failed)} of {len(entries)} submissions"
                       + (f"; not graded: {', '.join(failed)}" if failed else "")))
    _to_lms(entries, lms, roster, assignment, output)
    _reported(report_dir)


@main.command()
@click.argument("results", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the gradebook CSV here: a row per results file.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write all the results in one file, as `grade batch --json` does.")
@click.option("--allow-mixed", is_flag=True,
              help="Merge results graded against different exercise manifests (kit versions) "
                   "or with different settings (--charge-once, --hidden, --skip-final).")
@lms_options
@report_options
def gradebook(results, csv_path, json_path, allow_mixed, lms, roster, assignment, output,
              report_dir):
    """Merge `grade run --format json` results files into one gradebook CSV, or an LMS's."""
    from .instructor.gradebook import merge
    if csv_path is None and lms is None and report_dir is None:
        raise click.UsageError("give --csv FILE, --lms canvas|moodle, --report DIR or several: "
                               "where the grades go")
    people = _check_lms(lms, roster)
    entries = merge(list(results), csv_path, json_path, allow_mixed=allow_mixed,
                    report=report_dir, roster=people)
    if csv_path is not None:
        click.echo(f"gradebook: {len(entries)} rows in {csv_path}")
    _to_lms(entries, lms, roster, assignment, output)
    _reported(report_dir)


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice([*FORMATS, "classroom"]), default="text",
              show_default=True, help="How to render it: the formats of `grade run --format`, "
                                      "or classroom (GitHub Classroom's base64 report).")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to this file instead of the terminal.")
@click.option("--lang", type=click.Choice(catalog.LANGUAGES), expose_value=False,
              # unset, it keeps what `grade --lang` chose
              callback=lambda c, p, v: v and _choose_language(c, p, v),
              help="The language of the report (default: `grade --lang`, DLFS_LANG, then "
                   "the locale).")
@click.option("-v", "--verbose", is_flag=True,
              help="Text format: every failing check's message, not only the first.")
def report(file, fmt, output, verbose):
    """Render a saved results file (`grade run --format json --output FILE`) again; nothing is
    graded."""
    commands.report(file, fmt, output, verbose=verbose)


@main.command()
@click.option("--target", default="exercises", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--name")
def submit(target, output, name):
    """Write the zip to hand in: your exercises/ folder, without caches or hidden files."""
    from .submit import hand_in
    folder = commands.target_path(target, KIT_ROOT)
    last = commands.last_results(folder)  # the reminders read its JSON form
    click.echo("\n".join(hand_in(folder, output, name, last.to_dict() if last else {})))


if not INSTRUCTOR_COPY:
    for _verb in ("release", "batch", "gradebook"):
        main.commands.pop(_verb, None)
localise(main)  # in the language of DLFS_LANG or the locale; --lang redoes it


if __name__ == "__main__":  # pragma: no cover
    main()
