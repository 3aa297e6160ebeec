"""Gradescope: `grade release --gradescope ZIP` unpacked into a fake /autograder root (the scripts
take it from DLFS_AUTOGRADER_ROOT), run_autograder on real submissions, each results.json checked
against Gradescope's documented format and against `grade run`'s score."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader import catalog, manifest
from grader.cli import main
from grader.reporters import gradescope
from grader import results as model
from grader.submit import pack
from submissions import SOLUTIONS, grade_json, patched_submission

VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
FULL = sum(e.points for e in manifest.EXERCISES if e.id != manifest.CAPSTONE)


def check_format(data: dict) -> None:
    """Gradescope's results.json, as its autograder specification documents it."""
    assert isinstance(data["score"], (int, float))
    assert isinstance(data["execution_time"], (int, float))
    assert isinstance(data["output"], str) and data["output"]
    assert data["visibility"] in VISIBILITIES and data["stdout_visibility"] in VISIBILITIES
    for test in data["tests"]:
        assert isinstance(test["name"], str) and test["name"]
        assert isinstance(test["score"], (int, float))
        assert isinstance(test["max_score"], (int, float)) and 0 <= test["score"] <= \
            test["max_score"] + 1e-9
        assert test["status"] in ("passed", "failed")
        assert isinstance(test["output"], str)
        assert test["visibility"] in VISIBILITIES
    assert abs(sum(t["score"] for t in data["tests"]) - data["score"]) < 0.011


def unpack(archive: Path, root: Path) -> None:
    """As Gradescope does: the zip into root/source, with the modes it records (as unzip)."""
    with zipfile.ZipFile(archive) as bundle:
        for info in bundle.infolist():
            path = Path(bundle.extract(info, root / "source"))
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                path.chmod(mode)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("gradescope")
    result = CliRunner().invoke(main, ["release", str(where / "student"), "--no-verify-venv",
                                       "--gradescope", str(where / "autograder.zip")])
    assert result.exit_code == 0, result.output
    return where / "autograder.zip"


def fake_root(tmp_path: Path, archive: Path, upload: dict[str, bytes | str] | None) -> Path:
    """An /autograder root: the zip in source/, this test run's venv as its venv (setup.sh's own
    venv is the slow test's), the capstone skipped (it trains for a minute; tests of its own)."""
    root = tmp_path / "autograder"
    unpack(archive, root)
    config = root / "source" / "gradescope.json"
    config.write_text(json.dumps({**json.loads(config.read_text()), "skip_final": True}))
    (root / "venv").symlink_to(sys.prefix, target_is_directory=True)
    (root / "submission").mkdir()
    for name, content in (upload or {}).items():
        path = root / "submission" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return root


