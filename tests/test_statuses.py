"""Exercise statuses, partial credit, prerequisites and hidden checks, graded for real."""
import pytest
from click.testing import CliRunner

from grader import manifest
from grader.cli import main
from grader.grading import likely_cause
from grader.results import ExerciseResult
from grader.runner import RunOptions
from submissions import (EXERCISES, ROOT, SOLUTIONS, by_id, grade_json, messages,
                         patched_submission, read_fixture)

WRONG_SIGMOID = "def sigmoid(x):\n    return 1 / (1 + np.exp(x))\n"


@pytest.mark.needs_mnist
def test_half_done_submission(tmp_path):
    finished = (SOLUTIONS / "ch03" / "activations.py").read_text()
    submission = patched_submission(tmp_path, {"ch03/activations.py": finished}, base=EXERCISES)
    _, results = grade_json(submission, "--skip-final")
    statuses = {e["id"]: e["status"] for e in results["exercises"]}
    for done in ("step_function", "sigmoid", "relu", "identity_function"):
        assert statuses.pop(done) == "passed"
    assert set(statuses.values()) == {"not_started"}, statuses
    assert results["score"] == 4 + 4 + 3 + 2


def test_partial_credit_follows_the_weights_of_the_checks(tmp_path):
    submission = patched_submission(tmp_path, {"ch03/softmax.py": (
        "def softmax(a):\n    a -= np.max(a, axis=-1, keepdims=True)\n"
        "    e = np.exp(a)\n    return e / np.sum(e, axis=-1, keepdims=True)\n")})
    _, results = grade_json(submission, "softmax")
    softmax = by_id(results)["softmax"]
    assert softmax["status"] == "partial"
    assert 0 < softmax["score"] < softmax["max_score"]
    failed = [t for t in softmax["tests"] if t["status"] != "passed"]
    assert len(failed) == 1 and "changed the array" in failed[0]["message"]


def test_an_exercise_failing_through_its_prerequisite_is_blocked(tmp_path):
    submission = patched_submission(tmp_path, {"ch03/activations.py": WRONG_SIGMOID})
    code, results = grade_json(submission, "sigmoid", "three_layer_net")
    net = by_id(results)["three_layer_net"]
    assert code == 0
    assert net["status"] == "blocked" and net["blocked_by"] == "sigmoid"
    text = CliRunner().invoke(main, ["run", "sigmoid", "three_layer_net", "--target",
                                     str(submission)]).output
    assert "Blocked by sigmoid" in text


def test_the_capstone_is_not_started_while_everything_it_builds_on_is():
    _, results = grade_json(EXERCISES, "mnist_final")
    (final,) = results["exercises"]
    assert final["status"] == "not_started" and final["tests"] == [] and final["score"] == 0


@pytest.mark.needs_mnist
def test_the_capstone_alone_is_graded_first_and_its_prerequisites_when_it_fails(tmp_path):
    # softmax returns each row's largest probability only: the capstone's first gradient fails
    # at once, so graded alone it is failed, and the prerequisites graded after it name softmax
    # as the likely cause.
    submission = patched_submission(tmp_path, {"ch03/softmax.py": (
        "def softmax(a):\n    e = np.exp(a - np.max(a, axis=-1, keepdims=True))\n"
        "    return np.max(e / np.sum(e, axis=-1, keepdims=True), axis=-1)\n")})
    _, results = grade_json(submission, "mnist_final")
    (final,) = results["exercises"]
    assert final["status"] in ("failed", "error") and final["score"] == 0, final
    assert final["likely_cause"] == "softmax", final


def test_the_capstone_alone_grades_its_prerequisites_only_when_it_does_not_pass(monkeypatch):
    from grader import grading
    runs = []

    def run(exercises, options):  # what a judge run would give: the capstone as told
        runs.append([e.id for e in exercises])
        return {e.id: ExerciseResult(e, outcome if e.id == "mnist_final" else "passed", 1.0, [])
                for e in exercises}
    monkeypatch.setattr(grading, "_run", run)
    monkeypatch.setattr(grading, "ready_mnist", lambda exercises: None)
    options = RunOptions(target=SOLUTIONS)
    outcome = "passed"
    assert grading.grade_exercises(("mnist_final",), options).exercises[0].status == "passed"
    assert runs == [["mnist_final"]]
    runs.clear()
    outcome = "failed"
    assert grading.grade_exercises(("mnist_final",), options).exercises[0].status == "failed"
    # then everything it builds on, numerical_gradient (two_layer_net's) included
    assert runs == [["mnist_final"], ["sigmoid", "softmax", "cross_entropy_error",
                                      "numerical_gradient", "two_layer_net", "minibatch_sgd"]]


