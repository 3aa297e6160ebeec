"""Whole wrong strategies (tests/strategies/, see its corpus.py) earn less than full marks.

Each grading run holds one strategy per exercise of one module, graded for real with the
hidden checks. A strategy marked `public: passes` must pass every public check too: that shows
the hidden checks are what stop it, and that it really is the public suite it memorised. The
first run of each module is in the fast set; the others repeat that kind of run and are slow.
"""
import pytest

from strategies.corpus import caught, grade_round, public_passed, rounds, strategies

from grader import manifest


def _cases():
    seen = set()
    for group in rounds():
        module = group[0].fixture["module"]
        marks = [pytest.mark.slow] if module in seen else []
        seen.add(module)
        if any(manifest.BY_ID[s.exercise].uses_mnist for s in group):
            marks.append(pytest.mark.needs_mnist)
        yield pytest.param(group, marks=marks, id="+".join(s.name for s in group))


@pytest.mark.parametrize("group", list(_cases()))
def test_strategy_earns_less_than_full_marks(group, tmp_path):
    graded = grade_round(group, tmp_path)
    full = [name for name, exercise in graded.items() if not caught(exercise)]
    assert not full, f"full marks for {full}: a hole in the checks"
    for strategy in group:
        if strategy.public_passes:
            exercise = graded[strategy.name]
            assert public_passed(exercise), (
                f"{strategy.name} is marked `public: passes` but fails public checks: " +
                "; ".join(t["message"] for t in exercise["tests"]
                          if not t.get("hidden") and t["status"] != "passed"))


def test_each_strategy_names_its_exercises_module_and_what_it_does():
    for strategy in strategies():
        assert strategy.fixture.get("module") == manifest.BY_ID[strategy.exercise].module, \
            strategy.path
        assert strategy.fixture.get("strategy") or strategy.fixture.get("expect"), strategy.path


def test_every_exercise_with_a_module_has_a_strategy():
    covered = {s.exercise for s in strategies()}
    missing = [e.id for e in manifest.EXERCISES if e.module and e.id not in covered]
    assert not missing, f"no whole-wrong-strategy fixture for {missing}"
