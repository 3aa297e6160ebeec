"""The only format that crosses between the judge and the worker: frames of plain data.

A frame is an 8-byte length and a payload. The payload is a JSON header followed by the `.npy`
bytes of every array in it. Plain data is None, bool, int, float, str, ndarray (and numpy
scalars, sent as 0-d arrays), and lists, tuples and dicts of these. Decoding runs no code: JSON
and `np.load(..., allow_pickle=False)` only. Anything else the worker meets is sent as a marker
naming its type, which the judge turns into feedback ("softmax returned a MyArray...").

This file is imported by both sides and must not import anything of the kit.
"""
from __future__ import annotations

import io
import json
import struct

import numpy as np

LENGTH = struct.Struct("!Q")
MAX_FRAME = 1 << 30  # a frame over 1 GiB is refused, not read (the MNIST arrays are 200 MB)
MAX_ANSWER = 256 << 20  # what the judge reads of one frame from the worker
MAX_TEXT = 20000  # characters kept of any string the worker sends
MAX_DEPTH = 20


# The worker's arrays sent once per run (the MNIST test set, say), by name; sessions forked from
# the zygote inherit them.
SHARED: dict = {}


class WireError(Exception):
    """A frame that is not well-formed plain data."""


class Unsupported:
    """Stands for a value that is not plain data; only its type's name crosses."""

    def __init__(self, type_name: str):
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<a {self.type_name}>"


class Shared:
    """An array the worker already holds (sent once per run), or rows start:stop of it."""

    def __init__(self, name: str, rows: tuple[int, int] | None = None, length: int = 0):
        self.name, self.rows, self.length = name, rows, length

    def __len__(self) -> int:
        return self.rows[1] - self.rows[0] if self.rows else self.length

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("a shared array takes only [start:stop]")
        start, stop, _ = index.indices(len(self))
        offset = self.rows[0] if self.rows else 0
        return Shared(self.name, (offset + start, offset + max(start, stop)), self.length)


class WorkerFunction:
    """A function of the worker's own library (FUNCTIONS), called there without a round trip."""

    def __init__(self, name: str):
        self.name = name


# Pure functions a check may hand to the student's code (grader/worker/scenarios.py fills it).
FUNCTIONS: dict = {}


class Handle:
    """An object kept in the worker, named by a number."""

    def __init__(self, number: int, type_name: str):
        object.__setattr__(self, "wire_number", number)
        object.__setattr__(self, "wire_type", type_name)


def _tag(value, arrays: list, depth: int, keep, callbacks=None):
    if depth > MAX_DEPTH:
        return {"~unsupported": "a structure nested too deeply"}
    if value is None or type(value) in (bool, str):
        return value if type(value) is not str else value[:MAX_TEXT]
    if type(value) is int:
        return value
    if type(value) is float:
        return {"~float": repr(value)} if value != value or value in (
            float("inf"), float("-inf")) else value
    if type(value) is np.ndarray or type(value) is np.memmap:
        if value.dtype.hasobject:
            return {"~unsupported": "numpy array of Python objects"}
        arrays.append(np.asarray(value))
        return {"~nd": len(arrays) - 1}
    if isinstance(value, np.generic) and type(value).__module__ == "numpy":
        if isinstance(value, np.object_):
            return {"~unsupported": type(value).__name__}
        arrays.append(np.asarray(value))
        return {"~scalar": len(arrays) - 1}
    if type(value) in (list, tuple):
        items = [_tag(v, arrays, depth + 1, keep, callbacks) for v in value]
        return items if type(value) is list else {"~tuple": items}
    if type(value) is dict:
        return {"~dict": [[_tag(k, arrays, depth + 1, keep, callbacks),
                           _tag(v, arrays, depth + 1, keep, callbacks)]
                          for k, v in value.items()]}
    if isinstance(value, Handle):
        return {"~handle": value.wire_number, "type": value.wire_type}
    if isinstance(value, WorkerFunction):
        return {"~function": value.name}
    if isinstance(value, Shared):
        return {"~shared": value.name, "rows": list(value.rows) if value.rows else None}
    if callbacks is not None and callable(value):  # the judge's function, called back
        return {"~callback": callbacks(value)}
    if keep is not None:  # the worker keeps the object and sends its handle
        return {"~handle": keep(value), "type": type(value).__name__}
    return {"~unsupported": type(value).__name__}


