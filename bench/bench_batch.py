"""How much `grade batch --jobs 2` gains over `--jobs 1` on the same submissions.

    python bench/bench_batch.py [--submissions 6] [--rounds 1] [--jobs 2]

Builds a folder of submissions (copies of solutions/ and of exercises/, alternately, the
solutions ones as folders holding exercises/, every third one zipped), then times
`grade batch --skip-final` with --jobs 1 and with --jobs N side by side, each in a fresh
process, alternating within each round. Prints the median seconds of each and the ratio, and
checks that both wrote the same gradebook. A ratio near N means the machine had the cores to
spare; each `grade run` also starts a pytest child, so expect less.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc")


def build(folder: Path, count: int) -> None:
    for number in range(count):
        source = REPO / ("solutions" if number % 2 == 0 else "exercises")
        name = f"student{number:02d}"
        if number % 3 == 2:
            with zipfile.ZipFile(folder / f"{name}.zip", "w", zipfile.ZIP_DEFLATED) as bundle:
                for path in sorted(source.rglob("*.py")):
                    if "__pycache__" not in path.parts:
                        bundle.write(path, f"exercises/{path.relative_to(source).as_posix()}")
        elif number % 2 == 0:
            shutil.copytree(source, folder / name / "exercises", ignore=IGNORE)
        else:
            shutil.copytree(source, folder / name, ignore=IGNORE)


def timed_batch(submissions: Path, jobs: int, csv_path: Path, skip_final: bool = True) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "grader.cli", "batch", str(submissions), "--jobs",
                    str(jobs), *(["--skip-final"] if skip_final else []), "--csv",
                    str(csv_path)], cwd=REPO, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=6, help="how many to grade")
    parser.add_argument("--rounds", type=int, default=1, help="timings of each, medians shown")
    parser.add_argument("--jobs", type=int, default=2, help="the parallel run's --jobs")
    options = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    try:
        (scratch / "submissions").mkdir()
        build(scratch / "submissions", options.submissions)
        times: dict[int, list[float]] = {1: [], options.jobs: []}
        for _ in range(options.rounds):
            for jobs in times:
                times[jobs].append(timed_batch(scratch / "submissions", jobs,
                                               scratch / f"jobs{jobs}.csv"))
        same = (scratch / "jobs1.csv").read_text() == \
            (scratch / f"jobs{options.jobs}.csv").read_text()
        serial, parallel = (statistics.median(times[j]) for j in times)
        print(f"{options.submissions} submissions, --skip-final, median of {options.rounds}:")
        print(f"  --jobs 1: {serial:7.2f} s  ({serial / options.submissions:.2f} s each)")
        print(f"  --jobs {options.jobs}: {parallel:7.2f} s")
        print(f"  ratio (jobs 1 / jobs {options.jobs}): {serial / parallel:.2f}x")
        print(f"  same gradebook: {'yes' if same else 'NO'}")
        if not same:
            sys.exit(1)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
