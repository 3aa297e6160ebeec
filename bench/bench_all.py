"""Every benchmark of the kit in one run, side by side, with its target: what `bench/run` runs.

    bench/run [--rounds 3] [--heavy-rounds 3] [--quick] [--tests] [--cluster]

Each figure is the median over rounds; the two sides of a ratio are measured one after the other
within a round, so both see the same machine load, and each ratio is the median of the rounds'
own ratios. Light figures (a grading run, an MNIST load)
take --rounds rounds; heavy ones (anything that trains the capstone) --heavy-rounds. --quick
leaves out the heavy ones. Every measurement runs in a fresh process. Training runs, inside
`grade` or not, use one BLAS thread (OPENBLAS_NUM_THREADS=1), as the kit's worker does.
--tests adds the kit's own tests, once each (they take minutes): the fast set and the full test
command, their wall and CPU time (user + system, of every process they waited for) beside
their targets; `bench/run --quick --tests` gives those and the light figures alone.

The other scripts in bench/ measure one thing each in more detail; this one reuses them.
"""
from __future__ import annotations

import argparse
import heapq
import json
import logging
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path[:0] = [str(BENCH), str(REPO)]

import bench_batch  # noqa: E402
import bench_mnist  # noqa: E402

GRADE = [sys.executable, "-m", "grader.cli"]
# Where a grading run's results go: never os.devnull, which `grade --output` would replace with a
# regular file (it writes a temporary file and renames it over the path), as root for everyone.
RESULTS = str(Path(tempfile.mkdtemp(prefix="bench-all-results-")) / "results.json")
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
# The capstone's settings (grader/suites/ch04/test_mnist_final.py).
SEED, HIDDEN, ITERS, BATCH, LR = 0, 50, 10000, 100, 0.1


# ---- what runs in a child process ----------------------------------------------------------

def _reference_train(data) -> None:
    import numpy as np
    from solutions.ch04.train import train
    from solutions.ch04.two_layer_net import TwoLayerNet
    np.random.seed(SEED)
    network = TwoLayerNet(784, HIDDEN, 10)
    train(network, *data[0], *data[1], iters_num=ITERS, batch_size=BATCH, learning_rate=LR,
          seed=SEED)


