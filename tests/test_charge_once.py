"""Each mistake charged once (grader/charge_once.py): a dependent whose checks failed through a
failing prerequisite is rescored with that prerequisite's reference in place, and nothing of the
reference, or of the rerun's messages, reaches a report."""
from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from submissions import EXERCISES, SOLUTIONS, by_id, grade_json, patched_submission, read_fixture

from grader import manifest
from grader.charge_once import WRAPPER, hybrid
from grader.cli import main
from grader.commands import KitError, reference_folder
from grader.judge.sandbox import bwrap_problem

MISTAKES = Path(__file__).parent / "mistakes"
IDS = ("numerical_gradient", "gradient_descent", "two_layer_net")


def _placed_names(block: str) -> set[str]:
    """The names the reference source inside a charge-once block defines."""
    wrapper = next(n for n in ast.parse(block).body if isinstance(n, ast.FunctionDef))
    source = ast.literal_eval(wrapper.args.defaults[0])
    return {n.name for n in ast.parse(source).body if isinstance(n, (ast.FunctionDef,
                                                                       ast.ClassDef))}


@pytest.mark.parametrize("exercise", [e for e in manifest.EXERCISES if e.module],
                         ids=lambda e: e.id)
def test_hybrid_places_only_the_failing_prerequisite(exercise, tmp_path):
    folder = hybrid(EXERCISES, SOLUTIONS, [exercise], tmp_path / "hybrid")
    for path in EXERCISES.rglob("*.py"):
        relative = path.relative_to(EXERCISES).as_posix()
        placed = (folder / relative).read_text(encoding="utf-8")
        original = path.read_text(encoding="utf-8")
        if relative != exercise.module:
            assert placed == original, f"{relative} changed though {exercise.id} is elsewhere"
            continue
        assert placed.startswith(original)
        assert _placed_names(placed[len(original):]) == set(exercise.names)


def _run_in(folder: Path, code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=folder.parent, text=True,
                          capture_output=True, timeout=60)


def test_a_placed_prerequisite_runs_beside_the_students_own_code(tmp_path):
    gradient = manifest.BY_ID["numerical_gradient"]
    folder = hybrid(EXERCISES, SOLUTIONS, [gradient], tmp_path / "hybrid")
    done = _run_in(folder, (
        "import numpy as np\n"
        "from hybrid.ch04 import gradient as g\n"
        "print(g.numerical_gradient(lambda x: np.sum(x**2), np.array([3.0, 4.0])).tolist())\n"
        "print(g.numerical_gradient.__code__.co_filename.endswith('ch04/gradient.py'))\n"
        "try:\n    g.gradient_descent(lambda x: np.sum(x**2), np.array([3.0, 4.0]))\n"
        "except NotImplementedError:\n    print('stub')\n"
        f"print(hasattr(g, {WRAPPER!r}))\n"))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.split()
    assert [round(v, 6) for v in json.loads(done.stdout.splitlines()[0])] == [6.0, 8.0]
    assert lines[-3:] == ["True", "stub", "False"], done.stdout


def _both_broken(tmp_path: Path) -> Path:
    """numerical_gradient that does not restore x (which breaks the checks of gradient_descent
    and TwoLayerNet that call it) and, in the same file, a gradient_descent with its sign
    flipped: a mistake of its own."""
    fixtures = [read_fixture(MISTAKES / name) for name in
                ("numerical_gradient/x_not_restored.py", "gradient_descent/sign_flipped.py")]
    return patched_submission(tmp_path, {"ch04/gradient.py": "\n\n".join(f["text"]
                                                                        for f in fixtures)})


def test_charge_once_gives_back_only_what_the_prerequisite_cost(tmp_path):
    submission = _both_broken(tmp_path)
    _, plain = grade_json(submission, *IDS, "--skip-final")
    _, once = grade_json(submission, *IDS, "--skip-final", "--charge-once")
    plain, once = by_id(plain), by_id(once)

    assert plain["two_layer_net"]["status"] == "blocked"
    assert plain["two_layer_net"]["score"] < 10 and "charged_once" not in plain["two_layer_net"]
    assert plain["two_layer_net"]["recoverable"] == 10 - plain["two_layer_net"]["score"]
    assert once["two_layer_net"]["score"] == 10
    assert once["two_layer_net"]["charged_once"] == {
        "points": 10 - plain["two_layer_net"]["score"], "prerequisites": ["numerical_gradient"]}
    assert any(t.get("rescored") for t in once["two_layer_net"]["tests"])
    # Only scores come from the rerun: every message is the first run's.
    assert [t["message"] for t in once["two_layer_net"]["tests"]] == \
        [t["message"] for t in plain["two_layer_net"]["tests"]]
    # The prerequisite itself is charged in full, and gradient_descent, in the same file,
    # keeps its own mistake: the reference gradient_descent was never put in place.
    assert once["numerical_gradient"]["score"] == plain["numerical_gradient"]["score"] < 8
    assert plain["gradient_descent"]["score"] <= once["gradient_descent"]["score"] < 5
    assert "recoverable" not in once["gradient_descent"]


def test_charge_once_needs_the_reference(tmp_path):
    with pytest.raises(KitError, match="instructor's copy"):
        reference_folder(tmp_path)


