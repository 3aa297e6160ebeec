"""The worker's capstone scenario (grader/worker/network.py), run here on the reference network
and training loop with a few random images: it builds the class the manifest's entry drives,
trains it through the methods the entry names, and counts the iterations it watched."""
import importlib
from types import SimpleNamespace

import numpy as np

from grader import manifest
from grader.worker import scenarios

ITERS, PER_EPOCH = 6, 3


def session(progress: list):
    def target(spec):
        module, _, name = spec.partition(":")
        return getattr(importlib.import_module(f"solutions.{module}"), name)
    return SimpleNamespace(target=target, progress=lambda key, **fields: progress.append(key))


def settings(methods):
    return {"seed": 0, "hidden": 4, "iters": ITERS, "batch": 5, "lr": 0.1,
            "per_epoch": PER_EPOCH, "epochs": ITERS // PER_EPOCH, "budget": 600,
            "numerical_loss_calls": 1000, "methods": list(methods)}


def data():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (40, 784), dtype=np.uint8)
    labels = rng.integers(0, 10, 40)
    return (images[:30], labels[:30]), (images[30:], labels[30:])


def test_the_capstone_scenario_trains_what_the_manifest_says_it_drives():
    (exercise,) = manifest.trained()
    progress = []
    outcome = scenarios.capstone(session(progress), *exercise.drives, data(),
                                 settings(exercise.methods))
    assert outcome.get("done") == ITERS, outcome  # every gradient step was watched
    assert type(outcome["network"]).__name__ == exercise.drives[0].partition(":")[2]
    assert progress.count(progress[0]) == 1 and len(progress) == 1 + ITERS // PER_EPOCH

