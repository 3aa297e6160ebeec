"""module: ch03/activations.py
zero: step_function, relu, identity_function
status: error
expect: could not be read
unconfined: yes
split: yes
"""
# Each function writes on the session's own socket (found among its descriptors, as anyone who
# read the worker's source could) what the worker never sends: bytes that are no frame, a
# progress line the kit does not have, and a call back to a function the check never passed.
import json as _json
import os as _os
import socket as _socket
import stat as _stat
import struct as _struct


def _sockets():
    for name in map(str, range(1024)):  # every descriptor: /proc may be hidden (Landlock)
        try:
            if _stat.S_ISSOCK(_os.fstat(int(name)).st_mode):
                yield _socket.socket(fileno=_os.dup(int(name)))
        except OSError:
            pass


def _tagged(value):
    """Plain data as the worker's encoder tags it (wire.py): a dict is a list of pairs."""
    if isinstance(value, dict):
        return {"~dict": [[_tagged(k), _tagged(v)] for k, v in value.items()]}
    if isinstance(value, list):
        return [_tagged(v) for v in value]
    return value


def _frame(reply) -> bytes:
    header = _json.dumps(_tagged(reply)).encode()
    payload = _struct.pack("!Q", len(header)) + header
    return _struct.pack("!Q", len(payload)) + payload


def _send(data: bytes) -> None:
    for sock in _sockets():
        sock.sendall(data)


def step_function(x):
    _send(_struct.pack("!Q", 24) + b"\xff\xfe not a frame \x00\x01\x02\x03")
    return (x > 0).astype(int)


def relu(x):
    _send(_frame({"progress": {"key": "progress.no_such_line",
                               "fields": {"key": 1, "n": "{0.__class__}"}}}))
    return np.maximum(0, x)


def identity_function(x):
    _send(_frame({"callback": "0; import os", "args": {"a": 1}}))
    return x
