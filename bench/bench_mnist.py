"""How fast load_mnist is, beside the plainest possible read of the same four files.

    python bench/bench_mnist.py [--rounds 5]

Reads the files from $DLFS_MNIST_DIR (else ../shared/data/mnist beside the repository). Every
measurement runs in a fresh Python process, as a student's script would, so no run inherits
memory or open mappings from another; the files themselves stay in the OS page cache, as they
would on a second run. Each round measures, in this order:

    bare       gzip.decompress + np.frombuffer of the four files (the floor for a cold load)
    bare+norm  the same, then astype(np.float32) / 255 as the book's loader does
    cold u8    load_mnist(normalize=False) with an empty cache: checks and caches as it reads
    warm u8    the same call again, from the cache it just built
    cold       load_mnist() (normalize=True) with an empty cache
    warm       the same call again

Targets: cold at most 1.5x bare, warm under 0.2 s. Medians over the rounds are printed.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NAMES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
         "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
COLD_TARGET, WARM_TARGET = 1.5, 0.2


def bare(folder: Path, normalize: bool) -> None:
    import gzip

    import numpy as np
    for name in NAMES:
        raw = gzip.decompress((folder / f"{name}.gz").read_bytes())
        array = np.frombuffer(raw, dtype=np.uint8, offset=16 if "images" in name else 8)
        if normalize and "images" in name:
            array = array.astype(np.float32) / 255.0


def kit(normalize: bool) -> None:
    from data.mnist import load_mnist
    load_mnist(normalize=normalize)


def child(what: str) -> None:
    """Run one measurement in this process and print its seconds."""
    import numpy  # noqa: F401  imported before the clock starts, like any script would
    sys.path.insert(0, str(REPO))
    import data.mnist  # noqa: F401
    folder = Path(os.environ["DLFS_MNIST_DIR"])
    start, cpu = time.perf_counter(), time.process_time()
    if what.startswith("bare"):
        bare(folder, normalize=what == "bare+norm")
    else:
        kit(normalize=what in ("cold", "warm"))
    print(time.perf_counter() - start, time.process_time() - cpu)


def measure(what: str, cache: Path) -> tuple[float, float]:
    """Wall-clock and CPU seconds (all threads) of one measurement in a fresh process."""
    env = {**os.environ, "DLFS_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, __file__, "--child", what], env=env, check=True,
                          capture_output=True, text=True)
    wall, cpu = done.stdout.split()[-2:]
    return float(wall), float(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="measurements of each kind")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child)
    folder = Path(os.environ.get("DLFS_MNIST_DIR") or REPO.parent / "shared" / "data" / "mnist")
    if not all((folder / f"{name}.gz").is_file() for name in NAMES):
        sys.exit(f"no MNIST .gz files in {folder}: set DLFS_MNIST_DIR to the folder that has them")
    os.environ["DLFS_MNIST_DIR"] = str(folder)
    busy = _load_average()
    wall, cpu = collect(args.rounds)
    report(wall, cpu, folder, args.rounds, busy, _load_average())


def collect(rounds: int, verbose: bool = True):
    """Wall-clock and CPU seconds of every kind of load, one list of rounds per kind."""
    kinds = ("bare", "bare+norm", "cold u8", "warm u8", "cold", "warm")
    wall: dict[str, list[float]] = {kind: [] for kind in kinds}
    cpu: dict[str, list[float]] = {kind: [] for kind in kinds}
    scratch = Path(tempfile.mkdtemp(prefix="bench-mnist-"))
    try:
        for round_ in range(rounds):
            for kind in kinds:
                # a warm load reuses the cache the cold load before it built
                cache = scratch / str(round_) / ("u8" if kind.endswith("u8") else "f32")
                if kind.startswith("cold"):
                    shutil.rmtree(cache, ignore_errors=True)
                seconds, cpu_seconds = measure(kind, cache)
                wall[kind].append(seconds)
                cpu[kind].append(cpu_seconds)
            if verbose:
                print(f"round {round_ + 1}/{rounds}: "
                      + ", ".join(f"{k} {v[-1]:.3f}" for k, v in wall.items()), flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return wall, cpu


def report(wall, cpu, folder: Path, rounds: int, busy_before, busy_after) -> None:
    """Medians of the wall-clock times; ratios are the median of each round's own ratio, since
    a round's measurements are taken seconds apart, under the same load."""
    med = {kind: statistics.median(values) for kind, values in wall.items()}
    med_cpu = {kind: statistics.median(values) for kind, values in cpu.items()}

    def ratio(kind: str, base: str = "bare") -> float:
        return statistics.median(a / b for a, b in zip(wall[kind], wall[base]))

    print(f"\nmedians of {rounds} rounds, files from {folder}   (wall s / cpu s, all threads)")
    print(f"  bare read (gzip.decompress + np.frombuffer)  {med['bare']:6.3f} / "
          f"{med_cpu['bare']:.3f}")
    print(f"  bare read + astype(float32) / 255            {med['bare+norm']:6.3f} / "
          f"{med_cpu['bare+norm']:.3f}")
    for label, cold, warm in (("load_mnist(normalize=False)", "cold u8", "warm u8"),
                              ("load_mnist()  (normalize=True, the default)", "cold", "warm")):
        print(f"  {label}")
        verdict = "ok" if ratio(cold) <= COLD_TARGET else "MISSED"
        print(f"    cold {med[cold]:6.3f} / {med_cpu[cold]:.3f}   cold/bare {ratio(cold):5.2f}"
              f"   (target <= {COLD_TARGET}: {verdict})")
        verdict = "ok" if med[warm] < WARM_TARGET else "MISSED"
        print(f"    warm {med[warm]:6.3f} / {med_cpu[warm]:.3f}   warm/bare {ratio(warm):5.3f}"
              f"   (target < {WARM_TARGET} s: {verdict})")
    print(f"  cold load_mnist() / (bare read + astype / 255): {ratio('cold', 'bare+norm'):.2f}")
    if busy_before is not None:
        print(f"  load average {busy_before:.1f} before, {busy_after:.1f} after, on "
              f"{os.cpu_count()} CPUs" + ("; other work was running, so wall times are noisy"
                                          if max(busy_before, busy_after) > 1 else ""))


def _load_average() -> float | None:
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):  # not on Windows
        return None


if __name__ == "__main__":
    main()
