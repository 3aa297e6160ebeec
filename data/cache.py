"""The arrays kept between runs: one .npy per array, memory-mapped read-only on later loads.

Layout under $DLFS_CACHE_DIR/mnist/ (default ~/.cache/dlfs-kit/mnist/):

    raw/<standard file name>.gz     downloaded files, kept so the arrays can be rebuilt offline
    arrays/<key>.<kind>.npy         key: train_img, train_label, test_img, test_label;
                                    kind: u8 (as stored in the file) or f32 (images / 255)
    arrays/<key>.<kind>.json        its stamp: the source's SHA-256, dtype, shape, size and a
                                    digest of 64 blocks sampled across the array

An entry is used only if its stamp matches the array; checking that costs a few milliseconds,
while hashing the whole array would cost more than the load. Every file is written to a temporary
name in the same folder and renamed into place, so a reader never sees a half-written one; two
processes building the same entry write identical bytes, so either rename may win.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from .errors import MnistError
from .idx import CHUNK, IdxFile

STAMP_FORMAT = 1  # bump when the layout or the stamp changes, to rebuild old caches
DTYPES = {"u8": np.dtype(np.uint8), "f32": np.dtype(np.float32)}
SAMPLE_BLOCKS, SAMPLE_BYTES = 64, 4096
STALE_SECONDS = 3600  # a temporary file untouched this long was left by a process that died
_UMASK = os.umask(0o022)
os.umask(_UMASK)


def kit_cache_root() -> Path:
    """$DLFS_CACHE_DIR, or ~/.cache/dlfs-kit when the variable is unset: all the kit caches."""
    return Path(os.environ.get("DLFS_CACHE_DIR") or Path.home() / ".cache" / "dlfs-kit") \
        .expanduser()


def cache_dir() -> Path:
    """Where MNIST is cached: kit_cache_root()/mnist."""
    return kit_cache_root() / "mnist"


def entry_path(spec: IdxFile, kind: str) -> Path:
    return cache_dir() / "arrays" / f"{spec.key}.{kind}.npy"


def open_entry(spec: IdxFile, kind: str) -> np.memmap | None:
    """The cached array, memory-mapped read-only, or None if it is missing or does not match its
    stamp (the caller then rebuilds it, replacing the broken files)."""
    path = entry_path(spec, kind)
    try:
        stamp = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        array = np.load(path, mmap_mode="r", allow_pickle=False)
        size = path.stat().st_size
    except Exception:  # whatever stops it loading, the entry is rebuilt
        return None
    expected = _stamp_fields(spec, kind)
    if not isinstance(stamp, dict) or any(stamp.get(k) != v for k, v in expected.items()):
        return None
    if not isinstance(array, np.memmap) or array.dtype != DTYPES[kind] or array.shape != spec.shape:
        return None
    if size != stamp.get("bytes") or size != array.offset + array.nbytes:
        return None
    if _sample_digest(array) != stamp.get("sample"):
        return None
    return array


class EntryWriter:
    """Writes one entry from the file's payload (uint8 bytes, in order): write() each piece, then
    commit() to rename it into place and stamp it, or abort() to leave no trace."""

    def __init__(self, spec: IdxFile, kind: str):
        self.spec, self.kind = spec, kind
        self.path = entry_path(spec, kind)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            sweep(self.path.parent)
            self.file, self.tmp = temp_beside(self.path, ".tmp")
        except OSError as exc:
            raise _unwritable(self.path.parent, exc) from None
        header = {"descr": np.lib.format.dtype_to_descr(DTYPES[kind]), "fortran_order": False,
                  "shape": spec.shape}
        np.lib.format.write_array_header_1_0(self.file, header)
        # One buffer for every converted piece: a fresh 4 MB array each time costs page faults.
        self.buffer = np.empty(CHUNK, np.float32) if kind == "f32" else None

    def write(self, payload: memoryview) -> None:
        if self.buffer is not None:
            # Dividing in float32, as the book does after astype(np.float32), gives equal bits.
            pixels = np.frombuffer(payload, dtype=np.uint8)
            out = self.buffer[:pixels.size]
            payload = memoryview(np.divide(pixels, np.float32(255), out=out))
        self.file.write(payload)

    def commit(self) -> None:
        try:
            self.file.close()
            _replace(self.tmp, self.path)
            array = np.load(self.path, mmap_mode="r", allow_pickle=False)
            stamp = {**_stamp_fields(self.spec, self.kind), "bytes": self.path.stat().st_size,
                     "sample": _sample_digest(array)}
            del array  # closes the mapping, which Windows needs before a later rename
            write_atomic(self.path.with_suffix(".json"), json.dumps(stamp, indent=1).encode())
        except OSError as exc:
            self.abort()
            raise _unwritable(self.path.parent, exc) from None

    def abort(self) -> None:
        self.file.close()
        self.tmp.unlink(missing_ok=True)


def derive_f32(spec: IdxFile, pixels: np.ndarray) -> None:
    """Build the f32 entry of an image file from its u8 array, without reading the file again."""
    writer = EntryWriter(spec, "f32")
    try:
        flat = pixels.reshape(-1)
        for start in range(0, flat.size, CHUNK):
            writer.write(memoryview(flat[start:start + CHUNK]))
    except BaseException:
        writer.abort()
        raise
    writer.commit()


def temp_beside(path: Path, suffix: str):
    """A new temporary file, open for writing, in path's folder: (file, its path). Its mode
    follows the umask, as a plain open() would, so a cache shared by a class stays readable."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix)
    os.chmod(fd if os.chmod in os.supports_fd else name, 0o666 & ~_UMASK)
    return os.fdopen(fd, "wb"), Path(name)