def run_autograder(root: Path) -> dict:
    env = {**os.environ, "DLFS_AUTOGRADER_ROOT": str(root)}
    env.pop("PYTHONPATH", None)
    done = subprocess.run([str(root / "source" / "run_autograder")], cwd=root, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads((root / "results" / "results.json").read_text())
    check_format(data)
    return data


def zipped_solutions(tmp_path: Path, base: Path = SOLUTIONS) -> bytes:
    pack(base, tmp_path / "submission.zip")
    return (tmp_path / "submission.zip").read_bytes()


def test_the_zip_holds_the_scripts_and_the_judge_but_no_solutions(built):
    with zipfile.ZipFile(built) as bundle:
        infos = {i.filename: i for i in bundle.infolist()}
    for script in ("setup.sh", "run_autograder"):
        assert (infos[script].external_attr >> 16) & 0o777 == 0o755
    assert "grader/hidden/ch03/test_softmax.py" in infos
    assert "grader/instructor/autograder.py" in infos and "pyproject.toml" in infos
    assert json.loads(zipfile.ZipFile(built).read("gradescope.json"))["hidden_visibility"] \
        == "after_published"
    assert not [n for n in infos if n.split("/")[0] in ("solutions", "tests", "bench", ".ci")]


@pytest.mark.slow  # a second whole grading run of the reference, to compare
@pytest.mark.needs_mnist
def test_a_complete_submission_scores_as_grade_run_does(built, tmp_path):
    root = fake_root(tmp_path, built, {"submission.zip": zipped_solutions(tmp_path)})
    data = run_autograder(root)
    assert data["score"] == FULL
    code, results = grade_json(SOLUTIONS, "--hidden", "--skip-final", "--sandbox", "none")
    assert code == 0 and data["score"] == results["score"]
    hidden = [t for t in data["tests"] if t["name"].endswith("hidden checks")]
    assert hidden and all(t["visibility"] == "after_published" for t in hidden)
    public = [t for t in data["tests"] if t not in hidden]
    assert [t["name"].split()[0] for t in public] == \
        [e.id for e in manifest.EXERCISES if e.id != manifest.CAPSTONE]
    assert all(t["visibility"] == "visible" for t in public)


@pytest.mark.needs_mnist
def test_loose_files_are_laid_out_as_exercises(built, tmp_path):
    """A student who uploads softmax.py, losses.py... without their folders is graded, not told
    `No module named ...` once per exercise."""
    upload = {Path(m).name: (SOLUTIONS / m).read_text() for m in manifest.modules()}
    data = run_autograder(fake_root(tmp_path, built, upload))
    assert data["score"] == FULL
    assert "No module named" not in json.dumps(data)


def test_an_empty_submission_is_told_what_to_hand_in(built, tmp_path):
    data = run_autograder(fake_root(tmp_path, built, None))
    assert data["score"] == 0 and data["tests"] == []
    assert "grade submit" in data["output"] and "--target" not in data["output"]


def test_an_upload_without_exercise_files_is_told_what_to_hand_in(built, tmp_path):
    data = run_autograder(fake_root(tmp_path, built, {"notes.txt": "my answers"}))
    assert data["score"] == 0 and "grade submit" in data["output"]
    assert "softmax.py" in data["output"]


def test_a_refused_zip_is_a_results_json_saying_why(built, tmp_path):
    # One extraction for `grade batch` and Gradescope (grader/instructor/unzip.py): its limits,
    # here on a zip of empty folders nested 200 deep, hold for an upload too.
    archive = tmp_path / "nested.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("exercises/" + "x/" * 200, "")
    data = run_autograder(fake_root(tmp_path, built, {"submission.zip": archive.read_bytes()}))
    assert data["score"] == 0 and data["tests"] == []
    assert "levels deep" in data["output"] and "grade submit" in data["output"]


@pytest.mark.parametrize("shape, reason", [("deep", "nests folders 33 levels deep"),
                                           ("wide", "more than 2000 files and folders")])
def test_an_unpacked_upload_past_the_limits_is_told_why(built, tmp_path, shape, reason):
    # What Gradescope unpacked itself is held to the zip's limits before anything walks it.
    root = fake_root(tmp_path, built, {"exercises/ch03/softmax.py": "x = 1\n"})
    upload = root / "submission"
    if shape == "deep":
        (upload / Path(*["d"] * 33)).mkdir(parents=True)
    else:
        for i in range(2001):
            (upload / "many" / str(i)).mkdir(parents=True)
    data = run_autograder(root)
    assert data["score"] == 0 and data["tests"] == []
    assert reason in data["output"] and "grade submit" in data["output"]


@pytest.mark.needs_mnist
@pytest.mark.slow  # a whole graded run through run_autograder, as the one below
def test_escapes_and_a_lone_surrogate_in_a_message_still_write_results_json(built, tmp_path):
    from submissions import read_fixture
    fixture = read_fixture(Path(__file__).parent / "hostile" / "bad_text.py")
    patched = patched_submission(tmp_path, {fixture["module"]: fixture["text"]})
    data = run_autograder(fake_root(tmp_path / "gs", built,
                                    {"submission.zip": zipped_solutions(tmp_path, patched)}))
    softmax = [t for t in data["tests"] if t["name"].startswith("softmax ")]
    assert softmax and all(t["score"] == 0 for t in softmax)
    assert r"\x1b[2J" in softmax[0]["output"]
    assert not [t for t in data["tests"] if "\x1b" in t["output"] or "\u202e" in t["output"]]
    assert data["score"] > 0  # the other exercises kept their points


@pytest.mark.needs_mnist
@pytest.mark.slow  # a second whole graded run like the one above
def test_a_broken_submission_costs_only_its_exercise(built, tmp_path):
    broken = patched_submission(tmp_path, {"ch03/softmax.py": "def softmax(a:\n"})
    data = run_autograder(fake_root(tmp_path / "gs", built,
                                    {"submission.zip": zipped_solutions(tmp_path, broken)}))
    rows = {t["name"]: t for t in data["tests"]}
    softmax = [t for n, t in rows.items() if n.startswith("softmax ")]
    assert softmax and all(t["score"] == 0 and t["status"] == "failed" for t in softmax)
    assert "SyntaxError" in softmax[0]["output"]
    code, results = grade_json(broken, "--hidden", "--skip-final", "--sandbox", "none")
    assert data["score"] == results["score"] < FULL


def _result(hidden_status: str, extra: dict | None = None) -> model.RunResult:
    exercise = manifest.BY_ID["mnist_final" if extra else "softmax"]
    tests = [model.TestResult("suites/x.py::test_public", exercise.id, 1.0, "passed"),
             model.TestResult("hidden/x.py::test_secret", exercise.id, 1.0, hidden_status,
                              message="softmax([7, 7]) returned the SECRET value", hidden=True)]
    built = model.build_exercise(exercise, tests)
    built.extra.update(extra or {})
    return model.RunResult([built], 1.0, "/x", hidden=True)


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_hidden_checks_never_show_at_once_unless_asked(visibility):
    data = json.loads(gradescope.render(_result("failed"), hidden_visibility=visibility))
    check_format(data)
    public, hidden = data["tests"]
    assert public["visibility"] == "visible" and public["status"] == "passed"
    assert hidden["visibility"] == visibility and hidden["status"] == "failed"
    assert "SECRET" in hidden["output"] and "SECRET" not in public["output"] + data["output"]
    assert "hidden" not in public["output"] and public["score"] == public["max_score"]
    assert data["score"] == public["score"] + hidden["score"] < 6


def test_the_capstone_shows_its_accuracy_and_threshold():
    data = json.loads(gradescope.render(_result("passed", {"accuracy": 0.9461,
                                                           "threshold": 0.93,
                                                           "seconds": 41.2})))
    assert "0.9461" in data["tests"][0]["output"] and "0.9300" in data["tests"][0]["output"]


def test_the_release_refuses_an_unknown_visibility(tmp_path):
    result = CliRunner().invoke(main, ["release", str(tmp_path / "out"), "--gradescope",
                                       str(tmp_path / "a.zip"), "--hidden-visibility", "soon"])
    assert result.exit_code == 2 and "after_published" in result.output


@pytest.mark.slow
@pytest.mark.needs_mnist
def test_setup_sh_installs_the_kit_in_a_fresh_venv_that_grades(built, tmp_path):
    """setup.sh's Python steps as Gradescope runs them (apt-get left out): a new venv, the kit
    installed with pip, MNIST fetched and verified; then run_autograder with that venv."""
    root = fake_root(tmp_path, built, {"submission.zip": zipped_solutions(tmp_path)})
    (root / "venv").unlink()
    env = {**os.environ, "DLFS_AUTOGRADER_ROOT": str(root), "DLFS_SKIP_SYSTEM_PACKAGES": "1"}
    env.pop("PYTHONPATH", None)
    done = subprocess.run(["bash", str(root / "source" / "setup.sh")], env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "MNIST ready" in done.stdout and (root / "venv" / "bin" / "grade").exists()
    assert run_autograder(root)["score"] == FULL


# Right wherever the public checks look, wrong on integer input and on a batch of one, where
# sigmoid's and three_layer_net's hidden checks look.
HIDDEN_ONLY_SIGMOID = '''
_right_sigmoid = sigmoid


def sigmoid(x):
    x = np.asarray(x)
    if x.dtype.kind in "iu" or (x.ndim == 2 and x.shape[0] == 1):
        return np.zeros(x.shape)
    return _right_sigmoid(x)
'''


def test_the_visible_rows_tell_nothing_the_hidden_checks_found(tmp_path):
    # Graded for real: the whole run blocks three_layer_net on sigmoid, whose hidden checks
    # fail; the rows a student sees at once, and resubmits against, come from the public
    # checks alone, which all pass.
    from grader.grading import grade_exercises
    from grader.runner import RunOptions, sandbox_mode
    target = patched_submission(tmp_path, {"ch03/activations.py": HIDDEN_ONLY_SIGMOID})
    options = RunOptions(target=target, hidden=True, sandbox=sandbox_mode("auto")[0])
    result = grade_exercises(("sigmoid", "three_layer_net"), options)
    net = next(e for e in result.exercises if e.id == "three_layer_net")
    assert net.blocked_by == "sigmoid" and net.recoverable > 0, net
    data = json.loads(gradescope.render(result))
    check_format(data)
    seen = [t for t in data["tests"] if t["visibility"] == "visible"]
    assert [t["name"].split()[0] for t in seen] == ["sigmoid", "three_layer_net"]
    assert all(t["status"] == "passed" and t["score"] == t["max_score"] for t in seen), seen
    shown = "\n".join(t["output"] for t in seen)
    assert "Blocked" not in shown and "hang on" not in shown and "hidden" not in shown, shown
    assert data["output"] == catalog.text("gradescope.public_done")
    hidden = [t for t in data["tests"] if t["visibility"] != "visible"]
    assert hidden and any(t["status"] == "failed" for t in hidden)


def test_points_hanging_on_a_prerequisite_never_exceed_the_row():
    sigmoid, net = manifest.BY_ID["sigmoid"], manifest.BY_ID["three_layer_net"]
    calls = ["ch03/activations.py:sigmoid"]
    failing = model.build_exercise(sigmoid, [
        model.TestResult("suites/s.py::test_values", "sigmoid", 1.0, "failed")])
    tests = [model.TestResult("suites/n.py::test_forward", net.id, 1.0, "failed", called=calls),
             *(model.TestResult(f"hidden/n.py::test_{i}", net.id, 1.0, "failed", called=calls,
                                hidden=True) for i in range(3))]
    blocked = model.blocked(net, "sigmoid", tests)
    data = json.loads(gradescope.render(model.RunResult([failing, blocked], 1.0, "/x",
                                                        hidden=True)))
    row = next(t for t in data["tests"] if t["name"].startswith("three_layer_net ("))
    assert row["max_score"] == 1.5  # one check of four: a quarter of the 6 points
    assert "Up to 1.5 points of this exercise hang on sigmoid" in row["output"], row
