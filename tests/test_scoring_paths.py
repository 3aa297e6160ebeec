"""One score through every path: the same submission, with one failing prerequisite, graded by
each way the kit grades a class, gives the same total for the same settings (issue #19).

The submission is the reference with a numerical_gradient that does not restore x, so
two_layer_net's checks that call it fail and it is blocked. Charge-once is off by default in
every path (docs/instructors.md, "Each mistake charged once"), so no path rescores it.

- with the hidden checks and without the capstone: `grade run --hidden --skip-final`,
  `grade batch`, `grade gradebook` of the run's results file, Gradescope's run_autograder in a
  temporary root, and the container image's documented `grade batch` command, run in a copy of
  the kit laid out as the Dockerfile's COPY lines lay it out (no solutions/; docker does not run
  here), with --hidden --skip-final added;
- without hidden checks and with the capstone, which the GitHub Classroom workflow cannot skip
  (it has no such setting, and the students' copy has no hidden checks): the workflow's own
  steps in a students' release, against `grade run`."""
from __future__ import annotations

import csv
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader import catalog
from grader.cli import main
from submissions import ROOT, by_id, grade_json, patched_submission, read_fixture
from test_classroom import node, points, release, run_steps, steps  # noqa: F401 (fixtures)
from test_docker import DOCKERFILE, instructions
from test_gradescope import built, fake_root, run_autograder  # noqa: F401 (fixtures)

BROKEN = read_fixture(ROOT / "tests" / "mistakes" / "numerical_gradient" / "x_not_restored.py")
pytestmark = [pytest.mark.slow, pytest.mark.needs_mnist]  # several whole grading runs each


def one_failing_prerequisite(folder: Path) -> Path:
    return patched_submission(folder, {BROKEN["module"]: BROKEN["text"]})


def grade_batch(args: list[str], csv_path: Path, json_path: Path, cwd: Path | None = None,
                env: dict | None = None) -> tuple[dict, dict]:
    """`grade batch ARGS --json JSON_PATH` (here, or in the kit at cwd); the CSV row and the
    JSON results of its one submission."""
    args = [*args, "--json", str(json_path)]
    if cwd is None:
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
    else:
        done = subprocess.run([sys.executable, "-m", "grader.cli", *args], cwd=cwd, env=env,
                              capture_output=True, text=True, stdin=subprocess.DEVNULL,
                              timeout=1800)
        assert done.returncode == 0, done.stdout + done.stderr
    [row] = list(csv.DictReader(open(csv_path, encoding="utf-8-sig")))
    [entry] = json.loads(json_path.read_text())
    assert row["status"] == "ok" and "error" not in entry, (row, entry)
    return row, entry["results"]


def image_kit(image: Path) -> Path:
    """The kit as the Dockerfile's COPY lines put it in /kit: never solutions/."""
    kit = image / "kit"
    for name, args in instructions(DOCKERFILE.read_text()):
        if name == "COPY":
            for source in args.split()[:-1]:
                if (ROOT / source).is_dir():
                    shutil.copytree(ROOT / source, kit / source, ignore=shutil.ignore_patterns(
                        "__pycache__", "*.egg-info"))
                else:
                    kit.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(ROOT / source, kit / source)
    assert not (kit / "solutions").exists() and (kit / "grader" / "hidden").is_dir()
    return kit


def documented_batch_command() -> list[str]:
    """The `grade batch` command the Dockerfile's header tells instructors to run."""
    [line] = [line.lstrip("# ") for line in DOCKERFILE.read_text().splitlines()
              if line.startswith("#") and "grade batch /submissions" in line]
    return shlex.split(line)


def hanging(row: dict) -> list[float]:
    """The points a visible Gradescope row says hang on a prerequisite."""
    pattern = re.escape(catalog.text("blocked.recoverable", points=0.125, prerequisite="@")
                        ).replace("0\\.125", r"([0-9.]+)").replace("@", r"\w+")
    return [float(found) for found in re.findall(pattern, row["output"])]


