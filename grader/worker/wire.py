"""The only format that crosses between the judge and the worker: frames of plain data.

A frame is an 8-byte length and a payload. The payload is a JSON header followed by the `.npy`
bytes of every array in it, each padded so that its data starts on a 64-byte boundary. Plain data
is None, bool, int, float, str, ndarray (and numpy scalars, sent as 0-d arrays), and lists, tuples
and dicts of these. Decoding runs no code: JSON, and numpy's own `.npy` header reader, refusing
object arrays as `np.load(..., allow_pickle=False)` does; arrays are read in place from the
received frame, not copied (the capstone's MNIST is 212 MB). Anything else the worker meets is
sent as a marker naming its type, which the judge turns into feedback ("softmax returned a
MyArray...").

This file is imported by both sides and must not import anything of the kit.
"""
from __future__ import annotations

import io
import json
import socket
import struct
import time

import numpy as np

LENGTH = struct.Struct("!Q")
MAX_FRAME = 1 << 30  # a frame over 1 GiB is refused, not read (the MNIST arrays are 200 MB)
MAX_ANSWER = 256 << 20  # what the judge reads of one frame from the worker
MAX_TEXT = 20000  # characters kept of any string the worker sends
MAX_DEPTH = 20
# What one frame's plain data may hold apart from array bytes: JSON decodes to Python objects
# some 20 times its size, so a 256 MB header of empty lists would cost the judge gigabytes.
MAX_HEADER = 8 << 20
MAX_ARRAYS = 200_000  # a history of numpy scalars holds one per iteration
ALIGN = 64  # where arrays start in a payload, and the .npy format's own header alignment


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
    header += b" " * _padding(2 * LENGTH.size + len(header))
    parts, size = [LENGTH.pack(len(header)), header], LENGTH.size + len(header)
    for array in arrays:
        npy_header, data = _npy(array)
        blob = len(npy_header) + len(data)
        padding = b"\0" * _padding(size + LENGTH.size + blob + LENGTH.size)
        parts += [LENGTH.pack(blob), npy_header, data, padding]
        size += LENGTH.size + blob + len(padding)
    return b"".join(parts)  # the one copy of the arrays' bytes (large ones: MNIST)


def _padding(offset: int) -> int:
    """Bytes to add after offset so that the next array's data starts on an ALIGN boundary
    (each .npy header ends on one): decoding then reads arrays in place instead of copying."""
    return -offset % ALIGN


def _npy(array: np.ndarray) -> tuple[bytes, memoryview | bytes]:
    """The `.npy` header of array and its bytes, as np.save writes them, without a copy."""
    if array.dtype.hasobject:
        raise ValueError("Object arrays cannot be saved when allow_pickle=False")
    if not (array.flags.c_contiguous or array.flags.f_contiguous):
        array = np.ascontiguousarray(array)
    head = io.BytesIO()
    fields = np.lib.format.header_data_from_array_1_0(array)
    try:
        np.lib.format.write_array_header_1_0(head, fields)
    except ValueError:  # a header too long for version 1.0
        np.lib.format.write_array_header_2_0(head, fields)
    data = array.T if fields["fortran_order"] else array
    try:
        return head.getvalue(), memoryview(data).cast("B")
    except (ValueError, TypeError):  # a dtype without the buffer protocol (datetime64, say)
        return head.getvalue(), data.tobytes()