@pytest.mark.slow  # a whole grade batch; the charging itself is covered by the test above
def test_grade_batch_charges_once_only_when_asked(tmp_path):
    """Off by default, as in every path (Gradescope, Classroom and the image have no
    reference): the same submission totals the same wherever it is graded."""
    submission = _both_broken(tmp_path / "one")
    folder = tmp_path / "submissions"
    shutil.copytree(submission, folder / "student" / "exercises")
    runs = {}
    for flag in ("--charge-once", "--no-charge-once", None):
        out = tmp_path / f"grades{flag}.json"
        args = ["batch", str(folder), "two_layer_net", "numerical_gradient", "--skip-final",
                "--json", str(out)] + ([flag] if flag else [])
        args += ["--sandbox", "none"] if bwrap_problem() else []
        result = CliRunner().invoke(main, args)
        assert out.exists(), result.output
        entry = json.loads(out.read_text())
        runs[flag] = json.dumps(entry)
    assert '"charged_once"' in runs["--charge-once"]
    assert '"charged_once"' not in runs["--no-charge-once"] and '"charged_once"' not in runs[None]
    assert '"charge_once": true' in runs["--charge-once"]
    assert '"charge_once": false' in runs[None]


@pytest.mark.needs_mnist
def test_the_capstone_is_never_rescored_with_reference_code(tmp_path):
    """A TwoLayerNet that cannot even be built (one line changed in the stubs' solutions) fails
    two_layer_net and minibatch_sgd's checks and the capstone. Charge-once gives minibatch_sgd
    back what it lost to it (its train is the student's, and right), never the capstone: no
    rerun trains the reference's net with the reference's loop."""
    submission = patched_submission(tmp_path, {"ch04/two_layer_net.py": (
        "_Provided = TwoLayerNet\n\n\nclass TwoLayerNet(_Provided):\n"
        "    def __init__(self, *args, **kwargs):\n        raise ValueError('not yet')\n")})
    _, once = grade_json(submission, "two_layer_net", "minibatch_sgd", "mnist_final",
                         "--charge-once")
    once = by_id(once)
    final = once["mnist_final"]
    assert final["score"] == 0 and final["status"] != "passed", final
    assert "charged_once" not in final and not any(t.get("rescored") for t in final["tests"])
    assert final["likely_cause"] == "two_layer_net"
    assert once["two_layer_net"]["score"] < 10
    sgd = once["minibatch_sgd"]
    assert sgd["blocked_by"] == "two_layer_net" and sgd["score"] == 8, sgd
    assert sgd["charged_once"]["prerequisites"] == ["two_layer_net"]


def test_no_rerun_for_an_exercise_without_code_of_its_own_left():
    from grader.charge_once import candidates, own_code_remains
    from grader.results import ExerciseResult, prerequisites
    from grader.results import TestResult as Check

    capstone = manifest.BY_ID["mnist_final"]
    assert not own_code_remains(capstone, ("two_layer_net", "minibatch_sgd"))
    assert not own_code_remains(capstone, ())
    assert own_code_remains(manifest.BY_ID["minibatch_sgd"], ("two_layer_net",))
    results = {e.id: ExerciseResult(e, "failed", 0.0, []) for e in manifest.EXERCISES}
    failing = Check("suites/ch04/test_mnist_final.py::t", capstone.id, 1, "failed",
                    called=["ch04/train.py:train", "ch04/two_layer_net.py:TwoLayerNet.gradient"])
    results[capstone.id] = ExerciseResult(capstone, "failed", 0.0, [failing],
                                          blocked_by="minibatch_sgd",
                                          likely_cause="minibatch_sgd")
    sgd = manifest.BY_ID["minibatch_sgd"]
    results[sgd.id] = ExerciseResult(sgd, "blocked", 0.0, [Check(
        "suites/ch04/test_train.py::t", sgd.id, 1, "error",
        called=["ch04/two_layer_net.py:TwoLayerNet.__init__"])], blocked_by="two_layer_net")
    groups = candidates(results)
    assert all(capstone.id not in dependents for dependents in groups.values())
    assert [sgd.id] in groups.values()
    assert candidates(results, chosen=["softmax"]) == {}
    # Every other dependent keeps code of its own even with all it builds on placed.
    for exercise in manifest.EXERCISES:
        if exercise.module and exercise.prerequisites:
            placed = tuple(p.id for p in prerequisites(exercise))
            assert own_code_remains(exercise, placed), exercise.id


def test_a_rerun_check_that_ran_none_of_the_exercises_own_code_earns_nothing():
    # Scored from what the rerun's checks ran: one that reached only the placed reference of
    # the prerequisite passed on the reference alone, and stays charged; one that ran the
    # student's own method beside it is given back.
    from grader.charge_once import _apply
    from grader.results import ExerciseResult, TestResult
    net, prerequisite = manifest.BY_ID["two_layer_net"], "numerical_gradient"
    module = net.module
    first = [TestResult(f"suites/t.py::{name}", net.id, 1, "failed",
                        called=[f"{module}:TwoLayerNet.numerical_gradient",
                                f"{manifest.BY_ID[prerequisite].module}:numerical_gradient"])
             for name in ("only_reference", "own_code")]
    result = ExerciseResult(net, "blocked", 0.0, first, blocked_by=prerequisite)
    rerun = ExerciseResult(net, "passed", net.points, [
        TestResult("suites/t.py::only_reference", net.id, 1, "passed",
                   called=[f"{manifest.BY_ID[prerequisite].module}:numerical_gradient"]),
        TestResult("suites/t.py::own_code", net.id, 1, "passed",
                   called=[f"{module}:TwoLayerNet.numerical_gradient"])])
    _apply(result, rerun, (prerequisite,))
    assert {t.name: t.rescored for t in result.tests} == {"only_reference": False,
                                                          "own_code": True}
    assert result.charged_once["points"] == net.points / 2
