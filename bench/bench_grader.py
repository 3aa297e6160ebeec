"""The grader's own overhead: `grade run --skip-final` beside a bare pytest run of the same suites
on the same code, measured side by side in one run. Target: under 1.5 s of overhead.

    python bench/bench_grader.py [--repeat 3]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    env = dict(os.environ)
    suites = [str(p) for p in sorted((ROOT / "grader" / "suites").glob("ch0*/test_*.py"))
              if p.name != "test_mnist_final.py"]
    bare = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=", *suites]
    graded = [sys.executable, "-m", "grader.cli", "run", "--target", "solutions",
              "--skip-final", "--format", "json", "--output",
              str(Path(tempfile.mkdtemp(prefix="bench-grader-")) / "results.json")]
    bare_times, grade_times = [], []
    for _ in range(repeat):  # interleaved, so both see the same machine load
        bare_times.append(timed(bare, {**env, "DLFS_TARGET": str(ROOT / "solutions")}))
        grade_times.append(timed(graded, env))
    bare_best, grade_best = min(bare_times), min(grade_times)
    print(f"bare pytest of the suites : {bare_best:6.2f} s (best of {repeat})")
    print(f"grade run --skip-final    : {grade_best:6.2f} s (best of {repeat})")
    print(f"grader overhead           : {grade_best - bare_best:6.2f} s (target < 1.5 s)")
    print(f"ratio grade / bare        : {grade_best / bare_best:6.2f}")


if __name__ == "__main__":
    main()
