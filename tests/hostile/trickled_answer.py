"""module: ch03/softmax.py
zero: softmax
status: timeout
expect: longer than
timeout: 3
"""
# An answer announced as 200 MB and sent one byte every 0.3 s on the session's own socket: each
# byte arrives well within any per-read timeout, the whole answer never within the check's. It
# gives up by itself after 20 s, should nothing stop it.
import os as _os
import socket as _socket
import stat as _stat
import struct as _struct
import time as _time


def softmax(a):
    sockets = []
    for name in map(str, range(1024)):  # every descriptor: /proc may be hidden (Landlock)
        try:
            if _stat.S_ISSOCK(_os.fstat(int(name)).st_mode):
                sockets.append(_socket.socket(fileno=_os.dup(int(name))))
        except OSError:
            pass
    for sock in sockets:
        # the frame's length, then its plain data's length (small, as the judge wants it)
        sock.sendall(_struct.pack("!QQ", 200_000_000, 1000))
    end = _time.monotonic() + 20
    while _time.monotonic() < end:
        for sock in sockets:
            sock.sendall(b" ")
        _time.sleep(0.3)
    return a
