"""The four MNIST files: what each must contain, and a reader that checks one while it streams.

A file may be gzipped or plain; which one is told by its first bytes, not its name, because some
browsers decompress a download and keep the `.gz` name. Checks, cheapest first: the IDX header
(magic number, count, 28x28), the decompressed length, then the SHA-256 of the whole content.
"""
from __future__ import annotations

import hashlib
import struct
import zlib
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

GZIP_MAGIC = b"\x1f\x8b"
CHUNK = 1 << 20  # decompressed bytes per step of the pipeline
IMAGE_MAGIC, LABEL_MAGIC = 0x00000803, 0x00000801
PIXELS = 28 * 28


class IdxProblem(ValueError):
    """A file is not the MNIST file it should be. The message completes "<path> ...": it says what
    is wrong; the caller, who knows where the file came from, adds the fix."""


@dataclass(frozen=True)
class IdxFile:
    key: str  # the book's name for the array: train_img, train_label, test_img, test_label
    name: str  # the standard file name, without .gz
    sha256: str  # of the decompressed file, from the dataset's README
    count: int  # images or labels in the file

    @property
    def is_images(self) -> bool:
        return self.key.endswith("_img")

    @property
    def magic(self) -> int:
        return IMAGE_MAGIC if self.is_images else LABEL_MAGIC

    @property
    def header_size(self) -> int:
        return 16 if self.is_images else 8

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape the kit stores: images flattened to (count, 784), labels (count,)."""
        return (self.count, PIXELS) if self.is_images else (self.count,)

    @property
    def size(self) -> int:
        """Bytes in the decompressed file."""
        return self.header_size + self.count * (PIXELS if self.is_images else 1)


# Labels first: they are small, so a bad one is reported before a large image file is read.
FILES: tuple[IdxFile, ...] = (
    IdxFile("train_label", "train-labels-idx1-ubyte",
            "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", 60000),
    IdxFile("test_label", "t10k-labels-idx1-ubyte",
            "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", 10000),
    IdxFile("train_img", "train-images-idx3-ubyte",
            "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", 60000),
    IdxFile("test_img", "t10k-images-idx3-ubyte",
            "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", 10000),
)


def find(folder: Path, spec: IdxFile) -> Path | None:
    """The file for spec in folder, plain or gzipped (plain first: it reads faster), or None."""
    for candidate in (folder / spec.name, folder / f"{spec.name}.gz"):
        if candidate.is_file():
            return candidate
    return None


def is_gzip(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(2) == GZIP_MAGIC


def read(path: Path, spec: IdxFile, sinks: list[Callable[[memoryview], None]]) -> None:
    """Check that path holds exactly spec's file, handing its payload (the bytes after the IDX
    header) to every sink in order. Raises IdxProblem if the file is wrong; the sinks may then
    have seen part of it, so their owner must throw that away.

    The main thread decompresses while one worker hashes and feeds the sinks; zlib, hashlib and
    file writes release the GIL, so on two cores the checks cost little over the decompression.
    """
    digest = hashlib.sha256()

    def consume(chunk: bytes, skip: int) -> None:
        digest.update(chunk)
        payload = memoryview(chunk)[skip:]
        for sink in sinks:
            sink(payload)

    head = bytearray()
    seen = 0
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="mnist-read") as worker:
        pending: deque = deque()
        for chunk in _decompressed(path, limit=spec.size):
            skip = 0
            if len(head) < spec.header_size:
                skip = min(spec.header_size - len(head), len(chunk))
                head += chunk[:skip]
                if len(head) == spec.header_size:
                    _check_header(bytes(head), spec)
            seen += len(chunk)
            if seen > spec.size:
                raise IdxProblem(f"is too long: more than the {spec.size} bytes of the standard "
                                 f"file after decompression")
            pending.append(worker.submit(consume, chunk, skip))
            if len(pending) > 4:  # bounds the memory held by chunks waiting for the worker
                pending.popleft().result()
        for job in pending:
            job.result()
    if seen < spec.size:
        raise IdxProblem(f"is truncated: {seen} bytes after decompression, expected {spec.size}")
    if digest.hexdigest() != spec.sha256:
        raise IdxProblem(f"has the wrong content: the SHA-256 of its decompressed bytes is "
                         f"{digest.hexdigest()}, expected {spec.sha256}")


def _check_header(head: bytes, spec: IdxFile) -> None:
    magic, count = struct.unpack(">II", head[:8])
    if magic != spec.magic:
        kinds = {IMAGE_MAGIC: "an image file", LABEL_MAGIC: "a label file"}
        what = kinds.get(magic, "not an IDX file at all")
        raise IdxProblem(f"does not start like {kinds[spec.magic]}: its magic number is "
                         f"0x{magic:08x}, expected 0x{spec.magic:08x} (it looks like {what}; "
                         f"are two files swapped or misnamed?)")
    if count != spec.count:
        raise IdxProblem(f"says it holds {count} items, expected {spec.count}")
    if spec.is_images:
        rows, cols = struct.unpack(">II", head[8:16])
        if (rows, cols) != (28, 28):
            raise IdxProblem(f"says its images are {rows}x{cols}, expected 28x28")


def _decompressed(path: Path, limit: int) -> Iterator[bytes]:
    """Yield the content of path, gunzipped if it is gzipped, in chunks; stop once more than
    limit bytes came out, so a wrong file cannot fill the memory."""
    with open(path, "rb") as f:
        first = f.read(CHUNK)
        if not first.startswith(GZIP_MAGIC):
            chunk = first
            while chunk:
                yield chunk
                chunk = f.read(CHUNK)
            return
        data = first + f.read()
    produced = 0
    while True:  # a gzip file may hold several members, one after another
        stream = zlib.decompressobj(wbits=31)
        try:
            out = stream.decompress(data, CHUNK)
            while out:
                produced += len(out)
                yield out
                if produced > limit:
                    return
                out = stream.decompress(stream.unconsumed_tail, CHUNK)
        except zlib.error as exc:
            raise IdxProblem(f"is a damaged gzip file ({exc})") from None
        if not stream.eof:
            raise IdxProblem("is truncated: its gzip data stops before the end of the stream")
        data = stream.unused_data
        if not data.startswith(GZIP_MAGIC):
            if data.strip(b"\0"):  # gzip allows zero padding at the end, nothing else
                raise IdxProblem("has extra bytes after the end of its gzip data")
            return
