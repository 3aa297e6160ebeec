"""The one list of exercises. The grader, the report order, `grade list`, `grade hint` and the
release all read it; nothing else restates it."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import PurePosixPath


@dataclass(frozen=True)
class Exercise:
    id: str  # the name students type: `grade run softmax`, `grade hint softmax`
    title: str  # one line, shown in tables
    section: str  # the book section to reread, e.g. "3.5.2"
    module: str | None  # path under exercises/ and solutions/; None for the capstone
    names: tuple[str, ...]  # what the student writes in that module
    points: int  # what the exercise is worth; its tests share it out by weight
    prerequisites: tuple[str, ...] = field(default=())  # exercise ids this one builds on
    uses_mnist: bool = False  # its checks load MNIST, so the grader readies the cache first

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


CAPSTONE = "mnist_final"

EXERCISES: tuple[Exercise, ...] = (
    Exercise("step_function", "Step function", "3.2.2", "ch03/activations.py",
             ("step_function",), 4),
    Exercise("sigmoid", "Sigmoid", "3.2.4", "ch03/activations.py", ("sigmoid",), 4),
    Exercise("relu", "ReLU", "3.2.7", "ch03/activations.py", ("relu",), 3),
    Exercise("identity_function", "Identity (output layer)", "3.4.2", "ch03/activations.py",
             ("identity_function",), 2),
    Exercise("softmax", "Softmax", "3.5.2", "ch03/softmax.py", ("softmax",), 6),
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
             ("numerical_gradient",), 8),
    Exercise("gradient_descent", "Gradient descent", "4.4.1", "ch04/gradient.py",
             ("gradient_descent",), 5, ("numerical_gradient",)),
    Exercise("simple_net", "simpleNet", "4.4.2", "ch04/simple_net.py", ("SimpleNet",), 6,
             ("softmax", "cross_entropy_error", "numerical_gradient")),
    Exercise("two_layer_net", "TwoLayerNet", "4.5.1", "ch04/two_layer_net.py",
             ("TwoLayerNet",), 10,
             ("sigmoid", "softmax", "cross_entropy_error", "numerical_gradient")),
    Exercise("minibatch_sgd", "Minibatch SGD", "4.5.2", "ch04/train.py",
             ("sgd_update", "train"), 8, ("two_layer_net",)),
    Exercise(CAPSTONE, "MNIST capstone: train your own net", "4.5.3", None, (), 13,
             ("sigmoid", "softmax", "cross_entropy_error", "two_layer_net", "minibatch_sgd"),
             uses_mnist=True),
)

BY_ID = {exercise.id: exercise for exercise in EXERCISES}


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