def _load(view: memoryview):
    """The array of one `.npy` blob (np.load's reading with allow_pickle=False), its data read
    in place from the received frame rather than copied."""
    stream = io.BytesIO(view[:65536])
    version = np.lib.format.read_magic(stream)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(stream)
    elif version == (2, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(stream)
    else:
        raise ValueError(f"unsupported .npy version {version}")
    if dtype.hasobject:
        raise ValueError("Object arrays cannot be loaded when allow_pickle=False")
    start = stream.tell()
    count = 1
    for dimension in shape:
        count *= dimension
    if len(view) - start != count * dtype.itemsize:
        raise ValueError(f"an array of shape {shape} that holds {len(view) - start} bytes")
    array = np.ndarray(shape, dtype, buffer=view, offset=start, order="F" if fortran else "C")
    return array if array.flags.aligned and array.flags.writeable else array.copy()


def _untag(node, arrays: list, depth: int, resolve, callback=None):
    if depth > MAX_DEPTH:
        raise WireError("nested too deeply")
    if type(node) is str:  # capped here too: the encoder's own cap runs in the worker
        return cap(node)
    if node is None or type(node) in (bool, int, float):
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


def cap(text: str, limit: int = MAX_TEXT) -> str:
    """text, or its first `limit` characters and how many more there were."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"


def _bad(tag):
    raise WireError(f"unknown tag {tag!r}")


def decode(payload: bytes, resolve=None, callback=None):
    """The value a payload holds. `resolve(number, type_name)` turns a handle into an object;
    `callback(number)`, on the worker's side, turns a judge's function into a callable."""
    view = memoryview(payload)
    try:
        (size,) = LENGTH.unpack_from(view, 0)
        if size > MAX_HEADER:
            raise WireError(f"plain data of {size} bytes, over the {MAX_HEADER} byte limit")
        header = json.loads(bytes(view[8:8 + size]))
        offset, arrays = 8 + size, []
        while offset < len(view):
            if len(arrays) >= MAX_ARRAYS:
                raise WireError(f"more than {MAX_ARRAYS} arrays in one frame")
            (size,) = LENGTH.unpack_from(view, offset)
            arrays.append(_load(view[offset + 8:offset + 8 + size]))
            offset += 8 + size
            offset += _padding(offset + 8)
        return _untag(header, arrays, 0, resolve or Handle, callback)
    except WireError:
        raise
    except Exception as exc:  # noqa: BLE001 - decoding runs no code: any failure is the frame's
        raise WireError(f"{type(exc).__name__}: {str(exc)[:200]}") from None


def send(sock, payload: bytes) -> None:
    sock.sendall(LENGTH.pack(len(payload)))
    sock.sendall(payload)  # not joined to its length: that would copy it


def _fill(sock, buffer: memoryview, deadline: float | None) -> None:
    done, size = 0, len(buffer)
    while done < size:
        if deadline is not None:  # the whole frame by then, not each recv: no trickling
            left = deadline - time.monotonic()
            if left <= 0:
                raise socket.timeout("the frame did not arrive in time")
            sock.settimeout(min(left, 1e6))
        count = sock.recv_into(buffer[done:], min(size - done, 1 << 22))
        if not count:
            raise EOFError("the other side closed the connection")
        done += count


def receive(sock, limit: int = MAX_FRAME, deadline: float | None = None) -> memoryview:
    """One frame's payload from a socket; EOFError when it closed, WireError when too big,
    socket.timeout when all of it has not arrived by `deadline` (time.monotonic())."""
    length = memoryview(bytearray(LENGTH.size))
    _fill(sock, length, deadline)
    (size,) = LENGTH.unpack(length)
    if size > limit:
        raise WireError(f"a frame of {size} bytes, over the {limit} byte limit")
    # Read into memory that is committed only as bytes arrive (np.empty, not a zeroed
    # bytearray): a frame that announces more than it sends costs only what it sent.
    buffer = memoryview(np.empty(size, dtype=np.uint8))
    head = min(size, LENGTH.size)
    _fill(sock, buffer[:head], deadline)
    if head == LENGTH.size and LENGTH.unpack(buffer[:head])[0] > MAX_HEADER:
        raise WireError(f"plain data of {LENGTH.unpack(buffer[:head])[0]} bytes, over the "
                        f"{MAX_HEADER} byte limit")  # refused before it is read
    _fill(sock, buffer[head:], deadline)
    return buffer
