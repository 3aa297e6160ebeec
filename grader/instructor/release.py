"""`grade release`: the student's copy of the kit, built from the instructor's master.

The copy is assembled in a hidden folder beside OUT_DIR and renamed into place only after it has
checked itself: no reference solution's text is in any of its files, and its own `grade run
--skip-final` scores zero with every exercise "not started" (with this Python, then optionally
from a fresh virtual environment, installed the way the README tells students to). Where MNIST
cannot be had (no network and no local copy), the exercises that need it are left out of that
run, and their stubs are called directly instead: each must raise NotImplementedError."""
from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import click

from data.errors import MnistError
from data.mnist import load_mnist

from .. import manifest
from .leaks import reference_leaks
from ..results import ResultsFileError, RunResult

# What ships besides exercises/ and grader/: the data loader, the shipped arrays, packaging, and
# the students' README in Japanese (README.md is assembled by student_readme instead).
SHIPPED_GLOBS = ("data/*.py", "data/*.npz", "pyproject.toml", ".gitignore", "README.ja.md")
# Instructor-only parts of the folders that do ship.
STUBS = Path("grader") / "stubs"  # a copy of exercises/ as released, for `grade reset`
NEVER_SHIPPED = ("grader/hidden", "grader/instructor")
CLASSROOM_WORKFLOW = ".github/workflows/classroom.yml"  # with --github-classroom
JUNK = ("__pycache__", ".pytest_cache", ".mypy_cache", ".ipynb_checkpoints")
# README.md's parts for students lie between these markers; the rest (the pointers to docs/ for
# instructors and developers, the kit's own test command) stays in the master.
STUDENT_PART = re.compile(r"<!-- student -->\n(.*?)<!-- /student -->\n?", re.S)


class ReleaseError(click.ClickException):
    """The release could not be built, or failed its own checks; the message says what to fix."""
    exit_code = 2


def _is_junk(relative: Path) -> bool:
    return (any(part in JUNK or part.endswith(".egg-info") for part in relative.parts)
            or relative.suffix in (".pyc", ".pyo")
            or any(relative.as_posix().startswith(p + "/") for p in NEVER_SHIPPED))


def _needs_solutions(path: Path) -> bool:
    """A developer script importing the reference solutions cannot run without them."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (SyntaxError, UnicodeDecodeError):
        return False
    modules = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    modules += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    return any(m.split(".")[0] == "solutions" for m in modules)


def shipped_files(kit_root: Path) -> list[Path]:
    """The master's files that the release copies as they are, relative to kit_root."""
    files = [p for folder in ("exercises", "grader") for p in (kit_root / folder).rglob("*")]
    files += [p for pattern in SHIPPED_GLOBS for p in kit_root.glob(pattern)]
    relative = {p.relative_to(kit_root) for p in files if p.is_file()}
    return sorted(r for r in relative if not _is_junk(r)
                  and not (r.suffix == ".py" and r.parts[0] != "exercises"
                           and _needs_solutions(kit_root / r)))


def student_readme(text: str) -> str:
    """The students' README.md: the parts of the master's README.md marked for students, joined.

    Assembled from what is marked rather than cut by headings, so a section added for
    instructors or developers stays out unless someone marks it for students."""
    parts = STUDENT_PART.findall(text)
    readme = "\n".join(part.rstrip("\n") + "\n" for part in parts)
    if not parts or "<!-- grade-command -->" not in readme:
        raise ReleaseError("README.md: no part for students holds the set-up command; put the "
                           "students' text between <!-- student --> and <!-- /student --> lines")
    if "<!-- student -->" in readme or "<!-- test-command -->" in readme:
        raise ReleaseError("README.md: a <!-- student --> part is not closed, or holds the "
                           "kit's test command; close each part with <!-- /student --> and "
                           "keep <!-- test-command --> outside them")
    return readme


def check_no_reference(kit_root: Path, release: Path) -> None:
    leaks = reference_leaks(kit_root, release)
    if leaks:
        raise ReleaseError("reference solution text would reach students:\n  "
                           + "\n  ".join(leaks) + "\nput `raise NotImplementedError(...)` back "
                           "in the stub (or delete the copied text), then run `grade release` "
                           "again")