def test_the_same_total_with_hidden_checks_through_every_instructor_path(built, tmp_path):
    submission = one_failing_prerequisite(tmp_path / "one")
    code, run, results_file = grade_json(submission, "--hidden", "--skip-final",
                                         keep_output=True)
    assert code == 0
    net = by_id(run)["two_layer_net"]
    assert net["status"] == "blocked" and net["blocked_by"] == "numerical_gradient", net
    assert net["score"] < 10 and "charged_once" not in net
    assert (run["charge_once"], run["hidden_tests_included"], run["skipped_final"]) == \
        (False, True, True)
    total = run["score"]
    totals = {"grade run --hidden": total}

    # grade batch, by default: no charge-once, though this copy has the reference
    submissions = tmp_path / "submissions"
    shutil.copytree(submission, submissions / "student" / "exercises")
    row, batched = grade_batch(["batch", str(submissions), "--csv", str(tmp_path / "b.csv"),
                                "--hidden", "--skip-final"], tmp_path / "b.csv",
                               tmp_path / "b.json")
    totals["grade batch"] = float(row["total"])
    assert batched["score"] == total and batched["charge_once"] is False

    # grade gradebook of the per-job results file
    merged = CliRunner().invoke(main, ["gradebook", str(results_file), "--csv",
                                       str(tmp_path / "gradebook.csv")])
    assert merged.exit_code == 0, merged.output
    [row] = list(csv.DictReader(open(tmp_path / "gradebook.csv", encoding="utf-8-sig")))
    totals["grade gradebook"] = float(row["total"])

    # Gradescope: hidden checks on, the capstone skipped by fake_root
    root = fake_root(tmp_path / "gradescope", built, None)
    shutil.copytree(submission, root / "submission" / "exercises")
    graded = run_autograder(root)
    totals["Gradescope"] = graded["score"]
    visible = [t for t in graded["tests"] if t["visibility"] == "visible"]
    net_row = next(t for t in visible if t["name"].startswith("two_layer_net "))
    assert net_row["status"] == "failed" and hanging(net_row), net_row["output"]
    for shown in visible:  # never more hanging on a prerequisite than the row is worth
        assert all(points <= shown["max_score"] for points in hanging(shown)), shown

    # the container image's command, in a kit without solutions/; /submissions is image/...
    image = tmp_path / "image"
    kit = image_kit(image)
    shutil.copytree(submission, image / "submissions" / "student" / "exercises")
    command = documented_batch_command()
    assert command[:3] == ["grade", "batch", "/submissions"] and "--charge-once" not in command
    args = [str(image / a.lstrip("/")) if a.startswith("/submissions") else a
            for a in command[1:]]
    env = {**os.environ, "PYTHONPATH": str(kit)}  # the image's kit, not this checkout's
    row, imaged = grade_batch([*args, "--hidden", "--skip-final"],
                              Path(args[args.index("--csv") + 1]), tmp_path / "image.json",
                              cwd=kit, env=env)
    assert imaged["kit_version"] and imaged["charge_once"] is False
    totals["container image"] = float(row["total"])
    # that kit is the one graded with: it has no reference, so charge-once cannot run in it
    refused = subprocess.run([sys.executable, "-m", "grader.cli", *args, "--charge-once"],
                             cwd=kit, env=env, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2 and "instructor's copy" in refused.stderr, refused.stderr

    assert set(totals.values()) == {total}, totals


def test_the_same_total_without_hidden_checks_through_github_classroom(steps, release,
                                                                        tmp_path):
    """The workflow's steps as the runner runs them, in the students' copy with this
    submission as exercises/, against `grade run` of the same folder: the capstone trains in
    both, since the workflow cannot skip it."""
    kit = tmp_path / "kit"
    shutil.copytree(release, kit)
    shutil.rmtree(kit / "exercises")
    one_failing_prerequisite(tmp_path / "one")
    shutil.copytree(tmp_path / "one" / "submission", kit / "exercises")
    outputs = run_steps(steps, kit, tmp_path, str(Path(sys.executable).parent), install=False)
    scored, possible, report = points(outputs)
    results = json.loads((kit / "grade-results" / "results.json").read_text())
    assert (results["charge_once"], results["hidden_tests_included"],
            results["skipped_final"]) == (False, False, False)
    assert by_id(results)["two_layer_net"]["status"] == "blocked"
    code, direct = grade_json(kit / "exercises")
    assert code == 0 and direct["score"] == results["score"] and possible == 100
    assert abs(scored - direct["score"]) < 0.011  # a sum of per-exercise scores (2 decimals)
