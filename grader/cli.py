"""The `grade` command: a thin Click layer, each command parsing options and calling one function."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from . import commands, manifest
from .reporters import FORMATS

KIT_ROOT = Path(__file__).resolve().parent.parent


class KitFailure(click.ClickException):
    """The kit itself could not grade; the message says why and what to do."""
    exit_code = 2


@click.group(invoke_without_command=True)
@click.pass_context
def main(ctx: click.Context) -> None:
    """Grade your Deep Learning from Scratch exercises (chapters 3 and 4).

    With no command, `grade` runs `grade run`."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(run)


def _exercise_ids(ctx, param, values):
    unknown = [v for v in values if v not in manifest.BY_ID]
    if unknown:
        raise click.BadParameter(
            f"unknown exercise {unknown[0]!r}; `grade list` shows the ids", ctx, param)
    return values


@main.command()
@click.argument("ids", nargs=-1, callback=_exercise_ids)
@click.option("--target", default="exercises", show_default=True,
              help="What to grade: exercises, solutions, or a folder laid out like exercises/.")
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="text",
              show_default=True, help="Report format.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to this file (atomically) instead of standard output.")
@click.option("--skip-final", is_flag=True, help="Grade everything but the MNIST capstone.")
@click.option("--fail-under", type=float,
              help="Exit with status 1 when the score is below this many points.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="Seconds each check may run before it is stopped.")
@click.option("--hidden", is_flag=True,
              help="Also run the instructor's hidden checks (instructor copies only).")
@click.option("--verbose", is_flag=True, help="Show every failing check and full tracebacks.")
def run(ids, target, fmt, output, skip_final, fail_under, timeout, hidden, verbose):
    """Grade all exercises, or the ones named (e.g. `grade run softmax`)."""
    try:
        score = commands.run(ids, commands.target_path(target, KIT_ROOT), fmt=fmt,
                             output=output, skip_final=skip_final, timeout=timeout,
                             hidden=hidden, verbose=verbose)
    except commands.KitError as error:
        raise KitFailure(str(error)) from None
    if fail_under is not None and score < fail_under:
        sys.exit(1)


@main.command(name="list")
@click.option("--target", default="exercises", show_default=True,
              help="What to list the status of: exercises, solutions, or a folder.")
def list_(target):
    """List every exercise in book order with its section, points and status."""
    try:
        commands.list_exercises(commands.target_path(target, KIT_ROOT))
    except commands.KitError as error:
        raise KitFailure(str(error)) from None


@main.command()
@click.argument("exercise_id", metavar="ID", callback=lambda c, p, v: _exercise_ids(c, p, [v])[0])
def hint(exercise_id):
    """Show the hint for one exercise, then the book section to reread."""
    click.echo(commands.hint(exercise_id))


if __name__ == "__main__":  # pragma: no cover
    main()
