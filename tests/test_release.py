"""`grade release`: the student's copy holds the stubs and public suites, never a solution, and
refuses to be built when the master would leak one."""
from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader import manifest
from grader.cli import KIT_ROOT, main
from grader.instructor.release import ReleaseError, build_release, student_readme

MASTER_PARTS = ("grader", "exercises", "solutions", "data", "pyproject.toml", "README.md",
                "README.ja.md", ".gitignore")


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("release") / "student-kit"
    result = CliRunner().invoke(main, ["release", str(out), "--no-verify-venv"])
    assert result.exit_code == 0, result.output
    assert "checked" in result.stdout
    return out


def copy_master(folder: Path) -> Path:
    """A copy of the instructor's master, to tamper with."""
    master = folder / "master"
    for part in MASTER_PARTS:
        source = KIT_ROOT / part
        if source.is_dir():
            shutil.copytree(source, master / part,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif source.exists():
            master.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, master / part)
    return master


def solution_function(module: str, name: str) -> ast.FunctionDef:
    tree = ast.parse((KIT_ROOT / "solutions" / module).read_text())
    return next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name)


def body_text(module: str, name: str) -> str:
    """The reference body's source, docstring left out, dedented to one level of 4 spaces."""
    source = (KIT_ROOT / "solutions" / module).read_text()
    node = solution_function(module, name)
    lines = source.splitlines()[node.body[1].lineno - 1: node.body[-1].end_lineno]
    return "\n".join(lines) + "\n"


def text_files(root: Path) -> dict[Path, str]:
    texts = {}
    for path in root.rglob("*"):
        if path.is_file():
            try:
                texts[path] = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                pass
    return texts


def test_release_holds_the_stubs_suites_and_loader(release):
    for module in manifest.modules():
        stub = release / "exercises" / module
        assert stub.read_text() == (KIT_ROOT / "exercises" / module).read_text()
    assert (release / "grader" / "suites" / "conftest.py").is_file()
    assert sorted(p.name for p in (release / "grader" / "suites").rglob("test_*.py")) == \
        sorted(p.name for p in (KIT_ROOT / "grader" / "suites").rglob("test_*.py"))
    for name in ("pyproject.toml", ".gitignore", "README.md", "data/__init__.py",
                 "grader/cli.py", "grader/catalog/en/core.json", "grader/catalog/ja/core.json",
                 "README.ja.md"):
        assert (release / name).is_file(), name


def test_release_leaves_out_everything_instructor_only(release):
    for name in ("solutions", "grader/hidden", "tests", "bench", ".ci", "docs"):
        assert not (release / name).exists(), name
    assert not list(release.rglob("__pycache__")) and not list(release.rglob("*.egg-info"))
    for path in release.rglob("*.py"):
        imported = [n.module or "" for n in ast.walk(ast.parse(path.read_text()))
                    if isinstance(n, ast.ImportFrom)]
        assert not any(m.startswith("solutions") for m in imported), path


def test_student_readme_is_the_parts_marked_for_students(release):
    master = (KIT_ROOT / "README.md").read_text()
    readme = (release / "README.md").read_text()
    assert readme == student_readme(master) and len(readme) < len(master)
    assert "## For students" in readme and "<!-- grade-command -->" in readme
    assert "instructor" not in "".join(re.findall(r"(?m)^#+ .*$", readme)).lower()
    assert "<!-- test-command -->" not in readme and "--target solutions" not in readme
    assert "<!-- student -->" not in readme and "docs/" not in readme


def test_the_students_readme_holds_the_colab_cell(release):
    from test_colab import CELL  # the cell test_colab.py runs as a notebook would
    cell = CELL.search((release / "README.md").read_text())
    assert cell and cell.group(1) == CELL.search((KIT_ROOT / "README.md").read_text()).group(1)
    assert "DLFS_MNIST_DIR" in cell.group(1)


def test_student_readme_refuses_a_readme_it_cannot_assemble():
    setup = "<!-- grade-command -->\n```bash\ngrade\n```\n"
    tests = "<!-- test-command -->\n```bash\npytest\n```\n"
    assert student_readme(f"# kit\n<!-- student -->\n{setup}<!-- /student -->\n{tests}"
                          f"<!-- student -->\nmore\n<!-- /student -->\n") == setup + "\nmore\n"
    for broken in (setup + tests,  # nothing marked for students
                   f"<!-- student -->\n{setup}{tests}<!-- /student -->\n",
                   f"<!-- student -->\n{setup}<!-- student -->\nmore<!-- /student -->\n"):
        with pytest.raises(ReleaseError, match="README.md"):
            student_readme(broken)