def encode(value, keep=None, callbacks=None) -> bytes:
    """The payload for value. `keep(obj) -> int`, on the worker's side, keeps what is not data;
    `callbacks(function) -> int`, on the judge's, registers a function the worker may call."""
    arrays: list[np.ndarray] = []
    header = json.dumps(_tag(value, arrays, 0, keep, callbacks), allow_nan=False).encode()
    parts = [LENGTH.pack(len(header)), header]
    for array in arrays:
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)
        parts += [LENGTH.pack(buffer.tell()), buffer.getvalue()]
    return b"".join(parts)


def _untag(node, arrays: list, depth: int, resolve, callback=None):
    if depth > MAX_DEPTH:
        raise WireError("nested too deeply")
    if node is None or type(node) in (bool, int, float, str):
        return node
    if type(node) is list:
        return [_untag(n, arrays, depth + 1, resolve, callback) for n in node]
    if type(node) is not dict or len(node) not in (1, 2):
        raise WireError("unexpected JSON object")
    (tag, content), = list(node.items())[:1]
    if tag == "~float":
        return float(content) if content in ("nan", "inf", "-inf") else _bad(tag)
    if tag in ("~nd", "~scalar"):
        array = arrays[content]
        return array[()] if tag == "~scalar" else array
    if tag == "~tuple":
        return tuple(_untag(n, arrays, depth + 1, resolve, callback) for n in content)
    if tag == "~dict":
        result = {}
        for key, value in content:
            key = _untag(key, arrays, depth + 1, resolve, callback)
            try:
                result[key] = _untag(value, arrays, depth + 1, resolve, callback)
            except TypeError:  # an unhashable key (a list): not plain data
                raise WireError("unhashable dict key") from None
        return result
    if tag == "~unsupported":
        return Unsupported(str(content)[:200])
    if tag == "~handle":
        return resolve(int(content), str(node.get("type", "object"))[:200])
    if tag == "~callback" and callback is not None:
        return callback(int(content))
    if tag == "~function" and callback is not None:
        return FUNCTIONS[str(content)]
    if tag == "~shared" and callback is not None:  # only the worker holds shared arrays
        array = SHARED[str(content)]
        rows = node.get("rows")
        return array[int(rows[0]):int(rows[1])] if rows else array
    return _bad(tag)


def _bad(tag):
    raise WireError(f"unknown tag {tag!r}")


def decode(payload: bytes, resolve=None, callback=None):
    """The value a payload holds. `resolve(number, type_name)` turns a handle into an object;
    `callback(number)`, on the worker's side, turns a judge's function into a callable."""
    view = memoryview(payload)
    try:
        (size,) = LENGTH.unpack_from(view, 0)
        header = json.loads(bytes(view[8:8 + size]))
        offset, arrays = 8 + size, []
        while offset < len(view):
            (size,) = LENGTH.unpack_from(view, offset)
            blob = io.BytesIO(view[offset + 8:offset + 8 + size])
            arrays.append(np.load(blob, allow_pickle=False))
            offset += 8 + size
        return _untag(header, arrays, 0, resolve or Handle, callback)
    except WireError:
        raise
    except (ValueError, KeyError, IndexError, TypeError, struct.error, EOFError) as exc:
        raise WireError(f"{type(exc).__name__}: {exc}") from None


def send(sock, payload: bytes) -> None:
    sock.sendall(LENGTH.pack(len(payload)) + payload)


def _read_exactly(sock, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = sock.recv(min(left, 1 << 22))
        if not chunk:
            raise EOFError("the other side closed the connection")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def receive(sock, limit: int = MAX_FRAME) -> bytes:
    """One frame's payload from a socket; EOFError when it closed, WireError when too big."""
    (size,) = LENGTH.unpack(_read_exactly(sock, LENGTH.size))
    if size > limit:
        raise WireError(f"a frame of {size} bytes, over the {limit} byte limit")
    return _read_exactly(sock, size)