def check_scores_zero(results_file: Path, returncode: int, where: str,
                      expected: list[str] | None = None) -> None:
    """The release's own `grade run --skip-final` must give every exercise of expected (default:
    all but the capstone) "not started"."""
    try:
        results = RunResult.load(results_file)
    except ResultsFileError as error:
        raise ReleaseError(f"the release, graded {where}: `grade run` wrote no results (exit "
                           f"status {returncode}): {error.message}")
    if results.kit_error:
        raise ReleaseError(f"the release, graded {where}: `grade run` could not grade:\n"
                           f"{results.kit_error}")
    if expected is None:
        expected = [e.id for e in manifest.quick()]
    statuses = {e.id: (e.status, e.score) for e in results.exercises}
    wrong = [f"{i}: {statuses.get(i, ('missing', 0))[0]} ({statuses.get(i, (0, 0))[1]:g} points)"
             for i in expected if statuses.get(i) != ("not_started", 0)]
    if returncode != 0 or wrong or results.score != 0:
        raise ReleaseError(f"the release, graded {where}: its stubs must all score 0 as not "
                           f"started, but (exit status {returncode}):\n  " + "\n  ".join(wrong)
                           + "\nmake each stub's body `raise NotImplementedError(...)`")


# Run in the release with its Python: calls each named stub with None for every argument it
# requires and prints, as JSON, what each did.
_CALL_STUBS = """
import importlib, inspect, json, sys
done = {}
for module, names in json.loads(sys.argv[1]).items():
    loaded = importlib.import_module("exercises." + module[:-3].replace("/", "."))
    for name in names:
        function = getattr(loaded, name, None)
        if function is None:
            done[name] = "missing"
            continue
        required = [p for p in inspect.signature(function).parameters.values()
                    if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY,
                                                           p.POSITIONAL_OR_KEYWORD)]
        try:
            function(*[None] * len(required))
            done[name] = "returned"
        except NotImplementedError:
            done[name] = "not_started"
        except BaseException as error:
            done[name] = f"raised {type(error).__name__}: {error}"
print(json.dumps(done))
"""


def mnist_problem() -> str | None:
    """None when MNIST can be loaded (downloading it if need be), else the loader's reason."""
    try:
        load_mnist(normalize=False)
    except MnistError as error:
        return str(error)
    return None


def check_stubs_raise(interpreter: str, kit: Path, exercises: list[manifest.Exercise],
                      where: str) -> None:
    """Each named function of these exercises' stubs must raise NotImplementedError at once."""
    names = {}
    for exercise in exercises:
        names.setdefault(exercise.module, []).extend(exercise.names)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([interpreter, "-B", "-c", _CALL_STUBS, json.dumps(names)], cwd=kit,
                          env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    try:
        outcome = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise ReleaseError(f"the release, {where}: its stubs {', '.join(names)} could not be "
                           f"called (exit status {done.returncode}):\n{done.stderr[-2000:]}")
    wrong = [f"{name}: {what}" for name, what in outcome.items() if what != "not_started"]
    if wrong:
        raise ReleaseError(f"the release, {where}: its stubs must all raise "
                           f"NotImplementedError, but:\n  " + "\n  ".join(wrong)
                           + "\nmake each stub's body `raise NotImplementedError(...)`")


def _grade_release(python: list[str], interpreter: str, kit: Path, scratch: Path, where: str,
                   without_mnist: bool = False) -> None:
    """Grade the release's stubs; without_mnist: leave out the exercises that need MNIST and
    call their stubs directly instead."""
    output = scratch / "results.json"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # nothing may be added to the release it grades
    graded = [e for e in manifest.EXERCISES
              if e.in_quick_runs and not (without_mnist and e.uses_mnist)]
    ids = [e.id for e in graded] if without_mnist else []
    done = subprocess.run([*python, "run", *ids, "--skip-final", "--target",
                           str(kit / "exercises"), "--format", "json", "--output", str(output)],
                          cwd=kit, env=env, stdin=subprocess.DEVNULL, capture_output=True)
    check_scores_zero(output, done.returncode, where, [e.id for e in graded])
    if without_mnist:
        check_stubs_raise(interpreter, kit, [e for e in manifest.quick() if e.uses_mnist],
                          where)


def check_fresh_venv(release: Path, scratch: Path, without_mnist: bool = False) -> None:
    """Install a copy of the release as the README says (a new venv, `pip install -e .`), and
    grade it with that venv's `grade`. A copy, so the install leaves nothing in the release."""
    kit = scratch / "kit"
    shutil.copytree(release, kit)
    venv = scratch / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True,
                   stdin=subprocess.DEVNULL, capture_output=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    pip = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                          "-e", str(kit)], env=env, stdin=subprocess.DEVNULL,
                         capture_output=True, text=True)
    if pip.returncode != 0:
        raise ReleaseError("`pip install -e .` of the release failed in a fresh virtual "
                           f"environment:\n{pip.stderr[-2000:]}\nfix pyproject.toml, or pass "
                           "--no-verify-venv when this machine cannot reach a package index")
    _grade_release([str(venv / "bin" / "grade")], str(venv / "bin" / "python"), kit, scratch,
                   "in a fresh venv", without_mnist)