# What a README names: code spans and fenced blocks (for `grade <verb>`), code spans (for paths),
# and Markdown links.
CODE = re.compile(r"```[^\n]*\n(.*?)```|`([^`\n]+)`", re.S)
GRADE_VERB = re.compile(r"(?:^|[\s!/])grade(?:\s+--lang\s+\w+)?\s+([a-z][a-z-]*)", re.M)
LINK = re.compile(r"\]\(([^)#\s]+)")


def names_in(text: str, copy: Path, commands: set[str]) -> dict[str, bool]:
    """Each command and kit path the text names, and whether the copy has it. A path counts as
    the kit's when its first part is in the master (`.ci/run`, `docs/`, `exercises/...`); what
    the set-up makes (`.venv/...`) or a student writes (`submission.zip`) is not the kit's."""
    named = {}
    for block, span in CODE.findall(text):
        for verb in GRADE_VERB.findall(block or span):
            named[f"grade {verb}"] = verb in commands
        for token in span.split():
            path = token.strip("'\"(),:;")
            top = path.split("/")[0]
            if top not in ("", ".", "..", ".venv") and (KIT_ROOT / top).exists():
                named[path] = (copy / path).exists()
    for target in LINK.findall(text):
        if "://" not in target:
            named[target] = (copy / target).exists()
    return named


@pytest.fixture(scope="module")
def copy_commands(release) -> set[str]:
    import subprocess
    import sys
    overview = subprocess.run([sys.executable, "-m", "grader.cli", "--help"], cwd=release,
                              capture_output=True, text=True, timeout=120).stdout
    listed = overview.split("Commands:", 1)[1]
    return set(re.findall(r"(?m)^  ([a-z][a-z-]*) ", listed))


@pytest.mark.parametrize("name", ["README.md", "README.ja.md"])
def test_the_students_readmes_name_only_what_the_copy_has(release, copy_commands, name):
    named = names_in((release / name).read_text(encoding="utf-8"), release, copy_commands)
    assert [n for n, present in named.items() if not present] == []
    assert {"grade run", "grade list", "grade hint", "grade submit"} <= set(named), named


def test_a_readme_naming_what_the_copy_lacks_is_caught(release, copy_commands):
    assert "run" in copy_commands and "batch" not in copy_commands
    leaky = ("CI runs them again (`.ci/numpy-lowest`), see [the guide](docs/instructors.md);\n"
             "```bash\ngrade batch submissions/\n```\nthen `grade run`, and edit "
             "`exercises/ch03/softmax.py` (not `bench/run`, nor `tests/`).")
    named = names_in(leaky, release, copy_commands)
    assert sorted(n for n, present in named.items() if not present) == \
        [".ci/numpy-lowest", "bench/run", "docs/instructors.md", "grade batch", "tests/"]
    assert named["grade run"] and named["exercises/ch03/softmax.py"]


def test_student_readme_in_japanese_ships_and_speaks_to_students(release):
    readme = (release / "README.ja.md").read_text(encoding="utf-8")
    assert readme == (KIT_ROOT / "README.ja.md").read_text(encoding="utf-8")
    assert "--lang ja" in readme and "DLFS_LANG" in readme and "ja_JP.UTF-8" in readme
    assert "ソフトマックス関数" in readme and "grade submit" in readme
    for exercise in manifest.EXERCISES:  # the table lists every exercise with its section
        assert f"| {exercise.id} |" in readme, exercise.id
    assert "--target solutions" not in readme and "instructor" not in readme.lower()


def stripped_lines(text: str) -> str:
    return "\n".join(line.strip() for line in text.splitlines()
                     if line.strip() and not line.strip().startswith("#"))


