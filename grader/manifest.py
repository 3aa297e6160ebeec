"""The one list of exercises. The grader, the report order, `grade list`, `grade hint`, `watch`,
`plot`, the release and batch all read it; nothing else restates it, and no other module of the
grader names an exercise, only the fields that make one different (tests/test_manifest_names.py).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import PurePosixPath

UNIT = "unit"
TRAINED = "trained"


@dataclass(frozen=True)
class Exercise:
    """Every fact about one exercise. The fields after uses_mnist say what makes an exercise
    different from a plain unit exercise; the generic modules read them, never its id."""
    id: str  # the name students type: `grade run softmax`, `grade hint softmax`
    title: str  # one line, shown in tables
    section: str  # the book section to reread, e.g. "3.5.2"
    module: str | None  # path under exercises/ and solutions/; None: no module of its own
    names: tuple[str, ...]  # what the student writes in that module
    points: int  # what the exercise is worth; its tests share it out by weight
    prerequisites: tuple[str, ...] = field(default=())  # exercise ids this one builds on
    uses_mnist: bool = False  # its checks load MNIST, so the grader readies the cache first
    # UNIT: graded with the other chosen exercises in one judge. TRAINED: it trains the student's
    # network, so it is graded in a second judge after everything it builds on (not started,
    # without running, while all of that is), scored from what the training reaches and never
    # rerun with reference code; asked for alone, it runs first and its prerequisites only when
    # it does not pass.
    phase: str = UNIT
    # False: it takes minutes, so `--skip-final` leaves it out, `watch` and `grade list` grade
    # it only when named (`grade list` shows its last result, "not started" before any), and
    # the release's own grading of its stubs (with --skip-final) expects no result for it.
    in_quick_runs: bool = True
    # What a report shows beside its score, from what its checks record (kept in the results'
    # extra fields only for an exercise that shows something): "accuracy" (the accuracy reached
    # against the threshold, and the training time), "train_test_gap" (the last epoch's train
    # and test accuracy, remarked on when far apart).
    shows: tuple[str, ...] = ()
    # The files (under the target) whose save re-grades it in `grade watch`; () means its module.
    watch_files: tuple[str, ...] = ()
    # The `grade plot` figures drawn from it (grader/figures/__init__.py draws each by name).
    figures: tuple[str, ...] = ()
    # The worker module (grader/worker/<name>.py) holding the scenarios its checks run beyond
    # the generic ones of grader/worker/scenarios.py; None: only those. The worker cannot read
    # the manifest, so scenarios.py lists the same modules (SCENARIO_MODULES; a test compares).
    scenarios: str | None = None
    # What its scenario drives in the submission: the class ("module:Class", dotted under the
    # target) and function trained with it; () when no scenario drives a class.
    drives: tuple[str, ...] = ()
    # The methods of that class the scenario watches and calls, in the order it takes them:
    # the gradient it trains by, the loss.
    methods: tuple[str, ...] = ()

    @property
    def suite(self) -> str:
        """The public suite's path under grader/suites/ (and grader/hidden/), mirroring module."""
        if self.module is None:  # the capstone has a suite but no module of its own
            return f"{self.chapter}/test_{self.id}.py"
        path = PurePosixPath(self.module)
        return str(path.parent / f"test_{path.name}")

    @property
    def chapter(self) -> str:
        return "ch" + self.section.split(".")[0].zfill(2)

    @property
    def dotted(self) -> str | None:
        """The module as the worker imports it under the target ("ch03/softmax.py" ->
        "ch03.softmax"); None without a module."""
        return self.module[:-len(".py")].replace("/", ".") if self.module else None

    @property
    def followed_files(self) -> tuple[str, ...]:
        """The files `grade watch` re-grades it on: watch_files, or else its module."""
        return self.watch_files or ((self.module,) if self.module else ())


CAPSTONE = "mnist_final"

