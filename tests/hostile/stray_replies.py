"""module: ch03/activations.py
zero: step_function, relu
status: error
expect: raised
unconfined: yes
split: yes
"""
# Replies nobody asked for, ahead of the real answer, with every field of the wrong type: an
# error whose type is a number, whose message is a list and whose frames are a dict; a stall
# report that is a string; an error that is not a dict. The real answer then arrives as the
# reply to the judge's next question.
import json as _json
import os as _os
import socket as _socket
import stat as _stat
import struct as _struct


def _tagged(value):
    """Plain data as the worker's encoder tags it (wire.py): a dict is a list of pairs."""
    if isinstance(value, dict):
        return {"~dict": [[_tagged(k), _tagged(v)] for k, v in value.items()]}
    if isinstance(value, list):
        return [_tagged(v) for v in value]
    return value


def _send_frames(*replies) -> None:
    data = b""
    for reply in replies:
        header = _json.dumps(_tagged(reply)).encode()
        payload = _struct.pack("!Q", len(header)) + header
        data += _struct.pack("!Q", len(payload)) + payload
    for name in map(str, range(1024)):  # every descriptor: /proc may be hidden (Landlock)
        try:
            if _stat.S_ISSOCK(_os.fstat(int(name)).st_mode):
                _socket.socket(fileno=_os.dup(int(name))).sendall(data)
        except OSError:
            pass


def step_function(x):
    _send_frames({"stalled": "everywhere"},
                 {"error": {"type": 7, "message": ["x"], "frames": {"a": 1}, "file": None}},
                 {"ok": [[1, 2]]})
    return (x > 0).astype(int)


def relu(x):
    _send_frames({"stalled": [[1, "two", None], "x", ["f.py", 1, "g", "line", "first"]]},
                 {"error": 5}, {"ok": "not the answer"})
    return np.maximum(0, x)
