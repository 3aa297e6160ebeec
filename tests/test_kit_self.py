"""The kit grades itself: the reference scores full marks, the pristine stubs score zero as
"not started", every stub matches its reference, and every text the grader needs exists."""
import ast
import inspect
import importlib
import re
import sys
from pathlib import Path

import pytest

from grader import catalog, manifest
from submissions import EXERCISES, ROOT, SOLUTIONS, by_id, grade_json

sys.path.insert(0, str(ROOT))  # so exercises.* and solutions.* import as packages here


@pytest.mark.slow  # trains the capstone
@pytest.mark.needs_mnist
def test_reference_solutions_score_full_marks(tmp_path):
    code, results = grade_json(SOLUTIONS)
    assert code == 0
    not_full = {e["id"]: (e["status"], e["tests"]) for e in results["exercises"]
                if e["score"] != e["max_score"]}
    assert not not_full, not_full
    assert results["score"] == results["max_score"] == 100
    final = by_id(results)[manifest.CAPSTONE]
    assert final["accuracy"] >= final["threshold"]
    assert len(final["history"]["loss"]) > 0


@pytest.mark.needs_mnist
def test_pristine_stubs_score_zero_as_not_started():
    code, results = grade_json(EXERCISES)
    assert code == 0
    assert results["score"] == 0
    statuses = {e["id"]: e["status"] for e in results["exercises"]}
    assert set(statuses.values()) == {"not_started"}, statuses
    assert [e["id"] for e in results["exercises"]] == [e.id for e in manifest.EXERCISES]


@pytest.mark.parametrize("module", manifest.modules())
def test_stub_and_reference_have_the_same_signatures_and_docstrings(module):
    dotted = module.removesuffix(".py").replace("/", ".")
    stub = importlib.import_module(f"exercises.{dotted}")
    reference = importlib.import_module(f"solutions.{dotted}")
    assert inspect.getdoc(stub) == inspect.getdoc(reference)
    names = [e.names for e in manifest.EXERCISES if e.module == module]
    for name in [n for group in names for n in group]:
        ours, theirs = getattr(stub, name), getattr(reference, name)
        assert inspect.getdoc(ours) == inspect.getdoc(theirs), name
        if inspect.isclass(ours):
            for member, value in vars(theirs).items():
                if callable(value) and not member.startswith("_") or member == "__init__":
                    assert inspect.signature(getattr(ours, member)) == \
                        inspect.signature(value), f"{name}.{member}"
                    assert inspect.getdoc(getattr(ours, member)) == inspect.getdoc(value)
        else:
            assert inspect.signature(ours) == inspect.signature(theirs), name


@pytest.mark.parametrize("module", manifest.modules())
def test_every_stub_function_raises_not_implemented(module):
    tree = ast.parse((ROOT / "exercises" / module).read_text())
    exercise_names = {n for e in manifest.EXERCISES if e.module == module for n in e.names}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name in exercise_names:
            raises = [n for n in ast.walk(node) if isinstance(n, ast.Raise)]
            assert raises and "NotImplementedError" in ast.unparse(raises[-1]), node.name


def test_manifest_is_consistent():
    ids = [e.id for e in manifest.EXERCISES]
    assert len(ids) == len(set(ids))
    assert sum(e.points for e in manifest.EXERCISES) == 100
    for position, exercise in enumerate(manifest.EXERCISES):
        assert (ROOT / "grader" / "suites" / exercise.suite).is_file(), exercise.suite
        if exercise.module:
            assert (ROOT / "exercises" / exercise.module).is_file()
            assert (ROOT / "solutions" / exercise.module).is_file()
        for prerequisite in exercise.prerequisites:
            assert prerequisite in ids[:position], (exercise.id, prerequisite)


def test_every_exercise_has_a_hint_and_every_status_a_label():
    for exercise in manifest.EXERCISES:
        assert catalog.has(f"hint.{exercise.id}"), exercise.id
    from grader.results import STATUSES
    for status in STATUSES:
        assert catalog.has(f"status.{status}")


def test_every_catalog_key_the_code_names_exists():
    pattern = re.compile(r"""(?:fail|advise|text)\(\s*["']([a-z0-9_.]+)["']""")
    missing = []
    for path in (ROOT / "grader").rglob("*.py"):
        for key in pattern.findall(path.read_text()):
            if "." in key and not key.endswith(".") and not catalog.has(key):
                missing.append(f"{path.relative_to(ROOT)}: {key}")
    assert not missing, missing


def test_reference_solutions_are_not_importable_from_the_installed_kit(tmp_path):
    import subprocess
    probe = subprocess.run([sys.executable, "-c", "import solutions"], cwd=tmp_path,
                           capture_output=True, text=True)
    assert probe.returncode != 0 and "No module named 'solutions'" in probe.stderr


def test_the_reference_train_runs_one_forward_pass_per_iteration():
    """The reference is the example students time their own against: its train takes each
    batch's loss from the forward pass the gradient already ran (last_loss), the loss before
    that iteration's update, and runs predict only for the accuracy once per epoch."""
    import numpy as np
    from solutions.ch04.losses import cross_entropy_error
    from solutions.ch04.train import train
    from solutions.ch04.two_layer_net import TwoLayerNet

    rng = np.random.default_rng(0)
    x, labels = rng.standard_normal((50, 4)), rng.integers(0, 3, 50)
    t = np.eye(3)[labels]
    np.random.seed(0)
    network = TwoLayerNet(4, 8, 3, weight_init_std=0.5)
    predicted, expected = [], []
    predict, gradient = network.predict, network.gradient

    def watched_predict(rows):
        predicted.append(len(rows))
        return predict(rows)

    def watched_gradient(rows, targets):  # the loss before the update, by the book's formula
        expected.append(cross_entropy_error(predict(rows), targets))
        return gradient(rows, targets)

    network.predict, network.gradient = watched_predict, watched_gradient
    history = train(network, x, t, x[:20], t[:20], iters_num=25, batch_size=10,
                    learning_rate=0.5, seed=1)
    # accuracy at i = 0, 5, ..., 20 on the training and the test data; no other forward pass
    assert predicted == [50, 20] * 5, predicted
    assert np.allclose(history["loss"], expected, rtol=1e-9, atol=0), (history["loss"], expected)
