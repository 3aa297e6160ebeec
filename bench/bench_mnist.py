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
    start = time.perf_counter()
    if what.startswith("bare"):
        bare(folder, normalize=what == "bare+norm")
    else:
        kit(normalize=what in ("cold", "warm"))
    print(time.perf_counter() - start)


def measure(what: str, cache: Path) -> float:
    env = {**os.environ, "DLFS_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, __file__, "--child", what], env=env, check=True,
                          capture_output=True, text=True)
    return float(done.stdout.split()[-1])


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
    kinds = ("bare", "bare+norm", "cold u8", "warm u8", "cold", "warm")
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    scratch = Path(tempfile.mkdtemp(prefix="bench-mnist-"))
    try:
        for round_ in range(args.rounds):
            for kind in kinds:
                # a warm load reuses the cache the cold load before it built
                cache = scratch / str(round_) / ("u8" if kind.endswith("u8") else "f32")
                if kind.startswith("cold"):
                    shutil.rmtree(cache, ignore_errors=True)
                times[kind].append(measure(kind, cache))
            print(f"round {round_ + 1}/{args.rounds}: "
                  + ", ".join(f"{k} {v[-1]:.3f}" for k, v in times.items()), flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    med = {kind: statistics.median(values) for kind, values in times.items()}
    b = med["bare"]
    print(f"\nmedians of {args.rounds} rounds, files from {folder}")
    print(f"  bare read (gzip.decompress + np.frombuffer)   {b:7.3f} s")
    print(f"  bare read + astype(float32) / 255             {med['bare+norm']:7.3f} s")
    for label, cold, warm in (("load_mnist(normalize=False)", "cold u8", "warm u8"),
                              ("load_mnist()  (normalize=True)", "cold", "warm")):
        print(f"  {label}")
        print(f"    cold {med[cold]:7.3f} s   cold/bare {med[cold] / b:5.2f}   "
              f"(target <= {COLD_TARGET}: {'ok' if med[cold] / b <= COLD_TARGET else 'MISSED'})")
        print(f"    warm {med[warm]:7.3f} s   warm/bare {med[warm] / b:5.3f}   "
              f"(target < {WARM_TARGET} s: {'ok' if med[warm] < WARM_TARGET else 'MISSED'})")
    print(f"  cold load_mnist() / bare+norm: {med['cold'] / med['bare+norm']:.2f}")


if __name__ == "__main__":
    main()
