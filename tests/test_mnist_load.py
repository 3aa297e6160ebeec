"""load_mnist on the real files: shapes and dtypes, the dataset README's facts, the cache, and
bad files. Files come from DLFS_MNIST_DIR; every test gets its own empty cache, and the mirrors
point at a closed local port, so nothing here can download."""
from __future__ import annotations

import gzip
import itertools
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from data import cache, idx
from data.mnist import MnistError, load_mnist

NAMES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
         "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
# From the dataset's README: label counts per digit 0..9, pixel mean and std after / 255.
COUNTS = {"train": [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949],
          "test": [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]}
MEAN_STD = {"train": (0.13066, 0.30811), "test": (0.13251, 0.31048)}
SIZES = {"train": 60000, "test": 10000}
NOWHERE = "http://127.0.0.1:9/"  # a closed local port: no download attempt leaves the machine
COMBOS = list(itertools.product([True, False], repeat=3))  # normalize, flatten, one_hot_label


def read_source(folder: Path, name: str) -> bytes:
    """The decompressed content of a standard file in folder, plain or gzipped."""
    plain = folder / name
    if plain.is_file():
        return plain.read_bytes()
    return gzip.decompress((folder / f"{name}.gz").read_bytes())


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path, mnist_dir):
    monkeypatch.setenv("DLFS_MNIST_DIR", str(mnist_dir))
    monkeypatch.setenv("DLFS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("DLFS_MNIST_MIRRORS", NOWHERE)


@pytest.fixture(scope="module")
def loads(mnist_dir, tmp_path_factory):
    """load_mnist's result for every combination of options, from one cache: the first call
    builds it, the others read it."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DLFS_MNIST_DIR", str(mnist_dir))
        mp.setenv("DLFS_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        mp.setenv("DLFS_MNIST_MIRRORS", NOWHERE)
        return {combo: load_mnist(*combo) for combo in COMBOS}


@pytest.fixture(scope="module")
def plain_dir(mnist_dir, tmp_path_factory) -> Path:
    """The four files decompressed, under their standard names without .gz."""
    folder = tmp_path_factory.mktemp("plain")
    for name in NAMES:
        (folder / name).write_bytes(read_source(mnist_dir, name))
    return folder


def pixels(loads):
    """(x_train, t_train), (x_test, t_test) as uint8, flattened, labels as digits."""
    return loads[(False, True, False)]


@pytest.mark.parametrize("normalize,flatten,one_hot_label", COMBOS)
def test_shapes_and_dtypes(loads, normalize, flatten, one_hot_label):
    (x_train, t_train), (x_test, t_test) = loads[(normalize, flatten, one_hot_label)]
    for split, x, t in (("train", x_train, t_train), ("test", x_test, t_test)):
        n = SIZES[split]
        shape = (n, 784) if flatten else (n, 1, 28, 28)
        dtype = np.float32 if normalize else np.uint8
        assert (x.shape, x.dtype) == (shape, dtype), f"x_{split}: expected {shape} {dtype}"
        label_shape, label_dtype = ((n, 10), np.float32) if one_hot_label else ((n,), np.uint8)
        assert (t.shape, t.dtype) == (label_shape, label_dtype), \
            f"t_{split}: expected {label_shape} {label_dtype}"


@pytest.mark.parametrize("split", ["train", "test"])
def test_label_counts_match_readme(loads, split):
    (_, t_train), (_, t_test) = pixels(loads)
    got = np.bincount({"train": t_train, "test": t_test}[split], minlength=10).tolist()
    assert got == COUNTS[split], f"{split} labels per digit: got {got}, expected {COUNTS[split]}"


@pytest.mark.parametrize("split", ["train", "test"])
def test_normalized_pixel_mean_and_std_match_readme(loads, split):
    (x_train, _), (x_test, _) = loads[(True, True, False)]
    x = {"train": x_train, "test": x_test}[split]
    mean, std = x.mean(dtype=np.float64), x.std(dtype=np.float64)
    expected_mean, expected_std = MEAN_STD[split]
    assert abs(mean - expected_mean) < 1e-4 and abs(std - expected_std) < 1e-4, \
        f"{split}: mean {mean:.5f} std {std:.5f}, expected {expected_mean} / {expected_std}"


def test_normalize_divides_by_255_into_0_1(loads):
    (x_train, _), (x_test, _) = loads[(True, True, False)]
    (u_train, _), (u_test, _) = pixels(loads)
    for x, u in ((x_train, u_train), (x_test, u_test)):
        assert x.min() == 0.0 and x.max() == 1.0, f"range [{x.min()}, {x.max()}], expected [0, 1]"
        book = u.astype(np.float32)
        book /= 255.0  # what the book's load_mnist does
        assert np.array_equal(x, book), "normalized pixels differ from uint8 pixels / 255"


def test_flatten_false_holds_the_same_pixels(loads):
    (x4, _), (x4_test, _) = loads[(False, False, False)]
    (x2, _), (x2_test, _) = pixels(loads)
    assert np.array_equal(x4.reshape(-1, 784), x2) and np.array_equal(x4_test.reshape(-1, 784),
                                                                       x2_test)


def test_one_hot_rows_match_labels(loads):
    (_, t_train), (_, t_test) = pixels(loads)
    (_, h_train), (_, h_test) = loads[(False, True, True)]
    for labels, rows in ((t_train, h_train), (t_test, h_test)):
        assert set(np.unique(rows).tolist()) == {0.0, 1.0}
        assert np.array_equal(rows.sum(axis=1), np.ones(len(labels))), "rows must hold one 1.0"
        assert np.array_equal(rows.argmax(axis=1), labels), "the 1.0 must sit at the label"


@pytest.mark.parametrize("combo", [(True, True, True), (False, False, False)])
def test_returned_arrays_are_read_only(loads, combo):
    arrays = [a for pair in loads[combo] for a in pair]
    for array in arrays:
        before = array.flat[0]
        with pytest.raises(ValueError, match="read-only"):
            array.flat[0] = 7
        assert array.flat[0] == before


def test_warm_load_memory_maps_the_cache_and_equals_the_cold_load(loads, monkeypatch, tmp_path):
    cold = load_mnist(normalize=False)
    arrays = tmp_path / "cache" / "mnist" / "arrays"
    built = sorted(p.name for p in arrays.iterdir())
    assert built == sorted(f"{k}.u8.{ext}" for k in ("train_img", "train_label", "test_img",
                                                     "test_label") for ext in ("npy", "json"))
    stamps = {p.name: p.stat().st_mtime_ns for p in arrays.iterdir()}
    monkeypatch.setenv("DLFS_MNIST_DIR", str(tmp_path))  # no MNIST files: only the cache can serve
    warm = load_mnist(normalize=False)
    for got, expected in zip(itertools.chain(*warm), itertools.chain(*cold)):
        assert isinstance(got, np.memmap), f"warm load returned {type(got).__name__}, not memmap"
        assert np.array_equal(got, expected)
    assert {p.name: p.stat().st_mtime_ns for p in arrays.iterdir()} == stamps, "cache rewritten"
    # The float32 images come from the cached uint8 ones, still without the files.
    (x_train, _), (x_test, _) = load_mnist(normalize=True)
    (ref_train, _), (ref_test, _) = loads[(True, True, False)]
    assert isinstance(x_train, np.memmap)
    assert np.array_equal(x_train, ref_train) and np.array_equal(x_test, ref_test)
    assert (arrays / "train_img.f32.npy").is_file() and (arrays / "train_img.f32.json").is_file()


def test_plain_files_are_accepted(loads, monkeypatch, plain_dir):
    monkeypatch.setenv("DLFS_MNIST_DIR", str(plain_dir))
    for got, expected in zip(itertools.chain(*load_mnist(normalize=False)),
                             itertools.chain(*pixels(loads))):
        assert np.array_equal(got, expected)


def test_a_folder_mixing_gz_and_plain_is_accepted(loads, monkeypatch, tmp_path, mnist_dir,
                                                  plain_dir):
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    shutil.copy(plain_dir / NAMES[0], mixed / NAMES[0])  # plain
    (mixed / f"{NAMES[1]}.gz").write_bytes(gzip.compress(read_source(mnist_dir, NAMES[1])))
    # What a browser leaves: a gzipped file without .gz, and a decompressed one with it.
    (mixed / NAMES[2]).write_bytes(gzip.compress(read_source(mnist_dir, NAMES[2]), 1))
    shutil.copy(plain_dir / NAMES[3], mixed / f"{NAMES[3]}.gz")
    monkeypatch.setenv("DLFS_MNIST_DIR", str(mixed))
    for got, expected in zip(itertools.chain(*load_mnist(normalize=False)),
                             itertools.chain(*pixels(loads))):
        assert np.array_equal(got, expected)


def test_processes_loading_at_once_share_one_cache(loads, tmp_path):
    code = ("import numpy as np; from data.mnist import load_mnist; "
            "(x, t), (xt, tt) = load_mnist(normalize=False); "
            "print(x.sum(dtype=np.int64), t.sum(dtype=np.int64), xt.sum(dtype=np.int64))")
    repo = Path(__file__).resolve().parent.parent
    runs = [subprocess.Popen([sys.executable, "-c", code], cwd=repo, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(3)]
    results = [run.communicate(timeout=120) + (run.returncode,) for run in runs]
    (x, t), (xt, _) = pixels(loads)
    expected = f"{x.sum(dtype=np.int64)} {t.sum(dtype=np.int64)} {xt.sum(dtype=np.int64)}"
    for out, err, code in results:
        assert code == 0 and out.strip() == expected, f"exit {code}, printed {out!r}: {err}"
    for spec in idx.FILES:
        assert cache.open_entry(spec, "u8") is not None, f"{spec.key} entry broken"
    left = [p.name for p in (tmp_path / "cache").rglob(".*") if p.is_file()]
    assert left == [], f"temporary files left: {left}"


def test_stale_temporary_files_are_swept_and_fresh_ones_kept(tmp_path):
    arrays = tmp_path / "cache" / "mnist" / "arrays"
    arrays.mkdir(parents=True)
    stale, fresh = arrays / ".train_img.u8.npy.ab12.tmp", arrays / ".test_img.u8.npy.cd34.tmp"
    for path in (stale, fresh):
        path.write_bytes(b"half an array")
    long_ago = time.time() - 2 * cache.STALE_SECONDS
    os.utime(stale, (long_ago, long_ago))
    load_mnist(normalize=False)
    assert not stale.exists(), "a temporary file left by a dead process was kept"
    assert fresh.exists(), "a temporary file that another process may be writing was deleted"


def _truncate(path: Path) -> None:
    with open(path, "r+b") as f:
        f.truncate(path.stat().st_size // 2)


def _zero_data(path: Path) -> None:
    array = np.load(path, mmap_mode="r+")
    array[...] = 0
    array.flush()


def _stamp_other_source(path: Path) -> None:
    stamp_path = path.with_suffix(".json")
    stamp = json.loads(stamp_path.read_text())
    stamp["source_sha256"] = "0" * 64  # as if built from another version of the file
    stamp_path.write_text(json.dumps(stamp))


DAMAGE = {
    "truncated array": ("train_img", "u8", _truncate),
    "zeroed array": ("test_img", "f32", _zero_data),
    "bytes appended": ("test_img", "u8", lambda p: p.write_bytes(p.read_bytes() + b"\0" * 64)),
    "garbage stamp": ("train_label", "u8",
                      lambda p: p.with_suffix(".json").write_text("{not json")),
    "missing stamp": ("test_label", "u8", lambda p: p.with_suffix(".json").unlink()),
    "stamp of another source": ("train_img", "u8", _stamp_other_source),
    "stamp of another file": ("test_label", "u8", lambda p: shutil.copy(
        p.with_name("train_label.u8.json"), p.with_suffix(".json"))),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_cache_entry_is_detected_and_rebuilt(loads, damage):
    key, kind, spoil = DAMAGE[damage]
    spec = next(s for s in idx.FILES if s.key == key)
    load_mnist(normalize=kind == "f32")
    path = cache.entry_path(spec, kind)
    assert cache.open_entry(spec, kind) is not None
    spoil(path)
    assert cache.open_entry(spec, kind) is None, f"a {damage} was not detected"
    reloaded = load_mnist(normalize=kind == "f32", flatten=True, one_hot_label=False)
    expected = loads[(kind == "f32", True, False)]
    for got, want in zip(itertools.chain(*reloaded), itertools.chain(*expected)):
        assert np.array_equal(got, want)
    rebuilt = np.load(path, mmap_mode="r")
    assert rebuilt.shape == spec.shape and cache.open_entry(spec, kind) is not None
    stamp = json.loads(path.with_suffix(".json").read_text())
    assert stamp["source"] == spec.name and stamp["bytes"] == path.stat().st_size
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")], "temp file left"


def _flip_middle_byte(data: bytes) -> bytes:
    flipped = bytearray(data)
    flipped[len(flipped) // 2] ^= 0xFF
    return bytes(flipped)


# What ends up in train-labels-idx1-ubyte(.gz), made from a reader of the good files, and what
# the error must say about it.
BAD_LABEL_FILES = {
    "truncated gzip": (".gz", lambda read: gzip.compress(read(NAMES[1]))[:10_000],
                       "truncated"),
    "damaged gzip": (".gz", lambda read: _flip_middle_byte(gzip.compress(read(NAMES[1]),
                                                                         mtime=0)), "gzip"),
    "one label changed": (".gz", lambda read: gzip.compress(_flip_middle_byte(read(NAMES[1]))),
                          "SHA-256"),
    "the test labels": (".gz", lambda read: gzip.compress(read(NAMES[3])),
                        "10000 items, expected 60000"),
    "an image file": ("", lambda read: read(NAMES[2])[:100_000], "magic number"),
    "truncated plain file": ("", lambda read: read(NAMES[1])[:-100], "truncated"),
    "empty file": ("", lambda read: b"", "truncated"),
}


def _link(target: Path, link: Path) -> None:
    try:
        link.symlink_to(target)
    except OSError:  # no symlinks here (Windows without the privilege): copy
        shutil.copy(target, link)


@pytest.mark.parametrize("bad", BAD_LABEL_FILES)
def test_a_bad_file_in_mnist_dir_raises_and_is_left_alone(monkeypatch, tmp_path, mnist_dir, bad):
    suffix, make, says = BAD_LABEL_FILES[bad]
    folder = tmp_path / "mnist"
    folder.mkdir()
    for name in (NAMES[0], NAMES[2], NAMES[3]):
        found = idx.find(mnist_dir, next(s for s in idx.FILES if s.name == name))
        _link(found, folder / found.name)
    content = make(lambda name: read_source(mnist_dir, name))
    bad_file = folder / f"{NAMES[1]}{suffix}"
    bad_file.write_bytes(content)
    monkeypatch.setenv("DLFS_MNIST_DIR", str(folder))
    with pytest.raises(MnistError) as caught:
        load_mnist()
    message = str(caught.value)
    assert str(bad_file) in message and says in message and "DLFS_MNIST_DIR" in message, message
    assert bad_file.read_bytes() == content, "the user's file was changed"
    arrays = tmp_path / "cache" / "mnist" / "arrays"
    left = sorted(p.name for p in arrays.iterdir()) if arrays.exists() else []
    assert not [n for n in left if "train_label" in n], f"cache entries left: {left}"


def test_mnist_dir_that_is_not_a_folder_raises(monkeypatch, tmp_path):
    monkeypatch.setenv("DLFS_MNIST_DIR", str(tmp_path / "no-such-folder"))
    with pytest.raises(MnistError, match="DLFS_MNIST_DIR=.*no-such-folder.* is not a folder"):
        load_mnist()


def test_mnist_error_is_a_runtime_error():
    assert issubclass(MnistError, RuntimeError)