def _bare_train(data) -> None:
    """The same training written as one plain numpy loop: 784-50-10, sigmoid and softmax,
    backpropagation, the loss from the same forward pass, accuracy on all the training and test
    data every epoch. Same dtypes as the reference: float64 weights, float32 images."""
    import numpy as np
    (x_train, t_train), (x_test, t_test) = data
    np.random.seed(SEED)
    w1 = 0.01 * np.random.randn(784, HIDDEN)
    b1 = np.zeros(HIDDEN)
    w2 = 0.01 * np.random.randn(HIDDEN, 10)
    b2 = np.zeros(10)
    rng = np.random.default_rng(SEED)
    labels_train, labels_test = t_train.argmax(axis=1), t_test.argmax(axis=1)
    losses, per_epoch = [], max(len(x_train) // BATCH, 1)

    def accuracy(x, labels):
        hidden = 1 / (1 + np.exp(-(x @ w1 + b1)))
        return float(np.mean((hidden @ w2 + b2).argmax(axis=1) == labels))

    for i in range(ITERS):
        mask = rng.choice(len(x_train), BATCH)
        x, t = x_train[mask], t_train[mask]
        z1 = 1 / (1 + np.exp(-(x @ w1 + b1)))
        a2 = z1 @ w2 + b2
        y = np.exp(a2 - a2.max(axis=1, keepdims=True))
        y /= y.sum(axis=1, keepdims=True)
        losses.append(-np.sum(t * np.log(y + 1e-7)) / BATCH)
        dy = (y - t) / BATCH
        dz1 = (dy @ w2.T) * z1 * (1 - z1)
        w2 -= LR * (z1.T @ dy)
        b2 -= LR * dy.sum(axis=0)
        w1 -= LR * (x.T @ dz1)
        b1 -= LR * dz1.sum(axis=0)
        if i % per_epoch == 0:
            accuracy(x_train, labels_train), accuracy(x_test, labels_test)


def child(what: str) -> None:
    """One measurement in this fresh process: load MNIST as the capstone does, then train."""
    from data.mnist import load_mnist
    data = load_mnist(normalize=True, one_hot_label=True)
    (_reference_train if what == "reference" else _bare_train)(data)


# ---- measuring -----------------------------------------------------------------------------

def timed(command: list[str], env: dict | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO, env={**os.environ, **(env or {})}, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def _tree_memory(root: int) -> int:
    """Bytes of memory of root and every process below it: proportional set sizes (shared pages
    counted once across the processes that share them), resident sizes where PSS is unreadable."""
    children: dict[int, list[int]] = {}
    for name in filter(str.isdigit, os.listdir("/proc")):
        try:
            parent = int(Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        for path, key in ((f"/proc/{pid}/smaps_rollup", "Pss:"), (f"/proc/{pid}/status",
                                                                    "VmRSS:")):
            try:
                lines = Path(path).read_text().splitlines()
            except OSError:
                continue
            found = [int(line.split()[1]) for line in lines if line.startswith(key)]
            if found:
                total += found[0] * 1024
                break
    return total


def peak_memory(command: list[str]) -> tuple[float, int]:
    """Wall seconds and the peak memory of the process tree, sampled every 50 ms."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    peak, done = 0, threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_memory(process.pid))
            done.wait(0.05)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    process.wait()
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited with {process.returncode}")
    return time.perf_counter() - started, peak


class Table:
    def __init__(self):
        self.missed = 0

    def figure(self, label: str, value: float, unit: str = "s") -> None:
        print(f"  {label:<58} {value:8.3f} {unit}", flush=True)

    def check(self, label: str, value: float, target: float, unit: str = "",
              below: bool = False) -> None:
        good = value < target if below else value <= target
        self.missed += not good
        sign = "<" if below else "<="
        print(f"  {label:<58} {value:8.3f}{unit:<4} target {sign} {target:g}{unit}  "
              f"{'ok' if good else 'MISSED'}", flush=True)


def median_rounds(rounds: int, *measures):
    """Run the measures one after the other in each round; the median of each."""
    results = [[] for _ in measures]
    for _ in range(rounds):
        for values, measure in zip(results, measures):
            values.append(measure())
    return [statistics.median(v) for v in results], results


def per_round(top: list[float], bottom: list[float]) -> float:
    """The median over rounds of top / bottom, each ratio taken within one round (both sides
    saw the same load), which other work on the machine moves less than a ratio of medians."""
    return statistics.median(a / b for a, b in zip(top, bottom))


def grading(table: Table, rounds: int) -> None:
    suites = [str(p) for p in sorted((REPO / "grader" / "suites").glob("ch0*/test_*.py"))
              if p.name != "test_mnist_final.py"]
    bare = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=", *suites]
    graded = [*GRADE, "run", "--target", "solutions", "--skip-final", "--format", "json",
              "--output", RESULTS]
    one = [*GRADE, "run", "sigmoid", "--target", "solutions", "--format", "json", "--output",
           RESULTS]
    (bare_s, graded_s, one_s), (bare_r, graded_r, _) = median_rounds(
        rounds, lambda: timed(bare, {"DLFS_TARGET": str(REPO / "solutions")}),
        lambda: timed(graded), lambda: timed(one))
    print(f"grading the reference, median of {rounds}:")
    table.figure("bare pytest of the same checks", bare_s)
    table.figure("grade run --target solutions --skip-final", graded_s)
    table.check("grade run --skip-final / bare pytest", per_round(graded_r, bare_r), 1.5)
    table.check("grade run sigmoid (one exercise, wall time)", one_s, 1.0, " s", below=True)


def mnist(table: Table, rounds: int) -> None:
    wall, _ = bench_mnist.collect(rounds, verbose=False)

    def ratio(kind: str, base: str = "bare") -> float:  # per round: both saw the same load
        return statistics.median(a / b for a, b in zip(wall[kind], wall[base]))
    print(f"MNIST from {os.environ['DLFS_MNIST_DIR']}, each load in a fresh process, "
          f"median of {rounds}:")
    table.figure("bare read (gzip.decompress + np.frombuffer)", statistics.median(wall["bare"]))
    table.figure("bare read + astype(float32) / 255", statistics.median(wall["bare+norm"]))
    table.check("cold load_mnist(normalize=False) / bare read", ratio("cold u8"),
                bench_mnist.COLD_TARGET)
    # normalize=True does the bare read's work plus the division: measured against both
    table.figure("cold load_mnist() / bare read", ratio("cold"), "")
    table.check("cold load_mnist() / (bare read + astype / 255)", ratio("cold", "bare+norm"),
                bench_mnist.COLD_TARGET)
    table.check("warm load_mnist() (from the cache)", statistics.median(wall["warm"]),
                bench_mnist.WARM_TARGET, " s", below=True)


def capstone(table: Table, rounds: int) -> None:
    in_grade = [*GRADE, "run", "mnist_final", "--target", "solutions", "--format", "json",
                "--output", RESULTS]
    own = [sys.executable, __file__, "--child"]
    (grade_s, reference_s, bare_s), (grade_r, reference_r, bare_r) = median_rounds(
        rounds, lambda: timed(in_grade), lambda: timed([*own, "reference"], ONE_THREAD),
        lambda: timed([*own, "bare"], ONE_THREAD))
    print(f"the capstone's training (load MNIST, {ITERS} iterations), median of {rounds}:")
    table.figure("grade run mnist_final --target solutions", grade_s)
    table.figure("the reference's train, called directly", reference_s)
    table.figure("a bare numpy loop, same shapes and dtypes", bare_s)
    table.check("capstone in grade / reference train direct", per_round(grade_r, reference_r),
                1.15)
    table.check("reference train / bare numpy loop", per_round(reference_r, bare_r), 1.3)


def batch(table: Table, rounds: int, count: int = 8) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="bench-all-batch-"))
    try:
        (scratch / "in").mkdir()
        bench_batch.build(scratch / "in", count)
        (serial, parallel), (serial_r, parallel_r) = median_rounds(rounds, *(
            (lambda jobs=jobs: bench_batch.timed_batch(scratch / "in", jobs,
                                                       scratch / f"{jobs}.csv", False))
            for jobs in (1, 2)))
        same = (scratch / "1.csv").read_text() == (scratch / "2.csv").read_text()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"grade batch over {count} submissions (half the reference, so the capstone trains "
          f"{(count + 1) // 2} times), median of {rounds}:")
    _side_by_side(table, ("--jobs 1", serial), ("--jobs 2", parallel),
                  ("--jobs 2 / --jobs 1", per_round(parallel_r, serial_r), 0.6), same)


def _side_by_side(table: Table, first: tuple, second: tuple, ratio: tuple, same: bool) -> None:
    """Two batches' figures, their ratio against its target, and a miss when the two wrote
    different gradebooks."""
    table.figure(*first)
    table.figure(*second)
    table.check(*ratio)
    if not same:
        table.missed += 1
        print("  the two runs wrote different gradebooks: MISSED")


def makespan(seconds: list[float], workers: int) -> float:
    """List scheduling: each task, in the order given, to the worker free first."""
    free = [0.0] * workers
    for length in seconds:
        heapq.heapreplace(free, free[0] + length)
    return max(free)


def cluster(table: Table, rounds: int, count: int = 4) -> None:
    """`grade batch --scheduler` on a two-worker LocalCluster beside `--jobs 2`, and a class of
    10,000 on 100 workers simulated from the per-submission times the cluster measured."""
    from distributed import LocalCluster
    from grader.instructor.cluster import trains
    scratch = Path(tempfile.mkdtemp(prefix="bench-all-cluster-"))
    try:
        (scratch / "in").mkdir()
        bench_batch.build(scratch / "in", count)
        # Its workers' complaints about a scheduler closed first at the end say nothing here.
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                          dashboard_address=":0", silence_logs=logging.CRITICAL) as dask:
            on_dask = [*GRADE, "batch", str(scratch / "in"), "--scheduler",
                       dask.scheduler_address, "--csv", str(scratch / "dask.csv"), "--json",
                       str(scratch / "dask.json")]
            (local, remote), (local_r, remote_r) = median_rounds(
                rounds, lambda: bench_batch.timed_batch(scratch / "in", 2, scratch / "2.csv",
                                                        False), lambda: timed(on_dask))
        local_csv, dask_csv = ((scratch / f).read_text().splitlines()
                               for f in ("2.csv", "dask.csv"))
        same = local_csv == dask_csv
        rows = json.loads((scratch / "dask.json").read_text())
        measured = {row["submission"]: row["seconds"] for row in rows}
        first = {p.stem: trains(p) for p in sorted((scratch / "in").iterdir())}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"grade batch over {count} submissions ({(count + 1) // 2} train the capstone), "
          f"median of {rounds}:")
    _side_by_side(table, ("--jobs 2", local),
                  ("--scheduler, a LocalCluster of 2 worker processes", remote),
                  ("--scheduler (2 workers) / --jobs 2", per_round(remote_r, local_r), 1.1), same)
    if not same:
        for local_row, dask_row in zip(local_csv, dask_csv):
            if local_row != dask_row:
                print(f"    --jobs 2:    {local_row}\n    --scheduler: {dask_row}")
    # The kit's order (cluster.py): capstone trainers first, otherwise as the folder lists them.
    names = sorted(measured)
    tasks = [names[i % len(names)] for i in range(10_000)]
    ordered = [measured[n] for n in sorted(tasks, key=lambda n: not first[n])]
    bound = max(sum(ordered) / 100, max(ordered))
    print(f"a class of 10,000 on 100 workers, from these {len(names)} measured times "
          f"({min(ordered):.1f}-{max(ordered):.1f} s):")
    table.figure("makespan of the longest-first schedule", makespan(ordered, 100))
    table.check("makespan / max(total / 100, longest)", makespan(ordered, 100) / bound, 1.05)


def memory(table: Table) -> None:
    seconds, peak = peak_memory([*GRADE, "run", "--target", "solutions", "--format", "json",
                                 "--output", RESULTS])
    print("a full grade run of the reference (judge and worker together, once):")
    table.figure("wall time", seconds)
    table.check("peak memory of the process tree (PSS)", peak / 2**30, 1.0, " GiB", below=True)


# The README's test command, and its fast set; the targets are on the idle 2-core machine.
TEST_RUNS = (("the fast set (pytest -m \"not slow\")", ["-m", "not slow"], 60.0),
             ("the full test command (pytest)", [], 8 * 60.0))


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def kit_tests(table: Table) -> None:
    print("the kit's own tests, once each (wall time moves with other work on the machine; "
          "CPU time less):")
    for label, args, target in TEST_RUNS:
        cpu, started = cpu_of_children(), time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", *args],
                              cwd=REPO, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        wall, cpu = time.perf_counter() - started, cpu_of_children() - cpu
        summary = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
        counts = ", ".join(re.findall(r"\d+ (?:passed|failed|skipped|errors?)", summary))
        print(f"  {label}: {counts or summary}")
        table.check("  wall time", wall, target, " s", below=True)
        table.figure("  CPU time (user + system)", cpu)
        if done.returncode != 0:
            table.missed += 1
            print(f"  exit status {done.returncode}: MISSED ({summary})")
            failed = [line for line in done.stdout.splitlines()
                      if line.startswith(("FAILED ", "ERROR "))]
            for line in failed[:20]:
                print(f"    {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the light figures")
    parser.add_argument("--heavy-rounds", type=int, default=3,
                        help="rounds of the figures that train the capstone")
    parser.add_argument("--quick", action="store_true", help="leave out the capstone's figures")
    parser.add_argument("--tests", action="store_true",
                        help="also run the kit's own tests, fast set and full command, once each")
    parser.add_argument("--cluster", action="store_true",
                        help="also grade batch --scheduler on a LocalCluster beside --jobs 2 "
                             "(trains the capstone; needs the cluster extra)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        return child(options.child)
    folder = Path(os.environ.get("DLFS_MNIST_DIR") or REPO.parent / "shared" / "data" / "mnist")
    if not all((folder / f"{name}.gz").is_file() for name in bench_mnist.NAMES):
        sys.exit(f"no MNIST .gz files in {folder}: set DLFS_MNIST_DIR to the folder that has them")
    os.environ["DLFS_MNIST_DIR"] = str(folder)
    os.environ.setdefault("DLFS_CACHE_DIR", tempfile.mkdtemp(prefix="bench-all-cache-"))
    import numpy
    load = os.getloadavg()[0]
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python "
          f"{platform.python_version()}, numpy {numpy.__version__}, load average {load:.1f} "
          f"at the start")
    started, table = time.perf_counter(), Table()
    grading(table, options.rounds)
    mnist(table, options.rounds)
    if not options.quick:
        capstone(table, options.heavy_rounds)
        batch(table, options.heavy_rounds)
        memory(table)
    if options.tests:
        kit_tests(table)
    if options.cluster:
        cluster(table, options.heavy_rounds)
    print(f"# {time.perf_counter() - started:.0f} s in all; load average {os.getloadavg()[0]:.1f}"
          f" at the end; {table.missed} target(s) missed")
    sys.exit(1 if table.missed else 0)


if __name__ == "__main__":
    main()
