"""load_mnist, as in the book's dataset/mnist.py, and where the four MNIST files come from.

Provided code, not an exercise: chapter 3.6 and the capstone need MNIST, and a loader that checks
what it hands out lets students trust the data while they debug their own code.

Each array is kept in the cache (see data/cache.py) and memory-mapped on later loads. An array
not cached yet is built from its file, taken from the first of:
  1. $DLFS_MNIST_DIR, a folder with the four standard files, gzipped (.gz) or plain;
  2. the download cache, $DLFS_CACHE_DIR/mnist/raw (default ~/.cache/dlfs-kit/mnist/raw);
  3. a download from the `mirrors` argument, else $DLFS_MNIST_MIRRORS, else two public mirrors.
Every file is checked against the SHA-256 of the standard file while it is read, so no array is
ever built from a wrong one. A bad file in the download cache is deleted and downloaded again; a
bad file in DLFS_MNIST_DIR belongs to the user, so it is reported and left alone.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

import numpy as np

from . import cache, download, idx
from .errors import MnistError

__all__ = ["load_mnist", "MnistError"]

MNIST_DIR_ENV = "DLFS_MNIST_DIR"


def load_mnist(normalize: bool = True, flatten: bool = True, one_hot_label: bool = False, *,
               mirrors: str | Iterable[str] | None = None):
    """Load MNIST as ((x_train, t_train), (x_test, t_test)), as in the book (3.6.1).

    normalize: images as float32 in [0.0, 1.0] (pixel / 255); else uint8 0..255.
    flatten: images as (N, 784) rows; else (N, 1, 28, 28), one channel of 28x28 pixels.
    one_hot_label: labels as float32 (N, 10), a single 1.0 per row at the digit (2 becomes
        [0, 0, 1, 0, 0, 0, 0, 0, 0, 0]); else uint8 (N,), digits 0..9.
    mirrors: base URLs to download from if a file is missing, in order; a string may list
        several, separated by commas or whitespace. Default: $DLFS_MNIST_MIRRORS, else public
        mirrors.

    N is 60000 for training and 10000 for test. The arrays are read-only (the images and labels
    are memory-mapped from the cache): writing into one raises ValueError, and x.copy() gives a
    copy you may change.

        >>> (x_train, t_train), (x_test, t_test) = load_mnist(normalize=False)
        >>> x_train.shape, x_train.dtype, t_test.shape
        ((60000, 784), dtype('uint8'), (10000,))

    Raises MnistError if a file is missing, damaged or cannot be downloaded; the message names
    the file and says how to fix it.
    """
    arrays = {spec.key: _cached(spec, "f32" if normalize and spec.is_images else "u8", mirrors)
              for spec in idx.FILES}
    images, labels = {}, {}
    for split in ("train", "test"):
        x, t = arrays[f"{split}_img"], arrays[f"{split}_label"]
        images[split] = x if flatten else x.reshape(-1, 1, 28, 28)
        labels[split] = _one_hot(t) if one_hot_label else t
    return (images["train"], labels["train"]), (images["test"], labels["test"])


def _one_hot(labels: np.ndarray) -> np.ndarray:
    rows = np.zeros((labels.size, 10), dtype=np.float32)
    rows[np.arange(labels.size), labels] = 1.0
    rows.flags.writeable = False  # read-only like every other array load_mnist returns
    return rows


def _cached(spec: idx.IdxFile, kind: str, mirrors) -> np.memmap:
    """The cached array of one file, building it first if the cache has no good copy."""
    array = cache.open_entry(spec, kind)
    if array is None and kind == "f32":
        pixels = cache.open_entry(spec, "u8")
        if pixels is not None:
            cache.derive_f32(spec, pixels)
            array = cache.open_entry(spec, kind)
    if array is None:
        _build(spec, ("u8", kind) if kind != "u8" else ("u8",), mirrors)
        array = cache.open_entry(spec, kind)
    if array is None:
        raise MnistError(f"{cache.entry_path(spec, kind)} does not read back correctly right "
                         f"after it was written: check the disk, or set DLFS_CACHE_DIR to "
                         f"another folder")
    return array


def _build(spec: idx.IdxFile, kinds: tuple[str, ...], mirrors) -> None:
    path, origin = _locate(spec, mirrors)
    try:
        _build_from(path, spec, kinds)
        return
    except idx.IdxProblem as problem:
        if origin == "user":
            raise MnistError(
                f"{path} {problem}. It is in {MNIST_DIR_ENV} ({path.parent}), so the kit leaves "
                f"it alone: replace it with a good copy of {spec.name}.gz (the SHA-256 of its "
                f"decompressed content is {spec.sha256}), or unset {MNIST_DIR_ENV} to let the "
                f"kit download MNIST into its cache.") from None
    path.unlink(missing_ok=True)  # a bad download-cache file: fetch a fresh copy
    path = download.fetch(spec, path.parent, mirrors)
    try:
        _build_from(path, spec, kinds)
    except idx.IdxProblem as problem:
        raise MnistError(f"{path} {problem}, right after it was downloaded and checked: delete "
                         f"the folder {path.parent} and load again") from None


def _build_from(path: Path, spec: idx.IdxFile, kinds: tuple[str, ...]) -> None:
    """Read path, checking it, into a new cache entry of each kind."""
    writers: list[cache.EntryWriter] = []
    try:
        for kind in kinds:
            writers.append(cache.EntryWriter(spec, kind))
        idx.read(path, spec, [writer.write for writer in writers])
    except BaseException:
        for writer in writers:
            writer.abort()
        raise
    for writer in writers:
        writer.commit()


def on_this_machine() -> bool:
    """Whether load_mnist can do without downloading: each file is in the cache as an array, in
    $DLFS_MNIST_DIR or in the download cache. Cheap: it reads no file whole."""
    user_dir = os.environ.get(MNIST_DIR_ENV)
    folders = [Path(user_dir).expanduser()] if user_dir else []
    folders.append(cache.cache_dir() / "raw")
    return all(any(cache.open_entry(spec, kind) is not None for kind in cache.DTYPES)
               or any(folder.is_dir() and idx.find(folder, spec) for folder in folders)
               for spec in idx.FILES)


def _locate(spec: idx.IdxFile, mirrors) -> tuple[Path, str]:
    """The file to build spec's arrays from, and where it came from: user, cache or download."""
    looked = []
    user_dir = os.environ.get(MNIST_DIR_ENV)
    if user_dir:
        folder = Path(user_dir).expanduser()
        if not folder.is_dir():
            raise MnistError(f"{MNIST_DIR_ENV}={user_dir} is not a folder: set it to the folder "
                             f"that holds the four MNIST files, or unset it to let the kit "
                             f"download them")
        found = idx.find(folder, spec)
        if found:
            return found, "user"
        looked.append(f"{MNIST_DIR_ENV} ({folder})")
    raw = cache.cache_dir() / "raw"
    found = idx.find(raw, spec)
    if found:
        return found, "cache"
    looked.append(f"the download cache ({raw})")
    try:
        return download.fetch(spec, raw, mirrors), "download"
    except MnistError as exc:
        raise MnistError(f"{spec.name} is not in {' nor in '.join(looked)}; {exc}") from None