def test_a_capstone_that_falls_short_names_a_failing_prerequisite_as_the_likely_cause():
    capstone = manifest.BY_ID["mnist_final"]
    results = {e: ExerciseResult(manifest.BY_ID[e], "passed", 1.0, [])
               for e in capstone.prerequisites}
    results["softmax"] = ExerciseResult(manifest.BY_ID["softmax"], "partial", 3.0, [])
    failed = ExerciseResult(capstone, "failed", 0.0, [])
    assert likely_cause(failed, results) == "softmax"
    assert likely_cause(ExerciseResult(capstone, "passed", 13.0, []), results) is None
    results["softmax"] = ExerciseResult(manifest.BY_ID["softmax"], "passed", 6.0, [])
    assert likely_cause(failed, results) is None
    failed.likely_cause = "softmax"
    assert "softmax does not pass its checks yet" in failed.feedback()[0]
    assert failed.to_dict()["likely_cause"] == "softmax"


@pytest.mark.slow
@pytest.mark.needs_mnist
def test_the_capstone_trains_despite_an_edge_case_it_never_uses(tmp_path):
    # The book's numerical_gradient keeps an integer x integer: a public check fails, yet the
    # capstone, which never passes integers, trains and scores from its accuracy alone.
    fixture = read_fixture(ROOT / "tests/mistakes/numerical_gradient/integer_x_truncated.py")
    submission = patched_submission(tmp_path, {fixture["module"]: fixture["text"]})
    _, results = grade_json(submission, "numerical_gradient", "mnist_final")
    exercises = by_id(results)
    assert exercises["numerical_gradient"]["status"] == "partial"
    final = exercises["mnist_final"]
    assert final["status"] == "passed" and final["accuracy"] >= final["threshold"], final
    assert "likely_cause" not in final


def test_hidden_checks_are_counted_apart_and_only_on_request():
    public = CliRunner().invoke(main, ["run", "softmax", "--target", str(SOLUTIONS)]).output
    hidden = CliRunner().invoke(main, ["run", "softmax", "--target", str(SOLUTIONS),
                                       "--hidden"]).output
    assert "hidden checks have not run yet" in public and "hidden checks passed" not in public
    assert "hidden checks passed" in hidden and "All exercises pass" in hidden
    _, results = grade_json(SOLUTIONS, "softmax", "--hidden")
    tests = by_id(results)["softmax"]["tests"]
    assert results["hidden_tests_included"] is True
    assert any(t["hidden"] for t in tests) and any(not t["hidden"] for t in tests)


def test_hidden_checks_can_fail_what_the_public_ones_pass(tmp_path):
    # Subtracting the batch's maximum instead of each row's passes the public checks.
    submission = patched_submission(tmp_path, {"ch03/softmax.py": (
        "def softmax(a):\n    e = np.exp(a - np.max(a))\n"
        "    return e / np.sum(e, axis=-1, keepdims=True)\n")})
    _, public = grade_json(submission, "softmax")
    _, hidden = grade_json(submission, "softmax", "--hidden")
    assert by_id(public)["softmax"]["status"] == "passed"
    assert by_id(hidden)["softmax"]["status"] == "partial", messages(by_id(hidden)["softmax"])


@pytest.mark.needs_mnist
@pytest.mark.slow  # the capstone's check loads and sends MNIST before train fails
def test_list_remembers_the_capstone_from_the_last_run(tmp_path):
    submission = patched_submission(tmp_path, {"ch04/train.py": (
        "def train(network, *args, **kwargs):\n    raise ValueError('not written yet')\n")})
    before = CliRunner().invoke(main, ["list", "--target", str(submission)]).output
    CliRunner().invoke(main, ["run", "mnist_final", "--target", str(submission)])
    after = CliRunner().invoke(main, ["list", "--target", str(submission)]).output
    final_row = [line for line in after.splitlines() if line.startswith("mnist_final")]
    assert "error" in final_row[0]
    assert "error" not in [line for line in before.splitlines()
                           if line.startswith("mnist_final")][0]
    assert "exercises" in after.splitlines()[-1]


