"""The second corpus of bench/mutation: whole wrong strategies (tests/strategies/), each graded
for real with the hidden checks, one run per group of tests/strategies/corpus.py. A strategy is
caught when its exercise scores below full marks; one marked `public: passes` is listed with
whether the public checks alone gave it every point (then the hidden checks are what stop it)."""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from strategies.corpus import (caught, grade_round, public_passed, rounds,  # noqa: E402
                               strategies)


def _why(exercise: dict) -> str:
    """The first check it failed, hidden or public: what stopped it."""
    failed = [t for t in exercise["tests"] if t["status"] != "passed"]
    if not failed:
        return "-"
    first = failed[0]
    return f"{first['name']}{' (hidden)' if first.get('hidden') else ''}"


def run(out: Path) -> int:
    """Grades the corpus, writes and prints the table; 1 when a strategy got full marks."""
    graded: dict[str, tuple[str, dict, bool]] = {}
    with tempfile.TemporaryDirectory(prefix="dlfs-strategies-") as scratch:
        for number, group in enumerate(rounds()):
            folder = Path(scratch) / str(number)
            folder.mkdir()
            results = grade_round(group, folder)
            for strategy in group:
                graded[strategy.name] = (strategy.exercise, results[strategy.name],
                                         strategy.public_passes)
    # Graded in groups of one module; reported in book order of the exercises.
    return _report({s.name: graded[s.name] for s in strategies()}, out)


def _report(graded: dict[str, tuple[str, dict, bool]], out: Path) -> int:
    lines = []
    exercises = list(dict.fromkeys(exercise for exercise, _, _ in graded.values()))
    total = survived = 0
    for exercise_id in exercises:
        mine = [r for e, r, _ in graded.values() if e == exercise_id]
        k = sum(caught(r) for r in mine)
        lines.append(f"{exercise_id:<22} strategies {len(mine):3d}  caught {k:3d}  "
                     f"survived {len(mine) - k:3d}")
        total, survived = total + len(mine), survived + len(mine) - k
    lines.append(f"{'all':<22} strategies {total:3d}  caught {total - survived:3d}  "
                 f"survived {survived:3d}")
    lines.append("")
    for name, (_, result, memorises) in graded.items():
        public = (" public: passes" if public_passed(result) else " public: FAILS") \
            if memorises else ""
        lines.append(f"{'caught  ' if caught(result) else 'SURVIVED'} {name:<62} "
                     f"{result['score']:g}/{result['max_score']:g}{public}  by {_why(result)}")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 1 if survived else 0