def test_no_reference_body_reaches_the_release(release):
    """Independently of the release's own check: the body of every exercise function and method
    of the reference, line by line as written there, appears in no file of the release."""
    texts = {path: stripped_lines(text) for path, text in text_files(release).items()}
    checked = 0
    for exercise in manifest.EXERCISES:
        if exercise.module is None:
            continue
        source = (KIT_ROOT / "solutions" / exercise.module).read_text()
        stub = stripped_lines((KIT_ROOT / "exercises" / exercise.module).read_text())
        tree = ast.parse(source)
        classes = [c for c in tree.body
                   if isinstance(c, ast.ClassDef) and c.name in exercise.names]
        functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)
                     and n.name in exercise.names]
        functions += [n for c in classes for n in c.body if isinstance(n, ast.FunctionDef)]
        for node in functions:
            start = node.body[1] if ast.get_docstring(node) else node.body[0]
            body = stripped_lines("\n".join(
                source.splitlines()[start.lineno - 1: node.body[-1].end_lineno]))
            if len(body) < 12 or body in stub:
                continue  # `return x`, or code the stub provides
            checked += 1
            for path, text in texts.items():
                assert body not in text, f"the body of {node.name} is in {path}"
    assert checked >= 15


def test_release_refuses_a_folder_that_is_not_empty(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    result = CliRunner().invoke(main, ["release", str(out), "--no-verify-venv"])
    assert result.exit_code == 2
    assert "not empty" in result.output and "delete" in result.output
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def with_comment(body: str) -> str:
    first, rest = body.split("\n", 1)
    return f"{first}  # my own idea\n    # nothing to see here\n{rest}"


@pytest.mark.parametrize("disguise", [
    lambda body: "\n\ndef _unused(a):\n" + body,
    lambda body: "\n\ndef _unused(a):\n" + with_comment(body),
    lambda body: "\n" + "".join(f"# {line.strip()}\n" for line in body.splitlines()),
], ids=["verbatim", "with comments added", "commented out"])
def test_solution_text_hidden_in_a_stub_is_refused(tmp_path, disguise):
    master = copy_master(tmp_path)
    with open(master / "exercises/ch03/softmax.py", "a") as stub:
        stub.write(disguise(body_text("ch03/softmax.py", "softmax")))
    out = tmp_path / "release"
    with pytest.raises(ReleaseError) as error:
        build_release(master, out, verify_venv=False)
    assert "softmax" in error.value.message and "exercises/ch03/softmax.py" in error.value.message
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["master"]


def test_a_stub_that_is_the_reference_is_refused(tmp_path):
    master = copy_master(tmp_path)
    shutil.copyfile(master / "solutions/ch03/softmax.py", master / "exercises/ch03/softmax.py")
    with pytest.raises(ReleaseError, match="the body of softmax is in exercises/ch03/softmax"):
        build_release(master, tmp_path / "release", verify_venv=False)
    assert not (tmp_path / "release").exists()


def test_a_stub_that_passes_is_refused_by_grading_the_release(tmp_path):
    """A stub with working code that is not the reference's text: the release's own grading run
    finds it, since every exercise of a release must be not started."""
    master = copy_master(tmp_path)
    stub = master / "exercises/ch03/activations.py"
    text, count = re.subn(r'raise NotImplementedError\("identity_function[^\n]*',
                          "return x  # done already", stub.read_text())
    assert count == 1
    stub.write_text(text)
    with pytest.raises(ReleaseError, match="identity_function: passed"):
        build_release(master, tmp_path / "release", verify_venv=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["master"]


@pytest.mark.slow
def test_release_installs_and_grades_in_a_fresh_venv(tmp_path):
    out = tmp_path / "student-kit"
    result = CliRunner().invoke(main, ["release", str(out)])
    assert result.exit_code == 0, result.output
    assert "fresh virtual environment" in result.stderr
    assert not list(out.rglob("*.egg-info")) and (out / "exercises").is_dir()


def test_the_students_copy_shows_only_the_students_commands(release):
    import subprocess
    import sys

    def grade(*args):
        return subprocess.run([sys.executable, "-m", "grader.cli", *args], cwd=release,
                              capture_output=True, text=True, timeout=120)
    overview = grade("--help").stdout
    assert "run" in overview and "hint" in overview
    assert not any(verb in overview for verb in ("release", "batch", "gradebook")), overview
    assert "--hidden" not in grade("run", "--help").stdout
    hidden = grade("run", "softmax", "--hidden")
    assert hidden.returncode == 2 and "no hidden checks" in hidden.stderr
    assert "Traceback" not in hidden.stderr
