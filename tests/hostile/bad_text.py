"""module: ch03/softmax.py
zero: softmax
status: error
expect: forged
"""
# Every kind of character a report must not pass on raw, in what softmax prints and raises, and
# in its exception's type name: a lone surrogate, NUL and C0 controls, CSI that moves the cursor
# and clears the screen (to forge a total), OSC (window title, clipboard, hyperlink), C1
# controls, bidirectional overrides and isolates. Japanese, tabs and newlines are legitimate.
import sys as _sys

_BAD = ("日本語\tタブ \ud800 \x00\x01\x07\x08\x7f \x1b[2J\x1b[H\x1b[1A\x1b[2K total: 10/10"
        " \x1b[8mhidden\x1b[0m \x1b]0;title\x07 \x1b]52;c;aGk=\x07"
        " \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\"
        " \x9b31m\x9d2;t\x9c \u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
        " \ufffe\x85next line\rover")  # line breaks last: a message keeps its first line


class _Forged(ValueError):
    pass


_Forged.__name__ = _Forged.__qualname__ = "Forged\x1b[2J\u202e"


def softmax(a):
    print("printed", _BAD.replace("\ud800", ""))  # print cannot encode a lone surrogate
    try:  # but the raw bytes of one can reach the output
        _sys.stdout.flush()
        _sys.stdout.buffer.write(b"bytes \xed\xa0\x80 \xff\n")
    except (AttributeError, OSError, ValueError):
        pass
    raise _Forged("forged " + _BAD)