def test_a_failing_prerequisite_blocks_only_the_checks_that_called_it(tmp_path):
    # forward applies sigmoid on the output instead of identity_function, so a broken
    # identity_function is never called: three_layer_net fails on its own, not blocked by it.
    own = (ROOT / "tests/mistakes/three_layer_net/sigmoid_on_output.py").read_text()
    submission = patched_submission(tmp_path, {
        "ch03/activations.py": "def identity_function(x):\n    return 2 * x\n",
        "ch03/three_layer_net.py": own})
    _, results = grade_json(submission, "identity_function", "three_layer_net")
    exercises = by_id(results)
    assert exercises["identity_function"]["status"] == "failed"
    net = exercises["three_layer_net"]
    assert net["status"] in ("failed", "partial") and "blocked_by" not in net, net


def _statuses(results: dict) -> dict:
    return {e["id"]: (e["status"], e["score"], e.get("blocked_by"), e.get("recoverable"))
            for e in results["exercises"]}


def test_an_exercise_alone_is_blocked_as_in_a_full_run(tmp_path):
    # Grading three_layer_net alone grades sigmoid too once three_layer_net fails: blocked or
    # not does not depend on what else was asked for.
    submission = patched_submission(tmp_path, {"ch03/activations.py": WRONG_SIGMOID})
    _, alone = grade_json(submission, "three_layer_net")
    _, with_it = grade_json(submission, "sigmoid", "three_layer_net")
    assert [e["id"] for e in alone["exercises"]] == ["three_layer_net"]
    assert _statuses(alone)["three_layer_net"] == _statuses(with_it)["three_layer_net"]
    assert _statuses(alone)["three_layer_net"][:3] == ("blocked", 2.0, "sigmoid")


@pytest.mark.needs_mnist
def test_a_prerequisite_still_a_stub_blocks_the_code_that_calls_it(tmp_path):
    # mnist_inference is right, but the sigmoid it calls still raises NotImplementedError: it is
    # blocked by sigmoid, not "not started", and charge-once gives its points back.
    submission = patched_submission(tmp_path, {"ch03/activations.py": (
        "def sigmoid(x):\n    raise NotImplementedError('sigmoid: see section 3.2.4')\n")})
    _, plain = grade_json(submission, "mnist_inference")
    _, once = grade_json(submission, "mnist_inference", "--charge-once")
    inference = by_id(plain)["mnist_inference"]
    assert inference["status"] == "blocked" and inference["blocked_by"] == "sigmoid"
    assert inference["score"] == 0 and inference["recoverable"] == 8
    assert by_id(once)["mnist_inference"]["score"] == 8
    assert by_id(once)["mnist_inference"]["charged_once"]["prerequisites"] == ["sigmoid"]


@pytest.mark.slow  # a loop costs the check's whole time limit, once per judge
def test_a_prerequisite_that_loops_blocks_its_callers_and_is_charged_once(tmp_path):
    # identity_function never returns: three_layer_net's checks that call it run out of time
    # too, either at its own limit or at once for code stopped earlier in the run. They are
    # blocked by identity_function, alone as in a full run, and charge-once gives them back.
    submission = patched_submission(tmp_path, {"ch03/activations.py": (
        "def identity_function(x):\n    while True:\n        pass\n")})
    limit = ["--timeout", "5"]  # as the hostile corpus: the loop waits it out, the rest take ms
    _, full = grade_json(submission, "identity_function", "three_layer_net", *limit)
    _, alone = grade_json(submission, "three_layer_net", *limit)
    net = by_id(full)["three_layer_net"]
    assert by_id(full)["identity_function"]["status"] == "timeout"
    assert net["status"] == "blocked" and net["blocked_by"] == "identity_function", net
    assert net["recoverable"] == 6 - net["score"] > 0
    assert _statuses(alone)["three_layer_net"] == _statuses(full)["three_layer_net"]
    _, once = grade_json(submission, "identity_function", "three_layer_net", "--charge-once",
                         *limit)
    assert by_id(once)["three_layer_net"]["score"] == 6
    assert by_id(once)["identity_function"]["score"] == 0


@pytest.mark.slow
@pytest.mark.needs_mnist
def test_the_capstone_trains_with_the_books_own_loop(tmp_path):
    # The book's train_neuralnet.py draws its batches with the global np.random.choice: the
    # worker seeds that generator with train's seed, and the capstone passes on it.
    fixture = read_fixture(ROOT / "tests/alternatives/minibatch_sgd/book_train_neuralnet.py")
    submission = patched_submission(tmp_path, {fixture["module"]: fixture["text"]})
    _, results = grade_json(submission, "mnist_final")
    final = by_id(results)["mnist_final"]
    assert final["status"] == "passed" and final["accuracy"] >= final["threshold"], final