EXERCISES: tuple[Exercise, ...] = (
    Exercise("step_function", "Step function", "3.2.2", "ch03/activations.py",
             ("step_function",), 4, figures=("activations",)),
    Exercise("sigmoid", "Sigmoid", "3.2.4", "ch03/activations.py", ("sigmoid",), 4,
             figures=("activations",)),
    Exercise("relu", "ReLU", "3.2.7", "ch03/activations.py", ("relu",), 3,
             figures=("activations",)),
    Exercise("identity_function", "Identity (output layer)", "3.4.2", "ch03/activations.py",
             ("identity_function",), 2),
    Exercise("softmax", "Softmax", "3.5.2", "ch03/softmax.py", ("softmax",), 6,
             figures=("softmax",)),
    Exercise("three_layer_net", "A 3-layer network", "3.4.3", "ch03/three_layer_net.py",
             ("init_network", "forward"), 6, ("sigmoid", "identity_function")),
    Exercise("mnist_inference", "MNIST inference", "3.6", "ch03/mnist_inference.py",
             ("predict", "batch_accuracy"), 8, ("sigmoid", "softmax"), uses_mnist=True),
    Exercise("sum_squared_error", "Sum of squared errors", "4.2.1", "ch04/losses.py",
             ("sum_squared_error",), 4),
    Exercise("cross_entropy_error", "Cross-entropy error", "4.2.4", "ch04/losses.py",
             ("cross_entropy_error",), 6),
    Exercise("to_one_hot", "One-hot labels", "4.2.1", "ch04/losses.py", ("to_one_hot",), 3),
    Exercise("numerical_diff", "Numerical differentiation", "4.3.1", "ch04/gradient.py",
             ("numerical_diff",), 4),
    Exercise("numerical_gradient", "Numerical gradient", "4.4", "ch04/gradient.py",
             ("numerical_gradient",), 8, figures=("gradient",)),
    Exercise("gradient_descent", "Gradient descent", "4.4.1", "ch04/gradient.py",
             ("gradient_descent",), 5, ("numerical_gradient",), figures=("gradient",)),
    Exercise("simple_net", "simpleNet", "4.4.2", "ch04/simple_net.py", ("SimpleNet",), 6,
             ("softmax", "cross_entropy_error", "numerical_gradient")),
    Exercise("two_layer_net", "TwoLayerNet", "4.5.1", "ch04/two_layer_net.py",
             ("TwoLayerNet",), 10,
             ("sigmoid", "softmax", "cross_entropy_error", "numerical_gradient"),
             scenarios="network"),
    Exercise("minibatch_sgd", "Minibatch SGD", "4.5.2", "ch04/train.py",
             ("sgd_update", "train"), 8, ("two_layer_net",), scenarios="network"),
    Exercise(CAPSTONE, "MNIST capstone: train your own net", "4.5.3", None, (), 13,
             ("sigmoid", "softmax", "cross_entropy_error", "two_layer_net", "minibatch_sgd"),
             uses_mnist=True, phase=TRAINED, in_quick_runs=False,
             shows=("accuracy", "train_test_gap"),
             watch_files=("ch03/activations.py", "ch03/softmax.py", "ch04/losses.py",
                          "ch04/two_layer_net.py", "ch04/train.py"),
             figures=("learning_curves", "misclassified"), scenarios="network",
             drives=("ch04.two_layer_net:TwoLayerNet", "ch04.train:train"),
             methods=("gradient", "loss")),
)

BY_ID = {exercise.id: exercise for exercise in EXERCISES}
CHAPTERS = tuple(dict.fromkeys(exercise.chapter for exercise in EXERCISES))  # the folders


def trained() -> list[Exercise]:
    """The exercises graded in the TRAINED phase, in book order."""
    return [e for e in EXERCISES if e.phase == TRAINED]


def quick() -> list[Exercise]:
    """The exercises quick runs grade (`--skip-final`, `watch`, `grade list`), in book order."""
    return [e for e in EXERCISES if e.in_quick_runs]


def shows(exercise_id: str, what: str) -> bool:
    """Whether the exercise exercise_id (of a results file: maybe not in this manifest) shows
    `what` beside its score."""
    exercise = BY_ID.get(exercise_id)
    return exercise is not None and what in exercise.shows


def select(ids: tuple[str, ...] | list[str] = ()) -> list[Exercise]:
    """The named exercises in book order (all of them when none are named).

    Raises KeyError naming the first unknown id."""
    for exercise_id in ids:
        if exercise_id not in BY_ID:
            raise KeyError(exercise_id)
    return [e for e in EXERCISES if not ids or e.id in ids]


def fingerprint() -> str:
    """A short hash of what the exercises are (ids, modules, names, points, prerequisites):
    results graded against different manifests do not belong in one gradebook."""
    shape = [[e.id, e.module, list(e.names), e.points, list(e.prerequisites)] for e in EXERCISES]
    return hashlib.sha256(json.dumps(shape).encode()).hexdigest()[:16]


def modules() -> list[str]:
    """Every module a student edits, once each, in book order."""
    seen: dict[str, None] = {}
    for exercise in EXERCISES:
        if exercise.module:
            seen.setdefault(exercise.module)
    return list(seen)