def _refuse(kit_root: Path, out_dir: Path) -> None:
    if not (kit_root / "solutions").is_dir():
        raise ReleaseError(f"{kit_root} has no solutions/: run `grade release` in the "
                           "instructor's master copy of the kit, not in a student release")
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise ReleaseError(f"{out_dir} already exists and is not empty: give a new folder, or "
                           "delete that one first")
    for folder in ("exercises", "grader", "data", "solutions"):
        if out_dir.is_relative_to(kit_root / folder):
            raise ReleaseError(f"{out_dir} is inside the kit's {folder}/: give a folder "
                               "outside it")


def build_release(kit_root: Path, out_dir: Path, verify_venv: bool = True,
                  say=lambda line: None, github_classroom: bool = False) -> list[Path]:
    """Build the student's copy of kit_root in out_dir, check it, and list its files.

    github_classroom: add the GitHub Classroom autograding workflow (CLASSROOM_WORKFLOW)."""
    kit_root, out_dir = Path(kit_root).resolve(), Path(out_dir).resolve()
    _refuse(kit_root, out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}.partial-"))
    scratch = Path(tempfile.mkdtemp(prefix="dlfs-release-"))
    try:
        say(f"copying the student's files from {kit_root}")
        for relative in shipped_files(kit_root):
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(kit_root / relative, staging / relative)
        (staging / "README.md").write_text(
            student_readme((kit_root / "README.md").read_text(encoding="utf-8")),
            encoding="utf-8")
        if github_classroom:
            workflow = staging / CLASSROOM_WORKFLOW
            workflow.parent.mkdir(parents=True)
            shutil.copyfile(Path(__file__).parent / "templates" / "classroom.yml", workflow)
        missing = [m for m in manifest.modules() if not (staging / "exercises" / m).is_file()]
        if missing:
            raise ReleaseError(f"the master has no stub exercises/{missing[0]}: write it first")
        for module in manifest.modules():  # the pristine stubs `grade reset` puts back
            (staging / STUBS / module).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(staging / "exercises" / module, staging / STUBS / module)
        files = sorted(p.relative_to(staging) for p in staging.rglob("*") if p.is_file())
        say("checking that no reference solution text is in the release")
        check_no_reference(kit_root, staging)
        problem = mnist_problem()
        if problem:
            needing = ", ".join(e.id for e in manifest.quick() if e.uses_mnist)
            say(f"MNIST cannot be loaded here, so {needing} is checked by calling its stubs "
                f"directly instead of grading them; the loader said: {problem.splitlines()[0]}")
        say("grading the release's stubs: every exercise must be not started")
        _grade_release([sys.executable, "-m", "grader.cli"], sys.executable, staging, scratch,
                       "with this Python", bool(problem))
        if verify_venv:
            say("installing the release in a fresh virtual environment and grading it there")
            check_fresh_venv(staging, scratch, bool(problem))
        os.chmod(staging, 0o755)  # mkdtemp made it private; the release is for sharing
        os.rename(staging, out_dir)
        return files
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
