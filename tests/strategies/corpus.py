"""The corpus of whole wrong strategies: the laziest code that might get points without doing
the work (memorising the public checks' inputs, returning the provided code, never updating,
constant or random answers). tests/test_strategies.py and `bench/mutation --strategies` both
grade it through here.

A strategy is a file tests/strategies/<exercise>/<name>.py in the fixture format of
tests/mistakes/ (its text is appended to the reference's `module:`), with `strategy:` saying what
it does and, for those that memorise, `public: passes` (the public checks alone give it every
point, so the hidden checks are what stop it). A few known-mistake fixtures are whole strategies
already; they are listed in REUSED rather than copied.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from submissions import by_id, grade_json, patched_submission, read_fixture

from grader import manifest
from grader.judge.sandbox import bwrap_problem

HERE = Path(__file__).resolve().parent
MISTAKES = HERE.parent / "mistakes"
REUSED = ("two_layer_net/numerical_gradient_returns_backprop.py",
          "two_layer_net/numerical_gradient_backprop_through_the_class.py",
          "minibatch_sgd/never_updates.py",
          "minibatch_sgd/never_updates_invented_loss.py")


@dataclass(frozen=True)
class Strategy:
    exercise: str
    path: Path
    fixture: dict

    @property
    def name(self) -> str:
        return f"{self.exercise}/{self.path.stem}"

    @property
    def public_passes(self) -> bool:
        return self.fixture.get("public", "").startswith("passes")


def strategies() -> list[Strategy]:
    """Every strategy, in book order of its exercise."""
    paths = sorted(HERE.glob("*/*.py")) + [MISTAKES / name for name in REUSED]
    order = [e.id for e in manifest.EXERCISES]
    found = [Strategy(p.parent.name, p, read_fixture(p)) for p in paths]
    return sorted(found, key=lambda s: (order.index(s.exercise), s.path.name))


def _needs(exercise: str) -> set[str]:
    """The exercise's prerequisites, and theirs."""
    found: set[str] = set()
    todo = list(manifest.BY_ID[exercise].prerequisites)
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo += manifest.BY_ID[name].prerequisites
    return found


def rounds() -> list[list[Strategy]]:
    """The strategies grouped into grading runs: one module each, at most one strategy per
    exercise, and never a strategy beside one for an exercise it builds on (gradient_descent
    calls numerical_gradient: a lazy numerical_gradient would make any gradient_descent look
    caught)."""
    grouped: list[list[Strategy]] = []
    for strategy in strategies():
        module = strategy.fixture["module"]
        for group in grouped:
            if group[0].fixture["module"] == module and not any(
                    other.exercise == strategy.exercise or other.exercise in _needs(
                        strategy.exercise) or strategy.exercise in _needs(other.exercise)
                    for other in group):
                group.append(strategy)
                break
        else:
            grouped.append([strategy])
    return grouped


def grade_round(group: list[Strategy], folder: Path) -> dict[str, dict]:
    """Grades the reference with every strategy of the group appended to its module (one real
    `grade run --hidden --skip-final` of those exercises); each strategy's exercise results."""
    module = group[0].fixture["module"]
    submission = patched_submission(folder, {module: "\n\n".join(s.fixture["text"]
                                                                for s in group)})
    sandbox = ["--sandbox", "none"] if bwrap_problem() else []
    _, results = grade_json(submission, *[s.exercise for s in group], "--hidden",
                            "--skip-final", *sandbox)
    graded = by_id(results)
    return {s.name: graded[s.exercise] for s in group}


def caught(exercise: dict) -> bool:
    return exercise["score"] < exercise["max_score"]


def public_passed(exercise: dict) -> bool:
    public = [t for t in exercise["tests"] if not t.get("hidden")]
    return bool(public) and all(t["status"] == "passed" for t in public)