def sweep(folder: Path) -> None:
    """Delete the temporary files that processes killed mid-write left in folder (a grader's
    timeout can do that, and an image array is 188 MB). Younger ones may still be written to."""
    cutoff = time.time() - STALE_SECONDS
    for path in folder.glob(".*.*"):
        if path.suffix in (".tmp", ".part"):
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
            except OSError:  # gone already, or not ours to delete: not worth failing a load
                pass


def write_atomic(path: Path, data: bytes) -> None:
    f, tmp = temp_beside(path, ".tmp")
    try:
        with f:
            f.write(data)
        _replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _replace(tmp: Path, path: Path) -> None:
    try:
        os.replace(tmp, path)
    except PermissionError as exc:  # Windows, while another process maps the old file
        tmp.unlink(missing_ok=True)
        raise MnistError(f"{path} could not be replaced ({exc}): close other Python sessions "
                         f"that loaded MNIST, then load again") from None


def _stamp_fields(spec: IdxFile, kind: str) -> dict:
    return {"format": STAMP_FORMAT, "source": spec.name, "source_sha256": spec.sha256,
            "dtype": DTYPES[kind].name, "shape": list(spec.shape)}


def _sample_digest(array: np.ndarray) -> str:
    """SHA-256 of SAMPLE_BLOCKS blocks spread evenly over the array's bytes (all of a small
    array): catches a cut, zeroed or swapped file at the cost of reading 256 KiB."""
    flat = array.reshape(-1).view(np.uint8)
    digest = hashlib.sha256()
    if flat.size <= SAMPLE_BLOCKS * SAMPLE_BYTES:
        digest.update(flat)
    else:
        for start in np.linspace(0, flat.size - SAMPLE_BYTES, SAMPLE_BLOCKS).astype(np.int64):
            digest.update(flat[start:start + SAMPLE_BYTES])
    return digest.hexdigest()


def _unwritable(folder: Path, exc: OSError) -> MnistError:
    return MnistError(f"cannot write the MNIST cache in {folder} ({exc}): set DLFS_CACHE_DIR to "
                      f"a folder you can write to, with about 300 MB free")
